"""Equation solving (docs/solve.md): ``solve`` and ``roots`` (exact, C++ in src/solve) and
``nsolve`` (damped Newton on the compiled residual and Jacobian, many starting points or parameter
sets at once through ``numpy_eval``), plus ``Matrix.eigenvals`` / ``eigenvects``."""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from . import _core
from ._core import AlkahestError, Expr

__all__ = ["Condition", "NsolveResult", "Roots", "Solution", "nsolve", "roots", "solve"]


class Condition:
    """``expr rel 0`` (rel one of ``==``, ``!=``, ``>``, ``>=``): what a solution needs of the parameters.

    >>> from alkahest import ExprPool, solve
    >>> x, a = ExprPool().symbols("x a")
    >>> sol, = solve(a * x - 1, x)
    >>> sol.conditions
    [a != 0]
    >>> c = sol.conditions[0]
    >>> c.expr, c.rel, c.holds({a: 2}), c.holds({a: 0})
    (a, '!=', True, False)
    >>> c.relation
    Ne(a, 0)
    """

    __slots__ = ("expr", "rel")

    def __init__(self, expr: Expr, rel: str) -> None:
        if rel not in ("==", "!=", ">", ">="):
            raise ValueError(f"Condition: rel must be one of ==, !=, >, >=, not {rel!r}")
        self.expr = expr
        self.rel = rel

    def holds(self, values: Mapping[Any, Any]) -> bool:
        """Whether the condition holds at a point (every symbol of ``expr`` given a number)."""
        v = complex(_core.eval_expr(self.expr, dict(values))) if not isinstance(self.expr, (int, float)) else self.expr
        v = complex(v)
        if self.rel == "==":
            return v == 0
        if self.rel == "!=":
            return v != 0
        if v.imag != 0:
            return False
        return v.real > 0 if self.rel == ">" else v.real >= 0

    @property
    def relation(self) -> Any:
        """The condition as a kernel relation: ``Ne(a, 0)``, ``Eq(..)``, ``Gt(..)`` or ``Ge(..)``."""
        from . import _objects

        make = {"==": _objects.Eq, "!=": _objects.Ne, ">": _objects.Gt, ">=": _objects.Ge}[self.rel]
        return make(self.expr, 0)

    def __repr__(self) -> str:
        return f"{self.expr} {self.rel} 0"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Condition) and self.expr == other.expr and self.rel == other.rel

    def __hash__(self) -> int:
        return hash((self.expr, self.rel))


class Solution(dict):
    """One solution: a dict {unknown: value} with what it needs.

    ``conditions``: a list of :class:`Condition` on the parameters under which it holds (empty when
    it always does); ``parameters``: the symbols its values are free in (the integer ``n`` of a
    general solution, the free unknowns of an underdetermined linear system, which are left out of
    the dict); ``principal``: only the principal branch of a periodic inversion was given
    (``solve(..., general=False)``), so other solutions exist.
    """

    def __init__(self, values: Any = (), conditions: Iterable[Condition] = (), parameters: Iterable[Expr] = (),
                 principal: bool = False) -> None:
        super().__init__(values)
        self.conditions = list(conditions)
        self.parameters = list(parameters)
        self.principal = bool(principal)

    def __repr__(self) -> str:
        text = dict.__repr__(self)
        if self.conditions:
            text += " if " + " and ".join(map(repr, self.conditions))
        if self.principal:
            text += " (principal branch only)"
        return text

    def __reduce__(self) -> Any:
        return (Solution, (dict(self), self.conditions, self.parameters, self.principal))


def _pool_of(items: Iterable[Any], who: str) -> Any:
    for it in items:
        if isinstance(it, Expr):
            return it.pool
    raise TypeError(f"{who}: needs at least one alkahest Expr (an equation or an unknown)")


