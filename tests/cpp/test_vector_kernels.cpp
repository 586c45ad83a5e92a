// The interpreter's arithmetic kernels (vector_math.inc: arith, funcof, chain) in every table this
// CPU can run (SSE2 always, AVX2 and AVX-512 where present), float64 and float32, against plain
// scalar IEEE operations written out here: each result bit for bit, over special values (NaN,
// infinities, signed zeros, subnormals), constants as scalars, and lengths around the vector width.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "exec/vector_math.hpp"

namespace alkahest::vm {
namespace {

template <class T>
std::vector<const Kernels<T>*> tables() {
  __builtin_cpu_init();
  std::vector<const Kernels<T>*> out;
  if constexpr (sizeof(T) == 8) {
    out.push_back(&kernels_f64_sse2());
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) out.push_back(&kernels_f64_avx2());
    if (__builtin_cpu_supports("avx512f")) out.push_back(&kernels_f64_avx512());
  } else {
    out.push_back(&kernels_f32_sse2());
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) out.push_back(&kernels_f32_avx2());
    if (__builtin_cpu_supports("avx512f")) out.push_back(&kernels_f32_avx512());
  }
  return out;
}

template <class T>
T op(int o, T a, T b) {
  switch (o) {
    case kArAdd: return a + b;
    case kArSub: return a - b;
    case kArMul: return a * b;
    case kArDiv: return a / b;
    default: return -a;
  }
}

template <class T>
bool same(T a, T b) {
  return (std::isnan(a) && std::isnan(b)) || std::memcmp(&a, &b, sizeof(T)) == 0;
}

template <class T>
std::vector<T> data(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(-4, 4);
  const T special[] = {std::numeric_limits<T>::quiet_NaN(), std::numeric_limits<T>::infinity(),
                       -std::numeric_limits<T>::infinity(), T(0), -T(0), T(1), T(-2),
                       std::numeric_limits<T>::denorm_min(), std::numeric_limits<T>::min(),
                       std::numeric_limits<T>::max(), T(0.1), T(3)};
  std::vector<T> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = rng() % 3 == 0 ? special[rng() % 12] : static_cast<T>(u(rng));
  return v;
}

const std::size_t kSizes[] = {1, 3, 8, 17, 64, 65, 256};

template <class T>
void check_arith() {
  for (const Kernels<T>* K : tables<T>())
    for (std::size_t n : kSizes) {
      const auto x = data<T>(n, 1), y = data<T>(n, 2), z = data<T>(n, 3);
      const T cx = T(2.5), cy = T(-0.0), cz = T(7);
      std::vector<T> out(n);
      for (int o1 = 0; o1 < kArNone; ++o1)
        for (int o2 = 0; o2 < kArCount; ++o2)
          for (int sw = 0; sw < 2; ++sw)
            for (int k = 0; k < 8; ++k) {
              const T* px = (k & 1) ? &cx : x.data();
              const T* py = (k & 2) ? &cy : y.data();
              const T* pz = (k & 4) ? &cz : z.data();
              ASSERT_NE(K->arith[o1][o2][sw][k], nullptr);
              K->arith[o1][o2][sw][k](px, py, pz, out.data(), n);
              for (std::size_t i = 0; i < n; ++i) {
                const T a = (k & 1) ? cx : x[i], b = (k & 2) ? cy : y[i], c = (k & 4) ? cz : z[i];
                T t = op(o1, a, b);
                if (o2 == kArNeg) t = -t;
                else if (o2 != kArNone) t = sw ? op(o2, c, t) : op(o2, t, c);
                ASSERT_TRUE(same(out[i], t)) << K->isa << " o1 " << o1 << " o2 " << o2 << " sw " << sw << " k " << k
                                             << " n " << n << " i " << i;
              }
            }
      for (int o1 = 0; o1 < kArNone; ++o1)  // sqrt(op1(x, y)) through funcof
        for (int k = 0; k < 4; ++k) {
          const T* px = (k & 1) ? &cx : x.data();
          const T* py = (k & 2) ? &cy : y.data();
          K->funcof[o1][k](K->raw_sqrt, px, py, out.data(), n);
          for (std::size_t i = 0; i < n; ++i) {
            const T t = std::sqrt(op(o1, (k & 1) ? cx : x[i], (k & 2) ? cy : y[i]));
            ASSERT_TRUE(same(out[i], t)) << K->isa << " funcof o1 " << o1 << " k " << k << " n " << n;
          }
        }
    }
}

