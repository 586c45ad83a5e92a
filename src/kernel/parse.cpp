// Expression parser: an operator-precedence (shunting-yard) parser with explicit operand and
// operator stacks, so nesting depth costs heap memory, never C stack. Precedence follows Python:
//   < <= > >= (not chained)  <  + -  <  * /  <  unary + -  <  ** ^ (right-associative; its right
//   operand may carry a sign)
// which makes `-x**2` = -(x**2), `2**-1` valid and `2^3^2` = 2**9.
#include "alkahest/parse.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

#include "alkahest/errors.hpp"
#include "alkahest/objects.hpp"
#include "alkahest/facts.hpp"
#include "kernel/identifier.hpp"

namespace alkahest {

namespace {

enum class Tok : std::uint8_t {
  Integer, Float, Name, Plus, Minus, Star, Slash, Power, LParen, RParen, Comma, Superscript, String, Assign, Less, LessEq, Greater, GreaterEq, End
};

struct Token {
  Tok kind = Tok::End;
  std::size_t begin = 0, end = 0;
  long exponent = 0;  ///< Superscript: its value (x² -> 2, x⁻¹ -> -1)
};

bool is_digit(unsigned char c) { return c >= '0' && c <= '9'; }
bool is_space(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string show_char(unsigned char c) {
  if (c >= 0x20 && c < 0x7f) return std::string(1, static_cast<char>(c));
  static const char* hex = "0123456789abcdef";
  return std::string("\\x") + hex[c >> 4] + hex[c & 15];
}

std::string code_point_name(char32_t cp) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "U+%04X", static_cast<unsigned>(cp));
  return buf;
}

// Operators written as the mathematical characters they are: U+2212 MINUS SIGN, multiplication
// signs and dots, division signs. Tok::End: not one of them.
Tok unicode_operator(char32_t cp) {
  switch (cp) {
    case 0x2212: return Tok::Minus;  // − minus sign
    case 0x00D7:                     // × multiplication sign
    case 0x00B7:                     // · middle dot
    case 0x22C5:                     // ⋅ dot operator
    case 0x2219: return Tok::Star;   // ∙ bullet operator
    case 0x00F7:                     // ÷ division sign
    case 0x2215: return Tok::Slash;  // ∕ division slash
    default: return Tok::End;
  }
}

// Superscript digits ⁰..⁹ -> 0..9; -2 for ⁻ (superscript minus), -3 for ⁺; -1 otherwise.
int superscript(char32_t cp) {
  switch (cp) {
    case 0x2070: return 0;
    case 0x00B9: return 1;
    case 0x00B2: return 2;
    case 0x00B3: return 3;
    case 0x207B: return -2;
    case 0x207A: return -3;
    default: return (cp >= 0x2074 && cp <= 0x2079) ? static_cast<int>(cp - 0x2070) : -1;
  }
}

class Lexer {
 public:
  explicit Lexer(std::string_view src) : src_(src) {}

