"""simplify and the named passes: each rewrite is made exactly when the symbols' assumptions make it
an identity, and not otherwise; every result is compared with its input at points inside the
assumptions (and outside them where the rewrite must not happen)."""

import random
from fractions import Fraction

import pytest

from alkahest import (
    N,
    ExprPool,
    cos,
    cosh,
    exp,
    expand_log,
    expand_trig,
    gamma,
    log,
    logcombine,
    op_count,
    powsimp,
    radsimp,
    simplify,
    sin,
    sinh,
    sqrt,
    tan,
    tanh,
    trigsimp,
)


@pytest.fixture
def pool():
    return ExprPool()


def same_values(a, b, points):
    for p in points:
        va, vb = complex(N(a, 20, subs=p)), complex(N(b, 20, subs=p))
        assert abs(va - vb) <= 1e-12 * max(1, abs(va)), (a, b, p, va, vb)


def test_radicals_follow_the_assumptions(pool):
    x = pool.symbol("x")
    t = pool.symbol("t", positive=True)
    z = pool.symbol("z", complex=True)
    w = pool.symbol("w", negative=True)
    assert powsimp(sqrt(x**2)) == abs(x) and powsimp(sqrt(t**2)) == t and powsimp(sqrt(w**2)) == -w
    assert powsimp(sqrt(z**2)) == sqrt(z**2)  # sqrt((-1)**2) is 1, not -1: no rewrite for complex z
    assert powsimp(sqrt(4 * t**2)) == 2 * t
    assert powsimp((x**4) ** pool.rational(1, 2)) == x**2
    cube = (x**3) ** pool.rational(1, 3)  # the principal cube root of a negative cube is not x
    assert powsimp(cube) == cube and simplify(cube) == cube
    same_values(sqrt(x**2), powsimp(sqrt(x**2)), [{x: Fraction(-3, 2)}, {x: Fraction(5, 7)}])


def test_logs_follow_the_assumptions(pool):
    x, y = pool.symbols("x y")
    t, u = pool.symbol("t", positive=True), pool.symbol("u", positive=True)
    z = pool.symbol("z", complex=True)
    assert expand_log(log(x * y)) == log(x * y)  # x = y = -1: log(1) = 0 but 2*log(-1) = 2*pi*I
    assert expand_log(log(t * x)) == log(t) + log(x)  # one positive factor is enough
    assert expand_log(log(x**2)) == log(x**2)
    assert expand_log(log(t**y)) == y * log(t)
    assert logcombine(log(x) + log(y)) == log(x) + log(y)
    assert logcombine(log(t) + log(x)) == log(t * x)
    assert logcombine(2 * log(t) - log(u)) == log(t**2 / u)
    assert simplify(log(exp(x))) == x and simplify(log(exp(z))) == log(exp(z))
    assert simplify(exp(log(z))) == z
    same_values(log(t * x), expand_log(log(t * x)), [{t: Fraction(3), x: Fraction(-2)}])


def test_powers(pool):
    x, y = pool.symbols("x y")
    t, u = pool.symbol("t", positive=True), pool.symbol("u", positive=True)
    assert powsimp(exp(x) * exp(y)) == exp(x + y)
    assert powsimp(sqrt(t) * sqrt(u)) == sqrt(t * u)
    assert powsimp(sqrt(x) * sqrt(y)) == sqrt(x) * sqrt(y)  # sqrt(-1)*sqrt(-1) = -1, sqrt(1) = 1
    two = pool.integer(2)
    assert simplify(two ** (2 * x) * pool.integer(4) ** (-x)) == 1 + 0 * x
    assert simplify(two ** (x + 2) / 4) == two**x
    assert simplify(exp(3 * x * log(two))) == pool.integer(8) ** x
    assert simplify(gamma(x + 1) / gamma(x)) == x


