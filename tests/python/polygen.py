"""Random polynomial-algebra problems with SymPy's answers: one generator per kind of check.

Used by tests/python/make_poly_data.py (the precomputed cases of tests/data/poly_oracle.json, run by
`make test`) and by tests/python/test_poly_live_oracle.py (the same kinds drawn live, 10,000 of them
in `make oracle`). SymPy is the oracle; alkahest never imports it. Every generator takes a
random.Random and returns one JSON-able case (strings in SymPy's syntax, which ak.parse reads).

Polynomials have up to 4 variables (x, y, z, w) and coefficients up to 100 bits; rational functions
have a hidden common factor so that cancel has work to do.
"""

from __future__ import annotations

import random

import sympy as sp

X = sp.symbols("x y z w")


def rand_coeff(rng: random.Random, big: bool) -> int:
    if big and rng.random() < 0.5:
        c = rng.randrange(1, 2 ** rng.choice([40, 64, 100]))
    else:
        c = rng.randrange(1, 20)
    return -c if rng.random() < 0.5 else c


def rand_poly(rng: random.Random, nvars: int, terms: int, deg: int, big: bool = True):
    gens = X[:nvars]
    out = 0
    for _ in range(terms):
        mono = 1
        for g in gens:
            mono *= g ** rng.randrange(0, deg + 1)
        out += rand_coeff(rng, big) * mono
    if out == 0 or (out.is_number):
        out += gens[0]
    return out


def rand_atom_poly(rng: random.Random):
    """A polynomial over sin(x), exp(y), exp(2*y), sqrt(z) and symbols (opaque generators)."""
    x, y, z, w = X
    atoms = [x, y, sp.sin(x), sp.exp(y), sp.exp(2 * y), sp.sqrt(z), z ** sp.Rational(3, 2), w]
    out = 0
    for _ in range(rng.randrange(2, 5)):
        t = rand_coeff(rng, False)
        for _ in range(rng.randrange(1, 3)):
            t *= rng.choice(atoms) ** rng.randrange(1, 3)
        out += t
    return out


def s(e) -> str:
    return str(e)


def expand_case(rng, k=None):
    k = rng.randrange(5) if k is None else k
    nv = rng.randrange(1, 5)
    if k % 5 == 4:
        a, b = rand_atom_poly(rng), rand_atom_poly(rng)
        e = sp.Mul(a, sp.Pow(b, 2, evaluate=False), evaluate=False)
    else:
        a = rand_poly(rng, nv, rng.randrange(1, 5), 3)
        b = rand_poly(rng, nv, rng.randrange(1, 4), 2)
        c = rand_poly(rng, nv, rng.randrange(1, 3), 2)
        p = rng.randrange(1, 5)
        e = sp.Add(sp.Mul(a, sp.Pow(b, p, evaluate=False), evaluate=False), c, evaluate=False)
    return {"input": s(e), "expanded": s(sp.expand(e))}


def irreducible(rng, nv, big_chance=0.3):
    while True:
        p = rand_poly(rng, nv, rng.randrange(2, 4), 2, big=rng.random() < big_chance)
        fl = sp.factor_list(p)[1]
        if len(fl) == 1 and fl[0][1] == 1:
            return p


def factor_case(rng, nv_max=4):
    nv = rng.randrange(1, nv_max + 1)
    fs = [irreducible(rng, nv) for _ in range(rng.randrange(1, 4))]
    e = rand_coeff(rng, False) * sp.Mul(*[f ** rng.randrange(1, 3) for f in fs])
    p = sp.expand(e)
    c, lst = sp.factor_list(p)
    return {"input": s(p), "coeff": s(c), "factors": [[s(f), int(k)] for f, k in lst]}


