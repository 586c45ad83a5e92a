"""The ``alkahest`` command line (also ``python -m alkahest``).

Subcommands::

    alkahest diff "sin(x)**2" x                      derivative (several variables: one after another)
    alkahest eval "x*y+1" --vars x,y --at 1,2        value at one point
    alkahest emit-c "sin(x)*exp(-x)" --vars x --name damped_sin
    alkahest emit-stablehlo "x*y" --vars x,y --shape 4
    alkahest bench "sin(x)**2 + x" --n 1e6           compile and evaluation times, both tiers

Several expressions (``emit-c``, ``emit-stablehlo``, ``eval``) give several outputs. ``--vars``
defaults to the expression's symbols in alphabetical order. Errors print one line on stderr
(``alkahest: error: ...``) and exit with status 1; usage errors exit with status 2.
"""

from __future__ import annotations

import argparse
import math
import sys
import time

import alkahest as ak


class CliError(Exception):
    """A user error: printed as one line, exit status 1."""


def _parse_exprs(pool, texts):
    return [ak.parse(t, pool) for t in texts]


def _vars(pool, exprs, spec):
    if spec is None:
        names = sorted({str(s) for e in exprs for s in e.free_symbols})
    else:
        names = [n.strip() for n in spec.split(",") if n.strip()]
        if not names and spec.strip():
            raise CliError(f"--vars {spec!r} names no variable")
    return [pool.symbol(n) for n in names]


def _number(text, what):
    try:
        return float(text)
    except ValueError:
        raise CliError(f"{what}: {text!r} is not a number") from None


def _one_or_list(exprs):
    return exprs[0] if len(exprs) == 1 else exprs


def cmd_diff(args):
    pool = ak.ExprPool()
    (e,) = _parse_exprs(pool, [args.expr])
    for name in args.vars:
        e = ak.diff(e, pool.symbol(name))
    print(e)


def cmd_eval(args):
    pool = ak.ExprPool()
    exprs = _parse_exprs(pool, args.expr)
    vs = _vars(pool, exprs, args.vars)
    at = [_number(t, "--at") for t in args.at.split(",")] if args.at else []
    if len(at) != len(vs):
        names = ",".join(str(v) for v in vs) or "(none)"
        raise CliError(f"--at gives {len(at)} value(s) for {len(vs)} variable(s) ({names})")
    f = ak.compile_expr(_one_or_list(exprs), vs)
    if len(exprs) == 1:
        print(repr(f(at)))
    else:
        import numpy as np

        print(" ".join(repr(float(v)) for v in np.asarray(ak.numpy_eval(f, *at)).reshape(-1)))


def cmd_emit_c(args):
    pool = ak.ExprPool()
    exprs = _parse_exprs(pool, args.expr)
    vs = _vars(pool, exprs, args.vars)
    sys.stdout.write(ak.emit_c(_one_or_list(exprs), vs, fn_name=args.name, dtype=args.dtype,
                               batch=args.batch, includes=not args.no_includes))


def cmd_emit_stablehlo(args):
    pool = ak.ExprPool()
    exprs = _parse_exprs(pool, args.expr)
    vs = _vars(pool, exprs, args.vars)
    shape = ()
    if args.shape:
        try:
            shape = tuple(int(d) for d in args.shape.split("x"))
        except ValueError:
            raise CliError(f"--shape {args.shape!r}: expected dimensions like 4 or 2x3") from None
    sys.stdout.write(ak.to_stablehlo(_one_or_list(exprs), vs, fn_name=args.name, dtype=args.dtype,
                                     shape=shape))


def _progress(iterable, total, desc, enabled):
    """`iterable` with a progress bar on stderr when asked and tqdm (optional) is installed."""
    if not enabled:
        return iterable
    try:
        from tqdm import tqdm
    except ImportError:
        return iterable
    return tqdm(iterable, total=total, desc=desc, file=sys.stderr, leave=False, ncols=80)


