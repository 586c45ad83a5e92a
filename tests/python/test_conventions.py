"""Python conventions users of NumPy/SymPy expect (issue: distribution and first steps)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import alkahest as ak
from alkahest import ExprPool, compile_expr, diff, eval_expr, sin

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def xy():
    return ExprPool().symbols("x y")


def test_compiled_fn_called_like_lambdify(xy):
    x, y = xy
    f = compile_expr(x * y + 1, [x, y])
    assert f(2.0, 3.0) == 7.0 and isinstance(f(2.0, 3.0), float)
    assert f([2.0, 3.0]) == 7.0  # the list form stays
    assert f(np.float64(2.0), 3) == 7.0
    out = f(np.arange(3.0), 2.0)
    assert isinstance(out, np.ndarray) and out.tolist() == [1.0, 3.0, 5.0]
    out32 = f(np.ones(2, np.float32), np.ones(2, np.float32))
    assert out32.dtype == np.float32
    g = compile_expr(sin(x), [x])
    assert g(0.5) == pytest.approx(np.sin(0.5), rel=1e-15)
    np.testing.assert_allclose(g(np.array([0.0, 1.0])), np.sin([0.0, 1.0]), rtol=1e-15)
    np.testing.assert_allclose(g([0.0, 1.0, 2.0]), np.sin([0.0, 1.0, 2.0]), rtol=1e-15)
    several = compile_expr([x + y, x * y], [x, y])
    assert several(2.0, 3.0) == [5.0, 6.0]
    assert several(np.arange(2.0), 3.0).shape == (2, 2)
    with pytest.raises(TypeError, match="takes 2 argument"):
        f(1.0, 2.0, 3.0)
    with pytest.raises(TypeError, match="2 numbers"):
        f(1.0)


def test_compiled_fn_array_protocol(xy):
    x, y = xy
    const = compile_expr(x.pool.integer(3) / 4, [])
    assert np.asarray(const) == 0.75 and np.asarray(const).shape == ()
    assert np.asarray(compile_expr(x, [x])([1.5])) == 1.5  # the interop page's form
    with pytest.raises(TypeError, match="call it first"):
        np.asarray(compile_expr(x * y, [x, y]))


def test_numpy_ufuncs_build_expressions(xy):
    x, y = xy
    assert np.sin(x) == sin(x)
    assert np.exp(x) + np.sqrt(y) == ak.exp(x) + ak.sqrt(y)
    assert np.float64(2.0) * x == 2.0 * x and x * np.float64(2.0) == 2.0 * x
    assert np.int64(3) + x == 3 + x
    assert np.arctan2(y, x) == ak.atan2(y, x)
    assert np.power(x, 2) == x ** 2 and np.negative(x) == -x
    for bad in (lambda: x + np.ones(2), lambda: np.ones(2) * x, lambda: np.add(x, np.zeros((2, 2)))):
        with pytest.raises(TypeError, match="array of expressions"):
            bad()
    with pytest.raises(TypeError, match="no symbolic form"):
        np.hypot(x, y)


def test_float_and_complex_of_constant_expressions(xy):
    x, _ = xy
    one = x.pool.integer(1)
    assert float(sin(one)) == pytest.approx(np.sin(1.0), rel=1e-15)
    assert complex(sin(one) + 2) == pytest.approx(complex(np.sin(1.0) + 2))
    assert (sin(one) * 2).eval() == pytest.approx(2 * np.sin(1.0), rel=1e-15)
    assert eval_expr(one + 1) == 2.0
    with pytest.raises(TypeError, match="free symbols"):
        float(sin(x))


def test_eval_expr_rejects_names_that_are_not_symbols(xy):
    x, y = xy
    assert eval_expr(x + 1, {"x": 1.0}) == 2.0
    assert eval_expr(x + 1, {x: 1.0, y: 9.0}) == 2.0  # a symbol it does not use: the same point serves derivatives
    with pytest.raises(ValueError, match="'z' is not a symbol of the expression"):
        eval_expr(x + 1, {"z": 1.0, "x": 2.0})
    with pytest.raises(TypeError, match="must be a dict"):
        eval_expr(x + 1, [1.0])


def test_diff_orders_and_several_variables(xy):
    x, y = xy
    e = x ** 3 * y ** 2 + sin(x)
    assert diff(e, x, 2) == diff(diff(e, x), x)
    assert diff(e, x, y) == diff(diff(e, x), y)
    assert diff(e, x, 2, y) == diff(diff(diff(e, x), x), y)
    assert e.diff(x, 3) == diff(e, x, x, x)
    assert diff(e, x, 0) == e
    with pytest.raises(ValueError, match="order"):
        diff(e, x, -1)
    with pytest.raises(TypeError, match="variable"):
        diff(e)


def test_symbols_of_one_name_is_the_symbol():
    pool = ExprPool()
    assert pool.symbols("a") == pool.symbol("a")
    assert pool.symbols("a,") == (pool.symbol("a"),)
    assert pool.symbols("a b") == (pool.symbol("a"), pool.symbol("b"))


def test_show_config_names_tiers_and_packages(capsys):
    ak.show_config()
    out = capsys.readouterr().out
    assert out.startswith(f"alkahest {ak.__version__}")
    for part in ("vector math:", "LLVM JIT tier:", "NVRTC", "CUDA devices:", "jax:", "torch:", "sympy:"):
        assert part in out


@pytest.mark.parametrize("module, call, extra", [
    ("jax", "ak.to_jax(x, [x])", "jax"),
    ("torch", "ak.to_torch(x, [x])", "torch"),
    ("sympy", "ak.to_sympy(x)", "sympy"),
    ("dask", "import alkahest.dask", "dask"),
])
def test_missing_integration_names_its_extra(module, call, extra):
    code = (f"import sys; sys.modules[{module!r}] = None\n"
            "import alkahest as ak\nx = ak.ExprPool().symbol('x')\n"
            f"try:\n    {call}\nexcept ImportError as e:\n    print('IMPORTERROR', e)\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=os.environ)
    assert r.returncode == 0, r.stderr
    assert f"pip install 'alkahest-cas[{extra}]'" in r.stdout, r.stdout


@pytest.mark.skipif(not (ROOT / ".venv" / "bin" / "alkahest").exists() or (ROOT / ".venv").is_symlink(),
                    reason="only in a checkout whose own .venv was set up by make (make dev-install)")
def test_development_install_imports_from_anywhere(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    venv_py = ROOT / ".venv" / "bin" / "python"
    r = subprocess.run([str(venv_py), "-c", "import alkahest, sys; print(alkahest.__file__)"],
                       cwd="/", env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip().startswith(str(ROOT / "python" / "alkahest"))
    r = subprocess.run([str(ROOT / ".venv" / "bin" / "alkahest"), "diff", "sin(x)**2", "x"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and r.stdout.strip() == "2*cos(x)*sin(x)", r.stdout + r.stderr
    r = subprocess.run([str(venv_py), "-m", "pip", "show", "alkahest-cas"], cwd="/", env=env,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 0 and "License-Expression: MIT" in r.stdout, r.stdout + r.stderr
    assert f"Editable project location: {ROOT}" in r.stdout


def test_rich_display_of_expressions(xy):
    x, y = xy
    e = sin(x) ** 2 / y
    assert e._repr_latex_().startswith("$") and "\\sin" in e._repr_latex_()
    assert e._repr_html_() == '<code class="alkahest-expr">sin(x)**2/y</code>'


def test_example_notebook_runs():
    import nbclient
    import nbformat

    nb = nbformat.read(ROOT / "examples" / "notebook.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.output_type == "error"]
    latex = [o["data"]["text/latex"] for o in outputs if o.output_type == "execute_result" and "text/latex" in o["data"]]
    assert latex and "\\sin" in latex[0]
    assert any("LLVM JIT tier" in o.get("text", "") for o in outputs if o.output_type == "stream")


def test_numbers_in_the_list_given_to_compile_expr(xy):
    x, y = xy
    f = compile_expr([x * y, 2, 0.5], [x, y])
    assert f([3.0, 4.0]) == [12.0, 2.0, 0.5]
    assert f(np.arange(2.0), 1.0).tolist() == [[0.0, 2.0, 0.5], [1.0, 2.0, 0.5]]
    from fractions import Fraction

    assert compile_expr([Fraction(1, 4)], [x])([0.0]) == [0.25]
    with pytest.raises(TypeError, match="Expr or a real number"):
        compile_expr([x, "2"], [x])


def test_one_keyword_names_the_generated_function(xy):
    x, y = xy
    assert "double g(double x, double y)" in ak.emit_c(x * y, [x, y], name="g")
    assert ak.emit_c(x * y, [x, y], name="g") == ak.emit_c(x * y, [x, y], fn_name="g")
    assert "@g(" in ak.to_stablehlo(x * y, [x, y], name="g")
    with pytest.raises(TypeError, match="disagree"):
        ak.emit_c(x, [x], name="a", fn_name="b")
    jf = ak.to_jax(x * y, [x, y], fn_name="model")
    assert jf.__name__ == "model"
    tf = ak.to_torch(x * y, [x, y], fn_name="model2")
    assert tf.__name__ == "model2"


def test_stacked_state_in_and_out(xy):
    import jax
    import torch

    x, v = xy
    rhs = [v, -x - v / 10]
    state = np.array([[1.0, 0.0], [0.5, 2.0], [0.0, -1.0]])
    want = np.stack([state[:, 1], -state[:, 0] - state[:, 1] / 10], axis=-1)
    f = compile_expr(rhs, [x, v])
    np.testing.assert_allclose(f.stacked(state), want, rtol=1e-15)
    np.testing.assert_allclose(f.stacked(state[0]), want[0], rtol=1e-15)
    with pytest.raises(ValueError, match="last axis must hold the 2"):
        f.stacked(np.ones((3, 3)))
    with jax.enable_x64(True):
        jf = ak.to_jax(rhs, [x, v], stacked=True)
        np.testing.assert_allclose(np.asarray(jax.jit(jf)(state)), want, rtol=1e-15)
        jac = np.asarray(jax.jacfwd(jf)(jax.numpy.array([1.0, 2.0])))
        np.testing.assert_allclose(jac, [[0.0, 1.0], [-1.0, -0.1]], rtol=1e-15)
    tf = ak.to_torch(rhs, [x, v], stacked=True)
    np.testing.assert_allclose(tf(torch.tensor(state)).numpy(), want, rtol=1e-15)
