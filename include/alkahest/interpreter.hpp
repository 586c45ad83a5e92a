// The interpreter: evaluates a Program over arrays, block by block (a few hundred elements per
// block, kept in L1), each step one SIMD loop over SLEEF vector math for this CPU. A step is one
// instruction or a fused pair (an arithmetic operation and the one that reads its result, or a
// function of an arithmetic result), constants are read as scalars, and the steps run in an order
// and on registers of the interpreter's own choosing (the Program's values, each computed once),
// every operation rounded as in the Program: results are the JIT tier's bit for bit.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "alkahest/program.hpp"

namespace alkahest {

/// Vector-math accuracy: Default is SLEEF's <= 3.5-ulp class (NumPy's level), High the <= 1-ulp
/// class. Arithmetic and sqrt are IEEE correctly rounded in both; no fast-math reassociation.
enum class Accuracy : int { Default = 0, High = 1 };

/// One input array as the interpreter reads it: its data and its strides (in elements) over the
/// broadcast shape; a stride of 0 repeats the element (broadcasting).
struct ArrayView {
  const void* data = nullptr;
  std::vector<std::int64_t> strides;
};

/// While `stop` is set, every evaluation in progress (interpreter and JIT, on every thread) stops
/// within about 65,000 elements by throwing AlkahestError, and later ones stop at once. For process
/// exit, where nobody waits for the results: the Python module's atexit hook uses it.
void stop_evaluations(bool stop) noexcept;

class Interpreter {
 public:
  explicit Interpreter(Program program, Accuracy accuracy = Accuracy::Default);
  const Program& program() const { return program_; }
  Accuracy accuracy() const { return accuracy_; }
  /// Name of the instruction set the vector math runs on ("avx2", "avx512f", "sse2").
  static std::string isa();

  /// Evaluates over `shape` (the broadcast shape). `out` is C-contiguous with shape
  /// shape + [n_outputs] (outputs innermost) and aligned like T (else InvalidArgument).
  /// `threads` <= 0 means all cores; small batches stay on one thread. T is double or float;
  /// inputs must hold T, and may be misaligned (they are then copied through memcpy).
  template <class T>
  void run(std::span<const ArrayView> inputs, std::span<const std::int64_t> shape, T* out,
           int threads) const;

  /// One point: `values` has one entry per input; writes n_outputs values into `out`.
  void call(const double* values, double* out) const;

  /// The shape of the plan: steps run per block (each one loop over the block; inputs count), of
  /// them chains, the links of all chains, registers (blocks of the plan's own), register operands
  /// read (a constant operand is a scalar, not counted) and operations (+ - * / neg, sqrt and
  /// function calls, fused or not), and the links and pairs that combine the other way round
  /// (`t op acc`: only - and / have them). For measurements (docs/benchmarks.md); evaluation
  /// ignores it.
  struct PlanSummary {
    std::size_t steps = 0, chain_steps = 0, links = 0, registers = 0, reads = 0, ops = 0, swapped = 0;
  };
  PlanSummary plan_summary() const;

  struct Plan;  ///< the steps run per block (an implementation detail of interpreter.cpp)

 private:
  Program program_;
  Accuracy accuracy_;
  std::shared_ptr<const Plan> plan_;
};

}  // namespace alkahest
