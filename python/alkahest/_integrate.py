"""Integration: ``integrate(f, x)`` (an antiderivative) and ``integrate(f, (x, a, b))`` (a definite
integral), over the C++ integrator (src/integrate, python/bind_integrate.cpp).

Every antiderivative the C++ side returns has been checked by differentiation at random points
(certified complex evaluation). A definite integral is F(b) - F(a) only when that value agrees with
an independent numerical quadrature of f over [a, b] (an antiderivative with a jump inside the
interval, such as one in tan(x/2), fails that comparison); otherwise, and when no antiderivative
is found, the result is unevaluated (``None`` until the kernel has an ``Integral`` object).
"""

from __future__ import annotations

import math
import warnings
from typing import Any, Optional

from . import _core, _evalf

__all__ = ["integrate", "nintegrate"]

# Gauss-Kronrod 7-15 nodes and weights on [-1, 1].
_XGK = (
    0.991455371120812639206854697526329,
    0.949107912342758524526189684047851,
    0.864864423359769072789712788640926,
    0.741531185599394439863864773280788,
    0.586087235467691130294144845693013,
    0.405845151377397166906606412076961,
    0.207784955007898467600689403773245,
    0.000000000000000000000000000000000,
)
_WGK = (
    0.022935322010529224963732008058970,
    0.063092092629978553290700663189204,
    0.104790010322250183839876322541518,
    0.140653259715525918745189590510238,
    0.169004726639267902826583426598550,
    0.190350578064785409913256402421014,
    0.204432940075298892414161999234649,
    0.209482141084727828012999174891714,
)
_WG = (0.129484966168869693270611432679082, 0.279705391489276667901467771423780,
       0.381830050505118944950369775488975, 0.417959183673469387755102040816327)


def _unevaluated(f: Any, limits: tuple) -> Any:
    """The unevaluated Integral where the kernel has the object (alkahest._objects), else None."""
    try:
        from ._objects import Integral  # type: ignore[attr-defined]
    except ImportError:
        return None
    return Integral(f, *limits)


def _integral_doit(obj: Any) -> Any:
    """Integral(...).doit(): the integral when found, else None (the object stays)."""
    body, *limits = obj.args
    lims = [tuple(lim) if len(tuple(lim)) == 3 else tuple(lim)[0] for lim in limits]
    value = integrate(body, *lims)
    if value is None or str(value).startswith("Integral("):
        return None
    return value


def install() -> None:
    """Registers integrate as Integral.doit() where the kernel has unevaluated objects."""
    try:
        from ._objects import register_doit  # type: ignore[attr-defined]
    except ImportError:
        return
    register_doit("Integral", _integral_doit)


def _gk15(fn: Any, a: float, b: float) -> tuple[float, float]:
    import numpy as np

    c, h = 0.5 * (a + b), 0.5 * (b - a)
    xs = np.array([c - h * t for t in _XGK[:-1]] + [c] + [c + h * t for t in reversed(_XGK[:-1])])
    ys = np.asarray(fn(xs), dtype=float)
    if not np.all(np.isfinite(ys)):
        raise ValueError("the integrand is not finite at a quadrature node")
    k = len(_XGK) - 1
    kron = _WGK[-1] * ys[k] + sum(_WGK[i] * (ys[i] + ys[2 * k - i]) for i in range(k))
    gauss = _WG[-1] * ys[k] + sum(_WG[j] * (ys[2 * j + 1] + ys[2 * k - 2 * j - 1]) for j in range(3))
    return kron * h, abs((kron - gauss) * h)


