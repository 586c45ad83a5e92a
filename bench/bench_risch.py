#!/usr/bin/env python3
"""The Risch decision: alkahest's risch_decide (src/integrate/risch.cpp) vs SymPy's risch_integrate
on the integrands of tests/data/risch_oracle.json, in the same process.

    PYTHONPATH=python .venv/bin/python bench/bench_risch.py [--reps 5] [--sympy-timeout 20]

For each integrand: alkahest's time (best of --reps), SymPy's (once; stopped after --sympy-timeout
seconds), and whether both give the same verdict (elementary or not). Reports the totals and the
ratio SymPy / alkahest (> 1: alkahest faster); the CPU is named (lscpu).
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import time
from pathlib import Path

import alkahest as ak

ROOT = Path(__file__).resolve().parent.parent


class _Timeout(Exception):
    pass


def _alarm(signum, frame):  # noqa: ARG001
    raise _Timeout


def cpu() -> str:
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=False).stdout
        for line in out.splitlines():
            if line.startswith("Model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--sympy-timeout", type=int, default=20)
    args = ap.parse_args()
    import sympy as sp
    from sympy.integrals.risch import NonElementaryIntegral, risch_integrate

    cases = json.loads((ROOT / "tests" / "data" / "risch_oracle.json").read_text())["cases"]
    pool = ak.ExprPool()
    x = pool.symbol("x")
    xs = sp.Symbol("x")
    t_ak = t_sp = 0.0
    agree = timeouts = 0
    signal.signal(signal.SIGALRM, _alarm)
    for case in cases:
        f = ak.parse(case["f"], pool, symbols=[x])
        best = float("inf")
        for _ in range(args.reps):
            t0 = time.perf_counter()
            verdict, _F, _why = ak._core.risch_decide(f, x)
            best = min(best, time.perf_counter() - t0)
        t_ak += best
        g = sp.sympify(case["f"], locals={"x": xs})
        t0 = time.perf_counter()
        signal.alarm(args.sympy_timeout)
        try:
            r = risch_integrate(g, xs)
            sv = "nonelementary" if r.has(NonElementaryIntegral) else "elementary"
        except _Timeout:
            sv = "timeout"
            timeouts += 1
        except NotImplementedError:
            sv = "undecided"
        finally:
            signal.alarm(0)
        t_sp += time.perf_counter() - t0
        agree += sv == verdict
    print(f"CPU: {cpu()}; {len(cases)} integrands (tests/data/risch_oracle.json)")
    print(f"alkahest risch_decide: {t_ak:.3f} s in all (best of {args.reps}); SymPy risch_integrate: {t_sp:.1f} s"
          f" ({timeouts} stopped at {args.sympy_timeout} s)")
    print(f"ratio SymPy / alkahest: {t_sp / t_ak:.0f}x; same verdict: {agree}/{len(cases)}")


if __name__ == "__main__":
    main()
