"""Every backend against every other, on random expressions over the whole op table.

For each Hypothesis-drawn expression (exprgen.py) and its derivatives, at random points:

* the interpreter (both accuracies) and the LLVM JIT: bit for bit identical (same kernels);
* the emitted C (scalar and batch), compiled with the system C compiler and loaded with ctypes;
* the emitted StableHLO, compiled and run by XLA;
* the JAX primitive (to_jax) under jax.jit, and jax.grad of it against alkahest's own derivative;

each within a relative 1e-9 (floored at 1e-3 of the largest value) of the interpreter at
accuracy="high", plus, point by point, what moving the inputs by a relative 1e-12 changes in that
reference: the backends use other implementations of the functions (XLA's gamma is exp(lgamma),
~30 ulp), and an ill-conditioned expression (cos(gamma(cosh(y))) near y = 2.5) amplifies such
differences past 1e-9. Comparisons that need this slack are counted and reported. SymPy's ground truth
for the values and derivatives is test_oracle.py.

The number of expressions is ALKAHEST_DIFFERENTIAL_EXAMPLES (CI: 40; ``make oracle``: 10,000).
Beyond 1,000 they are checked BATCH at a time (one Hypothesis example draws a list of BATCH
expressions that share their sample points), so each backend compiles once per batch: compiling
dominates, and batches make the long run ~10x shorter. A mismatch fails with Hypothesis' shrunk
(minimal) expressions, naming the one that differs.
"""

from __future__ import annotations

import os
import pathlib
import re

import numpy as np
import pytest
import zlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import alkahest as ak
from alkahest import compile_expr, emit_c, numpy_eval, to_stablehlo
from exprgen import _SPECIAL_ROWS, BOX, SPECIAL_NAMES, UNARY_ANY, build, expr_trees, special_trees
from emitted import batch_fn, close, compile_c, run_stablehlo, scalar_fn

EXAMPLES = int(os.environ.get("ALKAHEST_DIFFERENTIAL_EXAMPLES", "40"))
BATCH = 1 if EXAMPLES <= 1000 else 20
N = 24
RTOL = 1e-9
PERTURB = 1e-12
STATS = {"expressions": 0, "values": 0, "ill_conditioned": 0, "refused": 0}


def agree(got, want, slack) -> bool:
    """close(got, want, RTOL), where each point may also differ by slack[i] (see the module
    docstring); comparisons that pass only with the slack are counted."""
    if close(got, want, RTOL):
        return True
    if not close(got, want, RTOL, slack):
        return False
    STATS["ill_conditioned"] += 1
    return True


def slack_of(f_ref, xs, ys, ref):
    """Per point and expression: how far the reference moves when the inputs move by PERTURB
    (relative, two directions); infinite where it stops being finite."""
    moves = [numpy_eval(f_ref, xs * (1 + PERTURB), ys * (1 - PERTURB)),
             numpy_eval(f_ref, xs * (1 - PERTURB), ys * (1 + PERTURB))]
    with np.errstate(invalid="ignore"):
        d = np.maximum(*(np.abs(m - ref) for m in moves))
    return np.where(np.isfinite(d), d, np.inf)


_REFUSAL = re.compile(r"(?:emit_c: C's <math.h> has no|StableHLO and CHLO have no op for) '(\w+)'")
_ROWS = {r[0]: r for r in ak._core._op_table()}


def _refused(make, e) -> bool:
    """Whether the backend `make` refuses e; a refusal must be the clear one, naming a function
    whose op-table row has no spelling for that backend (C: column 3, StableHLO: column 6)."""
    try:
        make(e)
        return False
    except ValueError as err:
        m = _REFUSAL.search(str(err))
        assert m and m.group(1) in _ROWS, str(err)
        assert not _ROWS[m.group(1)][3 if str(err).startswith("emit_c") else 6], str(err)
        STATS["refused"] += 1
        return True


