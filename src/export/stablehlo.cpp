// Program -> textual StableHLO module (see include/alkahest/export.hpp).
//
// Every Program instruction is one elementwise op on tensors of one static shape. A function's op
// is its op-table row's hlo column: a StableHLO op, or where StableHLO has none a CHLO op (the
// client dialect XLA legalises), or "@name", one of these composites, so that results match
// alkahest's evaluators:
//   sign(a)          select(a == 0, 0, sign(a))            (+0 at both zeros, NaN stays NaN)
//   gamma(a)         s * exp(lgamma(a)), s = -1 where a < 0 and floor(a) is odd; NaN at the poles
//                    a = -1, -2, ... and -inf; 1/a at a = +-0 (+-inf)
//   loggamma(a)      select(a >= 0, chlo.lgamma(a), NaN) (lgamma is log|gamma|; loggamma is not
//                    real for a < 0)
//   polygamma(n, a)  chlo.polygamma where n is a whole number 0..1000, NaN elsewhere; at a = +inf
//                    +inf (n = 0) or 0, at a = -inf NaN; at the poles a = 0, -1, ... +inf for odd
//                    n and NaN for even n, NaN below -2**52 (as the evaluators)
#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <map>
#include <string>

#include "alkahest/errors.hpp"
#include "alkahest/export.hpp"
#include "export/ssa.hpp"

namespace alkahest {

namespace {

bool is_mlir_identifier(std::string_view s) {
  if (s.empty() || !((s[0] >= 'a' && s[0] <= 'z') || (s[0] >= 'A' && s[0] <= 'Z') || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$' ||
           c == '.';
  });
}

// An MLIR float literal that reads back as exactly `v` (decimal with a '.', or the bit pattern for
// inf and NaN).
std::string mlir_literal(double v, bool f32) {
  char buf[64];
  if (!std::isfinite(v)) {
    if (f32) {
      std::snprintf(buf, sizeof buf, "0x%08X", static_cast<unsigned>(std::bit_cast<std::uint32_t>(static_cast<float>(v))));
    } else {
      std::snprintf(buf, sizeof buf, "0x%016llX", static_cast<unsigned long long>(std::bit_cast<std::uint64_t>(v)));
    }
    return buf;
  }
  auto res = f32 ? std::to_chars(buf, buf + sizeof buf, static_cast<float>(v), std::chars_format::scientific)
                 : std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string s(buf, res.ptr);
  const std::size_t e = s.find('e');
  if (s.find('.') == std::string::npos) s.insert(e, ".0");
  return s;
}

class HloWriter {
 public:
  HloWriter(const Program& prog, const StableHloOptions& opt) : prog_(prog), opt_(opt), ssa_(exporter::to_ssa(prog)) {
    if (!is_mlir_identifier(opt.fn_name))
      throw InvalidArgument("to_stablehlo: fn_name '" + opt.fn_name +
                            "' is not a valid MLIR symbol name (a letter or '_', then letters, digits, "
                            "'_', '$' or '.')");
    if (prog.outputs.empty()) throw InvalidArgument("to_stablehlo: nothing to emit (no expressions)");
    f32_ = opt.type == ExportType::F32;
    std::string dims;
    for (std::int64_t d : opt.shape) {
      if (d < 0) throw InvalidArgument("to_stablehlo: shape entries must be >= 0, got " + std::to_string(d));
      dims += std::to_string(d) + "x";
    }
    T_ = "tensor<" + dims + (f32_ ? "f32" : "f64") + ">";
    B_ = "tensor<" + dims + "i1>";
  }

