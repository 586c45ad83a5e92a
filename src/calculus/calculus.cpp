// diff, subs, eval and free_symbols: iterative post-order walks of the DAG with a memo.
#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "alkahest/calculus.hpp"
#include "alkahest/errors.hpp"

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
  std::unordered_map<ExprId, ExprId> d;
  auto never = [](ExprId) { return false; };
  post_order(pool, expr, never, [&](ExprId id) {
    const Node& n = pool.node(id);
    ExprId r = zero;
    switch (n.kind) {
      case Kind::Number: break;
      case Kind::Symbol: r = id == var ? one : zero; break;
      case Kind::Add: {
        std::vector<ExprId> ts;
        for (ExprId a : n.args)
          if (d.at(a) != zero) ts.push_back(d.at(a));
        r = pool.add(ts);
        break;
      }
      case Kind::Mul: {
        std::vector<ExprId> ts;
        for (std::size_t i = 0; i < n.args.size(); ++i) {
          if (d.at(n.args[i]) == zero) continue;
          std::vector<ExprId> fs(n.args.begin(), n.args.end());
          fs[i] = d.at(n.args[i]);
          ts.push_back(pool.mul(fs));
        }
        r = pool.add(ts);
        break;
      }
      case Kind::Pow: {
        const ExprId b = n.args[0], e = n.args[1];
        const ExprId db = d.at(b), de = d.at(e);
        std::vector<ExprId> ts;
        if (db != zero) {  // e * b**(e-1) * db
          ExprId fs[3] = {e, pool.pow(b, pool.sub(e, one)), db};
          ts.push_back(pool.mul(fs));
        }
        if (de != zero) {  // b**e * log(b) * de
          ExprId fs[3] = {id, pool.func(Op::Log, b), de};
          ts.push_back(pool.mul(fs));
        }
        r = pool.add(ts);
        break;
      }
      case Kind::Func: {
        const OpInfo& info = op_info(n.op);
        std::vector<ExprId> ts;
        const std::vector<ExprId> args = n.args;  // partial() may grow the pool
        for (std::size_t i = 0; i < args.size(); ++i) {
          const ExprId da = d.at(args[i]);
          if (da == zero) continue;
          ts.push_back(pool.mul(info.partial(pool, args, static_cast<int>(i)), da));
        }
        r = pool.add(ts);
        break;
      }
    }
    d.emplace(id, r);
  });
  return d.at(expr);
}

std::vector<ExprId> grad(ExprPool& pool, ExprId expr, std::span<const ExprId> vars) {
  std::vector<ExprId> out;
  out.reserve(vars.size());
  for (ExprId v : vars) out.push_back(diff(pool, expr, v));
  return out;
}

ExprId subs(ExprPool& pool, ExprId expr, const std::unordered_map<ExprId, ExprId>& mapping) {
  std::unordered_map<ExprId, ExprId> out;
  post_order(pool, expr, [&](ExprId id) { return mapping.count(id) > 0; }, [&](ExprId id) {
    if (auto it = mapping.find(id); it != mapping.end()) {
      out.emplace(id, it->second);
      return;
    }
    const Node& n = pool.node(id);
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
    const Kind kind = n.kind;
    const Op op = n.op;
    ExprId r = id;
    switch (kind) {
      case Kind::Add: r = pool.add(args); break;
      case Kind::Mul: r = pool.mul(args); break;
      case Kind::Pow: r = pool.pow(args[0], args[1]); break;
      case Kind::Func: r = pool.func(op, args); break;
      default: break;
    }
    out.emplace(id, r);
  });
  return out.at(expr);
}

double eval(const ExprPool& pool, ExprId expr, const std::unordered_map<ExprId, double>& values) {
  std::unordered_map<ExprId, double> v;
  auto never = [](ExprId) { return false; };
  post_order(pool, expr, never, [&](ExprId id) {
    const Node& n = pool.node(id);
    double r = 0;
    switch (n.kind) {
      case Kind::Number: r = n.number.to_double(); break;
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
        if (e.kind == Kind::Number && e.number.is_rational() && e.number.rational() == mpq_class(1, 2))
          r = std::sqrt(b);
        else
          r = std::pow(b, v.at(n.args[1]));
        break;
      }
      case Kind::Func: {
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
  auto never = [](ExprId) { return false; };
  post_order(pool, expr, never, [&](ExprId id) {
    if (pool.node(id).kind == Kind::Symbol) syms.push_back(id);
  });
  std::sort(syms.begin(), syms.end(), [&](ExprId a, ExprId b) { return pool.compare(a, b) < 0; });
  return syms;
}

}  // namespace alkahest
