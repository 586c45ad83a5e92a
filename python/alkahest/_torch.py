"""to_torch: alkahest expressions as PyTorch custom operators with a symbolic backward.

Every ``to_torch`` function runs through one ``torch.library`` custom op, ``alkahest::call``,
which takes the tensors and the function's handle, with
- a CPU implementation that runs the compiled C++ evaluator on the tensors in place (DLPack in,
  ``torch.from_numpy`` out: no copies);
- a fake (meta) implementation: broadcast shape and torch's dtype promotion, so ``torch.compile``
  traces through it without a graph break;
- an autograd formula from the symbolic gradient: the partial derivatives are one more
  function of the same op, built on first use and cached, so double backward works too.

PyTorch is imported here only, so ``import alkahest`` does not pay for it.
"""

from __future__ import annotations

import itertools
import weakref
from typing import Iterable

import numpy as np

import torch

from ._core import Expr, diff
from .evaluate import CompiledFn, _check_name, _expr_list, compile_expr, numpy_eval, stacked_call

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
    """The expressions ``exprs`` over the ordered symbols ``vars``, run by the shared
    ``alkahest::call`` op, which finds it by its handle (an int, what an op argument can be)."""

    def __init__(self, exprs: list[Expr], vars: list[Expr], name: str):
        self.exprs, self.vars, self.name = exprs, vars, name
        self.compiled = compile_expr(exprs if len(exprs) > 1 else exprs[0], vars)
        self._partials: _TorchFunction | None = None
        self._fused: dict[tuple[int, ...], CompiledFn] = {}  # wanted inputs -> CompiledFn of values + partials
        self._cuda: dict = {}  # dtype -> CudaFn, for CUDA tensors
        self.handle = next(_counter)
        _FUNCTIONS[self.handle] = self  # weakly: the function goes with its last user reference

    def _impl(self, inputs: list[torch.Tensor]) -> list[torch.Tensor]:
        fast = self._impl_contig(inputs)
        if fast is not None:
            return fast
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
        out = numpy_eval(self.compiled, *arrays)  # reads the tensors in place (DLPack; neg/conj bits resolved)
        if len(self.exprs) == 1:
            return [torch.from_numpy(out).reshape(shape)]
        return [torch.from_numpy(out[..., k].copy()) for k in range(len(self.exprs))]

    def _impl_contig(self, inputs: list[torch.Tensor]) -> list[torch.Tensor] | None:
        """The common case: CPU tensors NumPy can view in place (``.numpy()`` refuses other devices,
        lazy negative/conjugate bits and dtypes NumPy lacks), all float64 or all float32, C-contiguous,
        of shapes that broadcast (a 0-d parameter next to a batch), run by the C++ fast path; None
        otherwise (the general path promotes, checks and explains)."""
        try:
            arrays = [t.detach().numpy() if t.requires_grad else t.numpy() for t in inputs]
        except (RuntimeError, TypeError):
            return None
        out = self.compiled._eval_contig(arrays, 0)
        if out is None:
            return None
        if len(self.exprs) == 1:
            return [torch.from_numpy(out)]
        return [torch.from_numpy(out[..., k].copy()) for k in range(len(self.exprs))]

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
        # The kernel reads raw memory: a negative or conjugate bit (a lazy view) is resolved first.
        resolved = [t.detach().to(dtype).resolve_neg().resolve_conj() for t in inputs]
        arrays = [t.reshape(1) if t.numel() == 1 else t.expand(shape).contiguous() for t in resolved]
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

    def _forward_with_partials(self, inputs, wanted: tuple[int, ...]):
        """The values and d out_k / d x_j for j in ``wanted`` (k-major), from one compiled function
        through the fast path (one pass over the inputs; the derivatives share its subexpressions),
        for a backward that needs no second evaluation. None where the fast path does not apply.
        The values are those of the function alone, bit for bit (the same lowered instructions)."""
        f = self._fused.get(wanted)
        if f is None:
            rows = [diff(e, self.vars[j]) for e in self.exprs for j in wanted]
            f = self._fused[wanted] = compile_expr([*self.exprs, *rows], self.vars)
        try:
            arrays = [t.detach().numpy() if t.requires_grad else t.numpy() for t in inputs]
        except (RuntimeError, TypeError):
            return None
        out = f._eval_contig(arrays, 0)
        if out is None:
            return None
        m = len(self.exprs)
        return [torch.from_numpy(out[..., k].copy()) for k in range(m)], out

    def _backward_from_partials(self, xs, grads, wanted: tuple[int, ...], table: np.ndarray):
        """The backward from ``_forward_with_partials``'s ``table`` (the values, then d out_k / d x_j
        for j in ``wanted``, k-major, along the last axis), computed in NumPy (a NumPy op on a small
        array costs a fraction of a torch op's dispatch): each wanted input's gradient, sum over k
        of grads[k] * d out_k / d x_j summed to the input's shape. None (for the general formula)
        when a gradient is not a plain CPU tensor of the table's dtype."""
        m, J = len(self.exprs), len(wanted)
        live = []
        for k, g in enumerate(grads):
            if g is None:
                continue
            if g.dtype != xs[wanted[0]].dtype or g.requires_grad or g.shape != table.shape[:-1]:
                return None
            try:
                live.append((k, g.numpy()))
            except (RuntimeError, TypeError):
                return None
        result: list[torch.Tensor | None] = [None] * len(xs)
        if not live:
            return result
        blocks = [(gk, table[..., m + k * J:m + (k + 1) * J]) for k, gk in live]
        scalars = [jj for jj, j in enumerate(wanted) if xs[j].ndim == 0]
        if scalars:
            # 0-d inputs (parameters next to a batch): all their sums at once, as matrix-vector products.
            sums = None
            for gk, block in blocks:
                term = gk.reshape(-1) @ block.reshape(-1, J)  # gk has the output's shape
                sums = term if sums is None else sums + term
            sums_t = torch.from_numpy(np.asarray(sums))
            for jj in scalars:
                result[wanted[jj]] = sums_t[jj]
        for jj, j in enumerate(wanted):
            x = xs[j]
            if x.ndim == 0:
                continue
            acc = blocks[0][0] * blocks[0][1][..., jj]
            for gk, block in blocks[1:]:
                acc = acc + gk * block[..., jj]
            result[j] = torch.from_numpy(np.ascontiguousarray(_sum_to_shape(acc, tuple(x.shape))))
        return result

    def __call__(self, inputs: list[torch.Tensor]) -> list[torch.Tensor]:
        if _plain_eager(inputs):
            # Plain eager tensors skip the dispatcher (60 us a call): the same implementation and the
            # same symbolic backward, through an autograd.Function when a gradient is wanted.
            if torch.is_grad_enabled() and any(t.requires_grad for t in inputs):
                if torch._C._are_functorch_transforms_active():
                    return list(_Eager.apply(self.handle, *inputs))
                return list(_eager_apply(self.handle, *inputs))
            return self._impl(inputs)
        return _call(inputs, self.handle)


