"""The op table owns every spelling (include/alkahest/ops.def).

Two kinds of check:

* over the sources: no backend (the vector-math tables, the JIT, the interpreter, emit_c, the
  StableHLO writer, the CUDA source generator, evalf, to_jax, to_torch, the SymPy bridge) names a
  function of the table itself: no ``Op::Sin`` and no ``switch`` over ops in the C++ backends, no
  function spelling in the Python ones; a StableHLO/CHLO op the writer names by itself is one of
  the arithmetic ops of its composites;
* over the rows: every spelling a row has is used by its backend (the emitted C calls the row's C
  function, the StableHLO text holds the row's op, the CUDA source the row's CUDA function, to_jax
  and the SymPy bridge resolve theirs), and a backend without a spelling refuses the function with
  an error that names it.
"""

from __future__ import annotations

import pathlib
import re

import numpy as np
import pytest

import alkahest as ak
from alkahest import _core

ROOT = pathlib.Path(__file__).resolve().parents[2]
ROWS = _core._op_table()
NAMES = {r[0] for r in ROWS}
COLUMNS = ("name", "arity", "latex", "c", "cuda", "sympy", "hlo", "jax", "vm", "vm_fn", "inverse", "vm_acc")


def row(name):
    return dict(zip(COLUMNS, next(r for r in ROWS if r[0] == name)))


CPP_BACKENDS = ["src/exec/interpreter.cpp", "src/exec/jit.cpp", "src/exec/vector_math.inc",
                "src/exec/vector_math.cpp", "src/exec/vector_math_sse2.cpp", "src/exec/vector_math_avx2.cpp",
                "src/exec/vector_math_avx512.cpp", "src/export/emit_c.cpp", "src/export/stablehlo.cpp",
                "src/cuda/cuda.cpp", "src/evalf/evalf.cpp"]
PY_BACKENDS = ["python/alkahest/_jax.py", "python/alkahest/_torch.py", "python/alkahest/_sympy.py"]


def source(path):
    text = (ROOT / path).read_text()
    return re.sub(r"//[^\n]*", "", text)  # comments may name functions


# Op enumerators a backend may name: the end marker, and the macro parameter of an X-macro row.
ALLOWED_OPS = {"Count_", "E"}


@pytest.mark.parametrize("path", CPP_BACKENDS)
def test_cpp_backends_name_no_op(path):
    text = source(path)
    named = set(re.findall(r"\bOp::(\w+)", text)) - ALLOWED_OPS
    assert not named, f"{path} names {sorted(named)}: spell them in the op table (ops.def) instead"
    if path != "src/evalf/evalf.cpp":  # evalf's switch is generated from the rows (EV_* macros)
        assert not re.search(r"switch\s*\(\s*(in|ins|info)?\.?op\s*\)", text), f"{path} switches over ops"


# The elementwise arithmetic and comparison ops the StableHLO writer's composites (sign, gamma,
# polygamma, select) are made of; any other op it names must come from a row's hlo column.
HLO_ARITHMETIC = {"add", "subtract", "multiply", "divide", "negate", "sqrt", "power", "sign", "floor",
                  "remainder", "exponential", "abs", "and", "or", "not", "select", "compare", "constant",
                  "lgamma"}  # lgamma: gamma's composite is s * exp(lgamma(x))


def test_stablehlo_writer_names_only_table_ops():
    text = source("src/export/stablehlo.cpp")
    table_ops = {r[6].split(".", 1)[1] for r in ROWS if r[6] and not r[6].startswith("@")}
    used = set(re.findall(r'\b(?:op|chlo|chlo2|logical)\("(\w+)"', text))
    stray = used - HLO_ARITHMETIC - table_ops
    assert not stray, f"stablehlo.cpp spells {sorted(stray)} itself"
    composites = {r[6][1:] for r in ROWS if r[6].startswith("@")}
    handled = set(re.findall(r'what == "(\w+)"', text))
    assert handled == composites, (handled, composites)


def test_emit_c_helpers_are_the_table_helpers():
    text = source("src/export/emit_c.cpp")
    helpers = set(re.findall(r'\{"(ak_\w+)", \{"AK_', text))
    assert helpers == {r[3][1:] for r in ROWS if r[3].startswith("@")}