def _equation(e: Any) -> Any:
    """An equation as one expression = 0: an Expr, a number, or a relation Eq(lhs, rhs)."""
    if isinstance(e, Expr) and e.node().kind == "Object":
        head = _core._head(e)
        if head in ("True", "False"):  # Eq(...) that the kernel decided
            return e.pool.integer(0 if head == "True" else 1)
    rel = getattr(e, "rel_op", None)  # relations (Eq, Ne, Lt, ...) have one; other Exprs raise AttributeError
    if rel is not None:
        if rel != "==":
            raise NotImplementedError(f"solve: only equations (Eq) are solved, not the relation {e}")
        return e.lhs - e.rhs
    if isinstance(e, (bool, np.bool_)):
        raise TypeError("solve: got a bool where an equation was expected (write the equation as lhs - rhs, "
                        "or Eq(lhs, rhs); == compares expressions structurally)")
    return e


def _as_list(x: Any) -> list[Any]:
    if x is None:
        return []
    if isinstance(x, (Expr, _core.Matrix)) or not isinstance(x, (list, tuple, set, frozenset)):
        if isinstance(x, _core.Matrix):
            return list(x.entries())
        return [x]
    if isinstance(x, (set, frozenset)):
        raise TypeError("solve: give the unknowns as a list or tuple (a set has no order)")
    return list(x)


def solve(eqs: Any, vars: Any = None, *, general: bool = True) -> list[Solution]:
    """Solves ``eqs`` (an expression meaning expr = 0, ``Eq(lhs, rhs)``, or a list of them) for
    ``vars`` (a symbol or a list; all free symbols when omitted). Returns a list of
    :class:`Solution` dicts ``{unknown: value}``, each with the ``conditions`` on parameters it
    needs, its ``parameters`` and whether it is ``principal`` only. ``[]`` means no solution.

    Handles one polynomial or rational equation (exact roots: radicals where readable, RootOf
    otherwise), linear systems of any size (parametric when underdetermined), zero-dimensional
    polynomial systems (lex Groebner basis + back substitution) and one equation in one invertible
    function of the unknown (exp, log, sin, cos, tan, ...: general solutions with an integer
    parameter ``n``; ``general=False`` gives the principal ones, marked). Real unknowns (the
    default for symbols) get real solutions only; ``complex=True`` symbols complex ones. What it
    cannot handle raises :class:`SolveUnsupportedError` (a ``NotImplementedError``) naming it.

    >>> from alkahest import ExprPool, solve, exp, sin
    >>> pool = ExprPool()
    >>> x, y, a = pool.symbols("x y a")
    >>> solve(x**2 - 2, x)
    [{x: -sqrt(2)}, {x: sqrt(2)}]
    >>> solve([x + y - 3, x - y - 1], [x, y])
    [{x: 2, y: 1}]
    >>> solve(a * x - 1, x)
    [{x: 1/a} if a != 0]
    >>> solve(exp(x) - 3, x)
    [{x: log(3)}]
    >>> solve(sin(x), x)
    [{x: 2*pi*n}, {x: pi + 2*pi*n}]
    >>> z = pool.symbol("z", complex=True)
    >>> solve(z**2 + 1, z)
    [{z: -I}, {z: I}]
    """
    eq_list = [_equation(e) for e in _as_list(eqs)]
    var_list = _as_list(vars)
    if not eq_list:
        raise ValueError("solve: no equations given")
    for v in var_list:
        if not isinstance(v, Expr):
            raise TypeError(f"solve: each unknown must be a symbol (an alkahest Expr), not {type(v).__name__}")
    _pool_of([*eq_list, *var_list], "solve")
    first = next(e for e in [*eq_list, *var_list] if isinstance(e, Expr))
    raw = _core._solve(first, eq_list, var_list, bool(general))
    return [Solution({k: v for k, v in values}, [Condition(e, r) for e, r in conds], params, principal)
            for values, conds, params, principal in raw]


