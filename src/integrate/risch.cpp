// The transcendental Risch algorithm for the first level of the tower (Bronstein, Symbolic
// Integration I, ch. 5-6): integrands in Q(x, t) with t = exp(a) or t = log(a), a in Q(x)
// nonconstant (then t is transcendental over Q(x) and Q(x, t) has no new constants). The result is
// a decision: an antiderivative, a proof that none is elementary, or "undecided" where a piece is
// beyond what is built here (parameters, towers, algebraic residues whose logs cannot be written).
//
//   f = A/D in K(t), K = Q(x), with the derivation D x = 1, D t = a' t (exp) or a'/a (log).
//   1. D = t^m * Dn with t not dividing Dn (exp; for log m = 0): partial fractions split f into a
//      Laurent polynomial in t and R/Dn with deg R < deg Dn (Dn normal: gcd(Dn, D Dn) = 1 for its
//      square-free part).
//   2. Hermite reduction in K[t] (HermiteReduce, 5.3): R/Dn = D g + h + (polynomial), h with a
//      square-free normal denominator d.
//   3. Residue criterion (5.6): the roots of R(z) = res_t(d, num(h) - z D d) must all be constants
//      (monic R in Q[z]); otherwise f has no elementary integral. The log part is the sum over the
//      roots c of c log gcd(d, num(h) - c D d); what is left of h is in K[t] (for exp, in K).
//   4. The polynomial part:
//      exp: for each power t^k, k != 0, the Risch differential equation y' + k a' y = p_k must
//           have a solution y in Q(x) (weak normalisation holds as k a' has no simple poles;
//           denominator bound, degree bound, undetermined coefficients); if one has none, f has no
//           elementary integral. t^0: an integral in Q(x), always elementary.
//      log: from the leading coefficient down, limited integration a_m = D b + c D t with b in
//           Q(x), c in Q; if it has no solution, f has no elementary integral. The constant term:
//           an integral in Q(x).
// Everything elementary is assembled and checked by differentiation (check_antiderivative); a
// result that fails the check is reported undecided, never returned.
#include <algorithm>
#include <functional>
#include <initializer_list>
#include <type_traits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "alkahest/calculus.hpp"
#include "alkahest/integrate.hpp"
#include "alkahest/poly.hpp"
#include "alkahest/walk.hpp"
#include "integrate/integrator.hpp"

#include <flint/fmpq_poly.h>

