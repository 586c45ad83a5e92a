"""Compiling and running what the exporters emit, shared by the exporter, CLI and differential
tests: C through the system C compiler and ctypes, StableHLO through jaxlib's XLA (CPU)."""

from __future__ import annotations

import atexit
import zlib
import ctypes
import os
import shutil
import subprocess
import tempfile

import numpy as np

import alkahest as ak

# The C compiler is a build dependency (Debian gcc, installed by the Makefile), so it is required.
CC = shutil.which("cc") or shutil.which("gcc")

# ---------------------------------------------------------------------------------------------
# Helpers: compile C, run StableHLO, compare
# ---------------------------------------------------------------------------------------------

_tmp = tempfile.mkdtemp(prefix="alkahest-emit-c-")
atexit.register(shutil.rmtree, _tmp, ignore_errors=True)
_count = [0]


def compile_c(source: str) -> ctypes.CDLL:
    """Compiles `source` into a shared library (warnings are errors) and loads it."""
    assert CC is not None, "no C compiler (cc or gcc) on PATH: `make deps` installs gcc"
    _count[0] += 1
    base = os.path.join(_tmp, f"m{_count[0]}")
    with open(base + ".c", "w") as fh:
        fh.write(source)
    cmd = [CC, "-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O2", "-ffp-contract=off",
           "-fPIC", "-shared", base + ".c", "-o", base + ".so", "-lm"]
    res = subprocess.run(cmd, capture_output=True, text=True)
    assert res.returncode == 0, res.stderr + "\n" + source
    return ctypes.CDLL(base + ".so")


def scalar_fn(lib, name, n_in, ctype=ctypes.c_double):
    fn = getattr(lib, name)
    fn.restype = ctype
    fn.argtypes = [ctype] * n_in
    return fn


def batch_fn(lib, name, n_in, dtype=np.float64):
    fn = getattr(lib, name)
    fn.restype = None
    ptr = np.ctypeslib.ndpointer(dtype=dtype, flags="C_CONTIGUOUS")
    fn.argtypes = [ptr] * (n_in + 1) + [ctypes.c_size_t]
    return fn


def run_stablehlo(text: str, *arrays):
    import jax
    from jax.extend import backend

    cpu = backend.get_backend("cpu")
    dump = os.environ.get("ALKAHEST_STABLEHLO_DUMP")
    if dump:  # the module XLA is about to compile survives a crash inside XLA (make oracle sets it)
        with open(dump, "w") as fh:
            fh.write(text)
    exe = cpu.compile_and_load(text, cpu.devices()[:1])
    with jax.enable_x64(True):  # float64 arguments stay float64 (float32 ones stay float32)
        args = [jax.device_put(np.asarray(a), cpu.devices()[0]) for a in arrays]
        return [np.asarray(o) for o in exe.execute(args)]


def close(got, want, rtol, slack=0.0):
    """Relative agreement where `want` is finite (floored at 1e-3 of the largest |want|, so that
    values that cancel to ~0 are judged against the expression's scale), each point also allowed
    `slack` (a number or one per point) absolute; same NaN/inf elsewhere."""
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    ok = np.isfinite(want)
    if not np.array_equal(np.isnan(got[~ok]), np.isnan(want[~ok])):
        return False
    if not np.array_equal(got[~ok & ~np.isnan(want)], want[~ok & ~np.isnan(want)]):
        return False
    scale = max(1.0, float(np.max(np.abs(want[ok])))) if ok.any() else 1.0
    tol = rtol * np.maximum(np.abs(want[ok]), scale * 1e-3) + np.broadcast_to(slack, want.shape)[ok]
    return bool(np.all(np.abs(got[ok] - want[ok]) <= tol))


def op_cases(pool):
    """(name, expression over x, y) for every op of the table, at arguments inside its domain for
    x, y in [-BOX, BOX] (BOX = 2.5)."""
    x, y = pool.symbols("x y")
    u = ak.sin(x) / 2  # in [-0.5, 0.5]: inside asin/acos's domain, and tan's
    pos = x * x + 1
    return [
        ("sin", ak.sin(x)), ("cos", ak.cos(x)), ("tan", ak.tan(u)), ("sinh", ak.sinh(x)),
        ("cosh", ak.cosh(x)), ("tanh", ak.tanh(x)), ("asin", ak.asin(u)), ("acos", ak.acos(u)),
        ("atan", ak.atan(x)), ("atan2", ak.atan2(y, x)), ("exp", ak.exp(x)), ("log", ak.log(pos)),
        ("abs", abs(x)), ("sign", ak.sign(x * y)), ("floor", ak.floor(x * 3)), ("ceil", ak.ceiling(x * 3)),
        ("erf", ak.erf(x)), ("erfc", ak.erfc(x)), ("gamma", ak.gamma(x)), ("polygamma0", ak.polygamma(0, x)),
        ("polygamma1", ak.polygamma(1, pos)), ("polygamma3", ak.polygamma(3, x)),
        ("polygamma_n", ak.polygamma(ak.floor(abs(y) * 2), pos)),
        ("sqrt", ak.sqrt(pos)), ("pow", pos ** y), ("pow_int", x ** 7 - x ** -3),
        ("div_neg", -x / (y * y + 0.5)),
    ]


def random_case(tree, n):
    """An exprgen tree built over x, y in a fresh pool, with n random points in [-2.5, 2.5]**2
    drawn from a seed the expression's text fixes (reproducible across runs): (expr, [x, y], xs,
    ys), or None when the tree is a bare Python number."""
    from exprgen import BOX, build

    pool = ak.ExprPool()
    syms = list(pool.symbols("x y"))
    e = build(tree, pool, syms)
    if not isinstance(e, ak.Expr):
        return None
    rng = np.random.default_rng(zlib.crc32(str(e).encode()))
    return e, syms, rng.uniform(-BOX, BOX, n), rng.uniform(-BOX, BOX, n)
