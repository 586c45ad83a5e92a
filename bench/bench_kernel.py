#!/usr/bin/env python3
"""Kernel benchmark: build + differentiate + print a random expression, alkahest vs SymPy vs SymEngine.

One run builds the *same* random expression (about 1,000 and 10,000 distinct nodes by default) in
every library through its ordinary Python operator API, differentiates it with respect to ``x`` and
turns the derivative into a string, timing each phase separately. It prints a table with the time of each
phase and the ratio of every library to alkahest, checks that the three derivatives agree with an
independent complex-step derivative at a random point, and can write everything as JSON.

    PYTHONPATH=python .venv/bin/python bench/bench_kernel.py [--sizes 1000,10000] [--json out.json]

How the expression is made
    A seeded generator draws a random expression tree: symbols x, y, z and small integers at the
    leaves; + - * / and ** (small integer exponents) and sin cos exp log sqrt inside. While drawing it
    evaluates every subexpression at a random point in plain floats and redraws an operation whose
    value would be out of range there (huge values, near-zero denominators, log/sqrt of a non-positive
    value), so that the numeric check below is well conditioned. Nothing about the expression's shape
    is tuned to any library. The size is the number of distinct nodes of the built expression
    (alkahest's hash-consed DAG; the tree is rescaled until that is within 1% of the target), or with
    --size-metric tree the number of tree nodes, leaves included. The table reports the tree size and
    every library's own distinct-node count of the expression and of its derivative.

    The tree is stored as a *recipe*: a flat list of steps (opcode, function, operand, operand), each
    step making one node from earlier steps. Building means running the recipe in a tight loop, so the
    generator's own Python cost is not measured. The same loop run over Python floats (the "floor"
    line) shows how much of a build is just the interpreter walking the recipe.

What is timed (time.perf_counter_ns, garbage collector off during a repetition, as timeit does)
    build  running the recipe: every library object is made from scratch (a fresh alkahest ExprPool;
           SymPy's cache cleared with sympy.core.cache.clear_cache(); SymEngine keeps no global cache)
    diff   expr.diff(x)
    print  str(derivative)
    Each (library, size) is repeated (--reps, --sympy-reps); the table shows the best time of each
    phase and the best total. No new repetition starts once a (library, size) has used --budget
    seconds. SymPy runs each repetition in a forked process, so that the whole run can keep to
    --time-limit (default 160 s): a SymPy phase still running then is stopped and reported as a lower
    bound (">" in the table, "cut" in the reps column; at 10,000 nodes SymPy's str() alone takes
    minutes). In that process the untimed check runs between diff and print, so that it is there
    even when print is cut (SymPy caches hashes, which can only make its print slightly faster).

The assumptions section (--assumptions-sizes; "" skips it)
    Symbols with assumptions make the kernel propagate facts through every + * ** and function it
    builds (the construction hooks: is_positive, is_real, ... of each node, and the rewrites that
    use them, such as abs(t) = t for a positive t). The section builds the same random recipe, its
    derivative, and a batch of small expressions (SMALL_TEMPLATES over many integer shifts) with the
    symbols x, y, z taken without assumptions (the default: real) and with each of several sets of
    assumptions, in one run, and prints each time as a ratio to the default's. A ratio near 1 means
    the hooks cost no more with assumptions than without; the distinct-node counts show where the
    assumptions changed the result itself (a simpler or different expression is different work). The
    CPU is named (lscpu's model name).

The numeric check
    The derivative of the recipe is computed independently by the complex-step method (the recipe run
    over complex numbers with x + 1e-30j, exact to rounding for these analytic operations), and each
    library's derivative is evaluated at the same point: alkahest with alkahest.eval_expr, SymEngine
    with subs of RealDoubles, SymPy with a float walk over its tree (xreplace + N takes minutes at this
    size). All must agree to a relative 1e-8 (relative to max(1, |d/dx|)); the exit status is 1 if not.
"""

from __future__ import annotations

import argparse
import cmath
import gc
import json
import math
import multiprocessing
import operator
import os
import platform
import random
import sys
import time

# Opcodes of a recipe step (code, f, a, b):
#   LEAF   v.append(f(a))        a symbol (f = tuple of symbols' __getitem__) or an integer constant
#   UNARY  v.append(f(v[a]))     sin cos exp log sqrt
#   POWI   v.append(f(v[a], b))  v[a] ** b with b a Python int
#   BINARY v.append(f(v[a], v[b]))  + - * /
LEAF, UNARY, POWI, BINARY = 0, 1, 2, 3