  Token next() {
    while (pos_ < src_.size() && is_space(static_cast<unsigned char>(src_[pos_]))) ++pos_;
    Token t;
    t.begin = pos_;
    if (pos_ == src_.size()) {
      t.end = pos_;
      return t;
    }
    const unsigned char c = static_cast<unsigned char>(src_[pos_]);
    if (is_digit(c) || (c == '.' && pos_ + 1 < src_.size() && is_digit(at(pos_ + 1)))) {
      lex_number(t);
      return t;
    }
    std::size_t len = 1;
    const char32_t cp = c < 0x80 ? c : identifier::decode_utf8(src_, pos_, len);
    if (cp == identifier::kInvalid)
      throw ParseError("invalid UTF-8 byte '" + show_char(c) + "' at " + std::to_string(t.begin), t.begin,
                       t.begin + 1);
    if (identifier::is_start(cp)) {
      pos_ += len;
      while (pos_ < src_.size()) {
        const char32_t next = identifier::decode_utf8(src_, pos_, len);
        if (next == identifier::kInvalid || !identifier::is_continue(next)) break;
        pos_ += len;
      }
      if (pos_ < src_.size() && src_[pos_] == '{') {  // x{positive}: a symbol with assumptions
        const std::size_t close = src_.find('}', pos_);
        if (close == std::string_view::npos)
          throw ParseError("unclosed '{' of the assumptions of '" + std::string(src_.substr(t.begin, pos_ - t.begin)) +
                               "' at " + std::to_string(pos_),
                           pos_, src_.size());
        pos_ = close + 1;
      }
      t.kind = Tok::Name;
      t.end = pos_;
      return t;
    }
    if (c >= 0x80) {
      pos_ += len;
      t.end = pos_;
      if ((t.kind = unicode_operator(cp)) != Tok::End) return t;
      if (superscript(cp) != -1) {
        lex_superscript(t);
        return t;
      }
      throw ParseError("unexpected character '" + std::string(src_.substr(t.begin, len)) + "' (" +
                           code_point_name(cp) + ") at " + std::to_string(t.begin) +
                           ": not an operator alkahest reads, nor a letter of a name",
                       t.begin, t.end);
    }
    ++pos_;
    switch (c) {
      case '+': t.kind = Tok::Plus; break;
      case '-': t.kind = Tok::Minus; break;
      case '*':
        if (pos_ < src_.size() && src_[pos_] == '*') {
          ++pos_;
          t.kind = Tok::Power;
        } else {
          t.kind = Tok::Star;
        }
        break;
      case '/': t.kind = Tok::Slash; break;
      case '^': t.kind = Tok::Power; break;
      case '<':
      case '>': {  // comparisons (SymPy prints Lt(x, 1) as x < 1)
        const bool eq = pos_ < src_.size() && src_[pos_] == '=';
        if (eq) ++pos_;
        t.kind = c == '<' ? (eq ? Tok::LessEq : Tok::Less) : (eq ? Tok::GreaterEq : Tok::Greater);
        break;
      }
      case '(': t.kind = Tok::LParen; break;
      case ')': t.kind = Tok::RParen; break;
      case ',': t.kind = Tok::Comma; break;
      case '=': t.kind = Tok::Assign; break;
      case '\'':
      case '"': {  // a string (Limit's direction '+'): up to the same quote, no escapes
        const std::size_t close = src_.find(static_cast<char>(c), pos_);
        if (close == std::string_view::npos)
          throw ParseError("unterminated string starting at " + std::to_string(t.begin), t.begin, src_.size());
        pos_ = close + 1;
        t.kind = Tok::String;
        break;
      }
      default:
        throw ParseError(
            "unexpected character '" + show_char(c) + "' at " + std::to_string(t.begin), t.begin,
            t.begin + 1);
    }
    t.end = pos_;
    return t;
  }

 private:
  unsigned char at(std::size_t i) const { return static_cast<unsigned char>(src_[i]); }

  // A run of superscripts after the first one (t.begin..t.end): [⁺|⁻] digits, a power of the
  // operand before it (x² is x**2, x⁻¹ is x**-1).
  void lex_superscript(Token& t) {
    std::string digits;
    bool negative = false;
    for (std::size_t at = t.begin, len = 0; at < src_.size(); at += len) {
      const int d = superscript(identifier::decode_utf8(src_, at, len));
      if (d == -1) break;
      if (d < 0) {  // a sign: only first
        if (at != t.begin) break;
        negative = d == -2;
      } else {
        digits += static_cast<char>('0' + d);
      }
      pos_ = at + len;
    }
    t.end = pos_;
    if (digits.empty())
      throw ParseError("superscript sign '" + std::string(src_.substr(t.begin, t.end - t.begin)) + "' at " +
                           std::to_string(t.begin) + " without superscript digits",
                       t.begin, t.end);
    if (digits.size() > 9)
      throw ParseError("superscript exponent at " + std::to_string(t.begin) + " is too long; write **(...)",
                       t.begin, t.end);
    t.kind = Tok::Superscript;
    t.exponent = std::stol(digits) * (negative ? -1 : 1);
  }

  // digits [. digits] [(e|E) [+-] digits], or . digits [...]; integer unless '.' or exponent.
  void lex_number(Token& t) {
    bool is_float = false;
    while (pos_ < src_.size() && is_digit(at(pos_))) ++pos_;
    if (pos_ < src_.size() && src_[pos_] == '.') {
      is_float = true;
      ++pos_;
      while (pos_ < src_.size() && is_digit(at(pos_))) ++pos_;
    }
    if (pos_ < src_.size() && (src_[pos_] == 'e' || src_[pos_] == 'E')) {
      std::size_t j = pos_ + 1;
      if (j < src_.size() && (src_[j] == '+' || src_[j] == '-')) ++j;
      if (j < src_.size() && is_digit(at(j))) {
        is_float = true;
        pos_ = j;
        while (pos_ < src_.size() && is_digit(at(pos_))) ++pos_;
      }
    }
    t.kind = is_float ? Tok::Float : Tok::Integer;
    t.end = pos_;
  }