def _best_of(fn, repeat, desc="", progress=False):
    best = math.inf
    for _ in _progress(range(repeat), repeat, desc, progress):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def cmd_bench(args):
    import numpy as np

    n = _number(args.n, "--n")
    if not (n >= 1 and n == int(n) and n <= 2**34):
        raise CliError(f"--n {args.n!r}: expected a whole number of points between 1 and 2**34")
    n = int(n)
    pool = ak.ExprPool()
    (e,) = _parse_exprs(pool, [args.expr])
    vs = _vars(pool, [e], args.vars)
    rng = np.random.default_rng(0)
    dtype = np.float32 if args.dtype in ("f32", "float32") else np.float64
    arrays = [rng.uniform(args.low, args.high, n).astype(dtype) for _ in vs]
    print(f"{args.expr}  over {len(vs)} variable(s) {', '.join(map(str, vs)) or '-'}, "
          f"{n} points, {np.dtype(dtype).name}, threads={args.threads or 'all'}")
    numpy_fn = _numpy_version(ak.compile_expr(e, vs, backend="interp"), dtype)
    numpy_s = None
    if numpy_fn is not None:
        with np.errstate(all="ignore"):
            try:
                numpy_fn(*arrays)
            except Exception:  # a function NumPy lacks (erf, gamma, ...)
                numpy_fn = None
            else:
                numpy_s = _best_of(lambda: numpy_fn(*arrays), args.repeat, "numpy", args.progress)
    if numpy_s is not None:
        print(f"  {'numpy':7s} {'':22s} eval {numpy_s * 1e3:9.3f} ms   {numpy_s / n * 1e9:7.2f} ns/point")
    backends = ["interp", "llvm"] if args.backend == "both" else [args.backend]
    for backend in backends:
        t = time.perf_counter()
        try:
            f = ak.compile_expr(e, vs, backend=backend)
        except ak.AlkahestError as err:  # e.g. a build without LLVM
            print(f"  {backend:7s} unavailable: {err}")
            continue
        compile_s = time.perf_counter() - t
        out = np.empty(np.broadcast_shapes(*(a.shape for a in arrays)) if arrays else (), dtype=dtype)
        run = lambda: ak.numpy_eval(f, *arrays, out=out, threads=args.threads)  # noqa: E731
        run()
        best = _best_of(run, args.repeat, backend, args.progress)
        ratio = f"   {numpy_s / best:5.2f}x numpy" if numpy_s else ""
        print(f"  {backend:7s} compile {compile_s * 1e3:9.3f} ms   eval {best * 1e3:9.3f} ms   "
              f"{best / n * 1e9:7.2f} ns/point{ratio}")


_NUMPY_NAMES = {"sin": "sin", "cos": "cos", "tan": "tan", "sinh": "sinh", "cosh": "cosh", "tanh": "tanh",
                "asin": "arcsin", "acos": "arccos", "atan": "arctan", "atan2": "arctan2", "exp": "exp",
                "log": "log", "abs": "abs", "sign": "sign", "floor": "floor", "ceiling": "ceil", "sqrt": "sqrt"}


