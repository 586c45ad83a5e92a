#!/usr/bin/env python3
"""Matrix and solver benchmarks: alkahest vs SymPy, SymEngine (DenseMatrix), python-flint, SciPy.

    PYTHONPATH=python .venv/bin/python bench/bench_matrix.py [--json out.json] [--sympy-timeout 60]

Workloads (the same problem for every library; results cross-checked where two libraries give one):
    det6 / det8     det of a generic 6x6 / 8x8 matrix of distinct symbols (720 / 40,320 terms)
    rdet100 / rinv100   det and inverse of a random 100x100 rational matrix (entries p/q, |p| <= 9,
                    1 <= q <= 5), exact
    jac100          jacobian of 100 expressions in 100 variables (x_i**2*x_{i+1} + sin(x_{i+7})*cos(x_i)
                    + exp(x_{i+3}/10) - x_{13i+5}/(1 + x_i**2))
    solve3          solve of the 3x3 polynomial system x+y+z = 6, xy+yz+zx = 11, xyz = 6 (6 solutions)
    nsolve1e4       x**2 + y**2 = a, x*y = b for 1e4 parameter sets (a, b): alkahest's batched nsolve
                    vs a Python loop of scipy.optimize.fsolve (analytic Jacobian) and of sympy.nsolve

What is timed: time.perf_counter, garbage collector off, best of --reps (SymPy and the slow peers
once, in a forked process stopped after --sympy-timeout seconds: then reported as a lower bound
">"). The close comparisons (rational det/inverse vs python-flint, nsolve vs the fsolve loop) are
timed in turn in each round, so the shared machine's load drifts over both alike. sympy.nsolve is timed on 100 parameter sets and scaled to 1e4 (said so in the output).
Ratios are peer time / alkahest time (> 1: alkahest faster).
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import platform
import random
import subprocess
import sys
import time
from fractions import Fraction

import numpy as np


def best_of(fn, reps):
    times, out = [], None
    for _ in range(reps):
        gc.collect()
        gc.disable()
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
        gc.enable()
    return min(times), out


def interleaved(fns, reps):
    """{name: (best time, result)} for functions timed in turn in each of `reps` rounds, so that a
    shared machine's load drifts over all of them alike."""
    best = {k: (float("inf"), None) for k in fns}
    for _ in range(reps):
        for k, fn in fns.items():
            t, out = best_of(fn, 1)
            if t < best[k][0]:
                best[k] = (t, out)
    return best


def in_fork(fn, timeout):
    """fn() in a forked process: (seconds, summary) or (None, None) when stopped at the timeout."""
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()

    def run():
        t = time.perf_counter()
        out = fn()
        q.put((time.perf_counter() - t, out))

    p = ctx.Process(target=run)
    p.start()
    p.join(timeout)
    if p.is_alive():
        p.kill()
        p.join()
        return None, None
    return q.get() if not q.empty() else (None, None)


RNG_SEED = 11


def rational_matrix(n):
    rng = random.Random(RNG_SEED)
    return [[Fraction(rng.randint(-9, 9), rng.randint(1, 5)) for _ in range(n)] for _ in range(n)]


def jac_system(n):
    """(index tables) of the jac100 system."""
    i = np.arange(n)
    return (i + 1) % n, (i + 7) % n, (i + 3) % n, (13 * i + 5) % n


# ---- alkahest ------------------------------------------------------------------------------------

def alkahest_runs(reps, n_nsolve):
    import alkahest as ak

    out = {}
    for n, name in ((6, "det6"), (8, "det8")):
        def det(n=n):
            pool = ak.ExprPool()
            syms = pool.symbols(" ".join(f"a{i}_{j}" for i in range(n) for j in range(n)))
            M = ak.Matrix([[syms[i * n + j] for j in range(n)] for i in range(n)])
            return len(ak.expand(M.det()).node().args)
        out[name] = best_of(det, 1 if n == 8 else reps)
    R = rational_matrix(100)
    pool = ak.ExprPool()
    M = ak.Matrix(R, pool=pool)
    out["rdet100"] = lambda: M.det().node().value  # timed in turn with python-flint (main)
    out["rinv100"] = lambda: M.inv()[0, 0].node().value

    def jac():
        p = ak.ExprPool()
        xs = p.symbols(" ".join(f"x{i}" for i in range(100)))
        nxt, far, back, mix = jac_system(100)
        fs = [xs[k] ** 2 * xs[nxt[k]] + ak.sin(xs[far[k]]) * ak.cos(xs[k]) + ak.exp(xs[back[k]] / 10)
              - xs[mix[k]] / (1 + xs[k] ** 2) for k in range(100)]
        return ak.jacobian(fs, list(xs)).shape
    out["jac100"] = best_of(jac, reps)

    def solve3():
        p = ak.ExprPool()
        x, y, z = p.symbols("x y z")
        return len(ak.solve([x + y + z - 6, x * y + y * z + z * x - 11, x * y * z - 6], [x, y, z]))
    out["solve3"] = best_of(solve3, reps)

    p = ak.ExprPool()
    x, y, a, b = p.symbols("x y a b")
    av, bv = nsolve_params(n_nsolve)
    def ns():
        r = ak.nsolve([x**2 + y**2 - a, x * y - b], [x, y], np.array([2.0, 0.3]), params={a: av, b: bv})
        return int(r.converged.sum()), r.x
    ak.nsolve([x**2 + y**2 - a, x * y - b], [x, y], np.array([2.0, 0.3]), params={a: av[:10], b: bv[:10]})  # compile
    out["nsolve1e4"] = ns  # timed in turn with the fsolve loop (main)
    return out


