// Berkowitz's division-free characteristic polynomial: with A = [[a, R], [C, A1]], the coefficient
// vector of det(x*I - A) is T * (that of A1), T the lower-triangular Toeplitz matrix whose first
// column is (1, -a, -R*C, -R*A1*C, -R*A1**2*C, ...). No pivots, so no zero tests: it is the
// determinant of last resort when elimination cannot decide a pivot.
#include "matrix/entries.hpp"

namespace alkahest {

using namespace matrix_detail;

std::vector<ExprId> berkowitz(const Matrix& a) {
  require_square(a, "charpoly");
  ExprPool& pool = a.pool();
  const std::size_t n = a.rows();
  auto s = [&](ExprId e) { return simplify_entry(pool, e); };
  std::vector<ExprId> p{pool.integer(1)};  // of the empty trailing block
  for (std::size_t kk = n; kk-- > 0;) {
    const std::size_t m = n - 1 - kk;  // size of A1 = a[kk+1:, kk+1:]
    std::vector<ExprId> t{pool.integer(1), s(pool.neg(a(kk, kk)))};
    std::vector<ExprId> v(m);  // A1**j * C
    for (std::size_t i = 0; i < m; ++i) v[i] = a(kk + 1 + i, kk);
    for (std::size_t j = 0; j < m; ++j) {
      std::vector<ExprId> terms;
      for (std::size_t i = 0; i < m; ++i) terms.push_back(pool.mul(a(kk, kk + 1 + i), v[i]));
      t.push_back(s(pool.neg(pool.add(terms))));
      if (j + 1 < m) {
        std::vector<ExprId> nv(m);
        for (std::size_t r = 0; r < m; ++r) {
          std::vector<ExprId> row;
          for (std::size_t c = 0; c < m; ++c) row.push_back(pool.mul(a(kk + 1 + r, kk + 1 + c), v[c]));
          nv[r] = s(pool.add(row));
        }
        v = std::move(nv);
      }
    }
    std::vector<ExprId> q(m + 2);
    for (std::size_t i = 0; i < m + 2; ++i) {
      std::vector<ExprId> terms;
      for (std::size_t j = 0; j <= std::min(i, m); ++j) terms.push_back(pool.mul(t[i - j], p[j]));
      q[i] = s(pool.add(terms));
    }
    p = std::move(q);
  }
  return p;
}

}  // namespace alkahest
