#!/usr/bin/env python3
"""The "alk-pypi" peer of bench_eval.py: the `alkahest` package from PyPI, timed in its own venv.

`pip install alkahest` gives an unrelated project that shares our import name: a Rust computer
algebra system (PyO3 bindings, FLINT/Arb, e-graphs, a Cranelift JIT in the default wheel). Its
Python API happens to look like ours (ExprPool, sin/cos/exp/log/sqrt, compile_expr, numpy_eval),
so it can evaluate the same workloads. Because both packages are imported as `alkahest`, it cannot
share a process with ours: bench_eval.py runs this script with the venv's interpreter
(build/bench-pypi-venv/bin/python -I, no PYTHONPATH) and reads the JSON it prints.

Input (JSON on stdin), written by bench_eval.py:
    n, reps, min_reps, budget, quick, sections (list of "workloads", "threads", "scalar", "compile"),
    source      Python source of the workload functions (w1..w5, POLY, random_expr, ...) taken from
                bench_eval.py with inspect.getsource, so both sides run the very same formulas
    workloads   {"W1": {"func": "w1", "used": ["x"]}, ...}
    scalar_func the workload function timed for one scalar call (w1)
    compile     {"10": {"steps": s, "seed": seed, "nodes": nodes}, ...}: random_expr arguments

Output (one JSON object on stdout; everything else goes to stderr):
    package     name, version, summary, capabilities (features)
    comparable  false (with "note") when the package cannot express the workloads
    workloads   {W: {best_ms, times_ms, rel_vs_numpy, elt_rel_vs_numpy, tier}}
    threads     {W: {t1_ms, t2_ms, speedup}}: numpy_eval vs numpy_eval_par (Rayon pool of
                RAYON_NUM_THREADS threads, set to 2 by bench_eval.py)
    scalar_ns   {label: ns per call} for f([1.0])
    compile     {target: {nodes, us}}: compile_expr latency, a fresh expression (its own pool and a
                distinct constant) per repetition

Timing follows bench_eval.py: time.perf_counter around one call, garbage collector off, best of
`reps` rounds, stopping early after `budget` seconds once `min_reps` timings exist. The inputs are
the same linspace arrays; the result array is allocated per call (numpy_eval has no out=).
compile_expr is given expected_evals=n, as its documentation advises for large batches, so the
function is native (Cranelift) from the start; the warm-up call is excluded from the timings anyway.
"""

from __future__ import annotations

import gc
import json
import math
import random
import sys
import time
import timeit


def log(*a):
    print(*a, file=sys.stderr, flush=True)


def rel_diffs(np, r, ref):
    r = np.asarray(r, dtype=np.float64).reshape(ref.shape)
    if not np.all(np.isfinite(r)):
        return float("inf"), float("inf")
    scale = float(np.max(np.abs(ref)))
    err = np.abs(r - ref)
    norm = float(np.max(err)) / scale if scale > 0 else float(np.max(err))
    mask = np.abs(ref) >= 1e-3 * scale
    elt = float(np.max(err[mask] / np.abs(ref[mask]))) if mask.any() else 0.0
    return norm, elt


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def best_of(fn, reps, min_reps, budget):
    times = []
    gc_was = gc.isenabled()
    gc.disable()
    try:
        t_start = time.perf_counter()
        for _ in range(reps):
            if len(times) >= min_reps and time.perf_counter() - t_start > budget:
                break
            times.append(timed(fn))
    finally:
        if gc_was:
            gc.enable()
    return times


class _NS:
    def __init__(self, mod):
        for name in ("sin", "cos", "exp", "log", "sqrt"):
            setattr(self, name, getattr(mod, name))


def package_info(ak):
    info = {"name": "alkahest", "version": getattr(ak, "__version__", None), "file": getattr(ak, "__file__", None)}
    try:
        from importlib import metadata
        md = metadata.metadata("alkahest")
        info["summary"] = md.get("Summary")
        info["home"] = next((u.split(",", 1)[1].strip() for u in md.get_all("Project-URL") or []
                             if u.lower().startswith("repository")), None)
        info["version"] = info["version"] or md.get("Version")
    except Exception as e:  # noqa: BLE001
        info["metadata_error"] = f"{type(e).__name__}: {e}"
    try:
        caps = ak.capabilities()
        info["features"] = caps.get("features")
    except Exception:  # noqa: BLE001
        pass
    try:
        info["jit_available"] = bool(ak.jit_is_available())
    except Exception:  # noqa: BLE001
        pass
    return info


def tier_of(f):
    t = getattr(f, "_batch_tier", None)
    if callable(t):
        t = t()
    return t or getattr(f, "tier", None)


