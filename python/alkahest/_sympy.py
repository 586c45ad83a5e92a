"""The SymPy bridge: from_sympy and to_sympy, exact in both directions.

SymPy is imported when one of them is called, never by ``import alkahest``. Both walk the
expression DAG iteratively (deep expressions do not hit Python's recursion limit) and convert each
shared node once.

Exactness: integers of any size and rationals convert exactly; floats are doubles on alkahest's
side, so a SymPy Float becomes the double nearest to it (exact for SymPy's default 15-digit
Floats made from Python floats) and a double becomes a 53-bit SymPy Float holding exactly its
value. The exact constants map to each other: ``pi``, ``E``, ``EulerGamma``, ``I``, ``oo``,
``-oo``, ``zoo`` and ``nan`` (an IEEE infinity of alkahest, a float, becomes ``oo``/``-oo``).
SymPy's other constants (``Catalan``, ``GoldenRatio``, ...) and constant subexpressions of
functions alkahest lacks (``zeta(3)``) become the nearest double (say ``constants="error"`` to
refuse them instead; SymPy itself produces some, e.g. ``polygamma(2, 1/2) = -14*zeta(3)``).

Distinct SymPy symbols that alkahest cannot tell apart (``Symbol("x")`` and ``Dummy("x")``,
or two symbols ``x`` whose assumptions alkahest represents the same way) would become one
alkahest symbol and cancel silently: ``from_sympy`` refuses them with a ValueError naming both.

Symbols keep their assumptions both ways (``positive``, ``integer``, ...). A SymPy symbol without
assumptions becomes alkahest's default symbol, which is real; so ``re(u)`` and ``im(u)`` (which
SymPy produces for such symbols, e.g. ``Abs(exp(x)) -> exp(re(x))``) become ``u`` and 0.

Unevaluated objects (undefined functions, Derivative, Integral, Sum, Product, Limit, O, Subs,
relations, And/Or/Not, True/False, Piecewise, RootOf, RootSum, AccumBounds) map to SymPy's classes
of the same names both ways (``RootOf`` is SymPy's ``CRootOf``; SymPy's ``Dummy`` symbols, which its ``diff``
puts in ``Subs``, become symbols of their name).

SymPy evaluates exact special values by its own rules, which can differ from IEEE's where alkahest
follows IEEE: ``to_sympy`` of ``atan2(0, 0)`` (0 in alkahest, as in C) is SymPy's ``nan``.
"""

from __future__ import annotations

import functools
import math
from fractions import Fraction

from . import _core
from ._optional import require

# alkahest's name -> SymPy's: the op table's sympy column (alkahest/ops.def).
_SYMPY_NAMES = {row[0]: row[5] for row in _core._op_table() if row[5]}
_FUNCS = sorted(_SYMPY_NAMES)

# alkahest's assumption keywords (SymPy's names).
_ASSUMPTIONS = ("real", "complex", "finite", "positive", "negative", "nonnegative", "nonpositive", "nonzero",
                "zero", "integer")


def _sympy_constants(sp):
    return {"pi": sp.pi, "E": sp.E, "EulerGamma": sp.EulerGamma, "I": sp.I, "oo": sp.oo,
            "-oo": sp.S.NegativeInfinity, "zoo": sp.zoo, "nan": sp.nan}


def _real_cbrt(sp, x):
    """alkahest's cbrt is the real cube root; SymPy's cbrt is the principal one (complex at x < 0).
    sign(x)*Abs(x)**(1/3) is SymPy's real_root(x, 3) of a real x (from_sympy reads it back)."""
    return sp.sign(x) * sp.Abs(x) ** sp.Rational(1, 3)


def _hypot(sp, x, y):
    """SymPy has no hypot: sqrt(x**2 + y**2) (from_sympy reads it back as that sqrt)."""
    return sp.sqrt(x ** 2 + y ** 2)


def _sympy_funcs(sp):
    """alkahest's name -> the SymPy callable: sympy.<name>, or for "@helper" a function of this module."""
    return {name: (functools.partial(globals()[sympy_name[1:]], sp) if sympy_name.startswith("@")
                   else getattr(sp, sympy_name)) for name, sympy_name in _SYMPY_NAMES.items()}


def _sympy_classes(sp):
    """SymPy's class -> alkahest's name, for the rows SymPy has a class of (not the "@" helpers)."""
    return {getattr(sp, sympy_name): name for name, sympy_name in _SYMPY_NAMES.items()
            if not sympy_name.startswith("@")}