  std::string run() {
    std::vector<std::string> name(prog_.code.size());
    for (std::size_t i = 0; i < prog_.code.size(); ++i) {
      if (ssa_.uses[i] == 0) continue;
      name[i] = value(i, name);
    }
    std::string sig = "func.func public @" + opt_.fn_name + "(";
    for (std::uint32_t k = 0; k < prog_.n_inputs; ++k) sig += (k ? ", " : "") + arg(k) + ": " + T_;
    sig += ") -> (";
    std::string ret = "    return ", types;
    for (std::size_t k = 0; k < ssa_.outputs.size(); ++k) {
      sig += (k ? ", " : "") + T_;
      ret += (k ? ", " : "") + name[ssa_.outputs[k]];
      types += (k ? ", " : "") + T_;
    }
    sig += ")";
    std::string module = "module @alkahest {\n  " + sig + " {\n" + body_ + ret + " : " + types + "\n  }\n";
    if (opt_.fn_name != "main") {
      // XLA compiles a module's @main: give it one that calls the named function.
      std::string params, args;
      for (std::uint32_t k = 0; k < prog_.n_inputs; ++k) {
        params += (k ? ", " : "") + arg(k) + ": " + T_;
        args += (k ? ", " : "") + arg(k);
      }
      std::string results;
      for (std::size_t k = 0; k < ssa_.outputs.size(); ++k) results += (k ? ", %0#" : "%0#") + std::to_string(k);
      if (ssa_.outputs.size() == 1) results = "%0";
      std::string in_types;
      for (std::uint32_t k = 0; k < prog_.n_inputs; ++k) in_types += (k ? ", " : "") + T_;
      module += "  func.func public @main(" + params + ") -> (" + types + ") {\n    %0" +
                (ssa_.outputs.size() > 1 ? ":" + std::to_string(ssa_.outputs.size()) : std::string()) +
                " = func.call @" + opt_.fn_name + "(" + args + ") : (" + in_types + ") -> (" + types + ")\n" +
                "    return " + results + " : " + types + "\n  }\n";
    }
    return module + "}\n";
  }

 private:
  static std::string arg(std::uint32_t k) { return "%arg" + std::to_string(k); }

  std::string fresh() { return "%" + std::to_string(next_++); }

  std::string constant(double v) {
    const std::string lit = mlir_literal(v, f32_);
    auto it = constants_.find(lit);
    if (it != constants_.end()) return it->second;
    std::string n = "%cst" + std::to_string(constants_.size());
    body_ += "    " + n + " = stablehlo.constant dense<" + lit + "> : " + T_ + "\n";
    return constants_[lit] = n;
  }

  std::string op(const std::string& what, const std::string& a) {
    std::string r = fresh();
    body_ += "    " + r + " = stablehlo." + what + " " + a + " : " + T_ + "\n";
    return r;
  }
  std::string op(const std::string& what, const std::string& a, const std::string& b) {
    std::string r = fresh();
    body_ += "    " + r + " = stablehlo." + what + " " + a + ", " + b + " : " + T_ + "\n";
    return r;
  }
  std::string chlo(const std::string& what, const std::string& a) {
    std::string r = fresh();
    body_ += "    " + r + " = chlo." + what + " " + a + " : " + T_ + " -> " + T_ + "\n";
    return r;
  }
  std::string chlo2(const std::string& what, const std::string& a, const std::string& b) {
    std::string r = fresh();
    body_ += "    " + r + " = chlo." + what + " " + a + ", " + b + " : " + T_ + ", " + T_ + " -> " + T_ + "\n";
    return r;
  }
  std::string compare(const char* dir, const std::string& a, const std::string& b) {
    std::string r = fresh();
    body_ += "    " + r + " = stablehlo.compare " + dir + ", " + a + ", " + b + ", FLOAT : (" + T_ + ", " + T_ +
             ") -> " + B_ + "\n";
    return r;
  }
  std::string logical(const char* what, const std::string& a, const std::string& b) {
    std::string r = fresh();
    body_ += "    " + r + " = stablehlo." + what + " " + a + ", " + b + " : " + B_ + "\n";
    return r;
  }
  std::string select(const std::string& c, const std::string& a, const std::string& b) {
    std::string r = fresh();
    body_ += "    " + r + " = stablehlo.select " + c + ", " + a + ", " + b + " : " + B_ + ", " + T_ + "\n";
    return r;
  }

  std::string sign(const std::string& a) {
    const std::string zero = constant(0.0);
    return select(compare("EQ", a, zero), zero, op("sign", a));
  }

  std::string gamma(const std::string& a) {
    const std::string zero = constant(0.0), two = constant(2.0);
    const std::string fl = op("floor", a);
    const std::string negative = compare("LT", a, zero);
    const std::string odd = compare("NE", op("remainder", fl, two), zero);
    const std::string s = select(logical("and", negative, odd), constant(-1.0), constant(1.0));
    const std::string magnitude = op("exponential", chlo("lgamma", a));
    std::string r = op("multiply", s, magnitude);
    r = select(compare("EQ", a, zero), op("divide", constant(1.0), a), r);
    const std::string pole = logical("and", negative, compare("EQ", a, fl));
    return select(pole, constant(std::nan("")), r);
  }

  std::string loggamma(const std::string& a) {
    return select(compare("GE", a, constant(0.0)), chlo("lgamma", a), constant(std::nan("")));
  }

