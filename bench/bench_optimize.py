#!/usr/bin/env python3
"""The e-graph optimizer: operation counts and evaluation time with compile_expr(..., optimize=...).

For each case, the Program compiled three ways (optimize=False, True ("exact"), "fast"):
operations (instructions other than inputs and constants), the weighted cost and critical path
the optimizer compares (+ - * 1, / sqrt 4, pow and function calls 16), the time the optimizer
took, and the evaluation time at n points on one thread (the calling thread's CPU time,
time.thread_time: time it spends preempted by other jobs does not count). Timing: --rounds
rounds, each evaluating the three Programs once, in alternating order (off exact fast, then fast
exact off), so that load on the machine falls on all three alike; the time ratios are the median
over the rounds of the per-round ratios, with their quartiles (a case is "slower" only when the
lower quartile of its ratio is above 1). Exact results must be bit for bit the unoptimized ones; fast results are
checked against the first-order running error bounds of both Programs (tests/python/
running_error.py): |fast - off| <= E_fast + E_off wherever both are finite, and a result that is
finite on one side only must come with an unoptimized result without a correct leading digit by
its own bound (E_off >= |off|) or a value of the unoptimized Program within 2**-8 of the overflow
threshold.

Cases
    W1..W5      the workloads of bench_eval.py, over x (and y)
    dW1..dW5    their gradients (one Program with d/dx and, for W4, d/dy)
    rand-N-S    random expressions of bench_eval.random_expr (N steps, seed S) with their gradient
                [e, de/dx, de/dy]: the "random derivatives"

    PYTHONPATH=python .venv/bin/python bench/bench_optimize.py [--n N] [--rounds R] [--tier llvm|interp]
                                                              [--json out.json] [--markdown]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "tests", "python"))
import alkahest as alk  # noqa: E402
from bench_eval import WORKLOADS, cpu_name, random_expr  # noqa: E402
from running_error import run_with_bound  # noqa: E402

OVERFLOW_NEAR = 2.0**1016  # 2**-8 of the largest finite double

MODES = [("off", False), ("exact", True), ("fast", "fast")]


def cases():
    out = []
    for name, (fn, _desc, names) in WORKLOADS.items():
        pool = alk.ExprPool()
        x, y = pool.symbols("x y")
        e = fn(x, y, alk)
        vs = [x, y] if "y" in names else [x]
        out.append((name, [e], vs))
        out.append(("d" + name, [e.diff(v) for v in vs], vs))
    # (random_expr's larger expressions overflow to inf/NaN almost everywhere on this box; these
    # seeds are finite on most of it)
    for steps, seed in ((40, 1), (40, 2), (80, 3), (80, 4), (160, 7)):
        pool = alk.ExprPool()
        x, y = pool.symbols("x y")
        e = random_expr(alk, x, y, steps, seed)
        out.append((f"rand-{steps}-{seed}", [e, e.diff(x), e.diff(y)], [x, y]))
    return out


def ops_of(f) -> int:
    n = 0
    for ln in f.program().splitlines()[1:]:
        if "=" in ln and not ln.strip().startswith("out") and ln.split("=", 1)[1].split()[0] not in ("input", "const"):
            n += 1
    return n


def quartiles(v):
    v = sorted(v)
    q = lambda p: v[int(round(p * (len(v) - 1)))]  # noqa: E731
    return q(0.25), q(0.5), q(0.75)


def accuracy(prog_off: str, prog_fast: str, vals_off, vals_fast, inputs):
    """(max |fast - off| / (E_fast + E_off) over points finite on both sides, finite on one side
    only, of those how many where the unoptimized result has a correct leading digit by its bound
    and no value near overflow)."""
    _, b_off, big = run_with_bound(prog_off, inputs)
    _, b_fast, _ = run_with_bound(prog_fast, inputs)
    big = big >= OVERFLOW_NEAR
    worst, flips, bad_flips = 0.0, 0, 0
    with np.errstate(all="ignore"):
        for k in range(vals_off.shape[1]):
            a, b = vals_off[:, k], vals_fast[:, k]
            both = np.isfinite(a) & np.isfinite(b) & np.isfinite(b_off[k]) & np.isfinite(b_fast[k])
            tol = b_off[k] + b_fast[k]
            d = np.abs(a - b)
            if both.any():
                r = np.where(both & (d > 0), d / np.where(tol > 0, tol, np.inf), 0.0)
                r = np.where(both & (d > 0) & (tol == 0), np.inf, r)
                worst = max(worst, float(np.max(r)))
            flip = np.isfinite(a) != np.isfinite(b)
            flips += int(flip.sum())
            trusted = np.isfinite(a) & (b_off[k] < np.abs(a)) & ~big  # a correct leading digit
            bad_flips += int((flip & trusted).sum())
    return worst, flips, bad_flips


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=41)
    ap.add_argument("--tier", default="llvm" if alk._core._jit_available() else "interp")
    ap.add_argument("--accuracy-points", type=int, default=20_000, help="points of the running-error check")
    ap.add_argument("--only", help="comma-separated case names")
    ap.add_argument("--json")
    ap.add_argument("--markdown", action="store_true", help="print the table as markdown")
    args = ap.parse_args()
    xs = np.linspace(0, 2 * np.pi, args.n)
    ys = np.linspace(1, 2, args.n)
    rows = []
    for name, exprs, vs in cases():
        if args.only and name not in args.only.split(","):
            continue
        fs = {}
        for mode, arg in MODES:
            t0 = time.perf_counter()
            f = alk.compile_expr(exprs, vs, backend=args.tier, optimize=arg)
            fs[mode] = (f, time.perf_counter() - t0)
        inputs = [xs, ys][: len(vs)]
        ref = alk.numpy_eval(fs["off"][0], *inputs, threads=1)
        vals = {m: alk.numpy_eval(f, *inputs, threads=1) for m, (f, _) in fs.items()}
        times = {m: [] for m in fs}
        gc.disable()
        order = list(fs)
        for r in range(args.rounds):
            for m in order if r % 2 == 0 else order[::-1]:
                t0 = time.thread_time()
                alk.numpy_eval(fs[m][0], *inputs, threads=1)
                times[m].append(time.thread_time() - t0)
        gc.enable()
        scale = float(np.max(np.abs(ref[np.isfinite(ref)]))) if np.isfinite(ref).any() else 1.0
        step = max(1, args.n // args.accuracy_points)
        sub = [v[::step] for v in inputs]
        acc = accuracy(fs["off"][0].program(), fs["fast"][0].program(), ref[::step], vals["fast"][::step], sub)
        row = {"case": name, "outputs": len(exprs), "finite": float(np.isfinite(ref).mean()),
               "fast_over_bound": acc[0], "fast_flips": acc[1], "fast_flips_not_near_overflow": acc[2]}
        for m, (f, ct) in fs.items():
            rep = f.optimize_report or {}
            diff = vals[m] - ref
            with np.errstate(invalid="ignore"):
                nan = np.isnan(ref)  # NaN payloads are not promised, NaN is
                same = (np.array_equal(nan, np.isnan(vals[m]))
                        and np.array_equal(vals[m][~nan].view(np.uint64), ref[~nan].view(np.uint64)))
                rel = float(np.nanmax(np.abs(diff))) / scale if np.isfinite(diff).any() else 0.0
            ratio = [a / b for a, b in zip(times[m], times["off"])]
            row[m] = {"ops": ops_of(f), "cost": rep.get("cost_after"), "depth": rep.get("depth_after"),
                      "applied": rep.get("applied"), "stop": rep.get("stop"), "opt_seconds": rep.get("seconds"),
                      "compile_seconds": ct, "eval_seconds": min(times[m]), "ratio_quartiles": quartiles(ratio),
                      "bit_identical": bool(same), "rel_diff": rel, "value_changing": rep.get("value_changing")}
        rows.append(row)
        qe, qf = row["exact"]["ratio_quartiles"], row["fast"]["ratio_quartiles"]
        print(f"{name:10s} ops {row['off']['ops']:5d} -> exact {row['exact']['ops']:5d} fast {row['fast']['ops']:5d}"
              f" | off {1e3 * min(times['off']):7.2f} ms, exact/off {qe[1]:.3f} [{qe[0]:.3f}, {qe[2]:.3f}]"
              f" fast/off {qf[1]:.3f} [{qf[0]:.3f}, {qf[2]:.3f}]"
              f" | opt ms {1e3 * row['exact']['opt_seconds']:.1f}/{1e3 * row['fast']['opt_seconds']:.1f}"
              f" | exact bit-identical {row['exact']['bit_identical']}, fast/bound {acc[0]:.2g} flips {acc[1]}"
              f" ({acc[2]} not near overflow) | stop {row['exact']['stop']}/{row['fast']['stop']}", flush=True)
    meta = {"cpu": cpu_name(), "machine": platform.machine(), "n": args.n, "rounds": args.rounds, "tier": args.tier,
            "isa": alk._core._isa()}
    if args.markdown:
        print()
        print(f"{meta['cpu']}, tier {args.tier} ({meta['isa']}), n = {args.n}, {args.rounds} interleaved rounds, "
              "one thread; time ratios: median [lower quartile, upper quartile] of the per-round ratios")
        print()
        print("| case | ops off / exact / fast | time exact/off | time fast/off | optimizer ms exact / fast "
              "(fast stop) | fast: max diff / bound | fast: finite on one side only |")
        print("|---|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            o, e, f = r["off"], r["exact"], r["fast"]
            qe, qf = e["ratio_quartiles"], f["ratio_quartiles"]
            print(f"| {r['case']} | {o['ops']} / {e['ops']} / {f['ops']} | {qe[1]:.2f} [{qe[0]:.2f}, {qe[2]:.2f}] | "
                  f"{qf[1]:.2f} [{qf[0]:.2f}, {qf[2]:.2f}] | {1e3 * e['opt_seconds']:.1f} / {1e3 * f['opt_seconds']:.1f} "
                  f"({f['stop']}) | {r['fast_over_bound']:.2g} | {r['fast_flips']} |")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"meta": meta, "rows": rows}, fh, indent=1)
    bad = [r["case"] for r in rows if not r["exact"]["bit_identical"] and not r["exact"]["value_changing"]]
    if bad:
        print("exact mode changed bits on:", ", ".join(bad))
        return 1
    over = [r["case"] for r in rows if r["fast_over_bound"] > 1 or r["fast_flips_not_near_overflow"]]
    if over:
        print("fast mode outside its running error bound on:", ", ".join(over))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
