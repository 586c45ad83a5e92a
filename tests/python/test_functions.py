"""The op table's functions one by one, against mpmath (the rows added since the first table).

For each function, at >= 1000 points of its real domain:

* values: the interpreter at both accuracies and the LLVM JIT against the correctly rounded value
  (mpmath at 40 digits, rounded once to a double), in ulps; the bound is the row's accuracy class
  (SLEEF u10 = 1 ulp, u35 = 3.5 ulp; a scalar Arb call is correctly rounded: 0.5 ulp); emit_c
  (compiled with the system C compiler), the StableHLO module under XLA and to_jax within a stated
  number of ulps where they have the function; the measured maxima are printed (-s) and stated in
  docs/accuracy.md;
* the derivative: diff, compiled, against mpmath's numerical derivative;
* SymPy: to_sympy gives SymPy's function, from_sympy reads it back to the same expression;
* evalf at 50 digits against mpmath at 60.
"""

from __future__ import annotations

import math
from fractions import Fraction

import mpmath
import numpy as np
import pytest

import alkahest as ak
from alkahest import _core

ROWS = {r[0]: r for r in _core._op_table()}
N_POINTS = 1200


def spread(lo, hi, n, rng):
    """n points in [lo, hi]: half uniform, half log-uniform in magnitude (small and large values)."""
    u = rng.uniform(lo, hi, n // 2)
    top = max(abs(lo), abs(hi))
    mags = np.exp(rng.uniform(math.log(1e-8), math.log(top), n - n // 2))
    signs = np.where(rng.uniform(size=n - n // 2) < 0.5, -1.0, 1.0) if lo < 0 else 1.0
    v = np.clip(mags * signs, lo, hi)
    return np.concatenate([u, v])


# name -> (mpmath reference, domain (lo, hi), ulps allowed for emit_c and XLA)
FUNCTIONS = {
    "asinh": (mpmath.asinh, (-1e6, 1e6), 4),
}


def reference(fn, xs):
    with mpmath.workdps(40):
        return np.array([float(fn(mpmath.mpf(float(x)))) for x in xs])


def ulps(got, want):
    """|got - want| in units in the last place of want (inf where one is finite and not the other)."""
    got = np.asarray(got, dtype=float)
    both_nan = np.isnan(got) & np.isnan(want)
    same = (got == want) | both_nan
    spacing = np.spacing(np.abs(want))
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.abs(got - want) / spacing
    return np.where(same, 0.0, np.where(np.isfinite(err), err, np.inf))


def bound_of(row, accuracy):
    vm, acc = row[8], row[11]
    if vm == "scalar":
        return 0.5
    lo, hi = acc.split("/")
    u = hi if accuracy == "high" else lo
    return int(u[1:]) / 10 + (0.0 if u[1:] == "05" else 0.0)


@pytest.fixture(scope="module")
def report():
    lines = []
    yield lines
    print("\nfunction accuracy (max ulps vs the correctly rounded value):")
    for line in lines:
        print("  " + line)


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_values_against_mpmath(name, report):
    fn, (lo, hi), other_ulps = FUNCTIONS[name]
    pool = ak.ExprPool()
    x = pool.symbol("x")
    e = getattr(ak, name)(x)
    rng = np.random.default_rng(7)
    xs = spread(lo, hi, N_POINTS, rng)
    want = reference(fn, xs)
    finite = np.isfinite(want)
    assert finite.sum() >= 1000
    measured = {}
    for acc in ("default", "high"):
        got = ak.numpy_eval(ak.compile_expr(e, [x], backend="interp", accuracy=acc), xs)
        err = ulps(got, want)[finite]
        measured[acc] = err.max()
        assert err.max() <= bound_of(ROWS[name], acc), (name, acc, err.max(), xs[finite][err.argmax()])
        if _core._jit_available():
            jit = ak.numpy_eval(ak.compile_expr(e, [x], backend="llvm", accuracy=acc), xs)
            assert np.array_equal(jit, got, equal_nan=True), (name, acc)
    # emit_c (the C library's function)
    from emitted import batch_fn, compile_c

    if ROWS[name][3]:
        lib = compile_c(ak.emit_c(e, [x], fn_name="g", batch=True, includes=True))
        out = np.empty_like(xs)
        batch_fn(lib, "g_batch", 1)(xs, out, len(xs))
        measured["C"] = ulps(out, want)[finite].max()
        assert measured["C"] <= other_ulps, (name, "emit_c", measured["C"])
    report.append(f"{name}: " + ", ".join(f"{k} {v:.2f}" for k, v in measured.items()))


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_jax_and_stablehlo(name, report):
    jax = pytest.importorskip("jax")
    fn, (lo, hi), other_ulps = FUNCTIONS[name]
    if not ROWS[name][7]:
        pytest.skip(f"{name} has no JAX spelling")
    pool = ak.ExprPool()
    x = pool.symbol("x")
    e = getattr(ak, name)(x)
    xs = spread(lo, hi, N_POINTS, np.random.default_rng(8))
    want = reference(fn, xs)
    finite = np.isfinite(want)
    with jax.enable_x64(True):
        got = np.asarray(jax.jit(ak.to_jax(e, [x]))(xs))
    err = ulps(got, want)[finite]
    report.append(f"{name}: XLA (to_jax under jit) {err.max():.2f}")
    assert err.max() <= other_ulps, (name, "XLA", err.max(), xs[finite][err.argmax()])


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_derivative_against_numerical(name):
    fn, (lo, hi), _ = FUNCTIONS[name]
    pool = ak.ExprPool()
    x = pool.symbol("x")
    d = ak.diff(getattr(ak, name)(x), x)
    xs = spread(max(lo, -50), min(hi, 50), 60, np.random.default_rng(9))
    got = ak.numpy_eval(ak.compile_expr(d, [x], accuracy="high"), xs)
    with mpmath.workdps(30):
        want = np.array([float(mpmath.diff(fn, mpmath.mpf(float(v)))) for v in xs])
    assert np.allclose(got, want, rtol=1e-12, atol=1e-300), (name, str(d))


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_sympy_round_trip(name):
    sp = pytest.importorskip("sympy")
    pool = ak.ExprPool()
    x = pool.symbol("x")
    e = getattr(ak, name)(x) * 3 + x
    s = ak.to_sympy(e)
    X = sp.Symbol("x")
    assert s == 3 * getattr(sp, ROWS[name][5])(X) + X
    assert ak.from_sympy(s, pool) == e
    assert ak.parse(str(e), pool) == e


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_evalf_against_mpmath(name):
    fn, (lo, hi), _ = FUNCTIONS[name]
    pool = ak.ExprPool()
    rng = np.random.default_rng(10)
    for _ in range(20):
        q = Fraction(float(rng.uniform(max(lo, -20), min(hi, 20)))).limit_denominator(997)
        v = ak.N(getattr(ak, name)(pool.rational(q.numerator, q.denominator)), 50)
        with mpmath.workdps(60):
            want = fn(mpmath.mpf(q.numerator) / q.denominator)
            got = mpmath.mpf(str(v.real if hasattr(v, "real") else v))
            assert abs(got - want) <= abs(want) * mpmath.mpf(10) ** -48 + mpmath.mpf(10) ** -60, (name, q)
