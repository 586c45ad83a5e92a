// Bindings of the CUDA path: _core.CudaFn (generated source, NVRTC's PTX, launches on raw device
// pointers or on DLPack CUDA arrays). alkahest/_cuda.py wraps it (allocation, streams).
#include <nanobind/ndarray.h>
#include <nanobind/stl/map.h>
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <map>
#include <mutex>

#include "alkahest/cuda.hpp"
#include "bindings.hpp"

namespace alkahest::py {

namespace {

struct PyCudaFn {
  Program prog;
  ExportType type = ExportType::F64;
  std::string source, ptx, arch;
  std::uint32_t n_inputs = 0, n_outputs = 0;
  bool is_list = false;
  std::mutex mutex;
  std::map<int, std::unique_ptr<cuda::Kernel>> kernels;  // one per device, loaded on first launch

  const cuda::Kernel& kernel(int device) {
    std::lock_guard<std::mutex> lock(mutex);
    auto it = kernels.find(device);
    if (it == kernels.end()) it = kernels.emplace(device, std::make_unique<cuda::Kernel>(ptx, device)).first;
    return *it->second;
  }

  void launch(const std::vector<std::uint64_t>& inputs, const std::vector<std::int64_t>& strides,
              std::uint64_t output, std::int64_t n, std::uint64_t stream) {
    if (n == 0) return;  // nothing to read or write: no pointer is touched
    // Every pointer must be device memory, all on one device, with room for what is read/written.
    const std::uint64_t elem = type == ExportType::F32 ? 4 : 8;
    auto room = [&](std::uint64_t ptr, std::uint64_t count, const std::string& what) {
      if (count * elem > cuda::pointer_extent(ptr))
        throw nb::value_error((what + " holds fewer than the " + std::to_string(count) + " elements n asks for (" +
                               std::to_string(cuda::pointer_extent(ptr) / elem) + " from the pointer on)")
                                  .c_str());
    };
    const int device = cuda::pointer_device(output, "the output");
    room(output, static_cast<std::uint64_t>(n) * n_outputs, "the output");
    for (std::size_t k = 0; k < inputs.size(); ++k) {
      if (cuda::pointer_device(inputs[k], "input " + std::to_string(k)) != device)
        throw nb::value_error(("input " + std::to_string(k) + " is on another CUDA device than the output (device " +
                               std::to_string(device) + ")")
                                  .c_str());
      room(inputs[k], strides[k] ? static_cast<std::uint64_t>(n) : 1, "input " + std::to_string(k));
    }
    const cuda::Kernel& k = kernel(device);
    ReleasedGil release;
    k.launch(inputs, strides, output, n, stream);
  }
};

using DeviceArray = nb::ndarray<>;

const char* dtype_name(ExportType t) { return t == ExportType::F32 ? "float32" : "float64"; }

bool is_c_contiguous(const DeviceArray& a) {
  std::int64_t expect = 1;
  for (std::size_t d = a.ndim(); d-- > 0;) {
    if (a.shape(d) != 1 && a.stride(d) != expect) return false;
    expect *= static_cast<std::int64_t>(a.shape(d));
  }
  return true;
}

}  // namespace

void bind_cuda(nb::module_& m) {
  nb::class_<PyCudaFn>(m, "_CudaFn")
      .def_ro("source", &PyCudaFn::source)
      .def_ro("ptx", &PyCudaFn::ptx)
      .def_ro("arch", &PyCudaFn::arch)
      .def_ro("n_inputs", &PyCudaFn::n_inputs)
      .def_ro("n_outputs", &PyCudaFn::n_outputs)
      .def_ro("is_list", &PyCudaFn::is_list)
      .def_prop_ro("dtype", [](const PyCudaFn& f) { return dtype_name(f.type); })
      .def(
          "call_device_ptrs",
          [](PyCudaFn& f, nb::handle inputs, nb::handle output, std::int64_t n, std::uint64_t stream) {
            if (!nb::isinstance<nb::list>(inputs) && !nb::isinstance<nb::tuple>(inputs))
              throw nb::type_error("call_device_ptrs: inputs must be a list of device pointers (ints)");
            auto pointer = [](nb::handle h, const char* what) -> std::uint64_t {
              const unsigned long long v = PyLong_AsUnsignedLongLong(h.ptr());
              if (v == static_cast<unsigned long long>(-1) && PyErr_Occurred()) {  // < 0 or >= 2**64
                PyErr_Clear();
                throw nb::value_error((std::string("call_device_ptrs: ") + what +
                                       " must be a device pointer between 0 and 2**64 - 1, got " +
                                       nb::cast<std::string>(nb::repr(h)))
                                          .c_str());
              }
              return v;
            };
            std::vector<std::uint64_t> ptrs;
            for (nb::handle h : inputs) {
              if (!PyLong_Check(h.ptr()))
                throw nb::type_error("call_device_ptrs: each input must be a device pointer (an int)");
              ptrs.push_back(pointer(h, "each input"));
            }
            if (ptrs.size() != f.n_inputs)
              throw nb::type_error(("call_device_ptrs: expected " + std::to_string(f.n_inputs) +
                                    " input pointer(s), got " + std::to_string(ptrs.size()))
                                       .c_str());
            if (!PyLong_Check(output.ptr())) throw nb::type_error("call_device_ptrs: output must be a device pointer (an int)");
            if (n < 0) throw nb::value_error("call_device_ptrs: n must be >= 0");
            f.launch(ptrs, std::vector<std::int64_t>(ptrs.size(), 1), pointer(output, "output"), n, stream);
          },
          nb::arg("inputs"), nb::arg("output"), nb::arg("n"), nb::arg("stream") = 0,
          "Launch on raw device pointers: n elements of each input, n * n_outputs of output.")
      .def(
          "_launch_arrays",
          [](PyCudaFn& f, std::vector<DeviceArray> arrays, DeviceArray out, std::uint64_t stream) {
            if (arrays.size() != f.n_inputs)
              throw nb::type_error(("expected " + std::to_string(f.n_inputs) + " array(s), got " +
                                    std::to_string(arrays.size()))
                                       .c_str());
            const nb::dlpack::dtype want = f.type == ExportType::F32 ? nb::dtype<float>() : nb::dtype<double>();
            auto check_device = [&](const DeviceArray& a, const std::string& what) {
              if (a.device_type() != nb::device::cuda::value)
                throw nb::type_error((what + " is not a CUDA array (a host array belongs to numpy_eval)").c_str());
              if (a.dtype() != want)
                throw nb::type_error((what + " must be " + dtype_name(f.type) + " (this function was compiled for " +
                                      dtype_name(f.type) + ")")
                                         .c_str());
            };
            check_device(out, "out");
            if (!is_c_contiguous(out)) throw nb::value_error("out must be C-contiguous");
            // Element count: out is (shape..., n_outputs) when several outputs, else (shape...).
            std::int64_t n = 1;
            for (std::size_t d = 0; d < out.ndim(); ++d) n *= static_cast<std::int64_t>(out.shape(d));
            if (f.is_list) {
              if (out.ndim() == 0 || out.shape(out.ndim() - 1) != f.n_outputs)
                throw nb::value_error(("out must end with an axis of length " + std::to_string(f.n_outputs)).c_str());
              n /= f.n_outputs;
            }
            std::vector<std::uint64_t> ptrs;
            std::vector<std::int64_t> strides;
            for (std::size_t k = 0; k < arrays.size(); ++k) {
              const DeviceArray& a = arrays[k];
              const std::string what = "input " + std::to_string(k);
              check_device(a, what);
              if (a.device_id() != out.device_id())
                throw nb::value_error((what + " is on CUDA device " + std::to_string(a.device_id()) + ", out on " +
                                       std::to_string(out.device_id()))
                                          .c_str());
              if (a.size() == 1) {
                strides.push_back(0);  // one value, broadcast
              } else {
                if (static_cast<std::int64_t>(a.size()) != n || !is_c_contiguous(a))
                  throw nb::value_error((what + " must be C-contiguous with " + std::to_string(n) +
                                         " elements (the device path broadcasts only single values)")
                                            .c_str());
                strides.push_back(1);
              }
              ptrs.push_back(reinterpret_cast<std::uint64_t>(a.data()));
            }
            f.launch(ptrs, strides, reinterpret_cast<std::uint64_t>(out.data()), n, stream);
          },
          nb::arg("arrays"), nb::arg("out"), nb::arg("stream") = 0);

  m.def(
      "_compile_cuda",
      [](nb::handle expr_or_list, nb::handle vars, nb::handle dtype, std::string arch) {
        ExportInput in = export_input(expr_or_list, vars, "compile_cuda");
        auto f = std::make_unique<PyCudaFn>();
        f->type = export_type(dtype, "compile_cuda");
        f->prog = in.lower("compile_cuda");
        f->n_inputs = f->prog.n_inputs;
        f->n_outputs = static_cast<std::uint32_t>(f->prog.outputs.size());
        f->is_list = in.is_list;
        f->source = cuda::kernel_source(f->prog, f->type);
        if (arch.empty()) {
          std::string why;
          arch = cuda::device_count(&why) > 0 ? "compute_" + std::to_string(cuda::compute_capability(0)) : "compute_80";
        }
        if (arch.rfind("compute_", 0) != 0 && arch.rfind("sm_", 0) != 0)
          throw nb::value_error(("compile_cuda: arch must look like 'compute_80' or 'sm_90', got '" + arch + "'").c_str());
        f->arch = arch;
        {
          ReleasedGil release;
          f->ptx = cuda::compile_ptx(f->source, arch);
        }
        return f.release();
      },
      nb::arg("expr_or_list"), nb::arg("vars"), nb::arg("dtype") = "f64", nb::arg("arch") = "",
      nb::rv_policy::take_ownership);
  m.def(
      "_cuda_source",
      [](nb::handle expr_or_list, nb::handle vars, nb::handle dtype) {
        ExportInput in = export_input(expr_or_list, vars, "compile_cuda");
        return cuda::kernel_source(in.lower("compile_cuda"), export_type(dtype, "compile_cuda"));
      },
      nb::arg("expr_or_list"), nb::arg("vars"), nb::arg("dtype") = "f64",
      "The CUDA C source compile_cuda would compile (no NVRTC needed).");
  m.def("_cuda_add_nvrtc_directory", &cuda::add_nvrtc_directory);
  m.def("_cuda_nvrtc_status", []() {
    std::string why;
    const bool ok = cuda::nvrtc_available(&why);
    return std::make_pair(ok, ok ? "NVRTC " + std::to_string(cuda::nvrtc_version() / 1000) + "." +
                                       std::to_string(cuda::nvrtc_version() % 1000 / 10)
                                 : why);
  });
  m.def("_cuda_device_status", []() {
    std::string why;
    const int n = cuda::device_count(&why);
    return std::make_pair(n, why);
  });
}

}  // namespace alkahest::py
