// The e-graph optimizer (src/compile/egraph.hpp): union-find, congruence, rules, extraction.
#include <gtest/gtest.h>

#include <bit>
#include <cmath>
#include <random>

#include "alkahest/alkahest.hpp"
#include "alkahest/interpreter.hpp"
#include "compile/egraph.hpp"

using namespace alkahest;
using namespace alkahest::egraph;

namespace {

TEST(EGraph, HashConsingMakesEqualNodesOneClass) {
  EGraph g;
  const ClassId x = g.input(0), y = g.input(1);
  const ClassId a = g.binary(PCode::Add, x, y);
  const ClassId b = g.binary(PCode::Add, x, y);
  EXPECT_EQ(a, b);
  EXPECT_NE(g.binary(PCode::Add, y, x), a);  // commutativity is a rule, not built in
  EXPECT_EQ(g.constant(2.0, 2.0f), g.constant(2.0, 2.0f));
  EXPECT_NE(g.constant(0.0, 0.0f), g.constant(-0.0, -0.0f));  // constants by their bits
  EXPECT_EQ(g.class_count(), 7u);  // x, y, x + y, y + x, 2, 0, -0
}

TEST(EGraph, UnionFind) {
  EGraph g;
  const ClassId a = g.input(0), b = g.input(1), c = g.input(2);
  EXPECT_FALSE(g.merge(a, a));
  EXPECT_TRUE(g.merge(a, b));
  EXPECT_EQ(g.find(a), g.find(b));
  EXPECT_NE(g.find(a), g.find(c));
  EXPECT_TRUE(g.merge(c, b));
  EXPECT_EQ(g.find(a), g.find(c));
  EXPECT_FALSE(g.merge(a, c));
  g.rebuild();
  EXPECT_EQ(g.class_count(), 1u);
  EXPECT_EQ(g.nodes(a).size(), 3u);
}

TEST(EGraph, RebuildRestoresCongruence) {
  // f(a) and f(b) become one class once a = b; and then g(f(a)) and g(f(b)) too.
  EGraph g;
  const ClassId a = g.input(0), b = g.input(1);
  const ClassId fa = g.unary(PCode::Sqrt, a), fb = g.unary(PCode::Sqrt, b);
  const ClassId gfa = g.unary(PCode::Neg, fa), gfb = g.unary(PCode::Neg, fb);
  EXPECT_NE(g.find(fa), g.find(fb));
  g.merge(a, b);
  EXPECT_EQ(g.rebuild(), 2u);
  EXPECT_EQ(g.find(fa), g.find(fb));
  EXPECT_EQ(g.find(gfa), g.find(gfb));
  EXPECT_EQ(g.class_count(), 3u);
  EXPECT_EQ(g.nodes(fa).size(), 1u);  // the two sqrt nodes are one node now
}

TEST(EGraph, PatternsParseAndReject) {
  std::vector<std::string> vars;
  const Pattern p = parse_pattern("(add ?a (neg ?b))", vars);
  EXPECT_EQ(vars.size(), 2u);
  EXPECT_EQ(p.code, PCode::Add);
  EXPECT_EQ(p.kids[1].code, PCode::Neg);
  EXPECT_EQ(parse_pattern("(sin ?u)", vars).op, Op::Sin);
  EXPECT_EQ(parse_pattern("-0.0", vars).kind, Pattern::Kind::Literal);
  EXPECT_THROW(parse_pattern("(add ?a)", vars), InvalidArgument);           // arity
  EXPECT_THROW(parse_pattern("(frobnicate ?a)", vars), InvalidArgument);    // head
  EXPECT_THROW(parse_pattern("(add ?a ?b", vars), InvalidArgument);         // unclosed
  EXPECT_THROW(parse_pattern("(add ?a ?b) ?c", vars), InvalidArgument);     // trailing
  EXPECT_THROW(rule("bad", "(neg ?a)", "(add ?a ?b)"), InvalidArgument);   // unbound rhs variable
}

TEST(EGraph, MatchBindsVariablesConsistently) {
  EGraph g;
  const ClassId x = g.input(0), y = g.input(1);
  const ClassId xx = g.binary(PCode::Mul, x, x);
  const ClassId xy = g.binary(PCode::Mul, x, y);
  std::vector<std::string> vars;
  const Pattern square = parse_pattern("(mul ?a ?a)", vars);
  EXPECT_EQ(match(g, square, xx, vars.size(), 10).size(), 1u);
  EXPECT_EQ(match(g, square, xy, vars.size(), 10).size(), 0u);
  std::vector<std::string> v2;
  const Pattern times_one = parse_pattern("(mul ?a 1)", v2);
  const ClassId x1 = g.binary(PCode::Mul, x, g.constant(1.0, 1.0f));
  const ClassId xm0 = g.binary(PCode::Mul, x, g.constant(1.0, 1.0000001f));  // not 1 as a float
  EXPECT_EQ(match(g, times_one, x1, v2.size(), 10).size(), 1u);
  EXPECT_EQ(match(g, times_one, xm0, v2.size(), 10).size(), 0u);
}

TEST(EGraph, RewriteApplicationAndSaturation) {
  EGraph g;
  const ClassId x = g.input(0), y = g.input(1);
  const ClassId a = g.binary(PCode::Add, x, y), b = g.binary(PCode::Add, y, x);
  const ClassId n = g.unary(PCode::Neg, g.unary(PCode::Neg, x));
  std::vector<Rule> rules{rule("comm", "(add ?a ?b)", "(add ?b ?a)"), rule("nn", "(neg (neg ?a))", "?a")};
  const RunReport r = run(g, rules, RunLimits{});
  EXPECT_EQ(r.stop, "saturated");
  EXPECT_EQ(g.find(a), g.find(b));
  EXPECT_EQ(g.find(n), g.find(x));
  EXPECT_EQ(r.value_changing, 0u);
}

TEST(EGraph, BudgetsStopTheRounds) {
  // Associativity and commutativity on a long sum: the e-graph grows exponentially.
  EGraph g;
  ClassId acc = g.input(0);
  for (std::uint32_t i = 1; i < 40; ++i) acc = g.binary(PCode::Add, acc, g.input(i));
  RunLimits limits;
  limits.max_nodes = 3000;
  // The node budget is under test: the time budget out of its way (under the sanitizers on a busy
  // machine the default half second ran out first).
  limits.max_seconds = 600;
  const RunReport r = run(g, fast_rules(), limits);
  EXPECT_EQ(r.stop, "nodes");
  EXPECT_LT(g.node_count(), 3000u + 3000u);  // one round's additions past the check at most
  RunLimits few;
  few.max_iterations = 2;
  EGraph h;
  ClassId s = h.input(0);
  for (std::uint32_t i = 1; i < 6; ++i) s = h.binary(PCode::Add, s, h.input(i));
  EXPECT_LE(run(h, fast_rules(), few).iterations, 2u);
}

TEST(EGraph, ConstantFoldingInBothPrecisions) {
  EGraph g;
  // 0.1 + 0.2: the double and the float sums are each the kernels' own results.
  const ClassId s = g.binary(PCode::Add, g.constant(0.1, 0.1f), g.constant(0.2, 0.2f));
  run(g, exact_rules(), RunLimits{});
  const auto k = g.constant_of(s);
  ASSERT_TRUE(k.has_value());
  EXPECT_EQ(std::bit_cast<std::uint64_t>(k->first), std::bit_cast<std::uint64_t>(0.1 + 0.2));
  volatile float a = 0.1f, b = 0.2f;
  EXPECT_EQ(std::bit_cast<std::uint32_t>(k->second), std::bit_cast<std::uint32_t>(static_cast<float>(a + b)));
}

TEST(EGraph, ExtractionPicksTheCheapestForm) {
  // x / 4 -> x * 0.25 (a multiplication is cheaper than a division, same result).
  EGraph g;
  const ClassId x = g.input(0);
  const ClassId q = g.binary(PCode::Div, x, g.constant(4.0, 4.0f));
  const ClassId t = g.binary(PCode::Div, x, g.constant(3.0, 3.0f));  // 1/3 is not exact: stays a division
  run(g, exact_rules(), RunLimits{});
  const std::vector<ClassId> outs{q, t};
  const auto p = extract(g, outs, 1);
  ASSERT_TRUE(p.has_value());
  int muls = 0, divs = 0;
  for (const Instr& in : p->code) {
    muls += in.code == PCode::Mul;
    divs += in.code == PCode::Div;
  }
  EXPECT_EQ(muls, 1);
  EXPECT_EQ(divs, 1);
}

struct Optimizer : ::testing::Test {
  ExprPool pool;
  ExprId x = pool.symbol("x"), y = pool.symbol("y"), z = pool.symbol("z");
  Program lower1(const char* s, std::vector<ExprId> vars) {
    const ExprId e = parse(pool, s);
    return lower(pool, std::span<const ExprId>(&e, 1), vars);
  }
  static std::vector<double> eval(const Program& p, const std::vector<double>& in) {
    Interpreter it(p, Accuracy::Default);
    std::vector<double> out(p.outputs.size());
    it.call(in.data(), out.data());
    return out;
  }
};

TEST_F(Optimizer, SharesInstructionsAndKeepsBits) {
  // Both products start with 2*x (lowering computes it twice); the optimizer computes it once.
  const std::vector<ExprId> vars{x, y, z};
  const ExprId e[2] = {parse(pool, "2*x*y"), parse(pool, "2*x*z")};
  const Program p = lower(pool, e, vars);
  OptimizeReport r;
  const Program q = optimize(p, {Optimize::Exact}, &r);
  EXPECT_TRUE(r.applied);
  EXPECT_LT(r.ops_after, r.ops_before);
  EXPECT_EQ(program_op_count(q), r.ops_after);
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> u(-3, 3);
  for (int i = 0; i < 200; ++i) {
    const std::vector<double> in{u(rng), u(rng), u(rng)};
    const auto a = eval(p, in), b = eval(q, in);
    for (std::size_t k = 0; k < a.size(); ++k)
      EXPECT_EQ(std::bit_cast<std::uint64_t>(a[k]), std::bit_cast<std::uint64_t>(b[k]));
  }
}

TEST_F(Optimizer, NeverMoreExpensive) {
  for (const char* s : {"x", "x + 1", "sin(x)", "x*y + z", "exp(x)/(1 + x**2)", "Max(x, y)"}) {
    const Program p = lower1(s, {x, y, z});
    for (Optimize m : {Optimize::Exact, Optimize::Fast}) {
      OptimizeReport r;
      const Program q = optimize(p, {m}, &r);
      EXPECT_LE(program_cost(q), program_cost(p)) << s;
      EXPECT_LE(program_op_count(q), program_op_count(p)) << s;
      EXPECT_LE(program_depth(q), program_depth(p)) << s;
      if (!r.applied) {
        EXPECT_EQ(q.hash(), p.hash()) << s;
      }
    }
  }
}

TEST_F(Optimizer, KeepsTheOrderOfTheOriginal) {
  // exp(x) + sin(x*y + x*y) * 1, computed exp first. The rewrite drops the * 1; the right operand
  // of the sum needs more registers (Sethi-Ullman), which alone would put sin before exp. The
  // optimized Program computes its values in the original's order (the JIT's speed depends on it:
  // docs/benchmarks.md), so exp stays first.
  Program p;
  p.n_inputs = 2;
  p.constants = {1.0};
  p.constants_f32 = {1.0f};
  p.code = {
      {PCode::Input, Op::Count_, 0, 0, 0, 0, 0},
      {PCode::Input, Op::Count_, 1, 0, 0, 1, 0},
      {PCode::Func, Op::Exp, 2, 0, 0, 0, 0},
      {PCode::Mul, Op::Count_, 3, 0, 1, 0, 0},
      {PCode::Mul, Op::Count_, 4, 0, 1, 0, 0},
      {PCode::Add, Op::Count_, 5, 3, 4, 0, 0},
      {PCode::Func, Op::Sin, 6, 5, 0, 0, 0},
      {PCode::Const, Op::Count_, 7, 0, 0, 0, 0},
      {PCode::Mul, Op::Count_, 8, 6, 7, 0, 0},
      {PCode::Add, Op::Count_, 9, 2, 8, 0, 0},
  };
  p.n_regs = 10;
  p.outputs = {9};
  OptimizeReport r;
  const Program q = optimize(p, {Optimize::Exact}, &r);
  ASSERT_TRUE(r.applied);
  EXPECT_EQ(r.ops_after, r.ops_before - 2);  // one x*y, no * 1
  std::vector<Op> calls;
  for (const Instr& in : q.code)
    if (in.code == PCode::Func) calls.push_back(in.op);
  EXPECT_EQ(calls, (std::vector<Op>{Op::Exp, Op::Sin}));
  for (double v : {-1.5, 0.3, 2.0}) {
    const auto a = eval(p, {v, 0.7}), b = eval(q, {v, 0.7});
    EXPECT_EQ(std::bit_cast<std::uint64_t>(a[0]), std::bit_cast<std::uint64_t>(b[0]));
  }
}

TEST_F(Optimizer, SinSquaredPlusCosSquared) {
  const Program p = lower1("sin(x)**2 + cos(x)**2 + y", {x, y});
  OptimizeReport r;
  const Program q = optimize(p, {Optimize::Exact}, &r);
  EXPECT_TRUE(r.applied);
  EXPECT_GT(r.value_changing, 0u);
  EXPECT_EQ(eval(q, {0.7, 0.25})[0], 1.25);
  EXPECT_TRUE(std::isnan(eval(q, {INFINITY, 0.25})[0]));  // sin(inf) is NaN: so is the optimized form
  EXPECT_TRUE(std::isnan(eval(q, {NAN, 0.25})[0]));
}

// Calls of three and four arguments are e-nodes with three and four kids: equal calls are one
// class, extraction writes every operand back, and the values stay bit for bit.
TEST_F(Optimizer, CallsOfThreeAndFourArguments) {
  const std::vector<ExprId> vars{x, y, z};
  const ExprId e[2] = {parse(pool, "hyp2f1(2*x, y, 3, z/4)*2*x + elliptic_pi(x/8, y, z/8)"),
                       parse(pool, "hyp2f1(2*x, y, 3, z/4)*y + 2*x")};
  const Program p = lower(pool, e, vars);
  for (Optimize m : {Optimize::Exact, Optimize::Fast}) {
    OptimizeReport r;
    const Program q = optimize(p, {m}, &r);
    EXPECT_LE(program_cost(q), program_cost(p));
    int calls = 0;
    for (const Instr& in : q.code) calls += in.code == PCode::Func && in.op == Op::Hyp2f1;
    EXPECT_EQ(calls, 1) << q.str();
    if (m == Optimize::Fast) continue;
    std::mt19937_64 rng(3);
    std::uniform_real_distribution<double> u(-1, 1);
    for (int i = 0; i < 100; ++i) {
      const std::vector<double> in{u(rng), u(rng), u(rng)};
      const auto a = eval(p, in), b = eval(q, in);
      for (std::size_t k = 0; k < a.size(); ++k)
        EXPECT_EQ(std::bit_cast<std::uint64_t>(a[k]), std::bit_cast<std::uint64_t>(b[k])) << q.str();
    }
  }
}

TEST_F(Optimizer, FastModeFactorsAPolynomial) {
  // 1 + 2x + 3x^2 + 4x^3 + 5x^4 as lowered (powers then products) against what "fast" finds
  // (seeded with Horner's and Estrin's forms): fewer operations, no longer a critical path.
  const Program p = lower1("1 + 2*x + 3*x**2 + 4*x**3 + 5*x**4", {x});
  const ExprId e = parse(pool, "1 + 2*x + 3*x**2 + 4*x**3 + 5*x**4");
  const std::vector<ExprId> vars{x};
  OptimizeReport r;
  const Program q = lower_optimized(pool, std::span<const ExprId>(&e, 1), vars, {Optimize::Fast}, &r);
  EXPECT_TRUE(r.applied);
  EXPECT_LT(r.ops_after, r.ops_before);
  EXPECT_LT(program_op_count(q), program_op_count(p));
  EXPECT_LE(program_depth(q), program_depth(p));
  for (double v : {-1.5, -0.3, 0.0, 0.8, 2.0}) {
    const double exact = 1 + v * (2 + v * (3 + v * (4 + 5 * v)));
    const double scale = 1 + 2 * std::fabs(v) + 3 * v * v + 4 * std::fabs(v * v * v) + 5 * v * v * v * v;
    EXPECT_LE(std::fabs(eval(q, {v})[0] - exact), 20 * 0x1p-52 * scale) << v;
  }
}

}  // namespace
