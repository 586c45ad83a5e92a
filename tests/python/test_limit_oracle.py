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
    assert s[("all", "agree")] >= 573, dict(s)
    assert s[("test_gruntz.py", "agree")] >= 92, dict(s)
    # every SymPy 'no limit' (AccumBounds, unevaluated Limit) is None here, never a number
    assert s[("all", "no_limit")] >= 50
    assert s[("all", "better")] >= 1