namespace alkahest {

namespace risch_detail {

using Q = mpq_class;

// ---- polynomials over a field F (coefficients of t^0, t^1, ...; no trailing zeros) ----

inline bool is_zero(const Q& q) { return sgn(q) == 0; }

template <class F>
struct Poly {
  std::vector<F> c;
  long deg() const { return static_cast<long>(c.size()) - 1; }
  bool zero() const { return c.empty(); }
  const F& lc() const { return c.back(); }
  void trim() {
    while (!c.empty() && is_zero(c.back())) c.pop_back();
  }
  static Poly constant(const F& a) {
    Poly p;
    if (!is_zero(a)) p.c.push_back(a);
    return p;
  }
  static Poly monomial(const F& a, long k) {
    Poly p;
    if (is_zero(a)) return p;
    p.c.assign(static_cast<std::size_t>(k + 1), F(0));
    p.c[static_cast<std::size_t>(k)] = a;
    return p;
  }
  F coeff(long k) const { return k >= 0 && k <= deg() ? c[static_cast<std::size_t>(k)] : F(0); }
};

template <class F>
bool operator==(const Poly<F>& a, const Poly<F>& b) {
  return a.c == b.c;
}

template <class F>
Poly<F> operator+(const Poly<F>& a, const Poly<F>& b) {
  Poly<F> r;
  r.c.resize(std::max(a.c.size(), b.c.size()), F(0));
  for (std::size_t i = 0; i < a.c.size(); ++i) r.c[i] = r.c[i] + a.c[i];
  for (std::size_t i = 0; i < b.c.size(); ++i) r.c[i] = r.c[i] + b.c[i];
  r.trim();
  return r;
}
template <class F>
Poly<F> operator-(const Poly<F>& a) {
  Poly<F> r = a;
  for (auto& x : r.c) x = -x;
  return r;
}
template <class F>
Poly<F> operator-(const Poly<F>& a, const Poly<F>& b) {
  return a + (-b);
}
template <class F>
Poly<F> operator*(const Poly<F>& a, const Poly<F>& b) {
  Poly<F> r;
  if (a.zero() || b.zero()) return r;
  r.c.assign(a.c.size() + b.c.size() - 1, F(0));
  for (std::size_t i = 0; i < a.c.size(); ++i) {
    if (is_zero(a.c[i])) continue;
    for (std::size_t j = 0; j < b.c.size(); ++j) r.c[i + j] = r.c[i + j] + a.c[i] * b.c[j];
  }
  r.trim();
  return r;
}
template <class F>
Poly<F> scale(const std::type_identity_t<F>& s, const Poly<F>& a) {
  Poly<F> r;
  if (is_zero(s)) return r;
  r.c.reserve(a.c.size());
  for (const auto& x : a.c) r.c.push_back(s * x);
  r.trim();
  return r;
}
template <class F>
std::pair<Poly<F>, Poly<F>> divrem(const Poly<F>& a, const Poly<F>& b) {
  if (b.zero()) throw DivisionByZero("risch: polynomial division by zero");
  Poly<F> q, r = a;
  if (a.deg() < b.deg()) return {q, r};
  q.c.assign(static_cast<std::size_t>(a.deg() - b.deg() + 1), F(0));
  const F inv = F(1) / b.lc();
  while (!r.zero() && r.deg() >= b.deg()) {
    const long k = r.deg() - b.deg();
    const F s = r.lc() * inv;
    q.c[static_cast<std::size_t>(k)] = s;
    for (long i = 0; i <= b.deg(); ++i) {
      auto& ri = r.c[static_cast<std::size_t>(i + k)];
      ri = ri - s * b.c[static_cast<std::size_t>(i)];
    }
    r.c.back() = F(0);  // exactly cancelled
    r.trim();
  }
  q.trim();
  return {q, r};
}
template <class F>
Poly<F> monic(const Poly<F>& a) {
  if (a.zero()) return a;
  return scale(F(1) / a.lc(), a);
}
template <class F>
Poly<F> gcd(Poly<F> a, Poly<F> b) {
  while (!b.zero()) {
    Poly<F> r = divrem(a, b).second;
    a = std::move(b);
    b = std::move(r);
  }
  return monic(a);
}
/// (s, t, g): s a + t b = g = gcd(a, b) (monic).
template <class F>
std::tuple<Poly<F>, Poly<F>, Poly<F>> ext_euclid(const Poly<F>& a, const Poly<F>& b) {
  Poly<F> r0 = a, r1 = b, s0 = Poly<F>::constant(F(1)), s1, t0, t1 = Poly<F>::constant(F(1));
  while (!r1.zero()) {
    auto [q, r] = divrem(r0, r1);
    Poly<F> s2 = s0 - q * s1, t2 = t0 - q * t1;
    r0 = std::move(r1);
    r1 = std::move(r);
    s0 = std::move(s1);
    s1 = std::move(s2);
    t0 = std::move(t1);
    t1 = std::move(t2);
  }
  if (r0.zero()) return {s0, t0, r0};
  const F inv = F(1) / r0.lc();
  return {scale(inv, s0), scale(inv, t0), scale(inv, r0)};
}
/// (s, t) with s a + t b = c and deg s < deg b; nullopt when gcd(a, b) does not divide c.
template <class F>
std::optional<std::pair<Poly<F>, Poly<F>>> solve_bezout(const Poly<F>& a, const Poly<F>& b, const Poly<F>& c) {
  auto [s, t, g] = ext_euclid(a, b);
  auto [q, r] = divrem(c, g);
  if (!r.zero()) return std::nullopt;
  s = q * s;
  t = q * t;
  if (!s.zero() && s.deg() >= b.deg()) {
    auto [q2, r2] = divrem(s, b);
    s = r2;
    t = t + q2 * a;
  }
  return std::make_pair(s, t);
}
template <class F>
Poly<F> exact_div(const Poly<F>& a, const Poly<F>& b) {
  auto [q, r] = divrem(a, b);
  if (!r.zero()) throw std::runtime_error("risch: inexact division");
  return q;
}
/// d/dt, the formal derivative.
template <class F>
Poly<F> formal_derivative(const Poly<F>& a) {
  Poly<F> r;
  for (long i = 1; i <= a.deg(); ++i) r.c.push_back(F(i) * a.c[static_cast<std::size_t>(i)]);
  r.trim();
  return r;
}
/// Yun: monic a = prod out[i]**(i + 1), the out[i] square-free and coprime.
template <class F>
std::vector<Poly<F>> squarefree(const Poly<F>& a0) {
  std::vector<Poly<F>> out;
  const Poly<F> a = monic(a0);
  if (a.deg() < 1) return out;
  const Poly<F> da = formal_derivative(a);
  Poly<F> g = gcd(a, da);
  Poly<F> b = exact_div(a, g), c = exact_div(da, g);
  Poly<F> dd = c - formal_derivative(b);
  while (b.deg() > 0) {
    Poly<F> s = gcd(b, dd);
    out.push_back(s);
    b = exact_div(b, s);
    c = exact_div(dd, s);
    dd = c - formal_derivative(b);
  }
  while (!out.empty() && out.back().deg() == 0) out.pop_back();
  return out;
}

// ---- Q[x]: the generic code, with FLINT doing the products, divisions and gcds ----

using QX = Poly<Q>;

/// The work budget of one decision: Q(x) normalisations and the size of the numbers met. Past it
/// the procedure stops with "undecided" (deterministic: the same on every machine).
struct Undecided : std::runtime_error {
  using std::runtime_error::runtime_error;
};
constexpr long kMaxDegT = 16, kMaxDegX = 80, kMaxUnknowns = 240;
constexpr long kMaxNormalizations = 200'000, kMaxBits = 8'000;
thread_local long normalizations = 0;

class FQ {  // an fmpq_poly, converted from and to QX
 public:
  FQ() { fmpq_poly_init(v); }
  explicit FQ(const QX& p) {
    fmpq_poly_init(v);
    for (long i = 0; i <= p.deg(); ++i) fmpq_poly_set_coeff_mpq(v, i, p.c[static_cast<std::size_t>(i)].get_mpq_t());
  }
  FQ(const FQ&) = delete;
  FQ& operator=(const FQ&) = delete;
  ~FQ() { fmpq_poly_clear(v); }
  QX get() const {
    QX p;
    const long d = fmpq_poly_degree(v);
    p.c.assign(static_cast<std::size_t>(d + 1), Q(0));
    for (long i = 0; i <= d; ++i) fmpq_poly_get_coeff_mpq(p.c[static_cast<std::size_t>(i)].get_mpq_t(), v, i);
    p.trim();
    return p;
  }
  fmpq_poly_t v;
};

inline QX operator*(const QX& a, const QX& b) {
  if (a.zero() || b.zero()) return QX();
  if (a.deg() == 0 || b.deg() == 0) {
    const bool ac = a.deg() == 0;
    return scale<Q>(ac ? a.c[0] : b.c[0], ac ? b : a);
  }
  FQ fa(a), fb(b), r;
  fmpq_poly_mul(r.v, fa.v, fb.v);
  return r.get();
}
inline std::pair<QX, QX> divrem(const QX& a, const QX& b) {
  if (b.zero()) throw DivisionByZero("risch: polynomial division by zero");
  if (a.deg() < b.deg()) return {QX(), a};
  FQ fa(a), fb(b), q, r;
  fmpq_poly_divrem(q.v, r.v, fa.v, fb.v);
  return {q.get(), r.get()};
}
inline QX gcd(const QX& a, const QX& b) {
  if (a.zero()) return monic(b);
  if (b.zero()) return monic(a);
  if (a.deg() == 0 || b.deg() == 0) return QX::constant(Q(1));
  FQ fa(a), fb(b), g;
  fmpq_poly_gcd(g.v, fa.v, fb.v);  // monic
  return g.get();
}

void check_bits(const QX& p) {
  for (const Q& q : p.c)
    if (static_cast<long>(mpz_sizeinbase(q.get_num_mpz_t(), 2) + mpz_sizeinbase(q.get_den_mpz_t(), 2)) > kMaxBits)
      throw Undecided("coefficients too large");
}

// ---- Q(x): fractions of Poly<Q> in lowest terms, monic denominator ----

struct RF {
  QX n, d;
  RF() : d(QX::constant(Q(1))) {}
  RF(long v) : n(QX::constant(Q(v))), d(QX::constant(Q(1))) {}  // NOLINT: a constant
  RF(const Q& v) : n(QX::constant(v)), d(QX::constant(Q(1))) {}  // NOLINT
  RF(QX num, QX den) : n(std::move(num)), d(std::move(den)) { normalize(); }
  void normalize() {
    if (d.zero()) throw DivisionByZero("risch: division by zero in Q(x)");
    if (++normalizations > kMaxNormalizations) throw Undecided("work budget spent");
    if (n.deg() > 4 * kMaxDegX || d.deg() > 4 * kMaxDegX) throw Undecided("degree in x too large");
    if (n.zero()) {
      d = QX::constant(Q(1));
      return;
    }
    if (d.deg() > 0) {
      QX g = gcd(n, d);
      if (g.deg() > 0) {
        n = exact_div(n, g);
        d = exact_div(d, g);
      }
    }
    const Q l = d.lc();
    if (l != 1) {
      n = scale(Q(1) / l, n);
      d = scale(Q(1) / l, d);
    }
    check_bits(n);
    check_bits(d);
  }
  bool is_const() const { return n.deg() <= 0 && d.deg() == 0; }
  Q const_value() const { return n.zero() ? Q(0) : n.c[0]; }
};
inline bool is_zero(const RF& a) { return a.n.zero(); }
inline bool operator==(const RF& a, const RF& b) { return a.n == b.n && a.d == b.d; }
inline RF operator+(const RF& a, const RF& b) {
  if (a.n.zero()) return b;
  if (b.n.zero()) return a;
  if (a.d == b.d) return RF(a.n + b.n, a.d);
  return RF(a.n * b.d + b.n * a.d, a.d * b.d);
}
inline RF operator-(const RF& a) {
  RF r = a;
  r.n = -r.n;
  return r;
}
inline RF operator-(const RF& a, const RF& b) { return a + (-b); }
inline RF operator*(const RF& a, const RF& b) {
  if (a.n.zero() || b.n.zero()) return RF();
  return RF(a.n * b.n, a.d * b.d);
}
inline RF operator/(const RF& a, const RF& b) {
  if (b.n.zero()) throw DivisionByZero("risch: division by zero in Q(x)");
  return RF(a.n * b.d, a.d * b.n);
}
inline RF dx(const RF& a) {
  if (a.n.zero()) return a;
  return RF(formal_derivative(a.n) * a.d - a.n * formal_derivative(a.d), a.d * a.d);
}
inline RF rf(const QX& p) { return RF(p, QX::constant(Q(1))); }

using KT = Poly<RF>;  // Q(x)[t]

// ---- Q(x)(c), c a root of the irreducible z**2 - p z - q over Q: a + b c with a, b in Q(x) ----

struct QuadraticModulus {
  Q p, q;
};
thread_local QuadraticModulus modulus;

struct QA {
  RF a, b;
  QA() = default;
  QA(long v) : a(v) {}  // NOLINT: a constant
  QA(const Q& v) : a(v) {}  // NOLINT
  QA(RF a_, RF b_) : a(std::move(a_)), b(std::move(b_)) {}
};
inline bool is_zero(const QA& x) { return is_zero(x.a) && is_zero(x.b); }
inline bool operator==(const QA& x, const QA& y) { return x.a == y.a && x.b == y.b; }
inline QA operator+(const QA& x, const QA& y) { return QA(x.a + y.a, x.b + y.b); }
inline QA operator-(const QA& x) { return QA(-x.a, -x.b); }
inline QA operator-(const QA& x, const QA& y) { return QA(x.a - y.a, x.b - y.b); }
inline QA operator*(const QA& x, const QA& y) {
  // c**2 = p c + q
  const RF bb = x.b * y.b;
  return QA(x.a * y.a + bb * RF(modulus.q), x.a * y.b + x.b * y.a + bb * RF(modulus.p));
}
inline QA conj(const QA& x) { return QA(x.a + x.b * RF(modulus.p), -x.b); }  // c -> p - c
inline QA operator/(const QA& x, const QA& y) {
  const QA yc = conj(y);
  const QA n = y * yc;  // the norm, in Q(x)
  if (!is_zero(n.b) || is_zero(n.a)) throw DivisionByZero("risch: division by zero in Q(x)(c)");
  const QA r = x * yc;
  return QA(r.a / n.a, r.b / n.a);
}
using KA = Poly<QA>;  // Q(x)(c)[t]

KA lift(const KT& p) {
  KA r;
  for (const auto& c : p.c) r.c.emplace_back(c, RF());
  return r;
}
std::pair<KT, KT> parts(const KA& p) {  // p = A + c B
  KT A, B;
  for (const auto& c : p.c) {
    A.c.push_back(c.a);
    B.c.push_back(c.b);
  }
  A.trim();
  B.trim();
  return {A, B};
}
KA combine(const KT& A, const KT& B) {
  KA r;
  r.c.assign(std::max(A.c.size(), B.c.size()), QA());
  for (std::size_t i = 0; i < A.c.size(); ++i) r.c[i].a = A.c[i];
  for (std::size_t i = 0; i < B.c.size(); ++i) r.c[i].b = B.c[i];
  r.trim();
  return r;
}


void check_size(const KT& p) {
  if (p.deg() > kMaxDegT) throw Undecided("degree in t too large");
  for (const auto& c : p.c)
    if (c.n.deg() > kMaxDegX || c.d.deg() > kMaxDegX) throw Undecided("degree in x too large");
}

// ---- Hermite reduction over F[t] with a derivation D (HermiteReduce, Bronstein 5.3) ----

template <class F>
struct Hermite {
  Poly<F> gn, gd;  // g = gn/gd
  Poly<F> hn, hd;  // h = hn/hd, hd square-free, deg hn < deg hd
  Poly<F> poly;    // polynomial part
};

/// a/d with d normal (gcd of its square-free part with its derivative 1), deg a < deg d or not.
template <class F>
Hermite<F> hermite_reduce(Poly<F> a, Poly<F> d, const std::function<Poly<F>(const Poly<F>&)>& D) {
  Hermite<F> out;
  out.gd = Poly<F>::constant(F(1));
  // d monic
  const F l = d.lc();
  a = scale(F(1) / l, a);
  d = monic(d);
  const std::vector<Poly<F>> sq = squarefree(d);
  auto add_g = [&](const Poly<F>& bn, const Poly<F>& bd) {
    if (bn.zero()) return;
    Poly<F> n = out.gn * bd + bn * out.gd, dd = out.gd * bd;
    Poly<F> g = gcd(n, dd);
    if (!n.zero() && g.deg() > 0) {
      n = exact_div(n, g);
      dd = exact_div(dd, g);
    }
    out.gn = n;
    out.gd = dd;
  };
  for (std::size_t k = 1; k < sq.size(); ++k) {  // multiplicity i = k + 1
    const long i = static_cast<long>(k) + 1;
    const Poly<F>& v = sq[k];
    if (v.deg() <= 0) continue;
    Poly<F> vi = Poly<F>::constant(F(1));
    for (long e = 0; e < i; ++e) vi = vi * v;
    const Poly<F> u = exact_div(d, vi);
    const Poly<F> Dv = D(v);
    for (long j = i - 1; j >= 1; --j) {
      auto bc = solve_bezout(u * Dv, v, scale(F(-1) / F(j), a));
      if (!bc) throw std::runtime_error("risch: Hermite reduction: u Dv and v not coprime");
      const auto& [b, c] = *bc;
      Poly<F> vj = Poly<F>::constant(F(1));
      for (long e = 0; e < j; ++e) vj = vj * v;
      add_g(b, vj);
      a = scale(F(-j), c) - u * D(b);
    }
    d = u * v;
  }
  auto [q, r] = divrem(a, d);
  out.poly = q;
  Poly<F> g = gcd(r, d);
  if (!r.zero() && g.deg() > 0) {
    r = exact_div(r, g);
    d = exact_div(d, g);
  }
  out.hn = r;
  out.hd = d;
  return out;
}

// ---- conversions between Expr and the polynomial types ----

class Ctx {
 public:
  Ctx(ExprPool& p, ExprId x_, ExprId T_) : pool(p), x(x_), T(T_) {}
  ExprPool& pool;
  ExprId x, T;

