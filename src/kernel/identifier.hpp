// Which characters make an identifier (a symbol's name), shared by ExprPool::symbol and parse.
// ASCII letters, digits and '_' (not starting with a digit), and, beyond ASCII, the letters of the
// Latin, IPA, Greek, Cyrillic, Armenian, Hebrew, Arabic, Devanagari, Greek Extended, kana, CJK and
// Hangul blocks (plus Arabic-Indic and Devanagari digits after the first character). The tables
// hold exactly the code points of those blocks that Python accepts in an identifier (XID_Start /
// XID_Continue, Unicode 14) and that NFKC normalisation leaves unchanged (Python reads 'ϕ' as 'φ'
// and 'ﬁ' as 'fi'), without combining marks: printed text stays readable by Python and SymPy as
// the same names. Everything else (operators such as U+2212 MINUS SIGN, superscripts, spaces,
// punctuation, malformed UTF-8) is never part of a name; tests/python/test_parse_unicode.py checks
// the tables against Python's own rule.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string_view>

namespace alkahest::identifier {

struct Range {
  char32_t lo, hi;
};

inline constexpr Range kLetters[] = {
    {0xC0, 0xD6}, {0xD8, 0xF6}, {0xF8, 0x131}, {0x134, 0x13E}, {0x141, 0x148}, {0x14A, 0x17E},
    {0x180, 0x1C3}, {0x1CD, 0x1F0}, {0x1F4, 0x2AF}, {0x370, 0x373}, {0x376, 0x377}, {0x37B, 0x37D},
    {0x37F, 0x37F}, {0x386, 0x386}, {0x388, 0x38A}, {0x38C, 0x38C}, {0x38E, 0x3A1}, {0x3A3, 0x3CF},
    {0x3D7, 0x3EF}, {0x3F3, 0x3F3}, {0x3F7, 0x3F8}, {0x3FA, 0x481}, {0x48A, 0x52F}, {0x531, 0x556},
    {0x559, 0x559}, {0x560, 0x586}, {0x588, 0x588}, {0x5D0, 0x5EA}, {0x620, 0x64A}, {0x66E, 0x66F},
    {0x671, 0x674}, {0x679, 0x6D3}, {0x6D5, 0x6D5}, {0x6E5, 0x6E6}, {0x6EE, 0x6EF}, {0x6FA, 0x6FC},
    {0x6FF, 0x6FF}, {0x904, 0x939}, {0x93D, 0x93D}, {0x950, 0x950}, {0x960, 0x961}, {0x971, 0x97F},
    {0x1E00, 0x1E99}, {0x1E9C, 0x1F15}, {0x1F18, 0x1F1D}, {0x1F20, 0x1F45}, {0x1F48, 0x1F4D},
    {0x1F50, 0x1F57}, {0x1F59, 0x1F59}, {0x1F5B, 0x1F5B}, {0x1F5D, 0x1F5D}, {0x1F5F, 0x1F70},
    {0x1F72, 0x1F72}, {0x1F74, 0x1F74}, {0x1F76, 0x1F76}, {0x1F78, 0x1F78}, {0x1F7A, 0x1F7A},
    {0x1F7C, 0x1F7C}, {0x1F80, 0x1FB4}, {0x1FB6, 0x1FBA}, {0x1FBC, 0x1FBC}, {0x1FC2, 0x1FC4},
    {0x1FC6, 0x1FC8}, {0x1FCA, 0x1FCA}, {0x1FCC, 0x1FCC}, {0x1FD0, 0x1FD2}, {0x1FD6, 0x1FDA},
    {0x1FE0, 0x1FE2}, {0x1FE4, 0x1FEA}, {0x1FEC, 0x1FEC}, {0x1FF2, 0x1FF4}, {0x1FF6, 0x1FF8},
    {0x1FFA, 0x1FFA}, {0x1FFC, 0x1FFC}, {0x3041, 0x3096}, {0x309D, 0x309E}, {0x30A1, 0x30FA},
    {0x30FC, 0x30FE}, {0x4E00, 0x9FFF}, {0xAC00, 0xD7A3},
};

// Digits of other scripts: identifier characters after the first.
inline constexpr Range kDigits[] = {{0x660, 0x669}, {0x6F0, 0x6F9}, {0x966, 0x96F}};

inline constexpr char32_t kInvalid = 0xFFFFFFFF;

/// Decodes the UTF-8 code point at s[i] and sets `length` to its byte count; kInvalid (length 1)
/// for a malformed, overlong or surrogate sequence.
inline char32_t decode_utf8(std::string_view s, std::size_t i, std::size_t& length) {
  length = 1;
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return c;
  std::size_t n;
  char32_t cp, min;
  if ((c & 0xE0) == 0xC0) {
    n = 2, cp = c & 0x1F, min = 0x80;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3, cp = c & 0x0F, min = 0x800;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4, cp = c & 0x07, min = 0x10000;
  } else {
    return kInvalid;
  }
  if (i + n > s.size()) return kInvalid;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return kInvalid;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return kInvalid;
  length = n;
  return cp;
}

inline bool in_ranges(char32_t cp, const Range* begin, const Range* end) {
  const Range* r = std::upper_bound(begin, end, cp, [](char32_t v, const Range& x) { return v < x.lo; });
  return r != begin && cp <= (r - 1)->hi;
}

/// Whether code point `cp` may start a name.
inline bool is_start(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || cp == '_';
  return in_ranges(cp, std::begin(kLetters), std::end(kLetters));
}

/// Whether code point `cp` may continue a name.
inline bool is_continue(char32_t cp) {
  if (cp < 0x80) return is_start(cp) || (cp >= '0' && cp <= '9');
  return is_start(cp) || in_ranges(cp, std::begin(kDigits), std::end(kDigits));
}

/// Whether `s` is a whole name: valid UTF-8, a start character, then continue characters.
inline bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  for (std::size_t i = 0, len = 0; i < s.size(); i += len) {
    const char32_t cp = decode_utf8(s, i, len);
    if (cp == kInvalid || !(i == 0 ? is_start(cp) : is_continue(cp))) return false;
  }
  return true;
}

}  // namespace alkahest::identifier
