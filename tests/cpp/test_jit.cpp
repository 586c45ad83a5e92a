// The LLVM JIT tier: bit-for-bit agreement with the interpreter on every op, both accuracies,
// float64 and float32, every tail length, strided and broadcast inputs, several outputs; the
// structural cache.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "alkahest/alkahest.hpp"
#include "alkahest/interpreter.hpp"
#include "alkahest/jit.hpp"

using namespace alkahest;

namespace {

struct Jit : ::testing::Test {
  ExprPool pool;
  ExprId x = pool.symbol("x"), y = pool.symbol("y");
  Program lower1(const char* s, std::vector<ExprId> vars) {
    const ExprId e = parse(pool, s);
    return lower(pool, std::span<const ExprId>(&e, 1), vars);
  }
  void SetUp() override {
    if (!jit_available()) GTEST_SKIP() << "built without LLVM";
  }
};

template <class T>
std::vector<T> sample(std::size_t n, unsigned seed, T lo, T hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  std::vector<T> v(n);
  for (auto& e : v) e = static_cast<T>(u(rng));
  const T specials[] = {T(0), -T(0), T(1), T(-1), T(0.5), std::numeric_limits<T>::infinity(),
                        -std::numeric_limits<T>::infinity(), std::numeric_limits<T>::quiet_NaN(), T(3),
                        T(-2.5), std::numeric_limits<T>::denorm_min(), T(1e30)};
  for (std::size_t i = 0; i < n && i < std::size(specials); ++i) v[i * 7 % n] = specials[i];
  return v;
}

template <class T>
bool same_bits(T a, T b) {
  if (std::isnan(a) && std::isnan(b)) return true;  // NaN payloads may differ
  return std::memcmp(&a, &b, sizeof(T)) == 0;
}

// Runs both tiers on contiguous inputs of length n and compares every output bit for bit.
template <class T>
void expect_same(const Program& p, Accuracy acc, std::size_t n, unsigned seed) {
  const Interpreter interp(p, acc);
  const JitFunction jit(p, acc);
  std::vector<std::vector<T>> data;
  std::vector<ArrayView> views;
  for (std::uint32_t k = 0; k < p.n_inputs; ++k) data.push_back(sample<T>(n, seed + k, T(-4), T(4)));
  for (auto& d : data) views.push_back(ArrayView{d.data(), {1}});
  const std::int64_t shape[1] = {static_cast<std::int64_t>(n)};
  const std::size_t n_out = p.outputs.size();
  std::vector<T> a(n * n_out, T(7)), b(n * n_out, T(9));
  interp.run<T>(views, shape, a.data(), 1);
  jit.run<T>(views, shape, b.data(), 1);
  for (std::size_t i = 0; i < a.size(); ++i)
    ASSERT_TRUE(same_bits(a[i], b[i])) << p.str() << "\nn=" << n << " element " << i << ": interp " << a[i]
                                       << " jit " << b[i] << " input " << data[0][i / n_out];
}

TEST_F(Jit, EveryOpEveryTailBothAccuraciesBothDtypes) {
  const char* exprs[] = {"sin(x)",   "cos(x)",  "tan(x)",   "sinh(x)",        "cosh(x)",        "tanh(x)",
                         "asin(x/4)", "acos(x/4)", "atan(x)", "atan2(x, y)",    "exp(x)",         "log(x)",
                         "abs(x)",   "sign(x)", "floor(x)", "ceiling(x)",     "erf(x)",         "erfc(x)",
                         "gamma(x)", "polygamma(1, x)",   "sqrt(x)", "x**y",           "x**(1/3)",       "1/x",
                         "x*y - x/y + 2*x**3 - y**-2"};
  for (const char* s : exprs) {
    const Program p = lower1(s, {x, y});
    for (Accuracy acc : {Accuracy::Default, Accuracy::High})
      for (std::size_t n : {1u, 2u, 3u, 5u, 8u, 15u, 16u, 17u, 100u}) {
        expect_same<double>(p, acc, n, static_cast<unsigned>(n));
        expect_same<float>(p, acc, n, static_cast<unsigned>(n) + 1);
      }
  }
}

// The calls of three and four arguments (a scalar call per lane with every operand), alone and
// with shared and compound arguments, both dtypes, every tail; point calls.
TEST_F(Jit, CallsOfThreeAndFourArguments) {
  const ExprId z = pool.symbol("z");
  for (const char* s : {"hyp2f1(x, y, z, x/5)", "hyp2f1(x/4, x/4, 1/3 + z*z, y/5) + x", "elliptic_pi(x/8, y, z/8)",
                        "elliptic_pi(y/8, x, y/8)*hyp2f1(1, 2, 3, z/5) - elliptic_pi(x/5, y, x/5)"}) {
    const Program p = lower1(s, {x, y, z});
    for (Accuracy acc : {Accuracy::Default, Accuracy::High})
      for (std::size_t n : {1u, 3u, 8u, 17u, 100u}) {
        expect_same<double>(p, acc, n, static_cast<unsigned>(n));
        expect_same<float>(p, acc, n, static_cast<unsigned>(n) + 1);
      }
    const Interpreter interp(p);
    const JitFunction jit(p);
    for (double v : {0.0, 0.3, -1.5, 2.0}) {
      const double in[3] = {v, 1.25, -0.5};
      double a = 0, b = 0;
      interp.call(in, &a);
      jit.call(in, &b);
      EXPECT_TRUE(same_bits(a, b)) << s << " at " << v;
    }
  }
}

TEST_F(Jit, LargeProgramSeveralOutputsAndPointCalls) {
  std::vector<ExprId> outs;
  ExprId w5 = pool.integer(0);
  for (int k = 1; k <= 50; ++k) {
    const ExprId kx = pool.mul(pool.integer(k), x);
    w5 = pool.add(w5, pool.mul(pool.mul(pool.func(Op::Sin, kx), pool.func(Op::Exp, pool.mul(pool.div(pool.integer(-1), pool.integer(100)), kx))),
                               pool.div(pool.integer(1), pool.integer(k))));
  }
  outs = {w5, parse(pool, "x*y + sin(x*y) + log(1 + y*y)"), parse(pool, "exp(-x*x/2)*cos(3*x) + sqrt(1 + x*x)")};
  const std::vector<ExprId> vars = {x, y};
  const Program p = lower(pool, outs, vars);
  for (std::size_t n : {1u, 4u, 7u, 1000u, 1003u}) expect_same<double>(p, Accuracy::Default, n, 3);
  const Interpreter interp(p);
  const JitFunction jit(p);
  for (double v : {0.0, 0.3, -1.5, 2.0}) {
    const double in[2] = {v, 1.25};
    double a[3], b[3];
    interp.call(in, a);
    jit.call(in, b);
    for (int k = 0; k < 3; ++k) EXPECT_TRUE(same_bits(a[k], b[k])) << k;
  }
}

TEST_F(Jit, StridedBroadcastAndThreads) {
  const Program p = lower1("sin(x)*y + x", {x, y});
  const Interpreter interp(p);
  const JitFunction jit(p);
  // x: a (3, 70000) view taken every other column of a (3, 140000) array; y: one value per row.
  const std::int64_t rows = 3, cols = 70000;
  std::vector<double> xs = sample<double>(static_cast<std::size_t>(rows * cols * 2), 5, -3.0, 3.0);
  std::vector<double> ys = {0.5, -2.0, 4.0};
  const ArrayView views[2] = {ArrayView{xs.data(), {cols * 2, 2}}, ArrayView{ys.data(), {1, 0}}};
  const std::int64_t shape[2] = {rows, cols};
  std::vector<double> a(static_cast<std::size_t>(rows * cols)), b(a.size()), c(a.size());
  interp.run<double>(views, shape, a.data(), 1);
  jit.run<double>(views, shape, b.data(), 1);
  jit.run<double>(views, shape, c.data(), 2);
  for (std::size_t i = 0; i < a.size(); ++i) {
    ASSERT_TRUE(same_bits(a[i], b[i])) << i;
    ASSERT_TRUE(same_bits(a[i], c[i])) << i;
  }
  const std::int64_t r = 2, col = 123;
  EXPECT_DOUBLE_EQ(b[static_cast<std::size_t>(r * cols + col)],
                   std::sin(xs[static_cast<std::size_t>(r * cols * 2 + col * 2)]) * ys[2] +
                       xs[static_cast<std::size_t>(r * cols * 2 + col * 2)]);
}

// Inputs whose data is not aligned like T (NumPy allows them; Dask ships such views): both tiers
// read them through memcpy (UBSan reports a misaligned read) with the same values as aligned
// copies, contiguous, strided and broadcast; a misaligned output is refused.
template <class T>
void misaligned_inputs(const Program& p) {
  const Interpreter interp(p);
  const JitFunction jit(p);
  const std::size_t n = 1000;
  const std::vector<T> xs = sample<T>(n, 11, T(-3), T(3)), ys = sample<T>(n, 12, T(-3), T(3));
  std::vector<unsigned char> raw(2 * n * sizeof(T) + 2 * sizeof(T) + 1);
  unsigned char* mx = raw.data() + 1;  // odd addresses
  unsigned char* my = mx + n * sizeof(T) + sizeof(T);
  std::memcpy(mx, xs.data(), n * sizeof(T));
  std::memcpy(my, ys.data(), n * sizeof(T));
  const std::int64_t shape[1] = {static_cast<std::int64_t>(n)}, half[1] = {static_cast<std::int64_t>(n / 2)};
  const ArrayView aligned[2] = {ArrayView{xs.data(), {1}}, ArrayView{ys.data(), {1}}};
  const ArrayView odd[2] = {ArrayView{mx, {1}}, ArrayView{my, {1}}};
  const ArrayView aligned_strided[2] = {ArrayView{xs.data(), {2}}, ArrayView{ys.data(), {0}}};
  const ArrayView odd_strided[2] = {ArrayView{mx, {2}}, ArrayView{my, {0}}};
  std::vector<T> want(n), got(n);
  for (int tier = 0; tier < 2; ++tier) {
    auto run = [&](std::span<const ArrayView> v, std::span<const std::int64_t> sh, T* out) {
      if (tier == 0)
        interp.run<T>(v, sh, out, 1);
      else
        jit.run<T>(v, sh, out, 1);
    };
    run(aligned, shape, want.data());
    run(odd, shape, got.data());
    for (std::size_t i = 0; i < n; ++i) ASSERT_TRUE(same_bits(want[i], got[i])) << "tier " << tier << " " << i;
    run(aligned_strided, half, want.data());
    run(odd_strided, half, got.data());
    for (std::size_t i = 0; i < n / 2; ++i) ASSERT_TRUE(same_bits(want[i], got[i])) << "tier " << tier << " " << i;
    EXPECT_THROW(run(aligned, shape, reinterpret_cast<T*>(mx)), InvalidArgument);
  }
}

TEST_F(Jit, MisalignedInputsAreReadMisalignedOutputRefused) {
  const Program p = lower1("sin(x)*y + x", {x, y});
  misaligned_inputs<double>(p);
  misaligned_inputs<float>(p);
}

TEST_F(Jit, EmptyAndZeroDimensional) {
  const Program p = lower1("x + 1", {x});
  const JitFunction jit(p);
  double v = 2.0, o = 0;
  const ArrayView views[1] = {ArrayView{&v, {}}};
  jit.run<double>(views, std::span<const std::int64_t>(), &o, 1);
  EXPECT_EQ(o, 3.0);
  const std::int64_t empty[1] = {0};
  const ArrayView ev[1] = {ArrayView{nullptr, {1}}};
  jit.run<double>(ev, empty, &o, 1);  // nothing to do, nothing read
  EXPECT_THROW(jit.run<double>(std::span<const ArrayView>(), empty, &o, 1), InvalidArgument);
}

TEST_F(Jit, SameStructureCompilesOnce) {
  const Program p = lower1("sin(x)**2 + x*7.25 + cos(x)", {x});
  const JitStats before = jit_stats();
  const JitFunction a(p);
  const JitStats mid = jit_stats();
  EXPECT_EQ(mid.compiled, before.compiled + 1);
  ExprPool other;  // a different pool, same structure: still a cache hit
  const ExprId ox = other.symbol("x");
  const ExprId e = parse(other, "sin(x)**2 + x*7.25 + cos(x)");
  const JitFunction b(lower(other, std::span<const ExprId>(&e, 1), std::vector<ExprId>{ox}));
  const JitStats after = jit_stats();
  EXPECT_EQ(after.compiled, mid.compiled);
  EXPECT_EQ(after.cache_hits, mid.cache_hits + 1);
  // A different constant is a different program.
  const JitFunction c(lower1("sin(x)**2 + x*7.5 + cos(x)", {x}));
  EXPECT_EQ(jit_stats().compiled, after.compiled + 1);
  EXPECT_NE(a.ir().find("alkahest.vm.d.0.sin"), std::string::npos);
  // The kernel realigns its frame, so 64-byte vector spills are aligned in every process.
  EXPECT_NE(a.ir().find("stackrealign"), std::string::npos);
  EXPECT_NE(jit_description().find("LLVM"), std::string::npos);
}

}  // namespace

