// The batch driver shared by the interpreter and the JIT: reads inputs over a broadcast shape
// (in place when contiguous, gathered block by block when strided or broadcast) and splits a
// batch over the worker pool on block boundaries.
#pragma once
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <exception>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "alkahest/errors.hpp"
#include "alkahest/interpreter.hpp"
#include "thread_pool.hpp"

namespace alkahest::exec {

/// Below this many elements per thread, extra threads cost more than they give.
constexpr std::int64_t kMinPerThread = 1 << 15;

/// Each thread's range is run in pieces of this many elements (a multiple of every tier's block),
/// checking between pieces whether stop_evaluations(true) is in force.
constexpr std::int64_t kStopCheckElements = 1 << 16;

/// Whether stop_evaluations(true) is in force (interpreter.cpp).
bool exit_requested() noexcept;

// Reads input blocks: directly from the caller's memory when contiguous and aligned, else
// gathered into `buf`. NumPy allows arrays whose data is not a multiple of alignof(T) (views into
// pickled or network buffers: Dask ships arrays so); those are copied element by element through
// memcpy, since reading a misaligned T is undefined behaviour (UBSan reports it).
template <class T>
struct InputReader {
  const void* data;
  std::vector<std::int64_t> strides, shape;
  bool contiguous, scalar, aligned;

  InputReader(const ArrayView& v, std::span<const std::int64_t> sh)
      : data(v.data), strides(v.strides), shape(sh.begin(), sh.end()) {
    std::int64_t expect = 1;
    contiguous = true;
    scalar = true;
    aligned = reinterpret_cast<std::uintptr_t>(data) % alignof(T) == 0;
    for (std::size_t d = shape.size(); d-- > 0;) {
      if (shape[d] != 1 && strides[d] != expect) contiguous = false;
      if (shape[d] != 1 && strides[d] != 0) scalar = false;
      expect *= shape[d];
    }
  }

  /// Whether block() hands out the caller's memory itself (and never writes `buf`).
  bool direct() const { return contiguous && aligned; }

  const T* block(std::int64_t start, std::int64_t n, T* buf) const {
    if (!aligned) {
      const auto* bytes = static_cast<const unsigned char*>(data);
      gather(start, n, buf, [bytes](std::int64_t k) {
        T v;
        std::memcpy(&v, bytes + k * static_cast<std::int64_t>(sizeof(T)), sizeof(T));
        return v;
      });
      return buf;
    }
    const T* p = static_cast<const T*>(data);
    if (contiguous) return p + start;
    if (scalar) {
      std::fill(buf, buf + n, p[0]);
      return buf;
    }
    gather(start, n, buf, [p](std::int64_t k) { return p[k]; });
    return buf;
  }

 private:
  // buf[i] = load(offset of element start + i): an odometer over the broadcast shape.
  template <class Load>
  void gather(std::int64_t start, std::int64_t n, T* buf, Load load) const {
    const std::size_t nd = shape.size();  // >= 1: drive() makes a 0-d shape {1}
    std::int64_t idx[32];
    std::int64_t rem = start, offset = 0;
    for (std::size_t d = nd; d-- > 0;) {
      idx[d] = rem % shape[d];
      rem /= shape[d];
      offset += idx[d] * strides[d];
    }
    const std::int64_t inner = strides[nd - 1], inner_n = shape[nd - 1];
    for (std::int64_t i = 0; i < n; ++i) {
      buf[i] = load(offset);
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
  }
};

/// The kernels write `out` as T: it must be aligned like T (inputs need not be; see InputReader).
template <class T>
void check_out(const T* out) {
  if (reinterpret_cast<std::uintptr_t>(out) % alignof(T) != 0)
    throw InvalidArgument("the output buffer is not aligned to " + std::to_string(alignof(T)) + " bytes");
}

/// The core count, read once: std::thread::hardware_concurrency() reads a sysfs file on every
/// call (about 8 microseconds), which dominated small evaluations.
inline int default_threads() {
  static const int n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  return n;
}

/// Checks `inputs` against `shape`, builds their readers and calls
/// `range(readers, begin, end)` over [0, total) on up to `threads` threads (<= 0: all cores),
/// splitting on multiples of `block`. Rethrows the first exception a thread raised.
template <class T, class Range>
void drive(std::uint32_t n_inputs, std::span<const ArrayView> inputs, std::span<const std::int64_t> shape,
           int threads, std::int64_t block, Range&& range) {
  if (inputs.size() != n_inputs)
    throw InvalidArgument("expected " + std::to_string(n_inputs) + " input arrays, got " +
                          std::to_string(inputs.size()));
  std::int64_t total = 1;
  for (std::int64_t s : shape) {
    if (s < 0) throw InvalidArgument("the shape has a negative dimension");
    if (s != 0 && total > INT64_MAX / s) throw InvalidArgument("the shape has more elements than fit in 64 bits");
    total *= s;
  }
  if (total == 0) return;
  std::vector<std::int64_t> sh(shape.begin(), shape.end());
  if (sh.empty()) sh.push_back(1);  // 0-d: one element
  if (sh.size() > 32) throw InvalidArgument("arrays of more than 32 dimensions are not supported");
  std::vector<InputReader<T>> readers;
  for (const ArrayView& v : inputs) {
    ArrayView vv = v;
    if (vv.strides.empty()) vv.strides.push_back(0);
    if (vv.strides.size() != sh.size()) throw InvalidArgument("input strides do not match the shape");
    readers.emplace_back(vv, sh);
  }
  int nt = threads > 0 ? threads : default_threads();
  nt = static_cast<int>(std::min<std::int64_t>(nt, std::max<std::int64_t>(1, total / kMinPerThread)));
  auto pieces = [&](std::int64_t b0, std::int64_t b1) {
    for (std::int64_t c0 = b0; c0 < b1; c0 += kStopCheckElements) {
      if (exit_requested()) throw AlkahestError("evaluation stopped: the process is exiting");
      range(readers, c0, std::min(b1, c0 + kStopCheckElements));
    }
  };
  if (nt <= 1) {
    pieces(std::int64_t{0}, total);
    return;
  }
  // Split on block boundaries so no two threads share a cache line of output.
  const std::int64_t blocks = (total + block - 1) / block;
  std::vector<std::exception_ptr> errors(static_cast<std::size_t>(nt));
  parallel_for(nt, [&](int t) {
    const std::int64_t b0 = blocks * t / nt * block, b1 = std::min(total, blocks * (t + 1) / nt * block);
    try {
      pieces(b0, b1);
    } catch (...) {
      errors[static_cast<std::size_t>(t)] = std::current_exception();
    }
  });
  for (auto& e : errors)
    if (e) std::rethrow_exception(e);
}

}  // namespace alkahest::exec
