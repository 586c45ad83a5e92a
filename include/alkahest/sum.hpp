// Symbolic summation (docs/calculus.md, "Summation"). A closed form is returned only after its
// antidifference has been checked: T(k+1) - T(k) - term must vanish at random integer points.
#pragma once
#include <optional>

#include "alkahest/pool.hpp"

namespace alkahest {

/// An antidifference T of `term` in the symbol k (T(k+1) - T(k) = term), or nullopt. Handles
/// polynomials in k, polynomial * r**k (geometric terms, r free of k) and rational functions of k
/// over Q whose partial fractions telescope (1/(k*(k+1)), ...).
std::optional<ExprId> antidifference(ExprPool& pool, ExprId term, ExprId k);

/// sum_{k=a}^{b} term = T(b+1) - T(a); b may be oo (then T(oo) must be 0: a rational T that
/// vanishes at infinity, or a geometric term with |r| < 1). nullopt when no closed form was found.
std::optional<ExprId> summation(ExprPool& pool, ExprId term, ExprId k, ExprId a, ExprId b);

}  // namespace alkahest
