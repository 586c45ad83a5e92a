// Matrix: construction, arithmetic, transpose, trace, powers, entrywise maps and printing.
#include "alkahest/matrix.hpp"

#include "alkahest/calculus.hpp"
#include "alkahest/poly.hpp"
#include "alkahest/print.hpp"
#include "kernel/hash_mix.hpp"
#include "matrix/entries.hpp"

namespace alkahest {

using matrix_detail::require_square;

namespace {

std::string shape_text(const Matrix& a) {
  return "(" + std::to_string(a.rows()) + ", " + std::to_string(a.cols()) + ")";
}

void require_same_shape(const Matrix& a, const Matrix& b, const char* who) {
  check_same_pool(a.pool(), b.pool());
  if (a.rows() != b.rows() || a.cols() != b.cols())
    throw InvalidArgument(std::string(who) + ": shapes " + shape_text(a) + " and " + shape_text(b) + " differ");
}

}  // namespace

Matrix::Matrix(ExprPool& pool, std::size_t rows, std::size_t cols, std::vector<ExprId> entries)
    : pool_(&pool), rows_(rows), cols_(cols), entries_(std::move(entries)) {
  if (cols != 0 && rows > entries_.max_size() / cols)
    throw InvalidArgument("Matrix: shape too large");
  if (entries_.size() != rows * cols)
    throw InvalidArgument("Matrix: " + std::to_string(entries_.size()) + " entries do not fill shape (" +
                          std::to_string(rows) + ", " + std::to_string(cols) + ")");
  for (ExprId e : entries_)
    if (e >= pool.size()) throw InvalidArgument("Matrix: an entry is not a node of this pool");
}

Matrix Matrix::zeros(ExprPool& pool, std::size_t rows, std::size_t cols) {
  if (cols != 0 && rows > (std::size_t(1) << 40) / cols) throw InvalidArgument("Matrix.zeros: shape too large");
  return Matrix(pool, rows, cols, std::vector<ExprId>(rows * cols, pool.integer(0)));
}

Matrix Matrix::eye(ExprPool& pool, std::size_t n) {
  Matrix z = zeros(pool, n, n);
  for (std::size_t i = 0; i < n; ++i) z.entries_[i * n + i] = pool.integer(1);
  return z;
}

Matrix Matrix::diag(ExprPool& pool, std::span<const ExprId> d) {
  Matrix z = zeros(pool, d.size(), d.size());
  for (std::size_t i = 0; i < d.size(); ++i) z.entries_[i * d.size() + i] = d[i];
  return z;
}

bool Matrix::operator==(const Matrix& o) const {
  return pool_ == o.pool_ && rows_ == o.rows_ && cols_ == o.cols_ && entries_ == o.entries_;
}

std::uint64_t Matrix::hash() const {
  std::uint64_t h = hash_mix(0x6d617472ULL, rows_);
  h = hash_mix(h, cols_);
  for (ExprId e : entries_) h = hash_mix(h, pool_->node(e).hash);
  return h;
}

Matrix Matrix::submatrix(std::span<const std::size_t> rows, std::span<const std::size_t> cols) const {
  std::vector<ExprId> out;
  out.reserve(rows.size() * cols.size());
  for (std::size_t i : rows)
    for (std::size_t j : cols) {
      if (i >= rows_ || j >= cols_) throw InvalidArgument("Matrix.submatrix: index out of range");
      out.push_back((*this)(i, j));
    }
  return Matrix(*pool_, rows.size(), cols.size(), std::move(out));
}

bool Matrix::is_exact_numeric() const {
  for (ExprId e : entries_) {
    const Node& n = pool_->node(e);
    if (n.kind != Kind::Number || !n.number.is_exact()) return false;
  }
  return true;
}

Matrix add(const Matrix& a, const Matrix& b) {
  require_same_shape(a, b, "Matrix +");
  std::vector<ExprId> out(a.entries().size());
  for (std::size_t k = 0; k < out.size(); ++k) out[k] = a.pool().add(a.entries()[k], b.entries()[k]);
  return Matrix(a.pool(), a.rows(), a.cols(), std::move(out));
}

Matrix sub(const Matrix& a, const Matrix& b) {
  require_same_shape(a, b, "Matrix -");
  std::vector<ExprId> out(a.entries().size());
  for (std::size_t k = 0; k < out.size(); ++k) out[k] = a.pool().sub(a.entries()[k], b.entries()[k]);
  return Matrix(a.pool(), a.rows(), a.cols(), std::move(out));
}

Matrix matmul(const Matrix& a, const Matrix& b) {
  check_same_pool(a.pool(), b.pool());
  if (a.cols() != b.rows())
    throw InvalidArgument("Matrix product: shapes " + shape_text(a) + " and " + shape_text(b) +
                          " do not fit (columns of the first must equal rows of the second)");
  ExprPool& pool = a.pool();
  std::vector<ExprId> out;
  out.reserve(a.rows() * b.cols());
  std::vector<ExprId> terms(a.cols());
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t j = 0; j < b.cols(); ++j) {
      for (std::size_t k = 0; k < a.cols(); ++k) terms[k] = pool.mul(a(i, k), b(k, j));
      out.push_back(pool.add(terms));
    }
  return Matrix(pool, a.rows(), b.cols(), std::move(out));
}

