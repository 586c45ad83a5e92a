// integrate(): the search over methods (see integrator.hpp), its helpers, and the check by
// differentiation that every returned antiderivative passes.
#include <algorithm>
#include <complex>
#include <random>
#include <set>
#include <string_view>

#include "alkahest/calculus.hpp"
#include "alkahest/evalf.hpp"
#include "alkahest/objects.hpp"
#include "alkahest/walk.hpp"
#include "alkahest/poly.hpp"
#include "integrate/integrator.hpp"
#include "kernel/depth_scope.hpp"

namespace alkahest {

namespace integrate_detail {

Integrator::Integrator(ExprPool& p, const IntegrateOptions& o)
    : pool(p), options(o), start_(std::chrono::steady_clock::now()) {}

bool Integrator::out_of_budget() const {
  if (steps_ > options.max_steps) return budget_hit_ = true;
  if (!(options.max_seconds > 0)) return false;
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  if (s > options.max_seconds) budget_hit_ = true;
  return budget_hit_;
}

bool Integrator::has(ExprId e, ExprId x) {
  auto& memo = has_memo_[x];
  // Iterative: an explicit stack, children before parents.
  std::vector<std::pair<ExprId, bool>> stack{{e, false}};
  while (!stack.empty()) {
    auto [id, expanded] = stack.back();
    stack.pop_back();
    if (memo.count(id)) continue;
    const Node& n = pool.node(id);
    if (n.kind == Kind::Symbol) {
      memo[id] = id == x;
      continue;
    }
    if (n.args.empty()) {
      memo[id] = false;
      continue;
    }
    if (expanded) {
      bool h = false;
      for (ExprId a : n.args) h = h || memo.at(a);
      memo[id] = h;
      continue;
    }
    stack.push_back({id, true});
    for (ExprId a : n.args)
      if (!memo.count(a)) stack.push_back({a, false});
  }
  return memo.at(e);
}

std::optional<std::pair<ExprId, ExprId>> Integrator::linear(ExprId e, ExprId x) {
  if (!has(e, x)) return std::nullopt;
  if (e == x) return std::make_pair(pool.integer(1), pool.integer(0));
  const Node& n = pool.node(e);
  if (n.kind != Kind::Add && n.kind != Kind::Mul) return std::nullopt;
  const ExprId a = d(e, x);
  if (has(a, x)) return std::nullopt;
  const ExprId b = expand(pool, sub(e, mul(a, x)));
  if (has(b, x)) return std::nullopt;
  return std::make_pair(a, b);
}

std::optional<std::vector<ExprId>> Integrator::poly_coeffs(ExprId e, ExprId x, long max_degree) {
  try {
    return coefficients_in(pool, e, x, max_degree);  // the zero polynomial: no coefficient
  } catch (const PolyLimitError&) {
    return std::nullopt;
  }
}

std::pair<ExprId, ExprId> Integrator::split_constant(ExprId e, ExprId x) {
  const Node& n = pool.node(e);
  if (n.kind != Kind::Mul) return has(e, x) ? std::make_pair(pool.integer(1), e) : std::make_pair(e, pool.integer(1));
  std::vector<ExprId> c, r;
  for (ExprId f : n.args) (has(f, x) ? r : c).push_back(f);
  return {pool.mul(c), pool.mul(r)};
}

ExprId Integrator::fresh() { return pool.symbol("_integration_u" + std::to_string(++fresh_count_)); }

Opt Integrator::integrate_in(ExprId g, ExprId U, ExprId u) {
  if (has(g, U) == false && !pool.is_number(g)) {
    // g free of U: fine, integrate() handles constants.
  }
  Opt G = integrate(g, U);
  if (!G) return std::nullopt;
  return sb(*G, U, u);
}

Opt Integrator::integrate(ExprId f, ExprId x) {
  if (!has(f, x)) return mul(f, x);
  if (out_of_budget() || depth >= options.max_depth) return std::nullopt;
  if (pool.node(f).depth > 60) return std::nullopt;
  const auto key = std::make_pair(f, x);
  if (auto it = memo_.find(key); it != memo_.end()) return it->second;
  ++steps_;
  memo_[key] = std::nullopt;  // a subproblem that comes back to f fails instead of looping
  ++depth;
  Opt r;
  try {
    r = try_methods(f, x);
  } catch (const std::exception&) {
    r = std::nullopt;
  }
  --depth;
  memo_[key] = r;
  return r;
}

Opt Integrator::try_methods(ExprId f, ExprId x) {
  const Node& n = pool.node(f);
  // Constant factors out.
  {
    auto [c, g] = split_constant(f, x);
    if (c != pool.integer(1)) {
      Opt r = integrate(g, x);
      if (r) return mul(c, *r);
      return std::nullopt;
    }
  }
  // Linearity.
  if (n.kind == Kind::Add) {
    std::vector<ExprId> parts_;
    bool all = true;
    const std::vector<ExprId> terms = n.args;
    for (ExprId t : terms) {
      Opt r = integrate(t, x);
      if (!r) {
        all = false;
        break;
      }
      parts_.push_back(*r);
    }
    if (all) return pool.add(parts_);
  }
  if (Opt r = attempt([&] { return table(f, x); })) return r;
  if (Opt r = attempt([&] { return integrate_rational(pool, f, x); })) return r;
  if (Opt r = attempt([&] { return quadratic_forms(f, x); })) return r;
  if (Opt r = attempt([&] { return rational_radicals(f, x); })) return r;
  if (Opt r = attempt([&] { return rational_parametric(f, x); })) return r;
  if (Opt r = attempt([&] { return log_power(f, x); })) return r;
  if (Opt r = attempt([&] { return exp_polynomial(f, x); })) return r;
  if (Opt r = attempt([&] { return power_to_exp(f, x); })) return r;
  if (Opt r = attempt([&] { return special(f, x); })) return r;
  // Products and powers of sums: distribute and integrate term by term.
  if (n.kind == Kind::Mul || n.kind == Kind::Pow) {
    Opt r = attempt([&]() -> Opt {
      const ExprId e = expand(pool, f);
      if (e == f || pool.node(e).kind != Kind::Add || pool.node(e).args.size() > 200) return std::nullopt;
      return integrate(e, x);
    });
    if (r) return r;
  }
  if (Opt r = attempt([&] { return derivative_divides(f, x); })) return r;
  if (Opt r = attempt([&] { return linear_substitution(f, x); })) return r;
  if (Opt r = attempt([&] { return algebraic(f, x); })) return r;
  if (Opt r = attempt([&] { return parts(f, x); })) return r;
  if (Opt r = attempt([&] { return inverse_substitution(f, x); })) return r;
  if (Opt r = attempt([&] { return trig_linearize(f, x); })) return r;
  if (Opt r = attempt([&] { return exp_substitution(f, x); })) return r;
  if (Opt r = attempt([&] { return radical_substitution(f, x); })) return r;
  if (Opt r = attempt([&] { return euler_substitution(f, x); })) return r;
  if (Opt r = attempt([&] { return multiple_angles(f, x); })) return r;
  if (Opt r = attempt([&] { return tan_substitution(f, x); })) return r;
  if (Opt r = attempt([&] { return weierstrass(f, x); })) return r;
  // The ansatz solves a linear system of up to a few hundred entries: for the integrand and its
  // first subproblems only (deep inside a search it was most of the time of long failing searches).
  if (depth <= 2)
    if (Opt r = attempt([&] { return parallel_risch(f, x); })) return r;
  // A sum whose terms failed one by one: over a common denominator.
  if (n.kind == Kind::Add) {
    Opt r = attempt([&]() -> Opt {
      const ExprId c = cancel(pool, f);
      if (c == f) return std::nullopt;
      return integrate(c, x);
    });
    if (r) return r;
  }
  return std::nullopt;
}

}  // namespace integrate_detail

namespace {

// Deterministic pseudo-random points: x real positive, real negative and complex; parameters real.
struct Point {
  std::unordered_map<ExprId, ExprId> values;
};

std::optional<std::complex<double>> value_at(ExprPool& pool, ExprId e, const std::unordered_map<ExprId, ExprId>& at) {
  try {
    const ExprId v = subs(pool, e, at);
    const Evalf r = evalf(pool, v, 20);
    const std::complex<double> z(r.re_double, r.im_double);
    if (!std::isfinite(z.real()) || !std::isfinite(z.imag())) return std::nullopt;
    return z;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

bool check_antiderivative(ExprPool& pool, ExprId F, ExprId f, ExprId x, int points) {
  const ExprId dF = diff(pool, F, x);
  std::vector<ExprId> params;
  for (ExprId s : free_symbols(pool, f))
    if (s != x) params.push_back(s);
  for (ExprId s : free_symbols(pool, F))
    if (s != x && std::find(params.begin(), params.end(), s) == params.end()) params.push_back(s);
  std::mt19937_64 rng(pool.node(f).hash ^ 0x9e3779b97f4a7c15ULL);
  auto rational = [&](long lo, long hi) {
    std::uniform_int_distribution<long> dist(lo, hi);
    return pool.number(Number::rational(dist(rng), 1000));
  };
  int good = 0, tries = 0;
  bool saw_off_axis = false;
  const int want = std::max(points, 3);
  while (good < want && tries < 6 * want) {
    const int kind = tries % 3;  // 0, 1: x in (0.2, 2.2); 2: x negative or complex, alternating
    ++tries;
    std::unordered_map<ExprId, ExprId> at;
    ExprId xv = rational(200, 2200);
    if (kind == 2) {
      xv = (tries / 3) % 2 ? pool.neg(rational(200, 2200))
                           : pool.add(rational(200, 2200), pool.mul(rational(100, 900), pool.constant(Constant::I)));
    }
    at[x] = xv;
    for (ExprId p : params) at[p] = rational(1100, 3100);
    auto a = value_at(pool, dF, at);
    auto b = value_at(pool, f, at);
    if (!a || !b) continue;
    if (std::abs(*a - *b) > 1e-9 * (1.0 + std::abs(*b))) return false;
    ++good;
    if (kind == 2) saw_off_axis = true;
  }
  (void)saw_off_axis;
  return good >= 2;
}

namespace {

// Reciprocal trigonometric/hyperbolic functions and the inverse hyperbolic ones, where the op table
// has them, in terms of the functions the methods know (found by name, so that rows added to the
// op table are picked up): sec = 1/cos, asinh(u) = log(u + sqrt(u**2 + 1)), ...
ExprId normalize(ExprPool& pool, ExprId e, std::unordered_map<ExprId, ExprId>& memo) {
  if (auto it = memo.find(e); it != memo.end()) return it->second;
  const Node& n = pool.node(e);
  ExprId out = e;
  if (!n.args.empty()) {
    const Kind kind = n.kind;
    const Op op = n.op;
    std::vector<ExprId> args;
    for (ExprId a : std::vector<ExprId>(n.args)) args.push_back(normalize(pool, a, memo));
    switch (kind) {
      case Kind::Add: out = pool.add(args); break;
      case Kind::Mul: out = pool.mul(args); break;
      case Kind::Pow: out = pool.pow(args[0], args[1]); break;
      case Kind::Func: {
        const std::string_view name = op_info(op).name;
        const ExprId u = args.empty() ? 0 : args[0], one = pool.integer(1);
        auto inv = [&](Op o) { return pool.pow(pool.func(o, u), pool.integer(-1)); };
        auto half_log = [&](ExprId a, ExprId b) {  // (log(a) - log(b))/2
          return pool.div(pool.sub(pool.func(Op::Log, a), pool.func(Op::Log, b)), pool.integer(2));
        };
        if (args.size() != 1) out = pool.func(op, args);
        else if (name == "sec") out = inv(Op::Cos);
        else if (name == "csc") out = inv(Op::Sin);
        else if (name == "cot") out = inv(Op::Tan);
        else if (name == "sech") out = inv(Op::Cosh);
        else if (name == "csch") out = inv(Op::Sinh);
        else if (name == "coth") out = inv(Op::Tanh);
        else if (name == "acot") out = pool.func(Op::Atan, pool.pow(u, pool.integer(-1)));
        else if (name == "asec") out = pool.func(Op::Acos, pool.pow(u, pool.integer(-1)));
        else if (name == "acsc") out = pool.func(Op::Asin, pool.pow(u, pool.integer(-1)));
        else if (name == "asinh") out = pool.func(Op::Log, pool.add(u, pool.sqrt(pool.add(pool.pow(u, pool.integer(2)), one))));
        else if (name == "acosh")
          out = pool.func(Op::Log, pool.add(u, pool.mul(pool.sqrt(pool.sub(u, one)), pool.sqrt(pool.add(u, one)))));
        else if (name == "atanh") out = half_log(pool.add(one, u), pool.sub(one, u));
        else if (name == "acoth") out = half_log(pool.add(u, one), pool.sub(u, one));
        else out = pool.func(op, args);
        break;
      }
      default: break;
    }
  }
  memo.emplace(e, out);
  return out;
}

// The special values of the parameters where an antiderivative's denominators vanish: each factor
// free of x of a denominator of F that is linear in one parameter p gives p = v; there f itself
// is finite but F is not (x**n*log(x): (n + 1)**-2), and the integral is another function
// (log(x)**2/2). Such answers become Piecewise((F, p != v, ...), (F_v, p == v), ...), each F_v the
// integral of f at p = v (itself checked). Empty when there is none, or when one of them cannot be
// integrated (then F stays the generic answer, as before).
std::vector<std::pair<ExprId, ExprId>> parameter_cases(ExprPool& pool, ExprId F, ExprId x) {
  std::vector<std::pair<ExprId, ExprId>> cases;  // (p, v)
  bool piecewise_inside = false;
  std::vector<ExprId> bases;
  any_node(pool, F, [&](ExprId, const Node& n) {
    if (n.kind == Kind::Object && n.head == Head::Piecewise) piecewise_inside = true;
    if (n.kind == Kind::Pow) {
      const Node& e = pool.node(n.args[1]);
      if (e.kind == Kind::Number && !e.number.is_float() && e.number.sign() < 0 &&
          std::find(bases.begin(), bases.end(), n.args[0]) == bases.end())
        bases.push_back(n.args[0]);
    }
    return piecewise_inside;
  });
  if (piecewise_inside) return {};
  for (ExprId b : bases) {
    const std::vector<ExprId> syms = free_symbols(pool, b);
    if (syms.size() != 1 || syms[0] == x) continue;
    const ExprId p = syms[0];
    auto cs = coefficients_in(pool, b, p, 1);
    if (!cs || cs->size() != 2 || !pool.is_number((*cs)[0]) || !pool.is_number((*cs)[1])) continue;
    const ExprId v = pool.div(pool.neg((*cs)[0]), (*cs)[1]);
    if (std::find(cases.begin(), cases.end(), std::make_pair(p, v)) == cases.end()) cases.emplace_back(p, v);
    if (cases.size() > 3) return {};
  }
  return cases;
}

thread_local int case_depth = 0;

// Whether e is built from numbers, symbols, arithmetic and elementary functions only.
bool elementary_expr(ExprPool& pool, ExprId e) {
  static const std::set<std::string_view> ops = {
      "exp",  "log",  "sqrt", "cbrt", "sin",  "cos",   "tan",   "cot",   "sec",   "csc",   "asin",  "acos", "atan",
      "acot", "asec", "acsc", "sinh", "cosh", "tanh",  "coth",  "sech",  "csch",  "asinh", "acosh", "atanh",
      "acoth", "asech", "acsch"};
  return !any_node(pool, e, [&](ExprId, const Node& n) {
    if (n.kind == Kind::Object) return true;
    return n.kind == Kind::Func && !ops.count(op_info(n.op).name);
  });
}

// A sum g whose terms the heuristics integrate in part: the terms with checked elementary
// antiderivatives are set aside, and the Risch algorithm decides on the sum of the others. Then a
// proof for that rest is a proof for g (g's integral minus elementary ones would be elementary),
// and an answer for it completes the answer for g.
RischResult risch_on_part(ExprPool& pool, integrate_detail::Integrator& in, ExprId g, ExprId x) {
  RischResult out;
  const std::vector<ExprId> terms = pool.node(g).args;
  std::vector<ExprId> done, rest;
  for (ExprId t : terms) {
    const std::optional<ExprId> F = in.attempt([&] { return in.integrate(t, x); });
    if (F && elementary_expr(pool, *F) && check_antiderivative(pool, *F, t, x))
      done.push_back(*F);
    else
      rest.push_back(t);
  }
  if (done.empty() || rest.empty()) return out;
  RischResult r = risch_integrate(pool, pool.add(rest), x);
  if (r.verdict == RischVerdict::NonElementary) {
    out.verdict = RischVerdict::NonElementary;
    out.reason = "for the terms without an elementary antiderivative: " + r.reason;
  } else if (r.verdict == RischVerdict::Elementary && r.antiderivative) {
    done.push_back(*r.antiderivative);
    out.verdict = RischVerdict::Elementary;
    out.antiderivative = pool.add(done);
    out.reason = r.reason;
  }
  return out;
}

}  // namespace

std::optional<ExprId> integrate(ExprPool& pool, ExprId f, ExprId x, const IntegrateOptions& options,
                                IntegrateReport* report) {
  if (pool.node(x).kind != Kind::Symbol)
    throw InvalidArgument("integrate: the variable must be a symbol, got " + std::string(kind_name(pool.node(x).kind)));
  if (pool.node(f).depth > 200) return std::nullopt;
  const auto started = std::chrono::steady_clock::now();
  integrate_detail::Integrator in(pool, options);
  std::unordered_map<ExprId, ExprId> memo;
  const ExprId g = normalize(pool, f, memo);
  std::optional<ExprId> r = in.integrate(g, x);
  if (report) {
    report->steps = in.steps_used();
    report->budget_exhausted = in.budget_hit();
  }
  const bool out_of_time =
      options.max_seconds > 0 &&
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() > options.max_seconds;
  if (!r && !out_of_time) {
    // The heuristics (and the special-function forms) found nothing: the Risch algorithm decides
    // where the integrand is in Q(x, exp(a)) or Q(x, log(a)), a checked answer or a proof. Its
    // work is bounded by degree limits, not by the step budget (the same answer on every machine),
    // but an opt-in wall-clock limit that has passed is respected.
    RischResult rr = risch_integrate(pool, g, x);
    if (rr.verdict == RischVerdict::Undecided && pool.node(g).kind == Kind::Add) rr = risch_on_part(pool, in, g, x);
    if (rr.verdict == RischVerdict::Elementary && rr.antiderivative) {
      r = rr.antiderivative;
    } else {
      if (report && rr.verdict == RischVerdict::NonElementary) report->proved_nonelementary = true;
      return std::nullopt;
    }
  }
  if (!r) return std::nullopt;
  if (options.verify && !check_antiderivative(pool, *r, f, x)) return std::nullopt;
  if (case_depth >= 2) return r;
  const auto cases = parameter_cases(pool, *r, x);
  if (cases.empty()) return r;
  std::vector<std::pair<ExprId, ExprId>> branches;
  std::vector<ExprId> generic;
  for (const auto& [p, v] : cases) generic.push_back(relation(pool, Head::Ne, p, v));
  branches.emplace_back(*r, logic_and(pool, generic));
  for (std::size_t k = 0; k < cases.size(); ++k) {
    const auto& [p, v] = cases[k];
    ExprId fv = 0;
    try {
      fv = subs(pool, f, {{p, v}});
    } catch (const std::exception&) {
      return r;  // f is not defined there either: the generic answer is the whole answer
    }
    if (any_node(pool, fv, [](ExprId, const Node& n) { return n.kind == Kind::Constant && n.constant >= Constant::Infinity; }))
      return r;
    const DepthScope scope(case_depth);
    const std::optional<ExprId> Fv = integrate(pool, fv, x, options);
    if (!Fv) return r;
    branches.emplace_back(*Fv, k + 1 == cases.size() ? boolean(pool, true) : relation(pool, Head::Eq, p, v));
  }
  return piecewise(pool, branches);
}

}  // namespace alkahest
