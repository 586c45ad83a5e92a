"""compile_expr / CompiledFn / numpy_eval: values, dtypes, broadcasting, strides, out=, errors."""

import math

import numpy as np
import pytest

from alkahest import (ExprPool, acos, asin, atan, atan2, ceiling, compile_expr, cos, cosh, erf,
                      erfc, exp, floor, gamma, log, numpy_eval, sign, sin, sinh, sqrt, tan,
                      tanh)


@pytest.fixture
def pool():
    return ExprPool()


def test_seed_numpy_snippet():
    pool = ExprPool()
    x = pool.symbol("x")
    f = compile_expr(sin(x) ** 2 + x, [x])
    xs = np.linspace(0, 2 * np.pi, 1_000_000)
    ys = numpy_eval(f, xs)
    assert ys.shape == (1_000_000,)
    np.testing.assert_allclose(ys, np.sin(xs) ** 2 + xs, rtol=1e-14, atol=1e-14)
    result = np.asarray(f([1.0]))
    assert result.shape == ()
    assert result == pytest.approx(math.sin(1.0) ** 2 + 1.0, rel=1e-15)


def _mp(fn):
    """A correctly rounded reference from mpmath (30 digits, then rounded to a double)."""
    import mpmath

    mpmath.mp.dps = 30
    return np.vectorize(lambda v: float(fn(mpmath.mpf(float(v)))))


def _mp_gamma(v):
    import mpmath
    return mpmath.gamma(v)


def _mp_erf(v):
    import mpmath
    return mpmath.erf(v)


def _mp_erfc(v):
    import mpmath
    return mpmath.erfc(v)


# (alkahest function, reference (NumPy's own functions, or mpmath), domain)
UNARY = [
    (sin, np.sin, (-10, 10)), (cos, np.cos, (-10, 10)), (tan, np.tan, (-1.5, 1.5)),
    (sinh, np.sinh, (-5, 5)), (cosh, np.cosh, (-5, 5)), (tanh, np.tanh, (-5, 5)),
    (asin, np.arcsin, (-1, 1)), (acos, np.arccos, (-1, 1)), (atan, np.arctan, (-10, 10)),
    (exp, np.exp, (-20, 20)), (log, np.log, (1e-3, 1e3)), (sqrt, np.sqrt, (0, 100)),
    (abs, np.abs, (-5, 5)), (floor, np.floor, (-5, 5)), (ceiling, np.ceil, (-5, 5)),
    (sign, np.sign, (-5, 5)),
    (erf, _mp(_mp_erf), (-4, 4)), (erfc, _mp(_mp_erfc), (-4, 4)),
    (gamma, _mp(_mp_gamma), (0.1, 10)),
]


def ulp_distance(a, b):
    a = np.asarray(a, dtype=np.float64)
    b = np.asarray(b, dtype=np.float64)
    spacing = np.spacing(np.maximum(np.abs(a), np.abs(b)))
    return np.abs(a - b) / spacing


@pytest.mark.parametrize("fn,ref,domain", UNARY, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("accuracy,max_ulp", [("default", 4.0), ("high", 1.0)])
@pytest.mark.parametrize("backend", ["interp", "llvm"])
def test_each_function_within_stated_ulps(fn, ref, domain, accuracy, max_ulp, backend):
    pool = ExprPool()
    x = pool.symbol("x")
    f = compile_expr(fn(x), [x], accuracy=accuracy, backend=backend)
    xs = np.linspace(*domain, 4001)
    got = numpy_eval(f, xs)
    want = ref(xs)
    # NumPy's own functions are within ~1 ulp themselves: allow that on top of the contract;
    # mpmath references are correctly rounded.
    slack = 0.0 if ref.__class__ is np.vectorize else 1.0
    assert np.nanmax(ulp_distance(got, want)) <= max_ulp + slack
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))


@pytest.mark.parametrize("backend", ["interp", "llvm"])
def test_atan2_and_pow(pool, backend):
    x, y = pool.symbols("x y")
    f = compile_expr([atan2(y, x), x ** y, x ** 0.5], [x, y], backend=backend)
    xs = np.linspace(0.1, 3, 1001)
    ys = np.linspace(-2, 2, 1001)
    out = numpy_eval(f, xs, ys)
    assert out.shape == (1001, 3)
    assert ulp_distance(out[:, 0], np.arctan2(ys, xs)).max() <= 5
    assert ulp_distance(out[:, 1], xs ** ys).max() <= 2
    assert ulp_distance(out[:, 2], np.sqrt(xs)).max() <= 1


