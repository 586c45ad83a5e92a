// The CUDA path: CUDA C generated from a Program, compiled at run time with NVRTC, launched with
// the CUDA driver API. Both libraries are loaded with dlopen at first use, so the library builds and
// runs on machines with neither; what needs them throws CudaUnavailable saying what is missing.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "alkahest/errors.hpp"
#include "alkahest/export.hpp"
#include "alkahest/program.hpp"

namespace alkahest::cuda {

/// NVRTC or the CUDA driver (or a device) is missing (Python: RuntimeError).
class CudaUnavailable : public AlkahestError {
 public:
  using AlkahestError::AlkahestError;
};

/// Name of the generated kernel (extern "C", so its name is not mangled).
inline constexpr const char* kKernelName = "alkahest_kernel";

/// CUDA C source of `prog`: a grid-stride kernel
///   alkahest_kernel(const T *in0, long long s0, ..., T *out, long long n)
/// that computes element i from in_k[i * s_k] (s_k = 1, or 0 to broadcast one value) and writes
/// out[i * n_outputs + j]: the layout of numpy_eval's result.
std::string kernel_source(const Program& prog, ExportType type);

/// Directories searched for libnvrtc before the loader's default path (e.g. a PyPI wheel's lib/).
void add_nvrtc_directory(const std::string& dir);
/// Whether NVRTC can be loaded; `why` says why not.
bool nvrtc_available(std::string* why = nullptr);
/// NVRTC's version as major * 1000 + minor * 10 (e.g. 13000); throws CudaUnavailable.
int nvrtc_version();
/// PTX of `source` for virtual architecture `arch` ("compute_80"); throws CudaUnavailable without
/// NVRTC, AlkahestError with NVRTC's log when the source does not compile.
std::string compile_ptx(const std::string& source, const std::string& arch);

/// Number of CUDA devices; 0 when there is no driver or no device (then `why` says which).
int device_count(std::string* why = nullptr);
/// Compute capability of `device` as major * 10 + minor; throws CudaUnavailable.
int compute_capability(int device);
/// The device a pointer's memory lives on; throws InvalidArgument (naming `what`) for host or
/// unknown pointers, CudaUnavailable without a device.
int pointer_device(std::uint64_t ptr, const std::string& what);
/// Bytes from `ptr` to the end of the device allocation holding it.
std::uint64_t pointer_extent(std::uint64_t ptr);

/// A kernel loaded on one device (its primary context). Launches are asynchronous on `stream`
/// (0: the legacy default stream).
class Kernel {
 public:
  Kernel(const std::string& ptx, int device);
  ~Kernel();
  Kernel(const Kernel&) = delete;
  Kernel& operator=(const Kernel&) = delete;
  int device() const { return device_; }
  void launch(const std::vector<std::uint64_t>& inputs, const std::vector<std::int64_t>& strides,
              std::uint64_t output, std::int64_t n, std::uint64_t stream) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  int device_;
};

}  // namespace alkahest::cuda
