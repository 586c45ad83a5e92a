// The enclosure of RootOf(poly, k) for evalf (src/poly/rootof.cpp; the order is documented with
// rootof_value in poly.hpp). Included by the evaluators, not by users.
#pragma once
#include "alkahest/poly.hpp"
#include "poly/flint_compat.hpp"

namespace alkahest::poly_detail {

/// A ball holding the k-th root (RootOf order) of the univariate polynomial `poly` in x over Q at
/// working precision `prec` (imaginary part exactly 0 for a real root).
void rootof_acb(ExprPool& pool, ExprId poly, ExprId x, long k, slong prec, acb_t out);

}  // namespace alkahest::poly_detail
