// expand: the polynomial structure of an expression (sums, products, non-negative integer powers)
// multiplied out by FLINT over generators picked from it; converted back once, so the result is
// canonical and no intermediate product becomes a pool node.
#include "poly/convert.hpp"

namespace alkahest {

namespace {
// expand recurses into function arguments (deep) and into the bases of negative powers: bound the
// nesting so that a deeply nested input is an error, not a C stack overflow.
thread_local int expand_nesting = 0;
constexpr int kMaxExpandNesting = 400;
struct NestingGuard {
  NestingGuard() {
    if (++expand_nesting > kMaxExpandNesting) {
      --expand_nesting;
      throw InvalidArgument("expand: the expression nests functions or denominators more than " +
                            std::to_string(kMaxExpandNesting) + " levels deep");
    }
  }
  ~NestingGuard() { --expand_nesting; }
  NestingGuard(const NestingGuard&) = delete;
  NestingGuard& operator=(const NestingGuard&) = delete;
};
}  // namespace

ExprId expand(ExprPool& pool, ExprId expr, bool deep) {
  using namespace poly_detail;
  const Node& n = pool.node(expr);
  if (n.kind == Kind::Number || n.kind == Kind::Symbol) return expr;
  NestingGuard guard;
  Converter c(pool, Mode::Expand, "expand", deep);
  c.scan(expr);
  c.build({}, ORD_DEGREVLEX);
  return c.expr(c.poly(expr));
}

}  // namespace alkahest