SYMBOL_NAMES = ("x", "y", "z")
UNARY_NAMES = ("sin", "cos", "exp", "log", "sqrt")
BINARY_FUNCS = {"add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv}
POW_EXPONENTS = (2, 2, 3, 3, 4, -1, -2)

# Draw weights: leaves are forced by the size budget; these choose among the operations.
OP_WEIGHTS = {
    "add": 22, "sub": 10, "mul": 20, "div": 8,  # binary
    "pow": 8, "sin": 7, "cos": 7, "exp": 6, "log": 6, "sqrt": 6,  # unary (pow counts its exponent leaf)
}

VALUE_LIMIT = 50.0      # |value| of every subexpression at the check point stays below this
DENOM_MIN = 0.05        # |denominator| and log/sqrt arguments stay above this
EXP_ARG_LIMIT = 4.0     # |argument| of exp


# ---------------------------------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------------------------------
class Recipe:
    """A random expression as a flat list of steps; steps[k] makes node k from earlier nodes."""

    def __init__(self, target: int, seed: int):
        self.target = target
        self.seed = seed
        rng = random.Random(seed)
        self.point = {s: round(rng.uniform(0.2, 0.9), 6) for s in SYMBOL_NAMES}
        self.steps: list[tuple] = []  # (code, name, a, b) -- names are resolved per library later
        self.values: list[float] = []
        self._rng = rng
        ops = list(OP_WEIGHTS)
        self._ops, self._weights = ops, [OP_WEIGHTS[o] for o in ops]
        self.root = self._gen(target)
        self.tree_nodes = sum(2 if s[0] == POWI else 1 for s in self.steps)
        self.internal_ops = sum(1 for s in self.steps if s[0] != LEAF)

    def _emit(self, step, value) -> int:
        self.steps.append(step)
        self.values.append(value)
        return len(self.steps) - 1

    def _leaf(self) -> int:
        rng = self._rng
        if rng.random() < 0.78:
            i = rng.randrange(len(SYMBOL_NAMES))
            return self._emit((LEAF, "sym", i, None), self.point[SYMBOL_NAMES[i]])
        n = rng.choice((1, 2, 2, 3, 3, 4, 5, 7, 9, 11))
        return self._emit((LEAF, "int", n, None), float(n))

    def _gen(self, size: int) -> int:
        # Iterative post-order over an explicit stack: deep trees must not hit the recursion limit.
        # A frame is [size, op, child results...]; op is chosen when the frame is first seen.
        rng = self._rng
        result = None
        stack = [[size, None, []]]
        while stack:
            frame = stack[-1]
            size, op, kids = frame[0], frame[1], frame[2]
            if result is not None:
                kids.append(result)
                result = None
            if size <= 1:
                stack.pop()
                result = self._leaf()
                continue
            if op is None:
                op = self._draw_op(size)
                frame[1] = op
                if op in BINARY_FUNCS:
                    k = rng.randint(1, size - 2)
                    frame.append((k, size - 1 - k))
                else:
                    frame.append((size - (2 if op == "pow" else 1),))
            parts = frame[3]
            if len(kids) < len(parts):
                stack.append([parts[len(kids)], None, []])
                continue
            stack.pop()
            result = self._combine(op, kids)
        return result

    def _draw_op(self, size: int) -> str:
        while True:
            op = self._rng.choices(self._ops, self._weights)[0]
            if op in BINARY_FUNCS and size < 3:
                continue
            if op == "pow" and size < 3:
                continue
            return op

    def _ok(self, v: float) -> bool:
        return math.isfinite(v) and abs(v) <= VALUE_LIMIT

    def _combine(self, op: str, kids: list[int]) -> int:
        """Emits op(kids); if its value at the point is out of range, redraws a compatible op."""
        rng = self._rng
        vals = [self.values[k] for k in kids]
        if len(kids) == 2:
            a, b = vals
            candidates = [op] + rng.sample(list(BINARY_FUNCS), len(BINARY_FUNCS))
            for o in candidates:
                if o == "div" and abs(b) < DENOM_MIN:
                    continue
                v = BINARY_FUNCS[o](a, b)
                if self._ok(v):
                    return self._emit((BINARY, o, kids[0], kids[1]), v)
            o = "sub" if abs(a - b) < abs(a + b) else "add"  # a fallback that keeps values small
            return self._emit((BINARY, o, kids[0], kids[1]), BINARY_FUNCS[o](a, b))
        (u,) = vals
        if op == "pow":
            for e in rng.sample(POW_EXPONENTS, len(POW_EXPONENTS)):
                if e < 0 and abs(u) < DENOM_MIN:
                    continue
                v = u ** e
                if self._ok(v):
                    return self._emit((POWI, "pow", kids[0], e), v)
        candidates = ([op] if op != "pow" else []) + rng.sample(UNARY_NAMES, len(UNARY_NAMES))
        for o in candidates:
            if o in ("log", "sqrt") and u < DENOM_MIN:
                continue
            if o == "exp" and abs(u) > EXP_ARG_LIMIT:
                continue
            v = getattr(math, o)(u)
            if self._ok(v):
                return self._emit((UNARY, o, kids[0], None), v)
        return self._emit((UNARY, "sin", kids[0], None), math.sin(u))  # always in range

    # -- compiled forms ------------------------------------------------------------------------------
    def program(self, symbols, integer, funcs) -> list[tuple]:
        """The recipe with callables of one library: [(code, f, a, b)]."""
        sym_get = tuple(symbols).__getitem__
        prog = []
        for code, name, a, b in self.steps:
            if code == LEAF:
                prog.append((LEAF, sym_get if name == "sym" else integer, a, b))
            elif code == UNARY:
                prog.append((UNARY, funcs[name], a, b))
            elif code == POWI:
                prog.append((POWI, operator.pow, a, b))
            else:
                prog.append((BINARY, BINARY_FUNCS[name], a, b))
        return prog

    def op_histogram(self) -> dict[str, int]:
        h: dict[str, int] = {}
        for _, name, _, _ in self.steps:
            h[name] = h.get(name, 0) + 1
        return h


def make_recipe(target: int, seed: int, metric: str, count) -> Recipe:
    """A recipe whose size under `metric` is close to `target`.

    metric "tree": `target` tree nodes. metric "distinct": `target` distinct nodes once built, as
    counted by `count(recipe)` (alkahest's hash-consed DAG: Add/Mul flattening, x*x -> x**2 and shared
    leaves make it noticeably smaller than the tree). The tree size is rescaled until the count is
    within 1% (a few tries; the closest one is kept).
    """
    if metric == "tree":
        return Recipe(target, seed)
    tree = 2 * target
    best = None
    for _ in range(8):
        r = Recipe(tree, seed)
        r.distinct = count(r)
        if best is None or abs(r.distinct - target) < abs(best.distinct - target):
            best = r
        if abs(r.distinct - target) <= 0.01 * target:
            break
        tree = max(2, round(tree * target / r.distinct))
    best.target = target
    return best


def run_program(prog):
    """The timed build loop: one list append per step."""
    v = []
    push = v.append
    for code, f, a, b in prog:
        if code == BINARY:
            push(f(v[a], v[b]))
        elif code == UNARY:
            push(f(v[a]))
        elif code == POWI:
            push(f(v[a], b))
        else:
            push(f(a))
    return v[-1]


def complex_step_derivative(recipe: Recipe, var: str = "x") -> tuple[float, float]:
    """(value, d/dvar) of the recipe at its point, by the complex-step method (no cancellation)."""
    h = 1e-30
    pt = [complex(recipe.point[s]) for s in SYMBOL_NAMES]
    pt[SYMBOL_NAMES.index(var)] += 1j * h
    funcs = {n: getattr(cmath, n) for n in UNARY_NAMES}
    val = run_program(recipe.program(pt, complex, funcs))
    return val.real, val.imag / h


# ---------------------------------------------------------------------------------------------------
# Libraries
# ---------------------------------------------------------------------------------------------------
class Library:
    name = ""

    def fresh(self):
        """New context for one repetition (a pool); returns (symbols, integer ctor, funcs)."""
        raise NotImplementedError

    def evaluate(self, expr, symbols, point) -> float:
        raise NotImplementedError

    def distinct_nodes(self, expr) -> int:
        raise NotImplementedError


class Alkahest(Library):
    name = "alkahest"

    def __init__(self):
        import alkahest
        self.mod = alkahest
        self.version = alkahest.__version__

    def fresh(self):
        ak = self.mod
        pool = ak.ExprPool()
        syms = pool.symbols("x y z")
        return syms, pool.integer, {n: getattr(ak, n) for n in UNARY_NAMES}

    def evaluate(self, expr, symbols, point):
        return self.mod.eval_expr(expr, {s: point[n] for s, n in zip(symbols, SYMBOL_NAMES)})

    def distinct_nodes(self, expr):
        seen, stack = set(), [expr]
        while stack:
            e = stack.pop()
            if e.id in seen:
                continue
            seen.add(e.id)
            stack.extend(e.node().args)
        return len(seen)


class SymEngine(Library):
    name = "symengine"

    def __init__(self):
        import symengine
        self.mod = symengine
        self.version = symengine.__version__

    def fresh(self):
        se = self.mod
        syms = se.symbols("x y z")
        return syms, se.Integer, {n: getattr(se, n) for n in UNARY_NAMES}

    def evaluate(self, expr, symbols, point):
        se = self.mod
        r = expr.subs({s: se.RealDouble(point[n]) for s, n in zip(symbols, SYMBOL_NAMES)})
        return complex(r).real if not r.is_real else float(r)

    def distinct_nodes(self, expr):
        seen, stack = set(), [expr]
        while stack:
            e = stack.pop()
            if e in seen:
                continue
            seen.add(e)
            stack.extend(e.args)
        return len(seen)


class SymPy(Library):
    name = "sympy"

    def __init__(self):
        import sympy
        from sympy.core.cache import clear_cache
        self.mod = sympy
        self.clear_cache = clear_cache
        self.version = sympy.__version__

    def fresh(self):
        sp = self.mod
        self.clear_cache()
        syms = sp.symbols("x y z")
        return syms, sp.Integer, {n: getattr(sp, n) for n in UNARY_NAMES}

    def evaluate(self, expr, symbols, point):
        # A float walk over the tree: SymPy's own route (xreplace Floats, then N) takes minutes on a
        # derivative of this size. Complex arithmetic so that no intermediate step can raise.
        values = {s: complex(point[n]) for s, n in zip(symbols, SYMBOL_NAMES)}
        funcs = {n: getattr(cmath, n) for n in UNARY_NAMES}
        stack = [(expr, False)]
        while stack:
            e, expanded = stack.pop()
            if e in values:
                continue
            if not e.args:
                values[e] = complex(e)  # numbers and constants (E, pi) evaluate themselves
            elif not expanded:
                stack.append((e, True))
                stack.extend((a, False) for a in e.args if a not in values)
            else:
                a = [values[x] for x in e.args]
                if e.is_Add:
                    values[e] = sum(a)
                elif e.is_Mul:
                    values[e] = math.prod(a)
                elif e.is_Pow:
                    values[e] = a[0] ** a[1]
                else:
                    values[e] = funcs[type(e).__name__](*a)
        return values[expr].real

    def distinct_nodes(self, expr):
        seen, stack = set(), [expr]
        while stack:
            e = stack.pop()
            if e in seen:
                continue
            seen.add(e)
            stack.extend(e.args)
        return len(seen)


# ---------------------------------------------------------------------------------------------------
# Timing
# ---------------------------------------------------------------------------------------------------
PHASES = ("build", "diff", "print")


def one_rep(lib: Library, recipe: Recipe, emit, check_before_print: bool = False) -> None:
    """One repetition. emit(kind, payload) gets ("phase", (name, ms)) as each phase ends, ("strlen", n)
    and ("check", {...}) (untimed: the derivative's value and node counts)."""
    symbols, integer, funcs = lib.fresh()
    prog = recipe.program(symbols, integer, funcs)
    x = symbols[0]

    def check(e, d):
        emit("check", {"derivative_value": lib.evaluate(d, symbols, recipe.point),
                       "distinct_nodes_expr": lib.distinct_nodes(e),
                       "distinct_nodes_derivative": lib.distinct_nodes(d)})

    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter_ns()
        e = run_program(prog)
        t1 = time.perf_counter_ns()
        emit("phase", ("build", (t1 - t0) / 1e6))
        t1 = time.perf_counter_ns()
        d = e.diff(x)
        t2 = time.perf_counter_ns()
        emit("phase", ("diff", (t2 - t1) / 1e6))
        if check_before_print:
            check(e, d)
        t2 = time.perf_counter_ns()
        s = str(d)
        t3 = time.perf_counter_ns()
        emit("phase", ("print", (t3 - t2) / 1e6))
        emit("strlen", len(s))
    finally:
        gc.enable()
    if not check_before_print:
        check(e, d)


def _new_rep() -> dict:
    return {"times": {}, "capped_phase": None}


def _record(rep: dict, kind: str, payload) -> None:
    if kind == "phase":
        rep["times"][payload[0]] = payload[1]
    elif kind == "strlen":
        rep["str_len_derivative"] = payload
    elif kind == "check":
        rep.update(payload)


def rep_in_process(lib: Library, recipe: Recipe) -> dict:
    rep = _new_rep()
    one_rep(lib, recipe, lambda k, p: _record(rep, k, p))
    return rep


def _child_main(conn, lib: Library, recipe: Recipe) -> None:
    try:
        one_rep(lib, recipe, lambda k, p: conn.send((k, p)), check_before_print=True)
        conn.send(("done", None))
    except BaseException as exc:  # noqa: BLE001 -- report anything to the parent
        conn.send(("error", f"{type(exc).__name__}: {exc}"))
    conn.close()
    os._exit(0)  # skip tearing down a huge expression


def rep_in_child(lib: Library, recipe: Recipe, deadline_s: float) -> dict:
    """One repetition in a forked process (a clean SymPy cache, and a kill switch): a phase still
    running at the deadline is recorded as a lower bound (time since it started) and named in
    capped_phase. The untimed check runs between diff and print so that it is there even then."""
    ctx = multiprocessing.get_context("fork")
    reader, writer = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child_main, args=(writer, lib, recipe), daemon=True)
    rep = _new_rep()
    proc.start()
    writer.close()
    end = time.perf_counter() + deadline_s
    mark = time.perf_counter()  # when the phase now running started (to within the pipe latency)
    done = False
    while not done:
        left = end - time.perf_counter()
        if left <= 0 or not reader.poll(left):
            break
        try:
            kind, payload = reader.recv()
        except EOFError:
            raise RuntimeError(f"{lib.name}: benchmark process died (exit code {proc.exitcode})") from None
        mark = time.perf_counter()
        if kind == "error":
            raise RuntimeError(f"{lib.name}: {payload}")
        done = kind == "done"
        _record(rep, kind, payload)
    if not done:
        proc.kill()
        missing = [p for p in PHASES if p not in rep["times"]]
        rep["capped_phase"] = missing[0]
        rep["times"][missing[0]] = (time.perf_counter() - mark) * 1e3
    proc.join()
    reader.close()
    return rep


