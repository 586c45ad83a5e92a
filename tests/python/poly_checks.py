"""The checks of one polynomial-algebra case against SymPy's answer (cases from polygen.py): shared by
test_poly_oracle.py (precomputed cases) and test_poly_live_oracle.py (cases drawn live).

Each check_KIND(case) asserts; every result is also checked by an independent route (multiply back,
divide back, exact values at rational points through the kernel's own arithmetic).
"""

from __future__ import annotations

import random
from decimal import Decimal
from fractions import Fraction

import alkahest as ak

POOL = ak.ExprPool()
X, Y, Z, W, A, B = POOL.symbols("x y z w a b")
SYMS = {"x": X, "y": Y, "z": Z, "w": W, "a": A, "b": B}


class NoPoint(Exception):
    """No rational point without a pole was found (not a failure of alkahest)."""


def P(text: str) -> ak.Expr:
    return ak.parse(text, POOL, SYMS)


def is_zero_poly(e: ak.Expr) -> bool:
    return ak.expand(e) == POOL.integer(0)


def same_up_to_sign(a: ak.Expr, b: ak.Expr) -> bool:
    return is_zero_poly(a - b) or is_zero_poly(a + b)


def values_at(exprs, syms, rng, tries=20):
    """Exact values of every expression at one random rational point where all are defined."""
    for _ in range(tries):
        point = {s: Fraction(rng.randrange(-40, 41), rng.randrange(1, 9)) for s in syms}
        try:
            vals = [ak.subs(e, point) for e in exprs]
        except ZeroDivisionError:
            continue
        if all(v.node().kind == "Number" for v in vals):
            return vals
    raise NoPoint()


def check_equal_at_points(exprs, n=3, seed=0):
    rng = random.Random(seed)
    for _ in range(n):
        vals = values_at(exprs, list(SYMS.values()), rng)
        assert all(v == vals[0] for v in vals), [str(v) for v in vals]


def split_fraction(e: ak.Expr):
    """(numerator, denominator) of a product: the factors with negative numeric exponents go down."""
    fs = e.node().args if e.node().kind == "Mul" else (e,)
    num, den = POOL.integer(1), POOL.integer(1)
    for f in fs:
        n = f.node()
        if n.kind == "Pow" and n.args[1].node().kind == "Number" and n.args[1].node().value < 0:
            den = den * n.args[0] ** (-n.args[1].node().value)
        else:
            num = num * f
    return num, den


def check_expand(case):
    assert ak.expand(P(case["input"])) == P(case["expanded"])


def check_factor(case):
    p = P(case["input"])
    coeff, factors = ak.factor_list(p)
    product = POOL.integer(1) * coeff
    for f, k in factors:
        product = product * f ** k
    assert ak.expand(product) == ak.expand(p)
    assert ak.expand(POOL.integer(1) * coeff) == ak.expand(P(case["coeff"])) or \
        ak.expand(POOL.integer(1) * coeff) == -ak.expand(P(case["coeff"]))
    theirs = [(P(f), k) for f, k in case["factors"]]
    assert len(factors) == len(theirs)
    for f, k in factors:  # irreducible: each factor is one of SymPy's irreducible factors (up to sign)
        assert any(k == k2 and same_up_to_sign(f, g) for g, k2 in theirs), str(f)
    assert ak.expand(ak.factor(p)) == ak.expand(p)


def check_gcd(case):
    a, b = P(case["a"]), P(case["b"])
    g = ak.gcd(a, b)
    assert ak.rem(a, g) == POOL.integer(0) and ak.rem(b, g) == POOL.integer(0)
    assert same_up_to_sign(g, P(case["gcd"]))
    assert same_up_to_sign(ak.lcm(a, b), P(case["lcm"]))


def check_rational(case):
    e = P(case["input"])
    c, t = ak.cancel(e), ak.together(e)
    check_equal_at_points([e, c, t, P(case["cancel"]), P(case["together"])])
    assert ak.cancel(c) == c  # lowest terms: cancelling again changes nothing
    num, den = split_fraction(c)  # and, independently, its numerator and denominator are coprime
    assert ak.gcd(num, den).node().kind == "Number", (str(num), str(den))


def check_apart(case):
    e = P(case["input"])
    a = ak.apart(e, X)
    check_equal_at_points([e, a, P(case["apart"])])
    # every term is a polynomial or r/f**j with deg r < deg f
    terms = a.node().args if a.node().kind == "Add" else (a,)
    for t in terms:
        num = ak.cancel(t)
        if num.node().kind == "Mul":
            dens = [f for f in num.node().args if f.node().kind == "Pow" and f.node().args[1].node().kind == "Number"
                    and f.node().args[1].node().value < 0]
            if dens:
                den = dens[0].node().args[0]
                rest = ak.cancel(t * den ** (-dens[0].node().args[1].node().value))
                assert ak.Poly(rest, X).degree() < ak.Poly(den, X).degree()


def check_resultant(case):
    f, g = P(case["f"]), P(case["g"])
    assert is_zero_poly(ak.resultant(f, g, X) - P(case["resultant"]))
    assert is_zero_poly(ak.discriminant(f, X) - P(case["discriminant"]))


def _dec(s: str) -> Fraction:
    return Fraction(Decimal(s))


