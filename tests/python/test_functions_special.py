"""The special functions of the op table (include/alkahest/ops_special.def) against mpmath.

For each function, at >= 1000 points of its real domain:

* values: the interpreter at both accuracies and the LLVM JIT against the correctly rounded value
  (mpmath at 40 digits, 25 for the slow ones, rounded once to a double), in ulps; where mpmath's value is not real the
  backends give NaN. Every value is Arb's (a correctly rounded wrapper of arb_fpwrap.h, or an Arb
  ball rounded once): within 1 ulp (faithful) at worst, and the measured maxima (printed with -s)
  are stated in docs/accuracy.md; emit_c and XLA where the row has them, within stated bounds;
* the backends without a spelling refuse the function with an error naming it;
* the derivative in the last argument: diff, compiled, against mpmath's numerical derivative; the
  orders, branch indices and parameters refuse (no closed form);
* SymPy: to_sympy gives SymPy's function, from_sympy reads it back, and parse(str(e)) too;
* exact values (SymPy's), and evalf at 50 digits against mpmath at 60, at complex points too.
"""

from __future__ import annotations

import math
import zlib
from fractions import Fraction

import mpmath
import numpy as np
import pytest

import alkahest as ak
from test_functions import ulps
from alkahest import _core

ROWS = {r[0]: r for r in _core._op_table()}
N_POINTS = 1200
INV_E = math.exp(-1.0)


def log_uniform(lo, hi, n, rng):
    return np.exp(rng.uniform(math.log(lo), math.log(hi), n))