  std::string polygamma(const std::string& n, const std::string& a) {
    std::string r = fresh();
    body_ += "    " + r + " = chlo.polygamma " + n + ", " + a + " : " + T_ + ", " + T_ + " -> " + T_ + "\n";
    const std::string zero = constant(0.0), inf = constant(INFINITY), nan = constant(std::nan(""));
    // a = +inf: digamma -> +inf, higher orders -> 0; a = -inf: no limit.
    r = select(compare("EQ", a, inf), select(compare("EQ", n, zero), inf, zero), r);
    r = select(compare("EQ", a, constant(-INFINITY)), nan, r);
    // Poles a = 0, -1, ...: +inf for odd orders (the limit from both sides), NaN for even ones.
    const std::string pole = logical("and", compare("LE", a, zero), compare("EQ", op("floor", a), a));
    const std::string odd = logical("and", compare("EQ", op("remainder", n, constant(2.0)), constant(1.0)),
                                    compare("GT", a, constant(-0x1p52)));  // below -2**52: NaN
    r = select(pole, select(odd, inf, nan), r);
    const std::string whole = logical(
        "and", logical("and", compare("GE", n, zero), compare("LE", n, constant(1000.0))),
        compare("EQ", op("floor", n), n));
    return select(whole, r, nan);
  }

  // A call of the op-table function `info`: its row's hlo column spells it (see alkahest/ops.def).
  std::string function(const OpInfo& info, const std::string& a, const std::string& b) {
    const std::string_view spell = info.hlo_name;
    if (spell.empty())
      throw InvalidArgument("to_stablehlo: StableHLO and CHLO have no op for '" + std::string(info.name) +
                            "'; use emit_c, compile_expr or to_jax's eager path for it");
    if (info.arity > 2)  // op() and chlo() take one or two operands
      throw AlkahestError("to_stablehlo: no writer for '" + std::string(info.name) + "' of " +
                          std::to_string(info.arity) + " arguments (an op-table bug)");
    if (spell[0] == '@') {  // a composite of several ops
      const std::string_view what = spell.substr(1);
      if (what == "sign") return sign(a);
      if (what == "gamma") return gamma(a);
      if (what == "polygamma") return polygamma(a, b);
      if (what == "loggamma") return loggamma(a);
      throw AlkahestError("to_stablehlo: no composite '" + std::string(what) + "' (an op-table bug)");
    }
    const std::size_t dot = spell.find('.');
    const std::string dialect(spell.substr(0, dot)), what(spell.substr(dot + 1));
    if (dialect == "chlo") {
      if (info.arity == 2) return chlo2(what, a, b);
      return chlo(what, a);
    }
    if (info.arity == 2) return op(what, a, b);
    return op(what, a);
  }

  std::string value(std::size_t i, const std::vector<std::string>& name) {
    const Instr& in = prog_.code[i];
    const std::string& a = exporter::reads_a(in) ? name[ssa_.a[i]] : empty_;
    const std::string& b = exporter::reads_b(in) ? name[ssa_.b[i]] : empty_;
    switch (in.code) {
      case PCode::Input: return arg(in.index);
      case PCode::Const:  // the float constant is rounded from the exact value, not from the double
        return constant(f32_ ? static_cast<double>(prog_.constants_f32[in.index]) : prog_.constants[in.index]);
      case PCode::Add: return op("add", a, b);
      case PCode::Sub: return op("subtract", a, b);
      case PCode::Mul: return op("multiply", a, b);
      case PCode::Div: return op("divide", a, b);
      case PCode::Neg: return op("negate", a);
      case PCode::Sqrt: return op("sqrt", a);
      case PCode::Pow: return op("power", a, b);
      case PCode::Cmp: {
        static const char* dirs[] = {"LT", "LE", "GT", "GE", "EQ", "NE"};
        return select(compare(dirs[in.index], a, b), constant(1.0), constant(0.0));
      }
      case PCode::Select: return select(compare("NE", name[ssa_.c[i]], constant(0.0)), a, b);
      case PCode::Func: return function(op_info(in.op), a, b);
    }
    throw AlkahestError("to_stablehlo: unknown instruction");
  }

  const Program& prog_;
  const StableHloOptions& opt_;
  exporter::Ssa ssa_;
  bool f32_ = false;
  std::string T_, B_, body_;
  std::map<std::string, std::string> constants_;
  int next_ = 0;
  const std::string empty_;
};

}  // namespace

std::string emit_stablehlo(const Program& prog, const StableHloOptions& options) {
  return HloWriter(prog, options).run();
}

}  // namespace alkahest
