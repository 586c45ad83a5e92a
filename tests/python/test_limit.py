"""alkahest.limit: classic limits, directions, infinities, oscillation (AccumBounds, as SymPy),
refusals (None or the unevaluated Limit, never a guess)."""

from __future__ import annotations

import pytest

from alkahest import ExprPool, atan, cos, exp, limit, log, sin, sqrt


@pytest.fixture
def pool():
    return ExprPool()


def test_classic_limits(pool):
    x = pool.symbol("x")
    oo = pool.oo
    assert limit((1 + 1 / x) ** x, x, oo) == pool.E
    assert limit(x**x, x, 0) == pool.integer(1)
    assert limit(sin(x) / x, x, 0) == pool.integer(1)
    assert limit((1 - cos(x)) / x**2, x, 0) == pool.rational(1, 2)
    assert limit(sqrt(x**2 + x) - x, x, oo) == pool.rational(1, 2)
    assert limit(atan(x), x, oo) == pool.pi / 2 and limit(atan(x), x, -oo) == -pool.pi / 2
    assert limit(x * sin(1 / x), x, oo) == pool.integer(1)
    # exp-log nesting (Gruntz's thesis examples)
    assert limit(exp(x) * (exp(1 / x - exp(-x)) - exp(1 / x)), x, oo) == pool.integer(-1)
    assert limit(exp(x) / x**100, x, oo) == oo and limit(x**100 / exp(x), x, oo) == pool.integer(0)
    assert limit(log(log(x)) / log(x), x, oo) == pool.integer(0) and limit(x * log(x), x, 0) == pool.integer(0)


def test_directions(pool):
    x = pool.symbol("x")
    assert limit(1 / x, x, 0, "+") == pool.oo and limit(1 / x, x, 0, "-") == -pool.oo
    assert limit(1 / x, x, 0, "+-") == pool.zoo
    assert limit(1 / x**2, x, 0, "+-") == pool.oo
    assert limit(exp(-1 / x), x, 0, "+") == pool.integer(0) and limit(exp(-1 / x), x, 0, "-") == pool.oo
    assert limit(x.limit(x, 2), x, 0) == pool.integer(2) and (x**2).limit(x, 3) == pool.integer(9)


def _unevaluated(r):
    """No answer: the unevaluated Limit object (None in a build without objects)."""
    return r is None or (r.node().kind == "Object" and r.node().op == "Limit")


def test_no_limit_is_unevaluated(pool):
    x = pool.symbol("x")
    assert _unevaluated(limit(abs(x) / x, x, 0, "+-"))     # the one-sided limits differ
    assert _unevaluated(limit(sin(x) + cos(x), x, pool.oo))  # oscillates, bounds not computed
    assert _unevaluated(limit(x * sin(x), x, pool.oo))       # unbounded oscillation
    assert _unevaluated(limit(exp(sin(x)), x, pool.oo))


def _bounds(r):
    assert r is not None and r.node().kind == "Object" and r.node().op == "AccumBounds", r
    return tuple(r.args)


OSCILLATING = [  # (expression, point, direction): SymPy's limit is AccumBounds(lo, hi)
    ("sin(1/x)", "0", "+"), ("sin(1/x)", "0", "-"), ("sin(1/x)", "0", "+-"), ("cos(1/x)", "0", "+"),
    ("cos(x)", "oo", "-"), ("sin(x)", "oo", "-"), ("sin(x)", "-oo", "+"), ("2 + 3*sin(x)", "oo", "-"),
    ("1 - sin(x)/2", "oo", "-"), ("exp(-x) + (1 + 1/x)*cos(x**2)", "oo", "-"), ("-5*cos(1/(x - 1))", "1", "+"),
    ("atan(x) + sin(x)", "oo", "-"), ("sin(log(x))", "0", "+"), ("x/(x + 1) * sin(sqrt(x))", "oo", "-"),
]


@pytest.mark.parametrize("text,point,direction", OSCILLATING)
def test_oscillating_limits_are_accumbounds_like_sympy(text, point, direction):
    sp = pytest.importorskip("sympy")
    from alkahest import AccumBounds, from_sympy, parse
    pool = ExprPool()
    x = pool.symbol("x")
    ours = limit(parse(text, pool, symbols=[x]), x, parse(point, pool, symbols=[x]), direction)
    sx = sp.Symbol("x", real=True)
    theirs = sp.limit(sp.sympify(text, locals={"x": sx}), sx, sp.sympify(point), direction)
    assert isinstance(theirs, sp.AccumBounds), theirs
    assert ours == from_sympy(theirs, pool) == AccumBounds(from_sympy(theirs.min, pool), from_sympy(theirs.max, pool))
    lo, hi = _bounds(ours)
    assert sp.simplify(to_sympy_value(lo) - theirs.min) == 0 and sp.simplify(to_sympy_value(hi) - theirs.max) == 0


def to_sympy_value(e):
    from alkahest import to_sympy
    return to_sympy(e)


def test_oscillation_times_a_vanishing_factor_is_decided(pool):
    # |b*sin(u)| <= |b| -> 0: the limit exists (checked against SymPy where it has it)
    x = pool.symbol("x")
    assert limit(x * sin(1 / x), x, 0) == pool.integer(0)
    assert limit(sin(x) / x + 2, x, pool.oo) == pool.integer(2)


def test_accumbounds_object(pool):
    from alkahest import AccumBounds, parse, to_sympy
    x = pool.symbol("x")
    ab = AccumBounds(-1, pool.integer(1))
    assert str(ab) == "AccumBounds(-1, 1)" and parse(str(ab), pool) == ab
    assert ab.args == [pool.integer(-1), pool.integer(1)] or tuple(ab.args) == (pool.integer(-1), pool.integer(1))
    assert AccumBounds(pool.integer(2), 2) == pool.integer(2)              # a point
    with pytest.raises(ValueError, match="above"):
        AccumBounds(pool.integer(2), 1)
    with pytest.raises(ValueError, match="real"):
        AccumBounds(pool.I, 1)
    assert limit(sin(1 / x), x, 0).free_symbols == set()
    sp = pytest.importorskip("sympy")
    assert to_sympy(ab) == sp.AccumBounds(-1, 1)


def test_parameters(pool):
    x, a = pool.symbols("x a")
    assert str(limit(a * x, x, pool.oo)) == "oo*sign(a)"
    assert limit(exp(a) * x / x, x, 1) == exp(a)


def test_bad_arguments(pool):
    x, y = pool.symbols("x y")
    with pytest.raises(ValueError, match="symbol"):
        limit(x, x + y, 0)
    with pytest.raises(ValueError, match="dir"):
        limit(x, x, 0, "left")
    with pytest.raises(ValueError, match="point"):
        limit(x, x, x + 1)
