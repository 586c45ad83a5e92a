"""compile_expr(..., optimize=...): the e-graph optimizer (src/compile/egraph.cpp).

* optimize=True ("exact"): every result bit for bit the unoptimized Program's, on random
  expressions (exprgen.py) and their derivatives, in float64 and float32, on the interpreter, the
  LLVM tier and the JAX lowering of the Program; the one rewrite that is not bit-identical
  (sin(u)**2 + cos(u)**2 -> 1) is counted in optimize_report["value_changing"], and where it fired
  the results are compared with a tolerance instead.
* optimize="fast": random polynomials against their exact value (Fractions) within the rounding
  bound of any evaluation order, gamma_n * sum |terms|; random expressions against the unoptimized
  Program within 1e-9 relative plus what a 1e-12 relative move of the inputs changes (an estimate
  of the expression's conditioning, as in test_differential.py); random expressions with large
  and cancelling intermediate values (+ - * sin cos exp log sqrt) within the sum of both Programs'
  first-order running error bounds (running_error.py, itself checked against Arb), and finite on
  one side only just where the unoptimized result has no correct leading digit by its own bound
  or the unoptimized Program has a value near the overflow threshold.
* Never more operations, a higher weighted cost or a longer weighted critical path than without
  the optimizer; budgets respected on a huge expression.

The number of random expressions is ALKAHEST_OPTIMIZE_EXAMPLES (default 40).
"""

from __future__ import annotations

import os
import pickle
import random
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import alkahest as ak
from alkahest import compile_expr, numpy_eval
from emitted import close
from exprgen import BOX, build, expr_trees

