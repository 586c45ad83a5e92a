// Facts of values: set-of-classes arithmetic (see include/alkahest/facts.hpp).
#include "alkahest/facts.hpp"

#include <string_view>

#include "alkahest/errors.hpp"
#include "kernel/facts_table.hpp"

namespace alkahest {

namespace {

using F = Facts;
constexpr std::uint8_t kClasses[] = {F::Neg, F::Zero, F::Pos, F::NonReal, F::PInf, F::NInf, F::CInf, F::NaN};

// a + b for single classes.
std::uint8_t add_class(std::uint8_t a, std::uint8_t b) {
  if (a == F::NaN || b == F::NaN) return F::NaN;
  if (a == F::Zero) return b;
  if (b == F::Zero) return a;
  const std::uint8_t both = a | b;
  if (both & F::Infinite) {
    if ((both & F::PInf) && (both & F::NInf)) return F::NaN;
    if (both & F::CInf) return ((a & F::Infinite) && (b & F::Infinite)) ? (F::CInf | F::NaN) : F::CInf;
    if (both & F::NonReal) return F::CInf;  // oo + I: infinite, not real
    return both & F::Infinite;              // oo + finite real, oo + oo
  }
  if (a == F::NonReal && b == F::NonReal) return F::Finite;
  if (both & F::NonReal) return F::NonReal;
  if (a == b) return a;  // neg + neg, pos + pos
  return F::Real;        // neg + pos
}

// a * b for single classes.
std::uint8_t mul_class(std::uint8_t a, std::uint8_t b) {
  if (a == F::NaN || b == F::NaN) return F::NaN;
  const std::uint8_t both = a | b;
  if (a == F::Zero || b == F::Zero) return (both & F::Infinite) ? F::NaN : F::Zero;
  if (both & F::CInf) return F::CInf;
  if (both & (F::PInf | F::NInf)) {
    if (both & F::NonReal) return F::CInf;
    const bool neg_a = a & (F::Neg | F::NInf), neg_b = b & (F::Neg | F::NInf);
    return neg_a != neg_b ? F::NInf : F::PInf;
  }
  if (a == F::NonReal && b == F::NonReal) return F::Neg | F::Pos | F::NonReal;
  if (both & F::NonReal) return F::NonReal;
  return a == b ? F::Pos : F::Neg;
}

template <class Fn>
std::uint8_t combine(std::uint8_t as, std::uint8_t bs, Fn fn) {
  std::uint8_t out = 0;
  for (std::uint8_t a : kClasses)
    if (as & a)
      for (std::uint8_t b : kClasses)
        if (bs & b) out |= fn(a, b);
  return out;
}

// combine() for sums and products through tables (facts_table.hpp): 64 calls of the class rule
// per pair of sets at first, then eight lookups; now two (a sixth of diff's time, then a tenth of
// an expansion's node building, went to folding facts).
detail::ClassTable class_table(std::uint8_t (*fn)(std::uint8_t, std::uint8_t)) {
  std::uint8_t row[8][256];
  for (int i = 0; i < 8; ++i)
    for (int bs = 0; bs < 256; ++bs) row[i][bs] = combine(kClasses[i], static_cast<std::uint8_t>(bs), fn);
  detail::ClassTable t{};
  for (int n = 0; n < 16; ++n)
    for (int bs = 0; bs < 256; ++bs)
      for (int i = 0; i < 4; ++i)
        if (n & (1 << i)) {
          t.lo[n][bs] |= row[i][bs];
          t.hi[n][bs] |= row[i + 4][bs];
        }
  return t;
}
static_assert(F::Neg == 1 && F::Zero == 2 && F::Pos == 4 && F::NonReal == 8 && F::PInf == 16 && F::NInf == 32 &&
              F::CInf == 64 && F::NaN == 128, "ClassTable indexes kClasses by bit position");

template <class Fn>
std::uint8_t map_classes(std::uint8_t as, Fn fn) {
  std::uint8_t out = 0;
  for (std::uint8_t a : kClasses)
    if (as & a) out |= fn(a);
  return out;
}

std::optional<bool> tri(bool yes, bool no) {
  if (yes) return true;
  if (no) return false;
  return std::nullopt;
}

}  // namespace

namespace detail {
const ClassTable kAddClasses = class_table(add_class);
const ClassTable kMulClasses = class_table(mul_class);
}  // namespace detail

// A value that may be nan is unknown for every query (SymPy: nan.is_zero is None).
std::optional<bool> is_zero(Facts f) {
  if (f.may(F::NaN)) return std::nullopt;
  return tri(f.classes == F::Zero, !f.may(F::Zero));
}
std::optional<bool> is_nonzero(Facts f) {
  if (f.may(F::NaN)) return std::nullopt;
  return tri(f.within(F::Neg | F::Pos), f.within(F::Zero | F::NonReal | F::Infinite));
}
std::optional<bool> is_positive(Facts f) {
  if (f.may(F::NaN)) return std::nullopt;
  return tri(f.within(F::Pos), !f.may(F::Pos));
}
std::optional<bool> is_negative(Facts f) {
  if (f.may(F::NaN)) return std::nullopt;
  return tri(f.within(F::Neg), !f.may(F::Neg));
}
std::optional<bool> is_nonnegative(Facts f) {
  if (f.may(F::NaN)) return std::nullopt;
  return tri(f.within(F::Zero | F::Pos), !f.may(F::Zero | F::Pos));
}
std::optional<bool> is_nonpositive(Facts f) {
  if (f.may(F::NaN)) return std::nullopt;
  return tri(f.within(F::Zero | F::Neg), !f.may(F::Zero | F::Neg));
}
std::optional<bool> is_real(Facts f) {
  if (f.may(F::NaN)) return std::nullopt;
  return tri(f.within(F::Real), !f.may(F::Real));
}
std::optional<bool> is_complex(Facts f) {
  if (f.may(F::NaN)) return std::nullopt;
  return tri(f.within(F::Finite), !f.may(F::Finite));
}
std::optional<bool> is_finite(Facts f) { return is_complex(f); }
std::optional<bool> is_infinite(Facts f) {
  if (f.may(F::NaN)) return std::nullopt;
  return tri(f.within(F::Infinite), !f.may(F::Infinite));
}
std::optional<bool> is_integer(Facts f) {
  if (f.may(F::NaN)) return std::nullopt;
  if (!f.may(F::Real)) return false;
  if (f.integer == F::MayNonInt) return false;
  return tri(f.within(F::Real) && f.integer == F::MayInt, false);
}

Facts add_facts(Facts a, Facts b) { return detail::add_facts_inline(a, b); }

Facts mul_facts(Facts a, Facts b) { return detail::mul_facts_inline(a, b); }

Facts pow_facts(Facts base, Facts exp, const long* exp_int, bool exp_half) {
  Facts r;
  if (exp.may(F::NaN) && exp.classes == F::NaN) return Facts::only(F::NaN);
  if (exp_int != nullptr) {
    const long n = *exp_int;
    if (n == 0) return Facts::only(F::Pos, F::MayInt);
    const bool even = n % 2 == 0;
    r.classes = map_classes(base.classes, [&](std::uint8_t c) -> std::uint8_t {
      switch (c) {
        case F::Neg: return even ? F::Pos : F::Neg;
        case F::Zero: return n > 0 ? F::Zero : F::CInf;
        case F::Pos: return F::Pos;
        case F::NonReal: return F::Neg | F::Pos | F::NonReal;
        case F::PInf: return n > 0 ? F::PInf : F::Zero;
        case F::NInf: return n > 0 ? (even ? F::PInf : F::NInf) : F::Zero;
        case F::CInf: return n > 0 ? F::CInf : F::Zero;
        default: return F::NaN;
      }
    });
    if (n > 0 && base.integer == F::MayInt) r.integer = F::MayInt;
    return r.normalized();
  }
  if (exp_half) {
    r.classes = map_classes(base.classes, [&](std::uint8_t c) -> std::uint8_t {
      switch (c) {
        case F::Neg: return F::NonReal;
        case F::Zero: return F::Zero;
        case F::Pos: return F::Pos;
        case F::NonReal: return F::NonReal;
        case F::PInf: return F::PInf;
        case F::NInf:
        case F::CInf: return F::CInf;
        default: return F::NaN;
      }
    });
    return r.normalized();
  }
  // A positive base to a finite real power is positive.
  if (base.within(F::Pos) && exp.within(F::Real)) return Facts::only(F::Pos);
  if (base.within(F::Zero | F::Pos) && exp.within(F::Pos)) return Facts::only(F::Zero | F::Pos);
  return Facts{};
}

Facts facts_from_assumptions(std::span<const std::pair<std::string, bool>> assumptions) {
  std::uint8_t classes = F::All & ~F::NaN;  // a symbol is never nan
  std::uint8_t integer = F::MayInt | F::MayNonInt;
  bool domain_given = false;
  for (const auto& [name, value] : assumptions) {
    std::uint8_t set = 0;
    if (name == "real") set = F::Real;
    else if (name == "complex") set = F::Finite;
    else if (name == "finite") set = F::Finite;
    else if (name == "positive") set = F::Pos;
    else if (name == "negative") set = F::Neg;
    else if (name == "nonnegative") set = F::Zero | F::Pos;
    else if (name == "nonpositive") set = F::Zero | F::Neg;
    else if (name == "nonzero") set = F::Neg | F::Pos;
    else if (name == "zero") set = F::Zero;
    else if (name == "integer") {
      if (value) {
        classes &= F::Real;
        integer &= F::MayInt;
      } else {
        integer &= F::MayNonInt;
      }
      domain_given |= value;
      continue;
    } else {
      throw InvalidArgument("unknown assumption '" + name +
                            "'; the assumptions are real, complex, finite, positive, negative, "
                            "nonnegative, nonpositive, nonzero, zero, integer");
    }
    // SymPy's meanings: positive, nonzero, ... are real; their negation stays in the domain
    // (positive=False of a real symbol: nonpositive).
    if (value) {
      classes &= set;
      if (name != "complex" && name != "finite") domain_given = true;
      else domain_given |= name == "complex";
    } else {
      classes &= static_cast<std::uint8_t>(~set);
      if (name == "real") domain_given = true;
    }
  }
  if (!domain_given) classes &= F::Real;
  classes &= F::Finite;  // symbols are finite numbers
  if (integer == F::MayInt) classes &= F::Real;
  Facts f{classes, integer};
  if (classes == 0 || integer == 0 || (classes == F::Zero && integer == F::MayNonInt))
    throw InvalidArgument("contradictory assumptions: no number satisfies all of them");
  return f.normalized();
}

std::string assumptions_text(Facts f) {
  if (f == Facts::real()) return "";
  std::string out;
  auto add = [&](std::string_view s) {
    if (!out.empty()) out += ", ";
    out += s;
  };
  switch (f.classes) {
    case F::Real: break;
    case F::Finite: add("complex=True"); break;
    case F::NonReal: add("real=False"); break;
    case F::Pos: add("positive=True"); break;
    case F::Neg: add("negative=True"); break;
    case F::Zero | F::Pos: add("nonnegative=True"); break;
    case F::Zero | F::Neg: add("nonpositive=True"); break;
    case F::Neg | F::Pos: add("nonzero=True"); break;
    case F::Zero: add("zero=True"); break;
    default: {  // other combinations: the complex domain minus what is excluded
      add("complex=True");
      if (!(f.classes & F::Pos)) add("positive=False");
      if (!(f.classes & F::Neg)) add("negative=False");
      if (!(f.classes & F::Zero)) add("zero=False");
      if (!(f.classes & F::NonReal)) add("real=True");
    }
  }
  if (f.classes != F::Zero) {
    if (f.integer == F::MayInt) add("integer=True");
    if (f.integer == F::MayNonInt) add("integer=False");
  }
  return out;
}

// A symbol's assumptions as keyword pairs ("positive", true).
std::vector<std::pair<std::string, bool>> assumption_pairs(const Facts& f) {
  std::vector<std::pair<std::string, bool>> out;
  const std::string text = assumptions_text(f);
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find(", ", start);
    if (end == std::string::npos) end = text.size();
    const std::string item = text.substr(start, end - start);
    const auto eq = item.find('=');
    out.emplace_back(item.substr(0, eq), item.substr(eq + 1) == "True");
    start = end + 2;
  }
  return out;
}

}  // namespace alkahest
