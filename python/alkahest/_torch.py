"""to_torch: alkahest expressions as PyTorch custom operators with a symbolic backward.

Each ``to_torch`` call registers one ``torch.library`` custom op (``alkahest::<name>``) with
- a CPU implementation that runs the compiled C++ evaluator on the tensors in place (DLPack in,
  ``torch.from_numpy`` out: no copies);
- a fake (meta) implementation: broadcast shape and torch's dtype promotion, so ``torch.compile``
  traces through it without a graph break;
- an autograd formula from the symbolic gradient: the partial derivatives are one more
  ``to_torch`` op, built on first use and cached, so double backward works too.

PyTorch is imported here only, so ``import alkahest`` does not pay for it.
"""

from __future__ import annotations

import itertools
from typing import Iterable

import numpy as np

import torch

from ._core import Expr, diff
from .evaluate import _check_name, _expr_list, compile_expr, numpy_eval

__all__ = ["to_torch"]

_counter = itertools.count()


def _result_dtype(tensors: list[torch.Tensor]) -> torch.dtype:
    for t in tensors:
        if t.is_complex():
            raise TypeError(f"to_torch: complex tensors ({t.dtype}) are not supported; alkahest functions are real")
    dt = tensors[0].dtype
    for t in tensors[1:]:
        dt = torch.promote_types(dt, t.dtype)
    if not dt.is_floating_point:  # ints and bools -> the default float type, as torch.sin does
        dt = torch.get_default_dtype()
    if dt not in (torch.float32, torch.float64):
        raise TypeError(f"to_torch: {dt} is not supported; use float32 or float64 tensors")
    return dt


def _broadcast_shape(name, tensors):
    try:
        return torch.broadcast_shapes(*(t.shape for t in tensors))
    except RuntimeError:
        shapes = ", ".join(str(tuple(t.shape)) for t in tensors)
        raise ValueError(f"{name}: input shapes {shapes} do not broadcast together") from None


