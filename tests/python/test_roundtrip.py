"""Printed text reads back to the same expression.

* ``alkahest.parse(str(e), pool) == e`` for random expressions: the in-domain ones of the oracle
  and "wild" ones with no domain rules (inf, nan, huge integers, negative bases under fractional
  powers, functions of anything, unusual symbol names);
* Python's own ``eval`` of ``str(e)`` with alkahest's names in scope gives ``e`` back, except for the
  documented caveat that ``1/2`` and ``x**(1/3)`` are float divisions in Python (then the value
  at a point still matches);
* ``str`` does not depend on the order in which symbols or subexpressions were created, in one
  process or across processes.
"""

from __future__ import annotations

import math
import os
import random
import subprocess
import sys
import textwrap
from fractions import Fraction

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import alkahest as ak
from exprgen import SYMBOL_NAMES, build, expr_trees

FUNCS1 = ["sin", "cos", "tan", "sinh", "cosh", "tanh", "asin", "acos", "atan", "exp", "log", "sqrt",
          "abs", "sign", "floor", "ceiling", "ceil", "erf", "erfc", "gamma"]
FUNCS2 = ["atan2", "polygamma"]
WILD_NAMES = ("x", "y", "x_1", "Alpha", "α", "_t", "e", "Pi", "S")

# ---------------------------------------------------------------------------------------------
# A "wild" expression strategy: no domain rules, anything the constructors accept.
# ---------------------------------------------------------------------------------------------

wild_leaf = st.one_of(
    st.sampled_from(range(len(WILD_NAMES))).map(lambda i: ("sym", i)),
    st.integers(-10, 10).map(lambda n: ("int", n)),
    st.integers(-(2**130), 2**130).map(lambda n: ("int", n)),
    st.tuples(st.integers(-(2**70), 2**70), st.integers(1, 2**70)).map(lambda pq: ("rat", *pq)),
    st.floats(allow_nan=True, allow_infinity=True).map(lambda v: ("float", v)),
    st.sampled_from([0.0, -0.0, 1.0, -1.0, 0.5, 1e300, 5e-324, math.inf, -math.inf]).map(lambda v: ("float", v)),
)


def wild_extend(children):
    small_py = st.one_of(st.integers(-3, 3), st.sampled_from([Fraction(1, 2), Fraction(-2, 3), 0.5, -2.5]))
    return st.one_of(
        st.tuples(st.sampled_from(["add", "sub", "mul", "div", "pow"]), children, children),
        st.tuples(st.sampled_from(["add", "mul", "pow", "div"]), children, small_py.map(lambda v: ("py", v))),
        st.tuples(st.just("neg"), children),
        st.tuples(st.just("f"), st.sampled_from(FUNCS1), children),
        st.tuples(st.just("f"), st.sampled_from(FUNCS2), children, children),
        st.tuples(st.just("pow"), children,
                  st.sampled_from([("rat", 1, 2), ("rat", -1, 2), ("rat", 1, 3), ("rat", -3, 2),
                                   ("int", -1), ("int", 2), ("float", 0.5)])),
    )


wild_trees = st.recursive(wild_leaf, wild_extend, max_leaves=12)


def build_wild(tree, pool):
    syms = [pool.symbol(n) for n in WILD_NAMES]
    try:
        e = build(tree, pool, syms)
    except ZeroDivisionError:  # exact 1/0 or 0**-1 somewhere: a documented error, not a case here
        assume(False)
    if not isinstance(e, ak.Expr):
        e = pool.integer(e) if isinstance(e, int) else pool.float(float(e))
    return e


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(wild_trees)
def test_parse_str_roundtrip_wild(tree):
    pool = ak.ExprPool()
    e = build_wild(tree, pool)
    text = str(e)
    back = ak.parse(text, pool)
    assert back == e, f"{text!r} read back as {str(back)!r}"
    assert str(back) == text
    assert hash(back) == hash(e)
    # The same text read into a fresh pool prints the same.
    assert str(ak.parse(text, ak.ExprPool())) == text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expr_trees(nsyms=3, depth=6))
def test_parse_str_roundtrip_in_domain(item):
    pool = ak.ExprPool()
    syms = pool.symbols(" ".join(SYMBOL_NAMES))
    e = build(item[0], pool, syms)
    text = str(e)
    assert ak.parse(text, pool) == e, text
    # parse with an explicit symbol table (list form and dict form) gives the same nodes
    assert ak.parse(text, pool, symbols=list(syms)) == e
    assert ak.parse(text, pool, symbols={n: s for n, s in zip(SYMBOL_NAMES, syms)}) == e
    # `^` is accepted for `**`
    assert ak.parse(text.replace("**", "^"), pool) == e
    # derivatives print and read back too
    d = ak.diff(e, syms[0])
    assert ak.parse(str(d), pool) == d


