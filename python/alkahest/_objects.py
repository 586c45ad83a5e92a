"""Unevaluated objects: undefined functions, Derivative, Integral, Sum, Product, Limit, O, Subs,
relations (Eq, Ne, Lt, Le, Gt, Ge), And/Or/Not, Piecewise, RootOf, RootSum and AccumBounds.

They are one node kind of the kernel (include/alkahest/objects.hpp); this module gives them
SymPy's call forms and adds ``Expr.doit()``, ``Expr.args``, ``Expr.func``, the comparison
operators (``x < 1`` is ``Lt(x, 1)``) and ``bool()`` of a condition.
"""

from __future__ import annotations

from typing import Any, Callable

from . import _core

Expr = _core.Expr

__all__ = ["Function", "Derivative", "Integral", "Sum", "Product", "Limit", "O", "Order", "Subs", "Eq", "Ne",
           "Lt", "Le", "Gt", "Ge", "And", "Or", "Not", "Piecewise", "RootOf", "RootSum", "Lambda", "AccumBounds",
           "register_doit"]


def _first_expr(values, who):
    for v in values:
        if isinstance(v, Expr):
            return v
        if isinstance(v, tuple):
            e = _first_expr(v, who)
            if e is not None:
                return e
    return None


def _tuple(items, hint, who):
    return _core._object("Tuple", list(items), "", hint)


def _boolean(value, hint):
    return _core._object("True" if value else "False", [], "", hint)


def _cond(c, hint):
    return _boolean(c, hint) if isinstance(c, bool) else c


class Function:
    """An undefined function: ``f = Function("f")``; ``f(x)``, ``f(x, y)`` are expressions whose
    derivatives stay unevaluated (``diff(f(x), x)`` is ``Derivative(f(x), x)``).

    >>> from alkahest import ExprPool, Function, diff
    >>> x = ExprPool().symbol("x")
    >>> f = Function("f")
    >>> f(x), diff(f(x**2), x)
    (f(x), 2*x*Subs(Derivative(f(_xi_1), _xi_1), _xi_1, x**2))
    """

    def __init__(self, name: str) -> None:
        if not isinstance(name, str):
            raise TypeError(f"Function: the name must be a str, not {type(name).__name__!r}")
        self.name = name

    def __call__(self, *args: Any) -> Expr:
        if _first_expr(args, "Function") is None:
            raise TypeError(f"{self.name}: at least one argument must be an alkahest Expr (to know its ExprPool)")
        return _core._object("Function", list(args), self.name)

    def __repr__(self) -> str:
        return self.name

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Function) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("Function", self.name))


def Derivative(expr: Any, *variables: Any) -> Expr:
    """The unevaluated derivative: ``Derivative(f(x), x)``, ``Derivative(e, (x, 2), y)`` (also
    ``Derivative(e, x, 2)``); ``.doit()`` differentiates.

    >>> from alkahest import ExprPool, Derivative
    >>> x = ExprPool().symbol("x")
    >>> d = Derivative(x**3, (x, 2))
    >>> d, d.doit()
    (Derivative(x**3, (x, 2)), 6*x)
    """
    if not variables:
        raise TypeError("Derivative: give at least one variable")
    flat: list = []
    for v in variables:
        if isinstance(v, tuple):
            if len(v) != 2:
                raise ValueError(f"Derivative: a variable with its order is written (x, n), got {v!r}")
            flat += [v[0], v[1]]
        elif isinstance(v, int) and not isinstance(v, bool) and flat:
            flat[-1] = flat[-1] + v - 1
        else:
            flat += [v, 1]
    hint = _first_expr((expr, *variables), "Derivative")
    return _core._object("Derivative", [expr, *flat], "", hint)