@pytest.mark.parametrize("path", PY_BACKENDS)
def test_python_backends_spell_no_function(path):
    text = re.sub(r"#[^\n]*", "", (ROOT / path).read_text())
    text = re.sub(r'"""(?:.|\n)*?"""', "", text)  # docstrings may name functions
    literals = set(re.findall(r'"(\w+)"', text)) | set(re.findall(r"'(\w+)'", text))
    # "log": SymPy's two-argument log(x, b) is rewritten as log(x)/log(b) by the bridge itself.
    spelled = (literals & NAMES) - ({"log"} if path.endswith("_sympy.py") else set())
    assert not spelled, f"{path} spells {sorted(spelled)}: read the op table (_core._op_table()) instead"
    if path.endswith("_jax.py"):
        lax_fns = set(re.findall(r"\blax\.(\w+)", text))
        table_fns = {r[7].split(".")[-1] for r in ROWS if r[7]}
        assert not (lax_fns & table_fns), f"_jax.py calls {sorted(lax_fns & table_fns)} itself"


# --- every row's spellings are used ----------------------------------------------------------

def call(pool, name):
    x, y = pool.symbols("x y")
    r = row(name)
    fn = getattr(ak._core, name)
    if r["arity"] > 2:  # elliptic_pi(n, phi, m), hyp2f1(a, b, c, z): x, y, then numbers
        return fn(x, y, *(pool.rational(1, k + 3) for k in range(r["arity"] - 2)))
    return fn(x, y) if r["arity"] != 1 else fn(x)


def numeric_rows():
    return [r[0] for r in ROWS if r[8] not in ("none",)]


@pytest.mark.parametrize("name", numeric_rows())
def test_every_spelling_is_used(name):
    pool = ak.ExprPool()
    x, y = pool.symbols("x y")
    r = row(name)
    e = call(pool, name)
    assert e.node().kind == "Func" and e.node().op == name
    if r["vm"] == "lowered":  # compare/select instructions or other rows' calls, never its own
        ops = {ins[1] for ins in ak.compile_expr(e, [x, y])._program_data()[2]}
        assert name not in ops, ops
        if name in ("Min", "Max", "Heaviside"):  # tests/python/test_select.py
            assert ops == {""}, ops
        return
    # emit_c: the row's C function (or the clear refusal)
    if r["c"]:
        c = ak.emit_c(e, [x, y])
        want = r["c"].lstrip("@")
        assert re.search(rf"\b{want}\(", c), c
    else:
        with pytest.raises(ValueError, match=f"emit_c: C's <math.h> has no '{name}'"):
            ak.emit_c(e, [x, y])
    # StableHLO
    if r["hlo"] and not r["hlo"].startswith("@"):
        assert r["hlo"] + " " in ak.to_stablehlo(e, [x, y], shape=3)
    elif r["hlo"]:
        ak.to_stablehlo(e, [x, y], shape=3)
    elif r["vm"] != "lowered":
        with pytest.raises(ValueError, match=f"to_stablehlo: StableHLO and CHLO have no op for '{name}'"):
            ak.to_stablehlo(e, [x, y], shape=3)
    # CUDA source: the cuda column, else the C one ("%f0,f1,fn": of a constant whole order only,
    # tests/python/test_cuda.py)
    spell = (r["cuda"] or r["c"]).lstrip("@")
    if spell.startswith("%"):
        fns = spell[1:].split(",")
        src = _core._cuda_source(getattr(ak._core, name)(1, y), [x, y], "f64")
        assert re.search(rf"\b{fns[1]}\(", src), src
        with pytest.raises(ValueError, match=f"compile_cuda: CUDA's math library has '{name}' only of"):
            _core._cuda_source(e, [x, y], "f64")
    elif spell:
        src = _core._cuda_source(e, [x, y], "f64")
        assert re.search(rf"\b{spell}\(", src), src
    # the interpreter and the JIT evaluate it (bit for bit alike)
    xs, ys = np.linspace(0.3, 2.1, 11), np.linspace(1.2, 0.4, 11)
    interp = ak.numpy_eval(ak.compile_expr(e, [x, y], backend="interp"), xs, ys)
    if _core._jit_available():
        jit = ak.numpy_eval(ak.compile_expr(e, [x, y], backend="llvm"), xs, ys)
        assert np.array_equal(interp, jit, equal_nan=True)
    # SymPy's spelling exists (a class of SymPy's, or "@helper": a function of the bridge)
    if r["sympy"]:
        sp = pytest.importorskip("sympy")
        if r["sympy"].startswith("@"):
            from alkahest import _sympy
            assert callable(getattr(_sympy, r["sympy"][1:]))
        else:
            assert hasattr(sp, r["sympy"])


def test_jax_spellings_resolve():
    pytest.importorskip("jax")
    from alkahest import _jax

    for r in ROWS:
        if r[7]:
            assert callable(_jax._resolve(r[7])), r
    assert set(_jax._FUNCTIONS) == {r[0] for r in ROWS if r[7]}


