"""The LLVM JIT tier: same numbers as the interpreter, backend selection, cache, out= layouts."""

import math

import numpy as np
import pytest

import alkahest
from alkahest import (ExprPool, acos, asin, atan, atan2, ceiling, compile_expr, cos, cosh, erf, erfc, exp,
                      floor, gamma, log, numpy_eval, polygamma, sign, sin, sinh, sqrt, tan, tanh)
from alkahest import _core

pytestmark = pytest.mark.skipif(not _core._jit_available(), reason="this build has no LLVM")

_SPECIALS = [0.0, -0.0, 1.0, -1.0, 0.5, np.inf, -np.inf, np.nan, 5e-324, 1e300, -1e300, 3.0]


def _grid(n, lo, hi, dtype, seed):
    rng = np.random.default_rng(seed)
    v = rng.uniform(lo, hi, n).astype(dtype)
    k = min(n, len(_SPECIALS))
    with np.errstate(over="ignore"):  # 1e300 becomes inf in float32, on purpose
        v[:k] = np.array(_SPECIALS[:k]).astype(dtype)
    return v


def _bitwise_equal(a, b):
    a, b = np.asarray(a), np.asarray(b)
    both_nan = np.isnan(a) & np.isnan(b)
    return bool(np.all((a.view(np.uint8 if a.dtype.itemsize == 1 else f"u{a.dtype.itemsize}")
                        == b.view(f"u{b.dtype.itemsize}")) | both_nan))


_FUNCS = [sin, cos, tan, sinh, cosh, tanh, asin, acos, atan, exp, log, abs, sign, floor, ceiling, erf, erfc,
          gamma, sqrt]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("accuracy", ["default", "high"])
def test_both_tiers_give_the_same_bits_on_every_op(dtype, accuracy):
    pool = ExprPool()
    x, y = pool.symbols("x y")
    exprs = [fn(x) for fn in _FUNCS] + [atan2(y, x), x ** y, polygamma(1, x), x ** (1 / 3), 1 / x,
                                        x * y - x / y + 2 * x ** 3 - y ** -2, -x]
    f_int = compile_expr(exprs, [x, y], backend="interp", accuracy=accuracy)
    f_jit = compile_expr(exprs, [x, y], backend="llvm", accuracy=accuracy)
    assert f_jit.tier == "llvm" and f_int.tier == "interp"
    for n in (1, 3, 7, 8, 9, 16, 17, 33, 1001):  # every tail length around the vector width
        xs, ys = _grid(n, -6, 6, dtype, n), _grid(n, -3, 3, dtype, n + 1)
        a, b = numpy_eval(f_int, xs, ys), numpy_eval(f_jit, xs, ys)
        assert a.dtype == b.dtype == dtype
        assert _bitwise_equal(a, b), (n, np.argwhere(a != b)[:5])


def test_point_calls_agree_between_tiers():
    pool = ExprPool()
    x, y = pool.symbols("x y")
    e = exp(-x * x / 2) * cos(3 * x) + sqrt(1 + x * y) + polygamma(0, y)
    f_int = compile_expr(e, [x, y], backend="interp")
    f_jit = compile_expr(e, [x, y], backend="llvm")
    for p in ([0.0, 1.0], [0.3, 2.5], [-1.7, 0.25], [np.nan, 1.0], [np.inf, 2.0]):
        a, b = f_int(p), f_jit(p)
        assert a == b or (np.isnan(a) and np.isnan(b))
    g = compile_expr([x + y, x * y, sin(x)], [x, y], backend="llvm")
    assert g([2.0, 3.0]) == [5.0, 6.0, float(np.sin(2.0))]


def test_auto_switches_to_llvm_once_the_batch_repays_it():
    pool = ExprPool()
    x = pool.symbol("x")
    f = compile_expr(sin(x) ** 2 + x, [x])
    assert f.backend == "auto" and f.tier == "interp"
    small = np.linspace(0, 1, 1000)
    first = numpy_eval(f, small)
    assert f.tier == "interp"
    big = np.linspace(0, 6, _auto_threshold(len(f._program_data()[2])))  # with the 1,000: past it
    res = numpy_eval(f, big)
    assert f.tier == "llvm"
    assert _bitwise_equal(numpy_eval(f, small), first)
    ref = compile_expr(sin(x) ** 2 + x, [x], backend="interp")
    assert _bitwise_equal(res, numpy_eval(ref, big))
    assert "llvm" in repr(f)
    g = compile_expr(x + 1, [x], backend="interp")
    numpy_eval(g, big)
    assert g.tier == "interp"  # "interp" never compiles


def _chain(x, levels):
    """x, then e*1.0001 + 0.5 and sin(e) + x in turn: about 2 instructions a level, none shared."""
    e = x
    for i in range(levels):
        e = sin(e) + x if i % 2 else e * 1.0001 + 0.5
    return e


def test_auto_stays_on_the_interpreter_for_programs_the_jit_cannot_repay():
    # Past 50,000 instructions "auto" never compiles: a 1e5-deep expression used to take 16 s and
    # a 1e6-deep one 169 s and 6 GB once it crossed 2**17 elements.
    pool = ExprPool()
    x = pool.symbol("x")
    f = compile_expr(_chain(x, 30_000), [x])
    assert len(f._program_data()[2]) > 50_000
    a = np.linspace(0, 1, (1 << 17) + 1)
    res = numpy_eval(f, a)
    assert f.tier == "interp"
    assert res[0] == f([0.0]) and res[-1] == f([1.0])


def _auto_threshold(n):
    """Elements after which "auto" compiles a program of n instructions: the cost model of
    src/exec/jit.cpp (compile 3.5 ms + 20 us per instruction, growing past tens of thousands; the
    interpreter 0.2 ns per instruction per element)."""
    return math.ceil((3.5e-3 + 20e-6 * n * (1 + n / 50_000)) / (0.2e-9 * n))


