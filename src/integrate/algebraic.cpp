// Algebraic integrands (integrator.hpp's `algebraic`; only integrands without functions of x),
// each method exact as an identity between analytic functions, so that no branch of a radical is
// assumed:
//   radical_groups   a sum whose terms carry different radicals: each group of terms with the
//                    same radical on its own;
//   sqrt_quadratic   R(x, s) with s**2 = Q quadratic (s = sqrt(Q), or sqrt(L1)*sqrt(L2) for linear
//                    L1, L2): R = P(x) + T(x)/s; P by the rational algorithms; T/s by an ansatz
//                    (U s)' + sum W_i/(F_i s) + lambda/s (a linear solve), the logarithmic parts in
//                    closed forms whose derivatives are rational in x and s (log/atan of
//                    expressions in s: atan(x/sqrt(a**2 - x**2)), never asin(x/a));
//   euler_power      x +- sqrt(x**2 + b x + c) inside powers with symbolic or fractional exponents
//                    and nested radicals: t = x +- sqrt(...) (Euler's first substitution), the
//                    whole node becoming t;
//   chebyshev        x**m (a + b x**n)**(r/q) in Chebyshev's integrable cases: (m+1)/n integer
//                    (t = (a + b x**n)**(1/q)) or (m+1)/n + r/q integer (t = (a x**-n + b)**(1/q),
//                    the answer times the locally constant (a + b x**n)**p/(x**(n p) t**r));
//   perfect_powers   radicands with a repeated factor or a denominator, Q = P**q M (M a
//                    polynomial): Q**(p/q) = k P**p M**(p/q) where k = Q**(1/q)/(P M**(1/q)) is
//                    locally constant (a root of unity), so k times the integral of the rest is an
//                    antiderivative;
//   pseudo_elliptic  R(x)/P**(m/n), n <= 4 (sqrt(P): deg P = 3 or 4): u = p(x)/P**(m/n) for a few
//                    small p; when f/u' = g(u**n) is rational in u**n, the integral is that of
//                    g(u) du.
// The top-level answer is checked by differentiation at random real and complex points
// (integrate.cpp), so a formula that holds only on part of the plane is not returned.
#include <functional>
#include <unordered_set>

#include "alkahest/matrix.hpp"
#include "alkahest/poly.hpp"
#include "integrate/integrator.hpp"

