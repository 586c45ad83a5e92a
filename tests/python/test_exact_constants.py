"""Exact numbers in compiled code (issue 13, items 3 and 4).

3. An exact rational or integer becomes the double (float) nearest its exact value, rounded once:
   ties to even, subnormals included, +-inf beyond the largest finite value, in every backend
   (interpreter, LLVM, emit_c, StableHLO, to_jax eager and jit, to_torch, CUDA source, eval_expr).
   The references are independent of alkahest: Python's int/Fraction -> float conversion is
   correctly rounded; the float32 reference is the float32 nearest the exact value, chosen among
   neighbours by exact Fraction comparison (numpy's float32(double) alone would round twice).
4. Odd integer exponents beyond 2**53 (no double is odd there) keep the sign of the base.
"""

from __future__ import annotations

import ctypes
import math
import random
import re
from fractions import Fraction

import numpy as np
import pytest

import alkahest as ak
from alkahest import _cuda, compile_expr, emit_c, eval_expr, numpy_eval, to_stablehlo
from emitted import compile_c, run_stablehlo

LLVM = ak._core._jit_available()


def nearest_f64(q: Fraction) -> float:
    try:
        return float(q)  # int / int true division: correctly rounded (CPython long_true_divide)
    except OverflowError:
        return math.inf if q > 0 else -math.inf


F32_MAX = Fraction(int(np.finfo(np.float32).max))
F32_HALFWAY_TO_INF = F32_MAX + Fraction(2) ** (127 - 24)  # beyond it (or on it: ties to even) -> inf


def nearest_f32(q: Fraction) -> np.float32:
    """The float32 nearest q (ties to the even significand), by exact comparison of candidates."""
    a = abs(q)
    if a >= F32_HALFWAY_TO_INF:
        r = np.float32(np.inf)
    else:
        with np.errstate(over="ignore"):
            c = np.float32(nearest_f64(a))  # within one float32 ulp of a (or inf, just beyond max)
        cands = {c, np.nextafter(c, np.float32(0)), np.nextafter(c, np.float32(np.inf))}
        cands = [v for v in cands if np.isfinite(v)]

        def key(v):
            return (abs(Fraction(float(v)) - a), int(np.array(v, np.float32).view(np.uint32)) & 1)

        r = min(cands, key=key)
    return np.float32(-r) if q < 0 else np.float32(r)


def hard_cases(rng: random.Random) -> list[Fraction]:
    """Exact numbers that stress correct rounding: huge numerators and denominators (beyond the
    double range each), overflow and underflow, subnormals, exact ties and near-ties of doubles
    and of floats (where rounding through a double goes wrong), big integers."""
    out = [Fraction(10**400 + 1, 10**400), Fraction(3**700, 2**1100), Fraction(-(10**400) - 7, 3 * 10**399),
           Fraction(2**1024 - 2**970), Fraction(2**1024 - 2**970 - 1), Fraction(2**1024), Fraction(1, 2**1075),
           Fraction(1, 2**1075) + Fraction(1, 10**400), Fraction(3, 2**1076), Fraction(1, 2**1080),
           Fraction(2**53 + 1), Fraction(2**53 + 3), Fraction(-(2**64 + 2**11)), Fraction(2**64 + 2**11 + 1),
           Fraction(1, 3), Fraction(-7, 10), Fraction(2**24 + 1, 3), Fraction(1 + 2**-24) + Fraction(1, 2**80),
           Fraction(1 + 2**-24) - Fraction(1, 2**80), Fraction(1 + 2**-24), Fraction(2**128 - 2**103),
           Fraction(2**128 - 2**103 - 1), Fraction(1, 2**150), Fraction(1, 2**150) + Fraction(1, 2**200),
           Fraction(3, 2**150), Fraction(10**39), Fraction(10**38 * 3, 1)]
    for _ in range(150):  # random sizes across and beyond the double range
        a, b = rng.randint(1, 1400), rng.randint(1, 1400)
        q = Fraction(rng.getrandbits(a) | 1 << (a - 1), rng.getrandbits(b) | 1 << (b - 1))
        out.append(q if rng.random() < 0.7 else -q)
    for _ in range(40):  # ties and near-ties of doubles (normal and subnormal), as huge rationals
        d = abs(rng.uniform(1, 2)) * 2.0 ** rng.randint(-1070, 1020)
        mid = (Fraction(d) + Fraction(math.nextafter(d, math.inf))) / 2
        eps = Fraction(1, 10**400)
        out += [mid, mid + eps, mid - eps]
    for _ in range(15):  # ties and near-ties of subnormal doubles and floats
        for d in (rng.randint(1, 2**52 - 1) * Fraction(1, 2**1074), rng.randint(1, 2**23 - 1) * Fraction(1, 2**149)):
            mid = d + (Fraction(1, 2**1075) if d.denominator == 2**1074 else Fraction(1, 2**150))
            out += [mid, mid + Fraction(1, 10**400), mid - Fraction(1, 10**400)]
    for _ in range(40):  # ties and near-ties of floats: the double of each is the float tie itself
        f = np.float32(rng.uniform(1, 2) * 2.0 ** rng.randint(-140, 120))
        mid = (Fraction(float(f)) + Fraction(float(np.nextafter(f, np.float32(np.inf))))) / 2
        eps = Fraction(1, 2**300)
        out += [mid, mid + eps, mid - eps]
    for _ in range(30):  # big integers
        n = rng.getrandbits(rng.randint(54, 1100))
        out.append(Fraction(n if rng.random() < 0.5 else -n))
    return out


