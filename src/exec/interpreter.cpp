#include "alkahest/interpreter.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstring>
#include <memory>
#include <thread>

#include "alkahest/errors.hpp"
#include "driver.hpp"
#include "vector_math.hpp"

namespace alkahest {

namespace {

constexpr std::int64_t kBlock = 256;              // elements per block: registers stay in L1

// a <cond> b as 1 or 0 (IEEE: false where a or b is NaN, except for Ne).
template <class T>
inline T compare(Cond c, T a, T b) {
  bool r = false;
  switch (c) {
    case Cond::Lt: r = a < b; break;
    case Cond::Le: r = a <= b; break;
    case Cond::Gt: r = a > b; break;
    case Cond::Ge: r = a >= b; break;
    case Cond::Eq: r = a == b; break;
    case Cond::Ne: r = a != b; break;
  }
  return r ? T(1) : T(0);
}

template <class T>
void run_range(const Program& P, int acc, const std::vector<exec::InputReader<T>>& inputs, T* out,
               std::int64_t begin, std::int64_t end) {
  const vm::Kernels<T>& K = vm::kernels<T>();
  const std::size_t nregs = std::max<std::size_t>(P.n_regs, 1);
  std::unique_ptr<T[]> storage(new T[nregs * kBlock]);
  std::vector<const T*> ptr(nregs, nullptr);
  auto buf = [&](std::uint32_t r) { return storage.get() + static_cast<std::size_t>(r) * kBlock; };
  for (const Instr& in : P.code)  // constants keep their registers: fill once
    if (in.code == PCode::Const) std::fill(buf(in.dst), buf(in.dst) + kBlock, P.template constant<T>(in.index));
  const std::size_t n_out = P.outputs.size();
  for (std::int64_t start = begin; start < end; start += kBlock) {
    const std::int64_t n = std::min(kBlock, end - start);
    for (const Instr& in : P.code) {
      T* o = buf(in.dst);
      const T* a = ptr[in.a];
      const T* b = ptr[in.b];
      switch (in.code) {
        case PCode::Input: ptr[in.dst] = inputs[in.index].block(start, n, o); continue;
        case PCode::Const: ptr[in.dst] = o; continue;
        case PCode::Add: K.add(a, b, o, static_cast<std::size_t>(n)); break;
        case PCode::Sub: K.sub(a, b, o, static_cast<std::size_t>(n)); break;
        case PCode::Mul: K.mul(a, b, o, static_cast<std::size_t>(n)); break;
        case PCode::Div: K.div(a, b, o, static_cast<std::size_t>(n)); break;
        case PCode::Neg: K.neg(a, o, static_cast<std::size_t>(n)); break;
        case PCode::Sqrt: K.sqrt(a, o, static_cast<std::size_t>(n)); break;
        case PCode::Pow: K.pow[acc](a, b, o, static_cast<std::size_t>(n)); break;
        case PCode::Cmp: {
          const Cond c = static_cast<Cond>(in.index);
          for (std::int64_t i = 0; i < n; ++i) o[i] = compare(c, a[i], b[i]);
          break;
        }
        case PCode::Select: {
          const T* c = ptr[in.c];
          for (std::int64_t i = 0; i < n; ++i) o[i] = c[i] != T(0) ? a[i] : b[i];
          break;
        }
        case PCode::Func: {
          const int op = static_cast<int>(in.op);
          if (op_info(in.op).arity == 2)
            K.binary[acc][op](a, b, o, static_cast<std::size_t>(n));
          else
            K.unary[acc][op](a, o, static_cast<std::size_t>(n));
          break;
        }
      }
      ptr[in.dst] = o;
    }
    for (std::size_t k = 0; k < n_out; ++k) {
      const T* src = ptr[P.outputs[k]];
      T* dst = out + start * static_cast<std::int64_t>(n_out) + static_cast<std::int64_t>(k);
      if (n_out == 1)
        std::memcpy(dst, src, static_cast<std::size_t>(n) * sizeof(T));
      else
        for (std::int64_t i = 0; i < n; ++i) dst[i * static_cast<std::int64_t>(n_out)] = src[i];
    }
  }
}

std::atomic<bool> g_exit_requested{false};

}  // namespace

void stop_evaluations(bool stop) noexcept { g_exit_requested.store(stop, std::memory_order_relaxed); }

bool exec::exit_requested() noexcept { return g_exit_requested.load(std::memory_order_relaxed); }

Interpreter::Interpreter(Program program, Accuracy accuracy)
    : program_(std::move(program)), accuracy_(accuracy) {
  // Every function the program calls must have a kernel (a missing one is a table bug).
  const auto& k = vm::kernels_f64();
  for (const Instr& in : program_.code)
    if (in.code == PCode::Func) {
      const int op = static_cast<int>(in.op);
      const int acc = static_cast<int>(accuracy_);
      if ((op_info(in.op).arity == 2 ? (void*)k.binary[acc][op] : (void*)k.unary[acc][op]) == nullptr)
        throw AlkahestError("no vector kernel for " + std::string(op_info(in.op).name));
    }
}

std::string Interpreter::isa() { return vm::kernels_f64().isa; }

template <class T>
void Interpreter::run(std::span<const ArrayView> inputs, std::span<const std::int64_t> shape, T* out,
                      int threads) const {
  exec::check_out(out);
  const int acc = static_cast<int>(accuracy_);
  exec::drive<T>(program_.n_inputs, inputs, shape, threads, kBlock,
                 [&](const std::vector<exec::InputReader<T>>& readers, std::int64_t b0, std::int64_t b1) {
                   run_range<T>(program_, acc, readers, out, b0, b1);
                 });
}

template void Interpreter::run<double>(std::span<const ArrayView>, std::span<const std::int64_t>, double*, int) const;
template void Interpreter::run<float>(std::span<const ArrayView>, std::span<const std::int64_t>, float*, int) const;

void Interpreter::call(const double* values, double* out) const {
  // One point: registers are plain doubles; functions go through the same vector kernels (n = 1)
  // so a point call gives exactly what numpy_eval gives at that point.
  const vm::Kernels<double>& K = vm::kernels_f64();
  const int acc = static_cast<int>(accuracy_);
  double small[64];
  std::unique_ptr<double[]> large;
  double* r = small;
  if (program_.n_regs > 64) {
    large.reset(new double[program_.n_regs]);
    r = large.get();
  }
  for (const Instr& in : program_.code) {
    double& o = r[in.dst];
    switch (in.code) {
      case PCode::Input: o = values[in.index]; break;
      case PCode::Const: o = program_.constants[in.index]; break;
      case PCode::Add: o = r[in.a] + r[in.b]; break;
      case PCode::Sub: o = r[in.a] - r[in.b]; break;
      case PCode::Mul: o = r[in.a] * r[in.b]; break;
      case PCode::Div: o = r[in.a] / r[in.b]; break;
      case PCode::Neg: o = -r[in.a]; break;
      case PCode::Sqrt: o = std::sqrt(r[in.a]); break;
      case PCode::Pow: K.pow[acc](&r[in.a], &r[in.b], &o, 1); break;
      case PCode::Cmp: o = compare(static_cast<Cond>(in.index), r[in.a], r[in.b]); break;
      case PCode::Select: o = r[in.c] != 0.0 ? r[in.a] : r[in.b]; break;
      case PCode::Func:
        if (op_info(in.op).arity == 2)
          K.binary[acc][static_cast<int>(in.op)](&r[in.a], &r[in.b], &o, 1);
        else
          K.unary[acc][static_cast<int>(in.op)](&r[in.a], &o, 1);
        break;
    }
  }
  for (std::size_t k = 0; k < program_.outputs.size(); ++k) out[k] = r[program_.outputs[k]];
}

}  // namespace alkahest
