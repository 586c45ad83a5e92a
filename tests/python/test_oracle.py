"""SymPy as the ground truth for alkahest (the package itself never imports SymPy).

Hypothesis draws random expressions over the whole op set (see exprgen.py: every function, integer,
rational, float and symbolic powers, exact and float constants, plain Python numbers coerced, 3
symbols) with each function's real domain built in by construction. For every expression:

* ``parse(str(e), pool) == e`` (and the same for its derivative): the text reads back exactly;
* ``sympy.sympify(str(e))`` is the SymPy reading of the same text; its value at random points,
  evaluated to 30 digits, must match ``alkahest.eval_expr`` (double precision);
* the first derivative ``alkahest.diff(e, v)`` must match ``sympy.diff`` of the SymPy reading at
  the same points;
* ``alkahest.subs(e, {v: 2*sin(w)})`` must match SymPy's substitution at one point.

Points are uniform in [-BOX, BOX]**3 from a Hypothesis-seeded RNG, so they (almost surely) miss
the discontinuities of floor/ceiling/sign/atan2. A mismatch counts only when the reference is
well conditioned there: when the double result disagrees, the reference is re-evaluated at points
perturbed by ~1e-9 (relative); if *it* moves by more than the tolerance, the point is numerically
ill conditioned (near a discontinuity or a cancellation) and is skipped -- and counted, and the
test fails if more than a few percent of the points are skipped, or fewer than 500 examples ran.

SymPy sometimes takes minutes on one expression (adaptive-precision evalf of a deep cancellation,
or a derivative that expands). An example whose SymPy side exceeds SYMPY_SECONDS is abandoned
(printed, counted as slow, not a mismatch); the test fails if more than 1% are.
"""

from __future__ import annotations

import contextlib
import math
import os
import random
import signal
import time

import pytest
import sympy as sp
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import alkahest as ak
from exprgen import BOX, SYMBOL_NAMES, build, expr_trees

MIN_EXAMPLES = 500
# ALKAHEST_ORACLE_EXAMPLES=5000 runs a longer search (e.g. before a release); CI runs 600.
MAX_EXAMPLES = max(int(os.environ.get("ALKAHEST_ORACLE_EXAMPLES", "600")), MIN_EXAMPLES)
POINTS = 3
DEPTH = 6
RTOL = 1e-9
REF_DIGITS = 30
SYMPY_SECONDS = 20


class SympyTooSlow(Exception):
    pass


@contextlib.contextmanager
def sympy_time_limit(seconds):
    """Raises SympyTooSlow in the block after `seconds` (SIGALRM: the main thread, POSIX)."""
    def expire(signum, frame):
        raise SympyTooSlow()

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)

SP_SYMS = {n: sp.Symbol(n, real=True) for n in SYMBOL_NAMES}
SP_LOCALS = {**SP_SYMS, "inf": sp.oo, "nan": sp.nan, "cbrt": lambda a: sp.real_root(a, 3)}  # the real cube root


# What SymPy raises when it cannot build or evaluate something: no reference, not a mismatch.
# PrecisionExhausted: SymPy's evalf could not settle floor/ceiling of a value it cannot separate
# from an integer at any precision it tries.
SYMPY_REFUSALS = (TypeError, ValueError, ZeroDivisionError, OverflowError, NotImplementedError,
                  sp.core.evalf.PrecisionExhausted)


def sympify(text: str):
    return sp.sympify(text, locals=SP_LOCALS)


def strip_unevaluated(d):
    """SymPy leaves d/dx floor(u) (and ceiling) unevaluated, as Derivative or Subs(Derivative);
    those functions are piecewise constant, so the derivative is 0 away from their jumps."""
    if d.has(sp.Derivative, sp.Subs):
        d = d.replace(lambda a: isinstance(a, (sp.Subs, sp.Derivative)), lambda a: sp.S.Zero)
    return d


