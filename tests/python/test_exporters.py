"""emit_c and to_stablehlo: what is emitted is compiled and run, then compared with numpy_eval.

C: the system C compiler (-std=c99 -Wall -Werror, and -ffp-contract=off so that no a*b+c becomes an
fma), loaded with ctypes: scalar, batch, multi-output and float32 forms. StableHLO: jaxlib's XLA
(CPU) compiles the text and runs it, in float64 and float32. Both over random expressions of the
whole op table (exprgen.py) and over each op alone.
"""

from __future__ import annotations

import ctypes
import math
import shutil
import subprocess

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import alkahest as ak
from alkahest import ExprPool, compile_expr, emit_c, numpy_eval, to_stablehlo
from emitted import batch_fn, close, compile_c, op_cases, random_case, run_stablehlo, scalar_fn
from exprgen import BOX, build, expr_trees

@pytest.fixture
def pool():
    return ExprPool()


# ---------------------------------------------------------------------------------------------
# The seed's snippets, as written
# ---------------------------------------------------------------------------------------------

def test_seed_emit_c_snippet():
    pool = ExprPool()
    x = pool.symbol("x")
    from alkahest import emit_c, exp, sin

    c_code = emit_c(
        sin(x) * exp(pool.integer(-1) * x),
        [x],
        var_name="x",
        fn_name="damped_sin",
    )
    assert c_code.strip() == "double damped_sin(double x) { return sin(x) * exp(-x); }"


def test_seed_emit_c_output_compiles_and_matches():
    pool = ExprPool()
    x = pool.symbol("x")
    e = ak.sin(x) * ak.exp(pool.integer(-1) * x)
    lib = compile_c("#include <math.h>\n" + emit_c(e, [x], var_name="x", fn_name="damped_sin"))
    f = scalar_fn(lib, "damped_sin", 1)
    xs = np.linspace(-3, 3, 101)
    want = numpy_eval(compile_expr(e, [x]), xs)
    assert close([f(v) for v in xs], want, 1e-14)


def test_seed_stablehlo_snippet():
    pool = ExprPool()
    x, y = pool.symbols("x y")
    expr = ak.sin(x) * y + ak.exp(x / 2)
    from alkahest import to_stablehlo

    mlir_text = to_stablehlo(expr, [x, y], fn_name="my_kernel")
    assert "func.func public @my_kernel(%arg0: tensor<f64>, %arg1: tensor<f64>)" in mlir_text
    (got,) = run_stablehlo(mlir_text, np.float64(0.5), np.float64(2.0))
    assert got.shape == ()
    assert math.isclose(float(got), math.sin(0.5) * 2 + math.exp(0.25), rel_tol=1e-15)


# ---------------------------------------------------------------------------------------------
# Every op of the table alone, at points inside its domain
# ---------------------------------------------------------------------------------------------

def _points(n=257, seed=7):
    rng = np.random.default_rng(seed)
    xs = rng.uniform(-BOX, BOX, n)
    ys = rng.uniform(-BOX, BOX, n)
    xs[:6] = [0.0, -0.0, 1.0, -2.0, 0.5, -1.5]  # zeros, a pole of gamma, integer points
    ys[:6] = [0.0, 1.0, -0.0, 2.0, -1.0, 0.0]
    return xs, ys


@pytest.mark.parametrize("dtype", ["f64", "f32"])
def test_every_op_in_c(pool, dtype):
    cases = op_cases(pool)
    x, y = pool.symbols("x y")
    ctype, npt = (ctypes.c_double, np.float64) if dtype == "f64" else (ctypes.c_float, np.float32)
    src = "".join(emit_c(e, [x, y], fn_name="k_" + name, dtype=dtype, batch=True, includes=(i == 0))
                  for i, (name, e) in enumerate(cases))
    lib = compile_c(src)
    xs, ys = (a.astype(npt) for a in _points())
    rtol = 1e-13 if dtype == "f64" else 1e-5
    for name, e in cases:
        want = numpy_eval(compile_expr(e, [x, y], accuracy="high"), xs, ys)
        f = scalar_fn(lib, "k_" + name, 2, ctype)
        got = np.array([f(a, b) for a, b in zip(xs, ys)], dtype=npt)
        assert close(got, want, rtol), (name, np.c_[xs, ys, got, want][~np.isclose(got, want, rtol)][:5])
        out = np.empty_like(xs)
        batch_fn(lib, "k_" + name + "_batch", 2, npt)(xs, ys, out, len(xs))
        assert np.array_equal(out, got, equal_nan=True), name


