#include "alkahest/number.hpp"

#include <mpfr.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <mutex>

#include "alkahest/errors.hpp"
#include "kernel/hash_mix.hpp"

namespace alkahest {

namespace {

std::uint64_t hash_mpz(const mpz_class& z, std::uint64_t seed) {
  std::uint64_t h = hash_mix(seed, static_cast<std::uint64_t>(mpz_sgn(z.get_mpz_t()) + 1));
  const std::size_t n = mpz_size(z.get_mpz_t());
  for (std::size_t i = 0; i < n; ++i)
    h = hash_mix(h, static_cast<std::uint64_t>(mpz_getlimbn(z.get_mpz_t(), i)));
  return h;
}

}  // namespace

Number::Number(mpq_class value) {
  if (value.get_den() == 0) throw DivisionByZero("division by zero in an exact rational");
  value.canonicalize();
  if (value.get_den() == 1)
    v_ = mpz_class(value.get_num());
  else
    v_.emplace<detail::BoxedMpq>(std::move(value));
}

Number Number::integer_from_string(std::string_view text) {
  std::string s(text);
  std::size_t start = (!s.empty() && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
  if (start == s.size()) throw InvalidArgument("not an integer: '" + s + "'");
  for (std::size_t i = start; i < s.size(); ++i)
    if (s[i] < '0' || s[i] > '9') throw InvalidArgument("not an integer: '" + s + "'");
  if (s[0] == '+') s.erase(0, 1);
  return Number(mpz_class(s, 10));
}

Number Number::rational(const mpz_class& p, const mpz_class& q) {
  if (q == 0) throw DivisionByZero("rational with zero denominator: " + p.get_str() + "/0");
  return Number(mpq_class(p, q));
}

Number Number::from_lowest_terms(mpz_srcptr num, mpz_srcptr den) {
  Number r;
  if (mpz_cmp_ui(den, 1) == 0) {
    mpz_set(std::get<mpz_class>(r.v_).get_mpz_t(), num);
    return r;
  }
  mpq_class& q = r.v_.emplace<detail::BoxedMpq>().get();
  mpz_set(q.get_num_mpz_t(), num);
  mpz_set(q.get_den_mpz_t(), den);
  return r;
}

Number Number::from_lowest_terms(mpq_class value) {
  Number r;
  if (value.get_den() == 1)
    r.v_ = mpz_class(std::move(value.get_num()));
  else
    r.v_.emplace<detail::BoxedMpq>(std::move(value));
  return r;
}

bool Number::is_zero() const {
  switch (type()) {
    case Type::Integer: return integer() == 0;
    case Type::Rational: return false;
    case Type::Float: return real() == 0.0;
  }
  return false;
}
bool Number::is_one() const { return is_integer() && integer() == 1; }
bool Number::is_minus_one() const { return is_integer() && integer() == -1; }
int Number::sign() const {
  switch (type()) {
    case Type::Integer: return sgn(integer());
    case Type::Rational: return sgn(rational());
    case Type::Float: return real() > 0 ? 1 : (real() < 0 ? -1 : 0);
  }
  return 0;
}
bool Number::is_negative() const { return sign() < 0; }

mpq_class Number::to_mpq() const {
  if (is_integer()) return mpq_class(integer());
  if (is_rational()) return rational();
  throw InvalidArgument("to_mpq on a float");
}

namespace {

// The exact rational q rounded to nearest (ties to even) in the binary format with `precision`
// significand bits and MPFR exponents emin..emax (a value is m * 2**e, 0.5 <= |m| < 1): subnormals
// are rounded once, at their own precision (mpfr_subnormalize), and magnitudes beyond the largest
// finite value become infinities. The result is exactly representable in that format and is
// returned as a double. MPFR's exponent range is per thread (MPFR built thread-safe, as Debian's
// is); it is restored before returning. A build without thread-local storage shares it between
// threads: a lock then serialises the conversions.
double round_exact(const mpq_class& q, mpfr_prec_t precision, mpfr_exp_t emin, mpfr_exp_t emax) {
  static std::mutex shared_range;
  std::unique_lock<std::mutex> lock(shared_range, std::defer_lock);
  if (!mpfr_buildopt_tls_p()) lock.lock();
  struct Range {
    mpfr_exp_t emin = mpfr_get_emin(), emax = mpfr_get_emax();
    ~Range() {
      mpfr_set_emin(emin);
      mpfr_set_emax(emax);
    }
  } saved;
  mpfr_t r;
  mpfr_init2(r, precision);
  mpfr_set_emin(emin);
  mpfr_set_emax(emax);
  const int inexact = mpfr_set_q(r, q.get_mpq_t(), MPFR_RNDN);
  mpfr_subnormalize(r, inexact, MPFR_RNDN);
  const double d = mpfr_get_d(r, MPFR_RNDN);  // exact: r has at most 53 bits and a double's range
  mpfr_clear(r);
  return d;
}

}  // namespace

double Number::to_double() const {
  switch (type()) {
    case Type::Integer:
      if (mpz_sizeinbase(integer().get_mpz_t(), 2) <= 53) return integer().get_d();  // exact
      return round_exact(mpq_class(integer()), 53, -1073, 1024);
    case Type::Rational: return round_exact(rational(), 53, -1073, 1024);
    case Type::Float: return real();
  }
  return 0;
}

float Number::to_float() const {
  switch (type()) {
    case Type::Integer:
      if (mpz_sizeinbase(integer().get_mpz_t(), 2) <= 24) return static_cast<float>(integer().get_si());
      return static_cast<float>(round_exact(mpq_class(integer()), 24, -148, 128));
    case Type::Rational: return static_cast<float>(round_exact(rational(), 24, -148, 128));
    case Type::Float: return static_cast<float>(real());  // the double is the exact value
  }
  return 0;
}

bool Number::fits_long() const { return is_integer() && integer().fits_slong_p(); }

Number operator+(const Number& a, const Number& b) {
  if (a.is_float() || b.is_float()) return Number(a.to_double() + b.to_double());
  if (a.is_integer() && b.is_integer()) return Number(mpz_class(a.integer() + b.integer()));
  return Number(mpq_class(a.to_mpq() + b.to_mpq()));
}
Number operator-(const Number& a, const Number& b) { return a + (-b); }
Number operator*(const Number& a, const Number& b) {
  if (a.is_float() || b.is_float()) return Number(a.to_double() * b.to_double());
  if (a.is_integer() && b.is_integer()) return Number(mpz_class(a.integer() * b.integer()));
  return Number(mpq_class(a.to_mpq() * b.to_mpq()));
}
Number& Number::operator*=(const Number& b) {
  if (b.is_one()) return *this;  // x * 1 = x, for floats too (NaN and infinities included)
  if (is_integer() && b.is_integer()) {
    mpz_class& z = std::get<mpz_class>(v_);
    mpz_mul(z.get_mpz_t(), z.get_mpz_t(), b.integer().get_mpz_t());
    return *this;
  }
  if (is_one() && b.is_exact()) return *this = b;
  return *this = *this * b;
}
Number& Number::operator+=(const Number& b) {
  if (is_integer() && b.is_integer()) {
    mpz_class& z = std::get<mpz_class>(v_);
    mpz_add(z.get_mpz_t(), z.get_mpz_t(), b.integer().get_mpz_t());
    return *this;
  }
  return *this = *this + b;
}
Number operator/(const Number& a, const Number& b) {
  if (a.is_float() || b.is_float()) return Number(a.to_double() / b.to_double());
  if (b.is_zero()) throw DivisionByZero("exact division by zero: " + a.str() + "/0");
  return Number(mpq_class(a.to_mpq() / b.to_mpq()));
}
Number Number::operator-() const {
  switch (type()) {
    case Type::Integer: return Number(mpz_class(-integer()));
    case Type::Rational: return Number(mpq_class(-rational()));
    case Type::Float: return Number(-real());
  }
  return *this;
}
Number Number::abs() const { return sign() < 0 ? -*this : *this; }

namespace {

// Exact k-th root of a non-negative integer, if it is one.
std::optional<mpz_class> exact_root(const mpz_class& z, unsigned long k) {
  mpz_class r;
  if (mpz_root(r.get_mpz_t(), z.get_mpz_t(), k) != 0) return r;
  return std::nullopt;
}

Number int_power(const Number& base, const mpz_class& e) {
  if (!e.fits_slong_p() || abs(e) > 1000000)
    throw InvalidArgument("exponent " + e.get_str() + " is too large for an exact power");
  long n = e.get_si();
  unsigned long un = static_cast<unsigned long>(n < 0 ? -n : n);
  mpq_class b = base.to_mpq();
  if (n < 0) {
    if (b == 0) throw DivisionByZero("exact zero raised to a negative power: 0**" + e.get_str());
    b = 1 / b;
  }
  mpz_class num, den;
  mpz_pow_ui(num.get_mpz_t(), b.get_num_mpz_t(), un);
  mpz_pow_ui(den.get_mpz_t(), b.get_den_mpz_t(), un);
  return Number(mpq_class(num, den));
}

// Exact powers whose result would exceed this many bits stay symbolic (base**e unevaluated):
// about 1.2 million decimal digits, far beyond anything worth printing, and it bounds the time
// and memory one power may take.
constexpr double kMaxExactPowerBits = 1 << 22;

bool too_big(const mpq_class& b, const mpz_class& e) {
  const double bits = static_cast<double>(std::max(mpz_sizeinbase(b.get_num_mpz_t(), 2),
                                                   mpz_sizeinbase(b.get_den_mpz_t(), 2)));
  return bits * std::fabs(e.get_d()) > kMaxExactPowerBits;
}

}  // namespace

std::optional<Number> Number::power(const Number& base, const Number& exp) {
  if (exp.is_float() || base.is_float()) {
    const double b = base.to_double(), e = exp.to_double();
    if (b < 0 && std::floor(e) != e) return std::nullopt;  // complex result: stay symbolic
    return Number(std::pow(b, e));
  }
  if (exp.is_integer()) {
    // Keep huge integer powers of symbols-free numbers exact only when small enough to print.
    if (!(base.is_zero() || base.is_one() || base.is_minus_one()) && ::abs(exp.integer()) > 100000)
      return std::nullopt;
    if (base.is_minus_one()) return Number(mpz_class(mpz_odd_p(exp.integer().get_mpz_t()) ? -1 : 1));
    if (base.is_zero()) {
      if (exp.integer() > 0) return Number(0L);
      throw DivisionByZero("exact zero raised to a negative power: 0**" + exp.integer().get_str());
    }
    if (base.is_one()) return Number(1L);
    if (too_big(base.to_mpq(), exp.integer())) return std::nullopt;
    return int_power(base, exp.integer());
  }
  // Rational exponent p/q: exact only if base is a perfect q-th power (non-negative base).
  const mpq_class& r = exp.rational();
  if (base.is_zero()) {
    if (r > 0) return Number(0L);
    throw DivisionByZero("exact zero raised to a negative power: 0**(" + exp.str() + ")");
  }
  if (base.is_one()) return Number(1L);
  if (base.is_negative()) return std::nullopt;
  if (!r.get_den().fits_ulong_p()) return std::nullopt;
  const unsigned long q = r.get_den().get_ui();
  mpq_class b = base.to_mpq();
  auto num = exact_root(b.get_num(), q);
  auto den = exact_root(b.get_den(), q);
  if (!num || !den) return std::nullopt;
  if (too_big(mpq_class(*num, *den), r.get_num())) return std::nullopt;
  return int_power(Number(mpq_class(*num, *den)), r.get_num());
}

int Number::compare(const Number& a, const Number& b) {
  const bool an = a.is_float() && std::isnan(a.real());
  const bool bn = b.is_float() && std::isnan(b.real());
  if (an || bn) {
    if (an && bn) return 0;
    return an ? 1 : -1;
  }
  int c;
  if (a.is_float() || b.is_float()) {
    if (a.is_float() && b.is_float()) {
      c = a.real() < b.real() ? -1 : (a.real() > b.real() ? 1 : 0);
      if (c == 0) c = std::signbit(b.real()) - std::signbit(a.real());
    } else if (a.is_float()) {
      c = std::isinf(a.real()) ? (a.real() < 0 ? -1 : 1) : -cmp(b.to_mpq(), mpq_class(a.real()));
    } else {
      c = std::isinf(b.real()) ? (b.real() < 0 ? 1 : -1) : cmp(a.to_mpq(), mpq_class(b.real()));
    }
  } else {
    c = cmp(a.to_mpq(), b.to_mpq());
  }
  if (c != 0) return c < 0 ? -1 : 1;
  return static_cast<int>(a.type()) - static_cast<int>(b.type());
}

bool Number::identical(const Number& other) const {
  if (type() != other.type()) return false;
  switch (type()) {
    case Type::Integer: return integer() == other.integer();
    case Type::Rational: return rational() == other.rational();
    case Type::Float: return std::bit_cast<std::uint64_t>(real()) == std::bit_cast<std::uint64_t>(other.real());
  }
  return false;
}

std::uint64_t Number::hash() const {
  switch (type()) {
    case Type::Integer: return hash_mpz(integer(), 0x1001);
    case Type::Rational:
      return hash_mpz(rational().get_den(), hash_mpz(rational().get_num(), 0x2002));
    case Type::Float: return hash_mix(0x3003, std::bit_cast<std::uint64_t>(real()));
  }
  return 0;
}

std::string format_double(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, value);
  std::string s(buf, res.ptr);
  if (s.find_first_of(".en") == std::string::npos) s += ".0";
  return s;
}

std::string Number::str() const {
  switch (type()) {
    case Type::Integer: return integer().get_str();
    case Type::Rational: return rational().get_num().get_str() + "/" + rational().get_den().get_str();
    case Type::Float: return format_double(real());
  }
  return "";
}

}  // namespace alkahest
