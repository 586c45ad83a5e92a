// Equation solving (docs/solve.md): exact roots of univariate polynomials, linear systems, polynomial
// systems (lex Groebner basis + triangular back substitution) and simple transcendental equations by
// inversion. An equation is an expression e meaning e = 0. A solution never silently assumes
// anything about a parameter: what it needs (a != 0, b**2 - 4*a*c >= 0, ...) is returned with it.
//
// The domain of an unknown follows its assumptions: a real symbol (the kernel's default) gets real
// solutions only, a complex=True symbol complex ones.
#pragma once
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "alkahest/errors.hpp"
#include "alkahest/poly.hpp"
#include "alkahest/pool.hpp"

namespace alkahest {

/// What solve cannot handle (a mixed transcendental equation, a polynomial of degree >= 3 with
/// symbolic coefficients, a positive-dimensional nonlinear system, ...), named in the message
/// (Python `NotImplementedError`).
class SolveUnsupported : public AlkahestError {
 public:
  using AlkahestError::AlkahestError;
};

/// `expr REL 0`: a condition on the parameters under which a solution holds.
struct Condition {
  enum class Rel { Eq, Ne, Gt, Ge };
  ExprId expr;
  Rel rel;
  bool operator==(const Condition&) const = default;
};

/// Which numbers count as solutions of one unknown.
enum class SolveDomain { Real, Complex };
/// The domain of the unknown `x` from its assumptions: Real when x is known to be real.
SolveDomain domain_of(const ExprPool& pool, ExprId x);

/// One root of a univariate polynomial and the conditions under which it is one.
struct Root {
  ExprId value;
  long multiplicity = 1;
  std::vector<Condition> conditions;
};

/// The roots of the polynomial p in x, each once with its multiplicity. Over Q: factored first;
/// linear and quadratic factors exactly, cubics by Cardano's formula when they have one real root,
/// biquadratic quartics by two square roots, every other irreducible factor (the three-real-roots
/// cubic among them, which has no real radical form) as RootOf(f, k) in the order of
/// rootof_value. With symbolic coefficients: degree <= 2 (after factoring) and biquadratic quartics,
/// with the conditions (leading coefficient != 0; discriminant >= 0 for real roots), and degree 3
/// for a real unknown. Real domain: real roots only.
/// InvalidArgument when p is not a polynomial in x or is zero; SolveUnsupported beyond the above.
std::vector<Root> roots(ExprPool& pool, ExprId p, ExprId x, SolveDomain domain = SolveDomain::Complex);

/// One solution of solve: values of the unknowns (an underdetermined linear system leaves its free
/// unknowns out and lists them in `parameters`), the conditions on parameters under which it
/// holds, the integer parameters of a general solution (sin(x) = a: x = asin(a) + 2*pi*n), and
/// `principal`: only the principal branch was given (solve with general = false).
struct Solution {
  std::vector<std::pair<ExprId, ExprId>> values;
  std::vector<Condition> conditions;
  std::vector<ExprId> parameters;
  bool principal = false;
};

struct SolveOptions {
  /// General solutions of periodic inversions (an integer parameter n); false: the principal
  /// solutions (n = 0), marked `principal`.
  bool general = true;
};

/// The solutions of the equations eqs[i] = 0 for the unknowns `vars` (symbols; all free symbols
/// when empty): one univariate equation (polynomial, rational, or polynomial in one invertible
/// function of x: exp, log, sin, cos, tan, asin, acos, atan, x**(1/q), c**x), linear systems of any
/// size (exact, parametric when underdetermined, none when inconsistent), zero-dimensional
/// polynomial systems over Q (Groebner basis in lex order, then the Gianni-Kalkbrener triangular
/// back substitution), and systems with parameters (or not polynomial in the unknowns) where an
/// equation is linear in an unknown with a coefficient free of the unknowns (substitution, under
/// the coefficient != 0). Distinct solutions; an empty list when there are none.
std::vector<Solution> solve(ExprPool& pool, std::span<const ExprId> eqs, std::span<const ExprId> vars,
                            const SolveOptions& options = {});

}  // namespace alkahest
