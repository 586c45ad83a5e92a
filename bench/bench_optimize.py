#!/usr/bin/env python3
"""The e-graph optimizer: operation counts and evaluation time with compile_expr(..., optimize=...).

For each case, the Program compiled three ways (optimize=False, True ("exact"), "fast"):
operations (instructions other than inputs and constants), the weighted cost the optimizer
minimizes (+ - * 1, / sqrt 4, pow and function calls 16), the time the optimizer took, and the
evaluation time at n points (single thread, best of --rounds interleaved rounds, so that background
load is spread over the three), plus how far each result is from the unoptimized one (exact must be
0: bit for bit; fast: max |difference| / max |value|).

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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import alkahest as alk  # noqa: E402
from bench_eval import WORKLOADS, cpu_name, random_expr  # noqa: E402

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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--tier", default="llvm" if alk._core._jit_available() else "interp")
    ap.add_argument("--json")
    ap.add_argument("--markdown", action="store_true", help="print the table as markdown")
    args = ap.parse_args()
    xs = np.linspace(0, 2 * np.pi, args.n)
    ys = np.linspace(1, 2, args.n)
    rows = []
    for name, exprs, vs in cases():
        fs = {}
        for mode, arg in MODES:
            t0 = time.perf_counter()
            f = alk.compile_expr(exprs, vs, backend=args.tier, optimize=arg)
            fs[mode] = (f, time.perf_counter() - t0)
        inputs = [xs, ys][: len(vs)]
        ref = alk.numpy_eval(fs["off"][0], *inputs, threads=1)
        vals = {m: alk.numpy_eval(f, *inputs, threads=1) for m, (f, _) in fs.items()}
        best = {m: float("inf") for m in fs}
        gc.disable()
        for _ in range(args.rounds):
            for m, (f, _) in fs.items():
                t0 = time.perf_counter()
                alk.numpy_eval(f, *inputs, threads=1)
                best[m] = min(best[m], time.perf_counter() - t0)
        gc.enable()
        scale = float(np.max(np.abs(ref[np.isfinite(ref)]))) if np.isfinite(ref).any() else 1.0
        row = {"case": name, "outputs": len(exprs), "finite": float(np.isfinite(ref).mean())}
        for m, (f, ct) in fs.items():
            rep = f.optimize_report or {}
            diff = vals[m] - ref
            with np.errstate(invalid="ignore"):
                nan = np.isnan(ref)  # NaN payloads are not promised, NaN is
                same = (np.array_equal(nan, np.isnan(vals[m]))
                        and np.array_equal(vals[m][~nan].view(np.uint64), ref[~nan].view(np.uint64)))
                rel = float(np.nanmax(np.abs(diff))) / scale if np.isfinite(diff).any() else 0.0
            row[m] = {"ops": ops_of(f), "cost": rep.get("cost_after"), "applied": rep.get("applied"),
                      "stop": rep.get("stop"), "opt_seconds": rep.get("seconds"), "compile_seconds": ct,
                      "eval_seconds": best[m], "bit_identical": bool(same), "rel_diff": rel,
                      "value_changing": rep.get("value_changing")}
        rows.append(row)
        print(f"{name:10s} ops {row['off']['ops']:5d} -> exact {row['exact']['ops']:5d} fast {row['fast']['ops']:5d}"
              f" | eval ms off {1e3 * best['off']:7.2f} exact {1e3 * best['exact']:7.2f} fast {1e3 * best['fast']:7.2f}"
              f" | exact bit-identical {row['exact']['bit_identical']}, fast rel {row['fast']['rel_diff']:.1e}"
              f" | stop {row['exact']['stop']}/{row['fast']['stop']}", flush=True)
    meta = {"cpu": cpu_name(), "machine": platform.machine(), "n": args.n, "rounds": args.rounds, "tier": args.tier,
            "isa": alk._core._isa()}
    if args.markdown:
        print()
        print(f"{meta['cpu']}, tier {args.tier} ({meta['isa']}), n = {args.n}, best of {args.rounds}, one thread")
        print()
        print("| case | ops off | ops exact | ops fast | time exact/off | time fast/off | opt. time exact / fast (ms) | fast max rel. diff |")
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for r in rows:
            o, e, f = r["off"], r["exact"], r["fast"]
            print(f"| {r['case']} | {o['ops']} | {e['ops']} | {f['ops']} | {e['eval_seconds'] / o['eval_seconds']:.2f} | "
                  f"{f['eval_seconds'] / o['eval_seconds']:.2f} | {1e3 * e['opt_seconds']:.1f} / {1e3 * f['opt_seconds']:.1f} | "
                  f"{f['rel_diff']:.1e} |")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"meta": meta, "rows": rows}, fh, indent=1)
    bad = [r["case"] for r in rows if not r["exact"]["bit_identical"] and not r["exact"]["value_changing"]]
    if bad:
        print("exact mode changed bits on:", ", ".join(bad))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