Matrix scale(ExprId s, const Matrix& a) {
  return applyfunc(a, [&](ExprId e) { return a.pool().mul(s, e); });
}

Matrix neg(const Matrix& a) {
  return applyfunc(a, [&](ExprId e) { return a.pool().neg(e); });
}

Matrix transpose(const Matrix& a) {
  std::vector<ExprId> out;
  out.reserve(a.entries().size());
  for (std::size_t j = 0; j < a.cols(); ++j)
    for (std::size_t i = 0; i < a.rows(); ++i) out.push_back(a(i, j));
  return Matrix(a.pool(), a.cols(), a.rows(), std::move(out));
}

ExprId trace(const Matrix& a) {
  require_square(a, "trace");
  std::vector<ExprId> d;
  for (std::size_t i = 0; i < a.rows(); ++i) d.push_back(a(i, i));
  return a.pool().add(d);
}

Matrix pow(const Matrix& a, long n) {
  require_square(a, "Matrix **");
  if (n < 0) {
    if (n == std::numeric_limits<long>::min()) throw InvalidArgument("Matrix **: exponent too large");
    return pow(inv(a), -n);
  }
  // Square and multiply; entries expanded as they go, so the sizes stay those of the polynomials.
  Matrix result = Matrix::eye(a.pool(), a.rows());
  Matrix base = a;
  bool first = true;
  while (n > 0) {
    if (n & 1) {
      result = first ? base : expand(matmul(result, base));
      first = false;
    }
    n >>= 1;
    if (n > 0) base = expand(matmul(base, base));
  }
  return result;
}

Matrix subs(const Matrix& a, const std::unordered_map<ExprId, ExprId>& mapping) {
  return applyfunc(a, [&](ExprId e) { return subs(a.pool(), e, mapping); });
}

Matrix diff(const Matrix& a, ExprId var) {
  return applyfunc(a, [&](ExprId e) { return diff(a.pool(), e, var); });
}

Matrix expand(const Matrix& a) {
  return applyfunc(a, [&](ExprId e) { return expand(a.pool(), e); });
}

Matrix cancel(const Matrix& a) {
  return applyfunc(a, [&](ExprId e) { return matrix_detail::simplify_entry(a.pool(), e); });
}

Matrix jacobian(ExprPool& pool, std::span<const ExprId> exprs, std::span<const ExprId> vars) {
  for (ExprId v : vars)
    if (pool.node(v).kind != Kind::Symbol) throw InvalidArgument("jacobian: each variable must be a symbol");
  std::vector<ExprId> out;
  out.reserve(exprs.size() * vars.size());
  for (ExprId e : exprs)
    for (ExprId d : grad(pool, e, vars)) out.push_back(d);
  return Matrix(pool, exprs.size(), vars.size(), std::move(out));
}

Matrix hessian(ExprPool& pool, ExprId expr, std::span<const ExprId> vars) {
  const std::vector<ExprId> g = grad(pool, expr, vars);
  Matrix h = jacobian(pool, g, vars);
  return h;
}

namespace {
// The entries in row-major order: printed together, so that symbols of one name with different
// assumptions in different entries print apart (x and x{positive}).
std::vector<ExprId> entries_in_order(const Matrix& a) {
  std::vector<ExprId> ids;
  ids.reserve(a.rows() * a.cols());
  for (std::size_t i = 0; i < a.rows(); ++i)
    for (std::size_t j = 0; j < a.cols(); ++j) ids.push_back(a(i, j));
  return ids;
}
}  // namespace

std::string to_string(const Matrix& a) {
  const std::vector<std::string> text = to_strings(a.pool(), entries_in_order(a));
  std::string s = "Matrix([";
  for (std::size_t i = 0; i < a.rows(); ++i) {
    s += i ? ", [" : "[";
    for (std::size_t j = 0; j < a.cols(); ++j) s += (j ? ", " : "") + text[i * a.cols() + j];
    s += "]";
  }
  return s + "])";
}

std::string to_latex(const Matrix& a) {
  const std::vector<std::string> text = to_latex_strings(a.pool(), entries_in_order(a));
  std::string s = "\\left[\\begin{matrix}";
  for (std::size_t i = 0; i < a.rows(); ++i) {
    if (i) s += "\\\\";
    for (std::size_t j = 0; j < a.cols(); ++j) s += (j ? " & " : "") + text[i * a.cols() + j];
  }
  return s + "\\end{matrix}\\right]";
}

}  // namespace alkahest
