// gcd and lcm of polynomials (FLINT's multivariate gcd), extended to rational functions:
// gcd(a/b, c/d) = gcd(a, c)/lcm(b, d). Over Z the integer contents take part as in SymPy:
// gcd(2*x + 2, 4*x + 4) = 2*x + 2.
#include <numeric>

#include "poly/convert.hpp"

namespace alkahest {

namespace poly_detail {

QPoly poly_gcd(const QPoly& a, const QPoly& b, const std::string& who) {
  QPoly g(a.ctx_ptr());
  if (a.is_zero() && b.is_zero()) return g;
  check_algorithm_input(a, who, "the first argument");
  check_algorithm_input(b, who, "the second argument");
  if (!fmpq_mpoly_gcd(g.get(), a.get(), b.get(), a.ctx()))
    throw PolyLimitError(who + ": FLINT could not compute the gcd (exponents too large)");
  make_primitive(g);
  const auto ca = integer_content(a), cb = integer_content(b);
  if (ca && cb) {
    mpz_class c;
    mpz_gcd(c.get_mpz_t(), ca->get_mpz_t(), cb->get_mpz_t());
    Fmpz f;
    to_fmpz(f.v, c);
    fmpq_mpoly_scalar_mul_fmpz(g.get(), g.get(), f.v, g.ctx());
  }
  return g;
}

QPoly poly_lcm(const QPoly& a, const QPoly& b, const std::string& who) {
  QPoly l(a.ctx_ptr());
  if (a.is_zero() || b.is_zero()) return l;
  QPoly g = poly_gcd(a, b, who);
  check_product(a, b, who);
  fmpq_mpoly_mul(l.get(), a.get(), b.get(), a.ctx());
  fmpq_mpoly_div(l.get(), l.get(), g.get(), a.ctx());
  make_primitive(l);
  const auto ca = integer_content(a), cb = integer_content(b);
  if (ca && cb) {
    mpz_class c;
    mpz_lcm(c.get_mpz_t(), ca->get_mpz_t(), cb->get_mpz_t());
    Fmpz f;
    to_fmpz(f.v, c);
    fmpq_mpoly_scalar_mul_fmpz(l.get(), l.get(), f.v, l.ctx());
  }
  return l;
}

namespace {

ExprId gcd_or_lcm(ExprPool& pool, ExprId a, ExprId b, bool want_gcd) {
  const std::string who = want_gcd ? "gcd" : "lcm";
  Converter c(pool, Mode::Exact, who);
  c.scan(a);
  c.scan(b);
  c.build();
  Ratio ra = c.ratio(a), rb = c.ratio(b);
  QPoly one = c.constant(1);
  const QPoly& da = ra.den ? *ra.den : one;
  const QPoly& db = rb.den ? *rb.den : one;
  QPoly top = want_gcd ? poly_gcd(ra.num, rb.num, who) : poly_lcm(ra.num, rb.num, who);
  if (!ra.den && !rb.den) return c.expr(top);
  QPoly bottom = want_gcd ? poly_lcm(da, db, who) : poly_gcd(da, db, who);
  return ratio_expr(c, top, bottom);
}

}  // namespace
}  // namespace poly_detail

ExprId gcd(ExprPool& pool, ExprId a, ExprId b) { return poly_detail::gcd_or_lcm(pool, a, b, true); }
ExprId lcm(ExprPool& pool, ExprId a, ExprId b) { return poly_detail::gcd_or_lcm(pool, a, b, false); }

}  // namespace alkahest