def ref_value(sexpr, point: dict) -> complex | None:
    """The SymPy value at `point` (30 digits), as a Python complex; None if not a finite number."""
    try:
        v = sexpr.xreplace({SP_SYMS[n]: sp.Float(val, REF_DIGITS + 10) for n, val in point.items()})
        v = v.evalf(REF_DIGITS)
        if not v.is_number or v.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
            return None
        c = complex(v)
    except SYMPY_REFUSALS:
        # NotImplementedError: SymPy's own evaluation gave up ("not expecting int(x) to round
        # away from 0" in acos of a float it could not round): no reference, not a mismatch
        return None
    if not (math.isfinite(c.real) and math.isfinite(c.imag)):
        return None
    return c


def real_or_none(c: complex | None, scale: float) -> float | None:
    if c is None or abs(c.imag) > 1e-20 * max(1.0, abs(c.real), scale):
        return None
    return c.real


def close(got: float, want: float, atol: float) -> bool:
    return math.isfinite(got) and abs(got - want) <= atol + RTOL * abs(want)


class Stats:
    def __init__(self):
        self.examples = 0
        self.points = 0
        self.ill_conditioned = 0
        self.rejected = 0
        self.slow = 0
        self.started = time.monotonic()


STATS = Stats()


def near_discontinuity(expr, values) -> bool:
    """Whether, at `values`, some floor/ceiling/sign argument of `expr` is within rounding error of
    a jump, or some atan2(y, x) is within rounding error of its branch cut (y = 0, x < 0).

    There the double result may legitimately differ from the exact one: `sign(cos(acos(0)))` is
    0 exactly but 1 in doubles. Found by walking alkahest's own nodes (SymPy may already have
    simplified such a subexpression away)."""
    seen = set()
    stack = [expr]
    while stack:
        e = stack.pop()
        if e.id in seen:
            continue
        seen.add(e.id)
        n = e.node()
        if n.kind == "Func" and n.op in ("floor", "ceiling", "sign", "atan2"):
            a = ak.eval_expr(n.args[0], values)
            eps = 1e-8 * max(1.0, abs(a)) if math.isfinite(a) else math.inf
            if n.op == "sign" and abs(a) <= eps:
                return True
            if n.op in ("floor", "ceiling") and abs(a - round(a)) <= eps:
                return True
            if n.op == "atan2" and abs(a) <= eps and ak.eval_expr(n.args[1], values) <= 0:
                return True
        stack.extend(n.args)
    return False


def check_at(ak_expr, sexpr, syms, point, atol, what, text, stats) -> None:
    """Compares alkahest and SymPy at one point (see the module docstring)."""
    want = real_or_none(ref_value(sexpr, point), atol)
    if want is None:
        # SymPy could not give a finite real: a domain slip of the generator, or a SymPy limit.
        stats.rejected += 1
        assume(False)
    got = ak.eval_expr(ak_expr, {s: point[n] for n, s in zip(SYMBOL_NAMES, syms)})
    stats.points += 1
    if close(got, want, atol):
        return
    values = {s: point[n] for n, s in zip(SYMBOL_NAMES, syms)}
    if near_discontinuity(ak_expr, values):
        stats.ill_conditioned += 1
        return
    # Well conditioned here? The reference must be stable under a tiny perturbation of the point.
    for k, eps in enumerate((1e-9, -1e-9, 3e-10)):
        moved = {n: v * (1 + eps * (1 + 0.37 * i)) + eps for i, (n, v) in enumerate(point.items())}
        w2 = real_or_none(ref_value(sexpr, moved), atol)
        if w2 is None or not close(w2, want, atol):
            stats.ill_conditioned += 1
            return
    raise AssertionError(
        f"{what} mismatch at {point}:\n  alkahest: {got!r}\n  sympy:    {want!r}\n  text: {text}"
    )


