// Reduced row echelon form by Gauss-Jordan elimination: FLINT's fmpq_mat_rref for numeric matrices;
// for symbolic ones each new entry is cancelled and a pivot is used only when proved nonzero.
#include "matrix/entries.hpp"
#include "matrix/rational_matrix.hpp"

namespace alkahest {

using namespace matrix_detail;

namespace {

RrefResult rref_numeric(const Matrix& a) {
  RationalMatrix m{slong(a.rows()), slong(a.cols())}, r{slong(a.rows()), slong(a.cols())};
  to_fmpq_mat(a, m);
  const slong rank = fmpq_mat_rref(r.get(), m.get());
  std::vector<std::size_t> pivots;
  for (slong i = 0; i < rank; ++i)
    for (slong j = 0; j < r.cols(); ++j)
      if (!fmpq_is_zero(fmpq_mat_entry(r.get(), i, j))) {
        pivots.push_back(std::size_t(j));
        break;
      }
  return {from_fmpq_mat(a.pool(), r, has_float_entry(a)), std::move(pivots)};
}

}  // namespace

RrefResult rref(const Matrix& a) {
  if (a.rows() == 0 || a.cols() == 0) return {a, {}};
  if (is_numeric(a)) return rref_numeric(a);
  ExprPool& pool = a.pool();
  Work w{a.rows(), a.cols(), {}};
  for (ExprId e : a.entries()) w.e.push_back(simplify_entry(pool, e));
  const ExprId zero = pool.integer(0), one = pool.integer(1);
  std::vector<std::size_t> pivots;
  std::size_t r = 0;
  for (std::size_t c = 0; c < w.cols && r < w.rows; ++c) {
    std::size_t pivot = w.rows;
    bool undecided = false;
    ExprId undecided_entry = 0;
    for (std::size_t i = r; i < w.rows && pivot == w.rows; ++i) {
      switch (zero_test(pool, w.at(i, c))) {
        case ZeroTest::Nonzero: pivot = i; break;
        case ZeroTest::Zero: w.at(i, c) = zero; break;
        case ZeroTest::Unknown:
          if (!undecided) undecided_entry = w.at(i, c);
          undecided = true;
          break;
      }
    }
    if (pivot == w.rows) {
      if (!undecided) continue;  // the column is proved zero below row r
      throw UndecidablePivot("rref: could not decide whether " + entry_text(pool, undecided_entry) +
                             " (column " + std::to_string(c) +
                             ") is zero, and no other candidate pivot of that column is proved nonzero");
    }
    w.swap_rows(pivot, r);
    const ExprId p = w.at(r, c);
    for (std::size_t j = c; j < w.cols; ++j) w.at(r, j) = j == c ? one : simplify_entry(pool, pool.div(w.at(r, j), p));
    for (std::size_t i = 0; i < w.rows; ++i) {
      if (i == r) continue;
      const ExprId f = w.at(i, c);
      if (f == zero) continue;
      for (std::size_t j = c; j < w.cols; ++j)
        w.at(i, j) = j == c ? zero : simplify_entry(pool, pool.sub(w.at(i, j), pool.mul(f, w.at(r, j))));
    }
    pivots.push_back(c);
    ++r;
  }
  return {Matrix(pool, w.rows, w.cols, std::move(w.e)), std::move(pivots)};
}

std::size_t rank(const Matrix& a) { return rref(a).pivots.size(); }

}  // namespace alkahest
