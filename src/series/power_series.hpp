// Truncated power series in u = t**(1/den) with expression coefficients, and their arithmetic.
// Internal to src/series and src/limit.
#pragma once
#include <climits>
#include <functional>
#include <optional>
#include <vector>

#include "alkahest/pool.hpp"
#include "alkahest/series.hpp"

namespace alkahest::series_detail {

/// Absolute precision of a series known exactly (no truncation happened).
constexpr long kExact = LONG_MAX / 8;

/// sum_i c[i] * u**(val + i) + O(u**prec), u = t**(1/den). Coefficients past c.size() and below
/// prec are zero; prec == kExact: no error term.
struct PSeries {
  long val = 0;
  long den = 1;
  long prec = kExact;
  std::vector<ExprId> c;
  long end() const { return val + static_cast<long>(c.size()); }
  bool exact() const { return prec >= kExact; }
};

/// Symbols standing for bounded oscillating terms (limit's rule for sin(u), cos(u) with u -> +-oo
/// dominated in their sums, src/limit): such a symbol takes every value of [-1, 1] along the path,
/// so a leading coefficient with one may vanish there; it is never divided by, nor its log or
/// power taken (SeriesError instead). Thread-local; empty outside that rule.
std::vector<ExprId>& bounded_symbols();
class Ctx;
/// SeriesError when c0, a leading coefficient about to be inverted, has a bounded symbol.
void check_not_bounded(Ctx& cx, ExprId c0);

/// Thrown when the working precision was too small to decide (all known coefficients zero):
/// the caller retries with more terms.
struct NeedMoreTerms {
  long more = 1;  ///< x-units to add at least
};

/// The working context: the pool, the working precision (absolute, in powers of t), the budget
/// and the placeholder symbol standing for log(t).
class Ctx {
 public:
  Ctx(ExprPool& pool, long work, ExprId log_t) : pool(pool), work(work), log_t(log_t) {}
  ExprPool& pool;
  long work;  ///< terms t**e with e >= work are dropped
  ExprId log_t;
  /// When not 0, what log_t stands for in terms of slower functions (Gruntz's rewrite: log(w) =
  /// -v): log() writes it for log(t), so that it cancels against the slower terms of the
  /// coefficients, and exp() reads log_t in its argument's constant term as it (the argument of an
  /// exp outside the most rapidly varying set grows slower than log(w)), not exp(q*log_t) as t**q.
  ExprId log_t_value = 0;
  long steps = 0;
  /// Whether the variable runs through real values (the point is real or infinite), so that an
  /// argument whose expression is real stays real along the path.
  bool point_real = true;
  /// Set by the walker before log, powers and the inverse functions: the argument is real along
  /// the path (its expression's facts say real and point_real). Branch cuts are crossed only by
  /// arguments that are not.
  bool arg_real = false;
  /// Set by the walker right before a power or log of an argument expression (that expression,
  /// in the series variable), read and cleared by the branch check of that power or log; 0 otherwise.
  ExprId branch_arg = 0;
  /// Gruntz's eventual sign of a coefficient (a function of slower terms), where the facts and a
  /// certified evaluation do not decide it; null outside Gruntz's algorithm.
  const std::function<std::optional<int>(ExprId)>* sign_hint = nullptr;

  ExprId zero() { return pool.integer(0); }
  ExprId one() { return pool.integer(1); }
  /// Absolute cap in u-units for a series of denominator den.
  long cap(long den) const;
  /// Normal form of a coefficient (expanded; numbers as they are).
  ExprId norm(ExprId e);
  void step(long n = 1);
  bool is_rational(ExprId e) const;
  bool all_rational(const PSeries& s) const;
  /// Whether a coefficient is zero (see series_coeff_is_zero); structural zeros answer at once.
  bool coeff_zero(ExprId e);
};

PSeries constant(Ctx& cx, ExprId value);
/// Series with denominator den2 (a multiple of s.den).
PSeries regrid(Ctx& cx, const PSeries& s, long den2);
/// Drops leading coefficients that are structurally zero.
void strip(Ctx& cx, PSeries& s);
/// Drops leading coefficients until the first one proved nonzero (series_coeff_is_zero);
/// NeedMoreTerms when every known coefficient is zero but the series is not exact.
/// Returns false when the series is exactly zero.
bool normalize(Ctx& cx, PSeries& s);
/// The sign of a real constant: facts, else a certified enclosure (nullopt: a parameter, not
/// real, or not decided).
std::optional<int> const_sign(Ctx& cx, ExprId c);
/// From which side a (finite at the point) approaches its constant term: axis 0, the sign of the
/// imaginary part of the first term past the constant whose imaginary part is not 0 (the terms
/// before it real); axis 1, the same with real parts. 0 when not decided or every term of an exact
/// series lies on the axis; 2 when every computed term of a truncated one does (more terms may
/// decide).
int approach_side(Ctx& cx, const PSeries& a, int axis);
void truncate(Ctx& cx, PSeries& s);

PSeries add(Ctx& cx, const PSeries& a, const PSeries& b);
PSeries neg(Ctx& cx, const PSeries& a);
PSeries scale(Ctx& cx, const PSeries& a, ExprId k);
PSeries mul(Ctx& cx, const PSeries& a, const PSeries& b);
PSeries inv(Ctx& cx, PSeries a);
PSeries div(Ctx& cx, const PSeries& a, const PSeries& b);
/// a**k for an integer k.
PSeries pow_int(Ctx& cx, const PSeries& a, long k);
/// a**r for an exponent r free of the variable (rational number or expression).
PSeries pow_const(Ctx& cx, PSeries a, ExprId r);
PSeries exp(Ctx& cx, const PSeries& a);
PSeries log(Ctx& cx, PSeries a);
/// (sin a, cos a) and (sinh a, cosh a).
std::pair<PSeries, PSeries> sin_cos(Ctx& cx, const PSeries& a);
std::pair<PSeries, PSeries> sinh_cosh(Ctx& cx, const PSeries& a);
/// tan a (tanh a when hyperbolic): FLINT's series directly for rational coefficients without a
/// constant term, sin/cos (sinh/cosh) otherwise.
PSeries tan_or_tanh(Ctx& cx, const PSeries& a, bool hyperbolic);
/// sin a (cos a when cos; sinh, cosh when hyperbolic) alone: half of sin_cos's work.
PSeries sin_or_cos(Ctx& cx, const PSeries& a, bool cos, bool hyperbolic);
/// d/du and the integral from u = 0 (NeedMoreTerms never; SeriesError at a u**-1 term).
PSeries derivative(Ctx& cx, const PSeries& a);
PSeries integral(Ctx& cx, const PSeries& a);
/// sum_k p[k] * h**k for h with positive valuation.
PSeries compose(Ctx& cx, const std::vector<ExprId>& p, const PSeries& h);
/// The constant term (0 when the valuation is positive); SeriesError when negative.
ExprId constant_term(Ctx& cx, const PSeries& a, const char* who);
/// a minus its constant term.
PSeries without_constant(Ctx& cx, const PSeries& a);
/// Whether every coefficient is known real.
bool all_real(Ctx& cx, const PSeries& a);

}  // namespace alkahest::series_detail
