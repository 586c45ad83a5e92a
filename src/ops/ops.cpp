// The op table. One row per elementary function; see include/alkahest/ops.hpp.
#include "alkahest/ops.hpp"

#include <flint/flint.h>
#if __FLINT_RELEASE >= 30000  // FLINT 3 holds Arb (Debian 13); Debian 12 has it apart (arb.h)
#include <flint/acb.h>
#include <flint/acb_hypgeom.h>
#include <flint/arb.h>
#include <flint/arb_fpwrap.h>
#include <flint/arb_hypgeom.h>
#include <flint/arith.h>
#else
#include <acb.h>
#include <acb_hypgeom.h>
#include <arb.h>
#include <arb_fpwrap.h>
#include <arb_hypgeom.h>
#include <flint/arith.h>
#endif

#include <boost/math/policies/policy.hpp>
#include <boost/math/special_functions/polygamma.hpp>
#include <flint/flint.h>
#if __FLINT_RELEASE >= 30000  // FLINT 3 holds Arb (Debian 13); Debian 12 has it apart
#include <flint/arb_fpwrap.h>
#else
#include <arb_fpwrap.h>
#endif
#include <cmath>
#include <algorithm>
#include <array>
#include <limits>
#include <vector>
#include <numbers>

#include "alkahest/errors.hpp"
#include "alkahest/pool.hpp"

