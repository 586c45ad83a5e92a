"""to_jax: a JAX primitive checked against the same function written in jax.numpy (the oracle).

Values, jax.grad, jax.hessian, jacfwd/jacrev, vmap (in_axes 0/1/None, nested), jit of all of these,
float32 and float64, scalars and N-d arrays, and random expressions over the whole op table
(exprgen.py builds each random tree twice: as an alkahest Expr and as the jnp oracle).
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

import jax
import jax.numpy as jnp
import jax.scipy.special as jsp

import alkahest as ak
from emitted import close
from alkahest import ExprPool, to_jax
from exprgen import BOX, expr_trees

# ---------------------------------------------------------------------------------------------
# The jnp oracle of an exprgen tree
# ---------------------------------------------------------------------------------------------

_JNP = {
    "sin": jnp.sin, "cos": jnp.cos, "tan": jnp.tan, "sinh": jnp.sinh, "cosh": jnp.cosh, "tanh": jnp.tanh,
    "asin": jnp.arcsin, "acos": jnp.arccos, "atan": jnp.arctan, "atan2": jnp.arctan2, "exp": jnp.exp,
    "log": jnp.log, "abs": jnp.abs, "sign": jnp.sign, "floor": jnp.floor, "ceiling": jnp.ceil,
    "erf": jsp.erf, "erfc": jsp.erfc, "gamma": jsp.gamma, "sqrt": jnp.sqrt, "asinh": jnp.arcsinh,
    "sech": lambda x: 1 / jnp.cosh(x), "cbrt": lambda x: jnp.cbrt(jnp.asarray(x, dtype=jnp.result_type(float))),
    # (a constant subtree may be the Python int 0: acot(0) = atan(1/+0.0) = pi/2, as the kernel's)
    "acot": lambda x: jnp.arctan(1 / jnp.asarray(x, dtype=jnp.result_type(float))),
    # (an integer x would make jax compute polygamma in float32)
    "polygamma": lambda n, x: jsp.polygamma(jnp.asarray(n, dtype=jnp.int32),
                                            jnp.asarray(x, dtype=jnp.result_type(float))),
}


def jnp_of(tree, args):
    """The jnp value of an exprgen tree at the jnp arrays `args` (one per symbol)."""
    kind = tree[0]
    if kind == "sym":
        return args[tree[1]]
    if kind in ("int", "py", "float"):
        v = tree[1]
        return float(v) if isinstance(v, Fraction) else v
    if kind == "rat":
        return tree[1] / tree[2]
    if kind == "neg":
        return -jnp_of(tree[1], args)
    if kind == "absb":
        return jnp.abs(jnp_of(tree[1], args))
    if kind == "f":
        return _JNP[tree[1]](*(jnp_of(t, args) for t in tree[2:]))
    a, b = jnp_of(tree[1], args), jnp_of(tree[2], args)
    return {"add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b, "div": lambda: a / b,
            # int ** negative int is a float in Python and an error in jnp: compute it as Python does
            "pow": lambda: float(a) ** b if isinstance(a, int) and isinstance(b, int) and b < 0 else a ** b}[kind]()


# ---------------------------------------------------------------------------------------------
# The seed's snippet, as written
# ---------------------------------------------------------------------------------------------

def test_seed_snippet():
    from alkahest import to_jax, ExprPool, sin
    pool = ExprPool()
    x = pool.symbol("x")
    jax_fn = to_jax(sin(x) ** 2, [x])
    import jax
    import jax.numpy as jnp
    # Use inside jax.jit / jax.grad
    jit_fn = jax.jit(jax_fn)
    grad_fn = jax.grad(lambda x: jax_fn(x).sum())
    xs = jnp.linspace(0.0, 3.0, 7)
    np.testing.assert_allclose(jit_fn(xs), jnp.sin(xs) ** 2, rtol=1e-6)
    np.testing.assert_allclose(grad_fn(xs), 2 * jnp.sin(xs) * jnp.cos(xs), rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------------------------------------
# Every op, both dtypes, every transformation
# ---------------------------------------------------------------------------------------------

_OPS = [  # (name, alkahest builder, jnp builder, domain)
    ("sin", ak.sin, jnp.sin, (-3, 3)), ("cos", ak.cos, jnp.cos, (-3, 3)), ("tan", ak.tan, jnp.tan, (-1.2, 1.2)),
    ("sinh", ak.sinh, jnp.sinh, (-2, 2)), ("cosh", ak.cosh, jnp.cosh, (-2, 2)), ("tanh", ak.tanh, jnp.tanh, (-2, 2)),
    ("asin", ak.asin, jnp.arcsin, (-0.9, 0.9)), ("acos", ak.acos, jnp.arccos, (-0.9, 0.9)),
    ("atan", ak.atan, jnp.arctan, (-3, 3)), ("exp", ak.exp, jnp.exp, (-3, 3)), ("log", ak.log, jnp.log, (0.1, 5)),
    ("sqrt", ak.sqrt, jnp.sqrt, (0.1, 5)), ("abs", abs, jnp.abs, (-3, 3)), ("sign", ak.sign, jnp.sign, (-3, 3)),
    ("floor", ak.floor, jnp.floor, (-3, 3)), ("ceiling", ak.ceiling, jnp.ceil, (-3, 3)),
    ("erf", ak.erf, jsp.erf, (-2, 2)), ("erfc", ak.erfc, jsp.erfc, (-2, 2)), ("gamma", ak.gamma, jsp.gamma, (0.3, 4)),
    ("polygamma1", lambda v: ak.polygamma(1, v), lambda v: jsp.polygamma(1, v), (0.3, 4)),
    ("pow", lambda v: v ** 2.5, lambda v: v ** 2.5, (0.1, 3)), ("cube", lambda v: v ** 3, lambda v: v ** 3, (-2, 2)),
    ("recip", lambda v: 1 / v, lambda v: 1 / v, (0.5, 3)),
]


@pytest.mark.parametrize("x64", [False, True], ids=["f32", "f64"])
@pytest.mark.parametrize("name,fa,fj,dom", _OPS, ids=[o[0] for o in _OPS])
def test_each_op_values_grad_hessian_under_jit(name, fa, fj, dom, x64):
    rtol = 1e-12 if x64 else 2e-5
    if name in ("gamma", "polygamma1", "erf", "erfc") and x64:
        rtol = 1e-9  # XLA's own special functions (in the jitted oracle and our lowering) differ
    with jax.enable_x64(x64):
        pool = ExprPool()
        x = pool.symbol("x")
        f = to_jax(fa(x), [x])
        xs = jnp.linspace(dom[0], dom[1], 37) + 0.01
        want = fj(xs)
        assert f(xs).dtype == want.dtype
        assert close(f(xs), want, rtol), name
        assert close(jax.jit(f)(xs), want, rtol), name
        g = jax.vmap(jax.grad(f))(xs)
        assert close(g, jax.vmap(jax.grad(fj))(xs), max(rtol, 1e-10) * 10), name
        assert close(jax.jit(jax.vmap(jax.grad(f)))(xs), g, rtol * 10), name
        h = jax.vmap(jax.hessian(f))(xs[::6])
        assert close(h, jax.vmap(jax.hessian(fj))(xs[::6]), max(rtol, 1e-9) * 100), name


def test_two_variables_every_transformation():
    with jax.enable_x64(True):
        pool = ExprPool()
        x, y = pool.symbols("x y")
        f = to_jax(ak.sin(x * y) + ak.exp(-x) * ak.atan2(y, x) + x ** 3 * y, [x, y], name="model")

        def ref(x, y):
            return jnp.sin(x * y) + jnp.exp(-x) * jnp.arctan2(y, x) + x ** 3 * y

        a, b = jnp.linspace(0.2, 2, 11), jnp.linspace(-1, 1, 11)
        assert close(f(a, b), ref(a, b), 1e-13)
        for argnums in (0, 1, (0, 1)):
            got = jax.jit(jax.grad(lambda u, v: f(u, v).sum(), argnums=argnums))(a, b)
            want = jax.grad(lambda u, v: ref(u, v).sum(), argnums=argnums)(a, b)
            assert close(np.asarray(got), np.asarray(want), 1e-12)
        v = jnp.array([0.7, -0.4])
        g2 = lambda w: f(w[0], w[1])  # noqa: E731
        r2 = lambda w: ref(w[0], w[1])  # noqa: E731
        for transform in (jax.hessian, lambda h: jax.jacfwd(jax.jacrev(h)), lambda h: jax.jacrev(jax.jacfwd(h))):
            assert close(jax.jit(transform(g2))(v), transform(r2)(v), 1e-11)
        third = jax.jacfwd(jax.hessian(g2))(v)  # third derivatives: partials of partials
        assert close(third, jax.jacfwd(jax.hessian(r2))(v), 1e-10)
        assert "model" in str(jax.make_jaxpr(f)(a, b))


def test_vmap_in_axes_and_nesting():
    with jax.enable_x64(True):
        pool = ExprPool()
        x, y = pool.symbols("x y")
        f = to_jax(x * ak.cos(y) + y, [x, y])

        def ref(x, y):
            return x * jnp.cos(y) + y

        A = jnp.arange(12.0).reshape(3, 4) / 7
        b = jnp.linspace(0, 1, 4)
        for in_axes, args in (((0, None), (A, b)), ((1, 0), (A, jnp.arange(4.0))), ((None, 0), (b, A)),
                              ((0, 0), (A, A + 1)), ((1, None), (A, 0.5))):
            got = jax.vmap(f, in_axes=in_axes)(*args)
            want = jax.vmap(ref, in_axes=in_axes)(*args)
            assert got.shape == want.shape and close(got, want, 1e-14), in_axes
            assert close(jax.jit(jax.vmap(f, in_axes=in_axes))(*args), want, 1e-14)
        nested = jax.vmap(jax.vmap(f, in_axes=(0, None)), in_axes=(None, 0))(b, b)
        assert nested.shape == (4, 4)
        assert close(nested, jax.vmap(jax.vmap(ref, in_axes=(0, None)), in_axes=(None, 0))(b, b), 1e-14)
        scalar_input = jax.vmap(f, in_axes=(0, None))(b, jnp.ones((2, 4)))  # scalar per batch vs (2, 4)
        assert scalar_input.shape == (4, 2, 4)
        assert close(scalar_input, jax.vmap(ref, in_axes=(0, None))(b, jnp.ones((2, 4))), 1e-14)


def test_multi_output_and_dtypes():
    pool = ExprPool()
    x, y = pool.symbols("x y")
    f = to_jax([x + y, x * y, ak.sin(x)], [x, y])
    a = jnp.linspace(0, 1, 5, dtype=jnp.float32)
    out = f(a, 2.0)
    assert isinstance(out, tuple) and len(out) == 3
    assert all(o.dtype == jnp.float32 for o in out)  # f32 stays f32; the Python scalar is weak
    np.testing.assert_allclose(out[1], a * 2, rtol=1e-6)
    jit_out = jax.jit(f)(a, 2.0)
    np.testing.assert_allclose(jit_out[2], np.sin(np.asarray(a)), rtol=1e-6)
    ints = f(jnp.arange(3), jnp.arange(3))  # ints promote to JAX's default float
    assert ints[0].dtype == jnp.float32
    with jax.enable_x64(True):
        assert f(jnp.arange(3), 1)[0].dtype == jnp.float64
        assert f(jnp.ones(3, jnp.float32), jnp.ones(3))[0].dtype == jnp.float64
    # 0-d and N-d
    assert f(1.0, 2.0)[1].shape == ()
    assert f(jnp.ones((2, 3, 4)), jnp.ones(4))[0].shape == (2, 3, 4)
    jac = jax.jacfwd(lambda v: jnp.stack(f(v[0], v[1])))(jnp.array([0.5, 2.0]))
    np.testing.assert_allclose(jac, [[1, 1], [2, 0.5], [math.cos(0.5), 0]], rtol=1e-6)


def test_jit_has_no_host_callback_and_fuses():
    with jax.enable_x64(True):
        pool = ExprPool()
        x = pool.symbol("x")
        f = to_jax(ak.exp(-x * x / 2) * ak.cos(3 * x) + ak.sqrt(1 + x * x), [x])
        xs = jnp.linspace(0, 6, 1000)
        g = jax.jit(lambda v: f(v) * 2 + jax.grad(lambda u: f(u).sum())(v))
        text = g.lower(xs).as_text()
        # A host callback would be a custom_call (jax.pure_callback lowers to one); there is none.
        assert "custom_call" not in text and "stablehlo.custom_call" not in text
        assert "stablehlo.cosine" in text and "stablehlo.exponential" in text
        compiled_text = g.lower(xs).compile().as_text()
        assert "custom-call" not in compiled_text


def test_bad_input():
    pool = ExprPool()
    x, y = pool.symbols("x y")
    f = to_jax(x * y, [x, y])
    with pytest.raises(TypeError, match="2 array"):
        f(jnp.ones(3))
    with pytest.raises(ValueError, match="broadcast"):
        f(jnp.ones(3), jnp.ones(4))
    with pytest.raises((ValueError, TypeError), match="broadcast"):
        jax.jit(f)(jnp.ones(3), jnp.ones(4))
    with pytest.raises(TypeError, match="complex"):
        f(jnp.ones(3, dtype=jnp.complex64), 1.0)
    with pytest.raises(ValueError, match="name"):
        to_jax(x, [x], name="not an identifier")
    with pytest.raises(ValueError, match="'z'"):
        to_jax(x + pool.symbol("z"), [x])
    with jax.checking_leaks():  # no tracer is kept by the primitive or its cached partials
        jax.jit(jax.grad(lambda v: f(v, 2.0).sum()))(jnp.ones(3))
        jax.vmap(jax.hessian(lambda v: f(v, v)))(jnp.ones(3))


# ---------------------------------------------------------------------------------------------
# Random expressions over the whole op table
# ---------------------------------------------------------------------------------------------

@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(item=expr_trees(nsyms=2, depth=4))
def test_random_expressions_against_jnp(item):
    from exprgen import build

    tree = item[0]
    with jax.enable_x64(True):
        pool = ExprPool()
        syms = pool.symbols("x y")
        e = build(tree, pool, syms)
        if not isinstance(e, ak.Expr):
            return
        f = to_jax(e, list(syms))
        rng = np.random.default_rng(len(str(e)))
        pts = [jnp.asarray(rng.uniform(-BOX, BOX, 16)) for _ in syms]
        want = jnp_of(tree, pts) * jnp.ones(16)
        assert close(f(*pts), want, 1e-9), str(e)
        assert close(jax.jit(f)(*pts), want, 1e-9), str(e)
        got_g = jax.jit(jax.vmap(jax.grad(f, argnums=(0, 1))))(*pts)
        want_g = jax.vmap(jax.grad(lambda u, v: jnp_of(tree, [u, v]) * 1.0, argnums=(0, 1)))(*pts)
        for gg, ww in zip(got_g, want_g):
            # where the oracle's gradient is not finite it differentiates what the kernel
            # simplified away (cbrt(0*x): inf*0 in jnp, a constant in alkahest): compared elsewhere
            ok = np.isfinite(np.asarray(ww))
            assert close(np.asarray(gg)[ok], np.asarray(ww)[ok], 1e-7), str(e)


def test_sharding_example_runs():
    """examples/jax_sharding.py: value and grad of a to_jax function over an array sharded on 4
    (simulated CPU) devices stay sharded and equal numpy_eval. A subprocess: the device count must
    be set before JAX starts."""
    import os
    import subprocess
    import sys

    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(ak.__file__)))
    res = subprocess.run([sys.executable, os.path.join(root, "examples", "jax_sharding.py")], capture_output=True,
                         text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    assert "4 devices" in res.stdout and "equal to numpy_eval" in res.stdout


def test_functions_are_freed_with_their_last_reference():
    """A to_jax function, its cached partials and their compiled code go with the last reference:
    the shared primitive carries the function as a parameter, nothing is registered per function
    (a training loop that builds functions must not grow)."""
    import gc
    import weakref

    from alkahest._jax import _JaxFunction

    pool = ExprPool()
    x, y = pool.symbols("x y")
    refs = []
    for k in range(20):
        f = to_jax(ak.sin(x * (k + 1)) + y ** 2, [x, y], name="model")
        assert "alkahest[fn=model]" in str(jax.make_jaxpr(f)(1.0, 2.0))
        float(f(1.0, 2.0)), float(jax.jit(f)(1.0, 2.0)), float(jax.grad(f)(1.0, 2.0))
        refs += [weakref.ref(o) for o in gc.get_objects() if type(o) is _JaxFunction]
        del f
    gc.collect()
    assert refs and not [r() for r in refs if r() is not None]
