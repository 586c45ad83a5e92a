// Fraction-free Gaussian elimination (Bareiss 1968): after step k every entry is a k+1-minor, so
// the division by the previous pivot is exact and entries stay polynomials for polynomial input.
// Each new entry is put in lowest terms by cancel. Only pivots proved nonzero are used.
#include "alkahest/poly.hpp"
#include "matrix/entries.hpp"

namespace alkahest {

using namespace matrix_detail;

namespace {

// num / prev, known to be exact for polynomial entries: FLINT's polynomial division (no gcd, so no
// gcd size limit), checked by its zero remainder; cancel when the entries are not polynomials.
ExprId exact_quotient(ExprPool& pool, ExprId num, ExprId prev) {
  if (pool.is_number(prev) || has_float(pool, num) || has_float(pool, prev))
    return simplify_entry(pool, pool.div(num, prev));
  try {
    const QuoRem qr = div(pool, num, prev);
    if (pool.is_number(qr.remainder) && pool.node(qr.remainder).number.is_zero()) return qr.quotient;
  } catch (const InvalidArgument&) {
    // not polynomials (denominators, or generators that are not polynomial atoms): cancel below
  }
  return simplify_entry(pool, pool.div(num, prev));
}

}  // namespace

ExprId det_bareiss(const Matrix& a) {
  require_square(a, "det");
  ExprPool& pool = a.pool();
  const std::size_t n = a.rows();
  if (n == 0) return pool.integer(1);
  Work w{n, n, {}};
  for (ExprId e : a.entries()) w.e.push_back(simplify_entry(pool, e));
  bool negate = false;
  ExprId prev = pool.integer(1);
  for (std::size_t k = 0; k + 1 < n; ++k) {
    std::size_t pivot = n;
    bool undecided = false;
    ExprId undecided_entry = 0;
    for (std::size_t i = k; i < n && pivot == n; ++i) {
      switch (zero_test(pool, w.at(i, k))) {
        case ZeroTest::Nonzero: pivot = i; break;
        case ZeroTest::Zero: break;
        case ZeroTest::Unknown:
          if (!undecided) undecided_entry = w.at(i, k);
          undecided = true;
          break;
      }
    }
    if (pivot == n) {
      if (!undecided) return pool.integer(0);  // a column proved zero below the diagonal
      throw UndecidablePivot("det: could not decide whether the pivot candidate " +
                             entry_text(pool, undecided_entry) + " (column " + std::to_string(k) +
                             ") is zero, and no other row has a pivot proved nonzero");
    }
    if (pivot != k) {
      w.swap_rows(pivot, k);
      negate = !negate;
    }
    const ExprId p = w.at(k, k);
    for (std::size_t i = k + 1; i < n; ++i)
      for (std::size_t j = k + 1; j < n; ++j) {
        const ExprId num = pool.sub(pool.mul(p, w.at(i, j)), pool.mul(w.at(i, k), w.at(k, j)));
        w.at(i, j) = exact_quotient(pool, num, prev);
      }
    prev = p;
  }
  const ExprId d = w.at(n - 1, n - 1);
  return negate ? simplify_entry(pool, pool.neg(d)) : d;
}

}  // namespace alkahest
