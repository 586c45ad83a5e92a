// Integration by parts.
//   Logarithmic factor: f = A * L with L = log(h), log(h)**k, atan(h), asin(h), acos(h) (their
//   derivatives are algebraic): integral = V L - integral(V L'), V = integral(A).
//   Polynomial factor (tabular): f = P(x) g with P a polynomial of degree n:
//   integral = sum_{k=0..n} (-1)**k P^(k) G_{k+1}, G_1 = integral(g), G_{k+1} = integral(G_k).
#include "alkahest/poly.hpp"
#include "integrate/integrator.hpp"

namespace alkahest::integrate_detail {

namespace {

bool is_log_like(const ExprPool& pool, ExprId e) {
  const Node& n = pool.node(e);
  if (n.kind == Kind::Func)
    return n.op == Op::Log || n.op == Op::Atan || n.op == Op::Asin || n.op == Op::Acos || n.op == Op::Erf;
  if (n.kind == Kind::Pow) {
    const Node& b = pool.node(n.args[0]);
    const Node& k = pool.node(n.args[1]);
    return b.kind == Kind::Func && (b.op == Op::Log || b.op == Op::Atan || b.op == Op::Asin) &&
           k.kind == Kind::Number && k.number.is_integer() && k.number.sign() > 0;
  }
  return false;
}

}  // namespace

namespace {

// f = (A/B) exp(q), q a polynomial, B with x: (S e^q)' = (S' + q' S) e^q with S = N/G, G = prod of
// the factors of B to one power less, N a polynomial found by a linear solve (the Risch equation
// with a rational solution); nullopt when there is none of that shape.
Opt exp_rational(Integrator& in, ExprId R, ExprId q, ExprId E, ExprId x) {
  ExprPool& pool = in.pool;
  const ExprId c = cancel(pool, R);
  const Node& cn = pool.node(c);
  std::vector<ExprId> fs = cn.kind == Kind::Mul ? cn.args : ArgVector{c};
  std::vector<ExprId> num, den;
  for (ExprId g : fs) {
    const Node& gn = pool.node(g);
    if (gn.kind == Kind::Pow && pool.is_number(gn.args[1]) && pool.node(gn.args[1]).number.is_integer() &&
        pool.node(gn.args[1]).number.sign() < 0)
      den.push_back(pool.pow(gn.args[0], pool.number(-pool.node(gn.args[1]).number)));
    else
      num.push_back(g);
  }
  const ExprId A = pool.mul(num), B = pool.mul(den);
  // q' = qn/qdn (q a polynomial or a rational function of x).
  const ExprId dqc = cancel(pool, in.d(q, x));
  ExprId qn = dqc, qdn = pool.integer(1);
  {
    const Node& dn = pool.node(dqc);
    std::vector<ExprId> qf = dn.kind == Kind::Mul ? dn.args : ArgVector{dqc};
    std::vector<ExprId> up, down;
    for (ExprId g : qf) {
      const Node& gn = pool.node(g);
      if (gn.kind == Kind::Pow && pool.is_number(gn.args[1]) && pool.node(gn.args[1]).number.is_integer() &&
          pool.node(gn.args[1]).number.sign() < 0)
        down.push_back(pool.pow(gn.args[0], pool.number(-pool.node(gn.args[1]).number)));
      else
        up.push_back(g);
    }
    qn = pool.mul(up);
    qdn = pool.mul(down);
  }
  auto ac = in.poly_coeffs(A, x, 24), bc = in.poly_coeffs(B, x, 24), qd = in.poly_coeffs(qn, x, 16),
       qdd = in.poly_coeffs(qdn, x, 16);
  if (!ac || !bc || !qd || qd->empty() || !qdd) return std::nullopt;
  const FactorList fl = factor_list(pool, B);
  std::vector<ExprId> gf, mf{qdn};
  long degG = 0;
  for (const auto& [b, k] : fl.factors) {
    if (!in.has(b, x)) continue;
    mf.push_back(pool.pow(b, pool.integer(k)));
    // a pole of q' of order m lowers S's pole by m (else by 1)
    long m = 1;
    if (in.has(qdn, x)) {
      const ExprId x_[1] = {x};
      ExprId rest = qdn;
      long mult = 0;
      while (mult < 8 && in.has(rest, x) && rem(pool, rest, b, x_) == pool.integer(0)) {
        rest = quo(pool, rest, b, x_);
        ++mult;
      }
      m = std::max(m, mult);
    }
    if (k - m > 0) {
      gf.push_back(pool.pow(b, pool.integer(k - m)));
      degG += (static_cast<long>(in.poly_coeffs(b, x, 24)->size()) - 1) * (k - m);
    }
  }
  const ExprId G = pool.mul(gf), M = pool.mul(mf);
  const long degq = static_cast<long>(qd->size()) - static_cast<long>(qdd->size());  // deg q' (may be < 0)
  const long degN = degG + std::max(static_cast<long>(ac->size()) - static_cast<long>(bc->size()) - degq, 0L) + 1;
  if (degN > 16) return std::nullopt;
  std::vector<std::vector<ExprId>> cols;
  const ExprId dq = in.d(q, x);
  for (long l = 0; l <= degN; ++l) {
    const ExprId b = in.div(in.pw(x, l), G);
    auto pc = in.poly_coeffs(cancel(pool, in.mul(in.add(in.d(b, x), in.mul(dq, b)), M)), x, 64);
    if (!pc) return std::nullopt;
    cols.push_back(*pc);
  }
  auto rhs = in.poly_coeffs(cancel(pool, in.mul(c, M)), x, 64);
  if (!rhs) return std::nullopt;
  const auto sol = solve_columns(pool, cols, *rhs);
  if (!sol) return std::nullopt;
  std::vector<ExprId> terms;
  for (std::size_t l = 0; l < sol->size(); ++l) terms.push_back(in.mul((*sol)[l], in.pw(x, static_cast<long>(l))));
  return in.mul(in.div(pool.add(terms), G), E);
}

}  // namespace

Opt Integrator::exp_polynomial(ExprId f, ExprId x) {
  // f = P(x) exp(q(x)), deg q >= 2: (R e^q)' = (R' + q' R) e^q = P e^q solved for a polynomial R
  // from the top coefficient down; the low coefficients must then agree (else: not of this form).
  const Node& n = pool.node(f);
  std::vector<ExprId> fs = n.kind == Kind::Mul ? n.args : ArgVector{f};
  ExprId E = 0;
  std::vector<ExprId> rest;
  for (ExprId g : fs) {
    const Node& gn = pool.node(g);
    if (!E && gn.kind == Kind::Func && gn.op == Op::Exp && has(g, x)) E = g;
    else rest.push_back(g);
  }
  if (!E) return std::nullopt;
  {
    // A rational factor: exp_rational (q a polynomial, the rest rational in x).
    const ExprId rest_ = pool.mul(rest);
    const ExprId qarg = pool.node(E).args[0];
    bool rational = poly_coeffs(qarg, x, 8).has_value();
    if (!rational) {  // q a rational function of x
      rational = true;
      const ExprId cq = cancel(pool, qarg);
      for (ExprId g : pool.node(cq).kind == Kind::Mul ? pool.node(cq).args : ArgVector{cq}) {
        const Node& gn = pool.node(g);
        if (gn.kind == Kind::Func && has(g, x)) rational = false;
        if (gn.kind == Kind::Pow && has(g, x) && !(pool.is_number(gn.args[1]) && pool.node(gn.args[1]).number.is_integer()))
          rational = false;
        if (gn.kind == Kind::Add && !poly_coeffs(g, x, 16)) rational = false;
      }
    }
    for (ExprId g : rest)
      for (ExprId s : free_symbols(pool, g))
        if (s == x && pool.node(g).kind == Kind::Func) rational = false;
    if (rational && (!poly_coeffs(rest_, x, 40) || !poly_coeffs(qarg, x, 8))) {
      if (Opt r = attempt([&] { return exp_rational(*this, rest_, qarg, E, x); })) return r;
      return std::nullopt;
    }
  }
  auto qc = poly_coeffs(pool.node(E).args[0], x, 8);
  if (!qc || qc->size() < 3) return std::nullopt;
  const ExprId P = pool.mul(rest);
  auto pc = poly_coeffs(P, x, 40);
  if (!pc || pc->empty()) return std::nullopt;
  const ExprId q = pool.node(E).args[0];
  auto dq = *poly_coeffs(d(q, x), x, 8);
  const long e = static_cast<long>(dq.size()) - 1;  // deg q'
  const long m = static_cast<long>(pc->size()) - 1 - e;
  if (m < 0) return std::nullopt;
  std::vector<ExprId> R(static_cast<std::size_t>(m + 2), pool.integer(0));
  for (long k = m; k >= 0; --k) {
    // Coefficient of x^(k+e): P = q'_e R_k + sum_{i<e} q'_i R_{k+e-i} + (k+e+1) R_{k+e+1}.
    std::vector<ExprId> known;
    for (long i = 0; i < e; ++i) {
      const long j = k + e - i;
      if (j <= m) known.push_back(mul(dq[static_cast<std::size_t>(i)], R[static_cast<std::size_t>(j)]));
    }
    if (k + e + 1 <= m) known.push_back(mul(pool.integer(k + e + 1), R[static_cast<std::size_t>(k + e + 1)]));
    R[static_cast<std::size_t>(k)] =
        cancel(pool, div(sub((*pc)[static_cast<std::size_t>(k + e)], pool.add(known)), dq[static_cast<std::size_t>(e)]));
  }
  std::vector<ExprId> rt;
  for (long k = 0; k <= m; ++k) rt.push_back(mul(R[static_cast<std::size_t>(k)], pw(x, k)));
  const ExprId Rx = pool.add(rt);
  if (expand(pool, sub(add(d(Rx, x), mul(d(q, x), Rx)), P)) != pool.integer(0)) return std::nullopt;
  return mul(Rx, E);
}

Opt Integrator::log_power(ExprId f, ExprId x) {
  const Node& n = pool.node(f);
  std::vector<ExprId> fs = n.kind == Kind::Mul ? n.args : ArgVector{f};
  // x**n log(x)**k = x**(n+1) sum_j (-1)**j k!/(k-j)! log(x)**(k-j)/(n+1)**(j+1), n != -1.
  {
    ExprId xn = pool.integer(0), lk = pool.integer(0);
    bool ok = fs.size() <= 2;
    for (ExprId g : fs) {
      auto [b, e] = pool.as_base_exp(g);
      if (b == x && !has(e, x)) xn = e == pool.integer(0) ? xn : e;
      else if (pool.node(b).kind == Kind::Func && pool.node(b).op == Op::Log && pool.node(b).args[0] == x) lk = e;
      else ok = false;
    }
    const Node& kn = pool.node(lk);
    if (ok && kn.kind == Kind::Number && kn.number.is_integer() && kn.number.sign() > 0 && kn.number.fits_long() &&
        kn.number.integer() <= 40 && xn != pool.integer(-1)) {
      const long k = kn.number.integer().get_si();
      const ExprId n1 = add(xn, pool.integer(1));
      std::vector<ExprId> terms;
      mpz_class c = 1;
      for (long j = 0; j <= k; ++j) {
        if (j > 0) c *= (k - j + 1);
        const ExprId t = div(mul(pool.number(Number(mpz_class(j % 2 ? -c : c))), pw(fn(Op::Log, x), k - j)),
                             pool.pow(n1, pool.integer(j + 1)));
        terms.push_back(t);
      }
      return mul(pool.pow(x, n1), pool.add(terms));
    }
  }
  return std::nullopt;
}

Opt Integrator::parts(ExprId f, ExprId x) {
  const Node& n = pool.node(f);
  std::vector<ExprId> fs = n.kind == Kind::Mul ? n.args : ArgVector{f};
  // Logarithmic factor.
  for (std::size_t i = 0; i < fs.size(); ++i) {
    if (!is_log_like(pool, fs[i]) || !has(fs[i], x)) continue;
    const ExprId L = fs[i];
    std::vector<ExprId> rest;
    for (std::size_t j = 0; j < fs.size(); ++j)
      if (j != i) rest.push_back(fs[j]);
    const ExprId A = pool.mul(rest);
    Opt V = integrate(A, x);
    if (!V) continue;
    const ExprId dL = d(L, x);
    ExprId W0 = mul(*V, dL);
    Opt W = integrate(W0, x);
    if (!W) {
      W = attempt([&]() -> Opt {
        const ExprId c = cancel(pool, W0);
        return c == W0 ? std::nullopt : integrate(c, x);
      });
    }
    if (!W) continue;
    return sub(mul(*V, L), *W);
  }
  // Polynomial factor.
  std::vector<ExprId> poly, other;
  for (ExprId g : fs) {
    auto pc = poly_coeffs(g, x, 24);
    (pc && has(g, x) ? poly : other).push_back(g);
  }
  if (poly.empty() || other.empty()) return std::nullopt;
  const ExprId P = expand(pool, pool.mul(poly));
  const ExprId g = pool.mul(other);
  auto pc = poly_coeffs(P, x, 24);
  if (!pc || pc->size() < 2) return std::nullopt;
  const long deg = static_cast<long>(pc->size()) - 1;
  std::vector<ExprId> terms;
  ExprId G = g, Pk = P;
  for (long k = 0; k <= deg; ++k) {
    Opt Gn = integrate(G, x);
    if (!Gn) return std::nullopt;
    G = expand(pool, *Gn);
    const ExprId term = mul(Pk, G);
    terms.push_back(k % 2 ? pool.neg(term) : term);
    Pk = d(Pk, x);
  }
  return pool.add(terms);
}

}  // namespace alkahest::integrate_detail
