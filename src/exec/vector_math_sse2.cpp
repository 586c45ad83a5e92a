// SSE2 table: the x86-64 baseline, always usable.
#include <emmintrin.h>
#define VM_NAME "sse2"
#define VM_VD __m128d
#define VM_VF __m128
#define VM_WD 2
#define VM_WF 4
#define VM_SET1D _mm_set1_pd
#define VM_SET1F _mm_set1_ps
#define VM_LOADD _mm_loadu_pd
#define VM_STORED _mm_storeu_pd
#define VM_LOADF _mm_loadu_ps
#define VM_STOREF _mm_storeu_ps
#define SLEEF_D(f, u) Sleef_##f##d2_##u##sse2
#define SLEEF_F(f, u) Sleef_##f##f4_##u##sse2
#define SLEEF_DX(f) Sleef_##f##d2_sse2
#define SLEEF_FX(f) Sleef_##f##f4_sse2
#define VM_GET_F64 kernels_f64_sse2
#define VM_GET_F32 kernels_f32_sse2
#include "vector_math.inc"
