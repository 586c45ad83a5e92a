"""Pattern matching and rewriting (Wild, Expr.match, replace, rewrite): every match is checked by
putting the bindings back into the pattern, which must give the expression again."""

import pytest

from alkahest import AlkahestError, ExprPool, Wild, cos, exp, is_wild, log, match, op_count, replace, rewrite, sin


@pytest.fixture
def pool():
    return ExprPool()


def checked(e, pattern):
    m = e.match(pattern)
    if m is not None:
        assert pattern.subs(m) == e, (e, pattern, m)
    return m


def test_linear_form_with_exclusions(pool):
    x, y = pool.symbols("x y")
    a, b = Wild("a", exclude=[x]), Wild("b", exclude=[x])
    assert checked(3 * x + sin(y), a * x + b) == {a: pool.integer(3), b: sin(y)}
    assert checked(x, a * x + b) == {a: pool.integer(1), b: pool.integer(0)}
    assert checked(y * x + 2 * y, a * x + b) == {a: y, b: 2 * y}
    assert checked(x**2, a * x + b) is None
    assert checked(x * sin(x), a * sin(x)) is None  # a may not hold x


def test_sums_and_products_in_any_order(pool):
    x, y, z = pool.symbols("x y z")
    w, r = Wild("w", pool=pool), Wild("r", pool=pool)
    pyth = sin(w) ** 2 + cos(w) ** 2
    assert checked(cos(x * y) ** 2 + sin(x * y) ** 2, pyth) == {w: x * y}
    assert checked(cos(x) ** 2 + sin(y) ** 2, pyth) is None
    assert checked(z + 1 + sin(x) ** 2 + cos(x) ** 2, pyth + r) == {w: x, r: z + 1}
    assert checked(2 * x * y * z, w * x) == {w: 2 * y * z}
    assert checked(exp(x + y), exp(w)) == {w: x + y}
    assert checked(x**3, x**w) == {w: pool.integer(3)} and checked(x, x**w) == {w: pool.integer(1)}


def test_replace_and_functions(pool):
    x, y = pool.symbols("x y")
    a = Wild("a", pool=pool)
    assert replace(sin(x) ** 2 + sin(y), sin(a), cos(a)) == cos(x) ** 2 + cos(y)
    assert (sin(x) + sin(y)).replace(sin(a), lambda a: cos(a) if a == x else None) == cos(x) + sin(y)
    with pytest.raises(TypeError, match="replacement"):
        replace(sin(x), sin(a), "text")


def test_rewrite_fixed_point_and_loops(pool):
    x, y = pool.symbols("x y")
    c, d = Wild("c", pool=pool), Wild("d", pool=pool)
    assert rewrite(log(2 * x * y), [(log(c * d), log(c) + log(d))]) == log(pool.integer(2)) + log(x) + log(y)
    with pytest.raises(AlkahestError, match="fixed point within max_steps=20"):
        x.rewrite_rules([(c, c + 1)], max_steps=20)
    with pytest.raises(AlkahestError, match="loop"):
        rewrite(sin(x), [(sin(c), cos(c)), (cos(c), sin(c))])
    with pytest.raises(TypeError, match="pair"):
        rewrite(x, [c])


def test_bad_input_is_a_clear_error_or_no_match(pool):
    x = pool.symbol("x")
    other = ExprPool().symbol("x")
    with pytest.raises(ValueError, match="ExprPool"):
        Wild("a", exclude=[other]) + x
    with pytest.raises(TypeError, match="pool="):
        Wild("a")
    with pytest.raises(ValueError):
        Wild("", pool=pool)
    with pytest.raises(ValueError, match="ExprPool"):
        match(x, Wild("a", pool=ExprPool()))
    # Hopeless: ten wilds that exclude x against a sum of 30 terms in x. The budget ends it.
    ws = [Wild(f"v{i}", exclude=[x]) for i in range(10)]
    terms = [pool.symbol(f"s{i}") * x for i in range(30)]
    assert match(sum(terms[1:], terms[0]), sum(ws[1:], ws[0]), max_steps=20000) is None
    assert is_wild(ws[0]) and not is_wild(pool.symbol("v0_"))


def test_op_count_is_the_compiled_size(pool):
    x = pool.symbol("x")
    assert op_count(x) == 0 and op_count(sin(x) ** 2 + cos(x) ** 2) == 5
