"""Limits decided by rules added for SymPy's limit suites (issue 20) whose inputs carry facts
(complex or integer parameters, a variable that is not declared real): each answer is compared with
the expected value and checked by an independent route, mpmath at 120 digits at points ever closer
to the limit point with the parameters at given values (the values must approach the answer)."""

from __future__ import annotations

import pytest

from alkahest import N, ExprPool, is_zero, limit, parse

sp = pytest.importorskip("sympy")
mpmath = pytest.importorskip("mpmath")

from test_limit_rules import _approaches, _points  # noqa: E402  (the same approach points)

C = {"complex": True}
POS_INT = {"integer": True, "positive": True}
POS = {"positive": True}

# (expression, variable, point, dir, expected, facts of the symbols, parameter values for the check)
CASES = [
    # a power with an integer exponent by the facts: no branch cut to cross, whatever the base
    ("((x + y)**n - x**n)/y", "y", "0", "+", "n*x**(n - 1)", {"x": C, "y": C, "n": POS_INT},
     {"x": "-2 + I/3", "n": "5"}),
    ("((x + y)**n - x**n)/y", "y", "0", "+", "n*x**(n - 1)", {"x": C, "y": C, "n": POS_INT},
     {"x": "-3", "n": "2"}),
    ("((I*x - 1)**k - (-1)**k)/x", "x", "0", "-", "-I*k*(-1)**k", {"k": POS_INT}, {"k": "3"}),
    # powers and logs of B = c0 + R with R real along the path (B - c0 = t): B stays in c0's closed
    # half plane, on the negative axis with c0 < 0 (principal values on the cut): no crossing
    ("((y + t)**b - y**b)/((y + t)**a - y**a)", "t", "0", "+", "b*y**(b - a)/a", {"y": C, "a": C, "b": C},
     {"y": "-2", "a": "1/3 + I", "b": "2 - I"}),
    ("((y + t)**b - y**b)/((y + t)**a - y**a)", "t", "0", "-", "b*y**(b - a)/a", {"y": C, "a": C, "b": C},
     {"y": "1 + 2*I", "a": "-1/2", "b": "3*I"}),
    ("(log(y + t) - log(y))/t", "t", "0", "-", "1/y", {"y": C}, {"y": "-3"}),
    ("(sqrt(y - t) - sqrt(y))/t", "t", "0", "+", "-1/(2*sqrt(y))", {"y": C}, {"y": "-1/5"}),
    # B - c0 = K*r with r real and K - c0 real: real where c0 is (exp(x)*(exp(t) - 1) for c0 = exp(x) + 1)
    ("(sqrt(exp(x + t) + 1) - sqrt(exp(x) + 1))/t", "t", "0", "+", "exp(x)/(2*sqrt(exp(x) + 1))", {"x": C},
     {"x": "1 + 2*I"}),
    ("(sqrt(y*exp(t) + 1) - sqrt(y + 1))/t", "t", "0", "+", "y/(2*sqrt(y + 1))", {"y": C}, {"y": "-3"}),
    ("(log(y*exp(-t) - 1) - log(y - 1))/t", "t", "0", "-", "-y/(y - 1)", {"y": C}, {"y": "-1/2"}),
    # complete elliptic integrals at modulus -> 0: K, E = pi/2 (1 +- m/4 + ...)
    ("(elliptic_k(x) - elliptic_e(x))/x", "x", "0", "+", "pi/4", {}, {}),
    ("(elliptic_k(x**2) + elliptic_e(x**2) - pi)/x**4", "x", "0", "-", "3*pi/64", {}, {}),
    ("((1 - 3*x**2)*elliptic_e(4*x/(x + 1)**2)**2/2 - (x - 1)**2*elliptic_e(4*x/(x + 1)**2)"
     "*elliptic_k(4*x/(x + 1)**2)/2)/(pi**2*x**2)", "x", "0", "+", "-1/8", {"x": C}, {}),
    # abs(A) of a non-real A = sqrt(re(A)**2 + im(A)**2), a complex parameter's parts as constants
    ("z*(abs(y + 1/z) - abs(y - 1/z))/2", "z", "0", "+", "0", {"y": C, "z": POS}, {"y": "2 - 3*I"}),
    ("abs(x + y) - x", "x", "oo", "+", "re(y)", {"y": C}, {"y": "-1 + 2*I"}),
    ("x*(abs(y + 1/x) - abs(y))", "x", "0", "+", "1", {"y": C}, {"y": "1/2 + I"}),
    ("abs(x + y)**2 - x**2 - 2*x*re(y)", "x", "oo", "+", "re(y)**2 + im(y)**2", {"y": C}, {"y": "3 - I"}),
    # a bounded oscillating term dominated in its sum, with a complex parameter
    ("(x/(n + sin(n)) + 1)**n", "n", "oo", "+", "exp(x)", {"x": C, "n": C}, {"x": "1 - 2*I"}),
    # floats that are fractions with small denominators (0.5, 1.5, 16.5) taken at their exact values,
    # where the float exponents' differences were not compared (SymPy's issue 19453)
    ('-0.5*h*omega + h*(-1.5*x*g*h**2*omega*exp(0.5*x*h*omega) - 16.5*x*g*h**2*omega*exp(1.5*x*h*omega) - 16.5*x*g*h**2*omega*exp(2.5*x*h*omega) - 1.5*x*g*h**2*omega*exp(3.5*x*h*omega) - 3.0*g*h*exp(0.5*x*h*omega) - 3.0*g*h*exp(1.5*x*h*omega) + 3.0*g*h*exp(2.5*x*h*omega) + 3.0*g*h*exp(3.5*x*h*omega) + 2.0*m**2*omega**3*exp(0.5*x*h*omega) - 2.0*m**2*omega**3*exp(1.5*x*h*omega) - 2.0*m**2*omega**3*exp(2.5*x*h*omega) + 2.0*m**2*omega**3*exp(3.5*x*h*omega))/(3.0*x*g*h**2*exp(0.5*x*h*omega) + 3.0*x*g*h**2*exp(1.5*x*h*omega) - 3.0*x*g*h**2*exp(2.5*x*h*omega) - 3.0*x*g*h**2*exp(3.5*x*h*omega) - 4.0*m**2*omega**2*exp(0.5*x*h*omega) + 12.0*m**2*omega**2*exp(1.5*x*h*omega) - 12.0*m**2*omega**2*exp(2.5*x*h*omega) + 4.0*m**2*omega**2*exp(3.5*x*h*omega))', "x", "oo", "+", "0", {"x": POS, "g": POS, "h": POS, "m": POS, "omega": POS},
     {"g": "2", "h": "1/3", "m": "3/2", "omega": "5/4"}),
]

