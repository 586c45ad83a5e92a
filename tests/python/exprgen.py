"""Hypothesis strategies for random alkahest expressions, shared by the oracle and round-trip tests.

A strategy draws a *tree* (nested tuples), not an Expr: trees are pool-independent, print well in
Hypothesis' failure reports and can be built into any pool with :func:`build`.

Tree nodes::

    ("sym", i)                 symbol number i (x, y, z)
    ("int", n) ("rat", p, q) ("float", v)        pool atoms: pool.integer / rational / float
    ("py", v)                  a plain Python int, Fraction or float, coerced by the operator
    ("add" | "sub" | "mul" | "div" | "pow", a, b)
    ("neg", a)   ("absb", a)   (Python's builtin abs(), i.e. Expr.__abs__)
    ("f", name, *args)         alkahest.<name>(*args)

Expressions for the oracle must stay inside each function's real domain at *every* point, so the
generator builds domains in by construction: `log`, `sqrt`, `gamma`, `polygamma` and non-integer or
symbolic powers only see arguments that are positive by their form (``u**2 + c``, ``abs(u) + c``,
``exp(u)``, ``cosh(u)``, a positive number); `asin`/`acos` see ``c*tanh(u)``-like arguments with
|c| < 1; `tan` sees arguments in (-1.4, 1.4). Alongside every tree the generator tracks an upper
bound of |value| over the sample box (|symbol| <= BOX); a subtree whose bound would exceed BIG is
squashed through a bounded function, so no value overflows and relative tolerances stay meaningful.

It also tracks whether a subtree is *smooth*: free of floor/ceiling/sign, so that it is not
exactly 0 on a whole region. ``atan2(y, x)`` jumps where y crosses 0 with x < 0, and there a
piecewise-constant y that is exactly 0 (in doubles possibly -0.0: ``-floor(0.5)``) makes double
and exact arithmetic legitimately disagree (-pi against pi). A non-smooth first argument of atan2
gets ``+ 1/3``, which is 0 only on a null set; the atan2 stays non-smooth (XLA flushes
subnormals to zero, so ``floor(-2.2e-309*x)`` is -1 or 0 depending on the backend).

:func:`expr_trees` nests up to `depth` generator steps (each step may add a few wrapper nodes) and
guarantees at least one symbol.
"""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import strategies as st

import alkahest as ak

SYMBOL_NAMES = ("x", "y", "z")
BOX = 2.5  # sample points lie in [-BOX, BOX]**n
BIG = 1.0e6  # bound above which a subtree is squashed
EXP_ARG_MAX = 12.0  # exp/sinh/cosh arguments beyond this bound are squashed first

HALF = Fraction(1, 2)


# ---------------------------------------------------------------------------------------------
# Building trees into a pool
# ---------------------------------------------------------------------------------------------

def build(tree, pool, syms):
    """The alkahest Expr (or, for a bare ("py", v) tree, the Python number) for `tree`."""
    # Iterative post-order so that deep trees cannot overflow the Python stack.
    out = {}
    stack = [(tree, False)]
    while stack:
        t, ready = stack.pop()
        key = id(t)
        if key in out:
            continue
        tag = t[0]
        kids = _children(t)
        if not ready and kids:
            stack.append((t, True))
            for k in kids:
                stack.append((k, False))
            continue
        out[key] = _make(t, [out[id(k)] for k in kids], pool, syms)
    return out[id(tree)]


def _children(t):
    tag = t[0]
    if tag in ("add", "sub", "mul", "div", "pow"):
        return [t[1], t[2]]
    if tag in ("neg", "absb"):
        return [t[1]]
    if tag == "f":
        return list(t[2:])
    return []


