// Zero-dimensional polynomial systems over Q: the reduced Groebner basis G in lex order (vars[0]
// largest) holds one univariate polynomial p in the last unknown. Each irreducible factor f of p is
// added to G (a new basis G_f) and its roots r are exact (roots()). The other unknowns follow by
// the Gianni-Kalkbrener extension: with the later unknowns fixed at a partial solution a, the
// elements of G_f in v_i..v_n of least degree in v_i whose leading coefficient does not vanish at a
// specialise to the gcd of the whole elimination ideal at a, so its roots are exactly the values of
// v_i that extend a. Leading coefficients are tested by the never-wrong zero test; an undecidable
// one is an error naming it, never a guess.
#include <algorithm>
#include <unordered_map>

#include "alkahest/calculus.hpp"
#include "alkahest/poly.hpp"
#include "solve/solve_detail.hpp"

namespace alkahest::solve_detail {

namespace {

using Assignment = std::vector<std::pair<ExprId, ExprId>>;

bool only_in(ExprPool& pool, ExprId e, std::span<const ExprId> allowed) {
  for (ExprId s : free_symbols(pool, e))
    if (std::find(allowed.begin(), allowed.end(), s) == allowed.end()) return false;
  return true;
}

ExprId simplify_value(ExprPool& pool, ExprId e) {
  try {
    return expand(pool, e);
  } catch (const std::exception&) {
    return e;
  }
}

void extend(ExprPool& pool, const std::vector<ExprId>& G, std::span<const ExprId> vars, long i, Assignment& partial,
            std::vector<Assignment>& out, std::vector<std::vector<Condition>>& out_conds,
            const std::vector<Condition>& conds) {
  if (i < 0) {
    out.push_back(partial);
    out_conds.push_back(conds);
    return;
  }
  const ExprId v = vars[static_cast<std::size_t>(i)];
  std::span<const ExprId> later = vars.subspan(static_cast<std::size_t>(i));
  struct Cand {
    std::vector<ExprId> coeffs;
    ExprId g;
  };
  std::vector<Cand> cands;
  for (ExprId g : G) {
    if (!has(pool, g, v) || !only_in(pool, g, later)) continue;
    auto pi = poly_in(pool, g, v, v);
    if (!pi) continue;
    cands.push_back({pi->coeffs, g});
  }
  std::stable_sort(cands.begin(), cands.end(), [](const Cand& a, const Cand& b) { return a.coeffs.size() < b.coeffs.size(); });
  std::unordered_map<ExprId, ExprId> at;
  for (const auto& [k, val] : partial) at.emplace(k, val);
  for (const Cand& c : cands) {
    const ExprId lc = simplify_value(pool, subs(pool, c.coeffs.back(), at));
    // Next to the last unknown, G holds the irreducible f of that unknown and is reduced, so a
    // leading coefficient (a polynomial in the last unknown alone) has degree < deg f: it does not
    // vanish at any root of f unless it is the zero polynomial (a leading coefficient is not). No
    // numeric test is needed there.
    const std::optional<bool> z = static_cast<std::size_t>(i) + 2 == vars.size() ? std::optional<bool>(false) : zero(pool, lc);
    if (!z)
      throw SolveUnsupported("solve: could not decide whether " + text(pool, lc) + " (a leading coefficient of " +
                             text(pool, c.g) + " at a partial solution) is zero");
    if (*z) continue;
    std::vector<ExprId> spec;
    for (ExprId co : c.coeffs) spec.push_back(simplify_value(pool, subs(pool, co, at)));
    for (const Root& r : roots_of_coeffs(pool, spec, v, domain_of(pool, v), c.g)) {
      std::vector<Condition> cs = conds;
      for (const Condition& k : r.conditions)
        if (std::find(cs.begin(), cs.end(), k) == cs.end()) cs.push_back(k);
      partial.emplace_back(v, simplify_value(pool, r.value));
      extend(pool, G, vars, i - 1, partial, out, out_conds, cs);
      partial.pop_back();
    }
    return;
  }
  throw SolveUnsupported("solve: the system is not zero-dimensional in " + text(pool, v));
}

}  // namespace

std::vector<Solution> solve_polynomial_system(ExprPool& pool, std::span<const ExprId> eqs,
                                              std::span<const ExprId> vars) {
  std::vector<ExprId> nums, dens;
  for (ExprId e : eqs) {
    auto [num, den] = numer_denom(pool, e);
    for (ExprId g : generators(pool, num))
      if (std::find(vars.begin(), vars.end(), g) == vars.end())
        throw SolveUnsupported("solve: nonlinear systems are solved when they are polynomial in the unknowns over Q; " +
                               text(pool, e) + " contains " + text(pool, g) +
                               (pool.node(g).kind == Kind::Symbol ? " (a parameter, not an unknown)" : ""));
    nums.push_back(num);
    if (!pool.is_number(den)) dens.push_back(den);
  }
  const std::vector<ExprId> G = groebner(pool, nums, vars, MonomialOrder::Lex);
  if (G.size() == 1 && pool.is_number(G[0]) && !pool.node(G[0]).number.is_zero()) return {};
  // Zero-dimensional: every unknown has a basis element whose leading monomial is a power of it.
  for (std::size_t i = 0; i < vars.size(); ++i) {
    bool found = false;
    for (ExprId g : G) {
      Poly p(pool, g, std::vector<ExprId>(vars.begin(), vars.end()), Poly::Domain::QQ);
      const auto lm = p.leading_monom();
      bool pure = lm[i] > 0;
      for (std::size_t k = 0; k < lm.size(); ++k) pure = pure && (k == i || lm[k] == 0);
      found = found || pure;
    }
    if (!found)
      throw SolveUnsupported("solve: the polynomial system has infinitely many solutions (it is not "
                             "zero-dimensional: " + text(pool, vars[i]) +
                             " is not determined); only linear systems get a parametric solution");
  }
  const ExprId last = vars.back();
  ExprId p = 0;
  for (ExprId g : G)
    if (only_in(pool, g, vars.subspan(vars.size() - 1))) p = g;
  std::vector<Assignment> sols;
  std::vector<std::vector<Condition>> sol_conds;
  const FactorList fl = factor_list(pool, p);
  for (const auto& [f, mult] : fl.factors) {
    (void)mult;
    std::vector<ExprId> with = G;
    with.push_back(f);
    const std::vector<ExprId> Gf = groebner(pool, with, vars, MonomialOrder::Lex);
    if (Gf.size() == 1 && pool.is_number(Gf[0])) continue;
    for (const Root& r : roots(pool, f, last, domain_of(pool, last))) {
      Assignment partial{{last, r.value}};
      extend(pool, Gf, vars, static_cast<long>(vars.size()) - 2, partial, sols, sol_conds, r.conditions);
    }
  }
  std::vector<Solution> out;
  for (std::size_t k = 0; k < sols.size(); ++k) {
    Solution s;
    s.conditions = sol_conds[k];
    std::unordered_map<ExprId, ExprId> at;
    for (const auto& [v, val] : sols[k]) at.emplace(v, val);
    bool ok = true;
    for (ExprId d : dens) ok = ok && add_condition(pool, s.conditions, subs(pool, d, at), Condition::Rel::Ne);
    if (!ok) continue;
    for (ExprId v : vars) s.values.emplace_back(v, at.at(v));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace alkahest::solve_detail
