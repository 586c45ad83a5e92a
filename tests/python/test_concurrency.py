"""Concurrency: Python threads sharing one ExprPool, and threads sharing one CompiledFn.

Every result of the concurrent runs must be bit for bit what the same work gives when done serially
first. Building and differentiating hold the GIL (the threads interleave between calls, often: the
switch interval is lowered), LLVM compilation and ``numpy_eval`` release it, so kernels are compiled
and batches evaluated truly in parallel, also over the shared worker pool (``threads=None``). The
C++ suite (tests/cpp/test_concurrency.cpp, also run under ThreadSanitizer by ``make tsan``) covers
the pool with no GIL at all.
"""

from __future__ import annotations

import sys
import threading

import numpy as np
import pytest

import alkahest as ak
from alkahest import _core

N_THREADS = 8
ROUNDS = 4
JIT = _core._jit_available()
# Above the driver's split threshold (2 * 2**15 elements): threads=None splits these batches.
N_SPLIT = 70_000


def _same_bits(a: np.ndarray, b: np.ndarray) -> bool:
    """Identical arrays, bit for bit (np.array_equal alone would take -0.0 for 0.0)."""
    a, b = np.asarray(a), np.asarray(b)
    return (a.dtype == b.dtype and a.shape == b.shape and np.array_equal(a, b, equal_nan=True)
            and np.array_equal(a.view(np.uint8), b.view(np.uint8)))


