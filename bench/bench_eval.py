#!/usr/bin/env python3
"""Evaluation benchmark: alkahest's compiled evaluation vs NumPy, numexpr, SymPy, SymEngine, JAX, C and PyPI "alkahest".

One run evaluates five workloads at 1e6 float64 points in every library, side by side, and prints
the best time of each, the ratio of every peer to the best alkahest tier, how far every alkahest
tier is from the SLEEF C loop and from NumPy, and how far every result is from NumPy.

    PYTHONPATH=python .venv/bin/python bench/bench_eval.py [--quick] [--n N] [--json out.json]
                                                          [--skip threads,scalar,compile,pypi]
    .venv/bin/python bench/report.py [out.json [chart.png]]    # chart + markdown tables

Workloads (x = linspace(0, 2*pi, n), y = linspace(1, 2, n), n = 1e6 by default)
    W1  sin(x)**2 + x
    W2  a degree-8 polynomial in x, written as a sum of powers: sum(c[k] * x**k, k=0..8)
    W3  exp(-x*x/2)*cos(3*x) + sqrt(1 + x*x)
    W4  x*y + sin(x*y) + log(1 + y*y)
    W5  sum(sin(k*x) * exp(-k*x/100) / k, k=1..50)
    Every library gets the same formula through its own ordinary API (one Python function per
    workload, called with each library's namespace), except numexpr (the same formula as a string)
    and the C reference (below).

alkahest columns (all single-threaded; the result array is allocated per call, as for every peer)
    alkahest    compile_expr(expr, [x, y]) (backend="auto", the default) then
                numpy_eval(f, xs, ys, threads=1). "auto" starts on the interpreter and switches to the
                LLVM tier (when built) once the interpreter has spent about as long as the compile
                is estimated to take (2.6 million elements for W1's 7 instructions, 136,000 for W5's
                493: docs/evaluation.md), i.e. during the warm-up calls at these sizes; the JSON
                records the tier it ended on.
    alk-interp  the same with compile_expr(..., backend="interp") (the block interpreter).
    alk-llvm    the same with compile_expr(..., backend="llvm") (the LLVM JIT tier). When
                compile_expr raises (NotImplementedError, RuntimeError, AlkahestError: the tier is not
                built) the column is left out everywhere, with a note.
    alk-high    compile_expr(..., backend="llvm", accuracy="high") (SLEEF's 1-ulp functions), timed
                with out= against the u10 C loop (not an alkahest tier for the peer ratios).
    alk out=    the "alkahest" function with a preallocated out= array (the C reference also writes
                into a preallocated buffer). Every tier is also timed with out= (not shown in the main
                table): those times are the ones compared with sleef-C.
    Peer ratios are taken against the best (fastest) of alkahest, alk-interp and alk-llvm per
    workload.

Peers (all single-threaded)
    numpy       the formula over NumPy arrays.
    numexpr     numexpr.evaluate(string) with numexpr.set_num_threads(1).
    sympy       sympy.lambdify([x, y], expr, modules="numpy").
    symengine   symengine.Lambdify([x, y], expr, backend="llvm", cse=True) when SymEngine has LLVM,
                else its default backend (cse=True: faster on W4, and needed for DAG-shaped input);
                the inputs are passed as one (n, 2) array built outside the timing.
    jax         jax.jit of the formula with jax_enable_x64, inputs already on the (CPU) device, timed
                with block_until_ready(); compile time is excluded (a warm-up call comes first).
                XLA's CPU thread pool is limited to one thread through XLA_FLAGS unless XLA_FLAGS is
                already set.
    sleef-C     a hand-written C loop over SLEEF's vector math for the widest instruction set the CPU
                has: AVX-512F (Sleef_sind8_u35avx512f, ..., 8 doubles per step) or else AVX2
                (Sleef_sind4_u35avx2, ..., 4 doubles), with FMA, compiled at bench time with
                gcc -O3 -mavx512f -mfma (or -mavx2 -mfma) -lsleef and
                called through ctypes. The polynomial is written in Horner form, as one would by hand.
                Built twice: with SLEEF's 3.5-ulp functions (u35, alkahest's default accuracy) and,
                as "sleef-C u10", with its 1-ulp ones (accuracy="high"); exp is u10 in both.
                Skipped (with a note) when gcc, sleef.h or AVX2 is missing.
    alk-pypi    `pip install alkahest` (3.12.0): not this project but an unrelated Rust computer-algebra
                system that shares the import name (PyO3; FLINT/Arb; e-graphs; a Cranelift JIT in the
                default wheel). Its API is close enough to ours (ExprPool, sin/..., compile_expr,
                numpy_eval) to run the same workload functions. Both cannot be imported in one process,
                so it runs in its own venv (--pypi-venv, default build/bench-pypi-venv, created on
                demand with `python -m venv` + pip install alkahest==3.12.0 numpy==<the
                requirements-dev.txt pin>) as a subprocess, bench/pypi_alkahest_peer.py, which gets n,
                the timing settings and the source of the workload functions as JSON and prints JSON.
                compile_expr gets expected_evals=n so the function is native from the start;
                numpy_eval is single-threaded. It is timed after the in-process libraries (not in
                their rounds), best of the same number of rounds. When the venv cannot be set up (no
                network) or the package cannot express the workloads, the column is left out with a
                note; it never fails the run.

Method
    Each workload builds every library's callable, calls each once (warm-up, and the correctness
    check against NumPy), then runs rounds: in every round each library is timed once
    (time.perf_counter, garbage collector off), so that background noise is spread across the
    libraries. The table shows the best time over the rounds. Slow libraries stop early when a
    workload's time budget is spent, but each gets at least --min-reps timings.

    Correctness: "rel" is max|r - r_numpy| / max|r_numpy| over all points (a normwise relative
    difference: elementwise ratios are meaningless where the exact value crosses zero, as W5's does);
    "elt" is the elementwise max |r - r_numpy| / |r_numpy| over points with |r_numpy| >= 1e-3 *
    max|r_numpy|. alkahest should be within 1e-12 normwise.

Goals printed (and stored under "goals" in the JSON)
    sleef-C     every alkahest tier's out= time / the sleef-C time, per workload and geomean:
                goal within 1.25x.
    numpy       geometric mean over W1-W5 of numpy time / tier time (both allocate): goal >= 3x.
    issue 17    the default tier ("alkahest", out=) / sleef-C: geomean <= 1.15x, no workload above 1.5x;
                alk-high (out=) / sleef-C u10: geomean <= 1.15x; W2's best alkahest time <= jax.jit's;
                LLVM compile latency <= SymEngine's at every size; with the interp and small-batch goals,
                printed together at the end.
    interp      alk-interp time / alk-llvm time per workload, with out= (the evaluation alone) and
                allocating; goal: geomean of the out= ratios <= 1.5x (the interpreter is the tier
                "auto" answers small and first batches with).

Also measured
    threads     numpy_eval at threads=1 vs threads=2 (out= preallocated) on every workload at n points,
                for each available tier (alk-interp, alk-llvm), and alk-pypi's numpy_eval vs
                numpy_eval_par with RAYON_NUM_THREADS=2.
    scalar      the cost of one scalar call f([1.0]) of W1 compiled over [x], ns per call (timeit,
                best of several repeats), for alkahest (auto), each tier and alk-pypi, with SymEngine
                Lambdify and SymPy lambdify(modules="math") scalar calls for context.
    compile     compile_expr latency on seeded random expressions of about 10, 100 and 1,000
                distinct nodes (DAG nodes counted by walking Expr.node().args), best of several, for
                alk-interp and alk-llvm (auto compiles like interp: its LLVM compile happens on the
                first large call), with SymEngine Lambdify (LLVM, cse=True) and alk-pypi for context.
                Each repetition builds its expression afresh in a fresh pool and adds a distinct
                constant (0.5 + rep), because the LLVM tier caches compiled kernels by program
                structure for the life of the process: the constant makes every repetition a new
                program. The JIT's own counters (alkahest._core._jit_stats: kernels compiled, cache
                hits) are read around every LLVM compile; a repetition that hit the cache or compiled
                nothing marks the value as not fresh ("*" in the table, alk-llvm_fresh in the JSON, and
                a note). The random expressions
                share subexpressions heavily (their tree form is far larger than the DAG); without
                cse=True SymEngine's LLVM backend does not finish on the 1,000-node one and exhausts
                memory.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import inspect
import json
import math
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import timeit

# Keep XLA's CPU runtime on one thread (must be set before jax is imported).
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import numpy as np

import alkahest as alk

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
POLY = [3.0, 2.5, 1.25, 0.75, 0.5, 0.25, 0.125, 0.0625, 0.03125]  # c[0..8]; exact in binary, all > 0

# alkahest columns that allocate their result; peers are compared with the fastest of them.
ALK_TIERS = ("alkahest", "alk-interp", "alk-llvm")
TIER_BACKEND = {"alkahest": "auto", "alk-interp": "interp", "alk-llvm": "llvm"}
PYPI_ALKAHEST = "alkahest==3.12.0"
GOAL_SLEEF = 1.25  # each tier within 1.25x of the SLEEF C loop
GOAL_NUMPY = 3.0   # geomean >= 3x NumPy
GOAL_INTERP = 1.5  # the interpreter (auto's tier for small and first batches) within 1.5x of the LLVM tier, geomean
# Issue 17's "Done when": the default tier within 1.15x of the u35 SLEEF loop (geomean), no workload
# above 1.5x; accuracy="high" within 1.15x of the u10 loop (geomean); W2 no slower than jax.jit.
GOAL_U35_GEOMEAN, GOAL_U35_MAX, GOAL_U10_GEOMEAN = 1.15, 1.5, 1.15
HIGH_TIER = "alk-high"  # compile_expr(..., backend="llvm", accuracy="high"), compared with the u10 loop
SLEEF_COLS = {"u35": "sleef-C", "u10": "sleef-C u10"}


# --- the workloads, written once for every library namespace `M` (sin, cos, exp, log, sqrt) -------------------

def w1(x, y, M):
    return M.sin(x) ** 2 + x


def w2(x, y, M):
    r = POLY[0] + POLY[1] * x
    for k in range(2, 9):
        r = r + POLY[k] * x ** k
    return r


def w3(x, y, M):
    return M.exp(-x * x / 2) * M.cos(3 * x) + M.sqrt(1 + x * x)


def w4(x, y, M):
    return x * y + M.sin(x * y) + M.log(1 + y * y)


def w5(x, y, M):
    r = M.sin(1 * x) * M.exp(-1 * x / 100) / 1
    for k in range(2, 51):
        r = r + M.sin(k * x) * M.exp(-k * x / 100) / k
    return r


WORKLOADS = {
    "W1": (w1, "sin(x)**2 + x", ["x"]),
    "W2": (w2, "degree-8 polynomial in x", ["x"]),
    "W3": (w3, "exp(-x*x/2)*cos(3*x) + sqrt(1+x*x)", ["x"]),
    "W4": (w4, "x*y + sin(x*y) + log(1+y*y)", ["x", "y"]),
    "W5": (w5, "sum(sin(k*x)*exp(-k*x/100)/k, k=1..50)", ["x"]),
}

NUMEXPR = {
    "W1": "sin(x)**2 + x",
    "W2": " + ".join([repr(POLY[0]), f"{POLY[1]!r}*x"] + [f"{POLY[k]!r}*x**{k}" for k in range(2, 9)]),
    "W3": "exp(-x*x/2)*cos(3*x) + sqrt(1+x*x)",
    "W4": "x*y + sin(x*y) + log(1+y*y)",
    "W5": " + ".join(f"sin({k}*x)*exp(-{k}*x/100)/{k}" for k in range(1, 51)),
}


class _NS:
    """A namespace with sin/cos/exp/log/sqrt taken from `mod`."""

    def __init__(self, mod):
        for name in ("sin", "cos", "exp", "log", "sqrt"):
            setattr(self, name, getattr(mod, name))


# --- the SLEEF C reference ------------------------------------------------------------------------------------

SLEEF_C = r"""
#include <immintrin.h>
#include <sleef.h>
#include <string.h>

