"""pytest configuration for the alkahest Python tests.

The tests import the `alkahest` package. Run them as ``PYTHONPATH=python .venv/bin/python -m pytest
tests/python`` against the developer build (``make build`` puts the extension next to the package),
or against an installed wheel. If neither is importable, fall back to the source tree's python/.
"""

import os
import sys

try:
    import alkahest  # noqa: F401
except ImportError:  # pragma: no cover - only without PYTHONPATH and without an installed wheel
    sys.path.insert(0, os.path.join(os.path.dirname(__file__), os.pardir, os.pardir, "python"))
    import alkahest  # noqa: F401

from hypothesis import HealthCheck, settings

# Locally, fresh random examples each run find more. CI (HYPOTHESIS_PROFILE=ci, set by .ci/run)
# derandomizes, so a red CI always means a change broke something, reproducibly. Never let a slow
# shared machine turn into a flaky deadline failure.
settings.register_profile("alkahest", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("ci", parent=settings.get_profile("alkahest"), print_blob=True,
                          derandomize=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "alkahest"))
