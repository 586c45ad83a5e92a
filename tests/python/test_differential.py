"""Every backend against every other, on random expressions over the whole op table.

For each Hypothesis-drawn expression (exprgen.py) and its derivatives, at random points:

* the interpreter (both accuracies) and the LLVM JIT: bit for bit identical (same kernels);
* the emitted C (scalar and batch), compiled with the system C compiler and loaded with ctypes;
* the emitted StableHLO, compiled and run by XLA;
* the JAX primitive (to_jax) under jax.jit, and jax.grad of it against alkahest's own derivative;

each within a relative 1e-9 (floored at 1e-3 of the largest value) of the interpreter at
accuracy="high". SymPy's ground truth for the values and derivatives is test_oracle.py.

The number of examples is ALKAHEST_DIFFERENTIAL_EXAMPLES (CI: 40; ``make oracle``: 10,000).
A mismatch fails with Hypothesis' shrunk (minimal) expression.
"""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import alkahest as ak
from alkahest import compile_expr, emit_c, numpy_eval, to_stablehlo
from exprgen import expr_trees
from emitted import batch_fn, close, compile_c, random_case, run_stablehlo, scalar_fn

EXAMPLES = int(os.environ.get("ALKAHEST_DIFFERENTIAL_EXAMPLES", "40"))
N = 24
RTOL = 1e-9
STATS = {"expressions": 0, "values": 0}


def _check(exprs, names, vs, xs, ys, smooth):
    """Every backend on the expressions `exprs` (named `names` in messages) at (xs, ys), each
    compiled once for all of them; returns the reference values, one column per expression.

    Implementations of the functions differ by ulps, and a piecewise-constant function (floor,
    ceiling, sign) of a value that is exactly at its jump turns ulps into a jump: floor(log(exp(1)))
    is 1 or 0 with equally good logarithms. For such (non-smooth) expressions only what must be
    identical is compared: the two CPU tiers, and C's batch against its scalar form."""
    ref = numpy_eval(compile_expr(exprs, vs, backend="interp", accuracy="high"), xs, ys)
    what = lambda k: f"{names[k]} of {exprs[0]}"  # noqa: E731
    for acc in ("default", "high"):
        interp = numpy_eval(compile_expr(exprs, vs, backend="interp", accuracy=acc), xs, ys)
        if ak._core._jit_available():
            llvm = numpy_eval(compile_expr(exprs, vs, backend="llvm", accuracy=acc), xs, ys)
            assert np.array_equal(llvm, interp, equal_nan=True), ("llvm vs interp", acc, str(exprs[0]))
        if acc == "default" and smooth:
            for k in range(len(exprs)):
                assert close(interp[:, k], ref[:, k], RTOL), ("default vs high accuracy", what(k))
    # Emitted C: one function per expression in one file (the scalar and the batch form).
    lib = compile_c("".join(emit_c(e, vs, fn_name=f"g{k}", batch=True, includes=(k == 0))
                            for k, e in enumerate(exprs)))
    out = np.empty_like(xs)
    for k in range(len(exprs)):
        g = scalar_fn(lib, f"g{k}", 2)
        scalar = np.array([g(a, b) for a, b in zip(xs, ys)])
        assert not smooth or close(scalar, ref[:, k], RTOL), ("emitted C", what(k))
        batch_fn(lib, f"g{k}_batch", 2)(xs, ys, out, len(xs))
        assert np.array_equal(out, scalar, equal_nan=True), ("C batch vs scalar", what(k))
    # StableHLO: one module with one result per expression.
    hlo = run_stablehlo(to_stablehlo(exprs, vs, shape=len(xs)), xs, ys)
    for k in range(len(exprs)):
        assert not smooth or close(hlo[k], ref[:, k], RTOL), ("StableHLO/XLA", what(k))
    STATS["values"] += len(xs) * len(exprs)
    return ref


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    print(f"\ndifferential: {STATS['expressions']} expressions (with 2 derivatives each), "
          f"{STATS['values']} values per backend compared")


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
@given(item=expr_trees(nsyms=2, depth=5))
def test_backends_agree(item):
    import jax

    case = random_case(item[0], N)
    if case is None:
        return
    e, syms, xs, ys = case
    STATS["expressions"] += 1
    if EXAMPLES > 1000 and STATS["expressions"] % 500 == 0:  # progress of the long run (make oracle)
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(f"differential: {STATS['expressions']} expressions so far (peak RSS {peak} MB)", flush=True)
    smooth = item[2]
    vs = list(syms)
    ref = _check([e, ak.diff(e, syms[0]), ak.diff(e, syms[1])], ["value", "d/dx", "d/dy"], vs, xs, ys, smooth)
    dref = ref[:, 1]
    if not smooth:
        return

    # The JAX primitive: its jitted lowering, and jax.grad (its symbolic JVP) against diff.
    with jax.enable_x64(True):
        f = ak.to_jax(e, list(syms))
        assert close(jax.jit(f)(xs, ys), ref[:, 0], RTOL), ("to_jax under jit", str(e))
        gx = jax.jit(jax.vmap(jax.grad(f, argnums=0)))(xs, ys)
        assert close(gx, dref, RTOL), ("jax.grad of to_jax vs diff", str(e))