/* One source for both instruction sets: compiled with -DREF_AVX512 (8 doubles per vector, SLEEF's
   avx512f functions) when the CPU has AVX-512F, else for AVX2 + FMA (4 doubles). */
#ifdef REF_AVX512
typedef __m512d V;
#define W 8
#define SL_(f, u) Sleef_##f##d8_##u##avx512f
#define P(op) _mm512_##op##_pd
#else
typedef __m256d V;
#define W 4
#define SL_(f, u) Sleef_##f##d4_##u##avx2
#define P(op) _mm256_##op##_pd
#endif
#define B(v) P(set1)(v)
#define SL(f, u) SL_(f, u)
/* ACC: u35 (SLEEF's 3.5-ulp functions, alkahest's default accuracy) or u10 (1-ulp, accuracy="high");
   exp has only a 1-ulp version. */
#ifndef ACC
#define ACC u35
#endif

static inline V k1(V x, V y) { (void)y; V s = SL(sin, ACC)(x); return P(fmadd)(s, s, x); }
static inline V k2(V x, V y) {
    (void)y;
    static const double c[9] = {3.0, 2.5, 1.25, 0.75, 0.5, 0.25, 0.125, 0.0625, 0.03125};
    V r = B(c[8]);
    for (int k = 7; k >= 0; --k) r = P(fmadd)(r, x, B(c[k]));
    return r;
}
static inline V k3(V x, V y) {
    (void)y;
    V xx = P(mul)(x, x);
    V e = SL(exp, u10)(P(mul)(xx, B(-0.5)));
    V c = SL(cos, ACC)(P(mul)(x, B(3.0)));
    V s = P(sqrt)(P(add)(xx, B(1.0)));
    return P(fmadd)(e, c, s);
}
static inline V k4(V x, V y) {
    V t = P(mul)(x, y);
    V l = SL(log, ACC)(P(fmadd)(y, y, B(1.0)));
    return P(add)(P(add)(t, SL(sin, ACC)(t)), l);
}
static inline V k5(V x, V y) {
    (void)y;
    V acc = B(0.0);
    for (int k = 1; k <= 50; ++k) {
        V kx = P(mul)(x, B((double)k));
        V s = SL(sin, ACC)(kx);
        V e = SL(exp, u10)(P(mul)(kx, B(-0.01)));
        acc = P(fmadd)(P(mul)(s, e), B(1.0 / k), acc);
    }
    return acc;
}

#define DRIVER(name, kern)                                                                  \
    void name(const double *X, const double *Y, double *O, long n) {                      \
        long i = 0;                                                                        \
        for (; i + W <= n; i += W) {                                                       \
            V x = P(loadu)(X + i);                                                         \
            V y = Y ? P(loadu)(Y + i) : x;                                                 \
            P(storeu)(O + i, kern(x, y));                                                  \
        }                                                                                  \
        if (i < n) {                                                                       \
            double bx[W], by[W], bo[W];                                                    \
            for (int j = 0; j < W; ++j) bx[j] = by[j] = 1.0;                               \
            memcpy(bx, X + i, (size_t)(n - i) * 8);                                        \
            if (Y) memcpy(by, Y + i, (size_t)(n - i) * 8);                                 \
            P(storeu)(bo, kern(P(loadu)(bx), P(loadu)(by)));                               \
            memcpy(O + i, bo, (size_t)(n - i) * 8);                                        \
        }                                                                                  \
    }

DRIVER(W1, k1)
DRIVER(W2, k2)
DRIVER(W3, k3)
DRIVER(W4, k4)
DRIVER(W5, k5)