  ExprId num(const Q& q) { return pool.number(Number(q)); }
  ExprId expr(const Q& q) { return num(q); }
  ExprId expr(const QX& p) { return sum_of_powers(p, x); }
  ExprId expr(const RF& a) { return pool.div(expr(a.n), expr(a.d)); }
  ExprId expr(const KT& p) { return sum_of_powers(p, T); }
  /// sum c_i * var**i over the nonzero coefficients of p (Q[x] in x, K[t] in t).
  template <class Poly>
  ExprId sum_of_powers(const Poly& p, ExprId var) {
    std::vector<ExprId> terms;
    for (long i = 0; i <= p.deg(); ++i) {
      const auto& c = p.c[static_cast<std::size_t>(i)];
      if (is_zero(c)) continue;
      terms.push_back(pool.mul(expr(c), pool.pow(var, pool.integer(i))));
    }
    return pool.add(terms);
  }
  /// p with its coefficients' denominators cleared: (multiplier L in Q[x], L*p in Q[x][t]).
  std::pair<QX, std::vector<QX>> cleared(const KT& p) {
    QX L = QX::constant(Q(1));
    for (const auto& c : p.c)
      if (!c.n.zero()) L = exact_div(L * c.d, gcd(L, c.d));
    std::vector<QX> out;
    for (const auto& c : p.c) out.push_back(c.n.zero() ? QX() : c.n * exact_div(L, c.d));
    return {L, out};
  }
  ExprId expr_poly(const std::vector<QX>& cs, ExprId var) {
    std::vector<ExprId> terms;
    for (std::size_t i = 0; i < cs.size(); ++i)
      if (!cs[i].zero()) terms.push_back(pool.mul(expr(cs[i]), pool.pow(var, pool.integer(static_cast<long>(i)))));
    return pool.add(terms);
  }

