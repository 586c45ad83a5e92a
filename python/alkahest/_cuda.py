"""compile_cuda: the GPU path.

CUDA C is generated from the Program (one thread per element, grid-stride loop), compiled at run
time with NVRTC, and launched with the CUDA driver API; both are loaded with dlopen at first use
(NVRTC from the ``nvidia-cuda-nvrtc`` wheel when it is installed, else from the loader's path), so
alkahest imports and compiles to PTX on machines without a GPU. Launching needs a device; without
one the call raises ``AlkahestError("no CUDA device: ...")``.
"""

from __future__ import annotations

import importlib.util
import os

from . import _core
from .evaluate import _expr_list

_KDL_CPU, _KDL_CUDA, _KDL_CUDA_HOST, _KDL_CUDA_MANAGED = 1, 2, 3, 13


def _register_nvrtc_wheel():
    """Adds the lib/ directories of NVIDIA's PyPI NVRTC wheels (nvidia-cuda-nvrtc) to the search."""
    spec = importlib.util.find_spec("nvidia")
    for root in (spec.submodule_search_locations or []) if spec else []:
        for sub in ("cu13", "cu12", "cuda_nvrtc"):
            lib = os.path.join(root, sub, "lib")
            if os.path.isdir(lib):
                _core._cuda_add_nvrtc_directory(lib)


_register_nvrtc_wheel()


def nvrtc_status() -> tuple[bool, str]:
    """(True, "NVRTC 13.0") when NVRTC loads, else (False, why)."""
    return _core._cuda_nvrtc_status()


def device_count() -> int:
    """Number of CUDA devices (0 without a driver or a device)."""
    return _core._cuda_device_status()[0]


def _dlpack_device(a):
    dev = getattr(a, "__dlpack_device__", None)
    if dev is None:
        raise TypeError(f"compile_cuda: expected a CUDA array (PyTorch, CuPy, JAX, any DLPack producer), "
                        f"got {type(a).__name__}")
    return tuple(int(v) for v in dev())


def _current_stream(a) -> int:
    """The stream the array's library is working on now (0: the default stream)."""
    mod = type(a).__module__.split(".")[0]
    if mod == "torch":
        import torch

        return int(torch.cuda.current_stream(a.device).cuda_stream)
    if mod == "cupy":
        import cupy

        return int(cupy.cuda.get_current_stream().ptr)
    return 0


def _empty_like(a, shape, dtype_name):
    """A new device array of `a`'s library on `a`'s device."""
    mod = type(a).__module__.split(".")[0]
    if mod == "torch":
        import torch

        return torch.empty(shape, dtype=getattr(torch, dtype_name), device=a.device)
    if mod == "cupy":
        import cupy

        with cupy.cuda.Device(_dlpack_device(a)[1]):
            return cupy.empty(shape, dtype=dtype_name)
    raise TypeError(f"compile_cuda: cannot allocate a result like a {type(a).__module__}.{type(a).__name__}; "
                    "pass out= (a writable CUDA array)")


class CudaFn:
    """A function compiled for CUDA GPUs (see :func:`compile_cuda`)."""

    def __init__(self, impl, vars, exprs):
        self._impl = impl
        self.vars = list(vars)
        self.exprs = list(exprs)

    source = property(lambda self: self._impl.source, doc="The generated CUDA C.")
    ptx = property(lambda self: self._impl.ptx, doc="NVRTC's PTX for :attr:`arch`.")
    arch = property(lambda self: self._impl.arch, doc="The virtual architecture compiled for.")
    dtype = property(lambda self: self._impl.dtype, doc="'float64' or 'float32'.")
    n_inputs = property(lambda self: self._impl.n_inputs)
    n_outputs = property(lambda self: self._impl.n_outputs)

    def __repr__(self):
        return f"<CudaFn of {self.n_inputs} inputs, {self.n_outputs} outputs, {self.dtype}, {self.arch}>"

    def call_device_ptrs(self, inputs, output, n, stream=None):
        """Runs on raw device pointers (ints): `n` elements of each input, ``n * n_outputs`` of
        `output` (row-major), asynchronously on `stream` (a CUstream/cudaStream_t as an int; None
        or 0: the default stream)."""
        n, stream = int(n), int(stream or 0)
        if not 0 <= n < 2**63:
            raise ValueError(f"call_device_ptrs: n must be >= 0 and below 2**63, got {n}")
        if not 0 <= stream < 2**64:
            raise ValueError(f"call_device_ptrs: stream must be a CUstream handle (0 <= stream < 2**64), got {stream}")
        self._impl.call_device_ptrs(inputs, output, n, stream)

    def __call__(self, *arrays, out=None, stream=None):
        """Evaluates on CUDA arrays (DLPack: PyTorch, CuPy, JAX GPU arrays): every input of one
        shape (or a single value), C-contiguous, on one device, of this function's dtype. Returns
        `out`, or a new array of the first input's library (PyTorch, CuPy) of that shape (with a
        trailing axis of n_outputs when compiled from a list). Runs on `stream`, else on the
        stream the arrays' library is using."""
        if len(arrays) != self.n_inputs:
            raise TypeError(f"CudaFn: expected {self.n_inputs} array(s), got {len(arrays)}")
        from .evaluate import _has_lazy_bit, _resolve_lazy_bits

        # The kernel reads raw memory: a PyTorch negative/conjugate bit (lazy view) is resolved
        # first, and an out= carrying one would read back negated, so it is refused.
        arrays = tuple(_resolve_lazy_bits(a) for a in arrays)
        if out is not None and _has_lazy_bit(out):
            raise ValueError("CudaFn: out has PyTorch's negative or conjugate bit set (a lazy view); "
                             "pass a plain tensor")
        for k, a in enumerate(arrays):
            kind = _dlpack_device(a)[0]
            if kind not in (_KDL_CUDA, _KDL_CUDA_MANAGED):
                raise TypeError(f"CudaFn: input {k} is a host array (DLPack device {kind}); the CPU path is "
                                "numpy_eval, the device path takes CUDA arrays")
        if out is None:
            if not arrays:
                raise TypeError("CudaFn: a function of no variables needs out=")
            big = max(arrays, key=lambda a: int(_size(a)))
            shape = tuple(big.shape) + ((self.n_outputs,) if self._impl.is_list else ())
            out = _empty_like(big, shape, self.dtype)
        elif _dlpack_device(out)[0] not in (_KDL_CUDA, _KDL_CUDA_MANAGED):
            raise TypeError("CudaFn: out is a host array; it must be a CUDA array")
        if stream is None:
            stream = _current_stream(out)
        self._impl._launch_arrays(list(arrays), out, int(stream))
        return out


def _size(a):
    n = 1
    for d in a.shape:
        n *= int(d)
    return n


def compile_cuda(expr_or_list, vars, dtype="f64", arch=None) -> CudaFn:
    """Compiles for CUDA GPUs: CUDA C from the Program, PTX from NVRTC for `arch` (default: the
    first device's compute capability, or compute_80 without a device).

    Needs NVRTC (``pip install nvidia-cuda-nvrtc``), not a GPU; running needs a GPU."""
    exprs, is_list, vars = _expr_list(expr_or_list, vars)
    impl = _core._compile_cuda(exprs if is_list else exprs[0], vars, dtype, arch or "")
    return CudaFn(impl, vars, exprs)
