// Symbolic integration (docs/calculus.md, "Integration"). An antiderivative is returned only after
// it has been checked: d/dx F - f must vanish at random points (certified complex evaluation by
// Arb); anything the algorithms cannot do, or whose check fails, is std::nullopt ("not found"),
// never a guess.
#pragma once
#include <optional>
#include <string>

#include "alkahest/pool.hpp"

namespace alkahest {

struct IntegrateOptions {
  /// Work budget: integrand visits (each heuristic tried on a subproblem counts one). Past it the
  /// search stops and reports "not found". This is what bounds the search by default, so the
  /// answer does not depend on the machine's speed or load.
  long max_steps = 4000;
  /// An optional wall-clock limit of one call, seconds; 0 (the default) means none. With a limit
  /// the result may depend on the machine (a slow or loaded one reports "not found" sooner).
  double max_seconds = 0.0;
  /// Nesting of subproblems (substitution inside parts inside ...).
  int max_depth = 8;
  /// Check the antiderivative by differentiation at random points before returning it.
  bool verify = true;
};

/// What one integrate call did: the subproblems it visited and whether the search stopped at a
/// budget (max_steps or max_seconds) rather than running out of methods: a larger budget may then
/// find an answer where the first search found none.
struct IntegrateReport {
  long steps = 0;
  bool budget_exhausted = false;
  /// No antiderivative was found because the Risch algorithm proved that none is elementary.
  bool proved_nonelementary = false;
};

/// An antiderivative of `f` with respect to the symbol `x` (no constant of integration), or
/// nullopt when none was found within the budget. Other symbols are constants. With `report`,
/// what the search did is written there.
std::optional<ExprId> integrate(ExprPool& pool, ExprId f, ExprId x, const IntegrateOptions& options = {},
                                IntegrateReport* report = nullptr);

/// The antiderivative of a rational function of x with rational coefficients: the polynomial
/// part, Hermite reduction for the rational part and Lazard-Rioboo-Trager for the logarithmic
/// part (logs and, for complex conjugate residues, arctangents with real coefficients). nullopt
/// when f is not such a function or when the log part needs the roots of an irreducible
/// polynomial of degree >= 3 (it would need a RootSum).
std::optional<ExprId> integrate_rational(ExprPool& pool, ExprId f, ExprId x);

/// What the transcendental Risch algorithm decided about f (risch_integrate).
enum class RischVerdict { Elementary, NonElementary, Undecided };
struct RischResult {
  RischVerdict verdict = RischVerdict::Undecided;
  /// The antiderivative (checked by differentiation) when elementary and written out; an
  /// elementary verdict without one means the answer needs what is not built (algebraic residues).
  std::optional<ExprId> antiderivative;
  /// Why: the step of the algorithm that proved non-elementarity, or what was out of reach.
  std::string reason;
};

/// The transcendental Risch algorithm for integrands in Q(x, t), t = exp(a) or t = log(a) with a in
/// Q(x) nonconstant (Bronstein, Symbolic Integration I, ch. 5-6): Hermite reduction in t, the
/// Rothstein-Trager residue criterion, the Risch differential equation (exp) and limited
/// integration (log) for the polynomial part. NonElementary is a proof; Undecided covers
/// integrands outside that class (parameters, several monomials, towers) and limits of the work.
RischResult risch_integrate(ExprPool& pool, ExprId f, ExprId x);

/// Whether d/dx F - f vanishes at `points` random points (x in (0.2, 2.2), every other symbol in
/// (1.1, 3.1); points where either side cannot be evaluated are skipped, at least two must be
/// evaluated). Complex values are compared, so logs of negative numbers and answers with I are
/// judged too.
bool check_antiderivative(ExprPool& pool, ExprId F, ExprId f, ExprId x, int points = 4);

}  // namespace alkahest