class Roots(dict):
    """``{root: multiplicity}``; ``conditions``: what the roots need of the parameters (a symbolic
    leading coefficient must not vanish, a discriminant must be >= 0 for real roots)."""

    def __init__(self, items: Any = (), conditions: Iterable[Condition] = ()) -> None:
        super().__init__(items)
        self.conditions = list(conditions)

    def __repr__(self) -> str:
        text = dict.__repr__(self)
        if self.conditions:
            text += " if " + " and ".join(map(repr, self.conditions))
        return text


def roots(p: Any, x: Expr | None = None, domain: str = "complex") -> Roots:
    """The roots of the polynomial ``p`` in ``x`` as ``{root: multiplicity}`` (``x`` may be omitted
    when p has one symbol). Over Q the polynomial is factored first; linear and quadratic factors
    give exact roots, cubics with one real root Cardano's radicals, biquadratic quartics nested
    square roots, and other irreducible factors (the cubic with three real roots among them: it has
    no real radical form) RootOf(f, k). ``domain="real"`` keeps the real roots only. Symbolic
    coefficients: degree <= 2 after factoring, with the conditions in ``.conditions``.

    >>> from alkahest import ExprPool, roots
    >>> pool = ExprPool()
    >>> x, a, b = pool.symbols("x a b")
    >>> roots((x - 1)**2 * (x**2 + 1))
    {1: 2, -I: 1, I: 1}
    >>> roots(x**3 - x - 1, domain="real")
    {(-sqrt(69)/18 + 1/2)**(1/3) + (sqrt(69)/18 + 1/2)**(1/3): 1}
    >>> roots(a * x**2 + b, x)
    {-sqrt(-a*b)/a: 1, sqrt(-a*b)/a: 1} if a != 0
    >>> roots(x**3 - 3*x + 1)  # three real roots: no real radical form
    {RootOf(-3*x + x**3 + 1, x, 0): 1, RootOf(-3*x + x**3 + 1, x, 1): 1, RootOf(-3*x + x**3 + 1, x, 2): 1}
    """
    if x is None:
        if not isinstance(p, Expr):
            raise TypeError(f"roots: p must be an alkahest Expr, not {type(p).__name__}")
        syms = p.free_symbols
        if len(syms) != 1:
            raise ValueError(f"roots: {p} has {len(syms)} symbols; say which is the variable: roots(p, x)")
        x = next(iter(syms))
    if not isinstance(x, Expr):
        raise TypeError(f"roots: x must be an alkahest Expr, not {type(x).__name__}")
    if not isinstance(p, Expr):
        p = x.pool.integer(0) + p
    if domain not in ("real", "complex"):
        raise ValueError(f"roots: domain must be 'real' or 'complex', not {domain!r}")
    out = Roots()
    conds: list[Condition] = []
    for value, mult, cs in _core._roots(p, x, domain):
        out[value] = out.get(value, 0) + mult
        for e, r in cs:
            c = Condition(e, r)
            if c not in conds:
                conds.append(c)
    out.conditions = conds
    return out


# ---- nsolve -----------------------------------------------------------------------------------------

class NsolveResult:
    """What ``nsolve`` found for a batch: ``x`` (shape batch + (n,), NaN where it did not converge),
    ``converged`` (bool per point), ``iterations`` (Newton steps per point), ``residual`` (max |F|
    at the final iterate), ``last`` (the final iterates, converged or not) and ``vars``."""

    def __init__(self, x: np.ndarray, converged: np.ndarray, iterations: np.ndarray, residual: np.ndarray,
                 last: np.ndarray, vars: list[Expr]) -> None:
        self.x, self.converged, self.iterations, self.residual, self.last, self.vars = (
            x, converged, iterations, residual, last, vars)

    def __repr__(self) -> str:
        n = self.converged.size
        return (f"NsolveResult({int(self.converged.sum())}/{n} converged, max iterations "
                f"{int(self.iterations.max()) if n else 0}, max residual "
                f"{float(np.nanmax(self.residual)) if n else 0.0:.3g})")


