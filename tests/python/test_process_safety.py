"""fork() and interpreter exit while other threads are inside alkahest, and the private batch
entry's argument checks. Each case runs in its own interpreter with a timeout, so that a hang, an
abort or a segfault fails the test instead of hanging or killing the suite.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pytest

import alkahest

PYTHON_DIR = os.path.dirname(os.path.dirname(os.path.abspath(alkahest.__file__)))

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")


def run(code: str, timeout: float = 120) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=PYTHON_DIR)
    try:
        return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                              env=env, timeout=timeout)
    except subprocess.TimeoutExpired as e:
        pytest.fail(f"the interpreter hung (over {timeout} s):\n{e.stdout}\n{e.stderr}")


def rc_text(rc: int) -> str:
    return f"rc {rc}" + (f" ({signal.Signals(-rc).name})" if rc < 0 else "")


# Forks `trials` children while `busy()` runs in a daemon thread; each child runs `child()`, which
# must return True within 30 s. The parent prints one line per child: ok, bad or hung.
FORK_HARNESS = """
import os, sys, threading, time
import numpy as np, alkahest as ak

def fork_while_busy(busy, child, trials):
    started = threading.Event()
    def loop():
        while True:
            busy()
            started.set()
    threading.Thread(target=loop, daemon=True).start()
    started.wait()
    results = []
    for trial in range(trials):
        time.sleep(0.01 * (trial % 7))
        pid = os.fork()
        if pid == 0:
            try:
                ok = child(trial)
            except BaseException as e:
                print("child raised", type(e).__name__, e, flush=True)
                ok = False
            os._exit(0 if ok else 3)
        deadline = time.time() + 30
        while True:
            r, status = os.waitpid(pid, os.WNOHANG)
            if r:
                results.append("ok" if status == 0 else f"bad({status})")
                break
            if time.time() > deadline:
                os.kill(pid, 9)
                os.waitpid(pid, 0)
                results.append("hung")
                break
            time.sleep(0.005)
    print("RESULTS", " ".join(results), flush=True)