@pytest.mark.parametrize("dtype", ["f64", "f32"])
def test_every_op_in_stablehlo(pool, dtype):
    cases = op_cases(pool)
    x, y = pool.symbols("x y")
    npt = np.float64 if dtype == "f64" else np.float32
    xs, ys = (a.astype(npt) for a in _points())

    rtol = 1e-12 if dtype == "f64" else 2e-5
    for name, e in cases:
        text = to_stablehlo(e, [x, y], dtype=dtype, shape=xs.shape)
        (got,) = run_stablehlo(text, xs, ys)
        assert got.dtype == npt
        want = numpy_eval(compile_expr(e, [x, y], accuracy="high"), xs, ys)
        # XLA's special functions (lgamma, polygamma) are less accurate than libm's or SLEEF's.
        tol = rtol * (1e3 if name.startswith(("gamma", "polygamma")) else 1)
        assert close(got, want, tol), (name, np.c_[xs, ys, got, want][~np.isclose(got, want, tol)][:5])


# ---------------------------------------------------------------------------------------------
# Random expressions over the whole op table
# ---------------------------------------------------------------------------------------------

@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
@given(item=expr_trees(nsyms=2, depth=4))
def test_random_expressions_in_c(item):
    case = random_case(item[0], 64)
    if case is None:
        return
    e, syms, xs, ys = case
    two = [e, e * syms[0] + 1]
    src = (emit_c(e, list(syms), fn_name="g", batch=True, includes=True)
           + emit_c(e, list(syms), fn_name="g32", dtype="f32")
           + emit_c(two, list(syms), fn_name="g2", batch=True))
    lib = compile_c(src)
    want = numpy_eval(compile_expr(e, list(syms), accuracy="high"), xs, ys)
    g = scalar_fn(lib, "g", 2)
    assert close([g(a, b) for a, b in zip(xs, ys)], want, 1e-9), str(e)
    out = np.empty_like(xs)
    batch_fn(lib, "g_batch", 2)(xs, ys, out, len(xs))
    assert close(out, want, 1e-9), str(e)
    out2 = np.empty((len(xs), 2))
    batch_fn(lib, "g2_batch", 2)(xs, ys, out2, len(xs))
    assert close(out2, numpy_eval(compile_expr(two, list(syms), accuracy="high"), xs, ys), 1e-9), str(e)
    # float32: the same operations in float (numpy_eval's float32 kernels), judged loosely
    # because random expressions can amplify one-ulp differences of the two libms.
    g32 = scalar_fn(lib, "g32", 2, ctypes.c_float)
    x32, y32 = xs.astype(np.float32), ys.astype(np.float32)
    want32 = numpy_eval(compile_expr(e, list(syms)), x32, y32)
    got32 = np.array([g32(a, b) for a, b in zip(x32, y32)], dtype=np.float32)
    finite = np.isfinite(want32) & np.isfinite(got32)
    assert close(got32[finite], want32[finite], 1e-2), str(e)


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(item=expr_trees(nsyms=2, depth=4))
def test_random_expressions_in_stablehlo(item):
    case = random_case(item[0], 32)
    if case is None:
        return
    e, syms, xs, ys = case
    (got,) = run_stablehlo(to_stablehlo(e, list(syms), shape=32), xs, ys)
    want = numpy_eval(compile_expr(e, list(syms), accuracy="high"), xs, ys)
    assert close(got, want, 1e-9), str(e)
    x32, y32 = xs.astype(np.float32), ys.astype(np.float32)
    (got32,) = run_stablehlo(to_stablehlo(e, list(syms), dtype="f32", shape=32), x32, y32)
    want32 = numpy_eval(compile_expr(e, list(syms)), x32, y32)
    finite = np.isfinite(want32) & np.isfinite(got32)
    assert close(got32[finite], want32[finite], 1e-2), str(e)


@settings(max_examples=20, deadline=None, suppress_health_check=list(HealthCheck))
@given(item=expr_trees(nsyms=2, depth=5))
def test_arithmetic_is_bit_identical_in_c(item):
    """Without elementary functions, C and numpy_eval do the same IEEE operations in the same order:
    the results must agree bit for bit (constants round-trip exactly, no reassociation)."""
    from exprgen import contains

    if contains(item[0], lambda t: t[0] in ("f", "absb") or (t[0] == "pow" and t[2][0] != "int")):
        return
    pool = ExprPool()
    syms = pool.symbols("x y")
    e = build(item[0], pool, syms)
    if not isinstance(e, ak.Expr):
        return
    lib = compile_c(emit_c(e, list(syms), fn_name="h", batch=True, includes=True))
    rng = np.random.default_rng(3)
    xs, ys = rng.uniform(-BOX, BOX, 64), rng.uniform(-BOX, BOX, 64)
    out = np.empty_like(xs)
    batch_fn(lib, "h_batch", 2)(xs, ys, out, len(xs))
    want = numpy_eval(compile_expr(e, list(syms)), xs, ys)
    assert np.array_equal(out, want, equal_nan=True), str(e)