MP = {"elliptic_k": mpmath.ellipk, "elliptic_e": mpmath.ellipe}


def _numeric(text, var, point, direction, expected, values):
    mpmath.mp.dps = 120
    loc = {"elliptic_k": sp.Function("elliptic_k"), "elliptic_e": sp.Function("elliptic_e")}
    v = sp.Symbol(var)
    subs = {sp.Symbol(k): sp.sympify(val) for k, val in values.items()}
    # the parameters as arguments at 120 digits (a constant such as (-2)**(2 - I) would otherwise be
    # evaluated by Python in double precision)
    params = sorted(subs, key=str)
    f = sp.lambdify([v, *params], sp.sympify(text, locals=loc), [MP, "mpmath"])
    pv = [mpmath.mpc(sp.re(subs[q]).evalf(130), sp.im(subs[q]).evalf(130)) for q in params]
    pv = [c.real if c.imag == 0 else c for c in pv]
    got = [mpmath.mpc(f(p, *pv)) for p in _points(point, direction)]
    _approaches(got, expected, subs)


@pytest.mark.parametrize("text,var,point,direction,expected,facts,values", CASES)
def test_limit_rule_with_facts(text, var, point, direction, expected, facts, values):
    pool = ExprPool()
    names = sorted({var, *facts, *values})
    syms = {n: pool.symbol(n, **facts.get(n, {})) for n in names}
    e = parse(text, pool, symbols=list(syms.values()))
    got = limit(e, syms[var], parse(point, pool), direction)
    want = parse(expected, pool, symbols=list(syms.values()))
    assert got is not None, text
    same = got == want or is_zero(got - want) is True
    if not same and not got.free_symbols:
        same = abs(complex(N(got - want, 40))) < 1e-35
    assert same, (text, str(got), expected)
    _numeric(text, var, point, direction, expected, values)


