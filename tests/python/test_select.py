"""Compare/select instructions in the Program (issue 15): Min and Max lower to them, and every
backend computes them bit for bit alike — the interpreter (both accuracies), the LLVM JIT, the
emitted C (scalar and batch), the CUDA source, the StableHLO module under XLA, to_jax under jit,
to_torch — including NaN (either argument NaN gives NaN), signed zeros and infinities."""

from __future__ import annotations

import numpy as np
import pytest

import alkahest as ak
from alkahest import _core
from emitted import batch_fn, compile_c, run_stablehlo


def points(n=4000, seed=3):
    rng = np.random.default_rng(seed)
    special = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 2.5])
    xs = rng.uniform(-3, 3, n)
    ys = rng.uniform(-3, 3, n)
    xs[: special.size ** 2] = np.repeat(special, special.size)
    ys[: special.size ** 2] = np.tile(special, special.size)
    ys[100:200] = xs[100:200]  # ties
    return xs, ys


def reference_max(a, b):
    return np.where(np.isnan(a), a, np.where(a > b, a, b))


def reference_min(a, b):
    return np.where(np.isnan(a), a, np.where(a < b, a, b))


def same(a, b):
    """Bit for bit (NaN equal to NaN, -0.0 different from 0.0)."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return bool(np.all((a.view(np.int64) == b.view(np.int64)) | (np.isnan(a) & np.isnan(b))))


@pytest.fixture
def case():
    pool = ak.ExprPool()
    x, y = pool.symbols("x y")
    exprs = [ak.Max(x, y), ak.Min(x, y), ak.Max(ak.sin(x), y * 2) - ak.Min(x * y, 1)]
    return pool, x, y, exprs


def test_lowering_and_reference(case):
    pool, x, y, exprs = case
    f = ak.compile_expr(exprs[0], [x, y])
    listing = f.program()
    assert "cmp gt" in listing and "select" in listing and "call" not in listing
    xs, ys = points()
    assert same(ak.numpy_eval(f, xs, ys), reference_max(xs, ys))
    assert same(ak.numpy_eval(ak.compile_expr(exprs[1], [x, y]), xs, ys), reference_min(xs, ys))
    assert np.isnan(reference_max(np.array([1.0]), np.array([np.nan])))[0]


def test_every_backend_bit_for_bit(case):
    pool, x, y, exprs = case
    xs, ys = points()
    ref = ak.numpy_eval(ak.compile_expr(exprs, [x, y], backend="interp", accuracy="high"), xs, ys)
    for acc in ("default", "high"):
        got = ak.numpy_eval(ak.compile_expr(exprs, [x, y], backend="interp", accuracy=acc), xs, ys)
        assert same(got[:, :2], ref[:, :2])
        if _core._jit_available():
            jit = ak.numpy_eval(ak.compile_expr(exprs, [x, y], backend="llvm", accuracy=acc), xs, ys)
            assert same(jit, got), ("llvm", acc)
    # point calls
    f = ak.compile_expr(exprs[0], [x, y])
    for a, b in [(1.0, float("nan")), (float("nan"), 1.0), (-0.0, 0.0), (2.0, -1.0)]:
        assert same(f([a, b]), reference_max(np.array(a), np.array(b)))
    # emitted C, scalar and batch (functions other than select: only the first two, which call none)
    lib = compile_c("".join(ak.emit_c(e, [x, y], fn_name=f"g{k}", batch=True, includes=(k == 0))
                            for k, e in enumerate(exprs[:2])))
    out = np.empty_like(xs)
    for k in range(2):
        batch_fn(lib, f"g{k}_batch", 2)(xs, ys, out, len(xs))
        assert same(out, ref[:, k]), ("emit_c", k)
    # StableHLO under XLA (the CPU flushes subnormals; the inputs have none)
    pytest.importorskip("jax")
    hlo = run_stablehlo(ak.to_stablehlo(exprs[:2], [x, y], shape=len(xs)), xs, ys)
    for k in range(2):
        assert same(hlo[k], ref[:, k]), ("StableHLO", k)
    import jax

    with jax.enable_x64(True):
        g = jax.jit(ak.to_jax(exprs[:2], [x, y]))
        for k, v in enumerate(g(xs, ys)):
            assert same(np.asarray(v), ref[:, k]), ("to_jax", k)


def test_torch(case):
    torch = pytest.importorskip("torch")
    pool, x, y, exprs = case
    xs, ys = points()
    f = ak.to_torch(exprs[0], [x, y])
    assert same(f(torch.from_numpy(xs), torch.from_numpy(ys)).numpy(), reference_max(xs, ys))


def test_cuda_source(case):
    pool, x, y, exprs = case
    src = _core._cuda_source(exprs[0], [x, y], "f64")
    assert "x0 > x1 ? 1.0 : 0.0" in src and "x0 != x0 ? 1.0 : 0.0" in src
    ok, _ = ak._cuda.nvrtc_status() if hasattr(ak, "_cuda") else (False, "")
    if ok:
        assert ".entry alkahest_kernel(" in ak.compile_cuda(exprs, [x, y]).ptx


def test_kernel_rules_and_derivative(case):
    pool, x, y, exprs = case
    assert ak.Max(2, pool.integer(3)) == pool.integer(3)
    assert ak.Min(pool.rational(1, 3), pool.rational(1, 2)) == pool.rational(1, 3)
    assert ak.Max(x, x) == x
    assert str(ak.Max(x, y)) == "Max(x, y)" and ak.parse("Max(x, y)", pool) == ak.Max(x, y)
    d = ak.diff(ak.Max(x * x, y), x)
    f = ak.compile_expr(d, [x, y])
    xs, ys = np.array([2.0, 0.5, -3.0]), np.array([1.0, 1.0, 1.0])
    assert np.array_equal(ak.numpy_eval(f, xs, ys), np.where(xs * xs > ys, 2 * xs, 0.0))
    sp = pytest.importorskip("sympy")
    X, Y = sp.symbols("x y")
    assert ak.to_sympy(exprs[0]) == sp.Max(X, Y)
    assert ak.from_sympy(sp.Min(X, Y), pool) == ak.Min(x, y)
    v = ak.N(ak.Max(pool.pi, 3), 30)
    assert str(v).startswith("3.14159265358979323846")
