// The LLVM JIT tier: one fused, vectorised loop per Program (LLVM ORC LLJIT), calling the same
// SLEEF vector functions as the interpreter, so both tiers give the same numbers bit for bit.
// Compiled kernels are cached by the Program's structure for the life of the process: compiling
// the same expression twice costs one hash lookup.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include "alkahest/interpreter.hpp"
#include "alkahest/program.hpp"

namespace alkahest {

/// True when this build has the LLVM tier (CMake found LLVM); otherwise constructing a
/// JitFunction throws AlkahestError.
bool jit_available();

/// "LLVM <version>, <cpu>" for the JIT's target, or the reason it is unavailable.
std::string jit_description();

struct JitStats {
  std::uint64_t compiled = 0;    ///< kernels compiled by LLVM in this process
  std::uint64_t cache_hits = 0;  ///< requests answered from the cache
};
JitStats jit_stats();

/// When an adaptive caller (Python's backend="auto") should move `program` from the interpreter to
/// the JIT: after this many elements evaluated in all, or never (0) for programs of more than
/// kAutoJitMaxInstructions instructions, whose compile time and memory the JIT cannot repay.
/// The rule (docs/evaluation.md): compile once the interpreter has spent about as long on the
/// program as compiling it is estimated to take: 2**17 * (1 + instructions / 50,000) elements.
std::uint64_t auto_jit_elements(const Program& program);

/// Programs longer than this stay on the interpreter under backend="auto": LLVM needs about
/// 3-6 KB of memory and 30-170 microseconds per instruction of such programs.
constexpr std::size_t kAutoJitMaxInstructions = 50'000;

class JitFunction {
 public:
  /// Compiles (or fetches from the cache) the float64 kernel now; the float32 kernel is compiled
  /// on first use. Throws AlkahestError when the build has no LLVM.
  JitFunction(Program program, Accuracy accuracy = Accuracy::Default);
  ~JitFunction();
  JitFunction(JitFunction&&) noexcept;
  JitFunction& operator=(JitFunction&&) noexcept;

  const Program& program() const { return program_; }
  Accuracy accuracy() const { return accuracy_; }

  /// Same contract as Interpreter::run (and the same results).
  template <class T>
  void run(std::span<const ArrayView> inputs, std::span<const std::int64_t> shape, T* out,
           int threads) const;

  /// One point, as Interpreter::call.
  void call(const double* values, double* out) const;

  /// The LLVM IR of the kernel for T = double (or float), for inspection.
  std::string ir(bool f32 = false) const;

 private:
  struct Kernels;
  Program program_;
  Accuracy accuracy_;
  std::unique_ptr<Kernels> kernels_;
};

}  // namespace alkahest
