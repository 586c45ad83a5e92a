// The op table: every elementary function is declared once here (name, arity, numeric value,
// exact values, derivative, spellings). Printer, parser, diff and evaluators all read it.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "alkahest/facts.hpp"

namespace alkahest {

class ExprPool;
using ExprId = std::uint32_t;

enum class Op : std::uint8_t {
  Sin, Cos, Tan, Sinh, Cosh, Tanh, Asin, Acos, Atan, Atan2, Exp, Log,
  Abs, Sign, Floor, Ceil, Erf, Erfc, Gamma, Polygamma,
  Re, Im, Conjugate, Arg,  // complex parts: fold away on real arguments; no numeric backend has them
  Count_
};
inline constexpr std::size_t kOpCount = static_cast<std::size_t>(Op::Count_);

struct OpInfo {
  Op op;
  std::string_view name;   ///< spelling in text (printer and parser); SymPy reads it too
  int arity;
  std::string_view latex;  ///< LaTeX command or operator name
  std::string_view c_name; ///< C <math.h> double function ("" where C has none)
  /// Value at real arguments (IEEE semantics; NaN outside the domain).
  double (*eval)(const double* args);
  /// Exact value of op(args) when known (`sin(0) = 0`), else nullopt. Args are canonical.
  std::optional<ExprId> (*exact)(ExprPool& pool, std::span<const ExprId> args);
  /// d op(args) / d args[which], as an expression in args.
  ExprId (*partial)(ExprPool& pool, std::span<const ExprId> args, int which);
  /// What is known of op(args) from what is known of args (sign, realness, integrality).
  Facts (*facts)(std::span<const Facts> args);
  /// Whether the numeric backends compute it (false: compiling it is a clear error).
  bool numeric = true;
};

/// The row of `op`.
const OpInfo& op_info(Op op);
/// The row named `name` (as printed), or nullptr.
const OpInfo* find_op(std::string_view name);

}  // namespace alkahest
