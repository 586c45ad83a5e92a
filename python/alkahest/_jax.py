"""to_jax: alkahest expressions as JAX primitives (jit, grad, vmap, hessian).

Each ``to_jax`` call defines one JAX primitive with
- an eager implementation that runs the compiled C++ evaluator (``numpy_eval``) on the arrays;
- an abstract evaluation: the broadcast shape of the inputs and JAX's dtype promotion;
- a JVP rule from the symbolic gradient: the partial derivatives are themselves one ``to_jax``
  primitive, built once and cached, so derivatives of any order work (reverse mode follows from
  the JVP's linearity: JAX transposes the multiply-and-add itself);
- a batching rule (elementwise with broadcasting, so any ``in_axes``, nested);
- an MLIR lowering that translates the same Program into StableHLO ops (through ``jax.lax``)
  inside the jitted computation: no host callback, XLA fuses it with the rest, and it runs on
  every backend JAX supports.

JAX is imported here only, so ``import alkahest`` does not pay for it.
"""

from __future__ import annotations

import itertools
from typing import Any, Iterable

import numpy as np

import jax
import jax.numpy as jnp
from jax import lax
from jax.extend.core import Primitive
from jax.interpreters import ad, batching, mlir

from . import _core
from ._core import Expr, diff
from .evaluate import _check_name, _expr_list, compile_expr, numpy_eval, stacked_call

__all__ = ["to_jax"]

_counter = itertools.count()


def _sign(x):
    # alkahest's sign: +1, -1, +0 at both zeros, NaN stays NaN (lax.sign keeps -0.0).
    one = jnp.ones_like(x)
    return jnp.where(x > 0, one, jnp.where(x < 0, -one, jnp.where(x == 0, jnp.zeros_like(x), x)))


def _polygamma(n, x):
    # jax's polygamma takes an integer order; alkahest's is NaN unless n is a whole number >= 0.
    n = jnp.asarray(n, dtype=x.dtype)
    whole = (n >= 0) & (jnp.floor(n) == n) & (n <= 1000)
    order = jnp.where(whole, n, 0).astype(jnp.int32)
    return jnp.where(whole, jax.scipy.special.polygamma(order, x), jnp.nan)


def _loggamma(x):
    # SymPy's loggamma is not real for x < 0 (gammaln is log|gamma|): NaN there, as alkahest's.
    return jnp.where(x >= 0, jax.scipy.special.gammaln(x), jnp.nan)


def _incomplete_gamma(regularized, s, x):
    # gamma(s) times the regularized function, which jax has for s > 0 only (NaN elsewhere). At x = 0
    # and x = +inf the regularized values are exact (0 or 1), so the limits match alkahest's.
    return jnp.where(s > 0, jax.scipy.special.gamma(s) * regularized(s, x), jnp.nan)


def _lowergamma(s, x):
    return _incomplete_gamma(jax.scipy.special.gammainc, s, x)


def _uppergamma(s, x):
    return _incomplete_gamma(jax.scipy.special.gammaincc, s, x)


# Ei(x) = EulerGamma + log|x| + sum_{k>=1} x**k/(k k!): the coefficients 1/(k k!) of the terms kept.
_EI_SERIES = [1.0 / (k * float(np.prod(np.arange(1, k + 1, dtype=np.float64)))) for k in range(1, 10)]
_EI_SMALL = 0.05  # |x| below: the series (its 10th term is below 1e-18 of |Ei(x)| >= 2.4 there)


def _ei(x):
    # jax's expi takes time proportional to 1/|x| at small negative x (seconds at -1e-5, no end at
    # -1e-300): there the series, and expi only ever sees arguments it is quick on.
    small = jnp.abs(x) < _EI_SMALL
    far = jax.scipy.special.expi(jnp.where(small, jnp.asarray(1.0, x.dtype), x))
    poly = jnp.zeros_like(x)
    for c in reversed(_EI_SERIES):
        poly = (poly + jnp.asarray(c, x.dtype)) * x
    near = (jnp.asarray(np.euler_gamma, x.dtype) + jnp.log(jnp.abs(x))) + poly
    return jnp.where(small, near, far)


