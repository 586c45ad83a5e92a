"""Series expansions (C++: include/alkahest/series.hpp, src/series/; docs/calculus.md)."""

from __future__ import annotations

from fractions import Fraction
from typing import NamedTuple

from . import _core
from ._core import Expr


class SeriesData(NamedTuple):
    """A truncated series: ``expr = sum + O(local**order)`` as ``local -> 0+``.

    ``terms`` lists ``(exponent, coefficient)`` in the local variable ``local`` (``x - x0``,
    ``x0 - x``, ``1/x`` or ``-1/x``), increasing exponents; ``order`` is ``None`` when nothing was
    truncated (the sum is exact).
    """

    sum: Expr
    order: int | Fraction | None
    local: Expr
    terms: list[tuple[int | Fraction, Expr]]


def _exponent(q: Fraction) -> int | Fraction:
    return int(q) if q.denominator == 1 else q


def series_data(expr, x, x0=0, n: int = 6, dir: str = "+") -> SeriesData:
    """The series of ``expr`` in ``x`` about ``x0`` as a :class:`SeriesData` (sum, order, local
    variable, terms); see :func:`series`.

    >>> from alkahest import ExprPool, series_data, sin
    >>> x = ExprPool().symbol("x")
    >>> d = series_data(sin(x) / x, x, 0, 5)
    >>> d.sum, d.order
    (-x**2/6 + x**4/120 + 1, 5)
    >>> [e for e, c in d.terms]
    [0, 2, 4]
    """
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"series: n must be an int, not {type(n).__name__!r}")
    s, order, local, terms = _core._series(expr, x, x0, n, dir)
    return SeriesData(
        s,
        None if order is None else _exponent(order),
        local,
        [(_exponent(e), c) for e, c in terms],
    )


def series(expr, x, x0=0, n: int = 6, dir: str = "+"):
    """Truncated Taylor, Laurent or Puiseux series of ``expr`` in the symbol ``x`` about ``x0``.

    ``x0`` is a finite expression free of ``x``, ``pool.oo`` or ``-pool.oo``; terms with exponent
    below ``n`` of the local variable (``x - x0``, or ``1/x`` at infinity) are kept. ``dir`` is
    ``"+"`` (``x`` above ``x0``) or ``"-"``. Computed by power-series arithmetic (FLINT's series
    routines where the coefficients are rational), not by differentiation. Coefficients may hold
    ``log(x)`` (``x**x``). What cannot be expanded (``exp(1/x)`` at 0, a branch point whose
    expansion leaves the principal branch, an undecidable leading coefficient, an order above 2000)
    raises ``ValueError``.

    >>> from alkahest import ExprPool, series, exp, sin, tan
    >>> pool = ExprPool()
    >>> x = pool.symbol("x")
    >>> series(exp(sin(x)), x, 0, 4).removeO()
    x + x**2/2 + 1
    >>> series(1 / (1 + x), x, pool.oo, 3).removeO()
    -1/x**2 + 1/x
    """
    if not isinstance(n, int) or isinstance(n, bool):
        raise TypeError(f"series: n must be an int, not {type(n).__name__!r}")
    whole, s, order, local = _core._series_expr(expr, x, x0, n, dir)
    if whole is not None:  # the sum with its O term, built by the kernel
        return whole
    if s is None or local is None:  # the kernel returns either the whole or the parts
        raise RuntimeError("series: the kernel returned neither a sum nor its parts")
    d = SeriesData(s, None if order is None else _exponent(order), local, [])
    return _with_order(d, x, x0)


def _with_order(d: SeriesData, x, x0):
    """The sum plus the order term O(...) (the kernel's O object; at a finite point other than 0,
    which O cannot name, a _Truncated holding the sum and the order)."""
    if d.order is None:
        return d.sum
    try:
        from ._objects import O  # type: ignore[attr-defined]
    except ImportError:
        return _Truncated(d)
    where = str(x0)
    if where == "0":
        return d.sum + O(x ** d.order)
    if where in ("oo", "-oo"):
        return d.sum + O(x ** (-d.order), (x, x0))
    return _Truncated(d)


