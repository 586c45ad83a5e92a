"""compile_expr and numpy_eval: the Python face of the compiled-evaluation path.

Array handling (DLPack / NumPy conversion, dtype promotion, broadcasting, ``out=`` checks) lives
here because it is about Python objects; the evaluation itself is C++ (``CompiledFn._run``), with
the GIL released.
"""

from __future__ import annotations

import os
import re
from typing import Any, Iterable

import numpy as np

from . import _core
from ._core import CompiledFn, Expr

__all__ = ["CompiledFn", "compile_expr", "numpy_eval"]

_BACKENDS = ("auto", "interp", "llvm")
_DLPACK_CPU = (1, 3)  # kDLCPU, kDLCUDAHost (pinned host memory is CPU-addressable)
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


def _expr_list(expr_or_list: Expr | Iterable[Expr], vars: Expr | Iterable[Expr]) -> tuple[list[Expr], bool, list[Expr]]:
    """The expressions, whether a list was given (results come back as a tuple/last axis), and the
    variables as a list: the one reading of ``(expr_or_list, vars)`` every compiling entry point shares.
    A Matrix is the list of its entries in row-major order."""
    if isinstance(expr_or_list, _core.Matrix):
        exprs, is_list = list(expr_or_list.entries()), True
    elif isinstance(expr_or_list, Expr):
        exprs, is_list = [expr_or_list], False
    else:
        exprs, is_list = list(expr_or_list), True
    var_list = [vars] if isinstance(vars, Expr) else list(vars)
    if any(not isinstance(e, Expr) for e in exprs):
        # Python numbers are expressions wherever one is expected: [x, 2] compiles to (x, 2).
        pool = next((e.pool for e in [*exprs, *var_list] if isinstance(e, Expr)), None)
        if pool is None:
            raise TypeError("compile: give at least one Expr (an expression or a variable) so the "
                            "numbers have a pool to live in")
        exprs = [e if isinstance(e, Expr) else _number_expr(pool, e) for e in exprs]
    return exprs, is_list, var_list


def _number_expr(pool: Any, value: Any) -> Expr:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        from fractions import Fraction

        if isinstance(value, Fraction):
            return pool.rational(value.numerator, value.denominator)
        raise TypeError(f"compile: each expression must be an Expr or a real number, not {type(value).__name__}")
    if isinstance(value, (int, np.integer)):
        return pool.integer(int(value))
    return pool.float(float(value))


def stacked_call(call, n_vars: int, is_list: bool, stack):
    """f(state) with the variables along the last axis of one array; several outputs come back
    stacked along a last axis too (an ODE right-hand side needs no unpacking)."""

    def stacked_call(state):
        if state.shape[-1:] != (n_vars,):
            raise ValueError(f"stacked: the last axis must hold the {n_vars} variable(s), got shape {tuple(state.shape)}")
        out = call(*(state[..., i] for i in range(n_vars)))
        return stack(out, -1) if is_list else out

    return stacked_call


def _check_name(who: str, name: str) -> str:
    """A user-chosen function/op name: an ASCII identifier (what torch.library and JAX accept)."""
    if not isinstance(name, str) or not _IDENTIFIER.fullmatch(name):
        raise ValueError(f"{who}: name must be an identifier (ASCII letters, digits, _), not {name!r}")
    return name


def _aligned_empty(shape: tuple[int, ...], dtype: Any, align: int = 64) -> np.ndarray:
    """An uninitialised C-contiguous array whose data starts on an ``align``-byte boundary: XLA
    (``jnp.from_dlpack``) adopts such a buffer without copying, and NumPy's own are not aligned so."""
    dtype = np.dtype(dtype)
    nbytes = int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    buf = np.empty(nbytes + align, dtype=np.uint8)
    offset = (-buf.ctypes.data) % align
    return buf[offset:offset + nbytes].view(dtype).reshape(shape)


