// solve: the dispatcher. Unknowns are checked, equations free of them become conditions (or prove
// that there is no solution), and the system goes to the first solver that applies: one equation in
// one unknown (univariate.cpp), a linear system (linear.cpp), a polynomial system
// (polynomial_system.cpp); several equations in one unknown that are not polynomial are solved
// from the first and checked against the others.
#include <algorithm>
#include <unordered_map>

#include "alkahest/calculus.hpp"
#include "alkahest/poly.hpp"
#include "solve/solve_detail.hpp"

namespace alkahest {

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
  if (polynomial) return finish(solve_polynomial_system(pool, eqs, vars));
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