def _real_cube_roots(sp, s, args):
    """For a SymPy product holding sign(u)*Abs(u)**(1/3) (what to_sympy writes for cbrt(u)): the
    alkahest product with cbrt(u) in place of the pair; else None. args: the converted factors."""
    signs = {a.args[0]: i for i, a in enumerate(s.args) if isinstance(a, sp.sign)}
    pairs = {}
    for j, a in enumerate(s.args):
        if (isinstance(a, sp.Pow) and a.exp == sp.Rational(1, 3) and isinstance(a.base, sp.Abs)
                and a.base.args[0] in signs and signs[a.base.args[0]] not in pairs):
            pairs[signs[a.base.args[0]]] = j
    if not pairs:
        return None
    out = []
    used = set(pairs) | set(pairs.values())
    for i in pairs:
        node = args[i].node()
        if node.kind != "Func":  # the sign folded: the product is already exact
            return None
        out.append(_core.cbrt(node.args[0]))
    out.extend(args[k] for k in range(len(args)) if k not in used)
    return _balanced(lambda a, b: a * b, out)


def _balanced(op, items):
    """op folded over items as a balanced tree: n-ary sums and products of n terms in n log n."""
    while len(items) > 1:
        items = [op(items[i], items[i + 1]) if i + 1 < len(items) else items[i] for i in range(0, len(items), 2)]
    return items[0]


def to_sympy(expr, real: bool = False):
    """The SymPy expression equal to the alkahest ``expr``. Symbols become ``sympy.Symbol(name)``
    (with ``real=True`` when asked: alkahest's symbols are real).

    >>> from alkahest import ExprPool, sin, to_sympy
    >>> pool = ExprPool()
    >>> x = pool.symbol("x")
    >>> s = to_sympy(sin(x) ** 2 + pool.rational(1, 3))
    >>> s, type(s).__module__.split(".")[0]
    (sin(x)**2 + 1/3, 'sympy')

    A :class:`Matrix` becomes a SymPy ``ImmutableMatrix`` (and ``from_sympy`` reads any SymPy matrix).
    """
    sp = require("sympy")

    if isinstance(expr, _core.Matrix):  # a SymPy Matrix (immutable, like alkahest's)
        return sp.ImmutableMatrix(expr.rows, expr.cols, [to_sympy(e, real=real) for e in expr.entries()])
    if not isinstance(expr, _core.Expr):
        raise TypeError(f"to_sympy: expected an alkahest Expr, got {type(expr).__name__}")
    funcs = _sympy_funcs(sp)
    done: dict[int, object] = {}
    stack = [(expr, False)]
    while stack:
        e, ready = stack.pop()
        if e.id in done:
            continue
        node = e.node()
        if not ready and node.args:
            stack.append((e, True))
            stack.extend((a, False) for a in node.args if a.id not in done)
            continue
        args = [done[a.id] for a in node.args]
        kind = node.kind
        if kind == "Number":
            v = node.value
            if isinstance(v, bool) or isinstance(v, int):
                out = sp.Integer(v)
            elif isinstance(v, Fraction):
                out = sp.Rational(v.numerator, v.denominator)
            elif not isinstance(v, float):  # pragma: no cover - a Number node holds one of the three
                raise AssertionError(f"to_sympy: a number node holds {v!r}")
            elif math.isnan(v):
                out = sp.nan
            elif math.isinf(v):
                out = sp.oo if v > 0 else -sp.oo
            else:
                out = sp.Float(v, precision=53)
        elif kind == "Symbol":
            assumed = e.assumptions
            if assumed:
                out = sp.Symbol(node.name, **assumed)
            else:
                out = sp.Symbol(node.name, real=True) if real else sp.Symbol(node.name)
        elif kind == "Constant":
            out = _sympy_constants(sp)[node.name]
        elif kind == "Add":
            out = sp.Add(*args)
        elif kind == "Mul":
            out = sp.Mul(*args)
        elif kind == "Pow":
            out = sp.Pow(*args)
        elif kind == "Func":
            f = funcs[node.op]
            # SymPy's hyper takes the parameter lists: 2F1(a, b; c; z) is hyper([a, b], [c], z).
            out = f([args[0], args[1]], [args[2]], args[3]) if f is sp.hyper else f(*args)
        elif kind == "Object":
            out = _object_to_sympy(sp, node, args)
            if node.op == "Integral":
                from ._risch import nonelementary_reason

                if nonelementary_reason(e) is not None:  # proved by the Risch algorithm
                    from sympy.integrals.risch import NonElementaryIntegral

                    out = NonElementaryIntegral(*out.args)
        else:  # pragma: no cover - the node kinds are fixed
            raise AssertionError(f"to_sympy: unknown node kind {kind!r}")
        done[e.id] = out
    return done[expr.id]


