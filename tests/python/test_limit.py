"""alkahest.limit: classic limits, directions, infinities, refusals (None, never a guess)."""

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
    assert _unevaluated(limit(sin(1 / x), x, 0))          # oscillates
    assert _unevaluated(limit(sin(x), x, pool.oo))
    assert _unevaluated(limit(abs(x) / x, x, 0, "+-"))     # the one-sided limits differ


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