def _limits(who, expr, limits, sizes):
    if not limits:
        raise TypeError(f"{who}: give at least one limit")
    hint = _first_expr((expr, *limits), who)
    if hint is None:
        raise TypeError(f"{who}: at least one argument must be an alkahest Expr")
    out = []
    for lim in limits:
        items = tuple(lim) if isinstance(lim, (tuple, list)) else (lim,)
        if len(items) not in sizes:
            raise ValueError(f"{who}: a limit is {' or '.join('(x, a, b)' if n == 3 else 'x' for n in sizes)}, got {lim!r}")
        out.append(_tuple(items, hint, who))
    return _core._object(who, [expr, *out], "", hint)


def Integral(expr: Any, *limits: Any) -> Expr:
    """The unevaluated integral: ``Integral(e, x)`` (indefinite) or ``Integral(e, (x, a, b))``;
    ``.doit()`` integrates once an algorithm is registered for it (see ``docs/kernel.md``).

    >>> from alkahest import ExprPool, Integral
    >>> x = ExprPool().symbol("x")
    >>> Integral(x**2, (x, 0, 1))
    Integral(x**2, (x, 0, 1))
    """
    return _limits("Integral", expr, limits, (1, 3))


def Sum(expr: Any, *limits: Any) -> Expr:
    """The unevaluated sum ``Sum(e, (k, a, b))``.

    >>> from alkahest import ExprPool, Sum
    >>> p = ExprPool()
    >>> k, n = p.symbol("k"), p.symbol("n")
    >>> Sum(k**2, (k, 1, n)).free_symbols == {n}
    True
    """
    return _limits("Sum", expr, limits, (3,))


def Product(expr: Any, *limits: Any) -> Expr:
    """The unevaluated product ``Product(e, (k, a, b))``.

    >>> from alkahest import ExprPool, Product
    >>> p = ExprPool()
    >>> k, n = p.symbol("k"), p.symbol("n")
    >>> Product(k, (k, 1, n))
    Product(k, (k, 1, n))
    """
    return _limits("Product", expr, limits, (3,))


def Limit(expr: Any, var: Any, point: Any, dir: str = "+") -> Expr:
    """The unevaluated limit of ``expr`` as ``var`` tends to ``point`` (``dir`` '+', '-' or '+-').

    >>> from alkahest import ExprPool, Limit, sin
    >>> x = ExprPool().symbol("x")
    >>> Limit(sin(x)/x, x, 0)
    Limit(sin(x)/x, x, 0, dir='+')
    """
    if not isinstance(dir, str):
        raise TypeError(f"Limit: dir must be '+', '-' or '+-', not {type(dir).__name__!r}")
    hint = _first_expr((expr, var, point), "Limit")
    return _core._object("Limit", [expr, var, point], dir, hint)


def O(expr: Any, *args: Any) -> Expr:  # noqa: E743 - SymPy's name
    """The order term ``O(x**n)`` (as x -> 0), ``O(x**n, (x, oo))``, ``O(x*y, x, y)``. Sums absorb
    what it bounds: ``x**4 + O(x**3)`` is ``O(x**3)``; ``2*O(x**3)`` is ``O(x**3)``.

    >>> from alkahest import ExprPool, O
    >>> x = ExprPool().symbol("x")
    >>> x**2 + x**4 + O(x**3), 5*O(x**3)
    (x**2 + O(x**3), O(x**3))
    """
    hint = _first_expr((expr, *args), "O")
    if hint is None:
        raise TypeError("O: at least one argument must be an alkahest Expr")
    vars_: list = []
    point: Any = 0
    for i, a in enumerate(args):
        if isinstance(a, tuple):
            if len(a) != 2:
                raise ValueError(f"O: a variable with its point is written (x, point), got {a!r}")
            if i > 0 and not _same(a[1], point):
                raise ValueError("O: every variable must tend to the same point")
            vars_.append(a[0])
            point = a[1]
        else:
            vars_.append(a)
    return _core._object("O", [expr, *vars_, point], "", hint)


Order = O