def _check(exprs, names, smooth, vs, xs, ys, refusable=False):
    """Every backend on the expressions `exprs` (described by `names` in messages; `smooth[k]`
    says whether exprs[k] is free of floor/ceiling/sign) at (xs, ys), each backend compiling all
    of them at once; returns the reference values, one column per expression.

    Implementations of the functions differ by ulps, and a piecewise-constant function (floor,
    ceiling, sign) of a value that is exactly at its jump turns ulps into a jump: floor(log(exp(1)))
    is 1 or 0 with equally good logarithms. For such (non-smooth) expressions only what must be
    identical is compared: the two CPU tiers, and C's batch against its scalar form.
    Returns the reference and its slack (slack_of)."""
    f_ref = compile_expr(exprs, vs, backend="interp", accuracy="high")
    ref = numpy_eval(f_ref, xs, ys)
    slack = slack_of(f_ref, xs, ys, ref)
    for acc in ("default", "high"):
        interp = numpy_eval(compile_expr(exprs, vs, backend="interp", accuracy=acc), xs, ys)
        if ak._core._jit_available():
            llvm = numpy_eval(compile_expr(exprs, vs, backend="llvm", accuracy=acc), xs, ys)
            for k in range(len(exprs)):
                assert np.array_equal(llvm[:, k], interp[:, k], equal_nan=True), ("llvm vs interp", acc, names[k])
        if acc == "default":
            for k in range(len(exprs)):
                assert not smooth[k] or agree(interp[:, k], ref[:, k], slack[:, k]), ("default vs high accuracy", names[k])
    # Emitted C: one function per expression in one file (the scalar and the batch form).
    in_c = [k for k, e in enumerate(exprs) if not (refusable and _refused(lambda e: emit_c(e, vs), e))]
    lib = compile_c("".join(emit_c(exprs[k], vs, fn_name=f"g{k}", batch=True, includes=(k == in_c[0]))
                            for k in in_c)) if in_c else None
    out = np.empty_like(xs)
    for k in in_c:
        g = scalar_fn(lib, f"g{k}", 2)
        scalar = np.array([g(a, b) for a, b in zip(xs, ys)])
        assert not smooth[k] or agree(scalar, ref[:, k], slack[:, k]), ("emitted C", names[k])
        batch_fn(lib, f"g{k}_batch", 2)(xs, ys, out, len(xs))
        assert np.array_equal(out, scalar, equal_nan=True), ("C batch vs scalar", names[k])
    # StableHLO: one module with one result per expression.
    in_hlo = [k for k, e in enumerate(exprs)
              if not (refusable and _refused(lambda e: to_stablehlo(e, vs, shape=len(xs)), e))]
    hlo = run_stablehlo(to_stablehlo([exprs[k] for k in in_hlo], vs, shape=len(xs)), xs, ys) if in_hlo else []
    for j, k in enumerate(in_hlo):
        assert not smooth[k] or agree(hlo[j], ref[:, k], slack[:, k]), ("StableHLO/XLA", names[k])
    STATS["values"] += len(xs) * len(exprs)
    return ref, slack


@pytest.fixture(scope="module", autouse=True)
def _report():
    yield
    print(f"\ndifferential: {STATS['expressions']} expressions (with 2 derivatives each), "
          f"{STATS['values']} values per backend compared, {STATS['ill_conditioned']} comparisons "
          f"within the conditioning slack only, {STATS['refused']} refusals (emit_c/StableHLO without the function)")


