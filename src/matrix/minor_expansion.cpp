// Determinant by expansion in minors with every minor computed once (dynamic programming over
// column subsets: D(S) for the first |S| rows and the columns S). Division-free like Berkowitz and
// needs no zero test; its intermediate polynomials are minors, never the large products Bareiss
// forms before its exact division, so it is the route for dense generic symbolic matrices.
#include <bit>

#include "alkahest/poly.hpp"
#include "matrix/entries.hpp"

namespace alkahest {

using namespace matrix_detail;

ExprId det_minor_expansion(const Matrix& a) {
  require_square(a, "det");
  ExprPool& pool = a.pool();
  const std::size_t n = a.rows();
  if (n > 20) throw InvalidArgument("det: minor expansion is limited to 20 x 20 matrices");
  std::vector<ExprId> d(std::size_t(1) << n, pool.integer(0));
  d[0] = pool.integer(1);
  for (std::uint32_t s = 1; s < (std::uint32_t(1) << n); ++s) {
    const std::size_t k = std::size_t(std::popcount(s));  // the minor of rows 0..k-1, columns s
    std::vector<ExprId> terms;
    std::size_t pos = 0;
    for (std::size_t j = 0; j < n; ++j) {
      if (!(s >> j & 1)) continue;
      const ExprId rest = d[s & ~(std::uint32_t(1) << j)];
      const ExprId e = a(k - 1, j);
      if (!(pool.is_number(rest) && pool.node(rest).number.is_zero()) &&
          !(pool.is_number(e) && pool.node(e).number.is_zero())) {
        // Expanding along row k-1: sign by the column's position among those of s.
        const ExprId t = pool.mul(e, rest);
        terms.push_back((k - 1 - pos) % 2 ? pool.neg(t) : t);
      }
      ++pos;
    }
    d[s] = expand(pool, pool.add(terms));
  }
  return simplify_entry(pool, d.back());
}

}  // namespace alkahest
