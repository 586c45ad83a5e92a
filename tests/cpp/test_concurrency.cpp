// Concurrency: threads sharing one ExprPool (building, differentiating, substituting, lowering and
// evaluating) get exactly what a serial run gets, and threads sharing one Program / Interpreter /
// JitFunction get the same bits as one thread. `make tsan` runs these under ThreadSanitizer.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <cstdint>
#include <latch>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <type_traits>
#include <unordered_map>
#include <vector>

#include "alkahest/alkahest.hpp"
#include "alkahest/interpreter.hpp"
#include "alkahest/jit.hpp"

using namespace alkahest;

namespace {

constexpr int kThreads = 8;
constexpr int kRounds = 3;

// Bit patterns, so that the comparison is exact (and NaN == NaN when the bits agree).
std::vector<std::uint64_t> bits(const std::vector<double>& v) {
  std::vector<std::uint64_t> b(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) b[i] = std::bit_cast<std::uint64_t>(v[i]);
  return b;
}

std::vector<std::uint32_t> bits(const std::vector<float>& v) {
  std::vector<std::uint32_t> b(v.size());
  for (std::size_t i = 0; i < v.size(); ++i) b[i] = std::bit_cast<std::uint32_t>(v[i]);
  return b;
}

// "" when equal, else where they first differ (gtest would print both vectors whole).
template <class T>
std::string first_difference(const std::vector<T>& got, const std::vector<T>& want) {
  if (got.size() != want.size())
    return "sizes differ: " + std::to_string(got.size()) + " vs " + std::to_string(want.size());
  for (std::size_t i = 0; i < got.size(); ++i)
    if (!(got[i] == want[i])) {
      std::string msg = "first difference at [" + std::to_string(i) + "]";
      if constexpr (std::is_same_v<T, std::string>) msg += ": '" + got[i] + "' vs '" + want[i] + "'";
      return msg;
    }
  return "";
}

std::vector<double> sample(std::size_t n, unsigned seed, double lo, double hi) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(lo, hi);
  std::vector<double> v(n);
  for (auto& e : v) e = u(rng);
  return v;
}

// Everything one unit of work produces that does not depend on node ids (which follow the
// interleaving): printed expressions, program hashes and listings, and evaluated numbers.
struct Outcome {
  std::vector<std::string> texts;
  std::vector<std::uint64_t> program_hashes;
  std::vector<std::uint64_t> values;  // bit patterns
  std::vector<ExprId> shared_ids;     // ids of the expressions every thread builds (same pool only)
};

// One unit of work for thread `t` in round `r`: some expressions every thread builds (contention on
// the same nodes), some only this thread builds, built both from text and through the API.
Outcome work(ExprPool& pool, int t, int r) {
  Outcome o;
  const int k = t * kRounds + r + 2;
  const ExprId x = pool.symbol("x"), y = pool.symbol("y");
  const ExprId kk = pool.integer(k);
  const std::string ks = std::to_string(k);
  std::vector<ExprId> exprs = {
      parse(pool, "sin(x)**2 + cos(x*y) - exp(-x*x/2)"),
      parse(pool, "log(1 + x*x)*tanh(y) + sqrt(1 + y*y) - atan2(y, x + 3)"),
      parse(pool, "sin(" + ks + "*x + y)**" + std::to_string(k % 5 + 1) + " + exp(-x/" + ks + ")*atan2(y, x + " +
                      ks + ")"),
      // the same shape through the constructors
      pool.add(pool.mul(kk, pool.func(Op::Sin, pool.mul(x, y))),
               pool.pow(pool.add(y, kk), pool.integer(k % 4 + 2))),
      pool.div(pool.func(Op::Exp, pool.neg(pool.mul(x, pool.number(Number::rational(1, k))))),
               pool.add(pool.integer(1), pool.pow(x, pool.integer(2)))),
      pool.add(pool.func(Op::Cosh, pool.sub(x, kk)), pool.sqrt(pool.add(pool.mul(x, x), pool.mul(y, y)))),
  };
  o.shared_ids = {exprs[0], exprs[1], x, y};
  // Derivatives (first and second), a gradient and a substitution of every expression.
  std::vector<ExprId> outputs;
  const ExprId vars[2] = {x, y};
  for (ExprId e : exprs) {
    const ExprId dx = diff(pool, e, x);
    const ExprId dxy = diff(pool, dx, y);
    const std::vector<ExprId> g = grad(pool, e, vars);
    const ExprId s = subs(pool, e, {{y, pool.add(x, kk)}});
    for (ExprId v : {e, dx, dxy, g[0], g[1], s}) {
      o.texts.push_back(to_string(pool, v));
      outputs.push_back(v);
    }
    o.values.push_back(std::bit_cast<std::uint64_t>(eval(pool, e, {{x, 0.75}, {y, 1.25}})));
  }
  // Lower all of them into one program and run it through the interpreter (and the JIT).
  const Program p = lower(pool, outputs, vars);
  o.program_hashes.push_back(p.hash());
  o.texts.push_back(p.str());
  const std::size_t n = 257;  // not a multiple of any vector width: the tail runs too
  const std::vector<double> xs = sample(n, 100 + k, 0.1, 3.0), ys = sample(n, 200 + k, 0.5, 2.0);
  const ArrayView views[2] = {{xs.data(), {1}}, {ys.data(), {1}}};
  const std::int64_t shape[1] = {static_cast<std::int64_t>(n)};
  std::vector<double> out(n * outputs.size());
  Interpreter interp(p);
  interp.run<double>(views, shape, out.data(), 1);
  for (std::uint64_t b : bits(out)) o.values.push_back(b);
  std::vector<double> point(outputs.size());
  const double at[2] = {xs[0], ys[0]};
  interp.call(at, point.data());
  for (std::uint64_t b : bits(point)) o.values.push_back(b);
  if (jit_available()) {
    JitFunction jit(p);
    std::vector<double> jout(out.size());
    jit.run<double>(views, shape, jout.data(), 1);
    EXPECT_EQ(first_difference(bits(jout), bits(out)), "") << "JIT and interpreter differ for thread " << t
                                                            << " round " << r;
  }
  return o;
}

