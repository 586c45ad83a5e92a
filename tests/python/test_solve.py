"""solve and roots (src/solve, docs/solve.md): every solution is substituted back into its
equations (exactly where the result is exact, to 1e-12 otherwise); solution sets of polynomial
systems are compared with SymPy's (the oracle, tests only)."""

from __future__ import annotations

import cmath
import itertools
import random

import pytest

from alkahest import (AlkahestError, Condition, ExprPool, N, SolveUnsupportedError, cancel, cos, exp, expand, log,
                      roots, sin, solve, sqrt, tan)


def is_exact_zero(e):
    node = e.node()
    return node.kind == "Number" and node.value == 0


def value(e, digits=30):
    """The complex value of a constant expression, certified to `digits` digits."""
    return complex(N(e, digits))


def residual(eq, sol, extra=None):
    """|eq| at the solution (and at values of the remaining symbols in `extra`)."""
    e = eq.subs({**sol, **(extra or {})})
    return abs(value(e)) if e.free_symbols == set() else None


def check_solutions(eqs, sols, params=None, n_values=(-2, 0, 3)):
    """Every solution satisfies every equation: exactly (cancel gives 0) or to 1e-12 at parameter
    points where the solution's conditions hold."""
    eqs = eqs if isinstance(eqs, list) else [eqs]
    for sol in sols:
        for eq in eqs:
            sub = eq.subs(dict(sol))
            try:
                if is_exact_zero(cancel(expand(sub))):
                    continue
            except (ValueError, AlkahestError):
                pass
            free = set(sub.free_symbols).union(*(c.expr.free_symbols for c in sol.conditions))
            ints = [s for s in free if str(s).startswith("n")]
            points = []
            rng = random.Random(7)
            for _ in range(6):
                pt = {s: rng.choice([0.5, 1.5, 2.25, 3.0, 0.75]) for s in free if s not in ints}
                for k in n_values:
                    full = {**pt, **{s: k for s in ints}}
                    if all(c.holds(full) for c in sol.conditions):
                        points.append(full)
            assert points, f"no point satisfies the conditions of {sol}"
            for pt in points:
                v = _num(sub, pt)
                assert abs(v) < 1e-12, (eq, sol, pt, v)


def _num(e, pt):
    pool = next(iter(pt)).pool if pt else None
    if pool is None:
        return value(e)
    from fractions import Fraction

    sub = e.subs({s: (pool.integer(v) if isinstance(v, int) else pool.rational(Fraction(v).numerator, Fraction(v).denominator))
                  for s, v in pt.items()})
    return value(sub)


@pytest.fixture
def pool():
    return ExprPool()


# ---- univariate polynomials --------------------------------------------------------------------------

def test_linear_and_quadratic(pool):
    x = pool.symbol("x")
    assert solve(2 * x - 3, x) == [{x: pool.rational(3, 2)}]
    sols = solve(x**2 - 2, x)
    assert sols == [{x: -sqrt(pool.integer(2))}, {x: sqrt(pool.integer(2))}]
    check_solutions(x**2 - 2, sols)
    assert solve(x**2 - 8, x) == [{x: -2 * sqrt(pool.integer(2))}, {x: 2 * sqrt(pool.integer(2))}]
    assert solve(x**2 + 1, x) == []  # x is real (the default)
    z = pool.symbol("z", complex=True)
    assert solve(z**2 + 1, z) == [{z: -pool.I}, {z: pool.I}]


def test_real_domain_follows_assumptions(pool):
    x = pool.symbol("x")
    z = pool.symbol("z", complex=True)
    p = pool.symbol("p", positive=True)
    eq = lambda v: v**4 - 1  # noqa: E731
    assert len(solve(eq(x), x)) == 2 and len(solve(eq(z), z)) == 4
    assert {str(v[p]) for v in solve(eq(p), p)} <= {"1", "-1"}
    check_solutions(eq(z), solve(eq(z), z))


def test_repeated_and_rational_roots(pool):
    x = pool.symbol("x")
    r = roots((x - 1) ** 3 * (x + 2) * (2 * x - 1))
    assert r == {pool.integer(-2): 1, pool.rational(1, 2): 1, pool.integer(1): 3}
    assert solve((x - 1) ** 3 * (x + 2), x) == [{x: pool.integer(-2)}, {x: pool.integer(1)}]


