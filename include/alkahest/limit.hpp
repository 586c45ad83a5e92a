// Limits by D. Gruntz's algorithm (thesis, ETH Zurich 1996): the most rapidly varying
// subexpressions of an exp-log expression, rewritten in one variable w -> 0+, give the leading term
// by series (src/series); the limit follows from its exponent and the recursion on its
// coefficient. Finite points go through a series fast path first. docs/calculus.md.
#pragma once
#include <optional>
#include <string_view>

#include "alkahest/pool.hpp"

namespace alkahest {

struct LimitLimits {
  /// Recursive limit computations one call may make before it gives up (unevaluated).
  static constexpr long max_calls = 10000;
  /// Nesting depth of the recursion.
  static constexpr long max_depth = 60;
};

/// lim expr as x -> x0 (a finite expression free of x, oo or -oo) from `dir` ("+", "-" or "+-";
/// at oo and -oo the direction is implied). The answer may be oo, -oo or zoo (both sides infinite
/// with opposite signs). nullopt when the limit does not exist (one-sided limits differ; an
/// oscillation such as sin(1/x) at 0) or cannot be decided within the budget: never a guess.
/// InvalidArgument for a variable that is not a symbol, a point containing x, a bad direction.
std::optional<ExprId> limit(ExprPool& pool, ExprId expr, ExprId x, ExprId x0, std::string_view dir = "+");

}  // namespace alkahest
