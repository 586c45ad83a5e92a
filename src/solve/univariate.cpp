// One equation in one unknown x. The equation (in lowest terms) must be a rational function of a
// single generator g that holds x: x itself (a polynomial equation), or one invertible function of
// x (exp(x), sin(2*x + 1), x**(1/2), 2**x, ...), possibly at several powers (exp(2*x) - 3*exp(x)
// + 2 is a polynomial in exp(x)). The roots t of the polynomial in g come from roots(); then g = t
// is inverted (general solutions of periodic functions carry an integer parameter n) and the
// argument equation u = value is solved again for x. Roots where a denominator vanishes are dropped;
// where that cannot be decided, the solution carries the condition.
#include <algorithm>

#include "alkahest/calculus.hpp"
#include "alkahest/poly.hpp"
#include "solve/solve_detail.hpp"

namespace alkahest::solve_detail {

namespace {

using R = Condition::Rel;

// One way of undoing g = t: the argument u of g equals `value` under `conds`.
struct Inverse {
  ExprId value;
  std::vector<Condition> conds;
  std::vector<ExprId> params;
  bool principal = false;
};

bool real_valued(const ExprPool& pool, ExprId u) { return is_real(pool.node(u).facts) == std::optional<bool>(true); }

// The inversions of g = t, where g is the generator that holds x (argument u).
std::vector<Inverse> invert(ExprPool& pool, ExprId g, ExprId t, const SolveOptions& options,
                            std::vector<ExprId>& used) {
  const Node& n = pool.node(g);
  const ExprId pi = pool.constant(Constant::Pi);
  const ExprId I = pool.constant(Constant::I);
  std::vector<Inverse> out;
  ExprId k = 0;  // one integer parameter for every family of this inversion
  auto periodic = [&](ExprId base, ExprId period, std::vector<Condition> conds) {
    Inverse inv;
    inv.conds = std::move(conds);
    if (options.general) {
      if (k == 0) {
        k = integer_parameter(pool, used);
        used.push_back(k);
      }
      inv.value = pool.add(base, pool.mul(period, k));
      inv.params.push_back(k);
    } else {
      inv.value = base;
      inv.principal = true;
    }
    out.push_back(std::move(inv));
  };
  // Conditions that are proved false drop the inversion (add_condition returns false).
  auto conds_of = [&](std::initializer_list<std::pair<ExprId, R>> cs, std::vector<Condition>& into) {
    for (const auto& [e, r] : cs)
      if (!add_condition(pool, into, e, r)) return false;
    return true;
  };
  if (n.kind == Kind::Func) {
    const ExprId u = n.args[0];
    const bool real = real_valued(pool, u);
    const ExprId two_pi = pool.mul(pool.integer(2), pi);
    switch (n.op) {
      case Op::Exp: {
        std::vector<Condition> c;
        if (real) {
          if (!conds_of({{t, R::Gt}}, c)) return {};
          out.push_back({pool.func(Op::Log, t), c, {}, false});
        } else {
          if (!conds_of({{t, R::Ne}}, c)) return {};
          periodic(pool.func(Op::Log, t), pool.mul(two_pi, I), c);
        }
        return out;
      }
      case Op::Log: {
        std::vector<Condition> c;
        const ExprId imt = pool.func(Op::Im, t);
        if (real) {
          if (!conds_of({{imt, R::Eq}}, c)) return {};
        } else if (!conds_of({{pool.add(imt, pi), R::Gt}, {pool.sub(pi, imt), R::Ge}}, c)) {
          return {};
        }
        out.push_back({pool.func(Op::Exp, t), c, {}, false});
        return out;
      }
      case Op::Sin:
      case Op::Cos: {
        std::vector<Condition> c;
        if (real && !conds_of({{pool.sub(pool.integer(1), t), R::Ge}, {pool.add(t, pool.integer(1)), R::Ge}}, c))
          return {};
        const ExprId a = pool.func(n.op == Op::Sin ? Op::Asin : Op::Acos, t);
        periodic(a, two_pi, c);
        periodic(n.op == Op::Sin ? pool.sub(pi, a) : pool.neg(a), two_pi, c);
        return out;
      }
      case Op::Tan: {
        std::vector<Condition> c;
        if (real) {
          if (!conds_of({{pool.func(Op::Im, t), R::Eq}}, c)) return {};
        } else if (!conds_of({{pool.sub(t, I), R::Ne}, {pool.add(t, I), R::Ne}}, c)) {
          return {};
        }
        periodic(pool.func(Op::Atan, t), pi, c);
        return out;
      }
      case Op::Asin:
      case Op::Acos:
      case Op::Atan: {
        if (!real)
          throw SolveUnsupported("solve: inverting " + text(pool, g) + " needs a real argument (a real unknown)");
        std::vector<Condition> c;
        const ExprId half_pi = pool.mul(pool.number(Number::rational(1, 2)), pi);
        bool ok = true;
        if (n.op == Op::Asin) ok = conds_of({{pool.add(t, half_pi), R::Ge}, {pool.sub(half_pi, t), R::Ge}}, c);
        if (n.op == Op::Acos) ok = conds_of({{t, R::Ge}, {pool.sub(pi, t), R::Ge}}, c);
        if (n.op == Op::Atan) ok = conds_of({{pool.add(t, half_pi), R::Gt}, {pool.sub(half_pi, t), R::Gt}}, c);
        if (!ok) return {};
        const Op fwd = n.op == Op::Asin ? Op::Sin : (n.op == Op::Acos ? Op::Cos : Op::Tan);
        out.push_back({pool.func(fwd, t), c, {}, false});
        return out;
      }
      default:
        break;
    }
  }
  if (n.kind == Kind::Pow) {
    const ExprId base = n.args[0], e = n.args[1];
    const Node& en = pool.node(e);
    if (en.kind == Kind::Number && en.number.is_rational() && en.number.rational().get_num() == 1) {
      // base**(1/q) = t (principal root): base = t**q where t lies in the principal sector.
      const mpz_class q = en.number.rational().get_den();
      std::vector<Condition> c;
      if (real_valued(pool, base)) {
        if (!conds_of({{t, R::Ge}}, c)) return {};
      } else {
        const ExprId sector = pool.div(pi, pool.number(Number(q)));
        const ExprId a = pool.func(Op::Arg, t);
        if (!conds_of({{pool.add(a, sector), R::Gt}, {pool.sub(sector, a), R::Ge}}, c)) return {};
      }
      out.push_back({pool.pow(t, pool.number(Number(q))), c, {}, false});
      return out;
    }
    const Node& bn = pool.node(base);
    if (bn.kind == Kind::Number && bn.number.is_exact() && bn.number.sign() > 0 && !bn.number.is_one()) {
      // c**u = t: u = log(t)/log(c) (+ 2*pi*I*n/log(c) for complex u).
      const ExprId lc = pool.func(Op::Log, base);
      std::vector<Condition> c;
      if (real_valued(pool, e)) {
        if (!conds_of({{t, R::Gt}}, c)) return {};
        out.push_back({pool.div(pool.func(Op::Log, t), lc), c, {}, false});
      } else {
        if (!conds_of({{t, R::Ne}}, c)) return {};
        periodic(pool.div(pool.func(Op::Log, t), lc), pool.div(pool.mul(pool.mul(pool.integer(2), pi), I), lc), c);
      }
      return out;
    }
  }
  throw SolveUnsupported("solve: cannot invert " + text(pool, g) +
                         " (inverted are exp, log, sin, cos, tan, asin, acos, atan, u**(1/q) and c**u)");
}

// The argument of g: what the inversion solves for next.
ExprId argument_of(const ExprPool& pool, ExprId g) {
  const Node& n = pool.node(g);
  if (n.kind == Kind::Func) return n.args[0];
  if (n.kind == Kind::Pow) {
    const Node& en = pool.node(n.args[1]);
    return en.kind == Kind::Number ? n.args[0] : n.args[1];
  }
  return g;
}

void merge(std::vector<Condition>& into, const std::vector<Condition>& more) {
  for (const Condition& c : more)
    if (std::find(into.begin(), into.end(), c) == into.end()) into.push_back(c);
}

bool same_solution(const Solution& a, const Solution& b) {
  return a.values == b.values && a.conditions == b.conditions && a.parameters == b.parameters &&
         a.principal == b.principal;
}

}  // namespace

std::vector<Solution> solve_univariate(ExprPool& pool, ExprId eq, ExprId x, const SolveOptions& options,
                                       std::vector<ExprId>& used) {
  const SolveDomain domain = domain_of(pool, x);
  if (!has(pool, eq, x)) {
    // Free of x: every x solves it when it is zero.
    Solution all;
    all.parameters.push_back(x);
    if (!add_condition(pool, all.conditions, eq, R::Eq)) return {};
    return {all};
  }
  const std::vector<ExprId> gens = generators_with(pool, eq, x);
  if (gens.size() != 1) {
    std::string names;
    for (std::size_t k = 0; k < gens.size() && k < 4; ++k) names += (k ? ", " : "") + text(pool, gens[k]);
    throw SolveUnsupported("solve: " + text(pool, eq) + " = 0 holds " + text(pool, x) + " in several independent forms (" +
                           names + "); such equations are not solved exactly (try nsolve)");
  }
  const ExprId g = gens[0];
  auto pi = poly_in(pool, eq, g, x);
  if (!pi) throw SolveUnsupported("solve: " + text(pool, eq) + " is not a rational function of " + text(pool, g));
  const bool den_has_g = has(pool, pi->den, x);
  // Roots in g: its domain is x's when g is x; otherwise the inversion decides (complex here).
  const std::vector<Root> rts = roots_of_coeffs(pool, pi->coeffs, g, g == x ? domain : SolveDomain::Complex, eq);
  std::vector<Solution> out;
  auto push = [&](Solution s) {
    for (const Solution& o : out)
      if (same_solution(o, s)) return;
    out.push_back(std::move(s));
  };
  for (const Root& r : rts) {
    std::vector<Condition> conds = r.conditions;
    if (den_has_g) {
      const ExprId dv = subs(pool, pi->den, {{g, r.value}});
      if (!add_condition(pool, conds, dv, R::Ne)) continue;
    } else if (!add_condition(pool, conds, pi->den, R::Ne)) {
      continue;
    }
    if (g == x) {
      Solution s;
      s.values.emplace_back(x, r.value);
      s.conditions = conds;
      push(std::move(s));
      continue;
    }
    const ExprId u = argument_of(pool, g);
    for (Inverse& inv : invert(pool, g, r.value, options, used)) {
      std::vector<Condition> c = conds;
      merge(c, inv.conds);
      for (Solution& s : solve_univariate(pool, pool.sub(u, inv.value), x, options, used)) {
        merge(s.conditions, c);
        s.parameters.insert(s.parameters.begin(), inv.params.begin(), inv.params.end());
        s.principal = s.principal || inv.principal;
        push(std::move(s));
      }
    }
  }
  return out;
}

}  // namespace alkahest::solve_detail
