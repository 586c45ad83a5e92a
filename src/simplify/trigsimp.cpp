// trigsimp: a Fu-style search (Fu, Zhong, Zeng 2006). From the input, every rewrite of
// trig_rules.cpp is tried, each result also cancelled (the rational normal form over the
// functions as generators); the cheapest `beam` forms go on to the next step, `depth` steps in all.
// The cheapest form seen is the answer (never costlier than the input).
#include <algorithm>
#include <cmath>
#include <unordered_set>
#include <utility>

#include "alkahest/simplify.hpp"
#include "alkahest/walk.hpp"
#include "passes.hpp"
#include "walk.hpp"

namespace alkahest {

using namespace simplify_detail;

namespace simplify_detail {

bool has_infinity(const ExprPool& pool, ExprId e) {
  return any_node(pool, e, [](ExprId, const Node& n) {
    if (n.kind == Kind::Constant)
      return n.constant != Constant::Pi && n.constant != Constant::E && n.constant != Constant::EulerGamma &&
             n.constant != Constant::I;
    return n.kind == Kind::Number && n.number.is_float() && !std::isfinite(n.number.real());
  });
}

// sec, csc, cot, sech, csch, coth written as 1/cos, 1/sin, 1/tan, ... (what the rules know).
ExprId reciprocal_functions(ExprPool& pool, ExprId e) {
  static const std::pair<Op, Op> pairs[] = {{Op::Sec, Op::Cos},   {Op::Csc, Op::Sin},   {Op::Cot, Op::Tan},
                                            {Op::Sech, Op::Cosh}, {Op::Csch, Op::Sinh}, {Op::Coth, Op::Tanh}};
  return bottom_up(pool, e, [&](ExprId id) {
    const Node& n = pool.node(id);
    if (n.kind == Kind::Func)
      for (const auto& [f, g] : pairs)
        if (n.op == f) return pool.pow(pool.func(g, n.args[0]), pool.integer(-1));
    return id;
  });
}

ExprId trig_search(ExprPool& pool, ExprId expr, const std::function<long(ExprPool&, ExprId)>& cost, int beam,
                   int depth) {
  const std::uint64_t all = kTrigOps | kHypOps | op_bit(Op::Exp);
  // sec(x)*cos(x) is 1 already as a quotient: a candidate even where no search follows.
  const ExprId quotients = has_op(pool, expr, kReciprocalOps) ? reciprocal_functions(pool, expr) : expr;
  const bool search = has_op(pool, quotients, all) && !has_infinity(pool, expr);
  if (!search && quotients == expr) return expr;
  auto score = [&](ExprId e) { return Scored{cost(pool, e), node_count(pool, e), e}; };
  Scored best = score(expr);
  std::unordered_set<ExprId> seen{expr};
  std::vector<Scored> frontier{best};
  if (quotients != expr && seen.insert(quotients).second) {
    const Scored q = score(quotients);
    frontier.push_back(q);
    if (q < best) best = q;
  }
  if (!search) return best.e;
  // A budget of work (the nodes of the forms scored) so that large input ends in bounded time; a
  // form much larger than the input is scored but not searched further.
  const long input_nodes = best.nodes;
  const long max_nodes = 4 * input_nodes + 60;
  long work = 0;
  const long budget = 4000 + 40 * input_nodes;
  auto consider = [&](std::vector<Scored>& next, ExprId e) {
    if (!seen.insert(e).second) return;
    const Scored s = score(e);
    work += s.nodes;
    if (s.nodes <= max_nodes) next.push_back(s);
    if (s < best) best = s;
  };
  consider(frontier, parity(pool, expr));
  const bool hyp = has_op(pool, expr, kHypOps) || has_op(pool, expr, op_bit(Op::Exp));
  for (int step = 0; step < depth && work < budget; ++step) {
    std::vector<Scored> next;
    for (const Scored& f : frontier) {
      if (work >= budget) break;
      std::vector<ExprId> rs;
      rs.push_back(tan_to_sin_cos(pool, f.e));
      rs.push_back(sin_cos_to_tan(pool, f.e));
      rs.push_back(pythagorean(pool, f.e, true));
      rs.push_back(pythagorean(pool, f.e, false));
      rs.push_back(products_to_sums(pool, f.e));
      rs.push_back(reciprocal_squares(pool, f.e));
      if (f.nodes <= 300)
        if (auto x = try_expand(pool, f.e)) rs.push_back(products_to_sums(pool, *x));
      rs.push_back(expand_angles(pool, f.e, false));
      if (hyp) {
        rs.push_back(hyperbolic_to_exp(pool, f.e));
        rs.push_back(exp_to_hyperbolic(pool, f.e));
      }
      for (ExprId r : rs) {
        if (r == f.e || node_count(pool, r) > max_nodes) continue;
        consider(next, r);
        if (auto c = try_cancel(pool, r)) consider(next, *c);
      }
    }
    if (next.empty()) break;
    std::sort(next.begin(), next.end());
    if (next.size() > static_cast<std::size_t>(beam)) next.resize(static_cast<std::size_t>(beam));
    frontier = std::move(next);
  }
  // The best form, also factored and with tan back.
  for (int round = 0; round < 2; ++round) {
    const ExprId b = best.e;
    std::vector<Scored> last;
    if (auto f = try_factor(pool, b)) consider(last, *f);
    consider(last, sin_cos_to_tan(pool, b));
    consider(last, exp_to_hyperbolic(pool, b));
    consider(last, parity(pool, b));
  }
  return best.e;
}

}  // namespace simplify_detail

ExprId trigsimp(ExprPool& pool, ExprId expr) { return trig_search(pool, expr, op_count, 6, 3); }

ExprId expand_trig(ExprPool& pool, ExprId expr) { return expand_angles(pool, expr, true); }

}  // namespace alkahest