def test_trig_and_hyperbolic(pool):
    x, y = pool.symbols("x y")
    one = pool.integer(1)
    assert trigsimp(sin(x) ** 2 + cos(x) ** 2) == one
    assert trigsimp(2 * sin(x) * cos(x)) == sin(2 * x)
    assert trigsimp(cos(x) ** 2 - sin(x) ** 2) == cos(2 * x)
    assert trigsimp(sin(x) * cos(y) + cos(x) * sin(y)) == sin(x + y)
    assert trigsimp(1 / cos(x) ** 2 - 1) == tan(x) ** 2
    assert trigsimp(sin(x) / tan(x)) == cos(x)
    assert trigsimp(sin(x - y) + sin(y - x)) == 0 * one
    assert trigsimp(cosh(x) ** 2 - sinh(x) ** 2) == one and trigsimp(tanh(x) * cosh(x)) == sinh(x)
    assert simplify((exp(x) - exp(-x)) / 2) == sinh(x)
    assert str(expand_trig(sin(2 * x))) == "2*cos(x)*sin(x)"
    assert str(expand_trig(cos(x + y))) == "cos(x)*cos(y) - sin(x)*sin(y)"
    assert str(expand_trig(sinh(x + y))) == "cosh(x)*sinh(y) + cosh(y)*sinh(x)"
    e = sin(3 * x) + tan(x + y)
    rng = random.Random(1)
    same_values(e, expand_trig(e), [{x: Fraction(rng.randint(-300, 300), 100), y: Fraction(1, 3)} for _ in range(4)])


def test_radsimp(pool):
    t = pool.symbol("t", positive=True)
    two, three = pool.integer(2), pool.integer(3)
    assert str(radsimp(1 / (1 + sqrt(two)))) == "sqrt(2) - 1"
    assert str(radsimp(1 / (sqrt(three) - sqrt(two)))) == "sqrt(2) + sqrt(3)"
    # The conjugate sqrt(t) - 1 is 0 at t = 1: rewriting would turn 1/2 into 0/0.
    assert radsimp(1 / (sqrt(t) + 1)) == 1 / (sqrt(t) + 1)


def test_simplify_never_costlier_and_bad_input(pool):
    x = pool.symbol("x")
    e = sin(x) + x**2
    assert simplify(e) == e
    assert op_count(simplify((x**2 - 1) / (x - 1))) < op_count((x**2 - 1) / (x - 1))
    assert simplify(e, measure=lambda f: len(str(f))) == e
    with pytest.raises(TypeError):
        simplify("x")
    with pytest.raises(TypeError):
        simplify(e, measure=3)
    deep = x
    for _ in range(3000):
        deep = sin(deep)
    assert simplify(deep) == deep  # deeper than 1000 levels: returned as it is, no stack overflow
    f = pool.float(1.5) * x + x / 3  # floats: the exact algorithms refuse them; simplify still answers
    assert simplify(f) == f or op_count(simplify(f)) <= op_count(f)


def test_powers_with_one_base_of_unknown_sign(pool):
    x, y, q = pool.symbols("x y q")
    t = pool.symbol("t", positive=True)
    two = pool.integer(2)
    assert powsimp(two**q * y**q) == (2 * y) ** q  # 2 > 0 is enough
    assert powsimp(x**q * y**q) == x**q * y**q  # (-1)**q*(-1)**q is not 1**q
    assert powsimp(t**q * y**q) == (t * y) ** q
    same_values(t**q * y**q, (t * y) ** q, [{t: Fraction(3, 2), y: Fraction(-2), q: Fraction(1, 3)}])


def test_gamma_ratio_only_for_integer_powers(pool):
    x = pool.symbol("x")
    half = pool.rational(1, 2)
    e = gamma(x + 1) ** half / gamma(x) ** half  # at x = -1/2: -I*sqrt(2)/2, while sqrt(x) = I*sqrt(2)/2
    assert simplify(e) != sqrt(x)
    same_values(e, simplify(e), [{x: Fraction(-1, 2)}, {x: Fraction(5, 2)}])
    assert simplify(gamma(x + 3) / gamma(x)) == x * (x + 1) * (x + 2) or op_count(simplify(gamma(x + 3) / gamma(x))) <= 5


def test_infinities_are_left_to_the_kernel(pool):
    x = pool.symbol("x")
    e = sin(pool.oo * x) ** 2 + cos(pool.oo * x) ** 2  # undefined for x != 0, not 1
    assert simplify(e) == e and trigsimp(e) == e


def test_measure_must_return_a_finite_number(pool):
    x = pool.symbol("x")
    e = (x**2 - 1) / (x - 1)
    with pytest.raises(ValueError, match="finite"):
        simplify(e, measure=lambda f: float("nan"))
    with pytest.raises(ValueError, match="finite"):
        simplify(e, measure=lambda f: float("inf"))
    with pytest.raises(TypeError, match="number"):
        simplify(e, measure=lambda f: "big")
    with pytest.raises(ZeroDivisionError):
        simplify(e, measure=lambda f: 1 / 0)  # the measure's own error comes through
    assert simplify(e, measure=lambda f: -op_count(f)) == e or op_count(simplify(e, measure=lambda f: -op_count(f))) >= op_count(e)
