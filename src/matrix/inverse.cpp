// The inverse: multimodular (rational_inverse) for numeric matrices; Gauss-Jordan on [A | I] (rref, pivots
// proved nonzero) for symbolic ones.
#include "matrix/entries.hpp"
#include "matrix/rational_matrix.hpp"

namespace alkahest {

using namespace matrix_detail;

Matrix inv(const Matrix& a) {
  require_square(a, "inv");
  ExprPool& pool = a.pool();
  const std::size_t n = a.rows();
  if (is_numeric(a)) {
    RationalMatrix m{slong(n), slong(n)}, r{slong(n), slong(n)};
    to_fmpq_mat(a, m);
    if (!rational_inverse(m, r)) throw InvalidArgument("inv: the matrix is singular (its determinant is 0)");
    return from_fmpq_mat(pool, r, has_float_entry(a));
  }
  std::vector<ExprId> aug;
  aug.reserve(2 * n * n);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) aug.push_back(a(i, j));
    for (std::size_t j = 0; j < n; ++j) aug.push_back(pool.integer(i == j ? 1 : 0));
  }
  const RrefResult r = [&] {
    try {
      return rref(Matrix(pool, n, 2 * n, std::move(aug)));
    } catch (const UndecidablePivot& e) {
      throw UndecidablePivot(std::string("inv: ") + e.what());
    }
  }();
  if (r.pivots.size() < n || r.pivots[n - 1] != n - 1)
    throw InvalidArgument("inv: the matrix is singular (its rows are linearly dependent)");
  std::vector<std::size_t> rows(n), cols(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = i, cols[i] = n + i;
  return r.matrix.submatrix(rows, cols);
}

}  // namespace alkahest
