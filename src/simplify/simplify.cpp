// simplify: the passes combined, the cheapest form kept. Function arguments are simplified first
// (innermost first, each once), then the whole: powers, logarithms, the rational forms (cancel,
// together, factor), radicals, and the trigonometric/hyperbolic search. Every candidate is an
// identity of the input, so the answer is the cheapest of them by the cost (op_count by default),
// ties broken by the node count; the input itself is a candidate, so nothing costlier comes out.
#include <unordered_map>

#include "alkahest/simplify.hpp"
#include "passes.hpp"
#include "walk.hpp"

namespace alkahest {

using namespace simplify_detail;


namespace {

constexpr std::uint32_t kMaxDepth = 1000;  // deeper input comes back unchanged

// The factors with negative exponents kept, the others multiplied out.
std::optional<ExprId> expand_numerator(ExprPool& pool, ExprId e) {
  const Node& n = pool.node(e);
  if (n.kind != Kind::Mul) return std::nullopt;
  std::vector<ExprId> num, den;
  for (ExprId f : n.args) {
    const Node& fn = pool.node(f);
    const bool neg = fn.kind == Kind::Pow && pool.node(fn.args[1]).kind == Kind::Number &&
                     pool.node(fn.args[1]).number.is_negative();
    (neg ? den : num).push_back(f);
  }
  if (den.empty() || num.empty()) return std::nullopt;
  auto x = try_expand(pool, pool.mul(num));
  if (!x) return std::nullopt;
  den.push_back(*x);
  return pool.mul(den);
}

// gamma(u + k)/gamma(u) = u*(u + 1)*...*(u + k - 1) for integers 1 <= k <= 12 (and its inverse).
ExprId gamma_ratios(ExprPool& pool, ExprId e) {
  return bottom_up(pool, e, [&](ExprId id) {
    const Node& n = pool.node(id);
    if (n.kind != Kind::Mul) return id;
    for (ExprId f : n.args) {
      auto [gb, ge] = pool.as_base_exp(f);
      const Node& g = pool.node(gb);
      // (gamma(a)/gamma(b))**k with an integer k: a non-integer power does not split that way.
      if (g.kind != Kind::Func || g.op != Op::Gamma || pool.node(ge).kind != Kind::Number ||
          !pool.node(ge).number.is_integer())
        continue;
      for (ExprId h : n.args) {
        auto [hb, he] = pool.as_base_exp(h);
        const Node& hg = pool.node(hb);
        if (h == f || hg.kind != Kind::Func || hg.op != Op::Gamma || pool.node(he).kind != Kind::Number) continue;
        if (pool.add(ge, he) != pool.integer(0)) continue;
        const Node& d = pool.node(pool.sub(g.args[0], hg.args[0]));
        if (d.kind != Kind::Number || !d.number.is_integer() || d.number.sign() <= 0 || !d.number.fits_long() ||
            d.number.integer() > 12)
          continue;
        std::vector<ExprId> prod;
        for (long i = 0; i < d.number.integer().get_si(); ++i) prod.push_back(pool.add(hg.args[0], pool.integer(i)));
        std::vector<ExprId> out;
        for (ExprId k : n.args)
          if (k != f && k != h) out.push_back(k);
        out.push_back(pool.pow(pool.mul(prod), ge));
        return pool.mul(out);
      }
    }
    return id;
  });
}

struct Simplifier {
  ExprPool& pool;
  const SimplifyOptions& options;
  std::function<long(ExprPool&, ExprId)> cost;
  std::unordered_map<ExprId, ExprId> memo;

  ExprId run(ExprId expr) {
    if (auto it = memo.find(expr); it != memo.end()) return it->second;
    const ExprId inner = bottom_up(pool, expr, [&](ExprId id) {
      const Node& n = pool.node(id);
      if (n.kind != Kind::Func) return id;
      std::vector<ExprId> args;
      bool changed = false;
      for (ExprId a : n.args) {
        args.push_back(pool.node(a).args.empty() ? a : whole(a));
        changed |= args.back() != a;
      }
      return changed ? pool.func(n.op, args) : id;
    });
    const ExprId r = whole(inner);
    const ExprId out = cost(pool, r) <= cost(pool, expr) ? r : expr;
    memo.emplace(expr, out);
    return out;
  }

  ExprId whole(ExprId e) {
    if (auto it = memo.find(e); it != memo.end()) return it->second;
    Scored best{cost(pool, e), node_count(pool, e), e};
    auto consider = [&](std::optional<ExprId> c) {
      if (!c) return;
      const Scored s{cost(pool, *c), node_count(pool, *c), *c};
      if (s < best) best = s;
    };
    auto rational = [&](ExprId x) {
      consider(x);
      consider(try_cancel(pool, x));
      consider(try_together(pool, x));
      consider(try_factor(pool, x));
      consider(try_expand(pool, x));
      consider(expand_numerator(pool, x));
    };
    consider(parity(pool, e));
    consider(gamma_ratios(pool, e));
    const ExprId p = powsimp(pool, e);
    rational(e);
    if (p != e) rational(p);
    consider(logcombine(pool, p));
    consider(expand_log(pool, p));
    consider(radsimp(pool, best.e));
    if (has_op(pool, e, kTrigOps | kHypOps | kReciprocalOps | op_bit(Op::Exp))) {
      const ExprId start = best.e;
      const ExprId t = trig_search(pool, start, cost, options.beam, options.depth);
      if (t != start) rational(t);
      if (start != e) consider(trig_search(pool, e, cost, options.beam, options.depth));
    }
    if (best.e != e) rational(best.e);
    memo.emplace(e, best.e);
    return best.e;
  }
};

}  // namespace

ExprId simplify(ExprPool& pool, ExprId expr, const SimplifyOptions& options) {
  if (pool.node(expr).depth > kMaxDepth) return expr;
  Simplifier s{pool, options, options.cost ? options.cost : std::function<long(ExprPool&, ExprId)>(op_count), {}};
  return s.run(expr);
}

}  // namespace alkahest