def bench_library(lib: Library, recipe: Recipe, reps: int, budget_s: float, isolated: bool, time_left):
    """Up to `reps` repetitions; no new one starts after budget_s, or (isolated) when the overall time
    limit is near. Returns the summary; best = the best complete repetition(s), else the capped one."""
    runs = []
    start = time.perf_counter()
    for _ in range(reps):
        if isolated:
            left = time_left()
            if runs and left < 1.2 * max(r["wall_s"] for r in runs):
                break
            if left < 2.0:
                break
            t = time.perf_counter()
            rep = rep_in_child(lib, recipe, left)
        else:
            t = time.perf_counter()
            rep = rep_in_process(lib, recipe)
        rep["wall_s"] = time.perf_counter() - t
        runs.append(rep)
        if rep["capped_phase"] or time.perf_counter() - start > budget_s:
            break
    complete = [r for r in runs if not r["capped_phase"]]
    res = {"runs": runs, "reps": len(complete), "reps_requested": reps, "capped_phase": None}
    if complete:
        best = {p: min(r["times"][p] for r in complete) for p in PHASES}
        best["total"] = min(sum(r["times"][p] for p in PHASES) for r in complete)
        last = complete[-1]
    elif runs:
        last = runs[-1]
        best = {p: last["times"].get(p) for p in PHASES}
        best["total"] = sum(v for v in best.values() if v is not None)
        res["capped_phase"] = last["capped_phase"]
    else:
        return None
    res["best"] = best
    for k in ("derivative_value", "distinct_nodes_expr", "distinct_nodes_derivative", "str_len_derivative"):
        res[k] = last.get(k)
    return res


