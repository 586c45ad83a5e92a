// Pattern matching, rewrite rules and simplification (docs/simplify.md).
//
// Patterns are ordinary expressions of the pool that contain wilds: symbols made by wild(), which
// match any subexpression (except those holding an excluded expression). Sums and products match
// associatively and commutatively; a bare wild in a sum or product takes the terms or factors left
// over. Every search has a step budget, so no pattern can make matching hang.
//
// simplify() and the named passes only apply rewrites that hold for every value the symbols may
// take under their assumptions (the kernel's three-valued facts); when a fact is unknown the
// rewrite is not made. The cost of a form is the operation count of its compiled Program (lower()),
// so simplify and compile_expr agree on what "smaller" means; simplify never returns a costlier
// form than its input.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <vector>

#include "alkahest/errors.hpp"
#include "alkahest/pool.hpp"

namespace alkahest {

/// Rewrite rules that did not reach a fixed point within their step limit (Python `AlkahestError`).
class RewriteLimitError : public AlkahestError {
 public:
  using AlkahestError::AlkahestError;
};

/// A pattern variable named `name` (printed `name_`), which matches any expression free of each of
/// `exclude`. Its facts are "anything" (it may stand for any value), so the kernel folds nothing on
/// its behalf. The same name and exclusions give the same node.
ExprId wild(ExprPool& pool, std::string_view name, std::span<const ExprId> exclude = {});
/// Whether `id` is a wild of `pool`.
bool is_wild(const ExprPool& pool, ExprId id);
/// The expressions a wild excludes (empty for a non-wild).
std::vector<ExprId> wild_exclude(const ExprPool& pool, ExprId id);

/// Values of the wilds of a pattern, sorted by wild id.
using Bindings = std::vector<std::pair<ExprId, ExprId>>;

/// `expr` matched against `pattern`: the values of its wilds, or nullopt when it does not match
/// (or no match was found within `max_steps` matching steps).
std::optional<Bindings> match(ExprPool& pool, ExprId expr, ExprId pattern, long max_steps = 100'000);

/// Every subexpression of `expr` (innermost first, one pass) that matches `pattern` replaced by
/// `replacement` with the wilds substituted.
ExprId replace(ExprPool& pool, ExprId expr, ExprId pattern, ExprId replacement);
/// The same with the replacement computed from the bindings; nullopt keeps the subexpression.
ExprId replace(ExprPool& pool, ExprId expr, ExprId pattern,
               const std::function<std::optional<ExprId>(const Bindings&)>& replacement);

struct RewriteRule {
  ExprId pattern, replacement;
};
/// Applies the rules (each as one replace() pass, in order) until none changes the expression.
/// Throws RewriteLimitError when that takes more than `max_steps` changing passes, or when the
/// rules bring back an expression seen before (they loop).
ExprId rewrite(ExprPool& pool, ExprId expr, std::span<const RewriteRule> rules, long max_steps = 1000);

/// The cost simplify minimises: the operation count of lower() over the free symbols
/// (instructions other than inputs and constants); for what lower() refuses (I, oo, re of a
/// complex symbol, ...) a count of the DAG's operations.
long op_count(ExprPool& pool, ExprId expr);

// ---- named passes: each returns an equal expression (never a guess) ----------------------------
/// Trigonometric and hyperbolic simplification: a Fu-style search over sin**2 + cos**2 = 1,
/// tan = sin/cos, double angles, products to sums and back, keeping the cheapest form.
ExprId trigsimp(ExprPool& pool, ExprId expr);
/// Angle sums and multiple angles expanded: sin(x + y), cos(2*x), tan(x + y).
ExprId expand_trig(ExprPool& pool, ExprId expr);
/// Powers combined: x**a*y**a -> (x*y)**a, (x**a)**b -> x**(a*b), exp(a)*exp(b) -> exp(a + b),
/// sqrt(t**2) -> |t| (t real) or t (t >= 0), where the assumptions allow it.
ExprId powsimp(ExprPool& pool, ExprId expr);
/// Logarithms of products and powers split where the assumptions allow it: log(x*y) ->
/// log(x) + log(y) for positive x, y; log(x**a) -> a*log(x) for positive x and real a.
ExprId expand_log(ExprPool& pool, ExprId expr);
/// The converse of expand_log: a*log(x) + b*log(y) -> log(x**a*y**b) (positive x, y; real a, b).
ExprId logcombine(ExprPool& pool, ExprId expr);
/// Square roots taken out of denominators: 1/(sqrt(2) + 1) -> sqrt(2) - 1, where the conjugate is
/// proved nonzero.
ExprId radsimp(ExprPool& pool, ExprId expr);

struct SimplifyOptions {
  /// Cost of a form (op_count when empty).
  std::function<long(ExprPool&, ExprId)> cost;
  /// Trigonometric search: how many candidate forms each step keeps, and how many steps.
  int beam = 6;
  int depth = 3;
};
/// The cheapest equal form found by the passes (rational, trigonometric, hyperbolic, powers,
/// logarithms, radicals); never costlier than `expr`.
ExprId simplify(ExprPool& pool, ExprId expr, const SimplifyOptions& options = {});

}  // namespace alkahest
