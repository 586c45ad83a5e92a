// expand: the polynomial structure of an expression (sums, products, non-negative integer powers)
// multiplied out by FLINT over generators picked from it; converted back once, so the result is
// canonical and no intermediate product becomes a pool node.
#include "poly/convert.hpp"

namespace alkahest {

ExprId expand(ExprPool& pool, ExprId expr, bool deep) {
  using namespace poly_detail;
  const Node& n = pool.node(expr);
  if (n.kind == Kind::Number || n.kind == Kind::Symbol) return expr;
  Converter c(pool, Mode::Expand, "expand", deep);
  c.scan(expr);
  c.build();
  return c.expr(c.poly(expr));
}

}  // namespace alkahest
