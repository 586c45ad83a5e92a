"""alkahest.dask.eval: a CompiledFn chunk by chunk over Dask arrays, with Dask's threaded scheduler
and with a distributed LocalCluster of worker processes (the CompiledFn travels by pickle)."""

from __future__ import annotations

import numpy as np
import pytest

import dask
import dask.array as da

import alkahest as ak
import alkahest.dask as akd
from alkahest import ExprPool, compile_expr, numpy_eval


@pytest.fixture
def fns():
    pool = ExprPool()
    x, y = pool.symbols("x y")
    return (compile_expr(ak.sin(x) ** 2 * y + ak.exp(-x * y), [x, y]),
            compile_expr([x * y, ak.atan2(y, x)], [x, y]), x, y)


def test_threaded_scheduler_matches_numpy_eval(fns):
    f, g, _, _ = fns
    a = da.random.default_rng(0).random((400, 60), chunks=(64, 25))
    b = da.random.default_rng(1).random((60,), chunks=20)  # broadcasts against a; other chunks
    with dask.config.set(scheduler="threads"):
        got = akd.eval(f, a, b)
        assert isinstance(got, da.Array) and got.shape == (400, 60) and got.dtype == np.float64
        want = numpy_eval(f, a.compute(), b.compute())
        assert np.array_equal(got.compute(), want)
        two = akd.eval(g, a, 0.5)
        assert two.shape == (400, 60, 2) and two.chunks[-1] == (2,)
        assert np.array_equal(two.compute(), numpy_eval(g, a.compute(), 0.5))
        assert np.isclose(float(akd.eval(f, a, b).sum().compute()), float(want.sum()))


def test_float32_and_numpy_inputs(fns):
    f, _, _, _ = fns
    a = da.from_array(np.linspace(0, 1, 1000, dtype=np.float32), chunks=128)
    got = akd.eval(f, a, np.float32(2.0))
    assert got.dtype == np.float32
    assert np.array_equal(got.compute(scheduler="threads"), numpy_eval(f, a.compute(), np.float32(2.0)))


def test_distributed_local_cluster(fns):
    distributed = pytest.importorskip("distributed")
    f, g, _, _ = fns
    a = da.random.default_rng(2).random(200_000, chunks=25_000)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=40) as cluster, distributed.Client(cluster) as client:
        got = client.compute(akd.eval(f, a, 3.0)).result()
        pids = set(client.run(lambda: __import__("os").getpid()).values())
    assert len(pids) == 2
    assert np.array_equal(got, numpy_eval(f, a.compute(), 3.0))


def test_bad_input(fns):
    f, _, _, _ = fns
    a = da.ones(10, chunks=5)
    with pytest.raises(TypeError, match="2 input array"):
        akd.eval(f, a)
    with pytest.raises(TypeError, match="CompiledFn"):
        akd.eval(lambda v: v, a)
    with pytest.raises(ValueError, match="do not broadcast"):
        akd.eval(f, a, da.ones(7, chunks=7))
    with pytest.raises(TypeError, match="real numbers"):
        akd.eval(f, a, da.ones(10, dtype=complex, chunks=5))