template <class T>
void check_chains() {
  std::mt19937 rng(11);
  for (const Kernels<T>* K : tables<T>())
    for (int trial = 0; trial < 300; ++trial) {
      const std::size_t n = kSizes[rng() % 7];
      const int nl = 1 + static_cast<int>(rng() % 12);
      std::vector<std::vector<T>> arrays;
      std::vector<T> consts;
      arrays.reserve(2 * static_cast<std::size_t>(nl));
      consts.reserve(2 * static_cast<std::size_t>(nl));
      std::vector<ChainLink<T>> links;
      for (int k = 0; k < nl; ++k) {
        ChainLink<T> l{};
        l.op = static_cast<std::uint8_t>(k == 0 ? static_cast<unsigned>(kArNone) : rng() % 5);
        l.swap = static_cast<std::uint8_t>(rng() % 2);
        l.inner = static_cast<std::uint8_t>(rng() % 6);
        l.kinds = static_cast<std::uint8_t>(rng() % 4);
        if (l.inner != kArNone && l.inner != kArNeg && l.kinds == 3) l.kinds = 1;
        for (int q = 0; q < 2; ++q) {
          const T* p;
          if (l.kinds & (1 << q)) {
            consts.push_back(T(0.5) + T(rng() % 5));
            p = &consts.back();
          } else {
            arrays.push_back(data<T>(n, static_cast<unsigned>(rng())));
            p = arrays.back().data();
          }
          (q == 0 ? l.u : l.v) = p;
        }
        l.code = static_cast<std::uint16_t>(chain_code(k == 0 ? static_cast<int>(kArNone) : l.op, l.swap, l.inner, l.kinds));
        links.push_back(l);
      }
      std::vector<const void*> steps;
      for (const ChainLink<T>& l : links) steps.push_back(K->chain_steps[l.code]);
      steps.push_back(K->chain_steps[kChainCodes]);
      for (bool with_sqrt : {false, true}) {
        std::vector<T> out(n);
        K->chain(links.data(), steps.data(), nl, with_sqrt ? K->raw_sqrt : nullptr, out.data(), n);
        for (std::size_t i = 0; i < n; ++i) {
          T acc{};
          for (int k = 0; k < nl; ++k) {
            const ChainLink<T>& l = links[static_cast<std::size_t>(k)];
            if (k > 0 && l.op == kArNeg) {
              acc = -acc;
              continue;
            }
            const T a = (l.kinds & 1) ? l.u[0] : l.u[i];
            const T b = (l.kinds & 2) ? l.v[0] : l.v[i];
            const T t = l.inner == kArNone ? a : op(l.inner, a, b);
            acc = k == 0 ? t : (l.swap ? op(l.op, t, acc) : op(l.op, acc, t));
          }
          if (with_sqrt) acc = std::sqrt(acc);
          ASSERT_TRUE(same(out[i], acc)) << K->isa << " trial " << trial << " n " << n << " i " << i;
        }
      }
    }
}

TEST(VectorKernels, ArithF64) { check_arith<double>(); }
TEST(VectorKernels, ArithF32) { check_arith<float>(); }
TEST(VectorKernels, ChainF64) { check_chains<double>(); }
TEST(VectorKernels, ChainF32) { check_chains<float>(); }

}  // namespace
}  // namespace alkahest::vm
