// Polynomial layer (src/poly): every result checked by an independent route (multiply back,
// divide back, values at exact points through the kernel's own arithmetic).
#include <gtest/gtest.h>

#include <random>

#include "alkahest/alkahest.hpp"

using namespace alkahest;

namespace {

struct PolyTest : ::testing::Test {
  ExprPool pool;
  ExprId x = pool.symbol("x"), y = pool.symbol("y"), z = pool.symbol("z");
  ExprId P(const char* s) { return parse(pool, s); }
  ExprId n(long v) { return pool.integer(v); }
  ExprId zero() { return pool.integer(0); }
  // A sum rebuilt term by term through ExprPool::mul and ExprPool::add, which sort for themselves.
  ExprId rebuilt(ExprId sum) {
    std::vector<ExprId> terms;
    for (ExprId t : pool.node(sum).args) {
      const Node& tn = pool.node(t);
      terms.push_back(tn.kind == Kind::Mul ? pool.mul(std::vector<ExprId>(tn.args.begin(), tn.args.end())) : t);
    }
    return pool.add(terms);
  }
};

TEST_F(PolyTest, ExpandIsCanonical) {
  const ExprId a = expand(pool, P("(x + y)**3 * (x - y)"));
  const ExprId b = expand(pool, P("(x - y)*(x + y)*(x**2 + 2*x*y + y**2)"));
  EXPECT_EQ(a, b);
  EXPECT_EQ(a, P("x**4 + 2*x**3*y - 2*x*y**3 - y**4"));
  EXPECT_EQ(expand(pool, P("(2*x + 1/3)**2")), P("4*x**2 + 4/3*x + 1/9"));
}

// expand builds its result directly in canonical order (packed monomial keys sorted by radix, or
// rows of keys when many variables or high degrees do not fit a word). Rebuilt term by term through
// ExprPool::mul and ExprPool::add, which sort for themselves, it must be the same node: random
// products in 1..14 symbols (packed and unpacked keys), degrees past 64, big and rational
// coefficients, with and without a constant term.
TEST_F(PolyTest, ExpandOrderEqualsTheKernelsOrder) {
  std::mt19937_64 rng(20261203);
  std::vector<ExprId> syms;
  for (int k = 0; k < 14; ++k) syms.push_back(pool.symbol("v" + std::to_string((k * 7) % 14)));
  for (int round = 0; round < 60; ++round) {
    const std::size_t nsym = 1 + rng() % syms.size();
    auto random_poly = [&](int nterms) {
      std::vector<ExprId> terms;
      for (int t = 0; t < nterms; ++t) {
        std::vector<ExprId> f;
        const int kind = static_cast<int>(rng() % 4);
        if (kind == 0) f.push_back(pool.number(Number(mpz_class(mpz_class("123456789012345678901234567") * static_cast<long>(rng() % 5 + 1)))));
        else if (kind == 1) f.push_back(pool.number(Number::rational(mpz_class(static_cast<long>(rng() % 9) - 4), mpz_class(static_cast<long>(rng() % 5 + 1)))));
        else f.push_back(pool.integer(static_cast<long>(rng() % 7) - 3));
        const int nf = static_cast<int>(rng() % 3);
        for (int j = 0; j < nf; ++j) {
          const long e = (round % 5 == 0) ? static_cast<long>(rng() % 90) : static_cast<long>(rng() % 4 + 1);
          f.push_back(pool.pow(syms[rng() % nsym], pool.integer(e)));
        }
        terms.push_back(pool.mul(f));
      }
      return pool.add(terms);
    };
    const ExprId e = pool.mul(random_poly(1 + static_cast<int>(rng() % 5)), random_poly(1 + static_cast<int>(rng() % 5)));
    const ExprId r = expand(pool, e);
    // The value, by an independent route: every symbol replaced by a distinct rational, the
    // unexpanded product and the expansion must be the same number.
    std::unordered_map<ExprId, ExprId> at;
    for (std::size_t k = 0; k < syms.size(); ++k)
      at[syms[k]] = pool.number(Number::rational(mpz_class(static_cast<long>(k) + 2), mpz_class(static_cast<long>(k % 3) + 1)));
    EXPECT_EQ(subs(pool, r, at), subs(pool, e, at)) << to_string(pool, e);
    const Node& n = pool.node(r);
    if (n.kind != Kind::Add) continue;
    EXPECT_EQ(rebuilt(r), r) << to_string(pool, e);
  }
}

// Wide exponents. Keys that fit a word but leave no room for the term's index beside them (two
// symbols with exponents near 2**28: a degree bound of 30 bits, 64 bits of key), so the keys are
// compared instead of radix sorted; and three symbols with exponents near 2**18, whose codes no
// longer fit a word (rows of codes). Same checks as above.
TEST_F(PolyTest, ExpandOrderWithWideExponents) {
  std::mt19937_64 rng(3);
  const ExprId syms[3] = {pool.symbol("a"), pool.symbol("b"), pool.symbol("c")};
  for (int round = 0; round < 20; ++round) {
    const bool two = round % 2 == 0;
    const long base = two ? (1L << 27) : 200000, spread = two ? (1L << 26) : 60000;
    const std::size_t nsyms = two ? 2 : 3;
    auto random_poly = [&] {
      std::vector<ExprId> terms;
      for (int t = 0; t < 6; ++t) {
        std::vector<ExprId> f{pool.integer(static_cast<long>(rng() % 9) + 1)};
        for (std::size_t k = 0; k < nsyms; ++k)
          if (rng() % 4 != 0) f.push_back(pool.pow(syms[k], pool.integer(base + static_cast<long>(rng() % static_cast<unsigned long>(spread)))));
        terms.push_back(pool.mul(f));
      }
      return pool.add(terms);
    };
    const ExprId e = pool.mul(random_poly(), random_poly());
    const ExprId r = expand(pool, e);
    // The value, by another route: the expansion read back into FLINT term by term equals the
    // product FLINT computes from the unexpanded input (powers this large are not evaluated).
    const std::vector<ExprId> gens(syms, syms + nsyms);
    EXPECT_TRUE(Poly(pool, r, gens) == Poly(pool, e, gens)) << "the expansion is another polynomial";
    ASSERT_EQ(pool.node(r).kind, Kind::Add);
    EXPECT_GE(pool.node(r).args.size(), 9u);
    EXPECT_EQ(rebuilt(r), r) << to_string(pool, e);
  }
}

// The second layout for certain: ten symbols with exponents past 64 need 12-bit codes, 120 bits
// of key, so each term keeps a row of codes. The value is checked by substitution and the order
// as above.
TEST_F(PolyTest, ExpandOrderWithRowsOfCodes) {
  std::vector<ExprId> syms, first, second;
  std::unordered_map<ExprId, ExprId> at;
  for (long k = 0; k < 10; ++k) {
    syms.push_back(pool.symbol("r" + std::to_string(k)));
    first.push_back(pool.mul(pool.integer(k + 1), pool.pow(syms.back(), pool.integer(k % 2 ? 3 : 70 + k))));
    second.push_back(pool.pow(syms.back(), pool.integer(k % 3 ? 65 - k : 1)));
    at[syms.back()] = pool.number(Number::rational(mpz_class(k + 2), mpz_class(k % 2 + 1)));
  }
  first.push_back(pool.integer(1));
  second.push_back(pool.integer(-2));
  const ExprId e = pool.mul(pool.add(first), pool.add(second));
  const ExprId r = expand(pool, e);
  ASSERT_EQ(pool.node(r).kind, Kind::Add);
  EXPECT_EQ(pool.node(r).args.size(), 121u);
  EXPECT_EQ(subs(pool, r, at), subs(pool, e, at));
  EXPECT_EQ(rebuilt(r), r);
}

// A sum of eight or more monomials is read term by term (Converter::monomial_sum); anything else
// in it (a denominator, a float, a nested sum) sends it down the general walk. Both routes must
// give the same polynomial: each sum here is checked against the same sum with its terms grouped
// into two halves (a nested sum always takes the general walk).
TEST_F(PolyTest, SumsOfMonomialsReadLikeAnySum) {
  const char* sums[] = {
      "x**3 + 2*x**2*y + 3/7*x*y**2 - y**3 + x + y + z + 5",
      "exp(2*x) + 3*exp(x) + x*exp(x) + exp(3*x)*y + y**2 + y + 1 + x",
      "x**(3/2) + sqrt(x) + x + x**2*sqrt(x) + y + y**2 + 2 + y*sqrt(x)",
      "1/x + x + x**2 + y + y/x + 3 + x*y + y**2",
      "x + 1.5*y + x**2 + y**2 + x*y + 2 + y**3 + x**3",
      "(x + 1)**2 + x + y + x*y + 3 + y**2 + x**3 + z",
  };
  for (const char* text : sums) {
    const ExprId e = P(text);
    const Node& n = pool.node(e);
    ASSERT_EQ(n.kind, Kind::Add) << text;
    const std::size_t half = n.args.size() / 2;
    const ExprId a = pool.add(std::vector<ExprId>(n.args.begin(), n.args.begin() + static_cast<std::ptrdiff_t>(half)));
    const ExprId b = pool.add(std::vector<ExprId>(n.args.begin() + static_cast<std::ptrdiff_t>(half), n.args.end()));
    Node grouped(Kind::Add);
    grouped.args = {a, b};
    const ExprId g = pool.intern(std::move(grouped));  // kept nested on purpose
    // The result, or the error (floats are refused by the exact algorithms on either route).
    auto outcome = [&](auto f) -> std::string {
      try {
        return to_string(pool, f());
      } catch (const std::exception& err) {
        return std::string("error: ") + err.what();
      }
    };
    EXPECT_EQ(outcome([&] { return cancel(pool, e); }), outcome([&] { return cancel(pool, g); })) << text;
    EXPECT_EQ(outcome([&] { return expand(pool, e); }), outcome([&] { return expand(pool, g); })) << text;
    const ExprId sq = expand(pool, pool.mul(e, e));
    EXPECT_EQ(outcome([&] { return gcd(pool, sq, e); }), outcome([&] { return gcd(pool, sq, g); })) << text;
  }
}

TEST_F(PolyTest, ExpandNormalisesGenerators) {
  // sqrt(x) and x**(3/2) share x**(1/2); exp(2*x) and exp(x) share exp(x).
  EXPECT_EQ(expand(pool, P("(sqrt(x) + 1)**3")), P("x**(3/2) + 3*x + 3*sqrt(x) + 1"));
  EXPECT_EQ(expand(pool, P("(exp(x) + 1)**2")), P("exp(2*x) + 2*exp(x) + 1"));
  EXPECT_EQ(expand(pool, P("(sin(y) + x)*(sin(y) - x)")), P("sin(y)**2 - x**2"));
  const auto gens = generators(pool, P("x**3 + sqrt(x) + exp(2*y) + exp(y)"));
  ASSERT_EQ(gens.size(), 2u);
  EXPECT_EQ(gens[0], P("sqrt(x)"));
  EXPECT_EQ(gens[1], P("exp(y)"));
}

TEST_F(PolyTest, ExpandDeepAndDenominators) {
  EXPECT_EQ(expand(pool, P("sin((x + 1)**2)"), true), P("sin(x**2 + 2*x + 1)"));
  EXPECT_EQ(expand(pool, P("sin((x + 1)**2)"), false), P("sin((x + 1)**2)"));
  EXPECT_EQ(expand(pool, P("(x + 2)/(x + 1)**2")), P("x/(x**2 + 2*x + 1) + 2/(x**2 + 2*x + 1)"));
}

TEST_F(PolyTest, ExpandFloatsAreRoundedExactResults) {
  const ExprId e = expand(pool, P("(0.1*x + 1)**2"));
  // 0.1 is the double nearest 1/10: the exact square of it rounded once.
  EXPECT_EQ(e, P("0.010000000000000002*x**2 + 0.2*x + 1.0"));
}

TEST_F(PolyTest, FactorMultipliesBack) {
  const ExprId p = expand(pool, P("-6*(x + y)**2*(x - 2*y)*(x**2 + y**2 + 1)"));
  const FactorList f = factor_list(pool, p);
  EXPECT_EQ(f.coeff.str(), "-6");
  ASSERT_EQ(f.factors.size(), 3u);
  std::vector<ExprId> prod{pool.number(f.coeff)};
  for (auto& [b, k] : f.factors) prod.push_back(pool.pow(b, n(k)));
  EXPECT_EQ(expand(pool, pool.mul(prod)), p);
  EXPECT_EQ(expand(pool, factor(pool, p)), p);
}

TEST_F(PolyTest, SquareFreeMergesEqualMultiplicities) {
  const FactorList f = sqf_list(pool, expand(pool, P("(x - 1)**2*(x + 1)**2*(x + 3)")));
  ASSERT_EQ(f.factors.size(), 2u);
  EXPECT_EQ(f.factors[0].first, P("x + 3"));
  EXPECT_EQ(f.factors[1].first, P("x**2 - 1"));
  EXPECT_EQ(f.factors[1].second, 2);
}

TEST_F(PolyTest, GcdLcmDivide) {
  const ExprId a = expand(pool, P("(x + y)**2*(x - 3)")), b = expand(pool, P("(x + y)*(x + 3)*(x - 3)"));
  const ExprId g = gcd(pool, a, b);
  EXPECT_EQ(g, expand(pool, P("(x + y)*(x - 3)")));
  EXPECT_EQ(rem(pool, a, g), zero());
  EXPECT_EQ(rem(pool, b, g), zero());
  EXPECT_EQ(expand(pool, pool.mul(g, lcm(pool, a, b))), expand(pool, pool.mul(a, b)));
  EXPECT_EQ(gcd(pool, P("2*x + 2"), P("4*x + 4")), P("2*x + 2"));
}

TEST_F(PolyTest, DivisionWithRemainder) {
  const QuoRem qr = div(pool, P("x**3 + 2*x + 1"), P("x**2 + 1"));
  EXPECT_EQ(qr.quotient, x);
  EXPECT_EQ(qr.remainder, P("x + 1"));
  EXPECT_THROW(div(pool, x, zero()), DivisionByZero);
  EXPECT_THROW(div(pool, x, P("x - x")), DivisionByZero);
}

TEST_F(PolyTest, ResultantDiscriminant) {
  EXPECT_EQ(resultant(pool, P("x**2 + y"), P("x - y"), x), P("y**2 + y"));
  EXPECT_EQ(discriminant(pool, P("3*x**2 + y*x + 5"), x), P("y**2 - 60"));
}

TEST_F(PolyTest, CancelTogetherApartAreTheSameFunction) {
  const ExprId e = P("(x**2 - 1)/(x**2 + 2*x + 1) + 1/(x - 2)");
  const ExprId c = cancel(pool, e), t = together(pool, e), a = apart(pool, e, x);
  for (long v : {3L, 5L, -7L}) {
    std::unordered_map<ExprId, ExprId> at{{x, n(v)}};
    const ExprId want = subs(pool, e, at);
    EXPECT_EQ(subs(pool, c, at), want);
    EXPECT_EQ(subs(pool, t, at), want);
    EXPECT_EQ(subs(pool, a, at), want);
  }
  EXPECT_EQ(cancel(pool, P("(x**2 - 1)/(x + 1)")), P("x - 1"));
  EXPECT_EQ(apart(pool, P("1/(x**2 - 1)"), x), P("(x - 1)**-1/2 - (x + 1)**-1/2"));
  // Repeated and irreducible quadratic factors.
  EXPECT_EQ(apart(pool, P("(x + 2)/((x - 1)**2*(x**2 + 1))"), x),
            apart(pool, cancel(pool, P("3/(2*(x - 1)**2) - 1/(x - 1) + (2*x - 1)/(2*(x**2 + 1))")), x));
}

TEST_F(PolyTest, CollectHorner) {
  EXPECT_EQ(collect(pool, P("a*x**2 + b*x**2 + a*x - b*x + 1"), x), P("x**2*(a + b) + x*(a - b) + 1"));
  const ExprId h = horner(pool, P("x**3 + 2*x**2 + 3*x + 4"), std::vector<ExprId>{x});
  EXPECT_EQ(h, P("x*(x*(x + 2) + 3) + 4"));
}

TEST_F(PolyTest, RealRootsIsolateOnePerInterval) {
  const auto r = real_roots(pool, P("(x - 1)**2*(x**2 - 2)*(x**2 + 1)"), x);
  ASSERT_EQ(r.size(), 3u);
  EXPECT_TRUE(r[0].hi < r[1].lo && r[1].hi < r[2].lo);
  EXPECT_EQ(r[1].lo, mpq_class(1));
  EXPECT_EQ(r[1].multiplicity, 2);
  EXPECT_TRUE(r[2].lo * r[2].lo < 2 && r[2].hi * r[2].hi > 2);  // sqrt(2) inside
  const auto z = nroots(pool, P("x**4 + 1"), x, 30);
  ASSERT_EQ(z.size(), 4u);
  EXPECT_NEAR(z[0].re_value, -0.7071067811865476, 1e-15);
  EXPECT_EQ(z[0].re.substr(0, 20), "-0.70710678118654752");
}

TEST_F(PolyTest, PolyArithmetic) {
  Poly p(pool, P("x**2*y + 3*x - 1"), {x, y});
  EXPECT_EQ(p.domain(), Poly::Domain::ZZ);
  EXPECT_EQ(p.degree(0), 2);
  EXPECT_EQ(p.degree(1), 1);
  EXPECT_EQ(p.leading_coeff().str(), "1");
  Poly d(pool, P("x - 1"), {x, y});
  auto [q, r] = p.divmod(d);
  EXPECT_TRUE(q * d + r == p);
  EXPECT_EQ((p * p).as_expr(), expand(pool, pool.pow(p.as_expr(), n(2))));
  EXPECT_EQ(p.pow(3).as_expr(), expand(pool, pool.pow(p.as_expr(), n(3))));
  EXPECT_THROW(Poly(pool, P("x/2"), {x}, Poly::Domain::ZZ), InvalidArgument);
  EXPECT_THROW(Poly(pool, P("x*y"), {x}, Poly::Domain::ZZ), InvalidArgument);
  EXPECT_THROW(Poly(pool, P("1/x"), {x}), InvalidArgument);
  EXPECT_THROW(Poly(pool, P("x*sin(x)"), {x}), InvalidArgument);
}

TEST_F(PolyTest, PolyWithCoefficientGenerators) {
  const ExprId a = pool.symbol("a"), b = pool.symbol("b"), c = pool.symbol("c");
  Poly p(pool, P("a*x**2 + b*x + c"), {x});
  EXPECT_EQ(p.domain(), Poly::Domain::ZZ_poly);
  EXPECT_EQ(p.domain_str(), "ZZ[a,b,c]");
  EXPECT_EQ(p.coeff_gens(), (std::vector<ExprId>{a, b, c}));
  EXPECT_EQ(p.degree(0), 2);
  EXPECT_EQ(p.total_degree(), 2);
  EXPECT_EQ(p.LC(), a);
  const auto ts = p.coeff_terms();
  ASSERT_EQ(ts.size(), 3u);
  EXPECT_EQ(ts[1].second, b);
  EXPECT_EQ(ts[2].second, c);
  EXPECT_EQ(p.eval(0, n(3)), P("9*a + 3*b + c"));
  EXPECT_THROW(p.terms(), InvalidArgument);
  // over QQ(a, b, c): f = q*g + r, checked through the Exprs with cancel
  Poly g(pool, P("a*x + 1"), {x});
  auto [q, r] = p.divmod(g);
  EXPECT_EQ(q.domain(), Poly::Domain::QQ_frac);
  EXPECT_TRUE(q * g + r == p);
  EXPECT_LE(r.degree(0), 0);
  EXPECT_EQ(cancel(pool, pool.add(pool.mul(q.as_expr(), g.as_expr()), pool.sub(r.as_expr(), p.as_expr()))), zero());
  // gcd over ZZ[a] and over QQ(a, b)
  Poly u(pool, P("a*(x + a)*(x - 1)"), {x}), v(pool, P("a*(x + a)*(x + 2)"), {x});
  EXPECT_EQ(u.gcd(v).as_expr(), P("a*x + a**2"));
  Poly uf(pool, P("a*(x + a)*(x - 1)/(b + 1)"), {x});
  EXPECT_EQ(uf.domain(), Poly::Domain::QQ_frac);
  EXPECT_EQ(uf.gcd(v).as_expr(), P("x + a"));
  // the coefficient generators given
  const ExprId cg[] = {b, a};
  Poly e(pool, P("a*x + b"), {x}, std::vector<ExprId>(std::begin(cg), std::end(cg)), std::nullopt);
  EXPECT_EQ(e.domain_str(), "ZZ[b,a]");
  EXPECT_THROW(Poly(pool, P("a*x + c"), {x}, std::vector<ExprId>{a}, std::nullopt), InvalidArgument);
  EXPECT_THROW(Poly(pool, P("x/a"), {x}, std::vector<ExprId>{a}, Poly::Domain::ZZ_poly), InvalidArgument);
}

TEST_F(PolyTest, CoefficientsIn) {
  auto cs = coefficients_in(pool, P("(a*x + sin(b))**2 + x/c + 1/(a + 1)"), x);
  ASSERT_TRUE(cs.has_value());
  ASSERT_EQ(cs->size(), 3u);
  EXPECT_EQ((*cs)[0], expand(pool, P("sin(b)**2 + 1/(a + 1)")));
  EXPECT_EQ((*cs)[1], expand(pool, P("2*a*sin(b) + 1/c")));
  EXPECT_EQ((*cs)[2], P("a**2"));
  // the coefficients reassemble the expanded input
  std::vector<ExprId> terms;
  for (std::size_t k = 0; k < cs->size(); ++k) terms.push_back(pool.mul((*cs)[k], pool.pow(x, n(static_cast<long>(k)))));
  EXPECT_EQ(expand(pool, pool.add(terms)), expand(pool, P("(a*x + sin(b))**2 + x/c + 1/(a + 1)")));
  EXPECT_EQ(coefficients_in(pool, zero(), x)->size(), 0u);
  EXPECT_EQ(coefficients_in(pool, P("y"), x)->size(), 1u);
  EXPECT_FALSE(coefficients_in(pool, P("sin(x)*x"), x).has_value());
  EXPECT_FALSE(coefficients_in(pool, P("1/x + 1"), x).has_value());
  EXPECT_FALSE(coefficients_in(pool, P("sqrt(x)"), x).has_value());
  EXPECT_FALSE(coefficients_in(pool, P("x/(x + 1)"), x).has_value());
  EXPECT_FALSE(coefficients_in(pool, P("exp(2*x)"), x).has_value());
  EXPECT_FALSE(coefficients_in(pool, P("(x + 1)**70"), x, 64).has_value());
  auto f = coefficients_in(pool, P("0.5*x**2 + y"), x);
  ASSERT_TRUE(f.has_value());
  EXPECT_EQ((*f)[2], pool.number(Number(0.5)));
}

TEST_F(PolyTest, GroebnerReducedBasis) {
  const ExprId ps[] = {P("x**2 + y"), P("x*y - 1")};
  const ExprId gs[] = {x, y};
  auto lex = groebner(pool, ps, gs, MonomialOrder::Lex);
  ASSERT_EQ(lex.size(), 2u);
  EXPECT_EQ(lex[0], P("x + y**2"));
  EXPECT_EQ(lex[1], P("y**3 + 1"));
  // Every input reduces to zero modulo the basis (it lies in the ideal the basis generates).
  for (ExprId p : ps) {
    ExprId r = p;
    for (int pass = 0; pass < 3; ++pass)
      for (ExprId g : lex) r = rem(pool, r, g, gs);
    EXPECT_EQ(r, zero());
  }
  const ExprId inconsistent[] = {P("x*y - z"), P("x**2 - y"), P("y**2 - x*z + 1")};
  const ExprId gs3[] = {x, y, z};
  auto one = groebner(pool, inconsistent, gs3);
  ASSERT_EQ(one.size(), 1u);
  EXPECT_EQ(one[0], n(1));
  const ExprId big[] = {P("x**30 - y"), P("y - 1")};
  EXPECT_THROW(groebner(pool, big, gs), PolyLimitError);
}

TEST_F(PolyTest, BudgetsRefuseBeforeFlint) {
  EXPECT_THROW(expand(pool, P("(x + y + z + 1)**100000")), PolyLimitError);
  EXPECT_THROW(expand(pool, P("(x + 1)**1000000000")), PolyLimitError);
  EXPECT_THROW(expand(pool, P("x**(2**40)")), PolyLimitError);
  EXPECT_THROW(factor(pool, P("x**5000 - 1")), PolyLimitError);
  EXPECT_THROW(real_roots(pool, P("x**3000 - 2"), x), PolyLimitError);
  EXPECT_THROW(factor(pool, P("0.5*x + 1")), InvalidArgument);
  EXPECT_THROW(gcd(pool, P("x**0.5"), x), InvalidArgument);
  EXPECT_THROW(real_roots(pool, zero(), x), InvalidArgument);
  EXPECT_THROW(real_roots(pool, P("x*y + 1"), x), InvalidArgument);
  EXPECT_THROW(cancel(pool, P("1/(x**2 - (x - 1)*(x + 1) - 1)")), DivisionByZero);
}

}  // namespace
