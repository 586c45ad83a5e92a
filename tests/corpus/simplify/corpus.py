"""The simplification corpus (tests/corpus/simplify/*.jsonl): loading, and the numeric check that a
result equals its input at random points drawn inside the symbols' assumptions.

Each line: {"id", "expr" (alkahest text), "symbols": {name: assumptions}, "source"}.
"""

from __future__ import annotations

import json
import os
import random
from fractions import Fraction

from alkahest import N, ExprPool, parse

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = ("sympy_tests.jsonl", "identities.jsonl")


def load():
    entries = []
    for name in FILES:
        with open(os.path.join(HERE, name)) as f:
            entries += [json.loads(line) for line in f if line.strip()]
    return entries


def build(entry, pool=None):
    """(expr, {name: symbol}) of an entry in a pool of its own (or `pool`)."""
    pool = pool or ExprPool()
    syms = {n: pool.symbol(n, **a) if a else pool.symbol(n) for n, a in entry["symbols"].items()}
    return parse(entry["expr"], pool, symbols=syms), syms


def sample(assumptions, rng):
    """A random exact point inside the assumptions."""
    if assumptions.get("integer"):
        if assumptions.get("positive"):
            return Fraction(rng.randint(1, 5))
        if assumptions.get("negative"):
            return Fraction(-rng.randint(1, 5))
        return Fraction(rng.randint(-4, 4))
    v = Fraction(rng.randint(100, 2900), 1000)
    if assumptions.get("positive"):
        return v
    if assumptions.get("negative"):
        return -v
    if assumptions.get("nonnegative"):
        return v - Fraction(1, 10)
    if assumptions.get("nonpositive"):
        return Fraction(1, 10) - v
    return v if rng.random() < 0.5 else -v


def value(expr, point):
    try:
        return complex(N(expr, 20, subs=point))
    except (ValueError, ZeroDivisionError, TypeError, OverflowError):
        return None


def numerically_equal(a, b, syms, points=6, seed=0):
    """None when no point gave a finite value of `a`; else whether b agrees at every such point."""
    rng = random.Random(seed)
    agreed = 0
    for _ in range(points):
        point = {s: sample(s.assumptions or {}, rng) for s in syms.values()}
        va = value(a, point)
        if va is None or va != va or abs(va) > 1e12:
            continue
        vb = value(b, point)
        if vb is None or abs(va - vb) > 1e-9 * max(1.0, abs(va)):
            return False
        agreed += 1
    return True if agreed else None