def from_sympy(sexpr, pool, constants: str = "float"):
    """The alkahest expression in ``pool`` equal to the SymPy expression ``sexpr`` (see the module
    docstring for numbers and constants). Functions alkahest does not have, relations, Piecewise and
    the like raise ValueError naming them.

    >>> import sympy
    >>> from alkahest import ExprPool, from_sympy
    >>> X = sympy.Symbol("x")
    >>> from_sympy(sympy.cos(X) / 3 + sympy.Integer(2) ** 70, ExprPool())
    cos(x)/3 + 1180591620717411303424
    """
    sp = require("sympy")

    if not isinstance(pool, _core.ExprPool):
        raise TypeError(f"from_sympy: pool must be an ExprPool, got {type(pool).__name__}")
    if constants not in ("float", "error"):
        raise ValueError(f"from_sympy: constants must be 'float' or 'error', got {constants!r}")
    if isinstance(sexpr, sp.MatrixBase):
        return _core.Matrix([[from_sympy(sexpr[i, j], pool, constants) for j in range(sexpr.cols)]
                             for i in range(sexpr.rows)], pool=pool)
    sexpr = sp.sympify(sexpr)
    by_class = _sympy_classes(sp)
    symbols: dict = {}  # alkahest's identity of a symbol -> the SymPy symbol that took it
    done: dict = {}
    stack = [(sexpr, False)]
    while stack:
        s, ready = stack.pop()
        if s in done:
            continue
        if not ready and s.args and not isinstance(s, (sp.Number, sp.NumberSymbol)):
            if isinstance(s, (sp.CRootOf, sp.RootSum, sp.Limit, sp.hyper)):  # arguments that are not expressions
                done[s] = _special_from_sympy(sp, s, pool, constants)
                continue
            if not _supported(sp, s, by_class) and s.is_number:
                # A constant SymPy wrote with a function alkahest lacks (polygamma(2, 1/2) =
                # -14*zeta(3)): a number, like pi.
                done[s] = _constant(s, pool, constants)
                continue
            _check_supported(sp, s, by_class)  # before its arguments: name the outermost culprit
            stack.append((s, True))
            stack.extend((a, False) for a in s.args if a not in done)
            continue
        done[s] = _convert(sp, s, [done[a] for a in s.args] if ready else [], pool, by_class, constants, symbols)
    return done[sexpr]


def _supported(sp, s, by_class):
    return (isinstance(s, (sp.Add, sp.Mul, sp.Pow, sp.re, sp.im)) or type(s) in by_class
            or _object_class(sp, s) is not None)


def _object_classes(sp):
    from sympy.core.function import AppliedUndef
    from sympy.core.relational import Equality, GreaterThan, LessThan, StrictGreaterThan, StrictLessThan, Unequality
    return [(AppliedUndef, "Function"), (sp.Derivative, "Derivative"), (sp.Integral, "Integral"), (sp.Sum, "Sum"),
            (sp.Product, "Product"), (sp.Limit, "Limit"), (sp.Order, "O"), (sp.Subs, "Subs"),
            (Equality, "Eq"), (Unequality, "Ne"), (StrictLessThan, "Lt"), (LessThan, "Le"),
            (StrictGreaterThan, "Gt"), (GreaterThan, "Ge"), (sp.And, "And"), (sp.Or, "Or"), (sp.Not, "Not"),
            (sp.Piecewise, "Piecewise"), (sp.CRootOf, "RootOf"), (sp.RootSum, "RootSum"), (sp.Tuple, "Tuple"),
            (sp.AccumBounds, "AccumBounds")]


def _object_class(sp, s):
    """The alkahest head of a SymPy object (None for anything else)."""
    if s is sp.true or s is sp.false:
        return "True" if s is sp.true else "False"
    for cls, head in _object_classes(sp):
        if isinstance(s, cls):
            return head
    return None