def _fresnels(x):
    # jax's fresnel gives (S, C), normalized as SymPy's: S(x) = integral of sin(pi t**2/2) from 0 to x.
    return jax.scipy.special.fresnel(x)[0]


def _fresnelc(x):
    return jax.scipy.special.fresnel(x)[1]


def _resolve(spelling):
    """The JAX function an op-table row's jax column names: "lax.sin", "jax.scipy.special.gamma",
    or "@_sign" (a helper of this module)."""
    if spelling.startswith("@"):
        return globals()[spelling[1:]]
    head, *rest = spelling.split(".")
    obj = {"lax": lax, "jax": jax, "jnp": jnp}[head]
    for part in rest:
        obj = getattr(obj, part)
    return obj


# op-table name -> (arity, function of jax arrays): the rows' jax column (alkahest/ops.def).
_FUNCTIONS = {row[0]: (row[1], _resolve(row[7])) for row in _core._op_table() if row[7]}


def _run_program(data, dtype, args):
    """The Program (``CompiledFn._program_data()``) on jax arrays of one dtype and shape."""
    n_inputs, constants64, code, outputs, constants32 = data
    # float32 constants are rounded once from the exact values, not through the doubles.
    constants = constants32 if np.dtype(dtype) == np.float32 else constants64
    regs: dict[int, Any] = {}
    compares = (lax.lt, lax.le, lax.gt, lax.ge, lax.eq, lax.ne)  # ne: true where NaN, as IEEE
    for kind, op, dst, a, b, index, c, d in code:
        if kind == "input":
            v = args[index]
        elif kind == "const":
            v = jnp.asarray(constants[index], dtype=dtype)
        elif kind == "add":
            v = regs[a] + regs[b]
        elif kind == "sub":
            v = regs[a] - regs[b]
        elif kind == "mul":
            v = regs[a] * regs[b]
        elif kind == "div":
            v = regs[a] / regs[b]
        elif kind == "neg":
            v = -regs[a]
        elif kind == "sqrt":
            v = lax.sqrt(regs[a])
        elif kind == "pow":
            v = lax.pow(regs[a], regs[b])
        elif kind == "cmp":
            x, y = jnp.broadcast_arrays(jnp.asarray(regs[a], dtype=dtype), jnp.asarray(regs[b], dtype=dtype))
            v = jnp.where(compares[index](x, y), jnp.asarray(1, dtype), jnp.asarray(0, dtype))
        elif kind == "select":
            v = jnp.where(regs[c] != 0, regs[a], regs[b])
        elif op in _FUNCTIONS:
            arity, fn = _FUNCTIONS[op]
            v = fn(*(regs[r] for r in (a, b, c, d)[: max(arity, 1)]))
        else:  # an op-table row without a jax spelling: fail loudly, never silently
            raise NotImplementedError(f"to_jax: JAX has no function for {op!r} (its op-table row has no jax spelling)")
        regs[dst] = v
    shape = jnp.broadcast_shapes(*(jnp.shape(x) for x in args)) if args else ()
    return [jnp.broadcast_to(jnp.asarray(regs[r], dtype=dtype), shape) for r in outputs]


class _NoArray:  # what _ArrayImpl is where JAX has no CPU device: no array is of it
    pass


# Set on the first eager call (not at import: making an array starts JAX's backends): the concrete
# array class (jax.Array is its abstract base), and jaxlib's device put with its ShapedArray.
_ArrayImpl: type = _NoArray
_FAST_PUT: Any = None
_FAST_READY = False


