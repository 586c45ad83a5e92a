"""The ``alkahest`` command line, run as a subprocess (``python -m alkahest``): every subcommand,
its --help, and its error paths (one line on stderr, non-zero exit). What emit-c and
emit-stablehlo print is compiled and run."""

from __future__ import annotations

import ctypes
import math
import os
import subprocess
import sys

import numpy as np
import pytest

import alkahest as ak

SUBCOMMANDS = ["diff", "eval", "emit-c", "emit-stablehlo", "bench"]


def cli(*args, check=True):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([os.path.dirname(os.path.dirname(ak.__file__))] +
                                        ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    res = subprocess.run([sys.executable, "-m", "alkahest", *args], capture_output=True, text=True,
                         env=env, timeout=120)
    if check:
        assert res.returncode == 0, res.stderr
    return res


def assert_error(res, status, *fragments):
    assert res.returncode == status, (res.returncode, res.stdout, res.stderr)
    lines = res.stderr.strip().splitlines()
    if status == 1:  # our errors: exactly one line, no traceback
        assert len(lines) == 1 and lines[0].startswith("alkahest: error: "), res.stderr
    else:  # argparse's usage errors: the usage, then "alkahest[ sub]: error: ..."
        assert lines and lines[-1].startswith("alkahest") and ": error: " in lines[-1], res.stderr
    for frag in fragments:
        assert frag in lines[-1], res.stderr
    assert res.stdout == ""


def test_diff():
    assert cli("diff", "sin(x)**2", "x").stdout.strip() == "2*cos(x)*sin(x)"
    assert cli("diff", "x**3*y", "x", "x", "y").stdout.strip() == "6*x"


def test_eval():
    assert cli("eval", "x*y+1", "--vars", "x,y", "--at", "1,2").stdout.strip() == "3.0"
    assert cli("eval", "x+1", "x*y", "--at", "3,0.5").stdout.split() == ["4.0", "1.5"]
    assert cli("eval", "1/x", "--at", "0").stdout.strip() == "inf"
    assert cli("eval", "2**10").stdout.strip() == "1024.0"


def test_emit_c_compiles(tmp_path):
    from emitted import CC

    out = cli("emit-c", "sin(x)*exp(-x)", "--vars", "x", "--name", "damped_sin").stdout
    assert "double damped_sin(double x) { return sin(x) * exp(-x); }" in out
    assert out.startswith("#include <math.h>")
    both = cli("emit-c", "x*y", "x+y", "--name", "k", "--dtype", "f32", "--batch").stdout
    assert "void k(float x, float y, float *out)" in both and "k_batch" in both
    (tmp_path / "k.c").write_text(out)
    subprocess.run([CC, "-std=c99", "-Wall", "-Werror", "-shared", "-fPIC", str(tmp_path / "k.c"), "-o",
                    str(tmp_path / "k.so"), "-lm"], check=True)
    fn = ctypes.CDLL(str(tmp_path / "k.so")).damped_sin
    fn.restype, fn.argtypes = ctypes.c_double, [ctypes.c_double]
    assert math.isclose(fn(0.7), math.sin(0.7) * math.exp(-0.7), rel_tol=1e-15)


def test_emit_stablehlo_compiles():
    from emitted import run_stablehlo

    text = cli("emit-stablehlo", "x*y + 1", "--vars", "x,y", "--shape", "2x3", "--name", "k").stdout
    assert "@k(%arg0: tensor<2x3xf64>, %arg1: tensor<2x3xf64>)" in text
    a, b = np.arange(6.0).reshape(2, 3), np.full((2, 3), 2.0)
    (got,) = run_stablehlo(text, a, b)
    assert np.array_equal(got, a * b + 1)
    assert "tensor<f32>" in cli("emit-stablehlo", "x", "--dtype", "f32").stdout


def test_bench():
    out = cli("bench", "sin(x)**2 + x", "--n", "1e4", "--repeat", "2", "--threads", "1").stdout
    assert "10000 points" in out
    assert "numpy" in out and "interp" in out and "x numpy" in out
    assert "ns/point" in out
    res = cli("bench", "x*2", "--n", "1e3", "--repeat", "3", "--backend", "interp", "--progress")
    assert "interp:" in res.stderr and "/3 [" in res.stderr  # tqdm's bar, on stderr
    assert "interp:" not in cli("bench", "x*2", "--n", "1e3", "--repeat", "3", "--no-progress").stderr


@pytest.mark.parametrize("sub", SUBCOMMANDS)
def test_help(sub):
    out = cli(sub, "--help").stdout
    assert out.startswith(f"usage: alkahest {sub}")
    assert "--help" in out


def test_top_level_help_and_version():
    out = cli("--help").stdout
    for sub in SUBCOMMANDS:
        assert sub in out
    assert cli("--version").stdout.strip() == f"alkahest {ak.__version__}"


def test_errors():
    assert_error(cli("eval", "x*", "--at", "1", check=False), 1, "expected an operand")
    assert_error(cli("eval", "x*y", "--at", "1", check=False), 1, "--at gives 1 value(s) for 2 variable(s)")
    assert_error(cli("eval", "x", "--at", "one", check=False), 1, "'one' is not a number")
    assert_error(cli("emit-c", "x*y", "--vars", "x", check=False), 1, "'y'")
    assert_error(cli("emit-c", "x", "--name", "my kernel", check=False), 1, "not a valid C identifier")
    assert_error(cli("emit-stablehlo", "x", "--name", "my kernel", check=False), 1, "MLIR")
    assert_error(cli("emit-stablehlo", "x", "--shape", "2xa", check=False), 1, "--shape")
    assert_error(cli("bench", "x", "--n", "-5", check=False), 1, "--n")
    assert_error(cli("diff", "sin(x", "x", check=False), 1, "expected ')'")
    # usage errors: argparse's message, status 2
    assert_error(cli("bogus", check=False), 2, "invalid choice")
    assert_error(cli("emit-c", "x", "--dtype", "f16", check=False), 2, "invalid choice")
    assert_error(cli("diff", "x", check=False), 2, "required")
    assert_error(cli(check=False), 2, "required")


# ---------------------------------------------------------------------------------------------
# Issue 13, items 9 and 13: huge constants in bench, one-line errors for every failure
# ---------------------------------------------------------------------------------------------

def test_bench_compares_numpy_from_the_program_not_the_text():
    """`bench` evaluated the printed expression in Python, so 2**(10**20) was computed as a Python
    integer (minutes, gigabytes). The NumPy comparison now runs the compiled Program."""
    import time

    t = time.perf_counter()
    res = cli("bench", "x + 2**(10**20)", "--n", "1e3", "--repeat", "1", "--backend", "interp")
    assert time.perf_counter() - t < 60
    assert "numpy" in res.stdout and "interp" in res.stdout
    out = cli("bench", "sin(x)**2 + atan2(x, y) + x**7 - 1/x + sqrt(x) + x**2.5", "--n", "1e3", "--repeat", "1",
              "--dtype", "f32").stdout
    assert "numpy" in out and "x numpy" in out
    # a function NumPy lacks: the comparison is left out, the rest runs
    out = cli("bench", "erf(x) + x", "--n", "1e3", "--repeat", "1", "--backend", "interp").stdout
    assert "numpy" not in out.splitlines()[1] and "interp" in out


def test_numpy_version_matches_numpy_eval():
    """The NumPy comparison computes what the compiled function computes."""
    from alkahest.cli import _numpy_version

    pool = ak.ExprPool()
    x, y = pool.symbols("x y")
    e = ak.sin(x) ** 2 + ak.atan2(x, y) + x ** 7 - 1 / x + ak.sqrt(x) + x ** 2.5 - abs(y) * 3 + pool.integer(2) ** (10 ** 20)
    f = ak.compile_expr([e, x * y], [x, y])
    xs, ys = np.linspace(0.1, 2, 50), np.linspace(-1, 1, 50)
    for dt in (np.float64, np.float32):
        with np.errstate(over="ignore"):  # 2**(10**20) is inf, as compiled
            got = _numpy_version(f, dt)(xs.astype(dt), ys.astype(dt))
        want = ak.numpy_eval(f, xs.astype(dt), ys.astype(dt))
        assert got[0].dtype == dt
        np.testing.assert_allclose(got[0], want[..., 0], rtol=1e-5 if dt == np.float32 else 1e-12)
        np.testing.assert_allclose(got[1], want[..., 1], rtol=1e-6)
    assert _numpy_version(ak.compile_expr(ak.gamma(x), [x]), np.float64) is None


def test_errors_are_one_line_for_every_failure(tmp_path):
    # --repeat 0 printed "inf ms" and "nanx numpy"; a non-positive count is a usage error now
    assert_error(cli("bench", "x", "--repeat", "0", check=False), 2, "--repeat", ">= 1")
    assert_error(cli("bench", "x", "--threads", "0", check=False), 2, "--threads", ">= 1")
    assert_error(cli("bench", "x", "--threads", str(2**31), "--n", "10", check=False), 2, "--threads", "2**31")
    # std::bad_cast came out as a traceback
    assert_error(cli("emit-stablehlo", "x", "--shape", str(2**63), check=False), 1, "shape entry", "too large")
    # MemoryError came out as a traceback: run with a 3 GB address-space cap and ask for 16 GB
    cap = "import resource; resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30));"
    env = dict(os.environ)
    if "libasan" in env.get("LD_PRELOAD", ""):
        # Under make asan-python the ASan runtime has reserved terabytes of address space for its
        # shadow, so an address-space cap breaks everything: cap its allocator instead.
        cap = ""
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":allocator_may_return_null=1:max_allocation_size_mb=3072"
    script = "import sys;" + cap + "from alkahest.cli import main; sys.exit(main(sys.argv[1:]))"
    env["PYTHONPATH"] = os.path.dirname(os.path.dirname(ak.__file__))
    res = subprocess.run([sys.executable, "-c", script, "bench", "x", "--n", "2e9", "--repeat", "1"],
                         capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 1, res.stderr
    # (the ASan runtime's own "==pid==WARNING: failed to allocate" line is not the CLI's)
    lines = [line for line in res.stderr.strip().splitlines() if not line.startswith("==")]
    assert len(lines) == 1 and lines[0].startswith("alkahest: error: out of memory"), res.stderr