def main():
    spec = json.load(sys.stdin)
    out = {"comparable": False}
    try:
        import numpy as np
        import alkahest as ak
    except Exception as e:  # noqa: BLE001
        out["note"] = f"cannot import the PyPI package: {type(e).__name__}: {e}"
        print(json.dumps(out))
        return
    out["package"] = package_info(ak)
    missing = [a for a in ("ExprPool", "compile_expr", "numpy_eval", "sin", "cos", "exp", "log", "sqrt")
               if not hasattr(ak, a)]
    if missing:
        what = out["package"].get("summary") or "no package metadata"
        out["note"] = (f"the PyPI 'alkahest' ({what}) has no {', '.join(missing)}: "
                       "it cannot build and evaluate these formulas")
        print(json.dumps(out))
        return

    ns = {"math": math, "random": random}
    exec(spec["source"], ns)  # noqa: S102 - our own bench_eval.py functions
    n = spec["n"]
    reps, min_reps, budget = spec["reps"], spec["min_reps"], spec["budget"]
    sections = set(spec["sections"])
    xs = np.linspace(0.0, 2.0 * np.pi, n)
    ys = np.linspace(1.0, 2.0, n)
    np_ns = _NS(np)

    def build(wname, pool=None):
        w = spec["workloads"][wname]
        func = ns[w["func"]]
        pool = pool or ak.ExprPool()
        x, y = pool.symbol("x"), pool.symbol("y")
        e = func(x, y, ak)
        used = w["used"]
        f = ak.compile_expr(e, [x, y] if "y" in used else [x], expected_evals=n)
        ins = (xs, ys) if "y" in used else (xs,)
        return f, ins

    out["comparable"] = True
    try:
        if "workloads" in sections:
            res = {}
            for wname, w in spec["workloads"].items():
                try:
                    f, ins = build(wname)
                    ref = ns[w["func"]](xs, ys, np_ns)
                    r = ak.numpy_eval(f, *ins)  # warm-up + correctness
                    norm, elt = rel_diffs(np, r, ref)
                    del r, ref
                    times = best_of(lambda: ak.numpy_eval(f, *ins), reps, min_reps, budget)
                    res[wname] = {"best_ms": min(times) * 1e3, "times_ms": [t * 1e3 for t in times],
                                  "rel_vs_numpy": norm, "elt_rel_vs_numpy": elt, "tier": tier_of(f)}
                    log(f"  alk-pypi {wname}: {res[wname]['best_ms']:.2f} ms ({res[wname]['tier']})")
                except Exception as e:  # noqa: BLE001
                    res[wname] = {"error": f"{type(e).__name__}: {e}"}
                    log(f"  alk-pypi {wname}: {type(e).__name__}: {e}")
            out["workloads"] = res

        if "threads" in sections and hasattr(ak, "numpy_eval_par"):
            res = {}
            for wname in spec["workloads"]:
                try:
                    f, ins = build(wname)
                    ak.numpy_eval(f, *ins)
                    ak.numpy_eval_par(f, *ins)
                    t1, t2 = [], []
                    gc.disable()
                    t_start = time.perf_counter()
                    for _ in range(reps):
                        if len(t1) >= min_reps and time.perf_counter() - t_start > budget / 2:
                            break
                        t1.append(timed(lambda: ak.numpy_eval(f, *ins)))
                        t2.append(timed(lambda: ak.numpy_eval_par(f, *ins)))
                    gc.enable()
                    b1, b2 = min(t1) * 1e3, min(t2) * 1e3
                    res[wname] = {"t1_ms": b1, "t2_ms": b2, "speedup": b1 / b2}
                except Exception as e:  # noqa: BLE001
                    gc.enable()
                    res[wname] = {"error": f"{type(e).__name__}: {e}"}
            out["threads"] = res

        if "scalar" in sections:
            pool = ak.ExprPool()
            x = pool.symbol("x")
            f = ak.compile_expr(ns[spec["scalar_func"]](x, None, ak), [x])
            number = 20000 if spec["quick"] else 100000
            repeat = 3 if spec["quick"] else 7
            g = {"f": f, "arg": [1.0]}
            f([1.0])
            out["scalar_ns"] = {
                "f([1.0])": min(timeit.repeat("f([1.0])", globals=g, number=number, repeat=repeat)) / number * 1e9,
                "f(arg) (list prebuilt)": min(timeit.repeat("f(arg)", globals=g, number=number,
                                                            repeat=repeat)) / number * 1e9,
            }
            out["scalar_tier"] = getattr(f, "tier", None)

        if "compile" in sections:
            res = {}
            reps_c = 3 if spec["quick"] else 7
            for target, c in spec["compile"].items():
                times = []
                for rep in range(reps_c):
                    pool = ak.ExprPool()
                    x, y = pool.symbol("x"), pool.symbol("y")
                    e = ns["random_expr"](ak, x, y, c["steps"], c["seed"]) + ns["perturbation"](rep)
                    t0 = time.perf_counter()
                    f = ak.compile_expr(e, [x, y])
                    times.append(time.perf_counter() - t0)
                    del f
                res[target] = {"nodes": c["nodes"], "us": min(times) * 1e6}
            out["compile"] = res
    except Exception as e:  # noqa: BLE001
        out.setdefault("errors", []).append(f"{type(e).__name__}: {e}")
    print(json.dumps(out))


if __name__ == "__main__":
    main()
