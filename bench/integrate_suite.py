#!/usr/bin/env python3
"""The integration suite: textbook integrals (shared/corpora/integration/problems.jsonl, 1,164
problems from eleven calculus books) through alkahest.integrate, SymPy and the PyPI `alkahest`.

Every answer is judged by differentiation: F is right when dF/dx - integrand vanishes at random
points (complex evaluation, so answers with I or logs of negative numbers are judged too). An
answer that fails the check is WRONG; an answer that cannot be evaluated at enough points (a
function the checker cannot evaluate) is UNCHECKED, counted apart and not as solved; no answer (None, an unevaluated Integral, an error) is
UNEVALUATED; a problem that runs past --timeout is a TIMEOUT (its worker process is killed and
restarted, so a hang or a crash costs one problem, not the run).

Checkers: alkahest's answers are differentiated by alkahest (diff) and evaluated by its Arb
evaluator (N); SymPy's and the PyPI package's answers by SymPy (diff, evalf), in their own
processes. The PyPI `alkahest` shares our import name, so it runs from its own venv (--pypi-python,
made with `python3 -m venv /tmp/peer && /tmp/peer/bin/pip install alkahest sympy`).

    make integrate-suite                                   # alkahest on all, peers from the cache
    python bench/integrate_suite.py --systems sympy --sample 200 --timeout 20   # refresh a peer
    python bench/integrate_suite.py --class rational --limit 50 -v

Results are merged into --results (default bench/integrate_suite_results.json): each system's
entry is replaced by a new run of it; the report shows every system found there, side by side
(a sampled system is compared on its own sample: its counts say how many problems it ran).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import select
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "integration" / "problems.jsonl"
if not DEFAULT_CORPUS.exists():
    DEFAULT_CORPUS = Path("/work/shared/corpora/integration/problems.jsonl")
DEFAULT_RESULTS = ROOT / "bench" / "integrate_suite_results.json"
STATUSES = ("solved", "wrong", "unchecked", "unevaluated", "timeout")

# ----------------------------------------------------------------------------------------------
# Workers: one long-lived process per system reads a problem (JSON line) on stdin and writes its
# verdict (JSON line) on stdout.
# ----------------------------------------------------------------------------------------------

CHECK_POINTS = 6
CHECK_TRIES = 24


def _points(var, params, seed):
    """Random (x, params) assignments as exact fractions: x in (0.2, 2.2), params in (1.1, 3.1)."""
    from fractions import Fraction

    rng = random.Random(seed)
    for _ in range(CHECK_TRIES):
        pt = {var: Fraction(rng.randint(200, 2200), 1000)}
        for p in params:
            pt[p] = Fraction(rng.randint(1100, 3100), 1000)
        yield pt


def _close(a: complex, b: complex) -> bool:
    return abs(a - b) <= 1e-8 * (1.0 + abs(b))


def alkahest_worker() -> None:
    sys.path.insert(0, str(ROOT / "python"))
    import alkahest as ak
    import sympy  # parsing fallback only: rewrites functions the kernel's parser does not know

    def to_alkahest(text, pool):
        try:
            return ak.parse(text, pool)
        except Exception:
            pass
        e = sympy.sympify(text)
        rw = {
            sympy.sec: lambda a: 1 / sympy.cos(a), sympy.csc: lambda a: 1 / sympy.sin(a),
            sympy.cot: lambda a: sympy.cos(a) / sympy.sin(a), sympy.sech: lambda a: 1 / sympy.cosh(a),
            sympy.csch: lambda a: 1 / sympy.sinh(a), sympy.coth: lambda a: sympy.cosh(a) / sympy.sinh(a),
            sympy.acot: lambda a: sympy.atan(1 / a), sympy.asec: lambda a: sympy.acos(1 / a),
            sympy.acsc: lambda a: sympy.asin(1 / a),
            sympy.asinh: lambda a: sympy.log(a + sympy.sqrt(a**2 + 1)),
            sympy.acosh: lambda a: sympy.log(a + sympy.sqrt(a - 1) * sympy.sqrt(a + 1)),
            sympy.atanh: lambda a: (sympy.log(1 + a) - sympy.log(1 - a)) / 2,
        }
        for f, g in rw.items():
            if ak.__dict__.get(f.__name__) is None:
                e = e.replace(f, g)
        return ak.parse(str(e), pool)

    def check(F, f, x, params, seed):
        d = ak.diff(F, x)
        good = 0
        for pt in _points(x, params, seed):
            try:
                a = complex(ak.N(d, 30, subs=pt))
                b = complex(ak.N(f, 30, subs=pt))
            except Exception:
                continue
            if not _close(a, b):
                return "wrong", f"at {dict((str(k), str(v)) for k, v in pt.items())}: dF/dx={a} integrand={b}"
            good += 1
            if good >= CHECK_POINTS:
                return "solved", ""
        return ("solved", "") if good >= 2 else ("unchecked", f"only {good} points could be evaluated")

    integrate = getattr(ak, "integrate", None)
    for line in sys.stdin:
        prob = json.loads(line)
        out = {"status": "unevaluated", "time": 0.0}
        try:
            pool = ak.ExprPool()
            f = to_alkahest(prob["integrand"], pool)
            x = pool.symbol(prob["var"])
            params = sorted(f.free_symbols - {x}, key=str)
            if integrate is None:
                raise RuntimeError("alkahest has no integrate")
            t0 = time.perf_counter()
            F = integrate(f, x)
            out["time"] = time.perf_counter() - t0
            if F is not None and "Integral(" not in str(F):
                out["status"], out["note"] = check(F, f, x, params, prob["index"])
                out["answer"] = str(F)[:400]
            elif F is not None and getattr(ak, "is_elementary", None) and ak.is_elementary(F) is False:
                out["note"] = NONELEMENTARY_NOTE  # the Risch algorithm's proof: still unevaluated
        except Exception as exc:  # an error is no answer; the message says which
            out["note"] = f"{type(exc).__name__}: {exc}"[:300]
        print(json.dumps(out), flush=True)


def _sympy_check(sympy, F, f, x, params, seed):
    d = sympy.diff(F, x)
    good = 0
    for pt in _points(x, params, seed):
        sp = {k: sympy.Rational(v.numerator, v.denominator) for k, v in pt.items()}
        try:
            a = complex(d.evalf(30, subs=sp))
            b = complex(f.evalf(30, subs=sp))
        except Exception:
            continue
        if a != a or b != b or abs(a) == float("inf") or abs(b) == float("inf"):
            continue
        if not _close(a, b):
            return "wrong", f"dF/dx={a} integrand={b}"
        good += 1
        if good >= CHECK_POINTS:
            return "solved", ""
    return ("solved", "") if good >= 2 else ("unchecked", f"only {good} points could be evaluated")


def sympy_worker() -> None:
    import sympy

    for line in sys.stdin:
        prob = json.loads(line)
        out = {"status": "unevaluated", "time": 0.0}
        try:
            f = sympy.sympify(prob["integrand"])
            x = sympy.Symbol(prob["var"])
            params = sorted((s for s in f.free_symbols if s != x), key=str)
            t0 = time.perf_counter()
            F = sympy.integrate(f, x)
            out["time"] = time.perf_counter() - t0
            if not F.has(sympy.Integral):
                out["status"], out["note"] = _sympy_check(sympy, F, f, x, params, prob["index"])
                out["answer"] = str(F)[:400]
        except Exception as exc:
            out["note"] = f"{type(exc).__name__}: {exc}"[:300]
        print(json.dumps(out), flush=True)


def pypi_worker() -> None:
    """Runs in the PyPI package's venv (python -I): its parser, its integrate, SymPy's check."""
    import alkahest as peer
    import sympy

    for line in sys.stdin:
        prob = json.loads(line)
        out = {"status": "unevaluated", "time": 0.0}
        try:
            f = sympy.sympify(prob["integrand"])
            xs = sympy.Symbol(prob["var"])
            params = sorted((s for s in f.free_symbols if s != xs), key=str)
            pool = peer.ExprPool()
            x = pool.symbol(prob["var"])
            pf = peer.parse(prob["integrand"], pool, {prob["var"]: x})
            t0 = time.perf_counter()
            r = peer.integrate(pf, x)
            out["time"] = time.perf_counter() - t0
            text = str(getattr(r, "value", r)).replace("^", "**")
            F = sympy.sympify(text, locals={prob["var"]: xs, **{str(p): p for p in params}})
            if F.has(sympy.Integral):
                raise ValueError("unevaluated")
            out["status"], out["note"] = _sympy_check(sympy, F, f, xs, params, prob["index"])
            out["answer"] = text[:400]
        except Exception as exc:
            out["note"] = f"{type(exc).__name__}: {exc}"[:300]
        print(json.dumps(out), flush=True)


# ----------------------------------------------------------------------------------------------
# Driver
# ----------------------------------------------------------------------------------------------


class Worker:
    def __init__(self, argv, env):
        self.argv, self.env = argv, env
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, env=self.env, bufsize=1)

    def stop(self):
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def solve(self, prob, timeout):
        if self.proc is None:
            self.start()
        t0 = time.perf_counter()
        try:
            self.proc.stdin.write(json.dumps(prob) + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            self.stop()
            return {"status": "unevaluated", "time": 0.0, "note": "worker died"}
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            self.stop()
            return {"status": "timeout", "time": timeout}
        line = self.proc.stdout.readline()
        if not line:
            self.stop()
            return {"status": "unevaluated", "time": time.perf_counter() - t0, "note": "worker crashed"}
        return json.loads(line)


def worker_command(system, args):
    me = str(Path(__file__).resolve())
    env = dict(os.environ)
    if system == "pypi":
        env.pop("PYTHONPATH", None)
        return [args.pypi_python, "-I", me, "--worker", "pypi"], env
    env["PYTHONPATH"] = str(ROOT / "python")
    return [sys.executable, me, "--worker", system], env


def select_problems(args):
    probs = [json.loads(l) for l in open(args.corpus)]
    if args.suite:
        probs = [p for p in probs if p["suite"] == args.suite]
    if args.cls:
        probs = [p for p in probs if p["class"].startswith(args.cls)]
    if args.sample:
        rng = random.Random(args.seed)
        probs = sorted(rng.sample(probs, min(args.sample, len(probs))), key=lambda p: (p["suite"], p["index"]))
    if args.limit:
        probs = probs[: args.limit]
    return probs


def run_system(system, probs, args):
    argv, env = worker_command(system, args)
    w = Worker(argv, env)
    rows = []
    t_start = time.perf_counter()
    try:
        for i, p in enumerate(probs):
            r = w.solve(p, args.timeout)
            r.update(suite=p["suite"], index=p["index"], cls=p["class"], integrand=p["integrand"])
            rows.append(r)
            if args.verbose or r["status"] == "wrong":
                print(f"  [{system} {i + 1}/{len(probs)}] {p['suite']}#{p['index']} {r['status']:11s} "
                      f"{r['time']:.2f}s  {p['integrand'][:70]}  {r.get('note', '')[:120]}", file=sys.stderr)
    finally:
        w.stop()
    return {"rows": rows, "wall": time.perf_counter() - t_start, "timeout": args.timeout,
            "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())}


def summarize(rows, key):
    table = defaultdict(lambda: dict.fromkeys(STATUSES, 0) | {"n": 0, "time": 0.0})
    for r in rows:
        if r["status"] == "wrong" and r.get("note", "").startswith("only "):
            r["status"] = "unchecked"  # results files written before the status existed
        for k in (r[key], "ALL"):
            t = table[k]
            t["n"] += 1
            t[r["status"]] += 1
            t["time"] += r["time"]
    return table


NONELEMENTARY_NOTE = "proved non-elementary (Risch)"


def report(results, systems, out=sys.stdout):
    for key, title in (("cls", "class"), ("suite", "book")):
        print(f"\n### By {title}\n", file=out)
        head = f"| {title} |" + "".join(f" {s}: solved/n (wrong, unchecked, uneval, timeout) |" for s in systems)
        print(head, file=out)
        print("|---|" + "---|" * len(systems), file=out)
        tabs = {s: summarize(results[s]["rows"], key) for s in systems}
        keys = sorted({k for t in tabs.values() for k in t if k != "ALL"}) + ["ALL"]
        for k in keys:
            cells = []
            for s in systems:
                t = tabs[s].get(k)
                if not t:
                    cells.append(" - |")
                    continue
                pct = 100.0 * t["solved"] / t["n"]
                cells.append(f" {t['solved']}/{t['n']} ({pct:.0f}%) ({t['wrong']}, {t['unchecked']}, "
                             f"{t['unevaluated']}, {t['timeout']}) |")
            print(f"| {k} |" + "".join(cells), file=out)
    print("\n| system | problems | solved | wrong | time in integrate (s) | wall (s) | timeout (s) | date |",
          file=out)
    print("|---|---|---|---|---|---|---|---|", file=out)
    for s in systems:
        t = summarize(results[s]["rows"], "cls")["ALL"]
        print(f"| {s} | {t['n']} | {t['solved']} | {t['wrong']} | {t['time']:.1f} | {results[s]['wall']:.0f} | "
              f"{results[s]['timeout']} | {results[s]['date']} |", file=out)
    for s in systems:
        rows = results[s]["rows"]
        proved = sum(1 for r in rows if r["status"] == "unevaluated" and r.get("note") == NONELEMENTARY_NOTE)
        if proved:
            uneval = sum(1 for r in rows if r["status"] == "unevaluated")
            print(f"\n{s}: {proved} of the {uneval} unevaluated problems are proved to have no elementary "
                  f"antiderivative (the Risch algorithm; alkahest.is_elementary(...) is False).", file=out)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    ap.add_argument("--systems", default="alkahest", help="comma list of alkahest, sympy, pypi to run now")
    ap.add_argument("--corpus", default=str(DEFAULT_CORPUS))
    ap.add_argument("--results", default=str(DEFAULT_RESULTS), help="JSON file the runs are merged into")
    ap.add_argument("--no-save", action="store_true", help="report only; do not write --results")
    ap.add_argument("--timeout", type=float, default=30.0, help="seconds per problem (default 30)")
    ap.add_argument("--limit", type=int, default=0, help="only the first N selected problems")
    ap.add_argument("--sample", type=int, default=0, help="a random sample of N problems (--seed)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--suite", help="one book (Stewart, Hearn, ...)")
    ap.add_argument("--class", dest="cls", help="one class (rational, algebraic, trig, ...; prefix)")
    ap.add_argument("--pypi-python", default="/tmp/peer/bin/python")
    ap.add_argument("--report", help="also write the Markdown report to this file")
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args(argv)

    if args.worker:
        {"alkahest": alkahest_worker, "sympy": sympy_worker, "pypi": pypi_worker}[args.worker]()
        return 0

    probs = select_problems(args)
    path = Path(args.results)
    results = json.loads(path.read_text()) if path.exists() else {}
    for system in [s for s in args.systems.split(",") if s]:
        if system == "pypi" and not Path(args.pypi_python).exists():
            print(f"pypi: {args.pypi_python} does not exist (python3 -m venv /tmp/peer && "
                  "/tmp/peer/bin/pip install alkahest sympy); skipped", file=sys.stderr)
            continue
        print(f"{system}: {len(probs)} problems, timeout {args.timeout} s", file=sys.stderr)
        results[system] = run_system(system, probs, args)
    if not args.no_save:
        path.write_text(json.dumps(results, indent=0, sort_keys=True) + "\n")
    shown = [s for s in ("alkahest", "sympy", "pypi") if s in results]
    report(results, shown)
    if args.report:
        with open(args.report, "w") as fh:
            report(results, shown, fh)
    wrong = sum(r["status"] == "wrong" for r in results.get("alkahest", {"rows": []})["rows"])
    return 1 if wrong and "alkahest" in args.systems.split(",") else 0


if __name__ == "__main__":
    sys.exit(main())