TEST(Concurrency, SharedPoolMatchesSerialRun) {
  // Serial reference, in a pool of its own.
  ExprPool serial_pool;
  std::vector<std::vector<Outcome>> want(kThreads);
  for (int t = 0; t < kThreads; ++t)
    for (int r = 0; r < kRounds; ++r) want[t].push_back(work(serial_pool, t, r));

  ExprPool pool;
  std::vector<std::vector<Outcome>> got(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int r = 0; r < kRounds; ++r) got[t].push_back(work(pool, t, r));
    });
  for (auto& th : threads) th.join();

  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(got[t].size(), want[t].size());
    for (int r = 0; r < kRounds; ++r) {
      const Outcome& g = got[t][r];
      const Outcome& w = want[t][r];
      EXPECT_EQ(first_difference(g.texts, w.texts), "") << "thread " << t << " round " << r;
      EXPECT_EQ(g.program_hashes, w.program_hashes) << "thread " << t << " round " << r;
      EXPECT_EQ(first_difference(g.values, w.values), "") << "thread " << t << " round " << r;
      // Hash-consing under contention: every thread got the same nodes for the same expressions.
      EXPECT_EQ(g.shared_ids, got[0][0].shared_ids) << "thread " << t << " round " << r;
    }
  }
  // The same work interns the same set of nodes, whatever the interleaving.
  EXPECT_EQ(pool.size(), serial_pool.size());
}

