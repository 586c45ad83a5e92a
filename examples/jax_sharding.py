"""A to_jax function under JAX sharding: one array split over several devices, jit and grad
partitioned by XLA with no gathering. Here the devices are CPU "devices" that XLA is asked to
simulate (--xla_force_host_platform_device_count); on GPUs or TPUs the same code spreads the work
over real devices.

    python examples/jax_sharding.py
"""

import os

# Must be set before JAX starts: four CPU devices.
os.environ["XLA_FLAGS"] = os.environ.get("XLA_FLAGS", "") + " --xla_force_host_platform_device_count=4"

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import numpy as np  # noqa: E402
from jax.sharding import Mesh, NamedSharding, PartitionSpec  # noqa: E402

import alkahest as ak  # noqa: E402


def main():
    jax.config.update("jax_enable_x64", True)
    pool = ak.ExprPool()
    x, y = pool.symbols("x y")
    expr = ak.sin(x) ** 2 * y + ak.exp(-x * y)
    f = ak.to_jax(expr, [x, y], name="model")

    devices = jax.devices()
    mesh = Mesh(np.array(devices), ("batch",))
    sharded = NamedSharding(mesh, PartitionSpec("batch"))
    n = 1024 * len(devices)
    a = jax.device_put(jnp.linspace(0.0, 3.0, n), sharded)
    b = jax.device_put(jnp.full(n, 0.5), sharded)

    out = jax.jit(f)(a, b)
    grad = jax.jit(jax.grad(lambda u, v: f(u, v).sum()))(a, b)

    want = ak.numpy_eval(ak.compile_expr(expr, [x, y]), np.asarray(a), np.asarray(b))
    dwant = ak.numpy_eval(ak.compile_expr(ak.diff(expr, x), [x, y]), np.asarray(a), np.asarray(b))
    assert len(devices) == 4, devices
    assert out.sharding.is_equivalent_to(sharded, out.ndim), out.sharding
    assert grad.sharding.is_equivalent_to(sharded, grad.ndim), grad.sharding
    assert {s.device for s in out.addressable_shards} == set(devices)
    np.testing.assert_allclose(np.asarray(out), want, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(np.asarray(grad), dwant, rtol=1e-12, atol=1e-15)
    print(f"{len(devices)} devices, {n} points: value and grad sharded as the inputs "
          f"({out.addressable_shards[0].data.shape[0]} points per device), equal to numpy_eval")


if __name__ == "__main__":
    main()