def check_real_roots(case):
    p = P(case["p"])
    ivs = ak.real_roots(p, X)
    roots = [_dec(r) for r in case["real_roots"]]
    assert len(ivs) == len(roots)
    for (lo, hi), nxt in zip(ivs, ivs[1:]):
        assert hi < nxt[0]  # disjoint, increasing
    for (lo, hi), r in zip(ivs, roots):
        tol = Fraction(1, 10 ** 30) * max(1, abs(r))
        assert lo <= hi and lo - tol <= r <= hi + tol, (float(lo), float(hi), float(r))
        if lo == hi:  # an exact rational root
            assert ak.subs(p, {X: lo}) == POOL.integer(0)


def check_nroots(case):
    ours = ak.nroots(P(case["p"]), X)
    theirs = [complex(float(_dec(re)), float(_dec(im))) for re, im in case["nroots"]]
    assert len(ours) == len(theirs)
    left = list(theirs)
    for z in ours:
        best = min(left, key=lambda w: abs(w - z))
        assert abs(best - z) <= 1e-9 * max(1.0, abs(z)), (z, best)
        left.remove(best)


def check_roots(case):
    check_real_roots(case)
    check_nroots(case)


def check_poly(case):
    gens = [SYMS[g] for g in case["gens"]]
    p, q = ak.Poly(P(case["p"]), *gens), ak.Poly(P(case["q"]), *gens)
    assert list(p.degree_list()) == case["degree_list"]
    assert p.total_degree() == case["total_degree"]
    assert P(str(p.LC())) == P(case["LC"])
    assert [(list(m), P(str(c))) for m, c in p.terms()] == [(m, P(c)) for m, c in case["terms"]]
    assert (p * q).as_expr() == P(case["product"])
    assert p * q == ak.Poly(P(case["product"]), *gens)
    quot, r = divmod(p, q)
    assert quot * q + r == p
    if case["div"] is not None:
        assert quot.as_expr() == P(case["div"][0]) and r.as_expr() == P(case["div"][1])


def check_groebner(case):
    gens = [SYMS[g] for g in case["gens"]]
    ours = ak.groebner([P(p) for p in case["polys"]], *gens, order=case["order"])
    assert sorted(map(str, ours)) == sorted(str(P(b)) for b in case["basis"])


def _domain_kind(text: str):
    """('ring' or 'field', the coefficient generators' names) of 'ZZ[a,b]', 'QQ(a,b)', ..."""
    kind = "field" if "(" in text else "ring"
    return kind, sorted(text[3:-1].split(","))


def is_zero_rational(e: ak.Expr) -> bool:
    return ak.cancel(e) == POOL.integer(0)


def check_params(case):
    gens = [SYMS[g] for g in case["gens"]]
    p, q = ak.Poly(P(case["p"]), *gens), ak.Poly(P(case["q"]), *gens)
    assert _domain_kind(p.domain) == _domain_kind(case["domain"]), (p.domain, case["domain"])
    assert list(p.degree_list()) == case["degree_list"]
    assert is_zero_rational(p.LC() - P(case["LC"]))
    assert [list(m) for m in p.monoms()] == case["monoms"]
    for c, theirs in zip(p.coeffs(), case["coeffs"], strict=True):
        assert is_zero_rational(c - P(theirs)), (str(c), theirs)
    assert is_zero_rational(p.as_expr() - P(case["p"]))  # as_expr gives the input back
    quo, r = divmod(p, q)
    assert quo * q + r == p
    assert is_zero_rational((quo * q + r).as_expr() - P(case["p"]))
    if case["div"] is not None:
        assert is_zero_rational(quo.as_expr() - P(case["div"][0]))
        assert is_zero_rational(r.as_expr() - P(case["div"][1]))
    # gcd: SymPy's over ZZ[a, b] of p's numerator and q; ours over the ring agrees up to sign (and
    # up to an integer factor when p had a denominator: the numerators may differ by one)
    num = ak.Poly(split_fraction(ak.cancel(P(case["p"])))[0], *gens)
    g = num.gcd(q)
    assert "(" not in g.domain
    ratio = ak.cancel(g.as_expr() / P(case["gcd"]))
    assert ratio.node().kind == "Number", (str(g), case["gcd"])
    if "(" not in p.domain:
        assert ratio in (POOL.integer(1), POOL.integer(-1)), (str(g), case["gcd"])
    # over QQ(...): monic in the generators, the same polynomial up to a factor free of them
    names = sorted({str(v) for v in p.coeff_gens + q.coeff_gens})
    gf = ak.Poly(P(case["p"]), *gens, domain="QQ(" + ",".join(names) + ")").gcd(q)
    assert gf.LC() == POOL.integer(1)
    rf = ak.cancel(gf.as_expr() / P(case["gcd"]))
    assert not any(v in gens for v in ak.generators(rf)), (str(gf), case["gcd"])
    ev = p.eval(gens[0], case["eval_at"])
    ev = ev.as_expr() if isinstance(ev, ak.Poly) else ev
    assert is_zero_rational(ev - P(case["eval"]))


CHECKS = {
    "expand": check_expand,
    "factor": check_factor,
    "gcd": check_gcd,
    "rational": check_rational,
    "apart": check_apart,
    "resultant": check_resultant,
    "roots": check_roots,
    "poly": check_poly,
    "groebner": check_groebner,
    "params": check_params,
}
