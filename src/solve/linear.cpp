// Linear systems A*v = b of any shape. Exact numeric systems go through the matrix layer (FLINT's
// fmpq_mat reduced row echelon form); symbolic ones through Gauss-Jordan elimination here, whose
// pivots are chosen as the matrix layer chooses them (proved nonzero first) but which records the
// pivots that are only generically nonzero (a nonzero rational function of the parameters, such as
// a) as conditions of the solution (a != 0) instead of assuming them. Free unknowns of an
// underdetermined system stay as themselves in the values and are listed as parameters; an
// inconsistent system has no solution; a consistency that depends on the parameters is a condition.
#include <algorithm>

#include "alkahest/matrix.hpp"
#include "alkahest/poly.hpp"
#include "poly/convert.hpp"
#include "solve/solve_detail.hpp"

namespace alkahest::solve_detail {

namespace {

using R = Condition::Rel;

enum class Pivot { Zero, Proved, Generic, Unknown };

Pivot classify(ExprPool& pool, ExprId e) {
  const std::optional<bool> z = zero(pool, e);
  if (z) return *z ? Pivot::Zero : Pivot::Proved;
  bool symbols_only = true;
  try {
    for (ExprId g : generators(pool, e)) symbols_only = symbols_only && pool.node(g).kind == Kind::Symbol;
  } catch (const std::exception&) {
    symbols_only = false;
  }
  // In lowest terms and not the number 0, a rational function of independent symbols is not the
  // zero function: a generic pivot (a condition says it must not vanish).
  return symbols_only ? Pivot::Generic : Pivot::Unknown;
}

}  // namespace

std::optional<std::vector<Solution>> solve_linear(ExprPool& pool, std::span<const ExprId> eqs,
                                                  std::span<const ExprId> vars) {
  using namespace poly_detail;
  const std::size_t m = eqs.size(), n = vars.size();
  std::vector<ExprId> aug(m * (n + 1), pool.integer(0));
  std::vector<Condition> conds;
  for (std::size_t i = 0; i < m; ++i) {
    auto [num, den] = numer_denom(pool, eqs[i]);
    for (ExprId v : vars)
      if (has(pool, den, v)) return std::nullopt;
    if (!add_condition(pool, conds, den, R::Ne)) return std::vector<Solution>{};
    Converter c(pool, Mode::Exact, "solve");
    c.scan(num);
    for (ExprId v : vars) c.scan(v);
    c.build();
    std::vector<long> var_index;
    for (ExprId v : vars) var_index.push_back(c.var_of(v));
    const auto gens = c.gen_exprs();
    for (std::size_t k = 0; k < gens.size(); ++k) {
      if (std::find(var_index.begin(), var_index.end(), static_cast<long>(k)) != var_index.end()) continue;
      for (ExprId v : vars)
        if (has(pool, gens[k], v)) return std::nullopt;
    }
    for (long vi : var_index)
      if (vi < 0) return std::nullopt;
    QPoly p = c.poly(num);
    std::vector<ulong> exps(static_cast<std::size_t>(c.ctx()->flint_nvars()));
    std::vector<std::vector<ExprId>> parts(n + 1);
    Fmpq q;
    for (slong t = 0; t < p.length(); ++t) {
      fmpq_mpoly_get_term_coeff_fmpq(q.v, p.get(), t, p.ctx());
      fmpq_mpoly_get_term_exp_ui(exps.data(), p.get(), t, p.ctx());
      std::size_t which = n;  // the constant part
      ulong deg = 0;
      for (std::size_t j = 0; j < n; ++j) {
        const ulong e = exps[static_cast<std::size_t>(var_index[j])];
        deg += e;
        if (e) which = j;
      }
      if (deg > 1) return std::nullopt;
      std::vector<ExprId> fs{pool.number(to_number(q.v))};
      for (std::size_t k = 0; k < c.nvars(); ++k) {
        if (std::find(var_index.begin(), var_index.end(), static_cast<long>(k)) != var_index.end()) continue;
        if (exps[k]) fs.push_back(c.gen_power(k, mpz_class(static_cast<unsigned long>(exps[k]))));
      }
      parts[which].push_back(mul_all(pool, fs));
    }
    for (std::size_t j = 0; j < n; ++j) aug[i * (n + 1) + j] = add_all(pool, parts[j]);
    aug[i * (n + 1) + n] = pool.neg(add_all(pool, parts[n]));
  }
  const std::size_t cols = n + 1;
  auto at = [&](std::size_t i, std::size_t j) -> ExprId& { return aug[i * cols + j]; };
  std::vector<std::size_t> pivots;
  const Matrix M(pool, m, cols, aug);
  if (M.is_exact_numeric()) {
    // FLINT's exact reduced row echelon form.
    RrefResult r = rref(M);
    aug = r.matrix.entries();
    pivots = r.pivots;
    if (!pivots.empty() && pivots.back() == n) return std::vector<Solution>{};  // 0 = nonzero
  } else {
    std::size_t row = 0;
    for (std::size_t j = 0; j < n && row < m; ++j) {
      std::optional<std::size_t> proved, generic, unknown;
      for (std::size_t i = row; i < m; ++i) {
        at(i, j) = cancel_or_keep(pool, at(i, j));
        const Pivot k = classify(pool, at(i, j));
        if (k == Pivot::Proved && !proved) proved = i;
        if (k == Pivot::Generic && !generic) generic = i;
        if (k == Pivot::Unknown && !unknown) unknown = i;
      }
      std::optional<std::size_t> use = proved ? proved : generic;
      if (!use) {
        if (unknown)
          throw SolveUnsupported("solve: could not decide whether the coefficient " + text(pool, at(*unknown, j)) +
                                 " of " + text(pool, vars[j]) + " is zero");
        continue;  // the column is zero: a free unknown
      }
      if (!proved && !add_condition(pool, conds, at(*use, j), R::Ne)) return std::vector<Solution>{};
      for (std::size_t k = 0; k < cols; ++k) std::swap(at(row, k), at(*use, k));
      const ExprId pv = at(row, j);
      for (std::size_t k = 0; k < cols; ++k) at(row, k) = cancel_or_keep(pool, pool.div(at(row, k), pv));
      for (std::size_t i = 0; i < m; ++i) {
        if (i == row) continue;
        const ExprId f = at(i, j);
        if (zero(pool, f) == std::optional<bool>(true)) continue;
        for (std::size_t k = 0; k < cols; ++k)
          at(i, k) = cancel_or_keep(pool, pool.sub(at(i, k), pool.mul(f, at(row, k))));
      }
      pivots.push_back(j);
      ++row;
    }
    // Rows without a pivot read 0 = rhs.
    for (std::size_t i = row; i < m; ++i)
      if (!add_condition(pool, conds, at(i, n), R::Eq)) return std::vector<Solution>{};
  }
  Solution s;
  s.conditions = conds;
  for (std::size_t j = 0; j < n; ++j)
    if (std::find(pivots.begin(), pivots.end(), j) == pivots.end()) s.parameters.push_back(vars[j]);
  for (std::size_t k = 0; k < pivots.size(); ++k) {
    std::vector<ExprId> terms{at(k, n)};
    for (ExprId v : s.parameters) {
      const std::size_t j = static_cast<std::size_t>(std::find(vars.begin(), vars.end(), v) - vars.begin());
      terms.push_back(pool.neg(pool.mul(at(k, j), v)));
    }
    s.values.emplace_back(vars[pivots[k]], cancel_or_keep(pool, add_all(pool, terms)));
  }
  // Real unknowns: a value proved non-real (an I in a coefficient) is no solution.
  for (const auto& [v, value] : s.values)
    if (domain_of(pool, v) == SolveDomain::Real && s.parameters.empty() &&
        is_real_value(pool, value) == std::optional<bool>(false))
      return std::vector<Solution>{};
  return std::vector<Solution>{s};
}

}  // namespace alkahest::solve_detail
