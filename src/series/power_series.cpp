// Arithmetic of truncated power series (power_series.hpp). Coefficients are expressions; where all
// that an operation reads are rational numbers it runs on FLINT's fmpq_poly series functions
// (exp and tan/tanh of Hurwitz series, whose k! a_k are integers, on integer recurrences instead).
// Generic coefficients use the classical O(n^2) recurrences (J. C. P. Miller's for powers, the
// differential equations B' = A'B for exp, (1+A)B' = A' for log, S' = CA', C' = -SA' for sin/cos).
#include "series/power_series.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

#include "alkahest/calculus.hpp"
#include "alkahest/evalf.hpp"
#include "alkahest/poly.hpp"
#include "alkahest/walk.hpp"
#include "poly/flint_compat.hpp"

#include <flint/fmpz_vec.h>

namespace alkahest::series_detail {

namespace {

long sat_add(long a, long b) {
  if (a >= kExact || b >= kExact) return kExact;
  return a + b;
}

struct QP {  // RAII fmpq_poly
  QP() { fmpq_poly_init(v); }
  QP(const QP&) = delete;
  QP& operator=(const QP&) = delete;
  ~QP() { fmpq_poly_clear(v); }
  fmpq_poly_t v;
};

// The coefficients c[from .. from+len) (exact rationals) as an fmpq_poly: the numerators scaled
// to the common denominator at once (setting them one by one rescales the whole polynomial each
// time the denominator grows: O(n^2) big multiplications for 1/k!-like coefficients). With every
// fraction in lowest terms, the least common denominator leaves no common factor: the result is
// canonical as it is.
void to_q(const ExprPool& pool, const std::vector<ExprId>& c, std::size_t from, std::size_t len, fmpq_poly_t out) {
  const std::size_t m = from >= c.size() ? 0 : std::min(len, c.size() - from);
  fmpz_t den, d, k;
  fmpz_init_set_ui(den, 1);
  fmpz_init(d);
  fmpz_init(k);
  for (std::size_t i = 0; i < m; ++i) {
    const Number& n = pool.node(c[from + i]).number;
    if (!n.is_rational()) continue;  // integers and zeros have denominator 1
    fmpz_set_mpz(d, n.rational().get_den_mpz_t());
    if (fmpz_divisible(den, d)) continue;
    if (fmpz_divisible(d, den)) fmpz_swap(den, d);
    else fmpz_lcm(den, den, d);
  }
  fmpq_poly_zero(out);
  fmpq_poly_fit_length(out, static_cast<slong>(m));
  fmpz* coeffs = fmpq_poly_numref(out);
  for (std::size_t i = 0; i < m; ++i) {
    const Number& n = pool.node(c[from + i]).number;
    fmpz* ci = coeffs + i;
    if (n.is_integer()) {
      fmpz_set_mpz(ci, n.integer().get_mpz_t());
      fmpz_mul(ci, ci, den);
    } else {
      fmpz_set_mpz(d, n.rational().get_den_mpz_t());
      fmpz_divexact(k, den, d);
      fmpz_set_mpz(ci, n.rational().get_num_mpz_t());
      fmpz_mul(ci, ci, k);
    }
  }
  _fmpq_poly_set_length(out, static_cast<slong>(m));
  fmpz_swap(fmpq_poly_denref(out), den);
  _fmpq_poly_normalise(out);
  if (fmpq_poly_length(out) == 0) fmpz_one(fmpq_poly_denref(out));
  fmpz_clear(den);
  fmpz_clear(d);
  fmpz_clear(k);
}

// Scratch space of reduced_number, reused for every coefficient of a series.
struct Scratch {
  Scratch() {
    fmpz_init(g);
    fmpz_init(a);
    fmpz_init(b);
    mpz_init(num);
    mpz_init(den);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;
  ~Scratch() {
    fmpz_clear(g);
    fmpz_clear(a);
    fmpz_clear(b);
    mpz_clear(num);
    mpz_clear(den);
  }
  fmpz_t g, a, b;
  mpz_t num, den;
};

// The number num/den, den > 0, as an interned node: reduced by one gcd (Number's mpq constructor
// would compute it again) and written into the number's storage directly.
ExprId reduced_number(ExprPool& pool, const fmpz* num, const fmpz* den, Scratch& t) {
  if (fmpz_is_zero(num)) return pool.integer(0);
  if (fmpz_is_one(den) && fmpz_fits_si(num)) return pool.integer(fmpz_get_si(num));
  fmpz_gcd(t.g, num, den);
  fmpz_divexact(t.a, num, t.g);
  fmpz_divexact(t.b, den, t.g);
  if (fmpz_is_one(t.b) && fmpz_fits_si(t.a)) return pool.integer(fmpz_get_si(t.a));
  fmpz_get_mpz(t.num, t.a);
  fmpz_get_mpz(t.den, t.b);
  return pool.number(Number::from_lowest_terms(t.num, t.den));
}

// The coefficients 0 .. len-1 of p as interned numbers.
std::vector<ExprId> from_q(ExprPool& pool, const fmpq_poly_t p, std::size_t len) {
  std::vector<ExprId> out(len, pool.integer(0));
  const std::size_t have = std::min(len, static_cast<std::size_t>(fmpq_poly_length(p)));
  Scratch t;
  for (std::size_t i = 0; i < have; ++i) out[i] = reduced_number(pool, fmpq_poly_numref(p) + i, fmpq_poly_denref(p), t);
  return out;
}

// ---- Hurwitz form ------------------------------------------------------------------------------
// Many series met in practice (sin x, exp x - 1, log(1 + x), tan x, rational functions with
// integer coefficients, and what exp and tan make of them) have integer values alpha_k = k! a_k:
// they are Hurwitz series, closed under products, derivatives and the equations below. On those
// values the differential equations of exp and tan are recurrences over the integers with
// binomial weights (the product of exponential generating functions):
//   B = exp(A):  B' = A' B           beta_k = sum_{j=1..k} C(k-1, j-1) alpha_j beta_{k-j}
//   T = tan(A):  T' = A' (1 + T^2)   tau_{k+1} = sum_{i=0..k} C(k, i) alpha_{i+1} w_{k-i},
//                                     w_m = [m = 0] + sum_{i=0..m} C(m, i) tau_i tau_{m-i}
// (tanh: 1 - T^2). The integers stay far smaller than the common-denominator numerators of
// FLINT's fmpq_poly exp/tan series (Newton iterations over Q), which is several times slower at
// the lengths series() is asked for; the results are the same coefficients (tests compare both).
// Beyond kHurwitzMaxLen terms the O(n^2) big-integer products lose to Newton's method.
constexpr slong kHurwitzMaxLen = 256;

struct ZVec {  // RAII fmpz vector, zeroed
  explicit ZVec(slong n) : n(n), v(_fmpz_vec_init(n)) {}
  ZVec(const ZVec&) = delete;
  ZVec& operator=(const ZVec&) = delete;
  ~ZVec() { _fmpz_vec_clear(v, n); }
  slong n;
  fmpz* v;
};

// alpha[k] = k! p_k for k < len when every one is an integer; false otherwise.
bool hurwitz_form(const fmpq_poly_t p, slong len, fmpz* alpha) {
  const slong plen = std::min(len, fmpq_poly_length(p));
  fmpz_t f, t;
  fmpz_init_set_ui(f, 1);
  fmpz_init(t);
  bool ok = true;
  for (slong k = 0; k < plen && ok; ++k) {
    if (k > 1) fmpz_mul_ui(f, f, static_cast<ulong>(k));
    const fmpz* c = fmpq_poly_numref(p) + k;
    if (fmpz_is_zero(c)) continue;
    fmpz_mul(t, c, f);
    if (fmpz_divisible(t, fmpq_poly_denref(p))) fmpz_divexact(alpha + k, t, fmpq_poly_denref(p));
    else ok = false;
  }
  fmpz_clear(f);
  fmpz_clear(t);
  return ok;
}

// The coefficients beta_k / k!, k < len, as interned numbers.
std::vector<ExprId> from_hurwitz(ExprPool& pool, const fmpz* beta, slong len) {
  std::vector<ExprId> out(static_cast<std::size_t>(len), pool.integer(0));
  fmpz_t f;
  fmpz_init_set_ui(f, 1);
  Scratch t;
  for (slong k = 0; k < len; ++k) {
    if (k > 1) fmpz_mul_ui(f, f, static_cast<ulong>(k));
    out[static_cast<std::size_t>(k)] = reduced_number(pool, beta + k, f, t);
  }
  fmpz_clear(f);
  return out;
}

// Row of binomial coefficients C(m, 0..m), advanced one m at a time (row[i] holds C(m, i)).
struct BinomialRow {
  explicit BinomialRow(slong len) : row(len + 1) { fmpz_one(row.v); }
  void next() {  // C(m, .) -> C(m + 1, .)
    ++m;
    fmpz_one(row.v + m);
    for (slong i = m - 1; i >= 1; --i) fmpz_add(row.v + i, row.v + i, row.v + i - 1);
  }
  const fmpz* operator[](slong i) const { return row.v + i; }
  ZVec row;
  slong m = 0;
};

// acc += c * alpha * v, with the common alpha = +-1 done without a product.
void addmul3(fmpz_t acc, const fmpz* c, const fmpz* alpha, const fmpz* v, fmpz_t t) {
  if (fmpz_is_one(alpha)) {
    fmpz_mul(t, c, v);
    fmpz_add(acc, acc, t);
  } else if (fmpz_equal_si(alpha, -1)) {
    fmpz_mul(t, c, v);
    fmpz_sub(acc, acc, t);
  } else {
    fmpz_mul(t, c, alpha);
    fmpz_addmul(acc, t, v);
  }
}

// exp(A) for the Hurwitz values alpha of A (alpha_0 = 0), len terms, as coefficients.
std::vector<ExprId> exp_hurwitz(ExprPool& pool, const fmpz* alpha, slong len) {
  ZVec beta(len);
  BinomialRow row(len);  // C(k - 1, .)
  fmpz_t t;
  fmpz_init(t);
  if (len > 0) fmpz_one(beta.v);
  for (slong k = 1; k < len; ++k) {
    if (k > 1) row.next();
    for (slong j = 1; j <= k; ++j)
      if (!fmpz_is_zero(alpha + j)) addmul3(beta.v + k, row[j - 1], alpha + j, beta.v + k - j, t);
  }
  fmpz_clear(t);
  return from_hurwitz(pool, beta.v, len);
}

// tan(A) (tanh(A) when hyperbolic) for the Hurwitz values alpha of A (alpha_0 = 0).
std::vector<ExprId> tan_hurwitz(ExprPool& pool, const fmpz* alpha, slong len, bool hyperbolic) {
  ZVec tau(len), w(len);
  BinomialRow row(len);  // C(k, .)
  fmpz_t t, sq;
  fmpz_init(t);
  fmpz_init(sq);
  for (slong k = 0; k + 1 < len; ++k) {
    if (k > 0) row.next();
    // w_k = [k = 0] +- sum_i C(k, i) tau_i tau_{k-i}, tau_0 = 0; the sum is symmetric in i <-> k - i.
    fmpz_zero(sq);
    for (slong i = 1; 2 * i < k; ++i)
      if (!fmpz_is_zero(tau.v + i) && !fmpz_is_zero(tau.v + k - i)) {
        fmpz_mul(t, tau.v + i, tau.v + k - i);
        fmpz_addmul(sq, t, row[i]);
      }
    fmpz_mul_2exp(sq, sq, 1);
    if (k % 2 == 0 && k > 0 && !fmpz_is_zero(tau.v + k / 2)) {
      fmpz_mul(t, tau.v + k / 2, tau.v + k / 2);
      fmpz_addmul(sq, t, row[k / 2]);
    }
    if (hyperbolic) fmpz_neg(w.v + k, sq);
    else fmpz_swap(w.v + k, sq);
    if (k == 0) fmpz_add_ui(w.v, w.v, 1);
    // tau_{k+1} = sum_i C(k, i) alpha_{i+1} w_{k-i}
    for (slong i = 0; i <= k; ++i)
      if (!fmpz_is_zero(alpha + i + 1)) addmul3(tau.v + k + 1, row[i], alpha + i + 1, w.v + k - i, t);
  }
  fmpz_clear(t);
  fmpz_clear(sq);
  return from_hurwitz(pool, tau.v, len);
}

// Coefficient at exponent e (0 outside what is stored).
ExprId at(Ctx& cx, const PSeries& s, long e) {
  if (e < s.val || e >= s.end()) return cx.zero();
  return s.c[static_cast<std::size_t>(e - s.val)];
}

// Lowest exponent that may carry a nonzero term.
long lo(const PSeries& s) { return s.c.empty() ? s.prec : s.val; }

// Dense coefficients for exponents 0 .. len-1 of a series with no negative exponents.
std::vector<ExprId> dense(Ctx& cx, const PSeries& s, long len) {
  std::vector<ExprId> out(static_cast<std::size_t>(std::max(0L, len)));
  for (long e = 0; e < len; ++e) out[static_cast<std::size_t>(e)] = at(cx, s, e);
  return out;
}

PSeries from_dense(Ctx& cx, std::vector<ExprId> c, long den, long prec) {
  PSeries r;
  r.val = 0;
  r.den = den;
  r.prec = prec;
  r.c = std::move(c);
  truncate(cx, r);
  strip(cx, r);
  return r;
}

bool rational_vec(Ctx& cx, const std::vector<ExprId>& c) {
  for (ExprId e : c)
    if (!cx.is_rational(e)) return false;
  return true;
}

}  // namespace

std::vector<ExprId>& bounded_symbols() {
  thread_local std::vector<ExprId> syms;
  return syms;
}

void check_not_bounded(Ctx& cx, ExprId c0) {
  const std::vector<ExprId>& syms = bounded_symbols();
  if (syms.empty()) return;
  if (any_node(cx.pool, c0, [&](ExprId id, const Node&) { return std::find(syms.begin(), syms.end(), id) != syms.end(); }))
    throw SeriesError("series: a leading coefficient with a bounded oscillating term (it may vanish); not inverted");
}

namespace {

// Series with leading coefficient 1 at exponent 0: a / (c0 u^v), where c0 u^v is a's leading term
// (proved nonzero by normalize).
PSeries unit_part(Ctx& cx, const PSeries& a) {
  check_not_bounded(cx, a.c[0]);
  PSeries u;
  u.den = a.den;
  u.val = 0;
  u.prec = a.exact() ? kExact : a.prec - a.val;
  const ExprId c0 = a.c[0];
  const ExprId ic0 = cx.pool.div(cx.one(), c0);
  u.c.reserve(a.c.size());
  u.c.push_back(cx.one());
  for (std::size_t i = 1; i < a.c.size(); ++i) u.c.push_back(cx.norm(cx.pool.mul(a.c[i], ic0)));
  return u;
}

// Drops leading terms of negative exponent that are zero; SeriesError naming `who` when one is
// not (the function has an essential singularity or no expansion there).
void drop_negative(Ctx& cx, PSeries& a, const char* who) {
  strip(cx, a);
  while (!a.c.empty() && a.val < 0) {
    if (!cx.coeff_zero(a.c[0]))
      throw SeriesError(std::string("series: ") + who +
                        " of an argument that tends to infinity has no power series expansion here "
                        "(essential singularity)");
    a.c.erase(a.c.begin());
    ++a.val;
  }
  if (!a.exact() && a.prec <= 0) throw NeedMoreTerms{1 - a.prec / a.den};
}

}  // namespace

long Ctx::cap(long den) const { return work * den; }

void Ctx::step(long n) {
  steps += n;
  if (steps > SeriesLimits::max_steps)
    throw SeriesError("series: step budget exhausted (" + std::to_string(SeriesLimits::max_steps) +
                      " coefficient operations); ask for fewer terms");
}

ExprId Ctx::norm(ExprId e) {
  const Node& n = pool.node(e);
  if (n.kind == Kind::Number || n.kind == Kind::Symbol || n.kind == Kind::Constant) return e;
  step(4);
  return expand(pool, e);
}

bool Ctx::is_rational(ExprId e) const {
  const Node& n = pool.node(e);
  return n.kind == Kind::Number && n.number.is_exact();
}

bool Ctx::all_rational(const PSeries& s) const {
  for (ExprId e : s.c)
    if (!is_rational(e)) return false;
  return true;
}

bool Ctx::coeff_zero(ExprId e) {
  const Node& n = pool.node(e);
  if (n.kind == Kind::Number) return n.number.is_zero();
  return series_coeff_is_zero(pool, e);
}

PSeries constant(Ctx& cx, ExprId value) {
  PSeries s;
  if (!(cx.pool.node(value).kind == Kind::Number && cx.pool.node(value).number.is_zero())) s.c.push_back(value);
  return s;
}

PSeries regrid(Ctx& cx, const PSeries& s, long den2) {
  if (den2 == s.den) return s;
  const long k = den2 / s.den;
  PSeries r;
  r.den = den2;
  r.val = s.val * k;
  r.prec = s.exact() ? kExact : s.prec * k;
  if (!s.c.empty()) {
    r.c.assign((s.c.size() - 1) * static_cast<std::size_t>(k) + 1, cx.zero());
    for (std::size_t i = 0; i < s.c.size(); ++i) r.c[i * static_cast<std::size_t>(k)] = s.c[i];
  }
  return r;
}

void strip(Ctx& cx, PSeries& s) {
  std::size_t k = 0;
  while (k < s.c.size()) {
    const Node& n = cx.pool.node(s.c[k]);
    if (!(n.kind == Kind::Number && n.number.is_zero())) break;
    ++k;
  }
  if (k > 0) {
    s.c.erase(s.c.begin(), s.c.begin() + static_cast<long>(k));
    s.val += static_cast<long>(k);
  }
  while (!s.c.empty()) {  // trailing zeros
    const Node& n = cx.pool.node(s.c.back());
    if (!(n.kind == Kind::Number && n.number.is_zero())) break;
    s.c.pop_back();
  }
  if (s.c.empty()) s.val = s.exact() ? 0 : s.prec;
}

bool normalize(Ctx& cx, PSeries& s) {
  strip(cx, s);
  while (!s.c.empty() && cx.coeff_zero(s.c[0])) {
    s.c.erase(s.c.begin());
    ++s.val;
    strip(cx, s);
  }
  if (!s.c.empty()) return true;
  if (s.exact()) return false;
  throw NeedMoreTerms{1};
}

void truncate(Ctx& cx, PSeries& s) {
  const long capu = cx.cap(s.den);
  if (s.end() > capu) {
    s.c.resize(static_cast<std::size_t>(std::max(0L, capu - s.val)));
    s.prec = std::min(s.prec, capu);
  } else if (!s.exact() && s.prec > capu) {
    s.prec = capu;
  }
}

namespace {
void common_cx(Ctx& cx, PSeries& a, PSeries& b) {
  if (a.den == b.den) return;
  const long d = std::lcm(a.den, b.den);
  a = regrid(cx, a, d);
  b = regrid(cx, b, d);
}
}  // namespace

PSeries add(Ctx& cx, const PSeries& a0, const PSeries& b0) {
  PSeries a = a0, b = b0;
  common_cx(cx, a, b);
  PSeries r;
  r.den = a.den;
  r.prec = std::min(a.prec, b.prec);
  if (a.c.empty() && b.c.empty()) {
    r.val = r.exact() ? 0 : r.prec;
    return r;
  }
  long v = a.c.empty() ? b.val : (b.c.empty() ? a.val : std::min(a.val, b.val));
  long e = std::max(a.end(), b.end());
  e = std::min(e, r.prec);
  r.val = v;
  for (long k = v; k < e; ++k) {
    const ExprId x = at(cx, a, k), y = at(cx, b, k);
    if (cx.is_rational(x) && cx.is_rational(y))
      r.c.push_back(cx.pool.add(x, y));
    else
      r.c.push_back(cx.norm(cx.pool.add(x, y)));
  }
  truncate(cx, r);
  strip(cx, r);
  return r;
}

PSeries neg(Ctx& cx, const PSeries& a) { return scale(cx, a, cx.pool.integer(-1)); }

PSeries scale(Ctx& cx, const PSeries& a, ExprId k) {
  PSeries r = a;
  const bool rat = cx.is_rational(k);
  for (ExprId& c : r.c) c = (rat && cx.is_rational(c)) ? cx.pool.mul(k, c) : cx.norm(cx.pool.mul(k, c));
  strip(cx, r);
  return r;
}

PSeries mul(Ctx& cx, const PSeries& a0, const PSeries& b0) {
  PSeries a = a0, b = b0;
  common_cx(cx, a, b);
  PSeries r;
  r.den = a.den;
  if ((a.c.empty() && a.exact()) || (b.c.empty() && b.exact())) return r;  // exact zero
  r.prec = std::min(sat_add(lo(a), b.prec), sat_add(lo(b), a.prec));
  if (a.c.empty() || b.c.empty()) {
    r.val = r.prec;
    truncate(cx, r);
    return r;
  }
  r.val = a.val + b.val;
  const long full_end = a.end() + b.end() - 1;
  const long e = std::min({full_end, r.prec, cx.cap(r.den)});
  if (full_end > e) r.prec = std::min(r.prec, e);
  const long len = e - r.val;
  if (len <= 0) {
    r.prec = std::min(r.prec, cx.cap(r.den));
    r.val = r.prec;
    return r;
  }
  if (cx.all_rational(a) && cx.all_rational(b)) {
    QP A, B, C;
    to_q(cx.pool, a.c, 0, a.c.size(), A.v);
    to_q(cx.pool, b.c, 0, b.c.size(), B.v);
    fmpq_poly_mullow(C.v, A.v, B.v, len);
    r.c = from_q(cx.pool, C.v, static_cast<std::size_t>(len));
  } else {
    r.c.resize(static_cast<std::size_t>(len));
    std::vector<ExprId> terms;
    for (long k = 0; k < len; ++k) {
      terms.clear();
      for (long i = 0; i <= k; ++i) {
        const long j = k - i;
        if (i >= static_cast<long>(a.c.size()) || j >= static_cast<long>(b.c.size())) continue;
        const ExprId x = a.c[static_cast<std::size_t>(i)], y = b.c[static_cast<std::size_t>(j)];
        if (cx.pool.node(x).kind == Kind::Number && cx.pool.node(x).number.is_zero()) continue;
        if (cx.pool.node(y).kind == Kind::Number && cx.pool.node(y).number.is_zero()) continue;
        terms.push_back(cx.pool.mul(x, y));
      }
      cx.step(static_cast<long>(terms.size()));
      r.c[static_cast<std::size_t>(k)] = cx.norm(cx.pool.add(terms));
    }
  }
  truncate(cx, r);
  strip(cx, r);
  return r;
}

PSeries inv(Ctx& cx, PSeries a) {
  if (!normalize(cx, a)) throw SeriesError("series: division by zero (the expression is 0)");
  check_not_bounded(cx, a.c[0]);
  PSeries r;
  r.den = a.den;
  r.val = -a.val;
  const bool single = a.c.size() == 1;
  if (a.exact() && single) {
    r.prec = kExact;
    r.c.push_back(cx.norm(cx.pool.div(cx.one(), a.c[0])));
    return r;
  }
  const long rel = a.exact() ? kExact : a.prec - a.val;
  r.prec = sat_add(r.val, rel);
  const long e = std::min(r.prec, cx.cap(r.den));
  const long len = e - r.val;
  if (len <= 0) {
    r.prec = std::min(r.prec, cx.cap(r.den));
    r.val = r.prec;
    return r;
  }
  r.prec = std::min(r.prec, cx.cap(r.den));
  if (cx.all_rational(a)) {
    QP A, B;
    to_q(cx.pool, a.c, 0, a.c.size(), A.v);
    fmpq_poly_inv_series(B.v, A.v, len);
    r.c = from_q(cx.pool, B.v, static_cast<std::size_t>(len));
  } else {
    const ExprId b0 = cx.norm(cx.pool.div(cx.one(), a.c[0]));
    const ExprId mb0 = cx.pool.neg(b0);
    r.c.assign(static_cast<std::size_t>(len), cx.zero());
    r.c[0] = b0;
    std::vector<ExprId> terms;
    for (long k = 1; k < len; ++k) {
      terms.clear();
      for (long j = 1; j <= k && j < static_cast<long>(a.c.size()); ++j) {
        const ExprId x = a.c[static_cast<std::size_t>(j)];
        if (cx.pool.node(x).kind == Kind::Number && cx.pool.node(x).number.is_zero()) continue;
        terms.push_back(cx.pool.mul(x, r.c[static_cast<std::size_t>(k - j)]));
      }
      cx.step(static_cast<long>(terms.size()) + 1);
      r.c[static_cast<std::size_t>(k)] = cx.norm(cx.pool.mul(mb0, cx.pool.add(terms)));
    }
  }
  truncate(cx, r);
  strip(cx, r);
  return r;
}

PSeries div(Ctx& cx, const PSeries& a, const PSeries& b) { return mul(cx, a, inv(cx, b)); }

PSeries pow_int(Ctx& cx, const PSeries& a, long k) {
  if (k == 0) return constant(cx, cx.one());
  if (k < 0) return inv(cx, pow_int(cx, a, -k));
  PSeries result = constant(cx, cx.one()), base = a;
  bool first = true;
  while (k > 0) {
    if (k & 1) {
      result = first ? base : mul(cx, result, base);
      first = false;
    }
    k >>= 1;
    if (k > 0) base = mul(cx, base, base);
  }
  return result;
}

namespace {

// (1 + U)**r for a series with constant term 1 (rational or expression r).
PSeries unit_pow(Ctx& cx, const PSeries& u, ExprId r) {
  const long len = std::min(u.prec, cx.cap(u.den));
  std::vector<ExprId> a = dense(cx, u, len);
  if (len <= 0) return from_dense(cx, {}, u.den, std::min(u.prec, cx.cap(u.den)));
  const Node& rn = cx.pool.node(r);
  if (rational_vec(cx, a) && rn.kind == Kind::Number && rn.number.is_exact()) {
    QP A, B, C;
    to_q(cx.pool, a, 0, a.size(), A.v);
    const mpq_class q = rn.number.to_mpq();
    if (q == mpq_class(1, 2)) {
      fmpq_poly_sqrt_series(B.v, A.v, len);
    } else if (q == mpq_class(-1, 2)) {
      fmpq_poly_invsqrt_series(B.v, A.v, len);
    } else {
      fmpq_poly_log_series(C.v, A.v, len);
      fmpq_t f;
      fmpq_init(f);
      fmpq_set_mpq(f, q.get_mpq_t());
      fmpq_poly_scalar_mul_fmpq(C.v, C.v, f);
      fmpq_clear(f);
      fmpq_poly_exp_series(B.v, C.v, len);
    }
    return from_dense(cx, from_q(cx.pool, B.v, static_cast<std::size_t>(len)), u.den,
                      std::min(u.prec, cx.cap(u.den)));
  }
  // Miller's recurrence with a0 = 1: b_k = (1/k) sum_{j=1..k} ((r+1) j - k) a_j b_{k-j}.
  std::vector<ExprId> b(static_cast<std::size_t>(len), cx.zero());
  b[0] = cx.one();
  const ExprId r1 = cx.pool.add(r, cx.one());
  std::vector<ExprId> terms;
  for (long k = 1; k < len; ++k) {
    terms.clear();
    for (long j = 1; j <= k; ++j) {
      const ExprId aj = a[static_cast<std::size_t>(j)];
      if (cx.pool.node(aj).kind == Kind::Number && cx.pool.node(aj).number.is_zero()) continue;
      const ExprId w = cx.pool.sub(cx.pool.mul(r1, cx.pool.integer(j)), cx.pool.integer(k));
      const ExprId f[3] = {w, aj, b[static_cast<std::size_t>(k - j)]};
      terms.push_back(cx.pool.mul(f));
    }
    cx.step(static_cast<long>(terms.size()) + 1);
    b[static_cast<std::size_t>(k)] =
        cx.norm(cx.pool.mul(cx.pool.number(Number::rational(1, k)), cx.pool.add(terms)));
  }
  return from_dense(cx, std::move(b), u.den, std::min(u.prec, cx.cap(u.den)));
}

// Principal branches: log(c*p) = log(c) + log(p) and (c*p)**r = c**r p**r for p > 0; the unit part
// 1 + U is positive for small t when U is real. Otherwise c must be positive, or a negative number
// approached from one side of the cut: then the result is the side (+1: from above, Im > 0; -1:
// from below), 0 when the principal formulas hold as they are.
int check_branch(Ctx& cx, ExprId c0, const PSeries& u, const char* who, long val) {
  const ExprId arg = cx.branch_arg;
  cx.branch_arg = 0;  // for this power or log only
  if (is_positive(cx.pool.node(c0).facts) == true) return 0;
  if (cx.sign_hint && !free_symbols(cx.pool, c0).empty())
    if (const auto s = (*cx.sign_hint)(c0); s && *s > 0) return 0;  // eventually positive
  // c0 off the real axis: arg(c0) is strictly inside (-pi, pi) and a small factor keeps it there.
  if (cx.pool.node(c0).facts.within(Facts::NonReal)) return 0;
  if (cx.arg_real && all_real(cx, u)) return 0;
  // The argument B (Ctx::branch_arg, set by the walker for this power or log) = c0 + R with R = B - c0
  // real along a real path (R = t for B = x + t): where c0 < 0, B stays on the negative axis, 1 + U
  // > 0 and the principal formulas hold (the principal value on the cut); c0 off the axis or > 0
  // needs nothing ((x + t)**b at t = 0+ for complex x)
  if (cx.point_real && arg != 0 && val == 0) {
    const ExprId d = cx.norm(cx.pool.sub(arg, c0));
    if (is_real(cx.pool.node(d).facts) == true) return 0;
    // R = K*r with r real and K - c0 or K/c0 real (R = exp(x)*(exp(t) - 1) for B = exp(x + t) + 1,
    // c0 = exp(x) + 1): where c0 is real (the only place a cut lies), so are K and R
    const Node& dn = cx.pool.node(d);
    std::optional<ExprId> K;
    for (ExprId term : dn.kind == Kind::Add ? dn.args : ArgVector{d}) {
      const Node& tn = cx.pool.node(term);
      std::vector<ExprId> ks;
      for (ExprId f : tn.kind == Kind::Mul ? tn.args : ArgVector{term}) {
        if (is_real(cx.pool.node(f).facts) == true) continue;
        const Node& fn = cx.pool.node(f);
        if (fn.kind == Kind::Func && fn.op == Op::Exp && cx.pool.node(fn.args[0]).kind == Kind::Add) {
          // exp(a + r) = exp(a)*exp(r), exp(r) real for the real terms r
          std::vector<ExprId> others;
          for (ExprId a : cx.pool.node(fn.args[0]).args)
            if (is_real(cx.pool.node(a).facts) != true) others.push_back(a);
          ks.push_back(cx.pool.func(Op::Exp, cx.pool.add(others)));
          continue;
        }
        ks.push_back(f);
      }
      const ExprId k = cx.pool.mul(ks);
      if (K && *K != k) {
        K.reset();
        break;
      }
      K = k;
    }
    if (K && (is_real(cx.pool.node(cx.norm(cx.pool.sub(*K, c0))).facts) == true ||
              is_real(cx.pool.node(cx.norm(cx.pool.div(*K, c0))).facts) == true))
      return 0;
  }
  // c0 < 0 and c0*(1 + U) off the real axis for small t: Im(c0*U) has the sign opposite to that
  // of Im(U)'s first nonzero term (the terms before it real).
  if (const auto s0 = const_sign(cx, c0); s0 && *s0 < 0)
    if (const int side = approach_side(cx, u, 0); side != 0) {
      if (side == 2) throw NeedMoreTerms{1};
      return -side;
    }
  throw SeriesError(std::string("series: ") + who +
                    " of an argument with a complex leading coefficient: the expansion may cross the "
                    "branch cut; not expanded");
}

}  // namespace

PSeries pow_const(Ctx& cx, PSeries a, ExprId r) {
  const Node& rn = cx.pool.node(r);
  if (rn.kind == Kind::Number && rn.number.is_integer()) {
    if (!rn.number.fits_long() || rn.number.integer() > 1'000'000 || rn.number.integer() < -1'000'000)
      throw SeriesError("series: integer exponent too large");
    return pow_int(cx, a, rn.number.integer().get_si());
  }
  if (!normalize(cx, a)) {
    // 0**r: 0 for r with positive real part, else undefined
    if (is_positive(rn.facts) == true) return a;
    throw SeriesError("series: power of zero with an exponent not known positive");
  }
  const ExprId c0 = a.c[0];
  PSeries u = unit_part(cx, a);
  // an integer exponent by the facts (n with integer=True): (c0*(1 + U))**n = c0**n (1 + U)**n on
  // every branch, nothing to check
  const int side = is_integer(rn.facts) == true ? 0 : check_branch(cx, c0, u, "a power", a.val);
  // x-exponent of the leading term: val/den * r.
  long den2 = a.den, shift = 0;
  if (a.val != 0) {
    // the exponent's exact value: a rational, or a float that is a dyadic fraction with a small
    // denominator (0.5 is exactly 1/2; the grid t**(1/den) must stay small)
    std::optional<mpq_class> rq;
    if (rn.kind == Kind::Number && rn.number.is_exact()) rq = rn.number.to_mpq();
    if (rn.kind == Kind::Number && rn.number.is_float() && std::isfinite(rn.number.real())) {
      const mpq_class q(rn.number.real());
      if (q.get_den() <= 64) rq = q;
    }
    if (!rq)
      throw SeriesError("series: symbolic power of an expression that vanishes or has a pole at the point; "
                        "not expanded");
    const mpq_class e = mpq_class(a.val, a.den) * *rq;
    den2 = std::lcm(a.den, e.get_den().get_si());
    const mpq_class sh = e * den2;
    shift = sh.get_num().get_si();
  }
  PSeries b = unit_pow(cx, u, r);
  // From below the cut at c0 < 0: (c0*(1 + U))**r = (-c0)**r exp(-i pi r) (1 + U)**r; from above,
  // or off the cut, the principal c0**r.
  const ExprId c0r = side < 0 ? cx.pool.mul(cx.pool.pow(cx.pool.neg(c0), r),
                                            cx.pool.func(Op::Exp, cx.pool.mul(std::vector<ExprId>{
                                                                   cx.pool.integer(-1), cx.pool.constant(Constant::I),
                                                                   cx.pool.constant(Constant::Pi), r})))
                              : cx.pool.pow(c0, r);
  b = scale(cx, b, cx.norm(c0r));
  b = regrid(cx, b, den2);
  b.val += shift;
  if (!b.exact()) b.prec += shift;
  truncate(cx, b);
  return b;
}

namespace {

// q and r with e = q*log_t + r (q rational, r free of log_t); SeriesError otherwise.
std::pair<mpq_class, ExprId> split_log(Ctx& cx, ExprId e) {
  const std::vector<ExprId> fs = free_symbols(cx.pool, e);
  if (std::find(fs.begin(), fs.end(), cx.log_t) == fs.end()) return {mpq_class(0), e};
  const Node& n = cx.pool.node(e);
  std::vector<ExprId> terms = n.kind == Kind::Add ? n.args : ArgVector{e};
  mpq_class q = 0;
  std::vector<ExprId> rest;
  for (ExprId t : terms) {
    auto [k, m] = cx.pool.as_coeff_term(t);
    if (m == cx.log_t && k.is_exact()) {
      q += k.to_mpq();
      continue;
    }
    const std::vector<ExprId> tf = free_symbols(cx.pool, t);
    if (std::find(tf.begin(), tf.end(), cx.log_t) != tf.end())
      throw SeriesError("series: exp of a non-linear expression in log of the variable; not expanded");
    rest.push_back(t);
  }
  return {q, cx.pool.add(rest)};
}

}  // namespace

PSeries exp(Ctx& cx, const PSeries& a0) {
  PSeries a = a0;
  drop_negative(cx, a, "exp");
  const ExprId c0 = at(cx, a, 0);
  PSeries h = without_constant(cx, a);
  const long prec = std::min(a.prec, cx.cap(a.den));
  PSeries e;
  if (h.c.empty()) {
    e = constant(cx, cx.one());
    e.prec = a.exact() ? kExact : a.prec;
  } else {
    const long len = prec;
    std::vector<ExprId> hv = dense(cx, h, len);
    if (rational_vec(cx, hv)) {
      QP H, E;
      to_q(cx.pool, hv, 0, hv.size(), H.v);
      ZVec alpha(len);
      if (len <= kHurwitzMaxLen && hurwitz_form(H.v, len, alpha.v)) {
        e = from_dense(cx, exp_hurwitz(cx.pool, alpha.v, len), a.den, prec);
      } else {
        fmpq_poly_exp_series(E.v, H.v, len);
        e = from_dense(cx, from_q(cx.pool, E.v, static_cast<std::size_t>(len)), a.den, prec);
      }
    } else {
      std::vector<ExprId> ev(static_cast<std::size_t>(len), cx.zero());
      ev[0] = cx.one();
      std::vector<ExprId> terms;
      for (long k = 1; k < len; ++k) {
        terms.clear();
        for (long j = 1; j <= k; ++j) {
          const ExprId hj = hv[static_cast<std::size_t>(j)];
          if (cx.pool.node(hj).kind == Kind::Number && cx.pool.node(hj).number.is_zero()) continue;
          const ExprId f[3] = {cx.pool.integer(j), hj, ev[static_cast<std::size_t>(k - j)]};
          terms.push_back(cx.pool.mul(f));
        }
        cx.step(static_cast<long>(terms.size()) + 1);
        ev[static_cast<std::size_t>(k)] =
            cx.norm(cx.pool.mul(cx.pool.number(Number::rational(1, k)), cx.pool.add(terms)));
      }
      e = from_dense(cx, std::move(ev), a.den, prec);
    }
  }
  if (cx.pool.node(c0).kind == Kind::Number && cx.pool.node(c0).number.is_zero()) return e;
  ExprId c0v = c0;
  if (cx.log_t_value != 0) c0v = cx.norm(subs(cx.pool, c0, {{cx.log_t, cx.log_t_value}}));
  auto [q, r] = split_log(cx, c0v);
  e = scale(cx, e, cx.norm(cx.pool.func(Op::Exp, r)));
  if (q != 0) {  // exp(q*log t) = t**q
    const long den2 = std::lcm(e.den, q.get_den().get_si());
    e = regrid(cx, e, den2);
    const mpq_class qs = q * den2;
    const long shift = qs.get_num().get_si();
    e.val += shift;
    if (!e.exact()) e.prec += shift;
    truncate(cx, e);
  }
  return e;
}

PSeries log(Ctx& cx, PSeries a) {
  if (!normalize(cx, a)) throw SeriesError("series: log(0)");
  const ExprId c0 = a.c[0];
  PSeries u = unit_part(cx, a);
  const int side = check_branch(cx, c0, u, "log", a.val);
  const long len = std::min(u.prec, cx.cap(u.den));
  std::vector<ExprId> av = dense(cx, u, len);
  PSeries l;
  if (len <= 0) {
    l = from_dense(cx, {}, u.den, std::min(u.prec, cx.cap(u.den)));
  } else if (rational_vec(cx, av)) {
    QP A, B;
    to_q(cx.pool, av, 0, av.size(), A.v);
    fmpq_poly_log_series(B.v, A.v, len);
    l = from_dense(cx, from_q(cx.pool, B.v, static_cast<std::size_t>(len)), u.den, std::min(u.prec, cx.cap(u.den)));
  } else {
    // (1 + A) B' = A': b_k = a_k - (1/k) sum_{j=1}^{k-1} j b_j a_{k-j}
    std::vector<ExprId> b(static_cast<std::size_t>(len), cx.zero());
    std::vector<ExprId> terms;
    for (long k = 1; k < len; ++k) {
      terms.clear();
      for (long j = 1; j < k; ++j) {
        const ExprId akj = av[static_cast<std::size_t>(k - j)];
        if (cx.pool.node(akj).kind == Kind::Number && cx.pool.node(akj).number.is_zero()) continue;
        const ExprId f[3] = {cx.pool.integer(j), b[static_cast<std::size_t>(j)], akj};
        terms.push_back(cx.pool.mul(f));
      }
      cx.step(static_cast<long>(terms.size()) + 1);
      b[static_cast<std::size_t>(k)] = cx.norm(cx.pool.sub(
          av[static_cast<std::size_t>(k)], cx.pool.mul(cx.pool.number(Number::rational(1, k)), cx.pool.add(terms))));
    }
    l = from_dense(cx, std::move(b), u.den, std::min(u.prec, cx.cap(u.den)));
  }
  // From below the cut at c0 < 0: log(-c0) - i pi (the principal log(c0) is the value from above).
  ExprId k0 = cx.norm(side < 0 ? cx.pool.sub(cx.pool.func(Op::Log, cx.pool.neg(c0)),
                                             cx.pool.mul(cx.pool.constant(Constant::I), cx.pool.constant(Constant::Pi)))
                               : cx.pool.func(Op::Log, c0));
  // log(t) itself, or what it stands for (Gruntz: -v; then log(w) terms cancel against the slower
  // ones in the coefficients, where they are seen as zero)
  const ExprId lt = cx.log_t_value != 0 ? cx.log_t_value : cx.log_t;
  if (a.val != 0) k0 = cx.norm(cx.pool.add(k0, cx.pool.mul(cx.pool.number(Number::rational(a.val, a.den)), lt)));
  return add(cx, l, constant(cx, k0));
}

namespace {

// (sin a, cos a) or the hyperbolic pair; with need_s or need_c false that series may be left empty
// (FLINT computes and converts only what is asked for, when a has no constant term to shift by).
std::pair<PSeries, PSeries> trig_pair(Ctx& cx, const PSeries& a0, bool hyperbolic, bool need_s = true,
                                      bool need_c = true) {
  PSeries a = a0;
  drop_negative(cx, a, hyperbolic ? "sinh/cosh" : "sin/cos");
  const ExprId c0 = at(cx, a, 0);
  if (!(cx.pool.node(c0).kind == Kind::Number && cx.pool.node(c0).number.is_zero())) need_s = need_c = true;
  PSeries h = without_constant(cx, a);
  const long prec = std::min(a.prec, cx.cap(a.den));
  PSeries s, c;
  if (h.c.empty()) {
    s = PSeries{};
    s.prec = a.exact() ? kExact : a.prec;
    strip(cx, s);
    c = constant(cx, cx.one());
    c.prec = s.prec;
  } else {
    const long len = prec;
    std::vector<ExprId> hv = dense(cx, h, len);
    if (rational_vec(cx, hv)) {
      QP H, S, C;
      to_q(cx.pool, hv, 0, hv.size(), H.v);
      if (hyperbolic) {
        if (need_s) fmpq_poly_sinh_series(S.v, H.v, len);
        if (need_c) fmpq_poly_cosh_series(C.v, H.v, len);
      } else if (need_s && need_c) {
        fmpq_poly_sin_cos_series(S.v, C.v, H.v, len);
      } else if (need_s) {
        fmpq_poly_sin_series(S.v, H.v, len);
      } else {
        fmpq_poly_cos_series(C.v, H.v, len);
      }
      if (need_s) s = from_dense(cx, from_q(cx.pool, S.v, static_cast<std::size_t>(len)), a.den, prec);
      if (need_c) c = from_dense(cx, from_q(cx.pool, C.v, static_cast<std::size_t>(len)), a.den, prec);
    } else {
      std::vector<ExprId> sv(static_cast<std::size_t>(len), cx.zero()), cv(static_cast<std::size_t>(len), cx.zero());
      cv[0] = cx.one();
      std::vector<ExprId> ts, tc;
      for (long k = 1; k < len; ++k) {
        ts.clear();
        tc.clear();
        for (long j = 1; j <= k; ++j) {
          const ExprId hj = hv[static_cast<std::size_t>(j)];
          if (cx.pool.node(hj).kind == Kind::Number && cx.pool.node(hj).number.is_zero()) continue;
          const ExprId jh = cx.pool.mul(cx.pool.integer(j), hj);
          ts.push_back(cx.pool.mul(jh, cv[static_cast<std::size_t>(k - j)]));
          tc.push_back(cx.pool.mul(jh, sv[static_cast<std::size_t>(k - j)]));
        }
        cx.step(2 * static_cast<long>(ts.size()) + 2);
        const ExprId ik = cx.pool.number(Number::rational(1, k));
        sv[static_cast<std::size_t>(k)] = cx.norm(cx.pool.mul(ik, cx.pool.add(ts)));
        cv[static_cast<std::size_t>(k)] =
            cx.norm(cx.pool.mul(hyperbolic ? ik : cx.pool.neg(ik), cx.pool.add(tc)));
      }
      s = from_dense(cx, std::move(sv), a.den, prec);
      c = from_dense(cx, std::move(cv), a.den, prec);
    }
  }
  if (cx.pool.node(c0).kind == Kind::Number && cx.pool.node(c0).number.is_zero()) return {s, c};
  const ExprId sa = cx.norm(cx.pool.func(hyperbolic ? Op::Sinh : Op::Sin, c0));
  const ExprId ca = cx.norm(cx.pool.func(hyperbolic ? Op::Cosh : Op::Cos, c0));
  // sin(a+h) = sin a cos h + cos a sin h; cos(a+h) = cos a cos h - sin a sin h (cosh: +)
  PSeries s2 = add(cx, scale(cx, c, sa), scale(cx, s, ca));
  PSeries c2 = add(cx, scale(cx, c, ca), scale(cx, s, hyperbolic ? sa : cx.norm(cx.pool.neg(sa))));
  return {s2, c2};
}

}  // namespace

PSeries tan_or_tanh(Ctx& cx, const PSeries& a0, bool hyperbolic) {
  // Rational coefficients and no constant term: FLINT's tan/tanh series in one call (instead of
  // sin and cos, an inverse and a product, each converted to and from FLINT).
  PSeries a = a0;
  if (a.val >= 0) {
    const ExprId c0 = at(cx, a, 0);
    if (cx.pool.node(c0).kind == Kind::Number && cx.pool.node(c0).number.is_zero()) {
      const long len = std::min(a.prec, cx.cap(a.den));
      if (len > 0) {
        std::vector<ExprId> hv = dense(cx, a, len);
        if (rational_vec(cx, hv)) {
          QP H, T;
          to_q(cx.pool, hv, 0, hv.size(), H.v);
          ZVec alpha(len);
          if (len <= kHurwitzMaxLen && hurwitz_form(H.v, len, alpha.v))
            return from_dense(cx, tan_hurwitz(cx.pool, alpha.v, len, hyperbolic), a.den, len);
          if (hyperbolic) fmpq_poly_tanh_series(T.v, H.v, len);
          else fmpq_poly_tan_series(T.v, H.v, len);
          return from_dense(cx, from_q(cx.pool, T.v, static_cast<std::size_t>(len)), a.den, len);
        }
      }
    }
  }
  auto [s, c] = trig_pair(cx, a0, hyperbolic);
  return div(cx, s, c);
}

std::pair<PSeries, PSeries> sin_cos(Ctx& cx, const PSeries& a) { return trig_pair(cx, a, false); }
std::pair<PSeries, PSeries> sinh_cosh(Ctx& cx, const PSeries& a) { return trig_pair(cx, a, true); }
PSeries sin_or_cos(Ctx& cx, const PSeries& a, bool cos, bool hyperbolic) {
  auto [s, c] = trig_pair(cx, a, hyperbolic, !cos, cos);
  return cos ? c : s;
}

PSeries derivative(Ctx& cx, const PSeries& a) {
  PSeries r;
  r.den = a.den;
  r.val = a.val - 1;
  r.prec = a.exact() ? kExact : a.prec - 1;
  for (std::size_t i = 0; i < a.c.size(); ++i) {
    const long e = a.val + static_cast<long>(i);
    r.c.push_back(cx.norm(cx.pool.mul(cx.pool.integer(e), a.c[i])));
  }
  strip(cx, r);
  return r;
}

PSeries integral(Ctx& cx, const PSeries& a) {
  PSeries r;
  r.den = a.den;
  r.val = a.val + 1;
  r.prec = a.exact() ? kExact : a.prec + 1;
  for (std::size_t i = 0; i < a.c.size(); ++i) {
    const long e = a.val + static_cast<long>(i);
    if (e <= -1) {
      if (cx.coeff_zero(a.c[i])) {
        r.c.push_back(cx.zero());
        continue;
      }
      throw SeriesError(e == -1 ? "series: the expansion needs a log term here (not a power series)"
                                : "series: the function is infinite at the point");
    }
    r.c.push_back(cx.norm(cx.pool.mul(cx.pool.number(Number::rational(1, e + 1)), a.c[i])));
  }
  strip(cx, r);
  return r;
}

PSeries compose(Ctx& cx, const std::vector<ExprId>& p, const PSeries& h) {
  if (p.empty()) return PSeries{};
  PSeries r = constant(cx, p.back());
  for (std::size_t k = p.size() - 1; k-- > 0;) r = add(cx, mul(cx, r, h), constant(cx, p[k]));
  // The first term left out, p_N h^N, has valuation N * val(h).
  if (!h.c.empty() || !h.exact()) {
    const long omitted = static_cast<long>(p.size()) * lo(h);
    if (omitted < r.prec) r.prec = omitted;
    truncate(cx, r);
  }
  return r;
}

ExprId constant_term(Ctx& cx, const PSeries& a0, const char* who) {
  PSeries a = a0;
  drop_negative(cx, a, who);
  const ExprId c0 = at(cx, a, 0);
  check_not_bounded(cx, c0);  // a function's value there (gamma(theta)) may be unbounded on [-1, 1]
  return c0;
}

PSeries without_constant(Ctx& cx, const PSeries& a) {
  PSeries r = a;
  if (r.val <= 0 && r.end() > 0) r.c[static_cast<std::size_t>(-r.val)] = cx.zero();
  strip(cx, r);
  return r;
}

std::optional<int> const_sign(Ctx& cx, ExprId c) {
  const Facts& f = cx.pool.node(c).facts;
  if (is_positive(f) == true) return 1;
  if (is_negative(f) == true) return -1;
  if (is_zero(f) == true) return 0;
  if (!free_symbols(cx.pool, c).empty()) return std::nullopt;
  try {
    const Evalf v = evalf(cx.pool, c, 15);
    if (!v.real) return std::nullopt;
    if (std::abs(v.re_double) > std::stod(v.re_radius)) return v.re_double > 0 ? 1 : -1;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

int approach_side(Ctx& cx, const PSeries& a, int axis) {
  for (std::size_t i = 0; i < a.c.size(); ++i) {
    if (a.val + static_cast<long>(i) <= 0) continue;  // the constant term (and poles: none here)
    const ExprId k = a.c[i];
    if (cx.pool.node(k).kind == Kind::Number && cx.pool.node(k).number.is_zero()) continue;
    if (axis == 0 && is_real(cx.pool.node(k).facts) == true) continue;  // Im(k) = 0
    if (!free_symbols(cx.pool, k).empty()) return 0;
    const ExprId part = cx.pool.func(axis == 0 ? Op::Im : Op::Re, k);
    if (auto z = alkahest::is_zero(cx.pool, part); z && *z) continue;
    if (const auto s = const_sign(cx, part); s && *s != 0) return *s;
    return 0;
  }
  return a.exact() ? 0 : 2;  // every computed term on the axis: more terms may decide
}

bool all_real(Ctx& cx, const PSeries& a) {
  // Real wherever defined: 1/a for a real parameter a is real for every a != 0.
  for (ExprId c : a.c)
    if (cx.pool.node(c).facts.may(Facts::NonReal)) return false;
  return true;
}

}  // namespace alkahest::series_detail
