"""alkahest.show_config(): what this installation has, and why a tier or integration is missing."""

from __future__ import annotations

import importlib.metadata
import importlib.util
import platform
import sys

from . import _core

#: integrations: the package each needs and the extra of alkahest-cas that installs it
_OPTIONAL = (("jax", "jax"), ("jaxlib", "jax"), ("torch", "torch"), ("sympy", "sympy"),
             ("dask", "dask"), ("distributed", "dask"), ("tqdm", "progress"))


def _version(module: str) -> str | None:
    if importlib.util.find_spec(module) is None:
        return None
    try:
        return importlib.metadata.version(module)
    except importlib.metadata.PackageNotFoundError:
        return "installed"


def config() -> dict[str, object]:
    """What :func:`show_config` prints, as a dict (for programs and bug reports).

    >>> from alkahest._config import config
    >>> c = config()
    >>> c["vector_isa"] in ("avx512f", "avx2", "sse2")
    True
    >>> isinstance(c["llvm_jit"], bool)
    True
    """
    from . import __version__
    from ._cuda import nvrtc_status

    nvrtc_ok, nvrtc_text = nvrtc_status()
    devices, device_text = _core._cuda_device_status()
    return {
        "version": __version__,
        "python": sys.version.split()[0],
        "platform": platform.platform(),
        "vector_isa": _core._isa(),
        "llvm_jit": _core._jit_available(),
        "llvm_jit_detail": _core._jit_description(),
        "nvrtc": nvrtc_ok,
        "nvrtc_detail": nvrtc_text,
        "cuda_devices": devices,
        "cuda_detail": device_text,
        "optional": {name: _version(name) for name, _ in _OPTIONAL},
    }


def show_config() -> None:
    """Print the version, the vector ISA in use, whether the LLVM tier and CUDA are available (and
    why not), and which optional packages are installed.

    >>> from alkahest import show_config
    >>> show_config()  # doctest: +ELLIPSIS
    alkahest ...
      vector math: ...
      LLVM JIT tier: ...
    """
    c = config()
    print(f"alkahest {c['version']} (Python {c['python']}, {c['platform']})")
    print(f"  vector math: {c['vector_isa']} (SLEEF, chosen at run time)")
    jit = "available" if c["llvm_jit"] else "not available"
    print(f"  LLVM JIT tier: {jit}: {c['llvm_jit_detail']}")
    print(f"  NVRTC (compile_cuda): {'found' if c['nvrtc'] else 'not found'}: {c['nvrtc_detail']}")
    print(f"  CUDA devices: {c['cuda_devices']} ({c['cuda_detail']})")
    extras = dict(_OPTIONAL)
    optional = c["optional"]
    assert isinstance(optional, dict)
    for name, version in optional.items():
        shown = version if version else f"not installed (pip install 'alkahest-cas[{extras[name]}]')"
        print(f"  {name}: {shown}")
