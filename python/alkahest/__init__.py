"""alkahest: a C++ computer-algebra kernel that turns symbolic expressions into fast numeric code.

Build expressions in an :class:`ExprPool`, transform them (:func:`diff`, :func:`subs`), read and
print them (:func:`parse`, ``str``), evaluate them (:func:`eval_expr`).
"""

from ._core import (
    Add,
    AlkahestError,
    CompiledFn,
    Expr,
    ExprPool,
    Max,
    Min,
    Mul,
    Node,
    ParseError,
    Chi,
    Ci,
    Ei,
    Shi,
    Si,
    abs,
    acos,
    arg,
    asin,
    asinh,
    sec,
    csc,
    cot,
    sech,
    csch,
    coth,
    acosh,
    atanh,
    asec,
    acsc,
    acot,
    acoth,
    asech,
    acsch,
    cbrt,
    hypot,
    Heaviside,
    atan,
    atan2,
    ceiling,
    conjugate,
    cos,
    cosh,
    diff,
    elliptic_e,
    elliptic_f,
    elliptic_k,
    elliptic_pi,
    emit_c,
    erf,
    erfc,
    erfi,
    eval_expr,
    exp,
    floor,
    fresnelc,
    fresnels,
    gamma,
    grad,
    hyp2f1,
    im,
    is_zero,
    li,
    log,
    parse,
    polygamma,
    re,
    sign,
    sin,
    sinh,
    sqrt,
    subs,
    tan,
    tanh,
    to_stablehlo,
)
# Special functions: the gamma family, zeta and polylog, LambertW, Bessel, incomplete gamma
# (include/alkahest/ops_special.def, docs/functions.md).
from ._core import (
    LambertW,
    besseli,
    besselj,
    besselk,
    bessely,
    beta,
    binomial,
    digamma,
    factorial,
    harmonic,
    loggamma,
    lowergamma,
    polylog,
    uppergamma,
    zeta,
)
# The polynomial layer (python/bind_poly.cpp, docs/algebra.md).
from ._core import (
    Poly,
    apart,
    cancel,
    collect,
    discriminant,
    div,
    expand,
    factor,
    factor_list,
    gcd,
    generators,
    groebner,
    horner,
    lcm,
    nroots,
    quo,
    real_roots,
    rem,
    resultant,
    sqf,
    sqf_list,
    together,
)

# Matrices (python/bind_matrix.cpp, docs/matrices.md).
from ._core import Matrix, hessian, jacobian

# Pattern matching, rewriting, simplification (python/bind_simplify.cpp, _simplify.py, docs/simplify.md).
from ._core import (
    expand_log,
    expand_trig,
    is_wild,
    logcombine,
    match,
    op_count,
    powsimp,
    radsimp,
    replace,
    rewrite,
    simplify,
    trigsimp,
)
# Equation solving (python/bind_solve.cpp, python/alkahest/_solve.py, docs/solve.md).
from ._core import SolveUnsupportedError
from ._solve import Condition, NsolveResult, Roots, Solution, nsolve, roots, solve

import functools

from .evaluate import compile_expr, numpy_eval
from . import _conventions, _evalf, _matrix, _optional, _pickle, _simplify, _solve
from ._simplify import Wild
from ._evalf import Ball, N
from ._config import show_config
from ._sympy import from_sympy, to_sympy
from ._core import check_antiderivative, integrate_antiderivative, integrate_rational
from ._integrate import IntegrationBudgetWarning, integrate, nintegrate
from ._risch import is_elementary, risch_integrate
# Series and limits (python/bind_series.cpp, python/alkahest/_series.py, docs/calculus.md).
from . import _series
from ._series import SeriesData, limit, series, series_data
from ._core import antidifference, summation_closed_form
from ._sum import summation
from . import _integrate, _sum

_integrate.install()
_sum.install()

# Unevaluated objects (include/alkahest/objects.hpp, python/bind_objects.cpp, docs/kernel.md).
from ._objects import (
    AccumBounds,
    And,
    Derivative,
    Eq,
    Function,
    Ge,
    Gt,
    Integral,
    Lambda,
    Le,
    Limit,
    Lt,
    Ne,
    Not,
    O,
    Or,
    Order,
    Piecewise,
    Product,
    RootOf,
    RootSum,
    Subs,
    Sum,
    register_doit,
)
from . import _objects

