// The transcendental Risch algorithm (src/integrate/risch.cpp): verdicts on integrals whose
// elementarity is classical, and antiderivatives differentiated back exactly (cancel of
// d/dx F - f, exp(...) and log(...) as generators) or, with logs of sums, at random points.
#include <gtest/gtest.h>

#include "alkahest/alkahest.hpp"

using namespace alkahest;

namespace {

struct RischTest : ::testing::Test {
  ExprPool pool;
  ExprId x = pool.symbol("x");
  ExprId P(const char* s) { return parse(pool, s); }
};

TEST_F(RischTest, ProvedNonElementary) {
  for (const char* s : {"exp(x**2)", "exp(x)/x", "1/log(x)", "x**2*exp(-x**2)", "log(x)/(x + 1)", "exp(1/x)",
                        "x/log(x)", "sinh(x)/x", "1/(exp(x) + x)"}) {
    const RischResult r = risch_integrate(pool, P(s), x);
    EXPECT_EQ(r.verdict, RischVerdict::NonElementary) << s << ": " << r.reason;
    EXPECT_FALSE(r.antiderivative) << s;
    EXPECT_FALSE(r.reason.empty()) << s;
  }
}

TEST_F(RischTest, ElementaryAnswersDifferentiateBack) {
  // Exact: no log of a sum in these answers.
  for (const char* s : {"x*exp(x**2)", "x**4*exp(x)", "exp(1/x)/x**2", "x*exp(x)/(x + 1)**2", "log(x)**3",
                        "log(x)**2/x**2"}) {
    const ExprId f = P(s);
    const RischResult r = risch_integrate(pool, f, x);
    ASSERT_EQ(r.verdict, RischVerdict::Elementary) << s << ": " << r.reason;
    ASSERT_TRUE(r.antiderivative) << s;
    EXPECT_EQ(cancel(pool, pool.sub(diff(pool, *r.antiderivative, x), f)), pool.integer(0))
        << s << " -> " << to_string(pool, *r.antiderivative);
  }
  // Logs and arctangents of sums: at random points.
  for (const char* s : {"exp(x)/(exp(x) + 1)", "1/(x*log(x))", "exp(x)/(exp(2*x) + 1)", "(exp(x) + 1)/(exp(x) - 1)**2",
                        "1/(x*(log(x)**2 + 2))", "tanh(x)"}) {
    const ExprId f = P(s);
    const RischResult r = risch_integrate(pool, f, x);
    ASSERT_EQ(r.verdict, RischVerdict::Elementary) << s << ": " << r.reason;
    ASSERT_TRUE(r.antiderivative) << s;
    EXPECT_TRUE(check_antiderivative(pool, *r.antiderivative, f, x)) << s;
  }
}

TEST_F(RischTest, OutsideTheClassIsUndecided) {
  for (const char* s : {"exp(a*x)/x", "exp(x)*log(x)", "exp(exp(x))", "sin(x)/x", "sqrt(x)*exp(x)"}) {
    const RischResult r = risch_integrate(pool, P(s), x);
    EXPECT_EQ(r.verdict, RischVerdict::Undecided) << s;
    EXPECT_FALSE(r.antiderivative) << s;
  }
}

TEST_F(RischTest, IntegrateReportsTheProof) {
  IntegrateReport rep;
  EXPECT_FALSE(integrate(pool, P("-2*exp(x**2 + x)/(x + 1)"), x, {}, &rep));
  EXPECT_TRUE(rep.proved_nonelementary);
  IntegrateReport rep2;
  EXPECT_TRUE(integrate(pool, P("exp(x)/x"), x, {}, &rep2));  // Ei: the special-function answer
  EXPECT_FALSE(rep2.proved_nonelementary);
}

}  // namespace
