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
    general = f(a, b.astype(jnp.float32))  # mixed dtypes: the general path (promotes to float64)
    for p, g in zip(fast, general):
        assert p.dtype == g.dtype and p.shape == g.shape == (9,)
    np.testing.assert_array_equal(np.asarray(general[1]),
                                  np.asarray(f(a, b.astype(jnp.float32).astype(a.dtype))[1]))
    weak = f(a, 0.5)  # a weakly typed Python scalar: the general path's promotion
    np.testing.assert_array_equal(np.asarray(weak[1]), np.asarray(f(a, jnp.full(9, 0.5, dtype=a.dtype))[1]))


# ---------------------------------------------------------------------------------------------
# Broadcasting in the fast path: 0-d parameters next to a batch, (n, 1) against (m,), Python floats
# ---------------------------------------------------------------------------------------------

BROADCASTS = [((), (5,)), ((7,), ()), ((3, 1), (4,)), ((2, 1, 4), (3, 1)), ((), ()), ((1,), (6,)), ((4, 1), (1, 5))]


@pytest.mark.parametrize("name", ["one", "list", "llvm", "matrix"])
@pytest.mark.parametrize("shapes", BROADCASTS)
def test_broadcasting_fast_path_equals_general_path(fns, name, shapes):
    rng = np.random.default_rng(sum(map(len, shapes)) * 31 + len(name))
    a, b = (rng.uniform(-2, 2, s) for s in shapes)
    f = fns[name]
    assert f._eval_contig([a, b], 0) is not None  # taken by the fast path
    fast = numpy_eval(f, a, b)
    slow = general(f, a, b)
    assert fast.shape == slow.shape and fast.dtype == np.float64
    np.testing.assert_array_equal(fast, slow)
    assert fast.flags.c_contiguous and fast.flags.writeable and fast.ctypes.data % 64 == 0


def test_python_floats_and_float32_in_the_fast_path(fns):
    f = fns["one"]
    a = np.linspace(-1, 1, 10)
    assert f._eval_contig([a, 0.25], 0) is not None
    np.testing.assert_array_equal(numpy_eval(f, a, 0.25), general(f, a, np.full(10, 0.25)))
    np.testing.assert_array_equal(numpy_eval(f, 0.5, a), general(f, np.full(10, 0.5), a))
    a32 = a.astype(np.float32)
    r32 = numpy_eval(f, a32, np.float32(3.0) * np.ones((1,), np.float32))
    assert r32.dtype == np.float32
    np.testing.assert_array_equal(r32, numpy_eval(f, a32, np.full(10, 3.0, np.float32), out=np.empty(10, np.float32)))
    # a float32 array with a float64 one (or a Python float): the general path, in float64
    assert f._eval_contig([a32, a], 0) is None and f._eval_contig([a32, 0.5], 0) is None
    mixed = numpy_eval(f, a32, 0.5)
    assert mixed.dtype == np.float64
    np.testing.assert_array_equal(mixed, general(f, a32.astype(np.float64), np.full(10, 0.5)))
    # Python ints, bools, NumPy scalars and float subclasses are not read as floats here
    assert f._eval_contig([a, 1], 0) is None and f._eval_contig([a, True], 0) is None
    assert f._eval_contig([a, np.float32(0.5)], 0) is None
    # np.float64 scalars (what y[0] of an ODE solver's state is) are read like Python floats
    assert f._eval_contig([np.float64(0.5), np.float64(-1.5)], 0) is not None
    np.testing.assert_array_equal(numpy_eval(f, np.float64(0.5), np.float64(-1.5)), general(f, 0.5, -1.5))
    np.testing.assert_array_equal(numpy_eval(f, a, np.float64(0.25)), general(f, a, np.full(10, 0.25)))
    np.testing.assert_array_equal(numpy_eval(f, a, 1), general(f, a, np.ones(10)))


