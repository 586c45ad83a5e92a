// Matching a pattern with wilds against an expression, with associative-commutative matching of
// sums and products: a depth-first search with continuations (each partial match calls the rest
// of the pattern), backtracking over which operand a pattern operand takes and how the operands
// left over are shared among bare wilds. Every step counts against a budget.
#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "alkahest/calculus.hpp"
#include "alkahest/errors.hpp"
#include "alkahest/print.hpp"
#include "alkahest/simplify.hpp"
#include "walk.hpp"

namespace alkahest {

using simplify_detail::bottom_up;
using simplify_detail::contains_any;
using simplify_detail::operands;

namespace {

// A continuation: the rest of the match; true when the whole match succeeded.
class Cont {
 public:
  template <class F>
  Cont(const F& f) : obj_(&f), call_([](const void* o) { return (*static_cast<const F*>(o))(); }) {}  // NOLINT
  bool operator()() const { return call_(obj_); }

 private:
  const void* obj_;
  bool (*call_)(const void*);
};

constexpr std::size_t kMaxPatternNodes = 2000;

struct Matcher {
  Matcher(ExprPool& p, long steps) : pool(p), budget(steps) {}
  ExprPool& pool;
  long budget;
  bool exhausted = false;
  Bindings binds;  // a stack while matching
  std::unordered_map<ExprId, bool> wildy;
  std::unordered_map<ExprId, std::vector<ExprId>> exclude;

  bool wild(ExprId p) {
    if (pool.node(p).kind != Kind::Symbol) return false;
    auto it = exclude.find(p);
    if (it != exclude.end()) return true;
    if (!is_wild(pool, p)) return false;
    exclude.emplace(p, wild_exclude(pool, p));
    return true;
  }

  // Whether the pattern holds a wild; counts its distinct nodes into `nodes`.
  bool has_wild(ExprId p) {
    if (auto it = wildy.find(p); it != wildy.end()) return it->second;
    bool r = wild(p);
    for (ExprId a : pool.node(p).args) r = has_wild(a) || r;
    wildy.emplace(p, r);
    return r;
  }

  const ExprId* bound(ExprId w) const {
    for (const auto& [k, v] : binds)
      if (k == w) return &v;
    return nullptr;
  }

  bool tick() {
    if (--budget < 0) exhausted = true;
    return !exhausted;
  }

  bool bind(ExprId w, ExprId value, Cont k) {
    if (const ExprId* v = bound(w)) return *v == value && k();
    if (contains_any(pool, value, exclude.at(w))) return false;
    binds.emplace_back(w, value);
    if (k()) return true;
    binds.pop_back();
    return false;
  }

  bool m(ExprId e, ExprId p, Cont k) {
    if (!tick()) return false;
    if (!has_wild(p)) return e == p && k();
    if (wild(p)) return bind(p, e, k);
    const Node& pn = pool.node(p);
    const Node& en = pool.node(e);
    switch (pn.kind) {
      case Kind::Add:
      case Kind::Mul: return ac(e, p, pn.kind, k);
      case Kind::Pow: {
        if (en.kind == Kind::Pow &&
            m(en.args[0], pn.args[0], [&] { return m(en.args[1], pn.args[1], k); }))
          return true;
        if (exhausted) return false;
        // e as e**1, and e as (1/e)**-1.
        const ExprId one = pool.integer(1);
        if (has_wild(pn.args[1]) && m(e, pn.args[0], [&] { return m(one, pn.args[1], k); })) return true;
        if (exhausted) return false;
        const Node& pe = pool.node(pn.args[1]);
        if (pe.kind == Kind::Number && pe.number.is_minus_one() && en.kind != Kind::Pow) {
          if (en.kind == Kind::Number && en.number.is_zero()) return false;
          return m(pool.pow(e, pool.integer(-1)), pn.args[0], k);
        }
        return false;
      }
      case Kind::Func:
        if (en.kind != Kind::Func || en.op != pn.op || en.args.size() != pn.args.size()) return false;
        return seq(en.args, pn.args, 0, k);
      default: return false;
    }
  }

