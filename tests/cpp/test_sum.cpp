// Summation (src/sum): closed forms compared with direct sums in the kernel's exact arithmetic.
#include <gtest/gtest.h>

#include "alkahest/alkahest.hpp"

using namespace alkahest;

TEST(Summation, ClosedFormsAgreeWithDirectSums) {
  ExprPool pool;
  const ExprId k = pool.symbol("k"), n = pool.symbol("n");
  for (const char* s : {"k**3", "k*2**k", "1/(k*(k + 2))", "k**2 - 3*k + 1"}) {
    const ExprId t = parse(pool, s);
    auto S = summation(pool, t, k, pool.integer(1), n);
    ASSERT_TRUE(S) << s;
    ExprId direct = pool.integer(0);
    for (long j = 1; j <= 12; ++j) {
      direct = pool.add(direct, subs(pool, t, {{k, pool.integer(j)}}));
      EXPECT_EQ(subs(pool, *S, {{n, pool.integer(j)}}), direct) << s << " at n = " << j;
    }
  }
  EXPECT_FALSE(summation(pool, parse(pool, "1/k"), k, pool.integer(1), n));
  EXPECT_FALSE(summation(pool, parse(pool, "1/k**2"), k, pool.integer(1), pool.constant(Constant::Infinity)));
  EXPECT_EQ(*summation(pool, parse(pool, "1/(k*(k + 1))"), k, pool.integer(1), pool.constant(Constant::Infinity)),
            pool.integer(1));
}