def as_expr(pool, q: Fraction):
    return pool.rational(q.numerator, q.denominator) if q.denominator != 1 else pool.integer(q.numerator)


@pytest.fixture(scope="module")
def cases():
    pool = ak.ExprPool()
    x = pool.symbol("x")
    qs = hard_cases(random.Random(20261202))
    exprs = [x * as_expr(pool, q) for q in qs]
    want64 = np.array([nearest_f64(q) for q in qs])
    want32 = np.array([nearest_f32(q) for q in qs], dtype=np.float32)
    return pool, x, qs, exprs, want64, want32


def same(got, want):
    """Bitwise equality (so -0.0 != 0.0), NaN never expected."""
    got = np.asarray(got, dtype=want.dtype).reshape(want.shape)
    bad = np.flatnonzero(got.view(np.uint64 if want.dtype == np.float64 else np.uint32)
                         != want.view(np.uint64 if want.dtype == np.float64 else np.uint32))
    return [(int(i), float(got[i]), float(want[i])) for i in bad[:5]]


def test_reference_is_sound():
    """The float32 reference breaks a double-rounding tie the way exact rounding must."""
    q = Fraction(1 + 2**-24) + Fraction(1, 2**80)
    assert np.float32(float(q)) == np.float32(1.0)  # through the double: rounds twice, wrong
    assert nearest_f32(q) == np.nextafter(np.float32(1), np.float32(2))


@pytest.mark.parametrize("backend", ["interp", "llvm"])
def test_compiled_constants_are_correctly_rounded(cases, backend):
    if backend == "llvm" and not LLVM:
        pytest.skip("no LLVM JIT in this build")
    pool, x, qs, exprs, want64, want32 = cases
    f = compile_expr(exprs, [x], backend=backend)
    assert same(numpy_eval(f, np.ones(1)), want64) == []
    assert same(numpy_eval(f, np.ones(1, dtype=np.float32)), want32) == []


def test_eval_expr_is_correctly_rounded(cases):
    pool, x, qs, exprs, want64, want32 = cases
    assert same(np.array([eval_expr(e, {x: 1.0}) for e in exprs]), want64) == []
    assert same(np.array([float(as_expr(pool, q)) for q in qs]), want64) == []


def test_emit_c_constants(cases):
    pool, x, qs, exprs, want64, want32 = cases
    lib = compile_c(emit_c(exprs, [x], fn_name="c64", includes=True) + emit_c(exprs, [x], fn_name="c32", dtype="f32"))
    for name, want, ct in (("c64", want64, ctypes.c_double), ("c32", want32, ctypes.c_float)):
        out = np.zeros(len(exprs), dtype=want.dtype)
        fn = getattr(lib, name)
        fn.restype = None
        fn.argtypes = [ct, np.ctypeslib.ndpointer(dtype=want.dtype, flags="C_CONTIGUOUS")]
        fn(1.0, out)
        assert same(out, want) == [], name