"""


def check_fork(code: str, trials: int) -> None:
    proc = run(FORK_HARNESS + textwrap.dedent(code), timeout=40 * trials)
    lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULTS")]
    assert proc.returncode == 0 and lines, f"{rc_text(proc.returncode)}\n{proc.stdout}\n{proc.stderr[-3000:]}"
    results = lines[-1].split()[1:]
    assert results == ["ok"] * trials, f"children: {results}\n{proc.stdout}\n{proc.stderr[-3000:]}"


@pytest.mark.skipif(not alkahest._core._jit_available(), reason="no LLVM JIT in this build")
def test_fork_while_another_thread_compiles():
    # The compiling thread holds the JIT's lock most of the time: a child used to inherit it locked
    # and hang on its first compile. The child must compile anew and still run the parent's kernels.
    check_fork("""
        p = ak.ExprPool(); x = p.symbol("x")
        before = ak.compile_expr(ak.sin(x) * 3, [x], backend="llvm")
        k = [0]
        def busy():
            e = x
            for i in range(300):
                e = ak.sin(e) + k[0]
            k[0] += 1
            ak.compile_expr(e, [x], backend="llvm")
        def child(trial):
            q = ak.ExprPool(); z = q.symbol("z")
            f = ak.compile_expr(ak.cos(z) * (trial + 7) + z, [z], backend="llvm")
            a = np.linspace(0, 1, 300_000)
            got = ak.numpy_eval(f, a, threads=2)
            return (abs(f([0.0]) - (trial + 7)) < 1e-12 and np.allclose(got, np.cos(a) * (trial + 7) + a)
                    and before([0.5]) == 3 * np.sin(0.5) and f.tier == "llvm")
        fork_while_busy(busy, child, 8)
    """, 8)


@pytest.mark.skipif("libasan" in os.environ.get("LD_PRELOAD", ""),
                    reason="GCC 12's ASan allocator is not fork-safe with allocating threads (a child can hang "
                           "in SizeClassAllocator64::GetFromAllocator; see tests/cpp/test_fork.cpp)")
def test_fork_while_another_thread_evaluates():
    # Workers of the thread pool are busy (and its lock taken) at the fork: the child has none of
    # them and must start its own.
    check_fork("""
        p = ak.ExprPool(); x = p.symbol("x")
        f = ak.compile_expr(ak.exp(ak.sin(x)) + x * x, [x], backend="interp")
        a = np.linspace(-2, 2, 1_000_000)
        expected = np.exp(np.sin(a)) + a * a
        def busy():
            ak.numpy_eval(f, a, threads=4)
        def child(trial):
            return np.allclose(ak.numpy_eval(f, a, threads=4), expected)
        fork_while_busy(busy, child, 12)
    """, 12)


def test_fork_while_another_thread_builds_in_the_same_pool():
    # The other thread interns into the pool (its mutex taken) and creates pools (the registry's):
    # the child must be able to build in the same pool and in a new one.
    check_fork("""
        p = ak.ExprPool(); x, y = p.symbols("x y")
        k = [0]
        def busy():
            for i in range(200):
                k[0] += 1
                e = (x + k[0]) * (y - k[0]) + ak.sin(x * k[0])
            q = ak.ExprPool(); q.symbol("w")
        def child(trial):
            e = ak.sin(x) + 10**6 + trial
            q = ak.ExprPool(); z = q.symbol("z")
            return str(e) == f"sin(x) + {10**6 + trial}" and str(z + z) == "2*z"
        fork_while_busy(busy, child, 20)
    """, 20)


@pytest.mark.skipif(not alkahest._core._cuda_nvrtc_status()[0], reason="NVRTC is not installed")
def test_fork_while_another_thread_compiles_cuda():
    # NVRTC compiles under the CUDA path's own lock: the child must be able to compile too.
    check_fork("""
        p = ak.ExprPool(); x = p.symbol("x")
        k = [0]
        def busy():
            e = x
            for i in range(200):
                e = ak.sin(e) + k[0]
            k[0] += 1
            ak.compile_cuda(e, [x])
        def child(trial):
            return ak.compile_cuda(ak.cos(x) * (trial + 3), [x]) is not None
        fork_while_busy(busy, child, 6)
    """, 6)


@pytest.mark.skipif(not alkahest._core._jit_available(), reason="no LLVM JIT in this build")
def test_multiprocessing_fork_start_method_while_compiling():
    proc = run("""
        import multiprocessing as mp, threading, numpy as np, alkahest as ak

        def work(i):
            p = ak.ExprPool(); x = p.symbol("x")
            f = ak.compile_expr(ak.exp(x) * i, [x], backend="llvm")
            return float(ak.numpy_eval(f, np.zeros(3))[1])

        if __name__ == "__main__":
            p = ak.ExprPool(); x = p.symbol("x")
            def compile_forever():
                k = 0
                while True:
                    e = x
                    for i in range(300):
                        e = ak.sin(e) + k
                    k += 1
                    ak.compile_expr(e, [x], backend="llvm")
            threading.Thread(target=compile_forever, daemon=True).start()
            with mp.get_context("fork").Pool(3) as pool:
                for _ in range(4):
                    assert pool.map(work, range(6)) == [float(i) for i in range(6)]
            print("OK")
    """, timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip().endswith("OK"), \
        f"{rc_text(proc.returncode)}\n{proc.stdout}\n{proc.stderr[-3000:]}"


# Interpreter exit while a daemon thread is inside a call that released the GIL. CPython ends such a
# thread with pthread_exit when it asks for the GIL back during finalization; this used to abort
# the process ("terminate called without an active exception"). Each program must exit with 0.
EXIT_CASES = {
    "numpy_eval": """
        e = x
        for i in range(20):
            e = ak.sin(e) + x
        f = ak.compile_expr(e, [x], backend="interp")
        a = np.linspace(0, 1, 20_000)
        def work():
            ak.numpy_eval(f, a, threads=2)
    """,
    "numpy_eval-long": """
        e = x
        for i in range(200):
            e = ak.sin(e) + x
        f = ak.compile_expr(e, [x], backend="interp")
        a = np.linspace(0, 1, 4_000_000)
        def work():
            ak.numpy_eval(f, a, threads=1)
    """,
    "jit-compile": """
        k = [0]
        def work():
            e = x
            for i in range(2000):
                e = ak.sin(e) + k[0]
            k[0] += 1
            if ak._core._jit_available():
                ak.compile_expr(e, [x], backend="llvm")
    """,
    "emit_c": """
        e = x
        for i in range(20000):
            e = ak.sin(e) + x
        def work():
            ak.emit_c(e, [x])
    """,
    "to_stablehlo": """
        e = x
        for i in range(20000):
            e = ak.sin(e) + x
        def work():
            ak.to_stablehlo(e, [x], shape=(4,))
    """,
}


@pytest.mark.parametrize("case", sorted(EXIT_CASES))
def test_exit_while_a_daemon_thread_is_inside_a_call(case):
    code = textwrap.dedent("""
        import threading, time, numpy as np, alkahest as ak
        p = ak.ExprPool(); x = p.symbol("x")
    """) + textwrap.dedent(EXIT_CASES[case]) + textwrap.dedent("""
        started = threading.Event()
        def loop():
            while True:
                started.set()
                work()
        for _ in range(2):
            threading.Thread(target=loop, daemon=True).start()
        started.wait()
        time.sleep(0.3)
        print("exiting", flush=True)
    """)
    for attempt in range(3):  # the abort depended on timing: try a few exits
        proc = run(code, timeout=120)
        assert proc.returncode == 0 and "terminate" not in proc.stderr, \
            f"{case}, attempt {attempt}: {rc_text(proc.returncode)}\n{proc.stderr[-3000:]}"


def test_exit_hook_still_lets_the_exiting_thread_evaluate():
    # atexit hooks run last-in first-out: one registered before alkahest's runs after it, on the
    # main thread, and must still be able to evaluate (not park or raise).
    proc = run("""
        import atexit
        def late():
            import numpy as np, alkahest as ak
            p = ak.ExprPool(); x = p.symbol("x")
            r = ak.numpy_eval(ak.compile_expr(x * 2, [x]), np.arange(3.0))
            print("LATE", r.tolist(), flush=True)
        atexit.register(late)
        import alkahest
    """)
    assert proc.returncode == 0 and "LATE [0.0, 2.0, 4.0]" in proc.stdout, \
        f"{rc_text(proc.returncode)}\n{proc.stdout}\n{proc.stderr[-3000:]}"


# CompiledFn._run is private but reachable: the kernels trust its arguments, so it checks each
# (these used to segfault, corrupt the heap or read outside an array).
RUN_PRELUDE = """
import numpy as np, alkahest as ak
from numpy.lib.stride_tricks import as_strided
p = ak.ExprPool(); x, y = p.symbols("x y")
f = ak.compile_expr(x * 2, [x]); g = ak.compile_expr([x, y], [x, y])
"""

RUN_CASES = [
    ("out-too-small", "f._run([np.ones(1)], [10**7], np.empty(1), 0)", "ValueError", "out has shape (1,)"),
    ("out-wrong-ndim", "f._run([np.ones((3, 4))], [3, 4], np.empty(12), 0)", "ValueError", "expected (3, 4)"),
    ("out-no-output-axis", "g._run([np.ones(5), np.ones(5)], [5], np.empty(5), 0)", "ValueError", "expected (5, 2)"),
    ("out-strided", "f._run([np.ones(10)], [10], np.empty(20)[::2], 0)", "ValueError", "C-contiguous"),
    ("out-read-only", "o = np.zeros(3); o.setflags(write=False); f._run([np.ones(3)], [3], o, 0)", "ValueError",
     "read-only"),
    ("out-not-array", "f._run([np.ones(3)], [3], [0.0, 0.0, 0.0], 0)", "TypeError", "writable CPU array"),
    ("out-int", "f._run([np.ones(3, dtype=np.int64)], [3], np.zeros(3, dtype=np.int64), 0)", "TypeError",
     "float64 or float32"),
    ("out-misaligned", "b = np.zeros(8 * 4 + 1, np.uint8)[1:].view(np.float64); f._run([np.ones(4)], [4], b, 0)",
     "ValueError", "not aligned"),
    ("shape-negative", "f._run([np.ones(1)], [-5], np.empty(0), 0)", "ValueError", "negative"),
    ("shape-overflow", "f._run([np.ones((1, 1))], [2**62, 4], np.empty((1, 1)), 0)", "ValueError", "64 bits"),
    ("shape-33-dims", "f._run([np.ones((1,) * 33)], [1] * 33, np.empty((1,) * 33), 0)", "ValueError", "32"),
    ("input-count", "f._run([], [3], np.empty(3), 0)", "ValueError", "expected 1 input arrays, got 0"),
    ("input-too-short", "f._run([np.ones(3)], [10**6], np.empty(10**6), 0)", "ValueError", "does not broadcast"),
    ("input-empty-stride-0", "f._run([as_strided(np.empty(0), (0,), (0,))], [100000], np.empty(100000), 0)",
     "ValueError", "length 0"),
    ("input-ndim", "f._run([np.ones((3, 1))], [3], np.empty(3), 0)", "ValueError", "2 dimensions"),
    ("input-dtype", "f._run([np.ones(3, np.float32)], [3], np.empty(3), 0)", "TypeError", "one dtype"),
    ("valid-broadcast", "o = np.empty((2, 3)); f._run([np.arange(3.0)[None, :]], [2, 3], o, 0);"
                        "assert (o == [[0, 2, 4], [0, 2, 4]]).all(), o", None, ""),
]


@pytest.mark.parametrize("case_id,code,exc,needle", RUN_CASES, ids=[c[0] for c in RUN_CASES])
def test_private_run_checks_its_arguments(case_id, code, exc, needle):
    script = RUN_PRELUDE + "try:\n    " + code + ("\nexcept BaseException as err:\n    print('RAISED', type(err).__name__,"
                                                 " '|', repr(str(err)))\nelse:\n    print('NO EXCEPTION')\n")
    proc = run(script)
    assert proc.returncode == 0, f"{case_id}: the interpreter died ({rc_text(proc.returncode)}):\n{proc.stderr[-2000:]}"
    out = proc.stdout.strip().splitlines()[-1]
    if exc is None:
        assert out == "NO EXCEPTION", f"{case_id}: {out}"
    else:
        assert out.startswith(f"RAISED {exc} |") and needle in out, f"{case_id}: expected {exc} ({needle!r}), got {out}"