def test_float32_in_float32_out(pool):
    x = pool.symbol("x")
    f = compile_expr(exp(-x * x / 2) * cos(3 * x) + sqrt(1 + x * x), [x])
    xs = np.linspace(0, 2 * np.pi, 10001, dtype=np.float32)
    out = numpy_eval(f, xs)
    assert out.dtype == np.float32
    ref = np.exp(-xs * xs / 2) * np.cos(3 * xs) + np.sqrt(1 + xs * xs)
    np.testing.assert_allclose(out, ref, rtol=2e-6, atol=2e-6)


def test_ints_and_bools_promote_to_float64(pool):
    x, y = pool.symbols("x y")
    f = compile_expr(x / 2 + y, [x, y])
    out = numpy_eval(f, np.arange(4), np.array([True, False, True, False]))
    assert out.dtype == np.float64
    np.testing.assert_array_equal(out, [1.0, 0.5, 2.0, 1.5])


def test_broadcasting_scalars_lists_and_strides(pool):
    x, y = pool.symbols("x y")
    f = compile_expr(x * 10 + y, [x, y])
    a = np.arange(12.0).reshape(3, 4)
    col = a[:, 1:2]            # shape (3, 1), strided
    row = np.arange(4.0)[::-1]  # negative stride
    np.testing.assert_array_equal(numpy_eval(f, col, row), col * 10 + row)
    np.testing.assert_array_equal(numpy_eval(f, a.T, 1.5), a.T * 10 + 1.5)
    np.testing.assert_array_equal(numpy_eval(f, [1.0, 2.0], 3), [13.0, 23.0])
    zero_d = numpy_eval(f, 2.0, 3.0)
    assert zero_d.shape == () and zero_d == 23.0
    assert numpy_eval(f, np.empty(0), 1.0).shape == (0,)


@pytest.mark.parametrize("backend", ["interp", "llvm"])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_misaligned_arrays(pool, backend, dtype):
    """NumPy arrays whose data is not aligned to the item size (views into pickled or network
    buffers, as Dask ships them): read correctly, and a misaligned out= is written correctly."""
    x, y = pool.symbols("x y")
    f = compile_expr([sin(x) * y + x, x - y], [x, y], backend=backend)
    xs = np.linspace(-3, 3, 1001, dtype=dtype)
    ys = np.linspace(2, -1, 1001, dtype=dtype)

    def misaligned(a):
        raw = bytearray(a.nbytes + 1)
        m = np.frombuffer(raw, dtype=a.dtype, count=a.size, offset=1).reshape(a.shape)
        m[...] = a
        assert not m.flags.aligned
        return m

    want = numpy_eval(f, xs, ys)
    np.testing.assert_array_equal(numpy_eval(f, misaligned(xs), misaligned(ys)), want)
    np.testing.assert_array_equal(numpy_eval(f, misaligned(xs)[::3], ys[::3]), want[::3])
    np.testing.assert_array_equal(numpy_eval(f, misaligned(xs[:1]), ys), numpy_eval(f, xs[:1], ys))
    out = misaligned(np.zeros_like(want))
    assert numpy_eval(f, xs, ys, out=out) is out
    np.testing.assert_array_equal(out, want)


def test_multiple_outputs_and_out_argument(pool):
    x, y = pool.symbols("x y")
    f = compile_expr([x + y, x * y], [x, y])
    xs, ys = np.linspace(0, 1, 1000), np.linspace(1, 2, 1000)
    out = np.empty((1000, 2))
    res = numpy_eval(f, xs, ys, out=out)
    assert res is out
    np.testing.assert_allclose(out[:, 0], xs + ys)
    np.testing.assert_allclose(out[:, 1], xs * ys)
    assert f.n_inputs == 2 and f.n_outputs == 2
    assert f([2.0, 3.0]) == [5.0, 6.0]


def test_threads_give_identical_results(pool):
    x = pool.symbol("x")
    f = compile_expr(sin(x) * exp(-x / 7) + log(1 + x * x), [x])
    xs = np.linspace(-50, 50, 300_001)
    np.testing.assert_array_equal(numpy_eval(f, xs, threads=1), numpy_eval(f, xs, threads=2))


def test_ieee_semantics(pool):
    x = pool.symbol("x")
    f = compile_expr(log(x) + sqrt(x), [x])
    out = numpy_eval(f, np.array([-1.0, 0.0, np.inf, np.nan]))
    assert np.isnan(out[0]) and out[1] == -np.inf and out[2] == np.inf and np.isnan(out[3])