_pickle.install()
_conventions.install()
_matrix.install()
_evalf.install()
_simplify.install()
_solve.install()
_series.install()
_objects.install()


def _entries(expr_or_list):
    """A Matrix as the list of its entries (row-major) for the exporters; anything else unchanged."""
    return list(expr_or_list.entries()) if isinstance(expr_or_list, Matrix) else expr_or_list


def _one_name(who, name, fn_name):
    """The generated function's name: ``name`` everywhere (``fn_name`` is accepted as its alias)."""
    if name is not None and fn_name is not None and name != fn_name:
        raise TypeError(f"{who}: name={name!r} and fn_name={fn_name!r} disagree; give one")
    return name if name is not None else fn_name


def _with_name_alias(fn, default):
    """emit_c / to_stablehlo taking ``name=`` as well as their ``fn_name=``."""

    @functools.wraps(fn)
    def wrapper(*args, name=None, **kwargs):
        chosen = _one_name(fn.__name__, name, kwargs.pop("fn_name", None))
        if args:
            args = (_entries(args[0]),) + args[1:]
        return fn(*args, fn_name=default if chosen is None else chosen, **kwargs)

    return wrapper


emit_c = _with_name_alias(emit_c, "f")
to_stablehlo = _with_name_alias(to_stablehlo, "main")


def to_jax(expr_or_list, vars, name=None, stacked=False, fn_name=None):
    """A JAX primitive computing ``expr_or_list`` over ``vars`` (see :mod:`alkahest._jax`).

    Works eagerly and under ``jax.jit`` (lowered to StableHLO ops, no host callback),
    ``jax.grad``/``jacfwd``/``jacrev``/``hessian`` and ``jax.vmap``. JAX is imported on first use.
    ``name`` names the function (``fn_name`` is accepted too); ``stacked=True`` gives a function of
    one array whose last axis holds the variables, returning one array (outputs on the last axis).

    >>> import jax
    >>> from alkahest import ExprPool, sin, to_jax
    >>> x = ExprPool().symbol("x")
    >>> f = to_jax(sin(x) ** 2, [x])
    >>> round(float(jax.jit(jax.grad(f))(0.5)), 5)  # 2 sin(x) cos(x) = sin(1); float32 by default
    0.84147
    """
    _optional.require("jax")
    from ._jax import to_jax as _to_jax

    f = _to_jax(_entries(expr_or_list), vars, name=_one_name("to_jax", name, fn_name), stacked=stacked)
    return _matrix_shaped(f, expr_or_list, stacked, "jax.numpy")

def compile_cuda(expr_or_list, vars, dtype="f64", arch=None):
    """Compile for CUDA GPUs: generated CUDA C, NVRTC's PTX, launches through the driver API (see
    :mod:`alkahest._cuda`). Compiling needs NVRTC, not a GPU; running needs a GPU.

    >>> from alkahest import ExprPool, compile_cuda, sin
    >>> x = ExprPool().symbol("x")
    >>> f = compile_cuda(sin(x) * x, [x], dtype="f32")
    >>> print(next(line for line in f.source.splitlines() if "ak_point(float" in line))
    static __device__ float ak_point(float x0) { return x0 * sinf(x0); }
    >>> ".entry alkahest_kernel(" in f.ptx
    True
    """
    from ._cuda import compile_cuda as _compile_cuda

    return _compile_cuda(_entries(expr_or_list), vars, dtype=dtype, arch=arch)


def _matrix_shaped(f, expr_or_list, stacked, module):
    """For a Matrix, f's outputs (a tuple, or one array with outputs on the last axis when stacked)
    as one array of shape batch + M.shape; otherwise f itself."""
    if not isinstance(expr_or_list, Matrix):
        return f
    import importlib

    xp = importlib.import_module(module)
    shape = expr_or_list.shape

    @functools.wraps(f)
    def matrix_fn(*args):
        out = f(*args)
        flat = out if stacked else xp.stack(list(out), -1)
        return flat.reshape(tuple(flat.shape[:-1]) + shape)

    return matrix_fn