def AccumBounds(lo: Any, hi: Any) -> Expr:
    """The real interval ``[lo, hi]`` where the values of an expression accumulate: the answer of
    :func:`limit` when the limit does not exist because the expression oscillates
    (``limit(sin(1/x), x, 0)`` is ``AccumBounds(-1, 1)``, as in SymPy). ``lo <= hi`` (checked when
    both are numbers); ``AccumBounds(a, a)`` is ``a``. An inert object: arithmetic keeps it as it is.

    >>> from alkahest import ExprPool, AccumBounds, limit, sin
    >>> pool = ExprPool()
    >>> x = pool.symbol("x")
    >>> limit(sin(1 / x), x, 0), limit(2 + 3 * sin(x), x, pool.oo)
    (AccumBounds(-1, 1), AccumBounds(-1, 5))
    >>> AccumBounds(pool.integer(-1), 1) == limit(sin(1 / x), x, 0)
    True
    """
    hint = _first_expr((lo, hi), "AccumBounds")
    if hint is None:
        raise TypeError("AccumBounds: at least one bound must be an alkahest Expr (to know its ExprPool)")
    return _core._object("AccumBounds", [lo, hi], "", hint)


def _same(a, b):
    if isinstance(a, Expr) or isinstance(b, Expr):
        return isinstance(a, Expr) and isinstance(b, Expr) and a == b or str(a) == str(b)
    return a == b


def Subs(expr: Any, variables: Any, values: Any) -> Expr:
    """``expr`` with the symbols ``variables`` bound to ``values`` (evaluated by ``.doit()``).

    >>> from alkahest import ExprPool, Subs
    >>> x = ExprPool().symbol("x")
    >>> s = Subs(x**2, x, 3)
    >>> s, s.doit()
    (Subs(x**2, x, 3), 9)
    """
    vs = tuple(variables) if isinstance(variables, (tuple, list)) else (variables,)
    ws = tuple(values) if isinstance(values, (tuple, list)) else (values,)
    if len(vs) != len(ws):
        raise ValueError(f"Subs: {len(vs)} variables but {len(ws)} values")
    flat: list = []
    for v, w in zip(vs, ws):
        flat += [v, w]
    hint = _first_expr((expr, *vs, *ws), "Subs")
    return _core._object("Subs", [expr, *flat], "", hint)


def _relation(head):
    def rel(lhs: Any, rhs: Any) -> Expr:
        hint = _first_expr((lhs, rhs), head)
        return _core._object(head, [lhs, rhs], "", hint)

    rel.__name__ = rel.__qualname__ = head
    return rel


Eq = _relation("Eq")
Ne = _relation("Ne")
Lt = _relation("Lt")
Le = _relation("Le")
Gt = _relation("Gt")
Ge = _relation("Ge")
Eq.__doc__ = """The equation ``lhs = rhs``: True or False when the kernel decides it, else unevaluated.

    >>> from alkahest import ExprPool, Eq
    >>> x = ExprPool().symbol("x")
    >>> Eq(x, 1), Eq(x + 1, x + 1), Eq(x, x + 1)
    (Eq(x, 1), True, False)
    """
for _r, _text in ((Ne, "lhs != rhs"), (Lt, "lhs < rhs"), (Le, "lhs <= rhs"), (Gt, "lhs > rhs"), (Ge, "lhs >= rhs")):
    _r.__doc__ = f"""The relation ``{_text}`` (decided when the kernel's facts decide it, else unevaluated).

    >>> from alkahest import ExprPool, {_r.__name__}
    >>> x = ExprPool().symbol("x", positive=True)
    >>> {_r.__name__}(x, 1), {_r.__name__}(x, -1)
    ({_r.__name__}(x, 1), {str(_r.__name__ in ("Ne", "Gt", "Ge"))})
    """


