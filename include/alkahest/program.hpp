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
  Func,    ///< dst = op(a[, b[, c[, d]]]) from the op table (as many operands as the op's arity)
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
  std::uint32_t c = 0;      ///< Select: the condition register; Func of 3 or 4 arguments: the third
  std::uint32_t d = 0;      ///< Func of 4 arguments: the fourth
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

/// Assigns registers to a Program in SSA form (instruction i defines value i, operands name
/// values) and sets its outputs to the registers of `out_values`; lower() ends with it.
void allocate_registers(Program& prog, std::span<const std::uint32_t> out_values);

/// What the e-graph optimizer may do (src/compile/egraph.cpp, docs/accuracy.md).
enum class Optimize : std::uint8_t {
  Off,    ///< the Program as lowered
  Exact,  ///< rewrites that keep every result bit for bit (plus sin(u)**2 + cos(u)**2 -> 1)
  Fast,   ///< also reassociation and factoring (Horner, x*y + x*z -> x*(y + z)): rounding may differ
};

/// Budgets of one optimization; 0 means the default.
struct OptimizeOptions {
  Optimize mode = Optimize::Exact;
  std::size_t max_nodes = 0;       ///< e-nodes; default max(20000, 8 * instructions)
  std::size_t max_iterations = 0;  ///< rewrite rounds; default 30
  double max_seconds = 0;          ///< wall time of the rewrite rounds; default 0.5
  std::size_t patience = 0;        ///< stop after this many rounds in a row that made the
                                   ///< cheapest form less than 0.5% cheaper; default 3
};

/// What one optimization did.
struct OptimizeReport {
  long ops_before = 0, ops_after = 0;      ///< instructions other than inputs and constants
  double cost_before = 0, cost_after = 0;  ///< weighted cost (program_cost)
  double depth_before = 0, depth_after = 0;  ///< weighted critical path (program_depth)
  std::size_t iterations = 0, nodes = 0, classes = 0;
  std::string stop;  ///< "saturated", "converged", "nodes", "iterations" or "time"
  bool applied = false;  ///< false: the original Program was kept (not cheaper, or a longer critical path)
  std::size_t value_changing = 0;          ///< applications of rules that are not bit-identical
  double seconds = 0;                      ///< the whole optimization (rewriting, extraction, checks)
  std::size_t max_nodes = 0;               ///< the budgets it ran under
  double max_seconds = 0;
};

/// Weighted cost of a Program: + - * neg compare select 1, / and sqrt 4, pow and function calls 16
/// (fabs, floor and the like 1); inputs and constants 0.
double program_cost(const Program& prog);
/// Instructions other than inputs and constants (what op_count counts).
long program_op_count(const Program& prog);
/// The critical path of a Program under program_cost's weights: the largest sum of weights along
/// a chain of instructions each reading the previous one's result (a latency estimate; the JIT
/// runs the Program on a vector of points as straight-line code, whose speed is bounded by both
/// the total cost and this chain).
double program_depth(const Program& prog);

/// The cheapest equivalent Program the e-graph finds within the budgets, or `prog` itself when
/// nothing cheaper was found (never a more expensive one, never one with a longer critical path). `seeded`, when given, is the lowering of
/// prog's outputs followed by pairs of outputs equal in exact arithmetic (optimize_seeds): the
/// e-graph starts from it with each pair's classes united (Fast mode only).
Program optimize(const Program& prog, const OptimizeOptions& options, OptimizeReport* report = nullptr,
                 const Program* seeded = nullptr);

/// Alternative forms to seed the e-graph with, as pairs (sub-expression, equal form): in Fast mode
/// a Horner form and an Estrin form (pairs of terms combined with x**2, x**4, ...: fewer
/// dependent steps than Horner) of each sum of three or more terms in the outputs where two or more
/// terms have a power of one symbol as a factor (any coefficients; nothing expanded); none otherwise.
std::vector<std::pair<ExprId, ExprId>> optimize_seeds(ExprPool& pool, std::span<const ExprId> outputs, Optimize mode);

/// lower() and optimize() in one step, seeds included.
Program lower_optimized(ExprPool& pool, std::span<const ExprId> outputs, std::span<const ExprId> vars,
                        const OptimizeOptions& options, OptimizeReport* report = nullptr);

}  // namespace alkahest