def to_torch(expr_or_list, vars, name=None, stacked=False, fn_name=None):
    """A torch custom op computing ``expr_or_list`` over ``vars`` (see :mod:`alkahest._torch`).

    Differentiable (symbolic backward, ``gradcheck``, double backward) and ``torch.compile``-able
    without a graph break. PyTorch is imported on first use. ``name`` names the op's function
    (``fn_name`` is accepted too); ``stacked=True``: one tensor in (variables on the last axis), one out.

    >>> import torch
    >>> from alkahest import ExprPool, sin, to_torch
    >>> x = ExprPool().symbol("x")
    >>> f = to_torch(sin(x) * x, [x])
    >>> t = torch.tensor([0.5], dtype=torch.float64, requires_grad=True)
    >>> f(t).backward()
    >>> round(float(t.grad), 12)  # sin(x) + x cos(x)
    0.918216819549
    """
    _optional.require("torch")
    from ._torch import to_torch as _to_torch

    f = _to_torch(_entries(expr_or_list), vars, name=_one_name("to_torch", name, fn_name), stacked=stacked)
    return _matrix_shaped(f, expr_or_list, stacked, "torch")


#: ``ceil`` is the usual Python spelling; expressions print it as ``ceiling`` (SymPy's name).
ceil = ceiling

__version__ = "0.1.0"

__all__ = [
    "Add", "AlkahestError", "Ball", "CompiledFn", "Expr", "ExprPool", "Mul", "N", "Node", "ParseError", "is_zero",
    "Max", "Min", "acos", "arg", "asin", "asinh", "sec", "csc", "cot", "sech", "csch", "coth", "acosh", "atanh", "asec", "acsc", "acot", "acoth", "asech", "acsch", "cbrt", "hypot", "Heaviside", "atan", "atan2", "ceil", "ceiling", "conjugate", "im", "re", "compile_cuda", "compile_expr", "cos", "cosh", "diff", "emit_c", "erf", "erfc",
    "eval_expr", "exp", "floor", "from_sympy", "gamma", "grad", "log", "numpy_eval", "parse", "polygamma", "sign", "sin",
    "show_config", "sinh", "sqrt", "subs", "tan", "tanh", "to_jax", "to_stablehlo", "to_sympy", "to_torch",
    # special functions
    "LambertW", "besseli", "besselj", "besselk", "bessely", "beta", "binomial", "digamma", "factorial", "harmonic",
    "loggamma", "lowergamma", "polylog", "uppergamma", "zeta",
    # integrals as functions (alkahest/ops_integrals.def)
    "Chi", "Ci", "Ei", "Shi", "Si", "elliptic_e", "elliptic_f", "elliptic_k", "elliptic_pi", "erfi", "fresnelc",
    "fresnels", "hyp2f1", "li",
    # polynomial algebra
    # integration
    "check_antiderivative", "IntegrationBudgetWarning", "integrate", "integrate_antiderivative", "integrate_rational", "nintegrate",
    "risch_integrate", "is_elementary",
    # summation
    "antidifference", "summation", "summation_closed_form",
    # matrices
    "Matrix", "hessian", "jacobian",
    # pattern matching, rewriting, simplification
    "Wild", "expand_log", "expand_trig", "is_wild", "logcombine", "match", "op_count", "powsimp", "radsimp",
    "replace", "rewrite", "simplify", "trigsimp",
    # equation solving
    "Condition", "NsolveResult", "Roots", "Solution", "SolveUnsupportedError", "nsolve", "roots", "solve",
    # series and limits
    "SeriesData", "limit", "series", "series_data",
    "Poly", "apart", "cancel", "collect", "discriminant", "div", "expand", "factor", "factor_list", "gcd", "generators", "groebner", "horner", "lcm", "nroots", "quo", "real_roots", "rem", "resultant", "sqf", "sqf_list", "together",
    # unevaluated objects
    "AccumBounds", "And", "Derivative", "Eq", "Function", "Ge", "Gt", "Integral", "Lambda", "Le", "Limit", "Lt", "Ne", "Not", "O",
    "Or", "Order", "Piecewise", "Product", "RootOf", "RootSum", "Subs", "Sum", "register_doit",
]
