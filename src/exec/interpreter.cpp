#include "alkahest/interpreter.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <thread>

#include "alkahest/errors.hpp"
#include "vector_math.hpp"

namespace alkahest {

namespace {

constexpr std::int64_t kBlock = 256;              // elements per block: registers stay in L1
constexpr std::int64_t kMinPerThread = 1 << 15;   // below this, extra threads cost more than they give

template <class T>
const vm::Kernels<T>& kernels() {
  if constexpr (std::is_same_v<T, double>)
    return vm::kernels_f64();
  else
    return vm::kernels_f32();
}

// Reads input blocks: directly from the caller's memory when contiguous, else gathered.
template <class T>
struct InputReader {
  const T* data;
  std::vector<std::int64_t> strides, shape;
  bool contiguous, scalar;

  InputReader(const ArrayView& v, std::span<const std::int64_t> sh)
      : data(static_cast<const T*>(v.data)), strides(v.strides), shape(sh.begin(), sh.end()) {
    std::int64_t expect = 1;
    contiguous = true;
    scalar = true;
    for (std::size_t d = shape.size(); d-- > 0;) {
      if (shape[d] != 1 && strides[d] != expect) contiguous = false;
      if (shape[d] != 1 && strides[d] != 0) scalar = false;
      expect *= shape[d];
    }
  }

  const T* block(std::int64_t start, std::int64_t n, T* buf) const {
    if (contiguous) return data + start;
    if (scalar) {
      std::fill(buf, buf + n, data[0]);
      return buf;
    }
    // Odometer over the broadcast shape, starting at the flat index `start`.
    const std::size_t nd = shape.size();
    std::int64_t idx[32];
    std::int64_t rem = start, offset = 0;
    for (std::size_t d = nd; d-- > 0;) {
      idx[d] = rem % shape[d];
      rem /= shape[d];
      offset += idx[d] * strides[d];
    }
    const std::int64_t inner = strides[nd - 1], inner_n = shape[nd - 1];
    for (std::int64_t i = 0; i < n; ++i) {
      buf[i] = data[offset];
      if (++idx[nd - 1] < inner_n) {
        offset += inner;
        continue;
      }
      offset -= inner * (inner_n - 1);
      idx[nd - 1] = 0;
      for (std::size_t d = nd - 1; d-- > 0;) {
        if (++idx[d] < shape[d]) {
          offset += strides[d];
          break;
        }
        offset -= strides[d] * (shape[d] - 1);
        idx[d] = 0;
      }
    }
    return buf;
  }
};

template <class T>
void run_range(const Program& P, int acc, const std::vector<InputReader<T>>& inputs, T* out,
               std::int64_t begin, std::int64_t end) {
  const vm::Kernels<T>& K = kernels<T>();
  const std::size_t nregs = std::max<std::size_t>(P.n_regs, 1);
  std::unique_ptr<T[]> storage(new T[nregs * kBlock]);
  std::vector<const T*> ptr(nregs, nullptr);
  auto buf = [&](std::uint32_t r) { return storage.get() + static_cast<std::size_t>(r) * kBlock; };
  for (const Instr& in : P.code)  // constants keep their registers: fill once
    if (in.code == PCode::Const) std::fill(buf(in.dst), buf(in.dst) + kBlock, static_cast<T>(P.constants[in.index]));
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

}  // namespace

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
  if (inputs.size() != program_.n_inputs)
    throw InvalidArgument("expected " + std::to_string(program_.n_inputs) + " input arrays, got " +
                          std::to_string(inputs.size()));
  std::int64_t total = 1;
  for (std::int64_t s : shape) total *= s;
  if (total == 0) return;
  std::vector<std::int64_t> sh(shape.begin(), shape.end());
  if (sh.empty()) sh.push_back(1);  // 0-d: one element
  std::vector<InputReader<T>> readers;
  for (const ArrayView& v : inputs) {
    ArrayView vv = v;
    if (vv.strides.empty()) vv.strides.push_back(0);
    if (vv.strides.size() != sh.size()) throw InvalidArgument("input strides do not match the shape");
    readers.emplace_back(vv, sh);
  }
  if (sh.size() > 32) throw InvalidArgument("arrays of more than 32 dimensions are not supported");
  const int acc = static_cast<int>(accuracy_);
  int nt = threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  nt = static_cast<int>(std::min<std::int64_t>(nt, std::max<std::int64_t>(1, total / kMinPerThread)));
  if (nt <= 1) {
    run_range<T>(program_, acc, readers, out, 0, total);
    return;
  }
  // Split on block boundaries so no two threads share a cache line of output.
  const std::int64_t blocks = (total + kBlock - 1) / kBlock;
  std::vector<std::thread> pool;
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(nt));
  for (int t = 0; t < nt; ++t) {
    const std::int64_t b0 = blocks * t / nt * kBlock, b1 = std::min(total, blocks * (t + 1) / nt * kBlock);
    pool.emplace_back([&, t, b0, b1] {
      try {
        run_range<T>(program_, acc, readers, out, b0, b1);
      } catch (...) {
        errors[static_cast<std::size_t>(t)] = std::current_exception();
      }
    });
  }
  for (auto& th : pool) th.join();
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
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