def compile_expr(expr_or_list: Expr | Iterable[Expr], vars: Iterable[Expr], backend: str = "auto",
                 accuracy: str = "default", optimize: bool | str = False) -> CompiledFn:
    """Compiles one expression (or a list of them) over the ordered symbols ``vars``.

    ``accuracy="default"`` uses vector math within 4 ulp (NumPy's level); ``"high"`` within 1 ulp.
    ``backend``: ``"interp"`` (the block interpreter, no compile latency), ``"llvm"`` (one fused
    loop compiled by LLVM now; cached by structure, so compiling the same expression again is
    free) or ``"auto"`` (the interpreter until about 131,000 elements have been evaluated, then
    LLVM; later for long programs, and never for programs of more than 50,000 instructions, whose
    compile the JIT cannot repay). Both tiers give the same numbers bit for bit. A symbol in an expression that is not in
    ``vars`` raises ValueError naming it.

    >>> from alkahest import ExprPool, compile_expr, sin
    >>> x, y = ExprPool().symbols("x y")
    >>> f = compile_expr(x * y + 1, [x, y])
    >>> f([2.0, 3.0])
    7.0
    >>> g = compile_expr([x + y, x * y], [x, y], backend="interp")
    >>> g([2.0, 3.0])
    [5.0, 6.0]

    A :class:`Matrix` compiles to one function of all its entries; results have the matrix's shape
    as trailing axes (``f.matrix_shape``).

    ``optimize`` runs the e-graph optimizer on the lowered Program (docs/evaluation.md): ``False``
    (the default) compiles the Program as lowered; ``True`` or ``"exact"`` applies only rewrites
    that keep every result bit for bit (shared instructions computed once, negations folded into
    subtractions, constants folded, ``x/2`` as ``x*0.5``), plus ``sin(u)**2 + cos(u)**2 -> 1``,
    which gives the exact value; ``"fast"`` also reassociates and factors (``x*y + x*z ->
    x*(y + z)``, Horner, ``a/b + c/b -> (a + c)/b``), so results may differ by rounding
    (docs/accuracy.md). The optimized Program is used only when it is cheaper; ``f.optimize_report``
    says what happened.
    """
    if backend not in _BACKENDS:
        raise ValueError(f"compile_expr: backend must be one of {_BACKENDS}, not {backend!r}")
    if accuracy not in ("default", "high"):
        raise ValueError(f"compile_expr: accuracy must be 'default' (<= 4 ulp) or 'high' (<= 1 ulp), not {accuracy!r}")
    mode = _optimize_mode(optimize)
    exprs, is_list, vars = _expr_list(expr_or_list, vars)
    shape = expr_or_list.shape if isinstance(expr_or_list, _core.Matrix) else None
    if shape is not None and not exprs:
        raise ValueError(f"compile_expr: the Matrix has shape {shape}, no entries to compile")
    return _core._compile(exprs, vars, is_list, accuracy, backend, shape, mode)


def _optimize_mode(optimize: Any) -> str:
    """compile_expr's optimize argument as the extension's mode name: "off", "exact" or "fast"."""
    if optimize is False or optimize is None or optimize == "off":
        return "off"
    if optimize is True or optimize == "exact":
        return "exact"
    if optimize == "fast":
        return "fast"
    raise ValueError(f"compile_expr: optimize must be False, True, 'exact' or 'fast', not {optimize!r}")


def _has_lazy_bit(a: Any) -> bool:
    """True for a PyTorch tensor with its negative or conjugate bit set."""
    return any(callable(getattr(a, flag, None)) and getattr(a, flag)() is True for flag in ("is_neg", "is_conj"))


def _resolve_lazy_bits(a: Any) -> Any:
    """``a`` with a PyTorch negative or conjugate bit resolved (one copy). Such a tensor
    (``torch._neg_view``, ``.conj()``) is a lazy view: its memory holds the values before the
    negation or conjugation, and DLPack (or a raw pointer) exports that memory as it is; NumPy's own
    conversion refuses such tensors for this reason."""
    for flag, resolve in (("is_neg", "resolve_neg"), ("is_conj", "resolve_conj")):
        is_set = getattr(a, flag, None)
        if callable(is_set) and is_set() is True:
            a = getattr(a, resolve)()
    return a


def _as_array(a: Any, position: int) -> np.ndarray:
    a = _resolve_lazy_bits(a)
    device = getattr(a, "__dlpack_device__", None)
    if device is not None and not isinstance(a, np.ndarray):
        dev_type = device()[0]
        if int(dev_type) not in _DLPACK_CPU:
            raise ValueError(
                f"numpy_eval: input {position} lives on an accelerator (DLPack device type {int(dev_type)}); "
                "numpy_eval runs on the CPU. Use compile_cuda/call_device_ptrs for GPU arrays, "
                "or move the array to the CPU first.")
        try:
            return np.from_dlpack(a)
        except (TypeError, RuntimeError, BufferError):
            pass  # e.g. a tensor that requires grad: fall through to __array__
    arr = np.asarray(a)
    return arr


def _dtype_of(arrays: list[np.ndarray]) -> np.dtype:
    for i, arr in enumerate(arrays):
        if arr.dtype.kind not in "fiub":
            raise TypeError(f"numpy_eval: input {i} has dtype {arr.dtype}; only real numbers "
                            "(float64, float32, ints, bools) can be evaluated")
    if arrays and all(arr.dtype == np.float32 for arr in arrays):
        return np.dtype(np.float32)
    return np.dtype(np.float64)


