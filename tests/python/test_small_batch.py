"""numpy_eval's fast path (C-contiguous float64 NumPy arrays of one shape, checked and run in C++)
must give exactly what the general path gives, and hand everything else to the general path."""

import numpy as np
import pytest

import alkahest as ak
from alkahest import ExprPool, compile_expr, numpy_eval


@pytest.fixture(scope="module")
def fns():
    x, y = ExprPool().symbols("x y")
    e = ak.sin(x) * ak.cos(y) + ak.exp(-x * y) + x**3 / (1 + y**2)
    return {
        "one": compile_expr(e, [x, y]),
        "list": compile_expr([e, x * y, x], [x, y]),
        "llvm": compile_expr(e, [x, y], backend="llvm") if ak._core._jit_available() else compile_expr(e, [x, y]),
        "matrix": compile_expr(ak.Matrix([[x, y], [x * y, e]]), [x, y]),
    }


def general(f, *arrays):
    """The general path, forced by out=."""
    shape = np.broadcast_shapes(*(np.shape(a) for a in arrays))
    extra = (f.n_outputs,) if f.is_list and f.matrix_shape is None else tuple(f.matrix_shape or ())
    out = np.empty(shape + extra)
    return numpy_eval(f, *arrays, out=out)


@pytest.mark.parametrize("name", ["one", "list", "llvm", "matrix"])
@pytest.mark.parametrize("shape", [(1,), (7,), (100,), (3, 5), (2, 1, 4), (1000,)])
def test_fast_path_equals_general_path(fns, name, shape):
    rng = np.random.default_rng(len(shape) * 1000 + shape[-1])
    a, b = rng.uniform(-2, 2, shape), rng.uniform(-2, 2, shape)
    f = fns[name]
    fast = numpy_eval(f, a, b)
    slow = general(f, a, b)
    assert fast.shape == slow.shape
    assert fast.dtype == np.float64
    np.testing.assert_array_equal(fast, slow)
    assert fast.flags.c_contiguous and fast.flags.writeable
    assert fast.ctypes.data % 64 == 0
    np.testing.assert_array_equal(numpy_eval(f, a, b, threads=1), slow)
    np.testing.assert_array_equal(f(a, b), slow)


def test_anything_else_takes_the_general_path(fns):
    f = fns["one"]
    a = np.linspace(-1, 1, 12)
    want = general(f, a, a)
    # strided, float32, int, broadcast, read-only, subclass, list, 0-d, empty
    np.testing.assert_array_equal(numpy_eval(f, a[::2], a[1::2]), general(f, a[::2], a[1::2]))
    assert numpy_eval(f, a.astype(np.float32), a.astype(np.float32)).dtype == np.float32
    np.testing.assert_array_equal(numpy_eval(f, np.arange(4), np.arange(4)), general(f, np.arange(4.0), np.arange(4.0)))
    np.testing.assert_array_equal(numpy_eval(f, a, 0.5), general(f, a, np.full(12, 0.5)))
    ro = a.copy()
    ro.flags.writeable = False
    np.testing.assert_array_equal(numpy_eval(f, ro, ro), want)
    np.testing.assert_array_equal(numpy_eval(f, np.ma.masked_array(a), a), want)
    np.testing.assert_array_equal(numpy_eval(f, list(a), a), want)
    assert numpy_eval(f, np.float64(0.5), np.float64(0.25)).shape == ()
    assert numpy_eval(f, np.empty(0), np.empty(0)).shape == (0,)
    assert numpy_eval(f, np.empty((0, 3)), np.empty((0, 3))).shape == (0, 3)


def test_bad_input_is_still_refused_with_the_general_messages(fns):
    f = fns["one"]
    a = np.ones(3)
    with pytest.raises(TypeError, match="input array"):
        numpy_eval(f, a)
    with pytest.raises(ValueError, match="do not broadcast"):
        numpy_eval(f, a, np.ones(4))
    with pytest.raises(TypeError, match="dtype complex128"):
        numpy_eval(f, a, a.astype(complex))
    with pytest.raises(ValueError, match="threads"):
        numpy_eval(f, a, a, threads=0)
    with pytest.raises(ValueError, match="threads"):
        numpy_eval(f, a, a, threads=True)
    assert f._eval_contig([a, "x"], 0) is None  # not an array: the general path explains it
    assert f._eval_contig([a], 0) is None  # wrong count: the general path explains it


def test_the_result_owns_its_memory(fns):
    f = fns["list"]
    a = np.linspace(0, 1, 50)
    r = numpy_eval(f, a, a)
    del a
    import gc

    gc.collect()
    assert np.isfinite(r).all()
    r[:] = 0.0  # writable and independent


def test_to_jax_eager_fast_path_equals_the_general_path():
    jnp = pytest.importorskip("jax.numpy")
    x, y = ExprPool().symbols("x y")
    f = ak.to_jax([ak.sin(x) * y + x**3, ak.exp(-x * y)], [x, y])
    a = jnp.linspace(-1.0, 1.0, 9)
    b = jnp.linspace(0.0, 2.0, 9)
    fast = f(a, b)  # same shape, same dtype: the C++ fast path
    general = f(a, b[None, :])  # broadcasting: the general path
    for p, g in zip(fast, general):
        assert p.dtype == g.dtype and p.shape == (9,) and g.shape == (1, 9)
        np.testing.assert_array_equal(np.asarray(p), np.asarray(g)[0])
    weak = f(a, 0.5)  # a weakly typed Python scalar: the general path's promotion
    np.testing.assert_array_equal(np.asarray(weak[1]), np.asarray(f(a, jnp.full(9, 0.5, dtype=a.dtype))[1]))
