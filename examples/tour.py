"""A tour of alkahest: what works today. Run with `make demo`."""

from fractions import Fraction

import alkahest
from alkahest import (ExprPool, ParseError, cos, diff, eval_expr, exp, grad, log, parse, sin,
                      sqrt, subs)


def show(label, value):
    print(f"  {label:<34} {value}")


def main():
    print(f"alkahest {alkahest.__version__}: a C++ symbolic kernel with a thin Python layer\n")

    pool = ExprPool()
    x, y = pool.symbols("x y")

    print("1. Hash-consing: equal expressions are one shared node")
    a, b = sin(x) ** 2 + x, x + sin(x) ** 2
    show("sin(x)**2 + x is x + sin(x)**2:", f"{a == b} (node id {a.id} == {b.id})")
    show("nodes in the pool so far:", len(pool))

    print("\n2. Canonical forms at construction")
    show("x + x", x + x)
    show("x * x", x * x)
    show("x - x", x - x)
    show("2*(x + y) - 2*y", 2 * (x + y) - 2 * y)
    show("(x*y)**2 / x", (x * y) ** 2 / x)
    show("1/3 + Fraction(1, 6) (exact)", pool.integer(1) / 3 + Fraction(1, 6))
    show("2**100 stays an exact integer", pool.integer(2) ** 100)
    show("floats fold: 0.5*x + 0.25*x", 0.5 * x + 0.25 * x)

    print("\n3. Exact values of elementary functions")
    zero, one, four = pool.integer(0), pool.integer(1), pool.integer(4)
    show("sin(0), cos(0), exp(0)", (sin(zero), cos(zero), exp(zero)))
    show("log(1), sqrt(4)", (log(one), sqrt(four)))
    show("gamma(6)", alkahest.gamma(pool.integer(6)))

    print("\n4. Calculus")
    f = sin(x) ** 2 * exp(-x * y)
    show("f", f)
    show("df/dx", diff(f, x))
    show("d2f/dx2", f.diff(x).diff(x))
    show("grad f", grad(f, [x, y]))
    show("f with x -> 2*y", subs(f, {x: 2 * y}))
    show("f at x=0.5, y=2", eval_expr(f, {x: 0.5, y: 2.0}))

    print("\n4b. Unevaluated objects: undefined functions, Derivative, Integral, relations, Piecewise, O")
    from alkahest import Function, Integral, O, Piecewise, Derivative

    F = Function("f")
    show("diff(f(x**2), x)", diff(F(x**2), x))
    show("Derivative(x**3, (x, 2)).doit()", Derivative(x**3, (x, 2)).doit())
    show("Integral(exp(-x), (x, 0, oo))", Integral(exp(-x), (x, 0, pool.oo)))
    show("x < 1, Eq(x + 1, x + 1)", (x < 1, alkahest.Eq(x + 1, x + 1)))
    pw = Piecewise((-x, x < 0), (x, True))
    show("|x| as Piecewise, at x = -3", (pw, pw.subs({x: -3})))
    show("1 + x + x**4 + O(x**3)", 1 + x + x**4 + O(x**3))

    print("\n5. Text in, text out (str is read back by parse, SymPy and Python)")
    g = parse("x^3/3 - 2*sqrt(x) + atan2(y, x)", pool)
    show("parse('x^3/3 - 2*sqrt(x) + atan2(y, x)')", g)
    show("parse(str(g)) == g", parse(str(g), pool) == g)
    show("LaTeX", g.latex())
    try:
        parse("sin(x + ", pool)
    except ParseError as err:
        show("parse('sin(x + ') raises", f"ParseError: {err} (span {err.span})")

    print("\n6. Inspecting nodes")
    node = g.node()
    show("kind of g", node.kind)
    show("its terms", node.args)
    show("free symbols", sorted(map(str, g.free_symbols)))

    print("\n7. Deep expressions do not overflow the C stack")
    deep = x
    for _ in range(100_000):
        deep = sin(deep) + x
    text = str(deep)
    show("100,000 nested sin(...) + x", f"printed {len(text):,} characters, hash {hash(deep) % 10**6}")
    d = diff(deep, x)
    show("its derivative", f"computed; {len(pool):,} distinct nodes in the pool, shared as a DAG")
    show("derivative at x = 0.3", eval_expr(d, {x: 0.3}))

    print("\n8. Clear errors, never a crash")
    other = ExprPool().symbol("z")
    for label, thunk in [
        ("x + z from another pool", lambda: x + other),
        ("x / 0", lambda: x / 0),
        ("x + 'a'", lambda: x + "a"),
    ]:
        try:
            thunk()
        except Exception as err:  # noqa: BLE001 - the point is to show the exception
            show(label, f"{type(err).__name__}: {err}")

    print("\n9. Compiled evaluation over arrays")
    import time

    import numpy as np

    from alkahest import compile_expr, numpy_eval

    f = compile_expr(exp(-x * x / 2) * cos(3 * x) + sqrt(1 + x * x), [x])
    show("compile_expr(...)", f)
    xs = np.linspace(0, 2 * np.pi, 1_000_000)
    ys = numpy_eval(f, xs, threads=1)
    ref = np.exp(-xs * xs / 2) * np.cos(3 * xs) + np.sqrt(1 + xs * xs)
    show("max |alkahest - numpy| over 1e6 points", float(np.max(np.abs(ys - ref))))

    def best(fn, reps=5):
        times = []
        for _ in range(reps):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return min(times)

    show("tier after one 1e6-point batch", f"{f.tier} (backend={f.backend!r})")
    f_interp = compile_expr(exp(-x * x / 2) * cos(3 * x) + sqrt(1 + x * x), [x], backend="interp")
    show("both tiers give the same bits", bool(np.array_equal(numpy_eval(f_interp, xs, threads=1), ys)))
    t_alk = best(lambda: numpy_eval(f, xs, threads=1))
    t_int = best(lambda: numpy_eval(f_interp, xs, threads=1))
    t_np = best(lambda: np.exp(-xs * xs / 2) * np.cos(3 * xs) + np.sqrt(1 + xs * xs))
    show("one thread: llvm / interp / numpy",
         f"{t_alk * 1e3:.2f} / {t_int * 1e3:.2f} / {t_np * 1e3:.2f} ms (numpy/llvm {t_np / t_alk:.1f}x)")
    g = compile_expr([x * y, sin(x * y)], [x, y])
    show("broadcast (3,1) with (4,), 2 outputs", numpy_eval(g, np.arange(3.0)[:, None], np.arange(4.0)).shape)
    show("one point f([1.0])", f([1.0]))

    print("\n10. JAX: to_jax is a primitive under jit, grad, vmap and hessian")
    import jax
    import jax.numpy as jnp

    from alkahest import to_jax

    with jax.enable_x64(True):
        jf = to_jax(sin(x) ** 2 * y + exp(-x * y), [x, y], name="model")
        a = jnp.linspace(0.0, 1.0, 4)
        show("jax.jit(f)(a, 2.0)", jax.jit(jf)(a, 2.0))
        show("jax.grad of sum over a", jax.grad(lambda v: jf(v, 2.0).sum())(a))
        show("jax.hessian at (0.3, 1.2)", jax.hessian(lambda v: jf(v[0], v[1]))(jnp.array([0.3, 1.2])).tolist())
        show("vmap over rows of a (3, 4) array", jax.vmap(jf, in_axes=(0, None))(jnp.ones((3, 4)), a).shape)
        text = jax.jit(jf).lower(a, 2.0).as_text()
        show("jitted: StableHLO ops, no callback", "stablehlo.sine" in text and "custom_call" not in text)

    print("\n11. Exporters: the same function as C source and as StableHLO for XLA")
    from alkahest import emit_c, to_stablehlo

    damped = sin(x) * exp(pool.integer(-1) * x)
    print("  " + emit_c(damped, [x], var_name="x", fn_name="damped_sin").strip())
    print("  " + emit_c([x * y + sin(x * y) ** 2, sqrt(1 + x * x)], [x, y], fn_name="two", dtype="f32")
          .strip().replace("\n", "\n  "))
    hlo = to_stablehlo(damped, [x], fn_name="damped_sin", shape=(4,))
    print("  " + "\n  ".join(line for line in hlo.splitlines()[:6]))
    print("  ...")
    import subprocess
    import sys

    for args in (["diff", "sin(x)**2", "x"], ["eval", "x*y+1", "--vars", "x,y", "--at", "1,2"]):
        out = subprocess.run([sys.executable, "-m", "alkahest", *args], capture_output=True, text=True, check=True)
        show("$ alkahest " + " ".join(f"'{a}'" if "(" in a or "*" in a else a for a in args), out.stdout.strip())

    print("\n12. GPU: compile_cuda generates CUDA C and compiles it to PTX with NVRTC (no GPU needed)")
    from alkahest import AlkahestError, compile_cuda

    try:
        cf = compile_cuda(damped, [x], dtype="f32")
    except AlkahestError as err:
        show("compile_cuda", err)
    else:
        kernel = [line for line in cf.source.splitlines() if "__global__" in line or "ak_point(" in line]
        print("  " + "\n  ".join(kernel))
        show("PTX", f"{len(cf.ptx.splitlines())} lines for {cf.arch}")
        try:
            cf.call_device_ptrs([0], 0, 1)
        except AlkahestError as err:
            show("launching here", err)
        except ValueError as err:
            show("launching here", err)

    print("\n13. Around it: SymPy, pickle, Dask")
    import pickle

    from alkahest import from_sympy, to_sympy

    s = to_sympy(damped)
    show("to_sympy / from_sympy", f"{s!r} -> {from_sympy(s, pool) == damped}")
    fc = compile_expr(damped, [x])
    show("pickle a CompiledFn (recompiles)", pickle.loads(pickle.dumps(fc))([0.5]) == fc([0.5]))
    try:
        import dask.array as da

        from alkahest import dask as akdask
    except ImportError:
        show("alkahest.dask", "dask is not installed")
    else:
        lazy = akdask.eval(fc, da.linspace(0, 1, 1_000_000, chunks=100_000))
        show("alkahest.dask.eval, 10 chunks", f"sum = {float(lazy.sum().compute()):.6f}")

    print("\n14. Polynomial algebra on FLINT (docs/algebra.md)")
    from alkahest import Poly, apart, cancel, expand, factor, factor_list, gcd, nroots, real_roots

    show("expand((x + y)**3)", expand((x + y) ** 3))
    show("factor(x**4 - y**4)", factor(x**4 - y**4))
    show("factor_list(6*x**2 - 6)", factor_list(6 * x**2 - 6))
    show("gcd(x**2 - 1, x**2 + 2*x + 1)", gcd(x**2 - 1, x**2 + 2 * x + 1))
    show("cancel((x**2 - 1)/(x**2 - x))", cancel((x**2 - 1) / (x**2 - x)))
    show("apart(1/(x**2 - 1), x)", apart(1 / (x**2 - 1), x))
    show("factor(exp(2*x) - 1)", factor(exp(2 * x) - 1))
    show("Poly(x**3 - 2*x, x).coeffs()", Poly(x**3 - 2 * x, x).coeffs())
    pa = Poly(y * x**2 + 2 * x - y, x)  # coefficients in y: the domain ZZ[y]
    show("Poly(y*x**2 + 2*x - y, x): domain, LC", (pa.domain, pa.LC()))
    show("divmod(that, Poly(y*x + 1, x)) over QQ(y)", [r.as_expr() for r in divmod(pa, Poly(y * x + 1, x))])
    show("real_roots(x**3 - 2*x) as floats", [(float(lo), float(hi)) for lo, hi in real_roots(x**3 - 2 * x)])
    show("nroots(x**2 + x + 1)", nroots(x**2 + x + 1))

    print("\n15. Matrices: exact and symbolic linear algebra, compiled Jacobians (docs/matrices.md)")
    from alkahest import Matrix, jacobian

    M = Matrix([[x, 1], [2, y]])
    show("M", M)
    show("M.det(), M.charpoly(t)", (M.det(), M.charpoly(pool.symbol("t"))))
    show("M.inv()", M.inv())
    show("(M.inv() * M).cancel()", (M.inv() * M).cancel())
    A = Matrix([[2, 1, 0], [1, 3, 1], [0, 1, 4]], pool=x.pool)
    show("det, rank of an exact 3x3 (FLINT)", (A.det(), A.rank()))
    J = jacobian([x * y, sin(x) * y, x + y**2], [x, y])
    show("jacobian([x*y, sin(x)*y, x + y**2], [x, y])", J)
    fJ = compile_expr(J, [x, y])
    show("compiled Jacobian over 1000 points: shape", numpy_eval(fJ, np.linspace(0, 1, 1000), 2.0).shape)
    # Solving (docs/solve.md): exact solutions carry their conditions; nsolve runs batched Newton.
    from alkahest import nsolve, solve

    a = pool.symbol("a")
    show("A.eigenvals()", A.eigenvals())
    show("solve(x**2 - 2, x)", solve(x**2 - 2, x))
    show("solve(a*x - 1, x)", solve(a * x - 1, x))
    show("solve([x**2 + y**2 - 4, x*y - 1], [x, y]): solutions", len(solve([x**2 + y**2 - 4, x * y - 1], [x, y])))
    show("solve(sin(x) - 1/2, x)", solve(sin(x) - pool.rational(1, 2), x))
    b = pool.symbol("b")
    show("solve([x*y - a, x + y - b], [x, y])", solve([x * y - a, x + y - b], [x, y]))
    r = nsolve([x**2 + y**2 - a, x * y - 1], [x, y], [2.0, 0.4], params={a: np.linspace(2.5, 5, 10_000)})
    show("nsolve over 10,000 parameter sets", r)

    print("\n16. Exact constants, complex parts, assumptions")
    from alkahest import arg, atan, conjugate, re

    pi, E, I, oo, zoo = pool.pi, pool.E, pool.I, pool.oo, pool.zoo
    show("oo + 1, oo - oo, 1/zoo, 0*oo", (oo + 1, oo - oo, 1 / zoo, 0 * oo))
    show("sin(pi), cos(pi/3), cos(pi/4)", (sin(pi), cos(pi / 3), cos(pi / 4)))
    show("exp(I*pi), log(E), atan(oo)", (exp(I * pi), log(E), atan(oo)))
    show("I**2, sqrt(-4), abs(3 + 4*I)", (I ** 2, sqrt(pool.integer(-4)), abs(3 + 4 * I)))
    show("re, conjugate, arg of x + 2*y*I", (re(x + 2 * y * I), conjugate(x + 2 * y * I), arg(x + 2 * y * I)))
    t = pool.symbol("t", positive=True)
    show("t positive: (t + 1).is_positive", (t + 1).is_positive)
    show("x real (default): exp(x)>0, x**2>=0, x>0?",
         (exp(x).is_positive, (x ** 2).is_nonnegative, x.is_positive))
    from alkahest import N, is_zero

    show("N(pi, 60)", N(pi, 60))
    show("N(exp(pi*sqrt(163)), 35)", N(exp(pi * sqrt(pool.integer(163))), 35))
    show("N(log(-2) + gamma(1/3 + I), 25)", N(log(pool.integer(-2)) + alkahest.gamma(pool.rational(1, 3) + I), 25))
    show("is_zero: sqrt(2)**2 - 2, pi - 355/113", (is_zero(sqrt(pool.integer(2)) ** 2 - 2),
                                                   is_zero(pi - pool.rational(355, 113))))
    s2, s3 = sqrt(pool.integer(2)), sqrt(pool.integer(3))
    show("is_zero (Calcium): sqrt(2) + sqrt(3) - sqrt(5 + 2*sqrt(6)), exp(I*pi/3) - 1/2 - sqrt(3)*I/2",
         (is_zero(s2 + s3 - sqrt(5 + 2 * sqrt(pool.integer(6)))), is_zero(exp(I * pi / 3) - pool.rational(1, 2) - s3 * I / 2)))
    show("compile pi*x at x=2", compile_expr(pi * x, [x])([2.0]))
    try:
        compile_expr(I * x, [x])
    except ValueError as err:
        show("compile I*x", err)

    print("\n17. Unevaluated objects, relations and Piecewise (docs/kernel.md)")
    from alkahest import Derivative, Function, Integral, Lt, Piecewise

    f = Function("f")
    show("diff(f(x**2), x)", diff(f(x**2), x))
    show("Integral(exp(-x**2), (x, 0, oo))", Integral(exp(-x**2), (x, 0, pool.oo)))
    show("Derivative(sin(x)*x, x).doit()", Derivative(sin(x) * x, x).doit())
    ramp = Piecewise((0, Lt(x, 0)), (x**2, Lt(x, 1)), (2 * x - 1, True))
    show("ramp", ramp)
    show("compiled ramp at -1, 0.5, 3 (compare/select)", numpy_eval(compile_expr(ramp, [x]), np.array([-1.0, 0.5, 3.0])))

    print("\n18. Simplification and patterns (docs/simplify.md)")
    from alkahest import Wild, op_count, simplify, trigsimp

    show("simplify(sin(x)**2 + cos(x)**2)", simplify(sin(x) ** 2 + cos(x) ** 2))
    show("simplify((x**2 - 1)/(x - 1))", simplify((x**2 - 1) / (x - 1)))
    show("sqrt(x**2): real x, positive t", (simplify(sqrt(x**2)), simplify(sqrt(t**2))))
    show("trigsimp(2*sin(x)*cos(x))", trigsimp(2 * sin(x) * cos(x)))
    w = Wild("w", exclude=[x])
    show("(3*sin(x) + y).match(w*sin(x) + y)", (3 * sin(x) + y).match(w * sin(x) + y))
    show("op_count(x*y + x*z): compiled instructions", op_count(x * y + x * pool.symbol("z")))

    print("\n19. Calculus: series, limits, integrals, sums (docs/calculus.md)")
    from alkahest import integrate, limit, series, summation

    show("series(exp(sin(x)), x, 0, 5)", series(exp(sin(x)), x, 0, 5))
    show("series(1/sin(x), x, 0, 4)", series(1 / sin(x), x, 0, 4))
    show("limit(sin(x)/x, x, 0)", limit(sin(x) / x, x, 0))
    show("limit((1 + 1/x)**x, x, oo)", limit((1 + 1 / x) ** x, x, pool.oo))
    show("integrate(x*exp(x), x)", integrate(x * exp(x), x))
    show("integrate(1/(x**4 + 1), x)", integrate(1 / (x**4 + 1), x))
    show("integrate(x**a, x)", integrate(x**a, x))
    show("integrate(exp(-x**2), (x, 0, 1))", integrate(exp(-x**2), (x, 0, 1)))
    show("integrate(exp(x)/x, x) (not elementary: the exponential integral)", integrate(exp(x) / x, x))
    show("integrate(exp(x)/log(x), x) (no answer found)", integrate(exp(x) / log(x), x))
    k, n = pool.symbols("k n")
    show("summation(k**2, (k, 1, n))", summation(k**2, (k, 1, n)))


if __name__ == "__main__":
    main()