EXAMPLES = int(os.environ.get("ALKAHEST_OPTIMIZE_EXAMPLES", "40"))
TIERS = ["interp"] + (["llvm"] if ak._core._jit_available() else [])
EPS = 2.0**-53
SETTINGS = settings(max_examples=EXAMPLES, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _ops(f) -> int:
    """Instructions of the compiled Program other than inputs and constants."""
    lines = f.program().splitlines()[1:]
    return sum(1 for ln in lines if "=" in ln and not ln.strip().startswith("out")
               and ln.split("=", 1)[1].split()[0] not in ("input", "const"))


def _bits_equal(a, b) -> bool:
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    nan = np.isnan(a)
    if not np.array_equal(nan, np.isnan(b)):
        return False  # NaN payloads are not compared, where NaN is
    uint = np.uint64 if a.dtype == np.float64 else np.uint32
    return bool(np.array_equal(a[~nan].view(uint), b[~nan].view(uint)))


def _points(seed, n=64):
    rng = np.random.default_rng(seed)
    xs = rng.uniform(-BOX, BOX, n)
    ys = rng.uniform(-BOX, BOX, n)
    xs[:3] = [0.0, -0.0, 1.0]  # signed zeros: -(a - b) and b - a differ there
    ys[:3] = [-0.0, 0.0, 1.0]
    return xs, ys


def _random_exprs(item):
    tree = item[0]  # expr_trees draws (tree, bound, smooth)
    pool = ak.ExprPool()
    x, y = pool.symbols("x y")
    e = build(tree, pool, [x, y])
    if not isinstance(e, ak.Expr):
        e = pool.integer(0) + x
    return pool, [x, y], [e, e.diff(x), e.diff(y)]


@SETTINGS
@given(expr_trees(nsyms=2, depth=4), st.integers(0, 2**31))
def test_exact_is_bit_identical_on_random_expressions(tree, seed):
    pool, vs, exprs = _random_exprs(tree)
    xs, ys = _points(seed)
    for tier in TIERS:
        f0 = compile_expr(exprs, vs, backend=tier)
        f1 = compile_expr(exprs, vs, backend=tier, optimize=True)
        rep = f1.optimize_report
        assert rep is not None and f0.optimize_report is None
        assert rep["ops_after"] <= rep["ops_before"] and rep["cost_after"] <= rep["cost_before"]
        assert rep["depth_after"] <= rep["depth_before"]
        assert _ops(f1) <= _ops(f0)
        if rep["applied"]:
            assert _ops(f1) == rep["ops_after"]
        for dtype in (np.float64, np.float32):
            a = numpy_eval(f0, xs.astype(dtype), ys.astype(dtype))
            b = numpy_eval(f1, xs.astype(dtype), ys.astype(dtype))
            if rep["value_changing"] == 0:
                assert _bits_equal(a, b), (tier, dtype, [str(e) for e in exprs], f0.program(), f1.program())
            else:
                assert close(b, a, 1e-5 if dtype == np.float32 else 1e-12)


@SETTINGS
@given(expr_trees(nsyms=2, depth=4), st.integers(0, 2**31))
def test_fast_within_conditioning_of_unoptimized(tree, seed):
    pool, vs, exprs = _random_exprs(tree)
    xs, ys = _points(seed)
    f0 = compile_expr(exprs, vs, backend="interp", accuracy="high")
    f2 = compile_expr(exprs, vs, backend="interp", accuracy="high", optimize="fast")
    rep = f2.optimize_report
    assert rep["ops_after"] <= rep["ops_before"] and _ops(f2) <= _ops(f0)
    assert rep["depth_after"] <= rep["depth_before"]
    ref = numpy_eval(f0, xs, ys)
    got = numpy_eval(f2, xs, ys)
    moves = [numpy_eval(f0, xs * (1 + 1e-12), ys * (1 - 1e-12)), numpy_eval(f0, xs * (1 - 1e-12), ys * (1 + 1e-12))]
    with np.errstate(invalid="ignore"):
        slack = np.maximum(*(np.abs(m - ref) for m in moves))
    slack = np.where(np.isfinite(slack), slack, np.inf)
    for k in range(len(exprs)):
        # A reassociated sum may overflow, or cancel to NaN (inf - inf), where the original did not
        # (and the other way round): only finite results on both sides are compared then.
        both = np.isfinite(ref[:, k]) & np.isfinite(got[:, k])
        if not np.array_equal(np.isfinite(ref[:, k]), np.isfinite(got[:, k])):
            assert np.all(np.abs(ref[:, k][both]) > 1e100) or not both.all()
        assert close(got[:, k][both], ref[:, k][both], 1e-9, slack[:, k][both]), (str(exprs[k]), f2.program())


def _random_polynomial(rng, pool, x, y):
    """A polynomial with integer coefficients as a sum of monomials; its terms {(i, j): c}."""
    terms: dict[tuple[int, int], int] = {}
    for _ in range(rng.randint(3, 9)):
        key = (rng.randint(0, 6), rng.randint(0, 3))
        terms[key] = terms.get(key, 0) + rng.choice([-1, 1]) * rng.randint(1, 40)
    terms = {k: c for k, c in terms.items() if c != 0}
    e = pool.integer(0)
    for (i, j), c in terms.items():
        e = e + c * x**i * y**j
    return e, terms


@pytest.mark.parametrize("seed", range(25))
def test_fast_polynomials_within_the_rounding_bound(seed):
    """|computed - exact| <= gamma_n * sum |c| |x|^i |y|^j for any evaluation of a polynomial by
    + - * in n operations (every monomial's path has at most n roundings; Higham, Accuracy and
    Stability of Numerical Algorithms, ch. 3): the bound fast mode's reassociated and factored
    forms must keep, checked against the exact value at the double inputs (Fractions)."""
    rng = random.Random(seed)
    pool = ak.ExprPool()
    x, y = pool.symbols("x y")
    e, terms = _random_polynomial(rng, pool, x, y)
    f0 = compile_expr(e, [x, y], backend="interp")
    f2 = compile_expr(e, [x, y], backend="interp", optimize="fast")
    assert f2.optimize_report["ops_after"] <= f2.optimize_report["ops_before"]
    n_ops = max(_ops(f0), _ops(f2))
    gamma = Fraction(n_ops) * Fraction(EPS) / (1 - n_ops * Fraction(EPS))
    nprng = np.random.default_rng(seed)
    for _ in range(40):
        xv, yv = float(nprng.uniform(-3, 3)), float(nprng.uniform(-3, 3))
        exact = sum((Fraction(c) * Fraction(xv) ** i * Fraction(yv) ** j for (i, j), c in terms.items()), Fraction(0))
        absval = sum((abs(Fraction(c) * Fraction(xv) ** i * Fraction(yv) ** j) for (i, j), c in terms.items()),
                     Fraction(0))
        for f in (f0, f2):
            got = f([xv, yv])
            assert abs(Fraction(got) - exact) <= gamma * absval, (str(e), xv, yv, got, float(exact), f.program())


def test_fast_finds_a_cheaper_polynomial_form():
    pool = ak.ExprPool()
    x = pool.symbol("x")
    e = sum((k + 1) * x**k for k in range(9))  # W2's shape: a sum of powers
    f2 = compile_expr(e, [x], optimize="fast")
    rep = f2.optimize_report
    assert rep["applied"] and rep["ops_after"] < rep["ops_before"]
    # Not Horner's form (16 operations in one dependent chain, slower on the JIT than the 23 of
    # the lowering, whose chain is shorter): a form no deeper than the lowering's.
    assert rep["depth_after"] <= rep["depth_before"]
    assert rep["stop"] in ("saturated", "converged")
    xs = np.linspace(-1, 1, 101)
    want = np.polyval(list(range(9, 0, -1)), xs)
    assert np.allclose(numpy_eval(f2, xs), want, rtol=1e-13, atol=1e-13)


def test_exact_shares_and_folds():
    pool = ak.ExprPool()
    x, y, z = pool.symbols("x y z")
    f0 = compile_expr([2 * x * y, 2 * x * z, x / 4], [x, y, z])
    f1 = compile_expr([2 * x * y, 2 * x * z, x / 4], [x, y, z], optimize=True)
    assert _ops(f1) < _ops(f0)
    assert "div" not in f1.program()  # x/4 -> x*0.25, the same correctly rounded value
    pts = np.random.default_rng(1).uniform(-5, 5, (3, 200))
    assert _bits_equal(numpy_eval(f0, *pts), numpy_eval(f1, *pts))


def test_sin_squared_plus_cos_squared_is_exactly_one():
    pool = ak.ExprPool()
    x, y = pool.symbols("x y")
    e = ak.sin(x * y) ** 2 + ak.cos(x * y) ** 2
    f1 = compile_expr(e, [x, y], optimize=True)
    rep = f1.optimize_report
    assert _ops(compile_expr(e, [x, y])) == 6  # x*y, sin, cos, two squares, the sum
    assert rep["applied"] and rep["value_changing"] > 0 and _ops(f1) == 3  # x*y, (u - u) + 1
    pts = np.random.default_rng(2).uniform(-100, 100, (2, 500))
    assert np.all(numpy_eval(f1, *pts) == 1.0)
    assert np.isnan(f1([np.inf, 1.0])) and np.isnan(f1([np.nan, 1.0]))  # as sin(inf) is NaN


def test_budgets_respected_on_a_huge_expression():
    pool = ak.ExprPool()
    x = pool.symbol("x")
    e = sum(ak.sin(k * x) * ak.exp(-k * x / 100) / k + k * x**(k % 7) for k in range(1, 400))
    exprs = [e, e.diff(x)]
    for mode in (True, "fast"):
        f = compile_expr(exprs, [x], optimize=mode)
        rep = f.optimize_report
        assert rep["stop"] in ("saturated", "converged", "nodes", "time", "iterations")
        assert rep["nodes"] <= rep["max_nodes"] + 16
        assert rep["ops_after"] <= rep["ops_before"]
    xs = np.linspace(-1, 1, 50)
    f0 = compile_expr(exprs, [x])
    f1 = compile_expr(exprs, [x], optimize=True)
    if f1.optimize_report["value_changing"] == 0:
        assert _bits_equal(numpy_eval(f0, xs), numpy_eval(f1, xs))


def test_jax_lowering_of_the_optimized_program_is_bit_identical():
    jax = pytest.importorskip("jax")
    from alkahest._jax import _run_program

    pool = ak.ExprPool()
    x, y = pool.symbols("x y")
    e = ak.exp(-x * y / 2) * ak.cos(3 * x) + ak.sqrt(1 + x * x) - 2 * x * y * ak.sin(2 * x * y)
    exprs = [e, e.diff(x), e.diff(y)]
    f0 = compile_expr(exprs, [x, y])
    f1 = compile_expr(exprs, [x, y], optimize=True)
    assert f1.optimize_report["applied"]
    xs, ys = _points(5)
    with jax.enable_x64(True):
        a = np.stack([np.asarray(v) for v in _run_program(f0._program_data(), np.float64, [xs, ys])])
        b = np.stack([np.asarray(v) for v in _run_program(f1._program_data(), np.float64, [xs, ys])])
    assert _bits_equal(a, b)


def test_bad_optimize_argument_and_pickle():
    pool = ak.ExprPool()
    x = pool.symbol("x")
    with pytest.raises(ValueError, match="optimize must be"):
        compile_expr(x + 1, [x], optimize="fastest")
    with pytest.raises(ValueError, match="optimize must be"):
        compile_expr(x + 1, [x], optimize=1)
    f = compile_expr(2 * x * x + 2 * x, [x], optimize="fast")
    g = pickle.loads(pickle.dumps(f))
    assert g.optimize == "fast" and g([1.5]) == f([1.5])
    assert compile_expr(x + 1, [x]).optimize == "off"
    assert compile_expr(x + 1, [x], optimize=True).optimize == "exact"


@settings(max_examples=max(4, EXAMPLES // 4), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(expr_trees(nsyms=2, depth=3), st.integers(0, 2**31))
def test_exporters_with_optimize_exact_are_bit_identical(tree, seed):
    """emit_c (compiled with -O2 -ffp-contract=off) and to_stablehlo (run by XLA) of the optimized
    Program against the same exporter without the optimizer."""
    from emitted import batch_fn, compile_c, run_stablehlo

    pool, vs, exprs = _random_exprs(tree)
    xs, ys = _points(seed)
    outs = {}
    for opt in (False, True):
        lib = compile_c(ak.emit_c(exprs, vs, fn_name="g", batch=True, includes=True, optimize=opt))
        out = np.empty((len(xs), len(exprs)))
        batch_fn(lib, "g_batch", 2)(xs, ys, out, len(xs))
        outs[opt] = out
    f1 = compile_expr(exprs, vs, optimize=True)
    if f1.optimize_report["value_changing"] == 0:
        assert _bits_equal(outs[False], outs[True])
    else:
        assert close(outs[True], outs[False], 1e-12)
    pytest.importorskip("jax")
    hlo = {opt: run_stablehlo(ak.to_stablehlo(exprs, vs, shape=len(xs), optimize=opt), xs, ys) for opt in (False, True)}
    for a, b in zip(hlo[False], hlo[True]):
        # XLA simplifies each module its own way; the values agree to rounding.
        assert close(np.asarray(b), np.asarray(a), 1e-12)


def test_exporters_reject_a_bad_optimize():
    pool = ak.ExprPool()
    x = pool.symbol("x")
    with pytest.raises(ValueError, match="emit_c: optimize must be"):
        ak.emit_c(x + 1, [x], optimize="quick")
    with pytest.raises(ValueError, match="to_stablehlo: optimize must be"):
        ak.to_stablehlo(x + 1, [x], optimize=2)
    assert "0.25" in ak.emit_c(x / 4, [x], optimize=True) and "/" not in ak.emit_c(x / 4, [x], optimize=True)


def _wild_expr(pool, x, y, steps, seed):
    """A random expression over x, y like bench_eval.random_expr: sums, products, a - k*b, sin,
    cos, exp(sin), sqrt(1 + u*u), log(1 + u*u); products of products make large values, sums of
    them cancel."""
    rng = random.Random(seed)
    live = [x, y]
    for _ in range(steps):
        r = rng.random()
        a = live[rng.randrange(len(live))]
        b = live[rng.randrange(len(live))]
        if r < 0.15:
            live.append(rng.randint(2, 9) * x + rng.randint(1, 9) * y)
        elif r < 0.35:
            live.append(a + b)
        elif r < 0.5:
            live.append(a * b)
        elif r < 0.6:
            live.append(a - rng.randint(1, 9) * b)
        elif r < 0.7:
            live.append(ak.sin(a))
        elif r < 0.8:
            live.append(ak.cos(a))
        elif r < 0.87:
            live.append(ak.exp(ak.sin(a)))
        elif r < 0.94:
            live.append(ak.sqrt(1 + a * a))
        else:
            live.append(ak.log(1 + a * a))
        if len(live) > 8:
            u, v = live.pop(0), live.pop(0)
            live.append(u + v if rng.random() < 0.5 else u * v)
    e = live[0]
    for t in live[1:]:
        e = e + t
    return e


def _off_and_fast(seed, steps):
    pool = ak.ExprPool()
    x, y = pool.symbols("x y")
    e = _wild_expr(pool, x, y, steps, seed)
    exprs = [e, e.diff(x), e.diff(y)]
    f0 = compile_expr(exprs, [x, y], backend="interp", accuracy="high")
    f2 = compile_expr(exprs, [x, y], backend="interp", accuracy="high", optimize="fast")
    return exprs, (x, y), f0, f2


def test_fast_within_the_running_error_bounds():
    """The accuracy contract of "fast" (docs/accuracy.md): where both results are finite, |fast -
    off| <= E_fast + E_off, the first-order running error bounds of the two Programs (each is
    within its own bound of the exact value, checked against Arb below); a result finite on one
    side only just where the unoptimized result has no correct leading digit by its own bound
    (E_off >= |off|) or the unoptimized Program has a value within 2**-8 of overflow. Some of
    these expressions have no correct digit anywhere (sin of a value with a huge error, then the
    log of a value whose bound reaches 0: an infinite bound); the others are compared."""
    from running_error import run_with_bound

    compared = flips = 0
    for seed in range(12):
        exprs, _, f0, f2 = _off_and_fast(seed, 30 + 10 * (seed % 4))
        rep = f2.optimize_report
        assert rep["ops_after"] <= rep["ops_before"] and rep["depth_after"] <= rep["depth_before"]
        rng = np.random.default_rng(seed)
        xs, ys = rng.uniform(0, 2 * np.pi, 3000), rng.uniform(1, 2, 3000)
        a, b = numpy_eval(f0, xs, ys), numpy_eval(f2, xs, ys)
        _, e0, big = run_with_bound(f0.program(), [xs, ys])
        _, e2, _ = run_with_bound(f2.program(), [xs, ys])
        for k in range(len(exprs)):
            with np.errstate(all="ignore"):
                both = np.isfinite(a[:, k]) & np.isfinite(b[:, k]) & np.isfinite(e0[k]) & np.isfinite(e2[k])
                ok = np.abs(a[:, k] - b[:, k]) <= 1.05 * (e0[k] + e2[k])
            bad = np.flatnonzero(both & ~ok)
            assert bad.size == 0, (seed, k, xs[bad[0]], ys[bad[0]], a[bad[0], k], b[bad[0], k], e0[k][bad[0]],
                                   e2[k][bad[0]])
            # Finite on one side only: never where the unoptimized result is finite with a correct
            # leading digit (E_off < |off|) and all its values are below 2**1016.
            with np.errstate(all="ignore"):
                trusted = np.isfinite(a[:, k]) & (e0[k] < np.abs(a[:, k])) & (big < 2.0**1016)
            flip = np.isfinite(a[:, k]) != np.isfinite(b[:, k])
            assert not np.any(flip & trusted), (seed, k, np.flatnonzero(flip & trusted)[:5])
            compared += int(both.sum())
            flips += int(flip.sum())
    assert compared > 50_000  # of 108,000


@pytest.mark.parametrize("seed", [0, 5])
def test_running_error_bounds_hold_against_arb(seed):
    """The bounds the previous test relies on: |computed - exact| <= E for both Programs, the
    exact value by Arb (N, 40 digits) at the input doubles."""
    from running_error import run_with_bound

    exprs, (x, y), f0, f2 = _off_and_fast(seed, 30)
    rng = np.random.default_rng(100 + seed)
    xs, ys = rng.uniform(0, 2 * np.pi, 4), rng.uniform(1, 2, 4)
    checked = 0
    for f in (f0, f2):
        vals = numpy_eval(f, xs, ys)
        _, bound, _ = run_with_bound(f.program(), [xs, ys])
        for i in range(len(xs)):
            for k, e in enumerate(exprs):
                if not (np.isfinite(vals[i, k]) and np.isfinite(bound[k][i])):
                    continue
                exact = Fraction(ak.N(e, 40, subs={x: float(xs[i]), y: float(ys[i])}).real)
                assert abs(Fraction(float(vals[i, k])) - exact) <= Fraction(1.05 * float(bound[k][i])), (k, i)
                checked += 1
    assert checked >= 12


def _calls(f) -> list[str]:
    return [ln.split("call", 1)[1].split()[0] for ln in f.program().splitlines()[1:] if "= call " in ln]


def _is_subsequence(a, b) -> bool:
    it = iter(b)
    return all(any(x == y for y in it) for x in a)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_optimized_program_keeps_the_order_of_the_function_calls(seed):
    # The optimized Program computes its values in the unoptimized one's order: the JIT's code
    # follows that order (calls are barriers to LLVM's scheduler), and a different order alone made
    # bench_optimize's rand-40-2 5-7% slower with the same machine instructions (docs/benchmarks.md).
    # Its function calls are those of the unoptimized Program in the same order (some may be gone).
    pool = ak.ExprPool()
    x, y = pool.symbols("x y")
    e = _wild_expr(pool, x, y, 40, seed)
    exprs = [e, e.diff(x), e.diff(y)]
    off = _calls(compile_expr(exprs, [x, y], backend="interp"))
    assert len(off) >= 10
    for mode in (True, "fast"):
        f = compile_expr(exprs, [x, y], backend="interp", optimize=mode)
        assert f.optimize_report["applied"]
        assert _is_subsequence(_calls(f), off), (mode, _calls(f), off)
