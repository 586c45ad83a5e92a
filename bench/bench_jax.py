#!/usr/bin/env python3
"""JAX benchmark: alkahest's to_jax primitive against the same function written in jax.numpy.

    PYTHONPATH=python .venv/bin/python bench/bench_jax.py [--n 1000000] [--reps 15] [--json out.json]

For the workloads W1-W5 of bench_eval.py (float64, x64 enabled, x = linspace(0, 2*pi),
y = linspace(1, 2)) it times, in interleaved rounds (best of --reps):
    jit      jax.jit(to_jax(e, vars)) vs jax.jit of the hand-written jnp function: both become
             StableHLO that XLA compiles and fuses (goal: within 1.1x of each other);
    grad     jax.jit(jax.grad(sum of f)) for both (the primitive's JVP is its symbolic gradient);
    eager    to_jax(e)(x, y) called eagerly (the C++ evaluator, through DLPack) vs
             numpy_eval(compile_expr(e), x, y) on NumPy arrays (goal: within 1.2x); both with
             numpy_eval's default threads (all cores).
XLA's CPU thread pool is limited to one thread through XLA_FLAGS unless XLA_FLAGS is already set,
so the jit and grad numbers are single-threaded.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import time

os.environ.setdefault("XLA_FLAGS", "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1")

import numpy as np  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402

jax.config.update("jax_enable_x64", True)

import alkahest as ak  # noqa: E402

C8 = [3.0, 2.5, 1.25, 0.75, 0.5, 0.25, 0.125, 0.0625, 0.03125]


def workloads(m):
    """name -> function of (x, y) in namespace m (alkahest or jnp), and whether it uses y."""
    return {
        "W1": (lambda x, y: m.sin(x) ** 2 + x, False),
        "W2": (lambda x, y: sum(C8[k] * x ** k for k in range(9)), False),
        "W3": (lambda x, y: m.exp(-x * x / 2) * m.cos(3 * x) + m.sqrt(1 + x * x), False),
        "W4": (lambda x, y: x * y + m.sin(x * y) + m.log(1 + y * y), True),
        "W5": (lambda x, y: sum(m.sin(k * x) * m.exp(-k * x / 100) / k for k in range(1, 51)), False),
    }


def best(fns, reps):
    """Interleaved rounds: {name: best seconds}."""
    times = {k: [] for k in fns}
    for fn in fns.values():
        jax.block_until_ready(fn())  # warm-up and compile
    for _ in range(reps):
        for k, fn in fns.items():
            t0 = time.perf_counter()
            jax.block_until_ready(fn())
            times[k].append(time.perf_counter() - t0)
    return {k: min(v) for k, v in times.items()}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=1_000_000)
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--json", metavar="PATH")
    args = ap.parse_args(argv)

    xs_np = np.linspace(0, 2 * math.pi, args.n)
    ys_np = np.linspace(1, 2, args.n)
    xs, ys = jnp.asarray(xs_np), jnp.asarray(ys_np)
    results = {}
    print(f"bench_jax: n={args.n}, jax {jax.__version__}, x64, one thread; times in ms (best of {args.reps})")
    print(f"{'workload':<9}{'jit alk':>10}{'jit jnp':>10}{'ratio':>8}{'grad alk':>10}{'grad jnp':>10}{'ratio':>8}"
          f"{'eager alk':>11}{'numpy_eval':>11}{'ratio':>8}")
    for name, (fa, uses_y) in workloads(ak).items():
        pool = ak.ExprPool()
        x, y = pool.symbols("x y")
        vars_ = [x, y] if uses_y else [x]
        ins = (xs, ys) if uses_y else (xs,)
        ins_np = (xs_np, ys_np) if uses_y else (xs_np,)
        prim = ak.to_jax(fa(x, y), vars_, name=f"alk_{name}")
        fj = workloads(jnp)[name][0]
        ref = (lambda a, b: fj(a, b)) if uses_y else (lambda a: fj(a, None))
        jit_alk, jit_ref = jax.jit(prim), jax.jit(ref)
        g_alk = jax.jit(jax.grad(lambda *a: prim(*a).sum()))
        g_ref = jax.jit(jax.grad(lambda *a: ref(*a).sum()))
        compiled = ak.compile_expr(fa(x, y), vars_)
        t = best({
            "jit_alk": lambda: jit_alk(*ins), "jit_jnp": lambda: jit_ref(*ins),
            "grad_alk": lambda: g_alk(*ins), "grad_jnp": lambda: g_ref(*ins),
            "eager_alk": lambda: prim(*ins), "numpy_eval": lambda: ak.numpy_eval(compiled, *ins_np),
        }, args.reps)
        err = float(np.max(np.abs(np.asarray(jit_alk(*ins)) - np.asarray(jit_ref(*ins)))))
        scale = float(np.max(np.abs(np.asarray(jit_ref(*ins)))))
        ms = {k: v * 1e3 for k, v in t.items()}
        row = dict(ms, jit_ratio=ms["jit_alk"] / ms["jit_jnp"], grad_ratio=ms["grad_alk"] / ms["grad_jnp"],
                   eager_ratio=ms["eager_alk"] / ms["numpy_eval"], max_rel_diff=err / scale)
        results[name] = row
        print(f"{name:<9}{ms['jit_alk']:>10.3f}{ms['jit_jnp']:>10.3f}{row['jit_ratio']:>8.2f}"
              f"{ms['grad_alk']:>10.3f}{ms['grad_jnp']:>10.3f}{row['grad_ratio']:>8.2f}"
              f"{ms['eager_alk']:>11.3f}{ms['numpy_eval']:>11.3f}{row['eager_ratio']:>8.2f}")
    geo = {k: math.exp(sum(math.log(r[k]) for r in results.values()) / len(results))
           for k in ("jit_ratio", "grad_ratio", "eager_ratio")}
    print(f"{'geomean':<9}{'':>20}{geo['jit_ratio']:>8.2f}{'':>20}{geo['grad_ratio']:>8.2f}{'':>22}{geo['eager_ratio']:>8.2f}")
    print("ratios: alkahest / reference time (< 1: alkahest faster); goals: jit within 1.1x, eager within 1.2x")
    worst = max(r["max_rel_diff"] for r in results.values())
    print(f"largest normwise difference between jit(to_jax) and jit(jnp): {worst:.1e}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"n": args.n, "results": results, "geomean": geo}, fh, indent=1)
        print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
