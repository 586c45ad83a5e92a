"""The interpreter's plan (issue 17): fused pairs of arithmetic operations, a SLEEF function of an
arithmetic result, constants read as scalars, x / 2**k read as x * 2**-k, its own order and
registers. None of it may change a bit: each arithmetic Program is checked against NumPy running
the same Program instruction by instruction (IEEE operations, each rounded once: an oracle
independent of both tiers), and every Program against the LLVM tier, in float64 and float32, over
special values (NaN, infinities, signed zeros, subnormals, huge and tiny numbers), at lengths around
the block size and with broadcast and strided inputs."""

from __future__ import annotations

import random

import numpy as np
import pytest

import alkahest as ak
from alkahest import _core

SIZES = [1, 7, 255, 256, 257, 1000]


def llvm_available():
    try:
        x = ak.ExprPool().symbols("x")
        ak.numpy_eval(ak.compile_expr(x + 1, [x], backend="llvm"), np.zeros(1))
        return True
    except Exception:  # noqa: BLE001  (the tier is not built)
        return False


HAVE_LLVM = llvm_available()


def points(n, dtype, seed):
    rng = np.random.default_rng(seed)
    tiny = np.finfo(dtype).tiny
    special = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1.0, -1.0, 2.0, 0.5, tiny, -tiny, tiny / 4,
                        np.finfo(dtype).max, -np.finfo(dtype).max, 3.0, 1e-3], dtype=dtype)
    xs = rng.uniform(-4, 4, n).astype(dtype)
    ys = rng.uniform(-4, 4, n).astype(dtype)
    k = min(n, special.size ** 2)
    xs[:k] = np.repeat(special, special.size)[:k]
    ys[:k] = np.tile(special, special.size)[:k]
    return xs, ys


def run_program(fn, inputs, dtype):
    """The Program of `fn`, instruction by instruction in NumPy (arithmetic and sqrt only)."""
    n_inputs, consts, code, outputs, consts32 = fn._program_data()
    cs = consts32 if dtype == np.float32 else consts
    n = max(a.size for a in inputs)
    regs = {}
    with np.errstate(all="ignore"):
        for op, _name, dst, a, b, index, *_ in code:
            if op == "input":
                v = np.broadcast_to(inputs[index], (n,)).astype(dtype)
            elif op == "const":
                v = np.full(n, cs[index], dtype=dtype)
            elif op == "add":
                v = regs[a] + regs[b]
            elif op == "sub":
                v = regs[a] - regs[b]
            elif op == "mul":
                v = regs[a] * regs[b]
            elif op == "div":
                v = regs[a] / regs[b]
            elif op == "neg":
                v = -regs[a]
            elif op == "sqrt":
                v = np.sqrt(regs[a])
            else:
                raise AssertionError(f"not an arithmetic program: {op}")
            regs[dst] = v.astype(dtype)
    return np.stack([regs[r] for r in outputs], axis=-1)


def same(a, b):
    """Bit for bit, NaN equal to NaN (its payload is not part of the contract), -0.0 != 0.0."""
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    ints = np.int32 if a.dtype == np.float32 else np.int64
    return bool(np.all((a.view(ints) == b.view(ints)) | (np.isnan(a) & np.isnan(b))))


CONSTS = [2.0, 0.5, -4.0, 0.25, 3.0, -1.5, 0.1, 100.0, 1.0 / 3.0, 2.0 ** -100, 2.0 ** 100, 7.0]


def random_arith(rng, x, y, depth):
    """A random expression of + - * / neg and sqrt over x, y and constants (powers of two among them)."""
    if depth == 0 or rng.random() < 0.2:
        r = rng.random()
        if r < 0.4:
            return x
        if r < 0.7:
            return y
        if rng.random() < 0.5:
            return rng.choice(CONSTS) * x
        return x + rng.choice(CONSTS)
    a = random_arith(rng, x, y, depth - 1)
    b = random_arith(rng, x, y, depth - 1)
    try:
        return combine(a, b, rng.choice(CONSTS), rng.randrange(10))
    except ZeroDivisionError:  # a divisor that simplified to 0
        return a + b