def numpy_eval(f: CompiledFn, *arrays: Any, out: np.ndarray | None = None,
               threads: int | None = None) -> np.ndarray:
    """Evaluates ``f`` elementwise over arrays (NumPy, PyTorch CPU, JAX CPU, any DLPack or
    ``__array__`` object, scalars, lists), broadcasting them together like NumPy.

    float32 inputs give float32 results; anything else is computed in float64. Contiguous inputs
    of the computed dtype are read in place (strided ones too, without a copy). The result has the
    broadcast shape, with a trailing axis of length ``f.n_outputs`` when ``f`` was compiled from a
    list, or the trailing axes ``f.matrix_shape`` when it was compiled from a Matrix. ``out=``
    receives the result instead of a new array. ``threads`` defaults to all cores.

    >>> import numpy as np
    >>> from alkahest import ExprPool, compile_expr, numpy_eval
    >>> x, y = ExprPool().symbols("x y")
    >>> numpy_eval(compile_expr(x * y, [x, y]), np.arange(3.0), 2.0)
    array([0., 2., 4.])
    >>> numpy_eval(compile_expr([x + y, x * y], [x, y]), np.arange(2.0)[:, None], np.arange(3.0)).shape
    (2, 3, 2)
    """
    if out is None and type(f) is CompiledFn and (threads is None or (type(threads) is int and 1 <= threads < 2**31)):
        # The common case (C-contiguous float64 NumPy arrays of one shape) is checked and run in C++;
        # None means the general path below is needed.
        result = f._eval_contig(list(arrays), 0 if threads is None else threads)
        if result is not None:
            return result
    if not isinstance(f, CompiledFn):
        raise TypeError(f"numpy_eval: the first argument must be a CompiledFn (from compile_expr), not {type(f).__name__}")
    if len(arrays) != f.n_inputs:
        raise TypeError(f"numpy_eval: f takes {f.n_inputs} input array(s) (one per variable), got {len(arrays)}")
    arrs = [_as_array(a, i) for i, a in enumerate(arrays)]
    for i, arr in enumerate(arrs):
        if arr.ndim > 32:
            raise ValueError(f"numpy_eval: input {i} has {arr.ndim} dimensions; at most 32 are supported")
    dtype = _dtype_of(arrs)
    arrs = [arr if arr.dtype == dtype else arr.astype(dtype) for arr in arrs]
    try:
        shape = np.broadcast_shapes(*(arr.shape for arr in arrs)) if arrs else ()
    except ValueError:
        shapes = ", ".join(str(arr.shape) for arr in arrs)
        raise ValueError(f"numpy_eval: input shapes {shapes} do not broadcast together") from None
    views = [np.broadcast_to(arr, shape) for arr in arrs]
    result_shape = tuple(shape) + ((f.n_outputs,) if f.is_list else ())
    matrix_shape = f.matrix_shape
    if matrix_shape is not None:
        flat_shape, result_shape = result_shape, tuple(shape) + tuple(matrix_shape)
    if out is None:
        out = _aligned_empty(result_shape, dtype)  # zero-copy into JAX too (jnp.from_dlpack)
    else:
        if not isinstance(out, np.ndarray):
            raise TypeError(f"numpy_eval: out must be a NumPy array, not {type(out).__name__}")
        if out.shape != result_shape:
            raise ValueError(f"numpy_eval: out has shape {out.shape}, expected {result_shape}")
        if out.dtype != dtype:
            raise TypeError(f"numpy_eval: out has dtype {out.dtype}, expected {dtype} for these inputs")
        if not out.flags.writeable:
            raise ValueError("numpy_eval: out is read-only")
    if threads is None:
        threads = 0
    elif isinstance(threads, bool) or not isinstance(threads, int) or not 1 <= threads < 2**31:
        raise ValueError(f"numpy_eval: threads must be a positive int below 2**31, not {threads!r}")
    # The kernels write C-contiguous, aligned memory and read inputs while writing: a strided or
    # misaligned out=, or one that overlaps an input other than element for element, gets a
    # temporary and one copy.
    direct = out.flags.c_contiguous and out.flags.aligned and not any(
        np.may_share_memory(out, arr) and not _same_elements(out, arr, f.is_list) for arr in arrs)
    target = out if direct else np.empty(result_shape, dtype=dtype)
    f._run(views, list(shape), target if matrix_shape is None else target.reshape(flat_shape), threads)
    if target is not out:
        np.copyto(out, target)
    return out


def _same_elements(out: np.ndarray, arr: np.ndarray, is_list: bool) -> bool:
    """True when element i of ``arr`` is element i of ``out``: evaluating in place is safe."""
    return (not is_list and arr.shape == out.shape and arr.strides == out.strides
            and arr.__array_interface__["data"][0] == out.__array_interface__["data"][0])
