"""Dask: evaluate a CompiledFn chunk by chunk on arrays larger than one machine's memory.

    import dask.array as da
    import alkahest.dask

    x = da.random.random(10**9, chunks=10**7)
    y = alkahest.dask.eval(f, x)        # a lazy dask array; y.compute(), y.sum().compute(), ...

Each chunk is one ``numpy_eval`` call (``threads=1`` by default: Dask already runs chunks in
parallel). Inputs broadcast as NumPy's do (dask arrays, NumPy arrays, Python numbers); with
several outputs the result gets a trailing axis of length ``n_outputs`` in a single chunk. The
CompiledFn travels to distributed workers by pickle (it compiles again there). Dask is imported
when this module is.
"""

from __future__ import annotations

import functools

import numpy as np

from ._optional import require

da = require("dask.array")

from .evaluate import numpy_eval

__all__ = ["eval"]


def _result_dtype(arrays) -> np.dtype:
    dts = [np.dtype(a.dtype) for a in arrays]
    if dts and all(d == np.float32 for d in dts):
        return np.dtype(np.float32)
    for d in dts:
        if d.kind not in "biuf":
            raise TypeError(f"alkahest.dask.eval: inputs must be real numbers, got dtype {d}")
    return np.dtype(np.float64)


def _block(f, threads, multi, *blocks):
    out = numpy_eval(f, *blocks, threads=threads)
    return out if multi else np.asarray(out)


def eval(f, *arrays, threads: int | None = 1):  # noqa: A001 - the name the API promises
    """The lazy dask array of ``f`` over ``arrays`` (see the module docstring).

    >>> import dask.array as da
    >>> import alkahest.dask
    >>> from alkahest import ExprPool, compile_expr
    >>> x = ExprPool().symbol("x")
    >>> r = alkahest.dask.eval(compile_expr(2 * x + 1, [x]), da.arange(6.0, chunks=2))
    >>> r.compute()
    array([ 1.,  3.,  5.,  7.,  9., 11.])
    """
    if not hasattr(f, "n_inputs") or not hasattr(f, "_run"):
        raise TypeError(f"alkahest.dask.eval: expected a CompiledFn (from compile_expr), got {type(f).__name__}")
    if len(arrays) != f.n_inputs:
        raise TypeError(f"alkahest.dask.eval: the function takes {f.n_inputs} input array(s), got {len(arrays)}")
    if not arrays:
        raise TypeError("alkahest.dask.eval: a function of no variables has nothing to map over; call it directly")
    darrs = [a if isinstance(a, da.Array) else da.asarray(np.asarray(a)) for a in arrays]
    dtype = _result_dtype(darrs)
    try:
        darrs = da.broadcast_arrays(*darrs)
    except ValueError as err:
        shapes = ", ".join(str(a.shape) for a in darrs)
        raise ValueError(f"alkahest.dask.eval: input shapes {shapes} do not broadcast together") from err
    multi = f.is_list
    kwargs = {}
    if multi:
        kwargs["new_axis"] = darrs[0].ndim
        kwargs["chunks"] = darrs[0].chunks + ((f.n_outputs,),)
    # map_blocks aligns the inputs' chunks (blockwise with align_arrays) before mapping.
    return da.map_blocks(functools.partial(_block, f, threads, multi), *darrs, dtype=dtype, **kwargs)