def nsolve(eqs: Any, vars: Any, x0: Any, params: Mapping[Expr, Any] | None = None, *, tol: float = 1e-12,
           maxiter: int = 50, full_output: bool = False) -> Any:
    """Solves the square system ``eqs`` (n equations, expr = 0) for the n ``vars`` numerically by
    damped Newton: the residual and its Jacobian are compiled once (``compile_expr``) and evaluated
    for all the points still iterating at once (the iteration, the n x n solves with partial
    pivoting and the damping run in C++; no Python loop over points or steps); each step is
    halved until the residual decreases, and a singular Jacobian gives the least-squares step.

    ``x0``: one starting point (length n; a number when n == 1) or many (shape (N, n)).
    ``params``: ``{symbol: value or array of N values}`` for the other symbols of the equations,
    so one call solves N parameter sets. A point has converged when max |F| <= ``tol`` (one more
    Newton step then polishes it); it stops then, when no damped step decreases the residual, or
    after ``maxiter`` steps.

    One point without arrays returns ``{var: float}`` and raises :class:`AlkahestError` when Newton
    does not converge (naming the residual); batches (or ``full_output=True``) return an
    :class:`NsolveResult` with ``x`` (NaN where a point did not converge), ``converged``,
    ``iterations`` and ``residual``.

    >>> import numpy as np
    >>> from alkahest import ExprPool, nsolve, cos
    >>> pool = ExprPool()
    >>> x, y, a = pool.symbols("x y a")
    >>> sol = nsolve([x**2 + y**2 - 4, x - y], [x, y], [1.0, 0.5])
    >>> round(sol[x], 12), round(sol[y], 12)
    (1.414213562373, 1.414213562373)
    >>> r = nsolve(cos(x) - a * x, x, 0.5, params={a: np.linspace(0.5, 2.0, 4)})
    >>> bool(r.converged.all()), r.x.shape
    (True, (4, 1))
    """
    from .evaluate import compile_expr

    eq_list = [_equation(e) for e in _as_list(eqs)]
    var_list = _as_list(vars)
    if not eq_list or not var_list:
        raise ValueError("nsolve: give at least one equation and one unknown")
    if len(eq_list) != len(var_list):
        raise ValueError(f"nsolve: the system must be square: {len(eq_list)} equation(s), {len(var_list)} unknown(s)")
    for v in var_list:
        if not isinstance(v, Expr) or v.node().kind != "Symbol":
            raise TypeError(f"nsolve: each unknown must be a symbol, not {v!r}")
    if not isinstance(maxiter, int) or isinstance(maxiter, bool) or maxiter < 1:
        raise ValueError(f"nsolve: maxiter must be a positive int, not {maxiter!r}")
    if not tol > 0:
        raise ValueError(f"nsolve: tol must be positive, not {tol!r}")
    pool = var_list[0].pool
    eq_list = [e if isinstance(e, Expr) else pool.integer(0) + e for e in eq_list]
    params = dict(params or {})
    psyms = list(params)
    for s in psyms:
        if not isinstance(s, Expr) or s.node().kind != "Symbol":
            raise TypeError(f"nsolve: each key of params must be a symbol, not {s!r}")
    known = set(var_list) | set(psyms)
    for e in eq_list:
        for s in e.free_symbols:
            if s not in known:
                raise ValueError(f"nsolve: the equations contain {s}, which is neither an unknown nor in params")
    n = len(var_list)
    allvars = [*var_list, *psyms]
    F = compile_expr(eq_list, allvars)
    J = compile_expr(_core.jacobian(eq_list, var_list), allvars)  # type: ignore[arg-type]

    X0 = np.asarray(x0, dtype=np.float64)
    single = X0.ndim == 0 or (X0.ndim == 1 and n > 1) or (X0.ndim == 1 and n == 1 and X0.size == 1)
    if X0.ndim == 0:
        X0 = X0.reshape(1)
    if n == 1 and X0.ndim == 1 and X0.size != 1:
        X0 = X0[:, None]
    if X0.ndim == 1:
        if X0.shape[0] != n:
            raise ValueError(f"nsolve: x0 has {X0.shape[0]} entries for {n} unknowns")
        X0 = X0[None, :]
    if X0.ndim != 2 or X0.shape[1] != n:
        raise ValueError(f"nsolve: x0 must have shape ({n},) or (N, {n}), got {np.shape(x0)}")
    pvals = [np.asarray(params[s], dtype=np.float64) for s in psyms]
    for s, p in zip(psyms, pvals):
        if p.ndim > 1:
            raise ValueError(f"nsolve: params[{s}] must be a number or a 1-D array")
    sizes = {X0.shape[0]} | {p.size for p in pvals if p.ndim == 1}
    N = max(sizes)
    if any(sz not in (1, N) for sz in sizes):
        raise ValueError(f"nsolve: x0 and params give different batch sizes {sorted(sizes)}")
    single = single and N == 1 and all(p.ndim == 0 for p in pvals)
    X = np.array(np.broadcast_to(X0, (N, n)), dtype=np.float64)
    P = [np.array(np.broadcast_to(p, (N,)), dtype=np.float64) for p in pvals]

    # The iteration runs in C++ (alkahest/nsolve.hpp): per round one evaluation of the compiled
    # Jacobian and residual over the active points, the n x n solves and the damping per point.
    X, res, iterations = F._nsolve_batch(J, X, P, float(tol), maxiter)
    converged = res <= tol
    residual = res
    xout = np.where(converged[:, None], X, np.nan)
    if single and not full_output:
        if not converged[0]:
            raise AlkahestError(f"nsolve: Newton did not converge from x0 = {list(X0[0])} after {int(iterations[0])} "
                                f"iteration(s) (max |F| = {float(residual[0]):.3g} > tol = {tol:g}); try another "
                                "starting point or a larger maxiter")
        return {v: float(X[0, i]) for i, v in enumerate(var_list)}
    return NsolveResult(xout, converged, iterations, residual, X, var_list)


