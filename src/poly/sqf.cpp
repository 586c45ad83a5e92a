// sqf and sqf_list: square-free decomposition (FLINT's fmpq_mpoly_factor_squarefree), the bases of
// one multiplicity multiplied together so that the factors are pairwise coprime and square-free.
#include "poly/convert.hpp"

namespace alkahest {

namespace poly_detail {
FactorList sqf_list_impl(ExprPool& pool, ExprId expr);
ExprId sqf_impl(ExprPool& pool, ExprId expr);
}  // namespace poly_detail

FactorList sqf_list(ExprPool& pool, ExprId poly) { return poly_detail::sqf_list_impl(pool, poly); }
ExprId sqf(ExprPool& pool, ExprId expr) { return poly_detail::sqf_impl(pool, expr); }

}  // namespace alkahest
