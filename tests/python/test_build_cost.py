"""Building sums and products term by term costs O(n) per step (issue 13, item 8), counted in
canonical-order comparisons and in nodes created, not timed."""

from __future__ import annotations

import math

import pytest

import alkahest as ak
from alkahest import Add, Mul, _core


def compares(build):
    before = _core._compare_count()
    out = build()
    return out, _core._compare_count() - before


@pytest.mark.parametrize("op", ["add", "mul"])
def test_term_by_term_costs_log_n_comparisons_per_step(op):
    n = 3000
    pool = ak.ExprPool()
    syms = [pool.symbol(f"v{i}") for i in range(n)]
    order = syms[::2] + syms[1::2]  # every new term lands inside the sorted list, not at an end

    def build():
        s = order[0]
        for v in order[1:]:
            s = s + v if op == "add" else s * v
        return s

    s, count = compares(build)
    assert len(s.node().args) == n
    # Re-sorting at each step (before) cost about n**2/2 * log2(n) = 5e7 comparisons here.
    assert count < 3 * n * math.log2(n), count
    assert s == (Add(*syms) if op == "add" else Mul(*syms))


def test_add_and_mul_build_in_one_step():
    n = 5000
    pool = ak.ExprPool()
    syms = [pool.symbol(f"v{i}") for i in range(n)]
    for build, kind in ((Add, "Add"), (Mul, "Mul")):
        nodes = len(pool)
        e, count = compares(lambda: build(*reversed(syms)))
        assert e.node().kind == kind and len(e.node().args) == n
        assert len(pool) == nodes + 1  # one new node: no intermediate sums or products
        assert count < 2 * n * math.log2(n), count  # one sort
        assert build(*syms) == e  # the operands' order does not matter
        assert [str(a) for a in e.node().args] == sorted(str(s) for s in syms)


def test_add_and_mul_agree_with_term_by_term():
    pool = ak.ExprPool()
    x, y, z = pool.symbols("x y z")
    terms = [x, 2 * y, ak.sin(x), -x, pool.rational(1, 3), y * z, 3, x ** 2, 0.5 * y, -2 * y]
    s = terms[0]
    for t in terms[1:]:
        s = s + t
    assert Add(*terms) == s == sum(terms[1:], terms[0])
    assert Add(*terms).node().args == s.node().args
    factors = [x, y ** 2, 3, x, ak.cos(z), pool.rational(1, 2), y ** -1, z]
    p = factors[0]
    for f in factors[1:]:
        p = p * f
    assert Mul(*factors) == p
    assert Add(x) == x and Mul(x) == x and Add(x, -x) == pool.integer(0) and Mul(x, 0) == pool.integer(0)


def test_merge_keeps_canonical_order_with_collected_terms():
    """Terms that change (collected coefficients, cancelled terms) are placed again, not kept in place."""
    pool = ak.ExprPool()
    xs = [pool.symbol(f"a{i}") for i in range(40)]
    s = Add(*(k * v for k, v in enumerate(xs, 1)))
    t = s + Add(*(-k * v for k, v in enumerate(xs[10:20], 11))) + 7 * xs[5] + ak.sin(xs[0]) + xs[39] ** 2
    rebuilt = ak.parse(str(t), ak.ExprPool())  # built from scratch by the parser: sorted in one go
    assert str(t) == str(rebuilt)
    u = s * s * xs[3] * xs[30]
    assert str(u) == str(ak.parse(str(u), ak.ExprPool()))


def test_add_mul_errors():
    with pytest.raises(TypeError, match="at least one"):
        Add()
    with pytest.raises(TypeError, match="Expr"):
        Mul(2, 3)
    with pytest.raises(TypeError, match="str"):
        Add(ak.ExprPool().symbol("x"), "y")
    with pytest.raises(ValueError, match="pool"):
        Add(ak.ExprPool().symbol("x"), ak.ExprPool().symbol("y"))