def nintegrate(f: Any, limits: tuple, tol: float = 1e-10, max_intervals: int = 2000) -> tuple[float, float]:
    """The definite integral of f over (x, a, b) by adaptive Gauss-Kronrod (7-15) quadrature on
    the compiled integrand: (value, error estimate). a and b must be finite real numbers (or
    expressions with a real value); ValueError when the integrand is not finite at a node or the
    requested tolerance is not reached within max_intervals subintervals.

    >>> from alkahest import ExprPool, nintegrate, exp
    >>> x = ExprPool().symbol("x")
    >>> value, err = nintegrate(exp(-x**2), (x, 0, 1))
    >>> round(value, 12), err < 1e-12
    (0.746824132812, True)
    """
    from .evaluate import compile_expr

    if not isinstance(limits, tuple) or len(limits) != 3:
        raise TypeError("nintegrate: limits must be a tuple (x, a, b)")
    x, a, b = limits
    lo, hi = (float(_evalf.N(v, 20)) if isinstance(v, _core.Expr) else float(v) for v in (a, b))
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError("nintegrate: the limits must be finite")
    if not isinstance(f, _core.Expr):
        f = x.pool.integer(0) + f
    free = sorted(f.free_symbols - {x}, key=str)
    if free:
        raise ValueError(f"nintegrate: the integrand has free symbols besides {x}: {', '.join(map(str, free))}")
    fn = compile_expr(f, [x])
    import heapq

    sign = 1.0
    if lo > hi:
        lo, hi, sign = hi, lo, -1.0
    if lo == hi:
        return 0.0, 0.0
    v, e = _gk15(fn, lo, hi)
    heap = [(-e, lo, hi, v)]
    total, err = v, e
    while err > max(tol, tol * abs(total)) and len(heap) < max_intervals:
        _, l, h, v0 = heapq.heappop(heap)
        m = 0.5 * (l + h)
        v1, e1 = _gk15(fn, l, m)
        v2, e2 = _gk15(fn, m, h)
        heapq.heappush(heap, (-e1, l, m, v1))
        heapq.heappush(heap, (-e2, m, h, v2))
        total = sum(t[3] for t in heap)
        err = sum(-t[0] for t in heap)
    if err > max(tol, tol * abs(total)) * 1e3:
        raise ValueError(f"nintegrate: no convergence (error estimate {err:.3g} after {len(heap)} intervals)")
    return float(sign * total), float(err)


def _definite(f: Any, F: Any, x: Any, a: Any, b: Any) -> Any:
    """F(b) - F(a) when it agrees with quadrature of f over [a, b]; None otherwise."""
    pool = x.pool
    a = a if isinstance(a, _core.Expr) else pool.integer(0) + a
    b = b if isinstance(b, _core.Expr) else pool.integer(0) + b
    value = _core.subs(F, {x: b}) - _core.subs(F, {x: a})
    if a.free_symbols or b.free_symbols:
        return None  # symbolic limits: no numerical cross-check possible
    # Parameters: the comparison at two sets of values for them.
    params = sorted((value.free_symbols | f.free_symbols) - {x}, key=str)
    trials = [{}] if not params else [{s: pool.rational(k + 11 + 3 * i, 10) for i, s in enumerate(params)} for k in (0, 7)]
    for at in trials:
        try:
            exact = complex(_evalf.N(_core.subs(value, at) if at else value, 30))
            numeric, err = nintegrate(_core.subs(f, at) if at else f, (x, a, b), tol=1e-11)
        except (ValueError, TypeError, _core.AlkahestError, ZeroDivisionError):
            return None
        if abs(exact.imag) > 1e-9 * (1 + abs(exact)):
            return None
        if abs(exact.real - numeric) > 1e-7 * (1 + abs(numeric)) + 10 * err:
            return None
    return value


class IntegrationBudgetWarning(RuntimeWarning):
    """integrate stopped at its step budget (or timeout) without an answer: the integral is
    returned unevaluated, and a larger ``max_steps`` (or ``timeout``) may find one."""


class _NonElementary:
    """_antiderivative's answer when the Risch algorithm proved there is no elementary one."""


_NONELEMENTARY = _NonElementary()