  std::string_view src_;
  std::size_t pos_ = 0;
};

// Value of a float literal; literals beyond the double range become inf or 0.0, as in Python.
double float_value(std::string_view s) {
  double v = 0;
  const auto r = std::from_chars(s.data(), s.data() + s.size(), v, std::chars_format::general);
  if (r.ec == std::errc() && r.ptr == s.data() + s.size()) return v;
  if (r.ec != std::errc::result_out_of_range)
    throw InvalidArgument("malformed float literal '" + std::string(s) + "'");
  // Out of range: decide overflow vs underflow from the decimal magnitude.
  const auto e = s.find_first_of("eE");
  const std::string_view mant = s.substr(0, e);
  long long exp10 = 0;
  if (e != std::string_view::npos) {
    std::size_t i = e + 1;
    bool neg = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
    for (; i < s.size(); ++i)
      if (exp10 < 1000000000) exp10 = exp10 * 10 + (s[i] - '0');
    if (neg) exp10 = -exp10;
  }
  const auto dot = std::min(mant.find('.'), mant.size());
  long long mag = 0;
  for (std::size_t k = 0; k < mant.size(); ++k) {
    if (mant[k] == '.' || mant[k] == '0') continue;
    mag = k < dot ? static_cast<long long>(dot - k - 1) : -static_cast<long long>(k - dot);
    break;
  }
  return mag + exp10 > 0 ? std::numeric_limits<double>::infinity() : 0.0;
}

struct Callee {
  const OpInfo* info = nullptr;  ///< nullptr: sqrt, an object or an undefined function
  bool found = false;
  enum Type : std::uint8_t { OpCall, Sqrt, Object, Lambda, Undefined } type = OpCall;
  Head head = Head::Function;  ///< Object
};

// Function spellings the parser accepts: the op table, `sqrt`, and SymPy's `Abs`, `ceiling`/`ceil`;
// the heads of unevaluated objects (Derivative, Integral, Eq, Piecewise, ...) and Lambda (in RootSum);
// any other name is an undefined function f(x).
Callee find_callee(std::string_view name) {
  if (const OpInfo* info = find_op(name)) return {info, true};
  if (name == "sqrt") return {nullptr, true, Callee::Sqrt};
  if (name == "Abs") return {&op_info(Op::Abs), true};
  if (name == "ceil" || name == "ceiling") return {&op_info(Op::Ceil), true};
  if (name == "Lambda") return {nullptr, true, Callee::Lambda};
  if (auto h = find_head(name)) return {nullptr, true, Callee::Object, *h};
  return {nullptr, true, Callee::Undefined};
}

class Parser {
 public:
  Parser(ExprPool& pool, std::string_view src,
         const std::unordered_map<std::string, ExprId>* symbols)
      : pool_(pool), src_(src), symbols_(symbols), lexer_(src) {}