def _make(t, args, pool, syms):
    tag = t[0]
    if tag == "sym":
        return syms[t[1]]
    if tag == "int":
        return pool.integer(t[1])
    if tag == "rat":
        return pool.rational(t[1], t[2])
    if tag == "float":
        return pool.float(t[1])
    if tag == "py":
        return t[1]
    if tag == "add":
        return args[0] + args[1]
    if tag == "sub":
        return args[0] - args[1]
    if tag == "mul":
        return args[0] * args[1]
    if tag == "div":
        return args[0] / args[1]
    if tag == "pow":
        return args[0] ** args[1]
    if tag == "neg":
        return -args[0]
    if tag == "absb":
        return abs(args[0])
    if tag == "f":
        return getattr(ak, t[1])(*args)
    raise AssertionError(f"unknown tree tag {tag!r}")


def contains(tree, pred):
    stack = [tree]
    while stack:
        t = stack.pop()
        if pred(t):
            return True
        stack.extend(_children(t))
    return False


# ---------------------------------------------------------------------------------------------
# Strategies
# ---------------------------------------------------------------------------------------------
# Each generated item is a triple (tree, bound, smooth).


def _num_bound(v):
    return float(abs(v))


def _float_leaf_values():
    # Finite doubles, no -0.0 (SymPy has no signed zero; -0.0 is tested in test_kernel_api).
    return st.floats(min_value=-4.0, max_value=4.0, allow_nan=False, allow_infinity=False).map(
        lambda v: 0.0 if v == 0 else v
    )


@st.composite
def _leaf(draw, nsyms):
    # (st.one_of would flatten and de-duplicate its branches, so weights are drawn explicitly.)
    kind = draw(st.sampled_from(["sym", "sym", "sym", "int", "rat", "float"]))
    if kind == "sym":
        return (("sym", draw(st.integers(0, nsyms - 1))), BOX, True)
    if kind == "int":
        n = draw(st.integers(-6, 6))
        return (("int", n), float(abs(n)), True)
    if kind == "rat":
        p, q = draw(st.integers(-7, 7)), draw(st.integers(2, 7))
        return (("rat", p, q), abs(p / q), True)
    v = draw(_float_leaf_values())
    return (("float", v), abs(v), True)


def leaves(nsyms: int):
    return _leaf(nsyms)


def _squash(draw, item):
    """A bounded function of `item` (|value| <= pi/2)."""
    tree, _, smooth = item
    name = draw(st.sampled_from(["sin", "cos", "tanh", "atan", "erf"]))
    return (("f", name, tree), math.pi / 2, smooth)


def _clip(draw, item):
    return _squash(draw, item) if item[1] > BIG or math.isnan(item[1]) else item


def _py_const(draw, positive=False, nonzero=False):
    """A plain Python number used as an operand (exercises int/Fraction/float coercion)."""
    if positive:
        v = draw(st.sampled_from([HALF, 1, 2, Fraction(3, 2), Fraction(3, 4), 1.25, 0.5, 3]))
    else:
        v = draw(st.one_of(
            st.integers(-5, 5),
            st.sampled_from([HALF, Fraction(-1, 3), Fraction(5, 4), Fraction(-7, 2)]),
            st.sampled_from([0.5, -1.5, 2.25, 0.1, -3.0]),
        ))
        if nonzero and v == 0:
            v = 1
    return v


def _positive(draw, item):
    """(tree, lower, upper, smooth): a form of `item` that is > 0 at every point by its shape."""
    tree, bound, smooth = item
    c = draw(st.sampled_from([HALF, 1, 2, Fraction(3, 4), 1.5]))
    cf = float(c)
    kind = draw(st.sampled_from(["sq", "sq", "abs", "exp", "cosh", "num"]))
    if kind == "num":
        v = draw(st.sampled_from([("int", 2), ("int", 3), ("rat", 1, 2), ("rat", 5, 3), ("float", 0.75), ("float", 2.5)]))
        val = v[1] if v[0] != "rat" else v[1] / v[2]
        return (v, val, val, True)
    if kind in ("exp", "cosh"):
        if bound > 3:
            tree, bound, smooth = _squash(draw, item)
        lo = math.exp(-bound) if kind == "exp" else 1.0
        hi = math.exp(bound) if kind == "exp" else math.cosh(bound)
        return (("f", kind, tree), lo, hi, smooth)
    if bound > 1e3:
        tree, bound, smooth = _squash(draw, item)
    if kind == "sq":
        form = ("add", ("pow", tree, ("py", 2)), ("py", c))
        return (form, cf, bound * bound + cf, smooth)
    form = ("add", ("absb", tree) if draw(st.booleans()) else ("f", "abs", tree), ("py", c))
    return (form, cf, bound + cf, smooth)