def _init_fast() -> None:
    global _ArrayImpl, _FAST_PUT, _FAST_READY
    try:
        _ArrayImpl = type(jax.device_put(np.zeros(()), jax.devices("cpu")[0]))
    except Exception:  # noqa: BLE001 -- no CPU backend: the general path only
        _ArrayImpl = _NoArray
    _FAST_PUT = _device_put_fast()
    _FAST_READY = True


_CPU_DEVICES: dict = {}  # sharding -> its device when that is one addressable CPU device, else None


def _cpu_device(sharding):
    """The device of ``sharding`` when it is a single addressable CPU device, else None (cached:
    a process has a handful of shardings)."""
    if sharding is None:
        return None
    try:
        return _CPU_DEVICES[sharding]
    except KeyError:
        pass
    device = None
    if isinstance(sharding, jax.sharding.SingleDeviceSharding) and len(sharding.device_set) == 1:
        d = next(iter(sharding.device_set))
        if d.platform == "cpu" and d.process_index == jax.process_index():
            device = d
    if len(_CPU_DEVICES) < 64:
        _CPU_DEVICES[sharding] = device
    return device


def _device_put_fast():
    """jaxlib's batched_device_put (what jnp.asarray ends in, without about 15 microseconds of
    Python dispatch), or None where this jax version does not have it in the expected form."""
    try:
        from jax._src import core as jcore
        from jax._src.lib import xla_client

        put = xla_client.batched_device_put
        probe = np.arange(3.0, dtype=np.float32)
        device = jax.devices("cpu")[0]
        sharding = jax.sharding.SingleDeviceSharding(device)
        got = put(jcore.ShapedArray(probe.shape, probe.dtype), sharding, [probe], [device], False)
        if type(got) is not _ArrayImpl or not np.array_equal(np.asarray(got), probe) or got.committed:
            return None
        return jcore.ShapedArray, put
    except Exception:  # noqa: BLE001 -- any other jax: the public route
        return None


_AVALS: dict = {}  # (shape, dtype) -> ShapedArray, for the fast put


def _to_jax(out: np.ndarray, sharding, device, committed: bool):
    """The NumPy result as a jax array on the inputs' CPU device, as ``jnp.asarray`` makes it
    (not weakly typed; committed when an input was)."""
    if _FAST_PUT is None:
        return jax.device_put(out, sharding) if committed else jnp.asarray(out)
    shaped_array, put = _FAST_PUT
    key = (out.shape, out.dtype)
    aval = _AVALS.get(key)
    if aval is None:
        aval = shaped_array(out.shape, out.dtype)
        if len(_AVALS) < 256:
            _AVALS[key] = aval
    return put(aval, sharding, [out], [device], committed)


def _result_dtype(values):
    """jnp's promotion of the inputs (weak Python scalars included), then to a float type.

    ``values`` are arrays, tracers, abstract values or Python scalars; the answer depends only on
    their dtypes and weak types, so eager calls, abstract evaluation and lowering agree."""
    samples = []
    for v in values:
        aval = v if isinstance(v, jax.core.ShapedArray) else jax.typeof(v)
        dt = np.dtype(aval.dtype)
        if np.issubdtype(dt, np.complexfloating):
            raise TypeError(f"to_jax: complex inputs ({dt}) are not supported; alkahest functions are real")
        if not (np.issubdtype(dt, np.floating) or np.issubdtype(dt, np.integer) or dt == np.bool_):
            raise TypeError(f"to_jax: inputs must be real numbers, not {dt}")
        if getattr(aval, "weak_type", False):  # a Python scalar: promotes like one
            samples.append(dt.type(0).item())
        else:
            samples.append(np.zeros((), dt))
    dt = jnp.result_type(*samples) if samples else jnp.result_type(float)
    if not jnp.issubdtype(dt, jnp.floating):  # ints and bools -> JAX's default float, as jnp.sin does
        dt = jnp.result_type(float)
    return dt