  ExprId run() {
    bool expect_operand = true;
    Token last;  // previous token, for messages
    bool have_last = false;
    Token t = lexer_.next();
    while (true) {
      if (expect_operand) {
        switch (t.kind) {
          case Tok::Integer:
            operands_.push_back(Operand{pool_.number(Number::integer_from_string(text(t)))});
            expect_operand = false;
            break;
          case Tok::Float:
            operands_.push_back(Operand{pool_.number(Number(float_value(text(t))))});
            expect_operand = false;
            break;
          case Tok::Name: {
            Token after = lexer_.next();
            if (after.kind == Tok::Assign) {  // a keyword argument: only Limit's dir='+'
              if (text(t) != "dir" || ops_.empty() || ops_.back().kind != Frame::Call ||
                  ops_.back().callee.type != Callee::Object || ops_.back().callee.head != Head::Limit)
                fail("unexpected '=' at " + std::to_string(after.begin) +
                         ": the only keyword argument is Limit's dir='+' ('-', '+-')",
                     after.begin, after.end);
              last = after;
              have_last = true;
              t = lexer_.next();
              continue;
            }
            if (after.kind == Tok::LParen) {
              open_call(t, after);
              last = after;
              have_last = true;
              t = lexer_.next();
              continue;
            }
            operands_.push_back(Operand{name_value(t)});
            expect_operand = false;
            last = t;
            have_last = true;
            t = after;
            continue;
          }
          case Tok::LParen:
            push(Frame::Paren, t);
            ops_.back().base = operands_.size();
            break;
          case Tok::String: {
            Operand o;
            o.special = Operand::Text;
            o.begin = t.begin;
            o.text = std::string(text(t).substr(1, t.end - t.begin - 2));
            operands_.push_back(std::move(o));
            expect_operand = false;
            break;
          }
          case Tok::Minus: push(Frame::Neg, t); break;
          case Tok::Plus: push(Frame::Pos, t); break;
          case Tok::RParen:
            if (!ops_.empty() && ops_.back().kind == Frame::Call &&
                operands_.size() == ops_.back().base) {
              close_call(t, 0);  // `f()`: reports the arity
              expect_operand = false;
              break;
            }
            if (!ops_.empty() && ops_.back().kind == Frame::TupleParen) {  // `(x,)`
              close_tuple(t);
              expect_operand = false;
              break;
            }
            if (have_last && last.kind == Tok::LParen)
              fail("empty parentheses at " + std::to_string(last.begin), last.begin, t.end);
            fail("unexpected ')' at " + std::to_string(t.begin) + ": expected an operand" +
                     after(last, have_last),
                 t.begin, t.end);
          case Tok::End:
            if (!have_last) fail("empty expression", 0, src_.size());
            fail("unexpected end of input: expected an operand after '" +
                     std::string(text(last)) + "'",
                 last.begin, last.end);
          default:
            fail("unexpected '" + std::string(text(t)) + "' at " + std::to_string(t.begin) +
                     ": expected an operand" + after(last, have_last),
                 t.begin, t.end);
        }
      } else {
        switch (t.kind) {
          case Tok::Plus: binary(Frame::Add, t); expect_operand = true; break;
          case Tok::Minus: binary(Frame::Sub, t); expect_operand = true; break;
          case Tok::Star: binary(Frame::Mul, t); expect_operand = true; break;
          case Tok::Slash: binary(Frame::Div, t); expect_operand = true; break;
          case Tok::Power: binary(Frame::Pow, t); expect_operand = true; break;
          case Tok::Less: binary(Frame::Lt, t); expect_operand = true; break;
          case Tok::LessEq: binary(Frame::Le, t); expect_operand = true; break;
          case Tok::Greater: binary(Frame::Gt, t); expect_operand = true; break;
          case Tok::GreaterEq: binary(Frame::Ge, t); expect_operand = true; break;
          case Tok::Superscript:  // x² reads as x**2: the power operator and its exponent at once
            binary(Frame::Pow, t);
            operands_.push_back(Operand{pool_.integer(t.exponent)});
            break;
          case Tok::RParen: {
            reduce_to_marker();
            if (ops_.empty())
              fail("unexpected ')' at " + std::to_string(t.begin) + ": no '(' to close", t.begin,
                   t.end);
            if (ops_.back().kind == Frame::Paren)
              ops_.pop_back();
            else if (ops_.back().kind == Frame::TupleParen)
              close_tuple(t);
            else
              close_call(t, operands_.size() - ops_.back().base);
            break;
          }
          case Tok::Comma:
            reduce_to_marker();
            if (!ops_.empty() && ops_.back().kind == Frame::Paren) ops_.back().kind = Frame::TupleParen;
            if (ops_.empty() || (ops_.back().kind != Frame::Call && ops_.back().kind != Frame::TupleParen))
              fail("unexpected ',' at " + std::to_string(t.begin) +
                       ": commas only separate function arguments and tuple items",
                   t.begin, t.end);
            expect_operand = true;
            break;
          case Tok::End: {
            reduce_to_marker();
            if (!ops_.empty()) {
              const Frame& f = ops_.back();
              const std::string what = f.kind == Frame::Call
                                           ? std::string(src_.substr(f.begin, f.end - f.begin))
                                           : std::string("(");
              fail("expected ')' to close '" + what + "' opened at " + std::to_string(f.end - 1),
                   f.begin, f.end);
            }
            return value(operands_.back());
          }
          case Tok::Assign:
            fail("unexpected '=' at " + std::to_string(t.begin) + " (write Eq(a, b) for an equation)", t.begin,
                 t.end);
          default:
            fail("missing operator before '" + std::string(text(t)) + "' at " +
                     std::to_string(t.begin) + " (write '*' to multiply)",
                 t.begin, t.end);
        }
      }
      last = t;
      have_last = true;
      t = lexer_.next();
    }
  }