def sympy_or_reject(make):
    """SymPy's reading of a text, or a rejected example where SymPy cannot build one: it evaluates
    as it constructs, and some constant subexpressions stop it (atan2(0, 0) is nan to SymPy, 0 to
    IEEE 754 and alkahest, and atan2(0, nan) then raises "Invalid NaN comparison")."""
    try:
        return make()
    except SYMPY_REFUSALS:
        STATS.rejected += 1
        assume(False)


@st.composite
def oracle_cases(draw):
    tree = draw(expr_trees(nsyms=3, depth=DEPTH))
    var = draw(st.integers(0, 2))
    seed = draw(st.integers(0, 2**32 - 1))
    return tree, var, seed


@settings(max_examples=MAX_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(oracle_cases())
def _oracle(case):
    try:
        with sympy_time_limit(SYMPY_SECONDS):
            _check_case(case)
    except SympyTooSlow:
        STATS.slow += 1
        print(f"oracle: SymPy took over {SYMPY_SECONDS} s on {case[0][0]!r}; example abandoned", flush=True)
        assume(False)


def _check_case(case):
    (tree, bound, _smooth), var, seed = case
    pool = ak.ExprPool()
    syms = pool.symbols(" ".join(SYMBOL_NAMES))
    e = build(tree, pool, syms)
    assert isinstance(e, ak.Expr)
    text = str(e)

    # Round trip through alkahest's own parser.
    assert ak.parse(text, pool) == e, text

    # Values.
    se = sympy_or_reject(lambda: sympify(text))
    rng = random.Random(seed)
    points = [{n: rng.uniform(-BOX, BOX) for n in SYMBOL_NAMES} for _ in range(POINTS)]
    atol = 1e-10 * max(1.0, bound)
    for p in points:
        check_at(e, se, syms, p, atol, "value", text, STATS)

    # First derivatives.
    v = syms[var]
    d = ak.diff(e, v)
    assert d == e.diff(v)
    dtext = str(d)
    assert ak.parse(dtext, pool) == d, dtext
    sd = sympy_or_reject(lambda: strip_unevaluated(sp.diff(se, SP_SYMS[SYMBOL_NAMES[var]])))
    datol = 1e-9 * max(1.0, bound)
    for p in points:
        check_at(d, sd, syms, p, datol, f"d/d{SYMBOL_NAMES[var]}", f"{text}\n  d = {dtext}\n  sympy d = {sd}",
                 STATS)

    # Substitution (re-canonicalises on the way up): the variable becomes 2*sin(w) for another
    # symbol w, which stays inside the sample box, so every domain built into e still holds.
    w = (var + 1) % len(syms)
    repl = 2 * ak.sin(syms[w])
    es = ak.subs(e, {v: repl})
    assert ak.parse(str(es), pool) == es
    ses = se.xreplace({SP_SYMS[SYMBOL_NAMES[var]]: 2 * sp.sin(SP_SYMS[SYMBOL_NAMES[w]])})
    check_at(es, ses, syms, points[0], atol, f"subs {SYMBOL_NAMES[var]} -> {repl}", f"{text}\n  subs: {es}", STATS)
    STATS.examples += 1
    if MAX_EXAMPLES > 1000 and STATS.examples % 500 == 0:  # progress of the long run (make oracle)
        print(f"oracle: {STATS.examples} examples so far, {time.monotonic() - STATS.started:.0f} s", flush=True)


def test_oracle_against_sympy():
    STATS.__init__()
    _oracle()
    print(f"oracle: {STATS.examples} examples, {STATS.points} points, "
          f"{STATS.ill_conditioned} ill-conditioned, {STATS.rejected} rejected, {STATS.slow} abandoned (SymPy "
          f"over {SYMPY_SECONDS} s), {time.monotonic() - STATS.started:.0f} s")
    assert STATS.examples >= MIN_EXAMPLES, vars(STATS)
    assert STATS.rejected <= 0.02 * STATS.examples + 2, vars(STATS)
    assert STATS.ill_conditioned <= 0.03 * STATS.points + 2, vars(STATS)
    assert STATS.slow <= 0.01 * STATS.examples + 2, vars(STATS)