def test_auto_waits_longer_for_longer_programs():
    # A 10,000-instruction program: compiling it is estimated at about as long as the interpreter
    # takes for ~122,000 elements, so "auto" stays after 100,000 and switches by 200,000.
    pool = ExprPool()
    x = pool.symbol("x")
    f = compile_expr(_chain(x, 5_000), [x])
    n = len(f._program_data()[2])
    assert 9_000 < n < 11_000
    assert 100_000 < _auto_threshold(n) < 200_000
    numpy_eval(f, np.linspace(0, 1, 100_000))
    assert f.tier == "interp"
    numpy_eval(f, np.linspace(0, 1, 100_000))
    assert f.tier == "llvm"
    # short programs wait for millions of elements: a compile costs milliseconds, the
    # interpreter about a nanosecond per element
    small = compile_expr(x * 2 + 1, [x])
    t = _auto_threshold(len(small._program_data()[2]))
    assert t > 1_000_000
    numpy_eval(small, np.zeros(t - 10))
    assert small.tier == "interp"
    numpy_eval(small, np.zeros(100))
    assert small.tier == "llvm"


def test_same_structure_is_compiled_once():
    def build():
        pool = ExprPool()
        x = pool.symbol("x")
        return compile_expr(sin(x) * 1.234567 + cos(x) ** 3, [x], backend="llvm")

    build()
    compiled, hits = _core._jit_stats()
    f = build()  # another pool, same structure
    compiled2, hits2 = _core._jit_stats()
    assert compiled2 == compiled and hits2 == hits + 1
    assert f([0.5]) == pytest.approx(np.sin(0.5) * 1.234567 + np.cos(0.5) ** 3, rel=1e-14)


def test_threads_strides_and_broadcasting_on_the_jit():
    pool = ExprPool()
    x, y = pool.symbols("x y")
    f = compile_expr(sin(x) * y + log(1 + x * x), [x, y], backend="llvm")
    g = compile_expr(sin(x) * y + log(1 + x * x), [x, y], backend="interp")
    a = np.linspace(-5, 5, 2 * 3 * 70_000).reshape(3, 140_000)[:, ::2]  # strided rows
    b = np.array([[0.5], [-1.0], [2.0]])                                  # broadcast column
    one = numpy_eval(f, a, b, threads=1)
    assert _bitwise_equal(one, numpy_eval(f, a, b, threads=2))
    assert _bitwise_equal(one, numpy_eval(g, a, b, threads=1))
    np.testing.assert_allclose(one, np.sin(a) * b + np.log(1 + a * a), rtol=1e-14, atol=1e-14)


def test_out_may_be_strided_or_alias_an_input():
    pool = ExprPool()
    x, y = pool.symbols("x y")
    for backend in ("interp", "llvm"):
        f = compile_expr(x * 2 + y, [x, y], backend=backend)
        xs, ys = np.arange(10.0), np.ones(10)
        buf = np.zeros((10, 2))
        res = numpy_eval(f, xs, ys, out=buf[:, 1])  # strided out
        assert res.base is buf
        np.testing.assert_array_equal(buf[:, 1], xs * 2 + 1)
        np.testing.assert_array_equal(buf[:, 0], 0)
        v = np.arange(10.0)
        numpy_eval(f, v, ys, out=v)  # in place
        np.testing.assert_array_equal(v, np.arange(10.0) * 2 + 1)
        w = np.arange(11.0)
        numpy_eval(f, w[:-1], ys, out=w[1:])  # overlapping, shifted by one: no smearing
        np.testing.assert_array_equal(w[1:], np.arange(10.0) * 2 + 1)


def test_backend_errors_and_introspection():
    pool = ExprPool()
    x = pool.symbol("x")
    with pytest.raises(ValueError, match="backend"):
        compile_expr(x, [x], backend="gpu")
    f = compile_expr(sin(x) + 1, [x], backend="llvm")
    ir = f.llvm_ir()
    assert "define void @kernel" in ir and "fadd" in ir and "sin" in ir
    assert "float" in f.llvm_ir(float32=True)
    assert "LLVM" in _core._jit_description()
    assert alkahest.compile_expr is compile_expr


def test_worker_pool_under_concurrent_callers_and_after_fork():
    import os
    import threading

    pool = ExprPool()
    x = pool.symbol("x")
    fns = [compile_expr(sin(x) * k + x, [x], backend=b) for k in (1, 2) for b in ("interp", "llvm")]
    xs = np.linspace(-3, 3, 100_003)
    want = [numpy_eval(f, xs, threads=1) for f in fns]
    bad = []

    def worker(i):
        for _ in range(5):
            if not np.array_equal(numpy_eval(fns[i % 4], xs, threads=2), want[i % 4]):
                bad.append(i)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not bad
    # After fork() the child has no pool workers: it must start its own, not wait forever. Run in a
    # fresh interpreter, so no other library's threads (JAX's) are forked along.
    import subprocess
    import sys
    script = """
import os, numpy as np, alkahest as ak
p = ak.ExprPool(); x = p.symbol("x")
f = ak.compile_expr(ak.sin(x) * 2 + x, [x], backend="llvm")
xs = np.linspace(-3, 3, 100_003)
want = ak.numpy_eval(f, xs, threads=2)  # starts the parent's workers
pid = os.fork()
if pid == 0:
    os._exit(0 if np.array_equal(ak.numpy_eval(f, xs, threads=2), want) else 1)
_, status = os.waitpid(pid, 0)
raise SystemExit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 3)
"""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    proc = subprocess.run([sys.executable, "-c", script], env=env, timeout=120)
    assert proc.returncode == 0
