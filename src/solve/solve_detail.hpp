// What the solvers of src/solve share: decisions that are never wrong (signs, realness, zero
// tests: proved, or unknown), conditions, and the view of an expression as a polynomial in one
// generator with Expr coefficients. Internal to src/solve.
#pragma once
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "alkahest/solve.hpp"

namespace alkahest::solve_detail {

/// The sign of a real value when proved (a number, the kernel's facts, or a certified enclosure of
/// a constant expression); nullopt when unknown or not real.
std::optional<int> sign_of(ExprPool& pool, ExprId e);
/// Whether the value is real: facts, or a certified enclosure of a constant; nullopt when unknown.
std::optional<bool> is_real_value(ExprPool& pool, ExprId e);
/// Proved zero / proved nonzero / unknown (never wrong).
std::optional<bool> zero(ExprPool& pool, ExprId e);

/// Adds `expr REL 0` to conds unless it is proved true; returns false when it is proved false (the
/// solution does not exist). The expression is simplified (cancel) first.
bool add_condition(ExprPool& pool, std::vector<Condition>& conds, ExprId expr, Condition::Rel rel);

/// Numerator and denominator of expr in lowest terms (cancel).
std::pair<ExprId, ExprId> numer_denom(ExprPool& pool, ExprId expr);

/// expr as a polynomial in the generator g: coefficients c_0..c_d (Exprs free of g, lowest degree
/// first) after cancelling; `den` the denominator (free of g or not: `den_has_g`). nullopt when
/// expr is not a rational function of g with coefficients free of `x` (another generator holds x).
struct PolyIn {
  std::vector<ExprId> coeffs;
  ExprId den;
};
std::optional<PolyIn> poly_in(ExprPool& pool, ExprId expr, ExprId g, ExprId x);

/// Whether expr contains the symbol x.
bool has(const ExprPool& pool, ExprId expr, ExprId x);

/// The generators (of the polynomial layer) of expr that contain x.
std::vector<ExprId> generators_with(ExprPool& pool, ExprId expr, ExprId x);

/// RootOf(f, x, k) as an Expr of the kernel (an unevaluated object; evalf and compile give its value).
ExprId rootof_expr(ExprPool& pool, ExprId f, ExprId x, long k);

/// A fresh integer symbol for general solutions (n, n1, n2, ... not among `avoid`).
ExprId integer_parameter(ExprPool& pool, const std::vector<ExprId>& avoid);

/// cancel(e), or e itself where cancel refuses it (floats).
ExprId cancel_or_keep(ExprPool& pool, ExprId e);
/// Sum and product of a list.
inline ExprId add_all(ExprPool& pool, const std::vector<ExprId>& v) { return pool.add(std::span<const ExprId>(v)); }
inline ExprId mul_all(ExprPool& pool, const std::vector<ExprId>& v) { return pool.mul(std::span<const ExprId>(v)); }

/// Roots of the polynomial sum coeffs[k] * x**k (roots.cpp); `whole` names it in messages.
std::vector<Root> roots_of_coeffs(ExprPool& pool, const std::vector<ExprId>& coeffs, ExprId x, SolveDomain domain,
                                  ExprId whole);

/// Text of an expression for error messages (shortened).
std::string text(const ExprPool& pool, ExprId e);

/// Solutions of the single equation eq = 0 in x (univariate.cpp): every kind this layer handles.
std::vector<Solution> solve_univariate(ExprPool& pool, ExprId eq, ExprId x, const SolveOptions& options,
                                       std::vector<ExprId>& used_symbols);
/// Linear systems (linear.cpp); nullopt when the system is not linear in vars.
std::optional<std::vector<Solution>> solve_linear(ExprPool& pool, std::span<const ExprId> eqs,
                                                  std::span<const ExprId> vars);
/// Polynomial systems over Q (polynomial_system.cpp).
std::vector<Solution> solve_polynomial_system(ExprPool& pool, std::span<const ExprId> eqs,
                                              std::span<const ExprId> vars);

}  // namespace alkahest::solve_detail