def _antiderivative(f: Any, x: Any, max_steps: int, seconds: float) -> Any:
    F, exhausted, steps, proved = _core.integrate_antiderivative(f, x, max_steps, seconds, report=True,
                                                                report_proof=True)
    if F is None and proved:
        return _NONELEMENTARY
    if F is None and exhausted:
        what = f"timeout={seconds:g} s" if seconds > 0 and steps <= max_steps else f"max_steps={max_steps}"
        warnings.warn(f"integrate: the search for an antiderivative of {str(f)[:120]} stopped at its budget "
                      f"({what}, {steps} steps) without an answer; the integral stays unevaluated, and a "
                      f"larger budget may find one", IntegrationBudgetWarning, stacklevel=3)
    return F


def integrate(f: Any, *limits: Any, max_steps: int = 4000, timeout: Optional[float] = None,
              numeric: bool = False) -> Any:
    """The integral of f: ``integrate(f, x)`` an antiderivative (no constant), ``integrate(f, (x, a,
    b))`` a definite integral; several limits integrate in turn (innermost first). Other symbols are
    constants.

    Antiderivatives come from the rational-function algorithm (Hermite reduction and
    Lazard-Rioboo-Trager), a table of elementary forms, substitutions, integration by parts and
    trigonometric rewriting, and each is checked by differentiation before it is returned. A
    definite integral is F(b) - F(a) only when a numerical quadrature over [a, b] agrees (numeric
    limits). When nothing is found the integral is returned unevaluated; where the integrand is in
    Q(x, exp(a)) or Q(x, log(a)) the Risch algorithm decides, and an Integral it proved to have no
    elementary antiderivative has ``is_elementary(...) is False`` (special-function answers such as
    erf or Ei, where the table has them, come first). ``max_steps`` bounds the search, so the answer is the same on every
    machine (when the search stops there without an answer, an ``IntegrationBudgetWarning`` says
    so); ``timeout`` (seconds, default None: no limit) adds a wall-clock limit, under which a
    slow or loaded machine may report "not found" where a fast one answers. With
    ``numeric=True`` a definite integral without a checked closed form is the quadrature's value
    (a float Expr; :func:`nintegrate` also gives its error estimate).

    >>> from alkahest import ExprPool, integrate, exp, sin, log
    >>> x = ExprPool().symbol("x")
    >>> integrate(x * exp(x), x)
    x*exp(x) - exp(x)
    >>> integrate(1 / (x**2 + 1), (x, 0, 1))
    pi/4
    >>> integrate(x**2 * sin(x), x)
    2*x*sin(x) - x**2*cos(x) + 2*cos(x)
    """
    if not isinstance(f, _core.Expr):
        raise TypeError(f"integrate: the integrand must be an alkahest Expr, not {type(f).__name__}")
    if not limits:
        free = sorted(f.free_symbols, key=str)
        if len(free) != 1:
            raise ValueError("integrate: say which variable, e.g. integrate(f, x)" if free else
                             "integrate: a constant needs a variable, e.g. integrate(f, x)")
        limits = (free[0],)
    if timeout is not None and not timeout > 0:
        raise ValueError("integrate: timeout must be a positive number of seconds, or None")
    seconds = 0.0 if timeout is None else float(timeout)
    result = f
    done: list[Any] = []
    for lim in limits:
        if isinstance(lim, tuple):
            if len(lim) == 1:
                lim = lim[0]
            elif len(lim) != 3:
                raise ValueError("integrate: limits are x or (x, a, b)")
        if isinstance(lim, tuple):
            x, a, b = lim
            F = _antiderivative(result, x, max_steps, seconds)
            if F is _NONELEMENTARY:
                F = None
            value = None if F is None else _definite(result, F, x, a, b)
            if value is None and numeric:
                value = x.pool.float(nintegrate(result, (x, a, b))[0])
            if value is None:
                return _unevaluated(result, tuple(done) + ((x, a, b),))
            result = value
        else:
            F = _antiderivative(result, lim, max_steps, seconds)
            if F is _NONELEMENTARY and not done:
                from ._risch import mark_nonelementary

                return mark_nonelementary(result, lim)
            if F is None or F is _NONELEMENTARY:
                return _unevaluated(result, tuple(done) + (lim,))
            result = F
    return result
