// ArgVector (a node's argument list, five elements inline): every operation the kernel uses,
// checked against std::vector doing the same thing, across the switch from inline to heap storage.
#include <gtest/gtest.h>
#include <algorithm>

#include <random>
#include <vector>

#include "alkahest/arg_vector.hpp"
#include "alkahest/errors.hpp"
#include "alkahest/pool.hpp"

namespace alkahest {
namespace {

void expect_same(const ArgVector& a, const std::vector<ExprId>& v) {
  ASSERT_EQ(a.size(), v.size());
  EXPECT_EQ(a.empty(), v.empty());
  for (std::size_t i = 0; i < v.size(); ++i) EXPECT_EQ(a[i], v[i]) << "at " << i;
  EXPECT_EQ(std::vector<ExprId>(a), v);
}

TEST(ArgVector, StaysTheSizeOfAVector) {
  EXPECT_EQ(sizeof(ArgVector), sizeof(std::vector<ExprId>));
  ArgVector a{1, 2, 3, 4, 5};
  EXPECT_EQ(a.capacity(), ArgVector::kInline);  // five elements need no heap block
  a.push_back(6);
  EXPECT_GT(a.capacity(), ArgVector::kInline);
  expect_same(a, {1, 2, 3, 4, 5, 6});
}

TEST(ArgVector, RandomOperationsMatchStdVector) {
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    ArgVector a;
    std::vector<ExprId> v;
    for (int step = 0; step < 60; ++step) {
      const auto value = static_cast<ExprId>(rng() % 1000);
      switch (rng() % 11) {
        case 0: case 1: case 2:
          a.push_back(value);
          v.push_back(value);
          break;
        case 3:
          if (!v.empty()) {
            a.pop_back();
            v.pop_back();
          }
          break;
        case 4: {
          const std::size_t at = v.empty() ? 0 : rng() % (v.size() + 1);
          a.insert(a.begin() + at, value);
          v.insert(v.begin() + static_cast<std::ptrdiff_t>(at), value);
          break;
        }
        case 5: {  // insert of the vector's own elements (the source moves when it grows)
          const std::size_t at = v.empty() ? 0 : rng() % (v.size() + 1);
          const std::vector<ExprId> copy = v;
          a.insert(a.begin() + at, a.begin(), a.end());
          v.insert(v.begin() + static_cast<std::ptrdiff_t>(at), copy.begin(), copy.end());
          break;
        }
        case 6:
          if (!v.empty()) {
            const std::size_t first = rng() % v.size(), last = first + rng() % (v.size() - first + 1);
            a.erase(a.begin() + first, a.begin() + last);
            v.erase(v.begin() + static_cast<std::ptrdiff_t>(first), v.begin() + static_cast<std::ptrdiff_t>(last));
          }
          break;
        case 7: {
          const std::size_t n = rng() % 12;
          a.resize(n, value);
          v.resize(n, value);
          break;
        }
        case 8: {  // copies and moves keep the elements, whichever the storage
          ArgVector b = a;
          ArgVector c = std::move(b);
          EXPECT_TRUE(b.empty());
          a = c;
          ArgVector d;
          d = std::move(c);
          a.swap(d);
          break;
        }
        case 9: {
          std::vector<ExprId> w(rng() % 9, value);
          a = w;
          v = w;
          break;
        }
        default: {
          const std::vector<ExprId> reversed(v.rbegin(), v.rend());
          a.assign(v.rbegin(), v.rend());
          v = reversed;
          break;
        }
      }
      expect_same(a, v);
      if (::testing::Test::HasFailure()) return;
    }
  }
}

TEST(ArgVector, ComparesLikeAVector) {
  const ArgVector a{1, 2, 3}, b{1, 2, 3}, c{1, 2, 4}, d{1, 2, 3, 0, 0, 0, 0};
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  EXPECT_LT(a, c);
  EXPECT_LT(a, d);  // a prefix comes first
  EXPECT_NE(a, d);
}

TEST(ArgVector, NodesOfEveryArityIntern) {
  // Arguments inline and on the heap hash and compare alike, whichever route built them.
  ExprPool pool;
  std::vector<ExprId> syms;
  for (int i = 0; i < 12; ++i) syms.push_back(pool.symbol("s" + std::to_string(i)));
  for (std::size_t n = 2; n <= syms.size(); ++n) {
    const std::span<const ExprId> first(syms.data(), n);
    const ExprId s1 = pool.add(first), s2 = pool.add(std::vector<ExprId>(first.rbegin(), first.rend()));
    EXPECT_EQ(s1, s2);
    EXPECT_EQ(pool.node(s1).args.size(), n);
    EXPECT_EQ(pool.intern_compound(Kind::Add, pool.node(s1).args), s1);
  }
}

TEST(ArgVector, InternProductsMatchesMul) {
  // A polynomial's products interned in batches: each equal to the product built the ordinary
  // way, rows with leading or trailing pads, one-factor rows, rows of more than five factors
  // (arguments on the heap), more rows than a batch, and products that already exist.
  ExprPool pool;
  std::vector<ExprId> syms;
  for (int i = 0; i < 7; ++i) syms.push_back(pool.symbol("s" + std::to_string(i)));
  const ExprId pad = static_cast<ExprId>(-1);
  constexpr std::size_t width = 8;
  std::vector<ExprId> rows;
  std::vector<std::vector<ExprId>> want;
  for (int t = 0; t < 100; ++t) {
    std::vector<ExprId> f;
    const int n = 1 + t % 7;
    for (int k = 0; k < n; ++k) f.push_back(pool.pow(syms[static_cast<std::size_t>(k)], pool.integer(1 + (t + k) % 4)));
    if (t % 3 == 0 && f.size() > 1 && t % 2 == 0) f.erase(f.begin());
    std::sort(f.begin(), f.end(), [&](ExprId a, ExprId b) { return pool.compare(a, b) < 0; });
    if (t % 3 != 0) f.insert(f.begin(), pool.integer(t == 50 || t == 51 ? 7 : t - 50));  // not 0 or 1
    want.push_back(f);
    std::vector<ExprId> row(width, pad);
    std::copy(f.begin(), f.end(), row.begin() + (t % 3 == 0 ? 1 : 0));
    rows.insert(rows.end(), row.begin(), row.end());
  }
  const ExprId existing = pool.mul(want[5]);
  std::vector<ExprId> out(want.size());
  pool.reserve(want.size());
  pool.intern_products(rows, width, pad, out);
  for (std::size_t t = 0; t < want.size(); ++t) EXPECT_EQ(out[t], pool.mul(want[t])) << "row " << t;
  EXPECT_EQ(out[5], existing);
  std::vector<ExprId> again(want.size());
  const std::size_t size = pool.size();
  pool.intern_products(rows, width, pad, again);
  EXPECT_EQ(again, out);
  EXPECT_EQ(pool.size(), size);
  // Bad shapes are errors, not reads past the end.
  EXPECT_THROW(pool.intern_products(std::span<const ExprId>(rows.data(), 7), width, pad, std::span<ExprId>(out.data(), 1)),
               InvalidArgument);
  const std::vector<ExprId> pads(width, pad);
  EXPECT_THROW(pool.intern_products(pads, width, pad, std::span<ExprId>(out.data(), 1)), InvalidArgument);
}

TEST(ArgVector, FactsOfSetsAreUnionsOfSingleClasses) {
  // add_facts and mul_facts read split tables: for every pair of class sets the result's classes
  // must be the union over the pairs of single classes.
  for (unsigned as = 1; as < 256; ++as)
    for (unsigned bs = 1; bs < 256; ++bs) {
      std::uint8_t add = 0, mul = 0;
      for (unsigned i = 0; i < 8; ++i)
        for (unsigned j = 0; j < 8; ++j)
          if ((as >> i & 1) && (bs >> j & 1)) {
            const Facts a = Facts::only(static_cast<std::uint8_t>(1u << i)), b = Facts::only(static_cast<std::uint8_t>(1u << j));
            add |= add_facts(a, b).classes;
            mul |= mul_facts(a, b).classes;
          }
      const Facts a = Facts::only(static_cast<std::uint8_t>(as)), b = Facts::only(static_cast<std::uint8_t>(bs));
      ASSERT_EQ(add_facts(a, b).classes, add) << as << " + " << bs;
      ASSERT_EQ(mul_facts(a, b).classes, mul) << as << " * " << bs;
    }
}

}  // namespace
}  // namespace alkahest
