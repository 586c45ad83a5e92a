"""to_torch: a torch.library custom op with a symbolic backward, against the same function in torch."""

from __future__ import annotations

import math
import numpy as np
import pytest
import torch

import alkahest as ak
from alkahest import ExprPool, to_torch

_OPS = [  # (name, alkahest builder, torch builder, domain)
    ("sin", ak.sin, torch.sin, (-3, 3)), ("cos", ak.cos, torch.cos, (-3, 3)), ("tan", ak.tan, torch.tan, (-1.2, 1.2)),
    ("sinh", ak.sinh, torch.sinh, (-2, 2)), ("cosh", ak.cosh, torch.cosh, (-2, 2)), ("tanh", ak.tanh, torch.tanh, (-2, 2)),
    ("asin", ak.asin, torch.asin, (-0.9, 0.9)), ("acos", ak.acos, torch.acos, (-0.9, 0.9)),
    ("atan", ak.atan, torch.atan, (-3, 3)), ("exp", ak.exp, torch.exp, (-3, 3)), ("log", ak.log, torch.log, (0.1, 5)),
    ("sqrt", ak.sqrt, torch.sqrt, (0.1, 5)), ("abs", abs, torch.abs, (-3, 3)), ("sign", ak.sign, torch.sign, (-3, 3)),
    ("floor", ak.floor, torch.floor, (-3, 3)), ("ceiling", ak.ceiling, torch.ceil, (-3, 3)),
    ("erf", ak.erf, torch.erf, (-2, 2)), ("erfc", ak.erfc, torch.erfc, (-2, 2)),
    ("gamma", ak.gamma, lambda v: torch.exp(torch.lgamma(v)), (0.3, 4)),
    ("polygamma1", lambda v: ak.polygamma(1, v), lambda v: torch.polygamma(1, v), (0.3, 4)),
    ("pow", lambda v: v ** 2.5, lambda v: v ** 2.5, (0.1, 3)), ("recip", lambda v: 1 / v, lambda v: 1 / v, (0.5, 3)),
]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=["f32", "f64"])
@pytest.mark.parametrize("name,fa,ft,dom", _OPS, ids=[o[0] for o in _OPS])
def test_each_op_forward_and_backward(name, fa, ft, dom, dtype):
    tol = dict(rtol=1e-11, atol=1e-12) if dtype == torch.float64 else dict(rtol=2e-5, atol=1e-5)
    if name == "polygamma1" and dtype == torch.float64:
        tol = dict(rtol=2e-9, atol=1e-12)  # torch's trigamma is good to ~5e-10 (checked against mpmath); ours to 1 ulp
    pool = ExprPool()
    x = pool.symbol("x")
    f = to_torch(fa(x), [x])
    xs = (torch.linspace(dom[0], dom[1], 41, dtype=dtype) + 0.01).requires_grad_()
    got = f(xs)
    assert got.dtype == dtype and got.shape == xs.shape
    want = ft(xs)
    torch.testing.assert_close(got, want, **tol)
    (g,) = torch.autograd.grad(got.sum(), xs)
    (w,) = torch.autograd.grad(want.sum(), xs)
    torch.testing.assert_close(g, w, **tol)