def test_compiled_fn_outlives_its_pool():
    def make():
        pool = ExprPool()
        x = pool.symbol("x")
        return compile_expr(x * x + 1, [x])

    f = make()
    np.testing.assert_array_equal(numpy_eval(f, np.array([1.0, 2.0])), [2.0, 5.0])


def test_bad_input_is_a_clear_error(pool):
    x, y = pool.symbols("x y")
    f = compile_expr(x + y, [x, y])
    with pytest.raises(TypeError, match="2 input array"):
        numpy_eval(f, np.ones(3))
    with pytest.raises(ValueError, match="do not broadcast"):
        numpy_eval(f, np.ones(3), np.ones(4))
    with pytest.raises(TypeError, match="complex128"):
        numpy_eval(f, np.ones(3, dtype=complex), np.ones(3))
    with pytest.raises(TypeError, match="dtype"):
        numpy_eval(f, np.array(["a", "b"]), np.ones(2))
    with pytest.raises(ValueError, match="shape"):
        numpy_eval(f, np.ones(3), np.ones(3), out=np.empty(4))
    with pytest.raises(TypeError, match="dtype"):
        numpy_eval(f, np.ones(3), np.ones(3), out=np.empty(3, dtype=np.float32))
    ro = np.empty(3)
    ro.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        numpy_eval(f, np.ones(3), np.ones(3), out=ro)
    with pytest.raises(TypeError, match="2 values"):
        f([1.0])
    with pytest.raises(ValueError, match="'z'"):
        compile_expr(x + pool.symbol("z"), [x])
    with pytest.raises(ValueError, match="accuracy"):
        compile_expr(x, [x], accuracy="fast")
    with pytest.raises(ValueError, match="different pools|comes from"):
        compile_expr(x + y, [ExprPool().symbol("x"), y])
    with pytest.raises(TypeError, match="CompiledFn"):
        numpy_eval(lambda v: v, np.ones(3))


class _FakeGpuArray:
    def __dlpack_device__(self):
        return (2, 0)  # kDLCUDA

    def __dlpack__(self, stream=None):
        raise AssertionError("must not be read")


def test_gpu_array_points_to_compile_cuda(pool):
    x = pool.symbol("x")
    f = compile_expr(x, [x])
    with pytest.raises(ValueError, match="compile_cuda"):
        numpy_eval(f, _FakeGpuArray())


def test_pytorch_cpu_tensors_zero_copy_snippet():
    import torch  # a test dependency (requirements-dev.txt)
    pool = ExprPool()
    x = pool.symbol("x")
    f = compile_expr(sin(x) ** 2 + x, [x])
    xs = torch.linspace(0, 1, 10_000)
    ys = numpy_eval(f, xs)
    assert isinstance(ys, np.ndarray) and ys.shape == (10_000,)
    np.testing.assert_allclose(ys, np.sin(xs.numpy()) ** 2 + xs.numpy(), rtol=2e-6)


def test_jax_arrays_snippet():
    import jax.numpy as jnp  # a test dependency (requirements-dev.txt)
    pool = ExprPool()
    x = pool.symbol("x")
    f = compile_expr(sin(x) ** 2 + x, [x])
    xs = jnp.linspace(0, 1, 10_000)
    ys = numpy_eval(f, xs)
    assert ys.shape == (10_000,)
    np.testing.assert_allclose(ys, np.sin(np.asarray(xs)) ** 2 + np.asarray(xs), rtol=2e-6)


class _DlpackOnly:
    """An array known only through the DLPack protocol (no __array__, no buffer protocol)."""

    def __init__(self, arr):
        self._arr = arr

    def __dlpack__(self, **kwargs):
        return self._arr.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self._arr.__dlpack_device__()


def test_any_dlpack_producer_is_read_in_place(pool):
    x = pool.symbol("x")
    f = compile_expr(x * 2 + 1, [x])
    base = np.linspace(0, 1, 1000)
    np.testing.assert_array_equal(numpy_eval(f, _DlpackOnly(base)), base * 2 + 1)
    import torch  # zero copy: the tensor's memory is what numpy_eval reads
    t = torch.linspace(0, 1, 1000, dtype=torch.float64)
    assert np.shares_memory(np.from_dlpack(t), t.numpy())
    np.testing.assert_array_equal(numpy_eval(f, t), t.numpy() * 2 + 1)
