"""Writes tests/data/limit_oracle.json: the limits of SymPy's own test files
sympy/series/tests/test_gruntz.py and sympy/series/tests/test_limits.py, as data (`make limit-data`).

Each test function of those files is run with `limit` and `gruntz` replaced by recorders that call
SymPy's and keep (expression, variable, point, direction, SymPy's answer, the symbols' assumptions,
source file and test name). The tests assert these answers, so they are SymPy's checked results.
Functions marked XFAIL (SymPy's answer is known wrong or missing) are left out; so are calls that
raise, take over 20 s, or hold objects alkahest's text cannot carry (listed with the reason).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import json
import os
import signal

import sympy as sp

SOURCES = ["sympy.series.tests.test_gruntz", "sympy.series.tests.test_limits"]


class Timeout(Exception):
    pass


def _alarm(*_):
    raise Timeout()


def decorators(module):
    """Test function name -> names of its decorators (XFAIL, slow, ...)."""
    tree = ast.parse(inspect.getsource(module))
    out = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            names = []
            for d in node.decorator_list:
                names.append(d.id if isinstance(d, ast.Name) else getattr(getattr(d, "func", None), "id", "?"))
            out[node.name] = names
    return out


def assumptions(sym):
    a = {k: v for k, v in sym.assumptions0.items() if v is not None and k in (
        "positive", "negative", "real", "integer", "nonnegative", "nonpositive", "nonzero", "zero", "finite")}
    if sym.is_real is None and not a.get("real"):
        a = {"complex": True}
    return a


def record_cases():
    cases, excluded = [], []
    for modname in SOURCES:
        mod = importlib.import_module(modname)
        source = modname.replace(".", "/") + ".py"
        decos = decorators(mod)
        real_limit, real_gruntz = sp.limit, mod.__dict__.get("gruntz", None)
        current = {"test": None}

        def recorder(fn, kind):
            def rec(e, z, z0, dir="+", *args, **kw):
                r = fn(e, z, z0, dir, *args, **kw) if kind == "limit" else fn(e, z, z0, dir)
                e = sp.sympify(e)
                syms = sorted(e.free_symbols | sp.sympify(z0).free_symbols | {z}, key=str)
                case = {"source": source, "test": current["test"], "kind": kind, "expr": str(e), "var": str(z),
                        "point": str(z0), "dir": str(dir), "sympy": str(r),
                        "symbols": {str(s): assumptions(s) for s in syms if isinstance(s, sp.Symbol)}}
                if len({str(s) for s in syms}) != len(syms):
                    case["exclude"] = "two symbols share a name"
                cases.append(case)
                return r

            return rec

        mod.limit = recorder(real_limit, "limit")
        if real_gruntz is not None:
            mod.gruntz = recorder(real_gruntz, "gruntz")
        for name, fn in sorted(vars(mod).items()):
            if not name.startswith("test_") or not callable(fn):
                continue
            if "XFAIL" in decos.get(name, []):
                excluded.append({"source": source, "test": name, "reason": "XFAIL in SymPy"})
                continue
            current["test"] = name
            before = len(cases)
            signal.signal(signal.SIGALRM, _alarm)
            signal.alarm(20)
            try:
                fn()
            except Timeout:
                del cases[before:]
                excluded.append({"source": source, "test": name, "reason": "over 20 s in SymPy"})
            except BaseException as e:  # skip() and failures of the surrounding test code
                if type(e).__name__ == "Skipped":
                    del cases[before:]
                    excluded.append({"source": source, "test": name, "reason": f"skipped by SymPy: {e}"})
                # the recorded calls before the failure are still SymPy's answers
            finally:
                signal.alarm(0)
    return cases, excluded


def main():
    out = os.path.join(os.path.dirname(__file__), "..", "data", "limit_oracle.json")
    cases, excluded = record_cases()
    seen, unique = set(), []
    for c in cases:
        key = (c["expr"], c["var"], c["point"], c["dir"], json.dumps(c["symbols"], sort_keys=True))
        if key in seen:
            continue
        seen.add(key)
        unique.append(c)
    with open(out, "w") as f:
        f.write('{"source": "tests/python/make_limit_data.py with SymPy ' + sp.__version__ + '",\n')
        f.write('"excluded_tests": [\n' + ",\n".join(json.dumps(e) for e in excluded) + "\n],\n")
        f.write('"cases": [\n' + ",\n".join(json.dumps(c) for c in unique) + "\n]}\n")
    print(f"{len(unique)} distinct limits recorded, {len(excluded)} test functions excluded")


if __name__ == "__main__":
    main()
