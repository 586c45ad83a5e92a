"""RootOf's meaning (src/poly/rootof.cpp): the fixed order (real roots increasing, then by real and
imaginary part, decided exactly), certified values through N/evalf, the double value in compiled
code; solve and roots give RootOf where no readable radical form exists (the three-real-roots cubic),
checked by substitution and against SymPy's CRootOf and nroots."""

from __future__ import annotations

import numpy as np
import pytest

from alkahest import (Eq, ExprPool, N, RootOf, compile_expr, nroots, parse, roots, solve)


def value(e, digits=30):
    return complex(N(e, digits))


@pytest.fixture
def pool():
    return ExprPool()


def test_order_matches_nroots_and_sympy(pool):
    sympy = pytest.importorskip("sympy")
    x = pool.symbol("x")
    sx = sympy.Symbol("x")
    for text in ["x**5 - x - 1", "x**4 - 2", "x**3 - 3*x + 1", "x**6 + x**2 + 1", "2*x**5 - 7*x**3 + x - 4",
                 "x**4 + 1", "(x**2 - 2)*(x**3 - x - 1)"]:
        p = parse(text, pool).subs({pool.symbol("x"): x})
        ours = [value(RootOf(p, x, k)) for k in range(len(nroots(p, x)))]
        np.testing.assert_allclose(ours, [complex(r) for r in nroots(p, x)], rtol=1e-14, atol=1e-14)
        sp = sympy.Poly(sympy.sympify(text), sx)
        ref = [complex(sympy.N(sympy.CRootOf(sp, k), 30)) for k in range(sp.degree())]
        np.testing.assert_allclose(ours, ref, rtol=1e-14, atol=1e-14)


def test_values_are_certified_and_roots(pool):
    x = pool.symbol("x")
    p = x**5 - x - 1
    r = RootOf(p, x, 0)
    v = N(r, 50)
    assert str(v).startswith("1.1673039782614186842560458998548")
    assert abs(value(p.subs({x: r}), 40)) < 1e-35  # certified zero to 40 digits
    assert value(RootOf(p, x, 0)).imag == 0 and value(RootOf(p, x, 1)).imag < 0 < value(RootOf(p, x, 2)).imag


def test_compiled_value(pool):
    x, y = pool.symbols("x y")
    r = RootOf(x**3 - 3 * x + 1, x, 2)
    f = compile_expr(y * r, [y])
    assert f([1.0]) == pytest.approx(1.532088886237956, rel=1e-16)
    with pytest.raises(ValueError, match="not a real number"):
        compile_expr(y * RootOf(x**4 + 1, x, 0), [y])


def test_casus_irreducibilis_gives_rootof(pool):
    x = pool.symbol("x")
    p = x**3 - 3 * x + 1  # three real roots, irreducible: no real radical form
    r = roots(p, x)
    assert sorted(str(k) for k in r) == [str(RootOf(p, x, k)) for k in range(3)]
    sols = solve(p, x)
    assert [s[x] for s in sols] == [RootOf(p, x, k) for k in range(3)]
    for s in sols:
        assert abs(value(p.subs({x: s[x]}))) < 1e-25
    z = pool.symbol("z", complex=True)
    q = z**5 - z - 1
    assert len(solve(q, z)) == 5 and len(solve(x**5 - x - 1, x)) == 1  # real x: the one real root


def test_polynomial_system_through_rootof(pool):
    sympy = pytest.importorskip("sympy")
    x, y = pool.symbols("x y")
    eqs = [x**2 + y - 3, x + y**2 - 5]
    sols = solve(eqs, [x, y])
    for s in sols:
        for e in eqs:
            assert abs(value(e.subs(dict(s)))) < 1e-20
    sx, sy = sympy.symbols("x y")
    ref = [(complex(sympy.N(a, 30)), complex(sympy.N(b, 30)))
           for a, b in sympy.solve_poly_system([sx**2 + sy - 3, sx + sy**2 - 5], sx, sy)]
    ref = sorted((round(a.real, 9), round(b.real, 9)) for a, b in ref if abs(a.imag) < 1e-20 and abs(b.imag) < 1e-20)
    got = sorted((round(value(s[x]).real, 9), round(value(s[y]).real, 9)) for s in sols)
    assert got == ref


def test_equations_as_relations(pool):
    x = pool.symbol("x")
    assert solve(Eq(x**2, 4), x) == solve(x**2 - 4, x)
    with pytest.raises(NotImplementedError, match="only equations"):
        solve(x < 1, x)
    assert solve(Eq(x, x), x)[0].parameters == [x]
