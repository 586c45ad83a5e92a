"""A first-order running error bound of a compiled Program (Wilkinson's running error analysis).

`run_with_bound(program_text, inputs)` evaluates the listing of `CompiledFunction.program()` over
numpy arrays, instruction by instruction in float64, and carries with every value v a bound E on
|v - (the exact value of the same instruction sequence at the same inputs)|:

    a + b, a - b    Ea + Eb + u|v|
    a * b           |b| Ea + |a| Eb + Ea Eb + u|v|
    a / b           (Ea + |v| Eb) / (|b| - Eb) + u|v|        (inf when |b| <= Eb)
    sqrt(a)         sqrt(a + Ea) - sqrt(max(a - Ea, 0)) + u|v|
    a ** b          |v| max(|(1 + r)**b - 1|, |(1 - r)**b - 1|) + |v log|a|| Eb + K u|v|,
                    r = Ea/|a| (inf when r >= 1)
    sin, cos        min(Ea, 2) + K u|v|                       (both 1-Lipschitz)
    exp             |v| (exp(Ea) - 1) + K u|v|
    log             -log(1 - Ea/a) + K u|v|   for a > Ea     (inf otherwise)
    constants       u|c| (rounded once from the exact value); inputs 0

u = 2**-53 and K = 4 (the functions' kernels are within 1 ulp at accuracy="high", 4 at "default";
one ulp is at most 2u|v|). The bounds are carried in numpy's longdouble (x87 extended: its range
reaches 1e4932, so |a| Eb does not overflow where a double value is near 1e300). Only the instructions of + - * / neg sqrt pow and sin cos exp log are known
here (ValueError otherwise). The bound is first order in u (products of errors are kept where they
are cheap to keep), which is what running error analysis gives; the tests allow a small factor.
"""

from __future__ import annotations

import numpy as np

U = 2.0**-53
K = 4.0
LD = np.longdouble  # the bounds: products of large values and their errors must not overflow


def _parse(text: str):
    for ln in text.splitlines()[1:]:
        ln = ln.strip()
        if not ln:
            continue
        lhs, rhs = (s.strip() for s in ln.split("=", 1))
        yield lhs, rhs.split()


def run_with_bound(text: str, inputs):
    """(outputs, bounds, max_abs): the outputs' values and error bounds (arrays, one per output),
    and the largest |value| of any instruction of the Program at each point."""
    inputs = [np.asarray(v, dtype=np.float64) for v in inputs]
    n = inputs[0].shape
    val: dict[str, np.ndarray] = {}
    err: dict[str, np.ndarray] = {}
    max_abs = np.zeros(n)
    outs, bounds = [], []
    with np.errstate(all="ignore"):
        for lhs, t in _parse(text):
            if lhs.startswith("out"):
                outs.append(val[t[0]].copy())
                bounds.append(err[t[0]].copy())
                continue
            op = t[0]
            if op == "input":
                v, e = inputs[int(t[1])].copy(), np.zeros(n, dtype=LD)
            elif op == "const":
                c = float(t[1])
                v, e = np.full(n, c), np.full(n, U * abs(c), dtype=LD)
            elif op in ("add", "sub", "mul", "div"):
                a, b, ea, eb = val[t[1]], val[t[2]], err[t[1]], err[t[2]]
                if op == "add":
                    v = a + b
                    e = ea + eb + U * np.abs(v)
                elif op == "sub":
                    v = a - b
                    e = ea + eb + U * np.abs(v)
                elif op == "mul":
                    v = a * b
                    e = np.abs(b) * ea + np.abs(a) * eb + ea * eb + U * np.abs(v)
                else:
                    v = a / b
                    den = np.abs(b) - eb
                    e = np.where(den > 0, (ea + np.abs(v) * eb) / den, np.inf) + U * np.abs(v)
            elif op == "pow":
                a, b, ea, eb = val[t[1]], val[t[2]], err[t[1]], err[t[2]]
                v = np.power(a, b)
                r = ea / np.abs(a)
                # s**b is monotone in s > 0: the largest relative change is at an end of [1-r, 1+r]
                rel = np.maximum(np.abs(np.power(1 + r, b) - 1), np.abs(np.power(1 - r, b) - 1))
                e = np.where(r < 1, np.abs(v) * rel, np.inf) + np.abs(v * np.log(np.abs(a))) * eb
                e = e + K * U * np.abs(v)
            elif op == "neg":
                v, e = -val[t[1]], err[t[1]].copy()
            elif op == "sqrt":
                a, ea = val[t[1]], err[t[1]]
                v = np.sqrt(a)
                e = np.sqrt(a + ea) - np.sqrt(np.maximum(a - ea, 0.0)) + U * np.abs(v)
            elif op == "call":
                name, a, ea = t[1], val[t[2]], err[t[2]]
                if name in ("sin", "cos"):
                    v = np.sin(a) if name == "sin" else np.cos(a)
                    e = np.minimum(ea, 2.0)
                elif name == "exp":
                    v = np.exp(a)
                    e = np.abs(v) * np.expm1(ea)
                elif name == "log":
                    v = np.log(a)
                    e = np.where(a > ea, -np.log1p(-ea / np.where(a > 0, a, 1.0)), np.inf)
                else:
                    raise ValueError(f"running_error: no rule for {name}")
                e = e + K * U * np.abs(v)
            else:
                raise ValueError(f"running_error: no rule for instruction {op}")
            e = np.where(np.isnan(e), np.inf, e)
            val[lhs], err[lhs] = v, e
            max_abs = np.maximum(max_abs, np.where(np.isnan(v), 0.0, np.abs(v)))
    return outs, bounds, max_abs