const char *isa(void) {
#ifdef REF_AVX512
    return "avx512f";
#else
    return "avx2";
#endif
}
"""


def build_sleef_reference(workdir, acc="u35"):
    """Compiles SLEEF_C with SLEEF's `acc` functions (u35 or u10) into a shared library; returns
    (ctypes.CDLL, None) or (None, reason)."""
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        return None, "no C compiler"
    try:
        with open("/proc/cpuinfo") as fh:
            flags = fh.read()
    except OSError:
        flags = " avx2 fma"
    if " avx512f" in flags:
        isa_flags = ["-mavx512f", "-mfma", "-DREF_AVX512"]
    elif " avx2" in flags and " fma" in flags:
        isa_flags = ["-mavx2", "-mfma"]
    else:
        return None, "CPU lacks AVX2/FMA"
    src = os.path.join(workdir, "sleef_ref.c")
    lib = os.path.join(workdir, f"sleef_ref_{acc}.so")
    with open(src, "w") as fh:
        fh.write(SLEEF_C)
    cmd = [cc, "-O3", *isa_flags, f"-DACC={acc}", "-fPIC", "-shared", "-I/usr/include/x86_64-linux-gnu",
           "-o", lib, src, "-lsleef"]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        err = proc.stderr.strip().splitlines()
        return None, "compile failed" + (": " + err[-1] if err else "")
    dll = ctypes.CDLL(lib)
    ptr = ctypes.POINTER(ctypes.c_double)
    for name in WORKLOADS:
        fn = getattr(dll, name)
        fn.argtypes = [ptr, ptr, ptr, ctypes.c_long]
        fn.restype = None
    return dll, None


# --- helpers --------------------------------------------------------------------------------------------------

def count_nodes(expr):
    """Distinct nodes of an alkahest expression DAG (by Expr.id)."""
    seen = set()
    stack = [expr]
    while stack:
        e = stack.pop()
        if e.id in seen:
            continue
        seen.add(e.id)
        stack.extend(e.node().args)
    return len(seen)


def random_expr(M, x, y, steps, seed):
    """A seeded random expression over x, y with `steps` operations, written against namespace M.

    Arguments of exp/log/sqrt are kept tame (sin/cos outputs, 1 + u*u) so the expression is finite."""
    rng = random.Random(seed)
    live = [x, y]
    for _ in range(steps):
        r = rng.random()
        a = live[rng.randrange(len(live))]
        if r < 0.15:
            live.append(rng.randint(2, 9) * x + rng.randint(1, 9) * y)
        elif r < 0.35:
            b = live[rng.randrange(len(live))]
            live.append(a + b)
        elif r < 0.5:
            b = live[rng.randrange(len(live))]
            live.append(a * b)
        elif r < 0.6:
            b = live[rng.randrange(len(live))]
            live.append(a - rng.randint(1, 9) * b)
        elif r < 0.7:
            live.append(M.sin(a))
        elif r < 0.8:
            live.append(M.cos(a))
        elif r < 0.87:
            live.append(M.exp(M.sin(a)))
        elif r < 0.94:
            live.append(M.sqrt(1 + a * a))
        else:
            live.append(M.log(1 + a * a))
        if len(live) > 12:  # fold old terms together so that (almost) every node ends up in the result
            u = live.pop(0)
            v = live.pop(0)
            live.append(u + v if rng.random() < 0.5 else u * v)
    r = live[0]
    for t in live[1:]:
        r = r + t
    return r


def steps_for_size(target, seed):
    """Number of random_expr steps giving about `target` distinct alkahest nodes."""
    def size(steps):
        pool = alk.ExprPool()
        x, y = pool.symbols("x y")
        return count_nodes(random_expr(alk, x, y, steps, seed))

    lo, hi = 1, max(4, target)
    while size(hi) < target:
        hi *= 2
    while lo < hi:  # smallest step count reaching the target (size grows roughly monotonically)
        mid = (lo + hi) // 2
        if size(mid) < target:
            lo = mid + 1
        else:
            hi = mid
    return lo, size(lo)


def rel_diffs(r, ref):
    r = np.asarray(r, dtype=np.float64).reshape(ref.shape)
    scale = float(np.max(np.abs(ref)))
    err = np.abs(r - ref)
    if not np.all(np.isfinite(r)):
        return float("inf"), float("inf")
    norm = float(np.max(err)) / scale if scale > 0 else float(np.max(err))
    mask = np.abs(ref) >= 1e-3 * scale
    elt = float(np.max(err[mask] / np.abs(ref[mask]))) if mask.any() else 0.0
    return norm, elt


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def versions():
    out = {"python": platform.python_version(), "numpy": np.__version__, "alkahest": alk.__version__}
    for mod in ("numexpr", "sympy", "symengine", "jax", "jaxlib"):
        try:
            out[mod] = __import__(mod).__version__
        except Exception:  # noqa: BLE001
            out[mod] = None
    return out


def cpu_name():
    try:
        with open("/proc/cpuinfo") as fh:
            for line in fh:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


# --- alkahest tiers -------------------------------------------------------------------------------------------

_TIER_ERRORS = (NotImplementedError, RuntimeError, getattr(alk, "AlkahestError", RuntimeError))


def probe_tiers(notes):
    """{column: backend} of the alkahest tiers this build can compile; a note for each one it cannot."""
    pool = alk.ExprPool()
    x = pool.symbol("x")
    tiers = {}
    for col in ALK_TIERS:
        backend = TIER_BACKEND[col]
        try:
            f = alk.compile_expr(alk.sin(x) ** 2 + x, [x], backend=backend)
            alk.numpy_eval(f, np.linspace(0.0, 1.0, 8), threads=1)  # also starts the JIT engine (excluded)
            tiers[col] = backend
        except _TIER_ERRORS as e:
            notes.append(f"{col} skipped: compile_expr(backend={backend!r}) raised {type(e).__name__}: {e}")
    return tiers


def tier_compile(col, expr, vars_):
    return alk.compile_expr(expr, vars_, backend=TIER_BACKEND[col])


def jit_stats():
    """(kernels compiled, cache hits) of the LLVM tier, or None when the build does not expose them."""
    fn = getattr(getattr(alk, "_core", None), "_jit_stats", None)
    if fn is None:
        return None
    try:
        return tuple(fn())
    except Exception:  # noqa: BLE001
        return None


def perturbation(rep):
    """The distinct constant added to the compile-latency expression of repetition `rep`."""
    return 0.5 + rep


# --- the benchmark --------------------------------------------------------------------------------------------

def make_callables(name, n, xs, ys, sleef, tiers, notes):
    """Returns ({library: zero-argument callable returning the result}, {tier: callable with out=},
    {tier: the tier the CompiledFn runs on after the warm-up, filled in later})."""
    func, _, used = WORKLOADS[name]
    calls, outs, fns = {}, {}, {}

    pool = alk.ExprPool()
    ax, ay = pool.symbols("x y")
    aexpr = func(ax, ay, alk)
    avars = [ax, ay] if "y" in used else [ax]
    ains = (xs, ys) if "y" in used else (xs,)

    def tier_calls(f, buf):
        return (lambda: alk.numpy_eval(f, *ains, threads=1),
                lambda: alk.numpy_eval(f, *ains, out=buf, threads=1))

    for col in tiers:
        f = tier_compile(col, aexpr, avars)
        fns[col] = f
        calls[col], outs[col] = tier_calls(f, np.empty(n))
    if "alkahest" in tiers:
        calls["alk out="] = outs["alkahest"]
    if "alk-llvm" in tiers:  # accuracy="high" (SLEEF's 1-ulp functions), for the u10 loop
        f = alk.compile_expr(aexpr, avars, backend="llvm", accuracy="high")
        fns[HIGH_TIER] = f
        calls[HIGH_TIER], outs[HIGH_TIER] = tier_calls(f, np.empty(n))

    np_ns = _NS(np)
    calls["numpy"] = lambda: func(xs, ys, np_ns)

    try:
        import numexpr as ne
        ne.set_num_threads(1)
        src = NUMEXPR[name]
        env = {"x": xs, "y": ys}
        ne.evaluate(src, local_dict=env)
        calls["numexpr"] = lambda: ne.evaluate(src, local_dict=env)
    except Exception as e:  # noqa: BLE001
        notes.append(f"{name} numexpr: {type(e).__name__}: {e}")

    try:
        import sympy
        sx, sy = sympy.symbols("x y")
        sf = sympy.lambdify([sx, sy], func(sx, sy, sympy), modules="numpy")
        calls["sympy"] = lambda: sf(xs, ys)
    except Exception as e:  # noqa: BLE001
        notes.append(f"{name} sympy: {type(e).__name__}: {e}")

    try:
        import symengine as se
        ex, ey = se.symbols("x y")
        sexpr = func(ex, ey, se)
        svars = [ex, ey] if "y" in used else [ex]
        sin_ = np.column_stack([xs, ys]) if "y" in used else xs
        try:
            lf = se.Lambdify(svars, sexpr, backend="llvm", cse=True)
            backend = "llvm"
        except Exception as e:  # noqa: BLE001
            lf = se.Lambdify(svars, sexpr, cse=True)
            backend = "default"
            notes.append(f"{name} symengine: LLVM backend unavailable ({type(e).__name__}); default backend used")
        calls["symengine"] = lambda: lf(sin_)
        calls["symengine"].backend = backend
    except Exception as e:  # noqa: BLE001
        notes.append(f"{name} symengine: {type(e).__name__}: {e}")

    try:
        import jax
        jax.config.update("jax_enable_x64", True)
        import jax.numpy as jnp
        jns = _NS(jnp)
        jf = jax.jit(lambda a, b: func(a, b, jns))
        xj, yj = jax.device_put(xs), jax.device_put(ys)
        jf(xj, yj).block_until_ready()  # compile (excluded)
        calls["jax"] = lambda: np.asarray(jf(xj, yj).block_until_ready())
        calls["jax"].time_fn = lambda: jf(xj, yj).block_until_ready()
    except Exception as e:  # noqa: BLE001
        notes.append(f"{name} jax: {type(e).__name__}: {e}")

    for col, dll in (sleef or {}).items():
        cfn = getattr(dll, name)
        ptr = ctypes.POINTER(ctypes.c_double)
        px, py = xs.ctypes.data_as(ptr), ys.ctypes.data_as(ptr) if "y" in used else None
        cout = np.empty(n)
        po = cout.ctypes.data_as(ptr)

        def run_c(cfn=cfn, po=po, cout=cout):
            cfn(px, py, po, n)
            return cout
        calls[col] = run_c
    return calls, outs, fns


def bench_workloads(args, xs, ys, sleef, tiers, notes):
    results = {}
    for name, (func, desc, used) in WORKLOADS.items():
        calls, outs, fns = make_callables(name, args.n, xs, ys, sleef, tiers, notes)
        ref = calls["numpy"]()
        check = {}
        for lib, fn in calls.items():
            r = fn() if lib != "numpy" else ref  # warm-up + correctness
            check[lib] = rel_diffs(r, ref)
        for col, fn in outs.items():
            check[col + " out="] = rel_diffs(fn(), ref)
        del ref
        timers = {lib: getattr(fn, "time_fn", fn) for lib, fn in calls.items()}
        for col, fn in outs.items():
            if col != "alkahest":  # "alkahest" with out= is the "alk out=" column already
                timers[col + " out="] = fn
        times = {lib: [] for lib in timers}
        gc_was = gc.isenabled()
        gc.disable()
        try:
            t_start = time.perf_counter()
            for rnd in range(args.reps):
                for lib, fn in timers.items():
                    if len(times[lib]) >= args.min_reps and time.perf_counter() - t_start > args.budget:
                        continue
                    times[lib].append(timed(fn))
        finally:
            if gc_was:
                gc.enable()
        best_all = {lib: min(t) * 1e3 for lib, t in times.items()}
        shown = [lib for lib in calls]
        out_ms = {col: best_all["alk out=" if col == "alkahest" else col + " out="] for col in outs}
        results[name] = {
            "desc": desc,
            "best_ms": {lib: best_all[lib] for lib in shown},
            "times_ms": {lib: [v * 1e3 for v in t] for lib, t in times.items()},
            "rel_vs_numpy": {lib: c[0] for lib, c in check.items()},
            "elt_rel_vs_numpy": {lib: c[1] for lib, c in check.items()},
            "tier_out_ms": out_ms,
            "alk_tier_after_warmup": {col: getattr(f, "tier", None) for col, f in fns.items()},
        }
        if "symengine" in calls:
            results[name]["symengine_backend"] = getattr(calls["symengine"], "backend", None)
        best = results[name]["best_ms"]
        print(f"  {name}: " + "  ".join(f"{lib} {best[lib]:.2f}" for lib in best), flush=True)
    return results


def bench_threads(args, xs, ys, tiers):
    """{tier: {workload: {t1_ms, t2_ms, speedup}}} for the explicit tiers (auto is one of them by now)."""
    out = {}
    for col in tiers:
        if col == "alkahest":
            continue
        out[col] = {}
        for name, (func, _, used) in WORKLOADS.items():
            pool = alk.ExprPool()
            x, y = pool.symbols("x y")
            f = tier_compile(col, func(x, y, alk), [x, y] if "y" in used else [x])
            ins = (xs, ys) if "y" in used else (xs,)
            res = np.empty(args.n)
            t = {1: [], 2: []}
            for th in (1, 2):
                alk.numpy_eval(f, *ins, out=res, threads=th)
            gc.disable()
            t_start = time.perf_counter()
            for _ in range(args.reps):
                if len(t[1]) >= args.min_reps and time.perf_counter() - t_start > args.budget / 2:
                    break
                for th in (1, 2):
                    t[th].append(timed(lambda: alk.numpy_eval(f, *ins, out=res, threads=th)))
            gc.enable()
            b1, b2 = min(t[1]) * 1e3, min(t[2]) * 1e3
            out[col][name] = {"t1_ms": b1, "t2_ms": b2, "speedup": b1 / b2}
    return out


def bench_scalar(args, tiers):
    number = 20000 if args.quick else 100000
    repeat = 3 if args.quick else 7
    res = {}
    for col in tiers:
        pool = alk.ExprPool()
        x = pool.symbol("x")
        f = tier_compile(col, w1(x, None, alk), [x])
        g = {"f": f, "arg": [1.0]}
        label = col + (" (auto)" if col == "alkahest" else "")
        res[f"{label} f([1.0])"] = min(timeit.repeat("f([1.0])", globals=g, number=number,
                                                     repeat=repeat)) / number * 1e9
        res[f"{label} f(arg) (list prebuilt)"] = min(timeit.repeat("f(arg)", globals=g, number=number,
                                                                   repeat=repeat)) / number * 1e9
    try:
        import symengine as se
        sx = se.Symbol("x")
        try:
            sf = se.Lambdify([sx], w1(sx, None, se), backend="llvm")
        except Exception:  # noqa: BLE001
            sf = se.Lambdify([sx], w1(sx, None, se))
        res["symengine Lambdify f(1.0)"] = min(timeit.repeat("sf(1.0)", globals={"sf": sf}, number=number // 10,
                                                             repeat=repeat)) / (number // 10) * 1e9
    except Exception:  # noqa: BLE001
        pass
    try:
        import sympy
        sx = sympy.Symbol("x")
        mf = sympy.lambdify([sx], w1(sx, None, sympy), modules="math")
        res["sympy lambdify(math) f(1.0)"] = min(timeit.repeat("mf(1.0)", globals={"mf": mf}, number=number,
                                                               repeat=repeat)) / number * 1e9
    except Exception:  # noqa: BLE001
        pass
    res["python math.sin(x)**2 + x"] = min(timeit.repeat("sin(v)**2 + v", globals={"sin": math.sin, "v": 1.0},
                                                         number=number, repeat=repeat)) / number * 1e9
    return res


def bench_small(args):
    """Per-call cost at small n, where Python-level overhead decides (issue 17's small-batch goals):
    numpy_eval at n = 1, 10, 100, 1,000 vs the same expression in NumPy and numexpr; to_torch at
    200 points vs the same expression written in torch (forward; forward+backward; an Adam training
    step of a*sin(b*x) + c with 0-d parameters); to_jax eager at n = 10, 1,000 vs jnp eager and a
    jax.jit call; scipy's solve_ivp with a numpy_eval right-hand side vs plain NumPy (microseconds
    per solve). Each row's candidates run in interleaved rounds (the minimum per call over the
    rounds), so a loaded machine slows them alike; ratios are alkahest / peer."""
    number = 200 if args.quick else 1000
    rounds = 5 if args.quick else 15

    def per_call(cands, k=number):
        best = {name: float("inf") for name in cands}
        for fn in cands.values():
            fn()
        for _ in range(rounds):
            for name, fn in cands.items():
                best[name] = min(best[name], timeit.timeit(fn, number=k) / k * 1e6)
        return best

    pool = alk.ExprPool()
    x, y = pool.symbols("x y")
    expr = alk.sin(x) * alk.cos(y) + alk.exp(-x * y)
    f = alk.compile_expr(expr, [x, y])
    rows, goals = {}, {}
    for n in (1, 10, 100, 1000):
        a, b = np.linspace(0.0, 1.0, n), np.linspace(1.0, 2.0, n)
        cands = {"alkahest numpy_eval": lambda: alk.numpy_eval(f, a, b),
                 "numpy": lambda: np.sin(a) * np.cos(b) + np.exp(-a * b)}
        try:
            import numexpr as ne
            cands["numexpr"] = lambda: ne.evaluate("sin(a)*cos(b)+exp(-a*b)", local_dict={"a": a, "b": b})
        except ImportError:
            pass
        row = per_call(cands)
        row["ratio numpy_eval/numpy"] = row["alkahest numpy_eval"] / row["numpy"]
        rows[f"numpy n={n}"] = row
        if n <= 100:
            goals[f"numpy_eval n={n} <= 1.5x numpy"] = row["ratio numpy_eval/numpy"] <= 1.5
    try:
        # An ODE right-hand side: scipy's solve_ivp calls it with the state's entries (np.float64
        # scalars) about 13,000 times; plain NumPy does the same arithmetic on them.
        from scipy.integrate import solve_ivp
        u, v = pool.symbols("u v")
        lv = alk.compile_expr([1.5 * u - u * v, -3.0 * v + u * v], [u, v])

        def rhs_alk(t, s):
            return alk.numpy_eval(lv, s[0], s[1])

        def rhs_np(t, s):
            return np.array([1.5 * s[0] - s[0] * s[1], -3.0 * s[1] + s[0] * s[1]])

        def solve(rhs):
            return lambda: solve_ivp(rhs, (0.0, 50.0), [10.0, 5.0], rtol=1e-9, atol=1e-9)
        row = per_call({"alkahest solve_ivp": solve(rhs_alk), "numpy solve_ivp": solve(rhs_np)}, 1)
        row["ratio solve_ivp"] = row["alkahest solve_ivp"] / row["numpy solve_ivp"]
        rows["ode solve_ivp"] = row
    except ImportError:
        pass
    try:
        import torch
        torch.set_num_threads(1)
        ft = alk.to_torch(expr, [x, y])
        n = 200
        ta = torch.linspace(0.0, 1.0, n, dtype=torch.float64)
        tb = torch.linspace(1.0, 2.0, n, dtype=torch.float64)
        tg = ta.clone().requires_grad_(True)
        row = per_call({
            "alkahest to_torch forward": lambda: ft(ta, tb),
            "torch forward": lambda: torch.sin(ta) * torch.cos(tb) + torch.exp(-ta * tb),
            "alkahest to_torch forward+backward": lambda: ft(tg, tb).sum().backward(),
            "torch forward+backward": lambda: (torch.sin(tg) * torch.cos(tb) + torch.exp(-tg * tb)).sum().backward(),
        }, number // 2)
        # A training step: y = a*sin(b*x) + c with 0-d parameters fitted by Adam to 200 points.
        p_a, p_b, p_c, p_x = pool.symbols("a b c t")
        model = alk.to_torch(p_a * alk.sin(p_b * p_x) + p_c, [p_x, p_a, p_b, p_c])
        xs = torch.linspace(0.0, 3.0, n, dtype=torch.float64)
        target = 1.5 * torch.sin(0.8 * xs) + 0.3

        def trainer(fn):
            params = [torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in (1.0, 1.0, 0.0)]
            opt = torch.optim.Adam(params, lr=1e-2)

            def step():
                opt.zero_grad()
                loss = ((fn(xs, *params) - target) ** 2).mean()
                loss.backward()
                opt.step()
            return step

        row.update(per_call({"alkahest to_torch Adam step": trainer(model),
                             "torch Adam step": trainer(lambda t, a_, b_, c_: a_ * torch.sin(b_ * t) + c_)},
                            number // 4))
        row["ratio forward"] = row["alkahest to_torch forward"] / row["torch forward"]
        row["ratio forward+backward"] = row["alkahest to_torch forward+backward"] / row["torch forward+backward"]
        row["ratio Adam step"] = row["alkahest to_torch Adam step"] / row["torch Adam step"]
        rows[f"torch n={n}"] = row
        goals["to_torch forward n=200 <= 2x torch"] = row["ratio forward"] <= 2.0
        goals["to_torch Adam step n=200 <= 1.5x torch"] = row["ratio Adam step"] <= 1.5
    except ImportError:
        pass
    try:
        import jax
        import jax.numpy as jnp
        fj = alk.to_jax(expr, [x, y])
        jit_ref = jax.jit(lambda p, q: jnp.sin(p) * jnp.cos(q) + jnp.exp(-p * q))
        for n in (10, 1000):
            ja, jb = jnp.linspace(0.0, 1.0, n), jnp.linspace(1.0, 2.0, n)
            row = per_call({
                "alkahest to_jax eager": lambda: fj(ja, jb).block_until_ready(),
                "jnp eager": lambda: (jnp.sin(ja) * jnp.cos(jb) + jnp.exp(-ja * jb)).block_until_ready(),
                "jax.jit call": lambda: jit_ref(ja, jb).block_until_ready(),
            }, number // 2)
            row["ratio to_jax/jnp eager"] = row["alkahest to_jax eager"] / row["jnp eager"]
            rows[f"jax n={n}"] = row
            goals[f"to_jax eager n={n} < 30 us"] = row["alkahest to_jax eager"] < 30.0
    except ImportError:
        pass
    print(f"\nsmall batches (microseconds per call, sin(x)*cos(y) + exp(-x*y); {cpu_name()}):")
    for key, row in rows.items():
        print(f"  {key:12s} " + "  ".join(f"{k} {v:.2f}" + ("x" if k.startswith("ratio") else "")
                                          for k, v in row.items()))
    for goal, ok in goals.items():
        print(f"  goal {goal}: {'met' if ok else 'NOT met'}")
    return {"rows": rows, "goals": goals}


def compile_targets(args):
    """{target: {steps, seed, nodes}}: random_expr arguments for ~10/100/1000 distinct nodes; `nodes`
    counts the expression with its perturbation constant."""
    out = {}
    for target in (10, 100, 1000):
        steps, _ = steps_for_size(target, seed=target)
        pool = alk.ExprPool()
        x, y = pool.symbols("x y")
        nodes = count_nodes(random_expr(alk, x, y, steps, seed=target) + perturbation(0))
        out[str(target)] = {"steps": steps, "seed": target, "nodes": nodes}
    return out


def bench_compile(args, tiers, targets, notes):
    out = {}
    reps = 3 if args.quick else 7
    try:
        import symengine as se
    except Exception:  # noqa: BLE001
        se = None
    cols = [c for c in tiers if c != "alkahest"]  # auto compiles exactly like interp
    stale = []
    for target, spec in targets.items():
        steps, seed = spec["steps"], spec["seed"]
        row = {"nodes": spec["nodes"]}
        for col in cols:
            times = []
            fresh = True
            for rep in range(reps):
                pool = alk.ExprPool()
                x, y = pool.symbols("x y")
                e = random_expr(alk, x, y, steps, seed=seed) + perturbation(rep)
                before = jit_stats() if col == "alk-llvm" else None
                t0 = time.perf_counter()
                f = tier_compile(col, e, [x, y])
                times.append(time.perf_counter() - t0)
                if col == "alk-llvm":
                    after = jit_stats()
                    if before is None or after is None:
                        fresh = None
                    elif after[0] - before[0] < 1 or after[1] != before[1]:
                        fresh = False
                del f
            row[f"{col}_us"] = min(times) * 1e6
            if col == "alk-llvm":
                row["alk-llvm_fresh"] = fresh
                if fresh is not True:
                    stale.append(target)
        if se is not None:
            ex, ey = se.symbols("x y")
            st = []
            t_start = time.perf_counter()
            for rep in range(reps):
                sexpr = random_expr(se, ex, ey, steps, seed=seed) + perturbation(rep)
                t0 = time.perf_counter()
                try:
                    se.Lambdify([ex, ey], sexpr, backend="llvm", cse=True)
                except Exception:  # noqa: BLE001
                    st = None
                    break
                st.append(time.perf_counter() - t0)
                if time.perf_counter() - t_start > 5:
                    break
            row["symengine_llvm_us"] = min(st) * 1e6 if st else None
        out[target] = row
    if stale:
        if jit_stats() is None:
            notes.append("compile: alk-llvm freshness not verified (alkahest._core._jit_stats is missing); each "
                         "repetition still compiles a new expression (fresh pool, distinct constant)")
        else:
            notes.append(f"compile: alk-llvm at target(s) {', '.join(stale)} hit the JIT cache or compiled no "
                         "kernel in some repetition; its latency there is not a fresh compile")
    return out


# --- the PyPI "alkahest" peer ---------------------------------------------------------------------------------

def requirements_pin(package):
    try:
        with open(os.path.join(ROOT, "requirements-dev.txt")) as fh:
            for line in fh:
                m = re.match(rf"\s*{re.escape(package)}\s*==\s*([^\s#;]+)", line)
                if m:
                    return m.group(1)
    except OSError:
        pass
    return None


def ensure_pypi_venv(venv, timeout):
    """Creates `venv` with the PyPI alkahest and numpy when missing; returns (python, None) or (None, reason)."""
    numpy_pin = requirements_pin("numpy") or np.__version__
    want = f"{PYPI_ALKAHEST} numpy=={numpy_pin}"
    py = os.path.join(venv, "bin", "python")
    stamp = os.path.join(venv, ".bench-stamp")
    try:
        with open(stamp) as fh:
            if fh.read().strip() == want and os.path.exists(py):
                return py, None
    except OSError:
        pass
    base = getattr(sys, "_base_executable", None) or sys.executable  # the interpreter under .venv
    print(f"alk-pypi: setting up {os.path.relpath(venv)} ({want})", flush=True)
    try:
        if not os.path.exists(py):
            proc = subprocess.run([base, "-m", "venv", venv], capture_output=True, text=True, timeout=120)
            if proc.returncode != 0:
                raise RuntimeError("python -m venv failed: " + (proc.stderr.strip().splitlines() or ["?"])[-1])
        env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK="1")
        env.pop("PYTHONPATH", None)
        proc = subprocess.run([py, "-m", "pip", "install", "-q", "--progress-bar", "off", "--retries", "1",
                               "--timeout", "20", *want.split()], capture_output=True, text=True,
                              timeout=timeout, env=env)
        if proc.returncode != 0:
            lines = [ln for ln in proc.stderr.strip().splitlines() if ln.strip()]
            last = lines[-1] if lines else f"exit {proc.returncode}"
            raise RuntimeError(f"pip install failed (no network?): {last}")
        with open(stamp, "w") as fh:
            fh.write(want + "\n")
        return py, None
    except (OSError, RuntimeError, subprocess.TimeoutExpired) as e:
        shutil.rmtree(venv, ignore_errors=True)  # retried from scratch next time
        return None, str(e) if not isinstance(e, subprocess.TimeoutExpired) else f"venv setup timed out ({timeout} s)"


def run_pypi_peer(args, sections, targets):
    """Runs bench/pypi_alkahest_peer.py in the PyPI venv; returns its JSON, or {"comparable": False, "note": ...}."""
    py, why = ensure_pypi_venv(os.path.abspath(args.pypi_venv), timeout=args.pypi_timeout)
    if py is None:
        return {"comparable": False, "note": f"alk-pypi skipped: {why}"}
    source = f"POLY = {POLY!r}\n\n" + "\n\n".join(
        inspect.getsource(fn) for fn in (w1, w2, w3, w4, w5, random_expr, perturbation))
    spec = {"n": args.n, "reps": args.reps, "min_reps": args.min_reps, "budget": args.budget, "quick": args.quick,
            "sections": sorted(sections), "source": source, "scalar_func": "w1", "compile": targets or {},
            "workloads": {name: {"func": func.__name__, "used": used} for name, (func, _, used) in WORKLOADS.items()}}
    env = dict(os.environ, RAYON_NUM_THREADS="2")
    env.pop("PYTHONPATH", None)
    peer = os.path.join(ROOT, "bench", "pypi_alkahest_peer.py")
    print("alk-pypi: timing in its own process", flush=True)
    try:
        with tempfile.TemporaryDirectory(prefix="alkahest_pypi_") as cwd:
            proc = subprocess.run([py, "-I", peer], input=json.dumps(spec), capture_output=True, text=True,
                                  timeout=args.pypi_timeout, env=env, cwd=cwd)
    except subprocess.TimeoutExpired:
        return {"comparable": False, "note": f"alk-pypi skipped: the peer process ran past {args.pypi_timeout} s"}
    sys.stdout.write(proc.stderr)
    try:
        res = json.loads(proc.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return {"comparable": False, "note": f"alk-pypi skipped: the peer process exited {proc.returncode} "
                                             "without a JSON result"}
    return res


def merge_pypi(pypi, results, threads, scalar, compile_res, notes):
    """Adds the "alk-pypi" column/rows from the peer's JSON; returns the JSON's "pypi" record."""
    info = {k: pypi.get(k) for k in ("comparable", "note", "package", "errors", "scalar_tier")}
    pkg = pypi.get("package") or {}
    desc = (f"PyPI alkahest {pkg.get('version', '?')}: {pkg.get('summary') or 'unknown package'}"
            + (f" ({pkg['home']})" if pkg.get("home") else "")
            + "; an unrelated project that shares our import name")
    if pkg:
        info["description"] = desc
    if not pypi.get("comparable"):
        notes.append(pypi.get("note") or "alk-pypi skipped")
        if pkg:
            notes.append(desc)
        return info
    feats = pkg.get("features") or {}
    jits = [k for k in ("cranelift_jit", "llvm_jit") if feats.get(k)]
    notes.append(desc + (f"; JIT: {', '.join(jits)}" if jits else "") +
                 "; timed in its own venv and process, after the others (not in their rounds)")
    tiers_seen = set()
    for name, r in (pypi.get("workloads") or {}).items():
        if name not in results:
            continue
        if "error" in r:
            notes.append(f"{name} alk-pypi: {r['error']}")
            continue
        results[name]["best_ms"]["alk-pypi"] = r["best_ms"]
        results[name]["times_ms"]["alk-pypi"] = r["times_ms"]
        results[name]["rel_vs_numpy"]["alk-pypi"] = r["rel_vs_numpy"]
        results[name]["elt_rel_vs_numpy"]["alk-pypi"] = r["elt_rel_vs_numpy"]
        results[name]["alk_pypi_tier"] = r.get("tier")
        tiers_seen.add(str(r.get("tier")))
    info["tiers"] = sorted(tiers_seen)
    if threads is not None and pypi.get("threads"):
        threads["alk-pypi"] = {k: v for k, v in pypi["threads"].items() if "error" not in v}
    if scalar is not None and pypi.get("scalar_ns"):
        for k, v in pypi["scalar_ns"].items():
            scalar[f"alk-pypi {k}"] = v
    if compile_res is not None and pypi.get("compile"):
        for tgt, row in pypi["compile"].items():
            if tgt in compile_res:
                compile_res[tgt]["alk-pypi_us"] = row["us"]
    for err in pypi.get("errors") or []:
        notes.append(f"alk-pypi: {err}")
    return info


# --- report ---------------------------------------------------------------------------------------------------

def fmt_ms(v):
    if v is None:
        return "-"
    return f"{v:.2f}" if v < 100 else f"{v:.1f}"


def geomean(vals):
    vals = [v for v in vals if v is not None and v > 0]
    return math.exp(sum(map(math.log, vals)) / len(vals)) if vals else None


def best_alk(r):
    """(column, ms) of the fastest allocating alkahest tier for one workload's results."""
    cands = [(r["best_ms"][c], c) for c in ALK_TIERS if c in r["best_ms"]]
    ms, col = min(cands)
    return col, ms