def floor_ms(recipe: Recipe, reps: int = 5) -> float:
    """The build loop over plain floats: the interpreter's share of any build."""
    pt = [recipe.point[s] for s in SYMBOL_NAMES]
    prog = recipe.program(pt, float, {n: getattr(math, n) for n in UNARY_NAMES})
    best = math.inf
    for _ in range(reps):
        t0 = time.perf_counter_ns()
        run_program(prog)
        best = min(best, (time.perf_counter_ns() - t0) / 1e6)
    return best


# ---------------------------------------------------------------------------------------------------
# Assumptions section: the same work with and without assumptions on the symbols
# ---------------------------------------------------------------------------------------------------
# (name, assumptions of x, y, z): the default first (the ratios' base).
ASSUMPTION_VARIANTS = (
    ("default (real)", ({}, {}, {})),
    ("positive", ({"positive": True},) * 3),
    ("nonzero", ({"nonzero": True},) * 3),
    ("integer", ({"integer": True},) * 3),
    ("complex", ({"complex": True},) * 3),
    ("mixed", ({"positive": True}, {"negative": True}, {"integer": True, "nonnegative": True})),
)

# Small expressions built SMALL_COUNT times each, with k = 1, 2, ...: what user code and the
# algorithms build all the time. Several consult facts while they are built (abs, sign, powers of
# products, sqrt of squares).
SMALL_TEMPLATES = (
    lambda ak, x, y, z, k: (x + k) ** 2 * y - ak.sqrt(x**2 + k) + ak.abs(y * z - k),
    lambda ak, x, y, z, k: ak.exp(x * k) / (z + k) + ak.log(y**2 + k) * x,
    lambda ak, x, y, z, k: ak.sqrt(x * y) * ak.sqrt(x) + ak.sign(x - k) + ak.abs(x) * z**k,
    lambda ak, x, y, z, k: ak.sin(x + k * y) * ak.cos(z) - (x - y) ** 3 / (x**2 + k),
)
SMALL_COUNT = 500


