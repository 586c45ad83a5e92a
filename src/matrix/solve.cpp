// solve(A, b): FLINT's fmpq_mat_solve for numeric systems; Gauss-Jordan on [A | b] for symbolic ones.
#include "matrix/entries.hpp"
#include "matrix/rational_matrix.hpp"

namespace alkahest {

using namespace matrix_detail;

Matrix solve(const Matrix& a, const Matrix& b) {
  require_square(a, "solve");
  check_same_pool(a.pool(), b.pool());
  ExprPool& pool = a.pool();
  const std::size_t n = a.rows(), k = b.cols();
  if (b.rows() != n)
    throw InvalidArgument("solve: b has " + std::to_string(b.rows()) + " rows, the matrix " + std::to_string(n));
  if (is_numeric(a) && is_numeric(b)) {
    RationalMatrix ma{slong(n), slong(n)}, mb{slong(n), slong(k)}, x{slong(n), slong(k)};
    to_fmpq_mat(a, ma);
    to_fmpq_mat(b, mb);
    if (n > 0 && !fmpq_mat_solve(x.get(), ma.get(), mb.get()))
      throw InvalidArgument("solve: the matrix is singular (its determinant is 0)");
    return from_fmpq_mat(pool, x, has_float_entry(a) || has_float_entry(b));
  }
  std::vector<ExprId> aug;
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) aug.push_back(a(i, j));
    for (std::size_t j = 0; j < k; ++j) aug.push_back(b(i, j));
  }
  const RrefResult r = [&] {
    try {
      return rref(Matrix(pool, n, n + k, std::move(aug)));
    } catch (const UndecidablePivot& e) {
      throw UndecidablePivot(std::string("solve: ") + e.what());
    }
  }();
  if (r.pivots.size() < n || r.pivots[n - 1] != n - 1)
    throw InvalidArgument("solve: the matrix is singular");
  std::vector<std::size_t> rows(n), cols(k);
  for (std::size_t i = 0; i < n; ++i) rows[i] = i;
  for (std::size_t j = 0; j < k; ++j) cols[j] = n + j;
  return r.matrix.submatrix(rows, cols);
}

}  // namespace alkahest
