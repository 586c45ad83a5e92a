// The CUDA path (see include/alkahest/cuda.hpp). NVRTC and the driver API are reached through
// dlopen/dlsym with the few prototypes written out here (their C ABI is stable), so neither the
// CUDA headers nor the libraries are needed to build.
#include "alkahest/cuda.hpp"

#include <dlfcn.h>
#include <pthread.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <string>
#include <mutex>

namespace alkahest::cuda {

namespace {

// ---------------------------------------------------------------------------------------------
// NVRTC
// ---------------------------------------------------------------------------------------------

using nvrtcProgram = struct _nvrtcProgram*;
using nvrtcResult = int;

struct Nvrtc {
  void* handle = nullptr;
  std::string error;
  nvrtcResult (*version)(int*, int*) = nullptr;
  const char* (*error_string)(nvrtcResult) = nullptr;
  nvrtcResult (*create)(nvrtcProgram*, const char*, const char*, int, const char* const*, const char* const*) = nullptr;
  nvrtcResult (*destroy)(nvrtcProgram*) = nullptr;
  nvrtcResult (*compile)(nvrtcProgram, int, const char* const*) = nullptr;
  nvrtcResult (*ptx_size)(nvrtcProgram, std::size_t*) = nullptr;
  nvrtcResult (*ptx)(nvrtcProgram, char*) = nullptr;
  nvrtcResult (*log_size)(nvrtcProgram, std::size_t*) = nullptr;
  nvrtcResult (*log)(nvrtcProgram, char*) = nullptr;
};

std::mutex g_nvrtc_mutex;
std::vector<std::string> g_nvrtc_dirs;
Nvrtc* g_nvrtc = nullptr;  // loaded once, never unloaded

// fork() waits for a compilation in progress, so that the child does not inherit the mutex held
// (its next compile_cuda would wait forever). The CUDA driver itself cannot be used in a child
// forked after it was initialised (NVIDIA's rule); NVRTC can.
[[maybe_unused]] const bool g_fork_handlers_installed = [] {
  pthread_atfork([] { g_nvrtc_mutex.lock(); }, [] { g_nvrtc_mutex.unlock(); }, [] { g_nvrtc_mutex.unlock(); });
  return true;
}();

template <class F>
bool bind(void* handle, F& fn, const char* name) {
  fn = reinterpret_cast<F>(dlsym(handle, name));
  return fn != nullptr;
}

// NVRTC, loaded on first use (under g_nvrtc_mutex). A failed load is retried on the next call,
// so a directory added later still counts.
Nvrtc& nvrtc_locked() {
  if (g_nvrtc && g_nvrtc->handle) return *g_nvrtc;
  static Nvrtc lib;
  g_nvrtc = &lib;
  lib.error.clear();
#ifdef ALKAHEST_NO_CUDA
  lib.error = "alkahest was built without the CUDA path (ALKAHEST_CUDA=OFF)";
  return lib;
#endif
  static const char* names[] = {"libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so"};
  std::vector<std::string> candidates;
  if (const char* env = std::getenv("ALKAHEST_NVRTC")) candidates.push_back(env);
  for (const std::string& dir : g_nvrtc_dirs)
    for (const char* n : names) candidates.push_back(dir + "/" + n);
  for (const char* n : names) candidates.push_back(n);
  for (const std::string& c : candidates) {
    if ((lib.handle = dlopen(c.c_str(), RTLD_NOW | RTLD_LOCAL))) {
      // NVRTC dlopens libnvrtc-builtins.so.<version> by name when it compiles; from a directory
      // outside the loader's path (a wheel's lib/), load it first so that the name resolves.
      const std::size_t slash = c.rfind('/');
      if (slash != std::string::npos) {
        std::error_code ec;
        for (const auto& entry : std::filesystem::directory_iterator(c.substr(0, slash), ec)) {
          const std::string name = entry.path().filename().string();
          if (name.rfind("libnvrtc-builtins.so.", 0) == 0) dlopen(entry.path().c_str(), RTLD_NOW | RTLD_GLOBAL);
        }
      }
      break;
    }
  }
  if (!lib.handle) {
    lib.error = "NVRTC (libnvrtc.so) not found: pip install nvidia-cuda-nvrtc, or set ALKAHEST_NVRTC to the library";
    return lib;
  }
  const bool ok = bind(lib.handle, lib.version, "nvrtcVersion") && bind(lib.handle, lib.error_string, "nvrtcGetErrorString") &&
                  bind(lib.handle, lib.create, "nvrtcCreateProgram") && bind(lib.handle, lib.destroy, "nvrtcDestroyProgram") &&
                  bind(lib.handle, lib.compile, "nvrtcCompileProgram") && bind(lib.handle, lib.ptx_size, "nvrtcGetPTXSize") &&
                  bind(lib.handle, lib.ptx, "nvrtcGetPTX") && bind(lib.handle, lib.log_size, "nvrtcGetProgramLogSize") &&
                  bind(lib.handle, lib.log, "nvrtcGetProgramLog");
  if (!ok) {
    dlclose(lib.handle);
    lib.handle = nullptr;
    lib.error = "the NVRTC library found lacks the functions alkahest uses";
  }
  return lib;
}

Nvrtc& nvrtc() {
  Nvrtc& lib = nvrtc_locked();
  if (!lib.handle) throw CudaUnavailable(lib.error);
  return lib;
}


// ---------------------------------------------------------------------------------------------
// The driver API
// ---------------------------------------------------------------------------------------------

using CUresult = int;
using CUdevice = int;
using CUcontext = struct CUctx_st*;
using CUmodule = struct CUmod_st*;
using CUfunction = struct CUfunc_st*;
using CUstream = struct CUstream_st*;
using CUdeviceptr = unsigned long long;

constexpr int kAttrCapabilityMajor = 75, kAttrCapabilityMinor = 76;  // CU_DEVICE_ATTRIBUTE_...
constexpr int kPointerMemoryType = 2, kPointerDeviceOrdinal = 9;     // CU_POINTER_ATTRIBUTE_...
constexpr unsigned kMemoryHost = 1;                                  // CU_MEMORYTYPE_HOST
constexpr CUresult kErrorNoDevice = 100;                             // CUDA_ERROR_NO_DEVICE

struct Driver {
  void* handle = nullptr;
  std::string error;
  CUresult (*init)(unsigned) = nullptr;
  CUresult (*error_string)(CUresult, const char**) = nullptr;
  CUresult (*device_count)(int*) = nullptr;
  CUresult (*device_get)(CUdevice*, int) = nullptr;
  CUresult (*device_attribute)(int*, int, CUdevice) = nullptr;
  CUresult (*primary_retain)(CUcontext*, CUdevice) = nullptr;
  CUresult (*primary_release)(CUdevice) = nullptr;
  CUresult (*push)(CUcontext) = nullptr;
  CUresult (*pop)(CUcontext*) = nullptr;
  CUresult (*module_load)(CUmodule*, const void*) = nullptr;
  CUresult (*module_unload)(CUmodule) = nullptr;
  CUresult (*module_function)(CUfunction*, CUmodule, const char*) = nullptr;
  CUresult (*launch)(CUfunction, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, unsigned, CUstream,
                     void**, void**) = nullptr;
  CUresult (*pointer_attribute)(void*, int, CUdeviceptr) = nullptr;
  CUresult (*address_range)(CUdeviceptr*, std::size_t*, CUdeviceptr) = nullptr;
};

std::once_flag g_driver_once;
Driver g_driver;

std::string driver_error(CUresult r) {
  const char* s = nullptr;
  if (g_driver.error_string && g_driver.error_string(r, &s) == 0 && s) return s;
  return "CUDA error " + std::to_string(r);
}

void load_driver() {
  Driver& d = g_driver;
#ifdef ALKAHEST_NO_CUDA
  d.error = "alkahest was built without the CUDA path (ALKAHEST_CUDA=OFF)";
  return;
#endif
  if (!(d.handle = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL))) {
    d.error = "no CUDA device: the NVIDIA driver (libcuda.so.1) is not installed";
    return;
  }
  const bool ok = bind(d.handle, d.init, "cuInit") && bind(d.handle, d.error_string, "cuGetErrorString") &&
                  bind(d.handle, d.device_count, "cuDeviceGetCount") && bind(d.handle, d.device_get, "cuDeviceGet") &&
                  bind(d.handle, d.device_attribute, "cuDeviceGetAttribute") &&
                  bind(d.handle, d.primary_retain, "cuDevicePrimaryCtxRetain") &&
                  bind(d.handle, d.primary_release, "cuDevicePrimaryCtxRelease_v2") &&
                  bind(d.handle, d.push, "cuCtxPushCurrent_v2") && bind(d.handle, d.pop, "cuCtxPopCurrent_v2") &&
                  bind(d.handle, d.module_load, "cuModuleLoadData") && bind(d.handle, d.module_unload, "cuModuleUnload") &&
                  bind(d.handle, d.module_function, "cuModuleGetFunction") && bind(d.handle, d.launch, "cuLaunchKernel") &&
                  bind(d.handle, d.pointer_attribute, "cuPointerGetAttribute") &&
                  bind(d.handle, d.address_range, "cuMemGetAddressRange_v2");
  if (!ok) {
    d.error = "no CUDA device: the NVIDIA driver found lacks functions alkahest uses (too old?)";
    d.handle = nullptr;
    return;
  }
  const CUresult r = d.init(0);
  if (r != 0) {
    d.error = r == kErrorNoDevice ? "no CUDA device: the NVIDIA driver reports none"
                                  : "no CUDA device: cuInit failed: " + driver_error(r);
    d.handle = nullptr;
  }
}

Driver& driver() {
  std::call_once(g_driver_once, load_driver);
  if (!g_driver.handle) throw CudaUnavailable(g_driver.error);
  return g_driver;
}

void check(CUresult r, const char* what) {
  if (r != 0) throw AlkahestError(std::string("CUDA: ") + what + " failed: " + driver_error(r));
}

// Makes a device's primary context current for a scope.
struct ContextScope {
  explicit ContextScope(CUcontext ctx) { check(driver().push(ctx), "cuCtxPushCurrent"); }
  ~ContextScope() {
    CUcontext popped;
    driver().pop(&popped);
  }
};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Source
// ---------------------------------------------------------------------------------------------

std::string kernel_source(const Program& prog, ExportType type) {
  const bool f32 = type == ExportType::F32;
  const std::string T = f32 ? "float" : "double";
  EmitCOptions o;
  o.fn_name = "ak_point";
  for (std::uint32_t k = 0; k < prog.n_inputs; ++k) o.input_names.push_back("x" + std::to_string(k));
  o.type = type;
  o.qualifiers = "static __device__ ";
  o.cuda = true;
  std::string s =
      "// Generated by alkahest: one thread per element, grid-stride loop.\n"
      "#define INFINITY __int_as_float(0x7f800000)\n"
      "#define NAN __int_as_float(0x7fffffff)\n\n" +
      emit_c(prog, o) + "\nextern \"C\" __global__ void " + kKernelName + "(";
  std::string args;
  for (std::uint32_t k = 0; k < prog.n_inputs; ++k) {
    s += "const " + T + " *in" + std::to_string(k) + ", long long s" + std::to_string(k) + ", ";
    args += (k ? ", " : "") + std::string("in") + std::to_string(k) + "[i * s" + std::to_string(k) + "]";
  }
  s += T + " *out, long long n) {\n"
       "  for (long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x; i < n;\n"
       "       i += (long long)blockDim.x * gridDim.x)\n    ";
  if (prog.outputs.size() == 1) {
    s += "out[i] = ak_point(" + args + ");\n";
  } else {
    s += "ak_point(" + args + (args.empty() ? "" : ", ") + "out + i * " + std::to_string(prog.outputs.size()) + ");\n";
  }
  return s + "}\n";
}

// ---------------------------------------------------------------------------------------------
// NVRTC
// ---------------------------------------------------------------------------------------------

void add_nvrtc_directory(const std::string& dir) {
  std::lock_guard<std::mutex> lock(g_nvrtc_mutex);
  if (std::find(g_nvrtc_dirs.begin(), g_nvrtc_dirs.end(), dir) == g_nvrtc_dirs.end()) g_nvrtc_dirs.push_back(dir);
}

bool nvrtc_available(std::string* why) {
  std::lock_guard<std::mutex> lock(g_nvrtc_mutex);
  Nvrtc& lib = nvrtc_locked();
  if (!lib.handle && why) *why = lib.error;
  return lib.handle != nullptr;
}

int nvrtc_version() {
  std::lock_guard<std::mutex> lock(g_nvrtc_mutex);
  int major = 0, minor = 0;
  nvrtc().version(&major, &minor);
  return major * 1000 + minor * 10;
}

std::string compile_ptx(const std::string& source, const std::string& arch) {
  std::lock_guard<std::mutex> lock(g_nvrtc_mutex);
  Nvrtc& lib = nvrtc();
  nvrtcProgram p = nullptr;
  if (nvrtcResult r = lib.create(&p, source.c_str(), "alkahest.cu", 0, nullptr, nullptr))
    throw AlkahestError(std::string("NVRTC: cannot create a program: ") + lib.error_string(r));
  struct Destroy {
    Nvrtc& lib;
    nvrtcProgram& p;
    ~Destroy() { lib.destroy(&p); }
  } destroy{lib, p};
  // No fast math: IEEE division and square root, no flushing of subnormals, no FMA contraction,
  // so that results follow the same operations as numpy_eval's.
  const std::string arch_flag = "--gpu-architecture=" + arch;
  const char* opts[] = {arch_flag.c_str(), "--fmad=false", "--prec-div=true", "--prec-sqrt=true", "--ftz=false",
                        "--std=c++17"};
  const nvrtcResult r = lib.compile(p, static_cast<int>(std::size(opts)), opts);
  std::size_t n = 0;
  lib.log_size(p, &n);
  std::string log(n, '\0');
  if (n) lib.log(p, log.data());
  while (!log.empty() && (log.back() == '\0' || log.back() == '\n')) log.pop_back();
  if (r != 0) throw AlkahestError("NVRTC could not compile the generated CUDA (" + std::string(lib.error_string(r)) +
                                  ", " + arch + "):\n" + log);
  lib.ptx_size(p, &n);
  std::string ptx(n, '\0');
  lib.ptx(p, ptx.data());
  while (!ptx.empty() && ptx.back() == '\0') ptx.pop_back();
  return ptx;
}

// ---------------------------------------------------------------------------------------------
// Devices and kernels
// ---------------------------------------------------------------------------------------------

int device_count(std::string* why) {
  try {
    int n = 0;
    check(driver().device_count(&n), "cuDeviceGetCount");
    if (n == 0 && why) *why = "no CUDA device: the NVIDIA driver reports none";
    return n;
  } catch (const AlkahestError& e) {
    if (why) *why = e.what();
    return 0;
  }
}

int compute_capability(int device) {
  Driver& d = driver();
  CUdevice dev;
  check(d.device_get(&dev, device), "cuDeviceGet");
  int major = 0, minor = 0;
  check(d.device_attribute(&major, kAttrCapabilityMajor, dev), "cuDeviceGetAttribute");
  check(d.device_attribute(&minor, kAttrCapabilityMinor, dev), "cuDeviceGetAttribute");
  return major * 10 + minor;
}

int pointer_device(std::uint64_t ptr, const std::string& what) {
  Driver& d = driver();
  unsigned memory_type = 0;
  if (d.pointer_attribute(&memory_type, kPointerMemoryType, ptr) != 0 || memory_type == kMemoryHost)
    throw InvalidArgument(what + " is not CUDA device memory (a host pointer, or memory CUDA does not know)");
  int ordinal = 0;
  check(d.pointer_attribute(&ordinal, kPointerDeviceOrdinal, ptr), "cuPointerGetAttribute");
  return ordinal;
}

std::uint64_t pointer_extent(std::uint64_t ptr) {
  Driver& d = driver();
  CUdeviceptr base = 0;
  std::size_t size = 0;
  check(d.address_range(&base, &size, ptr), "cuMemGetAddressRange");
  return base + size - ptr;
}

struct Kernel::Impl {
  CUdevice dev = 0;
  CUcontext ctx = nullptr;
  CUmodule module = nullptr;
  CUfunction fn = nullptr;
};

Kernel::Kernel(const std::string& ptx, int device) : impl_(std::make_unique<Impl>()), device_(device) {
  Driver& d = driver();
  check(d.device_get(&impl_->dev, device), "cuDeviceGet");
  check(d.primary_retain(&impl_->ctx, impl_->dev), "cuDevicePrimaryCtxRetain");
  try {
    ContextScope scope(impl_->ctx);
    check(d.module_load(&impl_->module, ptx.c_str()), "cuModuleLoadData");
    check(d.module_function(&impl_->fn, impl_->module, kKernelName), "cuModuleGetFunction");
  } catch (...) {
    d.primary_release(impl_->dev);
    throw;
  }
}

Kernel::~Kernel() {
  if (!g_driver.handle) return;
  Driver& d = g_driver;
  if (impl_->module && d.push(impl_->ctx) == 0) {
    d.module_unload(impl_->module);
    CUcontext popped;
    d.pop(&popped);
  }
  d.primary_release(impl_->dev);
}

void Kernel::launch(const std::vector<std::uint64_t>& inputs, const std::vector<std::int64_t>& strides,
                    std::uint64_t output, std::int64_t n, std::uint64_t stream) const {
  if (n <= 0) return;
  Driver& d = driver();
  std::vector<CUdeviceptr> ptrs(inputs.begin(), inputs.end());
  std::vector<long long> s(strides.begin(), strides.end());
  CUdeviceptr out = output;
  long long count = n;
  std::vector<void*> params;
  for (std::size_t k = 0; k < ptrs.size(); ++k) {
    params.push_back(&ptrs[k]);
    params.push_back(&s[k]);
  }
  params.push_back(&out);
  params.push_back(&count);
  constexpr unsigned kThreads = 256;
  const unsigned blocks = static_cast<unsigned>(std::min<std::int64_t>((n + kThreads - 1) / kThreads, 1 << 20));
  ContextScope scope(impl_->ctx);
  check(d.launch(impl_->fn, blocks, 1, 1, kThreads, 1, 1, 0, reinterpret_cast<CUstream>(stream), params.data(), nullptr),
        "cuLaunchKernel");
}

}  // namespace alkahest::cuda