# ---------------------------------------------------------------------------------------------
# Form of the C: temporaries, powers, constants, names, several outputs
# ---------------------------------------------------------------------------------------------

def test_shared_subexpressions_become_temporaries(pool):
    x, y = pool.symbols("x y")
    s = ak.sin(x * y + 1)
    code = emit_c(s ** 2 + ak.exp(s) + s, [x, y])
    assert code.count("sin(") == 1
    assert "const double t0 = sin(" in code


def test_integer_powers_are_multiplications(pool):
    x = pool.symbol("x")
    code = emit_c(x ** 8 + x ** -2, [x])
    assert "pow(" not in code
    assert code.count("*") == 3  # x2 = x*x, x4 = x2*x2, x8 = x4*x4
    assert "1.0 / " in code


def test_constants_round_trip_exactly(pool):
    x = pool.symbol("x")
    consts = [0.1, 1 / 3, 2.0 ** -1074, 1.7976931348623157e308, -0.0, 123456789.123456789, math.pi]
    exprs = [x * pool.float(c) for c in consts] + [x * pool.rational(1, 3)]
    exprs += [x + math.inf, x * math.nan, x / pool.rational(-7, 10**30), x * pool.integer(2**80 + 1)]
    lib = compile_c(emit_c(exprs, [x], fn_name="k", batch=True, includes=True))
    xs = np.array([1.0, -1.0, 3.0, 0.5])
    out = np.empty((len(xs), len(exprs)))
    batch_fn(lib, "k_batch", 1)(xs, out, len(xs))
    assert np.array_equal(out, numpy_eval(compile_expr(exprs, [x]), xs), equal_nan=True)


def test_names_are_made_valid_c_predictably():
    pool = ExprPool()
    names = ["int", "fabs", "NAN", "_Z", "__z", "t0", "out", "x", "x_2", "α", "f", "i"]
    syms = [pool.symbol(n) for n in names]
    e = sum((s * (i + 1) for i, s in enumerate(syms)), pool.integer(0))
    code = emit_c(e, syms, batch=True, includes=True)
    sig = code[code.index("double f("):].split(")")[0]
    params = [p.split()[-1] for p in sig[len("double f("):].split(",")]
    assert params == ["int_", "fabs_", "NAN_", "v_Z", "v__z", "t0_", "out_", "x", "x_2", "v__", "f_", "i_"]
    lib = compile_c(code)
    f = scalar_fn(lib, "f", len(names))
    vals = np.arange(1.0, len(names) + 1)
    assert f(*vals) == float(np.sum(vals * np.arange(1, len(names) + 1)))
    # The same name twice (two symbols of one name cannot exist; two var_names can be refused).
    with pytest.raises(ValueError, match="x_2"):
        emit_c(syms[7] + syms[8], [syms[7], syms[8]], var_name=["x", "x"])


def test_several_outputs_and_no_inputs(pool):
    x, y = pool.symbols("x y")
    code = emit_c([x + y, x * y, ak.sin(x)], [x, y], fn_name="three")
    assert code.startswith("void three(double x, double y, double *out) {")
    lib = compile_c("#include <math.h>\n" + code + emit_c(pool.integer(2) ** 10, [], fn_name="c"))
    fn = lib.three
    fn.restype = None
    fn.argtypes = [ctypes.c_double, ctypes.c_double, np.ctypeslib.ndpointer(np.float64)]
    out = np.zeros(3)
    fn(2.0, 3.0, out)
    assert out.tolist() == [5.0, 6.0, math.sin(2.0)]
    assert scalar_fn(lib, "c", 0)() == 1024.0


def test_deep_expression_compiles(pool):
    x = pool.symbol("x")
    e = x
    for k in range(3000):
        e = ak.sin(e) + x if k % 2 else e * x + 1
    code = emit_c(e, [x], includes=True)
    assert max(len(line) for line in code.splitlines()) < 200
    lib = compile_c(code)
    assert close([scalar_fn(lib, "f", 1)(0.3)], numpy_eval(compile_expr(e, [x]), [0.3]), 1e-9)


