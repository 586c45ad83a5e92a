#!/usr/bin/env python3
"""Evaluation benchmark: alkahest's compiled evaluation vs NumPy, numexpr, SymPy, SymEngine, JAX and C.

One run evaluates five workloads at 1e6 float64 points in every library, side by side, and prints
the best time of each, the ratio of every peer to alkahest, and how far every result is from NumPy.

    PYTHONPATH=python .venv/bin/python bench/bench_eval.py [--quick] [--json out.json]

Workloads (x = linspace(0, 2*pi, n), y = linspace(1, 2, n), n = 1e6 by default)
    W1  sin(x)**2 + x
    W2  a degree-8 polynomial in x, written as a sum of powers: sum(c[k] * x**k, k=0..8)
    W3  exp(-x*x/2)*cos(3*x) + sqrt(1 + x*x)
    W4  x*y + sin(x*y) + log(1 + y*y)
    W5  sum(sin(k*x) * exp(-k*x/100) / k, k=1..50)
    Every library gets the same formula through its own ordinary API (one Python function per
    workload, called with each library's namespace), except numexpr (the same formula as a string)
    and the C reference (below).

Peers (all single-threaded)
    alkahest    compile_expr(expr, [x, y]) then numpy_eval(f, xs, ys, threads=1); the result array is
                allocated per call, as for every other library. "alk out=" is the same with a
                preallocated out= array (the C reference also writes into a preallocated buffer).
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
    sleef-C     a hand-written C loop over SLEEF's AVX2 vector math (Sleef_sind4_u35avx2,
                Sleef_cosd4_u35avx2, Sleef_expd4_u10avx2, Sleef_logd4_u35avx2, _mm256_sqrt_pd) with
                FMA, 4 doubles per step, compiled at bench time with gcc -O3 -mavx2 -mfma -lsleef and
                called through ctypes. The polynomial is written in Horner form, as one would by hand.
                Skipped (with a note) when gcc, sleef.h or AVX2 is missing.

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

Also measured
    scalar      the cost of one scalar call f([1.0]) of W1 compiled over [x], ns per call (timeit,
                best of several repeats), with SymEngine Lambdify and SymPy lambdify(modules="math")
                scalar calls for context.
    compile     compile_expr latency on seeded random expressions of about 10, 100 and 1,000
                distinct nodes (DAG nodes counted by walking Expr.node().args), best of several, each
                repetition on a freshly built expression in a fresh pool; with SymEngine Lambdify
                (LLVM, cse=True) on the same expression for context. The random expressions share
                subexpressions heavily (their tree form is far larger than the DAG); without cse=True
                SymEngine's LLVM backend does not finish on the 1,000-node one and exhausts memory.
    threads     alkahest numpy_eval at threads=1 vs threads=2 on every workload at n points.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import math
import os
import platform
import random
import shutil
import subprocess
import tempfile
import time
import timeit

# Keep XLA's CPU runtime on one thread (must be set before jax is imported).
os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import numpy as np

import alkahest as alk

POLY = [3.0, 2.5, 1.25, 0.75, 0.5, 0.25, 0.125, 0.0625, 0.03125]  # c[0..8]; exact in binary, all > 0


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

typedef __m256d V;
#define B(v) _mm256_set1_pd(v)

static inline V k1(V x, V y) { (void)y; V s = Sleef_sind4_u35avx2(x); return _mm256_fmadd_pd(s, s, x); }
static inline V k2(V x, V y) {
    (void)y;
    static const double c[9] = {3.0, 2.5, 1.25, 0.75, 0.5, 0.25, 0.125, 0.0625, 0.03125};
    V r = B(c[8]);
    for (int k = 7; k >= 0; --k) r = _mm256_fmadd_pd(r, x, B(c[k]));
    return r;
}
static inline V k3(V x, V y) {
    (void)y;
    V xx = _mm256_mul_pd(x, x);
    V e = Sleef_expd4_u10avx2(_mm256_mul_pd(xx, B(-0.5)));
    V c = Sleef_cosd4_u35avx2(_mm256_mul_pd(x, B(3.0)));
    V s = _mm256_sqrt_pd(_mm256_add_pd(xx, B(1.0)));
    return _mm256_fmadd_pd(e, c, s);
}
static inline V k4(V x, V y) {
    V t = _mm256_mul_pd(x, y);
    V l = Sleef_logd4_u35avx2(_mm256_fmadd_pd(y, y, B(1.0)));
    return _mm256_add_pd(_mm256_add_pd(t, Sleef_sind4_u35avx2(t)), l);
}
static inline V k5(V x, V y) {
    (void)y;
    V acc = B(0.0);
    for (int k = 1; k <= 50; ++k) {
        V kx = _mm256_mul_pd(x, B((double)k));
        V s = Sleef_sind4_u35avx2(kx);
        V e = Sleef_expd4_u10avx2(_mm256_mul_pd(kx, B(-0.01)));
        acc = _mm256_fmadd_pd(_mm256_mul_pd(s, e), B(1.0 / k), acc);
    }
    return acc;
}

#define DRIVER(name, kern)                                                                  \
    void name(const double *X, const double *Y, double *O, long n) {                      \
        long i = 0;                                                                        \
        for (; i + 4 <= n; i += 4) {                                                       \
            V x = _mm256_loadu_pd(X + i);                                                  \
            V y = Y ? _mm256_loadu_pd(Y + i) : x;                                          \
            _mm256_storeu_pd(O + i, kern(x, y));                                           \
        }                                                                                  \
        if (i < n) {                                                                       \
            double bx[4] = {1, 1, 1, 1}, by[4] = {1, 1, 1, 1}, bo[4];                      \
            memcpy(bx, X + i, (size_t)(n - i) * 8);                                        \
            if (Y) memcpy(by, Y + i, (size_t)(n - i) * 8);                                 \
            _mm256_storeu_pd(bo, kern(_mm256_loadu_pd(bx), _mm256_loadu_pd(by)));          \
            memcpy(O + i, bo, (size_t)(n - i) * 8);                                        \
        }                                                                                  \
    }

DRIVER(W1, k1)
DRIVER(W2, k2)
DRIVER(W3, k3)
DRIVER(W4, k4)
DRIVER(W5, k5)
"""