def _object_to_sympy(sp, node, args):
    """The SymPy object of an alkahest Object node whose arguments are converted (``args``)."""
    head = node.op
    if head == "Function":
        return sp.Function(node.name)(*args)
    if head == "Tuple":
        return sp.Tuple(*args)
    if head == "Derivative":
        return sp.Derivative(args[0], *[(args[i], args[i + 1]) for i in range(1, len(args), 2)])
    if head in ("Integral", "Sum", "Product"):
        limits = [lim[0] if len(lim) == 1 else lim for lim in args[1:]]
        return getattr(sp, head)(args[0], *limits)
    if head == "Limit":
        return sp.Limit(args[0], args[1], args[2], dir=node.name)
    if head == "O":
        return sp.Order(args[0], *[(v, args[-1]) for v in args[1:-1]])
    if head == "Subs":
        return sp.Subs(args[0], tuple(args[1::2]), tuple(args[2::2]))
    if head in ("True", "False"):
        return sp.true if head == "True" else sp.false
    # Piecewise, relations and connectives as they are (SymPy would rewrite conditions into its own
    # canonical order, e.g. 1/3 > y as y < 1/3): alkahest's forms are canonical already.
    if head == "Piecewise":
        return sp.Piecewise(*[(args[i], args[i + 1]) for i in range(0, len(args), 2)], evaluate=False)
    if head in ("Eq", "Ne", "Lt", "Le", "Gt", "Ge", "And", "Or"):
        return getattr(sp, head)(*args, evaluate=False)
    if head == "RootOf":
        return sp.CRootOf(args[0], args[1], int(args[2]))
    if head == "RootSum":
        return sp.RootSum(sp.Poly(args[0], args[1]), sp.Lambda(args[1], args[2]))
    return getattr(sp, head)(*args)  # Eq, Ne, Lt, Le, Gt, Ge, And, Or, Not


def _object_from_sympy(sp, s, head, args, pool):
    from . import _objects
    if head == "Function":
        return _objects.Function(type(s).__name__)(*args)
    if head == "Tuple":
        return tuple(args)
    if head in ("True", "False"):
        return _core._object(head, [], "", pool.integer(0))
    if head == "Derivative":
        return _objects.Derivative(args[0], *args[1:])
    if head in ("Integral", "Sum", "Product"):
        out = getattr(_objects, head)(args[0], *args[1:])
        lim = args[1] if len(args) == 2 else None
        var = lim[0] if isinstance(lim, tuple) and len(lim) == 1 else lim
        if head == "Integral" and type(s).__name__ == "NonElementaryIntegral" and isinstance(var, _core.Expr):
            # SymPy's claim is recorded only where alkahest's own Risch algorithm proves it too.
            from ._risch import risch_integrate

            risch_integrate(args[0], var)
        return out
    if head == "O":
        return _objects.O(args[0], *args[1:])
    if head == "Subs":
        return _objects.Subs(args[0], args[1], args[2])
    if head == "Piecewise":
        return _objects.Piecewise(*args)
    if head in ("And", "Or"):
        return getattr(_objects, head)(*args)
    return getattr(_objects, head)(*args)  # Eq, ..., Not


def _special_from_sympy(sp, s, pool, constants):
    """SymPy objects whose arguments are not all expressions: CRootOf (a PurePoly), RootSum (a
    Lambda), Limit (a direction), hyper (two parameter lists)."""
    from . import _objects
    if isinstance(s, sp.hyper):  # alkahest has the Gauss function 2F1 (the row whose sympy column is hyper)
        if len(s.ap) != 2 or len(s.bq) != 1:
            raise ValueError(f"from_sympy: alkahest has only the Gauss hypergeometric function 2F1 "
                             f"(hyper with two upper and one lower parameter), not {s}")
        name = {cls: n for n, cls in _sympy_funcs(sp).items()}[sp.hyper]
        a, b = (from_sympy(t, pool, constants) for t in s.ap)
        return getattr(_core, name)(a, b, from_sympy(s.bq[0], pool, constants), from_sympy(s.argument, pool, constants))
    if isinstance(s, sp.Limit):
        e, z, z0, d = s.args
        return _objects.Limit(from_sympy(e, pool, constants), from_sympy(z, pool, constants),
                              from_sympy(z0, pool, constants), dir=str(d))
    if isinstance(s, sp.CRootOf):
        x = s.poly.gen
        return _objects.RootOf(from_sympy(s.poly.as_expr(), pool, constants), from_sympy(x, pool, constants),
                               int(s.index))
    fun = s.fun
    t = fun.variables[0]
    poly = s.poly.as_expr().subs(s.poly.gen, t)
    return _objects.RootSum(from_sympy(poly, pool, constants), from_sympy(t, pool, constants),
                            from_sympy(fun.expr, pool, constants))


