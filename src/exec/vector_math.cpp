// Run-time choice of the vector-math table for this CPU.
#include "vector_math.hpp"

namespace alkahest::vm {

namespace {
enum class Isa { Sse2, Avx2, Avx512 };
Isa detect() {
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) return Isa::Avx512;
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return Isa::Avx2;
  return Isa::Sse2;
}
}  // namespace

const Kernels<double>& kernels_f64() {
  static const Kernels<double>& k = [] () -> const Kernels<double>& {
    switch (detect()) {
      case Isa::Avx512: return kernels_f64_avx512();
      case Isa::Avx2: return kernels_f64_avx2();
      default: return kernels_f64_sse2();
    }
  }();
  return k;
}

const Kernels<float>& kernels_f32() {
  static const Kernels<float>& k = [] () -> const Kernels<float>& {
    switch (detect()) {
      case Isa::Avx512: return kernels_f32_avx512();
      case Isa::Avx2: return kernels_f32_avx2();
      default: return kernels_f32_sse2();
    }
  }();
  return k;
}

}  // namespace alkahest::vm