def nsolve_params(n):
    return np.linspace(3.0, 6.0, n), np.linspace(0.5, 1.0, n)


# ---- peers ---------------------------------------------------------------------------------------

def symengine_runs(reps, timeout):
    try:
        import symengine as se
    except ImportError:
        return {}, None
    out = {}
    for n, name in ((6, "det6"), (8, "det8")):
        def det(n=n):
            syms = se.symbols(" ".join(f"a{i}_{j}" for i in range(n) for j in range(n)))
            M = se.DenseMatrix(n, n, list(syms))
            return len(se.expand(M.det()).args)
        out[name] = in_fork(det, timeout)  # its 6x6 took 270 s in a trial run
    R = rational_matrix(100)
    M = se.DenseMatrix(100, 100, [se.Rational(v.numerator, v.denominator) for row in R for v in row])
    out["rdet100"] = in_fork(lambda: str(M.det()), timeout)
    out["rinv100"] = in_fork(lambda: str(M.inv()[0, 0]), timeout)

    def jac():
        xs = se.symbols(" ".join(f"x{i}" for i in range(100)))
        nxt, far, back, mix = jac_system(100)
        fs = [xs[k] ** 2 * xs[nxt[k]] + se.sin(xs[far[k]]) * se.cos(xs[k]) + se.exp(xs[back[k]] / 10)
              - xs[mix[k]] / (1 + xs[k] ** 2) for k in range(100)]
        return se.DenseMatrix(fs).jacobian(se.DenseMatrix(list(xs))).shape
    out["jac100"] = best_of(jac, reps)
    return out, se.__version__


def flint_runs(reps):
    try:
        import flint
    except ImportError:
        return {}, None
    R = rational_matrix(100)
    M = flint.fmpq_mat(100, 100, [v for row in R for v in (flint.fmpq(x.numerator, x.denominator) for x in row)])
    return {"rdet100": lambda: M.det(), "rinv100": lambda: M.inv()[0, 0]}, flint.__version__


def sympy_runs(timeout, n_nsolve):
    import sympy

    out = {}
    for n, name in ((6, "det6"), (8, "det8")):
        def det(n=n):
            M = sympy.Matrix(n, n, sympy.symbols(" ".join(f"a{i}_{j}" for i in range(n) for j in range(n))))
            return len(sympy.expand(M.det()).args)
        out[name] = in_fork(det, timeout)
    R = rational_matrix(100)
    M = sympy.Matrix(100, 100, [sympy.Rational(v.numerator, v.denominator) for row in R for v in row])
    out["rdet100"] = in_fork(lambda: str(M.det()), timeout)
    out["rinv100"] = in_fork(lambda: str(M.inv()[0, 0]), timeout)

    def jac():
        xs = sympy.symbols(" ".join(f"x{i}" for i in range(100)))
        nxt, far, back, mix = jac_system(100)
        fs = [xs[k] ** 2 * xs[nxt[k]] + sympy.sin(xs[far[k]]) * sympy.cos(xs[k]) + sympy.exp(xs[back[k]] / 10)
              - xs[mix[k]] / (1 + xs[k] ** 2) for k in range(100)]
        return sympy.Matrix(fs).jacobian(xs).shape
    out["jac100"] = in_fork(jac, timeout)

    def solve3():
        x, y, z = sympy.symbols("x y z")
        return len(sympy.solve([x + y + z - 6, x * y + y * z + z * x - 11, x * y * z - 6], [x, y, z], dict=True))
    out["solve3"] = in_fork(solve3, timeout)

    def ns(k=100):
        x, y, a, b = sympy.symbols("x y a b")
        av, bv = nsolve_params(n_nsolve)
        idx = np.linspace(0, n_nsolve - 1, k).astype(int)
        t = time.perf_counter()
        for i in idx:
            sympy.nsolve([x**2 + y**2 - float(av[i]), x * y - float(bv[i])], [x, y], [2.0, 0.3])
        return (time.perf_counter() - t) * n_nsolve / k
    t, scaled = in_fork(ns, timeout)
    out["nsolve1e4"] = (scaled, "scaled from 100 sets") if t is not None else (None, None)
    return out, sympy.__version__


