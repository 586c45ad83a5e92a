// Matrices of expressions (docs/matrices.md). A Matrix is an immutable rows x cols array of Exprs of
// one pool, row-major. Exact numeric matrices (every entry an integer or rational) go to FLINT's
// fmpq_mat; symbolic ones use fraction-free algorithms whose entries are kept in lowest terms by the
// polynomial layer (cancel). A pivot is used only when it is proved nonzero (an exact nonzero number,
// or a nonzero rational function of symbols); a pivot the zero test cannot decide (sin(x)**2 +
// cos(x)**2 - 1 looks nonzero as a polynomial in sin(x) and cos(x)) is never used.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "alkahest/errors.hpp"
#include "alkahest/pool.hpp"

namespace alkahest {

/// A matrix algorithm met a pivot whose zero test is undecidable (Python `AlkahestError`).
class UndecidablePivot : public AlkahestError {
 public:
  using AlkahestError::AlkahestError;
};

class Matrix {
 public:
  /// rows x cols entries, row-major; InvalidArgument when entries.size() != rows*cols.
  Matrix(ExprPool& pool, std::size_t rows, std::size_t cols, std::vector<ExprId> entries);
  static Matrix zeros(ExprPool& pool, std::size_t rows, std::size_t cols);
  static Matrix eye(ExprPool& pool, std::size_t n);
  static Matrix diag(ExprPool& pool, std::span<const ExprId> diagonal);

  ExprPool& pool() const { return *pool_; }
  std::size_t rows() const { return rows_; }
  std::size_t cols() const { return cols_; }
  bool is_square() const { return rows_ == cols_; }
  ExprId operator()(std::size_t i, std::size_t j) const { return entries_[i * cols_ + j]; }
  const std::vector<ExprId>& entries() const { return entries_; }
  /// Same pool, shape and entries.
  bool operator==(const Matrix& o) const;
  /// Structural hash: identical in every process (from the entries' node hashes).
  std::uint64_t hash() const;
  /// Rows in `rows` and columns in `cols` (indices, any order, repeats allowed).
  Matrix submatrix(std::span<const std::size_t> rows, std::span<const std::size_t> cols) const;
  /// Whether every entry is an exact integer or rational number.
  bool is_exact_numeric() const;

 private:
  ExprPool* pool_;
  std::size_t rows_, cols_;
  std::vector<ExprId> entries_;
};

// Arithmetic; shape mismatches and mixed pools are InvalidArgument / PoolMismatchError.
Matrix add(const Matrix& a, const Matrix& b);
Matrix sub(const Matrix& a, const Matrix& b);
/// The matrix product a*b.
Matrix matmul(const Matrix& a, const Matrix& b);
/// s*a, entry by entry.
Matrix scale(ExprId s, const Matrix& a);
Matrix neg(const Matrix& a);
Matrix transpose(const Matrix& a);
ExprId trace(const Matrix& a);
/// a**n for a square a; n < 0 is inv(a)**-n (InvalidArgument when a is singular).
Matrix pow(const Matrix& a, long n);

/// f applied to every entry (a new Matrix of the same shape).
template <class F>
Matrix applyfunc(const Matrix& a, F f) {
  std::vector<ExprId> out;
  out.reserve(a.entries().size());
  for (ExprId e : a.entries()) out.push_back(f(e));
  return Matrix(a.pool(), a.rows(), a.cols(), std::move(out));
}
Matrix subs(const Matrix& a, const std::unordered_map<ExprId, ExprId>& mapping);
Matrix diff(const Matrix& a, ExprId var);
/// Every entry expanded by the polynomial layer.
Matrix expand(const Matrix& a);
/// Every entry in lowest terms (cancel of the polynomial layer).
Matrix cancel(const Matrix& a);

/// Determinant: FLINT's fmpq_mat for exact numeric matrices, fraction-free Bareiss elimination for
/// symbolic ones; when no pivot of a column can be proved nonzero, the division-free Berkowitz
/// algorithm; when Bareiss's products exceed the polynomial layer's limits (dense generic matrices),
/// expansion in minors. InvalidArgument for a non-square matrix.
ExprId det(const Matrix& a);
/// Fraction-free Bareiss determinant (throws UndecidablePivot when no pivot can be proved nonzero).
ExprId det_bareiss(const Matrix& a);
/// Expansion in minors, each minor once (2**n of them; n <= 20): division-free, no zero tests.
ExprId det_minor_expansion(const Matrix& a);
/// Division-free Berkowitz: the characteristic polynomial coefficients c_0..c_n of det(x*I - a),
/// c_0 = 1, each entry cancelled.
std::vector<ExprId> berkowitz(const Matrix& a);
/// The inverse; InvalidArgument when a is singular or not square.
Matrix inv(const Matrix& a);
/// The adjugate (classical adjoint): adj(a)*a = det(a)*I.
Matrix adjugate(const Matrix& a);

struct RrefResult {
  Matrix matrix;
  std::vector<std::size_t> pivots;  ///< pivot column of each nonzero row
};
/// Reduced row echelon form (Gauss-Jordan; each entry cancelled; pivots proved nonzero, entries
/// proved zero are skipped, UndecidablePivot when a column has only undecidable candidates).
RrefResult rref(const Matrix& a);
std::size_t rank(const Matrix& a);
/// A basis of {v : a*v = 0}: one column vector per free column of rref(a).
std::vector<Matrix> nullspace(const Matrix& a);
/// The x with a*x = b for a square nonsingular a (b: a matrix of as many rows); InvalidArgument when
/// a is singular or the shapes do not fit.
Matrix solve(const Matrix& a, const Matrix& b);
/// det(x*I - a) as an expanded polynomial in x (FLINT's fmpq_mat_charpoly for exact matrices).
ExprId charpoly(const Matrix& a, ExprId x);

/// The matrix d exprs[i] / d vars[j] (vars must be symbols).
Matrix jacobian(ExprPool& pool, std::span<const ExprId> exprs, std::span<const ExprId> vars);
/// The matrix d^2 expr / d vars[i] d vars[j].
Matrix hessian(ExprPool& pool, ExprId expr, std::span<const ExprId> vars);

/// "Matrix([[1, x], [y, 2]])" (what SymPy prints and parses).
std::string to_string(const Matrix& a);
/// "\left[\begin{matrix}1 & x\\y & 2\end{matrix}\right]".
std::string to_latex(const Matrix& a);

}  // namespace alkahest