def cpu_model() -> str:
    """lscpu's model name (the CPU the numbers were measured on)."""
    try:
        import subprocess
        out = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.SubprocessError):
        pass
    return platform.processor() or "unknown CPU"


def assumption_variant_rep(ak_mod, recipe: Recipe, assumptions) -> dict:
    """One repetition of the three workloads with symbols x, y, z under `assumptions`."""
    pool = ak_mod.ExprPool()
    syms = tuple(pool.symbol(n, **a) for n, a in zip(SYMBOL_NAMES, assumptions))
    prog = recipe.program(syms, pool.integer, {n: getattr(ak_mod, n) for n in UNARY_NAMES})
    x, y, z = syms
    out = {}
    gc.collect()
    gc.disable()
    try:
        t0 = time.perf_counter_ns()
        e = run_program(prog)
        t1 = time.perf_counter_ns()
        d = e.diff(x)
        t2 = time.perf_counter_ns()
        small = [f(ak_mod, x, y, z, k) for k in range(1, SMALL_COUNT + 1) for f in SMALL_TEMPLATES]
        t3 = time.perf_counter_ns()
    finally:
        gc.enable()
    out["times"] = {"build": (t1 - t0) / 1e6, "diff": (t2 - t1) / 1e6, "small": (t3 - t2) / 1e6}
    lib = Alkahest.__new__(Alkahest)
    out["distinct_nodes"] = {"expr": lib.distinct_nodes(e), "derivative": lib.distinct_nodes(d),
                             "small": sum(lib.distinct_nodes(s) for s in small)}
    return out


