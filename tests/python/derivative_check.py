"""The independent check of an antiderivative shared by the integration tests: SymPy
differentiates the answer and mpmath (through SymPy's evalf) compares dF/dx with the integrand at
random points; alkahest itself takes no part."""

from __future__ import annotations

import random

import alkahest as ak


def sympy_check(F, f, x, seed=0, tries=20, want=5, need=2, complex_every=0):
    """dF/dx - f at random points: x in [0.2, 2.2] (every `complex_every`-th try moved off the real
    axis, when given), the other symbols in [1.1, 3.1]. Stops after `want` points agree; fails on
    a disagreement or with fewer than `need` points SymPy could evaluate. Returns the SymPy forms
    (F, f, x) and the parameters, for further checks."""
    import sympy

    Fs, fs, xs = ak.to_sympy(F), ak.to_sympy(f), ak.to_sympy(x)
    d = sympy.diff(Fs, xs)
    params = sorted(fs.free_symbols - {xs}, key=str)
    rng = random.Random(seed)
    good = 0
    for trial in range(tries):
        xv = sympy.Rational(rng.randint(200, 2200), 1000)
        if complex_every and trial % complex_every == complex_every - 1:
            xv = xv + sympy.I * sympy.Rational(rng.randint(100, 900), 1000)
        at = {xs: xv}
        at.update({p: sympy.Rational(rng.randint(1100, 3100), 1000) for p in params})
        try:
            a, b = complex(d.evalf(30, subs=at)), complex(fs.evalf(30, subs=at))
            err, size = abs(a - b), abs(b)
        except (TypeError, ValueError, OverflowError):  # a point SymPy cannot evaluate (or a double
            continue                                    # cannot hold) is skipped
        assert err <= 1e-9 * (1 + size), f"d/dx {F} = {a} but {f} = {b} at {at}"
        good += 1
        if good == want:
            break
    assert good >= need, f"could not evaluate {F} at enough points"
    return Fs, fs, xs, params