def mixed(lo, hi, n, rng, small=1e-8):
    """n points of (lo, hi): half uniform, half log-uniform in magnitude from `small` up."""
    u = rng.uniform(lo, hi, n // 2)
    top = max(abs(lo), abs(hi))
    mags = log_uniform(small, top, n - n // 2, rng)
    signs = np.where(rng.uniform(size=mags.size) < 0.5, -1.0, 1.0) if lo < 0 else 1.0
    return np.concatenate([u, np.clip(mags * signs, lo, hi)])


def not_whole(v):
    return v[np.floor(v) != v]


def orders(rng, n, choices=(0.0, 1.0, 2.0, 5.0, 0.5, 1.5, 2.3, 10.0, 31.0, -0.5, -1.3, -2.0, -7.0)):
    return rng.choice(np.array(choices), n)


# Each case: the alkahest function, mpmath's, and a sampler giving the argument arrays (the last
# argument is the variable the derivative test differentiates in).
def _loggamma(rng):
    return (mixed(0.0, 1e6, N_POINTS, rng),)


def _beta(rng):
    a = np.concatenate([rng.uniform(0.01, 40, N_POINTS // 2), not_whole(rng.uniform(-6, 6, N_POINTS // 2))])
    b = np.concatenate([log_uniform(1e-3, 60, N_POINTS // 2, rng), rng.uniform(0.05, 8, a.size - N_POINTS // 2)])
    return a, b


def _zeta(rng):
    s = mixed(-60.0, 60.0, N_POINTS, rng)
    return s[s != 1.0], np.ones(s[s != 1.0].size)


def _hurwitz(rng):
    s = np.concatenate([rng.uniform(1.05, 40, N_POINTS // 2), rng.uniform(-12, 0.95, N_POINTS // 2)])
    return s, log_uniform(0.05, 30, s.size, rng)


def _factorial(rng):
    return (np.concatenate([mixed(0.0, 170.0, N_POINTS // 2, rng), not_whole(rng.uniform(-20, 0, N_POINTS // 2))]),)


def _binomial(rng):
    h = N_POINTS // 2
    n = np.concatenate([rng.uniform(-30, 60, h), rng.uniform(0, 60, h)])
    k = np.concatenate([rng.integers(0, 40, h).astype(float), not_whole(rng.uniform(-5, 40, h))])
    return n[: k.size], k


def _harmonic(rng):
    return (np.concatenate([mixed(0.0, 1e6, N_POINTS // 2, rng), not_whole(rng.uniform(-20, 0, N_POINTS // 2))]),)


def _lambertw0(rng):
    x = np.concatenate([rng.uniform(-INV_E, 10, N_POINTS // 2), log_uniform(1e-300, 1e300, N_POINTS // 2, rng)])
    return x, np.zeros(x.size)


def _lambertw1(rng):
    x = -log_uniform(1e-300, INV_E, N_POINTS, rng)
    return x, -np.ones(x.size)


def _bessel(lo_x, choices=None):
    def sample(rng):
        nu = orders(rng, N_POINTS) if choices is None else orders(rng, N_POINTS, choices)
        x = np.concatenate([rng.uniform(lo_x, 60, N_POINTS // 2), log_uniform(1e-6, 600, N_POINTS - N_POINTS // 2, rng)])
        return nu, x
    return sample


def _incgamma(rng):
    s = np.concatenate([rng.uniform(0.05, 40, N_POINTS // 2), not_whole(rng.uniform(-5, 5, N_POINTS // 2))])
    return s, log_uniform(1e-4, 120, s.size, rng)


def _polylog(rng):
    s = rng.choice(np.array([2.0, 3.0, 4.0, 1.0, 0.0, -1.0, -2.0, 0.5, 1.5, 2.5, -1.5]), N_POINTS)
    wide = (s == np.floor(s))
    z = np.where(wide, rng.uniform(-60, 0.999, N_POINTS), rng.uniform(-0.999, 0.999, N_POINTS))
    return s, z


def _mp_real(v):
    """A real mpmath value as a double; NaN where it is not real (mpmath's complex results carry an
    imaginary part of rounding noise where the value is real)."""
    if isinstance(v, mpmath.mpc):
        if abs(v.imag) > abs(v.real) * mpmath.mpf(10) ** (8 - mpmath.mp.dps) + mpmath.mpf(10) ** -300:
            return math.nan
        v = v.real
    return float(v)


CASES = {
    "loggamma": (ak.loggamma, mpmath.loggamma, _loggamma),
    "beta": (ak.beta, mpmath.beta, _beta),
    "zeta": (ak.zeta, lambda s, a: mpmath.zeta(s), _zeta),
    "zeta_hurwitz": (ak.zeta, mpmath.zeta, _hurwitz),
    "factorial": (ak.factorial, mpmath.factorial, _factorial),
    "binomial": (ak.binomial, mpmath.binomial, _binomial),
    "harmonic": (ak.harmonic, mpmath.harmonic, _harmonic),
    "LambertW": (ak.LambertW, lambda x, k: mpmath.lambertw(x, int(k)), _lambertw0),
    "LambertW_m1": (ak.LambertW, lambda x, k: mpmath.lambertw(x, int(k)), _lambertw1),
    "besselj": (ak.besselj, mpmath.besselj, _bessel(-40.0)),
    "bessely": (ak.bessely, mpmath.bessely, _bessel(0.0)),
    # (mpmath is slow at negative whole orders: I_-n = I_n and K_-nu = K_nu give the same values)
    "besseli": (ak.besseli, lambda nu, x: mpmath.besseli(abs(nu) if nu == int(nu) else nu, x), _bessel(-40.0)),
    # (and at whole orders mpmath's K takes ~50 ms a point: fewer of them there)
    "besselk": (ak.besselk, lambda nu, x: mpmath.besselk(abs(nu), x),
                _bessel(0.0, (0.0, 1.0, 5.0, 0.5, 1.5, 2.3, 7.5, 10.7, 31.2, -0.5, -1.3, -2.6, 0.001))),
    "lowergamma": (ak.lowergamma, lambda s, x: mpmath.gammainc(s, 0, x), _incgamma),
    "uppergamma": (ak.uppergamma, lambda s, x: mpmath.gammainc(s, x), _incgamma),
    "polylog": (ak.polylog, mpmath.polylog, _polylog),
}
# ulps allowed for emit_c and XLA (the paths that have the function)
# (loggamma: 16 ulps where |value| >= 1, an absolute 4e-15 below, near the zeros at 1 and 2.)
OTHER_ULPS = {"loggamma": 16, "zeta": 8, "zeta_hurwitz": 64, "lowergamma": 512, "uppergamma": 512}


def row_of(case):
    return ROWS[CASES[case][0].__name__]


# mpmath's working digits for the reference: 40, or 25 (83 bits, still far beyond a double's
# rounding) where mpmath is slow at 40.
# mpmath's Hurwitz zeta loses digits at large s and a (zeta(15.76, 26.73) is off in the 10th digit
# at 25 digits, zeta(25.73, 29.27) in the 16th at 40): 70 there.
REF_DIGITS = {"besselk": 25, "besseli": 25, "bessely": 25, "polylog": 25, "zeta_hurwitz": 70}


def reference(fn, args, digits=40):
    with mpmath.workdps(digits):
        return np.array([_mp_real(fn(*[mpmath.mpf(float(a)) for a in point])) for point in zip(*args)])


def symbols_for(pool, n):
    return list(pool.symbols("a x")) if n == 2 else [pool.symbol("x")]


@pytest.fixture(scope="module")
def report():
    lines = []
    yield lines
    print("\nspecial function accuracy (max ulps vs the correctly rounded value):")
    for line in lines:
        print("  " + line)


@pytest.fixture(scope="module")
def samples():
    cache = {}

    def get(case):
        if case not in cache:
            fn, mp, sampler = CASES[case]
            args = sampler(np.random.default_rng(zlib.crc32(repr(case).encode())))
            cache[case] = (args, reference(mp, args, REF_DIGITS.get(case, 40)))
        return cache[case]
    return get


def _check_derivative(case, e, x, f, xs):
    """alkahest's d/dx e, compiled (accuracy="high"), against mpmath's numerical derivative of f."""
    d = ak.diff(e, x)
    got = ak.numpy_eval(ak.compile_expr(d, [x], accuracy="high"), xs)
    with mpmath.workdps(30):
        want = np.array([_mp_real(mpmath.diff(f, mpmath.mpf(float(v)))) for v in xs])
    assert np.allclose(got, want, rtol=1e-10, atol=1e-300), (case, str(d), xs[~np.isclose(got, want, rtol=1e-10)])


@pytest.mark.parametrize("case", sorted(CASES))
def test_values_against_mpmath(case, samples, report):
    fn = CASES[case][0]
    args, want = samples(case)
    pool = ak.ExprPool()
    syms = symbols_for(pool, len(args))
    e = fn(*syms)
    real = np.isfinite(want)
    assert real.sum() >= 1000, (case, real.sum())
    measured = {}
    for acc in ("default", "high"):
        got = ak.numpy_eval(ak.compile_expr(e, syms, backend="interp", accuracy=acc), *args)
        err = ulps(got, want)
        worst = int(np.argmax(np.where(real, err, 0)))
        measured[acc] = err[real].max()
        assert measured[acc] <= 1.0, (case, acc, measured[acc], [a[worst] for a in args], got[worst], want[worst])
        # where mpmath's value is not real (or is a pole), alkahest's double is NaN or infinite
        assert not np.isfinite(got[np.isnan(want)]).any(), (case, [a[np.isnan(want)][:5] for a in args])
        if _core._jit_available():
            jit = ak.numpy_eval(ak.compile_expr(e, syms, backend="llvm", accuracy=acc), *args)
            assert np.array_equal(jit, got, equal_nan=True), (case, acc)
    measured["correctly rounded"] = f"{np.mean(ulps(got, want)[real] <= 0.5) * 100:.2f}%"
    if row_of(case)[3]:  # emit_c: the C library's function through the row's helper
        from emitted import batch_fn, compile_c

        lib = compile_c(ak.emit_c(e, syms, fn_name="g", batch=True, includes=True))
        out = np.empty_like(args[0])
        batch_fn(lib, "g_batch", len(args))(*args, out, len(out))
        measured["C"] = ulps(out, want)[real].max()
        assert measured["C"] <= OTHER_ULPS[case], (case, "emit_c", measured["C"])
        assert not np.isfinite(out[np.isnan(want)]).any()
    report.append(f"{case}: " + ", ".join(f"{k} {v if isinstance(v, str) else f'{v:.2f}'}" for k, v in measured.items()))


def _xla_domain(case, args):
    """The points where XLA's function is defined (NaN elsewhere, which the test checks too)."""
    if case.startswith("zeta"):
        return (args[0] > 1) & (args[1] > 0)
    if case in ("lowergamma", "uppergamma"):
        return args[0] > 0
    return np.ones(args[0].size, dtype=bool)


@pytest.mark.parametrize("case", sorted(c for c in CASES if CASES[c][0].__name__ in {"loggamma", "zeta", "lowergamma",
                                                                                     "uppergamma"}))
def test_jax_under_jit(case, samples, report):
    jax = pytest.importorskip("jax")
    fn = CASES[case][0]
    args, want = samples(case)
    pool = ak.ExprPool()
    syms = symbols_for(pool, len(args))
    e = fn(*syms)
    with jax.enable_x64(True):
        got = np.asarray(jax.jit(ak.to_jax(e, syms))(*args))
    inside = _xla_domain(case, args) & np.isfinite(want)
    if case == "loggamma":  # lgamma's absolute error near its zeros at 1 and 2 is what XLA bounds
        small = inside & (np.abs(want) < 1)
        abs_err = np.abs(got - want)[small].max()
        report.append(f"{case}: XLA absolute error {abs_err:.2e} where |value| < 1")
        assert abs_err <= 4e-15, (case, "XLA", abs_err)
        inside &= ~small
    err = ulps(got, want)[inside]
    report.append(f"{case}: XLA (to_jax under jit) {err.max():.2f} ulps on {inside.sum()} points")
    assert inside.sum() >= 300
    assert err.max() <= OTHER_ULPS[case], (case, "XLA", err.max())
    assert not np.isfinite(got[np.isnan(want)]).any(), case  # never a real value where there is none


def test_stablehlo_spellings():
    pool = ak.ExprPool()
    a, x = pool.symbols("a x")
    assert "chlo.lgamma" in ak.to_stablehlo(ak.loggamma(x), [x], shape=3)
    assert "chlo.zeta" in ak.to_stablehlo(ak.zeta(a, x), [a, x], shape=3)


NO_C = ["beta", "zeta", "factorial", "binomial", "harmonic", "LambertW", "besselj", "bessely", "besseli", "besselk",
        "lowergamma", "uppergamma", "polylog"]
NO_HLO = ["beta", "factorial", "binomial", "harmonic", "LambertW", "besselj", "bessely", "besseli", "besselk",
          "lowergamma", "uppergamma", "polylog"]


@pytest.mark.parametrize("name", NO_C)
def test_emit_c_refuses(name):
    pool = ak.ExprPool()
    x = pool.symbol("x")
    e = getattr(ak, name)(x) if ROWS[name][1] == 1 else getattr(ak, name)(pool.float(0.25), x)
    with pytest.raises(ValueError, match=f"emit_c: C's <math.h> has no '{name}'"):
        ak.emit_c(e, [x])


@pytest.mark.parametrize("name", NO_HLO)
def test_stablehlo_refuses(name):
    pool = ak.ExprPool()
    x = pool.symbol("x")
    e = getattr(ak, name)(x) if ROWS[name][1] == 1 else getattr(ak, name)(pool.float(0.25), x)
    with pytest.raises(ValueError, match=f"StableHLO and CHLO have no op for '{name}'"):
        ak.to_stablehlo(e, [x], shape=3)


# --- derivatives ---------------------------------------------------------------------------------

DERIV = {  # case -> fixed first argument (None: one-argument function) and points of the variable
    "loggamma": (None, np.linspace(0.05, 40, 40)),
    "factorial": (None, np.linspace(-0.95, 30, 40)),
    "harmonic": (None, np.linspace(-0.9, 50, 40)),
    "beta": (2.5, np.linspace(0.1, 20, 40)),
    "zeta_hurwitz": (3.5, np.linspace(0.1, 20, 40)),
    "binomial": (7.3, np.linspace(-2.5, 9.5, 40)),
    "LambertW": (None, np.linspace(-0.36, 50, 40)),
    "LambertW_m1": (None, -np.geomspace(1e-6, 0.36, 40)),
    "besselj": (2.3, np.linspace(0.1, 40, 40)),
    "bessely": (0.7, np.linspace(0.1, 40, 40)),
    "besseli": (1.5, np.linspace(0.1, 40, 40)),
    "besselk": (3.0, np.linspace(0.1, 40, 40)),
    "lowergamma": (2.7, np.linspace(0.05, 30, 40)),
    "uppergamma": (-1.5, np.linspace(0.05, 30, 40)),
    "polylog": (2.5, np.linspace(-20, 0.95, 40)),
}


@pytest.mark.parametrize("case", sorted(DERIV))
def test_derivative_against_numerical(case):
    fn, mp, _ = CASES[case]
    first, xs = DERIV[case]
    pool = ak.ExprPool()
    x = pool.symbol("x")
    if case == "LambertW":
        e, f = fn(x), (lambda v: mpmath.lambertw(v).real)
    elif case == "LambertW_m1":
        e, f = fn(x, -1), (lambda v: mpmath.lambertw(v, -1).real)
    elif first is None:
        e, f = fn(x), mp
    else:
        e, f = fn(pool.float(first), x), (lambda v: mp(mpmath.mpf(first), v))
    _check_derivative(case, e, x, f, xs)


@pytest.mark.parametrize("case, second, xs", [
    ("beta", 2.5, np.linspace(0.1, 20, 40)), ("beta", 0.3, np.concatenate([np.linspace(-2.65, -2.45, 5), np.linspace(0.1, 9, 35)])),
    ("binomial", 7.3, np.linspace(-0.9, 9.5, 40)), ("binomial", -2.5, np.linspace(-0.4, 6.6, 40))])
def test_derivative_in_the_first_argument(case, second, xs):
    """beta(x, b) and binomial(n, x) (in k): their closed forms with digamma against mpmath."""
    fn, mp, _ = CASES[case]
    pool = ak.ExprPool()
    x = pool.symbol("x")
    if case == "beta":
        e, f = fn(x, pool.float(second)), (lambda v: mp(v, mpmath.mpf(second)))
    else:
        e, f = fn(pool.float(second), x), (lambda v: mp(mpmath.mpf(second), v))
    _check_derivative(case, e, x, f, xs)


def test_derivative_rules():
    pool = ak.ExprPool()
    x, s = pool.symbols("x s")
    assert ak.diff(ak.loggamma(x), x) == ak.polygamma(0, x)
    assert ak.diff(ak.digamma(x), x) == ak.polygamma(1, x)
    w = ak.LambertW(x)
    assert ak.diff(w, x) == w / (x * (1 + w))
    assert ak.diff(ak.polylog(s, x), x) == ak.polylog(s - 1, x) / x
    assert ak.diff(ak.lowergamma(s, x), x) == x ** (s - 1) * ak.exp(-x)
    assert ak.diff(ak.uppergamma(s, x), x) == -x ** (s - 1) * ak.exp(-x)
    assert ak.diff(ak.besselj(s, x), x) == (ak.besselj(s - 1, x) - ak.besselj(s + 1, x)) / 2
    assert ak.diff(ak.zeta(s, x), x) == -s * ak.zeta(s + 1, x)
    # d/dx polylog(2, x) = -log(1 - x)/x (polylog(1, x) folds)
    assert ak.diff(ak.polylog(2, x), x) == -ak.log(1 - x) / x


@pytest.mark.parametrize("make, what", [
    (lambda x: ak.LambertW(x, x), "branch k"), (lambda x: ak.zeta(x, 2), "in its s"),
    (lambda x: ak.besselj(x, 2), "order nu"), (lambda x: ak.bessely(x, 2), "order nu"),
    (lambda x: ak.besseli(x, 2), "order nu"), (lambda x: ak.besselk(x, 2), "order nu"),
    (lambda x: ak.lowergamma(x, 2), "parameter s"), (lambda x: ak.uppergamma(x, 2), "parameter s"),
    (lambda x: ak.polylog(x, x), "order s")])
def test_derivative_in_an_order_refuses(make, what):
    pool = ak.ExprPool()
    x = pool.symbol("x")
    with pytest.raises(ValueError, match=f"not differentiable.*{what}"):
        ak.diff(make(x), x)


# --- SymPy, text ----------------------------------------------------------------------------------

def test_sympy_round_trip():
    sp = pytest.importorskip("sympy")
    pool = ak.ExprPool()
    x, y = pool.symbols("x y")
    X, Y = sp.symbols("x y", real=True)
    cases = [
        (ak.loggamma(x), sp.loggamma(X)), (ak.beta(x, y), sp.beta(X, Y)), (ak.zeta(x), sp.zeta(X)),
        (ak.zeta(x, y), sp.zeta(X, Y)), (ak.factorial(x), sp.factorial(X)), (ak.binomial(x, y), sp.binomial(X, Y)),
        (ak.harmonic(x), sp.harmonic(X)), (ak.LambertW(x), sp.LambertW(X)), (ak.LambertW(x, -1), sp.LambertW(X, -1)),
        (ak.besselj(x, y), sp.besselj(X, Y)), (ak.bessely(x, y), sp.bessely(X, Y)),
        (ak.besseli(x, y), sp.besseli(X, Y)), (ak.besselk(x, y), sp.besselk(X, Y)),
        (ak.lowergamma(x, y), sp.lowergamma(X, Y)), (ak.uppergamma(x, y), sp.uppergamma(X, Y)),
        (ak.polylog(x, y), sp.polylog(X, Y)), (ak.digamma(x), sp.digamma(X)),
    ]
    for e, s in cases:
        e = 3 * e + x
        s = 3 * s + X
        assert ak.to_sympy(e, real=True) == s, (str(e), ak.to_sympy(e))
        assert ak.from_sympy(s, pool) == e, str(e)
        assert ak.parse(str(e), pool) == e, str(e)
    # SymPy's own spellings: LambertW(x, 0) is LambertW(x), zeta(x, 1) is zeta(x), digamma is polygamma(0, x)
    assert ak.from_sympy(sp.zeta(X, 1), pool) == ak.zeta(x)
    assert ak.from_sympy(sp.LambertW(X, 0), pool) == ak.LambertW(x)
    assert ak.from_sympy(sp.polygamma(2, sp.Rational(1, 2)), pool) == -14 * ak.zeta(pool.integer(3))


def test_default_last_argument():
    pool = ak.ExprPool()
    x = pool.symbol("x")
    assert ak.LambertW(x) == ak.LambertW(x, 0) and str(ak.LambertW(x)) == "LambertW(x)"
    assert str(ak.LambertW(x, -1)) == "LambertW(x, -1)"
    assert ak.zeta(x) == ak.zeta(x, 1) and str(ak.zeta(x, 1)) == "zeta(x)" and str(ak.zeta(x, 2)) == "zeta(x, 2)"
    assert ak.parse("LambertW(x) + zeta(x)", pool) == ak.LambertW(x, 0) + ak.zeta(x, 1)
    assert ak.LambertW(x).node().args == (x, pool.integer(0))
    with pytest.raises(ak.ParseError, match="takes 2 arguments"):
        ak.parse("besselj(x)", pool)
    with pytest.raises(TypeError, match="takes 2 arguments"):
        ak.besselj(x)
    import pickle
    e = ak.LambertW(x) + ak.zeta(x, 3)
    assert str(pickle.loads(pickle.dumps(e))) == str(e) == "LambertW(x) + zeta(x, 3)"


def test_digamma_is_polygamma_zero():
    pool = ak.ExprPool()
    x = pool.symbol("x")
    assert ak.digamma(x) == ak.polygamma(0, x)
    assert str(ak.digamma(x)) == "polygamma(0, x)"
    assert ak.parse("digamma(x)", pool) == ak.polygamma(0, x)


# --- exact values ---------------------------------------------------------------------------------

def test_exact_values():
    pool = ak.ExprPool()
    x = pool.symbol("x")
    i, r = pool.integer, pool.rational
    pi, E, eg = pool.pi, pool.E, pool.EulerGamma
    zoo, oo = ak.parse("zoo", pool), ak.parse("oo", pool)
    checks = [
        (ak.factorial(i(5)), i(120)), (ak.factorial(i(0)), i(1)), (ak.factorial(i(-1)), zoo),
        (ak.binomial(i(5), i(2)), i(10)), (ak.binomial(x, i(0)), i(1)), (ak.binomial(x, i(1)), x),
        (ak.binomial(i(-2), i(3)), i(-4)), (ak.binomial(r(1, 2), i(2)), r(-1, 8)), (ak.binomial(i(5), i(-1)), i(0)),
        (ak.binomial(i(5), i(7)), i(0)),
        (ak.harmonic(i(3)), r(11, 6)), (ak.harmonic(i(0)), i(0)), (ak.harmonic(oo), oo),
        (ak.zeta(i(2)), pi ** 2 / 6), (ak.zeta(i(4)), pi ** 4 / 90), (ak.zeta(i(0)), r(-1, 2)),
        (ak.zeta(i(-1)), r(-1, 12)), (ak.zeta(i(-2)), i(0)), (ak.zeta(i(-3)), r(1, 120)), (ak.zeta(i(1)), zoo),
        (ak.zeta(oo), i(1)), (ak.zeta(i(2), i(2)), pi ** 2 / 6 - 1), (ak.zeta(i(0), i(3)), r(-5, 2)),
        (ak.zeta(i(-3), i(2)), r(-119, 120)),
        (ak.loggamma(i(1)), i(0)), (ak.loggamma(i(2)), i(0)), (ak.loggamma(i(3)), ak.log(i(2))), (ak.loggamma(oo), oo),
        (ak.digamma(i(1)), -eg), (ak.digamma(i(2)), 1 - eg), (ak.digamma(r(1, 2)), -eg - 2 * ak.log(i(2))),
        (ak.polygamma(1, i(1)), pi ** 2 / 6), (ak.polygamma(3, i(2)), 6 * (pi ** 4 / 90 - 1)),
        (ak.polygamma(0, oo), oo), (ak.polygamma(1, oo), i(0)),
        (ak.beta(i(1), i(1)), i(1)), (ak.beta(i(2), i(3)), r(1, 12)),
        (ak.LambertW(i(0)), i(0)), (ak.LambertW(E), i(1)), (ak.LambertW(-1 / E), i(-1)),
        (ak.LambertW(-1 / E, -1), i(-1)), (ak.LambertW(i(0), -1), -oo), (ak.LambertW(oo), oo),
        (ak.LambertW(-ak.log(i(2)) / 2), -ak.log(i(2))), (ak.LambertW(-ak.log(i(2)) / 2, -1), -2 * ak.log(i(2))),
        (ak.polylog(i(2), i(1)), pi ** 2 / 6), (ak.polylog(x, i(0)), i(0)), (ak.polylog(i(1), x), -ak.log(1 - x)),
        (ak.polylog(i(0), x), x / (1 - x)), (ak.polylog(i(-1), x), x / (1 - x) ** 2),
        (ak.polylog(i(2), i(-1)), -pi ** 2 / 12), (ak.polylog(i(1), i(-1)), -ak.log(i(2))),
        (ak.polylog(i(2), r(1, 2)), pi ** 2 / 12 - ak.log(i(2)) ** 2 / 2), (ak.polylog(i(3), i(1)), ak.zeta(i(3))),
        (ak.besselj(i(0), i(0)), i(1)), (ak.besselj(i(1), i(0)), i(0)), (ak.besseli(i(0), i(0)), i(1)),
        (ak.bessely(i(0), i(0)), -oo), (ak.besselk(i(0), i(0)), oo),
        (ak.lowergamma(i(1), x), 1 - ak.exp(-x)), (ak.uppergamma(i(1), x), ak.exp(-x)),
        (ak.lowergamma(i(2), x), 1 - (x + 1) * ak.exp(-x)), (ak.uppergamma(i(2), x), (x + 1) * ak.exp(-x)),
        (ak.uppergamma(r(1, 2), x), ak.sqrt(pi) * ak.erfc(ak.sqrt(x))),
        (ak.uppergamma(r(7, 3), i(0)), ak.gamma(r(7, 3))), (ak.lowergamma(r(7, 3), i(0)), i(0)),
    ]
    for got, want in checks:
        assert got == want, (str(got), str(want))
    # polygamma of an even order >= 2 stays (its value, -2 zeta(3) at 1, would hold zeta(3), which no
    # compiled backend has); uppergamma(s, 0) = gamma(s) only for s > 0; else it stays
    assert ak.polygamma(2, i(1)).node().op == "polygamma"
    assert ak.uppergamma(x, i(0)).node().op == "uppergamma"
    y = pool.symbol("y", positive=True)
    assert ak.uppergamma(y, i(0)) == ak.gamma(y)


def test_exact_values_agree_with_sympy():
    sp = pytest.importorskip("sympy")
    pool = ak.ExprPool()
    X = sp.Symbol("x")
    x = pool.symbol("x")
    i = pool.integer
    pairs = [(ak.factorial(i(7)), sp.factorial(7)), (ak.binomial(i(-3), i(4)), sp.binomial(-3, 4)),
             (ak.harmonic(i(5)), sp.harmonic(5)), (ak.zeta(i(6)), sp.zeta(6)), (ak.zeta(i(-5)), sp.zeta(-5)),
             (ak.zeta(i(2), i(3)), sp.zeta(2, 3)), (ak.loggamma(i(5)), sp.loggamma(5)),
             (ak.polygamma(0, i(4)), sp.polygamma(0, 4)), (ak.polygamma(3, i(2)), sp.polygamma(3, 2)),
             (ak.polygamma(2, i(3)), sp.polygamma(2, 3)),
             (ak.beta(i(3), i(4)), sp.beta(3, 4)), (ak.LambertW(pool.E), sp.LambertW(sp.E)),
             (ak.polylog(i(2), i(-1)), sp.polylog(2, -1)), (ak.polylog(i(4), i(-1)), sp.polylog(4, -1)),
             (ak.lowergamma(i(3), x), sp.lowergamma(3, X)), (ak.uppergamma(i(4), x), sp.uppergamma(4, X)),
             (ak.zeta(i(3)), sp.zeta(3)), (ak.zeta(i(2), pool.rational(1, 2)), sp.zeta(2, sp.Rational(1, 2)))]
    for ours, theirs in pairs:
        assert sp.simplify(ak.to_sympy(ours) - theirs) == 0, (str(ours), theirs)
        assert sp.simplify(ak.to_sympy(ak.from_sympy(theirs, pool)) - theirs) == 0, theirs


def test_facts():
    pool = ak.ExprPool()
    p = pool.symbol("p", positive=True)
    x = pool.symbol("x")
    assert ak.LambertW(p).is_positive is True
    assert ak.beta(p, p).is_positive is True
    assert ak.besselk(x, p).is_positive is True
    assert ak.lowergamma(p, p).is_positive is True
    assert ak.loggamma(p).is_real is True
    assert ak.loggamma(x).is_real is None
    assert ak.factorial(pool.symbol("n", integer=True, nonnegative=True)).is_positive is True
    assert ak.polylog(x, -p).is_real is True


# --- evalf ---------------------------------------------------------------------------------------

def _check_evalf(expr, want, digits=50):
    v = ak.N(expr, digits)
    with mpmath.workdps(60):
        got = mpmath.mpc(mpmath.mpf(str(v.real)), mpmath.mpf(str(v.imag)))
        want = mpmath.mpc(want)
        assert abs(got - want) <= abs(want) * mpmath.mpf(10) ** -48 + mpmath.mpf(10) ** -60, (str(expr), v, want)


def test_evalf_real_points():
    pool = ak.ExprPool()
    q = pool.rational
    m = mpmath.mpf
    with mpmath.workdps(60):
        cases = [
            (ak.loggamma(q(7, 3)), mpmath.loggamma(m(7) / 3)), (ak.loggamma(q(-7, 3)), mpmath.loggamma(m(-7) / 3)),
            (ak.beta(q(1, 3), q(5, 2)), mpmath.beta(m(1) / 3, m(5) / 2)),
            (ak.zeta(q(1, 2)), mpmath.zeta(m(1) / 2)), (ak.zeta(pool.integer(3)), mpmath.zeta(3)),
            (ak.zeta(q(5, 2), q(1, 3)), mpmath.zeta(m(5) / 2, m(1) / 3)),
            (ak.factorial(q(7, 2)), mpmath.factorial(m(7) / 2)),
            (ak.binomial(q(17, 3), q(5, 4)), mpmath.binomial(m(17) / 3, m(5) / 4)),
            (ak.binomial(q(-17, 3), pool.integer(6)), mpmath.binomial(m(-17) / 3, 6)),
            (ak.harmonic(q(5, 2)), mpmath.harmonic(m(5) / 2)),
            (ak.LambertW(q(3, 2)), mpmath.lambertw(m(3) / 2)), (ak.LambertW(q(-1, 5), -1), mpmath.lambertw(m(-1) / 5, -1)),
            (ak.LambertW(q(-1, 5), 1), mpmath.lambertw(m(-1) / 5, 1)),
            (ak.besselj(q(1, 3), q(17, 2)), mpmath.besselj(m(1) / 3, m(17) / 2)),
            (ak.bessely(pool.integer(2), q(3, 7)), mpmath.bessely(2, m(3) / 7)),
            (ak.besseli(q(5, 2), q(9, 4)), mpmath.besseli(m(5) / 2, m(9) / 4)),
            (ak.besselk(q(-1, 3), q(11, 5)), mpmath.besselk(m(-1) / 3, m(11) / 5)),
            (ak.lowergamma(q(7, 3), q(5, 2)), mpmath.gammainc(m(7) / 3, 0, m(5) / 2)),
            (ak.uppergamma(q(-7, 3), q(5, 2)), mpmath.gammainc(m(-7) / 3, m(5) / 2)),
            (ak.polylog(q(5, 2), q(-3, 4)), mpmath.polylog(m(5) / 2, m(-3) / 4)),
            (ak.polylog(pool.integer(3), pool.integer(5)), mpmath.polylog(3, 5)),
        ]
    for e, want in cases:
        _check_evalf(e, want)


def test_evalf_complex_points():
    pool = ak.ExprPool()
    q, I = pool.rational, pool.I
    m = mpmath.mpf
    with mpmath.workdps(60):
        z = mpmath.mpc(m(1) / 3, m(2))
        cases = [
            (ak.loggamma(q(1, 3) + 2 * I), mpmath.loggamma(z)), (ak.zeta(q(1, 3) + 2 * I), mpmath.zeta(z)),
            (ak.LambertW(q(1, 3) + 2 * I), mpmath.lambertw(z)), (ak.LambertW(q(1, 3) + 2 * I, -1), mpmath.lambertw(z, -1)),
            (ak.besselj(pool.integer(2), q(1, 3) + 2 * I), mpmath.besselj(2, z)),
            (ak.polylog(pool.integer(2), q(1, 3) + 2 * I), mpmath.polylog(2, z)),
            (ak.factorial(q(1, 3) + 2 * I), mpmath.factorial(z)), (ak.harmonic(q(1, 3) + 2 * I), mpmath.harmonic(z)),
            (ak.uppergamma(q(3, 2), q(1, 3) + 2 * I), mpmath.gammainc(m(3) / 2, z)),
            (ak.beta(q(1, 3) + 2 * I, q(5, 2)), mpmath.beta(z, m(5) / 2)),
        ]
    for e, want in cases:
        _check_evalf(e, want)


def test_evalf_refuses_bad_orders_and_poles():
    pool = ak.ExprPool()
    with pytest.raises(ValueError, match="branch index k must be an exact integer"):
        ak.N(ak.LambertW(pool.integer(1), pool.rational(1, 2)), 20)
    with pytest.raises(ValueError, match="no finite enclosure"):
        ak.N(ak.beta(pool.integer(-1), pool.rational(1, 2)), 20)
    with pytest.raises(ValueError, match="no finite enclosure"):
        ak.N(ak.zeta(pool.integer(1), pool.pi), 20)


def test_numeric_special_points():
    pool = ak.ExprPool()
    a, x = pool.symbols("a x")

    def at(e, *vals):
        return float(ak.numpy_eval(ak.compile_expr(e, [a, x]), *[np.array([v]) for v in vals])[0])

    inf = math.inf
    with mpmath.workdps(40):
        zeta2, fact = float(mpmath.zeta(2)), float(mpmath.factorial(mpmath.mpf(170.5)))
    assert at(ak.loggamma(x), 0, 0.0) == inf and math.isnan(at(ak.loggamma(x), 0, -2.5))
    assert at(ak.loggamma(x), 0, 1.0) == 0.0 and at(ak.loggamma(x), 0, 2.0) == 0.0
    assert math.isnan(at(ak.zeta(x), 0, 1.0)) and at(ak.zeta(x), 0, 1e6) == 1.0 and at(ak.zeta(x), 0, -2.0) == 0.0
    assert at(ak.LambertW(x, a), 0, 0.0) == 0.0 and at(ak.LambertW(x, a), -1, 0.0) == -inf
    assert math.isnan(at(ak.LambertW(x, a), 1, 0.5)) and math.isnan(at(ak.LambertW(x, a), -1, 0.5))
    assert math.isnan(at(ak.LambertW(x, a), 0, -0.5))
    assert at(ak.besselj(a, x), 0, 0.0) == 1.0 and at(ak.besselj(a, x), 2.5, 0.0) == 0.0
    assert at(ak.bessely(a, x), 1, 0.0) == -inf and at(ak.besselk(a, x), 1, 0.0) == inf
    assert math.isnan(at(ak.besselj(a, x), 0.5, -1.0)) and at(ak.besselj(a, x), 2, -1.0) == at(ak.besselj(a, x), 2, 1.0)
    assert at(ak.uppergamma(a, x), 3, 0.0) == 2.0 and at(ak.lowergamma(a, x), 3, math.inf) == 2.0
    assert at(ak.uppergamma(a, x), 3, math.inf) == 0.0
    assert at(ak.polylog(a, x), 2, 1.0) == zeta2 and at(ak.polylog(a, x), 1, 1.0) == inf
    assert math.isnan(at(ak.polylog(a, x), 2, 2.0)) and at(ak.polylog(a, x), -2, 3.0) == -1.5
    assert math.isnan(at(ak.factorial(x), 0, -3.0)) and at(ak.factorial(x), 0, 170.5) == fact
    assert at(ak.binomial(a, x), -2, 3) == -4.0 and at(ak.binomial(a, x), 5, -1) == 0.0
    assert math.isnan(at(ak.binomial(a, x), -2, -1))
    assert at(ak.harmonic(x), 0, 0.0) == 0.0 and math.isnan(at(ak.harmonic(x), 0, -2.0))
