"""compile_cuda: generated CUDA C, NVRTC's PTX, ptxas, and the errors of the device path.

Without a GPU (the usual machine): every op of the table compiles to PTX with NVRTC, in float64
and float32, and ptxas (the CUDA toolkit's assembler) accepts that PTX for recent architectures;
what needs a device raises "no CUDA device"; host arrays are refused with a clear error.
With a GPU (tests marked `gpu`, skipped with the reason where there is no device): values against
numpy_eval for every op with PyTorch CUDA tensors and raw device pointers.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile

import numpy as np
import pytest

import alkahest as ak
from alkahest import ExprPool, compile_cuda, compile_expr, numpy_eval
from alkahest import _cuda
from emitted import close, op_cases

PTXAS = shutil.which("ptxas") or ("/usr/local/cuda/bin/ptxas" if os.path.exists("/usr/local/cuda/bin/ptxas") else None)
N_DEVICES = _cuda.device_count()
gpu = pytest.mark.skipif(N_DEVICES == 0, reason=ak._core._cuda_device_status()[1] or "no CUDA device")


def ptxas(ptx: str, arch: str):
    assert PTXAS is not None, "ptxas (CUDA toolkit) not found on PATH or in /usr/local/cuda/bin"
    with tempfile.TemporaryDirectory() as d:
        src = os.path.join(d, "k.ptx")
        with open(src, "w") as fh:
            fh.write(ptx)
        res = subprocess.run([PTXAS, f"--gpu-name={arch}", src, "-o", os.path.join(d, "k.cubin")],
                             capture_output=True, text=True)
        assert res.returncode == 0, res.stderr
        return os.path.getsize(os.path.join(d, "k.cubin"))


@pytest.fixture
def pool():
    return ExprPool()


def test_nvrtc_is_there():
    ok, what = _cuda.nvrtc_status()
    assert ok, what
    assert what.startswith("NVRTC ")


@pytest.mark.parametrize("dtype", ["f64", "f32"])
def test_every_op_compiles_to_ptx_that_ptxas_accepts(pool, dtype):
    x, y = pool.symbols("x y")
    cases = op_cases(pool)
    f = compile_cuda([e for _, e in cases], [x, y], dtype=dtype)
    assert f.n_inputs == 2 and f.n_outputs == len(cases)
    assert f.dtype == ("float64" if dtype == "f64" else "float32")
    assert 'extern "C" __global__ void alkahest_kernel(' in f.source
    t = "double" if dtype == "f64" else "float"
    assert f"const {t} *in0, long long s0, const {t} *in1, long long s1, {t} *out, long long n" in f.source
    assert f".target sm_80" in f.ptx and ".entry alkahest_kernel(" in f.ptx
    for arch in ("sm_80", "sm_90"):
        assert ptxas(f.ptx, arch) > 0


def test_each_op_alone_and_architectures(pool):
    x, y = pool.symbols("x y")
    for name, e in op_cases(pool):
        f = compile_cuda(e, [x, y], dtype="f32", arch="compute_90")
        assert ".target sm_90" in f.ptx, name
        ptxas(f.ptx, "sm_90")
    f = compile_cuda(x * y, [x, y], arch="sm_89")  # a real architecture is accepted too
    assert f.arch == "sm_89"


def test_source_and_ptx_follow_the_program(pool):
    x = pool.symbol("x")
    f = compile_cuda(ak.sin(x) ** 2 + x, [x])
    assert "static __device__ double ak_point(double x0)" in f.source
    assert "const double t0 = sin(x0);" in f.source
    assert "out[i] = ak_point(in0[i * s0]);" in f.source
    assert repr(f).startswith("<CudaFn of 1 inputs, 1 outputs, float64")
    # No fast math: no approximate division or FMA contraction in the PTX of plain arithmetic.
    g = compile_cuda(x * x + x / (x + 1), [x])
    assert "div.rn.f64" in g.ptx and "fma" not in g.ptx


# The rows whose cuda column is "%f0,f1,fn" (ops.def): functions of a whole order, CUDA's int order.
WHOLE_ORDER = {r[0]: r[4][1:].split(",") for r in ak._core._op_table() if r[4].startswith("%")}


def test_whole_order_functions_source_and_ptx(pool):
    """besselj, bessely and besseli of a constant whole order: CUDA's j0/j1/jn, y0/y1/yn and
    cyl_bessel_i0/i1 (with f in float32), which NVRTC compiles and ptxas accepts; any other order
    (not a constant, not whole, negative, past int, besseli past 1) is the clear refusal naming the
    function. Their values on a device are CUDA's own functions', not measured here."""
    assert WHOLE_ORDER == {"besselj": ["j0", "j1", "jn"], "bessely": ["y0", "y1", "yn"],
                           "besseli": ["cyl_bessel_i0", "cyl_bessel_i1"]}
    x, y = pool.symbols("x y")
    for name, fns in WHOLE_ORDER.items():
        f = getattr(ak, name)
        orders = [0, 1, 5, pool.float(2.0)] if len(fns) == 3 else [0, pool.integer(1)]
        for dtype in ("f64", "f32"):
            sfx = "f" if dtype == "f32" else ""
            g = compile_cuda([f(n, x) for n in orders] + [f(1, x * y + 2)], [x, y], dtype=dtype)
            assert f"{fns[0]}{sfx}(x0)" in g.source and f"{fns[1]}{sfx}(x0)" in g.source, g.source
            if len(fns) == 3:
                assert f"{fns[2]}{sfx}(5, x0)" in g.source and f"{fns[2]}{sfx}(2, x0)" in g.source, g.source
            assert ptxas(g.ptx, "sm_80") > 0
        refused = [f(x, y), f(pool.rational(1, 2), x), f(-1, x), f(2.5, x), f(2**31, x)]
        if len(fns) == 2:
            refused.append(f(2, x))
        for e in refused:
            with pytest.raises(ValueError, match=rf"compile_cuda: CUDA's math library has '{name}' only of a "
                                                 rf"constant whole order .*; use compile_expr for it"):
                compile_cuda(e, [x, y])
    with pytest.raises(ValueError, match="compile_cuda: CUDA's math library has no 'besselk'"):
        compile_cuda(ak.besselk(0, x), [x])


def test_device_calls_without_a_device_say_so(pool):
    if N_DEVICES:
        pytest.skip("this machine has a CUDA device")
    x, y = pool.symbols("x y")
    f = compile_cuda(x + y, [x, y])
    with pytest.raises(ak.AlkahestError, match="no CUDA device"):
        f.call_device_ptrs([1, 2], 3, 10)


def test_bad_input(pool):
    x, y = pool.symbols("x y")
    f = compile_cuda(x + y, [x, y])
    with pytest.raises(TypeError, match="expected 2 input pointer"):
        f.call_device_ptrs([1], 3, 10)
    with pytest.raises(TypeError, match="device pointer"):
        f.call_device_ptrs([1, "a"], 3, 10)
    with pytest.raises(ValueError, match="n must be >= 0"):
        f.call_device_ptrs([1, 2], 3, -1)
    a = np.ones(4)
    with pytest.raises(TypeError, match="host array"):
        f(a, a)
    import torch

    with pytest.raises(TypeError, match="host array"):
        f(torch.ones(4, dtype=torch.float64), torch.ones(4, dtype=torch.float64))
    with pytest.raises(TypeError, match="expected 2 array"):
        f(a)
    with pytest.raises(TypeError, match="CUDA array"):
        f(1.0, 2.0)
    with pytest.raises(ValueError, match="arch must look like"):
        compile_cuda(x, [x], arch="ampere")
    with pytest.raises(ValueError, match="dtype must be"):
        compile_cuda(x, [x], dtype="f16")
    with pytest.raises(ValueError, match="compile_cuda: .*'y'"):
        compile_cuda(x + y, [x])
    with pytest.raises(ak.AlkahestError, match="NVRTC could not compile"):
        ak._core._compile_cuda(x, [x], "f64", "compute_1")  # an architecture NVRTC does not know


def test_numpy_eval_points_gpu_arrays_to_compile_cuda(pool):
    x = pool.symbol("x")

    class FakeCudaArray:
        def __dlpack_device__(self):
            return (2, 0)

        def __dlpack__(self, **kw):
            raise AssertionError("not reached")

    with pytest.raises((TypeError, ValueError), match="compile_cuda"):
        numpy_eval(compile_expr(x, [x]), FakeCudaArray())


# ---------------------------------------------------------------------------------------------
# On a GPU
# ---------------------------------------------------------------------------------------------

@gpu
@pytest.mark.parametrize("dtype", ["f64", "f32"])
def test_values_on_the_gpu_match_numpy_eval(pool, dtype):
    import torch

    if not torch.cuda.is_available():
        pytest.skip("this PyTorch build has no CUDA")
    x, y = pool.symbols("x y")
    npt = np.float64 if dtype == "f64" else np.float32
    rng = np.random.default_rng(1)
    xs, ys = rng.uniform(-2.5, 2.5, 100_001).astype(npt), rng.uniform(-2.5, 2.5, 100_001).astype(npt)
    tx, ty = torch.from_numpy(xs).cuda(), torch.from_numpy(ys).cuda()
    for name, e in op_cases(pool):
        f = compile_cuda(e, [x, y], dtype=dtype)
        got = f(tx, ty).cpu().numpy()
        want = numpy_eval(compile_expr(e, [x, y], accuracy="high"), xs, ys)
        assert close(got, want, 1e-12 if dtype == "f64" else 1e-5), name
    g = compile_cuda([x * y, ak.sin(x)], [x, y], dtype=dtype)
    out = torch.empty((len(xs), 2), dtype=tx.dtype, device="cuda")
    g.call_device_ptrs([tx.data_ptr(), ty.data_ptr()], out.data_ptr(), len(xs),
                       stream=torch.cuda.current_stream().cuda_stream)
    torch.cuda.synchronize()
    assert close(out.cpu().numpy(), numpy_eval(compile_expr([x * y, ak.sin(x)], [x, y]), xs, ys), 1e-5)
    with pytest.raises(ValueError, match="not CUDA device memory"):
        g.call_device_ptrs([xs.ctypes.data, ty.data_ptr()], out.data_ptr(), len(xs))
    with pytest.raises(ValueError, match="fewer than"):
        g.call_device_ptrs([tx.data_ptr(), ty.data_ptr()], out.data_ptr(), len(xs) + 1)


@gpu
def test_to_torch_on_cuda_tensors(pool):
    import torch

    if not torch.cuda.is_available():
        pytest.skip("this PyTorch build has no CUDA")
    x, y = pool.symbols("x y")
    f = ak.to_torch(ak.sin(x) * y + ak.exp(-x * y), [x, y])
    a = torch.rand(1000, dtype=torch.float64, device="cuda", requires_grad=True)
    b = torch.rand(1000, dtype=torch.float64, device="cuda")
    out = f(a, b)
    ref = torch.sin(a) * b + torch.exp(-a * b)
    assert torch.allclose(out, ref, rtol=1e-12)
    out.sum().backward()
    assert torch.allclose(a.grad, torch.cos(a) * b - b * torch.exp(-a * b), rtol=1e-12)
    assert torch.autograd.gradcheck(lambda u: f(u, b[:8]), (a[:8].detach().requires_grad_(),))
