"""series against SymPy's on the corpus of tests/data/series_oracle.json (written by
make_series_data.py), and against the function itself near the point.

Coefficient by coefficient: both sides evaluated at the sample point (log(x) and the parameter a
take values there) to 30 digits; exponents below the smaller of the two orders. Our order must
reach SymPy's (or the requested n). Numerically: |f(x(t)) - sum| <= 1e3 * t**(order - 1/4) at
t = 1e-12, with Arb (the error of a wrong coefficient would be t**(-3/4) = 1e9 times larger).
"""

from __future__ import annotations

import json
import os
from fractions import Fraction

import pytest

from alkahest import ExprPool, N, parse, series_data, subs

DATA = json.load(open(os.path.join(os.path.dirname(__file__), "..", "data", "series_oracle.json")))
CASES = DATA["cases"]

POOL = ExprPool()
X, A = POOL.symbols("x a")
A_VALUE = Fraction(61, 100)

# Cases where alkahest declines with a ValueError on purpose; every other case must expand.
DECLINED: dict[str, str] = {}


def _parse(text):
    return parse(text.replace("Abs(", "abs("), POOL, symbols=[X, A])


def _value(expr, x_value):
    v = N(subs(expr, {X: x_value, A: A_VALUE}), 30)
    return complex(v)


def _local_x(x0, direction, tv):
    """x for the local variable value tv (see make_series_data.local_x)."""
    if x0 == "oo":
        return 1 / tv
    if x0 == "-oo":
        return -1 / tv
    p = _parse(x0)
    return p + tv if direction == "+" else p - tv


@pytest.mark.parametrize("case", CASES, ids=[f"{c['expr']}@{c['x0']}{c['dir']}" for c in CASES])
def test_series_matches_sympy(case):
    if "sympy_error" in case:
        pytest.skip("SymPy: " + case["sympy_error"])
    expr = _parse(case["expr"])
    x0 = POOL.oo if case["x0"] == "oo" else (-POOL.oo if case["x0"] == "-oo" else _parse(case["x0"]))
    try:
        ours = series_data(expr, X, x0, case["n"], case["dir"])
    except ValueError as e:
        assert case["expr"] in DECLINED, f"declined: {e}"
        return
    theirs_order = None if case["order"] is None else Fraction(case["order"])
    bound = [q for q in (ours.order, theirs_order) if q is not None]
    m = min(bound) if bound else None
    if ours.order is not None:
        assert ours.order >= min(theirs_order if theirs_order is not None else case["n"], case["n"]), (
            f"order {ours.order} below SymPy's {theirs_order}"
        )
    xs = _parse(case["x_sample"])
    theirs = {Fraction(e): complex(float(re), float(im)) for e, _, re, im in case["terms"]}
    mine = {Fraction(e): c for e, c in ours.terms}
    for e in sorted(set(theirs) | set(mine)):
        if m is not None and e >= m:
            continue
        want = theirs.get(e, 0)
        got = _value(mine[e], xs) if e in mine else 0
        assert abs(got - want) <= 1e-12 * max(1.0, abs(want)), f"coefficient of t**{e}: {got} != SymPy's {want}"


def _numeric_case(c):
    """Cases without the parameter a (the function is then a number at each point)."""
    return "sympy_error" not in c and c["x0"] != "a" and A not in _parse(c["expr"]).free_symbols


NUMERIC = [c for c in CASES if _numeric_case(c)]


@pytest.mark.parametrize("case", NUMERIC, ids=[f"{c['expr']}@{c['x0']}{c['dir']}" for c in NUMERIC])
def test_series_matches_function(case):
    expr = _parse(case["expr"])
    x0 = POOL.oo if case["x0"] == "oo" else (-POOL.oo if case["x0"] == "-oo" else _parse(case["x0"]))
    try:
        ours = series_data(expr, X, x0, case["n"], case["dir"])
    except ValueError:
        assert case["expr"] in DECLINED
        return
    tv = POOL.rational(1, 10**12)
    xv = _local_x(case["x0"], case["dir"], tv)
    f = complex(N(subs(expr, {X: xv}), 40))
    s = complex(N(subs(ours.sum, {X: xv}), 40)) if ours.sum.free_symbols else complex(N(ours.sum, 40))
    if ours.order is None:
        assert abs(f - s) <= 1e-30 * max(1.0, abs(f))
    else:
        assert abs(f - s) <= 1e3 * (1e-12) ** (float(ours.order) - 0.25), (f, s)