# ---------------------------------------------------------------------------------------------
# Python eval of str(e)
# ---------------------------------------------------------------------------------------------

def python_namespace(pool, syms):
    ns = {name: getattr(ak, name) for name in ak.__all__}
    ns.update({str(s): s for s in syms})
    ns.update({"inf": math.inf, "nan": pool.nan})
    ns.update({c: pool.constant(c) for c in ("pi", "E", "EulerGamma", "I", "oo", "zoo")})
    return ns


def python_exact(e) -> bool:
    """Whether Python's eval of str(e) should give e exactly: no rational number except a Mul
    coefficient (printed as `3*x/2`) or a square-root exponent, and no function call whose
    arguments are all plain numbers (`sqrt(2)`, `sin(1)`: alkahest functions need an Expr)."""
    seen = set()
    stack = [(e, None, 0)]
    while stack:
        x, parent, pos = stack.pop()
        n = x.node()
        if (x.id, parent, pos) in seen:
            continue
        seen.add((x.id, parent, pos))
        if n.kind == "Number" and isinstance(n.value, Fraction):
            if not ((parent == "Mul" and pos == 0) or (parent == "Pow" and pos == 1 and abs(n.value) == Fraction(1, 2))):
                return False
        if n.kind == "Func" and n.op != "abs" and not x.free_symbols:
            return False
        if n.kind == "Pow" and n.args[1].node().kind == "Number" and n.args[1].node().value in (Fraction(1, 2), Fraction(-1, 2)) \
                and not x.free_symbols:
            return False
        for i, a in enumerate(n.args):
            stack.append((a, n.kind, i))
    return True


def _numbers_only(e) -> bool:
    """No symbol and no constant below e: Python reads its text as plain numbers."""
    stack = [e]
    while stack:
        n = stack.pop().node()
        if n.kind in ("Symbol", "Constant"):
            return False
        stack.extend(n.args)
    return True


def symbol_free_call(e) -> bool:
    stack, seen = [e], set()
    while stack:
        x = stack.pop()
        if x.id in seen:
            continue
        seen.add(x.id)
        n = x.node()
        # (abs is Python's builtin here: alkahest.__all__ leaves it out, and it takes numbers too)
        if ((n.kind == "Func" and n.op != "abs") or (n.kind == "Pow" and str(x).startswith(("sqrt(", "1/sqrt("))))\
                and _numbers_only(x):
            return True
        stack.extend(n.args)
    return False


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(expr_trees(nsyms=3, depth=5), st.integers(0, 2**32 - 1))
def test_python_eval_of_str(item, seed):
    pool = ak.ExprPool()
    syms = pool.symbols(" ".join(SYMBOL_NAMES))
    e = build(item[0], pool, syms)
    text = str(e)
    ns = python_namespace(pool, syms)
    if python_exact(e):
        back = eval(text, ns)  # noqa: S307 - the point of the test
        if not isinstance(back, ak.Expr):  # a plain number: the expression was a number
            back = pool.integer(back) if isinstance(back, int) else pool.float(back)
        assert back == e, f"{text!r} evaluated by Python to {str(back)!r}"
        return
    if symbol_free_call(e):
        # Known limitation (reported): Python cannot call alkahest functions on plain numbers.
        with pytest.raises(TypeError):
            eval(text, ns)  # noqa: S307
        return
    # Otherwise Python reads 1/2 as 0.5: the value must still agree.
    back = eval(text, ns)  # noqa: S307
    rng = random.Random(seed)
    point = {s: rng.uniform(-2.5, 2.5) for s in syms}
    want = ak.eval_expr(e, point)
    got = ak.eval_expr(back, point) if isinstance(back, ak.Expr) else float(back)
    assert math.isclose(got, want, rel_tol=1e-9, abs_tol=1e-9 * max(1.0, item[1])), (text, str(back))


def test_python_eval_examples():
    pool = ak.ExprPool()
    x, y = pool.symbols("x y")
    ns = python_namespace(pool, (x, y))
    for e in [3 * x / 2, -(x + 1) / y, (x + 1) * (y + 1) * 3, x / (y + 1) / 2, 1 / (x + 1), x ** -2,
              ak.sqrt(x), -x ** 2, (-x) ** 3, 2 ** x, x ** y, x ** 2.5,
              ak.atan2(x, y), ak.polygamma(2, x), ak.ceiling(x), abs(x), -((x + 1) * (y - 1)),
              pool.float(1e300) * x, x + pool.float(math.inf), x - pool.float(math.inf),
              pool.integer(2) ** 200 * x, pool.float(-2.5) * x * y, 1 / ak.sqrt(x)]:
        text = str(e)
        assert eval(text, ns) == e, text  # noqa: S307


