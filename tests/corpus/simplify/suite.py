"""make simplify-suite: alkahest's simplify against SymPy's on the corpus.

For every entry: alkahest's simplify (time, cost) and SymPy's simplify of the same expression
(to_sympy with real symbols and the assumptions; time, and cost measured the same way: alkahest's
op_count after from_sympy); whether alkahest's result equals the input (numerically at random points
inside the assumptions, and by SymPy: simplify(input - result) == 0 within a time limit). Writes
SymPy's answers to tests/corpus/simplify/sympy_results.json (read by tests/python/
test_simplify_corpus.py, so make test needs no SymPy run) and prints the summary.

    PYTHONPATH=python .venv/bin/python tests/corpus/simplify/suite.py [--timeout S] [--no-sympy-check]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import sympy  # noqa: E402

import corpus  # noqa: E402
from alkahest import from_sympy, op_count, simplify, to_sympy  # noqa: E402


class Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise Timeout()


def limited(fn, seconds):
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        return fn()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def sympy_cost(sres, pool):
    """alkahest's op_count of SymPy's answer; functions alkahest lacks are written with those it has
    first (cot(x) = cos(x)/sin(x), ...). None when it still cannot be converted."""
    for candidate in (sres, sres.rewrite(sympy.cos) if sres.has(sympy.sec, sympy.csc, sympy.cot) else None):
        if candidate is None:
            continue
        try:
            return op_count(from_sympy(candidate, pool, constants="error")), str(candidate)
        except Exception:
            continue
    return None, str(sres)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds per SymPy simplify call")
    ap.add_argument("--no-sympy-check", action="store_true", help="skip SymPy's proof of equality")
    ap.add_argument("--out", default=os.path.join(corpus.HERE, "sympy_results.json"))
    args = ap.parse_args()

    entries = corpus.load()
    results = {}
    t_ak = t_sp = 0.0
    n_le = n_cmp = n_lt = n_num_ok = n_num_bad = n_num_none = n_sp_ok = n_sp_unknown = 0
    bad = []
    for i, entry in enumerate(entries):
        e, syms = corpus.build(entry)
        t0 = time.perf_counter()
        r = simplify(e)
        t_ak += time.perf_counter() - t0
        c_in, c_ak = op_count(e), op_count(r)
        ok = corpus.numerically_equal(e, r, syms)
        if ok is True:
            n_num_ok += 1
        elif ok is False:
            n_num_bad += 1
            bad.append((entry["id"], entry["expr"], str(r)))
        else:
            n_num_none += 1
        se = to_sympy(e, real=True)
        t0 = time.perf_counter()
        try:
            sres = limited(lambda: sympy.simplify(se), args.timeout)
            timed_out = False
        except Timeout:
            sres, timed_out = se, True
        except Exception:
            sres, timed_out = se, False
        t_sp += time.perf_counter() - t0
        c_sp, sp_text = sympy_cost(sres, e.pool)
        if c_sp is not None:
            n_cmp += 1
            n_le += c_ak <= c_sp
            n_lt += c_ak < c_sp
        if not args.no_sympy_check and ok is not False:
            try:
                d = limited(lambda: sympy.simplify(se - to_sympy(r, real=True)), min(args.timeout, 10.0))
                if d == 0:
                    n_sp_ok += 1
                else:
                    n_sp_unknown += 1
            except Exception:
                n_sp_unknown += 1
        results[entry["id"]] = {"sympy": sp_text, "sympy_cost": c_sp, "sympy_timed_out": timed_out,
                                "input_cost": c_in, "alkahest": str(r), "alkahest_cost": c_ak}
        print(f"[{i + 1}/{len(entries)}] {entry['id']}: {c_in} -> alkahest {c_ak}, sympy {c_sp}", file=sys.stderr)
    with open(args.out, "w") as f:
        json.dump(results, f, indent=1, sort_keys=True)
        f.write("\n")
    n = len(entries)
    print(f"corpus: {n} expressions ({sum(1 for e in entries if e['id'].startswith('sympy:'))} from SymPy's tests)")
    print(f"size: alkahest <= SymPy on {n_le}/{n_cmp} ({100.0 * n_le / max(n_cmp, 1):.1f}%), "
          f"strictly smaller on {n_lt}; {n - n_cmp} SymPy answers not convertible")
    print(f"equal to the input: numerically {n_num_ok}/{n} (unequal: {n_num_bad}, no finite point: {n_num_none})"
          + ("" if args.no_sympy_check else f"; proved by SymPy {n_sp_ok}, SymPy undecided {n_sp_unknown}"))
    print(f"time: alkahest {t_ak:.3f} s, SymPy {t_sp:.1f} s (x{t_sp / max(t_ak, 1e-9):.0f})")
    for b in bad:
        print("UNEQUAL:", *b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
