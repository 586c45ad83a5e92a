"""The Python side of :class:`alkahest.Matrix`: indexing and slicing, entrywise maps (``applyfunc``,
``subs``, ``diff``), ``charpoly`` with a fresh symbol, HTML for notebooks and pickling. The algebra
itself (det, inv, rref, ...) is C++ (src/matrix, python/bind_matrix.cpp)."""

from __future__ import annotations

import html
from typing import Any, Callable

from . import _core

Matrix = _core.Matrix


def _indices(key: Any, n: int, axis: str) -> tuple[list[int], bool]:
    """The indices one subscript selects along an axis of length n, and whether it was a slice."""
    if isinstance(key, slice):
        return list(range(*key.indices(n))), True
    if isinstance(key, bool) or not hasattr(key, "__index__"):
        raise TypeError(f"Matrix indices must be ints or slices, not {type(key).__name__}")
    i = key.__index__()
    if i < 0:
        i += n
    if not 0 <= i < n:
        raise IndexError(f"Matrix {axis} index {key} out of range for {n} {axis}s")
    return [i], False


def _getitem(self: Any, key: Any) -> Any:
    """``M[i, j]`` is an Expr; ``M[i, :]``, ``M[:, j]`` and ``M[a:b, c:d]`` are Matrices.

    >>> from alkahest import ExprPool, Matrix
    >>> x = ExprPool().symbol("x")
    >>> M = Matrix([[x, 1, 2], [3, 4, x**2]])
    >>> M[1, -1], M[0, :], M[:, 1], M[:, 1:]
    (x**2, Matrix([[x, 1, 2]]), Matrix([[1], [4]]), Matrix([[1, 2], [4, x**2]]))
    """
    if not isinstance(key, tuple) or len(key) != 2:
        raise TypeError("Matrix: index with two subscripts, M[i, j] (ints or slices), e.g. M[0, :] for a row")
    rows, rslice = _indices(key[0], self.rows, "row")
    cols, cslice = _indices(key[1], self.cols, "column")
    if not rslice and not cslice:
        return self._entry(rows[0], cols[0])
    return self._submatrix(rows, cols)


def _applyfunc(self: Any, f: Callable[[Any], Any]) -> Any:
    """The matrix of ``f(entry)`` for each entry (Exprs of the same pool, or numbers).

    >>> from alkahest import ExprPool, Matrix, sin
    >>> x = ExprPool().symbol("x")
    >>> Matrix([[x, 2*x]]).applyfunc(sin)
    Matrix([[sin(x), sin(2*x)]])
    """
    return Matrix([[f(e) for e in row] for row in self.tolist()], pool=self.pool)


def _subs(self: Any, mapping: Any) -> Any:
    """Substitution in every entry (``{symbol: Expr or number}``).

    >>> from alkahest import ExprPool, Matrix
    >>> x, y = ExprPool().symbols("x y")
    >>> Matrix([[x, x*y]]).subs({x: 2})
    Matrix([[2, 2*y]])
    """
    return _applyfunc(self, lambda e: e.subs(mapping))


def _diff(self: Any, *spec: Any) -> Any:
    """The derivative of every entry: ``M.diff(x)``, ``M.diff(x, 2)``, ``M.diff(x, y)``.

    >>> from alkahest import ExprPool, Matrix
    >>> x = ExprPool().symbol("x")
    >>> Matrix([[x**3, 1]]).diff(x, 2)
    Matrix([[6*x, 0]])
    """
    return _applyfunc(self, lambda e: e.diff(*spec))


def _charpoly(self: Any, x: Any = None) -> Any:
    """det(x*I - M), expanded in ``x`` (a symbol named ``lambda_`` not in M when none is given).

    >>> from alkahest import ExprPool, Matrix
    >>> pool = ExprPool()
    >>> x = pool.symbol("x")
    >>> Matrix([[1, 2], [3, 4]], pool=pool).charpoly(x)
    -5*x + x**2 - 2
    """
    if x is None:
        used = {str(s) for e in self.entries() for s in e.free_symbols}
        name, k = "lambda_", 0
        while name in used:
            k += 1
            name = f"lambda_{k}"
        x = self.pool.symbol(name)
    return self._charpoly(x)


def _repr_html(self: Any) -> str:
    """An HTML table of the entries' text (for renderers that do not typeset LaTeX)."""
    if self.rows * self.cols > 400:
        return f'<code class="alkahest-matrix">{html.escape(repr(self)[:2000])} ...</code>'
    rows = "".join("<tr>" + "".join(f"<td><code>{html.escape(str(e))}</code></td>" for e in row) + "</tr>"
                   for row in self.tolist())
    return f'<table class="alkahest-matrix">{rows}</table>'


def _rebuild(pool: Any, chunk: Any, rows: Any, cols: Any) -> Any:
    from ._pickle import _bad, _roots

    for d in (rows, cols):
        if isinstance(d, bool) or not isinstance(d, int) or d < 0:
            raise _bad(f"Matrix: bad shape ({rows!r}, {cols!r})")
    if rows * cols == 0:
        return Matrix.zeros(rows, cols, pool)
    entries = _roots(pool, chunk, rows * cols, "Matrix")
    it = iter(entries)
    return Matrix([[next(it) for _ in range(cols)] for _ in range(rows)], pool=pool)


def _reduce(self: Any) -> Any:
    """A Matrix pickles as one chunk of the DAG of all its entries (shared nodes written once)."""
    from ._pickle import _Chunk, _token

    entries = self.entries()
    if not entries:
        return (_rebuild, (_token(self.pool), None, self.rows, self.cols))
    chunk = _Chunk(self.pool, entries)
    return (_rebuild, (chunk.token, chunk, self.rows, self.cols))


def _same(self: Any, *memo: Any) -> Any:
    return self


def install() -> None:
    Matrix.__getitem__ = _getitem  # type: ignore[method-assign,attr-defined]
    Matrix.applyfunc = _applyfunc  # type: ignore[method-assign,attr-defined]
    Matrix.subs = _subs  # type: ignore[method-assign,attr-defined]
    Matrix.diff = _diff  # type: ignore[method-assign,attr-defined]
    Matrix.charpoly = _charpoly  # type: ignore[method-assign,attr-defined]
    Matrix._repr_html_ = _repr_html  # type: ignore[method-assign,attr-defined]
    Matrix.__reduce__ = _reduce  # type: ignore[method-assign,assignment]
    Matrix.__copy__ = _same  # type: ignore[method-assign,attr-defined]
    Matrix.__deepcopy__ = _same  # type: ignore[method-assign,attr-defined]
