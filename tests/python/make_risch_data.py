"""Writes tests/data/risch_oracle.json: integrands in Q(x, exp(a)) and Q(x, log(a)) with SymPy's
verdict (elementary or not) from its Risch algorithm (sympy.integrals.risch.risch_integrate), for
tests/python/test_risch.py (`python tests/python/make_risch_data.py`).

SymPy is the oracle and runs only here (its algorithm takes seconds per integrand); the committed
data keeps the tests fast. The integrands are random but seeded: rational functions times powers
of the monomial (mostly non-elementary), rational functions of the monomial (repeated and
quadratic factors in t, Laurent polynomials in exp(a)), and derivatives of random elementary
functions of the tower (elementary by construction; SymPy must agree). A case
SymPy cannot decide within its time limit is written with the verdict "undecided".
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal

import sympy as sp
from sympy.integrals.risch import NonElementaryIntegral, risch_integrate

x = sp.Symbol("x")
S = sp.S

EXP_ARGS = [x, 2 * x, -x, x**2, -x**2, 1 / x, x**2 + x, x / (x + 1), x**3, 3 * x / 2, 1 / (x**2 + 1), x - 1 / x]
LOG_ARGS = [x, x + 1, 2 * x, x**2 + 1, x**2 - 2, x / (x + 1), x**3 + x, 1 - x]


def rational(rng: random.Random, num_deg: int = 2, den_deg: int = 2) -> sp.Expr:
    def poly(d: int, monic: bool = False) -> sp.Expr:
        cs = [S(rng.randint(-3, 3)) / rng.choice([1, 1, 2]) for _ in range(d + 1)]
        if monic:
            cs[-1] = S(1)
        if all(c == 0 for c in cs):
            cs[0] = S(1)
        return sum(c * x**i for i, c in enumerate(cs))

    n = poly(rng.randint(0, num_deg))
    d = poly(rng.randint(0, den_deg), monic=True)
    return sp.cancel(n / d)


def corpus(seed: int = 20) -> list[tuple[str, sp.Expr]]:
    rng = random.Random(seed)
    out: list[tuple[str, sp.Expr]] = []
    for _ in range(50):  # r(x) exp(a)^k
        a = rng.choice(EXP_ARGS)
        k = rng.choice([1, 1, 2, -1])
        out.append(("exp", rational(rng) * sp.exp(k * a)))
    for _ in range(25):  # rational functions of t = exp(a)
        a = rng.choice(EXP_ARGS[:6])
        t = sp.exp(a)
        num = rational(rng, 1, 0) * t + rational(rng, 1, 0)
        den = t + rational(rng, 1, 1) if rng.random() < 0.7 else t**2 + rational(rng, 1, 0)
        out.append(("exp", num / den))
    for _ in range(30):  # derivatives of elementary functions of t = exp(a)
        a = rng.choice(EXP_ARGS)
        t = sp.exp(a)
        F = rational(rng, 2, 1) * t**rng.choice([1, 2, -1])
        if rng.random() < 0.5:
            F += rng.choice([1, 2, S(1) / 2]) * sp.log(t + rational(rng, 1, 0))
        out.append(("exp", sp.together(sp.diff(F, x))))
    for _ in range(45):  # r(x) log(a)^k and r(x)/(log(a) + s(x))
        a = rng.choice(LOG_ARGS)
        t = sp.log(a)
        if rng.random() < 0.7:
            out.append(("log", rational(rng) * t ** rng.choice([1, 1, 2])))
        else:
            out.append(("log", rational(rng, 1, 1) / (t + rational(rng, 1, 0))))
    for _ in range(50):  # derivatives of elementary functions of t = log(a)
        a = rng.choice(LOG_ARGS)
        t = sp.log(a)
        F = rational(rng, 2, 1) * t ** rng.choice([1, 2]) + rational(rng, 1, 1) * t
        if rng.random() < 0.4:
            F += sp.log(t + rational(rng, 1, 0))
        if rng.random() < 0.3:
            F += rational(rng, 1, 0) / (t + rng.randint(1, 3))
        out.append(("log", sp.together(sp.diff(F, x))))
    out += harder(seed + 1)
    return out


def harder(seed: int) -> list[tuple[str, sp.Expr]]:
    """Repeated factors in t (Hermite reduction), Laurent polynomials in exp(a), quadratic
    denominators in t; half random, half derivatives of elementary functions."""
    rng = random.Random(seed)
    out: list[tuple[str, sp.Expr]] = []
    for _ in range(15):  # random: r t/(t + s)**2, r1 t + r2/t
        a = rng.choice(EXP_ARGS[:8])
        t = sp.exp(a)
        if rng.random() < 0.5:
            out.append(("exp", rational(rng, 1, 1) * t / (t + rational(rng, 1, 0)) ** 2))
        else:
            out.append(("exp", rational(rng, 1, 1) * t + rational(rng, 1, 1) / t))
    for _ in range(15):  # derivatives: r1/(t + r2)**2 + r3 t + r4/t (+ a log)
        a = rng.choice(EXP_ARGS[:8])
        t = sp.exp(a)
        F = rational(rng, 1, 1) / (t + rational(rng, 1, 0)) ** 2 + rational(rng, 1, 1) * t + rational(rng, 1, 0) / t
        if rng.random() < 0.5:
            F += sp.log(t**2 + rational(rng, 1, 0) * t + rng.randint(1, 3))
        out.append(("exp", sp.together(sp.diff(F, x))))
    for _ in range(15):  # random: r/(t + s)**2, r/(t**2 + s)
        a = rng.choice(LOG_ARGS)
        t = sp.log(a)
        den = (t + rational(rng, 1, 0)) ** 2 if rng.random() < 0.5 else t**2 + rational(rng, 1, 0)
        out.append(("log", rational(rng, 1, 1) / den))
    for _ in range(15):  # derivatives: r1/(t**2 + r2) + r3 t**2 (+ atan or log of a quadratic in t)
        a = rng.choice(LOG_ARGS)
        t = sp.log(a)
        F = rational(rng, 1, 1) / (t**2 + rational(rng, 1, 0)) + rational(rng, 1, 1) * t**2
        if rng.random() < 0.5:
            F += sp.atan(t) if rng.random() < 0.5 else sp.log(t**2 - rng.randint(2, 5))
        out.append(("log", sp.together(sp.diff(F, x))))
    return out


class _Timeout(Exception):
    pass


def _alarm(signum, frame):  # noqa: ARG001
    raise _Timeout


def verdict(f: sp.Expr, seconds: int) -> str:
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(seconds)
    try:
        r = risch_integrate(f, x)
    except (_Timeout, NotImplementedError, Exception):  # noqa: BLE001 - any failure: no verdict
        return "undecided"
    finally:
        signal.alarm(0)
    return "nonelementary" if r.has(NonElementaryIntegral) else "elementary"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--seconds", type=int, default=30, help="SymPy's time limit per integrand")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "data", "risch_oracle.json"))
    args = ap.parse_args()
    cases = []
    for kind, f in corpus():
        v = verdict(f, args.seconds)
        cases.append({"kind": kind, "f": str(f), "sympy": v})
        print(v, kind, f, flush=True)
    with open(args.out, "w") as fh:
        json.dump({"generator": "tests/python/make_risch_data.py", "sympy": sp.__version__, "cases": cases}, fh, indent=1)
        fh.write("\n")


if __name__ == "__main__":
    main()