  bool seq(const std::vector<ExprId>& es, const std::vector<ExprId>& ps, std::size_t i, Cont k) {
    if (i == ps.size()) return k();
    return m(es[i], ps[i], [&] { return seq(es, ps, i + 1, k); });
  }

  ExprId combine(Kind kind, std::vector<ExprId> xs) {
    return kind == Kind::Add ? pool.add(xs) : pool.mul(xs);
  }

  bool ac(ExprId e, ExprId p, Kind kind, Cont k) {
    const std::vector<ExprId>& pargs = pool.node(p).args;
    // An exact number term (factor) of the pattern is taken out of e: a + 1 matches x + 3 with
    // a = x + 2, 2*a matches 6*x with a = 3*x.
    for (std::size_t i = 0; i < pargs.size(); ++i) {
      const Node& c = pool.node(pargs[i]);
      if (c.kind != Kind::Number || !c.number.is_exact()) continue;
      std::vector<ExprId> rest(pargs);
      rest.erase(rest.begin() + static_cast<long>(i));
      const ExprId rest_p = combine(kind, rest);
      ExprId rest_e;
      if (kind == Kind::Add) {
        rest_e = pool.sub(e, pargs[i]);
      } else {
        if (c.number.is_zero()) return false;
        rest_e = pool.div(e, pargs[i]);
      }
      return m(rest_e, rest_p, k);
    }
    std::vector<ExprId> exact, structured, bare;
    for (ExprId a : pargs) {
      if (!has_wild(a))
        exact.push_back(a);
      else if (wild(a))
        bare.push_back(a);
      else
        structured.push_back(a);
    }
    std::vector<ExprId> rest = operands(pool, e, kind);
    for (ExprId x : exact) {
      auto it = std::find(rest.begin(), rest.end(), x);
      if (it == rest.end()) return false;
      rest.erase(it);
    }
    return assign(structured, 0, rest, bare, kind, k);
  }

  bool assign(const std::vector<ExprId>& structured, std::size_t i, const std::vector<ExprId>& rest,
              const std::vector<ExprId>& bare, Kind kind, Cont k) {
    if (i == structured.size()) return distribute(bare, rest, kind, k);
    for (std::size_t j = 0; j < rest.size(); ++j) {
      std::vector<ExprId> left(rest);
      left.erase(left.begin() + static_cast<long>(j));
      if (m(rest[j], structured[i], [&] { return assign(structured, i + 1, left, bare, kind, k); })) return true;
      if (exhausted) return false;
    }
    return false;
  }

  bool distribute(const std::vector<ExprId>& bare, std::vector<ExprId> rest, Kind kind, Cont k) {
    std::vector<ExprId> unbound;
    for (ExprId w : bare) {
      const ExprId* v = bound(w);
      if (!v) {
        unbound.push_back(w);
        continue;
      }
      for (ExprId o : operands(pool, *v, kind)) {
        auto it = std::find(rest.begin(), rest.end(), o);
        if (it == rest.end()) return false;
        rest.erase(it);
      }
    }
    if (unbound.empty()) return rest.empty() && k();
    if (unbound.size() == 1) return bind(unbound[0], combine(kind, rest), k);
    // Several bare wilds share the operands left over: every assignment of operands to wilds,
    // first those that leave no wild with the identity (log(a*b) splits log(2*x*y)).
    for (int pass = 0; pass < 2; ++pass) {
      if (pass == 0 && rest.size() < unbound.size()) continue;
      std::vector<std::size_t> who(rest.size(), 0);
      for (;;) {
        if (!tick()) return false;
        std::vector<std::vector<ExprId>> groups(unbound.size());
        for (std::size_t j = 0; j < rest.size(); ++j) groups[who[j]].push_back(rest[j]);
        const bool some_empty =
            std::any_of(groups.begin(), groups.end(), [](const std::vector<ExprId>& g) { return g.empty(); });
        if (some_empty == (pass == 1) && bind_groups(unbound, groups, 0, kind, k)) return true;
        if (exhausted) return false;
        std::size_t j = 0;
        while (j < who.size() && ++who[j] == unbound.size()) who[j++] = 0;
        if (j == who.size()) break;
      }
    }
    return false;
  }

