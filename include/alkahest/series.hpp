// Truncated series expansions (Taylor, Laurent, Puiseux) by power-series arithmetic: every node of
// the expression becomes a truncated series in the local variable and the op table's functions act
// on series (truncated products, inverses, exp/log/power recurrences, sin/cos together, arctangents
// and arcsines as integrals of their derivatives, composition for gamma and polygamma). Where every
// coefficient is rational the arithmetic is FLINT's fmpq_poly power series (exp and tan of Hurwitz
// series: integer recurrences, power_series.cpp); otherwise coefficients are expressions
// (expanded after each step). docs/calculus.md describes what is supported.
#pragma once
#include <functional>
#include <optional>
#include <vector>

#include "alkahest/errors.hpp"
#include "alkahest/pool.hpp"

namespace alkahest {

/// A series that cannot be computed: an essential singularity (exp(1/x) at 0), a branch point
/// whose expansion would leave the principal branch, an undecidable leading coefficient, a
/// budget or order limit (Python `ValueError`).
class SeriesError : public InvalidArgument {
 public:
  using InvalidArgument::InvalidArgument;
};

struct SeriesTerm {
  mpq_class exponent;  ///< of the local variable t
  ExprId coeff;        ///< free of x except through log(t) (see Series::local)
};

/// expr = sum coeff_k * t**exponent_k + O(t**order) as t -> 0+, where t is `local`:
/// x - x0 (x0 finite, dir +), x0 - x (dir -), 1/x (x0 = oo), -1/x (x0 = -oo).
struct Series {
  std::vector<SeriesTerm> terms;  ///< nonzero coefficients, increasing exponents
  std::optional<mpq_class> order;  ///< nullopt: the sum is exact (nothing was truncated)
  ExprId local = 0;                ///< the expression t stands for
  ExprId sum = 0;                  ///< sum coeff_k * local**exponent_k (without the order term)
};

struct SeriesLimits {
  /// Largest order n accepted (SeriesError beyond).
  static constexpr long max_order = 2000;
  /// Coefficient operations (expression multiplications) one call may spend on expression
  /// coefficients before it gives up with SeriesError.
  static constexpr long max_steps = 4'000'000;
};

/// Series of `expr` in the symbol `x` around `x0` (a finite expression free of x, or oo / -oo)
/// up to order n (terms t**e with e < n; the order term O(t**n)); dir = +1 expands for x above x0
/// (t = x - x0 > 0), dir = -1 below. Coefficients may contain log(t) (x**x). Throws SeriesError
/// for what cannot be expanded, InvalidArgument for bad arguments.
Series series(ExprPool& pool, ExprId expr, ExprId x, ExprId x0, long n, int dir = 1);

/// The series `s` of series(pool, expr, x, x0, n, dir) as one expression: its sum plus the order
/// term, O(x**order) at x0 = 0 and O(x**-order, (x, x0)) at x0 = +-oo (objects.hpp); the sum alone
/// when nothing was truncated. nullopt at other points (O names only 0 and oo).
std::optional<ExprId> series_expr(ExprPool& pool, const Series& s, ExprId x, ExprId x0);

/// series() then series_expr() in one step (what Python's alkahest.series returns): the same
/// expression, without the terms list, and at x0 = 0 the sum interned once with its order term.
/// `s` receives the series without its terms; where a value is returned its sum may be 0 (not
/// built on its own), where nullopt is returned it holds the sum, order and local as series().
std::optional<ExprId> series_whole(ExprPool& pool, ExprId expr, ExprId x, ExprId x0, long n, int dir, Series& s);

/// The leading term c * w**e of `expr` as w -> 0+ (w a symbol), with c proved or generically
/// nonzero and free of w; log(w) in c is written as the symbol `logw` (used by limit's Gruntz
/// algorithm). nullopt when no nonzero term was found within the budget (the expression may be 0);
/// then `*exact_zero` (when given) tells whether the expansion was exactly 0 (the expression is
/// identically 0 for small w > 0, as floor(w)) rather than the budget running out.
struct LeadingTerm {
  ExprId coeff;
  mpq_class exponent;
};
/// `logw_value` (when not 0) is what log(w) stands for in slower functions (Gruntz's rewrite):
/// exp() of an argument whose constant term has log(w) then reads it as that value.
/// `sign_hint` (when given) decides the eventual sign of a coefficient that the facts and a
/// certified evaluation leave open (Gruntz's algorithm: a function of slower terms, x - 1 for
/// large x); nullopt when it cannot either.
std::optional<LeadingTerm> leading_term(ExprPool& pool, ExprId expr, ExprId w, ExprId logw,
                                        bool* exact_zero = nullptr, ExprId logw_value = 0,
                                        const std::function<std::optional<int>(ExprId)>* sign_hint = nullptr);

/// Whether `c` (free of the series variable) is zero: true when proved, false when proved
/// nonzero or nonzero at a certified random point of its parameters (generic values); throws
/// SeriesError when it cannot decide.
bool series_coeff_is_zero(ExprPool& pool, ExprId c);

}  // namespace alkahest
