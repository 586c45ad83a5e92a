// Exact and floating numbers of the kernel: arbitrary-precision integers and rationals (GMP) and
// IEEE doubles. Exact op exact stays exact; anything touching a float becomes a float.
#pragma once
#include <gmpxx.h>

#include <cstdint>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "alkahest/deep_box.hpp"

namespace alkahest {

namespace detail {
/// A rational kept on the heap: rationals are rare among an expression's numbers, and held inline
/// (32 bytes) they would make every Number, and so every node of a pool, 16 bytes larger. Copies
/// are deep; a moved-from box is empty and only destroyed or assigned to.
class BoxedMpq {
 public:
  BoxedMpq() : b_(std::make_unique<mpq_class>()) {}
  explicit BoxedMpq(mpq_class value) : b_(std::make_unique<mpq_class>(std::move(value))) {}
  const mpq_class& get() const { return *b_.get(); }
  mpq_class& get() { return *b_.get(); }

 private:
  DeepBox<mpq_class> b_;
};
}  // namespace detail

class Number {
 public:
  enum class Type : std::uint8_t { Integer, Rational, Float };

  Number() : v_(std::in_place_type<mpz_class>) {}  // 0 without allocating (mpz_init takes no limbs)
  explicit Number(long value) : v_(mpz_class(value)) {}
  explicit Number(mpz_class value) : v_(std::move(value)) {}
  /// Normalises: a rational with denominator 1 becomes an integer. Throws DivisionByZero on q == 0.
  explicit Number(mpq_class value);
  /// Every NaN becomes the one quiet NaN, so `nan` is a single node whatever produced it.
  explicit Number(double value) : v_(value != value ? std::numeric_limits<double>::quiet_NaN() : value) {}

  /// Parses decimal integer text (optional sign); throws InvalidArgument otherwise.
  static Number integer_from_string(std::string_view text);
  /// p/q, normalised; throws DivisionByZero when q == 0.
  static Number rational(const mpz_class& p, const mpz_class& q);
  /// p/q that the caller knows to be in lowest terms with q > 0 (no gcd is taken: a gcd of two
  /// 1,000-bit numbers costs ~10 us, most of building a 100x100 rational inverse's entries);
  /// q == 1 gives an integer.
  static Number from_lowest_terms(mpq_class value);
  /// The same from a numerator and a denominator in lowest terms (den > 0, gcd 1; not checked),
  /// copied straight into the number's storage: no intermediate rational (each rational that is
  /// moved costs allocations with GMP's C++ class), for callers that build many numbers.
  static Number from_lowest_terms(mpz_srcptr num, mpz_srcptr den);

  Type type() const { return static_cast<Type>(v_.index()); }
  bool is_exact() const { return type() != Type::Float; }
  bool is_integer() const { return type() == Type::Integer; }
  bool is_rational() const { return type() == Type::Rational; }
  bool is_float() const { return type() == Type::Float; }
  bool is_zero() const;
  bool is_one() const;          // exact 1 only
  bool is_minus_one() const;    // exact -1 only
  bool is_negative() const;     // value < 0 (false for NaN)
  int sign() const;             // -1, 0, 1 (0 for NaN)

  const mpz_class& integer() const { return std::get<mpz_class>(v_); }
  const mpq_class& rational() const { return std::get<detail::BoxedMpq>(v_).get(); }
  double real() const { return std::get<double>(v_); }
  /// Exact value as a rational (integers included); only for exact numbers.
  mpq_class to_mpq() const;
  /// The double nearest the exact value (ties to even; subnormals rounded once; beyond the
  /// largest finite double: +-inf). Floats return themselves.
  double to_double() const;
  /// The float nearest the exact value, rounded once from it (not through a double); floats
  /// (doubles) are rounded to float.
  float to_float() const;
  /// Whether destroying the number frees memory (GMP limbs, a rational's box); 0 made by the
  /// default constructor holds none.
  bool holds_memory() const noexcept {
    if (v_.index() == 0) return std::get_if<mpz_class>(&v_)->get_mpz_t()->_mp_alloc != 0;
    return v_.index() == 1;
  }
  /// Whether the integer fits a `long`.
  bool fits_long() const;

  friend Number operator+(const Number& a, const Number& b);
  friend Number operator-(const Number& a, const Number& b);
  friend Number operator*(const Number& a, const Number& b);
  /// Throws DivisionByZero when b is an exact zero.
  friend Number operator/(const Number& a, const Number& b);
  /// In place: an exact integer accumulator keeps its limbs (no allocation when the result fits).
  Number& operator*=(const Number& b);
  Number& operator+=(const Number& b);
  Number operator-() const;
  Number abs() const;

  /// base**exp when the result is a number of the kernel: integer exponents, exact rational roots
  /// that come out exact, and floats with a real result. nullopt means "leave the power unevaluated".
  static std::optional<Number> power(const Number& base, const Number& exp);

  /// Total order by value (then Integer < Rational < Float on ties; NaN last). Used for canonical order.
  static int compare(const Number& a, const Number& b);
  /// Structural identity: same type and same value (floats by bit pattern).
  bool identical(const Number& other) const;
  std::uint64_t hash() const;

  /// Text that Python, SymPy and alkahest.parse read back: "3", "-7", "2/3", "0.5", "1e+300".
  std::string str() const;

 private:
  // Integer, Rational, Float in this order (type() is the index): 24 bytes.
  std::variant<mpz_class, detail::BoxedMpq, double> v_;
};

/// Shortest decimal text that reads back to exactly `value`, always marked as a float ("2.0").
std::string format_double(double value);

}  // namespace alkahest
