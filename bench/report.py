#!/usr/bin/env python3
"""Chart and markdown tables from the benchmark JSON (for docs/benchmarks.md).

    .venv/bin/python bench/report.py [EVAL_JSON [CHART_PNG]] [--kernel KERNEL_JSON]

EVAL_JSON (default build/bench_eval.json) is what `bench/bench_eval.py --json` writes. CHART_PNG
(default docs/bench_eval.png) receives a grouped bar chart of the time per workload per library
(log scale), titled with the machine's CPU. The markdown tables (times in ms, ratios, goals, threads,
scalar calls, compile latency, notes) go to stdout. KERNEL_JSON (default build/bench_kernel.json,
used only when present) is what `bench/bench_kernel.py --json` writes; its tables are printed too.
Needs matplotlib (pinned in requirements-dev.txt) for the chart; without it only the tables are printed.
Needs no alkahest import.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALK_TIERS = ("alkahest", "alk-interp", "alk-llvm")
ALK_OTHER = ("alk out=", "alk-high")  # alkahest columns that are not peers (out=, accuracy="high")


def fmt_ms(v):
    if v is None:
        return "-"
    return f"{v:.3f}" if v < 1 else f"{v:.2f}" if v < 100 else f"{v:.1f}"


def fmt_x(v):
    return "-" if v is None else f"{v:.2f}"


def table(header, rows):
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(out)


def libraries(data):
    libs = list(data.get("libraries") or [])
    for r in data["workloads"].values():
        for lib in r["best_ms"]:
            if lib not in libs:
                libs.append(lib)
    return libs


def machine_line(meta):
    parts = [meta.get("cpu") or "unknown CPU"]
    if meta.get("cores"):
        parts.append(f"{meta['cores']} cores")
    if meta.get("isa"):
        parts.append(f"alkahest vector math: {meta['isa']}")
    return ", ".join(parts)


def chart(data, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        print(f"report: no chart ({e}); pip install -r requirements-dev.txt", file=sys.stderr)
        return False
    meta = data.get("meta", {})
    works = list(data["workloads"])
    libs = libraries(data)
    cmap = plt.get_cmap("tab20")
    fig, ax = plt.subplots(figsize=(max(9.0, 1.9 * len(works) + 0.25 * len(libs)), 5.2), dpi=120)
    width = 0.85 / len(libs)
    for i, lib in enumerate(libs):
        xs, hs = [], []
        for j, w in enumerate(works):
            v = data["workloads"][w]["best_ms"].get(lib)
            if v is not None:
                xs.append(j - 0.425 + (i + 0.5) * width)
                hs.append(v)
        ours = lib in ALK_TIERS or lib in ALK_OTHER
        ax.bar(xs, hs, width, label=lib, color=cmap(i % 20), edgecolor="black" if ours else "none",
               linewidth=0.6 if ours else 0)
    ax.set_yscale("log")
    ax.set_xticks(range(len(works)))
    ax.set_xticklabels([f"{w}\n{data['workloads'][w].get('desc', '')}" for w in works], fontsize=7)
    ax.set_ylabel("time per call, ms (log scale; lower is better)")
    n = meta.get("n")
    ax.set_title(f"Compiled evaluation, {n:,} float64 points, 1 thread\n{machine_line(meta)}"
                 if n else f"Compiled evaluation, 1 thread\n{machine_line(meta)}", fontsize=10)
    ax.grid(axis="y", which="both", alpha=0.3)
    ax.set_axisbelow(True)
    ax.legend(fontsize=7, ncol=min(6, len(libs)), loc="upper left", frameon=False)
    lo = min(v for r in data["workloads"].values() for v in r["best_ms"].values())
    hi = max(v for r in data["workloads"].values() for v in r["best_ms"].values())
    ax.set_ylim(lo / 2, hi * 12)  # room for the legend above the bars
    fig.tight_layout()
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    fig.savefig(path)
    plt.close(fig)
    return True


def eval_tables(data):
    meta = data.get("meta", {})
    res = data["workloads"]
    works = list(res)
    libs = libraries(data)
    out = [f"## Compiled evaluation (bench_eval.py{' --quick' if meta.get('quick') else ''}, "
           f"n = {meta.get('n'):,}, one thread)", "",
           f"Machine: {machine_line(meta)}. LLVM tier: {meta.get('jit') or 'n/a'}.", ""]

    out += ["Time, ms (best over rounds):", ""]
    out.append(table(["workload"] + libs, [[w] + [fmt_ms(res[w]["best_ms"].get(lib)) for lib in libs]
                                           for w in works]))

    peers = [lib for lib in libs if lib not in ALK_TIERS and lib != "alk-high"]
    rows = []
    for w in works:
        r = res[w]
        best = r.get("best_alkahest") or {}
        base = best.get("ms") or min(r["best_ms"][c] for c in ALK_TIERS if c in r["best_ms"])
        rows.append([w, best.get("lib", "?")] + [fmt_x(r["best_ms"][lib] / base) if lib in r["best_ms"] else "-"
                                                 for lib in peers])
    gm = data.get("geomean_peer_over_best_alkahest") or {}
    rows.append(["geomean", ""] + [fmt_x(gm.get(lib)) for lib in peers])
    out += ["", "Peer time / best alkahest tier time (> 1: alkahest faster):", "",
            table(["workload", "best tier"] + peers, rows)]

    goals = data.get("goals") or {}
    tg = goals.get("tiers") or {}
    if tg and all("out_over_sleef_c" in g for g in tg.values()):
        cols = list(tg)
        rows = [[w] + [fmt_x(tg[c]["out_over_sleef_c"].get(w)) for c in cols] for w in works]
        rows.append(["geomean"] + [fmt_x(tg[c]["out_over_sleef_c_geomean"]) for c in cols])
        rows.append(["goal"] + ["met" if tg[c]["sleef_c_goal_met"] else "not met" for c in cols])
        out += ["", f"alkahest tier (with out=) / sleef-C, time (goal: within {goals.get('sleef_c_within')}x "
                "on every workload):", "", table(["workload"] + cols, rows)]
    if tg:
        cols = list(tg)
        rows = [[w] + [fmt_x(tg[c]["numpy_over_tier"].get(w)) for c in cols] for w in works]
        rows.append(["geomean"] + [fmt_x(tg[c]["numpy_over_tier_geomean"]) for c in cols])
        rows.append(["goal"] + ["met" if tg[c]["numpy_goal_met"] else "not met" for c in cols])
        out += ["", f"NumPy time / alkahest tier time (goal: geomean >= {goals.get('numpy_geomean_at_least')}x):",
                "", table(["workload"] + cols, rows)]

    ours = [k for k in res[works[0]]["rel_vs_numpy"] if k.startswith("alk") and k != "alk-pypi"]
    worst = max((r["rel_vs_numpy"][k] for r in res.values() for k in ours if k in r["rel_vs_numpy"]), default=None)
    if worst is not None:
        others = {lib: max(r["rel_vs_numpy"].get(lib, 0.0) for r in res.values())
                  for lib in libs if lib != "numpy" and not (lib.startswith("alk") and lib != "alk-pypi")}
        out += ["", f"All alkahest results (every tier, with and without out=) are within {worst:.1e} (normwise) "
                "of NumPy's; peers: " + ", ".join(f"{k} {v:.1e}" for k, v in others.items()) + "."]

    threads = data.get("threads")
    if threads:
        rows = [[col, w, fmt_ms(t["t1_ms"]), fmt_ms(t["t2_ms"]), fmt_x(t["speedup"])]
                for col, per in threads.items() for w, t in per.items()]
        pypi = ("; alk-pypi: numpy_eval vs numpy_eval_par with RAYON_NUM_THREADS=2, allocating"
                if "alk-pypi" in threads else "")
        out += ["", f"Threads, ms (numpy_eval threads=1 vs 2, out= preallocated{pypi}):", "",
                table(["tier", "workload", "1 thread", "2 threads", "speedup"], rows)]

    scalar = data.get("scalar_ns")
    if scalar:
        out += ["", "Scalar call, W1 over [x], ns per call:", "",
                table(["call", "ns"], [[k, f"{v:.0f}"] for k, v in scalar.items()])]

    comp = data.get("compile")
    if comp:
        cols = []
        for row in comp.values():
            for k in row:
                if k.endswith("_us") and k not in cols:
                    cols.append(k)
        rows = []
        for tgt, row in comp.items():
            cells = []
            for k in cols:
                v = row.get(k)
                s = "-" if v is None else f"{v:,.0f}"
                if k == "alk-llvm_us" and v is not None and row.get("alk-llvm_fresh") is not True:
                    s += " (not verified fresh)"
                cells.append(s)
            rows.append([tgt, row.get("nodes")] + cells)
        out += ["", "compile_expr latency, µs (best of several; a fresh expression per repetition):", "",
                table(["target", "nodes"] + [k[:-3] for k in cols], rows)]

    notes = data.get("notes") or []
    if notes:
        out += ["", "Notes:", ""] + [f"- {n}" for n in notes]
    return "\n".join(out)


def kernel_tables(kdata):
    out = ["## Kernel: build + differentiate + print (bench_kernel.py)", ""]
    rows = []
    for entry in kdata.get("sizes", []):
        libs = entry.get("libraries") or {}
        for name, r in libs.items():
            best = r.get("best") or {}
            ratio = r.get("ratio_vs_alkahest") or {}
            rows.append([entry.get("target"), name] +
                        [fmt_ms(best.get(p)) for p in ("build", "diff", "print", "total")] +
                        ["" if name == "alkahest" else fmt_x(ratio.get("total"))])
    out.append(table(["target nodes", "library", "build ms", "diff ms", "print ms", "total ms",
                      "total / alkahest"], rows))
    return "\n".join(out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("json", nargs="?", default=os.path.join(ROOT, "build", "bench_eval.json"),
                    help="bench_eval.py --json output (default build/bench_eval.json)")
    ap.add_argument("png", nargs="?", default=os.path.join(ROOT, "docs", "bench_eval.png"),
                    help="chart to write (default docs/bench_eval.png)")
    ap.add_argument("--kernel", default=os.path.join(ROOT, "build", "bench_kernel.json"),
                    help="bench_kernel.py --json output, used when it exists (default build/bench_kernel.json)")
    args = ap.parse_args(argv)
    with open(args.json) as fh:
        data = json.load(fh)
    if chart(data, args.png):
        print(f"<!-- chart written to {args.png} -->\n")
    print(eval_tables(data))
    if args.kernel and os.path.exists(args.kernel):
        with open(args.kernel) as fh:
            print("\n" + kernel_tables(json.load(fh)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
