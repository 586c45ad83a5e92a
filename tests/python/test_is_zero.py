"""is_zero's exact proofs (issue 15): constants that are zero without being canonically 0 are
proved True by Calcium's exact arithmetic; never True for a non-zero value, never False for a zero.

SymPy is the independent check: it parses alkahest's text and evaluates it to 120 digits, so every
True answer is confirmed to be 0 to 100 digits, and every value that is not 0 must not be True.
"""

import random

import pytest
import sympy

import alkahest as ak
from alkahest import ExprPool, is_zero, parse


@pytest.fixture
def pool():
    return ExprPool()


def sympy_abs(e, digits=120):
    """|value| of alkahest's expression e, through SymPy alone (its own parser and evalf)."""
    v = sympy.N(sympy.sympify(str(e)), digits, maxn=2000)
    if v.free_symbols or not v.is_finite:
        return None  # (log(0) and the like: not a number to compare)
    return abs(complex(v))


def assert_zero_100_digits(e):
    v = sympy.N(sympy.sympify(str(e)), 120, maxn=2000)
    assert v == 0 or abs(v) < sympy.Float("1e-100"), (str(e), v)


ZEROS = [
    "sqrt(2) + sqrt(3) - sqrt(5 + 2*sqrt(6))",
    "(1 + sqrt(2))**3 - 7 - 5*sqrt(2)",
    "exp(I*pi/3) - 1/2 - sqrt(3)*I/2",
    "log(8) - 3*log(2)",
    "cos(pi/5) - (1 + sqrt(5))/4",
    "sqrt(2)**2 - 2",
    "sqrt(2)*sqrt(3) - sqrt(6)",
    "sin(pi/7)**2 + cos(pi/7)**2 - 1",
    "(-8)**(1/3) - 1 - sqrt(3)*I",
    "tan(pi/8) - sqrt(2) + 1",
    "exp(sqrt(2))*exp(sqrt(3)) - exp(sqrt(2) + sqrt(3))",
    "cosh(log(2)) - 5/4",
    "atan(sqrt(2) - 1) - pi/8",
    "(2**(1/3) + 1)**3 - 3*2**(2/3) - 3*2**(1/3) - 3",
    "sqrt(3 + 2*sqrt(2)) - 1 - sqrt(2)",
]


@pytest.mark.parametrize("text", ZEROS)
def test_proved_zero(pool, text):
    e = parse(text, pool)
    assert is_zero(e) is True, (text, str(e))
    assert_zero_100_digits(e)


@pytest.mark.parametrize(
    "text",
    [
        "pi - 355/113",
        "exp(pi*sqrt(163)) - 640320**3 - 744",  # about -7.5e-13
        "sqrt(2) + sqrt(3) - sqrt(10)",
        "(-8)**(1/3) + 2",  # the principal cube root is 1 + sqrt(3)*I, not -2
        "log(8) - 3*log(3)",
    ],
)
def test_nonzero_is_false(pool, text):
    e = parse(text, pool)
    assert is_zero(e) is False
    assert sympy_abs(e) > 1e-20


@pytest.mark.parametrize(
    "text",
    [
        "x*(sqrt(2)*sqrt(3) - sqrt(6))",  # a symbol
        "sqrt(2)*sqrt(3) - 1.5*sqrt(6) + 0.5*sqrt(6)",  # floats: nothing exact to prove
        "gamma(1/3)*gamma(2/3) - 2*pi/sqrt(3)",  # outside what is handed to Calcium
    ],
)
def test_undecided(pool, text):
    assert is_zero(parse(text, pool)) is None


def _surd(pool, rng):
    """A random algebraic constant: r * p**(1/k), sometimes plus another, sometimes times I."""
    r = pool.rational(rng.randint(-9, 9) or 1, rng.randint(1, 5))
    s = r * pool.integer(rng.choice([2, 3, 5, 6, 7, 10])) ** pool.rational(1, rng.choice([2, 2, 3]))
    if rng.random() < 0.4:
        s = s + pool.rational(rng.randint(-5, 5), rng.randint(1, 3)) * ak.sqrt(pool.integer(rng.choice([2, 3, 5])))
    if rng.random() < 0.2:
        s = s * pool.I
    return s


def test_zero_by_construction_is_never_false(pool):
    # Identities of random surds, none of them canonically 0 in the kernel: True or None, never
    # False; and Calcium proves most of them.
    rng = random.Random(20261202)
    identities = [
        lambda a, b: (a + b) ** 2 - a**2 - 2 * a * b - b**2,
        lambda a, b: (a + b) * (a - b) - a**2 + b**2,
        lambda a, b: (a * b) ** 3 - a**3 * b**3,
        lambda a, b: (a + b) ** 3 - a**3 - 3 * a**2 * b - 3 * a * b**2 - b**3,
        lambda a, b: ak.exp(a) * ak.exp(b) - ak.exp(a + b),
        lambda a, b: 1 / (a + b + 20) - (a - b + 20) / ((a + 20) ** 2 - b**2) + 0 * a,
    ]
    proved = total = 0
    for _ in range(40):
        a, b = _surd(pool, rng), _surd(pool, rng)
        e = rng.choice(identities)(a, b)
        r = is_zero(e)
        assert r is not False, str(e)
        if r is True:
            assert_zero_100_digits(e)
        total += 1
        proved += r is True
    assert proved >= total * 3 // 4, (proved, total)


def _random_constant(pool, rng, depth):
    if depth == 0:
        c = rng.random()
        if c < 0.5:
            return _surd(pool, rng)
        if c < 0.7:
            return pool.rational(rng.randint(-20, 20), rng.randint(1, 7))
        return rng.choice([pool.pi, pool.E, pool.I, pool.pi * pool.rational(1, rng.choice([3, 4, 5, 6]))])
    a, b = _random_constant(pool, rng, depth - 1), _random_constant(pool, rng, depth - 1)
    c = rng.random()
    if c < 0.3:
        return a + b
    if c < 0.55:
        return a - b
    if c < 0.75:
        return a * b
    if c < 0.82:
        return ak.exp(a / 4)
    if c < 0.88:
        return ak.cos(a)
    if c < 0.94:
        return ak.sin(b)
    return ak.log(a * a + 1)


def test_random_nonzero_is_never_true(pool):
    rng = random.Random(15)
    checked = 0
    for _ in range(150):
        e = _random_constant(pool, rng, rng.choice([1, 2, 3]))
        r = is_zero(e)
        v = sympy_abs(e)
        if v is None:
            continue
        if r is True:
            assert v < 1e-100, str(e)
        elif r is False:
            assert v > 1e-100, str(e)
        if v > 1e-90:
            assert r is not True, str(e)
            checked += 1
    assert checked > 100
    # Near misses: a zero plus a tiny exact rational is not zero.
    for text in ZEROS:
        e = parse(text, pool) + pool.rational(1, 10**60)
        assert is_zero(e) is False, text


def test_big_expressions_return(pool):
    # Calcium's effort is bounded: a zero too big for its limits is None (or True), not a hang.
    primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71]
    s = sum((ak.sqrt(pool.integer(p)) for p in primes), pool.integer(0))
    assert is_zero(s**2 - ak.expand(s**2)) in (True, None)
    t = sum((pool.integer(p) ** pool.rational(1, 5) for p in primes[:8]), pool.integer(0))
    assert is_zero(t**6 - ak.expand(t**6)) in (True, None)