def test_stablehlo_shapes_outputs_and_constants(pool):
    x, y = pool.symbols("x y")
    text = to_stablehlo([x * y + 0.1, ak.sign(x), x - x + math.inf], [x, y], shape=(2, 3))
    assert "tensor<2x3xf64>" in text and "0x7FF0000000000000" in text
    xs = np.arange(6.0).reshape(2, 3) - 2
    ys = np.full((2, 3), 0.5)
    got = run_stablehlo(text, xs, ys)
    want = numpy_eval(compile_expr([x * y + 0.1, ak.sign(x), x - x + math.inf], [x, y]), xs, ys)
    for k in range(3):
        assert np.array_equal(got[k], want[..., k], equal_nan=True)
    assert str(np.signbit(got[1][0, 2])) == "False"  # sign(-0.0) is +0.0 as in numpy_eval


# ---------------------------------------------------------------------------------------------
# Bad input
# ---------------------------------------------------------------------------------------------

def test_bad_input_is_a_clear_error(pool):
    x, y = pool.symbols("x y")
    with pytest.raises(ValueError, match="fn_name 'my kernel' is not a valid C identifier"):
        emit_c(x, [x], fn_name="my kernel")
    with pytest.raises(ValueError, match="C keyword"):
        emit_c(x, [x], fn_name="double")
    with pytest.raises(ValueError, match="C keyword or a name <math.h>"):
        emit_c(x, [x], fn_name="sin")
    with pytest.raises(ValueError, match="not a valid MLIR symbol name"):
        to_stablehlo(x, [x], fn_name="my kernel")
    with pytest.raises(ValueError, match="dtype must be 'f64'.*'f16'"):
        emit_c(x, [x], dtype="f16")
    with pytest.raises(ValueError, match="dtype must be"):
        to_stablehlo(x, [x], dtype="complex128")
    assert "float f(float x)" in emit_c(x, [x], dtype=np.float32)
    with pytest.raises(ValueError, match="emit_c: .*'y'"):
        emit_c(x + y, [x])
    with pytest.raises(ValueError, match="to_stablehlo: .*'y'"):
        to_stablehlo(x + y, [x])
    with pytest.raises(ValueError, match="var_name 'my var' cannot be a C parameter name.*'my_var'"):
        emit_c(x, [x], var_name="my var")
    with pytest.raises(ValueError, match="2 name"):
        emit_c(x, [x], var_name=["a", "b"])
    with pytest.raises(TypeError, match="var_name must be a string"):
        emit_c(x, [x], var_name=3)
    with pytest.raises(ValueError, match=">= 0"):
        to_stablehlo(x, [x], shape=(-1,))
    with pytest.raises(TypeError, match="shape must be an int"):
        to_stablehlo(x, [x], shape=(2.5,))
    with pytest.raises(TypeError, match="expected an Expr"):
        emit_c("x", [x])
    with pytest.raises(ValueError, match="no expression"):
        to_stablehlo([], [x])
    with pytest.raises(ValueError, match="different pools|comes from"):
        emit_c(x, [ExprPool().symbol("x")])


def test_polygamma_helper_across_the_real_line(pool):
    """The C helper (recurrence + asymptotic series for x > 0, reflection for x < 0) against the
    evaluators (Boost), including far-left points, poles and every special value."""
    n, x = pool.symbols("n x")
    lib = compile_c(emit_c(ak.polygamma(n, x), [n, x], fn_name="pg", batch=True, includes=True))
    ns = np.array([0, 1, 2, 3, 5, 10, 30], dtype=float)
    xs = np.array([-0.5, -1.3, -7.7, -999.5, -123456.25, -1e12 + 0.5, -2.0 ** 53, -1e300, -3.0, -0.0, 0.0,
                   1e-300, 0.01, 0.5, 1.0, 1.4616321449683622, 2.5, 17.0, 123.456, 1e8, 1e300,
                   math.inf, -math.inf, math.nan])
    N, X = (a.ravel().copy() for a in np.meshgrid(ns, xs))
    N = np.concatenate([N, [0.5, -1.0, 1001.0, math.nan]])
    X = np.concatenate([X, [1.0, 1.0, 1.0, 1.0]])
    out = np.empty_like(X)
    batch_fn(lib, "pg_batch", 2)(N, X, out, len(X))
    want = numpy_eval(compile_expr(ak.polygamma(n, x), [n, x]), N, X)
    with np.errstate(invalid="ignore"):  # inf - inf where both are inf
        bad = ~((out == want) | (np.isnan(out) & np.isnan(want)) |
                (np.abs(out - want) <= 1e-11 * np.abs(want) + 1e-15))  # + absolute: the digamma root
    assert not bad.any(), np.c_[N, X, out, want][bad]


