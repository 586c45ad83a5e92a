// Rational functions over Q (Bronstein, Symbolic Integration I, ch. 2):
//   A/D = P + R/D            polynomial part, integrated term by term;
//   Hermite reduction        R/D = (g)' + H/Ds with Ds square-free (Mack's linear version);
//   Lazard-Rioboo-Trager     the log part of H/Ds: R(t) = res_x(Ds, H - t Ds'), and for each
//                            irreducible factor q(t) of R, sum over the roots a of q of
//                            a*log(gcd(Ds, H - a Ds')), the gcd taken over Q(a) = Q[t]/q.
// Roots of linear factors are rational; the two roots of a quadratic factor give logs with sqrt
// coefficients (real roots) or, for complex conjugate roots u +- i v, the real form
// u*log(P**2 + Q**2) + 2*v*atan(P/Q) where S(u + i v) = P + i Q. Factors of degree >= 3 would need
// a RootSum: nullopt.
#include <numeric>
#include <optional>
#include <vector>

#include "alkahest/integrate.hpp"
#include "alkahest/poly.hpp"
#include "poly/convert.hpp"

#include <flint/fmpz_factor.h>

namespace alkahest {

namespace {

using namespace poly_detail;

class QP {  // an fmpq_poly with value semantics
 public:
  QP() { fmpq_poly_init(v); }
  QP(const QP& o) {
    fmpq_poly_init(v);
    fmpq_poly_set(v, o.v);
  }
  QP& operator=(const QP& o) {
    if (this != &o) fmpq_poly_set(v, o.v);
    return *this;
  }
  ~QP() { fmpq_poly_clear(v); }
  long deg() const { return fmpq_poly_degree(v); }
  bool zero() const { return fmpq_poly_is_zero(v) != 0; }
  fmpq_poly_t v;
};

QP mul(const QP& a, const QP& b) {
  QP r;
  fmpq_poly_mul(r.v, a.v, b.v);
  return r;
}
QP sub(const QP& a, const QP& b) {
  QP r;
  fmpq_poly_sub(r.v, a.v, b.v);
  return r;
}
QP deriv(const QP& a) {
  QP r;
  fmpq_poly_derivative(r.v, a.v);
  return r;
}
QP gcd(const QP& a, const QP& b) {
  QP r;
  fmpq_poly_gcd(r.v, a.v, b.v);
  return r;
}
QP quo(const QP& a, const QP& b) {
  QP r;
  fmpq_poly_div(r.v, a.v, b.v);
  return r;
}
QP rem(const QP& a, const QP& b) {
  QP r;
  fmpq_poly_rem(r.v, a.v, b.v);
  return r;
}

mpq_class coeff(const QP& p, long k) {
  Fmpq c;
  fmpq_poly_get_coeff_fmpq(c.v, p.v, k);
  return to_mpq(c.v);
}

ExprId num(ExprPool& pool, const mpq_class& q) { return pool.number(Number(q)); }

ExprId mul3(ExprPool& pool, ExprId a, ExprId b, ExprId c) {
  const ExprId fs[] = {a, b, c};
  return pool.mul(fs);
}

// p(x) as an Expr.
ExprId poly_expr(ExprPool& pool, const QP& p, ExprId x) {
  std::vector<ExprId> terms;
  for (long k = 0; k <= p.deg(); ++k) {
    mpq_class c = coeff(p, k);
    if (c == 0) continue;
    terms.push_back(pool.mul(num(pool, c), pool.pow(x, pool.integer(k))));
  }
  return pool.add(terms);
}

// sqrt(q) for a rational q >= 0 as c*sqrt(m) with m a square-free integer (sqrt(27) = 3*sqrt(3)).
ExprId sqrt_rational(ExprPool& pool, const mpq_class& q) {
  mpz_class n = q.get_num() * q.get_den();  // sqrt(p/d) = sqrt(p*d)/d
  mpz_class outside = 1, inside = 1;
  fmpz_t z;
  fmpz_init(z);
  fmpz_set_mpz(z, n.get_mpz_t());
  fmpz_factor_t fac;
  fmpz_factor_init(fac);
  if (fmpz_bits(z) <= 160) fmpz_factor(fac, z);
  else fmpz_factor_trial_range(fac, z, 0, 1000);  // large: small square factors only
  mpz_class found = 1;
  for (slong i = 0; i < fac->num; ++i) {
    mpz_class p;
    fmpz_get_mpz(p.get_mpz_t(), fac->p + i);
    const ulong e = fac->exp[i];
    for (ulong k = 0; k < e / 2; ++k) outside *= p;
    if (e % 2) inside *= p;
    for (ulong k = 0; k < e; ++k) found *= p;
  }
  if (n != 0) inside *= n / found;  // a cofactor the trial division left (exact division)
  fmpz_factor_clear(fac);
  fmpz_clear(z);
  const mpq_class c(outside, q.get_den());
  return pool.mul(pool.number(Number(mpq_class(c))), pool.sqrt(pool.number(Number(inside))));
}

// s*a + t*b = c with deg s < deg b (a and b coprime up to a divisor of c).
bool extended_euclid(const QP& a, const QP& b, const QP& c, QP& s, QP& t) {
  QP g, s0, t0;
  fmpq_poly_xgcd(g.v, s0.v, t0.v, a.v, b.v);
  QP q, r;
  fmpq_poly_divrem(q.v, r.v, c.v, g.v);
  if (!r.zero()) return false;
  s = rem(mul(s0, q), b);
  fmpq_poly_divrem(t.v, r.v, sub(c, mul(s, a)).v, b.v);
  return r.zero();
}

// ---- polynomials over K = Q[t]/(q), q irreducible: coefficient lists, index = degree in x ----
struct Field {
  QP q;
  QP reduce(const QP& a) const { return rem(a, q); }
  QP mulk(const QP& a, const QP& b) const { return reduce(mul(a, b)); }
  QP inv(const QP& a) const {
    QP g, s, t;
    fmpq_poly_xgcd(g.v, s.v, t.v, a.v, q.v);  // s*a + t*q = g, a constant (q irreducible)
    QP r;
    fmpq_poly_div(r.v, s.v, g.v);
    return r;
  }
};
using KPoly = std::vector<QP>;

void trim(KPoly& p) {
  while (!p.empty() && p.back().zero()) p.pop_back();
}

KPoly krem(const Field& K, KPoly a, const KPoly& b) {
  const QP lead_inv = K.inv(b.back());
  trim(a);
  while (a.size() >= b.size()) {
    const QP c = K.mulk(a.back(), lead_inv);
    const std::size_t shift = a.size() - b.size();
    for (std::size_t i = 0; i < b.size(); ++i) a[shift + i] = K.reduce(sub(a[shift + i], mul(c, b[i])));
    a.back() = QP();  // exactly cancelled
    trim(a);
  }
  return a;
}

KPoly kgcd(const Field& K, KPoly a, KPoly b) {
  trim(a);
  trim(b);
  while (!b.empty()) {
    KPoly r = krem(K, a, b);
    a = std::move(b);
    b = std::move(r);
  }
  if (a.empty()) return a;
  const QP li = K.inv(a.back());
  for (QP& c : a) c = K.mulk(c, li);
  return a;
}

// res_x(D, H - t D') as a polynomial in t.
QP lrt_resultant(const QP& D, const QP& H) {
  MpolyCtx ctx(2);  // variable 0: x, 1: t
  fmpq_mpoly_t A, B, R;
  fmpq_mpoly_init(A, ctx.q());
  fmpq_mpoly_init(B, ctx.q());
  fmpq_mpoly_init(R, ctx.q());
  const QP Dp = deriv(D);
  Fmpq c;
  for (long k = 0; k <= D.deg(); ++k) {
    fmpq_poly_get_coeff_fmpq(c.v, D.v, k);
    ulong e[2] = {static_cast<ulong>(k), 0};
    fmpq_mpoly_set_coeff_fmpq_ui(A, c.v, e, ctx.q());
  }
  for (long k = 0; k <= H.deg(); ++k) {
    fmpq_poly_get_coeff_fmpq(c.v, H.v, k);
    ulong e[2] = {static_cast<ulong>(k), 0};
    fmpq_mpoly_set_coeff_fmpq_ui(B, c.v, e, ctx.q());
  }
  for (long k = 0; k <= Dp.deg(); ++k) {
    fmpq_poly_get_coeff_fmpq(c.v, Dp.v, k);
    fmpq_neg(c.v, c.v);
    ulong e[2] = {static_cast<ulong>(k), 1};
    fmpq_mpoly_set_coeff_fmpq_ui(B, c.v, e, ctx.q());
  }
  QP out;
  if (fmpq_mpoly_resultant(R, A, B, 0, ctx.q())) {
    const slong dt = fmpq_mpoly_degree_si(R, 1, ctx.q());
    for (slong k = 0; k <= dt; ++k) {
      ulong e[2] = {0, static_cast<ulong>(k)};
      fmpq_mpoly_get_coeff_fmpq_ui(c.v, R, e, ctx.q());
      fmpq_poly_set_coeff_fmpq(out.v, k, c.v);
    }
  }
  fmpq_mpoly_clear(A, ctx.q());
  fmpq_mpoly_clear(B, ctx.q());
  fmpq_mpoly_clear(R, ctx.q());
  return out;
}

// The primitive integer multiple of p (positive leading coefficient), as an Expr: log arguments
// may be scaled freely (the log changes by a constant).
// The log part of H/Ds when Ds divides x**N - a for a rational a (binomials x**6 - 2, x**8 + 1;
// cyclotomic factors such as x**8 - x**4 + 1): its roots are among alpha_j = rho*exp(2*pi*i*j/M),
// rho = |a|**(1/N) (M = N for a > 0, M = 2N and j odd for a < 0), and the integral is
// sum over the roots of T(alpha)*log(x - alpha), T = H/Ds' mod Ds. Which candidates are roots is
// decided exactly: all of them when deg Ds = N; else, for rational rho, alpha_j is a root iff the
// cyclotomic polynomial of the order of exp(2*pi*i*j/M) divides Ds(rho*y). A conjugate pair
// alpha = p + i*s (s > 0) with c = T(alpha) contributes
//   Re(c)*log(x**2 - 2*p*x + rho**2) - 2*Im(c)*atan((x - p)/s),
// a real root c*log(x - alpha). nullopt when Ds is not of this kind (a RootSum would be needed).
std::optional<std::vector<ExprId>> radical_log_part(ExprPool& pool, const QP& Ds, const QP& H, ExprId x) {
  const long d = Ds.deg();
  if (d < 3 || d > 32 || coeff(Ds, 0) == 0) return std::nullopt;
  QP X;
  fmpq_poly_set_coeff_si(X.v, 1, 1);
  QP cur = rem(X, Ds);
  long N = 0;
  mpq_class a;
  // x**k mod Ds for a divisor of x**N - a stays small (a**(k div N) times x**(k mod N) for the
  // binomial itself); for other Ds its coefficients grow with k: stop at a bound.
  auto bits = [](const QP& p) {
    const slong b = _fmpz_vec_max_bits(fmpq_poly_numref(p.v), fmpq_poly_length(p.v));
    return std::max<slong>(b < 0 ? -b : b, static_cast<slong>(fmpz_bits(fmpq_poly_denref(p.v))));
  };
  const slong bound = 64 + 8 * bits(Ds);
  for (long k = 1; k <= 4 * d; ++k) {
    if (k > 1) cur = rem(mul(cur, X), Ds);
    if (bits(cur) > bound) return std::nullopt;
    if (cur.deg() == 0) {
      N = k;
      a = coeff(cur, 0);
      break;
    }
  }
  if (N == 0 || a == 0) return std::nullopt;
  const long M = a > 0 ? N : 2 * N;
  const mpq_class abs_a = abs(a);
  std::vector<long> roots;  // j of the roots alpha_j with 0 <= angle <= pi
  if (d == N) {
    for (long j = 0; 2 * j <= M; ++j)
      if (a > 0 || j % 2 == 1) roots.push_back(j);
  } else {
    // rho rational: |a| = (r/s)**N
    mpz_class rn, rd;
    if (!mpz_root(rn.get_mpz_t(), abs_a.get_num_mpz_t(), static_cast<unsigned long>(N)) ||
        !mpz_root(rd.get_mpz_t(), abs_a.get_den_mpz_t(), static_cast<unsigned long>(N)))
      return std::nullopt;
    const mpq_class rho(rn, rd);
    QP P;  // Ds(rho*y)
    mpq_class rk = 1;
    for (long k = 0; k <= d; ++k, rk *= rho) {
      Fmpq c;
      to_fmpq(c.v, coeff(Ds, k) * rk);
      fmpq_poly_set_coeff_fmpq(P.v, k, c.v);
    }
    long count = 0;
    for (long j = 0; j < M; ++j) {
      if (a < 0 && j % 2 == 0) continue;
      const long m = M / std::gcd(j, M);
      fmpz_poly_t phi;
      fmpz_poly_init(phi);
      fmpz_poly_cyclotomic(phi, static_cast<ulong>(m));
      QP Phi;
      fmpq_poly_set_fmpz_poly(Phi.v, phi);
      fmpz_poly_clear(phi);
      if (!rem(P, Phi).zero()) continue;
      ++count;
      if (2 * j <= M) roots.push_back(j);
    }
    if (count != d) return std::nullopt;
  }
  // T = H * (Ds')**-1 mod Ds
  QP G, S, T;
  fmpq_poly_xgcd(G.v, S.v, T.v, deriv(Ds).v, Ds.v);
  if (G.deg() != 0 || coeff(G, 0) != 1) return std::nullopt;  // Ds square-free: gcd(Ds', Ds) = 1
  const QP Tc = rem(mul(H, S), Ds);
  auto rho_pow = [&](long k) {  // rho**k
    return pool.pow(pool.number(Number(abs_a)), pool.number(Number::rational(k, N)));
  };
  auto trig = [&](Op op, long k, long j) {  // cos or sin of k*2*pi*j/M
    return pool.func(op, pool.mul(pool.number(Number::rational(2 * k * j, M)), pool.constant(Constant::Pi)));
  };
  std::vector<ExprId> out;
  for (long j : roots) {
    std::vector<ExprId> re, im;
    for (long k = 0; k <= Tc.deg(); ++k) {
      const mpq_class t = coeff(Tc, k);
      if (t == 0) continue;
      re.push_back(mul3(pool, num(pool, t), rho_pow(k), trig(Op::Cos, k, j)));
      im.push_back(mul3(pool, num(pool, t), rho_pow(k), trig(Op::Sin, k, j)));
    }
    const ExprId re_c = pool.add(re), im_c = pool.add(im);
    const ExprId p = pool.mul(rho_pow(1), trig(Op::Cos, 1, j));
    if (j == 0 || 2 * j == M) {  // a real root alpha = p
      out.push_back(pool.mul(re_c, pool.func(Op::Log, pool.sub(x, p))));
      continue;
    }
    const ExprId sv = pool.mul(rho_pow(1), trig(Op::Sin, 1, j));
    const ExprId quad_terms[] = {pool.pow(x, pool.integer(2)), mul3(pool, pool.integer(-2), p, x), rho_pow(2)};
    const ExprId quad = pool.add(quad_terms);
    out.push_back(pool.mul(re_c, pool.func(Op::Log, quad)));
    out.push_back(mul3(pool, pool.integer(-2), im_c, pool.func(Op::Atan, pool.div(pool.sub(x, p), sv))));
  }
  return out;
}

ExprId primitive_expr(ExprPool& pool, const QP& p, ExprId x) {
  QP r;
  fmpq_poly_set(r.v, p.v);
  fmpz_poly_t z;
  fmpz_poly_init(z);
  fmpq_poly_get_numerator(z, r.v);
  fmpz_poly_primitive_part(z, z);
  if (fmpz_sgn(fmpz_poly_lead(z)) < 0) fmpz_poly_neg(z, z);
  fmpq_poly_set_fmpz_poly(r.v, z);
  fmpz_poly_clear(z);
  return poly_expr(pool, r, x);
}

}  // namespace

std::optional<ExprId> integrate_rational(ExprPool& pool, ExprId f, ExprId x) {
  QP A, D;
  try {
    Converter c(pool, Mode::Exact, "integrate");
    c.scan(x);
    c.scan(f);
    c.build();
    const slong var = univariate_var(c, x);
    Ratio r = c.ratio(f);
    to_fmpq_poly(A.v, r.num, var);
    if (r.den) {
      check_algorithm_input(*r.den, "integrate", "the denominator");
      to_fmpq_poly(D.v, *r.den, var);
    } else {
      fmpq_poly_one(D.v);
    }
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (D.deg() > 200 || A.deg() > 400) return std::nullopt;
  std::vector<ExprId> terms;

  // Polynomial part.
  QP P, R;
  fmpq_poly_divrem(P.v, R.v, A.v, D.v);
  {
    QP Pi;
    fmpq_poly_integral(Pi.v, P.v);
    terms.push_back(poly_expr(pool, Pi, x));
  }
  if (R.zero()) return pool.add(terms);

  // Hermite reduction: R/D = g' + H/Ds.
  QP Dm = gcd(D, deriv(D));
  const QP Ds = quo(D, Dm);
  QP H = R;
  while (Dm.deg() > 0) {
    const QP Dm2 = gcd(Dm, deriv(Dm));
    const QP Dms = quo(Dm, Dm2);
    const QP a = quo(mul(Ds, deriv(Dm)), Dm);
    QP neg_a;
    fmpq_poly_neg(neg_a.v, a.v);
    QP B, C;
    if (!extended_euclid(neg_a, Dms, H, B, C)) return std::nullopt;
    H = sub(C, quo(mul(deriv(B), Ds), Dms));
    terms.push_back(pool.div(poly_expr(pool, B, x), poly_expr(pool, Dm, x)));
    Dm = Dm2;
  }
  // H/Ds: split off a polynomial part again (none in exact arithmetic, but cheap to be sure).
  {
    QP q, r;
    fmpq_poly_divrem(q.v, r.v, H.v, Ds.v);
    if (!q.zero()) {
      QP qi;
      fmpq_poly_integral(qi.v, q.v);
      terms.push_back(poly_expr(pool, qi, x));
    }
    H = r;
  }
  if (H.zero()) return pool.add(terms);

  // Lazard-Rioboo-Trager on H/Ds (Ds square-free, deg H < deg Ds).
  const std::size_t before_log_part = terms.size();
  const QP Res = lrt_resultant(Ds, H);
  if (Res.zero()) return std::nullopt;
  fmpz_poly_t Rz;
  fmpz_poly_init(Rz);
  fmpq_poly_get_numerator(Rz, Res.v);
  fmpz_poly_factor_t fac;
  fmpz_poly_factor_init(fac);
  fmpz_poly_factor(fac, Rz);
  const QP Dsp = deriv(Ds);
  bool ok = true;
  for (slong i = 0; i < fac->num && ok; ++i) {
    QP q;
    fmpq_poly_set_fmpz_poly(q.v, fac->p + i);
    const long dq = q.deg();
    if (dq <= 0) continue;
    if (dq == 1) {
      // a = -q0/q1: gcd over Q.
      const mpq_class a = -coeff(q, 0) / coeff(q, 1);
      QP aDp, Fq;
      Fmpq ac;
      to_fmpq(ac.v, a);
      fmpq_poly_scalar_mul_fmpq(aDp.v, Dsp.v, ac.v);
      const QP S = gcd(Ds, sub(H, aDp));
      if (S.deg() < 1) continue;
      terms.push_back(pool.mul(num(pool, a), pool.func(Op::Log, primitive_expr(pool, S, x))));
      continue;
    }
    if (dq > 2) {
      ok = false;  // RootSum over the roots of q
      break;
    }
    Field K;
    K.q = q;
    KPoly a(static_cast<std::size_t>(Ds.deg() + 1)), b(static_cast<std::size_t>(std::max(H.deg(), Dsp.deg()) + 1));
    for (long k = 0; k <= Ds.deg(); ++k) {
      Fmpq v;
      fmpq_poly_get_coeff_fmpq(v.v, Ds.v, k);
      fmpq_poly_set_coeff_fmpq(a[static_cast<std::size_t>(k)].v, 0, v.v);
    }
    for (std::size_t k = 0; k < b.size(); ++k) {
      QP c;
      Fmpq v;
      fmpq_poly_get_coeff_fmpq(v.v, H.v, static_cast<slong>(k));
      fmpq_poly_set_coeff_fmpq(c.v, 0, v.v);
      fmpq_poly_get_coeff_fmpq(v.v, Dsp.v, static_cast<slong>(k));
      fmpq_neg(v.v, v.v);
      fmpq_poly_set_coeff_fmpq(c.v, 1, v.v);  // H_k - t*Ds'_k
      b[k] = K.reduce(c);
    }
    const KPoly S = kgcd(K, a, b);
    if (S.size() < 2) continue;
    const mpq_class q2 = coeff(q, 2), q1 = coeff(q, 1), q0 = coeff(q, 0);
    const mpq_class disc = q1 * q1 - 4 * q2 * q0;
    const mpq_class u = -q1 / (2 * q2);
    // v = sqrt(|disc|)/(2*q2) as an Expr.
    const ExprId v = pool.mul(num(pool, mpq_class(1) / (2 * q2)), sqrt_rational(pool, abs(disc)));
    // S_k = s0_k + s1_k*t.
    std::vector<mpq_class> s0, s1;
    bool has_t = false;
    for (const QP& c : S) {
      s0.push_back(coeff(c, 0));
      s1.push_back(coeff(c, 1));
      if (s1.back() != 0) has_t = true;
    }
    if (!has_t) {  // both roots share S: (a1 + a2)*log(S) = (2u)*log(S)
      QP Sq;
      for (std::size_t k = 0; k < s0.size(); ++k) {
        Fmpq c;
        to_fmpq(c.v, s0[k]);
        fmpq_poly_set_coeff_fmpq(Sq.v, static_cast<slong>(k), c.v);
      }
      terms.push_back(pool.mul(num(pool, 2 * u), pool.func(Op::Log, primitive_expr(pool, Sq, x))));
      continue;
    }
    if (disc > 0) {
      for (int sgn : {1, -1}) {
        const ExprId root = pool.add(num(pool, u), pool.mul(pool.integer(sgn), v));
        std::vector<ExprId> st;
        for (std::size_t k = 0; k < s0.size(); ++k) {
          const ExprId ck = pool.add(num(pool, s0[k]), pool.mul(num(pool, s1[k]), root));
          st.push_back(pool.mul(ck, pool.pow(x, pool.integer(static_cast<long>(k)))));
        }
        terms.push_back(pool.mul(root, pool.func(Op::Log, expand(pool, pool.add(st)))));
      }
      continue;
    }
    // Complex conjugate roots u +- i*v: S = P + i*Q.
    // P/Q is unchanged when both are scaled: make P's coefficients coprime integers.
    std::vector<mpq_class> pc(s0.size()), qc(s0.size());
    mpz_class g = 0, l = 1;
    for (std::size_t k = 0; k < s0.size(); ++k) {
      pc[k] = s0[k] + s1[k] * u;
      qc[k] = s1[k];
      mpz_gcd(g.get_mpz_t(), g.get_mpz_t(), pc[k].get_num_mpz_t());
      mpz_lcm(l.get_mpz_t(), l.get_mpz_t(), pc[k].get_den_mpz_t());
    }
    if (g != 0) {
      mpq_class scale(l, g);
      scale.canonicalize();
      for (std::size_t k = 0; k < s0.size(); ++k) {
        pc[k] *= scale;
        qc[k] *= scale;
      }
    }
    std::vector<ExprId> pt, qt;
    for (std::size_t k = 0; k < s0.size(); ++k) {
      const ExprId xk = pool.pow(x, pool.integer(static_cast<long>(k)));
      pt.push_back(pool.mul(num(pool, pc[k]), xk));
      qt.push_back(mul3(pool, pool.number(Number(qc[k])), v, xk));
    }
    const ExprId Pe = expand(pool, pool.add(pt)), Qe = expand(pool, pool.add(qt));
    // P**2 + Q**2 with v**2 = |disc|/(4 q2**2), as a primitive integer polynomial.
    const mpq_class v2 = abs(disc) / (4 * q2 * q2);
    QP magp;
    for (std::size_t i = 0; i < pc.size(); ++i)
      for (std::size_t j = 0; j < pc.size(); ++j) {
        const mpq_class c = coeff(magp, static_cast<long>(i + j)) + pc[i] * pc[j] + qc[i] * qc[j] * v2;
        Fmpq cf;
        to_fmpq(cf.v, c);
        fmpq_poly_set_coeff_fmpq(magp.v, static_cast<slong>(i + j), cf.v);
      }
    const ExprId mag = primitive_expr(pool, magp, x);
    if (u != 0) terms.push_back(pool.mul(num(pool, u), pool.func(Op::Log, mag)));
    terms.push_back(mul3(pool, pool.integer(2), v, pool.func(Op::Atan, pool.div(Pe, Qe))));
  }
  fmpz_poly_factor_clear(fac);
  fmpz_poly_clear(Rz);
  if (!ok) {  // a factor of degree >= 3: the roots of Ds in radicals when Ds divides x**N - a
    auto part = radical_log_part(pool, Ds, H, x);
    if (!part) return std::nullopt;
    terms.resize(before_log_part);
    terms.insert(terms.end(), part->begin(), part->end());
  }
  return pool.add(terms);
}

}  // namespace alkahest
