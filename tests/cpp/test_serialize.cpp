// The DAG byte format (alkahest/serialize.hpp) and the cost of building sums term by term.
#include <gtest/gtest.h>

#include <cmath>
#include <string>

#include "alkahest/alkahest.hpp"

using namespace alkahest;

namespace {

std::size_t distinct(const ExprPool& pool, ExprId root) {
  std::unordered_set<ExprId> seen;
  std::vector<ExprId> stack{root};
  while (!stack.empty()) {
    const ExprId id = stack.back();
    stack.pop_back();
    if (!seen.insert(id).second) continue;
    for (ExprId a : pool.node(id).args) stack.push_back(a);
  }
  return seen.size();
}

TEST(Serialize, SharedDagIsLinearAndRoundTrips) {
  ExprPool pool;
  const ExprId x = pool.symbol("x");
  ExprId e = x;
  for (int i = 0; i < 40; ++i) e = pool.add(pool.func(Op::Sin, e), pool.func(Op::Cos, e));
  DagWriter w(pool);
  const ExprId roots[] = {e, x};
  const std::string bytes = w.write(roots);
  EXPECT_LT(bytes.size(), 8 * distinct(pool, e));
  ExprPool other;
  DagReader r(other);
  const auto back = r.read(bytes);
  ASSERT_EQ(back.size(), 2u);
  EXPECT_EQ(to_string(other, back[1]), "x");
  EXPECT_EQ(distinct(other, back[0]), distinct(pool, e));
  EXPECT_EQ(other.node(back[0]).hash, pool.node(e).hash);  // structural hashes are process-independent
  // Written again from the copy: the same bytes.
  DagWriter w2(other);
  const ExprId roots2[] = {back[0], back[1]};
  EXPECT_EQ(w2.write(roots2), bytes);
}

TEST(Serialize, NumbersExactly) {
  ExprPool pool;
  const ExprId x = pool.symbol("x");
  const Number big = Number::integer_from_string("-123456789012345678901234567890123456789");
  const ExprId parts[] = {pool.number(big), pool.number(Number::rational(-7, 3)), pool.number(Number(-0.0)),
                          pool.number(Number(INFINITY)), pool.number(Number(NAN)), pool.number(Number(1e-310)), x};
  DagWriter w(pool);
  const std::string bytes = w.write(parts);
  ExprPool other;
  DagReader r(other);
  const auto back = r.read(bytes);
  ASSERT_EQ(back.size(), std::size(parts));
  for (std::size_t i = 0; i < back.size(); ++i) {
    EXPECT_EQ(other.node(back[i]).hash, pool.node(parts[i]).hash) << i;
    if (other.node(back[i]).kind == Kind::Number) {
      EXPECT_TRUE(other.node(back[i]).number.identical(pool.node(parts[i]).number)) << i;
    }
  }
}

TEST(Serialize, ChunksBuildOnEachOther) {
  ExprPool pool;
  const ExprId x = pool.symbol("x"), y = pool.symbol("y");
  const ExprId a = pool.func(Op::Sin, pool.add(x, y));
  const ExprId b = pool.mul(a, pool.integer(3));
  DagWriter w(pool);
  const std::string first = w.write(std::span<const ExprId>(&a, 1));
  const std::string second = w.write(std::span<const ExprId>(&b, 1));
  EXPECT_LE(second.size(), 19u);  // only 3 and the product are new (header 6, records 11, roots 2)
  ExprPool other;
  DagReader r(other);
  r.read(first);
  EXPECT_EQ(to_string(other, r.read(second)[0]), "3*sin(x + y)");
  DagReader fresh(other);
  EXPECT_THROW(fresh.read(second), InvalidArgument);  // its base was not read
  EXPECT_EQ(fresh.count(), 0u);
  EXPECT_EQ(r.prefix(2).count(), 2u);
  EXPECT_THROW(r.prefix(r.count() + 1), InvalidArgument);
}

TEST(Serialize, EveryTruncationIsAnError) {
  ExprPool pool;
  const ExprId x = pool.symbol("x");
  const ExprId e = pool.add(pool.func(Op::Atan2, std::vector<ExprId>{x, pool.integer(2)}),
                            pool.pow(x, pool.number(Number::rational(1, 3))));
  DagWriter w(pool);
  const std::string bytes = w.write(std::span<const ExprId>(&e, 1));
  for (std::size_t n = 0; n < bytes.size(); ++n) {
    ExprPool other;
    DagReader r(other);
    EXPECT_THROW(r.read(std::string_view(bytes).substr(0, n)), InvalidArgument) << n;
  }
}

TEST(BuildCost, AddingOneTermCostsLogComparisons) {
  ExprPool pool;
  std::vector<ExprId> syms;
  for (int i = 0; i < 2000; ++i) syms.push_back(pool.symbol("v" + std::to_string((i * 7919) % 2000)));
  ExprId s = syms[0];
  const std::uint64_t before = ExprPool::compare_count();
  for (std::size_t i = 1; i < syms.size(); ++i) s = pool.add(s, syms[i]);
  const std::uint64_t used = ExprPool::compare_count() - before;
  EXPECT_LT(used, 3u * 2000u * 11u);  // re-sorting each step would be about 2e7
  EXPECT_EQ(s, pool.add(syms));
  ExprId p = syms[0];
  const std::uint64_t before_mul = ExprPool::compare_count();
  for (std::size_t i = 1; i < syms.size(); ++i) p = pool.mul(p, syms[i]);
  EXPECT_LT(ExprPool::compare_count() - before_mul, 3u * 2000u * 11u);
  EXPECT_EQ(p, pool.mul(syms));
}

}  // namespace
