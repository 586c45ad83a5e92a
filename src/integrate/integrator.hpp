// The integrator's search state, shared by the method files of src/integrate (internal).
//
// Integrator::integrate(f, x) tries, in order: constants and linearity, the rational algorithm
// (rational.cpp), the table of elementary forms (table.cpp), expansion, substitutions
// (substitution.cpp: derivative-divides, linear, radicals, Euler, exp, tan and Weierstrass),
// integration by parts (parts.cpp) and trigonometric linearisation (trig.cpp). Each method
// returns a candidate or nullopt; every subproblem counts against the step budget, and the
// answer of the top-level call is checked by differentiation (integrate.cpp).
#pragma once
#include <chrono>
#include <functional>
#include <map>
#include <optional>
#include <unordered_map>
#include <utility>
#include <vector>

#include "alkahest/calculus.hpp"
#include "alkahest/integrate.hpp"
#include "alkahest/pool.hpp"

namespace alkahest::integrate_detail {

using Opt = std::optional<ExprId>;

/// e rebuilt bottom-up; `rule(id)` may replace a node (its children are then not visited).
/// (substitution.cpp)
ExprId rebuild(ExprPool& pool, ExprId e, const std::function<std::optional<ExprId>(ExprId)>& rule);
/// Numerator and denominator of a product: negative integer powers go down. (partial_fractions.cpp)
std::pair<ExprId, ExprId> num_den(ExprPool& pool, ExprId e);
/// A solution u of sum_j u[j] * cols[j] = rhs, each a vector of coefficients (missing entries 0),
/// by the reduced row echelon form of [cols | rhs]; free unknowns are 0. nullopt when the system is
/// inconsistent (no combination of the columns gives rhs). (partial_fractions.cpp)
std::optional<std::vector<ExprId>> solve_columns(ExprPool& pool, const std::vector<std::vector<ExprId>>& cols,
                                                 const std::vector<ExprId>& rhs);

class Integrator {
 public:
  Integrator(ExprPool& pool, const IntegrateOptions& options);

  /// An antiderivative of f in x (unchecked), or nullopt.
  Opt integrate(ExprId f, ExprId x);

  ExprPool& pool;
  const IntegrateOptions& options;

  // ---- helpers (integrate.cpp) ----
  /// Whether x occurs in e.
  bool has(ExprId e, ExprId x);
  /// e = a*x + b with a != 0 and a, b free of x.
  std::optional<std::pair<ExprId, ExprId>> linear(ExprId e, ExprId x);
  /// e as a polynomial in x: coefficients (free of x) by degree; nullopt otherwise. max_degree
  /// bounds the work.
  std::optional<std::vector<ExprId>> poly_coeffs(ExprId e, ExprId x, long max_degree = 64);
  /// (c, rest) with c free of x and rest the product of the factors with x.
  std::pair<ExprId, ExprId> split_constant(ExprId e, ExprId x);
  /// A fresh symbol for a substitution.
  ExprId fresh();
  ExprId num(long p, long q = 1) { return pool.number(Number::rational(p, q)); }
  ExprId mul(ExprId a, ExprId b) { return pool.mul(a, b); }
  ExprId mul(ExprId a, ExprId b, ExprId c) {
    const ExprId t[3] = {a, b, c};
    return pool.mul(t);
  }
  ExprId add(ExprId a, ExprId b) { return pool.add(a, b); }
  ExprId sub(ExprId a, ExprId b) { return pool.sub(a, b); }
  ExprId div(ExprId a, ExprId b) { return pool.div(a, b); }
  ExprId pw(ExprId a, long k) { return pool.pow(a, pool.integer(k)); }
  ExprId fn(Op op, ExprId a) { return pool.func(op, a); }
  ExprId d(ExprId e, ExprId x) { return diff(pool, e, x); }
  ExprId sb(ExprId e, ExprId from, ExprId to) { return subs(pool, e, {{from, to}}); }
  /// Whether the budget (steps or time) is spent.
  bool out_of_budget() const;
  /// Subproblems visited, and whether a budget check ever said "spent".
  long steps_used() const { return steps_; }
  bool budget_hit() const { return budget_hit_; }
  /// Exceptions of the kernel inside a method mean "this method does not apply".
  template <class F>
  Opt attempt(F&& f) {
    try {
      return f();
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }
  int depth = 0;

  // ---- methods ----
  Opt table(ExprId f, ExprId x);             // table.cpp
  Opt quadratic_forms(ExprId f, ExprId x);   // table.cpp: (p x + q)/(A x^2 + B x + C), sqrt(Q) forms
  Opt rational_parametric(ExprId f, ExprId x);  // partial_fractions.cpp
  Opt rational_radicals(ExprId f, ExprId x);
  Opt derivative_divides(ExprId f, ExprId x);  // substitution.cpp
  Opt linear_substitution(ExprId f, ExprId x);
  Opt radical_substitution(ExprId f, ExprId x);
  Opt euler_substitution(ExprId f, ExprId x);
  Opt exp_substitution(ExprId f, ExprId x);
  Opt tan_substitution(ExprId f, ExprId x);
  Opt weierstrass(ExprId f, ExprId x);
  Opt power_to_exp(ExprId f, ExprId x);
  Opt multiple_angles(ExprId f, ExprId x);
  Opt exp_polynomial(ExprId f, ExprId x);     // parts.cpp: P e^q = (R e^q)' with R polynomial
  Opt log_power(ExprId f, ExprId x);         // parts.cpp: x**n log(x)**k in closed form
  Opt parts(ExprId f, ExprId x);             // parts.cpp
  Opt trig_linearize(ExprId f, ExprId x);    // trig.cpp
  Opt algebraic(ExprId f, ExprId x);         // algebraic.cpp: sqrt of quadratics, Euler, Chebyshev
  Opt special(ExprId f, ExprId x);           // special.cpp: Ei, Si/Ci, Shi/Chi, li, Fresnel answers
  Opt parallel_risch(ExprId f, ExprId x);    // risch_norman.cpp: the ansatz over exp/log towers
  Opt inverse_substitution(ExprId f, ExprId x);  // inverse.cpp: x = sin(u) for asin(x), ...

  /// Integrates g(U) dU for U a fresh symbol standing for u(x), then puts u back.
  Opt integrate_in(ExprId g, ExprId U, ExprId u);

 private:
  Opt try_methods(ExprId f, ExprId x);
  long steps_ = 0;
  mutable bool budget_hit_ = false;
  int fresh_count_ = 0;
  std::chrono::steady_clock::time_point start_;
  std::map<std::pair<ExprId, ExprId>, Opt> memo_;
  std::unordered_map<ExprId, std::unordered_map<ExprId, bool>> has_memo_;
};

}  // namespace alkahest::integrate_detail