# ---------------------------------------------------------------------------------------------
# Names C23, C++ and <math.h> macros own (issue 13, item 10)
# ---------------------------------------------------------------------------------------------

# Each was kept as a parameter name and broke the build: <math.h> object-like macros (M_PI is a
# number after preprocessing, HUGE and MAXFLOAT too), C23 keywords (gcc -std=c2x), C++ keywords and
# alternative tokens (NVRTC compiles the CUDA source as C++), and macros GCC predefines in GNU modes.
HOSTILE_C_NAMES = [
    "M_PI", "M_E", "M_PIl", "M_PIf", "M_SQRT1_2", "M_PI_", "HUGE", "MAXFLOAT", "HUGE_VAL_F128", "SNAN", "SNANF",
    "FP_INT_UPWARD", "FP_LLOGB0", "iszero", "issignaling", "true", "false", "bool", "nullptr", "typeof",
    "typeof_unqual", "constexpr", "alignas", "alignof", "static_assert", "thread_local", "noreturn", "asm",
    "linux", "unix", "new", "this", "template", "typename", "namespace", "bitand", "xor", "compl", "delete",
    "operator", "private", "virtual", "explicit", "mutable", "char8_t", "nullptr_t", "unreachable", "max_align_t",
]


def _compile_strict(source, std, tmp_path, lang="c"):
    from emitted import CC

    src = tmp_path / f"names_{std}.{lang}"
    src.write_text(source)
    compiler = CC if lang == "c" else (shutil.which("g++") or shutil.which("c++"))
    cmd = [compiler, f"-std={std}", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O1", "-ffp-contract=off", "-fPIC",
           "-shared", str(src), "-o", str(tmp_path / f"names_{std}_{lang}.so"), "-lm"]
    res = subprocess.run(cmd, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr[-3000:] + "\n" + source
    return ctypes.CDLL(str(tmp_path / f"names_{std}_{lang}.so"))


def test_parameters_named_like_macros_and_keywords_compile_in_every_mode(tmp_path):
    pool = ExprPool()
    syms = [pool.symbol(n) for n in HOSTILE_C_NAMES]
    e = sum((k + 1) * s for k, s in enumerate(syms))
    code = emit_c(e, syms, fn_name="names", includes=True) + emit_c(e, syms, fn_name="names32", dtype="f32")
    params = code.split("double names(")[1].split(")")[0]
    for n in HOSTILE_C_NAMES:
        assert f"double {n}," not in params + "," and f"double {n})" not in params, n
    assert "double vM_PI" in params and "double true_" in params
    xs = [0.5 + k / 64 for k in range(len(syms))]
    want = numpy_eval(compile_expr(e, syms), *xs)
    for std in ("c99", "gnu99", "c11", "gnu17", "c2x", "gnu2x"):
        lib = _compile_strict(code, std, tmp_path)
        got = scalar_fn(lib, "names", len(syms))(*xs)
        assert got == want, std
        got32 = scalar_fn(lib, "names32", len(syms), ctypes.c_float)(*xs)
        assert abs(got32 - want) <= 1e-5 * abs(want), std
    extern_c = 'extern "C" {\n' + code.replace("#include <math.h>\n", "") + "}\n"
    for std in ("c++17", "c++20"):  # the CUDA source is C++
        lib = _compile_strict("#include <math.h>\n" + extern_c, std, tmp_path, lang="cpp")
        assert scalar_fn(lib, "names", len(syms))(*xs) == want, std


def test_cuda_source_with_hostile_names_compiles():
    from alkahest import _cuda

    if not _cuda.nvrtc_status()[0]:
        pytest.skip("no NVRTC")
    pool = ExprPool()
    syms = [pool.symbol(n) for n in HOSTILE_C_NAMES]
    f = ak.compile_cuda(sum(ak.sin(s) for s in syms), syms)
    assert ".entry" in f.ptx


def test_fn_name_may_not_be_a_macro_or_c23_keyword():
    pool = ExprPool()
    x = pool.symbol("x")
    for name in ("M_PI", "HUGE", "true", "bool", "constexpr", "FP_NAN", "linux"):
        with pytest.raises(ValueError, match="fn_name"):
            emit_c(x, [x], fn_name=name)
    with pytest.raises(ValueError, match="var_name 'M_PI' cannot be a C parameter name.*'vM_PI'"):
        emit_c(x, [x], var_name="M_PI")
