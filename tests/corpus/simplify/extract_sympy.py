"""Takes the simplification corpus's SymPy part as data from SymPy's own tests.

Every call simplify(e), trigsimp(e), powsimp(e), radsimp(e), logcombine(e), ratsimp(e), cancel(e),
exptrigsimp(e), expand_log(e), fu(e) in the test files named below is read with Python's ast; its
first argument is evaluated with SymPy (the test module's names, then sympy.abc for the symbols a
test defines locally) and converted with alkahest.from_sympy. Entries alkahest cannot hold
(functions it lacks, relations, floats, integrals) are skipped. SymPy's plain symbols become
alkahest's default symbols, which are real; symbols with assumptions keep them.

    PYTHONPATH=python .venv/bin/python tests/corpus/simplify/extract_sympy.py > tests/corpus/simplify/sympy_tests.jsonl
"""

import ast
import importlib
import json
import os
import sys

import sympy
import sympy.abc

import alkahest
from alkahest import ExprPool, from_sympy, op_count

FILES = ["test_simplify.py", "test_trigsimp.py", "test_powsimp.py", "test_radsimp.py", "test_fu.py", "test_ratsimp.py"]
CALLS = {"simplify", "trigsimp", "powsimp", "radsimp", "logcombine", "ratsimp", "cancel", "exptrigsimp",
         "expand_log", "fu", "powdenest", "combsimp"}


def symbols_of(e, pool):
    out = {}
    for s in e.free_symbols:
        out[str(s)] = s.assumptions if hasattr(s, "assumptions") and s.assumptions else {}
    return out


def main():
    root = os.path.dirname(sympy.__file__)
    seen = set()
    for name in FILES:
        path = os.path.join(root, "simplify", "tests", name)
        src = open(path).read()
        tree = ast.parse(src)
        module = importlib.import_module("sympy.simplify.tests." + name[:-3])
        namespace = dict(vars(sympy.abc))
        namespace.update(vars(sympy))
        namespace.update(vars(module))
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in CALLS):
                continue
            if not node.args:
                continue
            text = ast.get_source_segment(src, node.args[0])
            try:
                se = eval(text, dict(namespace))  # noqa: S307 (SymPy's own test expressions)
                if not isinstance(se, sympy.Expr) or se.is_number and not se.free_symbols and se.is_Integer:
                    continue
                if se.has(sympy.Float) or not se.free_symbols or len(se.free_symbols) > 4:
                    continue
                pool = ExprPool()
                ae = from_sympy(se, pool, constants="error")
                if op_count(ae) > 120 or op_count(ae) < 2:
                    continue
            except Exception:
                continue
            key = str(ae)
            if key in seen:
                continue
            seen.add(key)
            syms = {}
            for s in ae.free_symbols:
                syms[str(s)] = s.assumptions or {}
            rec = {"id": f"sympy:{name}:{node.lineno}", "expr": key, "symbols": syms,
                   "source": f"sympy/simplify/tests/{name} line {node.lineno} ({node.func.id})"}
            print(json.dumps(rec, sort_keys=True))


if __name__ == "__main__":
    main()