def subnormal(want):
    return (want != 0) & (np.abs(want) < np.finfo(want.dtype).tiny)


def flushed(want):
    """What XLA on CPU computes from `want` (it flushes subnormal results to zero)."""
    return np.where(subnormal(want), np.copysign(np.zeros_like(want), want), want)


def small(qs):
    """Rationals that compile to x*p/q (p, q exact in float32): XLA may turn the division by a
    constant into a multiplication by its reciprocal, one ulp off; the other constants are exact."""
    return np.array([q.denominator != 1 and abs(q.numerator) <= 2**24 and q.denominator <= 2**24 for q in qs])


def same_xla(got, want, qs):
    got = np.asarray(got, dtype=want.dtype).reshape(want.shape)
    want = flushed(want)
    m = small(qs)
    ulp_off = np.abs(got[m] - want[m]) > np.spacing(np.abs(want[m]).astype(want.dtype))
    return same(got[~m], want[~m]) + [float(v) for v in got[m][ulp_off]]


def test_stablehlo_constants(cases):
    pool, x, qs, exprs, want64, want32 = cases
    for dtype, want in (("f64", want64), ("f32", want32)):
        text = to_stablehlo(exprs, [x], dtype=dtype, shape=(1,))
        got = run_stablehlo(text, np.ones(1, dtype=want.dtype))
        assert same_xla(np.concatenate(got), want, qs) == [], dtype
        # the subnormal constants themselves, as written in the module
        literals = {want.dtype.type(float(m)) for m in re.findall(r"dense<([-+0-9.eE]+)>", text)}
        assert subnormal(want).sum() > 5
        assert all(abs(w) in literals for w in want[subnormal(want)]), dtype  # |c|, then negated


def test_jax_constants(cases):
    jax = pytest.importorskip("jax")
    pool, x, qs, exprs, want64, want32 = cases
    f = ak.to_jax(exprs, [x])
    for x64, want in ((True, want64), (False, want32)):
        with jax.enable_x64(x64):
            one = jax.numpy.ones(1, dtype=want.dtype)
            assert same(np.concatenate([np.asarray(v) for v in f(one)]), want) == [], ("eager", x64)
            got = np.concatenate([np.asarray(v) for v in jax.jit(f)(one)])  # XLA: subnormals flushed
            assert same_xla(got, want, qs) == [], ("jit", x64)
    # what the jit lowering reads: the Program's constants, subnormals included
    n_inputs, c64, code, outputs, c32 = compile_expr(exprs, [x])._program_data()
    assert set(np.abs(want64[subnormal(want64)])) <= set(c64) and len(c64) == len(c32)
    assert set(np.abs(want32[subnormal(want32)])) <= {np.float32(c) for c in c32}


def test_torch_constants(cases):
    torch = pytest.importorskip("torch")
    pool, x, qs, exprs, want64, want32 = cases
    f = ak.to_torch(exprs, [x])
    for dt, want in ((torch.float64, want64), (torch.float32, want32)):
        got = np.concatenate([t.numpy() for t in f(torch.ones(1, dtype=dt))])
        assert same(got, want) == [], dt


def test_cuda_source_constants():
    pool = ak.ExprPool()
    x = pool.symbol("x")
    ok, _ = _cuda.nvrtc_status()
    if not ok:
        pytest.skip("no NVRTC")
    def body(src):  # the device function computing the point (the header defines INFINITY)
        return next(line for line in src.splitlines() if "ak_point(" in line and "return" in line)

    line = body(ak.compile_cuda(x * pool.rational(10**400 + 1, 10**400), [x]).source)
    assert "INFINITY" not in line and "1.0 * x0" in line, line
    line = body(ak.compile_cuda(x * pool.rational(3**700, 2**1100), [x], dtype="f32").source)
    want = repr(float(nearest_f32(Fraction(3**700, 2**1100))))
    assert "INFINITY" not in line and re.search(r"711\.022\d*f", line), (line, want)


