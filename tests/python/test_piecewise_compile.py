"""Piecewise, relations and And/Or/Not compile to compare/select instructions (issue 15) and every
backend computes them bit for bit alike: the interpreter (both accuracies), the LLVM JIT, point
calls, the emitted C (scalar and batch), the StableHLO module under XLA, to_jax under jit and
to_torch. The branches use exact operations only, so every backend must agree exactly; where no
condition holds the value is NaN (the expression is undefined there)."""

from __future__ import annotations

import numpy as np
import pytest

import alkahest as ak
from alkahest import _core
from emitted import batch_fn, compile_c, run_stablehlo, scalar_fn


def same(a, b):
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    return bool(np.all((a.view(np.int64) == b.view(np.int64)) | (np.isnan(a) & np.isnan(b))))


def points(n=3000, seed=5):
    rng = np.random.default_rng(seed)
    xs, ys = rng.uniform(-3, 3, n), rng.uniform(-3, 3, n)
    special = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 2.0])
    xs[: special.size ** 2] = np.repeat(special, special.size)
    ys[: special.size ** 2] = np.tile(special, special.size)
    ys[100:300] = xs[100:300]  # ties
    return xs, ys


@pytest.fixture
def case():
    pool = ak.ExprPool()
    x, y = pool.symbols("x y")
    exprs = [
        ak.Piecewise((x * y, ak.Gt(x, y)), (x - y, ak.Eq(x, y)), (2 * x + 1, True)),
        ak.Piecewise((x / y, ak.And(ak.Lt(x, 1), ak.Ne(y, 0))), (x + 3, ak.Or(ak.Ge(y, 2), ak.Le(x, -2)))),
        ak.Piecewise((1 - x, ak.Not(ak.Lt(x, y))), (y, True)) * 3
        + ak.Piecewise((1, ak.Lt(x, 0)), (0, True)) - ak.Piecewise((1, ak.Ge(y, x)), (0, True)),
    ]
    return pool, x, y, exprs


def reference(xs, ys):
    with np.errstate(all="ignore"):
        r0 = np.where(xs > ys, xs * ys, np.where(xs == ys, xs - ys, 2 * xs + 1))
        r1 = np.where((xs < 1) & (ys != 0), xs / ys, np.where((ys >= 2) | (xs <= -2), xs + 3, np.nan))
        pw = np.where(xs >= ys, 1 - xs, ys)  # the kernel writes Not(x < y) as x >= y (real symbols)
        r2 = pw * 3 + (xs < 0) - (ys >= xs)
    return [r0, r1, r2]


def test_lowering_and_reference(case):
    pool, x, y, exprs = case
    f = ak.compile_expr(exprs[0], [x, y])
    listing = f.program()
    assert "cmp gt" in listing and "cmp eq" in listing and "select" in listing and "call" not in listing
    xs, ys = points()
    ref = reference(xs, ys)
    for k, e in enumerate(exprs):
        got = ak.numpy_eval(ak.compile_expr(e, [x, y]), xs, ys)
        # (the kernel's sum order may round differently from NumPy's: equal to 1 ulp here)
        np.testing.assert_allclose(got, ref[k], rtol=4e-16, atol=0, equal_nan=True, err_msg=str(k))


def test_every_backend_bit_for_bit(case):
    pool, x, y, exprs = case
    xs, ys = points()
    ref = ak.numpy_eval(ak.compile_expr(exprs, [x, y], backend="interp", accuracy="high"), xs, ys)
    np.testing.assert_allclose(ref, np.stack(reference(xs, ys), axis=-1), rtol=4e-16, atol=0, equal_nan=True)
    for acc in ("default", "high"):
        got = ak.numpy_eval(ak.compile_expr(exprs, [x, y], backend="interp", accuracy=acc), xs, ys)
        assert same(got, ref), ("interp", acc)
        if _core._jit_available():
            jit = ak.numpy_eval(ak.compile_expr(exprs, [x, y], backend="llvm", accuracy=acc), xs, ys)
            assert same(jit, ref), ("llvm", acc)
    f = ak.compile_expr(exprs[0], [x, y])
    for i in range(0, 200, 7):
        assert same(f([xs[i], ys[i]]), ref[i, 0])
    lib = compile_c("".join(ak.emit_c(e, [x, y], fn_name=f"g{k}", batch=True, includes=(k == 0))
                            for k, e in enumerate(exprs)))
    out = np.empty_like(xs)
    for k in range(len(exprs)):
        batch_fn(lib, f"g{k}_batch", 2)(xs, ys, out, len(xs))
        assert same(out, ref[:, k]), ("emit_c batch", k)
        g = scalar_fn(lib, f"g{k}", 2)
        assert same([g(a, b) for a, b in zip(xs[:300], ys[:300])], ref[:300, k]), ("emit_c scalar", k)
    pytest.importorskip("jax")
    hlo = run_stablehlo(ak.to_stablehlo(exprs, [x, y], shape=len(xs)), xs, ys)
    # XLA may contract a multiply and an add into one FMA (1 ulp here on 1% of the points): the
    # last expression, 3*Piecewise(...) + ..., is compared to that, the first two bit for bit.
    for k in range(len(exprs)):
        if k < 2:
            assert same(hlo[k], ref[:, k]), ("StableHLO", k)
        else:
            np.testing.assert_allclose(hlo[k], ref[:, k], rtol=4e-16, atol=0, equal_nan=True)
    import jax

    with jax.enable_x64(True):
        g = jax.jit(ak.to_jax(exprs, [x, y]))
        for k, v in enumerate(g(xs, ys)):
            if k < 2:
                assert same(np.asarray(v), ref[:, k]), ("to_jax", k)
            else:
                np.testing.assert_allclose(np.asarray(v), ref[:, k], rtol=4e-16, atol=0, equal_nan=True)


def test_torch(case):
    torch = pytest.importorskip("torch")
    pool, x, y, exprs = case
    xs, ys = points()
    f = ak.to_torch(exprs[0], [x, y])
    assert same(f(torch.from_numpy(xs), torch.from_numpy(ys)).numpy(), reference(xs, ys)[0])


def test_cuda_source(case):
    pool, x, y, exprs = case
    src = _core._cuda_source(exprs[0], [x, y], "f64")
    assert "x0 > x1 ? 1.0 : 0.0" in src and "?" in src


def test_unevaluated_objects_are_still_refused():
    pool = ak.ExprPool()
    x = pool.symbol("x")
    f = ak.Function("f")
    for e in (f(x), ak.Derivative(f(x), x), ak.Integral(f(x), x)):
        with pytest.raises(ValueError, match="unevaluated"):
            ak.compile_expr(e, [x])


def test_heaviside_style_model_runs_at_full_speed():
    pool = ak.ExprPool()
    t = pool.symbol("t")
    step = ak.Piecewise((0, ak.Lt(t, 0)), (1, True))
    model = step * ak.exp(-t) + (1 - step) * t**2
    ts = np.linspace(-2, 2, 1001)
    got = ak.numpy_eval(ak.compile_expr(model, [t]), ts)
    np.testing.assert_allclose(got, np.where(ts < 0, ts**2, np.exp(-ts)), rtol=1e-15)