def build_sleef_reference(workdir):
    """Compiles SLEEF_C into a shared library; returns (ctypes.CDLL, None) or (None, reason)."""
    cc = shutil.which("gcc") or shutil.which("cc")
    if cc is None:
        return None, "no C compiler"
    try:
        with open("/proc/cpuinfo") as fh:
            flags = fh.read()
        if " avx2" not in flags or " fma" not in flags:
            return None, "CPU lacks AVX2/FMA"
    except OSError:
        pass
    src = os.path.join(workdir, "sleef_ref.c")
    lib = os.path.join(workdir, "sleef_ref.so")
    with open(src, "w") as fh:
        fh.write(SLEEF_C)
    cmd = [cc, "-O3", "-mavx2", "-mfma", "-fPIC", "-shared", "-I/usr/include/x86_64-linux-gnu",
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


# --- the benchmark --------------------------------------------------------------------------------------------

def make_callables(name, n, xs, ys, sleef, notes):
    """Returns {library: zero-argument callable returning the result} for workload `name`."""
    func, _, used = WORKLOADS[name]
    calls = {}

    pool = alk.ExprPool()
    ax, ay = pool.symbols("x y")
    aexpr = func(ax, ay, alk)
    avars = [ax, ay] if "y" in used else [ax]
    ains = (xs, ys) if "y" in used else (xs,)
    f = alk.compile_expr(aexpr, avars, backend="interp")
    out = np.empty(n)
    calls["alkahest"] = lambda: alk.numpy_eval(f, *ains, threads=1)
    calls["alk out="] = lambda: alk.numpy_eval(f, *ains, out=out, threads=1)

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

    if sleef is not None:
        cfn = getattr(sleef, name)
        ptr = ctypes.POINTER(ctypes.c_double)
        px, py = xs.ctypes.data_as(ptr), ys.ctypes.data_as(ptr) if "y" in used else None
        cout = np.empty(n)
        po = cout.ctypes.data_as(ptr)

        def run_c():
            cfn(px, py, po, n)
            return cout
        calls["sleef-C"] = run_c
    return calls


def bench_workloads(args, xs, ys, sleef, notes):
    results = {}
    for name, (func, desc, used) in WORKLOADS.items():
        calls = make_callables(name, args.n, xs, ys, sleef, notes)
        ref = calls["numpy"]()
        check = {}
        for lib, fn in calls.items():
            r = fn() if lib != "numpy" else ref  # warm-up + correctness
            check[lib] = rel_diffs(r, ref)
        del ref
        timers = {lib: getattr(fn, "time_fn", fn) for lib, fn in calls.items()}
        times = {lib: [] for lib in calls}
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
        results[name] = {
            "desc": desc,
            "best_ms": {lib: min(t) * 1e3 for lib, t in times.items()},
            "times_ms": {lib: [v * 1e3 for v in t] for lib, t in times.items()},
            "rel_vs_numpy": {lib: c[0] for lib, c in check.items()},
            "elt_rel_vs_numpy": {lib: c[1] for lib, c in check.items()},
        }
        if "symengine" in calls:
            results[name]["symengine_backend"] = getattr(calls["symengine"], "backend", None)
        best = results[name]["best_ms"]
        print(f"  {name}: " + "  ".join(f"{lib} {best[lib]:.2f}" for lib in best), flush=True)
    return results


def bench_threads(args, xs, ys):
    out = {}
    for name, (func, _, used) in WORKLOADS.items():
        pool = alk.ExprPool()
        x, y = pool.symbols("x y")
        f = alk.compile_expr(func(x, y, alk), [x, y] if "y" in used else [x])
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
        out[name] = {"t1_ms": b1, "t2_ms": b2, "speedup": b1 / b2}
    return out


def bench_scalar(args):
    pool = alk.ExprPool()
    x = pool.symbol("x")
    f = alk.compile_expr(w1(x, None, alk), [x])
    number = 20000 if args.quick else 100000
    repeat = 3 if args.quick else 7
    res = {}
    g = {"f": f}
    res["alkahest f([1.0])"] = min(timeit.repeat("f([1.0])", globals=g, number=number, repeat=repeat)) / number * 1e9
    arg = [1.0]
    g["arg"] = arg
    res["alkahest f(arg) (list prebuilt)"] = min(timeit.repeat("f(arg)", globals=g, number=number,
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


def bench_compile(args):
    out = {}
    reps = 3 if args.quick else 7
    try:
        import symengine as se
    except Exception:  # noqa: BLE001
        se = None
    for target in (10, 100, 1000):
        steps, size = steps_for_size(target, seed=target)
        times = []
        for _ in range(reps):
            pool = alk.ExprPool()
            x, y = pool.symbols("x y")
            e = random_expr(alk, x, y, steps, seed=target)
            t0 = time.perf_counter()
            f = alk.compile_expr(e, [x, y])
            times.append(time.perf_counter() - t0)
            del f
        row = {"nodes": size, "alkahest_us": min(times) * 1e6}
        if se is not None:
            ex, ey = se.symbols("x y")
            sexpr = random_expr(se, ex, ey, steps, seed=target)
            st = []
            t_start = time.perf_counter()
            for _ in range(reps):
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
        out[str(target)] = row
    return out


def fmt_ms(v):
    if v is None:
        return "-"
    return f"{v:.2f}" if v < 100 else f"{v:.1f}"


def print_tables(results, threads, scalar, compile_res, notes):
    libs = []
    for r in results.values():
        for lib in r["best_ms"]:
            if lib not in libs:
                libs.append(lib)
    w = max(9, max(len(lib) for lib in libs) + 1)
    print("\nTime per call, ms (best over rounds, 1 thread):")
    print(f"{'workload':<9}" + "".join(f"{lib:>{w}}" for lib in libs))
    for name, r in results.items():
        print(f"{name:<9}" + "".join(f"{fmt_ms(r['best_ms'].get(lib)):>{w}}" for lib in libs))

    peers = [lib for lib in libs if lib != "alkahest"]
    print("\nRatio peer / alkahest (time; > 1 means alkahest is faster):")
    print(f"{'workload':<9}" + "".join(f"{lib:>{w}}" for lib in peers))
    gm = {}
    for lib in peers:
        vals = [r["best_ms"][lib] / r["best_ms"]["alkahest"] for r in results.values() if lib in r["best_ms"]]
        gm[lib] = math.exp(sum(map(math.log, vals)) / len(vals)) if len(vals) == len(results) else None
    for name, r in results.items():
        a = r["best_ms"]["alkahest"]
        print(f"{name:<9}" + "".join(
            f"{(r['best_ms'][lib] / a if lib in r['best_ms'] else float('nan')):>{w}.2f}" for lib in peers))
    print(f"{'geomean':<9}" + "".join(f"{gm[lib]:>{w}.2f}" if gm[lib] else f"{'-':>{w}}" for lib in peers))

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
    worst = max(r["rel_vs_numpy"]["alkahest"] for r in results.values())
    print(f"alkahest worst normwise difference from NumPy: {worst:.2e} "
          f"({'OK' if worst < 1e-12 else 'ABOVE'} 1e-12)")

    if threads:
        print("\nalkahest threads (numpy_eval, out= preallocated), ms:")
        print(f"{'workload':<9}{'1 thread':>10}{'2 threads':>11}{'speedup':>9}")
        for name, t in threads.items():
            print(f"{name:<9}{t['t1_ms']:>10.2f}{t['t2_ms']:>11.2f}{t['speedup']:>9.2f}")
    if scalar:
        print("\nScalar call, ns per call:")
        for k, v in scalar.items():
            print(f"  {k:<36}{v:>10.0f}")
    if compile_res:
        print("\nCompile latency, us (best of several):")
        print(f"{'target':>7}{'nodes':>7}{'alkahest':>11}{'symengine llvm':>16}")
        for tgt, row in compile_res.items():
            se_v = row.get("symengine_llvm_us")
            print(f"{tgt:>7}{row['nodes']:>7}{row['alkahest_us']:>11.0f}"
                  f"{(f'{se_v:.0f}' if se_v is not None else '-'):>16}")
    for note in notes:
        print("note:", note)
    return gm


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000, help="points per workload (default 1e6)")
    ap.add_argument("--reps", type=int, default=None, help="timing rounds per workload (default 9, --quick 3)")
    ap.add_argument("--min-reps", type=int, default=None, help="timings every library gets (default 3, --quick 2)")
    ap.add_argument("--budget", type=float, default=None,
                    help="seconds of timing per workload before slow libraries stop (default 12, --quick 4)")
    ap.add_argument("--quick", action="store_true", help="fewer repetitions")
    ap.add_argument("--skip", default="", help="comma list of sections to skip: threads,scalar,compile")
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
    print(f"bench_eval: n={args.n}, {meta['cpu']}, {meta['cores']} cores; "
          + ", ".join(f"{k} {v}" for k, v in meta["versions"].items() if v), flush=True)

    notes = []
    xs = np.linspace(0.0, 2.0 * np.pi, args.n)
    ys = np.linspace(1.0, 2.0, args.n)
    with tempfile.TemporaryDirectory(prefix="alkahest_bench_") as tmp:
        sleef, why = build_sleef_reference(tmp)
        if sleef is None:
            notes.append(f"sleef-C reference skipped: {why}")
        meta["sleef_c"] = sleef is not None
        results = bench_workloads(args, xs, ys, sleef, notes)
    threads = bench_threads(args, xs, ys) if "threads" not in skip else None
    scalar = bench_scalar(args) if "scalar" not in skip else None
    compile_res = bench_compile(args) if "compile" not in skip else None
    gm = print_tables(results, threads, scalar, compile_res, notes)
    meta["elapsed_s"] = time.perf_counter() - t_all
    print(f"\ntotal {meta['elapsed_s']:.0f} s")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"meta": meta, "workloads": results, "geomean_peer_over_alkahest": gm,
                       "threads": threads, "scalar_ns": scalar, "compile": compile_res, "notes": notes},
                      fh, indent=2)
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