def _logic(head):
    def op(*args: Any) -> Expr:
        hint = _first_expr(args, head)
        if hint is None:
            raise TypeError(f"{head}: at least one argument must be an alkahest Expr")
        return _core._object(head, [_cond(a, hint) for a in args], "", hint)

    op.__name__ = op.__qualname__ = head
    op.__doc__ = f"""{head} of conditions (relations, And/Or/Not, True/False).

    >>> from alkahest import ExprPool, {head}, Lt, Gt
    >>> x = ExprPool().symbol("x")
    >>> {head}(Lt(x, 1), Gt(x, -1))
    {head}(Lt(x, 1), Gt(x, -1))
    """
    return op


And = _logic("And")
Or = _logic("Or")


def Not(cond: Any) -> Expr:
    """The negation of a condition (``Not(x < 1)`` is ``x >= 1``).

    >>> from alkahest import ExprPool, Not
    >>> x = ExprPool().symbol("x")
    >>> Not(x < 1)
    Ge(x, 1)
    """
    if not isinstance(cond, Expr):
        raise TypeError(f"Not: expected a condition (an alkahest Expr), got {type(cond).__name__!r}")
    return _core._object("Not", [cond], "", cond)


def Piecewise(*branches: Any) -> Expr:
    """``Piecewise((e1, c1), (e2, c2), ..., (en, True))``: the first branch whose condition holds.
    Branches after a True condition are dropped, False ones too; a first True condition is its value.

    >>> from alkahest import ExprPool, Piecewise
    >>> x = ExprPool().symbol("x")
    >>> Piecewise((-x, x < 0), (x, True))
    Piecewise((-x, Lt(x, 0)), (x, True))
    """
    if not branches:
        raise TypeError("Piecewise: give at least one (expression, condition) pair")
    hint = _first_expr(branches, "Piecewise")
    if hint is None:
        raise TypeError("Piecewise: at least one argument must be an alkahest Expr")
    flat: list = []
    for b in branches:
        if not isinstance(b, tuple) or len(b) != 2:
            raise TypeError(f"Piecewise: each branch is a pair (expression, condition), got {b!r}")
        flat += [b[0], _cond(b[1], hint)]
    return _core._object("Piecewise", flat, "", hint)


def RootOf(poly: Any, var: Any, index: Any = None) -> Expr:
    """The root number ``index`` (0-based) of a polynomial: ``RootOf(p, x, k)`` (or ``RootOf(p, k)``
    when ``p`` has one symbol). A representation: ``doit()`` uses the solver when one is registered.

    >>> from alkahest import ExprPool, RootOf
    >>> x = ExprPool().symbol("x")
    >>> RootOf(x**5 + x + 1, 0)
    RootOf(x + x**5 + 1, x, 0)
    """
    if index is None:
        if not isinstance(poly, Expr):
            raise TypeError("RootOf: the polynomial must be an alkahest Expr")
        syms = list(poly.free_symbols)
        if len(syms) != 1:
            raise ValueError(f"RootOf: {poly} has {len(syms)} symbols; give the variable: RootOf(p, x, k)")
        var, index = syms[0], var
    hint = _first_expr((poly, var), "RootOf")
    return _core._object("RootOf", [poly, var, index], "", hint)


def Lambda(var: Any, expr: Any) -> tuple:
    """The pair (var, expr) that ``RootSum(poly, Lambda(t, e))`` takes (SymPy's spelling).

    >>> from alkahest import ExprPool, Lambda
    >>> t = ExprPool().symbol("t")
    >>> Lambda(t, t**2)
    (t, t**2)
    """
    return (var, expr)


