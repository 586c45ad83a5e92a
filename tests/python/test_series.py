"""alkahest.series: the API, exact results checked by independent routes, and clear errors."""

from __future__ import annotations

from fractions import Fraction

import pytest

from alkahest import (
    ExprPool, N, asin, atan, cos, exp, expand, gamma, log, series, series_data, sin, sqrt, subs, tan,
)


@pytest.fixture
def pool():
    return ExprPool()


def test_taylor_rational_coefficients(pool):
    x = pool.symbol("x")
    d = series_data(exp(sin(x)), x, 0, 6)
    assert d.order == 6 and d.local == x
    assert [(e, str(c)) for e, c in d.terms] == [(0, "1"), (1, "1"), (2, "1/2"), (4, "-1/8"), (5, "-1/15")]
    # tan: the odd coefficients are tangent numbers / n!
    t = series_data(tan(x), x, 0, 10)
    assert [str(c) for _, c in t.terms] == ["1", "1/3", "2/15", "17/315", "62/2835"]


def test_product_of_series_is_series_of_product(pool):
    """An independent route: multiply two series and truncate; compare with the series of the product."""
    x = pool.symbol("x")
    a = series_data(exp(x), x, 0, 8).sum
    b = series_data(cos(x), x, 0, 8).sum
    both = series_data(exp(x) * cos(x), x, 0, 8)
    prod = expand(a * b)
    kept = series_data(prod, x, 0, 8).terms  # truncation of the polynomial product
    assert [(e, c) for e, c in kept if e < 8] == both.terms


def test_laurent_and_fibonacci(pool):
    x = pool.symbol("x")
    d = series_data(1 / sin(x), x, 0, 4)
    assert [(e, str(c)) for e, c in d.terms] == [(-1, "1"), (1, "1/6"), (3, "7/360")]
    f = series_data(1 / (1 - x - x**2), x, 0, 30)
    fib = [1, 1]
    while len(fib) < 30:
        fib.append(fib[-1] + fib[-2])
    assert [int(c.node().value) for _, c in f.terms] == fib


def test_puiseux_and_log_terms(pool):
    x = pool.symbol("x")
    d = series_data(sqrt(x) * exp(x), x, 0, 3)
    assert [e for e, _ in d.terms] == [Fraction(1, 2), Fraction(3, 2), Fraction(5, 2)]
    xx = series_data(x**x, x, 0, 3)
    assert str(xx.sum) == "x*log(x) + x**2*log(x)**2/2 + 1"
    a = series_data(asin(1 - x), x, 0, 2)
    assert a.terms[0] == (0, pool.pi / 2) and a.terms[1][0] == Fraction(1, 2)


def test_symbolic_point_and_parameters(pool):
    x, a = pool.symbols("x a")
    d = series_data(exp(x), x, a, 3)
    assert d.local == x - a and all(c == exp(a) / [1, 1, 2][k] for k, (_, c) in enumerate(d.terms))
    p = series_data((1 + x) ** a, x, 0, 3)
    assert str(p.terms[2][1]) == "-a/2 + a**2/2"


def test_at_infinity_and_direction(pool):
    x = pool.symbol("x")
    d = series_data(atan(x), x, pool.oo, 4)
    assert d.local == 1 / x and d.terms[0] == (0, pool.pi / 2) and d.terms[1] == (1, -1 + 0 * x)
    m = series_data(log(x), x, 0, 3, "-")
    assert m.terms == [(0, pool.pi * pool.I + log(-x))]
    s = series_data(sqrt(x), x, 0, 3, "-")
    assert str(s.sum) == "I*sqrt(-x)"


def test_gamma_at_poles_and_regular_points(pool):
    x = pool.symbol("x")
    d = series_data(gamma(x), x, 0, 2)
    assert d.terms[0] == (-1, 1 + 0 * x) and d.terms[1] == (0, -pool.EulerGamma)
    # value check near the point: gamma(1e-6) - (1/t - EulerGamma + c1 t)
    t = pool.rational(1, 10**6)
    g = complex(N(gamma(t), 40))
    s = complex(N(subs(series_data(gamma(x), x, 0, 3).sum, {x: t}), 40))
    assert abs(g - s) < 1e-15


def test_exact_results_have_no_order(pool):
    x = pool.symbol("x")
    assert series_data(x**2 + 1, x, 0, 6).order is None
    assert series_data(cos(x) ** 2 + sin(x) ** 2, x, 0, 6).terms == [(0, 1 + 0 * x)]


