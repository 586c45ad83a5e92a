// radsimp: a square root taken out of a two-term denominator by its conjugate,
// 1/(a + b*sqrt(c)) = (a - b*sqrt(c))/(a**2 - b**2*c), only where the conjugate is proved non-zero
// (is_zero: facts, or a certified enclosure for constants): otherwise the rewrite could divide by 0.
#include "alkahest/evalf.hpp"
#include "alkahest/simplify.hpp"
#include "passes.hpp"
#include "walk.hpp"

namespace alkahest {

using namespace simplify_detail;

namespace {

bool is_radical(const ExprPool& pool, ExprId e) {
  std::vector<ExprId> stack{e};
  while (!stack.empty()) {
    const ExprId id = stack.back();
    stack.pop_back();
    const Node& n = pool.node(id);
    if (n.kind == Kind::Pow) {
      const Node& q = pool.node(n.args[1]);
      if (q.kind == Kind::Number && q.number.is_rational() && q.number.rational().get_den() == 2) return true;
    }
    if (n.kind == Kind::Mul)
      for (ExprId a : n.args) stack.push_back(a);
  }
  return false;
}

}  // namespace

ExprId radsimp(ExprPool& pool, ExprId expr) {
  return bottom_up(pool, expr, [&](ExprId id) {
    const Node& n = pool.node(id);
    if (n.kind != Kind::Pow) return id;
    const Node& q = pool.node(n.args[1]);
    if (q.kind != Kind::Number || !q.number.is_integer() || !q.number.is_negative() || !q.number.fits_long()) return id;
    const Node& d = pool.node(n.args[0]);
    if (d.kind != Kind::Add || d.args.size() != 2) return id;
    if (!is_radical(pool, d.args[0]) && !is_radical(pool, d.args[1])) return id;
    const ExprId conj = pool.sub(d.args[0], d.args[1]);
    if (is_zero(pool, conj) != std::optional<bool>(false)) return id;
    auto den = try_expand(pool, pool.mul(n.args[0], conj));
    if (!den) return id;
    // The new denominator must be free of the square roots.
    for (ExprId t : operands(pool, *den, Kind::Add))
      if (is_radical(pool, t)) return id;
    if (pool.node(*den).kind == Kind::Number && pool.node(*den).number.is_zero()) return id;
    return pool.pow(pool.div(conj, *den), pool.number(-q.number));
  });
}

}  // namespace alkahest
