"""Optional integrations: import their package on first use, or say which extra installs it."""

from __future__ import annotations

import importlib
from types import ModuleType

#: module imported -> (extra of the alkahest-cas distribution, what needs it)
_EXTRAS = {
    "jax": ("jax", "to_jax"),
    "torch": ("torch", "to_torch"),
    "sympy": ("sympy", "from_sympy/to_sympy"),
    "dask": ("dask", "alkahest.dask"),
    "dask.array": ("dask", "alkahest.dask"),
}


def require(module: str) -> ModuleType:
    """The module ``module``; an ImportError naming the extra to install when it is missing.

    >>> require("numpy").__name__
    'numpy'
    """
    try:
        return importlib.import_module(module)
    except ModuleNotFoundError as exc:
        top = module.split(".")[0]
        if exc.name is not None and exc.name.split(".")[0] != top:
            raise  # the package is there but one of its own dependencies is not: show that
        extra, feature = _EXTRAS.get(module, (top, module))
        raise ImportError(
            f"{feature} needs {top}, which is not installed: pip install 'alkahest-cas[{extra}]'"
            f" (or pip install {top})"
        ) from exc