def test_cubic_one_real_root_cardano(pool):
    x = pool.symbol("x")
    for p in [x**3 - x - 1, x**3 + 3 * x - 2, 2 * x**3 - 4 * x**2 + 3 * x + 7, x**3 - 2]:
        z = pool.symbol("z", complex=True)
        pz = p.subs({x: z})
        rz = roots(pz, z)
        assert sum(rz.values()) == 3
        for root in rz:
            assert abs(value(pz.subs({z: root}))) < 1e-20
        # the three values are distinct and each is a root
        vals = [value(v) for v in rz]
        assert min(abs(a - b) for a, b in itertools.combinations(vals, 2)) > 1e-6
        real = roots(p, x, domain="real")
        assert len(real) == 1 and abs(value(next(iter(real))).imag) == 0


def test_biquadratic_quartic(pool):
    z = pool.symbol("z", complex=True)
    for p in [z**4 + 1, z**4 - 10 * z**2 + 1, z**4 + z**2 + 1, (z + 1) ** 4 - 3 * (z + 1) ** 2 + 1]:
        r = roots(expand(p), z)
        assert sum(r.values()) == 4
        for root in r:
            assert abs(value(p.subs({z: root}))) < 1e-20


def test_symbolic_quadratic_carries_conditions(pool):
    x, a, b, c = pool.symbols("x a b c")
    sols = solve(a * x**2 + b * x + c, x)
    assert len(sols) == 2
    for s in sols:
        assert Condition(a, "!=") in s.conditions
        assert any(cnd.rel == ">=" for cnd in s.conditions)  # real x: discriminant >= 0
    check_solutions(a * x**2 + b * x + c, sols)
    sol, = solve(a * x - 1, x)
    assert sol == {x: 1 / a} and sol.conditions == [Condition(a, "!=")]
    assert "a != 0" in repr(sol)


def test_rational_equations_drop_poles(pool):
    x = pool.symbol("x")
    assert solve((x**2 - 1) / (x - 1), x) == [{x: pool.integer(-1)}]
    assert solve(1 / (x - 1) - 1 / (x**2 - 1), x) == [{x: pool.integer(0)}]
    assert solve(1 / x, x) == []


def test_identity_and_contradiction(pool):
    x, a = pool.symbols("x a")
    assert solve(pool.integer(0) * x + 1, x) == []
    all_x, = solve([x - x], [x])
    assert all_x == {} and all_x.parameters == [x]
    when, = solve([a - 1 + 0 * x], [x])
    assert when == {} and when.conditions == [Condition(a - 1, "==")]


# ---- transcendental ----------------------------------------------------------------------------------

def test_exp_log(pool):
    x = pool.symbol("x")
    w = pool.symbol("w", complex=True)
    assert solve(exp(x) - 3, x) == [{x: log(pool.integer(3))}]
    assert solve(exp(x) + 3, x) == []
    sol, = solve(exp(w) - 3, w)
    assert sol.parameters and sol.parameters[0].assumptions.get("integer")
    check_solutions(exp(w) - 3, [sol])
    assert solve(log(x) - 2, x) == [{x: exp(pool.integer(2))}]
    sols = solve(exp(2 * x) - 3 * exp(x) + 2, x)
    assert sols == [{x: pool.integer(0)}, {x: log(pool.integer(2))}]
    check_solutions(exp(2 * x) - 3 * exp(x) + 2, sols)


def test_trig_general_and_principal(pool):
    x, a = pool.symbols("x a")
    sols = solve(sin(x) - pool.rational(1, 2), x)
    assert len(sols) == 2 and all(len(s.parameters) == 1 for s in sols)
    assert not any(s.principal for s in sols)
    check_solutions(sin(x) - pool.rational(1, 2), sols)
    princ = solve(sin(x) - pool.rational(1, 2), x, general=False)
    assert all(s.principal for s in princ) and "principal" in repr(princ[0])
    check_solutions(sin(x) - pool.rational(1, 2), princ)
    assert solve(sin(x) - 2, x) == []  # real x
    sols = solve(sin(x) - a, x)
    assert all(Condition(1 - a, ">=") in s.conditions for s in sols)
    check_solutions(sin(x) - a, sols)
    sols = solve(cos(2 * x) - pool.rational(1, 2), x)
    check_solutions(cos(2 * x) - pool.rational(1, 2), sols)
    sols = solve(tan(x) - 1, x)
    check_solutions(tan(x) - 1, sols)


