// What the kernel knows of a value without evaluating it: the set of value classes it may fall in
// (negative, zero, positive, non-real finite, +oo, -oo, complex infinity, nan) and whether it may
// be an integer. Every node carries its Facts, computed once when it is interned from its
// children's (so queries are O(1) and identical everywhere); a Symbol's Facts are its assumptions
// and part of its identity. Queries are three-valued: true, false, or unknown (nullopt).
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace alkahest {

struct Facts {
  // Value classes (bits of `classes`).
  static constexpr std::uint8_t Neg = 1;      ///< finite real < 0
  static constexpr std::uint8_t Zero = 2;     ///< 0
  static constexpr std::uint8_t Pos = 4;      ///< finite real > 0
  static constexpr std::uint8_t NonReal = 8;  ///< finite, imaginary part != 0
  static constexpr std::uint8_t PInf = 16;    ///< +oo
  static constexpr std::uint8_t NInf = 32;    ///< -oo
  static constexpr std::uint8_t CInf = 64;    ///< complex (or non-real directed) infinity
  static constexpr std::uint8_t NaN = 128;    ///< undefined
  static constexpr std::uint8_t Real = Neg | Zero | Pos;
  static constexpr std::uint8_t Finite = Real | NonReal;
  static constexpr std::uint8_t Infinite = PInf | NInf | CInf;
  static constexpr std::uint8_t All = 255;
  // Integer bits (of `integer`): whether a finite real value may be an integer / a non-integer.
  static constexpr std::uint8_t MayInt = 1;
  static constexpr std::uint8_t MayNonInt = 2;

  std::uint8_t classes = All;
  std::uint8_t integer = MayInt | MayNonInt;

  bool operator==(const Facts&) const = default;
  /// The default domain of a symbol: real (finite), sign and integrality unknown.
  static constexpr Facts real() { return Facts{Real, MayInt | MayNonInt}; }
  static constexpr Facts only(std::uint8_t classes, std::uint8_t integer = MayInt | MayNonInt) {
    return Facts{classes, integer};
  }
  /// Canonical form: integrality only matters for finite reals; 0 is an integer.
  Facts normalized() const {
    Facts f = *this;
    if ((f.classes & Real) == 0) f.integer = MayInt | MayNonInt;  // nothing to say
    if (f.classes == Zero) f.integer = MayInt;
    if (f.integer == 0) f.integer = MayInt | MayNonInt;
    return f;
  }
  bool within(std::uint8_t set) const { return (classes & ~set) == 0; }
  bool may(std::uint8_t set) const { return (classes & set) != 0; }
};

// Three-valued queries (SymPy's meanings: positive, negative, ... imply finite and real).
std::optional<bool> is_zero(Facts f);
std::optional<bool> is_nonzero(Facts f);  ///< real and not zero
std::optional<bool> is_positive(Facts f);
std::optional<bool> is_negative(Facts f);
std::optional<bool> is_nonnegative(Facts f);
std::optional<bool> is_nonpositive(Facts f);
std::optional<bool> is_real(Facts f);
std::optional<bool> is_complex(Facts f);  ///< a finite complex number
std::optional<bool> is_finite(Facts f);
std::optional<bool> is_infinite(Facts f);
std::optional<bool> is_integer(Facts f);

/// Facts of a sum, product and power from their operands' facts.
Facts add_facts(Facts a, Facts b);
Facts mul_facts(Facts a, Facts b);
/// `exp_int`: the exponent's value when it is an exact integer (else nullptr); `exp_half`: it is 1/2.
Facts pow_facts(Facts base, Facts exp, const long* exp_int, bool exp_half);

/// Facts from assumption keywords: each entry is (name, value) with name one of real, complex,
/// positive, negative, nonnegative, nonpositive, nonzero, zero, integer, finite. Throws
/// InvalidArgument on an unknown name or contradictory assumptions. Without `complex=True` or an
/// assumption that decides realness, the domain is real (the default).
Facts facts_from_assumptions(std::span<const std::pair<std::string, bool>> assumptions);
/// The assumptions of a symbol as keyword text ("positive=True, integer=True"); "" for the default.
std::string assumptions_text(Facts f);
/// The same as keyword pairs ("positive", true); none for the default.
std::vector<std::pair<std::string, bool>> assumption_pairs(const Facts& f);

}  // namespace alkahest
