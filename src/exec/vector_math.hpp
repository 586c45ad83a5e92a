// Vector math kernels: one table per instruction set (SSE2, AVX2, AVX-512), each filled with
// SLEEF's vector functions, chosen once at run time for the CPU at hand.
#pragma once
#include <cstddef>
#include <cstdint>

#include "alkahest/ops.hpp"

namespace alkahest::vm {

/// The interpreter's arithmetic kernels (Kernels::arith): o = op2(op1(x, y), z), each operation
/// rounded on its own (no FMA contraction), so a fused pair gives exactly what two passes give.
enum ArithOp : int { kArAdd, kArSub, kArMul, kArDiv, kArNeg, kArNone, kArCount };

/// One link of an arithmetic chain (Kernels::chain). Its term is u, or inner(u, v) (kArNeg: -u);
/// bit 0 / 1 of `kinds` set: u / v is one value (a constant), else an array. Link 0 is the head
/// (acc = its term); every later one makes acc = op(acc, term), or op(term, acc) with swap
/// (kArNeg: acc = -acc, no term). `code`: chain_code of the link (kArNone as op for the head).
template <class T>
struct ChainLink {
  const T* u;
  const T* v;
  std::uint8_t op, swap, inner, kinds;
  std::uint16_t code;
};

/// What the chain kernel distinguishes of a link: ((op * 2 + swap) * 6 + inner) * 4 + kinds, with
/// op kArNone for the head (link 0), and the fields a link of that kind ignores set to 0; below
/// kChainCodes.
constexpr int kChainCodes = 288;
constexpr int chain_code(int op, int swap, int inner, int kinds) {
  const int sw = op == kArNeg || op == kArNone ? 0 : swap;
  const int k = op == kArNeg ? 0 : (inner == kArNone || inner == kArNeg ? kinds & 1 : kinds);
  const int in = op == kArNeg ? 0 : inner;
  return ((op * 2 + sw) * 6 + in) * 4 + k;
}

template <class T>
struct Kernels {
  using Unary = void (*)(const T* a, T* out, std::size_t n);
  using Binary = void (*)(const T* a, const T* b, T* out, std::size_t n);
  const char* isa = "";
  // [accuracy][op]: accuracy 0 = SLEEF's 3.5-ulp class, 1 = its 1-ulp class (alkahest::Accuracy)
  Unary unary[2][kOpCount] = {};    ///< one-argument ops
  Binary binary[2][kOpCount] = {};  ///< [accuracy][op], for two-argument ops
  Binary pow[2] = {};
  Unary sqrt = nullptr;
  // Arithmetic, compiled for the same instruction set (IEEE, no reassociation).
  Binary add = nullptr, sub = nullptr, mul = nullptr, div = nullptr;
  Unary neg = nullptr;
  /// arith[op1][op2][swap][kinds](x, y, z, out, n): out = op2(op1(x, y), z), or op2(z, op1(x, y))
  /// with swap; op1 < kArNone, op2 == kArNone: out = op1(x, y); kArNeg ignores its second operand
  /// (y for op1, z for op2; pass any valid pointer). Bit i of `kinds` (x, y, z) set: that operand
  /// is one value (a constant, used for every element), else an array of n.
  using Fused = void (*)(const T* x, const T* y, const T* z, T* out, std::size_t n);
  Fused arith[kArNone][kArCount][2][8] = {};
  /// funcof[op1][kinds](f, x, y, out, n): out = f(op1(x, y)) for a raw unary SLEEF function f
  /// (raw_unary), kinds as for arith (bits 0 and 1).
  using FuncOf = void (*)(const void* f, const T* x, const T* y, T* out, std::size_t n);
  FuncOf funcof[kArNone][4] = {};
  /// chain(links, steps, n_links, f, out, n): the chain's value per element (f null), or the raw
  /// unary SLEEF function f of it, in one pass: acc stays in registers. `steps` (n_links + 1
  /// entries): chain_steps[links[k].code] for each link, then chain_steps[kChainCodes] (the end).
  using Chain = void (*)(const ChainLink<T>* links, const void* const* steps, int n_links, const void* f, T* out,
                         std::size_t n);
  Chain chain = nullptr;
  const void* chain_steps[kChainCodes + 1] = {};
  // The SLEEF vector functions behind the table (same [accuracy][op] layout), for the JIT tier,
  // which calls them from its fused loop: one W-lane vector in (two for binary ops), one out.
  // Null where the op has no SLEEF function (sign, polygamma) or is plain IEEE (fabs, floor, ceil).
  int width = 0;  ///< lanes per vector
  const void* raw_unary[2][kOpCount] = {};
  const void* raw_binary[2][kOpCount] = {};
  const void* raw_pow[2] = {};
  /// The vector square root (IEEE, correctly rounded) in the raw form, for the interpreter's
  /// FuncOf and Chain steps.
  const void* raw_sqrt = nullptr;
};

/// The best tables for this CPU (chosen on first use).
const Kernels<double>& kernels_f64();
const Kernels<float>& kernels_f32();
template <class T>
const Kernels<T>& kernels() {
  if constexpr (sizeof(T) == sizeof(double))
    return kernels_f64();
  else
    return kernels_f32();
}

// One table per instruction set; defined in vector_math_<isa>.cpp.
const Kernels<double>& kernels_f64_sse2();
const Kernels<float>& kernels_f32_sse2();
const Kernels<double>& kernels_f64_avx2();
const Kernels<float>& kernels_f32_avx2();
const Kernels<double>& kernels_f64_avx512();
const Kernels<float>& kernels_f32_avx512();

}  // namespace alkahest::vm