// backend="auto"'s size guard: compile once the interpreter has spent about as long as the compile
// is estimated to take (3.5 ms + 20 us per instruction, growing past tens of thousands of
// instructions, against 0.2 ns per instruction per element: src/exec/jit.cpp): millions of
// elements for short programs, about 120,000 for long ones, never past kAutoJitMaxInstructions
// (where a compile takes seconds to minutes and gigabytes).
TEST(AutoJit, ThresholdFollowsTheCostModelAndStopsAtTheCap) {
  ExprPool pool;
  const ExprId x = pool.symbol("x");
  auto program_of = [&](int levels) {
    ExprId e = x;
    for (int i = 0; i < levels; ++i) e = pool.add(pool.func(Op::Sin, e), pool.number(Number(static_cast<long>(i))));
    return lower(pool, std::span<const ExprId>(&e, 1), std::span<const ExprId>(&x, 1));
  };
  auto model = [](std::size_t n) {
    const double m = static_cast<double>(n);
    return (3.5e-3 + 20e-6 * m * (1.0 + m / 50'000.0)) / (0.2e-9 * m);
  };
  const Program tiny = program_of(1), medium = program_of(5'000), huge = program_of(30'000);
  EXPECT_LT(tiny.code.size(), 10u);
  EXPECT_NEAR(static_cast<double>(auto_jit_elements(tiny)), model(tiny.code.size()), 2.0);
  EXPECT_GT(auto_jit_elements(tiny), 1'000'000u);
  ASSERT_GT(medium.code.size(), 10'000u);
  ASSERT_LT(medium.code.size(), kAutoJitMaxInstructions);
  EXPECT_NEAR(static_cast<double>(auto_jit_elements(medium)), model(medium.code.size()), 2.0);
  EXPECT_GT(auto_jit_elements(medium), 110'000u);
  EXPECT_LT(auto_jit_elements(medium), 140'000u);
  ASSERT_GT(huge.code.size(), kAutoJitMaxInstructions);
  EXPECT_EQ(auto_jit_elements(huge), 0u);
}
