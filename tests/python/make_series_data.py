"""Writes tests/data/series_oracle.json: expressions with SymPy's series (coefficients by power of
the local variable t and the order), for tests/python/test_series_oracle.py (`make series-data`).

SymPy is the oracle and runs only here; the committed data keeps `make test` fast. The local
variable t is what alkahest.series_data uses: x = x0 + t (x0 finite, dir '+'), x = x0 - t
(dir '-'), x = 1/t (x0 = oo), x = -1/t (x0 = -oo); coefficients may contain log(x) and the
parameter a. Deterministic: the same SymPy writes the same file.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os

import sympy as sp

x = sp.Symbol("x")
a = sp.Symbol("a")
t = sp.Symbol("t", positive=True)
S = sp.S


def corpus():
    """(expr, x0, n, dir) cases: compositions, Laurent, Puiseux, parameters, log terms, infinity."""
    out = []
    fs = [sp.exp, sp.sin, sp.cos, sp.tan, sp.sinh, sp.cosh, sp.tanh, sp.atan, sp.asin, sp.acos, sp.erf,
          lambda u: sp.log(1 + u), lambda u: sp.sqrt(1 + u), lambda u: 1 / (1 - u), lambda u: (1 + u) ** (S(1) / 3)]
    inner = [x, 2 * x, x**2, x + x**2, sp.sin(x), sp.exp(x) - 1, x / (1 + x), sp.tan(x), -x, x**3 - x]
    for i, f in enumerate(fs):
        for j, g in enumerate(inner):
            if (i + j) % 2 == 0 or j < 3:
                out.append((f(g), 0, 6 + (i + j) % 4, "+"))
    # products and quotients, Laurent
    out += [
        (sp.exp(x) * sp.sin(x), 0, 7, "+"), (sp.sin(x) / x, 0, 8, "+"), (1 / sp.sin(x), 0, 5, "+"),
        (1 / sp.tan(x), 0, 6, "+"), (x / (sp.exp(x) - 1), 0, 10, "+"), (1 / (sp.exp(x) - 1), 0, 5, "+"),
        (1 / sp.sin(x) ** 2, 0, 5, "+"), (1 / (sp.sin(x) - x), 0, 3, "+"), (sp.cos(x) / x**3, 0, 4, "+"),
        ((sp.cos(x) - 1) / x**2, 0, 6, "+"), ((sp.sin(x) - x) / x**3, 0, 6, "+"), (sp.log(sp.cos(x)), 0, 10, "+"),
        (sp.log(sp.sin(x) / x), 0, 8, "+"), (sp.exp(sp.exp(x)), 0, 5, "+"), (sp.exp(sp.sin(x)), 0, 12, "+"),
        (sp.tan(x), 0, 16, "+"), (1 / (1 - x - x**2), 0, 15, "+"), (sp.sqrt(sp.cos(x)), 0, 8, "+"),
        (1 / sp.cos(x), 0, 10, "+"), (sp.sin(sp.sin(sp.sin(x))), 0, 9, "+"), (sp.atan(sp.tan(x) / 2), 0, 7, "+"),
        (sp.asin(x) / sp.sqrt(1 - x**2), 0, 8, "+"), (sp.exp(x) / (1 + x**2), 0, 7, "+"),
        (sp.sinh(x) * sp.cosh(2 * x), 0, 7, "+"), (1 / sp.tanh(x), 0, 6, "+"), (1 / sp.sinh(x) ** 3, 0, 4, "+"),
        (sp.cos(x) ** 2 + sp.sin(x) ** 2, 0, 6, "+"), (sp.exp(x) ** 2 - sp.exp(2 * x), 0, 6, "+"),
        ((1 + x) ** (1 / x), 0, 4, "+"), (sp.cos(x) ** (1 / x**2), 0, 4, "+"), ((1 + sp.sin(x)) ** (1 / x), 0, 3, "+"),
        (sp.erfc(x), 0, 6, "+"), (sp.erf(x) / x, 0, 7, "+"), (sp.exp(-x**2) * sp.erf(x), 0, 7, "+"),
        (sp.Abs(x - 1), 1, 3, "+"), (sp.Abs(sp.sin(x)), 0, 6, "+"), (sp.sign(x), 0, 4, "+"),
    ]
    # Puiseux and log terms
    out += [
        (sp.sqrt(x) * sp.exp(x), 0, 4, "+"), (sp.sqrt(sp.sin(x)), 0, 4, "+"), (sp.sqrt(x + x**2), 0, 4, "+"),
        ((x + x**3) ** (S(1) / 3), 0, 3, "+"), (sp.exp(sp.sqrt(x)), 0, 3, "+"), (sp.sin(sp.sqrt(x)), 0, 4, "+"),
        (sp.cos(sp.sqrt(x)), 0, 4, "+"), (1 / sp.sqrt(x) + sp.sqrt(x), 0, 3, "+"), (sp.asin(1 - x), 0, 3, "+"),
        (sp.acos(1 - x), 0, 3, "+"), (sp.sqrt(1 - sp.cos(x)), 0, 5, "+"), (x**x, 0, 3, "+"), (x ** (x**2), 0, 5, "+"),
        (sp.log(x), 0, 4, "+"), (x * sp.log(x) + x**2, 0, 4, "+"), (sp.log(sp.sin(x)), 0, 5, "+"),
        (sp.log(x + x**2), 0, 4, "+"), (sp.log(sp.exp(x) - 1), 0, 4, "+"), (sp.sin(x) ** x, 0, 3, "+"),
        (x ** sp.sin(x), 0, 3, "+"), (sp.log(1 + sp.sqrt(x)), 0, 3, "+"), (sp.sqrt(x) * sp.log(x), 0, 3, "+"),
        (x ** (S(3) / 2) * sp.sin(x), 0, 5, "+"), (sp.sqrt(sp.tan(x)), 0, 4, "+"), (sp.atan(sp.sqrt(x)), 0, 3, "+"),
    ]
    # other points, parameters and direction
    out += [
        (sp.log(x), 1, 5, "+"), (sp.exp(x), 1, 4, "+"), (sp.sqrt(x), 4, 4, "+"), (1 / x, 2, 5, "+"),
        (sp.sin(x), sp.pi, 6, "+"), (sp.cos(x), sp.pi / 2, 6, "+"), (sp.tan(x), sp.pi / 4, 5, "+"),
        (sp.atan(x), 1, 5, "+"), (sp.asin(x), S(1) / 2, 4, "+"), (sp.log(x) / (x - 1), 1, 5, "+"),
        (1 / (x**2 - 1), 1, 4, "+"), (sp.tan(x), sp.pi / 2, 5, "+"), (sp.gamma(x), 1, 4, "+"),
        (sp.gamma(x), 2, 4, "+"), (sp.gamma(x), 0, 3, "+"), (sp.gamma(x), -1, 2, "+"), (sp.gamma(x), S(1) / 2, 3, "+"),
        (sp.gamma(1 + x) * sp.gamma(1 - x), 0, 6, "+"), (sp.exp(x), a, 4, "+"), (sp.sin(x), a, 4, "+"),
        (sp.log(x), a, 4, "+"), (sp.sqrt(x), a, 3, "+"), (sp.exp(a * x), 0, 5, "+"), ((1 + x) ** a, 0, 5, "+"),
        (1 / (a + x), 0, 5, "+"), (sp.sin(a + x), 0, 5, "+"), (sp.log(a + x), 0, 4, "+"), (sp.exp(a * x) * sp.sin(x), 0, 5, "+"),
        (1 / (x**2 + a * x), 0, 3, "+"), (sp.atan(a * x), 0, 6, "+"), (sp.cos(a * x) / (1 + a * x), 0, 5, "+"),
        (sp.exp(x), 0, 5, "-"), (sp.sin(x) / x, 0, 6, "-"), (sp.sqrt(x), 0, 3, "-"), (sp.log(1 + x), 0, 5, "-"),
        (1 / (x - 1), 1, 3, "-"), (sp.log(x), 1, 4, "-"),
    ]
    # at infinity
    out += [
        (1 / (1 + x), sp.oo, 4, "+"), (x / (1 + x), sp.oo, 5, "+"), (sp.exp(1 / x), sp.oo, 5, "+"),
        (sp.sin(1 / x), sp.oo, 6, "+"), (sp.atan(x), sp.oo, 6, "+"), (sp.atan(x), -sp.oo, 6, "+"),
        (sp.sqrt(x**2 + 1) - x, sp.oo, 6, "+"), (sp.sqrt(x**2 + x) - x, sp.oo, 4, "+"), (x * sp.sin(1 / x), sp.oo, 6, "+"),
        ((1 + 1 / x) ** x, sp.oo, 3, "+"), (sp.log(1 + 1 / x) * x, sp.oo, 5, "+"), (sp.log(x + 1) - sp.log(x), sp.oo, 5, "+"),
        ((x**2 + 1) / (x**3 - x), sp.oo, 7, "+"), (sp.cos(1 / x) ** x, sp.oo, 4, "+"), (sp.tanh(1 / x), sp.oo, 6, "+"),
        (x**2 * (sp.exp(1 / x) - 1 - 1 / x), sp.oo, 4, "+"), (sp.sqrt(x**2 + 1), -sp.oo, 4, "+"), (sp.exp(1 / x), -sp.oo, 4, "+"),
        (1 / (x**2 + 1), -sp.oo, 7, "+"), (sp.atan(1 / x), sp.oo, 6, "+"),
    ]
    return out


def local_x(x0, d):
    if x0 == sp.oo:
        return 1 / t, x
    if x0 == -sp.oo:
        return -1 / t, -x
    return (x0 + t, x - x0) if d == "+" else (x0 - t, x0 - x)


def solve_case(case):
    expr, x0, n, d = case
    try:
        s = sp.series(expr, x, x0, n, dir=d)
    except Exception as e:  # SymPy cannot: recorded, the test skips it with the reason
        return {"expr": str(expr), "x0": str(x0), "n": n, "dir": d, "sympy_error": f"{type(e).__name__}: {e}"}
    xt, tx = local_x(x0, d)
    order = s.getO()
    body = s.removeO()
    ordexp = None
    if order is not None:
        oe = order.expr.subs(x, xt)
        oe = oe.replace(sp.log, lambda *_: S(1))
        oe = sp.powsimp(sp.expand_power_base(oe, force=True), force=True)
        ordexp = str(sp.Rational(oe.as_coeff_exponent(t)[1]))
    L = sp.Dummy("L")
    bt = sp.expand(sp.expand_log(body.subs(x, xt), force=True)).subs(sp.log(t), L)
    terms = {}
    for term in sp.Add.make_args(bt):
        c, e = term.as_coeff_exponent(t)
        if e.has(t) or c.has(t):
            return {"expr": str(expr), "x0": str(x0), "n": n, "dir": d, "sympy_error": f"cannot split {term}"}
        terms[e] = terms.get(e, 0) + c
    xs = sample_x(x0, d)
    out = []
    for e in sorted(terms, key=lambda q: sp.Rational(q)):
        c = sp.simplify(terms[e].subs(L, sp.log(tx)))
        if c != 0:
            v = sp.N(c.subs({x: xs, a: A_VALUE}), 40)
            out.append([str(sp.Rational(e)), str(c), str(sp.re(v)), str(sp.im(v))])
    return {"expr": str(expr), "x0": str(x0), "n": n, "dir": d, "order": ordexp, "x_sample": str(xs), "terms": out}


A_VALUE = sp.Rational(61, 100)


def sample_x(x0, d):
    """Where coefficients holding log(x) are compared (a value of x on the side of the expansion)."""
    if x0 == sp.oo:
        return sp.Rational(27, 10)
    if x0 == -sp.oo:
        return -sp.Rational(27, 10)
    return (x0 + sp.Rational(37, 100)) if d == "+" else (x0 - sp.Rational(37, 100))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "data", "series_oracle.json"))
    args = ap.parse_args()
    cases = corpus()
    with multiprocessing.Pool(2) as p:
        data = p.map(solve_case, cases)
    with open(args.out, "w") as f:
        f.write('{"source": "tests/python/make_series_data.py with SymPy ' + sp.__version__ + '",\n')
        f.write('"a_value": "61/100",\n"cases": [\n' + ",\n".join(json.dumps(c) for c in data) + "\n]}\n")
    ok = sum(1 for c in data if "sympy_error" not in c)
    print(f"{len(data)} cases, {ok} with SymPy's series")


if __name__ == "__main__":
    main()