@settings(max_examples=-(-EXAMPLES // BATCH), deadline=None, suppress_health_check=list(HealthCheck))
@given(items=st.lists(expr_trees(nsyms=2, depth=5), min_size=BATCH, max_size=BATCH))
def test_backends_agree(items):
    _backends_agree(items, refusable=False)


# The rows of ops_elementary/ops_special/ops_integrals.def (special_trees): half as many examples.
@settings(max_examples=max(10, -(-EXAMPLES // (2 * BATCH))), deadline=None, suppress_health_check=list(HealthCheck))
@given(items=st.lists(special_trees(nsyms=2, depth=2), min_size=BATCH, max_size=BATCH))
def test_backends_agree_newer_rows(items):
    _backends_agree(items, refusable=True)


def test_newer_rows_are_all_drawn():
    """special_trees draws every row of the three newer files that compiles and differentiates
    (not Heaviside, whose derivative is DiracDelta), the rows of three and four arguments included."""
    text = "".join((pathlib.Path(__file__).parents[2] / "include/alkahest" / f).read_text()
                   for f in ("ops_elementary.def", "ops_special.def", "ops_integrals.def"))
    rows = set(re.findall(r'ALKAHEST_OP\(\w+, "(\w+)", ([-0-9]+),', text))
    want = {name for name, _ in rows} - {"Heaviside"} | {"hypot", "Min", "Max"}
    assert ("elliptic_pi", "3") in rows and ("hyp2f1", "4") in rows
    arities = {(name, len(intervals) + len(consts[0])) for name, consts, intervals, _ in _SPECIAL_ROWS}
    assert {("elliptic_pi", 3), ("hyp2f1", 4)} <= arities, sorted(arities)
    drawn = set(SPECIAL_NAMES) | set(UNARY_ANY)  # (expr_trees, inside their arguments, has these)
    assert want <= drawn, sorted(want - drawn)


def _jax_refuses(f, xs, ys) -> bool:
    """Whether jitting the to_jax primitive f meets a row without a jax spelling (the clear error)."""
    import jax

    try:
        jax.jit(f).lower(xs, ys)
        return False
    except NotImplementedError as err:
        assert "JAX has no function for" in str(err), str(err)
        return True


def _backends_agree(items, refusable):
    import jax

    pool = ak.ExprPool()
    vs = list(pool.symbols("x y"))
    cases = [(e, smooth) for e, smooth in ((build(t, pool, vs), smooth) for t, _, smooth in items)
             if isinstance(e, ak.Expr)]  # a bare Python number is not an expression
    if not cases:
        return
    # Points from a seed the expressions' texts fix: a failure reproduces across runs.
    rng = np.random.default_rng(zlib.crc32(" ; ".join(str(e) for e, _ in cases).encode()))
    xs, ys = rng.uniform(-BOX, BOX, N), rng.uniform(-BOX, BOX, N)
    before = STATS["expressions"]
    STATS["expressions"] += len(cases)
    if EXAMPLES > 1000 and STATS["expressions"] // 500 > before // 500:  # progress of make oracle
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
        print(f"differential: {STATS['expressions']} expressions so far (peak RSS {peak} MB)", flush=True)
    exprs, names, smooth = [], [], []
    for e, sm in cases:
        exprs += [e, ak.diff(e, vs[0]), ak.diff(e, vs[1])]
        names += [f"{what} of {e}" for what in ("value", "d/dx", "d/dy")]
        smooth += [sm] * 3
    ref, slack = _check(exprs, names, smooth, vs, xs, ys, refusable)

    # The JAX primitive: its jitted lowering, and its JVP in x (symbolic) against diff, for the
    # smooth expressions, all in one function (with `refusable`, one per expression, leaving out
    # those whose value or derivative holds a row without a jax spelling).
    live = [k for k, (_, sm) in enumerate(cases) if sm]
    with jax.enable_x64(True):
        groups = [[k] for k in live] if refusable else ([live] if live else [])
        for group in groups:
            f = ak.to_jax([cases[k][0] for k in group], vs)
            jvp = (lambda f: lambda a, b: jax.jvp(f, (a, b), (jax.numpy.ones_like(a), jax.numpy.zeros_like(b))))(f)
            if refusable and (_jax_refuses(f, xs, ys) or _jax_refuses(jvp, xs, ys)):
                STATS["refused"] += 1
                continue
            values = jax.jit(f)(xs, ys)
            _, dx = jax.jit(jvp)(xs, ys)
            for j, k in enumerate(group):
                assert agree(values[j], ref[:, 3 * k], slack[:, 3 * k]), ("to_jax under jit", names[3 * k])
                assert agree(dx[j], ref[:, 3 * k + 1], slack[:, 3 * k + 1]), ("JVP of to_jax vs diff", names[3 * k + 1])


_RELATIONS = ("Lt", "Le", "Gt", "Ge", "Eq", "Ne")


@settings(max_examples=max(4, -(-EXAMPLES // (4 * BATCH))), deadline=None, suppress_health_check=list(HealthCheck))
@given(items=st.lists(expr_trees(nsyms=2, depth=3), min_size=4, max_size=4),
       rels=st.lists(st.sampled_from(_RELATIONS), min_size=3, max_size=3),
       connective=st.sampled_from(("And", "Or", "Not", None)))
def test_piecewise_backends_agree(items, rels, connective):
    """Piecewise and relations (compare/select in the Program) through every backend: the CPU
    tiers bit for bit, emitted C batch against its scalar form (a condition near its boundary may
    flip between implementations of the functions, so values across backends are compared only
    where the condition is decided the same way: see test_piecewise_compile.py for the exact
    cases)."""
    pool = ak.ExprPool()
    vs = list(pool.symbols("x y"))
    a, b, c, d = (build(t, pool, vs) for t, _, _ in items)
    a, b, c, d = (e if isinstance(e, ak.Expr) else pool.float(float(e)) for e in (a, b, c, d))
    cond = getattr(ak, rels[0])(c, d)
    if connective == "Not":
        cond = ak.Not(cond)
    elif connective is not None:
        cond = getattr(ak, connective)(cond, getattr(ak, rels[1])(a, vs[1]))
    e = ak.Piecewise((a, cond), (b, getattr(ak, rels[2])(vs[0], vs[1])), (c, True))
    if not isinstance(e, ak.Expr):
        return
    rng = np.random.default_rng(zlib.crc32(str(e).encode()))
    xs, ys = rng.uniform(-BOX, BOX, N), rng.uniform(-BOX, BOX, N)
    ys[: N // 4] = xs[: N // 4]  # ties: Eq/Le/Ge decided by equality
    STATS["expressions"] += 1
    _check([e], [f"value of {e}"], [False], vs, xs, ys)
