"""Writes tests/data/poly_oracle.json: random polynomials and rational functions (up to 4 variables,
big coefficients) with SymPy's answers, for tests/python/test_poly_oracle.py (`make poly-data`).

SymPy is the oracle and runs only here; the committed data keeps `make test` fast. Deterministic:
the same seed writes the same file.
"""

from __future__ import annotations

import argparse
import json
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


def expand_cases(rng, n):
    cases = []
    for k in range(n):
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
        cases.append({"input": s(e), "expanded": s(sp.expand(e))})
    return cases


def irreducible(rng, nv):
    while True:
        p = rand_poly(rng, nv, rng.randrange(2, 4), 2, big=rng.random() < 0.3)
        if len(sp.factor_list(p)[1]) == 1 and sp.factor_list(p)[1][0][1] == 1:
            return p


def factor_cases(rng, n):
    cases = []
    for _ in range(n):
        nv = rng.randrange(1, 4)
        fs = [irreducible(rng, nv) for _ in range(rng.randrange(1, 4))]
        e = rand_coeff(rng, False) * sp.Mul(*[f ** rng.randrange(1, 3) for f in fs])
        p = sp.expand(e)
        c, lst = sp.factor_list(p)
        cases.append({"input": s(p), "coeff": s(c), "factors": [[s(f), int(k)] for f, k in lst]})
    return cases


def gcd_cases(rng, n):
    cases = []
    for _ in range(n):
        nv = rng.randrange(1, 5)
        g = rand_poly(rng, nv, rng.randrange(1, 4), 2)
        a = sp.expand(g * rand_poly(rng, nv, rng.randrange(1, 4), 2))
        b = sp.expand(g * rand_poly(rng, nv, rng.randrange(1, 4), 2))
        cases.append({"a": s(a), "b": s(b), "gcd": s(sp.gcd(a, b)), "lcm": s(sp.lcm(a, b))})
    return cases


def rational_cases(rng, n):
    cases = []
    for _ in range(n):
        nv = rng.randrange(1, 4)
        g = rand_poly(rng, nv, 2, 1, big=False)
        num = rand_poly(rng, nv, rng.randrange(1, 4), 2, big=False) * g
        den = rand_poly(rng, nv, rng.randrange(1, 3), 2, big=False) * g
        extra = rand_poly(rng, nv, 1, 1, big=False)
        e = num / den + 1 / extra
        cases.append({"input": s(e), "cancel": s(sp.cancel(e)), "together": s(sp.together(e))})
    return cases


def apart_cases(rng, n):
    x = X[0]
    cases = []
    for _ in range(n):
        fs = []
        for _ in range(rng.randrange(1, 4)):
            if rng.random() < 0.6:
                f = x - rng.randrange(-6, 7)
            else:
                f = x ** 2 + rng.randrange(-3, 4) * x + rng.randrange(4, 12)  # often irreducible
            fs.append(f ** rng.randrange(1, 4))
        den = sp.expand(rand_coeff(rng, False) * sp.Mul(*fs))
        num = rand_poly(rng, 1, rng.randrange(1, 5), sp.degree(den, x) + 1, big=False)
        e = num / den
        cases.append({"input": s(e), "apart": s(sp.apart(e, x))})
    return cases


def resultant_cases(rng, n):
    cases = []
    for _ in range(n):
        nv = rng.randrange(1, 4)
        f = rand_poly(rng, nv, rng.randrange(2, 5), 3)
        g = rand_poly(rng, nv, rng.randrange(2, 4), 2)
        x = X[0]
        if sp.degree(f, x) < 1:
            f += x ** 2
        cases.append({"f": s(f), "g": s(g), "resultant": s(sp.resultant(f, g, x)),
                      "discriminant": s(sp.discriminant(f, x))})
    return cases


def root_cases(rng, n):
    x = X[0]
    cases = []
    for k in range(n):
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
        cases.append({"p": s(p), "real_roots": [str(r.evalf(40)) for r in real],
                      "nroots": [[str(sp.re(r)), str(sp.im(r))] for r in allroots]})
    return cases


def poly_cases(rng, n):
    cases = []
    for _ in range(n):
        nv = rng.randrange(1, 4)
        p = rand_poly(rng, nv, rng.randrange(1, 6), 4)
        q = rand_poly(rng, nv, rng.randrange(1, 3), 2)
        P, Q = sp.Poly(p, *X[:nv]), sp.Poly(q, *X[:nv])
        div = sp.div(P, Q) if nv == 1 else None
        cases.append({"p": s(p), "q": s(q), "gens": [s(g) for g in X[:nv]],
                      "degree_list": [int(d) for d in P.degree_list()], "total_degree": int(P.total_degree()),
                      "LC": s(P.LC()), "terms": [[[int(v) for v in m], s(c)] for m, c in P.terms()],
                      "product": s(sp.expand(p * q)),
                      "div": [s(div[0].as_expr()), s(div[1].as_expr())] if div else None})
    return cases


def groebner_cases(rng, n):
    cases = []
    for k in range(n):
        nv = rng.randrange(2, 4)
        gens = X[:nv]
        polys = [rand_poly(rng, nv, rng.randrange(2, 4), 2, big=False) for _ in range(rng.randrange(2, 4))]
        order = "lex" if k % 2 == 0 else "grevlex"
        g = sp.groebner(polys, *gens, order=order, domain="QQ")
        monic = [s(sp.expand(p / sp.LC(p, *gens, order=order))) for p in g.exprs]
        cases.append({"polys": [s(p) for p in polys], "gens": [s(v) for v in gens], "order": order, "basis": monic})
    return cases


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="tests/data/poly_oracle.json")
    ap.add_argument("--seed", type=int, default=16)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    data = {
        "sympy": sp.__version__,
        "expand": expand_cases(rng, 150),
        "factor": factor_cases(rng, 100),
        "gcd": gcd_cases(rng, 100),
        "rational": rational_cases(rng, 60),
        "apart": apart_cases(rng, 60),
        "resultant": resultant_cases(rng, 50),
        "roots": root_cases(rng, 60),
        "poly": poly_cases(rng, 60),
        "groebner": groebner_cases(rng, 40),
    }
    with open(args.out, "w") as fh:
        json.dump(data, fh, indent=0)
        fh.write("\n")
    print(args.out, {k: len(v) for k, v in data.items() if isinstance(v, list)})


if __name__ == "__main__":
    main()
