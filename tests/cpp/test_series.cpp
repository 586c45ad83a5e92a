// Series (src/series): coefficients checked against known closed forms and by an independent
// route (the series of a product against the product of the series).
#include <gtest/gtest.h>

#include "alkahest/alkahest.hpp"

using namespace alkahest;

namespace {

struct SeriesTest : ::testing::Test {
  ExprPool pool;
  ExprId x = pool.symbol("x"), a = pool.symbol("a");
  ExprId P(const char* s) { return parse(pool, s); }
  ExprId zero() { return pool.integer(0); }
};

TEST_F(SeriesTest, TaylorAndLaurent) {
  Series s = series(pool, P("exp(sin(x))"), x, zero(), 6);
  ASSERT_TRUE(s.order.has_value());
  EXPECT_EQ(*s.order, 6);
  EXPECT_EQ(s.sum, P("1 + x + x**2/2 - x**4/8 - x**5/15"));
  Series l = series(pool, P("1/sin(x)"), x, zero(), 4);
  EXPECT_EQ(l.sum, P("1/x + x/6 + 7*x**3/360"));
}

TEST_F(SeriesTest, WholeInOneStepIsSeriesExpr) {
  // series_whole (the Python path) builds the same node as series() then series_expr(), and the
  // sum it hands back where it gives no expression is series()'s.
  const ExprId oo = pool.constant(Constant::Infinity), mo = pool.constant(Constant::NegativeInfinity);
  const struct {
    const char* f;
    ExprId x0;
    int dir;
    long n;
  } cases[] = {{"exp(sin(x))", zero(), 1, 12},   {"1/(1 - x - x**2)", zero(), 1, 30}, {"1 + x + x**3", zero(), 1, 9},
               {"x**2 + 3", zero(), 1, 1},         {"7", zero(), 1, 4},                 {"x", zero(), 1, 5},
               {"sin(x)", zero(), 1, 0},           {"sqrt(x)*(1 + x)", zero(), 1, 4},  {"x**x", zero(), 1, 4},
               {"a*exp(x)", zero(), 1, 5},         {"1/sin(x)", zero(), 1, 5},          {"exp(x)", zero(), -1, 6},
               {"tan(x)", P("1"), 1, 5},           {"log(x)", P("2"), -1, 4},           {"1/(1 + x)", oo, 1, 5},
               {"x/(x**2 - 1)", mo, 1, 6},         {"exp(x)", P("0.0"), 1, 4}};
  for (const auto& c : cases) {
    const ExprId f = P(c.f);
    const Series ref = series(pool, f, x, c.x0, c.n, c.dir);
    const std::optional<ExprId> want = series_expr(pool, ref, x, c.x0);
    Series s;
    const std::optional<ExprId> got = series_whole(pool, f, x, c.x0, c.n, c.dir, s);
    ASSERT_EQ(got.has_value(), want.has_value()) << c.f;
    if (want) EXPECT_EQ(*got, *want) << c.f << " -> " << Expr(pool, *got).str() << " vs " << Expr(pool, *want).str();
    else EXPECT_EQ(s.sum, ref.sum) << c.f;
    EXPECT_EQ(s.order, ref.order) << c.f;
    EXPECT_EQ(s.local, ref.local) << c.f;
    EXPECT_TRUE(s.terms.empty());
  }
}

TEST_F(SeriesTest, ProductOfSeries) {
  // Catalan-like check: series(1/(1-x)**2) has coefficients k+1, the square of the geometric series.
  Series s = series(pool, P("1/(1 - x)**2"), x, zero(), 40);
  ASSERT_EQ(s.terms.size(), 40u);
  for (std::size_t k = 0; k < 40; ++k) EXPECT_EQ(s.terms[k].coeff, pool.integer(static_cast<long>(k) + 1));
}

TEST_F(SeriesTest, PuiseuxLogAndSymbolic) {
  EXPECT_EQ(series(pool, P("sqrt(x)*exp(x)"), x, zero(), 3).sum, P("sqrt(x) + x**(3/2) + x**(5/2)/2"));
  EXPECT_EQ(series(pool, P("x**x"), x, zero(), 3).sum, P("1 + x*log(x) + x**2*log(x)**2/2"));
  EXPECT_EQ(series(pool, P("sin(a + x)"), x, zero(), 3).sum, P("sin(a) + x*cos(a) - x**2*sin(a)/2"));
}

TEST_F(SeriesTest, Refusals) {
  EXPECT_THROW(series(pool, P("exp(1/x)"), x, zero(), 3), SeriesError);
  EXPECT_THROW(series(pool, P("asin(1 + I*x)"), x, zero(), 3), SeriesError);  // a non-real path into the branch point
  EXPECT_THROW(series(pool, P("exp(x)"), x, zero(), SeriesLimits::max_order + 1), SeriesError);
  EXPECT_THROW(series(pool, P("exp(x)"), P("x + a"), zero(), 3), InvalidArgument);
}

TEST_F(SeriesTest, LeadingTerm) {
  const ExprId logw = pool.symbol("logw");
  auto lt = leading_term(pool, P("sin(x) - x"), x, logw);
  ASSERT_TRUE(lt.has_value());
  EXPECT_EQ(lt->coeff, P("-1/6"));
  EXPECT_EQ(lt->exponent, 3);
  auto l2 = leading_term(pool, P("x*log(x)"), x, logw);
  ASSERT_TRUE(l2.has_value());
  EXPECT_EQ(l2->coeff, logw);
  EXPECT_FALSE(leading_term(pool, P("sin(x)**2 + cos(x)**2 - 1"), x, logw).has_value());
}

}  // namespace

namespace {

TEST(LimitTest, GruntzAndRefusals) {
  ExprPool pool;
  const ExprId x = pool.symbol("x");
  const ExprId oo = pool.constant(Constant::Infinity);
  auto L = [&](const char* s, ExprId at, const char* dir = "+") { return limit(pool, parse(pool, s), x, at, dir); };
  EXPECT_EQ(L("(1 + 1/x)**x", oo), pool.constant(Constant::E));
  EXPECT_EQ(L("x**x", pool.integer(0)), pool.integer(1));
  EXPECT_EQ(L("exp(x)*(exp(1/x - exp(-x)) - exp(1/x))", oo), pool.integer(-1));
  EXPECT_EQ(L("1/x", pool.integer(0), "+-"), pool.constant(Constant::ComplexInfinity));
  // no limit, it oscillates: the interval where the values accumulate (SymPy's AccumBounds)
  EXPECT_EQ(L("sin(1/x)", pool.integer(0)), parse(pool, "AccumBounds(-1, 1)"));
  EXPECT_EQ(L("2 + 3*cos(x)", oo), parse(pool, "AccumBounds(-1, 5)"));
  EXPECT_EQ(L("x*sin(1/x)", pool.integer(0)), pool.integer(0));
  EXPECT_FALSE(L("sin(x) + cos(x)", oo).has_value());  // two oscillations: not computed
  EXPECT_FALSE(L("x*sin(x)", oo).has_value());         // unbounded
  EXPECT_EQ(L("exp(-x)*log(gamma(gamma(x)))", oo), oo);  // gamma = exp(loggamma): Stirling
  // complex for large x: the modulus grows while the phase 3*pi*x turns (SymPy's zoo)
  EXPECT_EQ(L("(1 - x/2)**(3*x)", oo), pool.constant(Constant::ComplexInfinity));
  EXPECT_FALSE(L("(-x)**x/x**x", oo).has_value());  // modulus 1, the phase turns: no limit
}

}  // namespace