def test_series_result_and_methods(pool):
    x = pool.symbol("x")
    r = series(sin(x), x, 0, 4)
    assert r.removeO() == x - x**3 / 6
    assert sin(x).series(x, n=4).removeO() == x - x**3 / 6


def test_errors_are_clear(pool):
    x, y = pool.symbols("x y")
    with pytest.raises(ValueError, match="essential singularity"):
        series_data(exp(1 / x), x, 0, 4)
    with pytest.raises(ValueError, match="branch"):
        series_data(asin(1 + pool.I * x), x, 0, 3)  # a non-real path into the branch point
    with pytest.raises(ValueError, match="above the limit"):
        series_data(exp(x), x, 0, 10**6)
    with pytest.raises(ValueError, match="order n"):
        series_data(exp(x), x, 0, -1)
    with pytest.raises(ValueError, match="must not contain"):
        series_data(exp(x), x, x + 1, 3)
    with pytest.raises(ValueError, match="must be a symbol"):
        series_data(exp(x), x + y, 0, 3)
    with pytest.raises(ValueError, match="dir"):
        series_data(exp(x), x, 0, 3, "up")
    with pytest.raises(TypeError):
        series_data(exp(x), x, 0, 2.5)
    with pytest.raises(ValueError, match="not finite"):
        series_data(log(x - x), x, 0, 3)


def test_high_order_is_fast(pool):
    x = pool.symbol("x")
    d = series_data(exp(sin(x)), x, 0, 200)
    assert d.order == 200 and len(d.terms) > 150


def test_real_path_into_a_branch_point(pool):
    # asin(1 + x) for x -> 0+ runs along the cut: pi/2 - I*acosh(1 + x) (the principal values, as
    # evaluated); mpmath at x = 1e-4 checks the three terms
    import mpmath as m
    from alkahest import N, subs
    x = pool.symbol("x")
    s = series(asin(1 + x), x, 0, 3).removeO()
    v = complex(N(subs(s, {x: pool.rational(1, 10**4)}), 30))
    assert abs(v - complex(m.asin(1 + m.mpf("1e-4")))) < 1e-11


def test_exp_and_tan_of_hurwitz_series_match_sympy_ring_series(pool):
    """exp and tan/tanh of series with integer k! a_k (sin x, tan x, log(1 + x), x*exp(x), ...) run
    on an integer recurrence (power_series.cpp, Hurwitz form); others on FLINT's series. Both are
    checked against SymPy's ring_series (an independent implementation), at lengths on either
    side of the cases the benchmark times."""
    from sympy import QQ
    from sympy.polys.rings import ring
    from sympy.polys.ring_series import rs_exp, rs_log, rs_mul, rs_sin, rs_tan, rs_tanh

    R, X = ring("X", QQ)
    x = pool.symbol("x")
    n = 45
    cases = [
        (exp(sin(x)), lambda: rs_exp(rs_sin(X, X, n), X, n)),
        (tan(x), lambda: rs_tan(X, X, n)),
        (tan(sin(x)), lambda: rs_tan(rs_sin(X, X, n), X, n)),
        (exp(tan(x)), lambda: rs_exp(rs_tan(X, X, n), X, n)),
        (exp(x * exp(x)), lambda: rs_exp(rs_mul(X, rs_exp(X, X, n), X, n), X, n)),
        (tan(log(1 + x)), lambda: rs_tan(rs_log(1 + X, X, n), X, n)),
        (exp(-x + 3 * x**2 - 2 * x**5), lambda: rs_exp(-X + 3 * X**2 - 2 * X**5, X, n)),
        # not Hurwitz (x/3, x**2/7): FLINT's series
        (exp(x / 3 + x**2 / 7), lambda: rs_exp(X / 3 + X**2 / 7, X, n)),
        (tan(x / 3 - x**2), lambda: rs_tan(X / 3 - X**2, X, n)),
    ]
    from alkahest import tanh

    cases.append((tanh(x), lambda: rs_tanh(X, X, n)))
    cases.append((tanh(sin(x) + x**2), lambda: rs_tanh(rs_sin(X, X, n) + X**2, X, n)))
    for f, want in cases:
        got = {int(e): Fraction(str(c)) for e, c in series_data(f, x, 0, n).terms}
        w = want()
        expect = {k: Fraction(int(w.coeff(X**k).numerator), int(w.coeff(X**k).denominator)) for k in range(n)}
        expect = {k: v for k, v in expect.items() if v != 0}
        assert len(got) > 5 and got == expect, str(f)
