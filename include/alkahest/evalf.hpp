// Arbitrary-precision evaluation with certified error bounds (Arb balls), and is_zero.
#pragma once
#include <optional>
#include <string>

#include "alkahest/pool.hpp"

namespace alkahest {

/// A certified enclosure of a complex value: the true value lies within `re_radius` of `re_mid`
/// and within `im_radius` of `im_mid` (decimal texts). `real` means the imaginary part is exactly 0.
struct Evalf {
  std::string re_mid, im_mid;        ///< midpoints, to the digits asked ("3.14159...", "-2.5e-7")
  std::string re_radius, im_radius;  ///< upper bounds of the errors ("0" when exact)
  std::string text;                  ///< the value to the correct digits only (Arb's text)
  double re_double = 0, im_double = 0;  ///< the midpoints rounded to the nearest doubles
  bool real = false;
  bool accurate = false;  ///< the relative error is below 10**-digits (not reached near a zero)
};

/// The value of a constant expression (no free symbols) to `digits` significant digits, through
/// Arb at increasing working precision (up to `max_bits`). Every op-table function, real and
/// complex (principal branches). Throws InvalidArgument for free symbols, oo, zoo, nan, and where
/// the value cannot be enclosed (a pole, gamma(0), log(0)).
Evalf evalf(const ExprPool& pool, ExprId expr, long digits, long max_bits = 0);

/// Whether `expr` is zero, never wrong: true only when proved (structurally: the canonical form,
/// or what the kernel knows of the value; for a constant whose enclosures keep containing 0,
/// Calcium's exact arithmetic: rationals, + * and rational powers, pi, E, I, EulerGamma, exp, log,
/// sin, cos, tan, sinh, cosh, tanh, asin, acos, atan, abs, sign, re, im,
/// conjugate, with bounded effort), false when a certified enclosure excludes 0 (or Calcium proves
/// it), nullopt otherwise.
std::optional<bool> is_zero(const ExprPool& pool, ExprId expr);

}  // namespace alkahest