def gcd_case(rng):
    nv = rng.randrange(1, 5)
    g = rand_poly(rng, nv, rng.randrange(1, 4), 2)
    a = sp.expand(g * rand_poly(rng, nv, rng.randrange(1, 4), 2))
    b = sp.expand(g * rand_poly(rng, nv, rng.randrange(1, 4), 2))
    return {"a": s(a), "b": s(b), "gcd": s(sp.gcd(a, b)), "lcm": s(sp.lcm(a, b))}


def rational_case(rng, nv_max=4, big_chance=0.0):
    nv = rng.randrange(1, nv_max + 1)
    big = rng.random() < big_chance
    g = rand_poly(rng, nv, 2, 1, big=big)
    num = rand_poly(rng, nv, rng.randrange(1, 4), 2, big=big) * g
    den = rand_poly(rng, nv, rng.randrange(1, 3), 2, big=big) * g
    extra = rand_poly(rng, nv, 1, 1, big=False)
    e = num / den + 1 / extra
    return {"input": s(e), "cancel": s(sp.cancel(e)), "together": s(sp.together(e))}


def apart_case(rng, big_chance=0.0):
    x = X[0]
    fs = []
    for _ in range(rng.randrange(1, 4)):
        if rng.random() < 0.6:
            f = x - rng.randrange(-6, 7)
        else:
            f = x ** 2 + rng.randrange(-3, 4) * x + rng.randrange(4, 12)  # often irreducible
        fs.append(f ** rng.randrange(1, 4))
    den = sp.expand(rand_coeff(rng, False) * sp.Mul(*fs))
    num = rand_poly(rng, 1, rng.randrange(1, 5), sp.degree(den, x) + 1, big=rng.random() < big_chance)
    e = num / den
    return {"input": s(e), "apart": s(sp.apart(e, x))}


def resultant_case(rng, nv_max=3):
    nv = rng.randrange(1, nv_max + 1)
    f = rand_poly(rng, nv, rng.randrange(2, 5), 3)
    g = rand_poly(rng, nv, rng.randrange(2, 4), 2)
    x = X[0]
    if sp.degree(f, x) < 1:
        f += x ** 2
    return {"f": s(f), "g": s(g), "resultant": s(sp.resultant(f, g, x)), "discriminant": s(sp.discriminant(f, x))}


def root_case(rng, k=None):
    x = X[0]
    k = rng.randrange(3) if k is None else k
    if k % 3 == 0:
        p = sp.expand(sp.Mul(*[x - sp.Rational(rng.randrange(-20, 21), rng.randrange(1, 5))
                               for _ in range(rng.randrange(1, 6))]) * (x ** 2 - rng.randrange(2, 9)))
    else:
        p = rand_poly(rng, 1, rng.randrange(2, 8), rng.randrange(2, 12), big=rng.random() < 0.3)
    distinct = sp.Poly(p, x).sqf_part()
    real = sorted(set(sp.Poly(distinct, x).real_roots()), key=lambda r: float(r.evalf(40)))
    allroots = []
    for f, m in sp.sqf_list(p, x)[1]:
        allroots += sp.Poly(f, x).nroots(n=30, maxsteps=500) * m
    return {"p": s(p), "real_roots": [str(r.evalf(40)) for r in real],
            "nroots": [[str(sp.re(r)), str(sp.im(r))] for r in allroots]}


def poly_case(rng, nv_max=3):
    nv = rng.randrange(1, nv_max + 1)
    p = rand_poly(rng, nv, rng.randrange(1, 6), 4)
    q = rand_poly(rng, nv, rng.randrange(1, 3), 2)
    P, Q = sp.Poly(p, *X[:nv]), sp.Poly(q, *X[:nv])
    div = sp.div(P, Q) if nv == 1 else None
    return {"p": s(p), "q": s(q), "gens": [s(g) for g in X[:nv]],
            "degree_list": [int(d) for d in P.degree_list()], "total_degree": int(P.total_degree()),
            "LC": s(P.LC()), "terms": [[[int(v) for v in m], s(c)] for m, c in P.terms()],
            "product": s(sp.expand(p * q)),
            "div": [s(div[0].as_expr()), s(div[1].as_expr())] if div else None}