def RootSum(poly: Any, var: Any, expr: Any = None) -> Expr:
    """The sum of ``expr(t)`` over the roots ``t`` of ``poly(t)``: ``RootSum(p, t, e)`` or
    ``RootSum(p, Lambda(t, e))``.

    >>> from alkahest import ExprPool, RootSum, log
    >>> p = ExprPool()
    >>> t, x = p.symbol("t"), p.symbol("x")
    >>> RootSum(t**3 + t + 1, t, t*log(x - t))
    RootSum(t + t**3 + 1, Lambda(t, t*log(-t + x)))
    """
    if expr is None:
        if not isinstance(var, tuple) or len(var) != 2:
            raise TypeError("RootSum: give RootSum(poly, t, expr) or RootSum(poly, Lambda(t, expr))")
        var, expr = var
    hint = _first_expr((poly, var, expr), "RootSum")
    return _core._object("RootSum", [poly, var, expr], "", hint)


# ---- methods of Expr ---------------------------------------------------------------------------

_BOOLEAN_HEADS = {"Eq", "Ne", "Lt", "Le", "Gt", "Ge", "And", "Or", "Not", "True", "False"}


_PY_DOIT: dict[str, Callable[[Expr], Any]] = {}

_HEADS = ("Integral", "Sum", "Product", "Limit", "O", "Eq", "Ne", "Lt", "Le", "Gt", "Ge", "And", "Or", "Not",
          "Piecewise", "RootOf", "RootSum", "Function")


def register_doit(head: str, fn: Callable[[Expr], Any] | None) -> Callable[[Expr], Any] | None:
    """Plugs a Python algorithm into ``Expr.doit()`` for the objects of ``head`` ('Integral',
    'Sum', 'Limit', 'RootOf', ...): ``fn(obj)`` returns the value of the object (its arguments
    already done), or None when it cannot decide (the object then stays). ``fn=None`` removes it.
    Returns the function registered before (to put it back). C++ modules use ``register_doit`` of
    objects.hpp instead; Derivative and Subs are built in.

    >>> from alkahest import ExprPool, Product, register_doit
    >>> p = ExprPool()
    >>> k = p.symbol("k")
    >>> def product_of_range(obj):   # Product(k, (k, 1, m)) for a number m: m!
    ...     body, (var, lo, hi) = obj.args
    ...     if body != var or lo != p.integer(1) or hi.node().kind != "Number":
    ...         return None
    ...     out = p.integer(1)
    ...     for i in range(2, int(hi) + 1):
    ...         out = out * i
    ...     return out
    >>> previous = register_doit("Product", product_of_range)
    >>> Product(k, (k, 1, 5)).doit(), Product(k, (k, 1, p.symbol("n"))).doit()
    (120, Product(k, (k, 1, n)))
    >>> _ = register_doit("Product", previous)
    """
    if head not in _HEADS:
        raise ValueError(f"register_doit: no object head {head!r} (one of {', '.join(_HEADS)}; Derivative and "
                         "Subs are built in)")
    if fn is not None and not callable(fn):
        raise TypeError(f"register_doit: fn must be callable or None, not {type(fn).__name__!r}")
    previous = _PY_DOIT.pop(head, None)
    if fn is not None:
        _PY_DOIT[head] = fn
    return previous


def _python_doit(e: Expr) -> Expr:
    """The objects of ``e`` whose head has a Python algorithm, evaluated innermost first."""
    done: dict[int, Expr] = {}
    stack = [(e, False)]
    while stack:
        n, ready = stack.pop()
        if n.id in done:
            continue
        args = n.node().args
        if not ready and args:
            stack.append((n, True))
            stack.extend((a, False) for a in args if a.id not in done)
            continue
        new = [done[a.id] for a in args]
        r = n if all(a.id == b.id for a, b in zip(args, new)) else _core._rebuild(n, new)
        fn = _PY_DOIT.get(_core._head(r) or "")
        if fn is not None:
            v = fn(r)
            if v is not None:
                r = v if isinstance(v, Expr) else r.pool.integer(0) + v
        done[n.id] = r
    return done[e.id]