def _bounded_positive(draw, item, hi_max):
    """A positive form whose upper bound is at most hi_max (squashing the input if needed)."""
    pos = _positive(draw, item)
    if pos[2] > hi_max:
        pos = _positive(draw, _squash(draw, item))
    if pos[2] > hi_max:  # e.g. exp(erf(u)) is still fine; a plain number never exceeds 3
        pos = (("add", ("pow", ("f", "tanh", item[0]), ("py", 2)), ("py", HALF)), 0.5, 1.5, item[2])
    return pos


UNARY_ANY = ["sin", "cos", "atan", "tanh", "erf", "erfc", "sign", "floor", "ceiling", "abs", "asinh", "sech", "acot",
             "cbrt"]
#: What one generator step does: arithmetic (weighted up), powers, and every function of the op
#: table (each under its own name, so each gets drawn about equally often).
KINDS = (["add", "add", "add", "sub", "mul", "mul", "mul", "div", "div", "neg"]
         + ["pow_int", "pow_int", "pow_rat", "pow_float", "pow_sym", "num_pow", "sqrt"]
         + UNARY_ANY + ["tan", "exp", "sinh", "cosh", "asin", "acos", "log", "gamma", "polygamma",
                        "atan2", "atan2"])


@st.composite
def _grow(draw, children):
    kind = draw(st.sampled_from(KINDS))
    a = draw(children)
    ta, ba, sa = a
    if kind in ("add", "sub", "mul"):
        if draw(st.integers(0, 4)) == 0:  # a plain Python number on one side
            v = _py_const(draw)
            b = (("py", v), _num_bound(v), True)
        else:
            b = draw(children)
        tb, bb, sb = b
        if draw(st.booleans()):
            ta, tb, ba, bb = tb, ta, bb, ba
        if ta[0] == "py" and tb[0] == "py":  # two plain numbers would not make an Expr
            ta = ("int", ta[1]) if isinstance(ta[1], int) else ("float", float(ta[1]))
        bound = ba * bb if kind == "mul" else ba + bb
        return _clip(draw, ((kind, ta, tb), bound, sa and sb))
    if kind == "div":
        if draw(st.booleans()):
            v = _py_const(draw, nonzero=True)
            den = ("py", v) if draw(st.booleans()) else (("int", v) if isinstance(v, int) else ("float", float(v)))
            return _clip(draw, (("div", ta, den), ba / abs(float(v)), sa))
        b = draw(children)
        tp, lo, hi, sp = _positive(draw, b)
        if draw(st.booleans()):  # positive numerator over the other operand is fine too
            return _clip(draw, (("div", ta, tp), ba / lo, sa and sp))
        return _clip(draw, (("div", ("neg", ta), tp), ba / lo, sa and sp))
    if kind == "neg":
        return (("neg", ta), ba, sa)
    if kind == "pow_int":
        k = draw(st.sampled_from([0, 1, 2, 2, 3, 4, 5, -1, -2, -3]))
        kt = ("py", k) if draw(st.booleans()) else ("int", k)
        if k >= 0:
            if ba ** k > BIG:
                ta, ba, sa = _squash(draw, a)
            return (("pow", ta, kt), ba ** k if k else 1.0, sa)
        tp, lo, hi, sp = _positive(draw, a)
        return _clip(draw, (("pow", tp, kt), lo ** k, sp))
    if kind in ("pow_rat", "pow_float"):
        if kind == "pow_rat":
            r = draw(st.sampled_from([HALF, Fraction(1, 3), Fraction(3, 2), Fraction(-1, 2), Fraction(2, 3),
                                      Fraction(-5, 3), Fraction(7, 4), Fraction(-1, 4)]))
            et = ("py", r) if draw(st.booleans()) else ("rat", r.numerator, r.denominator)
            rf = float(r)
        else:
            rf = draw(st.sampled_from([0.5, 1.0, 2.0, -1.0, 1.5, -0.75, 0.3, 2.5]))
            et = ("py", rf) if draw(st.booleans()) else ("float", rf)
        tp, lo, hi, sp = _positive(draw, a)
        bound = max(lo ** rf, hi ** rf)
        if bound > BIG:
            tp, lo, hi, sp = _bounded_positive(draw, a, 10.0)
            bound = max(lo ** rf, hi ** rf)
        return _clip(draw, (("pow", tp, et), bound, sp))
    if kind == "pow_sym":  # positive base ** expression
        b = draw(children)
        if b[1] > 4:
            b = _squash(draw, b)
        tp, lo, hi, sp = _bounded_positive(draw, a, 20.0)
        bound = max(lo, 1 / lo, hi) ** b[1]
        return _clip(draw, (("pow", tp, b[0]), bound, sp and b[2]))
    if kind == "num_pow":  # number ** expression, e.g. 2**x, (1/2)**sin(y)
        if ba > 4:
            ta, ba, sa = _squash(draw, a)
        base = draw(st.sampled_from([("int", 2), ("int", 3), ("rat", 1, 2), ("float", 1.5), ("py", 2), ("py", HALF)]))
        if base[0] == "py":
            base = ("int", 2) if base[1] == 2 else ("rat", 1, 2)
        return (("pow", base, ta), 3.0 ** ba, sa)
    if kind == "sqrt":
        tp, lo, hi, sp = _positive(draw, a)
        if draw(st.booleans()):
            return (("f", "sqrt", tp), math.sqrt(hi), sp)
        return (("pow", tp, ("py", HALF)), math.sqrt(hi), sp)
    if kind in UNARY_ANY:
        name = kind
        bound = {"sign": 1.0, "erfc": 2.0, "atan": math.pi / 2, "floor": ba + 1, "ceiling": ba + 1,
                 "abs": ba, "asinh": math.asinh(ba), "acot": math.pi / 2, "cbrt": ba ** (1 / 3)}.get(name, 1.0)
        # acot jumps at 0; cbrt's derivative is infinite there
        smooth = sa and name not in ("sign", "floor", "ceiling", "acot", "cbrt")
        return (("f", name, ta), bound, smooth)
    if kind == "tan":
        if ba > 1.4:
            ta, ba, sa = (("f", "tanh", ta), 1.0, sa)
        return (("f", "tan", ta), math.tan(ba), sa)
    if kind in ("exp", "sinh", "cosh"):
        name = kind
        if ba > EXP_ARG_MAX:
            ta, ba, sa = _squash(draw, a)
        return _clip(draw, (("f", name, ta), math.exp(ba), sa))
    if kind in ("asin", "acos"):
        name = kind
        if ba < 0.9:
            arg = ta
        else:
            sq = draw(st.sampled_from(["tanh", "sin", "erf", "cos"]))
            c = draw(st.sampled_from([Fraction(9, 10), Fraction(-1, 2), 0.75]))
            arg = ("mul", ("py", c), ("f", sq, ta)) if draw(st.booleans()) else ("mul", ("f", sq, ta), ("py", c))
        return (("f", name, arg), math.pi, sa)
    if kind == "log":
        tp, lo, hi, sp = _positive(draw, a)
        return (("f", "log", tp), max(abs(math.log(lo)), abs(math.log(hi))), sp)
    if kind == "gamma":
        # gamma on [1/2, 20]: finite, no poles, at most gamma(20) ~ 1.2e17 -> clipped
        tp, lo, hi, sp = _bounded_positive(draw, a, 12.0)
        if lo < 0.5:
            tp, lo, hi = ("add", tp, ("py", HALF)), lo + 0.5, hi + 0.5
        return _clip(draw, (("f", "gamma", tp), math.gamma(hi) + 2.0, sp))
    if kind == "polygamma":
        n = draw(st.integers(0, 3))
        tp, lo, hi, sp = _positive(draw, a)
        if lo < 0.5:
            tp, lo = ("add", tp, ("py", HALF)), lo + 0.5
        nt = ("py", n) if draw(st.booleans()) else ("int", n)
        bound = math.factorial(n) * 2 / lo ** (n + 1) + math.log(hi + 2) + 2
        return _clip(draw, (("f", "polygamma", nt, tp), bound, sp))
    if kind == "atan2":
        b = draw(children)
        y, x = (a, b) if draw(st.booleans()) else (b, a)
        ty = y[0] if y[2] else ("add", y[0], ("py", Fraction(1, 3)))  # see the module docstring
        return (("f", "atan2", ty, x[0]), math.pi, y[2] and x[2])
    raise AssertionError(kind)


