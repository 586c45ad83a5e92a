// solve: the dispatcher. Unknowns are checked, equations free of them become conditions (or prove
// that there is no solution), and the system goes to the first solver that applies: one equation in
// one unknown (univariate.cpp), a linear system (linear.cpp), a polynomial system
// (polynomial_system.cpp); several equations in one unknown that are not polynomial are solved
// from the first and checked against the others.
#include <algorithm>
#include <unordered_map>

#include "alkahest/calculus.hpp"
#include "alkahest/poly.hpp"
#include "kernel/depth_scope.hpp"
#include "solve/solve_detail.hpp"

namespace alkahest {

namespace {

using namespace solve_detail;

bool has_any(const ExprPool& pool, ExprId e, std::span<const ExprId> vars) {
  return std::any_of(vars.begin(), vars.end(), [&](ExprId v) { return has(pool, e, v); });
}

// Systems with parameters (or with functions of the unknowns) where some equation is linear in
// an unknown v with a coefficient free of every unknown: v = -c0/c1 under c1 != 0, substituted
// into the others, which are solved for the remaining unknowns (recursively, by solve); then v
// follows. An equivalence under the conditions, so no solution is lost or invented. nullopt when
// no equation has such an unknown, or when the rest cannot be solved that way.
std::optional<std::vector<Solution>> solve_by_substitution(ExprPool& pool, const std::vector<ExprId>& eqs,
                                                           const std::vector<ExprId>& vars,
                                                           const SolveOptions& options, int depth) {
  using R = Condition::Rel;
  if (depth > 8 || vars.size() < 2) return std::nullopt;
  struct Pick {
    std::size_t eq;
    ExprId var, value, c1, den;
  };
  std::vector<Pick> picks;
  for (std::size_t k = 0; k < eqs.size(); ++k) {
    auto [num, den] = numer_denom(pool, eqs[k]);
    for (ExprId v : vars) {
      auto pi = poly_in(pool, num, v, v);
      if (!pi || pi->coeffs.size() != 2 || has(pool, pi->den, v) || has_any(pool, pi->coeffs[1], vars)) continue;
      const ExprId value = cancel_or_keep(pool, pool.div(pool.neg(pi->coeffs[0]), pi->coeffs[1]));
      picks.push_back({k, v, value, pi->coeffs[1], den});
    }
  }
  // A numeric coefficient first (no condition), then the fewest other unknowns in the value.
  auto cost = [&](const Pick& p) {
    int c = pool.is_number(p.c1) ? 0 : 100;
    for (ExprId v : vars) c += has(pool, p.value, v) ? 1 : 0;
    return c;
  };
  std::stable_sort(picks.begin(), picks.end(), [&](const Pick& a, const Pick& b) { return cost(a) < cost(b); });
  for (const Pick& p : picks) {
    std::vector<ExprId> rest_vars;
    for (ExprId v : vars)
      if (v != p.var) rest_vars.push_back(v);
    std::vector<ExprId> rest;
    for (std::size_t k = 0; k < eqs.size(); ++k)
      if (k != p.eq) rest.push_back(cancel_or_keep(pool, subs(pool, eqs[k], {{p.var, p.value}})));
    std::vector<Solution> sub;
    try {
      sub = solve(pool, rest, rest_vars, options);
    } catch (const SolveUnsupported&) {
      continue;
    }
    std::vector<Solution> out;
    for (Solution& s : sub) {
      std::unordered_map<ExprId, ExprId> at;
      for (const auto& [v, val] : s.values) at.emplace(v, val);
      const ExprId value = cancel_or_keep(pool, subs(pool, p.value, at));
      at.emplace(p.var, value);
      bool ok = add_condition(pool, s.conditions, p.c1, R::Ne);
      if (!pool.is_number(p.den)) ok = ok && add_condition(pool, s.conditions, subs(pool, p.den, at), R::Ne);
      if (!ok) continue;
      Solution full;
      for (ExprId v : vars)
        if (auto it = at.find(v); it != at.end()) full.values.emplace_back(v, it->second);
      full.conditions = std::move(s.conditions);
      full.parameters = std::move(s.parameters);
      full.principal = s.principal;
      out.push_back(std::move(full));
    }
    return out;
  }
  return std::nullopt;
}

thread_local int substitution_depth = 0;

}  // namespace

std::vector<Solution> solve(ExprPool& pool, std::span<const ExprId> eqs_in, std::span<const ExprId> vars_in,
                            const SolveOptions& options) {
  using namespace solve_detail;
  using R = Condition::Rel;
  std::vector<ExprId> vars(vars_in.begin(), vars_in.end());
  for (ExprId v : vars)
    if (pool.node(v).kind != Kind::Symbol)
      throw InvalidArgument("solve: each unknown must be a symbol, got " + text(pool, v));
  for (std::size_t i = 0; i < vars.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (vars[i] == vars[j]) throw InvalidArgument("solve: the unknown " + text(pool, vars[i]) + " is given twice");
  if (vars.empty()) {
    for (ExprId e : eqs_in)
      for (ExprId s : free_symbols(pool, e))
        if (std::find(vars.begin(), vars.end(), s) == vars.end()) vars.push_back(s);
    std::sort(vars.begin(), vars.end(), [&](ExprId a, ExprId b) { return pool.compare(a, b) < 0; });
    if (vars.empty()) throw InvalidArgument("solve: the equations have no symbols to solve for");
  }
  std::vector<Condition> global;
  std::vector<ExprId> eqs;
  for (ExprId e : eqs_in) {
    bool with_unknown = false;
    for (ExprId v : vars) with_unknown = with_unknown || has(pool, e, v);
    if (with_unknown) {
      eqs.push_back(e);
    } else if (!add_condition(pool, global, e, R::Eq)) {
      return {};  // a nonzero constant = 0
    }
  }
  auto finish = [&](std::vector<Solution> sols) {
    for (Solution& s : sols)
      for (const Condition& c : global)
        if (std::find(s.conditions.begin(), s.conditions.end(), c) == s.conditions.end()) s.conditions.push_back(c);
    return sols;
  };
  if (eqs.empty()) {
    Solution all;
    all.parameters = vars;
    return finish({all});
  }
  std::vector<ExprId> used(eqs.begin(), eqs.end());
  if (vars.size() == 1 && eqs.size() == 1) return finish(solve_univariate(pool, eqs[0], vars[0], options, used));
  if (auto lin = solve_linear(pool, eqs, vars)) return finish(std::move(*lin));
  bool polynomial = true;
  for (ExprId e : eqs)
    for (ExprId g : generators(pool, e))
      for (ExprId v : vars)
        if (has(pool, g, v) && g != v) polynomial = false;
  bool parameters = false;
  for (ExprId e : eqs)
    for (ExprId s : free_symbols(pool, e)) parameters = parameters || std::find(vars.begin(), vars.end(), s) == vars.end();
  auto by_substitution = [&]() {
    const DepthScope scope(substitution_depth);
    return solve_by_substitution(pool, eqs, vars, options, scope.depth());
  };
  if (polynomial && parameters)
    if (auto r = by_substitution()) return finish(std::move(*r));
  if (polynomial) return finish(solve_polynomial_system(pool, eqs, vars));
  if (vars.size() > 1)
    if (auto r = by_substitution()) return finish(std::move(*r));
  if (vars.size() == 1) {
    // Solve the first equation, keep the solutions every other one is proved (or assumed) to satisfy.
    std::vector<Solution> out;
    for (Solution& s : solve_univariate(pool, eqs[0], vars[0], options, used)) {
      if (s.values.empty()) throw SolveUnsupported("solve: the first equation holds for every " + text(pool, vars[0]));
      bool ok = true;
      for (std::size_t k = 1; k < eqs.size() && ok; ++k)
        ok = add_condition(pool, s.conditions, subs(pool, eqs[k], {{vars[0], s.values[0].second}}), R::Eq);
      if (ok) out.push_back(std::move(s));
    }
    return finish(std::move(out));
  }
  throw SolveUnsupported("solve: systems of several equations are solved when they are linear, or polynomial in "
                         "the unknowns; this one is neither (try nsolve)");
}

}  // namespace alkahest