def assumptions_section(sizes, seed: int, reps: int, metric: str, ak_lib: "Alkahest") -> dict:
    import alkahest as ak_mod
    phases = ("build", "diff", "small")
    report = {"cpu": cpu_model(), "small_expressions": SMALL_COUNT * len(SMALL_TEMPLATES), "sizes": []}
    print()
    print(f"== assumptions: the same work with symbols x, y, z under each set of assumptions "
          f"(CPU: {report['cpu']})")
    print(f"   build: the random recipe; diff: d/dx of it; small: {report['small_expressions']} small "
          f"expressions ({len(SMALL_TEMPLATES)} templates x {SMALL_COUNT} shifts)")
    print("   best of", reps, "repetitions (variants interleaved); ratio = variant / default (real)")
    for size in sizes:
        def count(r):
            symbols, integer, funcs = ak_lib.fresh()
            return ak_lib.distinct_nodes(run_program(r.program(symbols, integer, funcs)))

        recipe = make_recipe(size, seed + size, metric, count)
        best = {name: None for name, _ in ASSUMPTION_VARIANTS}
        nodes = {}
        for _ in range(reps):  # interleaved, so that a slow moment of the machine hits every variant
            for name, assumptions in ASSUMPTION_VARIANTS:
                rep = assumption_variant_rep(ak_mod, recipe, assumptions)
                nodes[name] = rep["distinct_nodes"]
                b = best[name]
                best[name] = rep["times"] if b is None else {p: min(b[p], rep["times"][p]) for p in phases}
        base = best[ASSUMPTION_VARIANTS[0][0]]
        print(f"\n   {size_label(size)} ({metric} nodes):")
        hdr = (f"   {'symbols':<16} {'build ms':>9} {'diff ms':>9} {'small ms':>9}   {'build':>6} {'diff':>6} "
               f"{'small':>6}   distinct nodes: expr / derivative / small")
        print(hdr)
        print("   " + "-" * (len(hdr) - 3))
        entry = {"target": size, "variants": {}}
        for name, assumptions in ASSUMPTION_VARIANTS:
            t = best[name]
            ratio = {p: t[p] / base[p] for p in phases}
            n = nodes[name]
            print(f"   {name:<16} " + " ".join(f"{t[p]:>9.2f}" for p in phases) + "   " +
                  " ".join(f"{ratio[p]:>5.2f}x" for p in phases) +
                  f"   {n['expr']} / {n['derivative']} / {n['small']}")
            entry["variants"][name] = {"assumptions": list(assumptions), "best_ms": t, "ratio_vs_default": ratio,
                                       "distinct_nodes": n}
        report["sizes"].append(entry)
        sys.stdout.flush()
    return report


# ---------------------------------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------------------------------
def fmt_ms(v, lower: bool = False) -> str:
    if v is None:
        return f"{'n/a':>10}"
    t = f"{v:.3f}" if v < 100 else f"{v:.1f}"
    return f"{('>' if lower else '') + t:>10}"