def groebner_case(rng, k=None, nv_max=3):
    k = rng.randrange(2) if k is None else k
    nv = rng.randrange(2, nv_max + 1)
    gens = X[:nv]
    # four variables: sparser systems (SymPy's Buchberger takes minutes on dense ones)
    terms_hi = 4 if nv < 4 else 3
    polys = [rand_poly(rng, nv, rng.randrange(2, terms_hi), 2, big=False) for _ in range(rng.randrange(2, 4))]
    order = "lex" if k % 2 == 0 else "grevlex"
    g = sp.groebner(polys, *gens, order=order, domain="QQ")
    monic = [s(sp.expand(p / sp.LC(p, *gens, order=order))) for p in g.exprs]
    return {"polys": [s(p) for p in polys], "gens": [s(v) for v in gens], "order": order, "basis": monic}


A = sp.symbols("a b")


def params_case(rng):
    """A polynomial in x (or x, y) whose coefficients are polynomials, or with a denominator rational
    functions, in a (and b): Poly(p, x) over ZZ[a,b] or ZZ(a,b) in SymPy."""
    nv = rng.randrange(1, 3)
    main, params = X[:nv], A[:rng.randrange(1, 3)]
    allv = list(main) + list(params)

    def rp(terms, deg, big=False, gens=allv):
        out = 0
        for _ in range(terms):
            mono = 1
            for g in gens:
                mono *= g ** rng.randrange(0, deg + 1)
            out += rand_coeff(rng, big) * mono
        return out

    while True:
        g = rp(rng.randrange(1, 3), 1) + X[0]
        p = sp.expand(g * (rp(rng.randrange(1, 4), 2, big=rng.random() < 0.3) + X[0] ** 2))
        q = sp.expand(g * (rp(rng.randrange(1, 3), 1) + params[0] * X[0]))
        if p.has(X[0]) and q.has(X[0]):
            break
    if rng.random() < 0.3:  # coefficients in the field QQ(a, b)
        p = p / sp.expand(rp(rng.randrange(1, 3), 1, gens=params) + params[-1] + 3)
    P, Q = sp.Poly(p, *main), sp.Poly(q, *main)
    div = sp.div(P, Q) if nv == 1 else None
    k = rng.randrange(-3, 4)
    ev = P.eval(X[0], k)
    return {"p": s(p), "q": s(q), "gens": [s(v) for v in main], "domain": str(P.domain),
            "degree_list": [int(d) for d in P.degree_list()], "LC": s(P.LC()),
            "coeffs": [s(c) for c in P.coeffs()], "monoms": [[int(v) for v in m] for m in P.monoms()],
            "div": [s(div[0].as_expr()), s(div[1].as_expr())] if div else None,
            "gcd": s(sp.gcd(sp.Poly(sp.numer(sp.together(p)), *main), Q).as_expr()),
            "eval_at": k, "eval": s(ev.as_expr() if isinstance(ev, sp.Poly) else ev)}


# The live oracle's kinds: name -> (generator, share of the cases). The generators are the ones above
# at their widest settings (4 variables, big coefficients in rational functions and apart too).
LIVE_KINDS = {
    "expand": (expand_case, 0.14),
    "factor": (lambda rng: factor_case(rng, nv_max=4), 0.14),
    "gcd": (gcd_case, 0.14),
    "rational": (lambda rng: rational_case(rng, nv_max=4, big_chance=0.5), 0.12),
    "apart": (lambda rng: apart_case(rng, big_chance=0.5), 0.10),
    "resultant": (lambda rng: resultant_case(rng, nv_max=4), 0.10),
    "roots": (root_case, 0.10),
    "poly": (lambda rng: poly_case(rng, nv_max=4), 0.06),
    "groebner": (lambda rng: groebner_case(rng, nv_max=4), 0.06),
    "params": (params_case, 0.04),
}