def test_gradcheck_gradgradcheck_and_broadcast_grads():
    pool = ExprPool()
    x, y = pool.symbols("x y")
    f = to_torch(ak.sin(x * y) + ak.exp(-x) * ak.atan2(y, x) + x ** 3 * y, [x, y])
    a = torch.rand(6, dtype=torch.float64, requires_grad=True) + 0.1
    b = torch.rand(6, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(f, (a, b))
    assert torch.autograd.gradgradcheck(f, (a, b))
    # y is (3, 1) against x (4,): the gradient of y is summed back to (3, 1)
    A = torch.rand(4, dtype=torch.float64, requires_grad=True)
    B = torch.rand(3, 1, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(f, (A, B))

    def ref(x, y):
        return torch.sin(x * y) + torch.exp(-x) * torch.atan2(y, x) + x ** 3 * y

    gA, gB = torch.autograd.grad(f(A, B).sum(), (A, B))
    wA, wB = torch.autograd.grad(ref(A, B).sum(), (A, B))
    assert gB.shape == (3, 1)
    torch.testing.assert_close(gA, wA)
    torch.testing.assert_close(gB, wB)


def test_training_step_and_torch_compile_without_graph_break():
    pool = ExprPool()
    x, w = pool.symbols("x w")
    model = to_torch(ak.tanh(w * x) + w ** 2 / 10, [x, w], name="layer")
    xs = torch.linspace(-1, 1, 64, dtype=torch.float64)
    param = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([param], lr=0.1)
    losses = []
    for _ in range(5):
        opt.zero_grad()
        loss = ((model(xs, param) - xs) ** 2).mean()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert losses[-1] < losses[0]

    def step(v, p):
        return (model(v, p) * 2 + v).sum()

    explanation = torch._dynamo.explain(step)(xs, param.detach())
    assert explanation.graph_break_count == 0
    compiled = torch.compile(step, fullgraph=True)
    torch.testing.assert_close(compiled(xs, param.detach()), step(xs, param.detach()))


def test_multi_output_dtypes_and_zero_copy():
    pool = ExprPool()
    x, y = pool.symbols("x y")
    f = to_torch([x + y, x * y], [x, y])
    a = torch.linspace(0, 1, 5)
    s, p = f(a, torch.full((5,), 2.0))
    assert s.dtype == torch.float32 and p.dtype == torch.float32
    torch.testing.assert_close(p, a * 2)
    assert f(torch.arange(3), torch.arange(3))[0].dtype == torch.get_default_dtype()
    assert f(torch.ones(3, dtype=torch.float32), torch.ones(3, dtype=torch.float64))[0].dtype == torch.float64
    g = to_torch(x * 2, [x])
    big = torch.linspace(0, 1, 1000, dtype=torch.float64)
    out = g(big)
    torch.testing.assert_close(out, big * 2)
    assert out.data_ptr() % 8 == 0 and out.is_contiguous()


def test_bad_input():
    pool = ExprPool()
    x, y = pool.symbols("x y")
    f = to_torch(x * y, [x, y])
    with pytest.raises(TypeError, match="2 tensor"):
        f(torch.ones(3))
    with pytest.raises(ValueError, match="broadcast"):
        f(torch.ones(3), torch.ones(4))
    with pytest.raises(TypeError, match="complex"):
        f(torch.ones(3, dtype=torch.complex64), torch.ones(3))
    with pytest.raises(TypeError, match="float16"):
        f(torch.ones(3, dtype=torch.float16), torch.ones(3, dtype=torch.float16))
    with pytest.raises(ValueError, match="name"):
        to_torch(x, [x], name="my op")
    with pytest.raises(ValueError, match="'z'"):
        to_torch(x + pool.symbol("z"), [x])
    from alkahest._torch import _TorchFunction
    fn = _TorchFunction([x * y], [x, y], "device_check")
    with pytest.raises(ValueError, match="one device"):
        fn._impl([torch.ones(3, device="meta"), torch.ones(3)])
    with pytest.raises(ValueError, match="CPU and CUDA tensors"):
        fn._impl([torch.ones(3, device="meta"), torch.ones(3, device="meta")])


def test_functions_are_freed_with_their_last_reference():
    """One shared op finds functions by handle: a to_torch function, its cached partials and their
    compiled code go with the last reference (an op registered per function never would)."""
    import gc
    import weakref

    from alkahest._torch import _FUNCTIONS, _TorchFunction

    pool = ExprPool()
    x, y = pool.symbols("x y")
    refs = []
    for k in range(20):
        f = to_torch(ak.sin(x * (k + 1)) + y ** 2, [x, y], name="model")
        assert f.__name__ == "model"
        a = torch.tensor([1.0], dtype=torch.float64, requires_grad=True)
        f(a, torch.tensor([2.0], dtype=torch.float64)).sum().backward()
        assert float(a.grad) == pytest.approx((k + 1) * math.cos(k + 1))
        refs += [weakref.ref(o) for o in gc.get_objects() if type(o) is _TorchFunction]
        del f
    gc.collect()
    assert refs and not [r() for r in refs if r() is not None]
    assert all(r() is None or r().handle in _FUNCTIONS for r in refs)
    with pytest.raises(RuntimeError, match="no longer exists"):
        torch.ops.alkahest.call([torch.ones(2)], 10 ** 9)


def test_negative_and_conjugate_bits_are_honoured():
    """Issue 13, item 7: a tensor with the negative bit set (a lazy negated view) was read from
    raw memory through DLPack: 2*x + 1 at x = -3 gave 7."""
    x = ExprPool().symbol("x")
    f = ak.compile_expr(2 * x + 1, [x])
    for dtype in (torch.float64, torch.float32):
        t = torch._neg_view(torch.tensor([3.0, -1.5, 0.0], dtype=dtype))
        assert t.is_neg() and t.tolist() == [-3.0, 1.5, -0.0]
        want = [-5.0, 4.0, 1.0]
        assert ak.numpy_eval(f, t).tolist() == want
        assert to_torch(2 * x + 1, [x])(t).tolist() == want
        # a strided neg view and one broadcast against a plain tensor
        s = torch._neg_view(torch.arange(12.0, dtype=dtype).reshape(3, 4))[:, ::2]
        assert ak.numpy_eval(ak.compile_expr(x, [x]), s).tolist() == (-torch.arange(12.0).reshape(3, 4)[:, ::2]).tolist()
    y = ExprPool().symbol("y")
    g = ak.compile_expr(y * y - y, [y])
    t = torch._neg_view(torch.tensor([2.0]))
    assert ak.numpy_eval(g, t).tolist() == [6.0]
    # A conjugated complex tensor is complex: refused as complex, not read as its conjugate.
    c = torch.tensor([1 + 2j]).conj()
    assert c.is_conj()
    with pytest.raises(TypeError, match="complex"):
        ak.numpy_eval(f, c)
    with pytest.raises(TypeError, match="complex"):
        to_torch(2 * x + 1, [x])(c)
    # A conj view of a real tensor is the tensor itself.
    assert ak.numpy_eval(f, torch.tensor([1.0]).conj()).tolist() == [3.0]


def test_eager_calls_skip_the_dispatcher_but_give_the_ops_numbers():
    """Plain eager tensors run the implementation directly (and an autograd.Function for
    gradients); tracers still see the op. Both routes give the same values and gradients."""
    from torch.fx.experimental.proxy_tensor import make_fx

    x, y = ak.ExprPool().symbols("x y")
    f = ak.to_torch([ak.sin(x) * y + x**3, ak.exp(-x * y)], [x, y])
    cases = [
        (torch.linspace(-1, 1, 7, dtype=torch.float64), torch.linspace(0, 2, 7, dtype=torch.float64)),
        (torch.linspace(-1, 1, 6, dtype=torch.float32).reshape(2, 3), torch.tensor(0.5)),  # general path
        (torch.linspace(-1, 1, 8, dtype=torch.float64)[::2], torch.ones(4, dtype=torch.float64)),  # strided
    ]
    for a, b in cases:
        eager = f(a, b)
        via_op = f.op([a, b], f.handle)
        for e, o in zip(eager, via_op):
            assert e.dtype == o.dtype and e.shape == o.shape
            torch.testing.assert_close(e, o, rtol=0, atol=0)
    a = torch.linspace(-1, 1, 5, dtype=torch.float64, requires_grad=True)
    b = torch.linspace(0, 2, 5, dtype=torch.float64, requires_grad=True)
    u, v = f(a, b)
    ga, gb = torch.autograd.grad((u * 2 + v).sum(), (a, b))
    u2, v2 = f.op([a, b], f.handle)
    ga2, gb2 = torch.autograd.grad((u2 * 2 + v2).sum(), (a, b))
    torch.testing.assert_close(ga, ga2, rtol=0, atol=0)
    torch.testing.assert_close(gb, gb2, rtol=0, atol=0)
    torch.testing.assert_close(ga, 2 * (torch.cos(a) * b + 3 * a**2) - b * torch.exp(-a * b))
    graph = make_fx(lambda p, q: f(p, q)[0])(a.detach(), b.detach())
    assert "alkahest.call" in str(graph.code)
    # vmap goes through the op too (which has no batching rule): a clear error, not wrong numbers.
    with pytest.raises(Exception):
        torch.func.vmap(lambda p: f(p, p)[0])(torch.ones(3, 2, dtype=torch.float64))