# One op for every to_torch function, which it names by handle: ops registered per function would
# live in torch's dispatcher forever, and their functions and compiled code with them.
_FUNCTIONS: "weakref.WeakValueDictionary[int, _TorchFunction]" = weakref.WeakValueDictionary()


def _lookup(handle: int) -> _TorchFunction:
    fn = _FUNCTIONS.get(handle)
    if fn is None:
        raise RuntimeError(f"alkahest::call: the to_torch function with handle {handle} no longer exists "
                           "(a traced graph outlived the function it calls)")
    return fn


@torch.library.custom_op("alkahest::call", mutates_args=())
def _call(inputs: list[torch.Tensor], handle: int) -> list[torch.Tensor]:
    return _lookup(handle)._impl(inputs)


@_call.register_fake
def _(inputs, handle):
    fn = _lookup(handle)
    dtype = _result_dtype(inputs)
    shape = _broadcast_shape(fn.name, inputs)
    return [inputs[0].new_empty(shape, dtype=dtype) for _ in fn.exprs]


def _plain_eager(inputs: list[torch.Tensor]) -> bool:
    """True outside every tracer and transform (torch.compile, make_fx and other modes, vmap/grad
    of torch.func, torch.jit.trace), for tensors of the plain class: there the custom op's
    dispatch adds nothing but time. Anywhere else the op runs, as it always did."""
    if (torch.compiler.is_compiling() or torch._C._len_torch_function_stack() or torch._C._len_torch_dispatch_stack()
            or torch._C._get_tracing_state() is not None):
        return False
    return all(type(t) in _PLAIN and not torch._C._functorch.is_functorch_wrapped_tensor(t) for t in inputs)


# Parameter overrides no torch function (its __torch_function__ is the disabled one): plain too.
_PLAIN = (torch.Tensor, torch.nn.Parameter)


def _input_grads(fn: _TorchFunction, xs: tuple[torch.Tensor, ...], grads, needs) -> list[torch.Tensor | None]:
    """The gradient of each input j with ``needs[j]``: sum over outputs k of grad_k * d out_k / d x_j,
    summed back to the input's shape where it was broadcast."""
    partials = fn.partials()(list(xs))  # d out_k / d x_j, k-major
    n = len(fn.vars)
    return [_chain(grads, partials, j, n, x) if need else None for j, (x, need) in enumerate(zip(xs, needs))]


