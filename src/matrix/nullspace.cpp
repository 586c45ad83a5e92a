// A basis of the null space from the reduced row echelon form: one vector per free column.
#include "alkahest/matrix.hpp"

namespace alkahest {

std::vector<Matrix> nullspace(const Matrix& a) {
  const RrefResult r = rref(a);
  ExprPool& pool = a.pool();
  std::vector<bool> is_pivot(a.cols(), false);
  for (std::size_t c : r.pivots) is_pivot[c] = true;
  std::vector<Matrix> basis;
  for (std::size_t f = 0; f < a.cols(); ++f) {
    if (is_pivot[f]) continue;
    std::vector<ExprId> v(a.cols(), pool.integer(0));
    v[f] = pool.integer(1);
    for (std::size_t k = 0; k < r.pivots.size(); ++k) v[r.pivots[k]] = pool.neg(r.matrix(k, f));
    basis.emplace_back(pool, a.cols(), 1, std::move(v));
  }
  return basis;
}

}  // namespace alkahest