 private:
  struct Frame {
    enum Kind : std::uint8_t { Add, Sub, Mul, Div, Pow, Neg, Pos, Paren, TupleParen, Call, Lt, Le, Gt, Ge } kind;
    std::size_t begin, end;        ///< operator token; Call: from the name to its '('
    std::size_t base = 0;          ///< Call: operand count before its arguments
    Callee callee;                 ///< Call
    std::string_view name;         ///< Call
  };

  static int prec(Frame::Kind k) {
    switch (k) {
      case Frame::Lt:
      case Frame::Le:
      case Frame::Gt:
      case Frame::Ge: return 1;
      case Frame::Add:
      case Frame::Sub: return 2;
      case Frame::Mul:
      case Frame::Div: return 3;
      case Frame::Neg:
      case Frame::Pos: return 4;
      case Frame::Pow: return 5;
      default: return 0;  // markers: never reduced by an operator
    }
  }

  [[noreturn]] static void fail(const std::string& msg, std::size_t b, std::size_t e) {
    throw ParseError(msg, b, e);
  }

  std::string after(const Token& last, bool have_last) const {
    return have_last ? " after '" + std::string(text(last)) + "'" : std::string();
  }

  std::string_view text(const Token& t) const { return src_.substr(t.begin, t.end - t.begin); }

  void push(Frame::Kind k, const Token& t) { ops_.push_back(Frame{k, t.begin, t.end, 0, {}, {}}); }

  void binary(Frame::Kind k, const Token& t) {
    const int p = prec(k);
    const bool right = k == Frame::Pow;
    while (!ops_.empty()) {
      const int tp = prec(ops_.back().kind);
      if (p == 1 && tp == 1)
        fail("chained comparison at " + std::to_string(t.begin) + ": write And(a < b, b < c)", t.begin, t.end);
      if (tp == 0 || tp < p || (tp == p && right)) break;
      reduce_one();
    }
    push(k, t);
  }

  void reduce_to_marker() {
    while (!ops_.empty() && prec(ops_.back().kind) != 0) reduce_one();
  }

  // A chain of '+'/'-' (or '*'/'/') is built with one n-ary add (mul) when the chain ends, not
  // one binary add per operator: `x0 + x1 + ... + xn` costs O(n log n), not O(n^2).
  void reduce_one() {
    const Frame f = ops_.back();
    ops_.pop_back();
    if (f.kind == Frame::Pos) return;
    if (f.kind == Frame::Neg) {
      operands_.back() = Operand{pool_.neg(value(operands_.back()))};
      return;
    }
    Operand b = std::move(operands_.back());
    operands_.pop_back();
    Operand& a = operands_.back();
    switch (f.kind) {
      case Frame::Add:
      case Frame::Sub: {
        const ExprId bv = f.kind == Frame::Sub ? pool_.neg(value(b)) : value(b);
        extend(a, Operand::Sum, bv);
        break;
      }
      case Frame::Mul:
      case Frame::Div: {
        ExprId bv = value(b);
        if (f.kind == Frame::Div) {
          const Node& nb = pool_.node(bv);
          if (nb.kind == Kind::Number && nb.number.is_exact() && nb.number.is_zero())
            (void)pool_.div(value(a), bv);  // throws DivisionByZero with the usual message
          bv = pool_.pow(bv, pool_.integer(-1));
        }
        extend(a, Operand::Product, bv);
        break;
      }
      case Frame::Pow: a = Operand{pool_.pow(value(a), value(b))}; break;
      case Frame::Lt:
      case Frame::Le:
      case Frame::Gt:
      case Frame::Ge: {
        const Head h = f.kind == Frame::Lt ? Head::Lt : f.kind == Frame::Le ? Head::Le : f.kind == Frame::Gt ? Head::Gt : Head::Ge;
        const ExprId av = value(a), bv = value(b);
        try {
          a = Operand{relation(pool_, h, av, bv)};
        } catch (const InvalidArgument& e) {
          fail(e.what(), f.begin, f.end);
        }
        break;
      }
      default: break;
    }
  }

  // An operand: a finished node, or the terms (factors) of a sum (product) still being read; or a
  // tuple `(a, b)` or a string, which only object calls take as arguments.
  struct Operand {
    enum Chain { None, Sum, Product };
    enum Special { Plain, Tuple, Text };
    Operand() = default;
    explicit Operand(ExprId single) : id(single) {}
    ExprId id = 0;
    Chain chain = None;
    std::vector<ExprId> items;
    Special special = Plain;
    std::size_t begin = 0;  ///< Tuple, Text: where it starts
    std::string text;       ///< Text
  };