class _JaxFunction:
    """The expressions ``exprs`` over the ordered symbols ``vars``: the ``fn`` parameter of the
    ``alkahest`` primitive, whose rules are this class's methods."""

    def __init__(self, exprs: list[Expr], vars: list[Expr], name: str):
        self.exprs = exprs
        self.vars = vars
        self.name = name
        self.compiled = compile_expr(exprs if len(exprs) > 1 else exprs[0], vars)
        self.data = self.compiled._program_data()
        self._partials: _JaxFunction | None = None
        self._jitted: Any = None

    def __repr__(self) -> str:  # how jaxprs print the parameter: alkahest[fn=model]
        return self.name

    def bind(self, *arrays):
        return _call_p.bind(*arrays, fn=self)

    # -- rules ---------------------------------------------------------------------------------
    def _abstract(self, *avals):
        dtype = _result_dtype(avals)
        try:
            shape = np.broadcast_shapes(*(a.shape for a in avals)) if avals else ()
        except ValueError:
            shapes = ", ".join(str(a.shape) for a in avals)
            raise ValueError(f"{self.name}: input shapes {shapes} do not broadcast together") from None
        return [jax.core.ShapedArray(shape, dtype) for _ in self.exprs]

    def _impl(self, *args):
        fast = self._impl_contig(args)
        if fast is not None:
            return fast
        dtype = _result_dtype(args)
        arrays = [jnp.asarray(a, dtype=dtype) for a in args]
        try:
            np.broadcast_shapes(*(a.shape for a in arrays))
        except ValueError:
            shapes = ", ".join(str(a.shape) for a in arrays)
            raise ValueError(f"{self.name}: input shapes {shapes} do not broadcast together") from None
        if any(d.platform != "cpu" for a in arrays for d in a.devices()):
            # Not host memory: run the same StableHLO on the arrays' device (compiled once).
            if self._jitted is None:
                self._jitted = jax.jit(self._lowered)
            return self._jitted(*arrays)
        if len(self.exprs) == 1:
            # numpy_eval reads the jax arrays in place (DLPack) and returns a 64-byte-aligned
            # buffer, which XLA adopts: the result becomes the jax array without a copy.
            return [jnp.from_dlpack(numpy_eval(self.compiled, *arrays))]
        out = numpy_eval(self.compiled, *arrays)
        return [jnp.asarray(out[..., k]) for k in range(len(self.exprs))]

    def _impl_contig(self, args):
        """The common eager case, checked in a few attribute reads: jax arrays on one CPU device
        (not weakly typed), all float64 or all float32, of shapes that broadcast, read in place as
        NumPy views by the C++ fast path; None otherwise (the general path promotes, broadcasts and
        explains)."""
        if not args:
            return None
        if not _FAST_READY:
            _init_fast()
        sharding = args[0].sharding if type(args[0]) is _ArrayImpl else None
        device = _cpu_device(sharding)
        if device is None:
            return None
        committed = False
        for a in args:
            if type(a) is not _ArrayImpl or a.weak_type or (a.sharding is not sharding and a.sharding != sharding):
                return None
            committed = committed or a.committed
        out = self.compiled._eval_contig([np.asarray(a) for a in args], 0)
        if out is None:
            return None
        if len(self.exprs) == 1:
            return [_to_jax(out, sharding, device, committed)]
        return [_to_jax(out[..., k].copy(), sharding, device, committed) for k in range(len(self.exprs))]

    def _lowered(self, *args):
        dtype = _result_dtype(args)
        args = [lax.convert_element_type(a, dtype) for a in args]
        return _run_program(self.data, dtype, args)

    def partials(self) -> "_JaxFunction":
        """d expr_k / d var_j for every k, j (row-major), as one cached primitive."""
        if self._partials is None:
            rows = [diff(e, v) for e in self.exprs for v in self.vars]
            self._partials = _JaxFunction(rows, self.vars, f"{self.name}_jvp")
        return self._partials

    def _jvp(self, primals, tangents):
        outs = self.bind(*primals)
        live = [j for j, t in enumerate(tangents) if type(t) is not ad.Zero]
        if not live:
            return outs, [ad.Zero(jax.typeof(o).to_tangent_aval()) for o in outs]
        d = self.partials().bind(*primals)
        n = len(self.vars)
        tangent_outs = []
        for k, out in enumerate(outs):
            acc = None
            for j in live:
                t = lax.convert_element_type(tangents[j], out.dtype)
                term = d[k * n + j] * t
                acc = term if acc is None else acc + term
            tangent_outs.append(jnp.broadcast_to(acc, out.shape))
        return outs, tangent_outs

    def _batch(self, args, dims):
        ranks = [jnp.ndim(a) - (d is not None) for a, d in zip(args, dims)]
        rank = max(ranks, default=0)
        size = next(a.shape[d] for a, d in zip(args, dims) if d is not None)
        moved = []
        for a, d, r in zip(args, dims, ranks):
            if d is None:
                moved.append(a)  # broadcasts against the leading batch axis
            else:
                a = jnp.moveaxis(a, d, 0)
                moved.append(a.reshape((size,) + (1,) * (rank - r) + a.shape[1:]))
        return self.bind(*moved), [0] * len(self.exprs)

    # -- the user's callable -------------------------------------------------------------------
    def __call__(self, *arrays):
        if len(arrays) != len(self.vars):
            raise TypeError(f"{self.name}: takes {len(self.vars)} array(s) (one per variable), got {len(arrays)}")
        if not any(isinstance(a, jax.core.Tracer) for a in arrays):
            # Concrete arrays: what the primitive's eager rule would run, without the bind (about
            # 40 us a call); anything the fast path does not take goes through the primitive.
            out = self._impl_contig(arrays)
            if out is not None:
                return out
        return self.bind(*arrays)


