// nroots: every complex root of a univariate polynomial over Q to `digits` certified digits:
// square-free decomposition over Z (FLINT), then Arb's arb_fmpz_poly_complex_roots on each part,
// whose balls are certified to isolate the roots; precision doubles until every part has the
// accuracy asked for.
#include <algorithm>
#include <cmath>

#include "poly/convert.hpp"

namespace alkahest {

namespace poly_detail {
void univariate_integer_poly(fmpz_poly_t out, Converter& c, ExprId poly, ExprId x, const char* who);
}

namespace {

// `v` to `digits` digits relative to `scale` (the root's modulus): a part within the error of 0 is "0".
std::string arb_text(const arb_t v, const acb_t root, long digits, slong want) {
  if (arb_is_zero(v)) return "0";
  if (arb_contains_zero(v)) {
    mag_t m;
    mag_init(m);
    acb_get_mag(m, root);
    const bool negligible = mag_cmp_2exp_si(arb_radref(v), mag_is_zero(m) ? 0 : -want + 4 + static_cast<slong>(std::log2(mag_get_d(m)))) <= 0;
    mag_clear(m);
    if (negligible) return "0";
  }
  char* s = arb_get_str(v, digits, ARB_STR_NO_RADIUS);
  std::string out(s);
  flint_free(s);
  return out;
}

}  // namespace

std::vector<ComplexRoot> nroots(ExprPool& pool, ExprId poly, ExprId x, long digits) {
  using namespace poly_detail;
  if (digits < 1 || digits > PolyLimits::max_digits)
    throw InvalidArgument("nroots: digits must be between 1 and " + std::to_string(PolyLimits::max_digits) + ", got " +
                          std::to_string(digits));
  Converter c(pool, Mode::Exact, "nroots");
  fmpz_poly_t z;
  fmpz_poly_init(z);
  fmpz_poly_factor_t fac;
  fmpz_poly_factor_init(fac);
  std::vector<ComplexRoot> real, complex;
  try {
    univariate_integer_poly(z, c, poly, x, "nroots");
    if (fmpz_poly_degree(z) >= 1) fmpz_poly_factor_squarefree(fac, z);
    const slong want = static_cast<slong>(std::ceil(static_cast<double>(digits) * 3.3219280948873626)) + 8;
    for (slong i = 0; i < fac->num; ++i) {
      const fmpz_poly_struct* f = fac->p + i;
      const slong deg = fmpz_poly_degree(f);
      acb_ptr roots = _acb_vec_init(deg);
      for (slong prec = want;; prec *= 2) {
        if (prec > 64 * want + (1 << 16)) {
          _acb_vec_clear(roots, deg);
          throw AlkahestError("nroots: could not reach the accuracy asked for (precision limit reached)");
        }
        arb_fmpz_poly_complex_roots(roots, f, 0, prec);
        bool ok = true;
        // Accuracy relative to the root's modulus (a real part that is 0 +/- tiny counts as 0).
        for (slong j = 0; j < deg && ok; ++j)
          if (acb_rel_accuracy_bits(roots + j) < want) ok = false;
        if (ok) break;
      }
      for (slong j = 0; j < deg; ++j) {
        ComplexRoot r;
        r.re = arb_text(acb_realref(roots + j), roots + j, digits, want);
        r.im = arb_text(acb_imagref(roots + j), roots + j, digits, want);
        r.re_value = arf_get_d(arb_midref(acb_realref(roots + j)), ARF_RND_NEAR);
        r.im_value = arf_get_d(arb_midref(acb_imagref(roots + j)), ARF_RND_NEAR);
        r.multiplicity = static_cast<long>(fac->exp[i]);
        (arb_is_zero(acb_imagref(roots + j)) ? real : complex).push_back(std::move(r));
      }
      _acb_vec_clear(roots, deg);
    }
  } catch (...) {
    fmpz_poly_factor_clear(fac);
    fmpz_poly_clear(z);
    throw;
  }
  fmpz_poly_factor_clear(fac);
  fmpz_poly_clear(z);
  std::sort(real.begin(), real.end(), [](const auto& a, const auto& b) { return a.re_value < b.re_value; });
  std::sort(complex.begin(), complex.end(), [](const auto& a, const auto& b) {
    return a.re_value != b.re_value ? a.re_value < b.re_value : a.im_value < b.im_value;
  });
  real.insert(real.end(), complex.begin(), complex.end());
  return real;
}

}  // namespace alkahest
