// cancel: a rational function as p/q in lowest terms (gcd through FLINT), p and q expanded with
// integer coefficients and q's leading coefficient positive.
#include "poly/convert.hpp"

namespace alkahest {

ExprId cancel(ExprPool& pool, ExprId expr) {
  using namespace poly_detail;
  Converter c(pool, Mode::Exact, "cancel");
  c.scan(expr);
  c.build();
  Ratio r = c.ratio(expr);
  if (!r.den) return c.expr(r.num);
  return ratio_expr(c, r.num, *r.den);
}

}  // namespace alkahest
