"""The polynomial layer against SymPy's answers (precomputed by `make poly-data` into
tests/data/poly_oracle.json: random polynomials and rational functions in up to 4 variables, big
coefficients), and Hypothesis properties that check results by an independent route (multiply back,
divide back, exact values at rational points through the kernel's own arithmetic)."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import alkahest as ak
from poly_checks import CHECKS, POOL, W, X, Y, Z, check_equal_at_points, check_nroots, check_real_roots

DATA = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", "poly_oracle.json")
with open(DATA) as fh:
    ORACLE = json.load(fh)


# ---- SymPy-precomputed cases (the checks are in poly_checks.py) --------------------------------

def _ids(key):
    return lambda c: c[key][:40] if isinstance(c[key], str) else " ".join(c[key])[:40]


@pytest.mark.parametrize("case", ORACLE["expand"], ids=_ids("input"))
def test_expand_equals_sympy(case):
    CHECKS["expand"](case)


@pytest.mark.parametrize("case", ORACLE["factor"], ids=_ids("input"))
def test_factor_multiplies_back_and_matches_sympy(case):
    CHECKS["factor"](case)


@pytest.mark.parametrize("case", ORACLE["gcd"], ids=_ids("a"))
def test_gcd_lcm_match_sympy(case):
    CHECKS["gcd"](case)


@pytest.mark.parametrize("case", ORACLE["rational"], ids=_ids("input"))
def test_cancel_together_equal_input(case):
    CHECKS["rational"](case)


@pytest.mark.parametrize("case", ORACLE["apart"], ids=_ids("input"))
def test_apart_equals_input(case):
    CHECKS["apart"](case)


@pytest.mark.parametrize("case", ORACLE["resultant"], ids=_ids("f"))
def test_resultant_discriminant_equal_sympy(case):
    CHECKS["resultant"](case)


@pytest.mark.parametrize("case", ORACLE["roots"], ids=_ids("p"))
def test_real_root_intervals_hold_one_root_each(case):
    check_real_roots(case)


@pytest.mark.parametrize("case", ORACLE["roots"], ids=_ids("p"))
def test_nroots_match_sympy(case):
    check_nroots(case)


@pytest.mark.parametrize("case", ORACLE["poly"], ids=_ids("p"))
def test_poly_matches_sympy(case):
    CHECKS["poly"](case)


@pytest.mark.parametrize("case", ORACLE["groebner"], ids=_ids("polys"))
def test_groebner_equals_sympy(case):
    CHECKS["groebner"](case)


@pytest.mark.parametrize("case", ORACLE["params"], ids=_ids("p"))
def test_poly_with_coefficient_generators_matches_sympy(case):
    CHECKS["params"](case)


def test_oracle_has_enough_cases():
    assert sum(len(v) for v in ORACLE.values() if isinstance(v, list)) >= 500


# ---- Hypothesis properties (independent checks, no SymPy) --------------------------------------

coeffs = st.one_of(st.integers(-20, 20), st.integers(-(2 ** 80), 2 ** 80))


@st.composite
def polys(draw, nvars=3, max_terms=5, max_deg=3):
    gens = [X, Y, Z, W][:nvars]
    e = POOL.integer(0)
    for _ in range(draw(st.integers(1, max_terms))):
        t = POOL.integer(draw(coeffs))
        for g in gens:
            t = t * g ** draw(st.integers(0, max_deg))
        e = e + t
    return e


SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(polys(), polys(), polys(max_terms=3))
def test_expand_is_a_ring_homomorphism(a, b, c):
    lhs = ak.expand(a * (b + c))
    assert lhs == ak.expand(ak.expand(a * b) + ak.expand(a * c))
    check_equal_at_points([a * (b + c), lhs], n=1)


@SETTINGS
@given(polys(max_terms=3, max_deg=2), polys(max_terms=3, max_deg=2), polys(max_terms=2, max_deg=2))
def test_factor_and_gcd_properties(a, b, g):
    p = ak.expand(a * g)
    coeff, fs = ak.factor_list(p)
    prod = POOL.integer(1) * coeff
    for f, k in fs:
        prod = prod * f ** k
    assert ak.expand(prod) == p
    q = ak.expand(b * g)
    d = ak.gcd(p, q)
    if p != POOL.integer(0) and q != POOL.integer(0):
        assert ak.rem(p, d) == POOL.integer(0) and ak.rem(q, d) == POOL.integer(0)
        # g divides the gcd
        assert ak.rem(d, ak.expand(g)) == POOL.integer(0) or ak.expand(g).node().kind == "Number"


@SETTINGS
@given(polys(max_terms=3, max_deg=2), polys(max_terms=3, max_deg=2))
def test_cancel_is_the_same_function(a, b):
    if ak.expand(b) == POOL.integer(0):
        return
    e = a / b + 1 / (X + 3)
    check_equal_at_points([e, ak.cancel(e), ak.together(e)], n=2)


@st.composite
def param_polys(draw, max_terms=4, max_deg=2):
    """A polynomial in x, y whose coefficients are polynomials in a, b (big coefficients too)."""
    a, b = POOL.symbols("a b")
    e = POOL.integer(0)
    for _ in range(draw(st.integers(1, max_terms))):
        t = POOL.integer(draw(coeffs))
        for g in (X, Y, a, b):
            t = t * g ** draw(st.integers(0, max_deg))
        e = e + t
    return e


@SETTINGS
@given(param_polys(), param_polys(max_terms=3), param_polys(max_terms=2, max_deg=1))
def test_poly_over_coefficient_generators_properties(f, g, h):
    a, b = POOL.symbols("a b")
    pf, pg = ak.Poly(ak.expand(f * h), X, Y), ak.Poly(ak.expand(g * h), X, Y)
    assert set(pf.coeff_gens) <= {a, b}
    # the Poly holds the input: as_expr and the coefficients give it back
    assert pf.as_expr() == ak.expand(f * h)
    total = POOL.integer(0)
    for (i, j), c in pf.terms():
        total = total + c * X**i * Y**j
    assert ak.expand(total) == pf.as_expr()
    # divmod over QQ(a, b): exact identity, the remainder reduced by the divisor's leading monomial
    if pg.is_zero():
        return
    q, r = divmod(pf, pg)
    assert q * pg + r == pf
    assert ak.cancel(q.as_expr() * pg.as_expr() + r.as_expr() - pf.as_expr()) == POOL.integer(0)
    # gcd over the ring divides both (as polynomials in x, y, a, b); the expanded h divides it
    d = pf.gcd(pg)
    if not d.is_zero():
        assert ak.rem(pf.as_expr(), d.as_expr()) == POOL.integer(0)
        assert ak.rem(pg.as_expr(), d.as_expr()) == POOL.integer(0)
        if ak.expand(h) != POOL.integer(0):
            assert ak.rem(d.as_expr(), ak.expand(h)) == POOL.integer(0)
    # eval agrees with substitution
    assert ak.expand(pf.eval(X, 3).as_expr()) == ak.expand(ak.subs(pf.as_expr(), {X: 3}))
