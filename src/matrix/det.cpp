// The determinant: FLINT's fmpq_mat_det for numeric matrices, Bareiss for symbolic ones, Berkowitz
// when Bareiss cannot prove a pivot nonzero.
#include "alkahest/poly.hpp"
#include "matrix/entries.hpp"
#include "matrix/rational_matrix.hpp"

namespace alkahest {

using namespace matrix_detail;

ExprId det(const Matrix& a) {
  require_square(a, "det");
  ExprPool& pool = a.pool();
  if (a.rows() == 0) return pool.integer(1);
  if (is_numeric(a)) {
    RationalMatrix m{slong(a.rows()), slong(a.cols())};
    to_fmpq_mat(a, m);
    fmpq_t d;
    fmpq_init(d);
    fmpq_mat_det(d, m.get());
    const ExprId r = fmpq_expr(pool, d, has_float_entry(a));
    fmpq_clear(d);
    return r;
  }
  try {
    return det_bareiss(a);
  } catch (const PolyLimitError&) {
    if (a.rows() > 16) throw;
    return det_minor_expansion(a);
  } catch (const UndecidablePivot&) {
    const std::vector<ExprId> c = berkowitz(a);
    const ExprId last = c.back();
    return a.rows() % 2 ? simplify_entry(pool, pool.neg(last)) : last;
  }
}

}  // namespace alkahest