TEST(Concurrency, ManyThreadsEvaluateOneProgram) {
  ExprPool pool;
  const ExprId x = pool.symbol("x"), y = pool.symbol("y");
  const ExprId outs[3] = {parse(pool, "exp(-x*x/2)*cos(3*x) + sqrt(1 + y*y)"),
                          parse(pool, "atan2(y, x) + log(1 + x*x)*tanh(y)"),
                          parse(pool, "x**y + gamma(y + 1)")};
  const ExprId vars[2] = {x, y};
  const Program program = lower(pool, outs, vars);
  const Interpreter interp(program);
  std::unique_ptr<JitFunction> jit;
  if (jit_available()) jit = std::make_unique<JitFunction>(program);
  constexpr std::int64_t kSplit = 1 << 16;  // two threads' worth (the driver's kMinPerThread is 2**15)

  // Per thread: its own inputs; a batch on one thread, a batch split over the worker pool (so the
  // pool serves several callers at once), a float32 batch, point calls.
  struct Result {
    std::vector<std::uint64_t> one, split, jit_one, jit_split, points;
    std::vector<float> f32;
  };
  auto run = [&](int t) {
    Result res;
    const std::vector<double> xs = sample(kSplit, 10 + t, 0.1, 3.0), ys = sample(kSplit, 50 + t, 0.5, 2.5);
    const ArrayView views[2] = {{xs.data(), {1}}, {ys.data(), {1}}};
    const std::int64_t shape[1] = {kSplit};
    std::vector<double> out(static_cast<std::size_t>(kSplit) * 3);
    interp.run<double>(views, shape, out.data(), 1);
    res.one = bits(out);
    interp.run<double>(views, shape, out.data(), 2);
    res.split = bits(out);
    if (jit) {
      jit->run<double>(views, shape, out.data(), 1);
      res.jit_one = bits(out);
      jit->run<double>(views, shape, out.data(), 2);
      res.jit_split = bits(out);
    }
    std::vector<float> xf(xs.begin(), xs.begin() + 1000), yf(ys.begin(), ys.begin() + 1000);
    const ArrayView fviews[2] = {{xf.data(), {1}}, {yf.data(), {1}}};
    const std::int64_t fshape[1] = {1000};
    res.f32.resize(3000);
    interp.run<float>(fviews, fshape, res.f32.data(), 1);
    std::vector<double> pts;
    for (int i = 0; i < 200; ++i) {
      const double at[2] = {xs[i], ys[i]};
      double o[3];
      interp.call(at, o);
      pts.insert(pts.end(), o, o + 3);
      if (jit) {
        jit->call(at, o);
        pts.insert(pts.end(), o, o + 3);
      }
    }
    res.points = bits(pts);
    return res;
  };

  std::vector<Result> want;
  for (int t = 0; t < kThreads; ++t) want.push_back(run(t));
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(first_difference(want[t].split, want[t].one), "") << "thread count changed the numbers";
    if (jit) {
      EXPECT_EQ(first_difference(want[t].jit_one, want[t].one), "") << "the JIT differs from the interpreter";
      EXPECT_EQ(first_difference(want[t].jit_split, want[t].one), "");
    }
  }

  std::vector<Result> got(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      for (int r = 0; r < 2; ++r) got[t] = run(t);
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(first_difference(got[t].one, want[t].one), "") << "thread " << t;
    EXPECT_EQ(first_difference(got[t].split, want[t].split), "") << "thread " << t;
    EXPECT_EQ(first_difference(got[t].jit_one, want[t].jit_one), "") << "thread " << t;
    EXPECT_EQ(first_difference(got[t].jit_split, want[t].jit_split), "") << "thread " << t;
    EXPECT_EQ(first_difference(got[t].points, want[t].points), "") << "thread " << t;
    EXPECT_EQ(first_difference(bits(got[t].f32), bits(want[t].f32)), "") << "thread " << t;
  }
}

TEST(Concurrency, ManyThreadsCompileTheSameAndDistinctKernels) {
  if (!jit_available()) GTEST_SKIP() << "built without LLVM";
  // The JIT's structural cache under contention: every thread asks for the same kernel and for one
  // of its own at once; each gets a working kernel with the interpreter's numbers.
  std::vector<Program> programs;
  ExprPool pool;
  const ExprId x = pool.symbol("x");
  const ExprId vars[1] = {x};
  for (int t = 0; t <= kThreads; ++t) {
    const ExprId e = parse(pool, "sin(x)*" + std::to_string(t + 1) + " + exp(-x*x)/" + std::to_string(t + 3));
    programs.push_back(lower(pool, std::span<const ExprId>(&e, 1), vars));
  }
  const std::vector<double> xs = sample(1000, 3, -3.0, 3.0);
  const ArrayView views[1] = {{xs.data(), {1}}};
  const std::int64_t shape[1] = {1000};
  std::vector<std::vector<std::uint64_t>> want;
  for (const Program& p : programs) {
    std::vector<double> out(1000);
    Interpreter(p).run<double>(views, shape, out.data(), 1);
    want.push_back(bits(out));
  }
  std::vector<std::vector<std::uint64_t>> got_shared(kThreads), got_own(kThreads);
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&, t] {
      start.arrive_and_wait();
      std::vector<double> out(1000);
      JitFunction shared(programs[kThreads]);
      shared.run<double>(views, shape, out.data(), 1);
      got_shared[t] = bits(out);
      JitFunction own(programs[t]);
      own.run<double>(views, shape, out.data(), 1);
      got_own[t] = bits(out);
    });
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) {
    EXPECT_EQ(first_difference(got_shared[t], want[kThreads]), "") << "thread " << t;
    EXPECT_EQ(first_difference(got_own[t], want[t]), "") << "thread " << t;
  }
}

}  // namespace
