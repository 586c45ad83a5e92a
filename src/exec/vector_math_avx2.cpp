// AVX2 + FMA table (compiled with -mavx2 -mfma; used only when the CPU has both).
#include <immintrin.h>
#define VM_NAME "avx2"
#define VM_VD __m256d
#define VM_VF __m256
#define VM_WD 4
#define VM_WF 8
#define VM_SET1D _mm256_set1_pd
#define VM_SET1F _mm256_set1_ps
#define VM_LOADD _mm256_loadu_pd
#define VM_STORED _mm256_storeu_pd
#define VM_LOADF _mm256_loadu_ps
#define VM_STOREF _mm256_storeu_ps
#define SLEEF_D(f, u) Sleef_##f##d4_##u##avx2
#define SLEEF_F(f, u) Sleef_##f##f8_##u##avx2
#define SLEEF_DX(f) Sleef_##f##d4_avx2
#define SLEEF_FX(f) Sleef_##f##f8_avx2
#define VM_GET_F64 kernels_f64_avx2
#define VM_GET_F32 kernels_f32_avx2
#include "vector_math.inc"
