"""alkahest.limit on the limits of SymPy's test_gruntz.py and test_limits.py (see limit_oracle.py):
no wrong answer, and at least the measured number of agreements (so a regression fails)."""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))

import limit_oracle  # noqa: E402


def test_no_wrong_limit_and_agreement_floor():
    res = limit_oracle.run()
    s = limit_oracle.summary(res)
    wrong = [(c["expr"], c["point"], c["dir"], d) for c, k, d, _ in res if k == "wrong"]
    assert not wrong, f"wrong limits: {wrong}"
    assert s[("all", "agree")] >= 591, dict(s)
    # an answer wherever SymPy has one
    undecided = [(c["expr"], c["point"], c["dir"]) for c, k, d, _ in res if k == "undecided"]
    assert not undecided, undecided
    assert s[("test_gruntz.py", "agree")] >= 93, dict(s)
    # every SymPy 'no limit' (AccumBounds, unevaluated Limit) is None here, never a number
    assert s[("all", "no_limit")] >= 50
    assert s[("all", "better")] >= 1


def test_listed_cases_exist_and_sympy_wrong_is_wrong():
    # every case named in the harness's lists is in the data (no stale entry)
    import json
    keys = {(c["expr"], c["point"], c["dir"], json.dumps(c["symbols"], sort_keys=True)) for c in limit_oracle.DATA["cases"]}
    for table in (limit_oracle.SYMPY_WRONG, limit_oracle.NOT_A_VALUE, limit_oracle.BETTER):
        assert set(table) <= keys
    # (|x + y| - |x - y|)/(2x) near x = 0+: re(y)/|y| (mpmath), not SymPy's sign(y) = y/|y|
    import mpmath as m
    for y in (1j, 1 + 1j, -2 + 0.5j):
        with m.workdps(40):
            xv, yv = m.mpf("1e-12"), m.mpc(y)
            v = complex((abs(xv + yv) - abs(xv - yv)) / (2 * xv))
        assert abs(v - y.real / abs(y)) < 1e-6 and abs(v - y / abs(y)) > 0.1
