"""Hostile input across the API, each case in its own interpreter so that a crash is a failure.

Every case must end in a Python exception of the expected type whose message names the problem
(or, for inputs that are legal but extreme, in the right answer) -- never a segfault, an abort, a
hang or a silent wrong number.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

import alkahest

# The directory of the alkahest being tested (the source tree's python/, or a sanitizer build's).
PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(alkahest.__file__)))

PRELUDE = """
import math, numpy as np, alkahest as ak
p = ak.ExprPool(); x, y = p.symbols("x y")
"""

# (id, code, expected exception type name or None for "must succeed", text the message must contain)
CASES = [
    ("symbol-not-str", "p.symbol(3)", "TypeError", ""),
    ("symbol-empty", "p.symbol('')", "ValueError", "identifier"),
    ("symbol-space", "p.symbol('a b')", "ValueError", "identifier"),
    ("symbol-constant-name", "p.symbol('pi')", "ValueError", "pi"),
    ("symbol-function-name", "assert str(p.symbol('sin') + 1) == 'sin + 1'", None, ""),
    ("symbol-unicode", "assert str(p.symbol('α') ** 2) == 'α**2'", None, ""),
    ("func-wrong-type", "ak.sin('x')", "TypeError", ""),
    ("func-arity", "ak.atan2(x)", "TypeError", ""),
    ("func-arity-parse", "ak.parse('atan2(x)', p)", "ParseError", "atan2 takes 2"),
    ("add-str", "x + 'a'", "TypeError", ""),
    ("mixed-pools", "x + ak.ExprPool().symbol('x')", "ValueError", "pool"),
    ("div-zero", "x / 0", "ZeroDivisionError", "division by zero"),
    ("parse-error-span", "ak.parse('x +* y', p)", "ParseError", "at 3"),
    ("parse-object-arity", "ak.parse('Eq(x)', p)", "ParseError", "Eq takes 2 arguments"),
    ("parse-unbalanced", "ak.parse('sin(x', p)", "ParseError", "expected ')'"),
    ("parse-empty", "ak.parse('', p)", "ParseError", "empty expression"),
    ("parse-nul-byte", "ak.parse('x\\x00y', p)", "ParseError", ""),
    ("nan-inf-values", "f = ak.compile_expr(x * y, [x, y]); r = ak.numpy_eval(f, [np.nan, np.inf], [1.0, 0.0]);"
                       "assert math.isnan(r[0]) and math.isnan(r[1])", None, ""),
    ("nan-constant", "e = x + float('nan'); assert e == p.nan and math.isnan(ak.eval_expr(e, {}))", None, ""),
    ("huge-sum", "e = ak.parse('+'.join(f'x{i}' for i in range(1_000_000)), p); assert len(e.node().args) == 1_000_000",
     None, ""),
    ("deep-nesting", "e = ak.parse('sin(' * 100_000 + 'x' + ')' * 100_000, p);"
                     "f = ak.compile_expr(e, [x]); assert 0 < f([0.5]) < 0.5;"
                     "g = ak.compile_expr(ak.diff(e, x), [x]); assert 0 < g([0.5]) < 1",
     None, ""),
    ("huge-exponent", "f = ak.compile_expr(x ** (10 ** 20), [x]); assert f([1.0]) == 1.0 and f([2.0]) == math.inf",
     None, ""),
    ("huge-negative-exponent", "assert ak.compile_expr(x ** -(10 ** 20), [x])([2.0]) == 0.0", None, ""),
    ("huge-integer", "n = 10 ** 5000 + 7; assert int(p.integer(n)) == n and int(p.integer(-n)) == -n", None, ""),
    ("huge-integer-power", "e = p.integer(2) ** (10 ** 20); assert '2**100000000000000000000' == str(e)", None, ""),
    ("huge-power-tower", "e = ak.parse('(20)**(2/3/33**33**3)**-33**3', p); assert str(e).startswith('20**(1/(2/')",
     None, ""),
    ("zero-huge-negative-power", "p.integer(0) ** -(10 ** 25)", "ZeroDivisionError", "0**-"),
    ("huge-rational-power", "e = p.rational(3, 7) ** 100_000; assert len(str(e)) > 80_000;"
                            "assert str(p.rational(3, 7 ** 400) ** 99_999).startswith('(3/')", None, ""),
    ("compile-missing-symbol", "ak.compile_expr(x + y, [x])", "ValueError", "'y'"),
    ("compile-repeated-var", "ak.compile_expr(x, [x, x])", "ValueError", "x"),
    ("compile-not-expr", "ak.compile_expr(3, [x])", "TypeError", ""),
    ("compile-vars-not-symbol", "ak.compile_expr(x, [x + 1])", "ValueError", "symbol"),
    ("compile-bad-backend", "ak.compile_expr(x, [x], backend='gpu')", "ValueError", "backend"),
    ("eval-wrong-count", "ak.compile_expr(x + y, [x, y])([1.0])", "TypeError", "2 values"),
    ("eval-not-number", "ak.compile_expr(x, [x])(['a'])", "TypeError", "real number"),
    ("numpy-wrong-arity", "ak.numpy_eval(ak.compile_expr(x + y, [x, y]), np.ones(3))", "TypeError", "2 input"),
    ("numpy-shapes", "ak.numpy_eval(ak.compile_expr(x + y, [x, y]), np.ones(3), np.ones(4))", "ValueError",
     "broadcast"),
    ("numpy-complex", "ak.numpy_eval(ak.compile_expr(x, [x]), np.ones(3, complex))", "TypeError", "complex"),
    ("numpy-object", "ak.numpy_eval(ak.compile_expr(x, [x]), np.array([None, 1], dtype=object))", "TypeError", "object"),
    ("numpy-strings", "ak.numpy_eval(ak.compile_expr(x, [x]), np.array(['a']))", "TypeError", ""),
    ("numpy-out-shape", "ak.numpy_eval(ak.compile_expr(x, [x]), np.ones(3), out=np.empty(4))", "ValueError", "shape"),
    ("numpy-out-readonly", "o = np.empty(3); o.flags.writeable = False;"
                           "ak.numpy_eval(ak.compile_expr(x, [x]), np.ones(3), out=o)", "ValueError", "read-only"),
    ("numpy-threads", "ak.numpy_eval(ak.compile_expr(x, [x]), np.ones(3), threads=-2)", "ValueError", "threads"),
    ("numpy-gpu-array", "class G:\n  def __dlpack_device__(self): return (2, 0)\n  def __dlpack__(self, **k): raise AssertionError\n"
                        "ak.numpy_eval(ak.compile_expr(x, [x]), G())", "ValueError", "compile_cuda"),
    ("numpy-33-dims", "a = np.ones((1,) * 33); ak.numpy_eval(ak.compile_expr(x, [x]), a)", "ValueError", "at most 32"),
    ("freed-pool", "def mk():\n  q = ak.ExprPool(); z = q.symbol('z'); return ak.compile_expr(z * 2, [z])\n"
                   "f = mk(); import gc; gc.collect(); assert f([2.0]) == 4.0", None, ""),
    ("diff-not-symbol", "ak.diff(x, x + 1)", "ValueError", "symbol"),
    ("diff-polygamma-order", "ak.diff(ak.polygamma(y, x), y)", "ValueError", "order"),
    ("subs-bad-value", "ak.subs(x, {x: 'a'})", "TypeError", ""),
    ("emit-c-bad-name", "ak.emit_c(x, [x], fn_name='my kernel')", "ValueError", "not a valid C identifier"),
    ("emit-c-bad-dtype", "ak.emit_c(x, [x], dtype='f16')", "ValueError", "dtype"),
    ("stablehlo-bad-shape", "ak.to_stablehlo(x, [x], shape=(-2,))", "ValueError", ">= 0"),
    ("cuda-host-array", "ak.compile_cuda(x, [x])(np.ones(3))", "TypeError", "host array"),
    ("polygamma-noninteger", "assert math.isnan(ak.compile_expr(ak.polygamma(0.5, x), [x])([1.0]))", None, ""),
]


@pytest.mark.parametrize("case_id,code,exc,needle", CASES, ids=[c[0] for c in CASES])
def test_hostile_input(case_id, code, exc, needle):
    body = PRELUDE + textwrap.dedent(code)
    if exc is None:
        script = body + "\nprint('OK')\n"
    else:
        script = (PRELUDE + "try:\n" + textwrap.indent(textwrap.dedent(code), "    ") +
                  "\nexcept BaseException as err:\n    print('RAISED', type(err).__name__, '|', repr(str(err)))\n"
                  "else:\n    print('NO EXCEPTION')\n")
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, f"{case_id}: the interpreter died (rc {proc.returncode}):\n{proc.stderr[-2000:]}"
    out = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    if exc is None:
        assert out == "OK", f"{case_id}: {proc.stdout}\n{proc.stderr[-2000:]}"
    else:
        assert out.startswith("RAISED"), f"{case_id}: expected {exc}, got: {out}"
        _, name, rest = out.split(" ", 2)
        assert name == exc, f"{case_id}: expected {exc}, got {name}: {rest}"
        assert needle in rest, f"{case_id}: message {rest!r} does not mention {needle!r}"


# Issue 13 (round 2), items 3, 4, 10, 13, 14: exact constants, huge odd exponents, C names, clear
# errors where nanobind or std::bad_cast spoke before, non-ASCII text. Each in its own interpreter.
ROUND2_CASES = [
    ("rational-beyond-double", "f = ak.compile_expr(x * p.rational(10**400 + 1, 10**400), [x]); assert f([2.0]) == 2.0",
     None, ""),
    ("rational-711", "f = ak.compile_expr(x * p.rational(3**700, 2**1100), [x]);"
                     "assert f([1.0]) == float(__import__('fractions').Fraction(3**700, 2**1100))", None, ""),
    ("emit-c-rational-beyond-double", "assert 'INFINITY' not in ak.emit_c(x * p.rational(10**400 + 1, 10**400), [x])",
     None, ""),
    ("odd-exponent-beyond-2-53", "f = ak.compile_expr(x ** (2**53 + 1), [x]); assert f([-1.0]) == -1.0;"
                                 "assert ak.eval_expr(x ** (2**53 + 1), {x: -1.0}) == -1.0", None, ""),
    ("stablehlo-shape-2-63", "ak.to_stablehlo(x, [x], shape=(2**63,))", "ValueError", "shape entry 9223372036854775808"),
    ("parse-symbols-int-key", "ak.parse('x', p, {1: y})", "TypeError", "keys of symbols must be names (str), got int"),
    ("parse-surrogate", "ak.parse('x\\udcff', p)", "UnicodeEncodeError", "surrogates not allowed"),
    ("symbol-bytes", "p.symbol(b'x')", "TypeError", "name must be a str"),
    ("numpy-threads-2-31", "ak.numpy_eval(ak.compile_expr(x, [x]), np.ones(3), threads=2**31)", "ValueError",
     "threads must be a positive int below 2**31"),
    ("cuda-pointer-negative", "ak.compile_cuda(x, [x]).call_device_ptrs([-1], 0, 3)", "ValueError",
     "device pointer between 0 and 2**64 - 1"),
    ("cuda-n-2-63", "ak.compile_cuda(x, [x]).call_device_ptrs([1], 2, 2**63)", "ValueError", "n must be >= 0 and below 2**63"),
    ("parse-unicode-minus", "assert ak.parse('x\u22122', p) == x - 2", None, ""),
    ("parse-superscript", "assert ak.parse('x\u00b2 \u00d7 y', p) == x**2 * y", None, ""),
    ("parse-subscript", "ak.parse('x\u2081', p)", "ParseError", "U+2081"),
    ("symbol-unicode-minus", "p.symbol('x\u22122')", "ValueError", "not an identifier"),
    ("emit-c-macro-names", "s = p.symbols('M_PI HUGE true'); c = ak.emit_c(s[0] + s[1] + s[2], list(s));"
                           "assert 'double vM_PI, double HUGE_, double true_' in c", None, ""),
]


@pytest.mark.parametrize("case_id,code,exc,needle", ROUND2_CASES, ids=[c[0] for c in ROUND2_CASES])
def test_hostile_input_round2(case_id, code, exc, needle):
    test_hostile_input(case_id, code, exc, needle)