  ExprId value(Operand& o) {
    if (o.special == Operand::Tuple)
      fail("a tuple at " + std::to_string(o.begin) +
               " is not an expression (tuples are arguments of Integral, Sum, Piecewise, ...)",
           o.begin, o.begin + 1);
    if (o.special == Operand::Text)
      fail("a string at " + std::to_string(o.begin) + " is not an expression (strings are Limit's direction)",
           o.begin, o.begin + 1);
    if (o.chain == Operand::Sum) o.id = pool_.add(o.items);
    if (o.chain == Operand::Product) o.id = pool_.mul(o.items);
    if (o.chain != Operand::None) {
      o.chain = Operand::None;
      o.items.clear();
    }
    return o.id;
  }

  void extend(Operand& a, Operand::Chain chain, ExprId item) {
    if (a.chain != chain) {
      const ExprId first = value(a);
      a.items.assign(1, first);
      a.chain = chain;
    }
    a.items.push_back(item);
  }

  void open_call(const Token& name, const Token& paren) {
    const std::string_view n = text(name);
    const Callee callee = find_callee(n);
    if (!callee.found) fail("unknown function '" + std::string(n) + "'", name.begin, name.end);
    ops_.push_back(Frame{Frame::Call, name.begin, paren.end, operands_.size(), callee, n});
  }

  void close_tuple(const Token& rparen) {
    const Frame f = ops_.back();
    ops_.pop_back();
    Operand o;
    o.special = Operand::Tuple;
    o.begin = f.begin;
    for (std::size_t i = f.base; i < operands_.size(); ++i) o.items.push_back(value(operands_[i]));
    (void)rparen;
    operands_.resize(f.base);
    operands_.push_back(std::move(o));
  }

  void close_call(const Token& rparen, std::size_t argc) {
    const Frame f = ops_.back();
    if (f.callee.type == Callee::Object || f.callee.type == Callee::Lambda || f.callee.type == Callee::Undefined) {
      ops_.pop_back();
      std::vector<Operand> args(std::make_move_iterator(operands_.begin() + static_cast<std::ptrdiff_t>(f.base)),
                                std::make_move_iterator(operands_.end()));
      operands_.resize(f.base);
      Operand r;
      try {
        r = object_call(f, args);
      } catch (const InvalidArgument& e) {
        fail(e.what(), f.begin, rparen.end);
      }
      operands_.push_back(std::move(r));
      return;
    }
    const OpInfo* info = f.callee.info;
    if (info != nullptr && !accepts_call(info->op, argc))  // a row of the same name and this arity (elliptic_e)
      if (const OpInfo* other = find_op(info->name, argc)) info = other;
    const int arity = info ? info->arity : 1;
    if (info ? !accepts_call(info->op, argc) : argc != 1)
      fail(std::string(f.name) + " takes " + (arity < 0 ? std::string("2 or more") : std::to_string(arity)) +
               (arity == 1 ? " argument, got " : " arguments, got ") + std::to_string(argc),
           f.begin, rparen.end);
    ops_.pop_back();
    std::vector<ExprId> args;
    for (std::size_t i = 0; i < argc; ++i) args.push_back(value(operands_[f.base + i]));
    const ExprId r = info ? pool_.func(info->op, args) : pool_.sqrt(args[0]);
    operands_.resize(f.base);
    operands_.push_back(Operand{r});
  }

  // An argument that must be a plain expression.
  ExprId plain(Operand& o) { return value(o); }
  bool is_tuple(const Operand& o) const { return o.special == Operand::Tuple; }
  bool is_text(const Operand& o) const { return o.special == Operand::Text; }

  [[noreturn]] void call_error(const Frame& f, const std::string& msg) {
    throw InvalidArgument(std::string(f.name) + ": " + msg);
  }