class _Truncated:
    """Placeholder result until the kernel's O object exists: the sum and the order."""

    def __init__(self, d: SeriesData):
        self.data = d

    def removeO(self):
        return self.data.sum

    def __repr__(self):
        return f"{self.data.sum} + O(({self.data.local})**{self.data.order})"


def limit(expr, x, x0, dir: str = "+"):
    """The limit of ``expr`` as the symbol ``x`` tends to ``x0`` (a finite expression free of ``x``,
    ``pool.oo`` or ``-pool.oo``) from ``dir``: ``"+"`` (above), ``"-"`` (below) or ``"+-"`` (both
    sides must agree; ``oo`` on one side and ``-oo`` on the other give ``zoo``).

    Gruntz's algorithm (most rapidly varying subexpressions, rewritten in one variable ``w -> 0+``,
    leading term by :func:`series`), after a series fast path at finite points. The answer may be
    ``oo``, ``-oo``, ``zoo`` or, with a parameter of unknown sign, ``oo*sign(a)``. When the limit
    does not exist because the expression oscillates as ``r + b*sin(u)`` or ``r + b*cos(u)`` (``u``
    real, tending to +-oo; ``r`` and ``b`` with finite real limits ``A``, ``B``) the answer is
    ``AccumBounds(A - |B|, A + |B|)``, the interval where the values accumulate, as in SymPy
    (``A`` when ``B = 0``). When the limit does not exist otherwise (one-sided limits that differ)
    or cannot be decided within the step budget, the result is the unevaluated ``Limit`` object
    (``None`` in a build without the objects module): never a guess. ``Limit(...).doit()`` runs
    this function.

    >>> from alkahest import ExprPool, limit, exp, log, sin
    >>> pool = ExprPool()
    >>> x = pool.symbol("x")
    >>> limit((1 + 1 / x) ** x, x, pool.oo)
    E
    >>> limit(sin(x) / x, x, 0), limit(x**x, x, 0), limit(exp(x) / x**100, x, pool.oo)
    (1, 1, oo)
    >>> limit(1 / x, x, 0, "+-")
    zoo
    >>> limit(sin(1 / x), x, 0)   # no limit: it oscillates between -1 and 1
    AccumBounds(-1, 1)
    >>> limit(abs(x) / x, x, 0, "+-")   # the one-sided limits differ
    Limit(abs(x)/x, x, 0, dir='+-')
    """
    r = _core._limit(expr, x, x0, dir)
    if r is None:
        try:
            from ._objects import Limit  # type: ignore[attr-defined]
        except ImportError:
            return None
        return Limit(expr, x, x0, dir)
    return r


def install() -> None:
    def _series_method(self, x, x0=0, n=6, dir="+"):
        return series(self, x, x0, n, dir)

    def _remove_o(self):
        return _remove_order(self)

    _series_method.__doc__ = series.__doc__
    _remove_o.__doc__ = "The expression without its order terms O(...) (see :func:`series`)."
    def _limit_method(self, x, x0, dir="+"):
        return limit(self, x, x0, dir)

    _limit_method.__doc__ = limit.__doc__
    _core.Expr.series = _series_method  # type: ignore[attr-defined]
    _core.Expr.limit = _limit_method  # type: ignore[attr-defined]
    _core.Expr.removeO = _remove_o  # type: ignore[attr-defined]
    try:
        from ._objects import register_doit  # type: ignore[attr-defined]
    except ImportError:
        return
    register_doit("Limit", _limit_doit)


def _is_order(e) -> bool:
    n = e.node()
    return n.kind == "Object" and n.op == "O"


def _remove_order(e):
    """e without its O(...) terms."""
    if _is_order(e):
        return e.pool.integer(0)
    n = e.node()
    if n.kind == "Add" and any(_is_order(t) for t in n.args):
        return _core.Add(*[t for t in n.args if not _is_order(t)])
    return e


def _limit_doit(obj):
    """Limit(...).doit(): the limit when it is decided, else None (the object stays)."""
    expr, var, point = obj.node().args
    return _core._limit(expr, var, point, obj.node().name or "+")