# ---- Matrix eigenvalues -----------------------------------------------------------------------------

def _eigenvals(self: Any, domain: str = "complex") -> Roots:
    """The eigenvalues as ``{value: algebraic multiplicity}``: the roots of the characteristic
    polynomial (exact radicals where readable, RootOf otherwise; ``domain="real"``: real ones only).

    >>> from alkahest import ExprPool, Matrix
    >>> pool = ExprPool()
    >>> Matrix([[2, 1], [1, 2]], pool=pool).eigenvals()
    {1: 1, 3: 1}
    >>> Matrix([[0, -1], [1, 0]], pool=pool).eigenvals()
    {-I: 1, I: 1}
    """
    if self.rows != self.cols:
        raise ValueError(f"eigenvals: the matrix must be square, got shape {self.shape}")
    used = {str(s) for e in self.entries() for s in e.free_symbols}
    name, k = "lambda_", 0
    while name in used:
        k += 1
        name = f"lambda_{k}"
    t = self.pool.symbol(name, complex=True)
    return roots(self._charpoly(t), t, domain=domain)


def _eigenvects(self: Any, domain: str = "complex") -> list[tuple[Any, int, list[Any]]]:
    """``[(eigenvalue, multiplicity, [basis column vectors of its eigenspace])]``, the eigenspaces
    by the exact nullspace of ``M - value*I``.

    >>> from alkahest import ExprPool, Matrix
    >>> pool = ExprPool()
    >>> Matrix([[2, 1], [1, 2]], pool=pool).eigenvects()
    [(1, 1, [Matrix([[-1], [1]])]), (3, 1, [Matrix([[1], [1]])])]
    """
    out = []
    eye = _core.Matrix.eye(self.rows, self.pool)
    for value, mult in _eigenvals(self, domain).items():
        out.append((value, mult, (self - eye * value).nullspace()))
    return out


def install() -> None:
    _core.Matrix.eigenvals = _eigenvals  # type: ignore[method-assign,assignment]
    _core.Matrix.eigenvects = _eigenvects  # type: ignore[method-assign,assignment]
