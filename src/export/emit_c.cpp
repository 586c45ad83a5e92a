// Program -> standalone C99 source (see include/alkahest/export.hpp).
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <map>
#include <set>
#include <string>
#include <unordered_set>

#include "alkahest/errors.hpp"
#include "alkahest/export.hpp"
#include "export/ssa.hpp"

namespace alkahest {

namespace {

// Keywords of C99 through C23, GNU C and C++ (CUDA sources are C++), the identifiers <math.h> and
// <stddef.h> declare in every mode (C99 7.12, C23, POSIX/XSI and GNU extensions), macros GCC
// predefines in GNU modes, plus the names the generated code itself uses. A parameter may not
// shadow any of them. Whole families of macros are matched by prefix in reserved_macro_family().
const std::unordered_set<std::string_view>& c_reserved() {
  static const std::unordered_set<std::string_view> names = {
      // C99 keywords
      "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else", "enum",
      "extern", "float", "for", "goto", "if", "inline", "int", "long", "register", "restrict",
      "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef", "union",
      "unsigned", "void", "volatile", "while", "_Bool", "_Complex", "_Imaginary",
      // C23 keywords (and C11's spellings <stdalign.h> etc. define), GNU C keywords
      "alignas", "alignof", "bool", "constexpr", "false", "nullptr", "static_assert", "thread_local",
      "true", "typeof", "typeof_unqual", "noreturn", "asm", "complex", "imaginary",
      // C++ keywords and alternative tokens
      "and", "and_eq", "bitand", "bitor", "catch", "char8_t", "char16_t", "char32_t", "class",
      "co_await", "co_return", "co_yield", "compl", "concept", "const_cast", "consteval", "constinit",
      "decltype", "delete", "dynamic_cast", "explicit", "export", "friend", "mutable", "namespace",
      "new", "noexcept", "not", "not_eq", "operator", "or", "or_eq", "private", "protected", "public",
      "reinterpret_cast", "requires", "static_cast", "template", "this", "throw", "try", "typeid",
      "typename", "using", "virtual", "xor", "xor_eq",
      // macros GCC predefines in GNU modes (-std=gnu17)
      "linux", "unix", "i386",
      // <math.h> macros and types
      "HUGE", "MAXFLOAT", "INFINITY", "NAN", "MATH_ERRNO", "MATH_ERREXCEPT", "math_errhandling",
      "float_t", "double_t", "fpclassify", "isfinite", "isinf", "isnan", "isnormal", "signbit",
      "isgreater", "isgreaterequal", "isless", "islessequal", "islessgreater", "isunordered",
      "iscanonical", "iseqsig", "issignaling", "issubnormal", "iszero", "errno", "DOMAIN", "SING",
      "OVERFLOW", "UNDERFLOW", "TLOSS", "PLOSS",
      // <stddef.h>
      "size_t", "ptrdiff_t", "wchar_t", "offsetof", "NULL", "max_align_t", "nullptr_t", "unreachable",
      // the generated code's own names
      "out", "n", "i", "ak_sign", "ak_signf", "ak_polygamma", "ak_polygamma_pos", "ak_polygammaf", "AK_SIGN_DEFINED",
      "AK_SIGNF_DEFINED", "AK_POLYGAMMA_DEFINED", "AK_POLYGAMMAF_DEFINED", "ak_loggamma", "ak_loggammaf",
      "AK_LOGGAMMA_DEFINED", "AK_LOGGAMMAF_DEFINED"};
  return names;
}

// Families of <math.h> macros: M_PI, M_PIl, M_PIf128, ... (XSI/GNU), FP_NAN, FP_INT_UPWARD, ...,
// HUGE_VAL, HUGE_VAL_F128, ..., SNAN, SNANF, ... (C23).
bool reserved_macro_family(std::string_view s) {
  return s.starts_with("M_") || s.starts_with("FP_") || s.starts_with("HUGE_VAL") || s.starts_with("SNAN");
}

// <math.h> functions (C99 7.12), each also with the f and l suffixes.
bool is_math_function(std::string_view s) {
  static const std::unordered_set<std::string_view> fns = {
      "acos", "asin", "atan", "atan2", "cos", "sin", "tan", "acosh", "asinh", "atanh", "cosh",
      "sinh", "tanh", "exp", "exp2", "expm1", "frexp", "ilogb", "ldexp", "log", "log10", "log1p",
      "log2", "logb", "modf", "scalbn", "scalbln", "cbrt", "fabs", "hypot", "pow", "sqrt", "erf",
      "erfc", "lgamma", "tgamma", "ceil", "floor", "nearbyint", "rint", "lrint", "llrint", "round",
      "lround", "llround", "trunc", "fmod", "remainder", "remquo", "copysign", "nan", "nextafter",
      "nexttoward", "fdim", "fmax", "fmin", "fma"};
  if (fns.count(s)) return true;
  if (!s.empty() && (s.back() == 'f' || s.back() == 'l')) return fns.count(s.substr(0, s.size() - 1)) > 0;
  return false;
}

bool is_c_identifier(std::string_view s) {
  if (s.empty() || (s[0] >= '0' && s[0] <= '9')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

// Identifiers C reserves for the implementation in every scope.
bool reserved_prefix(std::string_view s) {
  return s.size() >= 2 && s[0] == '_' && (s[1] == '_' || (s[1] >= 'A' && s[1] <= 'Z'));
}

// t<digits>: the temporaries' names.
bool is_temporary_name(std::string_view s) {
  return s.size() >= 2 && s[0] == 't' &&
         std::all_of(s.begin() + 1, s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool taken(std::string_view s, std::string_view fn_name) {
  return c_reserved().count(s) || reserved_macro_family(s) || is_math_function(s) || is_temporary_name(s) || s == fn_name ||
         (s.size() == fn_name.size() + 6 && s.substr(0, fn_name.size()) == fn_name &&
          s.substr(fn_name.size()) == "_batch");
}

void check_fn_name(std::string_view fn_name) {
  if (!is_c_identifier(fn_name) || reserved_prefix(fn_name))
    throw InvalidArgument("emit_c: fn_name '" + std::string(fn_name) +
                          "' is not a valid C identifier (letters, digits and '_', not starting with "
                          "a digit, nor with '__' or '_' and a capital)");
  if (c_reserved().count(fn_name) || reserved_macro_family(fn_name) || is_math_function(fn_name))
    throw InvalidArgument("emit_c: fn_name '" + std::string(fn_name) +
                          "' is a C keyword or a name <math.h> or the generated code uses");
}

// Shortest text that reads back as exactly `v` as a C double (or float) literal.
std::string c_literal(double v, ExportType type) {
  const bool f32 = type == ExportType::F32;
  if (f32) v = static_cast<float>(v);  // what the float kernels compute with (may overflow to inf)
  if (std::isnan(v)) return "NAN";
  if (std::isinf(v)) return v > 0 ? "INFINITY" : "-INFINITY";
  std::array<char, 64> buf;
  auto res = f32 ? std::to_chars(buf.data(), buf.data() + buf.size(), static_cast<float>(v))
                 : std::to_chars(buf.data(), buf.data() + buf.size(), v);
  std::string s(buf.data(), res.ptr);
  if (s.find_first_of(".e") == std::string::npos) s += ".0";
  if (f32) s += "f";
  return s;
}

// Precedence of a piece of C text, to parenthesise only where C needs it.
enum Prec { kAdditive = 1, kMultiplicative = 2, kUnary = 3, kPrimary = 4 };

struct Text {
  std::string s;
  int prec = kPrimary;
};

const char* kSignHelper =
    "static double ak_sign(double v) { return v > 0.0 ? 1.0 : (v < 0.0 ? -1.0 : (v == 0.0 ? 0.0 : v)); }\n";
const char* kSignHelperF32 =
    "static float ak_signf(float v) { return v > 0.0f ? 1.0f : (v < 0.0f ? -1.0f : (v == 0.0f ? 0.0f : v)); }\n";

// polygamma(n, x) for whole orders 0 <= n <= 1000 (NaN otherwise; at the poles x = 0, -1, ... +inf
// for odd n and NaN for even n; NaN below -2**52, where every double is a pole). x > 0: the
// recurrence psi(n, x) = psi(n, x + 1) + (-1)^(n+1) n! / x^(n+1) moves x above 15 + n, where the
// asymptotic series with Bernoulli numbers B2..B24 is accurate to a few ulps. x < 0: the reflection
// psi(n, x) = (-1)^n psi(n, 1 - x) - pi^(n+1) P_n(cot(pi x)), with d^n/dx^n cot(pi x) =
// pi^n P_n(cot(pi x)), P_0(c) = c, P_{k+1}(c) = -(1 + c^2) P_k'(c); x is reduced mod 1 exactly.
// Near the zeros of polygamma (the digamma root 1.4616..., cancellations of the reflection) the
// error is absolute (a few ulps of the terms), not relative.
const char* kPolygammaHelper = R"(static double ak_polygamma_pos(int k, double x) {
  const double b2k[12] = {1.0 / 6.0, -1.0 / 30.0, 1.0 / 42.0, -1.0 / 30.0, 5.0 / 66.0,
                          -691.0 / 2730.0, 7.0 / 6.0, -3617.0 / 510.0, 43867.0 / 798.0,
                          -174611.0 / 330.0, 854513.0 / 138.0, -236364091.0 / 2730.0};
  double lim = 15.0 + k, head = 0.0, tail, q, t, r, x2;
  int i, j = 0;
  for (; x + j < lim; ++j) { /* head: sum of n! / (x + j)^(n + 1) */
    q = 1.0 / (x + j);
    t = q;
    for (i = 1; i <= k; ++i) t *= i * q;
    head += t;
  }
  x += j;
  x2 = x * x;
  if (k == 0) {
    tail = log(x) - 0.5 / x;
    for (i = 0, t = 1.0 / x2; i < 12; ++i, t /= x2) tail -= b2k[i] / (2 * i + 2) * t;
    return tail - head;
  }
  t = 1.0 / x; /* (n - 1)! / x^n */
  for (i = 1; i < k; ++i) t *= i / x;
  tail = 1.0 + k / (2.0 * x);
  r = k * (k + 1.0) / (2.0 * x2);
  for (i = 0; i < 12; ++i) {
    tail += b2k[i] * r;
    r *= (2.0 * i + 2.0 + k) * (2.0 * i + 3.0 + k) / ((2.0 * i + 3.0) * (2.0 * i + 4.0) * x2);
  }
  return (k % 2 ? 1.0 : -1.0) * (head + t * tail);
}
static double ak_polygamma(double n, double x) {
  const double pi = 3.141592653589793;
  double p[1002], c, v, s;
  int k, i, j;
  if (!(n >= 0.0) || floor(n) != n || n > 1000.0) return NAN;
  if (isnan(x)) return x;
  if (isinf(x)) return x < 0.0 ? NAN : (n == 0.0 ? x : 0.0);
  if (x <= 0.0 && floor(x) == x) return x > -4503599627370496.0 && fmod(n, 2.0) == 1.0 ? INFINITY : NAN;
  k = (int)n;
  if (x > 0.0) return ak_polygamma_pos(k, x);
  c = x - floor(x + 0.5); /* exact: x mod 1 in [-0.5, 0.5]; cot(pi c) to a few ulps, 0 at +-0.5 */
  c = fabs(c) <= 0.25 ? 1.0 / tan(pi * c) : (c < 0.0 ? -1.0 : 1.0) * tan(pi * (0.5 - fabs(c)));
  for (i = 0; i <= k + 1; ++i) p[i] = 0.0;
  p[1] = 1.0; /* P_0(c) = c */
  for (j = 0; j < k; ++j) { /* P_{j+1} = -(1 + c^2) P_j', degree j + 2 */
    double prev = 0.0, cur;
    for (i = 0; i <= j + 2; ++i) { /* new p[i] = -(i + 1) p[i + 1] - (i - 1) p[i - 1] */
      cur = p[i];
      p[i] = -(i + 1 <= j + 1 ? (i + 1) * p[i + 1] : 0.0) - (i >= 1 ? (i - 1) * prev : 0.0);
      prev = cur;
    }
  }
  for (v = 0.0, i = k + 1; i >= 0; --i) v = v * c + p[i];
  for (s = pi, i = 0; i < k; ++i) s *= pi;
  return (k % 2 ? -1.0 : 1.0) * ak_polygamma_pos(k, 1.0 - x) - s * v;
}
)";
const char* kPolygammaHelperF32 =
    "static float ak_polygammaf(float n, float x) { return (float)ak_polygamma(n, x); }\n";

// loggamma(x), SymPy's (the continuation of log gamma, not real for x < 0): lgamma is log|gamma(x)|,
// so negative x gives NaN (and NaN stays NaN).
const char* kLoggammaHelper = "static double ak_loggamma(double x) { return x >= 0.0 ? lgamma(x) : NAN; }\n";
const char* kLoggammaHelperF32 = "static float ak_loggammaf(float x) { return x >= 0.0f ? lgammaf(x) : NAN; }\n";

// The helpers an op-table row's c column names ("@ak_sign"): the double form, and the float form
// (or, where f32 is null, a float wrapper of the double form, which is emitted with it).
struct HelperText {
  const char* guard;
  const char* f64;
  const char* guard_f32;
  const char* f32;
  const char* f32_via_f64;
};
const std::map<std::string, HelperText, std::less<>> kHelpers = {
    {"ak_sign", {"AK_SIGN_DEFINED", kSignHelper, "AK_SIGNF_DEFINED", kSignHelperF32, nullptr}},
    {"ak_polygamma", {"AK_POLYGAMMA_DEFINED", kPolygammaHelper, "AK_POLYGAMMAF_DEFINED", nullptr, kPolygammaHelperF32}},
    {"ak_loggamma", {"AK_LOGGAMMA_DEFINED", kLoggammaHelper, "AK_LOGGAMMAF_DEFINED", kLoggammaHelperF32, nullptr}},
};

class CWriter {
 public:
  CWriter(const Program& prog, const EmitCOptions& opt) : prog_(prog), opt_(opt), ssa_(exporter::to_ssa(prog)) {
    check_fn_name(opt.fn_name);
    if (prog.outputs.empty()) throw InvalidArgument("emit_c: nothing to emit (no expressions)");
    f32_ = opt.type == ExportType::F32;
    T_ = f32_ ? "float" : "double";
    params_ = c_parameter_names(opt.input_names, prog.n_inputs, opt.fn_name);
  }

  std::string run() {
    std::vector<Text> text(prog_.code.size());
    std::string body;
    // A parameter the expressions do not read is still part of the signature (one per variable);
    // say so, so that -Wextra (-Wunused-parameter) stays quiet.
    std::vector<bool> read(prog_.n_inputs, false);
    for (std::size_t i = 0; i < prog_.code.size(); ++i)
      if (prog_.code[i].code == PCode::Input && ssa_.uses[i] > 0) read[prog_.code[i].index] = true;
    for (std::uint32_t k = 0; k < prog_.n_inputs; ++k)
      if (!read[k]) body += "  (void)" + params_[k] + ";\n";
    int n_temps = 0;
    for (std::size_t i = 0; i < prog_.code.size(); ++i) {
      text[i] = expression(i, text);
      const bool leaf = prog_.code[i].code == PCode::Input || prog_.code[i].code == PCode::Const;
      // A value read twice is computed once; a long text is cut so that lines stay readable.
      if (!leaf && (ssa_.uses[i] > 1 || text[i].s.size() > 100)) {
        std::string name = "t" + std::to_string(n_temps++);
        body += "  const " + T_ + " " + name + " = " + text[i].s + ";\n";
        text[i] = {name, kPrimary};
      }
    }
    const bool multi = prog_.outputs.size() > 1;
    std::string sig = opt_.qualifiers + (multi ? std::string("void") : T_) + " " + opt_.fn_name + "(";
    for (std::size_t k = 0; k < params_.size(); ++k) sig += (k ? ", " : "") + T_ + " " + params_[k];
    if (multi) sig += std::string(params_.empty() ? "" : ", ") + T_ + " *out";
    if (params_.empty() && !multi) sig += "void";
    sig += ")";

    std::string fn;
    if (!multi && body.empty()) {
      fn = sig + " { return " + text[ssa_.outputs[0]].s + "; }\n";
    } else {
      fn = sig + " {\n" + body;
      if (multi) {
        for (std::size_t k = 0; k < ssa_.outputs.size(); ++k)
          fn += "  out[" + std::to_string(k) + "] = " + text[ssa_.outputs[k]].s + ";\n";
      } else {
        fn += "  return " + text[ssa_.outputs[0]].s + ";\n";
      }
      fn += "}\n";
    }

    std::string out;
    if (opt_.includes) {
      out += "#include <math.h>\n";
      if (opt_.batch) out += "#include <stddef.h>\n";
      out += "\n";
    }
    // Helpers are guarded so that several emitted functions can share one file.
    auto helper = [&](const char* guard, const char* text) {
      std::string t = text;
      if (!opt_.qualifiers.empty()) {  // every helper function starts a line with "static "
        for (std::size_t at = 0; (at = t.find("static ", at)) != std::string::npos;) {
          if (at == 0 || t[at - 1] == '\n') {
            t.replace(at, 7, opt_.qualifiers);
            at += opt_.qualifiers.size();
          } else {
            at += 7;
          }
        }
      }
      out += std::string("#ifndef ") + guard + "\n#define " + guard + "\n" + t + "#endif\n";
    };
    for (const std::string& h : helpers_) {  // each with what it needs (the float form: the double's)
      const HelperText& t = kHelpers.at(h);
      if (f32_ && t.f32 == nullptr) {
        helper(t.guard, t.f64);
        helper(t.guard_f32, t.f32_via_f64);
      } else {
        helper(f32_ ? t.guard_f32 : t.guard, f32_ ? t.f32 : t.f64);
      }
    }
    if (!helpers_.empty()) out += "\n";
    out += fn;
    if (opt_.batch) out += "\n" + batch(multi);
    return out;
  }

 private:
  std::string batch(bool multi) const {
    std::string s = "void " + opt_.fn_name + "_batch(";
    for (const std::string& p : params_) s += "const " + T_ + " *" + p + ", ";
    s += T_ + " *out, size_t n) {\n  size_t i;\n  for (i = 0; i < n; ++i) ";
    std::string args;
    for (std::size_t k = 0; k < params_.size(); ++k) args += (k ? ", " : "") + params_[k] + "[i]";
    if (multi) {
      const std::string stride = std::to_string(prog_.outputs.size());
      s += opt_.fn_name + "(" + args + (args.empty() ? "" : ", ") + "out + i * " + stride + ");\n";
    } else {
      s += "out[i] = " + opt_.fn_name + "(" + args + ");\n";
    }
    return s + "}\n";
  }

  static std::string wrap(const Text& t, bool parens) { return parens ? "(" + t.s + ")" : t.s; }

  std::string call(std::string_view name, const Text& a) const {
    return std::string(name) + (f32_ ? "f" : "") + "(" + a.s + ")";
  }

  Text binary(const Text& a, const char* op, const Text& b, int prec) const {
    // C's binary operators associate to the left: a right operand of the same precedence keeps its
    // parentheses (floating-point a - (b - c) is not a - b - c); a negation there gets them too.
    return {wrap(a, a.prec < prec) + " " + op + " " + wrap(b, b.prec <= prec || b.prec == kUnary), prec};
  }

  // The two operands of one + or * may be written in either order (IEEE a + b == b + a): numbers
  // first, then parameters, then arithmetic, then calls in op-table order (sin before exp), which
  // reads the way people write. Association is never changed.
  int order_key(std::uint32_t v) const {
    const Instr& in = prog_.code[v];
    switch (in.code) {
      case PCode::Const: return 0;
      case PCode::Input: return 1 + static_cast<int>(in.index);
      case PCode::Func: return 1 << 24 | static_cast<int>(in.op);
      case PCode::Sqrt: return 1 << 24 | static_cast<int>(kOpCount);
      case PCode::Pow: return 1 << 24 | (static_cast<int>(kOpCount) + 1);
      default: return 1 << 23;
    }
  }
  bool swap(std::size_t i) const { return order_key(ssa_.b[i]) < order_key(ssa_.a[i]); }

  Text expression(std::size_t i, const std::vector<Text>& text) {
    const Instr& in = prog_.code[i];
    const Text* a = exporter::reads_a(in) ? &text[ssa_.a[i]] : nullptr;
    const Text* b = exporter::reads_b(in) ? &text[ssa_.b[i]] : nullptr;
    switch (in.code) {
      case PCode::Input: return {params_[in.index], kPrimary};
      case PCode::Const: {
        std::string s = c_literal(f32_ ? static_cast<double>(prog_.constants_f32[in.index]) : prog_.constants[in.index], opt_.type);
        return {s, s[0] == '-' ? kUnary : kPrimary};
      }
      case PCode::Add:
        if (swap(i)) std::swap(a, b);
        return binary(*a, "+", *b, kAdditive);
      case PCode::Sub: return binary(*a, "-", *b, kAdditive);
      case PCode::Mul:
        if (swap(i)) std::swap(a, b);
        return binary(*a, "*", *b, kMultiplicative);
      case PCode::Div: return binary(*a, "/", *b, kMultiplicative);
      case PCode::Neg: return {"-" + wrap(*a, a->prec <= kUnary), kUnary};
      case PCode::Sqrt: return {call("sqrt", *a), kPrimary};
      case PCode::Pow: return {std::string("pow") + (f32_ ? "f" : "") + "(" + a->s + ", " + b->s + ")", kPrimary};
      case PCode::Cmp: {
        static const char* ops[] = {"<", "<=", ">", ">=", "==", "!="};
        const std::string one = f32_ ? "1.0f" : "1.0", zero = f32_ ? "0.0f" : "0.0";
        return {"(" + a->s + " " + ops[in.index] + " " + b->s + " ? " + one + " : " + zero + ")", kPrimary};
      }
      case PCode::Select: {
        const Text& c = text[ssa_.c[i]];
        return {"(" + c.s + " != " + (f32_ ? "0.0f" : "0.0") + " ? " + a->s + " : " + b->s + ")", kPrimary};
      }
      case PCode::Func: {
        // The row's c column (or its cuda column for CUDA): a <math.h> name, or "@helper".
        const OpInfo& info = op_info(in.op);
        std::string_view spell = opt_.cuda && !info.cuda_name.empty() ? info.cuda_name : info.c_name;
        if (spell.starts_with('%')) return whole_order_call(i, info, spell.substr(1), text);
        if (spell.empty())
          throw InvalidArgument(std::string(opt_.cuda ? "compile_cuda" : "emit_c") + ": " +
                                (opt_.cuda ? "CUDA's math library" : "C's <math.h>") + " has no '" +
                                std::string(info.name) + "'; use compile_expr for it");
        std::string fn;
        if (spell[0] == '@') {
          fn = std::string(spell.substr(1));
          if (std::find(helpers_.begin(), helpers_.end(), fn) == helpers_.end()) {
            if (!kHelpers.count(fn)) throw AlkahestError("emit_c: no helper '" + fn + "' (an op-table bug)");
            helpers_.push_back(fn);
          }
          fn += f32_ ? "f" : "";
        } else {
          fn = std::string(spell) + (f32_ ? "f" : "");
        }
        std::string args = a->s;
        if (b) args += ", " + b->s;
        if (exporter::reads_c(in)) args += ", " + text[ssa_.c[i]].s;
        if (exporter::reads_d(in)) args += ", " + text[ssa_.d[i]].s;
        return {fn + "(" + args + ")", kPrimary};
      }
    }
    throw AlkahestError("emit_c: unknown instruction");
  }

  // A function of a whole order (the cuda column's "%f0,f1,fn": CUDA's j0, j1, jn and the like,
  // whose order is an int): the order must be a constant whole number n >= 0 (else the clear
  // refusal); f0(x), f1(x) or fn(n, x).
  Text whole_order_call(std::size_t i, const OpInfo& info, std::string_view names, const std::vector<Text>& text) const {
    std::vector<std::string> fns;
    for (std::size_t at = 0; at <= names.size();) {
      const std::size_t comma = std::min(names.find(',', at), names.size());
      fns.emplace_back(names.substr(at, comma - at));
      at = comma + 1;
    }
    const Instr& order = prog_.code[ssa_.a[i]];
    const double n = order.code == PCode::Const ? prog_.constants[order.index] : -1.0;
    const bool whole = n >= 0 && n <= 2147483647.0 && std::floor(n) == n;
    if (!whole || (n > 1 && fns.size() < 3)) {
      std::string have = fns[0];
      for (std::size_t k = 1; k < fns.size(); ++k) have += ", " + fns[k];
      throw InvalidArgument(std::string("compile_cuda: CUDA's math library has '") + std::string(info.name) +
                            "' only of a constant whole order " + (fns.size() < 3 ? "0 or 1" : ">= 0") + " (" +
                            have + "); use compile_expr for it");
    }
    const std::string suffix = f32_ ? "f" : "";
    const Text& x = text[ssa_.b[i]];
    if (n < 2) return {fns[static_cast<std::size_t>(n)] + suffix + "(" + x.s + ")", kPrimary};
    return {fns[2] + suffix + "(" + std::to_string(static_cast<long>(n)) + ", " + x.s + ")", kPrimary};
  }

  const Program& prog_;
  const EmitCOptions& opt_;
  exporter::Ssa ssa_;
  bool f32_ = false;
  std::string T_;
  std::vector<std::string> params_;
  std::vector<std::string> helpers_;  // the helpers the code calls, in order of first use
};

}  // namespace

std::vector<std::string> c_parameter_names(const std::vector<std::string>& names, std::size_t n_inputs,
                                           std::string_view fn_name) {
  std::vector<std::string> out;
  std::set<std::string> used;
  for (std::size_t k = 0; k < n_inputs; ++k) {
    std::string s = k < names.size() ? names[k] : std::string();
    if (s.empty()) s = "x" + std::to_string(k);
    for (char& c : s)
      if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) c = '_';
    // A macro family (M_PI, M_PI_, M_PIl, ...) cannot be left by appending '_': prefix a 'v'.
    if ((s[0] >= '0' && s[0] <= '9') || reserved_prefix(s) || reserved_macro_family(s)) s = "v" + s;
    while (taken(s, fn_name)) s += "_";
    if (used.count(s)) {
      int suffix = 2;
      while (used.count(s + "_" + std::to_string(suffix)) || taken(s + "_" + std::to_string(suffix), fn_name))
        ++suffix;
      s += "_" + std::to_string(suffix);
    }
    used.insert(s);
    out.push_back(s);
  }
  return out;
}

std::string emit_c(const Program& prog, const EmitCOptions& options) { return CWriter(prog, options).run(); }

}  // namespace alkahest
