// AVX-512F table (compiled with -mavx512f; used only when the CPU has it).
#include <immintrin.h>
#define VM_NAME "avx512f"
#define VM_VD __m512d
#define VM_VF __m512
#define VM_WD 8
#define VM_WF 16
#define VM_SET1D _mm512_set1_pd
#define VM_SET1F _mm512_set1_ps
#define VM_LOADD _mm512_loadu_pd
#define VM_STORED _mm512_storeu_pd
#define VM_LOADF _mm512_loadu_ps
#define VM_STOREF _mm512_storeu_ps
#define SLEEF_D(f, u) Sleef_##f##d8_##u##avx512f
#define SLEEF_F(f, u) Sleef_##f##f16_##u##avx512f
#define SLEEF_DX(f) Sleef_##f##d8_avx512f
#define SLEEF_FX(f) Sleef_##f##f16_avx512f
#define VM_GET_F64 kernels_f64_avx512
#define VM_GET_F32 kernels_f32_avx512
#include "vector_math.inc"