def test_radicals_in_the_unknown(pool):
    x = pool.symbol("x")
    assert solve(sqrt(x) - 3, x) == [{x: pool.integer(9)}]
    assert solve(sqrt(x) + 3, x) == []
    check_solutions(x - sqrt(x) - 2, solve(x - sqrt(x) - 2, x))
    assert solve(x - sqrt(x) - 2, x) == [{x: pool.integer(4)}]


# ---- linear systems ----------------------------------------------------------------------------------

def test_linear_systems(pool):
    x, y, z, a, b = pool.symbols("x y z a b")
    assert solve([x + y - 3, x - y - 1], [x, y]) == [{x: pool.integer(2), y: pool.integer(1)}]
    under, = solve([x + y + z - 1, x - y], [x, y, z])
    assert under.parameters == [z] and set(under) == {x, y}
    check_solutions([x + y + z - 1, x - y], [under])
    assert solve([x + y - 1, 2 * x + 2 * y - 3], [x, y]) == []
    cond, = solve([x + y - 1, 2 * x + 2 * y - a], [x, y])
    assert cond.conditions == [Condition(a - 2, "==")]
    sol, = solve([a * x + y - 1, x - b * y], [x, y])
    check_solutions([a * x + y - 1, x - b * y], [sol])
    assert sol.conditions  # a*b + 1 != 0


def test_random_rational_linear_systems_substitute_back():
    rng = random.Random(3)
    pool = ExprPool()
    for n in (1, 2, 4, 7):
        xs = pool.symbols(" ".join(f"v{i}" for i in range(n)))
        xs = list(xs) if n > 1 else [xs]
        for _ in range(4):
            eqs = [sum((pool.rational(rng.randint(-9, 9), rng.randint(1, 5)) * v for v in xs), pool.integer(0))
                   + rng.randint(-5, 5) for _ in range(n)]
            sols = solve(eqs, xs)
            for s in sols:
                for e in eqs:
                    assert is_exact_zero(cancel(e.subs(dict(s))))
            assert len(sols) == 1 or not sols


# ---- polynomial systems vs SymPy ---------------------------------------------------------------------

def _sympy_solutions(eqs_text, names, real):
    sympy = pytest.importorskip("sympy")
    syms = sympy.symbols(names)
    local = dict(zip(names, syms))
    eqs = [sympy.sympify(t, locals=local) for t in eqs_text]
    out = set()
    for s in sympy.solve(eqs, syms, dict=True):
        vals = tuple(complex(sympy.N(s[v], 30)) for v in syms)
        if real and any(abs(v.imag) > 1e-20 for v in vals):
            continue
        out.add(tuple((round(v.real, 9), round(v.imag, 9)) for v in vals))
    return out


POLY_SYSTEMS = [
    (["x**2 + y**2 - 4", "x - y"], "x y"),
    (["x**2 - 2", "y**2 - 3"], "x y"),
    (["x*y - 1", "x**2 + y**2 - 4"], "x y"),
    (["x**2 - y", "y**2 - 2"], "x y"),
    (["x**2 + y - 3", "x + y**2 - 5"], "x y"),  # quartic elimination polynomial
    (["x + y + z - 6", "x*y + y*z + z*x - 11", "x*y*z - 6"], "x y z"),
    (["x**2 + y**2 + z**2 - 3", "x - y", "y - z"], "x y z"),
    (["x**2 - 1", "y**2 - x", "z - x*y"], "x y z"),
    (["x**2 + y**2 - 1", "x**2 - y"], "x y"),
]


@pytest.mark.parametrize("eqs_text,names", POLY_SYSTEMS)
@pytest.mark.parametrize("domain", ["real", "complex"])
def test_polynomial_systems_match_sympy(eqs_text, names, domain):
    from alkahest import parse

    pool = ExprPool()
    kw = {} if domain == "real" else {"complex": True}
    syms = [pool.symbol(n, **kw) for n in names.split()]
    local = {str(s): s for s in syms}
    eqs = [parse(t, pool).subs({pool.symbol(n): local[n] for n in names.split()}) for t in eqs_text]
    sols = solve(eqs, syms)
    check_solutions(eqs, sols)
    got = set()
    for s in sols:
        vals = tuple(value(s[v]) for v in syms)
        got.add(tuple((round(v.real, 9), round(v.imag, 9)) for v in vals))
    assert len(got) == len(sols)  # distinct
    assert got == _sympy_solutions(eqs_text, names.split(), domain == "real")