def scipy_runs(n_nsolve):
    import scipy
    from scipy.optimize import fsolve

    av, bv = nsolve_params(n_nsolve)

    def loop():
        res = np.empty((n_nsolve, 2))
        for i in range(n_nsolve):
            a, b = av[i], bv[i]
            res[i] = fsolve(lambda v: [v[0] ** 2 + v[1] ** 2 - a, v[0] * v[1] - b], [2.0, 0.3],
                            fprime=lambda v: [[2 * v[0], 2 * v[1]], [v[1], v[0]]], xtol=1e-13)
        return res
    return {"nsolve1e4": loop}, scipy.__version__


# ---- report --------------------------------------------------------------------------------------

ROWS = [
    ("det6", "det, generic 6x6 symbolic (720 terms)"),
    ("det8", "det, generic 8x8 symbolic (40,320 terms)"),
    ("rdet100", "det, random 100x100 rational"),
    ("rinv100", "inverse, random 100x100 rational"),
    ("jac100", "jacobian of 100 expressions in 100 variables"),
    ("solve3", "solve, 3x3 polynomial system (6 solutions)"),
    ("nsolve1e4", "nsolve, 1e4 parameter sets of a 2x2 system"),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--sympy-timeout", type=float, default=60)
    ap.add_argument("--nsolve-n", type=int, default=10_000)
    ap.add_argument("--no-sympy", action="store_true")
    ap.add_argument("--json")
    args = ap.parse_args()
    cpu = subprocess.run(["bash", "-c", "lscpu | grep 'Model name' | cut -d: -f2"], capture_output=True,
                         text=True).stdout.strip()
    print(f"CPU: {cpu} ({platform.machine()}), Python {platform.python_version()}")
    ak = alkahest_runs(args.reps, args.nsolve_n)
    se, se_v = symengine_runs(args.reps, args.sympy_timeout)
    fl, fl_v = flint_runs(args.reps)
    sc, sc_v = scipy_runs(args.nsolve_n)
    pairs = {f"ak_{k}": ak[k] for k in ("rdet100", "rinv100", "nsolve1e4")}
    pairs.update({f"fl_{k}": fn for k, fn in fl.items()})
    pairs.update({f"sc_{k}": fn for k, fn in sc.items()})
    timed = interleaved(pairs, args.reps)
    for k in ("rdet100", "rinv100", "nsolve1e4"):
        ak[k] = timed[f"ak_{k}"]
    fl = {k: timed[f"fl_{k}"] for k in fl}
    sc = {k: timed[f"sc_{k}"] for k in sc}
    sy, sy_v = ({}, None) if args.no_sympy else sympy_runs(args.sympy_timeout, args.nsolve_n)
    # cross-checks
    assert ak["det6"][1] == 720 and ak["det8"][1] == 40320
    if "rdet100" in fl:
        assert Fraction(str(fl["rdet100"][1])) == Fraction(ak["rdet100"][1]), "det differs from python-flint's"
        assert Fraction(str(fl["rinv100"][1])) == Fraction(ak["rinv100"][1]), "inverse differs from python-flint's"
    assert ak["solve3"][1] == 6
    conv, xs = ak["nsolve1e4"][1]
    assert conv == args.nsolve_n
    np.testing.assert_allclose(xs, sc["nsolve1e4"][1], rtol=1e-9)
    print(f"peers: SymEngine {se_v}, python-flint {fl_v}, SciPy {sc_v}, SymPy {sy_v}")

    def cell(peer, key):
        t = peer.get(key, (None, None))[0] if key in peer else None
        if key not in peer:
            return "n/a"
        a = ak[key][0]
        if t is None:
            return f"> {args.sympy_timeout / a:,.0f}× (stopped at {args.sympy_timeout:.0f} s)"
        return f"{t / a:,.1f}× ({t * 1e3:,.1f} ms)" if t < 1 else f"{t / a:,.1f}× ({t:,.2f} s)"

    print("| benchmark | alkahest | vs SymPy | vs SymEngine | vs python-flint | vs SciPy fsolve loop |")
    print("|---|---|---|---|---|---|")
    table = {}
    for key, label in ROWS:
        a = ak[key][0]
        at = f"{a * 1e3:,.2f} ms" if a < 1 else f"{a:,.2f} s"
        row = [label, at, cell(sy, key), cell(se, key), cell(fl, key), cell(sc, key)]
        table[key] = row
        print("| " + " | ".join(row) + " |")
    if "nsolve1e4" in sy and sy["nsolve1e4"][0] is not None:
        print("(SymPy nsolve: timed on 100 parameter sets, scaled to 1e4)")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"cpu": cpu, "table": table}, fh, indent=1)


if __name__ == "__main__":
    sys.exit(main())
