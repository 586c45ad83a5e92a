// The parallel Risch (Risch-Norman) ansatz for integrands rational in x and a tower of
// exponentials and logarithms t_i = exp(g_i) or log(g_i), each derivative rational in x and the
// t's. With f = N/D over Q(params)[x, t], the antiderivative is guessed as
//     F = P(x, t) / V + sum_j c_j log(q_j),
// V the factors of D lowered by one power (a t_i = exp(g_i) keeps its whole power: exp(-g) is
// 1/t), q_j the irreducible factors of D, P a polynomial of bounded total degree with unknown
// coefficients. D(F) = f, with D the derivation d/dx + sum t_i' d/dt_i, is linear in the unknowns:
// clearing denominators and comparing the coefficients of the monomials in x and t gives a linear
// system. A solution is an antiderivative (the t's treated as independent symbols is only
// stricter); no solution within the degree bound decides nothing, so the caller goes on (the
// ansatz is a heuristic front end, not the decision procedure). Every answer is checked by
// differentiation before it is returned.
#include <algorithm>
#include <map>
#include <unordered_map>

#include "alkahest/calculus.hpp"
#include "alkahest/integrate.hpp"
#include "alkahest/poly.hpp"
#include "alkahest/walk.hpp"
#include "integrate/integrator.hpp"

