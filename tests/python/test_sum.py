"""alkahest.summation: closed forms checked by the difference S(n+1) - S(n) = term(n+1) (exactly,
with cancel) and against direct summation for small n (exact rational arithmetic); infinite sums
against partial sums; the refusals (harmonic numbers, zeta(2)) give None, not a value."""

from __future__ import annotations

from fractions import Fraction

import pytest

import alkahest as ak


def _value(e):
    return Fraction(str(e))


@pytest.mark.parametrize("text,lo", [("k", 1), ("k**2", 1), ("k**3 - 2*k + 7", 0), ("2**k", 0), ("k*2**k", 0),
                                     ("k**2*3**k", 1), ("1/(k*(k + 1))", 1), ("1/(4*k**2 - 1)", 1),
                                     ("1/(k*(k + 1)*(k + 3))", 1), ("(k + 1)/(2**k)", 0)])
def test_finite_sums(text, lo):
    pool = ak.ExprPool()
    k, n = pool.symbols("k n")
    t = ak.parse(text, pool)
    S = ak.summation(t, (k, lo, n))
    assert S is not None
    # Difference: S(n) - S(n-1) = t(n), exactly at integer n (2**(n + 1) and 2*2**n are one value).
    d = S - ak.subs(S, {n: n - 1}) - ak.subs(t, {k: n})
    for j in (30, 31, 47, 100):
        assert str(ak.subs(d, {n: pool.integer(j)})) == "0"
    # Direct sums.
    for upper in range(lo, lo + 12):
        direct = sum(_value(ak.subs(t, {k: pool.integer(j)})) for j in range(lo, upper + 1))
        assert _value(ak.subs(S, {n: pool.integer(upper)})) == direct


def test_symbolic_ratio_and_parameters():
    pool = ak.ExprPool()
    k, n, r, a = pool.symbols("k n r a")
    S = ak.summation(a * r**k, (k, 0, n))
    for j in range(6):
        direct = sum(pool.rational(3, 2) * pool.rational(5, 7) ** i for i in range(j + 1))
        got = ak.subs(S, {a: pool.rational(3, 2), r: pool.rational(5, 7), n: pool.integer(j)})
        assert str(ak.cancel(got - direct)) == "0"


def _no_value(r):
    """No closed form: None, or the unevaluated Sum where the kernel has the object."""
    return r is None or str(r).startswith("Sum(")


def test_infinite_sums():
    pool = ak.ExprPool()
    k = pool.symbol("k")
    assert str(ak.summation(pool.rational(1, 2) ** k, (k, 0, pool.oo))) == "2"
    assert str(ak.summation(1 / (k * (k + 1)), (k, 1, pool.oo))) == "1"
    assert str(ak.summation(1 / (4 * k**2 - 1), (k, 1, pool.oo))) == "1/2"
    v = ak.summation(k * pool.rational(1, 3) ** k, (k, 1, pool.oo))
    assert str(v) == "3/4"
    # Divergent or not in closed form here: no value.
    assert _no_value(ak.summation(2**k, (k, 0, pool.oo)))
    assert _no_value(ak.summation(k, (k, 1, pool.oo)))
    assert _no_value(ak.summation(1 / k**2, (k, 1, pool.oo)))


def test_refusals_and_errors():
    pool = ak.ExprPool()
    k, n = pool.symbols("k n")
    assert _no_value(ak.summation(1 / k, (k, 1, n)))  # harmonic numbers
    assert _no_value(ak.summation(ak.sin(k), (k, 1, n)))
    assert ak.antidifference(1 / k, k) is None
    with pytest.raises(TypeError):
        ak.summation("k", (k, 1, n))
    with pytest.raises(ValueError):
        ak.summation(k, (k, 1))
    with pytest.raises(TypeError, match="symbol"):
        ak.summation(k, (k + 1, 1, n))
