"""Writes tests/data/poly_oracle.json: random polynomials and rational functions (up to 4 variables,
big coefficients) with SymPy's answers, for tests/python/test_poly_oracle.py (`make poly-data`).

SymPy is the oracle and runs only here (and in the live oracle, test_poly_live_oracle.py); the
committed data keeps `make test` fast. The problems come from polygen.py. Deterministic: the same
seed writes the same file.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys

import sympy as sp

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import polygen as pg  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default="tests/data/poly_oracle.json")
    ap.add_argument("--seed", type=int, default=16)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    data = {
        "sympy": sp.__version__,
        "expand": [pg.expand_case(rng, k) for k in range(150)],
        "factor": [pg.factor_case(rng, nv_max=4) for _ in range(100)],
        "gcd": [pg.gcd_case(rng) for _ in range(100)],
        "rational": [pg.rational_case(rng, nv_max=4, big_chance=0.5) for _ in range(70)],
        "apart": [pg.apart_case(rng, big_chance=0.3) for _ in range(60)],
        "resultant": [pg.resultant_case(rng, nv_max=4) for _ in range(50)],
        "roots": [pg.root_case(rng, k) for k in range(60)],
        "poly": [pg.poly_case(rng, nv_max=4) for _ in range(60)],
        "groebner": [pg.groebner_case(rng, k, nv_max=4 if k % 4 == 3 else 3) for k in range(40)],
    }
    prng = random.Random(args.seed + 1)  # a stream of its own: the kinds above stay as they were
    data["params"] = [pg.params_case(prng) for _ in range(60)]
    with open(args.out, "w") as fh:
        json.dump(data, fh, indent=0)
        fh.write("\n")
    print(args.out, {k: len(v) for k, v in data.items() if isinstance(v, list)})


if __name__ == "__main__":
    main()
