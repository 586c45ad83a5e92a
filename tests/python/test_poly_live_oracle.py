"""The polynomial layer against SymPy, live: random problems drawn by polygen.py (polynomials and
rational functions in up to 4 variables, coefficients up to 100 bits), SymPy's answer computed now,
alkahest's checked by poly_checks.py (the same checks as the precomputed cases of test_poly_oracle.py:
expand equal; factors multiply back and each is one of SymPy's irreducible factors; gcd/lcm divide
back and agree up to sign; cancel/together/apart equal the input at exact rational points, cancel in
lowest terms; resultant and discriminant equal; each real-root interval holds exactly one root;
reduced monic Groebner bases equal).

ALKAHEST_POLY_ORACLE_CASES cases in all (default 36, so that `make test` stays fast; `make oracle`
runs 10,000), shared among the kinds by polygen.LIVE_KINDS. ALKAHEST_POLY_ORACLE_SEED changes the
draw (default 0); case i of kind K is random.Random(f"{seed}:{K}:{i}"), so a failure printed as
(K, i) is reproduced by that seed alone. Every case runs even after a failure, and the failures are
listed at the end. A case whose SymPy side takes over SYMPY_SECONDS is abandoned (printed and
counted, not a failure), and so is one where SymPy raises (mpmath's NoConvergence in nroots); the
test fails if more than 2% of a kind are.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import time

import pytest
from mpmath.libmp.libhyper import NoConvergence
from sympy.polys.polyerrors import BasePolynomialError

import polygen
from poly_checks import CHECKS, NoPoint

CASES = int(os.environ.get("ALKAHEST_POLY_ORACLE_CASES", "36"))
SEED = os.environ.get("ALKAHEST_POLY_ORACLE_SEED", "0")
SYMPY_SECONDS = 30
MAX_SLOW_SHARE = 0.02
# What SymPy (or mpmath under it) raises when it has no answer: no reference, not a mismatch.
SYMPY_REFUSALS = (ArithmeticError, ValueError, NotImplementedError, NoConvergence, BasePolynomialError)


class SympyTooSlow(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds):
    def expire(signum, frame):
        raise SympyTooSlow()

    old = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def count(kind: str) -> int:
    return max(2, round(CASES * polygen.LIVE_KINDS[kind][1]))


@pytest.mark.parametrize("kind", list(polygen.LIVE_KINDS))
def test_live_oracle(kind):
    make, _ = polygen.LIVE_KINDS[kind]
    check = CHECKS[kind]
    n = count(kind)
    failures, slow, refused, no_point = [], [], [], 0
    t_sympy = t_ak = 0.0
    for i in range(n):
        rng = random.Random(f"{SEED}:{kind}:{i}")
        t0 = time.perf_counter()
        try:
            with time_limit(SYMPY_SECONDS):
                case = make(rng)
        except SympyTooSlow:
            slow.append(i)
            print(f"[poly oracle] {kind} {i}: SymPy took over {SYMPY_SECONDS} s, abandoned")
            continue
        except SYMPY_REFUSALS as err:  # e.g. mpmath's NoConvergence in SymPy's nroots: no reference
            refused.append(i)
            print(f"[poly oracle] {kind} {i}: SymPy gave no answer ({type(err).__name__}: {str(err)[:100]})")
            continue
        t1 = time.perf_counter()
        try:
            check(case)
        except NoPoint:
            no_point += 1
        except Exception as err:  # noqa: BLE001 -- every failure is collected and reported below
            failures.append((i, case, f"{type(err).__name__}: {err}"[:400]))
        t2 = time.perf_counter()
        t_sympy += t1 - t0
        t_ak += t2 - t1
    print(f"\n[poly oracle] {kind}: {n} cases (seed {SEED}), {len(failures)} failed, {len(slow)} abandoned "
          f"(SymPy > {SYMPY_SECONDS} s), {len(refused)} without a SymPy answer, {no_point} without a pole-free "
          f"point; SymPy {t_sympy:.1f} s, alkahest checks {t_ak:.1f} s")
    for i, case, err in failures[:10]:
        print(f"  {kind} {i}: {err}\n    case: {case}")
    assert not failures, f"{len(failures)} of {n} {kind} cases disagree with SymPy (first: {failures[0][2]})"
    assert len(slow) <= MAX_SLOW_SHARE * n + 1, f"{len(slow)} of {n} {kind} cases were too slow for SymPy"
    assert len(refused) <= MAX_SLOW_SHARE * n + 1, f"SymPy gave no answer to {len(refused)} of {n} {kind} cases"
    assert no_point <= MAX_SLOW_SHARE * n + 1