def extend(children):
    return _grow(children)


@st.composite
def _with_symbol(draw, trees, nsyms):
    """A drawn tree, combined with a symbol if it has none (a constant tests little)."""
    item = draw(trees)
    if contains(item[0], lambda t: t[0] == "sym"):
        return item
    tree, bound, smooth = item
    i = draw(st.integers(0, nsyms - 1))
    how = draw(st.sampled_from(["add", "mul", "sin", "pow"]))
    if how == "sin":
        return (("mul", tree, ("f", "sin", ("sym", i))), bound, smooth)
    if how == "pow":  # tree + x**2
        return (("add", tree, ("pow", ("sym", i), ("py", 2))), bound + BOX ** 2, smooth)
    return ((how, tree, ("sym", i)), bound * BOX if how == "mul" else bound + BOX, smooth and how == "add")


@st.composite
def _level(draw, lower, nsyms):
    if draw(st.integers(0, 5)) == 0:
        return draw(leaves(nsyms))
    return draw(_grow(lower))


_CACHE: dict = {}


def expr_trees(nsyms: int = 3, depth: int = 4):
    """Strategy for (tree, bound, smooth) triples with at least one symbol; see the module
    docstring. `depth` bounds the nesting of generator steps (each may add a few wrapper nodes);
    at each level a leaf is chosen with probability 1/6, else a random operation.

    Strategies are built once per argument set: building strategies (and decorating composites)
    costs Hypothesis real time, which must not be paid per example."""
    key = (nsyms, depth)
    if key not in _CACHE:
        level = leaves(nsyms)
        for _ in range(depth):
            level = _level(level, nsyms)
        _CACHE[key] = _with_symbol(level, nsyms)
    return _CACHE[key]


