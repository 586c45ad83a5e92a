// Program: the linear SSA form every backend consumes. Lowering walks the expression DAG once:
// shared subexpressions are computed once, integer powers become multiplication chains,
// x**(1/2) -> sqrt, x**-1 -> 1/x, and registers are reused once their value is dead.
#pragma once
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include "alkahest/pool.hpp"

namespace alkahest {

enum class PCode : std::uint8_t {
  Input,   ///< dst = inputs[index]
  Const,   ///< dst = constants[index]
  Add,     ///< dst = a + b
  Sub,     ///< dst = a - b
  Mul,     ///< dst = a * b
  Div,     ///< dst = a / b
  Neg,     ///< dst = -a
  Sqrt,    ///< dst = sqrt(a)
  Pow,     ///< dst = pow(a, b) (non-integer, non-half exponents)
  Func,    ///< dst = op(a[, b]) from the op table
  Cmp,     ///< dst = (a <cond> b) ? 1 : 0, cond = Cond(index); false where a or b is NaN, except Ne
  Select,  ///< dst = c != 0 ? a : b (c is a Cmp's 0/1 mask)
};

/// The comparison of a Cmp instruction (its `index`).
enum class Cond : std::uint32_t { Lt, Le, Gt, Ge, Eq, Ne };

struct Instr {
  PCode code;
  Op op = Op::Count_;       ///< for Func
  std::uint32_t dst = 0;
  std::uint32_t a = 0, b = 0;
  std::uint32_t index = 0;  ///< input or constant index; Cmp: the Cond
  std::uint32_t c = 0;      ///< Select: the condition register
};

struct Program {
  std::uint32_t n_inputs = 0;
  std::uint32_t n_regs = 0;
  /// Each constant rounded to nearest once from its exact value: as a double, and as a float for
  /// the float32 kernels (never through the double, which could round twice).
  std::vector<double> constants;
  std::vector<float> constants_f32;
  std::vector<Instr> code;
  std::vector<std::uint32_t> outputs;  ///< register holding each output after the code ran
  /// Constant `index` in the precision of T (float or double).
  template <class T>
  T constant(std::uint32_t index) const {
    if constexpr (std::is_same_v<T, float>)
      return constants_f32[index];
    else
      return static_cast<T>(constants[index]);
  }
  /// Structural hash (instructions and constants), equal for equal programs in every process.
  std::uint64_t hash() const;
  /// Human-readable listing, one instruction per line.
  std::string str() const;
};

/// Lowers `outputs` over the ordered inputs `vars` (symbols). Throws InvalidArgument when an
/// output depends on a symbol that is not in `vars` (naming it) or when `vars` repeats a symbol.
Program lower(ExprPool& pool, std::span<const ExprId> outputs, std::span<const ExprId> vars);

}  // namespace alkahest