def test_inconsistent_and_positive_dimensional(pool):
    x, y = pool.symbols("x y")
    assert solve([x**2 + y, x**2 + y - 1], [x, y]) == []
    with pytest.raises(SolveUnsupportedError, match="infinitely many"):
        solve([x * y], [x, y])


# ---- errors ------------------------------------------------------------------------------------------

def test_clear_errors(pool):
    x, y = pool.symbols("x y")
    with pytest.raises(SolveUnsupportedError, match="several independent forms"):
        solve(x - cos(x), x)
    with pytest.raises(NotImplementedError):
        solve(x - cos(x), x)
    with pytest.raises(SolveUnsupportedError, match="degree 4 with symbolic"):
        solve(x**4 + y * x + 1, x)
    zc = x.pool.symbol("zc", complex=True)
    with pytest.raises(SolveUnsupportedError, match="degree 3 with symbolic"):
        solve(zc**3 + y * zc + 1, zc)  # a complex unknown: the cubic formulas are for real x
    with pytest.raises(ValueError, match="must be a symbol"):
        solve(x - 1, [x + 1])
    with pytest.raises(ValueError, match="given twice"):
        solve(x - 1, [x, x])
    with pytest.raises(ValueError, match="different"):
        solve(x - 1, [ExprPool().symbol("x")])
    with pytest.raises(TypeError):
        solve("x - 1", x)
    with pytest.raises(TypeError, match="bool"):
        solve(x == 1, x)
    with pytest.raises(ValueError, match="zero polynomial"):
        roots(x - x + 0 * y + pool.integer(0), x)
    with pytest.raises(ValueError, match="not a polynomial"):
        roots(sin(x) + x, x)


def test_roots_api(pool):
    x, a = pool.symbols("x a")
    r = roots(a * x**2 - 1, x)
    assert r.conditions == [Condition(a, "!=")]
    assert roots(x**2 - 1) == {pool.integer(-1): 1, pool.integer(1): 1}
    with pytest.raises(ValueError, match="say which"):
        roots(x * a)
    assert cmath.isclose(value(next(iter(roots(x**3 - 2, x, domain="real")))), 2 ** (1 / 3))


def test_symbolic_cubic_real_roots(pool):
    """x**3 + a*x + b and a general symbolic cubic for a real x: Cardano (D > 0), the double root
    (D = 0) and the trigonometric form (D < 0), each under its condition; at rational parameter
    points the solutions whose conditions hold are exactly the real roots, with multiplicity
    (numpy.roots as the independent route), and each satisfies the equation."""
    np = pytest.importorskip("numpy")
    x, a, b = pool.symbols("x a b")
    for eq, coeffs in [(x**3 + a * x + b, lambda av, bv: [1, 0, av, bv]),
                       (x**3 + a * x**2 - 2 * x + b, lambda av, bv: [1, av, -2, bv])]:
        sols = solve(eq, x)
        for av, bv in [(-3, 2), (-3, 1), (1, 1), (-6, 4), (2, -5), (0, 0), (0, 3), (-3, -2), (-7, 3)]:
            pt = {a: av, b: bv}
            got = []
            for s in sols:
                if all(c.holds(pt) for c in s.conditions):
                    got.append(complex(value(s[x].subs({a: pool.integer(av), b: pool.integer(bv)}))).real)
            want = [r.real for r in np.roots(coeffs(av, bv)) if abs(r.imag) < 1e-6]
            distinct = lambda vs: sorted({round(v, 6) + 0.0 for v in vs})  # noqa: E731
            assert distinct(got) == distinct(want), (eq, pt, got, want)
            for g in got:
                assert abs(np.polyval(coeffs(av, bv), g)) < 1e-9, (eq, pt, g)
    sols = solve(x**3 - a, x)  # p = 0: no trigonometric branch; the one real root cbrt(a)
    for av in (2, -5, 0):
        vals = {round(complex(value(s[x].subs({a: pool.integer(av)}))).real, 9) + 0.0
                for s in sols if all(c.holds({a: av}) for c in s.conditions)}
        assert vals == {round(float(np.cbrt(av)), 9) + 0.0}, (av, vals)