def fmt_ratio(r, lower: bool = False) -> str:
    if r is None:
        return f"{'n/a':>8}"
    t = f"{r:.0f}x" if r >= 100 else f"{r:.1f}x" if r >= 10 else f"{r:.2f}x"
    return f"{('>' if lower else '') + t:>8}"


def size_label(n: int) -> str:
    return f"{n // 1000}k" if n % 1000 == 0 else str(n)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--sizes", default="1000,10000", help="target sizes, comma separated (default 1000,10000)")
    ap.add_argument("--size-metric", choices=("distinct", "tree"), default="distinct",
                    help="what --sizes count: distinct nodes of the built expression in alkahest's "
                         "hash-consed DAG (default), or nodes of the expression tree, leaves included")
    ap.add_argument("--seed", type=int, default=20240611, help="generator seed")
    ap.add_argument("--reps", type=int, default=7, help="repetitions for alkahest and SymEngine (default 7)")
    ap.add_argument("--sympy-reps", type=int, default=3, help="repetitions for SymPy (default 3)")
    ap.add_argument("--budget", type=float, default=30.0,
                    help="seconds per (library, size) after which no further repetition starts (default 30)")
    ap.add_argument("--time-limit", type=float, default=160.0,
                    help="overall seconds: a SymPy repetition still running then is stopped and its "
                         "running phase reported as a lower bound (default 160)")
    ap.add_argument("--libs", default="alkahest,symengine,sympy", help="libraries to run, comma separated")
    ap.add_argument("--json", metavar="PATH", help="also write the results as JSON to PATH")
    ap.add_argument("--show", action="store_true", help="print the start of each expression and derivative")
    ap.add_argument("--assumptions-sizes", default="1000,10000",
                    help="sizes of the assumptions section (alkahest with and without assumptions on "
                         "the symbols); empty to skip it (default 1000,10000)")
    ap.add_argument("--assumptions-reps", type=int, default=5,
                    help="repetitions of each variant in the assumptions section (default 5)")
    args = ap.parse_args(argv)

    t_all = time.perf_counter()

    def time_left() -> float:
        return args.time_limit - (time.perf_counter() - t_all) - 1.0  # 1 s for the report

    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    classes = {"alkahest": Alkahest, "symengine": SymEngine, "sympy": SymPy}
    libs: list[Library] = []
    for n in args.libs.split(","):
        n = n.strip()
        try:
            libs.append(classes[n]())
        except ImportError as exc:
            print(f"[skip] {n}: {exc}", file=sys.stderr)
    if not libs or libs[0].name != "alkahest":
        print("alkahest must be importable (PYTHONPATH=python) and listed first", file=sys.stderr)
        return 2
    ak = libs[0]

    print(f"alkahest kernel benchmark: build + diff(x) + str  (seed {args.seed})")
    print("  " + ", ".join(f"{lib.name} {lib.version}" for lib in libs) +
          f"; Python {platform.python_version()} on {platform.machine()}, {os.cpu_count()} CPUs")
    print("  times in ms, best repetition per phase (total: best total); ratio = library / alkahest;")
    print("  SymPy runs in a forked process per repetition; 'cut' and '>': stopped at the time limit,\n"
          "  the values are lower bounds")
    sys.stdout.flush()

    report = {"seed": args.seed, "python": platform.python_version(), "machine": platform.machine(),
              "versions": {lib.name: lib.version for lib in libs}, "size_metric": args.size_metric,
              "time_limit_s": args.time_limit, "sizes": []}
    all_ok = True
    for size in sizes:
        def count(r, ak=ak):
            symbols, integer, funcs = ak.fresh()
            return ak.distinct_nodes(run_program(r.program(symbols, integer, funcs)))

        recipe = make_recipe(size, args.seed + size, args.size_metric, count)
        ref_val, ref_d = complex_step_derivative(recipe)
        floor = floor_ms(recipe)
        entry = {"target": size, "tree_nodes": recipe.tree_nodes, "recipe_steps": len(recipe.steps),
                 "internal_ops": recipe.internal_ops, "op_histogram": recipe.op_histogram(),
                 "point": recipe.point, "reference_value": ref_val, "reference_derivative": ref_d,
                 "python_floor_ms": floor, "libraries": {}}
        results = {}
        for lib in libs:
            isolated = lib.name == "sympy"
            reps = args.sympy_reps if isolated else args.reps
            res = bench_library(lib, recipe, reps, args.budget, isolated, time_left)
            if res is None:
                print(f"   [{lib.name}] skipped at {size_label(size)}: the time limit is reached")
                continue
            if res["derivative_value"] is not None:
                res["rel_error"] = abs(res["derivative_value"] - ref_d) / max(1.0, abs(ref_d))
                res["check_ok"] = bool(res["rel_error"] < 1e-8)
                all_ok &= res["check_ok"]
            else:
                res["rel_error"], res["check_ok"] = None, None
            if args.show:
                symbols, integer, funcs = lib.fresh()
                e = run_program(recipe.program(symbols, integer, funcs))
                print(f"  [{lib.name}] expr  {str(e)[:160]}...")
                print(f"  [{lib.name}] d/dx  {str(e.diff(symbols[0]))[:160]}...")
            results[lib.name] = res
        entry["libraries"] = results
        report["sizes"].append(entry)

        # -- table ------------------------------------------------------------------------------------
        def per_lib(key):
            return ", ".join(f"{n} {r[key] if r[key] is not None else 'n/a'}" for n, r in results.items())

        print()
        print(f"== {size_label(size)} ({args.size_metric} nodes): expression tree of {recipe.tree_nodes} nodes "
              f"({recipe.internal_ops} operations, {len(recipe.steps)} recipe steps)")
        print(f"   distinct nodes: expression {per_lib('distinct_nodes_expr')}")
        print(f"                   derivative {per_lib('distinct_nodes_derivative')}")
        print(f"   str(derivative) length: {per_lib('str_len_derivative')}")
        hdr = (f"   {'library':<10} {'reps':>5} {'build ms':>10} {'diff ms':>10} {'print ms':>10} {'total ms':>10}"
               f"   {'build':>8} {'diff':>8} {'print':>8} {'total':>8}")
        print(hdr)
        print("   " + "-" * (len(hdr) - 3))
        base = results["alkahest"]["best"]
        for n, r in results.items():
            b, cap = r["best"], r["capped_phase"]
            lower = {p: cap is not None and p in (cap, "total") for p in (*PHASES, "total")}
            r["ratio_vs_alkahest"] = {k: (b[k] / base[k] if b[k] is not None else None)
                                      for k in (*PHASES, "total")}
            r["ratio_is_lower_bound"] = lower
            ratios = "" if n == "alkahest" else "   " + " ".join(
                fmt_ratio(r["ratio_vs_alkahest"][k], lower[k]) for k in (*PHASES, "total"))
            reps = "cut" if r["capped_phase"] else f"{r['reps']}/{r['reps_requested']}"
            print(f"   {n:<10} {reps:>5} " + " ".join(fmt_ms(b[k], lower[k]) for k in (*PHASES, "total")) + ratios)
        print(f"   {'(floor)':<10} {'':>5} {fmt_ms(floor)}   <- the same build loop over Python floats")
        for n, r in results.items():
            if cap := r["capped_phase"]:
                print(f"   note: {n} was stopped in '{cap}' at the time limit; "
                      f"'>' values are lower bounds ({r['runs'][-1]['wall_s']:.1f} s spent)")
        checks = "; ".join(
            f"{n} n/a" if r["derivative_value"] is None else
            f"{n} {r['derivative_value']:.12g} ({'ok' if r['check_ok'] else 'MISMATCH'}, rel err {r['rel_error']:.1e})"
            for n, r in results.items())
        pt = ", ".join(f"{k}={v}" for k, v in recipe.point.items())
        print(f"   check d/dx at ({pt}): complex-step {ref_d:.12g}; {checks}")
        goals = []
        if "sympy" in results:
            q, lb = results["sympy"]["ratio_vs_alkahest"]["total"], results["sympy"]["capped_phase"] is not None
            goals.append(f"sympy/alkahest {'>' if lb else ''}{q:.0f}x "
                         f"(goal >= 100x: {'met' if q >= 100 else 'not shown' if lb else 'NOT met'})")
        if "symengine" in results:
            q = results["symengine"]["ratio_vs_alkahest"]["total"]
            goals.append(f"symengine/alkahest {q:.2f}x (goal >= 1x: {'met' if q >= 1 else 'NOT met'})")
        if goals:
            print("   goals (total): " + "; ".join(goals))
        sys.stdout.flush()

    a_sizes = [int(v) for v in args.assumptions_sizes.split(",") if v.strip()]
    if a_sizes:
        report["assumptions"] = assumptions_section(a_sizes, args.seed, args.assumptions_reps,
                                                    args.size_metric, ak)

    elapsed = time.perf_counter() - t_all
    report["elapsed_s"] = elapsed
    report["all_checks_ok"] = all_ok
    print(f"\n{'all derivative checks agree' if all_ok else 'DERIVATIVE CHECK FAILED'}; "
          f"benchmark took {elapsed:.1f} s")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(report, fh, indent=2)
        print(f"results written to {args.json}")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