# ---------------------------------------------------------------------------------------------
# Deterministic printing
# ---------------------------------------------------------------------------------------------

_BUILD = textwrap.dedent("""
    import sys
    import alkahest as ak
    from alkahest import sin, cos, exp, log, sqrt, atan2, polygamma, gamma, floor, ceiling
    order = sys.argv[1]
    p = ak.ExprPool()
    names = ["zeta_", "b", "x", "a", "y1", "y0", "Y", "_u"]
    if order == "reversed":
        names = names[::-1]
    elif order == "shuffled":
        import random
        random.Random(int(sys.argv[2])).shuffle(names)
    if order != "none":
        for n in names:
            p.symbol(n)
    x, y, a, b = p.symbols("x y1 a b")
    z, u, w, v = p.symbols("zeta_ _u Y y0")
    junk = [sin(u) ** k for k in range(int(sys.argv[2]) % 7)]  # shifts node ids
    es = [
        x + y + a + b + z + u + w + v,
        x * y * a * b * z * u * w * v,
        (b + a) * (y + x) + sin(b) * cos(a) + exp(x * y) - log(a ** 2 + 1),
        atan2(y, x) + polygamma(1, a ** 2 + 1) + gamma(b) * floor(x) - ceiling(y) / 3,
        sqrt(x + b) / (a - z) ** 3 + 2 ** u - w ** v + 1.5 * x + p.rational(3, 7) * y,
        sin(x) ** 2 + cos(x) ** 2 + sin(y) * sin(x) + sin(a + b) + sin(b + a + 1),
    ]
    es.append(ak.diff(es[2] * es[3], x))
    es.append(ak.diff(es[4], a))
    for e in es:
        print(e)
        print(e.latex())
""")


def _run_build(order: str, seed: int) -> str:
    env = dict(os.environ)
    env["PYTHONHASHSEED"] = str(seed)
    src_python = os.path.dirname(os.path.dirname(ak.__file__))
    env["PYTHONPATH"] = src_python + os.pathsep + env.get("PYTHONPATH", "")
    out = subprocess.run([sys.executable, "-c", _BUILD, order, str(seed)], env=env, capture_output=True,
                         text=True, timeout=60, check=True)
    return out.stdout


def test_str_is_deterministic_across_processes():
    outputs = {_run_build(order, seed) for order, seed in
               [("none", 0), ("forward", 1), ("reversed", 2), ("shuffled", 3), ("shuffled", 12)]}
    assert len(outputs) == 1, "\n----\n".join(sorted(outputs))
    text = outputs.pop()
    assert text.count("\n") == 16 and "zeta_" in text


def test_str_does_not_depend_on_construction_order_in_process():
    pool = ak.ExprPool()
    names = ["c", "a", "b", "x", "y"]
    rng = random.Random(7)
    syms = {n: pool.symbol(n) for n in names}
    terms = [syms["a"] * syms["b"], ak.sin(syms["x"]), syms["y"] ** 2, 3 * syms["c"], ak.exp(syms["a"]),
             syms["x"] * syms["y"] * syms["c"], pool.integer(5), pool.rational(-1, 3) * syms["b"]]
    first = None
    for _ in range(12):
        rng.shuffle(terms)
        total = pool.integer(0)
        for t in terms:
            total = total + t
        product = pool.integer(1)
        for t in terms:
            if not t.free_symbols:
                continue  # a number times a lone sum distributes; see test_mul_is_associative
            product = product * (t + 1) * t
        if first is None:
            first = (str(total), str(product), total, product)
        assert (str(total), str(product)) == first[:2]
        assert total == first[2] and product == first[3]


@pytest.mark.xfail(strict=True, reason="known bug: an exact number times a lone sum distributes, so the "
                   "canonical form of a product depends on how it was associated")
def test_mul_is_associative():
    pool = ak.ExprPool()
    x, y = pool.symbols("x y")
    a = (2 * (x + 1)) * (y + 1)  # (y + 1)*(2*x + 2)
    b = 2 * ((x + 1) * (y + 1))  # 2*((x + 1)*(y + 1))
    c = (x + 1) * (2 * (y + 1))  # (x + 1)*(2*y + 2)
    assert a == b == c