def summarize(results, tiers):
    """Ratios and goals computed from the timings (shared by the printout and the JSON)."""
    libs = []
    for r in results.values():
        for lib in r["best_ms"]:
            if lib not in libs:
                libs.append(lib)
    peers = [lib for lib in libs if lib not in ALK_TIERS and lib != HIGH_TIER]
    ratio = {}
    for name, r in results.items():
        col, ms = best_alk(r)
        r["best_alkahest"] = {"lib": col, "ms": ms}
        ratio[name] = {lib: r["best_ms"][lib] / ms for lib in peers if lib in r["best_ms"]}
        r["ratio_peer_over_best_alkahest"] = ratio[name]
    gm = {lib: (geomean([ratio[w][lib] for w in results]) if all(lib in ratio[w] for w in results) else None)
          for lib in peers}
    goals = {"sleef_c_within": GOAL_SLEEF, "numpy_geomean_at_least": GOAL_NUMPY, "tiers": {}}
    for col in tiers:
        g = {}
        if all("sleef-C" in r["best_ms"] for r in results.values()):
            per = {w: r["tier_out_ms"][col] / r["best_ms"]["sleef-C"] for w, r in results.items()}
            g["out_over_sleef_c"] = per
            g["out_over_sleef_c_geomean"] = geomean(per.values())
            g["sleef_c_goal_met"] = all(v <= GOAL_SLEEF for v in per.values())
        per = {w: r["best_ms"]["numpy"] / r["best_ms"][col] for w, r in results.items()}
        g["numpy_over_tier"] = per
        g["numpy_over_tier_geomean"] = geomean(per.values())
        g["numpy_goal_met"] = g["numpy_over_tier_geomean"] >= GOAL_NUMPY
        goals["tiers"][col] = g
    if "alk-interp" in tiers and "alk-llvm" in tiers:
        out = {w: r["tier_out_ms"]["alk-interp"] / r["tier_out_ms"]["alk-llvm"] for w, r in results.items()}
        alloc = {w: r["best_ms"]["alk-interp"] / r["best_ms"]["alk-llvm"] for w, r in results.items()}
        goals["interp_over_llvm"] = {"out": out, "out_geomean": geomean(out.values()), "alloc": alloc,
                                     "alloc_geomean": geomean(alloc.values()), "within": GOAL_INTERP,
                                     "goal_met": geomean(out.values()) <= GOAL_INTERP}
    g17 = {}
    u35, u10 = SLEEF_COLS["u35"], SLEEF_COLS["u10"]
    if "alkahest" in tiers and all(u35 in r["best_ms"] for r in results.values()):
        per = {w: r["tier_out_ms"]["alkahest"] / r["best_ms"][u35] for w, r in results.items()}
        g17["default_over_u35"] = per
        g17["default_over_u35_geomean"] = geomean(per.values())
        g17["default_over_u35_goal_met"] = (geomean(per.values()) <= GOAL_U35_GEOMEAN
                                            and max(per.values()) <= GOAL_U35_MAX)
    if all(HIGH_TIER in r["tier_out_ms"] and u10 in r["best_ms"] for r in results.values()):
        per = {w: r["tier_out_ms"][HIGH_TIER] / r["best_ms"][u10] for w, r in results.items()}
        g17["high_over_u10"] = per
        g17["high_over_u10_geomean"] = geomean(per.values())
        g17["high_over_u10_goal_met"] = geomean(per.values()) <= GOAL_U10_GEOMEAN
    if "W2" in results and "jax" in results["W2"]["best_ms"]:
        r = results["W2"]
        g17["W2_best_alkahest_over_jax"] = r["best_alkahest"]["ms"] / r["best_ms"]["jax"]
        g17["W2_goal_met"] = g17["W2_best_alkahest_over_jax"] <= 1.0
    goals["issue17"] = g17
    return libs, peers, gm, goals


