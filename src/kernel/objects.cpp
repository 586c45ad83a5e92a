// Unevaluated objects (Kind::Object): heads, validation and the canonical constructors. The Order
// rules live in order.cpp; diff, subs and doit of objects in src/calculus/objects_calculus.cpp.
#include "alkahest/objects.hpp"

#include <algorithm>
#include <unordered_set>

#include "alkahest/errors.hpp"
#include "alkahest/print.hpp"
#include "alkahest/walk.hpp"
#include "kernel/identifier.hpp"

namespace alkahest {

namespace {

constexpr std::string_view kHeadNames[kHeadCount] = {
    "Function", "Derivative", "Integral", "Sum", "Product", "Limit", "O",   "Subs",
    "Eq",       "Ne",         "Lt",       "Le",  "Gt",      "Ge",    "And", "Or",
    "Not",      "True",       "False",    "Piecewise", "RootOf", "RootSum", "Tuple", "AccumBounds"};

std::string show(const ExprPool& pool, ExprId id) { return to_string(pool, id); }

ExprId intern_object(ExprPool& pool, Head h, std::vector<ExprId> args, std::string_view name = {}) {
  Node n(Kind::Object);
  n.head = h;
  n.name = std::string(name);
  n.args = std::move(args);
  return pool.intern(std::move(n));
}

[[noreturn]] void bad(std::string_view who, const std::string& what) {
  throw InvalidArgument(std::string(who) + ": " + what);
}

void need_symbol(const ExprPool& pool, ExprId id, std::string_view who, std::string_view role) {
  if (pool.node(id).kind != Kind::Symbol)
    bad(who, std::string(role) + " must be a symbol, got '" + show(pool, id) + "'");
}

void need_value(const ExprPool& pool, ExprId id, std::string_view who) {
  if (pool.node(id).kind == Kind::Object) objects_detail::check_numeric_operand(pool, id, who);
}

void need_condition(const ExprPool& pool, ExprId id, std::string_view who) {
  if (!is_boolean(pool, id))
    bad(who, "a condition must be a relation (Eq, Lt, ...), And/Or/Not or True/False, got '" + show(pool, id) + "'");
}

// Whether `sym` occurs anywhere in `expr` (bound occurrences included: a conservative "may depend").
bool contains(const ExprPool& pool, ExprId expr, ExprId sym) {
  return any_node(pool, expr, [&](ExprId id, const Node&) { return id == sym; });
}

long exact_long(const ExprPool& pool, ExprId id, std::string_view who, std::string_view role) {
  const Node& n = pool.node(id);
  if (n.kind != Kind::Number || !n.number.is_integer() || !n.number.fits_long())
    bad(who, std::string(role) + " must be an integer, got '" + show(pool, id) + "'");
  return n.number.integer().get_si();
}

// Degree of `poly` in `x` when it is a polynomial in x (products, sums, non-negative integer powers
// of x, coefficients free of x), else nullopt. Iterative over a memo (no recursion).
std::optional<long> poly_degree(const ExprPool& pool, ExprId poly, ExprId x) {
  std::unordered_map<ExprId, long> deg;  // -1: not a polynomial
  std::vector<std::pair<ExprId, bool>> stack{{poly, false}};
  while (!stack.empty()) {
    auto [id, ready] = stack.back();
    stack.pop_back();
    if (deg.count(id)) continue;
    const Node& n = pool.node(id);
    if (id == x) { deg[id] = 1; continue; }
    if (!contains(pool, id, x)) { deg[id] = 0; continue; }
    const bool walk = n.kind == Kind::Add || n.kind == Kind::Mul || n.kind == Kind::Pow;
    if (!walk) { deg[id] = -1; continue; }
    if (!ready) {
      stack.push_back({id, true});
      for (ExprId a : n.args) stack.push_back({a, false});
      continue;
    }
    long d = 0;
    if (n.kind == Kind::Pow) {
      const Node& e = pool.node(n.args[1]);
      const long b = deg.at(n.args[0]);
      if (b < 0 || e.kind != Kind::Number || !e.number.is_integer() || !e.number.fits_long() || e.number.sign() < 0)
        d = -1;
      else
        d = b * e.number.integer().get_si();
    } else {
      for (ExprId a : n.args) {
        const long da = deg.at(a);
        if (da < 0) { d = -1; break; }
        d = n.kind == Kind::Add ? std::max(d, da) : d + da;
      }
    }
    deg[id] = d;
  }
  const long d = deg.at(poly);
  if (d < 0) return std::nullopt;
  return d;
}

bool reserved_function_name(std::string_view name) {
  static const std::unordered_set<std::string_view> reserved = {
      "sqrt", "Abs", "ceil", "ceiling", "inf", "nan", "pi", "E", "I", "oo", "zoo", "EulerGamma", "Lambda",
      "Function", "CRootOf", "Order",
      "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def",
      "del", "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda",
      "nonlocal", "not", "or", "pass", "raise", "return", "try", "while", "with", "yield"};
  return find_op(name) != nullptr || reserved.count(name) > 0 || find_head(name).has_value();
}

std::vector<ExprId> as_vector(std::span<const ExprId> s) { return std::vector<ExprId>(s.begin(), s.end()); }

}  // namespace

std::string_view head_name(Head h) {
  const auto i = static_cast<std::size_t>(h);
  return i < kHeadCount ? kHeadNames[i] : std::string_view("?");
}

std::optional<Head> find_head(std::string_view name) {
  if (name == "Order") return Head::Order;
  if (name == "CRootOf") return Head::RootOf;
  for (std::size_t i = 1; i < kHeadCount; ++i)
    if (kHeadNames[i] == name) return static_cast<Head>(i);
  return std::nullopt;
}

bool is_object(const ExprPool& pool, ExprId id) { return pool.node(id).kind == Kind::Object; }
bool is_object(const ExprPool& pool, ExprId id, Head h) {
  const Node& n = pool.node(id);
  return n.kind == Kind::Object && n.head == h;
}

Head head_of(const ExprPool& pool, ExprId id) {
  const Node& n = pool.node(id);
  if (n.kind != Kind::Object) throw InvalidArgument("head_of: '" + show(pool, id) + "' is not an unevaluated object");
  return n.head;
}

bool is_relation_head(Head h) { return h >= Head::Eq && h <= Head::Ge; }

bool is_boolean(const ExprPool& pool, ExprId id) {
  const Node& n = pool.node(id);
  return n.kind == Kind::Object && n.head >= Head::Eq && n.head <= Head::False;
}

namespace objects_detail {
void check_numeric_operand(const ExprPool& pool, ExprId id, std::string_view what) {
  const Node& n = pool.node(id);
  if (n.kind != Kind::Object) return;
  if (is_boolean(pool, id))
    throw InvalidArgument(std::string(what) + ": '" + show(pool, id) +
                          "' is a condition (true or false), not a number; use Piecewise to turn conditions into values");
  if (n.head == Head::Tuple)
    throw InvalidArgument(std::string(what) + ": the tuple '" + show(pool, id) +
                          "' is not a number (tuples only give the limits of Integral, Sum, Product)");
}
}  // namespace objects_detail

// ---- constructors -----------------------------------------------------------------------------

ExprId boolean(ExprPool& pool, bool value) { return intern_object(pool, value ? Head::True : Head::False, {}); }

ExprId tuple(ExprPool& pool, std::span<const ExprId> items) {
  for (ExprId a : items) need_value(pool, a, "Tuple");
  return intern_object(pool, Head::Tuple, as_vector(items));
}

ExprId apply_function(ExprPool& pool, std::string_view name, std::span<const ExprId> args) {
  if (!identifier::is_identifier(name))
    bad("Function", "the name '" + std::string(name) + "' is not an identifier");
  if (reserved_function_name(name))
    bad("Function", "the name '" + std::string(name) + "' is reserved (a function of the op table, a constant or an "
                    "object's head); pick another name");
  if (args.empty()) bad(name, "an undefined function needs at least one argument");
  for (ExprId a : args) need_value(pool, a, name);
  return intern_object(pool, Head::Function, as_vector(args), name);
}

ExprId derivative(ExprPool& pool, ExprId expr, std::span<const std::pair<ExprId, long>> vars) {
  need_value(pool, expr, "Derivative");
  std::vector<std::pair<ExprId, long>> vs;
  // Derivative(Derivative(e, x), y) is Derivative(e, x, y).
  if (is_object(pool, expr, Head::Derivative)) {
    const std::vector<ExprId> inner = pool.node(expr).args;
    for (std::size_t i = 1; i + 1 < inner.size(); i += 2)
      vs.push_back({inner[i], pool.node(inner[i + 1]).number.integer().get_si()});
    expr = inner[0];
  }
  for (const auto& [v, n] : vars) {
    need_symbol(pool, v, "Derivative", "the variable");
    if (n < 0) bad("Derivative", "the order of a derivative must be a positive integer, got " + std::to_string(n));
    if (n == 0) continue;
    auto it = std::find_if(vs.begin(), vs.end(), [&](const auto& p) { return p.first == v; });
    if (it != vs.end()) it->second += n;
    else vs.push_back({v, n});
  }
  if (vs.empty()) return expr;
  for (const auto& [v, n] : vs)
    if (!contains(pool, expr, v)) return pool.integer(0);
  std::sort(vs.begin(), vs.end(), [&](const auto& a, const auto& b) { return pool.compare(a.first, b.first) < 0; });
  std::vector<ExprId> args{expr};
  for (const auto& [v, n] : vs) {
    args.push_back(v);
    args.push_back(pool.integer(n));
  }
  return intern_object(pool, Head::Derivative, std::move(args));
}

ExprId derivative(ExprPool& pool, ExprId expr, ExprId var, long n) {
  const std::pair<ExprId, long> v{var, n};
  return derivative(pool, expr, std::span<const std::pair<ExprId, long>>(&v, 1));
}

namespace {

// Integral, Sum, Product with limits already as Tuples: checks each.
ExprId with_limits(ExprPool& pool, Head h, ExprId expr, std::span<const ExprId> limits) {
  const std::string_view who = head_name(h);
  need_value(pool, expr, who);
  if (limits.empty()) bad(who, "needs at least one variable or (variable, lower, upper)");
  for (ExprId l : limits) {
    if (!is_object(pool, l, Head::Tuple)) bad(who, "a limit must be a tuple (variable, lower, upper), got '" + show(pool, l) + "'");
    const auto& t = pool.node(l).args;
    const bool ok = h == Head::Integral ? (t.size() == 1 || t.size() == 3) : t.size() == 3;
    if (!ok)
      bad(who, std::string("a limit must be ") + (h == Head::Integral ? "(x,) or (x, a, b)" : "(k, a, b)") + ", got '" +
                   show(pool, l) + "'");
    need_symbol(pool, t[0], who, "the variable");
  }
  std::vector<ExprId> args{expr};
  args.insert(args.end(), limits.begin(), limits.end());
  return intern_object(pool, h, std::move(args));
}

}  // namespace

ExprId integral_object(ExprPool& pool, ExprId expr, ExprId var) {
  const ExprId l = tuple(pool, std::span<const ExprId>(&var, 1));
  return with_limits(pool, Head::Integral, expr, std::span<const ExprId>(&l, 1));
}

ExprId integral_object(ExprPool& pool, ExprId expr, ExprId var, ExprId lower, ExprId upper) {
  const ExprId items[3] = {var, lower, upper};
  const ExprId l = tuple(pool, items);
  return with_limits(pool, Head::Integral, expr, std::span<const ExprId>(&l, 1));
}

ExprId sum_object(ExprPool& pool, ExprId expr, ExprId index, ExprId lower, ExprId upper) {
  const ExprId items[3] = {index, lower, upper};
  const ExprId l = tuple(pool, items);
  return with_limits(pool, Head::Sum, expr, std::span<const ExprId>(&l, 1));
}

ExprId product_object(ExprPool& pool, ExprId expr, ExprId index, ExprId lower, ExprId upper) {
  const ExprId items[3] = {index, lower, upper};
  const ExprId l = tuple(pool, items);
  return with_limits(pool, Head::Product, expr, std::span<const ExprId>(&l, 1));
}

ExprId limit_object(ExprPool& pool, ExprId expr, ExprId var, ExprId point, std::string_view dir) {
  need_value(pool, expr, "Limit");
  need_symbol(pool, var, "Limit", "the variable");
  need_value(pool, point, "Limit");
  if (dir != "+" && dir != "-" && dir != "+-")
    bad("Limit", "the direction must be '+', '-' or '+-', got '" + std::string(dir) + "'");
  if (contains(pool, point, var)) bad("Limit", "the point '" + show(pool, point) + "' depends on the variable");
  if (pool.is_constant(point, Constant::Infinity)) dir = "-";
  if (pool.is_constant(point, Constant::NegativeInfinity)) dir = "+";
  return intern_object(pool, Head::Limit, {expr, var, point}, dir);
}

ExprId subs_object(ExprPool& pool, ExprId expr, std::span<const ExprId> vars, std::span<const ExprId> values) {
  need_value(pool, expr, "Subs");
  if (vars.size() != values.size())
    bad("Subs", std::to_string(vars.size()) + " variables but " + std::to_string(values.size()) + " values");
  std::vector<std::pair<ExprId, ExprId>> pairs;
  for (std::size_t i = 0; i < vars.size(); ++i) {
    need_symbol(pool, vars[i], "Subs", "each variable");
    need_value(pool, values[i], "Subs");
    for (const auto& p : pairs)
      if (p.first == vars[i]) bad("Subs", "the variable '" + show(pool, vars[i]) + "' is given twice");
    if (vars[i] != values[i] && contains(pool, expr, vars[i])) pairs.push_back({vars[i], values[i]});
  }
  if (pairs.empty()) return expr;
  std::sort(pairs.begin(), pairs.end(), [&](const auto& a, const auto& b) { return pool.compare(a.first, b.first) < 0; });
  std::vector<ExprId> args{expr};
  for (const auto& [v, w] : pairs) {
    args.push_back(v);
    args.push_back(w);
  }
  return intern_object(pool, Head::Subs, std::move(args));
}

// ---- relations and logic ----------------------------------------------------------------------

namespace {

// Eq decided by the facts of lhs - rhs: true, false or unknown.
std::optional<bool> decide_eq(ExprPool& pool, ExprId a, ExprId b) {
  if (pool.is_constant(a, Constant::NaN) || pool.is_constant(b, Constant::NaN)) return false;
  if (a == b) return true;
  const ExprId d = pool.sub(a, b);
  const Facts f = pool.node(d).facts;
  if (f.within(Facts::Zero)) return true;
  if (!f.may(Facts::Zero)) {
    // a - b cannot be 0; but oo - oo is nan: only numbers that are finite or of known direction count.
    if (f.classes == Facts::NaN) return std::nullopt;
    return false;
  }
  return std::nullopt;
}

// a < b (strict) or a <= b, from the facts of a - b.
std::optional<bool> decide_lt(ExprPool& pool, ExprId a, ExprId b, bool strict, std::string_view who) {
  if (pool.is_constant(a, Constant::NaN) || pool.is_constant(b, Constant::NaN))
    bad(who, "invalid comparison with nan");
  const ExprId d = pool.sub(a, b);
  const Facts f = pool.node(d).facts;
  constexpr std::uint8_t nonreal = Facts::NonReal | Facts::CInf | Facts::NaN;
  if (f.within(nonreal) && !pool.is_constant(d, Constant::NaN))
    bad(who, "invalid comparison of non-real '" + show(pool, d) + "'");
  if (f.may(nonreal)) return std::nullopt;
  const std::uint8_t yes = strict ? (Facts::Neg | Facts::NInf) : (Facts::Neg | Facts::Zero | Facts::NInf);
  if (f.within(yes)) return true;
  if (!f.may(yes)) return false;
  return std::nullopt;
}

}  // namespace

ExprId relation(ExprPool& pool, Head h, ExprId lhs, ExprId rhs) {
  if (!is_relation_head(h)) throw InvalidArgument("relation: '" + std::string(head_name(h)) + "' is not a relation");
  const std::string_view who = head_name(h);
  need_value(pool, lhs, who);
  need_value(pool, rhs, who);
  std::optional<bool> v;
  switch (h) {
    case Head::Eq: v = decide_eq(pool, lhs, rhs); break;
    case Head::Ne:
      v = decide_eq(pool, lhs, rhs);
      if (v) v = !*v;
      break;
    case Head::Lt: v = decide_lt(pool, lhs, rhs, true, who); break;
    case Head::Le: v = decide_lt(pool, lhs, rhs, false, who); break;
    case Head::Gt: v = decide_lt(pool, rhs, lhs, true, who); break;
    case Head::Ge: v = decide_lt(pool, rhs, lhs, false, who); break;
    default: break;
  }
  if (v) return boolean(pool, *v);
  return intern_object(pool, h, {lhs, rhs});
}

namespace {

ExprId and_or(ExprPool& pool, Head h, std::span<const ExprId> input) {
  const std::string_view who = head_name(h);
  const Head absorbing = h == Head::And ? Head::False : Head::True;
  const Head neutral = h == Head::And ? Head::True : Head::False;
  std::vector<ExprId> work(input.rbegin(), input.rend()), out;
  std::unordered_set<ExprId> seen;
  while (!work.empty()) {
    const ExprId a = work.back();
    work.pop_back();
    need_condition(pool, a, who);
    const Node& n = pool.node(a);
    if (n.head == absorbing) return a;
    if (n.head == neutral) continue;
    if (n.head == h) {
      for (std::size_t i = n.args.size(); i-- > 0;) work.push_back(n.args[i]);
      continue;
    }
    if (seen.insert(a).second) out.push_back(a);
  }
  for (ExprId a : out)  // c and Not(c): And is False, Or is True
    if (seen.count(logic_not(pool, a))) return boolean(pool, h == Head::Or);
  if (out.empty()) return boolean(pool, h == Head::And);
  if (out.size() == 1) return out[0];
  std::sort(out.begin(), out.end(), [&](ExprId a, ExprId b) { return pool.compare(a, b) < 0; });
  return intern_object(pool, h, std::move(out));
}

}  // namespace

ExprId logic_and(ExprPool& pool, std::span<const ExprId> args) { return and_or(pool, Head::And, args); }
ExprId logic_or(ExprPool& pool, std::span<const ExprId> args) { return and_or(pool, Head::Or, args); }

ExprId logic_not(ExprPool& pool, ExprId arg) {
  need_condition(pool, arg, "Not");
  const Node& n = pool.node(arg);
  switch (n.head) {
    case Head::True: return boolean(pool, false);
    case Head::False: return boolean(pool, true);
    case Head::Not: return n.args[0];
    // The negation of a comparison of reals is the opposite comparison.
    case Head::Eq: return relation(pool, Head::Ne, n.args[0], n.args[1]);
    case Head::Ne: return relation(pool, Head::Eq, n.args[0], n.args[1]);
    case Head::Lt: return relation(pool, Head::Ge, n.args[0], n.args[1]);
    case Head::Le: return relation(pool, Head::Gt, n.args[0], n.args[1]);
    case Head::Gt: return relation(pool, Head::Le, n.args[0], n.args[1]);
    case Head::Ge: return relation(pool, Head::Lt, n.args[0], n.args[1]);
    default: return intern_object(pool, Head::Not, {arg});
  }
}

ExprId piecewise(ExprPool& pool, std::span<const std::pair<ExprId, ExprId>> branches) {
  std::vector<ExprId> args;
  for (const auto& [e, c] : branches) {
    need_value(pool, e, "Piecewise");
    need_condition(pool, c, "Piecewise");
  }
  for (const auto& [e, c] : branches) {
    if (is_object(pool, c, Head::False)) continue;
    args.push_back(e);
    args.push_back(c);
    if (is_object(pool, c, Head::True)) break;
  }
  if (args.empty()) return pool.constant(Constant::NaN);  // no condition can hold: undefined
  if (is_object(pool, args[1], Head::True)) return args[0];
  return intern_object(pool, Head::Piecewise, std::move(args));
}

ExprId root_of(ExprPool& pool, ExprId poly, ExprId var, long k) {
  need_value(pool, poly, "RootOf");
  need_symbol(pool, var, "RootOf", "the variable");
  const auto d = poly_degree(pool, poly, var);
  if (!d) bad("RootOf", "'" + show(pool, poly) + "' is not a polynomial in " + show(pool, var));
  if (*d < 1) bad("RootOf", "'" + show(pool, poly) + "' has no roots in " + show(pool, var) + " (degree 0)");
  if (k < 0 || k >= *d)
    bad("RootOf", "root index " + std::to_string(k) + " out of range for a polynomial of degree " + std::to_string(*d) +
                      " (0 to " + std::to_string(*d - 1) + ")");
  return intern_object(pool, Head::RootOf, {poly, var, pool.integer(k)});
}

ExprId root_sum(ExprPool& pool, ExprId poly, ExprId var, ExprId expr) {
  need_value(pool, poly, "RootSum");
  need_symbol(pool, var, "RootSum", "the variable");
  need_value(pool, expr, "RootSum");
  const auto d = poly_degree(pool, poly, var);
  if (!d) bad("RootSum", "'" + show(pool, poly) + "' is not a polynomial in " + show(pool, var));
  if (*d < 1) bad("RootSum", "'" + show(pool, poly) + "' has no roots in " + show(pool, var) + " (degree 0)");
  if (!contains(pool, expr, var)) return pool.mul(pool.integer(*d), expr);  // deg(poly) equal terms
  return intern_object(pool, Head::RootSum, {poly, var, expr});
}

ExprId accum_bounds(ExprPool& pool, ExprId lo, ExprId hi) {
  need_value(pool, lo, "AccumBounds");
  need_value(pool, hi, "AccumBounds");
  for (ExprId b : {lo, hi}) {
    const Node& n = pool.node(b);
    if (n.kind == Kind::Object) bad("AccumBounds", "a bound must be a value, got '" + show(pool, b) + "'");
    if (n.facts.within(Facts::NonReal) || pool.is_constant(b, Constant::ComplexInfinity) ||
        pool.is_constant(b, Constant::NaN))
      bad("AccumBounds", "the bounds must be real, got '" + show(pool, b) + "'");
  }
  if (lo == hi) return lo;
  const Node& a = pool.node(lo);
  const Node& b = pool.node(hi);
  const int order = a.kind == Kind::Number && b.kind == Kind::Number ? (a.number - b.number).sign() : -1;
  if (order > 0 || pool.is_constant(lo, Constant::Infinity) || pool.is_constant(hi, Constant::NegativeInfinity))
    bad("AccumBounds", "the lower bound '" + show(pool, lo) + "' is above the upper bound '" + show(pool, hi) + "'");
  if (order == 0) return lo;
  return intern_object(pool, Head::AccumBounds, {lo, hi});
}

// ---- the general constructor ------------------------------------------------------------------

ExprId make_object(ExprPool& pool, Head h, std::span<const ExprId> args, std::string_view name) {
  const std::string_view who = head_name(h);
  auto arity = [&](bool ok, const std::string& expected) {
    if (!ok) throw InvalidArgument(std::string(who) + " takes " + expected + ", got " + std::to_string(args.size()));
  };
  switch (h) {
    case Head::Function: return apply_function(pool, name, args);
    case Head::Derivative: {
      arity(args.size() >= 3 && args.size() % 2 == 1, "an expression and (variable, count) pairs");
      std::vector<std::pair<ExprId, long>> vs;
      for (std::size_t i = 1; i < args.size(); i += 2) {
        const long n = exact_long(pool, args[i + 1], who, "the count of a variable");
        if (n < 1) bad(who, "the count of a variable must be a positive integer, got " + std::to_string(n));
        vs.push_back({args[i], n});
      }
      return derivative(pool, args[0], vs);
    }
    case Head::Integral:
    case Head::Sum:
    case Head::Product:
      arity(args.size() >= 2, "an expression and at least one limit");
      return with_limits(pool, h, args[0], args.subspan(1));
    case Head::Limit:
      arity(args.size() == 3, "3 (expression, variable, point)");
      return limit_object(pool, args[0], args[1], args[2], name.empty() ? "+" : name);
    case Head::Order:
      arity(args.size() >= 2, "an expression, its variables and the point");
      return order_object(pool, args[0], args.subspan(1, args.size() - 2), args.back());
    case Head::Subs: {
      arity(args.size() >= 3 && args.size() % 2 == 1, "an expression and (variable, value) pairs");
      std::vector<ExprId> vs, ws;
      for (std::size_t i = 1; i < args.size(); i += 2) {
        vs.push_back(args[i]);
        ws.push_back(args[i + 1]);
      }
      return subs_object(pool, args[0], vs, ws);
    }
    case Head::Eq:
    case Head::Ne:
    case Head::Lt:
    case Head::Le:
    case Head::Gt:
    case Head::Ge:
      arity(args.size() == 2, "2 arguments (lhs, rhs)");
      return relation(pool, h, args[0], args[1]);
    case Head::And: return logic_and(pool, args);
    case Head::Or: return logic_or(pool, args);
    case Head::Not:
      arity(args.size() == 1, "1 argument");
      return logic_not(pool, args[0]);
    case Head::True:
    case Head::False:
      arity(args.empty(), "no arguments");
      return boolean(pool, h == Head::True);
    case Head::Piecewise: {
      arity(!args.empty() && args.size() % 2 == 0, "(expression, condition) pairs");
      std::vector<std::pair<ExprId, ExprId>> bs;
      for (std::size_t i = 0; i < args.size(); i += 2) bs.push_back({args[i], args[i + 1]});
      return piecewise(pool, bs);
    }
    case Head::RootOf:
      arity(args.size() == 3, "3 (polynomial, variable, index)");
      return root_of(pool, args[0], args[1], exact_long(pool, args[2], who, "the root index"));
    case Head::RootSum:
      arity(args.size() == 3, "3 (polynomial, variable, expression)");
      return root_sum(pool, args[0], args[1], args[2]);
    case Head::Tuple: return tuple(pool, args);
    case Head::AccumBounds:
      arity(args.size() == 2, "2 (lower and upper bound)");
      return accum_bounds(pool, args[0], args[1]);
    case Head::Count_: break;
  }
  throw InvalidArgument("make_object: unknown head");
}

std::vector<std::string> function_names(const ExprPool& pool, ExprId expr) {
  std::vector<std::string> names;
  any_node(pool, expr, [&](ExprId, const Node& n) {
    if (n.kind == Kind::Object && n.head == Head::Function) names.push_back(n.name);
    return false;
  });
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

}  // namespace alkahest
