#!/usr/bin/env python3
"""Polynomial benchmarks: alkahest's FLINT layer vs SymPy, SymEngine and python-flint.

    PYTHONPATH=python .venv/bin/python bench/bench_poly.py [--json out.json] [--sympy-timeout 120]

Workloads (the same problem for every library; every result is checked against python-flint's):
    expand2      e = (x + y + z + w)**15; expand(e*(e + w))            (SymEngine's benchmark)
    fateman      f = (1 + x + y + z + t)**20; expand(f*(f + 1))        (135,751 terms)
    factor_mv    factor of an expanded product of three random dense polynomials in x, y, z
    gcd_mv       gcd of two expanded products sharing one such factor
    factor_uni   factor of an expanded product of random dense univariate polynomials (degree 150)

What is timed (time.perf_counter, garbage collector off, best of --reps or more (until a second
is spent), alkahest and python-flint alternating twice; SymPy once). alkahest and python-flint
are timed twice over: each call after gc.collect() (cold caches: the main columns) and as timeit
does, without a collection between calls (warm caches: a column of its own).
    alkahest     the public function on an Expr: conversion to FLINT, FLINT, and the result built
                 back as an Expr of the pool, all included (expand2/fateman: from the unexpanded
                 Expr, a fresh ExprPool each repetition)
    SymEngine    symengine.expand on its own expression (it has no factor or multivariate gcd), in a
                 forked process stopped after --symengine-timeout seconds (then a lower bound ">")
    SymPy        sympy.expand/factor/gcd in a forked process, stopped after --sympy-timeout seconds
                 (then reported as a lower bound ">")
    python-flint raw FLINT 3 from Python on prebuilt fmpz_mpoly/fmpz_poly objects, one thread: the
                 product f*(f + w) (the power prebuilt), .factor(), .gcd(); in lex (its default)
                 and in degrevlex, each workload's faster order kept (expand2's dense product
                 takes half the time in degrevlex; the table names the order)
Ratios are peer time / alkahest time (> 1: alkahest faster), and alkahest / python-flint.
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


SKIP: set[str] = set()  # --skip: workloads left out for every library


COLLECT = [True]  # gc.collect() before each call (cold caches); False: as timeit does (warm)


def best_of(fn, reps, budget=1.0):
    """Best time of fn over at least `reps` calls, and more (up to 1000) while the calls so far
    took less than `budget` seconds: a millisecond workload gets hundreds of samples, so its best
    is not the luck of a few on a shared machine."""
    times = []
    out = None
    while len(times) < reps or (sum(times) < budget and len(times) < 1000):
        if COLLECT[0]:
            gc.collect()
        gc.disable()
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
        gc.enable()
    return min(times), out


def dense(rng, gens, deg, bits):
    """A dense random polynomial (as a list of (exponents, coefficient)) of total degree deg."""
    terms = []

    def rec(prefix, left):
        if len(prefix) == len(gens):
            c = rng.randrange(-(2**bits), 2**bits)
            if c:
                terms.append((tuple(prefix), c))
            return
        for k in range(left + 1):
            rec(prefix + [k], left - k)

    rec([], deg)
    return terms


# ---- the problems, built in each library ------------------------------------------------------

def problems(seed):
    rng = random.Random(seed)
    mv = [dense(rng, "xyz", d, 20) for d in (4, 4, 3)]
    uni = [dense(rng, "x", d, 10) for d in (40, 50, 60)]
    return {"mv": mv, "uni": uni}


def to_expr(terms, gens, one):
    e = one * 0
    for exps, c in terms:
        t = one * c
        for g, k in zip(gens, exps):
            t = t * g**k
        e = e + t
    return e


def alkahest_runs(reps, data):
    import alkahest as ak

    out = {}

    def expand2():
        p = ak.ExprPool()
        x, y, z, w = p.symbols("x y z w")
        e = (x + y + z + w) ** 15
        return ak.expand(e * (e + w))

    t, r = best_of(expand2, reps)
    out["expand2"] = (t, len(r.node().args))

    def fateman():
        p = ak.ExprPool()
        x, y, z, t_ = p.symbols("x y z t")
        f = (1 + x + y + z + t_) ** 20
        return ak.expand(f * (f + 1))

    if "fateman" not in SKIP:
        t, r = best_of(fateman, max(1, reps // 2))
        out["fateman"] = (t, len(r.node().args))

    p = ak.ExprPool()
    x, y, z = p.symbols("x y z")
    one = p.integer(1)
    f1, f2, f3 = (ak.expand(to_expr(f, (x, y, z), one)) for f in data["mv"])
    prod = ak.expand(f1 * f2 * f3)
    t, r = best_of(lambda: ak.factor_list(prod), reps)
    out["factor_mv"] = (t, len(r[1]))
    a, b = ak.expand(f1 * f2), ak.expand(f1 * f3)
    t, r = best_of(lambda: ak.gcd(a, b), reps)
    out["gcd_mv"] = (t, len(r.node().args))
    u = ak.expand(to_expr(data["uni"][0], (x,), one) * to_expr(data["uni"][1], (x,), one)
                  * to_expr(data["uni"][2], (x,), one))
    t, r = best_of(lambda: ak.factor_list(u), reps)
    out["factor_uni"] = (t, len(r[1]))
    return out


def _symengine_one(name, reps, q):
    import symengine as se

    x, y, z, w, t_ = se.symbols("x y z w t")
    if name == "expand2":
        def run():
            e = (x + y + z + w) ** 15
            return se.expand(e * (e + w))
    else:
        def run():
            f = (1 + x + y + z + t_) ** 20
            return se.expand(f * (f + 1))
    t, r = best_of(run, reps)
    q.put((t, len(r.args)))


def symengine_runs(reps, timeout):
    """SymEngine's expand in a forked process per workload, stopped after `timeout` seconds (then
    (None, elapsed): a lower bound). It has no multivariate factor or gcd."""
    import symengine as se

    out = {}
    ctx = multiprocessing.get_context("fork")
    for name in ("expand2", "fateman"):
        if name in SKIP:
            continue
        q = ctx.Queue()
        p = ctx.Process(target=_symengine_one, args=(name, reps if name == "expand2" else max(1, reps // 2), q))
        start = time.perf_counter()
        p.start()
        p.join(timeout)
        if p.is_alive():
            p.terminate()
            p.join()
            out[name] = (None, time.perf_counter() - start)
        else:
            out[name] = q.get()
        print(f"  symengine {name}: {out[name]}", file=sys.stderr, flush=True)
    return out, se.__version__


FLINT_ORDERS = ("lex", "degrevlex")


def flint_runs(reps, data, order):
    """python-flint's times in one monomial order (its default is lex; FLINT's dense product is
    twice as fast on expand2 in degrevlex, so the table keeps each workload's faster order)."""
    import flint

    out = {}
    ctx = flint.fmpz_mpoly_ctx.get(("x", "y", "z", "w"), order)
    x, y, z, w = ctx.gens()
    e = (x + y + z + w) ** 15
    t, r = best_of(lambda: e * (e + w), reps)
    out["expand2"] = (t, len(r))
    ctx5 = flint.fmpz_mpoly_ctx.get(("x", "y", "z", "t"), order)
    x5, y5, z5, t5 = ctx5.gens()
    f = (1 + x5 + y5 + z5 + t5) ** 20
    if "fateman" not in SKIP:
        t, r = best_of(lambda: f * (f + 1), max(1, reps // 2))
        out["fateman"] = (t, len(r))
    ctx3 = flint.fmpz_mpoly_ctx.get(("x", "y", "z"), order)
    g3 = ctx3.gens()

    def mp(terms):
        return ctx3.from_dict({exps: c for exps, c in terms})

    f1, f2, f3 = (mp(t_) for t_ in data["mv"])
    prod = f1 * f2 * f3
    t, r = best_of(lambda: prod.factor(), reps)
    out["factor_mv"] = (t, len(r[1]))
    a, b = f1 * f2, f1 * f3
    t, r = best_of(lambda: a.gcd(b), reps)
    out["gcd_mv"] = (t, len(r))

    def up(terms):
        cs = [0] * (max(e[0] for e, _ in terms) + 1)
        for (k,), c in terms:
            cs[k] = c
        return flint.fmpz_poly(cs)

    if order == FLINT_ORDERS[0]:  # fmpz_poly: no monomial order, timed once per round
        u = up(data["uni"][0]) * up(data["uni"][1]) * up(data["uni"][2])
        t, r = best_of(lambda: u.factor(), reps)
        out["factor_uni"] = (t, len(r[1]))
    del g3
    return out, flint.__version__, getattr(flint, "__FLINT_VERSION__", "?")


def _sympy_one(name, data, q):
    import sympy as sp

    x, y, z, w, t_ = sp.symbols("x y z w t")
    if name == "expand2":
        e = (x + y + z + w) ** 15
        t = time.perf_counter()
        r = sp.expand(e * (e + w))
        q.put((time.perf_counter() - t, len(r.args)))
        return
    if name == "fateman":
        f = (1 + x + y + z + t_) ** 20
        t = time.perf_counter()
        r = sp.expand(f * (f + 1))
        q.put((time.perf_counter() - t, len(r.args)))
        return
    one = sp.Integer(1)
    f1, f2, f3 = (sp.expand(to_expr(f, (x, y, z), one)) for f in data["mv"])
    if name == "factor_mv":
        p = sp.expand(f1 * f2 * f3)
        t = time.perf_counter()
        r = sp.factor_list(p)
        q.put((time.perf_counter() - t, len(r[1])))
    elif name == "gcd_mv":
        a, b = sp.expand(f1 * f2), sp.expand(f1 * f3)
        t = time.perf_counter()
        r = sp.gcd(a, b)
        q.put((time.perf_counter() - t, len(r.args)))
    elif name == "factor_uni":
        u = sp.expand(to_expr(data["uni"][0], (x,), one) * to_expr(data["uni"][1], (x,), one)
                      * to_expr(data["uni"][2], (x,), one))
        t = time.perf_counter()
        r = sp.factor_list(u)
        q.put((time.perf_counter() - t, len(r[1])))


def sympy_runs(data, timeout):
    import sympy

    out = {}
    ctx = multiprocessing.get_context("fork")
    for name in ("expand2", "fateman", "factor_mv", "gcd_mv", "factor_uni"):
        if name in SKIP:
            continue
        q = ctx.Queue()
        p = ctx.Process(target=_sympy_one, args=(name, data, q))
        start = time.perf_counter()
        p.start()
        p.join(timeout)
        if p.is_alive():
            p.terminate()
            p.join()
            out[name] = (None, time.perf_counter() - start)
        else:
            out[name] = q.get()
        print(f"  sympy {name}: {out[name]}", file=sys.stderr, flush=True)
    return out, sympy.__version__


def chart(rows, title, path):
    """Grouped bars, time per workload per library (log scale); a bar for a peer stopped at its
    timeout is the lower bound, hatched."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as e:
        print(f"bench_poly: no chart ({e})", file=sys.stderr)
        return
    libs = [("alkahest", "alkahest_s", None), ("python-flint (faster order)", "flint_s", None),
            ("SymEngine", "symengine_s", "symengine_lower_s"), ("SymPy", "sympy_s", "sympy_lower_s")]
    fig, ax = plt.subplots(figsize=(9.5, 5.0), dpi=120)
    width = 0.8 / len(libs)
    for i, (lib, key, lower) in enumerate(libs):
        for j, r in enumerate(rows):
            v, hatch = r.get(key), None
            if v is None and lower and r.get(lower) is not None:
                v, hatch = r[lower], "//"
            if v is None:
                continue
            ax.bar(j - 0.4 + (i + 0.5) * width, v * 1e3, width, color=f"C{i}", hatch=hatch,
                   edgecolor="black" if lib == "alkahest" else "none", label=lib if j == 0 or hatch is None else None)
    handles, labels = ax.get_legend_handles_labels()
    seen = {}
    for h, lab in zip(handles, labels):
        seen.setdefault(lab, h)
    ax.legend(seen.values(), seen.keys(), fontsize=8, loc="upper left", frameon=False, ncol=4)
    ax.set_yscale("log")
    ax.set_xticks(range(len(rows)))
    ax.set_xticklabels([r["name"] for r in rows])
    ax.set_ylabel("time, ms (log scale; lower is better; hatched: stopped at the timeout)")
    ax.set_title(title, fontsize=9)
    ax.grid(axis="y", which="both", alpha=0.3)
    ax.set_axisbelow(True)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seed", type=int, default=16)
    ap.add_argument("--sympy-timeout", type=float, default=120.0)
    ap.add_argument("--symengine-timeout", type=float, default=900.0)
    ap.add_argument("--no-sympy", action="store_true")
    ap.add_argument("--skip", default="", help="comma-separated workloads to leave out (e.g. fateman)")
    ap.add_argument("--json")
    ap.add_argument("--chart", help="write a bar chart (PNG) of the times, e.g. docs/bench_poly.png")
    args = ap.parse_args()
    SKIP.update(x for x in args.skip.split(",") if x)
    data = problems(args.seed)
    cpu = subprocess.run(["bash", "-c", "lscpu | grep 'Model name' | cut -d: -f2"], capture_output=True,
                         text=True).stdout.strip()
    print(f"CPU: {cpu}; Python {platform.python_version()}", file=sys.stderr)
    # alkahest and python-flint alternate (twice each, best kept): a slow spell of the machine
    # does not fall on one of them only. Twice over: each call after a full garbage collection
    # (which walks every Python object and leaves the caches cold: the table's times), and as
    # timeit times (collector off, no collection between calls: caches warm from the last call).
    runs = {}
    by_order = {True: {}, False: {}}  # python-flint's best time per workload and order
    for collect in (True, False):
        COLLECT[0] = collect
        alk, fl = {}, {}
        for _ in range(2):
            runners = [(alk, None, lambda: alkahest_runs(args.reps, data))]
            runners += [(fl, o, lambda o=o: flint_runs(args.reps, data, o)) for o in FLINT_ORDERS]
            for res, order, run in runners:
                out = run()
                if isinstance(out, tuple):
                    out, fl_version, flint3 = out
                for name, (t, r) in out.items():
                    o = "univariate" if order is not None and name == "factor_uni" else order
                    if o is not None:
                        seen = by_order[collect].setdefault(name, {})
                        seen[o] = min(t, seen.get(o, t))
                    if name not in res or t < res[name][0]:
                        res[name] = (t, r) if o is None else (t, r, o)
        runs[collect] = (alk, fl)
        print(f"  alkahest done (gc.collect each call: {collect})", alk, file=sys.stderr, flush=True)
        print(f"  python-flint done (gc.collect each call: {collect})", fl, file=sys.stderr, flush=True)
    COLLECT[0] = True
    alk, fl = runs[True]
    warm_alk, warm_fl = runs[False]
    se, se_version = symengine_runs(args.reps, args.symengine_timeout)
    print("  symengine done", se, file=sys.stderr, flush=True)
    sy, sy_version = ({}, None) if args.no_sympy else sympy_runs(data, args.sympy_timeout)

    from alkahest import show_config  # noqa: F401  (the build that was measured)

    rows = []
    ok = True
    for name in ("expand2", "fateman", "factor_mv", "gcd_mv", "factor_uni"):
        if name in SKIP:
            continue
        ta, na = alk[name]
        tf, nf, forder = fl[name]
        if na != nf:
            ok = False
            print(f"MISMATCH {name}: alkahest {na} vs python-flint {nf}", file=sys.stderr)
        row = {"name": name, "alkahest_s": ta, "size": na, "flint_s": tf, "flint_order": forder,
               "warm_flint_order": warm_fl[name][2], "vs_flint": ta / tf,
               "flint_by_order_s": by_order[True][name], "warm_flint_by_order_s": by_order[False][name],
               "warm_alkahest_s": warm_alk[name][0], "warm_flint_s": warm_fl[name][0],
               "warm_vs_flint": warm_alk[name][0] / warm_fl[name][0]}
        if name in se:
            ts, ns = se[name]
            if ts is None:
                row["symengine_s"] = None
                row["symengine_lower_s"] = ns
                row["vs_symengine"] = f">{ns / ta:.0f}"
            else:
                row["symengine_s"] = ts
                row["vs_symengine"] = ts / ta
                if ns != na:
                    ok = False
                    print(f"MISMATCH {name}: symengine {ns} terms", file=sys.stderr)
        if name in sy:
            ts, ns = sy[name]
            if ts is None:
                row["sympy_s"] = None
                row["sympy_lower_s"] = ns
                row["vs_sympy"] = f">{ns / ta:.0f}"
            else:
                row["sympy_s"] = ts
                row["vs_sympy"] = ts / ta
        rows.append(row)

    def fmt(v):
        return "n/a" if v is None else (v if isinstance(v, str) else f"{v:.3g}")

    print(f"\nCPU: {cpu}. alkahest on FLINT (system), python-flint {fl_version} (FLINT {flint3}), "
          f"SymEngine {se_version}, SymPy {sy_version}")
    print("| benchmark | size | alkahest | python-flint (faster order) | alkahest / python-flint | same, warm caches | "
          "SymEngine / alkahest | SymPy / alkahest |")
    print("|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['name']} | {r['size']} | {r['alkahest_s'] * 1e3:.3g} ms | {r['flint_s'] * 1e3:.3g} ms "
              f"({r['flint_order']}) | "
              f"{r['vs_flint']:.2f} | {r['warm_vs_flint']:.2f} ({r['warm_alkahest_s'] * 1e3:.3g} / "
              f"{r['warm_flint_s'] * 1e3:.3g} ms) | {fmt(r.get('vs_symengine'))} | {fmt(r.get('vs_sympy'))} |")
    print("\npython-flint by monomial order (ms; cold / warm caches):")
    for r in rows:
        print(f"  {r['name']}: " + ", ".join(
            f"{o} {r['flint_by_order_s'][o] * 1e3:.3g} / {r['warm_flint_by_order_s'][o] * 1e3:.3g}"
            for o in (*FLINT_ORDERS, "univariate") if o in r['flint_by_order_s']))
    if args.chart:
        chart(rows, f"Polynomial algebra, one thread. CPU: {cpu}. python-flint {fl_version} (FLINT {flint3}), "
              f"SymEngine {se_version}, SymPy {sy_version}", args.chart)
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"cpu": cpu, "rows": rows, "versions": {"python-flint": fl_version, "flint3": flint3,
                                                              "symengine": se_version, "sympy": sy_version}},
                      fh, indent=1)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