namespace alkahest {

namespace {

using Args = std::span<const ExprId>;
using Exact = std::optional<ExprId>;

const Number* as_number(ExprPool& p, ExprId id) {
  const Node& n = p.node(id);
  return n.kind == Kind::Number ? &n.number : nullptr;
}
bool is_exact_value(ExprPool& p, ExprId id, long v) {
  const Number* n = as_number(p, id);
  return n != nullptr && n->is_integer() && n->integer() == v;
}
ExprId num(ExprPool& p, long v) { return p.integer(v); }
ExprId sq(ExprPool& p, ExprId a) { return p.pow(a, p.integer(2)); }

// Exact value rules -----------------------------------------------------------------------------

template <long At, long Value>
Exact value_at(ExprPool& p, Args a) {
  if (is_exact_value(p, a[0], At)) return num(p, Value);
  return std::nullopt;
}

ExprId cst(ExprPool& p, Constant c) { return p.constant(c); }
bool is_c(ExprPool& p, ExprId id, Constant c) { return p.is_constant(id, c); }
const Facts& facts(ExprPool& p, ExprId id) { return p.node(id).facts; }
ExprId rat(ExprPool& p, long n, long d) { return p.number(Number::rational(n, d)); }
ExprId pi_times(ExprPool& p, long n, long d) { return p.mul(rat(p, n, d), cst(p, Constant::Pi)); }
ExprId half_sqrt(ExprPool& p, long k, long sign) {  // sign*sqrt(k)/2
  return p.mul(rat(p, sign, 2), p.sqrt(num(p, k)));
}

// r when `a` is r*pi with r rational (0 counts: r = 0).
std::optional<mpq_class> pi_multiple(ExprPool& p, ExprId a) {
  if (is_c(p, a, Constant::Pi)) return mpq_class(1);
  const Node& n = p.node(a);
  if (n.kind == Kind::Number && n.number.is_exact() && n.number.is_zero()) return mpq_class(0);
  if (n.kind == Kind::Mul && n.args.size() == 2 && is_c(p, n.args[1], Constant::Pi)) {
    const Node& c = p.node(n.args[0]);
    if (c.kind == Kind::Number && c.number.is_exact()) return c.number.to_mpq();
  }
  return std::nullopt;
}

// cos(r*pi) for r with denominator 1, 2, 3, 4 or 6.
Exact cos_pi(ExprPool& p, mpq_class r) {
  mpz_class f;
  mpq_class half = r / 2;
  mpz_fdiv_q(f.get_mpz_t(), half.get_num_mpz_t(), half.get_den_mpz_t());
  r -= 2 * mpq_class(f);  // now in [0, 2)
  if (r > 1) r = 2 - r;   // cos(2 pi - t) = cos(t); now in [0, 1]
  const mpz_class& d = r.get_den();
  if (d != 1 && d != 2 && d != 3 && d != 4 && d != 6) return std::nullopt;
  if (r == 0) return num(p, 1);
  if (r == 1) return num(p, -1);
  if (r == mpq_class(1, 2)) return num(p, 0);
  if (r == mpq_class(1, 3)) return rat(p, 1, 2);
  if (r == mpq_class(2, 3)) return rat(p, -1, 2);
  if (r == mpq_class(1, 4)) return half_sqrt(p, 2, 1);
  if (r == mpq_class(3, 4)) return half_sqrt(p, 2, -1);
  if (r == mpq_class(1, 6)) return half_sqrt(p, 3, 1);
  if (r == mpq_class(5, 6)) return half_sqrt(p, 3, -1);
  return std::nullopt;
}

Exact exact_cos(ExprPool& p, Args a) {
  if (auto r = pi_multiple(p, a[0])) return cos_pi(p, *r);
  return std::nullopt;
}
Exact exact_sin(ExprPool& p, Args a) {
  if (auto r = pi_multiple(p, a[0])) return cos_pi(p, mpq_class(1, 2) - *r);
  return std::nullopt;
}
Exact exact_tan(ExprPool& p, Args a) {
  auto r = pi_multiple(p, a[0]);
  if (!r) return std::nullopt;
  auto c = cos_pi(p, *r);
  if (!c) return std::nullopt;
  if (p.node(*c).kind == Kind::Number && p.node(*c).number.is_zero())
    return cst(p, Constant::ComplexInfinity);  // a pole
  auto s = cos_pi(p, mpq_class(1, 2) - *r);
  return p.div(*s, *c);
}

template <long Inf, long NegInf>
Exact at_infinities(ExprPool& p, ExprId a) {  // f(oo) = Inf, f(-oo) = NegInf
  if (is_c(p, a, Constant::Infinity)) return num(p, Inf);
  if (is_c(p, a, Constant::NegativeInfinity)) return num(p, NegInf);
  return std::nullopt;
}

Exact exact_sinh(ExprPool& p, Args a) {
  if (is_exact_value(p, a[0], 0)) return num(p, 0);
  if (is_c(p, a[0], Constant::Infinity) || is_c(p, a[0], Constant::NegativeInfinity)) return a[0];
  return std::nullopt;
}
Exact exact_cosh(ExprPool& p, Args a) {
  if (is_exact_value(p, a[0], 0)) return num(p, 1);
  if (is_c(p, a[0], Constant::Infinity) || is_c(p, a[0], Constant::NegativeInfinity))
    return cst(p, Constant::Infinity);
  return std::nullopt;
}
Exact exact_tanh(ExprPool& p, Args a) {
  if (is_exact_value(p, a[0], 0)) return num(p, 0);
  return at_infinities<1, -1>(p, a[0]);
}
Exact exact_asinh(ExprPool& p, Args a) {  // asinh(0) = 0, asinh(+-oo) = +-oo
  if (is_exact_value(p, a[0], 0)) return num(p, 0);
  if (is_c(p, a[0], Constant::Infinity) || is_c(p, a[0], Constant::NegativeInfinity)) return a[0];
  return std::nullopt;
}
Exact exact_erf(ExprPool& p, Args a) {
  if (is_exact_value(p, a[0], 0)) return num(p, 0);
  return at_infinities<1, -1>(p, a[0]);
}
Exact exact_erfc(ExprPool& p, Args a) {
  if (is_exact_value(p, a[0], 0)) return num(p, 1);
  return at_infinities<0, 2>(p, a[0]);
}

// Exact rational value of `a`, if it is one.
std::optional<mpq_class> rational_value(ExprPool& p, ExprId a) {
  const Number* n = as_number(p, a);
  if (n == nullptr || !n->is_exact()) return std::nullopt;
  return n->to_mpq();
}

// Min/Max of any number of arguments: nested calls of the same op flatten (Max(a, Max(b, c)) =
// Max(a, b, c)), repeated arguments go, the numbers fold to the one that wins (exact rationals and
// finite floats compared exactly), +-oo decide or drop out, and the rest is put in canonical order.
// Returns the rewritten call, or nullopt when the arguments are already in that form.
template <bool IsMax>
Exact exact_minmax(ExprPool& p, Args a) {
  const Op self = IsMax ? Op::Max : Op::Min;
  const Constant wins = IsMax ? Constant::Infinity : Constant::NegativeInfinity;
  const Constant loses = IsMax ? Constant::NegativeInfinity : Constant::Infinity;
  std::vector<ExprId> flat;
  bool changed = false;
  for (ExprId x : a) {
    const Node& n = p.node(x);
    if (n.kind == Kind::Func && n.op == self) {
      flat.insert(flat.end(), n.args.begin(), n.args.end());
      changed = true;
    } else {
      flat.push_back(x);
    }
  }
  std::vector<ExprId> rest;
  std::optional<ExprId> best;
  mpq_class best_value;
  std::size_t numbers = 0;
  for (ExprId x : flat) {
    if (is_c(p, x, wins)) return x;
    if (is_c(p, x, loses)) {
      changed = true;
      continue;
    }
    const Number* n = as_number(p, x);
    if (n != nullptr && (n->is_exact() || std::isfinite(n->to_double()))) {
      ++numbers;
      const mpq_class v = n->is_exact() ? n->to_mpq() : mpq_class(n->to_double());
      if (!best || (IsMax ? v > best_value : v < best_value)) {
        best = x;
        best_value = v;
      }
      continue;
    }
    rest.push_back(x);
  }
  if (numbers > 1) changed = true;
  if (best) rest.push_back(*best);
  if (rest.empty()) return cst(p, loses);  // only the losing infinity: Max(-oo) = -oo
  std::sort(rest.begin(), rest.end(), [&](ExprId x, ExprId y) { return p.compare(x, y) < 0; });
  rest.erase(std::unique(rest.begin(), rest.end()), rest.end());
  if (rest.size() == 1) return rest[0];
  if (!changed && rest == std::vector<ExprId>(a.begin(), a.end())) return std::nullopt;
  return p.func(self, rest);
}
Exact exact_min(ExprPool& p, Args a) { return exact_minmax<false>(p, a); }
Exact exact_max(ExprPool& p, Args a) { return exact_minmax<true>(p, a); }
Exact exact_asin(ExprPool& p, Args a) {
  if (auto r = rational_value(p, a[0])) {
    if (*r == 0) return num(p, 0);
    if (*r == 1) return pi_times(p, 1, 2);
    if (*r == -1) return pi_times(p, -1, 2);
    if (*r == mpq_class(1, 2)) return pi_times(p, 1, 6);
    if (*r == mpq_class(-1, 2)) return pi_times(p, -1, 6);
  }
  return std::nullopt;
}
Exact exact_acos(ExprPool& p, Args a) {
  if (auto r = rational_value(p, a[0])) {
    if (*r == 1) return num(p, 0);
    if (*r == 0) return pi_times(p, 1, 2);
    if (*r == -1) return cst(p, Constant::Pi);
    if (*r == mpq_class(1, 2)) return pi_times(p, 1, 3);
    if (*r == mpq_class(-1, 2)) return pi_times(p, 2, 3);
  }
  return std::nullopt;
}
Exact exact_atan(ExprPool& p, Args a) {
  if (auto r = rational_value(p, a[0])) {
    if (*r == 0) return num(p, 0);
    if (*r == 1) return pi_times(p, 1, 4);
    if (*r == -1) return pi_times(p, -1, 4);
  }
  if (is_c(p, a[0], Constant::Infinity)) return pi_times(p, 1, 2);
  if (is_c(p, a[0], Constant::NegativeInfinity)) return pi_times(p, -1, 2);
  return std::nullopt;
}

Exact exact_atan2(ExprPool& p, Args a) {
  const Number* y = as_number(p, a[0]);
  const Number* x = as_number(p, a[1]);
  if (!(y && x && y->is_exact() && x->is_exact())) return std::nullopt;
  if (y->is_zero() && x->sign() > 0) return num(p, 0);
  if (x->is_zero()) {  // on the imaginary axis (atan2(0, 0) stays: C says 0, SymPy says nan)
    if (y->is_zero()) return std::nullopt;
    return pi_times(p, y->sign(), 2);
  }
  // atan(y/x), moved by pi into the left half-plane, when atan(y/x) is exact.
  const ExprId t = p.func(Op::Atan, p.number(*y / *x));
  if (p.node(t).kind == Kind::Func) return std::nullopt;
  if (x->sign() > 0) return t;
  return p.add(t, pi_times(p, y->sign() >= 0 ? 1 : -1, 1));
}

Exact exact_exp(ExprPool& p, Args a) {
  const ExprId x = a[0];
  if (is_exact_value(p, x, 0)) return num(p, 1);
  if (is_exact_value(p, x, 1)) return cst(p, Constant::E);
  if (is_c(p, x, Constant::Infinity)) return x;
  if (is_c(p, x, Constant::NegativeInfinity)) return num(p, 0);
  const Node& n = p.node(x);
  if (n.kind == Kind::Func && n.op == Op::Log) return n.args[0];  // exp(log(z)) = z for every z
  // exp(c*I*pi) with 2c an integer: I**(2c).
  if (n.kind == Kind::Mul) {
    std::size_t i = 0;
    mpq_class c = 1;
    if (const Number* k = as_number(p, n.args[0])) {
      if (!k->is_exact()) return std::nullopt;
      c = k->to_mpq();
      i = 1;
    }
    if (n.args.size() == i + 2 && is_c(p, n.args[i], Constant::Pi) && is_c(p, n.args[i + 1], Constant::I)) {
      const mpq_class twice = 2 * c;
      if (twice.get_den() == 1) {
        mpz_class k = twice.get_num() % 4;
        if (k < 0) k += 4;
        return p.pow(cst(p, Constant::I), num(p, k.get_si()));
      }
    }
  }
  return std::nullopt;
}

Exact exact_log(ExprPool& p, Args a) {
  const ExprId x = a[0];
  if (is_exact_value(p, x, 1)) return num(p, 0);
  if (is_exact_value(p, x, -1)) return p.mul(cst(p, Constant::I), cst(p, Constant::Pi));
  if (is_c(p, x, Constant::E)) return num(p, 1);
  if (is_c(p, x, Constant::I)) return p.mul(pi_times(p, 1, 2), cst(p, Constant::I));
  if (is_c(p, x, Constant::Infinity)) return x;
  const Node& n = p.node(x);
  // log(exp(t)) = t for real t (for complex t only up to a multiple of 2*pi*I).
  if (n.kind == Kind::Func && n.op == Op::Exp && is_real(facts(p, n.args[0])) == true) return n.args[0];
  return std::nullopt;
}

Exact exact_gamma(ExprPool& p, Args a) {
  const Number* n = as_number(p, a[0]);
  if (n != nullptr && n->is_rational() && n->rational() == mpq_class(1, 2))
    return p.sqrt(cst(p, Constant::Pi));
  if (is_c(p, a[0], Constant::Infinity)) return a[0];
  if (n == nullptr || !n->is_integer() || n->sign() <= 0 || !n->fits_long() || n->integer() > 1000)
    return std::nullopt;
  mpz_class f;
  mpz_fac_ui(f.get_mpz_t(), n->integer().get_ui() - 1);  // gamma(n) = (n-1)!
  return p.number(Number(f));
}

// Real and imaginary parts of `e` when they follow structurally: real values, I, and sums and
// products of those. nullopt when unknown (a complex symbol, sqrt(I), ...).
std::optional<std::pair<ExprId, ExprId>> split_complex(ExprPool& p, ExprId e, int budget = 64) {
  const ExprId zero = num(p, 0);
  if (budget <= 0) return std::nullopt;
  if (is_real(facts(p, e)) == true) return std::pair{e, zero};
  if (is_c(p, e, Constant::I)) return std::pair{zero, num(p, 1)};
  const Node& n = p.node(e);
  if (n.kind == Kind::Add || n.kind == Kind::Mul) {
    const std::vector<ExprId> args = n.args;
    const bool sum = n.kind == Kind::Add;
    ExprId re = sum ? zero : num(p, 1), im = zero;
    for (ExprId t : args) {
      auto part = split_complex(p, t, budget - 1);
      if (!part) return std::nullopt;
      if (sum) {
        re = p.add(re, part->first);
        im = p.add(im, part->second);
      } else {  // (re + im I)(a + b I)
        const ExprId r2 = p.sub(p.mul(re, part->first), p.mul(im, part->second));
        const ExprId i2 = p.add(p.mul(re, part->second), p.mul(im, part->first));
        re = r2;
        im = i2;
      }
    }
    return std::pair{re, im};
  }
  return std::nullopt;
}

bool is_exact_zero(ExprPool& p, ExprId id) {
  const Number* n = as_number(p, id);
  return n != nullptr && n->is_exact() && n->is_zero();
}

Exact exact_abs(ExprPool& p, Args a) {
  if (const Number* n = as_number(p, a[0])) return p.number(n->abs());
  const Facts f = facts(p, a[0]);
  if (f.within(Facts::Infinite)) return cst(p, Constant::Infinity);
  if (is_nonnegative(f) == true) return a[0];
  if (is_nonpositive(f) == true) return p.neg(a[0]);
  const Node& n = p.node(a[0]);
  if (n.kind == Kind::Func && (n.op == Op::Abs || n.op == Op::Conjugate)) return p.func(Op::Abs, n.args[0]);
  if (n.kind == Kind::Mul && p.node(n.args[0]).kind == Kind::Number &&
      p.node(n.args[0]).number.is_negative())  // |-2*x| = |2*x|
    return p.func(Op::Abs, p.neg(a[0]));
  if (is_real(f) != true)
    if (auto parts = split_complex(p, a[0]); parts && !is_exact_zero(p, parts->second))
      return p.sqrt(p.add(p.pow(parts->first, num(p, 2)), p.pow(parts->second, num(p, 2))));
  return std::nullopt;
}

Exact exact_sign(ExprPool& p, Args a) {
  const Facts f = facts(p, a[0]);
  if (f.within(Facts::Pos | Facts::PInf)) return num(p, 1);
  if (f.within(Facts::Neg | Facts::NInf)) return num(p, -1);
  if (f.classes == Facts::Zero) return num(p, 0);
  return std::nullopt;
}

Exact exact_floor_ceil(ExprPool& p, Args a, bool floor) {
  if (is_integer(facts(p, a[0])) == true) return a[0];
  const Number* n = as_number(p, a[0]);
  if (n == nullptr || !n->is_exact()) return std::nullopt;
  if (n->is_integer()) return a[0];
  mpz_class r;
  if (floor)
    mpz_fdiv_q(r.get_mpz_t(), n->rational().get_num_mpz_t(), n->rational().get_den_mpz_t());
  else
    mpz_cdiv_q(r.get_mpz_t(), n->rational().get_num_mpz_t(), n->rational().get_den_mpz_t());
  return p.number(Number(r));
}
Exact exact_floor(ExprPool& p, Args a) { return exact_floor_ceil(p, a, true); }
Exact exact_ceil(ExprPool& p, Args a) { return exact_floor_ceil(p, a, false); }

Exact exact_re(ExprPool& p, Args a) {
  if (auto parts = split_complex(p, a[0])) return parts->first;
  const Node& n = p.node(a[0]);
  if (n.kind == Kind::Func && n.op == Op::Conjugate) return p.func(Op::Re, n.args[0]);
  return std::nullopt;
}
Exact exact_im(ExprPool& p, Args a) {
  if (auto parts = split_complex(p, a[0])) return parts->second;
  const Node& n = p.node(a[0]);
  if (n.kind == Kind::Func && n.op == Op::Conjugate) return p.neg(p.func(Op::Im, n.args[0]));
  return std::nullopt;
}
Exact exact_conjugate(ExprPool& p, Args a) {
  if (is_real(facts(p, a[0])) == true) return a[0];
  if (auto parts = split_complex(p, a[0]))
    return p.sub(parts->first, p.mul(parts->second, cst(p, Constant::I)));
  const Node& n = p.node(a[0]);
  if (n.kind == Kind::Func && n.op == Op::Conjugate) return n.args[0];
  return std::nullopt;
}
Exact exact_arg(ExprPool& p, Args a) {
  const Facts f = facts(p, a[0]);
  if (is_positive(f) == true) return num(p, 0);
  if (is_negative(f) == true) return cst(p, Constant::Pi);
  if (is_real(f) != true)
    if (auto parts = split_complex(p, a[0]); parts && !is_exact_zero(p, parts->second)) {
      const ExprId yx[2] = {parts->second, parts->first};
      return p.func(Op::Atan2, yx);
    }
  return std::nullopt;
}

// Facts rules (the sign and realness column) -------------------------------------------------

using FArgs = std::span<const Facts>;
constexpr std::uint8_t kR = Facts::Real;
Facts only(std::uint8_t c, std::uint8_t i = Facts::MayInt | Facts::MayNonInt) { return Facts::only(c, i); }
bool real_finite(const Facts& f) { return f.within(kR); }
// Maps each class of a real argument through `per` (Neg, Zero, Pos, PInf, NInf); anything else
// (a non-real or nan argument) gives `other`.
Facts by_sign(const Facts& f, std::uint8_t neg, std::uint8_t zero, std::uint8_t pos, std::uint8_t pinf,
              std::uint8_t ninf, Facts other = Facts{}) {
  if (!f.within(kR | Facts::PInf | Facts::NInf)) return other;
  std::uint8_t c = 0;
  if (f.may(Facts::Neg)) c |= neg;
  if (f.may(Facts::Zero)) c |= zero;
  if (f.may(Facts::Pos)) c |= pos;
  if (f.may(Facts::PInf)) c |= pinf;
  if (f.may(Facts::NInf)) c |= ninf;
  return only(c);
}
constexpr std::uint8_t N = Facts::Neg, Z = Facts::Zero, P = Facts::Pos, PI = Facts::PInf, NI = Facts::NInf;
constexpr std::uint8_t kNaN = Facts::NaN;

Facts f_unknown(FArgs) { return Facts{}; }
Facts f_sin_cos(FArgs a) { return real_finite(a[0]) ? only(kR) : Facts{}; }
Facts f_tan(FArgs a) { return real_finite(a[0]) ? only(kR | Facts::CInf) : Facts{}; }
Facts f_sinh(FArgs a) { return by_sign(a[0], N, Z, P, PI, NI); }
Facts f_cosh(FArgs a) { return by_sign(a[0], P, P, P, PI, PI); }
Facts f_tanh(FArgs a) { return by_sign(a[0], N, Z, P, P, N); }
Facts f_atan(FArgs a) { return by_sign(a[0], N, Z, P, P, N); }
Facts f_atan2(FArgs a) { return real_finite(a[0]) && real_finite(a[1]) ? only(kR) : Facts{}; }
Facts f_exp(FArgs a) {
  if (a[0].within(Facts::NonReal)) return only(N | P | Facts::NonReal);
  return by_sign(a[0], P, P, P, PI, Z);
}
Facts f_log(FArgs a) { return by_sign(a[0], Facts::NonReal, NI | Facts::CInf, kR, PI, Facts::CInf); }
Facts f_abs(FArgs a) {
  std::uint8_t c = 0;
  if (a[0].may(N | P | Facts::NonReal)) c |= P;
  if (a[0].may(Z)) c |= Z;
  if (a[0].may(Facts::Infinite)) c |= PI;
  if (a[0].may(kNaN)) c |= kNaN;
  return only(c);
}
Facts f_sign(FArgs a) {
  Facts f = by_sign(a[0], N, Z, P, P, N, only(kR | Facts::NonReal));
  if (f.within(kR)) f.integer = Facts::MayInt;
  return f.normalized();
}
Facts f_floor(FArgs a) {
  Facts f = by_sign(a[0], N, N | Z, Z | P, PI, NI);
  if (f.within(kR)) f.integer = Facts::MayInt;
  return f.normalized();
}
Facts f_ceil(FArgs a) {
  Facts f = by_sign(a[0], N | Z, Z, P, PI, NI);
  if (f.within(kR)) f.integer = Facts::MayInt;
  return f.normalized();
}
Facts f_erf(FArgs a) { return by_sign(a[0], N, Z, P, P, N); }
Facts f_erfc(FArgs a) { return by_sign(a[0], P, P, P, Z, P); }
Facts f_gamma(FArgs a) { return a[0].within(P) ? only(P) : Facts{}; }
Facts f_re_im(FArgs a) { return a[0].within(Facts::Finite) ? only(kR) : Facts{}; }
Facts f_conjugate(FArgs a) { return a[0]; }
Facts f_arg(FArgs a) {
  if (!a[0].within(Facts::Finite)) return Facts{};
  std::uint8_t c = 0;
  if (a[0].may(P | Z)) c |= Z;
  if (a[0].may(N)) c |= P;
  if (a[0].may(Facts::NonReal)) c |= N | P;
  return only(c);
}

// Partial derivatives ---------------------------------------------------------------------------

ExprId d_sin(ExprPool& p, Args a, int) { return p.func(Op::Cos, a[0]); }
ExprId d_cos(ExprPool& p, Args a, int) { return p.neg(p.func(Op::Sin, a[0])); }
ExprId d_tan(ExprPool& p, Args a, int) { return p.add(num(p, 1), sq(p, p.func(Op::Tan, a[0]))); }
ExprId d_sinh(ExprPool& p, Args a, int) { return p.func(Op::Cosh, a[0]); }
ExprId d_cosh(ExprPool& p, Args a, int) { return p.func(Op::Sinh, a[0]); }
ExprId d_tanh(ExprPool& p, Args a, int) { return p.sub(num(p, 1), sq(p, p.func(Op::Tanh, a[0]))); }
ExprId inv_sqrt_one_minus_sq(ExprPool& p, ExprId x) {
  return p.pow(p.sub(num(p, 1), sq(p, x)), p.number(Number::rational(-1, 2)));
}
ExprId d_asin(ExprPool& p, Args a, int) { return inv_sqrt_one_minus_sq(p, a[0]); }
ExprId d_acos(ExprPool& p, Args a, int) { return p.neg(inv_sqrt_one_minus_sq(p, a[0])); }
ExprId d_atan(ExprPool& p, Args a, int) { return p.pow(p.add(num(p, 1), sq(p, a[0])), num(p, -1)); }
ExprId d_atan2(ExprPool& p, Args a, int which) {
  // atan2(y, x): d/dy = x/(x**2 + y**2), d/dx = -y/(x**2 + y**2)
  const ExprId r2 = p.add(sq(p, a[0]), sq(p, a[1]));
  return which == 0 ? p.div(a[1], r2) : p.neg(p.div(a[0], r2));
}
ExprId d_asinh(ExprPool& p, Args a, int) {  // (1 + x**2)**(-1/2)
  return p.pow(p.add(num(p, 1), sq(p, a[0])), p.number(Number::rational(-1, 2)));
}
// d Max(a_1, ..., a_n)/d a_i = prod_{j != i} Heaviside(a_i - a_j), each step written
// (sign(t) + 1)/2 (1/2 at a tie); Min likewise with the differences reversed.
ExprId step(ExprPool& p, ExprId t) { return p.mul(rat(p, 1, 2), p.add(p.func(Op::Sign, t), num(p, 1))); }
template <bool IsMax>
ExprId d_minmax(ExprPool& p, Args a, int which) {
  std::vector<ExprId> steps;
  const auto i = static_cast<std::size_t>(which);
  for (std::size_t j = 0; j < a.size(); ++j)
    if (j != i) steps.push_back(step(p, IsMax ? p.sub(a[i], a[j]) : p.sub(a[j], a[i])));
  return p.mul(steps);
}
ExprId d_max(ExprPool& p, Args a, int which) { return d_minmax<true>(p, a, which); }
ExprId d_min(ExprPool& p, Args a, int which) { return d_minmax<false>(p, a, which); }
ExprId d_exp(ExprPool& p, Args a, int) { return p.func(Op::Exp, a[0]); }
ExprId d_log(ExprPool& p, Args a, int) { return p.pow(a[0], num(p, -1)); }
ExprId d_abs(ExprPool& p, Args a, int) { return p.func(Op::Sign, a[0]); }
ExprId d_zero(ExprPool& p, Args, int) { return num(p, 0); }  // piecewise constant: 0 almost everywhere
// The complex parts are not complex-differentiable; at a real argument re and conjugate are the
// identity, im is 0 and arg is piecewise constant (0 almost everywhere, like sign).
template <long AtReal>
ExprId d_part(ExprPool& p, Args a, int) {
  if (is_real(p.node(a[0]).facts) == true) return num(p, AtReal);
  throw InvalidArgument("re, im, conjugate and arg of a complex argument are not complex-differentiable; "
                        "differentiate the real and imaginary parts instead");
}
ExprId two_over_sqrt_pi_gauss(ExprPool& p, ExprId x) {
  // 2/sqrt(pi), exact
  const ExprId fs[3] = {num(p, 2), p.pow(p.constant(Constant::Pi), p.number(Number::rational(-1, 2))),
                        p.func(Op::Exp, p.neg(sq(p, x)))};
  return p.mul(fs);
}
ExprId d_erf(ExprPool& p, Args a, int) { return two_over_sqrt_pi_gauss(p, a[0]); }
ExprId d_erfc(ExprPool& p, Args a, int) { return p.neg(two_over_sqrt_pi_gauss(p, a[0])); }
ExprId d_gamma(ExprPool& p, Args a, int) {
  ExprId pg[2] = {num(p, 0), a[0]};
  return p.mul(p.func(Op::Gamma, a[0]), p.func(Op::Polygamma, pg));
}
ExprId d_polygamma(ExprPool& p, Args a, int which) {
  if (which == 0)
    throw InvalidArgument("polygamma(n, x) is not differentiable in its order n");
  ExprId pg[2] = {p.add(a[0], num(p, 1)), a[1]};
  return p.func(Op::Polygamma, pg);
}

// Numeric values --------------------------------------------------------------------------------

double polygamma_value(const double* x) {
  using namespace boost::math::policies;
  using quiet = policy<domain_error<ignore_error>, pole_error<ignore_error>, overflow_error<ignore_error>,
                       evaluation_error<ignore_error>, rounding_error<ignore_error>>;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double n = x[0];
  if (!(n >= 0) || std::floor(n) != n || n > 1000) return nan;
  if (std::isnan(x[1])) return x[1];
  if (std::isinf(x[1])) {  // limits: digamma(+inf) = +inf, higher orders -> 0; -inf has none
    if (x[1] < 0) return nan;
    return n == 0 ? x[1] : 0.0;
  }
  // Poles at x = 0, -1, -2, ...: psi(n, x) ~ -(-1)^n n! / (x - pole)^(n+1), so odd orders tend to
  // +inf from both sides and even orders have no limit (NaN), whatever Boost's policy returns there.
  // Below -2**52 every double is a pole and no neighbourhood is left: NaN.
  if (x[1] <= 0 && std::floor(x[1]) == x[1])
    return x[1] > -0x1p52 && std::fmod(n, 2.0) == 1.0 ? HUGE_VAL : nan;
  try {
    return boost::math::polygamma(static_cast<int>(n), x[1], quiet());
  } catch (const std::exception&) {  // any error Boost still raises means "no value here"
    return nan;
  }
}
double sign_value(const double* x) {
  if (std::isnan(x[0])) return x[0];
  return x[0] > 0 ? 1.0 : (x[0] < 0 ? -1.0 : 0.0);
}

double re_value(const double* x) { return x[0]; }
double im_value(const double* x) { return std::isnan(x[0]) ? x[0] : 0.0; }
double arg_value(const double* x) { return std::isnan(x[0]) ? x[0] : std::atan2(0.0, x[0]); }

#define UNARY(name, fn) \
  double name(const double* x) { return fn(x[0]); }
UNARY(v_sin, std::sin) UNARY(v_cos, std::cos) UNARY(v_tan, std::tan) UNARY(v_sinh, std::sinh)
UNARY(v_cosh, std::cosh) UNARY(v_tanh, std::tanh) UNARY(v_asin, std::asin) UNARY(v_acos, std::acos)
UNARY(v_atan, std::atan) UNARY(v_exp, std::exp) UNARY(v_log, std::log) UNARY(v_fabs, std::fabs)
UNARY(v_floor, std::floor) UNARY(v_ceil, std::ceil) UNARY(v_erf, std::erf) UNARY(v_erfc, std::erfc)
UNARY(v_tgamma, std::tgamma)
#undef UNARY
double v_atan2(const double* x) { return std::atan2(x[0], x[1]); }
// As compiled: a != a ? a : (a > b ? a : b) (NaN in either argument gives NaN).
double v_max(const double* x) { return x[0] != x[0] ? x[0] : (x[0] > x[1] ? x[0] : x[1]); }
double v_min(const double* x) { return x[0] != x[0] ? x[0] : (x[0] < x[1] ? x[0] : x[1]); }

#include "rules_elementary.inc"
#include "rules_special.inc"
#include "rules_integrals.inc"

constexpr VmKind vm_kind_SLEEF = VmKind::Sleef, vm_kind_EXACT = VmKind::Exact, vm_kind_SCALAR = VmKind::Scalar,
                 vm_kind_NATIVE = VmKind::Native, vm_kind_LOWERED = VmKind::Lowered, vm_kind_NONE = VmKind::None;

#define ALKAHEST_TEXT(t) (std::string_view(#t) == "none" ? std::string_view() : std::string_view(#t))
const OpInfo kTable[] = {
#define ALKAHEST_OP(E, name, arity, latex, c, cuda, sympy, hlo, jax, vm, vm_fn, vm_lo, vm_hi, ev, ev_fn, inverse, \
                    eval, exact, partial, facts)                                                               \
  {Op::E,  name,  arity, latex,   c,     cuda,  sympy, hlo, jax, vm_kind_##vm, ALKAHEST_TEXT(vm_fn),            \
   ALKAHEST_TEXT(vm_lo), ALKAHEST_TEXT(vm_hi), Op::inverse, eval, exact, partial, facts, vm_kind_##vm != VmKind::None},
#include "alkahest/ops.def"
#undef ALKAHEST_OP
};
#undef ALKAHEST_TEXT

static_assert(sizeof(kTable) / sizeof(kTable[0]) == kOpCount, "one row per Op");

}  // namespace

const OpInfo& op_info(Op op) { return kTable[static_cast<std::size_t>(op)]; }

std::span<const OpInfo> op_table() { return kTable; }

std::optional<long> default_last_arg(Op op) {
  if (op == Op::LambertW) return 0;  // the principal branch
  if (op == Op::Zeta) return 1;      // Riemann's zeta
  return std::nullopt;
}

bool accepts_call(Op op, std::size_t n) {
  if (n == 2 && (op == Op::Log || op == Op::Heaviside)) return true;  // log(x, b), Heaviside(x, H0)
  if (default_last_arg(op) && n + 1 == static_cast<std::size_t>(op_info(op).arity)) return true;  // LambertW(x), zeta(s)
  return op_info(op).takes(n);
}

const OpInfo* find_op(std::string_view name) {
  for (const OpInfo& row : kTable)
    if (row.name == name) return &row;
  return nullptr;
}

const OpInfo* find_op(std::string_view name, std::size_t nargs) {
  for (const OpInfo& row : kTable)
    if (row.name == name && row.takes(nargs)) return &row;
  return nullptr;
}

}  // namespace alkahest
