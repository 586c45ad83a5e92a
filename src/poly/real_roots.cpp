// real_roots: isolating intervals with exact dyadic endpoints for the distinct real roots of a
// univariate polynomial over Q. The polynomial is factored over Z (irreducible factors are
// square-free, as Arb's root isolation requires); a linear factor gives its rational root exactly,
// every other factor its real roots from arb_fmpz_poly_complex_roots (real roots listed first, with
// imaginary part exactly zero, each ball holding exactly one root). Balls of different factors are
// refined at doubled precision until no two overlap, so each interval holds exactly one root.
#include <algorithm>

#include "poly/convert.hpp"

namespace alkahest {

namespace poly_detail {

/// The primitive integer polynomial of a univariate conversion (shared with nroots.cpp).
void univariate_integer_poly(fmpz_poly_t out, Converter& c, ExprId poly, ExprId x, const char* who) {
  if (x != 0) c.scan(x);
  c.scan(poly);
  c.build();
  const slong var = univariate_var(c, x);
  QPoly q = c.poly(poly);
  if (q.is_zero()) throw InvalidArgument(std::string(who) + ": the zero polynomial has every number as a root");
  check_algorithm_input(q, who, "the polynomial");
  fmpq_poly_t f;
  fmpq_poly_init(f);
  to_fmpq_poly(f, q, var);
  fmpq_poly_get_numerator(out, f);
  fmpq_poly_clear(f);
  fmpz_poly_primitive_part(out, out);
}

}  // namespace poly_detail

std::vector<RealRootInterval> real_roots(ExprPool& pool, ExprId poly, ExprId x) {
  using namespace poly_detail;
  Converter c(pool, Mode::Exact, "real_roots");
  fmpz_poly_t z;
  fmpz_poly_init(z);
  std::vector<RealRootInterval> out;
  fmpz_poly_factor_t fac;
  fmpz_poly_factor_init(fac);
  try {
    univariate_integer_poly(z, c, poly, x, "real_roots");
    if (fmpz_poly_degree(z) >= 1) fmpz_poly_factor(fac, z);
    for (slong prec = 64;; prec *= 2) {
      if (prec > (1 << 22)) throw AlkahestError("real_roots: could not separate the roots (precision limit reached)");
      out.clear();
      for (slong i = 0; i < fac->num; ++i) {
        const fmpz_poly_struct* f = fac->p + i;
        const slong deg = fmpz_poly_degree(f);
        if (deg == 1) {
          mpq_class r(-to_mpz(f->coeffs + 0), to_mpz(f->coeffs + 1));
          r.canonicalize();
          out.push_back({r, r, static_cast<long>(fac->exp[i])});
          continue;
        }
        acb_ptr roots = _acb_vec_init(deg);
        arb_fmpz_poly_complex_roots(roots, f, 0, prec);
        arf_t lo, hi;
        arf_init(lo);
        arf_init(hi);
        Fmpq q;
        for (slong j = 0; j < deg; ++j) {
          if (!arb_is_zero(acb_imagref(roots + j))) continue;
          arb_get_lbound_arf(lo, acb_realref(roots + j), prec + 32);
          arb_get_ubound_arf(hi, acb_realref(roots + j), prec + 32);
          RealRootInterval iv;
          arf_get_fmpq(q.v, lo);
          iv.lo = to_mpq(q.v);
          arf_get_fmpq(q.v, hi);
          iv.hi = to_mpq(q.v);
          iv.multiplicity = static_cast<long>(fac->exp[i]);
          out.push_back(iv);
        }
        arf_clear(lo);
        arf_clear(hi);
        _acb_vec_clear(roots, deg);
      }
      std::sort(out.begin(), out.end(), [](const RealRootInterval& a, const RealRootInterval& b) { return a.lo < b.lo; });
      bool disjoint = true;
      for (std::size_t k = 1; k < out.size(); ++k)
        if (!(out[k - 1].hi < out[k].lo)) disjoint = false;
      if (disjoint) break;
    }
  } catch (...) {
    fmpz_poly_factor_clear(fac);
    fmpz_poly_clear(z);
    throw;
  }
  fmpz_poly_factor_clear(fac);
  fmpz_poly_clear(z);
  return out;
}

}  // namespace alkahest