  // The object `Head(args)` as written by hand or by the printer (SymPy's call forms).
  Operand object_call(const Frame& f, std::vector<Operand>& args) {
    if (f.callee.type == Callee::Undefined) {
      std::vector<ExprId> vs;
      for (Operand& a : args) vs.push_back(plain(a));
      return Operand{apply_function(pool_, f.name, vs)};
    }
    if (f.callee.type == Callee::Lambda) {  // Lambda(t, e): the pair RootSum takes
      if (args.size() != 2) call_error(f, "takes 2 arguments (variable, expression), got " + std::to_string(args.size()));
      Operand o;
      o.special = Operand::Tuple;
      o.begin = f.begin;
      o.items = {plain(args[0]), plain(args[1])};
      return o;
    }
    const Head h = f.callee.head;
    auto need = [&](bool ok, const std::string& what) {
      if (!ok) throw InvalidArgument(std::string(f.name) + " takes " + what + ", got " + std::to_string(args.size()));
    };
    auto tuple_items = [&](Operand& o) { return is_tuple(o) ? o.items : std::vector<ExprId>{plain(o)}; };
    switch (h) {
      case Head::Derivative: {
        need(args.size() >= 2, "an expression and variables");
        std::vector<std::pair<ExprId, long>> vs;
        for (std::size_t i = 1; i < args.size(); ++i) {
          if (is_tuple(args[i])) {
            const auto& it = args[i].items;
            if (it.size() != 2) call_error(f, "a variable with its count is written (x, n)");
            const Node& c = pool_.node(it[1]);
            if (c.kind != Kind::Number || !c.number.is_integer() || !c.number.fits_long())
              call_error(f, "the count of a variable must be an integer");
            vs.push_back({it[0], c.number.integer().get_si()});
            continue;
          }
          const ExprId v = plain(args[i]);
          const Node& n = pool_.node(v);
          if (n.kind == Kind::Number && n.number.is_integer() && n.number.fits_long() && !vs.empty()) {
            vs.back().second += n.number.integer().get_si() - 1;  // Derivative(f, x, 2)
            continue;
          }
          vs.push_back({v, 1});
        }
        return Operand{derivative(pool_, plain(args[0]), vs)};
      }
      case Head::Integral:
      case Head::Sum:
      case Head::Product: {
        need(args.size() >= 2, "an expression and limits");
        std::vector<ExprId> a{plain(args[0])};
        for (std::size_t i = 1; i < args.size(); ++i) a.push_back(tuple(pool_, tuple_items(args[i])));
        return Operand{make_object(pool_, h, a)};
      }
      case Head::Limit: {
        need(args.size() == 3 || args.size() == 4, "3 or 4 arguments (expression, variable, point[, dir])");
        std::string dir = "+";
        if (args.size() == 4) {
          if (!is_text(args[3])) call_error(f, "the direction must be a string '+', '-' or '+-'");
          dir = args[3].text;
        }
        return Operand{limit_object(pool_, plain(args[0]), plain(args[1]), plain(args[2]), dir)};
      }
      case Head::Order: {
        need(!args.empty(), "an expression and optional variables");
        std::vector<ExprId> vars;
        ExprId point = pool_.integer(0);
        for (std::size_t i = 1; i < args.size(); ++i) {
          if (is_tuple(args[i])) {
            const auto& it = args[i].items;
            if (it.size() != 2) call_error(f, "a variable with its point is written (x, point)");
            vars.push_back(it[0]);
            if (i > 1 && it[1] != point) call_error(f, "every variable must tend to the same point");
            point = it[1];
          } else {
            vars.push_back(plain(args[i]));
          }
        }
        return Operand{order_object(pool_, plain(args[0]), vars, point)};
      }
      case Head::Subs: {
        need(args.size() == 3, "3 arguments (expression, variables, values)");
        const std::vector<ExprId> vs = tuple_items(args[1]), ws = tuple_items(args[2]);
        return Operand{subs_object(pool_, plain(args[0]), vs, ws)};
      }
      case Head::Piecewise: {
        need(!args.empty(), "(expression, condition) pairs");
        std::vector<std::pair<ExprId, ExprId>> bs;
        for (Operand& a : args) {
          if (!is_tuple(a) || a.items.size() != 2) call_error(f, "each branch is a pair (expression, condition)");
          bs.push_back({a.items[0], a.items[1]});
        }
        return Operand{piecewise(pool_, bs)};
      }
      case Head::RootOf: {
        need(args.size() == 2 || args.size() == 3, "(polynomial, [variable,] index)");
        const ExprId p = plain(args[0]);
        ExprId x = 0;
        if (args.size() == 3) {
          x = plain(args[1]);
        } else {  // the polynomial's only symbol
          std::vector<ExprId> stack{p}, syms;
          while (!stack.empty()) {
            const ExprId id = stack.back();
            stack.pop_back();
            if (pool_.node(id).kind == Kind::Symbol && std::find(syms.begin(), syms.end(), id) == syms.end())
              syms.push_back(id);
            for (ExprId c : pool_.node(id).args) stack.push_back(c);
          }
          if (syms.size() != 1) call_error(f, "give the variable: RootOf(polynomial, variable, index)");
          x = syms[0];
        }
        const Node& k = pool_.node(plain(args.back()));
        if (k.kind != Kind::Number || !k.number.is_integer() || !k.number.fits_long())
          call_error(f, "the root index must be an integer");
        return Operand{root_of(pool_, p, x, k.number.integer().get_si())};
      }
      case Head::RootSum: {
        if (args.size() == 2) {
          if (!is_tuple(args[1]) || args[1].items.size() != 2) call_error(f, "write RootSum(polynomial, Lambda(t, expr))");
          return Operand{root_sum(pool_, plain(args[0]), args[1].items[0], args[1].items[1])};
        }
        need(args.size() == 3, "(polynomial, Lambda(t, expr)) or (polynomial, t, expr)");
        return Operand{root_sum(pool_, plain(args[0]), plain(args[1]), plain(args[2]))};
      }
      case Head::Tuple: {
        Operand o;
        o.special = Operand::Tuple;
        o.begin = f.begin;
        for (Operand& a : args) o.items.push_back(plain(a));
        return o;
      }
      default: {  // relations, And, Or, Not, True(), False()
        std::vector<ExprId> a;
        for (Operand& o : args) a.push_back(plain(o));
        return Operand{make_object(pool_, h, a)};
      }
    }
  }