def combine(a, b, c, r):
    if r == 0:
        return a + b
    if r == 1:
        return a - b
    if r == 2:
        return a * b
    if r == 3:
        return a / b
    if r == 4:
        return -a * b + c
    if r == 5:
        return a / c - b
    if r == 6:
        return c / a + b * b
    if r == 7:
        return ak.sqrt(a * a + c)
    if r == 8:
        return (a - c) * (b + c)
    return c - a / b


def fixed_exprs(x, y):
    """Every fused shape: op2(op1(.,.), .) in both operand orders, constants in every position."""
    out = []
    ops = [lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / b]
    for f1 in ops:
        for f2 in ops:
            out += [f2(f1(x, y), x), f2(y, f1(x, y)), f2(f1(3.0, x), y), f2(f1(x, 0.5), 2.0),
                    f2(0.25, f1(y, -3.0)), f2(f1(x, y), 8.0), -f1(x, y), f2(-x, y)]
    out += [x / 2, x / 0.25, x / -8.0, x / 2 ** 126, x / 2 ** -126, x / 2 ** 127, x / 3.0, -(x * x) / 2,
            -(-x), x * x / 2 + y, 1 + x * x]
    return out


def check(exprs, x, y, arith_only, seed):
    for dtype in (np.float64, np.float32):
        for acc in ("default", "high"):
            fi = ak.compile_expr(exprs, [x, y], backend="interp", accuracy=acc)
            fl = ak.compile_expr(exprs, [x, y], backend="llvm", accuracy=acc) if HAVE_LLVM else None
            for n in SIZES:
                xs, ys = points(n, dtype, seed + n)
                cases = [(xs, ys), (xs, ys[:1]), (xs[::-1], ys)]  # contiguous, broadcast, strided
                for a, b in cases:
                    got = ak.numpy_eval(fi, a, b, threads=1).reshape(n, len(exprs))
                    if arith_only and acc == "default":
                        want = run_program(fi, [a, b], dtype)
                        assert same(got, want), (dtype, n, fi.program())
                    if fl is not None:
                        want = ak.numpy_eval(fl, a, b, threads=1).reshape(n, len(exprs))
                        assert same(got, want), (dtype, acc, n, fi.program())


def test_fused_shapes():
    pool = ak.ExprPool()
    x, y = pool.symbols("x y")
    exprs = fixed_exprs(x, y)
    for k in range(0, len(exprs), 16):
        check(exprs[k:k + 16], x, y, True, k)
    for e in exprs:  # one output at a time: the last step writes the output array itself
        check([e], x, y, True, 1)


def test_random_arithmetic():
    pool = ak.ExprPool()
    x, y = pool.symbols("x y")
    rng = random.Random(17)
    for k in range(40):
        exprs = [random_arith(rng, x, y, 4) for _ in range(rng.randrange(1, 4))]
        check(exprs, x, y, True, 100 + k)


@pytest.mark.skipif(not HAVE_LLVM, reason="the LLVM tier is not built")
def test_functions_of_arithmetic():
    pool = ak.ExprPool()
    x, y = pool.symbols("x y")
    exprs = [ak.sin(3 * x) * ak.exp(-x * x / 2) + ak.sqrt(1 + y * y), ak.cos(x - y) / 7, ak.exp(-(x * y)),
             ak.log(1 + y * y) + x * y + ak.sin(x * y), ak.tanh(x / 4), ak.atan(2.0 - x),
             sum(ak.sin(k * x) * ak.exp(-k * x / 100) / k for k in range(1, 8)),
             ak.Min(x * 2, y - 1), ak.Max(x / 2, 3.0)]
    check(exprs, x, y, False, 5)
    for e in exprs:
        check([e], x, y, False, 6)