def _constant(s, pool, constants):
    """A SymPy constant (pi, zeta(3), ...) as the nearest double, or ValueError."""
    if constants == "error":
        raise ValueError(f"from_sympy: alkahest has no exact {s} (constants='float' uses the nearest double)")
    value = complex(s.evalf(30))
    if value.imag != 0:
        raise ValueError(f"from_sympy: {s} is not a real number alkahest can hold")
    return pool.float(value.real)


def _symbol_assumptions(s) -> dict:
    """The assumptions alkahest represents of a SymPy symbol, as ``pool.symbol`` keywords ({} for
    a symbol without assumptions or a real one: alkahest's default symbol is real)."""
    known = s.assumptions0
    assumed = {k: bool(known[k]) for k in _ASSUMPTIONS if k in known and known[k] is not None}
    if set(assumed) <= {"real", "complex", "finite"} and assumed.get("real", True) and assumed.get("finite", True):
        if assumed.get("real") or not assumed.get("complex"):
            assumed = {}
    return assumed


def _symbol_identity(s) -> tuple:
    """What identifies the alkahest symbol a SymPy symbol becomes: its name and the assumptions
    alkahest represents (they go to ``pool.symbol``), so SymPy symbols differing in them stay
    distinct and only symbols alkahest cannot tell apart clash."""
    return (s.name, tuple(sorted(_symbol_assumptions(s).items())))


def _check_symbol_clash(sp, s, symbols):
    """Two distinct SymPy symbols (``Symbol("x")`` and ``Dummy("x")``, or ``Symbol("x",
    positive=True)``) would become one alkahest symbol and cancel silently: refuse instead."""
    first = symbols.setdefault(_symbol_identity(s), s)
    if first != s:
        raise ValueError(f"from_sympy: distinct SymPy symbols {sp.srepr(first)} and {sp.srepr(s)} would both "
                         f"become the alkahest symbol {s.name!r} (alkahest's symbols are known by name only); "
                         "rename one of them first (e.g. with xreplace)")


def _check_supported(sp, s, by_class):
    if _supported(sp, s, by_class):
        return
    raise ValueError(f"from_sympy: alkahest has no {type(s).__name__!r} (in {s}); its functions are "
                     f"{', '.join(_FUNCS)}")


def _convert(sp, s, args, pool, by_class, constants, symbols):
    if isinstance(s, sp.Integer):
        return pool.integer(int(s))
    if isinstance(s, sp.Rational):
        return pool.rational(int(s.p), int(s.q))
    if isinstance(s, sp.Float):
        return pool.float(float(s))
    for name, c in _sympy_constants(sp).items():
        if s is c:
            return pool.constant(name)
    if isinstance(s, sp.NumberSymbol):  # Catalan, GoldenRatio, ...
        return _constant(s, pool, constants)
    head = _object_class(sp, s)
    if head is not None:
        return _object_from_sympy(sp, s, head, args, pool)
    if isinstance(s, sp.Symbol):
        assumed = _symbol_assumptions(s)
        _check_symbol_clash(sp, s, symbols)
        try:
            return pool.symbol(s.name, **assumed)
        except ValueError as err:
            raise ValueError(f"from_sympy: symbol {s.name!r} cannot be an alkahest symbol: {err}") from None
    if isinstance(s, sp.Add):
        return _balanced(lambda a, b: a + b, args)
    if isinstance(s, sp.Mul):
        roots = _real_cube_roots(sp, s, args)
        return roots if roots is not None else _balanced(lambda a, b: a * b, args)
    if isinstance(s, sp.Pow):
        return args[0] ** args[1]
    name = by_class.get(type(s))
    if name is not None:
        if name == "log" and len(args) != 1:  # (SymPy rewrites log(x, b) itself; be safe)
            return _core.log(args[0]) / _core.log(args[1])
        return getattr(_core, name)(*args)
    if s.is_Atom and s.is_number:  # zoo, I, other numbers that are not real
        raise ValueError(f"from_sympy: {s} is not a real number alkahest can hold")
    _check_supported(sp, s, by_class)
    raise AssertionError(f"from_sympy: unhandled {s!r}")  # pragma: no cover