def test_shapes_that_do_not_broadcast_still_raise(fns):
    f = fns["one"]
    assert f._eval_contig([np.ones((3, 2)), np.ones(3)], 0) is None
    with pytest.raises(ValueError, match="do not broadcast"):
        numpy_eval(f, np.ones((3, 2)), np.ones(3))
    with pytest.raises(ValueError, match="do not broadcast"):
        numpy_eval(f, np.ones((2, 3)), np.ones((3, 3)))


# ---------------------------------------------------------------------------------------------
# to_torch: one pass for the values and the partials a backward needs
# ---------------------------------------------------------------------------------------------

def _torch_model():
    torch = pytest.importorskip("torch")
    x, a, b, c = ExprPool().symbols("x a b c")
    return torch, (x, a, b, c), a * ak.sin(b * x) + c * x**2 + ak.exp(-a * c)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("xshape,pshape", [((200,), ()), ((5, 3), ()), ((5, 3), (3,)), ((4, 1), (1, 6)), ((7,), (7,))])
def test_to_torch_gradients_from_the_forward_pass(dtype, xshape, pshape):
    """Values under autograd equal the values without it bit for bit; the gradients from the fused
    forward equal the general formula's (the partials op, re-evaluated) and torch's own autograd of
    the same formula."""
    torch, syms, e = _torch_model()
    dt = getattr(torch, dtype)
    f = ak.to_torch(e, list(syms))
    g = torch.Generator().manual_seed(len(xshape) * 10 + len(pshape))
    xs = (torch.rand(xshape, generator=g, dtype=torch.float64) * 3).to(dt)
    params = [(torch.rand(pshape, generator=g, dtype=torch.float64) + 0.5).to(dt).requires_grad_(True) for _ in range(3)]
    with torch.no_grad():
        plain = f(xs, *params)
    y = f(xs, *params)
    assert y.dtype == dt and y.requires_grad and y.is_contiguous()
    assert torch.equal(y.detach(), plain)
    w = torch.rand(y.shape, generator=g, dtype=torch.float64).to(dt)
    grads = torch.autograd.grad((y * w).sum(), params)
    # the general formula: d out / d x_j from the partials op, then summed to each input's shape
    y2 = f(xs, *params)
    general = torch.autograd.grad((y2 * w).sum(), params, create_graph=True)  # create_graph: recomputed
    a_, b_, c_ = params
    ref = torch.autograd.grad(((a_ * torch.sin(b_ * xs) + c_ * xs**2 + torch.exp(-a_ * c_)) * w).sum(), params)
    tol = 1e-12 if dtype == "float64" else 2e-4
    for got, gen, want, p in zip(grads, general, ref, params):
        assert got.shape == p.shape and got.dtype == p.dtype
        torch.testing.assert_close(got, gen.detach(), rtol=tol, atol=tol)
        torch.testing.assert_close(got, want, rtol=tol * 10, atol=tol * 10)