def test_issue_examples_and_small_rationals_stay_divisions():
    pool = ak.ExprPool()
    x = pool.symbol("x")
    f = compile_expr([x * pool.rational(10**400 + 1, 10**400), x * pool.rational(3**700, 2**1100)], [x])
    assert numpy_eval(f, [2.0]).tolist() == [[2.0, 2 * nearest_f64(Fraction(3**700, 2**1100))]]
    assert "inf" not in f.program()
    # p/q with small p and q: still x*p/q (x/3 is the correctly rounded quotient)
    assert "div" in compile_expr(x / 3, [x]).program()
    xs = np.linspace(-5, 5, 101)
    assert np.array_equal(numpy_eval(compile_expr(x / 3, [x]), xs), xs / 3)


# ---------------------------------------------------------------------------------------------
# Item 4: odd exponents beyond 2**53
# ---------------------------------------------------------------------------------------------

BASES = np.array([-1.0, -2.0, -0.5, -0.0, 0.0, 1.0, 2.0, 0.5, -np.inf, np.inf, np.nan, -3.0, 1e-300])


def odd_power_reference(b: float, n: int) -> float:
    """b**n for huge odd n: the sign of b times |b|**n, which is 0, 1 or inf for these bases."""
    if math.isnan(b):
        return math.nan
    a = abs(b)
    if n > 0:
        m = 0.0 if a < 1 else (1.0 if a == 1 else math.inf)
    else:
        m = math.inf if a < 1 else (1.0 if a == 1 else 0.0)
    return math.copysign(m, b)


EXPONENTS = [2**53 + 1, 2**60 + 3, 3**40, 2**100 + 1, -(2**53 + 1), -(3**41)]


def test_reference_exponents_are_odd_beyond_doubles():
    for n in EXPONENTS:
        assert n % 2 == 1 and abs(n) > 2**53 and float(n) % 2 == 0


def test_odd_huge_exponents_keep_the_sign_everywhere():
    pool = ak.ExprPool()
    x = pool.symbol("x")
    exprs = [x ** pool.integer(n) for n in EXPONENTS]
    want = np.array([[odd_power_reference(b, n) for n in EXPONENTS] for b in BASES])
    got = {}
    for backend in ["interp"] + (["llvm"] if LLVM else []):
        f = compile_expr(exprs, [x], backend=backend)
        got[backend] = numpy_eval(f, BASES)
        got[backend + "32"] = numpy_eval(f, BASES.astype(np.float32))
    got["eval_expr"] = np.array([[eval_expr(e, {x: float(b)}) for e in exprs] for b in BASES])
    lib = compile_c(emit_c(exprs, [x], fn_name="p", batch=True, includes=True))
    out = np.zeros((len(BASES), len(exprs)))
    fn = lib.p_batch
    fn.restype = None
    dp = np.ctypeslib.ndpointer(dtype=np.float64, flags="C_CONTIGUOUS")
    fn.argtypes = [dp, dp, ctypes.c_size_t]
    fn(np.ascontiguousarray(BASES), out, len(BASES))
    got["emit_c"] = out
    got["stablehlo"] = np.stack(run_stablehlo(to_stablehlo(exprs, [x], shape=(len(BASES),)), BASES), axis=-1)
    for name, g in got.items():
        w = want.astype(g.dtype)
        signs = np.signbit(g) == np.signbit(w)
        assert signs[~np.isnan(w)].all() and np.array_equal(g, w, equal_nan=True), (name, g)


def test_odd_huge_exponents_in_jax_torch_and_cuda_source():
    jax = pytest.importorskip("jax")
    torch = pytest.importorskip("torch")
    pool = ak.ExprPool()
    x = pool.symbol("x")
    e = x ** pool.integer(2**53 + 1)
    bases = np.array([-1.0, -2.0, -0.5, -0.0])
    want = np.array([-1.0, -np.inf, -0.0, -0.0])
    with jax.enable_x64(True):
        for g in (ak.to_jax(e, [x])(bases), jax.jit(ak.to_jax(e, [x]))(bases)):
            assert np.array_equal(np.asarray(g), want) and np.signbit(np.asarray(g)).all()
    t = ak.to_torch(e, [x])(torch.tensor(bases)).numpy()
    assert np.array_equal(t, want) and np.signbit(t).all()
    assert "pow(x, 9007199254740992.0)" not in emit_c(e, [x]).replace("x * pow", "")
    if _cuda.nvrtc_status()[0]:
        src = ak.compile_cuda(e, [x]).source
        assert "x0 * pow(x0, 9007199254740992.0)" in src, src