  // `x{positive, integer=False}`: the symbol x with those assumptions (what the printer writes
  // for symbols of one name with different assumptions).
  ExprId assumed_symbol(const Token& t, std::string_view n) {
    const std::size_t brace = n.find('{');
    const std::string_view name = n.substr(0, brace);
    std::string_view rest = n.substr(brace + 1, n.size() - brace - 2);
    std::vector<std::pair<std::string, bool>> list;
    auto trim = [](std::string_view v) {
      while (!v.empty() && is_space(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
      while (!v.empty() && is_space(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
      return v;
    };
    while (!trim(rest).empty()) {
      const std::size_t comma = rest.find(',');
      std::string_view item = trim(rest.substr(0, comma));
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      bool value = true;
      if (const std::size_t eq = item.find('='); eq != std::string_view::npos) {
        const std::string_view v = trim(item.substr(eq + 1));
        if (v != "True" && v != "False")
          fail("assumption '" + std::string(item) + "' of '" + std::string(name) + "' must be True or False", t.begin,
               t.end);
        value = v == "True";
        item = trim(item.substr(0, eq));
      }
      if (item.empty()) fail("empty assumption in '" + std::string(n) + "'", t.begin, t.end);
      list.emplace_back(std::string(item), value);
    }
    try {
      if (list.empty()) return pool_.symbol(name);
      return pool_.symbol(name, facts_from_assumptions(list));
    } catch (const InvalidArgument& e) {
      fail(e.what(), t.begin, t.end);
    }
  }

  ExprId name_value(const Token& t) {
    const std::string_view n = text(t);
    if (n.find('{') != std::string_view::npos) return assumed_symbol(t, n);
    if (n == "True" && !(symbols_ && symbols_->count("True"))) return boolean(pool_, true);
    if (n == "False" && !(symbols_ && symbols_->count("False"))) return boolean(pool_, false);
    if (symbols_) {
      const auto it = symbols_->find(std::string(n));
      if (it != symbols_->end()) return it->second;
    }
    if (n == "inf") return pool_.number(Number(std::numeric_limits<double>::infinity()));
    for (std::size_t c = 0; c < kConstantCount; ++c)
      if (n == constant_name(static_cast<Constant>(c))) return pool_.constant(static_cast<Constant>(c));
    // A function's name not followed by '(' is a symbol of that name (`beta*x`, as printed);
    // `sqrt` alone is the parser's alias, not a symbol.
    if (n == "sqrt")
      fail("'sqrt' is a function: call it as sqrt(...)", t.begin, t.end);
    try {
      return pool_.symbol(n);
    } catch (const InvalidArgument& e) {
      fail(e.what(), t.begin, t.end);
    }
  }

  ExprPool& pool_;
  std::string_view src_;
  const std::unordered_map<std::string, ExprId>* symbols_;
  Lexer lexer_;
  std::vector<Operand> operands_;
  std::vector<Frame> ops_;
};

}  // namespace

ExprId parse(ExprPool& pool, std::string_view source,
             const std::unordered_map<std::string, ExprId>* symbols) {
  try {
    return Parser(pool, source, symbols).run();
  } catch (const InvalidArgument& e) {  // e.g. a condition used as a number: Eq(x, 1) + 1
    throw ParseError(e.what(), 0, source.size());
  }
}

}  // namespace alkahest
