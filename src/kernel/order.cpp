// The Order object O(e) as v1..vk -> p: its canonical form and the rules of sums and products with
// it. Terms are compared as monomials in the variables (factors free of them are constants):
// at 0, O(x**n) absorbs x**m for m >= n; at oo (and -oo), for m <= n. Terms that are not such
// monomials (sin(x), exp(x)) are never absorbed: the sum keeps them, which is not simplest but
// never wrong.
#include <algorithm>
#include <unordered_set>

#include "alkahest/errors.hpp"
#include "alkahest/objects.hpp"
#include "alkahest/print.hpp"
#include "alkahest/walk.hpp"

namespace alkahest {

namespace {

bool contains_any(const ExprPool& pool, ExprId expr, std::span<const ExprId> syms) {
  std::vector<ExprId> stack{expr};
  std::unordered_set<ExprId> seen;
  while (!stack.empty()) {
    const ExprId id = stack.back();
    stack.pop_back();
    if (std::find(syms.begin(), syms.end(), id) != syms.end()) return true;
    if (!seen.insert(id).second) continue;
    for (ExprId a : pool.node(id).args) stack.push_back(a);
  }
  return false;
}

// Exponents of `term` in `vars` when it is c * v1**e1 * ... * vk**ek with c free of the vars and
// exact exponents; nullopt otherwise.
std::optional<std::vector<Number>> monomial(const ExprPool& pool, ExprId term, std::span<const ExprId> vars) {
  std::vector<Number> exps(vars.size(), Number(0L));
  const Node& t = pool.node(term);
  std::span<const ExprId> factors(&term, 1);
  if (t.kind == Kind::Mul) factors = t.args;
  for (ExprId f : factors) {
    const Node& n = pool.node(f);
    ExprId base = f;
    Number e(1L);
    if (n.kind == Kind::Pow && pool.node(n.args[1]).kind == Kind::Number && pool.node(n.args[1]).number.is_exact()) {
      base = n.args[0];
      e = pool.node(n.args[1]).number;
    }
    const auto it = std::find(vars.begin(), vars.end(), base);
    if (it != vars.end()) {
      const std::size_t i = static_cast<std::size_t>(it - vars.begin());
      exps[i] = exps[i] + e;
      continue;
    }
    if (contains_any(pool, f, vars)) return std::nullopt;
  }
  return exps;
}

// Whether a term of exponents `t` is O(monomial of exponents `o`) at the point.
bool absorbed(const std::vector<Number>& t, const std::vector<Number>& o, bool at_infinity) {
  for (std::size_t i = 0; i < t.size(); ++i) {
    const int c = Number::compare(t[i], o[i]);
    if (at_infinity ? c > 0 : c < 0) return false;
  }
  return true;
}

ExprId monomial_expr(ExprPool& pool, std::span<const ExprId> vars, const std::vector<Number>& exps) {
  std::vector<ExprId> fs;
  for (std::size_t i = 0; i < vars.size(); ++i)
    if (!exps[i].is_zero()) fs.push_back(pool.pow(vars[i], pool.number(exps[i])));
  return fs.empty() ? pool.integer(1) : pool.mul(fs);
}

struct OrderView {
  ExprId expr;
  std::span<const ExprId> vars;
  ExprId point;
};

OrderView view(const ExprPool& pool, ExprId o) {
  const auto& a = pool.node(o).args;
  return {a[0], std::span<const ExprId>(a).subspan(1, a.size() - 2), a.back()};
}

// The point is one where monomials compare: 0 (nullopt: not such a point), oo or -oo (true).
std::optional<bool> point_kind(const ExprPool& pool, ExprId p) {
  const Node& n = pool.node(p);
  if (n.kind == Kind::Number && n.number.is_exact() && n.number.is_zero()) return false;
  if (pool.is_constant(p, Constant::Infinity) || pool.is_constant(p, Constant::NegativeInfinity)) return true;
  return std::nullopt;
}

// The exponents of an Order's expression when it is a monomial at a comparable point.
std::optional<std::vector<Number>> order_monomial(const ExprPool& pool, ExprId o, bool* at_infinity) {
  const OrderView v = view(pool, o);
  const auto pk = point_kind(pool, v.point);
  if (!pk) return std::nullopt;
  *at_infinity = *pk;
  return monomial(pool, v.expr, v.vars);
}

bool same_frame(const ExprPool& pool, ExprId a, ExprId b) {
  const OrderView va = view(pool, a), vb = view(pool, b);
  return va.point == vb.point && std::equal(va.vars.begin(), va.vars.end(), vb.vars.begin(), vb.vars.end());
}

// Whether the Order `o` absorbs the term (or Order) `t`.
bool absorbs(const ExprPool& pool, ExprId o, ExprId t) {
  if (view(pool, o).vars.empty()) {  // O(1) without variables bounds constants only
    std::vector<ExprId> stack{t};
    while (!stack.empty()) {
      const ExprId id = stack.back();
      stack.pop_back();
      if (pool.node(id).kind == Kind::Symbol || pool.node(id).kind == Kind::Object) return false;
      for (ExprId a : pool.node(id).args) stack.push_back(a);
    }
    return true;
  }
  bool inf = false;
  const auto oe = order_monomial(pool, o, &inf);
  if (!oe) return false;
  ExprId term = t;
  if (is_object(pool, t, Head::Order)) {
    if (!same_frame(pool, o, t)) return false;
    term = view(pool, t).expr;
  }
  const auto te = monomial(pool, term, view(pool, o).vars);
  return te && absorbed(*te, *oe, inf);
}

}  // namespace

ExprId order_object(ExprPool& pool, ExprId expr, std::span<const ExprId> vars_in, ExprId point) {
  objects_detail::check_numeric_operand(pool, expr, "O");
  objects_detail::check_numeric_operand(pool, point, "O");
  std::vector<ExprId> vars(vars_in.begin(), vars_in.end());
  for (ExprId v : vars)
    if (pool.node(v).kind != Kind::Symbol)
      throw InvalidArgument("O: the variables must be symbols, got '" + to_string(pool, v) + "'");
  if (vars.empty()) {  // the symbols of the expression
    any_node(pool, expr, [&](ExprId id, const Node& n) {
      if (n.kind == Kind::Symbol) vars.push_back(id);
      return false;
    });
  }
  std::sort(vars.begin(), vars.end(), [&](ExprId a, ExprId b) { return pool.compare(a, b) < 0; });
  if (std::adjacent_find(vars.begin(), vars.end()) != vars.end())
    throw InvalidArgument("O: a variable is given twice");
  if (contains_any(pool, point, vars))
    throw InvalidArgument("O: the point '" + to_string(pool, point) + "' depends on the variables");
  const Node& en = pool.node(expr);
  if (en.kind == Kind::Number && en.number.is_exact() && en.number.is_zero()) return expr;  // O(0) = 0
  if (is_object(pool, expr, Head::Order)) {
    const OrderView v = view(pool, expr);
    if (v.point == point && std::equal(v.vars.begin(), v.vars.end(), vars.begin(), vars.end())) return expr;
  }
  if (point_kind(pool, point)) {
    const bool inf = *point_kind(pool, point);
    std::span<const ExprId> terms(&expr, 1);
    if (en.kind == Kind::Add) terms = en.args;
    std::vector<std::vector<Number>> monos;
    bool all = true;
    for (ExprId t : terms) {
      auto m = monomial(pool, t, vars);
      if (!m) {
        all = false;
        break;
      }
      monos.push_back(std::move(*m));
    }
    if (all) {  // keep the terms no other term absorbs (the leading ones), without coefficients
      std::vector<ExprId> kept;
      for (std::size_t i = 0; i < monos.size(); ++i) {
        bool dominated = false;
        for (std::size_t j = 0; j < monos.size() && !dominated; ++j)
          if (j != i && absorbed(monos[i], monos[j], inf) && (!absorbed(monos[j], monos[i], inf) || j < i))
            dominated = true;
        if (!dominated) kept.push_back(monomial_expr(pool, vars, monos[i]));
      }
      expr = pool.add(kept);
    } else if (en.kind == Kind::Mul) {  // drop the factors free of the variables
      std::vector<ExprId> fs;
      for (ExprId f : en.args)
        if (contains_any(pool, f, vars)) fs.push_back(f);
      expr = pool.mul(fs);
    }
  }
  if (!contains_any(pool, expr, vars)) expr = pool.integer(1);
  std::vector<ExprId> args{expr};
  args.insert(args.end(), vars.begin(), vars.end());
  args.push_back(point);
  Node n(Kind::Object);
  n.head = Head::Order;
  n.args = std::move(args);
  return pool.intern(std::move(n));
}

ExprId order_object(ExprPool& pool, ExprId expr, ExprId var, ExprId point) {
  return order_object(pool, expr, std::span<const ExprId>(&var, 1), point);
}

namespace objects_detail {

std::optional<ExprId> add_objects(ExprPool& pool, std::span<const ExprId> input) {
  std::vector<ExprId> terms;
  for (ExprId t : input) {
    const Node& n = pool.node(t);
    if (n.kind == Kind::Add) terms.insert(terms.end(), n.args.begin(), n.args.end());
    else terms.push_back(t);
  }
  std::vector<ExprId> orders, others;
  for (ExprId t : terms) {
    check_numeric_operand(pool, t, "+");
    (is_object(pool, t, Head::Order) ? orders : others).push_back(t);
  }
  if (orders.empty()) return std::nullopt;
  // The Orders no other Order absorbs.
  std::vector<ExprId> kept;
  for (ExprId o : orders) {
    if (std::find(kept.begin(), kept.end(), o) != kept.end()) continue;
    if (std::any_of(kept.begin(), kept.end(), [&](ExprId k) { return absorbs(pool, k, o); })) continue;
    kept.erase(std::remove_if(kept.begin(), kept.end(), [&](ExprId k) { return absorbs(pool, o, k); }), kept.end());
    kept.push_back(o);
  }
  std::vector<ExprId> rest_terms;
  for (ExprId t : others)
    if (!std::any_of(kept.begin(), kept.end(), [&](ExprId o) { return absorbs(pool, o, t); })) rest_terms.push_back(t);
  const ExprId rest = pool.add(rest_terms);
  std::vector<ExprId> args;
  const Node& rn = pool.node(rest);
  if (rn.kind == Kind::Add) args = rn.args;
  else if (!(rn.kind == Kind::Number && rn.number.is_exact() && rn.number.is_zero())) args.push_back(rest);
  // A term the Orders absorb may hide inside the rest again (x**4 + O(x**3) + ...): check once more.
  args.erase(std::remove_if(args.begin(), args.end(),
                            [&](ExprId t) { return std::any_of(kept.begin(), kept.end(), [&](ExprId o) { return absorbs(pool, o, t); }); }),
             args.end());
  args.insert(args.end(), kept.begin(), kept.end());
  if (args.size() == 1) return args[0];
  auto first_other = args.begin();
  if (pool.node(args[0]).kind == Kind::Number) ++first_other;
  std::sort(first_other, args.end(), [&](ExprId a, ExprId b) { return pool.compare(a, b) < 0; });
  Node n(Kind::Add);
  n.args = std::move(args);
  return pool.intern(std::move(n));
}

std::optional<ExprId> mul_objects(ExprPool& pool, std::span<const ExprId> input) {
  std::vector<ExprId> factors;
  for (ExprId f : input) {
    const Node& n = pool.node(f);
    if (n.kind == Kind::Mul) factors.insert(factors.end(), n.args.begin(), n.args.end());
    else factors.push_back(f);
  }
  std::vector<ExprId> orders, others;
  for (ExprId f : factors) {
    check_numeric_operand(pool, f, "*");
    (is_object(pool, f, Head::Order) ? orders : others).push_back(f);
  }
  if (orders.empty()) return std::nullopt;
  for (ExprId o : orders)
    if (!same_frame(pool, o, orders[0])) return std::nullopt;  // Orders at different points: a plain product
  const OrderView v = view(pool, orders[0]);
  std::vector<ExprId> parts;
  for (ExprId o : orders) parts.push_back(view(pool, o).expr);
  for (ExprId f : others) {
    const Node& n = pool.node(f);
    if (n.kind == Kind::Number) {
      if (n.number.is_exact() && n.number.is_zero()) return pool.integer(0);
      continue;  // c*O(e) = O(e)
    }
    if (!contains_any(pool, f, v.vars)) continue;  // a factor free of the variables is a constant
    if (n.kind == Kind::Add)
      for (ExprId t : n.args)
        if (is_object(pool, t, Head::Order)) return std::nullopt;  // (x + O(x**2))*O(x): left as a product
    parts.push_back(f);
  }
  const std::vector<ExprId> vars(v.vars.begin(), v.vars.end());
  return order_object(pool, pool.mul(parts), vars, v.point);
}

std::optional<ExprId> pow_objects(ExprPool& pool, ExprId base, ExprId exp) {
  check_numeric_operand(pool, base, "**");
  check_numeric_operand(pool, exp, "**");
  const Node& e = pool.node(exp);
  if (is_object(pool, base, Head::Order) && e.kind == Kind::Number && e.number.is_integer() && e.number.sign() > 0) {
    const OrderView v = view(pool, base);
    const std::vector<ExprId> vars(v.vars.begin(), v.vars.end());
    return order_object(pool, pool.pow(v.expr, exp), vars, v.point);
  }
  return std::nullopt;
}

}  // namespace objects_detail

}  // namespace alkahest
