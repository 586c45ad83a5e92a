// diff, subs, eval and free_symbols: iterative post-order walks of the DAG with a memo.
#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_set>

#include "alkahest/rebuild.hpp"
#include "alkahest/calculus.hpp"
#include "alkahest/errors.hpp"
#include "alkahest/print.hpp"
#include "alkahest/objects.hpp"

namespace alkahest {

namespace {

// Calls `leave(id)` once per distinct node reachable from `root`, children before parents.
// `skip(id)` returning true keeps the walk out of that node (it is still left).
template <class Skip, class Leave>
void post_order(const ExprPool& pool, ExprId root, Skip&& skip, Leave&& leave) {
  std::unordered_set<ExprId> done;
  std::vector<std::pair<ExprId, bool>> stack{{root, false}};
  while (!stack.empty()) {
    auto [id, expanded] = stack.back();
    stack.pop_back();
    if (done.count(id)) continue;
    if (expanded || skip(id) || pool.node(id).args.empty()) {
      done.insert(id);
      leave(id);
      continue;
    }
    stack.push_back({id, true});
    const auto& args = pool.node(id).args;
    for (std::size_t i = args.size(); i-- > 0;)
      if (!done.count(args[i])) stack.push_back({args[i], false});
  }
}

}  // namespace

ExprId diff(ExprPool& pool, ExprId expr, ExprId var) {
  if (pool.node(var).kind != Kind::Symbol)
    throw InvalidArgument("diff: the variable must be a symbol, got " + std::string(kind_name(pool.node(var).kind)));
  const ExprId zero = pool.integer(0), one = pool.integer(1);

  // The chain rule along a deep chain (sin(sin(...(x)))) makes each derivative one factor longer
  // than its argument's: interning every one of them costs O(depth^2). So a derivative that is
  // already a long product stays *pending*: a linked list of factors that shares its tail with the
  // argument's derivative, built into one product only where a sum, product or the caller needs
  // it. Short products are built at once, exactly as before.
  constexpr std::size_t kPendingFrom = 32;  // factors
  struct Cell {
    ExprId factor;
    std::int64_t next;  // -1: end
  };
  struct Deriv {
    ExprId value = 0;       // the derivative, when built
    std::int64_t head = -1;  // else: the first cell of its pending factors
    std::size_t length = 0;  // number of factors (pending or built)
  };
  std::vector<Cell> cells;
  std::unordered_map<ExprId, Deriv> d;

  auto factors_of = [&](ExprId e) -> std::size_t {
    const Node& n = pool.node(e);
    return n.kind == Kind::Mul ? n.args.size() : 1;
  };
  auto built = [&](ExprId e) { return Deriv{e, -1, factors_of(e)}; };
  auto value = [&](ExprId child) -> ExprId {
    Deriv& dv = d.at(child);
    if (dv.head >= 0) {
      std::vector<ExprId> fs;
      for (std::int64_t c = dv.head; c >= 0; c = cells[static_cast<std::size_t>(c)].next)
        fs.push_back(cells[static_cast<std::size_t>(c)].factor);
      dv.value = pool.mul(fs);
      dv.head = -1;
    }
    return dv.value;
  };
  auto is_zero = [&](ExprId child) {
    const Deriv& dv = d.at(child);
    return dv.head < 0 && dv.value == zero;
  };
  // front * (derivative of child): pending once long, built while short.
  auto times = [&](std::span<const ExprId> front, ExprId child) -> Deriv {
    Deriv& dv = d.at(child);
    if (dv.head < 0 && dv.length + front.size() < kPendingFrom) {
      std::vector<ExprId> fs(front.begin(), front.end());
      fs.push_back(dv.value);
      return built(pool.mul(fs));
    }
    std::int64_t head = dv.head;
    if (head < 0) {  // start a pending list from the built product's factors
      const Node& n = pool.node(dv.value);
      if (n.kind == Kind::Mul) {
        for (std::size_t i = n.args.size(); i-- > 0;) {
          cells.push_back(Cell{n.args[i], head});
          head = static_cast<std::int64_t>(cells.size()) - 1;
        }
      } else {
        cells.push_back(Cell{dv.value, -1});
        head = static_cast<std::int64_t>(cells.size()) - 1;
      }
    }
    for (std::size_t i = front.size(); i-- > 0;) {
      cells.push_back(Cell{front[i], head});
      head = static_cast<std::int64_t>(cells.size()) - 1;
    }
    return Deriv{0, head, dv.length + front.size()};
  };

  // Objects differentiate by their own rules (objects_calculus.cpp); the walk stays out of them.
  auto is_obj = [&](ExprId id) { return pool.node(id).kind == Kind::Object; };
  post_order(pool, expr, is_obj, [&](ExprId id) {
    const Node& n = pool.node(id);
    Deriv r = built(zero);
    switch (n.kind) {
      case Kind::Object:
        r = built(objects_detail::diff_object(pool, id, var, [&](ExprId e, ExprId v) { return diff(pool, e, v); }));
        break;
      case Kind::Number:
      case Kind::Constant: break;
      case Kind::Symbol: r = built(id == var ? one : zero); break;
      case Kind::Add: {
        std::vector<ExprId> live;
        for (ExprId a : n.args)
          if (!is_zero(a)) live.push_back(a);
        if (live.size() == 1) {  // (u + c)' = u': pending stays pending
          r = d.at(live[0]);
          break;
        }
        std::vector<ExprId> ts;
        for (ExprId a : live) ts.push_back(value(a));
        r = built(pool.add(ts));
        break;
      }
      case Kind::Mul: {
        const std::vector<ExprId> args = n.args;
        std::vector<std::size_t> live;
        for (std::size_t i = 0; i < args.size(); ++i)
          if (!is_zero(args[i])) live.push_back(i);
        if (live.size() == 1) {  // (c*u)' = c*u'
          std::vector<ExprId> others;
          for (std::size_t i = 0; i < args.size(); ++i)
            if (i != live[0]) others.push_back(args[i]);
          r = times(others, args[live[0]]);
          break;
        }
        std::vector<ExprId> ts;
        for (std::size_t i = 0; i < args.size(); ++i) {
          if (is_zero(args[i])) continue;
          std::vector<ExprId> fs(args.begin(), args.end());
          fs[i] = value(args[i]);
          ts.push_back(pool.mul(fs));
        }
        r = built(pool.add(ts));
        break;
      }
      case Kind::Pow: {
        const ExprId b = n.args[0], e = n.args[1];
        const bool db = !is_zero(b), de = !is_zero(e);
        if (db && !de) {  // e * b**(e-1) * db
          const ExprId fs[2] = {e, pool.pow(b, pool.sub(e, one))};
          r = times(fs, b);
          break;
        }
        std::vector<ExprId> ts;
        if (db) {
          ExprId fs[3] = {e, pool.pow(b, pool.sub(e, one)), value(b)};
          ts.push_back(pool.mul(fs));
        }
        if (de) {  // b**e * log(b) * de
          ExprId fs[3] = {id, pool.func(Op::Log, b), value(e)};
          ts.push_back(pool.mul(fs));
        }
        r = built(pool.add(ts));
        break;
      }
      case Kind::Func: {
        const OpInfo& info = op_info(n.op);
        const std::vector<ExprId> args = n.args;  // partial() may grow the pool
        std::vector<std::size_t> live;
        for (std::size_t i = 0; i < args.size(); ++i)
          if (!is_zero(args[i])) live.push_back(i);
        if (live.size() == 1) {  // the chain rule with one factor: may stay pending
          const ExprId partial = info.partial(pool, args, static_cast<int>(live[0]));
          if (partial != zero) r = times(std::span<const ExprId>(&partial, 1), args[live[0]]);
          break;
        }
        std::vector<ExprId> ts;
        for (std::size_t i : live) ts.push_back(pool.mul(info.partial(pool, args, static_cast<int>(i)), value(args[i])));
        r = built(pool.add(ts));
        break;
      }
    }
    d.emplace(id, r);
  });
  return value(expr);
}

std::vector<ExprId> grad(ExprPool& pool, ExprId expr, std::span<const ExprId> vars) {
  // Every symbol node of the DAG, bound or not (a superset of what expr depends on): a variable
  // outside it has derivative 0 without a walk (a Jacobian row is mostly such zeros).
  std::vector<ExprId> present;
  post_order(pool, expr, [](ExprId) { return false; }, [&](ExprId id) {
    if (pool.node(id).kind == Kind::Symbol) present.push_back(id);
  });
  std::sort(present.begin(), present.end());
  std::vector<ExprId> out;
  out.reserve(vars.size());
  for (ExprId v : vars) {
    if (pool.node(v).kind == Kind::Symbol && !std::binary_search(present.begin(), present.end(), v))
      out.push_back(pool.integer(0));
    else
      out.push_back(diff(pool, expr, v));  // (diff also names a variable that is not a symbol)
  }
  return out;
}

ExprId subs(ExprPool& pool, ExprId expr, const std::unordered_map<ExprId, ExprId>& mapping) {
  std::unordered_map<ExprId, ExprId> out;
  post_order(pool, expr, [&](ExprId id) { return mapping.count(id) > 0 || pool.node(id).kind == Kind::Object; }, [&](ExprId id) {
    if (auto it = mapping.find(id); it != mapping.end()) {
      out.emplace(id, it->second);
      return;
    }
    const Node& n = pool.node(id);
    if (n.kind == Kind::Object) {  // bound variables stay (objects_calculus.cpp)
      out.emplace(id, objects_detail::subs_object_node(
                          pool, id, mapping,
                          [&](ExprId e, const std::unordered_map<ExprId, ExprId>& m) { return subs(pool, e, m); }));
      return;
    }
    if (n.args.empty()) {
      out.emplace(id, id);
      return;
    }
    std::vector<ExprId> args;
    args.reserve(n.args.size());
    bool changed = false;
    for (ExprId a : n.args) {
      args.push_back(out.at(a));
      changed |= args.back() != a;
    }
    if (!changed) {
      out.emplace(id, id);
      return;
    }
    const ExprId r = with_args(pool, n.kind, n.op, id, args);
    out.emplace(id, r);
  });
  return out.at(expr);
}

double eval(const ExprPool& pool, ExprId expr, const std::unordered_map<ExprId, double>& values) {
  std::unordered_map<ExprId, double> v;
  // Piecewise, relations and logic evaluate (a condition as 1.0 or 0.0); the walk stays out of
  // every other object, which then raises.
  auto opaque = [&](ExprId id) {
    const Node& n = pool.node(id);
    return n.kind == Kind::Object && n.head != Head::Piecewise && !is_boolean(pool, id);
  };
  post_order(pool, expr, opaque, [&](ExprId id) {
    const Node& n = pool.node(id);
    double r = 0;
    switch (n.kind) {
      case Kind::Object: {
        auto at = [&](std::size_t i) { return v.at(n.args[i]); };
        switch (n.head) {
          case Head::Piecewise:
            r = std::numeric_limits<double>::quiet_NaN();
            for (std::size_t i = 0; i < n.args.size(); i += 2)
              if (at(i + 1) != 0.0) {
                r = at(i);
                break;
              }
            break;
          case Head::Eq: r = at(0) == at(1); break;
          case Head::Ne: r = at(0) != at(1); break;
          case Head::Lt: r = at(0) < at(1); break;
          case Head::Le: r = at(0) <= at(1); break;
          case Head::Gt: r = at(0) > at(1); break;
          case Head::Ge: r = at(0) >= at(1); break;
          case Head::And:
            r = 1;
            for (std::size_t i = 0; i < n.args.size(); ++i) r = r != 0.0 && at(i) != 0.0;
            break;
          case Head::Or:
            for (std::size_t i = 0; i < n.args.size(); ++i) r = r != 0.0 || at(i) != 0.0;
            break;
          case Head::Not: r = at(0) == 0.0; break;
          case Head::True: r = 1; break;
          case Head::False: r = 0; break;
          default:
            throw InvalidArgument("eval: '" + to_string(pool, id) + "' is an unevaluated " +
                                  std::string(head_name(n.head)) +
                                  " object, which has no floating-point value; call doit() first");
        }
        break;
      }
      case Kind::Number: r = n.number.to_double(); break;
      case Kind::Constant: r = constant_double(n.constant, "eval"); break;
      case Kind::Symbol: {
        auto it = values.find(id);
        if (it == values.end())
          throw InvalidArgument("eval: no value given for symbol '" + n.name + "'");
        r = it->second;
        break;
      }
      case Kind::Add:
        for (ExprId a : n.args) r += v.at(a);
        break;
      case Kind::Mul:
        r = 1;
        for (ExprId a : n.args) r *= v.at(a);
        break;
      case Kind::Pow: {
        const Node& e = pool.node(n.args[1]);
        const double b = v.at(n.args[0]);
        if (e.kind == Kind::Number && e.number.is_rational() && e.number.rational() == mpq_class(1, 2)) {
          r = std::sqrt(b);
        } else if (e.kind == Kind::Number && e.number.is_integer() && mpz_odd_p(e.number.integer().get_mpz_t()) &&
                   mpz_sizeinbase(e.number.integer().get_mpz_t(), 2) > 53) {
          // Odd |n| > 2**53 has no odd double: b * b**(|n| - 1) keeps b's sign, as the compiled
          // Program does (src/compile/lower.cpp).
          const mpz_class& n = e.number.integer();
          const double m = Number(mpz_class(abs(n) - 1)).to_double();
          r = b * std::pow(b, m);
          if (n < 0) r = 1.0 / r;
        } else
          r = std::pow(b, v.at(n.args[1]));
        break;
      }
      case Kind::Func: {
        if (!op_info(n.op).numeric && is_real(pool.node(n.args[0]).facts) != true)
          throw InvalidArgument("eval: " + std::string(op_info(n.op).name) +
                                " of a complex argument has no real floating-point evaluation (use evalf)");
        if (op_info(n.op).arity < 0) {  // variable arity (Min, Max): the two-argument value, folded
          double xs[2] = {v.at(n.args[0]), 0.0};
          for (std::size_t i = 1; i < n.args.size(); ++i) {
            xs[1] = v.at(n.args[i]);
            xs[0] = op_info(n.op).eval(xs);
          }
          r = xs[0];
          break;
        }
        double xs[4];
        for (std::size_t i = 0; i < n.args.size(); ++i) xs[i] = v.at(n.args[i]);
        r = op_info(n.op).eval(xs);
        break;
      }
    }
    v.emplace(id, r);
  });
  return v.at(expr);
}

std::vector<ExprId> free_symbols(const ExprPool& pool, ExprId expr) {
  std::vector<ExprId> syms;
  bool binders = false;  // objects that bind symbols (Integral, Sum, ...): the slower exact walk
  auto never = [](ExprId) { return false; };
  post_order(pool, expr, never, [&](ExprId id) {
    const Node& n = pool.node(id);
    if (n.kind == Kind::Symbol) syms.push_back(id);
    if (n.kind == Kind::Object) binders |= !objects_detail::bound_symbols(pool, id).empty();
  });
  if (binders) return objects_detail::free_symbols_bound_aware(pool, expr);
  std::sort(syms.begin(), syms.end(), [&](ExprId a, ExprId b) { return pool.compare(a, b) < 0; });
  return syms;
}

}  // namespace alkahest