namespace alkahest::integrate_detail {

namespace {

constexpr std::size_t kMaxTower = 4;
constexpr long kMaxDegree = 6;
constexpr std::size_t kMaxUnknowns = 160;

long total_degree(ExprPool& pool, ExprId e, const std::vector<ExprId>& gens) {
  if (pool.is_number(e)) return 0;
  return Poly(pool, e, gens).total_degree();
}

// Monomials x**a * prod t_i**b_i of total degree <= n.
void monomials(std::size_t nvars, long n, std::vector<long>& cur, std::vector<std::vector<long>>& out) {
  if (cur.size() == nvars) {
    out.push_back(cur);
    return;
  }
  long used = 0;
  for (long e : cur) used += e;
  for (long e = 0; e + used <= n; ++e) {
    cur.push_back(e);
    monomials(nvars, n, cur, out);
    cur.pop_back();
  }
}

}  // namespace

Opt Integrator::parallel_risch(ExprId f, ExprId x) {
  // The tower: exp and log nodes holding x, outermost first (subs replaces whole nodes).
  std::vector<ExprId> atoms;
  bool other = false;
  any_node(pool, f, [&](ExprId id, const Node& n) {
    if (!has(id, x)) return false;
    if (n.kind == Kind::Func) {
      if (n.op == Op::Exp || n.op == Op::Log) {
        if (std::find(atoms.begin(), atoms.end(), id) == atoms.end()) atoms.push_back(id);
      } else {
        other = true;
      }
    }
    if (n.kind == Kind::Object) other = true;
    return other;
  });
  if (other || atoms.empty() || atoms.size() > kMaxTower) return std::nullopt;
  // Each exp(c0 + c1*h1 + ...) (c_k integers, h_k with x) is exp(c0) * prod t(h_k)**c_k, one t
  // per distinct exp(h_k): exp(2*x**2) and exp(x + exp(x)) become powers and products of
  // exp(x**2), exp(x), exp(exp(x)). A log(g) is a t of its own.
  std::vector<ExprId> ts, tower;  // the symbols and the functions they stand for
  std::unordered_map<ExprId, ExprId> to_t, from_t, symbol_of;
  auto symbol_for = [&](ExprId atom) {
    if (auto it = symbol_of.find(atom); it != symbol_of.end()) return it->second;
    const ExprId t = fresh();
    ts.push_back(t);
    tower.push_back(atom);
    from_t.emplace(t, atom);
    symbol_of.emplace(atom, t);
    return t;
  };
  for (ExprId a : atoms) {
    const Node& an = pool.node(a);
    if (an.op == Op::Log) {
      to_t[a] = symbol_for(a);
      continue;
    }
    const ExprId arg = an.args[0];
    const std::vector<ExprId> terms = pool.node(arg).kind == Kind::Add ? pool.node(arg).args : ArgVector{arg};
    std::vector<ExprId> factors;
    for (ExprId term : terms) {
      if (!has(term, x)) {
        factors.push_back(fn(Op::Exp, term));
        continue;
      }
      auto [c, h] = split_constant(term, x);
      const Node& cn = pool.node(c);
      long k = 1;
      if (cn.kind == Kind::Number && cn.number.is_integer() && cn.number.fits_long() && std::labs(cn.number.integer().get_si()) <= 16)
        k = cn.number.integer().get_si();
      else
        h = term;
      ExprId base = fn(Op::Exp, h);
      factors.push_back(pw(symbol_for(base), k));
    }
    to_t[a] = pool.mul(factors);
  }
  for (std::size_t i = 0; i < tower.size(); ++i)  // each exp(h) as its own atom, too
    if (!to_t.count(tower[i])) to_t[tower[i]] = ts[i];
  if (ts.size() > kMaxTower) return std::nullopt;
  auto in_tower = [&](ExprId e) { return cancel(pool, subs(pool, e, to_t)); };
  std::vector<ExprId> gens{x};
  gens.insert(gens.end(), ts.begin(), ts.end());
  auto holds_var = [&](ExprId e) { return std::any_of(gens.begin(), gens.end(), [&](ExprId g) { return has(e, g); }); };
  // Whether e is rational in x and the tower's symbols: every generator is one of them, or free
  // of all of them (a parameter, a constant such as E or sqrt(2)).
  auto rational_in = [&](ExprId e) {
    for (ExprId g : generators(pool, e))
      if (std::find(gens.begin(), gens.end(), g) == gens.end() && holds_var(g)) return false;
    return true;
  };
  // t_i' as rational functions of x and the t's.
  std::vector<ExprId> dts;
  std::vector<bool> is_exp;
  for (ExprId a : tower) {
    const ExprId dt = in_tower(d(a, x));
    if (!rational_in(dt)) return std::nullopt;
    dts.push_back(dt);
    is_exp.push_back(pool.node(a).op == Op::Exp);
  }
  const ExprId ft = in_tower(f);
  if (!rational_in(ft)) return std::nullopt;
  auto [N, D] = num_den(pool, ft);
  // V and the log candidates from D's factors.
  std::vector<ExprId> vparts, logs;
  if (!pool.is_number(D)) {
    const FactorList fl = factor_list(pool, D);
    for (const auto& [b, k] : fl.factors) {
      if (!holds_var(b)) continue;
      const auto it = std::find(ts.begin(), ts.end(), b);
      if (it != ts.end() && is_exp[static_cast<std::size_t>(it - ts.begin())]) {
        vparts.push_back(pw(b, k));
        continue;
      }
      if (k > 1) vparts.push_back(pw(b, k - 1));
      logs.push_back(b);
    }
  }
  const ExprId V = pool.mul(vparts);
  const long degN = total_degree(pool, N, gens), degD = total_degree(pool, D, gens), degV = total_degree(pool, V, gens);
  const long n = std::clamp(degN - degD + degV + 1, 1L, kMaxDegree);
  std::vector<std::vector<long>> mons;
  std::vector<long> cur;
  monomials(gens.size(), n, cur, mons);
  if (mons.size() + logs.size() > kMaxUnknowns) return std::nullopt;
  // The basis of the ansatz and the derivation of each element.
  auto derivation = [&](ExprId e) {
    std::vector<ExprId> terms{d(e, x)};
    for (std::size_t i = 0; i < ts.size(); ++i) terms.push_back(mul(d(e, ts[i]), dts[i]));
    return cancel(pool, pool.add(terms));
  };
  std::vector<ExprId> basis, dbasis;
  for (const auto& m : mons) {
    std::vector<ExprId> fs;
    for (std::size_t i = 0; i < gens.size(); ++i)
      if (m[i] > 0) fs.push_back(pw(gens[i], m[i]));
    const ExprId b = div(pool.mul(fs), V);
    basis.push_back(b);
    dbasis.push_back(derivation(b));
  }
  for (ExprId q : logs) {
    basis.push_back(fn(Op::Log, q));
    dbasis.push_back(cancel(pool, div(derivation(q), q)));
  }
  if (out_of_budget()) return std::nullopt;
  // Clear denominators: L the lcm of every denominator.
  ExprId L = D;
  for (ExprId e : dbasis) L = lcm(pool, L, num_den(pool, e).second);
  auto coefficients = [&](ExprId e) -> std::optional<std::map<std::vector<long>, ExprId>> {
    const ExprId p = cancel(pool, mul(e, L));
    auto [pn, pd] = num_den(pool, p);
    if (holds_var(pd)) return std::nullopt;
    std::map<std::vector<long>, ExprId> out;
    if (pool.is_number(pn) && pool.node(pn).number.is_zero()) return out;
    const Poly P(pool, pn, gens);
    for (auto& [mon, c] : P.coeff_terms()) out[mon] = div(c, pd);
    return out;
  };
  // One row per monomial that occurs, one column per unknown.
  std::map<std::vector<long>, std::size_t> rows;
  auto column = [&](ExprId e) -> std::optional<std::vector<ExprId>> {
    auto c = coefficients(e);
    if (!c) return std::nullopt;
    std::vector<ExprId> v;
    for (auto& [mon, value] : *c) {
      const std::size_t r = rows.emplace(mon, rows.size()).first->second;
      if (v.size() <= r) v.resize(r + 1, pool.integer(0));
      v[r] = value;
    }
    return v;
  };
  std::vector<std::vector<ExprId>> cols;
  for (ExprId e : dbasis) {
    auto c = column(e);
    if (!c) return std::nullopt;
    cols.push_back(std::move(*c));
  }
  const auto rhs = column(ft);
  if (!rhs) return std::nullopt;
  const auto sol = solve_columns(pool, cols, *rhs);
  if (!sol) return std::nullopt;  // inconsistent: no antiderivative of this shape
  std::vector<ExprId> terms;
  for (std::size_t j = 0; j < sol->size(); ++j)
    if ((*sol)[j] != pool.integer(0)) terms.push_back(mul((*sol)[j], basis[j]));
  if (terms.empty()) return std::nullopt;
  const ExprId F = subs(pool, pool.add(terms), from_t);
  if (!check_antiderivative(pool, F, f, x)) return std::nullopt;
  return F;
}

}  // namespace alkahest::integrate_detail