def test_constant_and_input_outputs():
    pool = ak.ExprPool()
    x, y = pool.symbols("x y")
    exprs = [x, 0 * x + 2, y, x * y, x + 3]
    fi = ak.compile_expr(exprs, [x, y], backend="interp")
    xs, ys = points(300, np.float64, 1)
    got = ak.numpy_eval(fi, xs, ys, threads=1)
    with np.errstate(all="ignore"):
        assert same(got[:, 0], xs) and same(got[:, 2], ys) and same(got[:, 3], xs * ys)
    assert np.all(got[:, 1] == 2.0)


def test_plan_summary_counts_the_fusion():
    # CompiledFn._plan_summary (Interpreter::plan_summary): what bench notes compare between the
    # plans of the unoptimized and the optimized Program. Counted by hand from the fusion rules.
    pool = ak.ExprPool()
    x, y = pool.symbols("x y")

    def summary(exprs):
        return ak.compile_expr(exprs, [x, y], backend="interp")._plan_summary()

    # x*y read once: fused into the add (one pair step); steps: two inputs and the pair
    s = summary([x * y + x])
    assert (s["steps"], s["chain_steps"], s["links"], s["ops"], s["reads"]) == (3, 0, 0, 2, 3)
    # x*y read twice: a step of its own, then the add (a constant: no register read) and sin
    s = summary([x * y + 1, ak.sin(x * y)])
    assert (s["steps"], s["chain_steps"], s["links"], s["ops"], s["reads"]) == (5, 0, 0, 3, 4)
    # a sum of products: one chain of 5 links (4 adds, 3 multiplications inside its terms), exp a
    # step of its own (it reads y; the chain reads x, x y, x x, y, exp's result)
    s = summary([x * y + x * x + 3 * y + x + ak.exp(y)])
    assert (s["steps"], s["chain_steps"], s["links"], s["ops"], s["reads"]) == (4, 1, 5, 8, 8)


def test_only_subtraction_and_division_combine_the_other_way_round():
    # A fused value that is the second operand of + or * is combined as acc op t all the same
    # (the same IEEE result), so the chain kernel sees fewer kinds of links; for - and / the order
    # is kept, and the results stay the NumPy oracle's and the JIT's bit for bit (check).
    pool = ak.ExprPool()
    x, y = pool.symbols("x y")
    commutative = [x + y * y, y * (x - y), x + (y * y + x) * 3 + x, x * (y + 2) * (x - 1) + y]
    for e in commutative:
        s = ak.compile_expr([e], [x, y], backend="interp")._plan_summary()
        assert s["swapped"] == 0, (e, s)
    ordered = [x - y * y, y / (x - y), 2 - (y * y + x) * 3, x / ((y + 2) * (x - 1)) + y, y - x * (x + y)]
    for e in ordered:
        s = ak.compile_expr([e], [x, y], backend="interp")._plan_summary()
        assert s["swapped"] >= 1, (e, s)
    check(commutative + ordered, x, y, True, 7)
    for e in commutative + ordered:
        check([e], x, y, True, 8)


def test_an_input_read_where_its_register_held_other_values():
    # The plan gives y (computed last) a register that earlier steps used for values that chain
    # links read; the chain kernel's links are built once per range and re-pointed into an input
    # array block by block, which must not touch those links (it did: every block after the first
    # read y instead). Sizes past one block (256 elements).
    pool = ak.ExprPool()
    x, y = pool.symbols("x y")
    arith = [ak.sqrt(x * x + 3 * x + 1) * (x - 0.5) + x * x * 2,
             ak.sqrt(x * x + 1) * (x + 0.25) + ak.sqrt(x * x * 3 + 2) * (x - 3) / 7]
    for a in arith:
        check([a, y], x, y, True, 40)
        check([a, x * y, y], x, y, True, 41)
    rng = random.Random(5)  # pairs and chains over x only, then y read last
    for k in range(12):
        a = random_arith(rng, x, x, 4)
        check([a, y, 3 * y + 1], x, y, True, 50 + k)
    if HAVE_LLVM:
        s = sum(ak.sin(k * x) * ak.exp(-k * x / 100) / k for k in range(1, 3))
        check([s, y], x, y, False, 42)