def print_issue17(goals, compile_res, small):
    """Every "Done when" item of issue 17 that this run measures, met or not."""
    g = goals.get("issue17", {})
    print("\nIssue 17, done when (this run):")
    if "default_over_u35" in g:
        per = g["default_over_u35"]
        print(f"  default tier (alkahest, out=) / sleef-C u35: geomean {g['default_over_u35_geomean']:.2f} "
              f"(goal <= {GOAL_U35_GEOMEAN}), max {max(per.values()):.2f} (goal <= {GOAL_U35_MAX}): "
              + ("met" if g["default_over_u35_goal_met"] else "NOT met") + "  ["
              + ", ".join(f"{w} {v:.2f}" for w, v in per.items()) + "]")
    if "high_over_u10" in g:
        per = g["high_over_u10"]
        print(f"  accuracy='high' (LLVM, out=) / sleef-C u10: geomean {g['high_over_u10_geomean']:.2f} "
              f"(goal <= {GOAL_U10_GEOMEAN}): " + ("met" if g["high_over_u10_goal_met"] else "NOT met") + "  ["
              + ", ".join(f"{w} {v:.2f}" for w, v in per.items()) + "]")
    if "W2_best_alkahest_over_jax" in g:
        print(f"  W2 best alkahest / jax.jit: {g['W2_best_alkahest_over_jax']:.2f} (goal <= 1): "
              + ("met" if g["W2_goal_met"] else "NOT met"))
    il = goals.get("interp_over_llvm")
    if il:
        print(f"  alk-interp / alk-llvm (out=): geomean {il['out_geomean']:.2f} (goal <= {GOAL_INTERP}): "
              + ("met" if il["goal_met"] else "NOT met"))
    if compile_res:
        rows = {t: r for t, r in compile_res.items() if r.get("symengine_llvm_us") and r.get("alk-llvm_us")}
        if rows:
            ok = all(r["alk-llvm_us"] <= r["symengine_llvm_us"] for r in rows.values())
            g["compile_goal_met"] = ok
            g["compile_llvm_over_symengine"] = {t: r["alk-llvm_us"] / r["symengine_llvm_us"] for t, r in rows.items()}
            print("  LLVM compile latency <= SymEngine's at every size: " + ("met" if ok else "NOT met") + "  ["
                  + ", ".join(f"{r['nodes']} nodes {r['alk-llvm_us'] / r['symengine_llvm_us']:.2f}x"
                              for r in rows.values()) + "]")
    if small:
        for goal, ok in small.get("goals", {}).items():
            print(f"  small batches, {goal}: {'met' if ok else 'NOT met'}")


