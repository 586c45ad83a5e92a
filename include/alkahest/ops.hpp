// The op table: every function is declared once, as one row of alkahest/ops.def (name, arity,
// numeric value, exact values, derivative, facts, and every backend's spelling). Printer, parser,
// diff, evalf and every numeric backend read it; no backend spells a function of its own.
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
#define ALKAHEST_OP(E, ...) E,
#include "alkahest/ops.def"
#undef ALKAHEST_OP
  Count_
};
inline constexpr std::size_t kOpCount = static_cast<std::size_t>(Op::Count_);

/// How the vector-math tables and the JIT compute an op (the `vm` column of ops.def).
enum class VmKind : std::uint8_t {
  Sleef,    ///< SLEEF's vector function vm_fn, in the accuracy classes vm_lo / vm_hi
  Exact,    ///< SLEEF's exact vm_fn (fabs, floor, ceil); the JIT uses the intrinsic llvm.<vm_fn>
  Scalar,   ///< the row's `eval`, per element, in double
  Native,   ///< built from comparisons by each vector table and the JIT (sign)
  Lowered,  ///< compile lowers it to compare/select instructions; no call remains (min, max)
  None,     ///< no numeric backend
};

struct OpInfo {
  Op op;
  std::string_view name;   ///< spelling in text (printer and parser); the Python function's name
  int arity;               ///< number of arguments; -1: variable (two or more)
  std::string_view latex;  ///< LaTeX command or operator name
  std::string_view c_name; ///< C <math.h> double function; "@f": emit_c's helper f; "" where C has none
  std::string_view cuda_name;  ///< CUDA math library function where it differs from c_name
  std::string_view sympy_name; ///< sympy.<sympy_name> ("" where SymPy has none)
  std::string_view hlo_name;   ///< "stablehlo.x" / "chlo.x"; "@x": a composite; "" where none
  std::string_view jax_name;   ///< "lax.sin", "jax.scipy.special.gamma"; "@f": a helper of _jax.py
  VmKind vm;
  std::string_view vm_fn;      ///< SLEEF's function name (Sleef and Exact)
  std::string_view vm_lo, vm_hi;  ///< SLEEF's accuracy classes for accuracy "default" / "high"
  Op inverse;              ///< inverse function on the principal branch (Count_: none)
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
  /// Whether `n` arguments are a valid call.
  bool takes(std::size_t n) const { return arity < 0 ? n >= 2 : n == static_cast<std::size_t>(arity); }
};

/// The row of `op`.
const OpInfo& op_info(Op op);
/// The row named `name` (as printed), or nullptr. Rows may share a name when their arities differ
/// (SymPy's elliptic_e(m) and elliptic_e(phi, m)): this is the first of them.
const OpInfo* find_op(std::string_view name);
/// Whether op(args) with n arguments is a valid call: the row's arity, and besides it log(x, b)
/// (built as log(x)/log(b)) and Heaviside(x, H0) with SymPy's H0 = 1/2 (ExprPool::func).
bool accepts_call(Op op, std::size_t n);
/// The row named `name` that takes `nargs` arguments, or nullptr.
const OpInfo* find_op(std::string_view name, std::size_t nargs);
/// Every row, in Op order.
std::span<const OpInfo> op_table();
/// The value a call's last argument takes when it is left out, for the rows that have one:
/// LambertW(x) is LambertW(x, 0) (the principal branch) and zeta(s) is zeta(s, 1) (Riemann's).
/// ExprPool::func, the parser and the Python functions accept the shorter call, and the printer
/// leaves the argument out when it has that value (as SymPy does).
std::optional<long> default_last_arg(Op op);

}  // namespace alkahest