def test_symbolic_biquadratic(pool):
    """x**4 + a*x**2 + b through t = x**2: at rational parameter points the solutions whose
    conditions hold are exactly numpy.roots' roots (real ones for a real x, all for a complex z)."""
    np = pytest.importorskip("numpy")
    a, b = pool.symbols("a b")
    for name, kw in (("x", {}), ("z", {"complex": True})):
        v = pool.symbol(name, **kw)
        sols = solve(v**4 + a * v**2 + b, v)
        check_solutions(v**4 + a * v**2 + b, sols)
        for av, bv in [(-5, 4), (3, 2), (-2, 1), (1, -6), (0, -16), (2, 5), (0, 0)]:
            pt = {a: av, b: bv}
            got = [value(s[v].subs({a: pool.integer(av), b: pool.integer(bv)}))
                   for s in sols if all(c.holds(pt) for c in s.conditions)]
            want = [r for r in np.roots([1, 0, av, 0, bv]) if kw or abs(r.imag) < 1e-7]
            key = lambda zs: sorted({(round(z.real, 6) + 0.0, round(z.imag, 6) + 0.0) for z in zs})  # noqa: E731
            assert key(got) == key(want), (name, pt, got, want)


PARAMETRIC_SYSTEMS = [
    (["x*y - a", "x + y - b"], "x y", "a b"),
    (["x**2 + y**2 - a", "x - y"], "x y", "a"),
    (["x**2 + y**2 - r**2", "y - m*x - c"], "x y", "r m c"),
    (["a*x + y - 1", "x**2 - y"], "x y", "a"),
    (["x + y + z - a", "x - y - b", "x*z - 1"], "x y z", "a b"),
    (["x**2 - a*y", "y - 2*x + b"], "x y", "a b"),
    (["exp(x) - y", "y - a"], "x y", "a"),
]


@pytest.mark.parametrize("eqs_text,names,params", PARAMETRIC_SYSTEMS)
def test_parametric_systems_by_substitution(eqs_text, names, params):
    """Systems with parameters, one equation linear in an unknown: every solution substitutes
    back, and at rational parameter points the solutions whose conditions hold are SymPy's real
    solutions of the specialised system (the oracle)."""
    sympy = pytest.importorskip("sympy")
    from fractions import Fraction

    from alkahest import parse

    pool = ExprPool()
    syms = [pool.symbol(n) for n in names.split()]
    ps = [pool.symbol(n) for n in params.split()]
    eqs = [parse(t, pool) for t in eqs_text]
    sols = solve(eqs, syms)
    check_solutions(eqs, sols)
    rng = random.Random(len(eqs_text[0]))
    seen = 0
    for _ in range(4):
        pv = {p: Fraction(rng.randint(-6, 9), rng.randint(1, 3)) for p in ps}
        exact = {p: pool.rational(v.numerator, v.denominator) for p, v in pv.items()}
        got = set()
        for s in sols:
            if all(c.holds({p: float(v) for p, v in pv.items()}) for c in s.conditions):
                vals = tuple(value(s[v].subs(exact)) for v in syms)
                got.add(tuple((round(z.real, 8) + 0.0, round(z.imag, 8) + 0.0) for z in vals))
        S = sympy.symbols(names)
        S = S if isinstance(S, tuple) else (S,)
        local = {**dict(zip(names.split(), S)), **{str(p): sympy.Rational(v.numerator, v.denominator) for p, v in pv.items()}}
        want = set()
        for s in sympy.solve([sympy.sympify(t, locals=local) for t in eqs_text], S, dict=True):
            vals = tuple(complex(sympy.N(s[v], 30)) for v in S)
            if all(abs(z.imag) < 1e-20 for z in vals):
                want.add(tuple((round(z.real, 8) + 0.0, 0.0) for z in vals))
        assert got == want, (eqs_text, pv, got, want)
        seen += len(want)
    assert seen > 0  # some parameter point has real solutions
