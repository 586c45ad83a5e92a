"""The documentation runs: every ```python block of README.md and docs/*.md, the blocks of one page in
order in one fresh interpreter (a page's later blocks may use its earlier names), and the doctest
examples in the package's docstrings.

A block that needs hardware this machine may lack starts with a comment saying so
(``# needs: cuda``); it is compiled (syntax-checked) everywhere and run only where a CUDA device is.
"""

from __future__ import annotations

import doctest
import os
import re
import subprocess
import sys

import pytest

import alkahest as ak

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PAGES = ["README.md"] + sorted(os.path.join("docs", f) for f in os.listdir(os.path.join(ROOT, "docs"))
                               if f.endswith(".md"))
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


def _blocks(page):
    with open(os.path.join(ROOT, page)) as fh:
        return BLOCK.findall(fh.read())


@pytest.mark.parametrize("page", [p for p in PAGES if _blocks(p)])
def test_page_snippets_run(page, tmp_path):
    from alkahest import _cuda

    have_cuda = _cuda.device_count() > 0
    parts = []
    for k, block in enumerate(_blocks(page)):
        compile(block, f"{page}:block{k}", "exec")  # every block is valid Python
        if block.lstrip().startswith("# needs: cuda") and not have_cuda:
            continue
        parts.append(block)
    script = "\n".join(parts)
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(ak.__file__)))
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path,
                         timeout=600)
    assert res.returncode == 0, f"{page}:\n{res.stderr[-3000:]}"


def _public_functions():
    import alkahest.dask

    out = [(name, getattr(ak, name)) for name in ak.__all__
           if callable(getattr(ak, name)) and not isinstance(getattr(ak, name), type)]
    return out + [("alkahest.dask.eval", alkahest.dask.eval)]


@pytest.mark.parametrize("name,fn", _public_functions(), ids=lambda v: v if isinstance(v, str) else "")
def test_docstring_examples(name, fn):
    """Every public function's docstring has an example, and the example runs as written."""
    doc = fn.__doc__ or ""
    assert ">>>" in doc, f"{name}: no example in its docstring"
    test = doctest.DocTestParser().get_doctest(doc, {}, name, None, 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0 and result.attempted > 0, f"{name}: {result}"
