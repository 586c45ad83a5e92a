// The adjugate: det(A) * inv(A) when A is numeric and nonsingular, otherwise the transposed matrix
// of cofactors (each minor a determinant).
#include "matrix/entries.hpp"
#include "matrix/rational_matrix.hpp"

namespace alkahest {

using namespace matrix_detail;

Matrix adjugate(const Matrix& a) {
  require_square(a, "adjugate");
  ExprPool& pool = a.pool();
  const std::size_t n = a.rows();
  if (n == 0) return a;
  if (n == 1) return Matrix(pool, 1, 1, {pool.integer(1)});
  if (is_numeric(a)) {
    const ExprId d = det(a);
    if (!pool.node(d).number.is_zero()) {
      const Matrix i = inv(a);
      return applyfunc(i, [&](ExprId e) { return pool.mul(d, e); });
    }
  }
  std::vector<ExprId> out(n * n);
  std::vector<std::size_t> rows, cols;
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < n; ++j) {
      rows.clear();
      cols.clear();
      for (std::size_t k = 0; k < n; ++k) {
        if (k != i) rows.push_back(k);
        if (k != j) cols.push_back(k);
      }
      const ExprId minor = det(a.submatrix(rows, cols));
      out[j * n + i] = (i + j) % 2 ? simplify_entry(pool, pool.neg(minor)) : minor;
    }
  return Matrix(pool, n, n, std::move(out));
}

}  // namespace alkahest