# One primitive for every to_jax function, which it carries as its ``fn`` parameter: nothing is
# registered per function, so a function (and its compiled code) is freed with the last reference
# to it (JAX's caches hold traced functions weakly or in bounded LRUs).
_call_p = Primitive("alkahest")
_call_p.multiple_results = True
_call_p.def_impl(lambda *args, fn: fn._impl(*args))
_call_p.def_abstract_eval(lambda *avals, fn: fn._abstract(*avals))
ad.primitive_jvps[_call_p] = lambda primals, tangents, *, fn: fn._jvp(primals, tangents)
batching.primitive_batchers[_call_p] = lambda args, dims, *, fn: fn._batch(args, dims)
mlir.register_lowering(_call_p, mlir.lower_fun(lambda *args, fn: fn._lowered(*args), multiple_results=True))


def to_jax(expr_or_list: Expr | Iterable[Expr], vars: Iterable[Expr], name: str | None = None,
           stacked: bool = False):
    """A JAX-traceable function of ``len(vars)`` arrays computing ``expr_or_list``.

    One expression gives a function returning one array; a list gives a function returning a tuple.
    The inputs broadcast together like ``jnp`` operands; ints and bools are promoted to JAX's default
    float type, float32 stays float32. Works under ``jax.jit`` (lowered to StableHLO ops, no host
    callback), ``jax.grad``/``jacfwd``/``jacrev``/``hessian`` (derivatives are symbolic) and ``jax.vmap``.
    """
    exprs, is_list, vars = _expr_list(expr_or_list, vars)
    name = f"alkahest_{next(_counter)}" if name is None else _check_name("to_jax", name)
    fn = _JaxFunction(exprs, vars, name)

    if is_list:
        def call(*arrays):
            return tuple(fn(*arrays))
    else:
        def call(*arrays):
            return fn(*arrays)[0]
    if stacked:
        call = stacked_call(call, len(vars), is_list, jnp.stack)
    call.__name__ = name
    call.__doc__ = f"{name}({', '.join(str(v) for v in vars)}) = {', '.join(str(e) for e in exprs)}"
    setattr(call, "primitive", _call_p)  # the JAX primitive (shared; this function is its fn parameter)
    return call
