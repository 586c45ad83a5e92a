// Reduced row echelon form by Gauss-Jordan elimination: FLINT's fmpq_mat_rref for numeric matrices;
// rational functions of symbols eliminated in FLINT (numerator/denominator pairs in lowest terms);
// for other symbolic ones each new entry is cancelled and a pivot is used only when proved nonzero.
#include "matrix/entries.hpp"
#include "matrix/rational_matrix.hpp"
#include "poly/convert.hpp"

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

// Entries that are rational functions of symbols (no floats, no other generators) stay in FLINT
// for the whole elimination: each is num/den in lowest terms, and a pivot is nonzero exactly when
// its numerator is (symbols are independent: zero_test's rule). The same pivots and, entry by
// entry, the same lowest-terms forms as the general path, without an Expr round trip per
// operation (a 20x8 matrix with one parameter took seconds there).
std::optional<RrefResult> rref_rational_functions(const Matrix& a) {
  using namespace poly_detail;
  ExprPool& pool = a.pool();
  Converter conv(pool, Mode::Exact, "rref");
  for (ExprId e : a.entries()) {
    if (has_float(pool, e)) return std::nullopt;
    conv.scan(e);
  }
  conv.build();
  for (ExprId g : conv.gen_exprs())
    if (pool.node(g).kind != Kind::Symbol) return std::nullopt;
  const char* who = "rref";
  std::vector<Frac> w;
  w.reserve(a.entries().size());
  for (ExprId e : a.entries()) {
    Ratio r = conv.ratio(e);
    QPoly d = r.den ? std::move(*r.den) : conv.constant(1);
    reduce(r.num, d, who);
    w.push_back({std::move(r.num), std::move(d)});
  }
  const std::size_t rows = a.rows(), cols = a.cols();
  auto at = [&](std::size_t i, std::size_t j) -> Frac& { return w[i * cols + j]; };
  std::vector<std::size_t> pivots;
  std::size_t r = 0;
  for (std::size_t c = 0; c < cols && r < rows; ++c) {
    std::size_t pivot = rows;
    for (std::size_t i = r; i < rows && pivot == rows; ++i)
      if (!at(i, c).num.is_zero()) pivot = i;
    if (pivot == rows) continue;
    if (pivot != r)
      for (std::size_t j = 0; j < cols; ++j) std::swap(at(pivot, j), at(r, j));
    const Frac inverse{at(r, c).den, at(r, c).num};  // 1/pivot
    for (std::size_t j = c; j < cols; ++j) {
      Frac& e = at(r, j);
      if (j == c) e = {conv.constant(1), conv.constant(1)};
      else if (!e.num.is_zero()) e = frac_mul(e, inverse, who);
    }
    for (std::size_t i = 0; i < rows; ++i) {
      if (i == r || at(i, c).num.is_zero()) continue;
      const Frac f = at(i, c);
      for (std::size_t j = c; j < cols; ++j) {
        Frac& e = at(i, j);
        if (j == c) e = {conv.zero(), conv.constant(1)};
        else if (!at(r, j).num.is_zero()) e = frac_add(e, frac_mul(f, at(r, j), who), -1, who);  // e - f*b
      }
    }
    pivots.push_back(c);
    ++r;
  }
  std::vector<ExprId> out;
  out.reserve(w.size());
  for (const Frac& e : w) out.push_back(e.num.is_zero() ? pool.integer(0) : ratio_expr(conv, e.num, e.den));
  return RrefResult{Matrix(pool, rows, cols, std::move(out)), std::move(pivots)};
}

}  // namespace

RrefResult rref(const Matrix& a) {
  if (a.rows() == 0 || a.cols() == 0) return {a, {}};
  if (is_numeric(a)) return rref_numeric(a);
  if (auto fast = rref_rational_functions(a)) return std::move(*fast);
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
