"""Arbitrary-precision evaluation: ``N(expr, digits)`` and ``expr.evalf(digits)``.

The value is computed with Arb ball arithmetic at a working precision raised until the result is
as accurate as asked, so it comes with a certified error bound: the true value lies within
``error`` of ``real`` (and of ``imag``). Every function of the op table is evaluated, with complex
values and principal branches where the value is complex (``log(-1) = pi*I``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Mapping

from . import _core


def _decimal(text: str) -> Decimal:
    return Decimal(text.strip())


class Ball:
    """A certified value: ``real + imag*I`` with errors at most ``error = (real_err, imag_err)``.

    ``str`` shows the correct digits only; ``float``/``complex`` convert; ``real``/``imag`` are
    ``decimal.Decimal`` midpoints; ``accurate`` says the relative error is below ``10**-digits``
    (it is not near a zero, where only the absolute error bound can be small).

    >>> from alkahest import ExprPool, N
    >>> pool = ExprPool()
    >>> N(pool.pi, 30)
    3.14159265358979323846264338328
    >>> N(pool.I ** pool.I, 20)  # exp(-pi/2): real
    0.20787957635076190855
    """

    __slots__ = ("_text", "_double", "real", "imag", "error", "is_real", "accurate", "digits")

    def __init__(self, text: str, re: str, im: str, re_err: str, im_err: str, is_real: bool, accurate: bool,
                 re_double: float, im_double: float, digits: int) -> None:
        self._text = text
        self._double = complex(re_double, im_double)  # the midpoint rounded to doubles
        self.real = _decimal(re)
        self.imag = _decimal(im)
        self.error = (_decimal(re_err), _decimal(im_err))
        self.is_real = is_real
        self.accurate = accurate
        self.digits = digits

    def __str__(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return self._text

    def __float__(self) -> float:
        if not self.is_real:
            raise TypeError(f"cannot convert {self._text} to float: it is not real (use complex())")
        return self._double.real

    def __complex__(self) -> complex:
        return self._double

    def contains(self, value: Any) -> bool:
        """Whether the certified enclosure contains ``value``: an int, float, complex, Decimal, or
        anything with ``real``/``imag`` whose ``str`` is a decimal (an mpmath number)."""
        re, im = _parts(value)
        return abs(re - self.real) <= self.error[0] and abs(im - self.imag) <= self.error[1]


def _parts(value: Any) -> tuple[Decimal, Decimal]:
    if isinstance(value, (int, float, Decimal)) and not isinstance(value, bool):
        return Decimal(value), Decimal(0)
    if isinstance(value, complex):
        return Decimal(value.real), Decimal(value.imag)
    if hasattr(value, "real") and hasattr(value, "imag"):
        return Decimal(str(value.real)), Decimal(str(value.imag))
    return Decimal(str(value)), Decimal(0)


def N(expr: Any, digits: int = 15, subs: Mapping[Any, Any] | None = None) -> Ball:
    """The value of ``expr`` to ``digits`` significant digits with a certified error bound (Arb).

    ``subs`` gives values to the symbols first (exact ints and Fractions stay exact; floats are
    their exact doubles). Raises ValueError for a free symbol without a value, for ``oo``, ``zoo``
    and ``nan``, and where no finite enclosure exists (a pole).

    >>> from alkahest import ExprPool, N, exp, log, sqrt
    >>> pool = ExprPool()
    >>> x = pool.symbol("x")
    >>> N(exp(pool.pi * sqrt(pool.integer(163))), 40)
    262537412640768743.9999999999992500725972
    >>> N(log(x), 20, subs={x: -1})
    3.1415926535897932385*I
    """
    if not isinstance(expr, _core.Expr):
        raise TypeError(f"N: expected an alkahest Expr, got {type(expr).__name__}")
    if isinstance(digits, bool) or not isinstance(digits, int):
        raise TypeError(f"N: digits must be an int, got {type(digits).__name__}")
    if subs:
        expr = _core.subs(expr, dict(subs))
    return Ball(*_core._evalf(expr, digits), digits=digits)


def _expr_evalf(self: _core.Expr, digits: int = 15, subs: Mapping[Any, Any] | None = None) -> Ball:
    """``N(self, digits, subs)``: the value with a certified error bound.

    >>> from alkahest import ExprPool
    >>> pool = ExprPool()
    >>> (pool.E + pool.EulerGamma).evalf(25)
    3.295497493360258213767219
    """
    return N(self, digits, subs)


def install() -> None:
    _core.Expr.evalf = _expr_evalf  # type: ignore[attr-defined]
