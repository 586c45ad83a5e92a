// The characteristic polynomial det(x*I - A): FLINT's fmpq_mat_charpoly for numeric matrices,
// Berkowitz (division-free) for symbolic ones.
#include "alkahest/poly.hpp"
#include "matrix/entries.hpp"
#include "matrix/rational_matrix.hpp"

namespace alkahest {

using namespace matrix_detail;

ExprId charpoly(const Matrix& a, ExprId x) {
  require_square(a, "charpoly");
  ExprPool& pool = a.pool();
  if (pool.node(x).kind != Kind::Symbol) throw InvalidArgument("charpoly: the variable must be a symbol");
  const std::size_t n = a.rows();
  std::vector<ExprId> coeffs;  // leading first
  if (is_numeric(a)) {
    RationalMatrix m{slong(n), slong(n)};
    to_fmpq_mat(a, m);
    fmpq_poly_t p;
    fmpq_poly_init(p);
    fmpq_mat_charpoly(p, m.get());
    fmpq_t c;
    fmpq_init(c);
    const bool f = has_float_entry(a);
    for (std::size_t i = 0; i <= n; ++i) {
      fmpq_poly_get_coeff_fmpq(c, p, slong(n - i));
      coeffs.push_back(fmpq_expr(pool, c, f));
    }
    fmpq_clear(c);
    fmpq_poly_clear(p);
  } else {
    coeffs = berkowitz(a);
  }
  std::vector<ExprId> terms;
  for (std::size_t i = 0; i <= n; ++i) terms.push_back(pool.mul(coeffs[i], pool.pow(x, pool.integer(long(n - i)))));
  return expand(pool, pool.add(terms));
}

}  // namespace alkahest