  bool bind_groups(const std::vector<ExprId>& ws, const std::vector<std::vector<ExprId>>& groups, std::size_t i,
                   Kind kind, Cont k) {
    if (i == ws.size()) return k();
    return bind(ws[i], combine(kind, groups[i]), [&] { return bind_groups(ws, groups, i + 1, kind, k); });
  }
};

std::size_t distinct_nodes(const ExprPool& pool, ExprId root, std::size_t limit) {
  std::unordered_set<ExprId> seen;
  std::vector<ExprId> stack{root};
  while (!stack.empty() && seen.size() <= limit) {
    const ExprId id = stack.back();
    stack.pop_back();
    if (!seen.insert(id).second) continue;
    for (ExprId a : pool.node(id).args) stack.push_back(a);
  }
  return seen.size();
}

std::string shown(const ExprPool& pool, ExprId id) {
  std::string s = to_string(pool, id);
  if (s.size() > 120) s = s.substr(0, 117) + "...";
  return s;
}

}  // namespace

std::optional<Bindings> match(ExprPool& pool, ExprId expr, ExprId pattern, long max_steps) {
  if (distinct_nodes(pool, pattern, kMaxPatternNodes) > kMaxPatternNodes)
    throw InvalidArgument("match: the pattern has more than " + std::to_string(kMaxPatternNodes) + " nodes");
  Matcher mt(pool, max_steps);
  std::optional<Bindings> result;
  mt.m(expr, pattern, [&] {
    result = mt.binds;
    return true;
  });
  if (result) std::sort(result->begin(), result->end());
  return result;
}

ExprId replace(ExprPool& pool, ExprId expr, ExprId pattern,
               const std::function<std::optional<ExprId>(const Bindings&)>& replacement) {
  if (distinct_nodes(pool, pattern, kMaxPatternNodes) > kMaxPatternNodes)
    throw InvalidArgument("replace: the pattern has more than " + std::to_string(kMaxPatternNodes) + " nodes");
  return bottom_up(pool, expr, [&](ExprId id) {
    auto b = match(pool, id, pattern);
    if (!b) return id;
    auto r = replacement(*b);
    return r ? *r : id;
  });
}

ExprId replace(ExprPool& pool, ExprId expr, ExprId pattern, ExprId replacement) {
  return replace(pool, expr, pattern, [&](const Bindings& b) -> std::optional<ExprId> {
    std::unordered_map<ExprId, ExprId> map(b.begin(), b.end());
    return subs(pool, replacement, map);
  });
}

ExprId rewrite(ExprPool& pool, ExprId expr, std::span<const RewriteRule> rules, long max_steps) {
  if (max_steps < 0) throw InvalidArgument("rewrite: max_steps must be >= 0");
  struct PairHash {
    std::size_t operator()(const std::pair<ExprId, std::size_t>& p) const { return p.first * 1000003u + p.second; }
  };
  std::unordered_set<std::pair<ExprId, std::size_t>, PairHash> seen;
  long steps = 0;
  ExprId e = expr;
  for (bool changed = true; changed;) {
    changed = false;
    for (std::size_t i = 0; i < rules.size(); ++i) {
      const ExprId next = replace(pool, e, rules[i].pattern, rules[i].replacement);
      if (next == e) continue;
      const std::string rule = "rule " + std::to_string(i) + " (" + shown(pool, rules[i].pattern) + " -> " +
                               shown(pool, rules[i].replacement) + ")";
      if (++steps > max_steps)
        throw RewriteLimitError("rewrite: the rules did not reach a fixed point within max_steps=" +
                                std::to_string(max_steps) + " steps (last applied: " + rule + ", giving " +
                                shown(pool, next) + ")");
      if (!seen.insert({next, i}).second)
        throw RewriteLimitError("rewrite: the rules loop: " + rule + " brings back the earlier form " +
                                shown(pool, next));
      e = next;
      changed = true;
    }
  }
  return e;
}

}  // namespace alkahest