def test_rows_are_well_formed():
    for r in ROWS:
        d = dict(zip(COLUMNS, r))
        assert d["arity"] in (-1, 1, 2, 3, 4), d
        if d["arity"] > 2:  # not in the vector tables: the interpreter and the JIT call eval per element
            assert d["vm"] in ("none", "scalar"), d
        if d["vm"] in ("sleef", "exact"):
            assert d["vm_fn"], d
        if d["vm"] == "sleef":
            assert re.fullmatch(r"u\d+/u\d+", d["vm_acc"]), d
        if d["inverse"]:
            assert d["inverse"] in NAMES, d
        if d["vm"] == "none":  # no numeric backend has it: then none spells it
            assert not (d["c"] or d["cuda"] or d["hlo"] or d["jax"]), d
    assert row("sin")["inverse"] == "asin" and row("exp")["inverse"] == "log"


def functions_md_line(r) -> str:
    """The line of docs/functions.md's table for row r (what the docs must say of it)."""
    d = dict(zip(COLUMNS, r))
    vm = {"sleef": f"SLEEF `{d['vm_fn']}` ({d['vm_acc'].replace('/', ' / ')})",
          "exact": f"exact (`{d['vm_fn']}`)", "scalar": "scalar per element", "native": "compare/select",
          "lowered": "lowered", "none": "—"}[d["vm"]]

    def code(s):
        return f"`{s}`" if s else "—"

    arity = "n" if d["arity"] == -1 else str(d["arity"])
    cuda = d["cuda"] or d["c"]
    if cuda.startswith("%"):  # functions of a constant whole order: "`j0`/`j1`/`jn` (whole order)"
        cuda_text = "/".join(f"`{f}`" for f in cuda[1:].split(",")) + " (whole order)"
    else:
        cuda_text = f"`{cuda}`" if cuda else "—"
    return (f"| `{d['name']}` | {arity} | {vm} | {code(d['c'])} | {cuda_text} | {code(d['hlo'])} | "
            f"{code(d['jax'])} | {code(d['sympy'])} |")


def test_functions_md_lists_every_row():
    text = (ROOT / "docs/functions.md").read_text()
    have = {line for line in text.splitlines() if line.startswith("| `")}
    want = {functions_md_line(r) for r in ROWS}
    assert not want - have, "docs/functions.md lacks (or misstates) these rows:\n" + "\n".join(sorted(want - have))
    assert not have - want, "docs/functions.md lists rows the table does not have:\n" + "\n".join(sorted(have - want))


# Rows whose LaTeX is deliberately not SymPy's: alkahest's form (SymPy writes e^{x}, polygamma and
# loggamma by name, and the bridge's forms of cbrt and hypot).
OWN_LATEX = {"exp": r"\exp{\left(x \right)}", "polygamma": r"\psi^{\left(x\right)}\left(y\right)",
             "digamma": r"\psi^{\left(0\right)}\left(x\right)", "loggamma": r"\log\Gamma{\left(x \right)}",
             "cbrt": r"\operatorname{cbrt}{\left(x \right)}", "hypot": r"\operatorname{hypot}{\left(x, y \right)}"}


def test_latex_is_sympys():
    """Every row's LaTeX, on symbols, is SymPy's (up to spaces and grouping braces): J_{nu}(x),
    W_{k}(x), Li_{s}(z), x!, binomials, E(phi | m), 2F1 with stacked parameters, ..."""
    sp = pytest.importorskip("sympy")
    pool = ak.ExprPool()
    syms = list(pool.symbols("x y z w"))

    def norm(s):
        return re.sub(r"[\s{}]", "", s)

    seen = set()
    for r in ROWS:
        name, arity = r[0], r[1]
        e = getattr(ak, name)(*syms[: 2 if arity == -1 else arity])
        if e.node().kind != "Func":  # re, im, conjugate, arg of real symbols fold away
            continue
        seen.add(name)
        if name in OWN_LATEX:
            assert e.latex() == OWN_LATEX[name], name
        else:
            assert norm(e.latex()) == norm(sp.latex(ak.to_sympy(e))), (name, e.latex(), sp.latex(ak.to_sympy(e)))
    assert {"besselj", "LambertW", "polylog", "factorial", "binomial", "elliptic_pi", "hyp2f1"} <= seen
    # arguments that need grouping, branch indices, the principal branch
    x, y = syms[:2]
    assert ak.factorial(x + 1).latex() == r"\left(x + 1\right)!"
    assert ak.LambertW(x, -1).latex() == r"W_{-1}\left(x\right)" and ak.LambertW(x).latex() == r"W\left(x\right)"
    assert ak.bessely(2, x + 1).latex() == sp.latex(sp.bessely(2, sp.Symbol("x") + 1))
    assert ak.elliptic_pi(x, y, x * y).latex() == r"\Pi\left(x; y\middle| x y\right)"