# Iterated logarithms, whose values approach the limit too slowly for the points above: checked at
# x = exp(exp(exp(k))) (x -> oo) or its reciprocal (x -> 0+). The sign of log(A) for A -> +oo is the
# sign of A - 1, so that log(log(A)) expands on its principal branch.
ITERATED = [
    ("log(log(-log(4/(3*x)))) - log(log(log(x)))", "oo", "+", "0"),
    ("(log(log(-log(4*x/3))) - log(log(-log(x))))*log(x)*log(-log(x))", "0", "+", "log(4/3)"),
    ("log(log(-log(4/(3*x**(5/14)))))/log(log(log(x)))", "oo", "+", "1"),
]


@pytest.mark.parametrize("text,point,direction,expected", ITERATED)
def test_iterated_log_limit(text, point, direction, expected):
    pool = ExprPool()
    x = pool.symbol("x", real=True)
    got = limit(parse(text, pool, symbols=[x]), x, parse(point, pool), direction)
    want = parse(expected, pool, symbols=[x])
    assert got is not None and (got == want or is_zero(got - want) is True), (text, str(got))
    mpmath.mp.dps = 120
    f = sp.lambdify(sp.Symbol("x"), sp.sympify(text), "mpmath")
    L = mpmath.mpf(sp.sympify(expected).evalf(120))
    errs = []
    for k in (2, 3, 4):
        t = mpmath.exp(mpmath.exp(mpmath.mpf(k)))  # log(x) = +-t
        xv = mpmath.exp(t) if point == "oo" else mpmath.exp(-t)
        errs.append(abs(f(xv) - L))
    assert errs[2] < errs[0] and errs[2] < 0.05, errs


# Bounded oscillating terms where no limit exists (or where the bound is not dominated): no answer,
# never a value (the oscillating term as a parameter t would give 0, 1/t or 2*t).
NO_LIMIT = [
    "1/(1 + x*sin(x)**2)",
    "x/(x**2*sin(x)**2 + x)",
    "1/((x + sin(x))**2 - x**2)",
    "((x + sin(x))**2 - x**2)/x",
    "x*((x + sin(x))/x - 1)",
    "x*(sqrt(x**2 + sin(x)) - x)",
    "x**2*(1/(x + sin(x)) - 1/x)",
    "(x + sin(x))**x/x**x",
    "(1 + sin(x)/x)**x",
    "exp(x + sin(x))/exp(x)",
]


@pytest.mark.parametrize("text", NO_LIMIT)
def test_oscillating_without_limit(text):
    pool = ExprPool()
    x = pool.symbol("x", real=True)
    got = limit(parse(text, pool, symbols=[x]), x, parse("oo", pool), "+")
    assert got is None or got.node().kind == "Object", (text, str(got))


# Floats in exponentials (w**0.03 against w**-0.03): leads of one exact exponent add up, float
# differences of exponents count only well clear of rounding; the answer is a float, checked against
# mpmath and SymPy's exact value to double precision.
FLOATS = [
    ("x/((x - 6)*sinh(tanh(0.03*x)) + tanh(x) - 0.5)", "1/sinh(1)"),
    ("x/((x - 6)*sinh(tanh(0.1*x)) + tanh(x) - 0.5)", "1/sinh(1)"),
]


@pytest.mark.parametrize("text,expected", FLOATS)
def test_float_exponent_limit(text, expected):
    pool = ExprPool()
    x = pool.symbol("x", real=True)
    got = limit(parse(text, pool, symbols=[x]), x, parse("oo", pool), "+")
    assert got is not None and not got.free_symbols, (text, str(got))
    want = complex(sp.sympify(expected).evalf(30))
    assert abs(complex(N(got, 20)) - want) < 1e-14 * abs(want), (text, str(got))
    mpmath.mp.dps = 60
    f = sp.lambdify(sp.Symbol("x"), sp.sympify(text), "mpmath")
    assert abs(f(mpmath.mpf(10) ** 12) - want) < 1e-10  # (the error is about 5/x)


def test_float_exponents_too_close_stay_undecided():
    # 0.1*x + 0.2*x builds as 0.30000000000000004*x: the exponents differ by rounding only
    pool = ExprPool()
    x = pool.symbol("x", real=True)
    got = limit(parse("(exp(0.3*x) + exp(0.1*x + 0.2*x))/exp(0.3*x)", pool, symbols=[x]), x, parse("oo", pool), "+")
    assert got is None or got.node().kind == "Object", str(got)
