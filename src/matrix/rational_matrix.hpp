// Numeric matrices as FLINT fmpq_mat: every entry a number. Floats enter as the exact rational of
// their binary value and results are rounded back to floats (once, at the end) when any entry was a
// float. Internal to src/matrix.
#pragma once
#include <flint/fmpq_mat.h>
#include <flint/fmpq_poly.h>

#include "alkahest/matrix.hpp"

namespace alkahest::matrix_detail {

class RationalMatrix {
 public:
  RationalMatrix(slong rows, slong cols) { fmpq_mat_init(m_, rows, cols); }
  RationalMatrix(const RationalMatrix&) = delete;
  RationalMatrix& operator=(const RationalMatrix&) = delete;
  ~RationalMatrix() { fmpq_mat_clear(m_); }
  fmpq_mat_struct* get() { return m_; }
  const fmpq_mat_struct* get() const { return m_; }
  slong rows() const { return fmpq_mat_nrows(m_); }
  slong cols() const { return fmpq_mat_ncols(m_); }

 private:
  fmpq_mat_t m_;
};

/// The inverse of the square matrix `a` into `out` (same shape); false when `a` is singular.
/// Multimodular: the rows are scaled to integers (A = diag(d)^-1 Z), det(Z) is computed exactly,
/// adj(Z) = det(Z) Z^-1 modulo word-size primes up to the Hadamard bound (every entry of adj(Z)
/// is a minor of order n-1, bounded by the product of the row norms) and recovered by the CRT,
/// and A^-1 = adj(Z) diag(d) / det(Z) is brought to lowest terms. For a random 100x100 matrix of
/// small fractions this takes ~80 ms where FLINT 2.9's fmpq_mat_inv (fraction-free elimination
/// and rational reconstruction) takes ~370 ms.
bool rational_inverse(const RationalMatrix& a, RationalMatrix& out);

/// Whether every entry is a finite number (the fmpq_mat path applies).
bool is_numeric(const Matrix& a);
/// Whether some entry is a float (results are then rounded back to floats).
bool has_float_entry(const Matrix& a);
/// The entries of a numeric matrix.
void to_fmpq_mat(const Matrix& a, RationalMatrix& out);
/// One fmpq as a kernel number expression (a float when `as_float`).
ExprId fmpq_expr(ExprPool& pool, const fmpq_t q, bool as_float);
Matrix from_fmpq_mat(ExprPool& pool, const RationalMatrix& m, bool as_float);

}  // namespace alkahest::matrix_detail