class _TorchFunction:
    """One custom op: the expressions ``exprs`` over the ordered symbols ``vars``."""

    def __init__(self, exprs: list[Expr], vars: list[Expr], name: str):
        self.exprs, self.vars, self.name = exprs, vars, name
        self.compiled = compile_expr(exprs if len(exprs) > 1 else exprs[0], vars)
        self._partials: _TorchFunction | None = None
        self._cuda: dict = {}  # dtype -> CudaFn, for CUDA tensors
        n_out = len(exprs)
        fn = self

        @torch.library.custom_op(f"alkahest::{name}", mutates_args=())
        def op(inputs: list[torch.Tensor]) -> list[torch.Tensor]:
            return fn._impl(inputs)

        @op.register_fake
        def _(inputs):
            dtype = _result_dtype(inputs)
            shape = _broadcast_shape(fn.name, inputs)
            return [inputs[0].new_empty(shape, dtype=dtype) for _ in range(n_out)]

        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(*inputs[0])

        def backward(ctx, grads):
            xs = ctx.saved_tensors
            partials = fn.partials()(list(xs))  # d out_k / d x_j, k-major
            n = len(fn.vars)
            result = []
            for j, x in enumerate(xs):
                if not ctx.needs_input_grad[0]:
                    result.append(None)
                    continue
                acc = None
                for k, g in enumerate(grads):
                    if g is None:
                        continue
                    term = g * partials[k * n + j]
                    acc = term if acc is None else acc + term
                if acc is None:
                    result.append(None)
                    continue
                acc = acc.sum_to_size(x.shape) if acc.shape != x.shape else acc  # undo broadcasting
                result.append(acc.to(x.dtype) if x.dtype.is_floating_point else None)
            return (result,)

        op.register_autograd(backward, setup_context=setup_context)
        self.op = op

    def _impl(self, inputs: list[torch.Tensor]) -> list[torch.Tensor]:
        dtype = _result_dtype(inputs)
        shape = _broadcast_shape(self.name, inputs)
        devices = sorted({str(t.device) for t in inputs})
        if len(devices) > 1:
            raise ValueError(f"{self.name}: tensors on {', '.join(devices)}; all inputs must be on one device")
        if devices and inputs[0].device.type == "cuda":
            return self._impl_cuda(inputs, dtype, shape)
        if devices and inputs[0].device.type != "cpu":
            raise ValueError(f"{self.name}: tensors on {devices[0]}; alkahest runs on CPU and CUDA tensors")
        arrays = [t.detach().to(dtype) for t in inputs]
        out = numpy_eval(self.compiled, *arrays)  # reads the tensors in place (DLPack)
        if len(self.exprs) == 1:
            return [torch.from_numpy(out).reshape(shape)]
        return [torch.from_numpy(np.ascontiguousarray(out[..., k])) for k in range(len(self.exprs))]

    def _impl_cuda(self, inputs, dtype, shape):
        """CUDA tensors: the compile_cuda kernel (compiled on first use per dtype), launched on the
        current stream of the tensors' device."""
        from ._cuda import compile_cuda

        key = "f32" if dtype == torch.float32 else "f64"
        fn = self._cuda.get(key)
        if fn is None:
            fn = self._cuda[key] = compile_cuda(self.exprs if len(self.exprs) > 1 else self.exprs[0], self.vars,
                                                dtype=key)
        device = inputs[0].device
        # The kernel broadcasts single values; other inputs are expanded to the common shape.
        arrays = [t.detach().to(dtype).reshape(1) if t.numel() == 1 else
                  t.detach().to(dtype).expand(shape).contiguous() for t in inputs]
        n_out = len(self.exprs)
        out = torch.empty(tuple(shape) + ((n_out,) if n_out > 1 else ()), dtype=dtype, device=device)
        if out.numel():
            fn._impl._launch_arrays(arrays, out, int(torch.cuda.current_stream(device).cuda_stream))
        if n_out == 1:
            return [out]
        return [out[..., k].contiguous() for k in range(n_out)]

    def partials(self) -> "_TorchFunction":
        """d expr_k / d var_j for every k, j (row-major), as one cached op."""
        if self._partials is None:
            rows = [diff(e, v) for e in self.exprs for v in self.vars]
            self._partials = _TorchFunction(rows, self.vars, f"{self.name}_grad")
        return self._partials

    def __call__(self, inputs: list[torch.Tensor]) -> list[torch.Tensor]:
        return self.op(inputs)


def to_torch(expr_or_list: Expr | Iterable[Expr], vars: Iterable[Expr], name: str | None = None):
    """A function of ``len(vars)`` tensors computing ``expr_or_list``, as a torch custom op.

    One expression gives a function returning one tensor; a list gives a tuple. Tensors broadcast
    together; ints and bools are promoted to the default float type; float32 stays float32.
    ``loss.backward()``, ``torch.autograd.gradcheck`` and ``torch.compile`` (no graph break) work;
    the backward is the symbolic gradient.
    """
    exprs, is_list, vars = _expr_list(expr_or_list, vars)
    # op names are global in torch.library: a user's name gets a unique suffix
    name = f"{_check_name('to_torch', name) if name is not None else 'fn'}_{next(_counter)}"
    fn = _TorchFunction(exprs, vars, name)

    def call(*tensors):
        if len(tensors) != len(vars):
            raise TypeError(f"{name}: takes {len(vars)} tensor(s) (one per variable), got {len(tensors)}")
        ts = [t if isinstance(t, torch.Tensor) else torch.as_tensor(t) for t in tensors]
        out = fn(ts)
        return tuple(out) if is_list else out[0]

    call.__name__ = name
    call.__doc__ = f"{name}({', '.join(str(v) for v in vars)}) = {', '.join(str(e) for e in exprs)}"
    setattr(call, "op", fn.op)  # the torch.library op, for torch.compile users
    return call
