#!/usr/bin/env python3
"""Calculus benchmarks: series of compositions and the limits of SymPy's test files, alkahest vs
SymPy and SymEngine (series).

    PYTHONPATH=python .venv/bin/python bench/bench_calculus.py [--json out.json] [--reps 20]
        [--sympy-timeout 60] [--no-sympy] [--no-limits]

series      series(f, x, 0, n) for f in exp(sin(x)), tan(x), 1/(1 - x - x**2), n = 20, 50, 100:
            alkahest.series (the Expr with its order, a fresh ExprPool each repetition),
            symengine.series, sympy.series (once: it is slow). Every result's coefficients are
            checked against SymEngine's.
limits      the 650 limits of tests/data/limit_oracle.json (SymPy's test_gruntz.py and
            test_limits.py): alkahest.limit over the cases it can express, and SymPy's limit over
            the same cases (each SymPy call timed, the ones alkahest answers and all).
Times: time.perf_counter, best of --reps (SymPy once, in a forked process stopped after
--sympy-timeout seconds: then reported as a lower bound '>'; --no-sympy leaves SymPy's series out).
alkahest and SymEngine are timed in alternation, --reps rounds of 5 calls each, so that a load
change on a shared machine hits both alike; the garbage collector is off during a round. Ratios are peer / alkahest (> 1: alkahest faster). The CPU is named in the
output (lscpu).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from fractions import Fraction

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "tests", "python"))


def best_of(fn, reps):
    """Best time of `reps` calls, the garbage collector off (it runs once before: collecting before
    every call would time each one with caches emptied by the walk over all of SymPy's objects)."""
    best, out = float("inf"), None
    gc.collect()
    gc.disable()
    try:
        for _ in range(reps):
            t = time.perf_counter()
            out = fn()
            best = min(best, time.perf_counter() - t)
    finally:
        gc.enable()
    return best, out


def cpu_name():
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


CASES = ["exp(sin(x))", "tan(x)", "1/(1 - x - x**2)"]
SYMPY_TIMEOUT = 60.0


def _sympy_series(text, n, q):
    import sympy as sp

    x = sp.Symbol("x")
    e = sp.sympify(text)
    t = time.perf_counter()
    sp.series(e, x, 0, n)
    q.put(time.perf_counter() - t)


def sympy_series_time(text, n, timeout):
    """SymPy's time in a forked process; (timeout, False) when it did not finish."""
    import multiprocessing

    q = multiprocessing.Queue()
    p = multiprocessing.Process(target=_sympy_series, args=(text, n, q))
    p.start()
    p.join(timeout)
    if p.is_alive():
        p.terminate()
        p.join()
        return timeout, False
    return q.get(), True


def bench_series(reps, sympy_timeout):
    import alkahest as ak
    import symengine as se

    rows = []
    for text in CASES:
        for n in (20, 50, 100):
            def ours():
                pool = ak.ExprPool()
                x = pool.symbol("x")
                e = ak.parse(text, pool, symbols=[x])
                return ak.series(e, x, 0, n), x

            xs = se.Symbol("x")

            def theirs():
                return se.series(se.sympify(text), xs, 0, n)

            t_ak = t_se = float("inf")
            for _ in range(reps):  # alternate rounds of 5: both see the same load
                t, (res, x) = best_of(ours, 5)
                t_ak = min(t_ak, t)
                t, r_se = best_of(theirs, 5)
                t_se = min(t_se, t)
            # check: coefficients equal SymEngine's
            ours_terms = ak.series_data(ak.parse(text, x.pool, symbols=[x]), x, 0, n).terms
            se_poly = se.expand(r_se)
            for e, c in ours_terms:
                want = se_poly.coeff(xs, int(e))
                assert Fraction(str(c)) == Fraction(str(want)), (text, n, e, c, want)
            row = {"expr": text, "n": n, "alkahest_s": t_ak, "symengine_s": t_se, "symengine_ratio": t_se / t_ak}
            sympy_text = ""
            if sympy_timeout > 0:
                t_sp, done = sympy_series_time(text, n, sympy_timeout)
                row.update({"sympy_s": t_sp, "sympy_finished": done, "sympy_ratio": t_sp / t_ak})
                gt = "" if done else ">"
                sympy_text = f"  SymPy {gt}{t_sp*1e3:9.1f} ms ({gt}{t_sp/t_ak:7.0f}x)"
            rows.append(row)
            print(f"  {text:18} n={n:3}  alkahest {t_ak*1e3:8.3f} ms  SymEngine {t_se*1e3:8.3f} ms "
                  f"({t_se/t_ak:5.2f}x){sympy_text}", flush=True)
    return rows


def bench_limits():
    import sympy as sp

    import limit_oracle

    cases = limit_oracle.DATA["cases"]
    t0 = time.perf_counter()
    res = limit_oracle.run(cases)
    t_ak = time.perf_counter() - t0
    s = limit_oracle.summary(res)
    expressible = [c for c, k, _, _ in res if k != "excluded"]
    ns = {}
    t_sp = 0.0
    for c in expressible:
        syms = {name: sp.Symbol(name, **({} if a.get("complex") else a)) for name, a in c["symbols"].items()}
        ns.update(syms)
        e = sp.sympify(c["expr"], locals=syms)
        x0 = sp.sympify(c["point"], locals=syms)
        t = time.perf_counter()
        try:
            sp.limit(e, syms[c["var"]], x0, c["dir"])
        except Exception:
            pass
        t_sp += time.perf_counter() - t
    out = {"cases": len(cases), "expressible": len(expressible),
           "alkahest_counts": {k: v for (f, k), v in s.items() if f == "all"},
           "alkahest_s": t_ak, "sympy_s": t_sp, "ratio": t_sp / t_ak}
    print(f"  limits: {len(expressible)} expressible of {len(cases)}: alkahest {t_ak:.2f} s "
          f"(incl. parsing and checking) {out['alkahest_counts']}, SymPy {t_sp:.2f} s ({t_sp/t_ak:.0f}x)")
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json")
    ap.add_argument("--reps", type=int, default=20)
    ap.add_argument("--sympy-timeout", type=float, default=SYMPY_TIMEOUT,
                    help="seconds before SymPy's series is stopped (reported as a lower bound)")
    ap.add_argument("--no-sympy", action="store_true", help="leave SymPy's series out")
    ap.add_argument("--no-limits", action="store_true")
    args = ap.parse_args()
    cpu = cpu_name()
    print(f"CPU: {cpu}", flush=True)
    print(f"series (best of {args.reps} rounds of 5 calls; SymPy once):")
    out = {"cpu": cpu, "reps": args.reps, "series": bench_series(args.reps, 0 if args.no_sympy else args.sympy_timeout)}
    if not args.no_limits:
        print("limits:")
        out["limits"] = bench_limits()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