def _numpy_version(f, dtype):
    """The compiled Program of ``f`` as NumPy operations on whole arrays (one ufunc per
    instruction, constants in ``dtype``), or None when it uses a function NumPy lacks (erf,
    gamma, ...). Built from the Program, never from the printed text: ``x + 2**(10**20)`` is one
    constant (inf) here, not a Python integer of 10**20 bits."""
    import numpy as np

    _, c64, code, outputs, c32 = f._program_data()
    consts = [np.float32(c) for c in c32] if dtype == np.float32 else [np.float64(c) for c in c64]
    if any((kind == "func" and op not in _NUMPY_NAMES) or kind in ("cmp", "select") for kind, op, *_ in code):
        return None
    binary = {"add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide, "pow": np.power}

    def run(*arrays):
        regs = {}
        for kind, op, dst, a, b, index, *_ in code:
            if kind == "input":
                v = arrays[index]
            elif kind == "const":
                v = consts[index]
            elif kind in binary:
                v = binary[kind](regs[a], regs[b])
            elif kind == "neg":
                v = np.negative(regs[a])
            elif kind == "sqrt":
                v = np.sqrt(regs[a])
            elif op == "atan2":
                v = np.arctan2(regs[a], regs[b])
            else:
                v = getattr(np, _NUMPY_NAMES[op])(regs[a])
            regs[dst] = v
        return [regs[r] for r in outputs]

    return run


def _positive_int(text):
    """argparse type: a whole number from 1 to 2**31 - 1 (``--repeat 0`` would time nothing)."""
    try:
        v = int(text)
    except ValueError:
        v = 0
    if not 1 <= v < 2**31:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1 and < 2**31, got {text!r}")
    return v


def build_parser():
    p = argparse.ArgumentParser(prog="alkahest", description="Symbolic expressions to fast numeric code.")
    p.add_argument("--version", action="version", version=f"alkahest {ak.__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    d = sub.add_parser("diff", help="differentiate an expression",
                       description="Print the derivative of EXPR with respect to each VAR in turn.")
    d.add_argument("expr", metavar="EXPR")
    d.add_argument("vars", metavar="VAR", nargs="+")
    d.set_defaults(run=cmd_diff)

    vars_help = "comma-separated variables in argument order (default: the symbols, sorted)"

    ev = sub.add_parser("eval", help="evaluate at one point",
                        description="Evaluate EXPR (several: one value each) at one point.")
    ev.add_argument("expr", metavar="EXPR", nargs="+")
    ev.add_argument("--vars", help=vars_help)
    ev.add_argument("--at", default="", help="comma-separated values, one per variable")
    ev.set_defaults(run=cmd_eval)

    c = sub.add_parser("emit-c", help="C99 source of a function",
                       description="Print C99 source (only <math.h> needed) computing EXPR.")
    c.add_argument("expr", metavar="EXPR", nargs="+")
    c.add_argument("--vars", help=vars_help)
    c.add_argument("--name", default="f", help="C function name (default f)")
    c.add_argument("--dtype", default="f64", choices=["f64", "f32"], help="double or float (default f64)")
    c.add_argument("--batch", action="store_true", help="also emit NAME_batch over arrays")
    c.add_argument("--no-includes", action="store_true", help="leave out the #include lines")
    c.set_defaults(run=cmd_emit_c)

    s = sub.add_parser("emit-stablehlo", help="StableHLO (MLIR) module",
                       description="Print a textual StableHLO module computing EXPR elementwise.")
    s.add_argument("expr", metavar="EXPR", nargs="+")
    s.add_argument("--vars", help=vars_help)
    s.add_argument("--name", default="main", help="func.func name (default main)")
    s.add_argument("--dtype", default="f64", choices=["f64", "f32"])
    s.add_argument("--shape", default="", help="static shape such as 1024 or 2x3 (default: scalar)")
    s.set_defaults(run=cmd_emit_stablehlo)

    b = sub.add_parser("bench", help="time compilation and evaluation",
                       description="Compile EXPR and time numpy_eval over N random points.")
    b.add_argument("expr", metavar="EXPR")
    b.add_argument("--vars", help=vars_help)
    b.add_argument("--n", default="1e6", help="number of points (default 1e6)")
    b.add_argument("--dtype", default="f64", choices=["f64", "f32"])
    b.add_argument("--backend", default="both", choices=["both", "interp", "llvm", "auto"])
    b.add_argument("--threads", type=_positive_int, default=None, help="worker threads (default: all cores)")
    b.add_argument("--repeat", type=_positive_int, default=5, help="timed runs; the best is shown (default 5)")
    b.add_argument("--low", type=float, default=0.0, help="points are uniform in [low, high)")
    b.add_argument("--high", type=float, default=1.0)
    b.add_argument("--progress", action=argparse.BooleanOptionalAction, default=sys.stderr.isatty(),
                   help="progress bars on stderr (needs tqdm; default: when stderr is a terminal)")
    b.set_defaults(run=cmd_bench)
    return p


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.run(args)
    except (CliError, ak.AlkahestError, ValueError, TypeError, ZeroDivisionError, OverflowError,
            RuntimeError) as err:
        message = " ".join(str(err).split())  # one line, whatever the exception said
        print(f"alkahest: error: {message}", file=sys.stderr)
        return 1
    except MemoryError as err:  # e.g. bench --n 1e10: the arrays do not fit
        detail = " ".join(str(err).split())
        print(f"alkahest: error: out of memory{': ' + detail if detail else ''}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # `alkahest emit-c ... | head`
        return 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