def _expr_doit(self: Expr) -> Expr:
    """Evaluates the unevaluated objects: Derivative by diff, Subs by substitution, the others
    by the algorithm registered for their head (integrate, summation, limit, solve: see
    ``register_doit``); an object no algorithm evaluates stays as it is.

    >>> from alkahest import ExprPool, Derivative, Function
    >>> x = ExprPool().symbol("x")
    >>> f = Function("f")
    >>> (Derivative(x**2, x) + f(x)).doit()
    2*x + f(x)
    """
    e = _core._doit(self)
    if _PY_DOIT:
        e = _python_doit(e)
        e = _core._doit(e)  # what the Python algorithms returned may hold Derivatives
    return e


def _as_arg(e):
    return tuple(_as_arg(a) for a in e.node().args) if _core._head(e) == "Tuple" else e


def _expr_args(self: Expr) -> tuple:
    """The children: Add terms, Mul factors, Pow (base, exp), function arguments, an object's
    arguments in the layout of docs/kernel.md (integration limits as tuples)."""
    return tuple(_as_arg(a) for a in self.node().args)


def _expr_func(self: Expr) -> Any:
    """What builds the node: the Function of an applied undefined function, else the name of
    the head ('Integral', 'Eq', ...), of the op ('sin') or of the kind ('Add', 'Symbol', ...)."""
    node = self.node()
    if node.kind == "Object":
        return Function(str(node.name)) if node.op == "Function" else node.op
    if node.kind == "Func":
        return node.op
    return node.kind


_REL_OPS = {"Eq": "==", "Ne": "!=", "Lt": "<", "Le": "<=", "Gt": ">", "Ge": ">="}


def _relation_side(index: int, what: str):
    def side(self: Expr) -> Any:
        head = _core._head(self)
        if head not in _REL_OPS:
            raise AttributeError(f"{what}: {self} is not a relation")
        return self.node().args[index]

    side.__doc__ = f"The {what} of a relation (AttributeError for other expressions)."
    return side


def _expr_rel_op(self: Expr) -> str:
    """'==', '!=', '<', '<=', '>' or '>=' of a relation (AttributeError for other expressions)."""
    head = _core._head(self)
    if head not in _REL_OPS:
        raise AttributeError(f"rel_op: {self} is not a relation")
    return _REL_OPS[head]


def _expr_bool(self: Expr) -> bool:
    head = _core._head(self)
    if head == "True":
        return True
    if head == "False":
        return False
    if head in _BOOLEAN_HEADS:
        raise TypeError(f"cannot determine the truth value of {self}: the kernel cannot decide it "
                        "(compare numbers, or give the symbols assumptions)")
    return True


def _comparison(head):
    def cmp(self: Expr, other: Any) -> Any:
        if not isinstance(other, (Expr, int, float)) and type(other).__name__ != "Fraction":
            return NotImplemented
        return _core._object(head, [self, other], "", self)

    return cmp


def install() -> None:
    _core.Expr.doit = _expr_doit  # type: ignore[method-assign]
    _core.Expr.args = property(_expr_args)  # type: ignore[method-assign,assignment]
    _core.Expr.func = property(_expr_func)  # type: ignore[method-assign,assignment]
    _core.Expr.__bool__ = _expr_bool  # type: ignore[method-assign]
    _core.Expr.lhs = property(_relation_side(0, "lhs"))  # type: ignore[method-assign,assignment]
    _core.Expr.rhs = property(_relation_side(1, "rhs"))  # type: ignore[method-assign,assignment]
    _core.Expr.rel_op = property(_expr_rel_op)  # type: ignore[method-assign,assignment]
    _core.Expr.__lt__ = _comparison("Lt")  # type: ignore[method-assign,assignment]
    _core.Expr.__le__ = _comparison("Le")  # type: ignore[method-assign,assignment]
    _core.Expr.__gt__ = _comparison("Gt")  # type: ignore[method-assign,assignment]
    _core.Expr.__ge__ = _comparison("Ge")  # type: ignore[method-assign,assignment]