namespace alkahest::integrate_detail {

namespace {

std::optional<Number> exact_number(const ExprPool& pool, ExprId e) {
  const Node& n = pool.node(e);
  if (n.kind != Kind::Number || !n.number.is_exact()) return std::nullopt;
  return n.number;
}

std::vector<ExprId> distinct_nodes(const ExprPool& pool, ExprId e) {
  std::vector<ExprId> out;
  std::unordered_set<ExprId> seen;
  std::vector<ExprId> stack{e};
  while (!stack.empty()) {
    ExprId id = stack.back();
    stack.pop_back();
    if (!seen.insert(id).second) continue;
    out.push_back(id);
    for (ExprId a : pool.node(id).args) stack.push_back(a);
  }
  return out;
}

// Whether e is visibly positive for real values of its symbols: positive numbers, pi, E, even
// powers, symbols assumed positive, and sums and products of such.
bool looks_positive(const ExprPool& pool, ExprId e) {
  const Node& n = pool.node(e);
  switch (n.kind) {
    case Kind::Number: return n.number.is_exact() && n.number.sign() > 0;
    case Kind::Constant: return pool.is_constant(e, Constant::Pi) || pool.is_constant(e, Constant::E);
    case Kind::Symbol: return is_positive(n.facts) == true;
    case Kind::Pow: {
      const Node& k = pool.node(n.args[1]);
      if (k.kind == Kind::Number && k.number.is_integer() && mpz_even_p(k.number.integer().get_mpz_t())) return true;
      return looks_positive(pool, n.args[0]);
    }
    case Kind::Add:
    case Kind::Mul:
      for (ExprId a : n.args)
        if (!looks_positive(pool, a)) return false;
      return true;
    default: return false;
  }
}

bool looks_negative(ExprPool& pool, ExprId e) {
  if (auto v = exact_number(pool, e)) return v->sign() < 0;
  return looks_positive(pool, expand(pool, pool.neg(e)));
}

// The factors of a product that are radicals in x (powers of an x-dependent base to a
// non-integer or symbolic exponent) and the others.
std::pair<std::vector<ExprId>, std::vector<ExprId>> split_radicals(Integrator& in, const std::vector<ExprId>& fs,
                                                                  ExprId x) {
  std::vector<ExprId> rad, rest;
  for (ExprId g : fs) {
    const Node& gn = in.pool.node(g);
    bool radical = false;
    if (gn.kind == Kind::Pow && in.has(gn.args[0], x)) {
      auto k = exact_number(in.pool, gn.args[1]);
      radical = !k || !k->is_integer();
    }
    (radical ? rad : rest).push_back(g);
  }
  return {rad, rest};
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// R(x, s), s**2 = Q of degree 1 or 2.

namespace {

struct SqrtForm {
  ExprPool& pool;
  Integrator& in;
  ExprId x, S, Q;        // S: the symbol standing for s
  std::vector<ExprId> qc;  // coefficients of Q
  long degQ = 0;

  ExprId Qp() { return in.d(Q, x); }

  // integral of 1/((x - r) S).
  Opt over_linear(ExprId r) {
    const ExprId y = in.sub(x, r);
    const ExprId C = cancel(pool, subs(pool, Q, {{x, r}}));
    const ExprId B = cancel(pool, subs(pool, Qp(), {{x, r}}));
    if (C == pool.integer(0)) {
      if (B == pool.integer(0)) return std::nullopt;
      return pool.neg(in.div(in.mul(in.num(2), S), in.mul(B, y)));
    }
    const ExprId lin = in.add(in.mul(in.num(2), C), in.mul(B, y));
    if (looks_negative(pool, C)) {
      const ExprId m = pool.sqrt(pool.neg(C));
      return in.div(in.fn(Op::Atan, in.div(lin, in.mul(in.num(2), in.mul(m, S)))), m);
    }
    const ExprId m = pool.sqrt(C);
    return pool.neg(in.div(in.fn(Op::Log, in.div(in.add(lin, in.mul(in.num(2), in.mul(m, S))), y)), m));
  }

  // integral of 1/S (deg Q = 2).
  ExprId inverse() {
    const ExprId A = qc[2];
    if (looks_negative(pool, A)) {
      const ExprId m = pool.sqrt(pool.neg(A));
      return pool.neg(in.div(in.fn(Op::Atan, in.div(Qp(), in.mul(in.num(2), in.mul(m, S)))), m));
    }
    const ExprId m = pool.sqrt(A);
    return in.div(in.fn(Op::Log, in.add(in.mul(in.num(2), in.mul(m, S)), Qp())), m);
  }

  // integral of T(x)/S for T rational in x: U S + sum_i W_i/(F_i S) + lambda/S.
  Opt integrate_over(ExprId T) {
    const ExprId c = cancel(pool, T);
    auto [num, den] = num_den(pool, c);
    auto nc = in.poly_coeffs(num, x, 24);
    if (!nc) return std::nullopt;
    long dd = 0;
    std::vector<std::pair<ExprId, long>> F;  // x-dependent factors of den
    std::vector<bool> divides_q;
    if (in.has(den, x)) {
      const FactorList fl = factor_list(pool, den);
      for (const auto& [b, k] : fl.factors) {
        if (!in.has(b, x)) continue;
        auto bc = in.poly_coeffs(b, x, 12);
        if (!bc) return std::nullopt;
        dd += (static_cast<long>(bc->size()) - 1) * k;
        F.push_back({b, k});
        divides_q.push_back(!in.has(num_den(pool, cancel(pool, in.div(Q, b))).second, x));
      }
    }
    if (dd > 12) return std::nullopt;
    const long dn = static_cast<long>(nc->size()) - 1;
    // U = V/G.
    std::vector<ExprId> gf;
    long degG = 0;
    for (std::size_t i = 0; i < F.size(); ++i) {
      const long m = divides_q[i] ? F[i].second : F[i].second - 1;
      if (m <= 0) continue;
      gf.push_back(pool.pow(F[i].first, pool.integer(m)));
      degG += static_cast<long>(in.poly_coeffs(F[i].first, x, 12)->size() - 1) * m;
    }
    const ExprId G = pool.mul(gf);
    const long degV = degG + std::max(dn - dd - (degQ - 1), 0L);
    if (degV > 16) return std::nullopt;
    // Common multiple of every denominator.
    std::vector<ExprId> mf;
    for (const auto& [b, k] : F) mf.push_back(pool.pow(b, pool.integer(k + 1)));
    const ExprId M = pool.mul(mf);
    struct Unknown {
      int kind;  // 0: V coefficient, 1: W_i coefficient, 2: lambda
      std::size_t i;
      long l;
    };
    std::vector<Unknown> unknowns;
    std::vector<std::vector<ExprId>> cols;
    long rows = 0;
    auto column = [&](ExprId contribution) -> bool {
      auto pc = in.poly_coeffs(cancel(pool, in.mul(contribution, M)), x, 64);
      if (!pc) return false;
      rows = std::max(rows, static_cast<long>(pc->size()));
      cols.push_back(*pc);
      return true;
    };
    const ExprId two = in.num(2);
    for (long l = 0; l <= degV; ++l) {
      const ExprId b = in.div(in.pw(x, l), G);
      const ExprId contrib = in.div(in.add(in.mul(two, in.mul(in.d(b, x), Q)), in.mul(b, Qp())), two);
      if (!column(contrib)) return std::nullopt;
      unknowns.push_back({0, 0, l});
    }
    for (std::size_t i = 0; i < F.size(); ++i) {
      if (divides_q[i]) continue;
      const long deg = static_cast<long>(in.poly_coeffs(F[i].first, x, 12)->size()) - 1;
      if (deg > 2) return std::nullopt;
      for (long l = 0; l < deg; ++l) {
        if (!column(in.div(in.pw(x, l), F[i].first))) return std::nullopt;
        unknowns.push_back({1, i, l});
      }
    }
    if (degQ == 2) {
      if (!column(pool.integer(1))) return std::nullopt;
      unknowns.push_back({2, 0, 0});
    }
    auto rhs = in.poly_coeffs(cancel(pool, in.mul(c, M)), x, 64);
    if (!rhs) return std::nullopt;
    rows = std::max(rows, static_cast<long>(rhs->size()));
    const std::size_t nu = unknowns.size();
    if (rows > 80 || nu > 40) return std::nullopt;
    const auto solved = solve_columns(pool, cols, *rhs);
    if (!solved) return std::nullopt;  // inconsistent: outside the ansatz
    const std::vector<ExprId>& sol = *solved;
    // The answer.
    std::vector<ExprId> terms, vterms;
    std::vector<std::vector<ExprId>> w(F.size());
    for (std::size_t j = 0; j < nu; ++j) {
      const Unknown& u = unknowns[j];
      if (sol[j] == pool.integer(0)) continue;
      if (u.kind == 0) vterms.push_back(in.mul(sol[j], in.pw(x, u.l)));
      else if (u.kind == 1) {
        w[u.i].resize(static_cast<std::size_t>(u.l + 1), pool.integer(0));
        w[u.i][static_cast<std::size_t>(u.l)] = sol[j];
      } else {
        terms.push_back(in.mul(sol[j], inverse()));
      }
    }
    if (!vterms.empty()) terms.push_back(in.mul(in.div(pool.add(vterms), G), S));
    for (std::size_t i = 0; i < F.size(); ++i) {
      if (w[i].empty()) continue;
      std::vector<ExprId> wt;
      for (std::size_t l = 0; l < w[i].size(); ++l) wt.push_back(in.mul(w[i][l], in.pw(x, static_cast<long>(l))));
      const ExprId W = pool.add(wt);
      auto fc = *in.poly_coeffs(F[i].first, x, 12);
      std::vector<ExprId> roots;
      if (fc.size() == 2) {
        roots.push_back(cancel(pool, pool.neg(in.div(fc[0], fc[1]))));
      } else {
        const ExprId disc = cancel(pool, in.sub(in.pw(fc[1], 2), in.mul(in.num(4), in.mul(fc[2], fc[0]))));
        const ExprId sd = pool.sqrt(disc);
        for (int sg : {1, -1})
          roots.push_back(in.div(in.add(pool.neg(fc[1]), in.mul(pool.integer(sg), sd)), in.mul(two, fc[2])));
      }
      const ExprId dF = in.d(F[i].first, x);
      for (ExprId r : roots) {
        // residue W(r)/F'(r) of W/F at r
        const ExprId res = cancel(pool, in.div(subs(pool, W, {{x, r}}), subs(pool, dF, {{x, r}})));
        if (res == pool.integer(0)) continue;
        Opt L = over_linear(r);
        if (!L) return std::nullopt;
        terms.push_back(in.mul(res, *L));
      }
    }
    return pool.add(terms);
  }
};

// The radical of f: s with s**2 = Q quadratic, and f with S (a fresh symbol) for s.
struct Radical {
  ExprId Q, s, g;
};

std::optional<Radical> find_radical(Integrator& in, ExprId f, ExprId x, ExprId S) {
  ExprPool& pool = in.pool;
  std::vector<ExprId> bases;
  for (ExprId id : distinct_nodes(pool, f)) {
    const Node& n = pool.node(id);
    if (n.kind == Kind::Func && in.has(id, x)) return std::nullopt;
    if (n.kind != Kind::Pow || !in.has(id, x)) continue;
    auto k = exact_number(pool, n.args[1]);
    if (!k) return std::nullopt;
    if (k->is_integer()) continue;
    if (!k->is_rational() || k->rational().get_den() != 2) return std::nullopt;
    if (std::find(bases.begin(), bases.end(), n.args[0]) == bases.end()) bases.push_back(n.args[0]);
  }
  if (bases.empty() || bases.size() > 2) return std::nullopt;
  auto half_power = [&](ExprId id, ExprId base) -> std::optional<long> {  // id = base**(k/2), k odd
    const Node& n = pool.node(id);
    if (n.kind != Kind::Pow || n.args[0] != base) return std::nullopt;
    auto k = exact_number(pool, n.args[1]);
    if (!k || k->is_integer() || !k->is_rational()) return std::nullopt;
    return (*k * Number(2L)).integer().get_si();
  };
  if (bases.size() == 1) {
    const ExprId Q = bases[0];
    auto c = in.poly_coeffs(Q, x, 2);
    if (!c || c->size() < 2) return std::nullopt;
    const ExprId g = rebuild(pool, f, [&](ExprId id) -> std::optional<ExprId> {
      if (auto k = half_power(id, Q)) return pool.pow(S, pool.integer(*k));
      return std::nullopt;
    });
    return Radical{Q, pool.sqrt(Q), g};
  }
  // Two linear radicands that occur only as products sqrt(L1)**k1 sqrt(L2)**k2 (k1, k2 odd).
  const ExprId L1 = bases[0], L2 = bases[1];
  if (!in.linear(L1, x) || !in.linear(L2, x)) return std::nullopt;
  bool lone = false;
  const ExprId g = rebuild(pool, f, [&](ExprId id) -> std::optional<ExprId> {
    const Node& n = pool.node(id);
    if (n.kind == Kind::Mul) {
      std::optional<long> k1, k2;
      std::vector<ExprId> rest;
      for (ExprId a : n.args) {
        if (auto k = half_power(a, L1); k && !k1) k1 = k;
        else if (auto k2_ = half_power(a, L2); k2_ && !k2) k2 = k2_;
        else rest.push_back(a);
      }
      if (k1 && k2) {
        for (ExprId r : rest)  // radicals elsewhere in the product
          for (ExprId sub : distinct_nodes(pool, r))
            if (half_power(sub, L1) || half_power(sub, L2)) lone = true;
        rest.push_back(pool.pow(S, pool.integer(*k1)));
        rest.push_back(pool.pow(L2, pool.integer((*k2 - *k1) / 2)));
        return pool.mul(rest);
      }
    }
    if (half_power(id, L1) || half_power(id, L2)) lone = true;
    return std::nullopt;
  });
  if (lone) return std::nullopt;
  const ExprId Q = expand(pool, in.mul(L1, L2));
  return Radical{Q, in.mul(pool.sqrt(L1), pool.sqrt(L2)), g};
}

Opt sqrt_quadratic_with(Integrator& in, ExprId f, ExprId x) {
  ExprPool& pool = in.pool;
  const ExprId S = in.fresh();
  auto rad = find_radical(in, f, x, S);
  if (!rad) return std::nullopt;
  // g must be rational in x and S.
  for (ExprId id : distinct_nodes(pool, rad->g)) {
    const Node& n = pool.node(id);
    if (!in.has(id, x) && !in.has(id, S)) continue;
    if (n.kind == Kind::Func) return std::nullopt;
    if (n.kind == Kind::Pow && !exact_number(pool, n.args[1])) return std::nullopt;
    if (n.kind == Kind::Pow && !exact_number(pool, n.args[1])->is_integer()) return std::nullopt;
  }
  SqrtForm sf{pool, in, x, S, rad->Q, *in.poly_coeffs(rad->Q, x, 2), 0};
  sf.degQ = static_cast<long>(sf.qc.size()) - 1;
  if (sf.degQ == 2) {
    const ExprId disc = cancel(pool, in.sub(in.pw(sf.qc[1], 2), in.mul(in.num(4), in.mul(sf.qc[2], sf.qc[0]))));
    if (disc == pool.integer(0)) return std::nullopt;  // a perfect square: perfect_powers
  }
  // g = (n0 + n1 S)/(d0 + d1 S) = P + T/S.
  const ExprId c = cancel(pool, rad->g);
  auto [num, den] = num_den(pool, c);
  auto reduce = [&](ExprId p) -> std::optional<std::pair<ExprId, ExprId>> {
    auto pc = in.poly_coeffs(p, S, 24);
    if (!pc) return std::nullopt;
    std::vector<ExprId> even, odd;
    for (std::size_t j = 0; j < pc->size(); ++j) {
      const ExprId t = in.mul((*pc)[j], in.pw(rad->Q, static_cast<long>(j / 2)));
      (j % 2 ? odd : even).push_back(t);
    }
    return std::make_pair(pool.add(even), pool.add(odd));
  };
  auto nn = reduce(num), dd = reduce(den);
  if (!nn || !dd) return std::nullopt;
  const auto [n0, n1] = *nn;
  const auto [d0, d1] = *dd;
  const ExprId E = expand(pool, in.sub(in.pw(d0, 2), in.mul(in.pw(d1, 2), rad->Q)));
  if (E == pool.integer(0)) return std::nullopt;
  const ExprId P = cancel(pool, in.div(in.sub(in.mul(n0, d0), in.mul(in.mul(n1, d1), rad->Q)), E));
  const ExprId T = cancel(pool, in.div(in.mul(in.sub(in.mul(n1, d0), in.mul(n0, d1)), rad->Q), E));
  if (T == pool.integer(0)) return std::nullopt;  // rational after all: other methods
  std::vector<ExprId> parts;
  if (P != pool.integer(0)) {
    Opt r = in.integrate(P, x);
    if (!r) return std::nullopt;
    parts.push_back(*r);
  }
  Opt r = sf.integrate_over(T);
  if (!r) return std::nullopt;
  parts.push_back(in.sb(*r, S, rad->s));
  return pool.add(parts);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Euler's first substitution for nodes x +- sqrt(x**2 + b x + c) (times a constant, plus a constant).

namespace {

Opt euler_power(Integrator& in, ExprId f, ExprId x) {
  ExprPool& pool = in.pool;
  // The radical: one quadratic radicand with a leading coefficient that is a rational square.
  ExprId Q = 0;
  for (ExprId id : distinct_nodes(pool, f)) {
    const Node& n = pool.node(id);
    if (n.kind != Kind::Pow || !in.has(n.args[0], x)) continue;
    auto k = exact_number(pool, n.args[1]);
    if (!k || k->is_integer()) continue;
    if (k->rational().get_den() != 2) continue;
    auto c = in.poly_coeffs(n.args[0], x, 2);
    if (!c || c->size() != 3) continue;  // nested radicals are substituted with x
    if (Q && Q != n.args[0]) return std::nullopt;
    Q = n.args[0];
  }
  if (!Q) return std::nullopt;
  auto qc = in.poly_coeffs(Q, x, 2);
  if (!qc || qc->size() != 3) return std::nullopt;
  auto A = exact_number(pool, (*qc)[2]);
  if (!A || A->sign() <= 0) return std::nullopt;
  auto sA = Number::power(*A, Number::rational(1, 2));
  if (!sA || !sA->is_exact()) return std::nullopt;
  const ExprId s = pool.sqrt(Q), rA = pool.number(*sA);
  // A node E = c t + q0 with t = rA x + tau s, tau = +-1.
  ExprId E = 0, cE = 0, q0 = 0;
  int tau = 0;
  for (ExprId id : distinct_nodes(pool, f)) {
    const Node& n = pool.node(id);
    if (n.kind != Kind::Add) continue;
    std::optional<ExprId> coef;
    std::vector<ExprId> rest;
    for (ExprId t : n.args) {
      auto [cc, r] = in.split_constant(t, x);
      if (r == s && !coef) coef = cc;
      else rest.push_back(t);
    }
    if (!coef) continue;
    auto lin = in.linear(pool.add(rest), x);
    if (!lin) continue;
    const ExprId ratio = cancel(pool, in.div(in.mul(*coef, rA), lin->first));
    if (ratio != pool.integer(1) && ratio != pool.integer(-1)) continue;
    E = id;
    cE = cancel(pool, in.div(lin->first, rA));
    q0 = lin->second;
    tau = ratio == pool.integer(1) ? 1 : -1;
    break;
  }
  if (!E) return std::nullopt;
  // (t - rA x)**2 = Q: x = (t**2 - C)/(B + 2 rA t), s = tau (t - rA x).
  const ExprId t = in.fresh();
  const ExprId xt = in.div(in.sub(in.pw(t, 2), (*qc)[0]), in.add((*qc)[1], in.mul(in.num(2), in.mul(rA, t))));
  const ExprId st = in.mul(pool.integer(tau), in.sub(t, in.mul(rA, xt)));
  const ExprId g0 = rebuild(pool, f, [&](ExprId id) -> std::optional<ExprId> {
    if (id == E) return in.add(in.mul(cE, t), q0);
    if (id == x) return xt;
    const Node& n = pool.node(id);
    if (n.kind == Kind::Pow && n.args[0] == Q) {
      auto k = exact_number(pool, n.args[1]);
      if (k && !k->is_integer()) return pool.pow(st, pool.number(*k * Number(2L)));
    }
    return std::nullopt;
  });
  if (in.has(g0, x)) return std::nullopt;
  ExprId g = in.mul(g0, in.d(xt, t));
  try {
    g = cancel(pool, g);
  } catch (const std::exception&) {
  }
  Opt r = in.integrate(g, t);
  if (!r) {
    const ExprId e = expand(pool, g);
    if (e != g) r = in.integrate(e, t);
  }
  if (!r) return std::nullopt;
  return in.sb(*r, t, in.add(in.mul(rA, x), in.mul(pool.integer(tau), s)));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Chebyshev's binomial differentials.

namespace {

Opt chebyshev(Integrator& in, ExprId f, ExprId x) {
  ExprPool& pool = in.pool;
  const Node& n = pool.node(f);
  std::vector<ExprId> fs = n.kind == Kind::Mul ? n.args : ArgVector{f};
  ExprId B = 0;
  Number p;
  long m = 0;
  std::vector<ExprId> consts;
  for (ExprId g : fs) {
    if (!in.has(g, x)) {
      consts.push_back(g);
      continue;
    }
    if (g == x) {
      m += 1;
      continue;
    }
    const Node& gn = pool.node(g);
    if (gn.kind != Kind::Pow) return std::nullopt;
    auto k = exact_number(pool, gn.args[1]);
    if (!k) return std::nullopt;
    if (gn.args[0] == x) {
      if (!k->is_integer() || !k->fits_long()) return std::nullopt;
      m += k->integer().get_si();
      continue;
    }
    if (B || k->is_integer()) return std::nullopt;
    B = gn.args[0];
    p = *k;
  }
  if (!B) return std::nullopt;
  auto bc = in.poly_coeffs(B, x, 64);
  if (!bc || bc->size() < 3) return std::nullopt;
  const ExprId a = (*bc)[0];
  long nn = 0;
  for (std::size_t i = 1; i < bc->size(); ++i)
    if ((*bc)[i] != pool.integer(0)) {
      if (nn) return std::nullopt;
      nn = static_cast<long>(i);
    }
  if (a == pool.integer(0) || nn < 2) return std::nullopt;
  const ExprId b = (*bc)[static_cast<std::size_t>(nn)];
  const long q = p.rational().get_den().get_si(), r = p.rational().get_num().get_si();
  if (q > 12) return std::nullopt;
  const ExprId T = in.fresh();
  const Number m1n = Number::rational(m + 1, nn);
  const ExprId c = pool.mul(consts);
  if (m1n.is_integer()) {
    // t = B**(1/q): x**n = (t**q - a)/b.
    const long e = m1n.integer().get_si() - 1;
    const ExprId g = in.mul(in.mul(in.pw(T, r), pool.pow(in.div(in.sub(in.pw(T, q), a), b), pool.integer(e))),
                            in.div(in.mul(in.num(q), in.pw(T, q - 1)), in.mul(b, in.num(nn))));
    Opt G = in.integrate(cancel(pool, g), T);
    if (!G) return std::nullopt;
    return in.mul(c, in.sb(*G, T, pool.pow(B, pool.number(Number::rational(1, q)))));
  }
  const Number kk = m1n + p + Number(1L);
  if (!kk.is_integer()) return std::nullopt;
  const long k = kk.integer().get_si();
  // t = (a x**-n + b)**(1/q): x**n = a/(t**q - b).
  const ExprId g = in.mul(in.mul(pool.neg(in.div(in.num(q), in.mul(in.num(nn), a))), in.pw(T, r + q - 1)),
                          pool.pow(in.div(a, in.sub(in.pw(T, q), b)), pool.integer(k)));
  Opt G = in.integrate(cancel(pool, g), T);
  if (!G) return std::nullopt;
  const ExprId t = pool.pow(in.add(in.mul(a, in.pw(x, -nn)), b), pool.number(Number::rational(1, q)));
  // kappa = B**p/(x**(n p) t**r): locally constant.
  const ExprId kappa = in.div(pool.pow(B, pool.number(p)),
                              in.mul(pool.pow(x, pool.number(p * Number(nn))), pool.pow(t, pool.integer(r))));
  return in.mul(c, in.mul(kappa, in.sb(*G, T, t)));
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Radicands with repeated factors.

namespace {

Opt perfect_powers(Integrator& in, ExprId f, ExprId x) {
  ExprPool& pool = in.pool;
  std::unordered_map<ExprId, ExprId> replace;  // radical node -> k * P**p * M**(p/q)
  std::vector<std::pair<ExprId, ExprId>> kappas;  // symbol k -> its value
  for (ExprId id : distinct_nodes(pool, f)) {
    const Node& n = pool.node(id);
    if (n.kind != Kind::Pow || !in.has(n.args[0], x)) continue;
    auto e = exact_number(pool, n.args[1]);
    if (!e || e->is_integer() || !e->is_rational()) continue;
    const long q = e->rational().get_den().get_si();
    const ExprId p = pool.integer(e->rational().get_num().get_si());
    const ExprId base = n.args[0];
    auto [num, den] = num_den(pool, cancel(pool, base));
    std::vector<ExprId> P, M;
    bool extracted = false;
    for (int side = 0; side < 2; ++side) {
      const ExprId poly = side == 0 ? num : den;
      if (!in.has(poly, x)) {
        M.push_back(side == 0 ? poly : pool.pow(poly, pool.integer(-1)));
        continue;
      }
      const FactorList fl = factor_list(pool, poly);
      const ExprId cf = pool.number(fl.coeff);
      M.push_back(side == 0 ? cf : pool.pow(cf, pool.integer(-1)));
      for (const auto& [b, k] : fl.factors) {
        const long out = k / q, keep = k % q;
        const long sg = side == 0 ? 1 : -1;
        if (out > 0) {
          extracted = true;
          P.push_back(pool.pow(b, pool.integer(sg * out)));
        }
        if (keep > 0 && side == 0) M.push_back(pool.pow(b, pool.integer(keep)));
        if (keep > 0 && side == 1) {  // b**-keep = b**-q b**(q - keep): the radicand a polynomial
          extracted = true;
          P.push_back(pool.pow(b, pool.integer(-1)));
          M.push_back(pool.pow(b, pool.integer(q - keep)));
        }
      }
    }
    if (!extracted) continue;
    const ExprId Pe = pool.mul(P), Me = pool.mul(M);
    const ExprId K = in.fresh();
    const ExprId root = pool.number(Number::rational(1, q));
    const ExprId kappa = in.div(pool.pow(base, root), in.mul(Pe, pool.pow(Me, root)));
    kappas.push_back({K, kappa});
    replace[id] = pool.mul(std::vector<ExprId>{pool.pow(K, p), pool.pow(Pe, p), pool.pow(Me, in.mul(p, root))});
  }
  if (replace.empty()) return std::nullopt;
  const ExprId g = rebuild(pool, f, [&](ExprId id) -> std::optional<ExprId> {
    if (auto it = replace.find(id); it != replace.end()) return it->second;
    return std::nullopt;
  });
  Opt r = in.integrate(g, x);
  if (!r) return std::nullopt;
  ExprId out = *r;
  for (const auto& [K, kappa] : kappas) out = in.sb(out, K, kappa);
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Pseudo-elliptic integrands R(x)/s**m, s = P**(1/n): u = p(x)/s**m for a few small p (x**k,
// (x - r)**j at rational roots r of P and of R's numerator and denominator); when f/u' = g(u**n)
// is rational in u**n, the integral is that of g(u) du (rational), an identity in x and s.

namespace {

Opt pseudo_elliptic(Integrator& in, ExprId f, ExprId x) {
  ExprPool& pool = in.pool;
  const ExprId S = in.fresh();
  long nroot = 0;  // s = P**(1/nroot)
  auto rad = [&]() -> std::optional<std::pair<ExprId, ExprId>> {  // (P, f with S)
    ExprId P = 0;
    mpz_class den = 1;
    for (ExprId id : distinct_nodes(pool, f)) {
      const Node& n = pool.node(id);
      if (n.kind == Kind::Func && in.has(id, x)) return std::nullopt;
      if (n.kind != Kind::Pow || !in.has(id, x)) continue;
      auto k = exact_number(pool, n.args[1]);
      if (!k) return std::nullopt;
      if (k->is_integer()) continue;
      if (P && P != n.args[0]) return std::nullopt;
      P = n.args[0];
      mpz_class kd = k->rational().get_den();
      mpz_lcm(den.get_mpz_t(), den.get_mpz_t(), kd.get_mpz_t());
    }
    if (!P || den > 4) return std::nullopt;
    nroot = den.get_si();
    for (ExprId id : distinct_nodes(pool, f)) {  // radical constants make the linear algebra slow
      const Node& n = pool.node(id);
      if (n.kind == Kind::Pow && !in.has(id, x) && !(exact_number(pool, n.args[1]) && exact_number(pool, n.args[1])->is_integer()))
        return std::nullopt;
    }
    const ExprId g = rebuild(pool, f, [&](ExprId id) -> std::optional<ExprId> {
      const Node& n = pool.node(id);
      if (n.kind == Kind::Pow && n.args[0] == P && !in.has(n.args[1], x)) {
        auto k = exact_number(pool, n.args[1]);
        if (k && !k->is_integer()) return pool.pow(S, pool.number(*k * Number(nroot)));
      }
      return std::nullopt;
    });
    return std::make_pair(P, g);
  }();
  if (!rad) return std::nullopt;
  const ExprId P = rad->first;
  auto pc = in.poly_coeffs(P, x, 4);
  if (!pc || pc->size() < (nroot == 2 ? 4u : 3u)) return std::nullopt;
  const long degP = static_cast<long>(pc->size()) - 1;
  // f = R/S**m with R rational in x: f*S**m reduced by S**nroot = P must be free of S.
  ExprId R = 0;
  long m = 0;
  for (long mm = 1; mm < nroot && !m; ++mm) {
    const ExprId c = cancel(pool, in.mul(rad->second, in.pw(S, mm)));
    auto [num, den] = num_den(pool, c);
    auto reduce = [&](ExprId q) -> std::optional<ExprId> {
      auto qc = in.poly_coeffs(q, S, 16);
      if (!qc) return std::nullopt;
      std::vector<ExprId> terms;
      for (std::size_t j = 0; j < qc->size(); ++j) {
        if (j % static_cast<std::size_t>(nroot) && (*qc)[j] != pool.integer(0)) return std::nullopt;
        terms.push_back(in.mul((*qc)[j], in.pw(P, static_cast<long>(j) / nroot)));
      }
      return pool.add(terms);
    };
    auto rn = reduce(num), rd = reduce(den);
    if (!rn || !rd) continue;
    R = cancel(pool, in.div(*rn, *rd));
    if (in.has(R, S)) continue;
    m = mm;
  }
  if (!m) return std::nullopt;
  for (ExprId id : distinct_nodes(pool, R)) {
    const Node& n = pool.node(id);
    if (n.kind == Kind::Pow && in.has(id, x) && !(exact_number(pool, n.args[1]) && exact_number(pool, n.args[1])->is_integer()))
      return std::nullopt;
  }
  // Candidate numerators p.
  std::vector<ExprId> cands;
  auto add_cand = [&](ExprId p) {
    if (std::find(cands.begin(), cands.end(), p) == cands.end()) cands.push_back(p);
  };
  for (long k = 0; k <= (degP + 1) / 2; ++k) add_cand(in.pw(x, k));
  {
    auto [num, den] = num_den(pool, R);
    for (ExprId poly : {P, num, den}) {
      if (!in.has(poly, x)) continue;
      const FactorList fl = factor_list(pool, poly);
      for (const auto& [b, k] : fl.factors) {
        auto lin = in.linear(b, x);
        if (!lin) continue;
        for (long j = 1; j <= (degP + 1) / 2; ++j) add_cand(in.pw(b, j));
      }
    }
  }
  const ExprId dP = in.d(P, x);
  for (ExprId p : cands) {
    if (in.out_of_budget()) return std::nullopt;
    Opt r = in.attempt([&]() -> Opt {
      // u = p/s**m, u' = (p' P - (m/n) p P')/(P s**m); h = f/u' = R P/(p' P - (m/n) p P').
      const ExprId w = expand(pool, in.sub(in.mul(in.d(p, x), P), in.mul(in.num(m, nroot), in.mul(p, dP))));
      if (w == pool.integer(0)) return std::nullopt;
      const ExprId h = cancel(pool, in.div(in.mul(R, P), w));
      auto [hn, hd] = num_den(pool, h);
      const ExprId p2 = expand(pool, in.pw(p, nroot));
      const ExprId Pm = expand(pool, in.pw(P, m));
      // h = N(v)/D(v), v = u**n = p**n/P**m, degrees <= K:
      // hn * sum d_i p2**i Pm**(K-i) = hd * sum n_i p2**i Pm**(K-i).
      for (long K = 1; K <= 3; ++K) {
        if (in.out_of_budget()) return std::nullopt;
        std::vector<std::vector<ExprId>> cols;
        long rows = 0;
        for (int side = 0; side < 2; ++side)
          for (long i = 0; i <= K; ++i) {
            const ExprId basis = in.mul(in.pw(p2, i), in.pw(Pm, K - i));
            const ExprId col = side == 0 ? in.mul(hn, basis) : pool.neg(in.mul(hd, basis));
            auto cc = in.poly_coeffs(expand(pool, col), x, 64);
            if (!cc) return std::nullopt;
            rows = std::max(rows, static_cast<long>(cc->size()));
            cols.push_back(*cc);
          }
        const std::size_t nu = cols.size();
        std::vector<ExprId> a(static_cast<std::size_t>(rows) * nu, pool.integer(0));
        for (std::size_t j = 0; j < nu; ++j)
          for (std::size_t r = 0; r < cols[j].size(); ++r) a[r * nu + j] = cols[j][r];
        const std::vector<Matrix> ns = nullspace(Matrix(pool, static_cast<std::size_t>(rows), nu, a));
        if (ns.empty()) continue;
        const Matrix& v = ns[0];
        const ExprId U = in.fresh();
        const ExprId U2 = in.pw(U, nroot);
        std::vector<ExprId> D, N;
        for (long i = 0; i <= K; ++i) {
          D.push_back(in.mul(v(static_cast<std::size_t>(i), 0), in.pw(U2, i)));
          N.push_back(in.mul(v(static_cast<std::size_t>(K + 1 + i), 0), in.pw(U2, i)));
        }
        const ExprId Den = pool.add(D);
        if (Den == pool.integer(0)) continue;
        const ExprId g = cancel(pool, in.div(pool.add(N), Den));
        Opt G = in.integrate(g, U);
        if (!G) return std::nullopt;
        return in.sb(*G, U, in.div(p, pool.pow(P, pool.number(Number::rational(m, nroot)))));
      }
      return std::nullopt;
    });
    if (r) return r;
  }
  return std::nullopt;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// A sum whose terms carry different radicals: the terms grouped by their radical factors (the
// factors with a non-integer exponent), each group integrated on its own
// ((5 x**4 - 2)/sqrt(x**5 - 2 x + 1) is elementary, its two terms are not).

namespace {

Opt radical_groups(Integrator& in, ExprId f, ExprId x) {
  ExprPool& pool = in.pool;
  const ExprId e = expand(pool, f);
  const Node& n = pool.node(e);
  if (n.kind != Kind::Add || n.args.size() > 60) return std::nullopt;
  std::vector<std::pair<ExprId, std::vector<ExprId>>> groups;  // radical part -> rational parts
  for (ExprId t : std::vector<ExprId>(n.args)) {
    const Node& tn = pool.node(t);
    std::vector<ExprId> fs = tn.kind == Kind::Mul ? tn.args : ArgVector{t};
    auto [rad, rest] = split_radicals(in, fs, x);
    const ExprId r = pool.mul(rad);
    auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& gr) { return gr.first == r; });
    if (it == groups.end()) groups.push_back({r, {pool.mul(rest)}});
    else it->second.push_back(pool.mul(rest));
  }
  if (groups.size() < 2 || groups.size() == n.args.size()) return std::nullopt;
  std::vector<ExprId> parts;
  for (const auto& [r, rest] : groups) {
    Opt F = in.integrate(in.mul(r, cancel(pool, pool.add(rest))), x);
    if (!F) return std::nullopt;
    parts.push_back(*F);
  }
  return pool.add(parts);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// R(x) times one radical, R a rational function that is not a polynomial: R in partial fractions,
// each fraction times the radical integrated on its own (x/((x + 1) r) = 1/r - 1/((x + 1) r)).

namespace {

Opt split_rational_factor(Integrator& in, ExprId f, ExprId x) {
  ExprPool& pool = in.pool;
  const Node& n = pool.node(f);
  if (n.kind != Kind::Mul) return std::nullopt;
  auto [rad, rest] = split_radicals(in, n.args, x);
  if (rad.size() != 1) return std::nullopt;
  const ExprId R = pool.mul(rest);
  if (!in.has(num_den(pool, R).second, x)) return std::nullopt;
  const ExprId parts = apart(pool, R, x);
  const Node& pn = pool.node(parts);
  if (pn.kind != Kind::Add || pn.args.size() < 2 || pn.args.size() > 12) return std::nullopt;
  std::vector<ExprId> out;
  for (ExprId t : std::vector<ExprId>(pn.args)) {
    Opt F = in.integrate(in.mul(t, rad[0]), x);
    if (!F) return std::nullopt;
    out.push_back(*F);
  }
  return pool.add(out);
}

}  // namespace

Opt Integrator::algebraic(ExprId f, ExprId x) {
  // Algebraic functions of x only (subproblems of parts with logs and inverse functions are not).
  for (ExprId id : distinct_nodes(pool, f)) {
    const Node& n = pool.node(id);
    if (n.kind == Kind::Func && has(id, x)) return std::nullopt;
    if (n.kind == Kind::Pow && has(n.args[1], x)) return std::nullopt;
  }
  if (Opt r = attempt([&] { return radical_groups(*this, f, x); })) return r;
  if (Opt r = attempt([&] { return sqrt_quadratic_with(*this, f, x); })) return r;
  if (Opt r = attempt([&] { return euler_power(*this, f, x); })) return r;
  if (Opt r = attempt([&] { return chebyshev(*this, f, x); })) return r;
  if (Opt r = attempt([&] { return perfect_powers(*this, f, x); })) return r;
  if (Opt r = attempt([&] { return pseudo_elliptic(*this, f, x); })) return r;
  if (Opt r = attempt([&] { return split_rational_factor(*this, f, x); })) return r;
  return std::nullopt;
}

}  // namespace alkahest::integrate_detail