  /// An expanded polynomial in x with rational coefficients, or nullopt.
  std::optional<QX> to_qx(ExprId e) {
    auto cs = coefficients_in(pool, e, x, kMaxDegX);
    if (!cs) return std::nullopt;
    QX p;
    for (ExprId c : *cs) {
      const Node& n = pool.node(c);
      if (n.kind != Kind::Number || n.number.is_float()) return std::nullopt;
      p.c.push_back(n.number.to_mpq());
    }
    p.trim();
    return p;
  }
  std::optional<RF> to_rf(ExprId e) {
    const ExprId c = cancel(pool, e);
    auto [n, d] = integrate_detail::num_den(pool, c);
    auto pn = to_qx(n), pd = to_qx(d);
    if (!pn || !pd || pd->zero()) return std::nullopt;
    return RF(*pn, *pd);
  }
  /// A polynomial in T and x: coefficients in T, each in Q[x].
  std::optional<KT> to_kt(ExprId e) {
    auto cs = coefficients_in(pool, e, T, kMaxDegT);
    if (!cs) return std::nullopt;
    KT p;
    for (ExprId c : *cs) {
      auto q = to_qx(c);
      if (!q) return std::nullopt;
      p.c.push_back(rf(*q));
    }
    p.trim();
    return p;
  }
};

// ---- the Risch differential equation y' + f y = g over Q(x) (Bronstein ch. 6) ----

/// A solution q in Q[x] of A q' + B q = C, by a degree bound and undetermined coefficients.
std::optional<QX> poly_rde(QX A, QX B, QX C) {
  if (C.zero()) return QX();
  {
    const QX g = gcd(A, B);
    if (g.deg() > 0) {
      auto [q, r] = divrem(C, g);
      if (!r.zero()) return std::nullopt;
      A = exact_div(A, g);
      B = exact_div(B, g);
      C = q;
    }
  }
  const long da = A.deg(), db = B.deg(), dc = C.deg();
  long n = std::max(dc - db, dc - da + 1);
  if (!B.zero() && db == da - 1) {
    const Q m = -B.lc() / A.lc();
    if (m.get_den() == 1 && sgn(m) >= 0) n = std::max(n, static_cast<long>(m.get_num().get_si()));
  }
  if (B.zero()) n = std::max(n, dc - da + 1);
  if (n < 0) return std::nullopt;
  if (n + 1 > kMaxUnknowns) throw Undecided("RDE degree bound too large");
  // Columns: A (x^i)' + B x^i for i = 0..n.
  const long rows = std::max({da + n, (B.zero() ? 0 : db + n), dc}) + 1;
  std::vector<std::vector<Q>> M(static_cast<std::size_t>(rows), std::vector<Q>(static_cast<std::size_t>(n + 2), Q(0)));
  for (long i = 0; i <= n; ++i) {
    QX col = B * QX::monomial(Q(1), i);
    if (i > 0) col = col + A * QX::monomial(Q(i), i - 1);
    for (long r = 0; r <= col.deg(); ++r) M[static_cast<std::size_t>(r)][static_cast<std::size_t>(i)] = col.c[static_cast<std::size_t>(r)];
  }
  for (long r = 0; r <= dc; ++r) M[static_cast<std::size_t>(r)][static_cast<std::size_t>(n + 1)] = C.c[static_cast<std::size_t>(r)];
  // Gaussian elimination.
  const std::size_t cols = static_cast<std::size_t>(n + 1);
  std::vector<long> pivot_col;
  std::size_t row = 0;
  for (std::size_t col = 0; col < cols && row < M.size(); ++col) {
    std::size_t p = row;
    while (p < M.size() && is_zero(M[p][col])) ++p;
    if (p == M.size()) continue;
    std::swap(M[p], M[row]);
    const Q inv = Q(1) / M[row][col];
    for (auto& v : M[row]) v *= inv;
    for (std::size_t r = 0; r < M.size(); ++r) {
      if (r == row || is_zero(M[r][col])) continue;
      const Q f = M[r][col];
      for (std::size_t k = col; k <= cols; ++k) M[r][k] -= f * M[row][k];
    }
    pivot_col.push_back(static_cast<long>(col));
    ++row;
  }
  for (std::size_t r = row; r < M.size(); ++r)
    if (!is_zero(M[r][cols])) return std::nullopt;  // inconsistent
  QX q;
  q.c.assign(cols, Q(0));
  for (std::size_t r = 0; r < pivot_col.size(); ++r) q.c[static_cast<std::size_t>(pivot_col[r])] = M[r][cols];
  q.trim();
  // Exact check.
  if (!(A * formal_derivative(q) + B * q == C)) return std::nullopt;
  return q;
}

/// y in Q(x) with y' + f y = g, f weakly normalised (here f = (k a)' has no simple poles), or
/// nullopt when there is none.
std::optional<RF> rde(const RF& f, const RF& g) {
  if (is_zero(g)) return RF();
  // Denominator bound (RdeNormalDenominator; over Q(x) every polynomial is normal).
  const QX& dn = f.d;
  const QX& en = g.d;
  const QX p = gcd(dn, en);
  const QX h = exact_div(gcd(en, formal_derivative(en)), gcd(p, formal_derivative(p)));
  const QX A = dn * h;
  const QX B = f.n * h - dn * formal_derivative(h);  // dn h f - dn h'
  const RF Cr = rf(dn * h * h) * g;
  if (Cr.d.deg() > 0) return std::nullopt;  // the bound says any solution has denominator h
  const QX C = scale(Q(1) / Cr.d.lc(), Cr.n);
  auto q = poly_rde(A, B, C);
  if (!q) return std::nullopt;
  RF y(*q, h);
  if (!(dx(y) + f * y == g)) throw std::runtime_error("risch: RDE solution fails its check");
  return y;
}

/// Limited integration in Q(x): a = b' + c eta with b in Q(x), c in Q, eta = (log u)'. nullopt
/// when there is none.
std::optional<std::pair<RF, Q>> limited_integrate(const RF& a, const RF& eta) {
  const std::function<QX(const QX&)> D = [](const QX& p) { return formal_derivative(p); };
  auto [P, r] = divrem(a.n, a.d);
  Hermite<Q> H = hermite_reduce<Q>(r, a.d, D);
  P = P + H.poly;
  Q c(0);
  if (!H.hn.zero()) {
    const RF ratio = RF(H.hn, H.hd) / eta;
    if (!ratio.is_const()) return std::nullopt;
    c = ratio.const_value();
  }
  // b = g + integral of P.
  QX iP;
  for (long i = 0; i <= P.deg(); ++i) iP = iP + QX::monomial(P.c[static_cast<std::size_t>(i)] / Q(i + 1), i + 1);
  RF b = RF(H.gn, H.gd) + rf(iP);
  if (!(dx(b) + RF(c) * eta == a)) throw std::runtime_error("risch: limited integration fails its check");
  return std::make_pair(b, c);
}

// ---- the integrand's monomial ----

enum class Kind_ { Exp, Log };

struct Monomial {
  Kind_ kind;
  RF a;         // t = exp(a) or log(a)
  ExprId a_expr;
  ExprId t_expr;
};

}  // namespace risch_detail

using namespace risch_detail;

RischResult risch_integrate(ExprPool& pool, ExprId f, ExprId x) {
  RischResult res;
  res.verdict = RischVerdict::Undecided;
  auto undecided = [&](std::string why) {
    res.verdict = RischVerdict::Undecided;
    res.antiderivative.reset();
    res.reason = std::move(why);
    return res;
  };
  if (pool.node(x).kind != Kind::Symbol) return undecided("the variable is not a symbol");
  normalizations = 0;
  const ExprId f_in = f;
  try {
    // Hyperbolic functions in terms of exp: sinh(u) = (exp(u) - exp(-u))/2, ...
    f = integrate_detail::rebuild(pool, f, [&](ExprId id) -> std::optional<ExprId> {
      const Node& n = pool.node(id);
      if (n.kind != Kind::Func || n.args.size() != 1) return std::nullopt;
      const Op op = n.op;
      const ExprId u = n.args[0];
      if (op != Op::Sinh && op != Op::Cosh && op != Op::Tanh && op != Op::Coth && op != Op::Sech && op != Op::Csch)
        return std::nullopt;
      const ExprId e = pool.func(Op::Exp, u), em = pool.func(Op::Exp, pool.neg(u)), two = pool.integer(2);
      const ExprId e2 = pool.func(Op::Exp, pool.mul(two, u)), one = pool.integer(1);
      switch (op) {
        case Op::Sinh: return pool.div(pool.sub(e, em), two);
        case Op::Cosh: return pool.div(pool.add(e, em), two);
        case Op::Tanh: return pool.div(pool.sub(e2, one), pool.add(e2, one));
        case Op::Coth: return pool.div(pool.add(e2, one), pool.sub(e2, one));
        case Op::Sech: return pool.div(two, pool.add(e, em));
        default: return pool.div(two, pool.sub(e, em));  // csch
      }
    });
    // 1. The monomial: every exp and log of the integrand, with arguments rational in x.
    bool bad = false;
    std::string why;
    std::vector<ExprId> exps, logs;
    any_node(pool, f, [&](ExprId id, const Node& n) {
      switch (n.kind) {
        case Kind::Symbol:
          if (id != x) bad = true, why = "a parameter (only rational coefficients are decided)";
          break;
        case Kind::Number:
          if (n.number.is_float()) bad = true, why = "a float coefficient";
          break;
        case Kind::Constant: bad = true, why = "a symbolic constant"; break;
        case Kind::Add:
        case Kind::Mul: break;
        case Kind::Pow: {
          const Node& e = pool.node(n.args[1]);
          if (e.kind != Kind::Number || !e.number.is_integer()) bad = true, why = "a non-integer power";
          break;
        }
        case Kind::Func:
          if (n.op == Op::Exp && n.args.size() == 1) {
            if (std::find(exps.begin(), exps.end(), n.args[0]) == exps.end()) exps.push_back(n.args[0]);
          } else if (n.op == Op::Log && n.args.size() == 1) {
            if (std::find(logs.begin(), logs.end(), n.args[0]) == logs.end()) logs.push_back(n.args[0]);
          } else {
            bad = true, why = "a function other than exp and log";
          }
          break;
        default: bad = true, why = "an object"; break;
      }
      return bad;
    });
    if (bad) return undecided(why);
    if (exps.empty() && logs.empty()) {
      // A rational function over Q: always elementary (the rational algorithm writes it unless its
      // log part needs the roots of a polynomial of degree >= 3 that are not in radicals).
      res.verdict = RischVerdict::Elementary;
      if (auto F = integrate_rational(pool, f, x); F && check_antiderivative(pool, *F, f_in, x)) {
        res.antiderivative = F;
        res.reason = "elementary (a rational function)";
      } else {
        res.reason = "elementary (a rational function), but its log part needs a RootSum";
      }
      return res;
    }
    if (!exps.empty() && !logs.empty()) return undecided("both exp and log: a tower of height two");
    auto rational_in_x = [&](ExprId e) {
      return !any_node(pool, e, [&](ExprId, const Node& n) { return n.kind == Kind::Func; });
    };
    const ExprId T = pool.symbol("_risch_t");
    Ctx C(pool, x, T);
    Monomial M;
    std::vector<std::pair<ExprId, ExprId>> replace;  // node -> power of T
    if (!exps.empty()) {
      for (ExprId a : exps)
        if (!rational_in_x(a)) return undecided("exp of a non-rational argument (a tower)");
      // exps[i] = n_i * a with integers n_i.
      const ExprId d0 = diff(pool, exps[0], x);
      if (cancel(pool, d0) == pool.integer(0)) return undecided("exp of a constant");
      std::vector<Q> r;
      for (ExprId a : exps) {
        const ExprId ratio = cancel(pool, pool.div(a, exps[0]));
        const Node& n = pool.node(ratio);
        if (n.kind != Kind::Number || n.number.is_float()) return undecided("exp arguments not rational multiples of one");
        r.push_back(n.number.to_mpq());
      }
      mpz_class g = 0, l = 1;
      for (const Q& q : r) {
        mpz_gcd(g.get_mpz_t(), g.get_mpz_t(), q.get_num().get_mpz_t());
        mpz_lcm(l.get_mpz_t(), l.get_mpz_t(), q.get_den().get_mpz_t());
      }
      const Q scale_(g, l);  // a = exps[0] * g / l
      M.kind = Kind_::Exp;
      M.a_expr = cancel(pool, pool.mul(pool.number(Number(scale_)), exps[0]));
      M.t_expr = pool.func(Op::Exp, M.a_expr);
      for (std::size_t i = 0; i < exps.size(); ++i) {
        const Q k = r[i] / scale_;
        if (k.get_den() != 1) return undecided("internal: exponent not an integer");
        replace.emplace_back(pool.func(Op::Exp, exps[i]), pool.pow(T, pool.integer(k.get_num().get_si())));
      }
    } else {
      if (logs.size() != 1) return undecided("logs of several arguments (several monomials)");
      if (!rational_in_x(logs[0])) return undecided("log of a non-rational argument (a tower)");
      M.kind = Kind_::Log;
      M.a_expr = logs[0];
      M.t_expr = pool.func(Op::Log, logs[0]);
      replace.emplace_back(M.t_expr, T);
    }
    {
      auto a = C.to_rf(M.a_expr);
      if (!a) return undecided("the monomial's argument is not in Q(x)");
      M.a = *a;
      if (M.a.is_const()) return undecided("exp or log of a constant");
    }
    const ExprId fT = integrate_detail::rebuild(pool, f, [&](ExprId id) -> std::optional<ExprId> {
      for (const auto& [from, to] : replace)
        if (id == from) return to;
      return std::nullopt;
    });
    if (any_node(pool, fT, [&](ExprId, const Node& n) { return n.kind == Kind::Func; }))
      return undecided("internal: a monomial was not replaced");
    // 2. f = A/D in Q(x)[t].
    const ExprId fc = cancel(pool, fT);
    auto [nE, dE] = integrate_detail::num_den(pool, fc);
    auto An = C.to_kt(nE), Dd = C.to_kt(dE);
    if (!An || !Dd || Dd->zero()) return undecided("not a rational function of x and the monomial (or past the degree limits)");
    check_size(*An);
    check_size(*Dd);
    // The derivation.
    const RF da = dx(M.a);
    const bool is_exp = M.kind == Kind_::Exp;
    const RF eta = is_exp ? RF() : da / M.a;  // D t for log
    const std::function<KT(const KT&)> D = [&](const KT& p) {
      KT r;
      r.c.assign(p.c.size(), RF());
      for (std::size_t i = 0; i < p.c.size(); ++i) {
        RF c = dx(p.c[i]);
        if (is_exp && i > 0) c = c + RF(static_cast<long>(i)) * da * p.c[i];
        r.c[i] = c;
      }
      if (!is_exp) {
        const KT dt = formal_derivative(p);
        for (std::size_t i = 0; i < dt.c.size(); ++i) r.c[i] = r.c[i] + dt.c[i] * eta;
      }
      r.trim();
      return r;
    };
    // 3. Split: Laurent part (exponent -> coefficient) and the normal part R/Dn.
    std::map<long, RF> laurent;
    auto add_laurent = [&](const KT& p, long shift) {
      for (long i = 0; i <= p.deg(); ++i) {
        const RF& c = p.c[static_cast<std::size_t>(i)];
        if (is_zero(c)) continue;
        RF& slot = laurent[i + shift];
        slot = slot + c;
      }
    };
    long m = 0;
    KT Dn = *Dd;
    if (is_exp)
      while (!Dn.zero() && is_zero(Dn.c[0])) {
        Dn.c.erase(Dn.c.begin());
        ++m;
      }
    {
      const RF l = Dn.lc();
      *An = scale(RF(1) / l, *An);
      Dn = monic(Dn);
    }
    KT R;
    if (Dn.deg() == 0) {
      add_laurent(*An, -m);
    } else if (m == 0) {
      auto [q, r] = divrem(*An, Dn);
      add_laurent(q, 0);
      R = r;
    } else {
      auto st = solve_bezout(KT::monomial(RF(1), m), Dn, KT::constant(RF(1)));
      if (!st) return undecided("internal: t^m and the normal part not coprime");
      const auto& [s, tt] = *st;
      auto [q1, r1] = divrem(*An * s, Dn);
      add_laurent(q1, 0);
      add_laurent(*An * tt, -m);
      R = r1;
    }
    // 4. Hermite reduction of R/Dn.
    KT gn, gd = KT::constant(RF(1)), hn, hd = KT::constant(RF(1));
    if (!R.zero()) {
      Hermite<RF> H = hermite_reduce<RF>(R, Dn, D);
      gn = H.gn;
      gd = H.gd;
      hn = H.hn;
      hd = H.hd;
      add_laurent(H.poly, 0);
    }
    // 5. The residue criterion and the log part.
    std::vector<std::pair<Q, KT>> logs_;  // c log(S)
    struct QuadLog {                       // c log(S(c)) + c' log(S(c')), c, c' roots of z**2 - p z - q
      QuadraticModulus m;
      KT A, B;                             // S = A + c B
    };
    std::vector<QuadLog> qlogs;
    bool inexpressible = false;
    std::string inexpressible_why;
    if (!hn.zero()) {
      const KT Dh = D(hd);
      const ExprId z = pool.symbol("_risch_z");
      // res_t(hd, hn - z Dh), both cleared of denominators in x.
      auto [L1, c1] = C.cleared(hd);
      QX L2 = QX::constant(Q(1));
      for (const KT* p : std::initializer_list<const KT*>{&hn, &Dh})
        for (const auto& c : p->c)
          if (!c.n.zero()) L2 = exact_div(L2 * c.d, gcd(L2, c.d));
      auto clear_with = [&](const KT& p) {
        std::vector<QX> out;
        for (const auto& c : p.c) out.push_back(c.n.zero() ? QX() : c.n * exact_div(L2, c.d));
        return out;
      };
      const ExprId E1 = C.expr_poly(c1, T);
      const ExprId E2 = pool.sub(C.expr_poly(clear_with(hn), T), pool.mul(z, C.expr_poly(clear_with(Dh), T)));
      const ExprId Rz = expand(pool, resultant(pool, E1, E2, T));
      auto rc = coefficients_in(pool, Rz, z, 4 * kMaxDegT);
      if (!rc || rc->empty()) return undecided("internal: zero resultant");
      const ExprId lead = rc->back();
      std::vector<Q> r0;
      for (ExprId c : *rc) {
        const ExprId ratio = cancel(pool, pool.div(c, lead));
        const Node& n = pool.node(ratio);
        if (n.kind != Kind::Number) {
          res.verdict = RischVerdict::NonElementary;
          res.reason = "residue criterion: the Rothstein-Trager resultant has a nonconstant root";
          return res;
        }
        r0.push_back(n.number.to_mpq());
      }
      // Roots of R0 in Q[z]: the rational ones give logs; others would need algebraic numbers.
      QX R0;
      R0.c = r0;
      R0.trim();
      // Factor R0 over Q: convert to an Expr in z.
      std::vector<ExprId> terms;
      for (long i = 0; i <= R0.deg(); ++i)
        if (!is_zero(R0.c[static_cast<std::size_t>(i)]))
          terms.push_back(pool.mul(C.num(R0.c[static_cast<std::size_t>(i)]), pool.pow(z, pool.integer(i))));
      const FactorList fz = factor_list(pool, pool.add(terms));
      for (const auto& [fac, mult] : fz.factors) {
        auto cs = coefficients_in(pool, fac, z, 4 * kMaxDegT);
        if (!cs || cs->size() < 2) continue;
        if (cs->size() == 3) {
          // Two conjugate residues: the gcd over Q(x)(c), c**2 = p c + q.
          const Q e0 = pool.node((*cs)[0]).number.to_mpq(), e1 = pool.node((*cs)[1]).number.to_mpq(),
                  e2 = pool.node((*cs)[2]).number.to_mpq();
          modulus = {-e1 / e2, -e0 / e2};
          const KA cz = KA::constant(QA(RF(), RF(1)));
          const KA S = gcd(lift(hd), lift(hn) - cz * lift(Dh));
          if (S.deg() < 1) return undecided("internal: empty gcd for a quadratic residue");
          auto [A, B] = parts(S);
          qlogs.push_back({modulus, A, B});
          continue;
        }
        if (cs->size() > 3) {
          inexpressible = true;
          inexpressible_why = "residues are algebraic numbers of degree " + std::to_string(cs->size() - 1);
          continue;
        }
        const Q c = -pool.node((*cs)[0]).number.to_mpq() / pool.node((*cs)[1]).number.to_mpq();
        const KT S = gcd(hd, hn - scale(RF(c), Dh));
        if (S.deg() < 1) return undecided("internal: empty gcd for a residue");
        logs_.emplace_back(c, S);
      }
      if (!inexpressible) {
        // h - sum c DS/S = (hn - sum c DS (hd/S)) / hd, a polynomial.
        KT num_ = hn;
        for (const auto& [c, S] : logs_) num_ = num_ - scale(RF(c), D(S) * exact_div(hd, S));
        for (const auto& ql : qlogs) {
          // c DS (hd/S) plus its conjugate: 2 a + p b for a + c b.
          modulus = ql.m;
          const KA S = combine(ql.A, ql.B);
          const KA DS = combine(D(ql.A), D(ql.B));
          const KA cz = KA::constant(QA(RF(), RF(1)));
          const auto [Ta, Tb] = parts(cz * DS * exact_div(lift(hd), S));
          num_ = num_ - (scale(RF(2), Ta) + scale(RF(ql.m.p), Tb));
        }
        auto [q, r] = divrem(num_, hd);
        if (!r.zero()) return undecided("internal: the log part leaves a fraction");
        add_laurent(q, 0);
      }
    }
    // 6. The polynomial part.
    std::vector<ExprId> answer;
    RF k_part = laurent.count(0) ? laurent[0] : RF();
    if (is_exp) {
      for (const auto& [k, p] : laurent) {
        if (k == 0 || is_zero(p)) continue;
        auto y = rde(RF(k) * da, p);
        if (!y) {
          res.verdict = RischVerdict::NonElementary;
          res.reason = "the Risch differential equation y' + k*a'*y = p_k (t = exp(a)) has no solution in Q(x) for k = " +
                       std::to_string(k);
          return res;
        }
        answer.push_back(pool.mul(C.expr(*y), pool.pow(M.t_expr, pool.integer(k))));
      }
    } else {
      KT p;
      long top = -1;
      for (const auto& [k, c] : laurent)
        if (k < 0 && !is_zero(c)) return undecided("internal: negative power in the log case");
        else if (!is_zero(c))
          top = std::max(top, k);
      p.c.assign(static_cast<std::size_t>(top + 1), RF());
      for (const auto& [k, c] : laurent)
        if (k >= 0) p.c[static_cast<std::size_t>(k)] = c;
      p.trim();
      KT q;
      while (p.deg() >= 1) {
        const long md = p.deg();
        auto bc = limited_integrate(p.lc(), eta);
        if (!bc) {
          res.verdict = RischVerdict::NonElementary;
          res.reason = "limited integration fails for the coefficient of log**" + std::to_string(md);
          return res;
        }
        const auto& [b, c] = *bc;
        const KT q0 = KT::monomial(RF(c / Q(md + 1)), md + 1) + KT::monomial(b, md);
        q = q + q0;
        p = p - D(q0);
        if (p.deg() >= md) return undecided("internal: limited integration did not lower the degree");
      }
      k_part = p.zero() ? RF() : p.c[0];
      if (!q.zero()) answer.push_back(subs(pool, C.expr(q), {{T, M.t_expr}}));
    }
    if (inexpressible) {
      res.verdict = RischVerdict::Elementary;
      res.reason = "elementary, but " + inexpressible_why + " (the logs are not written)";
      return res;
    }
    // Logs: log of S with denominators cleared; the multiplier's log derivative moves into K.
    for (const auto& [c, S] : logs_) {
      auto [L, cs] = C.cleared(S);
      // The content in x of L*S: divide it out so the log argument is primitive.
      QX content;
      for (const auto& p : cs) content = gcd(content, p);
      std::vector<QX> prim;
      for (const auto& p : cs) prim.push_back(p.zero() ? QX() : exact_div(p, content));
      // log(S) = log(prim) + log(content / L): the log derivative of content/L joins the part in K.
      const RF mult(content, L);
      k_part = k_part + RF(c) * (dx(mult) / mult);
      answer.push_back(pool.mul(C.num(c), pool.func(Op::Log, subs(pool, C.expr_poly(prim, T), {{T, M.t_expr}}))));
    }
    auto rational_sqrt = [&](const Q& r) {  // sqrt(n/d) = sqrt(n d)/d
      const mpz_class nd = r.get_num() * r.get_den();
      return pool.div(pool.sqrt(pool.number(Number(nd))), pool.number(Number(mpz_class(r.get_den()))));
    };
    for (const auto& ql : qlogs) {
      // S = A + c B with denominators in x cleared by L: c log(L S) + c' log(L S') is written, so
      // (c + c') L'/L = p L'/L comes off the part in K.
      QX L = QX::constant(Q(1));
      for (const KT* p : std::initializer_list<const KT*>{&ql.A, &ql.B})
        for (const auto& c : p->c)
          if (!c.n.zero()) L = exact_div(L * c.d, gcd(L, c.d));
      auto clear = [&](const KT& p) {
        std::vector<QX> out;
        for (const auto& c : p.c) out.push_back(c.n.zero() ? QX() : c.n * exact_div(L, c.d));
        return subs(pool, C.expr_poly(out, T), {{T, M.t_expr}});
      };
      const ExprId A = clear(ql.A), B = clear(ql.B);
      const RF Lr = rf(L);
      k_part = k_part - RF(ql.m.p) * (dx(Lr) / Lr);
      const Q disc = ql.m.p * ql.m.p + 4 * ql.m.q;  // roots (p +- sqrt(disc))/2
      const ExprId half_p = C.num(ql.m.p / 2);
      if (sgn(disc) > 0) {
        const ExprId s = rational_sqrt(disc);
        for (int sign : {1, -1}) {
          const ExprId c = pool.add(half_p, pool.mul(pool.number(Number::rational(sign, 2)), s));
          answer.push_back(pool.mul(c, pool.func(Op::Log, pool.add(A, pool.mul(c, B)))));
        }
      } else {
        // c = u + i v: u log(P**2 + Q**2) - 2 v atan(Q/P), S(c) = P + i Q, P = A + u B, Q = v B.
        const ExprId P = pool.add(A, pool.mul(half_p, B));
        const ExprId v = pool.div(rational_sqrt(-disc), pool.integer(2));
        if (sgn(ql.m.p) != 0)
          answer.push_back(pool.mul(half_p, pool.func(Op::Log, pool.add(pool.pow(P, pool.integer(2)),
                                                                             pool.mul(C.num(-disc / 4), pool.pow(B, pool.integer(2)))))));
        // -2 v atan(Q/P) and 2 v atan(P/Q) differ by a constant on each interval: the latter reads
        // better (atan(exp(x)) for exp(x)/(exp(2*x) + 1)).
        answer.push_back(pool.mul(pool.mul(pool.integer(2), v), pool.func(Op::Atan, pool.div(P, pool.mul(v, B)))));
      }
    }
    if (!gn.zero()) answer.push_back(subs(pool, pool.div(C.expr(gn), C.expr(gd)), {{T, M.t_expr}}));
    if (!is_zero(k_part)) {
      auto I = integrate_rational(pool, C.expr(k_part), x);
      if (!I) {
        res.verdict = RischVerdict::Elementary;
        res.reason = "elementary, but the integral of the rational part was not found";
        return res;
      }
      answer.push_back(*I);
    }
    const ExprId F = pool.add(answer);
    if (!check_antiderivative(pool, F, f_in, x)) return undecided("internal: the assembled antiderivative fails its check");
    res.verdict = RischVerdict::Elementary;
    res.antiderivative = F;
    res.reason = "elementary";
    return res;
  } catch (const Undecided& e) {
    return undecided(e.what());
  } catch (const PolyLimitError& e) {
    return undecided(std::string("polynomial limits: ") + e.what());
  } catch (const std::exception& e) {
    return undecided(std::string("internal: ") + e.what());
  }
}

}  // namespace alkahest
