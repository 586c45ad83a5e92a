"""Runs alkahest.limit on the limits of SymPy's test_gruntz.py and test_limits.py
(tests/data/limit_oracle.json, written by make_limit_data.py) and sorts each case:

- agree: the same value as SymPy (structurally, or the difference is zero: exactly, or at 30 digits
  for constants, or at random values of the parameters);
- undecided: alkahest returns None where SymPy has an answer (no answer, not a wrong one);
- no_limit: SymPy's answer is AccumBounds, an unevaluated Limit or nan (there is no limit), or an
  answer that is no value (NOT_A_VALUE, with the reason), and
  alkahest returns None (an AccumBounds answer of alkahest is compared with SymPy's: agree or wrong);
- better: SymPy leaves an unevaluated Limit of an expression that alkahest builds as a constant
  (x - oo is -oo for real x), or of a limit that exists, listed with the reason in BETTER;
- wrong: a different value (the worst outcome; the test requires none);
- SymPy's frac and Mod, which alkahest has no function for, are written by their definitions for
  real arguments (DEFINITIONS);
- excluded: the case cannot be written in alkahest (a function outside the op table, which the
  parser reads as an undefined function, an undefined function, a SymPy object), with the reason.

`python tests/python/limit_oracle.py` prints the counts per source file; test_limit_oracle.py
asserts them.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import Counter

from alkahest import ExprPool, N, expand, is_zero, limit, parse, subs

DATA = json.load(open(os.path.join(os.path.dirname(__file__), "..", "data", "limit_oracle.json")))
NAMES = {"Abs(": "abs("}
NO_LIMIT = ("AccumBounds", "Limit(", "nan")
# Where SymPy leaves the limit unevaluated but it exists: (expr, point, dir, assumptions of the
# symbols) -> (alkahest's answer, why it is right). Classified "better" when alkahest gives it.
BETTER = {
    ("cos(m*x)/x", "oo", "+", '{"m": {"finite": true, "real": true}, "x": {"complex": true}}'):
        ("0", "m real: |cos(m*x)| <= 1 and 1/x -> 0 (m = 0 included: 1/x -> 0)"),
}


def _call_args(s: str, start: int):
    """The top-level comma-separated arguments of the call whose '(' is at s[start], and the index
    after its ')'."""
    depth, args, cur = 0, [], start + 1
    for i in range(start, len(s)):
        if s[i] == "(":
            depth += 1
        elif s[i] == ")":
            depth -= 1
            if depth == 0:
                args.append(s[cur:i])
                return args, i + 1
        elif s[i] == "," and depth == 1:
            args.append(s[cur:i])
            cur = i + 1
    raise ValueError(f"unbalanced parentheses in {s!r}")


# SymPy functions alkahest has no row for, written by their definitions for real arguments (the
# limit variable runs over reals here): frac(a) = a - floor(a) (SymPy's frac of a real argument),
# Mod(a, b) = a - b*floor(a/b) (SymPy's Mod of reals: the remainder with the sign of b).
DEFINITIONS = {
    "frac": lambda a: f"(({a}) - floor({a}))",
    "Mod": lambda a, b: f"(({a}) - ({b})*floor(({a})/({b})))",
}


def _definitions(s: str) -> str:
    for name, rewrite in DEFINITIONS.items():
        i = 0
        while (i := s.find(name + "(", i)) >= 0:
            if i > 0 and (s[i - 1].isalnum() or s[i - 1] == "_"):
                i += len(name)
                continue
            args, end = _call_args(s, i + len(name))
            args = [_definitions(a) for a in args]
            s = s[:i] + rewrite(*args) + s[end:]
    return s


# SymPy answers that are not values, for limits that do not exist: (expr, point, dir, assumptions)
# -> why. Classified no_limit when alkahest gives no answer (a value would be wrong).
NOT_A_VALUE = {
    ("factorial(x)", "-oo", "+", '{"x": {"complex": true}}'):
        "SymPy's gamma(-oo) is unevaluated, not a value: factorial(x) = gamma(x + 1) has a pole at every "
        "negative integer, so it has no limit at -oo",
}


# Cases left out because SymPy's recorded answer is wrong: (expr, point, dir, assumptions) -> why.
SYMPY_WRONG = {
    ("(-Abs(x - y) + Abs(x + y))/(2*x)", "0", "+", '{"x": {"complex": true}, "y": {"complex": true}}'):
        "SymPy's sign(y) holds for real y only: the limit is re(y)/|y| (y = I: |x + I| - |x - I| = 0 for "
        "real x, limit 0, not I)",
}


def _undefined_functions(e):
    """Names of the undefined functions (not in alkahest's op table) in e."""
    out, stack = set(), [e]
    while stack:
        t = stack.pop()
        n = t.node()
        if n.kind == "Object" and n.op == "Function":
            out.add(str(t).split("(")[0])
        stack.extend(t.args)
    return sorted(out)


def _text(s: str) -> str:
    for a, b in NAMES.items():
        s = s.replace(a, b)
    return _definitions(s)


def _symbols(pool, case):
    out = {}
    for name, assumed in case["symbols"].items():
        out[name] = pool.symbol(name, **assumed) if assumed else pool.symbol(name)
    return out


def _direction(pool, e, pt=None):
    """The direction c/|c| of a directed infinity c*oo with c free of the infinity (oo*sign(P),
    -oo*(-1)**(1/3), oo*I*y), numerically, the parameters at the values `pt`; None for anything else."""
    factors = e.args if e.node().kind == "Mul" else [e]
    infs = [f for f in factors if f == pool.oo or f == -pool.oo]
    if len(infs) != 1:
        return None
    rest = [f for f in factors if f != infs[0]]
    try:
        c = complex(1)
        for f in rest:
            c *= complex(N(subs(f, pt) if pt and f.free_symbols else f, 30))
    except Exception:
        return None
    if infs[0] == -pool.oo:
        c = -c
    return c / abs(c) if c != 0 else None


def _same(pool, ours, theirs, syms) -> bool:
    if ours == theirs:
        return True
    free = list((ours - theirs).free_symbols) if ours.free_symbols or theirs.free_symbols else []
    # two directed infinities: the same direction (at parameter values, complex ones for complex
    # parameters, when they have parameters)
    i = parse("I", pool)
    pts = [None] if not free else [
        {s: pool.rational(7 + 3 * j + 5 * k, 5 + k) + (i * pool.rational(k - 1, 3) if s.is_real is not True else 0)
         for j, s in enumerate(free)} for k in range(3)]
    dirs = [(_direction(pool, ours, pt), _direction(pool, theirs, pt)) for pt in pts]
    if all(a is not None and b is not None for a, b in dirs):
        return all(abs(a - b) < 1e-12 for a, b in dirs)
    special = {str(pool.oo), str(-pool.oo), str(pool.zoo), str(pool.nan)}
    if str(ours) in special or str(theirs) in special:
        return False
    d = ours - theirs
    tol = 1e-12 if "." in str(ours) or "." in str(theirs) else 1e-20  # a float answer: double precision
    if is_zero(d) is True:
        return True
    try:
        if expand(d) == 0 * pool.oo ** 0 - 0:
            return True
    except Exception:
        pass
    free = list(d.free_symbols)
    points = [{}] if not free else [{s: pool.rational(7 + 3 * i + 5 * k, 5 + k) for i, s in enumerate(free)} for k in range(3)]
    for pt in points:
        try:
            v = complex(N(subs(d, pt) if pt else d, 30))
            scale = max(1.0, abs(complex(N(subs(theirs, pt) if pt else theirs, 30))))
        except Exception:
            return False
        if abs(v) > tol * scale:
            return False
    return True


def classify(case):
    pool = ExprPool()
    if "exclude" in case:
        return "excluded", case["exclude"], None
    key = (case["expr"], case["point"], case["dir"], json.dumps(case["symbols"], sort_keys=True))
    if key in SYMPY_WRONG:
        return "excluded", SYMPY_WRONG[key], None
    syms = _symbols(pool, case)
    try:
        e = parse(_text(case["expr"]), pool, symbols=list(syms.values()))
        x0 = parse(_text(case["point"]), pool, symbols=list(syms.values()))
    except Exception as ex:
        return "excluded", f"not expressible: {ex}", None
    x = syms[case["var"]]
    if undefined := _undefined_functions(e):
        # the parser reads an unknown name as an undefined function, whose limit is not defined
        return "excluded", f"{', '.join(undefined)}: not an alkahest function (read as an undefined function)", None
    t = time.perf_counter()
    try:
        ours = limit(e, x, x0, case["dir"])
    except ValueError as ex:
        return "excluded", f"refused: {ex}", None
    if ours is not None and ours.node().kind == "Object" and ours.node().op == "Limit":
        ours = None  # unevaluated
    elapsed = time.perf_counter() - t
    theirs_text = case["sympy"]
    if ours is not None and ours.node().kind == "Object" and ours.node().op == "AccumBounds":
        # no limit, with the interval where the values accumulate: SymPy's AccumBounds, bound by bound
        if not theirs_text.startswith("AccumBounds("):
            return "wrong", f"{ours} vs SymPy {theirs_text}", elapsed
        theirs = parse(_text(theirs_text), pool, symbols=list(syms.values()))
        same = theirs.node().kind == "Object" and theirs.node().op == "AccumBounds" and all(
            _same(pool, a, b, syms) for a, b in zip(ours.args, theirs.args))
        return ("agree" if same else "wrong"), f"{ours} vs SymPy {theirs_text}", elapsed
    if theirs_text == "nan":
        return ("agree" if ours is not None and str(ours) == "nan" else ("no_limit" if ours is None else "wrong")), theirs_text, elapsed
    if theirs_text.startswith("Limit(") and x not in e.free_symbols and ours == e:
        # SymPy keeps Limit(x - oo, x, oo); in alkahest x - oo is already -oo (x is real)
        return "better", f"{ours}: the expression is constant ({case['expr']} builds as {e})", elapsed
    key = (case["expr"], case["point"], case["dir"], json.dumps(case["symbols"], sort_keys=True))
    if key in BETTER and ours is not None and str(ours) == BETTER[key][0]:
        return "better", f"{ours}: {BETTER[key][1]} (SymPy: {theirs_text})", elapsed
    if key in NOT_A_VALUE:
        return ("no_limit" if ours is None else "wrong"), f"{theirs_text}: {NOT_A_VALUE[key]}", elapsed
    if any(theirs_text.startswith(p) or p in theirs_text for p in NO_LIMIT[:2]):
        return ("no_limit" if ours is None else "wrong"), theirs_text, elapsed
    if ours is None:
        return "undecided", theirs_text, elapsed
    try:
        theirs = parse(_text(theirs_text), pool, symbols=list(syms.values()))
    except Exception as ex:
        return "excluded", f"SymPy's answer not expressible: {ex}", elapsed
    return ("agree" if _same(pool, ours, theirs, syms) else "wrong"), f"{ours} vs SymPy {theirs_text}", elapsed


def run(cases=None):
    cases = DATA["cases"] if cases is None else cases
    results = []
    for c in cases:
        kind, detail, elapsed = classify(c)
        results.append((c, kind, detail, elapsed))
    return results


def summary(results):
    by = Counter()
    for c, kind, _, _ in results:
        by[(os.path.basename(c["source"]), kind)] += 1
        by[("all", kind)] += 1
    return by


if __name__ == "__main__":
    res = run()
    s = summary(res)
    for src in ("test_gruntz.py", "test_limits.py", "all"):
        print(src, {k: v for (f, k), v in sorted(s.items()) if f == src})
    total_time = sum(e for *_, e in res if e)
    print(f"time in limit(): {total_time:.2f} s")
    if "-v" in sys.argv:
        for c, kind, detail, _ in res:
            if kind in ("wrong", "undecided") or (kind == "excluded" and "-vv" in sys.argv):
                print(kind, c["expr"], c["point"], c["dir"], "|", detail)