# ---------------------------------------------------------------------------------------------
# The rows of ops_elementary.def, ops_special.def and ops_integrals.def
# ---------------------------------------------------------------------------------------------
# Their real domains are intervals with poles, branch points and cuts at the ends, so each call
# gets its arguments squashed into a closed interval inside the domain where the function and its
# derivative are finite and moderate: lo + (hi - lo)/2 (1 + s(u)) with s = tanh, sin or erf.
# Orders, branch indices and parameters (derivatives in them have no closed form) are constants.
# Each entry: (name, constant leading arguments to choose from (LambertW's branch index is its
# last argument; hyp2f1's a, b, c), the intervals of the variable arguments, a bound of |value| over them). "hypot", "Min" and "Max" take two unrestricted trees.

def _q(v):
    return Fraction(v) if isinstance(v, str) else v


_SPECIAL_ROWS = [
    ("sec", [()], [("-1.3", "1.3")], 4.0),
    ("csc", [()], [("0.3", "2.8")], 3.5),
    ("cot", [()], [("0.3", "2.8")], 3.5),
    ("csch", [()], [("0.3", "5")], 3.5),
    ("coth", [()], [("-5", "-0.3")], 3.5),
    ("acosh", [()], [("1.05", "20")], 4.0),
    ("atanh", [()], [("-0.95", "0.95")], 2.0),
    ("asec", [()], [("1.1", "20")], 2.0),
    ("asec", [()], [("-20", "-1.1")], 3.2),
    ("acsc", [()], [("-20", "-1.1")], 2.0),
    ("acoth", [()], [("1.1", "20")], 2.0),
    ("asech", [()], [("0.05", "0.95")], 4.0),
    ("acsch", [()], [("-20", "-0.1")], 3.0),
    ("loggamma", [()], [("0.1", "30")], 75.0),
    ("digamma", [()], [("0.3", "30")], 4.0),
    ("beta", [()], [("0.3", "8"), ("0.3", "8")], 10.0),
    ("zeta", [(2,), (3,), (Fraction(5, 2),), (Fraction(3, 2),), (4.5,)], [("0.2", "10")], 40.0),
    ("factorial", [()], [("-0.8", "9")], 4.0e5),
    ("binomial", [(2,), (3,), (Fraction(5, 2),), (0.7,)], [("-0.9", "12")], 1.0e3),
    ("harmonic", [()], [("-0.8", "30")], 6.0),
    ("LambertW", [()], [("-0.3", "50")], 3.0),
    ("LambertW", [(-1,)], [("-0.36", "-0.01")], 7.0),
    ("besselj", [(0,), (1,), (3,), (Fraction(5, 2),), (Fraction(-1, 2),), (1.5,)], [("0.1", "30")], 3.0),
    ("bessely", [(0,), (1,), (2,), (Fraction(1, 2),), (1.5,)], [("0.3", "30")], 20.0),
    ("besseli", [(0,), (1,), (2,), (Fraction(1, 2),), (Fraction(-1, 2),)], [("0.1", "10")], 3.0e3),
    ("besselk", [(0,), (1,), (2,), (Fraction(1, 2),)], [("0.2", "15")], 60.0),
    ("lowergamma", [(Fraction(1, 2),), (Fraction(3, 2),), (2.7,), (4,)], [("0.05", "20")], 7.0),
    ("uppergamma", [(Fraction(1, 2),), (Fraction(3, 2),), (2.7,), (4,)], [("0.05", "20")], 7.0),
    ("polylog", [(2,), (3,), (Fraction(3, 2),), (Fraction(1, 2),)], [("-10", "0.9")], 10.0),
    ("erfi", [()], [("-3", "3")], 1.7e3),
    ("Ei", [()], [("0.1", "12")], 1.5e4),
    ("Ei", [()], [("-20", "-0.1")], 2.0),
    ("li", [()], [("1.5", "60")], 25.0),
    ("li", [()], [("0.05", "0.8")], 1.0),
    ("Si", [()], [("-30", "30")], 2.0),
    ("Ci", [()], [("0.1", "30")], 2.0),
    ("Shi", [()], [("-10", "10")], 1.5e3),
    ("Chi", [()], [("0.1", "10")], 1.5e3),
    ("fresnels", [()], [("-5", "5")], 1.0),
    ("fresnelc", [()], [("-5", "5")], 1.0),
    ("elliptic_k", [()], [("-10", "0.95")], 3.0),
    ("elliptic_e", [()], [("-10", "0.95")], 4.0),
    ("elliptic_e", [()], [("-3", "3"), ("-5", "0.9")], 8.0),
    ("elliptic_f", [()], [("-3", "3"), ("-5", "0.9")], 10.0),
    ("elliptic_pi", [()], [("-5", "0.9"), ("-5", "0.9")], 30.0),
    ("elliptic_pi", [()], [("-5", "0.9"), ("-3", "3"), ("-5", "0.9")], 60.0),
    ("hyp2f1", [(1, 2, 3), (Fraction(1, 2), Fraction(3, 2), 2), (Fraction(1, 3), Fraction(2, 3), Fraction(3, 2)),
                (-2, 1.5, 2.5), (0.25, -0.75, 1.2)], [("-5", "0.9")], 20.0),
]
#: The row names the special strategy draws (tests check that every numeric row of those files is here).
SPECIAL_NAMES = sorted({r[0] for r in _SPECIAL_ROWS} | {"hypot", "Min", "Max"})