def test_to_torch_fused_backward_edge_cases():
    torch, (x, a, b, c), e = _torch_model()
    # list outputs, one of them unused; only some inputs want gradients; nn.Parameter inputs
    f = ak.to_torch([e, a * x, x], [x, a, b, c])
    xs = torch.linspace(0.0, 2.0, 11, dtype=torch.float64)
    pa = torch.nn.Parameter(torch.tensor(1.3, dtype=torch.float64))
    pb = torch.tensor(0.7, dtype=torch.float64)  # no gradient wanted
    pc = torch.tensor([0.2], dtype=torch.float64, requires_grad=True)
    o1, o2, o3 = f(xs, pa, pb, pc)
    assert o1.shape == o2.shape == o3.shape == (11,) and all(o.is_contiguous() for o in (o1, o2, o3))
    ga, gc = torch.autograd.grad(o1.sum() + 2 * o2.sum(), [pa, pc])
    with torch.no_grad():
        want_a = (torch.sin(pb * xs) - pc * torch.exp(-pa * pc)).sum() + 2 * xs.sum()
        want_c = (xs**2 - pa * torch.exp(-pa * pc)).sum()
    torch.testing.assert_close(ga, want_a, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(gc, want_c.reshape(1), rtol=1e-12, atol=1e-12)
    # double backward (create_graph) recomputes the partials differentiably: d2/da2 of sum(e)
    y = f(xs, pa, pb, pc)[0].sum()
    (da,) = torch.autograd.grad(y, [pa], create_graph=True)
    (daa,) = torch.autograd.grad(da, [pa])
    torch.testing.assert_close(daa, 11 * (pc**2 * torch.exp(-pa * pc)).sum().detach(), rtol=1e-12, atol=1e-12)
    # 0-d inputs only: 0-d results, list outputs too
    s = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (0.3, 1.1, 0.9, 0.4)]
    outs = f(*s)
    assert all(o.shape == () for o in outs)
    grads = torch.autograd.grad(outs[0], s)
    assert all(gr.shape == () for gr in grads)
    # an expanded gradient (stride 0), and one NumPy cannot view (a lazy negation): the latter
    # takes the general formula
    ones = torch.ones((), dtype=torch.float64).expand(11)
    (g1,) = torch.autograd.grad(f(xs, pa, pb, pc)[0], [pa], grad_outputs=ones)
    torch.testing.assert_close(g1, ga - 2 * xs.sum(), rtol=1e-12, atol=1e-12)
    (g2,) = torch.autograd.grad(f(xs, pa, pb, pc)[0], [pa], grad_outputs=torch._neg_view(torch.ones(11, dtype=torch.float64)))
    torch.testing.assert_close(g2, -g1, rtol=1e-12, atol=1e-12)


def test_to_jax_eager_results_equal_numpy_eval_and_sit_where_jnp_puts_them():
    jax = pytest.importorskip("jax")
    jnp = pytest.importorskip("jax.numpy")
    x, y = ExprPool().symbols("x y")
    exprs = [ak.sin(x) * y + x**3, ak.exp(-x * y)]
    with jax.enable_x64(True):
        f = ak.to_jax(exprs, [x, y])
        g = ak.to_jax(exprs[0], [x, y])
        ref = compile_expr(exprs, [x, y])
        for sa, sb in [((9,), (9,)), ((), (4,)), ((3, 1), (5,)), ((), ())]:
            a = jnp.asarray(np.random.default_rng(1).uniform(-1, 1, sa))
            b = jnp.asarray(np.random.default_rng(2).uniform(-1, 1, sb))
            want = general(ref, np.asarray(a), np.asarray(b))
            got = f(a, b)
            for k, r in enumerate(got):
                assert type(r) is type(jnp.zeros(())) and r.dtype == jnp.float64 and not r.weak_type
                assert r.shape == want.shape[:-1] and r.devices() == a.devices() and not r.committed
                np.testing.assert_array_equal(np.asarray(r), want[..., k])
            one = g(a, b)
            np.testing.assert_array_equal(np.asarray(one), want[..., 0])
            assert np.asarray(jnp.sin(one)).shape == one.shape  # a usable array
        committed = jax.device_put(jnp.linspace(0.0, 1.0, 5), jax.devices("cpu")[0])
        assert committed.committed and g(committed, committed).committed


def test_importing_to_jax_starts_no_jax_backend():
    """The eager fast path's setup waits for the first call: importing alkahest's JAX module (or
    building a function) must not start XLA's backends (on a GPU machine that preallocates memory,
    and it fixes the platform before the user's configuration)."""
    pytest.importorskip("jax")
    import os
    import subprocess
    import sys

    code = ("import alkahest as ak; from alkahest import _jax; from jax._src import xla_bridge as xb; "
            "x = ak.ExprPool().symbol('x'); ak.to_jax(ak.sin(x), [x]); print(bool(xb._backends))")
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(ak.__file__)))
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr[-2000:]
    assert res.stdout.strip() == "False"
