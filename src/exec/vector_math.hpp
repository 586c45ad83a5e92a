// Vector math kernels: one table per instruction set (SSE2, AVX2, AVX-512), each filled with
// SLEEF's vector functions, chosen once at run time for the CPU at hand.
#pragma once
#include <cstddef>

#include "alkahest/ops.hpp"

namespace alkahest::vm {

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
  // The SLEEF vector functions behind the table (same [accuracy][op] layout), for the JIT tier,
  // which calls them from its fused loop: one W-lane vector in (two for binary ops), one out.
  // Null where the op has no SLEEF function (sign, polygamma) or is plain IEEE (fabs, floor, ceil).
  int width = 0;  ///< lanes per vector
  const void* raw_unary[2][kOpCount] = {};
  const void* raw_binary[2][kOpCount] = {};
  const void* raw_pow[2] = {};
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
