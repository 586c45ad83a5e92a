"""Summation: ``summation(f, (k, a, b))`` over the C++ antidifference algorithms (src/sum,
python/bind_sum.cpp): sum_{k=a}^{b} f = T(b+1) - T(a) with T(k+1) - T(k) = f checked at random
integer points. No closed form: None (the unevaluated Sum once the kernel has it)."""

from __future__ import annotations

from typing import Any

from . import _core

__all__ = ["summation"]


def summation(f: Any, *limits: Any) -> Any:
    """The sum of f over each (k, a, b) in turn (innermost first), b may be ``pool.oo``.

    Closed forms for polynomials in k, polynomial times r**k (geometric), and rational functions
    of k whose partial fractions telescope; each antidifference is checked before use. None when
    no closed form is found (never a wrong value).

    >>> from alkahest import ExprPool, summation
    >>> p = ExprPool(); k, n = p.symbols("k n")
    >>> summation(k, (k, 1, n))
    n*(n + 1)/2
    >>> summation(1 / (k * (k + 1)), (k, 1, p.oo))
    1
    >>> summation(p.rational(1, 2) ** k, (k, 0, p.oo))
    2
    """
    if not isinstance(f, _core.Expr):
        raise TypeError(f"summation: the term must be an alkahest Expr, not {type(f).__name__}")
    if not limits:
        raise ValueError("summation: give the limits, e.g. summation(f, (k, 1, n))")
    result = f
    for lim in limits:
        if not isinstance(lim, tuple) or len(lim) != 3:
            raise ValueError("summation: limits are (k, a, b)")
        k, a, b = lim
        value = _core.summation_closed_form(result, k, a, b)
        if value is None:
            try:
                from ._objects import Sum  # type: ignore[attr-defined]
            except ImportError:
                return None
            return Sum(result, lim)
        result = value
    return result


def _sum_doit(obj: Any) -> Any:
    body, *limits = obj.args
    value = summation(body, *[tuple(lim) for lim in limits])
    if value is None or str(value).startswith("Sum("):
        return None
    return value


def install() -> None:
    """Registers summation as Sum.doit() where the kernel has unevaluated objects."""
    try:
        from ._objects import register_doit  # type: ignore[attr-defined]
    except ImportError:
        return
    register_doit("Sum", _sum_doit)
