// Matrix layer (src/matrix): results checked by an independent route (multiply back, det of a
// product, Bareiss against Berkowitz, charpoly at a point against det).
#include <gtest/gtest.h>

#include <random>

#include "alkahest/alkahest.hpp"

using namespace alkahest;

namespace {

struct MatrixTest : ::testing::Test {
  ExprPool pool;
  ExprId x = pool.symbol("x"), y = pool.symbol("y");
  ExprId P(const char* s) { return parse(pool, s); }
  ExprId n(long v) { return pool.integer(v); }
  Matrix M(std::size_t r, std::size_t c, std::vector<const char*> e) {
    std::vector<ExprId> ids;
    for (auto s : e) ids.push_back(P(s));
    return Matrix(pool, r, c, ids);
  }
  Matrix random_int(std::size_t r, std::size_t c, std::mt19937& g, int lo = -5, int hi = 5) {
    std::uniform_int_distribution<int> d(lo, hi);
    std::vector<ExprId> e;
    for (std::size_t k = 0; k < r * c; ++k) e.push_back(n(d(g)));
    return Matrix(pool, r, c, e);
  }
};

TEST_F(MatrixTest, ShapesAndArithmetic) {
  const Matrix a = M(2, 3, {"1", "x", "2", "y", "0", "3"});
  EXPECT_EQ(transpose(transpose(a)), a);
  EXPECT_EQ(transpose(a).rows(), 3u);
  EXPECT_THROW(add(a, transpose(a)), InvalidArgument);
  EXPECT_THROW(matmul(a, a), InvalidArgument);
  EXPECT_THROW(det(a), InvalidArgument);
  EXPECT_THROW(inv(a), InvalidArgument);
  EXPECT_EQ(matmul(a, transpose(a))(0, 0), P("x**2 + 5"));
  EXPECT_EQ(trace(M(2, 2, {"x", "1", "2", "y"})), P("x + y"));
  ExprPool other;
  EXPECT_THROW(add(a, Matrix::zeros(other, 2, 3)), PoolMismatchError);
  EXPECT_THROW(Matrix(pool, 2, 2, {x}), InvalidArgument);
}

TEST_F(MatrixTest, ExactDetInverseMultiplyBack) {
  std::mt19937 g(7);
  for (int t = 0; t < 20; ++t) {
    const std::size_t k = 1 + t % 8;
    const Matrix a = random_int(k, k, g), b = random_int(k, k, g);
    // det(a*b) = det(a)*det(b), and Bareiss on the same entries (as symbols' values) agrees.
    EXPECT_EQ(det(matmul(a, b)), pool.mul(det(a), det(b)));
    EXPECT_EQ(det_bareiss(a), det(a));
    const std::vector<ExprId> c = berkowitz(a);
    EXPECT_EQ(k % 2 ? pool.neg(c.back()) : c.back(), det(a));
    if (pool.node(det(a)).number.is_zero()) {
      EXPECT_THROW(inv(a), InvalidArgument);
    } else {
      EXPECT_EQ(matmul(inv(a), a), Matrix::eye(pool, k));
      EXPECT_EQ(matmul(adjugate(a), a), scale(det(a), Matrix::eye(pool, k)));
    }
  }
}

TEST_F(MatrixTest, SymbolicDetMatchesBerkowitz) {
  const Matrix a = M(3, 3, {"x", "y", "1", "2", "x*y", "y", "1", "x", "3"});
  const ExprId d = det(a);
  EXPECT_EQ(d, expand(pool, P("x*(3*x*y - x*y) - y*(6 - y) + (2*x - x*y)")));
  const auto c = berkowitz(a);
  EXPECT_EQ(expand(pool, pool.neg(c.back())), d);
  EXPECT_EQ(det_minor_expansion(a), d);
  std::mt19937 g(3);
  for (int t = 0; t < 10; ++t) {
    const Matrix r = random_int(1 + t % 6, 1 + t % 6, g);
    EXPECT_EQ(det_minor_expansion(r), det(r));
  }
  // Inverse multiplies back to the identity after cancelling.
  EXPECT_EQ(cancel(matmul(inv(a), a)), Matrix::eye(pool, 3));
}

TEST_F(MatrixTest, PivotThatOnlyLooksNonzeroIsNeverUsed) {
  // z is zero, though as a polynomial in sin(x) and cos(x) it is not.
  const char* z = "sin(x)**2 + cos(x)**2 - 1";
  EXPECT_THROW(det_bareiss(M(2, 2, {z, "1", z, "x"})), UndecidablePivot);
  // det falls back to division-free Berkowitz: the value is right whatever z is.
  const ExprId d = det(M(2, 2, {z, "1", z, "x"}));
  EXPECT_EQ(expand(pool, d), expand(pool, P("(sin(x)**2 + cos(x)**2 - 1)*(x - 1)")));
  // A row with a proved-nonzero pivot is chosen instead.
  EXPECT_EQ(expand(pool, det_bareiss(M(2, 2, {z, "1", "1", "x"}))), expand(pool, P("x*(sin(x)**2 + cos(x)**2 - 1) - 1")));
  EXPECT_THROW(inv(M(2, 2, {z, "1", z, "x"})), UndecidablePivot);
  // A constant pivot is decided by the kernel's is_zero (a certified enclosure excludes 0).
  EXPECT_EQ(rank(M(1, 1, {"sqrt(2) - 1"})), 1u);
  EXPECT_THROW(rank(M(1, 1, {z})), UndecidablePivot);
}

TEST_F(MatrixTest, RrefRankNullspace) {
  const Matrix a = M(3, 4, {"1", "2", "3", "4", "2", "4", "6", "8", "1", "0", "1", "0"});
  const RrefResult r = rref(a);
  EXPECT_EQ(r.pivots, (std::vector<std::size_t>{0, 1}));
  EXPECT_EQ(rank(a), 2u);
  const auto ns = nullspace(a);
  ASSERT_EQ(ns.size(), 2u);
  for (const Matrix& v : ns) EXPECT_EQ(matmul(a, v), Matrix::zeros(pool, 3, 1));
  const Matrix s = M(2, 3, {"x", "x*y", "1", "1", "y", "1/x"});
  EXPECT_EQ(rank(s), 1u);
  for (const Matrix& v : nullspace(s)) EXPECT_EQ(cancel(matmul(s, v)), Matrix::zeros(pool, 2, 1));
}

TEST_F(MatrixTest, SolveAndCharpoly) {
  const Matrix a = M(2, 2, {"x", "1", "1", "y"}), b = M(2, 1, {"1", "2"});
  const Matrix sol = solve(a, b);
  EXPECT_EQ(cancel(matmul(a, sol)), b);
  EXPECT_THROW(solve(M(2, 2, {"1", "2", "2", "4"}), b), InvalidArgument);
  EXPECT_THROW(solve(a, M(3, 1, {"1", "2", "3"})), InvalidArgument);
  const ExprId l = pool.symbol("l");
  EXPECT_EQ(charpoly(M(2, 2, {"1", "2", "3", "4"}), l), P("l**2 - 5*l - 2"));
  EXPECT_EQ(charpoly(a, l), expand(pool, P("(l - x)*(l - y) - 1")));
}

TEST_F(MatrixTest, JacobianHessianPowers) {
  const ExprId fs[] = {P("x*y"), P("sin(x)")};
  const ExprId vs[] = {x, y};
  const Matrix j = jacobian(pool, fs, vs);
  EXPECT_EQ(j, M(2, 2, {"y", "x", "cos(x)", "0"}));
  EXPECT_EQ(hessian(pool, P("x**2*y"), vs), M(2, 2, {"2*y", "2*x", "2*x", "0"}));
  const Matrix a = M(2, 2, {"1", "1", "0", "1"});
  EXPECT_EQ(pow(a, 5), M(2, 2, {"1", "5", "0", "1"}));
  EXPECT_EQ(pow(a, -3), M(2, 2, {"1", "-3", "0", "1"}));
  EXPECT_EQ(pow(a, 0), Matrix::eye(pool, 2));
  EXPECT_EQ(to_string(a), "Matrix([[1, 1], [0, 1]])");
}

}  // namespace
