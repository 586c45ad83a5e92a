// diff, subs, free symbols and doit() of unevaluated objects (objects.hpp), and the doit registry.
#include <algorithm>
#include <array>
#include <iterator>
#include <shared_mutex>
#include <unordered_set>

#include "alkahest/calculus.hpp"
#include "alkahest/errors.hpp"
#include "alkahest/objects.hpp"
#include "alkahest/print.hpp"
#include "alkahest/walk.hpp"

namespace alkahest {

namespace {

bool contains(const ExprPool& pool, ExprId expr, ExprId sym) {
  return any_node(pool, expr, [&](ExprId id, const Node&) { return id == sym; });
}

// Which arguments of an object the symbols it binds are bound in. `bound[i]` true: argument i
// lies in the scope of the bound symbols (Integral's integrand, ...).
struct Scope {
  std::vector<ExprId> symbols;  // bound symbols
  std::vector<bool> inside;     // per argument
};

Scope scope_of(const ExprPool& pool, ExprId obj) {
  const Node& n = pool.node(obj);
  Scope s;
  s.inside.assign(n.args.size(), false);
  switch (n.head) {
    case Head::Integral:
    case Head::Sum:
    case Head::Product:
      s.inside[0] = true;
      for (std::size_t i = 1; i < n.args.size(); ++i) {
        const auto& lim = pool.node(n.args[i]).args;
        if (lim.size() == 3) s.symbols.push_back(lim[0]);  // an indefinite integral's x stays free
      }
      break;
    case Head::Limit:
      s.inside[0] = true;
      s.symbols.push_back(n.args[1]);
      break;
    case Head::Subs:
      s.inside[0] = true;
      for (std::size_t i = 1; i < n.args.size(); i += 2) s.symbols.push_back(n.args[i]);
      break;
    case Head::RootOf:
      s.inside[0] = true;
      s.symbols.push_back(n.args[1]);
      break;
    case Head::RootSum:
      s.inside[0] = s.inside[2] = true;
      s.symbols.push_back(n.args[1]);
      break;
    default: break;
  }
  return s;
}

}  // namespace

namespace objects_detail {

std::vector<ExprId> bound_symbols(const ExprPool& pool, ExprId object) { return scope_of(pool, object).symbols; }

}  // namespace objects_detail

// ---- free symbols -----------------------------------------------------------------------------

namespace objects_detail {

std::vector<ExprId> free_symbols_bound_aware(const ExprPool& pool, ExprId expr) {
  std::unordered_map<ExprId, std::vector<ExprId>> memo;  // sorted by id
  std::vector<std::pair<ExprId, bool>> stack{{expr, false}};
  while (!stack.empty()) {
    auto [id, ready] = stack.back();
    stack.pop_back();
    if (memo.count(id)) continue;
    const Node& n = pool.node(id);
    if (!ready && !n.args.empty()) {
      stack.push_back({id, true});
      for (ExprId a : n.args)
        if (!memo.count(a)) stack.push_back({a, false});
      continue;
    }
    std::vector<ExprId> out;
    if (n.kind == Kind::Symbol) out.push_back(id);
    const bool binder = n.kind == Kind::Object;
    const Scope s = binder ? scope_of(pool, id) : Scope{};
    for (std::size_t i = 0; i < n.args.size(); ++i) {
      const auto& child = memo.at(n.args[i]);
      for (ExprId c : child) {
        if (binder && s.inside[i] && std::find(s.symbols.begin(), s.symbols.end(), c) != s.symbols.end()) continue;
        // A limit's own variable (x, a, b) and Subs/RootOf/RootSum/Limit's variable argument are bound.
        if (binder && !s.inside[i] && std::find(s.symbols.begin(), s.symbols.end(), c) != s.symbols.end() &&
            (n.args[i] == c || (is_object(pool, n.args[i], Head::Tuple) && pool.node(n.args[i]).args[0] == c)))
          continue;
        out.push_back(c);
      }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    memo.emplace(id, std::move(out));
  }
  std::vector<ExprId> syms = memo.at(expr);
  std::sort(syms.begin(), syms.end(), [&](ExprId a, ExprId b) { return pool.compare(a, b) < 0; });
  return syms;
}

}  // namespace objects_detail

// ---- diff -------------------------------------------------------------------------------------

namespace objects_detail {

ExprId diff_object(ExprPool& pool, ExprId obj, ExprId x, const std::function<ExprId(ExprId, ExprId)>& d) {
  const Node& n0 = pool.node(obj);
  const Head h = n0.head;
  const std::vector<ExprId> args = n0.args;  // the pool may grow below
  const std::string name = n0.name;
  if (is_boolean(pool, obj))
    throw InvalidArgument("diff: '" + to_string(pool, obj) + "' is a condition, not a function; differentiate the "
                          "Piecewise it is part of");
  if (h == Head::Tuple) throw InvalidArgument("diff: a tuple has no derivative");
  if (!contains(pool, obj, x)) return pool.integer(0);
  const ExprId zero = pool.integer(0);
  auto unevaluated = [&] { return derivative(pool, obj, x, 1); };
  switch (h) {
    case Head::Function: {
      std::vector<ExprId> terms;
      for (std::size_t i = 0; i < args.size(); ++i) {
        const ExprId da = d(args[i], x);
        if (da == zero) continue;
        bool elsewhere = false;
        for (std::size_t j = 0; j < args.size(); ++j)
          if (j != i && contains(pool, args[j], x)) elsewhere = true;
        if (args[i] == x && !elsewhere) {
          terms.push_back(derivative(pool, obj, x, 1));
          continue;
        }
        // d/dx f(.., g(x), ..) = Subs(Derivative(f(.., xi, ..), xi), xi, g(x)) * g'(x), with a dummy
        // xi (bound by the Subs) whose name occurs in no other argument.
        std::string dummy = "_xi_" + std::to_string(i + 1);
        for (;;) {
          const ExprId cand = pool.symbol(dummy);
          bool clash = false;
          for (std::size_t j = 0; j < args.size(); ++j)
            if (j != i && contains(pool, args[j], cand)) clash = true;
          if (!clash) break;
          dummy += "_";
        }
        const ExprId xi = pool.symbol(dummy);
        std::vector<ExprId> with = args;
        with[i] = xi;
        const ExprId fd = derivative(pool, apply_function(pool, name, with), xi, 1);
        const ExprId value = args[i];
        terms.push_back(pool.mul(subs_object(pool, fd, std::span<const ExprId>(&xi, 1), std::span<const ExprId>(&value, 1)), da));
      }
      return pool.add(terms);
    }
    case Head::Derivative: return derivative(pool, obj, x, 1);
    case Head::Subs: {
      const ExprId e = args[0];
      std::vector<ExprId> vs, ws;
      for (std::size_t i = 1; i < args.size(); i += 2) {
        vs.push_back(args[i]);
        ws.push_back(args[i + 1]);
      }
      std::vector<ExprId> terms;
      for (std::size_t i = 0; i < vs.size(); ++i) {
        const ExprId dw = d(ws[i], x);
        if (dw == zero) continue;
        terms.push_back(pool.mul(subs_object(pool, d(e, vs[i]), vs, ws), dw));
      }
      if (std::find(vs.begin(), vs.end(), x) == vs.end()) terms.push_back(subs_object(pool, d(e, x), vs, ws));
      return pool.add(terms);
    }
    case Head::Integral:
    case Head::Sum: {
      if (args.size() != 2) return unevaluated();
      const auto lim = pool.node(args[1]).args;
      const ExprId t = lim[0];
      if (h == Head::Integral && lim.size() == 1) {
        if (t == x) return args[0];
        return integral_object(pool, d(args[0], x), t);
      }
      if (h == Head::Sum) {
        if (t == x || contains(pool, lim[1], x) || contains(pool, lim[2], x)) return unevaluated();
        return sum_object(pool, d(args[0], x), t, lim[1], lim[2]);
      }
      // Leibniz: d/dx int_a^b e dt = e(b) b' - e(a) a' + int_a^b de/dx dt.
      std::vector<ExprId> terms;
      const ExprId db = d(lim[2], x), da = d(lim[1], x);
      auto at = [&](ExprId p) {
        std::unordered_map<ExprId, ExprId> m{{t, p}};
        return subs(pool, args[0], m);
      };
      if (db != zero) terms.push_back(pool.mul(at(lim[2]), db));
      if (da != zero) terms.push_back(pool.neg(pool.mul(at(lim[1]), da)));
      if (t != x) {
        const ExprId de = d(args[0], x);
        if (de != zero) terms.push_back(integral_object(pool, de, t, lim[1], lim[2]));
      }
      return pool.add(terms);
    }
    case Head::Order: {
      // d/dx O(x**n) = O(x**(n-1)) (at 0 and at oo) when x is the only variable.
      if (args.size() == 3 && args[1] == x) {
        const Node& e = pool.node(args[0]);
        ExprId p = zero;
        if (args[0] == x) p = pool.integer(1);
        else if (e.kind == Kind::Pow && e.args[0] == x && pool.node(e.args[1]).kind == Kind::Number) p = e.args[1];
        if (p != zero && pool.node(p).number.is_exact())
          return order_object(pool, pool.pow(x, pool.sub(p, pool.integer(1))), x, args[2]);
      }
      return unevaluated();
    }
    case Head::Piecewise: {
      std::vector<std::pair<ExprId, ExprId>> bs;
      for (std::size_t i = 0; i < args.size(); i += 2) bs.push_back({d(args[i], x), args[i + 1]});
      return piecewise(pool, bs);
    }
    case Head::RootSum:
      if (args[1] != x && !contains(pool, args[0], x)) return root_sum(pool, args[0], args[1], d(args[2], x));
      return unevaluated();
    default: return unevaluated();  // Product, Limit, RootOf: the derivative stays unevaluated
  }
}

// ---- subs -------------------------------------------------------------------------------------

ExprId subs_object_node(ExprPool& pool, ExprId obj, const std::unordered_map<ExprId, ExprId>& mapping,
                        const std::function<ExprId(ExprId, const std::unordered_map<ExprId, ExprId>&)>& sub) {
  const Node& n0 = pool.node(obj);
  const Head h = n0.head;
  const std::vector<ExprId> args = n0.args;
  const std::string name = n0.name;
  if (h == Head::Piecewise) {
    // Conditions first: a branch whose condition becomes false is dropped before its expression
    // is substituted (Piecewise((x**(a+1)/(a+1), Ne(a, -1)), (log(x), True)) at a = -1 must not
    // divide by zero), and nothing after a condition that becomes true is looked at.
    std::vector<ExprId> kept;
    const ExprId truth = boolean(pool, true), falsity = boolean(pool, false);
    for (std::size_t i = 0; i + 1 < args.size(); i += 2) {
      const ExprId c = sub(args[i + 1], mapping);
      if (c == falsity) continue;
      kept.push_back(sub(args[i], mapping));
      kept.push_back(c);
      if (c == truth) break;
    }
    if (kept.empty()) return pool.constant(Constant::NaN);  // no branch applies: undefined
    return make_object(pool, h, kept, name);
  }
  if (h == Head::Derivative || h == Head::Order) {
    // Their variables are free: mapped to a symbol they are renamed; mapped to anything else the
    // object is evaluated there (Subs); keys containing them are not replaced inside.
    std::vector<ExprId> vars;
    if (h == Head::Derivative)
      for (std::size_t i = 1; i < args.size(); i += 2) vars.push_back(args[i]);
    else
      vars.assign(args.begin() + 1, args.end() - 1);
    std::unordered_map<ExprId, ExprId> inner, renames, at;
    for (const auto& [k, v] : mapping) {
      const bool is_var = std::find(vars.begin(), vars.end(), k) != vars.end();
      // Renaming to a symbol the object already holds would merge two variables: evaluate there instead.
      if (is_var) (pool.node(v).kind == Kind::Symbol && !contains(pool, obj, v) ? renames : at).emplace(k, v);
      else if (std::none_of(vars.begin(), vars.end(), [&](ExprId s) { return contains(pool, k, s); }))
        inner.emplace(k, v);
    }
    for (const auto& [k, v] : renames) inner.emplace(k, v);
    std::vector<ExprId> new_args;
    for (std::size_t i = 0; i < args.size(); ++i) {
      const bool is_count = h == Head::Derivative && i >= 2 && i % 2 == 0;
      const bool is_point = h == Head::Order && i + 1 == args.size();
      if (is_count) new_args.push_back(args[i]);
      else if (is_point) new_args.push_back(sub(args[i], mapping));
      else new_args.push_back(sub(args[i], inner));
    }
    ExprId r = make_object(pool, h, new_args, name);
    if (!at.empty()) {
      std::vector<ExprId> vs, ws;
      for (const auto& [k, v] : at) {
        vs.push_back(k);
        ws.push_back(v);
      }
      r = subs_object(pool, r, vs, ws);
    }
    return r;
  }
  const Scope s = scope_of(pool, obj);
  // A value that holds a bound symbol would be captured by it: rename the bound symbol first.
  for (ExprId b : s.symbols) {
    bool capture = false;
    for (const auto& [k, v] : mapping)
      if (!contains(pool, k, b) && contains(pool, v, b) && contains(pool, obj, k)) capture = true;
    if (!capture) continue;
    std::string fresh = pool.node(b).name + "_";
    auto used = [&](ExprId c) {
      if (contains(pool, obj, c)) return true;
      for (const auto& [k, v] : mapping)
        if (contains(pool, k, c) || contains(pool, v, c)) return true;
      return false;
    };
    while (used(pool.symbol(fresh, pool.node(b).facts))) fresh += "_";
    const ExprId nb = pool.symbol(fresh, pool.node(b).facts);
    const std::unordered_map<ExprId, ExprId> rename{{b, nb}};
    std::vector<ExprId> renamed;
    for (std::size_t i = 0; i < args.size(); ++i) {
      const ExprId a = args[i];
      if (s.inside[i] || a == b) {
        renamed.push_back(a == b ? nb : sub(a, rename));
      } else if (is_object(pool, a, Head::Tuple) && pool.node(a).args[0] == b) {
        std::vector<ExprId> lim = pool.node(a).args;
        lim[0] = nb;
        renamed.push_back(tuple(pool, lim));
      } else {
        renamed.push_back(a);
      }
    }
    return subs_object_node(pool, make_object(pool, h, renamed, name), mapping, sub);
  }
  std::unordered_map<ExprId, ExprId> inner;  // the mapping inside the scope of the bound symbols
  for (const auto& [k, v] : mapping)
    if (std::none_of(s.symbols.begin(), s.symbols.end(), [&](ExprId b) { return contains(pool, k, b); }))
      inner.emplace(k, v);
  // An indefinite integral's variable is free: renamed by a symbol, else evaluated there (Subs);
  // never replaced inside the integrand.
  if (h == Head::Integral)
    for (std::size_t i = 1; i < args.size(); ++i) {
      const auto& lim = pool.node(args[i]).args;
      if (lim.size() != 1) continue;
      for (auto it = inner.begin(); it != inner.end();)
        it = contains(pool, it->first, lim[0]) ? inner.erase(it) : std::next(it);
    }
  std::unordered_map<ExprId, ExprId> at;
  std::vector<ExprId> new_args;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const ExprId a = args[i];
    if (s.inside[i]) {
      new_args.push_back(sub(a, inner));
      continue;
    }
    if (is_object(pool, a, Head::Tuple) && (h == Head::Integral || h == Head::Sum || h == Head::Product)) {
      std::vector<ExprId> lim = pool.node(a).args;
      if (lim.size() == 1) {
        auto it = mapping.find(lim[0]);
        if (it != mapping.end()) {
          if (pool.node(it->second).kind == Kind::Symbol && !contains(pool, obj, it->second)) {
            inner.emplace(lim[0], it->second);
            lim[0] = it->second;
            new_args[0] = sub(args[0], inner);
          } else {
            at.emplace(lim[0], it->second);
          }
        }
      } else {
        for (std::size_t j = 1; j < lim.size(); ++j) lim[j] = sub(lim[j], mapping);
      }
      new_args.push_back(tuple(pool, lim));
      continue;
    }
    if (std::find(s.symbols.begin(), s.symbols.end(), a) != s.symbols.end()) {
      new_args.push_back(a);  // the bound variable itself (Limit's x, RootSum's t, Subs' v)
      continue;
    }
    new_args.push_back(sub(a, mapping));
  }
  ExprId r = make_object(pool, h, new_args, name);
  if (!at.empty()) {
    std::vector<ExprId> vs, ws;
    for (const auto& [k, v] : at) {
      vs.push_back(k);
      ws.push_back(v);
    }
    r = subs_object(pool, r, vs, ws);
  }
  return r;
}

}  // namespace objects_detail

// ---- doit -------------------------------------------------------------------------------------

namespace {

struct Registry {
  std::shared_mutex mu;
  std::array<DoitFn, kHeadCount> fns;
};

Registry& registry() {
  static Registry* r = new Registry();  // never destroyed: modules may register from static initialisers
  return *r;
}

}  // namespace

void register_doit(Head h, DoitFn fn) {
  if (static_cast<std::size_t>(h) >= kHeadCount) throw InvalidArgument("register_doit: unknown head");
  Registry& r = registry();
  std::unique_lock lock(r.mu);
  r.fns[static_cast<std::size_t>(h)] = std::move(fn);
}

bool has_doit(Head h) {
  if (static_cast<std::size_t>(h) >= kHeadCount) return false;
  Registry& r = registry();
  std::shared_lock lock(r.mu);
  return static_cast<bool>(r.fns[static_cast<std::size_t>(h)]);
}

ExprId doit(ExprPool& pool, ExprId expr) {
  std::unordered_map<ExprId, ExprId> done;
  std::vector<std::pair<ExprId, bool>> stack{{expr, false}};
  while (!stack.empty()) {
    auto [id, ready] = stack.back();
    stack.pop_back();
    if (done.count(id)) continue;
    const Node& n = pool.node(id);
    if (!ready && !n.args.empty()) {
      stack.push_back({id, true});
      for (ExprId a : n.args)
        if (!done.count(a)) stack.push_back({a, false});
      continue;
    }
    const Kind kind = n.kind;
    const Op op = n.op;
    const Head h = n.head;
    const std::string name = n.name;
    std::vector<ExprId> args;
    bool changed = false;
    for (ExprId a : n.args) {
      args.push_back(done.at(a));
      changed |= args.back() != a;
    }
    ExprId r = id;
    if (changed) {
      switch (kind) {
        case Kind::Add: r = pool.add(args); break;
        case Kind::Mul: r = pool.mul(args); break;
        case Kind::Pow: r = pool.pow(args[0], args[1]); break;
        case Kind::Func: r = pool.func(op, args); break;
        case Kind::Object: r = make_object(pool, h, args, name); break;
        default: break;
      }
    }
    if (pool.node(r).kind == Kind::Object) {
      const Node& rn = pool.node(r);
      const Head rh = rn.head;
      const std::vector<ExprId> ra = rn.args;
      if (rh == Head::Derivative) {
        ExprId v = ra[0];
        for (std::size_t i = 1; i < ra.size(); i += 2)
          for (long k = pool.node(ra[i + 1]).number.integer().get_si(); k > 0; --k) v = diff(pool, v, ra[i]);
        r = v;
      } else if (rh == Head::Subs) {
        std::unordered_map<ExprId, ExprId> m;
        for (std::size_t i = 1; i < ra.size(); i += 2) m.emplace(ra[i], ra[i + 1]);
        r = subs(pool, ra[0], m);
      } else if (static_cast<std::size_t>(rh) < kHeadCount) {
        DoitFn fn;
        {
          Registry& reg = registry();
          std::shared_lock lock(reg.mu);
          fn = reg.fns[static_cast<std::size_t>(rh)];
        }
        if (fn)
          if (auto v = fn(pool, r)) r = *v;
      }
    }
    done.emplace(id, r);
  }
  return done.at(expr);
}

}  // namespace alkahest
