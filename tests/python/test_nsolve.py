"""nsolve (batched damped Newton on compiled residual and Jacobian) and the compiled Jacobian of a
100 x 100 system over 1e4 points checked against jax.jacfwd of an independent jax.numpy function."""

from __future__ import annotations

import numpy as np
import pytest

from alkahest import AlkahestError, ExprPool, NsolveResult, compile_expr, cos, exp, jacobian, nsolve, numpy_eval, sin


@pytest.fixture
def pool():
    return ExprPool()


def test_single_point(pool):
    x, y = pool.symbols("x y")
    sol = nsolve([x**2 + y**2 - 4, x - y], [x, y], [1.0, 0.5])
    assert set(sol) == {x, y}
    assert abs(sol[x] - 2**0.5) < 1e-14 and abs(sol[y] - 2**0.5) < 1e-14
    assert abs(nsolve(cos(x) - x, x, 1.0)[x] - 0.7390851332151607) < 1e-15
    r = nsolve(cos(x) - x, x, 1.0, full_output=True)
    assert isinstance(r, NsolveResult) and r.converged.all() and r.iterations[0] >= 2 and r.residual[0] <= 1e-12


def test_batch_over_parameters_matches_scipy(pool):
    scipy_optimize = pytest.importorskip("scipy.optimize")
    x, y, a, b = pool.symbols("x y a b")
    eqs = [x**2 + y**2 - a, x * y - b]
    N = 500
    av = np.linspace(3.0, 6.0, N)
    bv = np.linspace(0.5, 1.0, N)
    r = nsolve(eqs, [x, y], np.array([2.0, 0.3]), params={a: av, b: bv})
    assert r.x.shape == (N, 2) and r.converged.all()
    assert np.max(r.residual) <= 1e-12
    X, Y = r.x[:, 0], r.x[:, 1]
    np.testing.assert_allclose(X**2 + Y**2 - av, 0, atol=1e-11)
    np.testing.assert_allclose(X * Y - bv, 0, atol=1e-12)
    for k in range(0, N, 97):  # the same root as SciPy's fsolve from the same start
        ref = scipy_optimize.fsolve(lambda v, k=k: [v[0]**2 + v[1]**2 - av[k], v[0] * v[1] - bv[k]], [2.0, 0.3],
                                    xtol=1e-13)
        np.testing.assert_allclose(r.x[k], ref, rtol=1e-10)


def test_many_starting_points_find_the_roots(pool):
    x = pool.symbol("x")
    starts = np.linspace(-3, 3, 1000)[:, None]
    r = nsolve(x**3 - 2 * x - 5 + 0 * x, x, starts)
    ok = r.converged
    assert ok.mean() > 0.9
    np.testing.assert_allclose(r.x[ok, 0], 2.0945514815423265, rtol=1e-14)
    assert np.isnan(r.x[~ok]).all()


def test_failure_is_reported(pool):
    x, y = pool.symbols("x y")
    with pytest.raises(AlkahestError, match="did not converge"):
        nsolve(x**2 + 1, x, 0.5)
    r = nsolve(x**2 + 1, x, np.array([[0.5], [2.0]]))
    assert not r.converged.any() and np.isnan(r.x).all() and (r.residual > 0.5).all()
    assert "0/2 converged" in repr(r)
    # a singular Jacobian at the start does not crash
    r = nsolve([x * y, x + y - 1], [x, y], np.array([[0.0, 0.0], [0.2, 0.9]]))
    assert r.converged[1]


def test_bad_input(pool):
    x, y, a = pool.symbols("x y a")
    with pytest.raises(ValueError, match="square"):
        nsolve([x + y], [x, y], [0, 0])
    with pytest.raises(ValueError, match="neither an unknown nor in params"):
        nsolve(x - a, x, 0.0)
    with pytest.raises(ValueError, match="x0"):
        nsolve([x + y, x - y], [x, y], [0.0, 0.0, 1.0])
    with pytest.raises(ValueError, match="batch sizes"):
        nsolve(x - a, x, np.zeros((3, 1)), params={a: np.zeros(4)})
    with pytest.raises(TypeError, match="symbol"):
        nsolve(x - 1, x + 1, 0.0)
    with pytest.raises(ValueError, match="maxiter"):
        nsolve(x - 1, x, 0.0, maxiter=0)


