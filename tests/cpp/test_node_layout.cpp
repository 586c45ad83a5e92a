// The node's storage: a Number of 24 bytes (rationals boxed), a name of 8 (on the heap when there
// is one), the pool destroying only the nodes that own memory, and FLINT's scratch blocks kept per
// thread (flint_memory.cpp). Leaks and double frees here show under `make asan`.
#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "alkahest/pool.hpp"
#include "alkahest/poly.hpp"
#include "alkahest/print.hpp"

namespace alkahest {
namespace {

TEST(NodeLayout, NodesStaySmall) {
  // 80 bytes on LP64 (was 120 with the rational and the std::string inline); a regression guard.
  if (sizeof(void*) == 8) {
    EXPECT_LE(sizeof(Number), 24u);
    EXPECT_LE(sizeof(NodeName), 8u);
    EXPECT_LE(sizeof(Node), 80u);
  }
}

TEST(NodeLayout, BoxedRationalsCopyDeeply) {
  const Number q = Number::rational(mpz_class(-7), mpz_class(3));
  ASSERT_TRUE(q.is_rational());
  Number c = q;  // copy
  EXPECT_TRUE(c.identical(q));
  c = c + Number(1L);  // the copy changes, the original does not
  EXPECT_EQ(c.str(), "-4/3");
  EXPECT_EQ(q.str(), "-7/3");
  Number m = std::move(c);
  EXPECT_EQ(m.str(), "-4/3");
  c = q;  // a moved-from number can be assigned again
  EXPECT_TRUE(c.identical(q));
  c = Number(2.5);
  EXPECT_TRUE(c.is_float());
  c = Number::from_lowest_terms(mpq_class(5, 9));
  EXPECT_EQ(c.str(), "5/9");
  Number z;  // 0 without limbs
  EXPECT_TRUE(z.is_zero());
  EXPECT_FALSE(z.holds_memory());
  EXPECT_TRUE(q.holds_memory());
  EXPECT_FALSE(Number(0.5).holds_memory());
  EXPECT_TRUE(Number(12L).holds_memory());
}

TEST(NodeLayout, NamesReadAsStrings) {
  NodeName n;
  EXPECT_TRUE(n.empty());
  EXPECT_EQ(n.str(), "");
  n = std::string("alpha");
  NodeName m = n;
  EXPECT_EQ(m, "alpha");
  EXPECT_EQ("x" + m + "y", "xalphay");
  EXPECT_LT(NodeName("a"), NodeName("b"));
  EXPECT_EQ(NodeName("b").compare(NodeName("a")), 1);
  n = "";
  EXPECT_TRUE(n.empty());
  EXPECT_EQ(m.size(), 5u);
  const std::string& s = m;
  EXPECT_EQ(s, "alpha");
}

TEST(NodeLayout, PoolsOfEveryKindOfNodeGoAway) {
  // Every node that owns memory (big sums, numbers, rationals, names, objects) in one pool,
  // destroyed; under ASan a missed destructor is a leak and a wrong one a double free.
  for (int round = 0; round < 3; ++round) {
    ExprPool pool;
    std::vector<ExprId> terms;
    for (int i = 0; i < 40; ++i) {
      const ExprId s = pool.symbol("v" + std::to_string(i));
      terms.push_back(pool.mul(pool.number(Number::rational(mpz_class(i + 1), mpz_class(7))), s));
      terms.push_back(pool.pow(s, pool.number(Number(mpz_class("123456789012345678901234567890")))));
      terms.push_back(pool.mul(pool.number(Number(0.25 * i + 0.1)), s));
    }
    const ExprId big = pool.add(terms);
    EXPECT_GT(pool.node(big).args.size(), ArgVector::kInline);
    EXPECT_NO_THROW((void)to_string(pool, big));
  }
}

TEST(NodeLayout, FlintScratchAcrossThreads) {
  // Dense products large enough for FLINT's array method, on several threads at once: each
  // thread's kept blocks are its own; every result equals the serial one.
  auto run = [](int n) {
    ExprPool pool;
    const ExprId x = pool.symbol("x"), y = pool.symbol("y"), z = pool.symbol("z"), w = pool.symbol("w");
    const ExprId s = pool.add(std::vector<ExprId>{x, y, z, pool.mul(pool.integer(n), w)});
    const ExprId e = pool.pow(s, pool.integer(15));  // expand2's size: a dense array of ~256 KiB, kept
    const Node& r = pool.node(expand(pool, pool.mul(e, pool.add(e, w))));
    return std::to_string(r.hash) + "/" + std::to_string(r.args.size());  // hashes are structural
  };
  std::vector<std::string> want;
  for (int n = 1; n <= 4; ++n) want.push_back(run(n));
  std::vector<std::vector<std::string>> got(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&, t] {
      for (int r = 0; r < 2; ++r)
        for (int n = 1; n <= 4; ++n) got[t].push_back(run(n));
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < 4; ++t)
    for (int r = 0; r < 2; ++r)
      for (int n = 1; n <= 4; ++n) EXPECT_EQ(got[t][r * 4 + n - 1], want[n - 1]) << "thread " << t;
}

}  // namespace
}  // namespace alkahest