def print_tables(results, tiers, gm, goals, libs, peers, threads, scalar, compile_res, notes):
    w = max(9, max(len(lib) for lib in libs) + 1)
    print("\nTime per call, ms (best over rounds, 1 thread):")
    print(f"{'workload':<9}" + "".join(f"{lib:>{w}}" for lib in libs))
    for name, r in results.items():
        print(f"{name:<9}" + "".join(f"{fmt_ms(r['best_ms'].get(lib)):>{w}}" for lib in libs))

    print(f"\nRatio peer / best alkahest tier ({', '.join(c for c in ALK_TIERS if c in tiers)}); "
          "> 1 means alkahest is faster:")
    print(f"{'workload':<9}{'best tier':>11}" + "".join(f"{lib:>{w}}" for lib in peers))
    for name, r in results.items():
        print(f"{name:<9}{r['best_alkahest']['lib']:>11}" + "".join(
            f"{r['ratio_peer_over_best_alkahest'][lib]:>{w}.2f}" if lib in r["ratio_peer_over_best_alkahest"]
            else f"{'-':>{w}}" for lib in peers))
    print(f"{'geomean':<9}{'':>11}" + "".join(f"{gm[lib]:>{w}.2f}" if gm[lib] else f"{'-':>{w}}" for lib in peers))

    tg = goals["tiers"]
    if tg and all("out_over_sleef_c" in g for g in tg.values()):
        print(f"\nalkahest tier (out=) / sleef-C, time (goal <= {GOAL_SLEEF}x on every workload):")
        print(f"{'workload':<9}" + "".join(f"{c:>{w}}" for c in tg))
        for name in results:
            print(f"{name:<9}" + "".join(f"{tg[c]['out_over_sleef_c'][name]:>{w}.2f}" for c in tg))
        print(f"{'geomean':<9}" + "".join(f"{tg[c]['out_over_sleef_c_geomean']:>{w}.2f}" for c in tg))
        print(f"{'goal':<9}" + "".join(f"{('met' if tg[c]['sleef_c_goal_met'] else 'NOT met'):>{w}}" for c in tg))
    if tg:
        print(f"\nnumpy / alkahest tier, time (goal: geomean >= {GOAL_NUMPY}x):")
        print(f"{'workload':<9}" + "".join(f"{c:>{w}}" for c in tg))
        for name in results:
            print(f"{name:<9}" + "".join(f"{tg[c]['numpy_over_tier'][name]:>{w}.2f}" for c in tg))
        print(f"{'geomean':<9}" + "".join(f"{tg[c]['numpy_over_tier_geomean']:>{w}.2f}" for c in tg))
        print(f"{'goal':<9}" + "".join(f"{('met' if tg[c]['numpy_goal_met'] else 'NOT met'):>{w}}" for c in tg))

    il = goals.get("interp_over_llvm")
    if il:
        print(f"\nalk-interp / alk-llvm, time (goal: geomean of the out= times <= {GOAL_INTERP}x):")
        print(f"{'workload':<9}{'out=':>9}{'allocating':>12}")
        for name in results:
            print(f"{name:<9}{il['out'][name]:>9.2f}{il['alloc'][name]:>12.2f}")
        print(f"{'geomean':<9}{il['out_geomean']:>9.2f}{il['alloc_geomean']:>12.2f}")
        print(f"{'goal':<9}{('met' if il['goal_met'] else 'NOT met'):>9}")

    print("\nDifference from NumPy: normwise max|r-ref|/max|ref|  (elementwise max, |ref| >= 1e-3 max|ref|)")
    others = [lib for lib in libs if lib != "numpy"]
    cw = 20
    print(f"{'workload':<9}" + "".join(f"{lib:>{cw}}" for lib in others))
    for name, r in results.items():
        cells = []
        for lib in others:
            if lib in r["rel_vs_numpy"]:
                cells.append(f"{r['rel_vs_numpy'][lib]:.1e} ({r['elt_rel_vs_numpy'][lib]:.0e})")
            else:
                cells.append("-")
        print(f"{name:<9}" + "".join(f"{c:>{cw}}" for c in cells))
    ours = [k for k in next(iter(results.values()))["rel_vs_numpy"] if k.startswith("alk") and k != "alk-pypi"]
    worst = max(r["rel_vs_numpy"][k] for r in results.values() for k in ours if k in r["rel_vs_numpy"])
    print(f"alkahest (all tiers, with and without out=) worst normwise difference from NumPy: {worst:.2e} "
          f"({'OK' if worst < 1e-12 else 'ABOVE'} 1e-12)")

    if threads:
        print("\nThreads: numpy_eval at 1 vs 2 threads, out= preallocated, ms" +
              (" (alk-pypi: numpy_eval vs numpy_eval_par, RAYON_NUM_THREADS=2, allocating):"
               if "alk-pypi" in threads else ":"))
        print(f"{'tier':<11}{'workload':<9}{'1 thread':>10}{'2 threads':>11}{'speedup':>9}")
        for col, rows in threads.items():
            for name, t in rows.items():
                print(f"{col:<11}{name:<9}{t['t1_ms']:>10.2f}{t['t2_ms']:>11.2f}{t['speedup']:>9.2f}")
    if scalar:
        print("\nScalar call (W1 over [x]), ns per call:")
        for k, v in scalar.items():
            print(f"  {k:<40}{v:>10.0f}")
    if compile_res:
        cols = []
        for row in compile_res.values():
            for k in row:
                if k.endswith("_us") and k not in cols:
                    cols.append(k)
        print("\nCompile latency, us (best of several; a fresh expression per repetition):")
        print(f"{'target':>7}{'nodes':>7}" + "".join(f"{k[:-3]:>18}" for k in cols))
        for tgt, row in compile_res.items():
            cells = []
            for k in cols:
                v = row.get(k)
                s = "-" if v is None else f"{v:.0f}"
                if k == "alk-llvm_us" and row.get("alk-llvm_fresh") is not True:
                    s += "*"
                cells.append(f"{s:>18}")
            print(f"{tgt:>7}{row['nodes']:>7}" + "".join(cells))
    for note in notes:
        print("note:", note)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="points per workload (default 1e6)")
    ap.add_argument("--reps", type=int, default=None, help="timing rounds per workload (default 9, --quick 3)")
    ap.add_argument("--min-reps", type=int, default=None, help="timings every library gets (default 3, --quick 2)")
    ap.add_argument("--budget", type=float, default=None,
                    help="seconds of timing per workload before slow libraries stop (default 12, --quick 4)")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    ap.add_argument("--skip", default="", help="comma list of sections to skip: threads,scalar,small,compile,pypi")
    ap.add_argument("--pypi-venv", default=os.path.join(ROOT, "build", "bench-pypi-venv"),
                    help="venv for the PyPI 'alkahest' peer, created when missing (default build/bench-pypi-venv)")
    ap.add_argument("--pypi-timeout", type=int, default=900,
                    help="seconds allowed for the venv setup and for the peer process each (default 900)")
    ap.add_argument("--json", metavar="PATH", help="write all results as JSON")
    args = ap.parse_args(argv)
    args.reps = args.reps or (3 if args.quick else 9)
    args.min_reps = args.min_reps or (2 if args.quick else 3)
    args.budget = args.budget if args.budget is not None else (4.0 if args.quick else 12.0)
    skip = set(filter(None, args.skip.split(",")))

    t_all = time.perf_counter()
    meta = {"cpu": cpu_name(), "cores": os.cpu_count(), "platform": platform.platform(), "n": args.n,
            "reps": args.reps, "min_reps": args.min_reps, "budget_s": args.budget, "quick": args.quick,
            "versions": versions(), "xla_flags": os.environ.get("XLA_FLAGS")}
    for key, fn in (("isa", "_isa"), ("jit", "_jit_description")):
        try:
            meta[key] = getattr(alk._core, fn)()
        except Exception:  # noqa: BLE001
            meta[key] = None
    print(f"bench_eval: n={args.n}, {meta['cpu']}, {meta['cores']} cores; "
          + ", ".join(f"{k} {v}" for k, v in meta["versions"].items() if v), flush=True)

    notes = []
    tiers = probe_tiers(notes)
    meta["alkahest_tiers"] = tiers
    xs = np.linspace(0.0, 2.0 * np.pi, args.n)
    ys = np.linspace(1.0, 2.0, args.n)
    with tempfile.TemporaryDirectory(prefix="alkahest_bench_") as tmp:
        sleef = {}
        for acc, col in SLEEF_COLS.items():
            dll, why = build_sleef_reference(tmp, acc)
            if dll is None:
                notes.append(f"{col} reference skipped: {why}")
                continue
            sleef[col] = dll
            dll.isa.restype = ctypes.c_char_p
            meta["sleef_c_isa"] = dll.isa().decode()
        if sleef:
            notes.append(f"sleef-C references ({', '.join(sleef)}) built for {meta['sleef_c_isa']}")
        meta["sleef_c"] = "sleef-C" in sleef
        results = bench_workloads(args, xs, ys, sleef, tiers, notes)
    threads = bench_threads(args, xs, ys, tiers) if "threads" not in skip else None
    scalar = bench_scalar(args, tiers) if "scalar" not in skip else None
    small = bench_small(args) if "small" not in skip else None
    targets = compile_targets(args) if "compile" not in skip else None
    compile_res = bench_compile(args, tiers, targets, notes) if "compile" not in skip else None
    if "pypi" not in skip:
        sections = {"workloads"} | ({"threads", "scalar", "compile"} - skip)
        pypi = merge_pypi(run_pypi_peer(args, sections, targets), results, threads, scalar, compile_res, notes)
    else:
        pypi = {"comparable": None, "note": "alk-pypi skipped (--skip pypi)"}
    libs, peers, gm, goals = summarize(results, tiers)
    print_tables(results, tiers, gm, goals, libs, peers, threads, scalar, compile_res, notes)
    print_issue17(goals, compile_res, small)
    meta["elapsed_s"] = time.perf_counter() - t_all
    print(f"\ntotal {meta['elapsed_s']:.0f} s")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"meta": meta, "libraries": libs, "workloads": results,
                       "geomean_peer_over_best_alkahest": gm, "goals": goals, "threads": threads,
                       "scalar_ns": scalar, "small_us": small, "compile": compile_res, "pypi": pypi, "notes": notes},
                      fh, indent=2)
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