def test_compiled_jacobian_100x100_over_1e4_points_matches_jax():
    """The compiled Jacobian of a 100-output, 100-input system over 1e4 points, shape
    (10000, 100, 100), against jax.jacfwd of the same function written in jax.numpy (checked in
    chunks, so the reference never holds more than 40 MB)."""
    jax = pytest.importorskip("jax")
    import jax.numpy as jnp

    n, npts = 100, 10_000
    pool = ExprPool()
    xs = pool.symbols(" ".join(f"x{i}" for i in range(n)))
    i = np.arange(n)
    nxt, far, back, mix = (i + 1) % n, (i + 7) % n, (i + 3) % n, (13 * i + 5) % n
    fs = [xs[k] ** 2 * xs[nxt[k]] + sin(xs[far[k]]) * cos(xs[k]) + exp(xs[back[k]] / 10) - xs[mix[k]] / (1 + xs[k] ** 2)
          for k in range(n)]
    J = jacobian(fs, list(xs))
    fJ = compile_expr(J, list(xs))
    assert fJ.matrix_shape == (n, n)
    rng = np.random.default_rng(0)
    pts = rng.uniform(-1.5, 1.5, size=(npts, n))
    out = numpy_eval(fJ, *pts.T)
    assert out.shape == (npts, n, n)

    def f(v):
        return v**2 * v[nxt] + jnp.sin(v[far]) * jnp.cos(v) + jnp.exp(v[back] / 10) - v[mix] / (1 + v**2)

    with jax.enable_x64(True):  # scoped: a global switch would change later tests' dtypes
        jac = jax.jit(jax.vmap(jax.jacfwd(f)))
        for s in range(0, npts, 500):
            ref = np.asarray(jac(jnp.asarray(pts[s:s + 500])))
            np.testing.assert_allclose(out[s:s + 500], ref, rtol=1e-13, atol=1e-13)


def test_larger_system_with_parameters_and_singular_starts(pool):
    """A coupled 10 x 10 system (above the size where small systems were solved differently) over
    200 parameter sets, and a 3 x 3 batch with lanes whose Jacobian is singular at the start: every
    converged point satisfies the equations (checked in NumPy, independently of the compiled code)."""
    n = 10
    xs = pool.symbols(" ".join(f"x{i}" for i in range(n)))
    a = pool.symbol("a")
    rng = np.random.default_rng(1)
    C = rng.integers(-2, 3, size=(n, n))
    eqs = [xs[i] ** 3 / 10 + sum(int(C[i, j]) * xs[j] for j in range(n)) + 12 * xs[i] - a * (i + 1) for i in range(n)]
    av = np.linspace(-1.0, 1.0, 200)
    r = nsolve(eqs, list(xs), np.zeros(n), params={a: av})
    assert r.converged.all() and r.x.shape == (200, n)
    X = r.x
    F = X**3 / 10 + X @ C.T + 12 * X - av[:, None] * np.arange(1, n + 1)
    assert np.abs(F).max() <= 1e-12
    x, y, z = pool.symbols("x y z")
    eqs3 = [x * y - 1, y * z - 2, x + y + z - 4]
    starts = np.array([[0.0, 0.0, 0.0], [1.0, 1.0, 2.0], [0.5, 2.0, 1.5], [3.0, 0.3, 0.7]])
    r = nsolve(eqs3, [x, y, z], starts)
    assert r.converged[1:].all()
    for k in np.flatnonzero(r.converged):
        xv, yv, zv = r.x[k]
        assert max(abs(xv * yv - 1), abs(yv * zv - 2), abs(xv + yv + zv - 4)) <= 1e-12
    assert r.iterations[1] == 0 and (r.x[1] == [1.0, 1.0, 2.0]).all()  # an exact root as the start
    assert (r.iterations[[2, 3]] >= 1).all()
