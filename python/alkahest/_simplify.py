"""Pattern matching, rewriting and simplification (docs/simplify.md): the Python faces of
python/bind_simplify.cpp. ``Wild`` makes pattern variables; ``Expr.match``, ``Expr.replace`` and
``Expr.rewrite_rules`` are installed on :class:`Expr`.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Optional, Union

from . import _core

Expr = _core.Expr


def Wild(name: str, exclude: Iterable[Any] = (), pool: Optional[_core.ExprPool] = None) -> Expr:
    """A pattern variable (printed ``name_``) that matches any expression free of each of ``exclude``.

    The pool is ``pool``, or that of the excluded expressions. Wilds have no assumptions (they may
    stand for any value), so nothing is folded on their behalf: ``log(exp(a))`` stays as written.

    >>> from alkahest import ExprPool, Wild, sin
    >>> pool = ExprPool()
    >>> x = pool.symbol("x")
    >>> a, b = Wild("a", exclude=[x]), Wild("b", exclude=[x])
    >>> (2*sin(x) + 5).match(a*sin(x) + b)
    {a_: 2, b_: 5}
    >>> (x*sin(x)).match(a*sin(x)) is None        # a may not hold x
    True
    """
    if not isinstance(name, str):
        raise TypeError(f"Wild: the name must be a str, not {type(name).__name__!r}")
    exclude = list(exclude)
    anchor = None
    if pool is not None:
        if not isinstance(pool, _core.ExprPool):
            raise TypeError(f"Wild: pool must be an ExprPool, not {type(pool).__name__!r}")
        anchor = pool.integer(0)
    else:
        anchor = next((e for e in exclude if isinstance(e, Expr)), None)
        if anchor is None:
            raise TypeError("Wild: give pool=... (or exclude=[...] expressions, whose pool is used)")
    return _core._wild(anchor, name, exclude)


def _match(self: Expr, pattern: Any, max_steps: int = 100_000) -> Optional[dict]:
    """``match(self, pattern)``: the wilds' values as a dict, or None."""
    return _core.match(self, pattern, max_steps)


def _replace(self: Expr, pattern: Any, replacement: Union[Any, Callable[..., Any]]) -> Expr:
    """``replace(self, pattern, replacement)``."""
    return _core.replace(self, pattern, replacement)


def _rewrite_rules(self: Expr, rules: Iterable[Any], max_steps: int = 1000) -> Expr:
    """``rewrite(self, rules, max_steps)``."""
    return _core.rewrite(self, rules, max_steps)


def _simplify(self: Expr, measure: Optional[Callable[[Expr], float]] = None) -> Expr:
    """``simplify(self, measure)``."""
    return _core.simplify(self, measure)


def install() -> None:
    setattr(Expr, "simplify", _simplify)
    setattr(Expr, "match", _match)
    setattr(Expr, "replace", _replace)
    setattr(Expr, "rewrite_rules", _rewrite_rules)