def _sum_to_shape(a: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """``a`` summed over the axes along which ``shape`` was broadcast (NumPy's sum_to_size)."""
    if a.shape == shape:
        return a
    lead = a.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, s in enumerate(shape) if s == 1 and a.shape[lead + i] != 1)
    return a.sum(axis=axes).reshape(shape)


def _chain(grads, partials, j: int, n: int, x: torch.Tensor) -> torch.Tensor | None:
    """sum over k of grads[k] * partials[k * n + j], summed to the shape of the input ``x``."""
    acc = None
    for k, g in enumerate(grads):
        if g is None:
            continue
        term = g * partials[k * n + j]
        acc = term if acc is None else acc + term
    if acc is None or not x.dtype.is_floating_point:
        return None
    acc = acc.sum_to_size(x.shape) if acc.shape != x.shape else acc  # undo broadcasting
    return acc if acc.dtype == x.dtype else acc.to(x.dtype)


class _Eager(torch.autograd.Function):
    """The eager twin of the op's autograd registration (same formula). Where the fast path applies,
    the forward computes the partial derivatives the backward needs in the same pass (one call
    instead of two); a backward that builds a graph (create_graph, double backward) recomputes them
    differentiably, as the op does."""

    @staticmethod
    def forward(ctx, handle, *inputs):
        fn = _lookup(handle)
        ctx.handle = handle
        ctx.save_for_backward(*inputs)
        ctx.wanted = tuple(j for j, need in enumerate(ctx.needs_input_grad[1:]) if need)
        fused = fn._forward_with_partials(inputs, ctx.wanted) if ctx.wanted else None
        if fused is None:
            ctx.partials = None
            return tuple(fn._impl(list(inputs)))
        values, ctx.partials = fused
        return tuple(values)

    @staticmethod
    def backward(ctx, *grads):
        xs = ctx.saved_tensors
        fn = _lookup(ctx.handle)
        if ctx.partials is not None and not torch.is_grad_enabled():
            result = fn._backward_from_partials(xs, grads, ctx.wanted, ctx.partials)
            if result is not None:
                return (None, *result)
        return (None, *_input_grads(fn, xs, grads, ctx.needs_input_grad[1:]))


# The C++ apply under autograd.Function.apply's Python layer, whose work (dead functorch wrappers,
# transforms) the callers have ruled out: about 8 microseconds a call.
_eager_apply = getattr(super(torch.autograd.Function, _Eager), "apply", _Eager.apply)


def _setup_context(ctx, inputs, output):
    ctx.save_for_backward(*inputs[0])
    ctx.handle = inputs[1]


def _backward(ctx, grads):
    xs = ctx.saved_tensors
    return _input_grads(_lookup(ctx.handle), xs, grads, [ctx.needs_input_grad[0]] * len(xs)), None


_call.register_autograd(_backward, setup_context=_setup_context)


def to_torch(expr_or_list: Expr | Iterable[Expr], vars: Iterable[Expr], name: str | None = None,
           stacked: bool = False):
    """A function of ``len(vars)`` tensors computing ``expr_or_list``, as a torch custom op.

    One expression gives a function returning one tensor; a list gives a tuple. Tensors broadcast
    together; ints and bools are promoted to the default float type; float32 stays float32.
    ``loss.backward()``, ``torch.autograd.gradcheck`` and ``torch.compile`` (no graph break) work;
    the backward is the symbolic gradient.
    """
    exprs, is_list, vars = _expr_list(expr_or_list, vars)
    name = f"alkahest_{next(_counter)}" if name is None else _check_name("to_torch", name)
    fn = _TorchFunction(exprs, vars, name)

    def call(*tensors):
        if len(tensors) != len(vars):
            raise TypeError(f"{name}: takes {len(vars)} tensor(s) (one per variable), got {len(tensors)}")
        ts = [t if isinstance(t, torch.Tensor) else torch.as_tensor(t) for t in tensors]
        out = fn(ts)
        return tuple(out) if is_list else out[0]

    if stacked:
        call = stacked_call(call, len(vars), is_list, torch.stack)
    call.__name__ = name
    call.__doc__ = f"{name}({', '.join(str(v) for v in vars)}) = {', '.join(str(e) for e in exprs)}"
    setattr(call, "op", _call)  # the torch.library op (shared: call.op(tensors, call.handle))
    setattr(call, "handle", fn.handle)
    return call
