"""Python protocols of Expr and CompiledFn that users of NumPy expect.

- ``np.sin(x)`` on an Expr builds ``sin(x)`` (``__array_ufunc__``); NumPy scalars mix with Exprs
  like Python numbers; an Expr combined with a NumPy array is a clear TypeError (an array of
  expressions is not what alkahest builds: compile the expression and evaluate it on the array).
- ``np.asarray(f)`` for a CompiledFn of no inputs is its value; otherwise a TypeError saying to call it.
- ``complex(e)`` of a constant expression.
"""

from __future__ import annotations

import html
from typing import Any, Callable

import numpy as np

from . import _core

_UNARY: dict[str, Callable[[Any], Any]] = {
    "sin": _core.sin, "cos": _core.cos, "tan": _core.tan, "arcsin": _core.asin, "arccos": _core.acos,
    "arctan": _core.atan, "sinh": _core.sinh, "cosh": _core.cosh, "tanh": _core.tanh, "exp": _core.exp,
    "log": _core.log, "sqrt": _core.sqrt, "absolute": _core.abs, "fabs": _core.abs, "sign": _core.sign,
    "floor": _core.floor, "ceil": _core.ceiling, "negative": lambda a: -a, "positive": lambda a: a,
    "square": lambda a: a ** 2, "reciprocal": lambda a: 1 / a, "exp2": lambda a: 2 ** a,
    "expm1": lambda a: _core.exp(a) - 1, "log1p": lambda a: _core.log(1 + a),
    "log2": lambda a: _core.log(a) / _core.log(2), "log10": lambda a: _core.log(a) / _core.log(10),
}
_BINARY: dict[str, Callable[[Any, Any], Any]] = {
    "add": lambda a, b: a + b, "subtract": lambda a, b: a - b, "multiply": lambda a, b: a * b,
    "true_divide": lambda a, b: a / b, "divide": lambda a, b: a / b, "power": lambda a, b: a ** b,
    "float_power": lambda a, b: a ** b, "arctan2": _core.atan2,
}


def _operand(value: Any, ufunc: Any) -> Any:
    if isinstance(value, _core.Expr):
        return value
    # NumPy scalars first: np.float64 is a float subclass, and multiplying by it would come back here.
    if isinstance(value, np.generic) or (isinstance(value, np.ndarray) and value.ndim == 0):
        item = value.item()
        if isinstance(item, (bool, int, float)):
            return item
    elif isinstance(value, (int, float)):
        return value
    raise TypeError(
        f"numpy.{ufunc.__name__}: an alkahest Expr cannot be combined with {type(value).__name__} "
        f"{getattr(value, 'shape', '')}: NumPy would build an array of expressions. Compile the "
        "expression (compile_expr) and evaluate it on the array (numpy_eval or f(array)) instead.")


def _array_ufunc(self: _core.Expr, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
    """``np.sin(x)`` is ``alkahest.sin(x)``; NumPy scalars mix like Python numbers.

    >>> import numpy as np
    >>> from alkahest import ExprPool
    >>> x = ExprPool().symbol("x")
    >>> np.sin(x) + np.float64(2.0) * x
    2.0*x + sin(x)
    """
    if method != "__call__" or kwargs:
        return NotImplemented
    name = ufunc.__name__
    args = [_operand(v, ufunc) for v in inputs]
    if len(args) == 1 and name in _UNARY:
        return _UNARY[name](args[0])
    if len(args) == 2 and name in _BINARY:
        return _BINARY[name](args[0], args[1])
    raise TypeError(f"numpy.{name} has no symbolic form in alkahest; use alkahest's functions on expressions")


def _expr_repr_html(self: _core.Expr) -> str:
    """HTML for notebooks and HTML renderers that do not typeset LaTeX: the expression's text."""
    text = str(self)
    if len(text) > 2000:
        text = text[:2000] + f" ... ({len(text)} characters)"
    return f'<code class="alkahest-expr">{html.escape(text)}</code>'


def _expr_complex(self: _core.Expr) -> complex:
    try:
        return complex(float(self))
    except (TypeError, ValueError):
        if self.free_symbols:
            raise
        from ._evalf import N  # a constant with I (2 + 3*I, exp(I)): Arb gives the value

        return complex(N(self, 17))


def _compiled_array(self: _core.CompiledFn, dtype: Any = None, copy: Any = None) -> np.ndarray:
    if self.n_inputs != 0:
        raise TypeError(
            f"a CompiledFn of {self.n_inputs} variable(s) is not an array: call it first "
            "(np.asarray(f(x_array, ...)) or np.asarray(f([x, ...])))")
    value = self([])
    return np.asarray(value, dtype=dtype)


def _compiled_stacked(self: _core.CompiledFn, state: Any, out: Any = None, threads: Any = None) -> np.ndarray:
    """``f.stacked(state)``: the variables along the last axis of one array; the result has the
    outputs along its last axis when ``f`` was compiled from a list (an ODE state needs no unpacking).

    >>> import numpy as np
    >>> from alkahest import ExprPool, compile_expr
    >>> x, v = ExprPool().symbols("x v")
    >>> rhs = compile_expr([v, -x], [x, v])
    >>> rhs.stacked(np.array([[1.0, 0.0], [0.0, 2.0]]))
    array([[ 0., -1.],
           [ 2., -0.]])
    """
    from .evaluate import numpy_eval

    arr = np.asarray(state)
    if arr.shape[-1:] != (self.n_inputs,):
        raise ValueError(f"stacked: the last axis must hold the {self.n_inputs} variable(s), got shape {arr.shape}")
    return numpy_eval(self, *(arr[..., i] for i in range(self.n_inputs)), out=out, threads=threads)


def install() -> None:
    _core.Expr.__array_ufunc__ = _array_ufunc  # type: ignore[method-assign,attr-defined]
    _core.Expr.__complex__ = _expr_complex  # type: ignore[method-assign,attr-defined]
    _core.Expr._repr_html_ = _expr_repr_html  # type: ignore[method-assign,attr-defined]
    _core.CompiledFn.__array__ = _compiled_array  # type: ignore[method-assign,attr-defined]
    _core.CompiledFn.stacked = _compiled_stacked  # type: ignore[method-assign,attr-defined]