def _into(draw, item, lo, hi):
    """`item` squashed into the closed interval [lo, hi]."""
    lo, hi = _q(lo), _q(hi)
    s = draw(st.sampled_from(["tanh", "sin", "erf"]))
    half, mid = (hi - lo) / 2, (hi + lo) / 2
    tree = ("mul", ("f", s, item[0]), ("py", half))
    return ("add", tree, ("py", mid)) if mid else tree


@st.composite
def _special_call(draw, children):
    k = draw(st.integers(0, len(_SPECIAL_ROWS) + 2))
    if k >= len(_SPECIAL_ROWS):  # hypot, Min, Max of two unrestricted trees
        a, b = draw(children), draw(children)
        name = ("hypot", "Min", "Max")[k - len(_SPECIAL_ROWS)]
        bound = a[1] + b[1] if name == "hypot" else max(a[1], b[1])
        # Min and Max are piecewise: their derivatives jump where the arguments cross
        return _clip(draw, (("f", name, a[0], b[0]), bound, a[2] and b[2] and name == "hypot"))
    name, consts, intervals, bound = _SPECIAL_ROWS[k]
    const = draw(st.sampled_from(consts))
    args, smooth = [("py", c) if isinstance(c, (int, Fraction)) else ("float", c) for c in const], True
    if args and args[0][0] == "py" and draw(st.booleans()):  # pool numbers as well as Python ones
        c = args[0][1]
        args[0] = ("int", c) if isinstance(c, int) else ("rat", c.numerator, c.denominator)
    for lo, hi in intervals:
        item = draw(children)
        args.append(_into(draw, item, lo, hi))
        smooth = smooth and item[2]
    if name == "LambertW":  # the branch index is the last argument
        args = args[1:] + args[:1]
    return _clip(draw, (("f", name, *args), bound, smooth))


_SPECIAL_CACHE: dict = {}


def special_trees(nsyms: int = 2, depth: int = 2):
    """Strategy for (tree, bound, smooth) triples that call the newer rows of the op table
    (_SPECIAL_ROWS): a call of one of them on expr_trees(nsyms, depth) arguments, sometimes nested
    once more or combined with another such tree by + or *, always holding a symbol."""
    key = (nsyms, depth)
    if key not in _SPECIAL_CACHE:
        inner = expr_trees(nsyms, depth)

        @st.composite
        def tree(draw):
            item = draw(_special_call(inner))
            how = draw(st.sampled_from(["alone", "alone", "nest", "add", "mul"]))
            if how == "nest":
                item = draw(_special_call(st.just(item)))
            elif how in ("add", "mul"):
                other = draw(_special_call(inner) if draw(st.booleans()) else inner)
                bound = item[1] * other[1] if how == "mul" else item[1] + other[1]
                item = _clip(draw, ((how, item[0], other[0]), bound, item[2] and other[2]))
            return item

        _SPECIAL_CACHE[key] = _with_symbol(tree(), nsyms)
    return _SPECIAL_CACHE[key]
