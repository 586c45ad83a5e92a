"""alkahest: a C++ computer-algebra kernel that turns symbolic expressions into fast numeric code.

Build expressions in an :class:`ExprPool`, transform them (:func:`diff`, :func:`subs`), read and
print them (:func:`parse`, ``str``), evaluate them (:func:`eval_expr`).
"""

from ._core import (
    AlkahestError,
    CompiledFn,
    Expr,
    ExprPool,
    Node,
    ParseError,
    abs,
    acos,
    asin,
    atan,
    atan2,
    ceiling,
    cos,
    cosh,
    diff,
    erf,
    erfc,
    eval_expr,
    exp,
    floor,
    gamma,
    grad,
    log,
    parse,
    polygamma,
    sign,
    sin,
    sinh,
    sqrt,
    subs,
    tan,
    tanh,
)

from .evaluate import compile_expr, numpy_eval

#: ``ceil`` is the usual Python spelling; expressions print it as ``ceiling`` (SymPy's name).
ceil = ceiling

__version__ = "0.1.0"

__all__ = [
    "AlkahestError", "CompiledFn", "Expr", "ExprPool", "Node", "ParseError",
    "acos", "asin", "atan", "atan2", "ceil", "ceiling", "compile_expr", "cos", "cosh", "diff", "erf", "erfc",
    "eval_expr", "exp", "floor", "gamma", "grad", "log", "numpy_eval", "parse", "polygamma", "sign", "sin",
    "sinh", "sqrt", "subs", "tan", "tanh",
]
