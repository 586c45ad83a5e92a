"""The transcendental Risch algorithm as a decision: ``risch_integrate(f, x)`` (SymPy's name) gives
the antiderivative when it is elementary, or the unevaluated ``Integral(f, x)`` otherwise; when the
algorithm proved that no elementary antiderivative exists, that Integral is recorded as such:
``is_elementary(Integral(...))`` is False for it (None where nothing is known), and ``to_sympy``
converts it to SymPy's ``NonElementaryIntegral``.

The record is a property of the integral itself (the same integrand and variable are the same
Integral object), kept in a bounded table: forgetting an entry only loses the knowledge, never
changes an answer. The algorithm is C++ (src/integrate/risch.cpp; docs/calculus.md).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any, Optional

from . import _core

__all__ = ["risch_integrate", "is_elementary"]

_PROVED: "OrderedDict[Any, str]" = OrderedDict()
_MAX_RECORDS = 4096
_LOCK = threading.Lock()


def _record(integral: Any, reason: str) -> None:
    with _LOCK:
        _PROVED[integral] = reason
        _PROVED.move_to_end(integral)
        while len(_PROVED) > _MAX_RECORDS:
            _PROVED.popitem(last=False)


def _unevaluated(f: Any, x: Any) -> Any:
    from ._objects import Integral

    return Integral(f, x)


def mark_nonelementary(f: Any, x: Any, reason: str = "proved by the Risch algorithm") -> Any:
    """The Integral(f, x), recorded as proved non-elementary (for the integrate front end)."""
    integral = _unevaluated(f, x)
    _record(integral, reason)
    return integral


def nonelementary_reason(e: Any) -> Optional[str]:
    """Why e (an Integral) has no elementary antiderivative, or None when that was not proved."""
    try:
        with _LOCK:
            return _PROVED.get(e)
    except TypeError:
        return None


def risch_integrate(f: Any, x: Any) -> Any:
    """The antiderivative of f in x by the transcendental Risch algorithm, for f in Q(x, t) with
    t = exp(a) or t = log(a), a a nonconstant rational function of x with rational coefficients.
    The answer is checked by differentiation. When no elementary antiderivative exists (a proof:
    the residue criterion, the Risch differential equation or limited integration has no
    solution) the result is ``Integral(f, x)`` with ``is_elementary(result) is False``; outside
    that class, or where the answer would need algebraic residues, it is the plain Integral.

    >>> from alkahest import ExprPool, risch_integrate, is_elementary, exp, log
    >>> x = ExprPool().symbol("x")
    >>> risch_integrate(x * exp(x**2), x)
    exp(x**2)/2
    >>> I = risch_integrate(exp(x) / x, x)
    >>> I, is_elementary(I)
    (Integral(exp(x)/x, x), False)
    """
    if not isinstance(f, _core.Expr):
        raise TypeError(f"risch_integrate: the integrand must be an alkahest Expr, not {type(f).__name__}")
    verdict, F, reason = _core.risch_decide(f, x)
    if verdict == "elementary" and F is not None:
        return F
    if verdict == "nonelementary":
        return mark_nonelementary(f, x, reason)
    return _unevaluated(f, x)


# Functions that are elementary (algebraic operations, exp, log and what is written with them).
_ELEMENTARY_OPS = frozenset(
    "exp log sqrt cbrt abs sin cos tan cot sec csc asin acos atan acot asec acsc atan2 sinh cosh tanh coth "
    "sech csch asinh acosh atanh acoth asech acsch".split())


def is_elementary(e: Any) -> Optional[bool]:
    """False for an unevaluated Integral that the Risch algorithm proved to have no elementary
    antiderivative (risch_integrate or integrate returned it); True for an expression built from
    numbers, symbols, arithmetic and elementary functions only (exp, log, sqrt, trigonometric and
    hyperbolic functions and their inverses); None otherwise (special functions such as erf or Ei,
    other Integrals: nothing is claimed).

    >>> from alkahest import ExprPool, integrate, is_elementary, exp, log
    >>> x = ExprPool().symbol("x")
    >>> I = integrate(-2*exp(x**2 + x)/(x + 1), x)
    >>> I, is_elementary(I)
    (Integral(-2*exp(x + x**2)/(x + 1), x), False)
    >>> is_elementary(integrate(exp(x)/x, x)), is_elementary(integrate(log(x), x))
    (None, True)
    """
    if not isinstance(e, _core.Expr):
        raise TypeError(f"is_elementary: expected an alkahest Expr, not {type(e).__name__}")
    if nonelementary_reason(e) is not None:
        return False
    stack, seen = [e], set()
    while stack:
        s = stack.pop()
        if s.id in seen:
            continue
        seen.add(s.id)
        node = s.node()
        if node.kind == "Object" or (node.kind == "Func" and node.op not in _ELEMENTARY_OPS):
            return None
        stack.extend(node.args)
    return True