def _run_threads(target, n=N_THREADS):
    """Runs target(barrier, k) on n threads started together; returns the errors they raised."""
    barrier = threading.Barrier(n)
    errors = []

    def run(k):
        try:
            target(barrier, k)
        except BaseException as exc:  # reported by the caller
            barrier.abort()
            errors.append((k, exc))

    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # interleave the GIL-holding work often
    try:
        threads = [threading.Thread(target=run, args=(k,)) for k in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
        assert not any(t.is_alive() for t in threads), "a thread hung"
    finally:
        sys.setswitchinterval(old)
    return errors


def _work(pool, t, r, llvm):
    """One unit of work for thread t in round r: build, differentiate, compile, evaluate.

    Returns (texts, arrays, shared ids). The constants depend on (t, r), so every unit lowers to
    programs of its own: with llvm=True each is a fresh LLVM compilation, not a cache hit.
    """
    k = t * ROUNDS + r + 2
    x, y = pool.symbol("x"), pool.symbol("y")
    common = [ak.parse("sin(x)**2 + cos(x*y) - exp(-x*x/2)", pool),
              ak.parse("log(1 + x*x)*tanh(y) + sqrt(1 + y*y) - atan2(y, x + 3)", pool)]
    own = [ak.parse(f"sin({k}*x + y)**{k % 5 + 1} + exp(-x/{k})*atan2(y, x + {k})", pool),
           ak.sin(x * y) * k + (y + k) ** (k % 4 + 2),
           ak.exp(-x * pool.rational(1, k)) / (1 + x ** 2) + ak.cosh(x - k) * ak.sqrt(x * x + y * y),
           ak.erf(x / k) * ak.gamma(y + 1) - ak.tan(x / (k + 1)) + ak.abs(x - y) ** pool.rational(1, 3)]
    exprs = common + own
    derived = []
    for e in exprs:
        dx = ak.diff(e, x)
        derived += [dx, e.diff(y), ak.diff(dx, y), ak.subs(e, {y: x + k})]
    outputs = exprs + derived
    texts = [str(e) for e in outputs]

    rng = np.random.default_rng(k)
    xs, ys = rng.uniform(0.1, 3.0, 257), rng.uniform(0.5, 2.0, 257)
    big_x, big_y = rng.uniform(0.1, 3.0, N_SPLIT), rng.uniform(0.5, 2.0, N_SPLIT)
    arrays = {}
    backends = ("interp", "llvm") if llvm else ("interp",)
    for backend in backends:
        f = ak.compile_expr(outputs, [x, y], backend=backend)  # all of them, one program
        g = ak.compile_expr(own[0] * derived[8], [x, y], backend=backend)  # one output
        arrays[backend] = {
            "many-1": ak.numpy_eval(f, xs, ys, threads=1),
            "many-all": ak.numpy_eval(f, xs, ys),
            "many-f32": ak.numpy_eval(f, xs.astype(np.float32), ys.astype(np.float32), threads=1),
            "big-1": ak.numpy_eval(g, big_x, big_y, threads=1),
            "big-all": ak.numpy_eval(g, big_x, big_y),  # split over the worker pool
            "broadcast": ak.numpy_eval(g, xs[:, None], ys[None, :64]),
            "point": np.array(f([float(xs[0]), float(ys[0])])),
        }
    return texts, arrays, [common[0].id, common[1].id, x.id, y.id]


def test_threads_sharing_one_pool_match_a_serial_run():
    serial_pool = ak.ExprPool()
    # The serial reference uses the interpreter only: the concurrent LLVM compilations below are then
    # cache misses (compiled concurrently), checked against the interpreter's bits.
    want = {(t, r): _work(serial_pool, t, r, llvm=False) for t in range(N_THREADS) for r in range(ROUNDS)}
    for texts, arrays, _ in want.values():
        a = arrays["interp"]
        assert _same_bits(a["many-1"], a["many-all"]) and _same_bits(a["big-1"], a["big-all"])
        assert np.isfinite(a["many-1"]).all()

    pool = ak.ExprPool()
    got = {}

    def worker(barrier, t):
        for r in range(ROUNDS):
            barrier.wait(timeout=120)  # every round starts together
            got[t, r] = _work(pool, t, r, llvm=JIT)

    errors = _run_threads(worker)
    assert not errors, errors

    shared_ids = got[0, 0][2]
    for key, (texts, arrays, ids) in want.items():
        g_texts, g_arrays, g_ids = got[key]
        assert g_texts == texts, key
        assert g_ids == shared_ids, key  # hash-consing under contention: one node per expression
        for backend, results in g_arrays.items():
            for name, value in results.items():
                assert _same_bits(value, arrays["interp"][name]), (key, backend, name)
    # The same work interns the same set of nodes, whatever the interleaving.
    assert len(pool) == len(serial_pool)


@pytest.mark.parametrize("backend", ["interp", "llvm", "auto"])
def test_threads_sharing_one_compiled_fn(backend):
    if backend == "llvm" and not JIT:
        pytest.skip("built without LLVM")
    pool = ak.ExprPool()
    x, y = pool.symbols("x y")
    exprs = [ak.exp(-x * x / 2) * ak.cos(3 * x) + ak.sqrt(1 + y * y),
             ak.atan2(y, x) + ak.log(1 + x * x) * ak.tanh(y), x ** y + ak.gamma(y + 1)]
    inputs = []
    for t in range(N_THREADS):
        rng = np.random.default_rng(100 + t)
        n = N_SPLIT if t % 2 else 5_000  # half the threads split their batches over the worker pool
        inputs.append((rng.uniform(0.1, 3.0, n), rng.uniform(0.5, 2.5, n)))
    points = [[float(a[i]), float(b[i])] for a, b in inputs for i in range(50)]

    def evaluate(f, t):
        a, b = inputs[t]
        return {"1": ak.numpy_eval(f, a, b, threads=1), "all": ak.numpy_eval(f, a, b),
                "f32": ak.numpy_eval(f, a[:999].astype(np.float32), b[:999].astype(np.float32)),
                "small": ak.numpy_eval(f, a[:3], b[:3]),
                "points": np.array([f(p) for p in points[t * 50:(t + 1) * 50]])}

    ref = ak.compile_expr(exprs, [x, y], backend="interp")  # serial reference, its own CompiledFn
    want = [evaluate(ref, t) for t in range(N_THREADS)]
    for w in want:
        assert _same_bits(w["1"], w["all"])

    # A fresh CompiledFn for the threads: with "auto" it switches to LLVM while they run (it passes
    # its threshold, about 770,000 elements for this program, in the second of the four rounds,
    # which ask for about 600,000 each), with "llvm" every call runs the one JIT kernel.
    f = ak.compile_expr(exprs, [x, y], backend=backend)
    got = [[] for _ in range(N_THREADS)]

    def worker(barrier, t):
        for _ in range(ROUNDS):
            barrier.wait(timeout=120)
            got[t].append(evaluate(f, t))

    errors = _run_threads(worker)
    assert not errors, errors
    for t in range(N_THREADS):
        assert len(got[t]) == ROUNDS
        for r, results in enumerate(got[t]):
            for name, value in results.items():
                assert _same_bits(value, want[t][name]), (t, r, name)
    if backend == "auto" and JIT:
        assert f.tier == "llvm"
    # Still usable, and still the same, after the threads are gone.
    assert _same_bits(evaluate(f, 0)["1"], want[0]["1"])
