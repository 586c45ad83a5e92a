// Conversions between numeric Matrices and FLINT's fmpq_mat.
#include "matrix/rational_matrix.hpp"

#include <mpfr.h>

#include <cmath>

namespace alkahest::matrix_detail {

bool is_numeric(const Matrix& a) {
  for (ExprId e : a.entries()) {
    const Node& n = a.pool().node(e);
    if (n.kind != Kind::Number) return false;
    if (n.number.is_float() && !std::isfinite(n.number.real())) return false;
  }
  return true;
}

bool has_float_entry(const Matrix& a) {
  for (ExprId e : a.entries())
    if (a.pool().node(e).number.is_float()) return true;
  return false;
}

void to_fmpq_mat(const Matrix& a, RationalMatrix& out) {
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t j = 0; j < a.cols(); ++j) {
      const Number& n = a.pool().node(a(i, j)).number;
      const mpq_class q = n.is_float() ? mpq_class(n.real()) : n.to_mpq();
      fmpq_set_mpq(fmpq_mat_entry(out.get(), slong(i), slong(j)), q.get_mpq_t());
    }
}

ExprId fmpq_expr(ExprPool& pool, const fmpq_t q, bool as_float) {
  mpq_class v;
  fmpq_get_mpq(v.get_mpq_t(), q);
  if (as_float) {  // rounded to nearest, once
    mpfr_t f;
    mpfr_init2(f, 53);
    mpfr_set_q(f, v.get_mpq_t(), MPFR_RNDN);
    const double d = mpfr_get_d(f, MPFR_RNDN);
    mpfr_clear(f);
    return pool.number(Number(d));
  }
  return pool.number(Number(v));
}

Matrix from_fmpq_mat(ExprPool& pool, const RationalMatrix& m, bool as_float) {
  std::vector<ExprId> out;
  out.reserve(std::size_t(m.rows() * m.cols()));
  for (slong i = 0; i < m.rows(); ++i)
    for (slong j = 0; j < m.cols(); ++j) out.push_back(fmpq_expr(pool, fmpq_mat_entry(m.get(), i, j), as_float));
  return Matrix(pool, std::size_t(m.rows()), std::size_t(m.cols()), std::move(out));
}

}  // namespace alkahest::matrix_detail
