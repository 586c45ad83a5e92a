"""compile_cuda against the same expressions written in PyTorch, on the GPU, in one run.

Workloads W1..W5 of bench_eval.py at 1e7 and 1e8 float32/float64 points; times are CUDA-event
medians of the kernel (inputs already on the device, output preallocated). Needs a CUDA device and a
CUDA build of PyTorch; elsewhere it says so and exits 0.

    python bench/bench_cuda.py [--sizes 1e7,1e8] [--repeat 20] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys

import alkahest as ak
from alkahest import _cuda


def workloads(pool):
    x, y = pool.symbols("x y")
    w5 = sum((ak.sin(k * x) * ak.exp(-k * x / 100) / k for k in range(1, 51)), pool.integer(0))
    return [
        ("W1 sin(x)**2 + x", ak.sin(x) ** 2 + x, [x], lambda t, X: t.sin(X) ** 2 + X),
        ("W2 degree-8 polynomial", sum((k + 1) * x ** k for k in range(9)), [x],
         lambda t, X: sum((k + 1) * X ** k for k in range(9))),
        ("W3 exp(-x*x/2)*cos(3*x) + sqrt(1+x*x)", ak.exp(-x * x / 2) * ak.cos(3 * x) + ak.sqrt(1 + x * x), [x],
         lambda t, X: t.exp(-X * X / 2) * t.cos(3 * X) + t.sqrt(1 + X * X)),
        ("W4 x*y + sin(x*y) + log(1+y*y)", x * y + ak.sin(x * y) + ak.log(1 + y * y), [x, y],
         lambda t, X, Y: X * Y + t.sin(X * Y) + t.log(1 + Y * Y)),
        ("W5 sum of 50 damped sines", w5, [x],
         lambda t, X: sum(t.sin(k * X) * t.exp(-k * X / 100) / k for k in range(1, 51))),
    ]


def time_cuda(torch, fn, repeat):
    start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    fn()
    times = []
    for _ in range(repeat):
        start.record()
        fn()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end) / 1e3)
    return statistics.median(times)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1e7,1e8")
    ap.add_argument("--repeat", type=int, default=20)
    ap.add_argument("--json")
    args = ap.parse_args(argv)
    try:
        import torch
    except ImportError:
        print("bench_cuda: PyTorch is not installed: skipped")
        return 0
    if _cuda.device_count() == 0 or not torch.cuda.is_available():
        why = ak._core._cuda_device_status()[1] or "this PyTorch build has no CUDA"
        print(f"bench_cuda: {why}: skipped")
        return 0
    rows = []
    print(f"{'workload':42s} {'n':>6s} {'dtype':7s} {'alkahest ms':>12s} {'torch ms':>10s} {'torch/alk':>9s}")
    for n in (int(float(s)) for s in args.sizes.split(",")):
        for dtype in ("float32", "float64"):
            tdt = getattr(torch, dtype)
            gen = torch.Generator(device="cuda").manual_seed(0)
            X = torch.rand(n, generator=gen, device="cuda", dtype=tdt) * 2 * math.pi
            Y = 1 + torch.rand(n, generator=gen, device="cuda", dtype=tdt)
            for name, e, vs, torch_fn in workloads(ak.ExprPool()):
                arrays = [X, Y][: len(vs)]
                f = ak.compile_cuda(e, vs, dtype="f32" if dtype == "float32" else "f64")
                out = torch.empty(n, device="cuda", dtype=tdt)
                t_alk = time_cuda(torch, lambda: f(*arrays, out=out), args.repeat)
                with torch.no_grad():
                    t_torch = time_cuda(torch, lambda: torch_fn(torch, *arrays), args.repeat)
                rows.append({"workload": name, "n": n, "dtype": dtype, "alkahest_s": t_alk, "torch_s": t_torch})
                print(f"{name:42s} {n:6.0e} {dtype:7s} {t_alk * 1e3:12.3f} {t_torch * 1e3:10.3f} "
                      f"{t_torch / t_alk:9.2f}")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump({"device": torch.cuda.get_device_name(0), "rows": rows}, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
