"""Pickling and copying of Expr, ExprPool and CompiledFn.

An expression pickles as its DAG: each distinct node once, in topological order, as bytes of a
versioned format written and checked in C++ (``include/alkahest/serialize.hpp``), so the size is
linear in the number of distinct nodes however much they share (its printed text can be
exponentially larger). The pool pickles as an empty pool, so everything pickled together lands in
one new pool again (pickle shares the pool object), and the nodes are rebuilt there through the
canonical constructors. Expressions of one pool pickled together share their nodes: each writes
only the nodes the ones before it in the same pickle did not (a chain of chunks, each naming the
chunk it builds on as a pickled object, so a chunk is always read after its base). A CompiledFn
pickles as one chunk of its expressions and variables, plus accuracy and backend, and compiles
again on load. This is what multiprocessing, concurrent.futures and Dask need to send them to
workers.

Loading checks every count and index: bad or crafted data raises ValueError or TypeError naming
the problem (older pickles, which held the printed text, still load).

copy.copy and copy.deepcopy return the object itself: expressions and compiled functions are
immutable, and a deep copy in another pool would only make them incompatible with their originals.
"""

from __future__ import annotations

import weakref
from typing import Any

from . import _core


class _PoolToken:
    """Stands for one pool while pickling: `Expr.pool` makes a new wrapper object at each access,
    and pickle shares objects by identity, so every expression of a pool refers to one token.

    ``tip`` is (a weak reference to) the last chunk written for this pool; the next chunk builds on
    it. Pickle reduces the token once per stream (then refers to it by its memo), and before any
    chunk of the stream (see _reduce_expr), so a new stream starts a new chain. A chunk that builds
    on one of another stream (threads pickling at once, a pickle inside a pickle) stays correct:
    pickle writes that base chunk into the stream too."""

    __slots__ = ("tip", "__weakref__")

    def __init__(self):
        self.tip = None

    def __reduce__(self):
        self.tip = None
        return (_rebuild_pool, ())


_tokens: "weakref.WeakValueDictionary" = weakref.WeakValueDictionary()


def _token(pool) -> _PoolToken:
    token = _tokens.get(pool)  # ExprPool hashes and compares by the pool it wraps
    if token is None:
        token = _tokens[pool] = _PoolToken()
    return token


class _Chunk:
    """The nodes of `roots` that its base chunk (the token's tip when it is pickled) has not
    written. Its bytes are fixed the first time it is pickled."""

    __slots__ = ("pool", "token", "roots", "state", "writer", "count", "__weakref__")

    def __init__(self, pool, roots):
        self.pool, self.token, self.roots = pool, _token(pool), roots
        self.state = None

    def __reduce__(self):
        if self.state is None:
            base = self.token.tip() if self.token.tip is not None else None
            if base is None:
                writer = _core._DagWriter(self.pool)
            elif base.writer.count == base.count:
                writer = base.writer  # the usual case: extend the chain's writer
            else:
                writer = base.writer.prefix(base.count)
            data = writer.write(self.roots)
            self.writer, self.count, self.state = writer, writer.count, (base, data)
            self.roots = None
            self.token.tip = weakref.ref(self)
        base, data = self.state
        return (_load_chunk, (self.token, base, data))


class _LoadedChunk:
    """A chunk read back: its roots, and the reader to extend with the chunks built on it."""

    __slots__ = ("pool", "reader", "count", "roots")
    pool: Any
    reader: Any
    count: int
    roots: list


def _bad(message: str) -> ValueError:
    return ValueError(f"unpickling an alkahest object: {message} (the pickle is corrupt or was not written by alkahest)")


def _load_chunk(pool, base, data):
    if not isinstance(pool, _core.ExprPool):
        raise _bad(f"expected an ExprPool, got {type(pool).__name__}")
    if not isinstance(data, bytes):
        raise _bad(f"expected bytes of expression data, got {type(data).__name__}")
    if base is None:
        reader = _core._DagReader(pool)
    elif not isinstance(base, _LoadedChunk):
        raise _bad(f"a chunk builds on a {type(base).__name__}, not on a chunk")
    elif base.pool != pool:
        raise _bad("a chunk builds on a chunk of another pool")
    elif base.reader.count == base.count:
        reader = base.reader
    else:
        reader = base.reader.prefix(base.count)
    chunk = _LoadedChunk()
    chunk.roots = reader.read(data)
    chunk.pool, chunk.reader, chunk.count = pool, reader, reader.count
    return chunk


def _roots(pool, chunk, n: int, what: str) -> list:
    if not isinstance(pool, _core.ExprPool):
        raise _bad(f"expected an ExprPool, got {type(pool).__name__}")
    if not isinstance(chunk, _LoadedChunk):
        raise _bad(f"{what}: expected a chunk of expression data, got {type(chunk).__name__}")
    if chunk.pool != pool:
        raise _bad(f"{what}: its data belongs to another pool")
    if len(chunk.roots) != n:
        raise _bad(f"{what}: expected {n} root expression(s), the data has {len(chunk.roots)}")
    return chunk.roots


def _rebuild_pool():
    return _core.ExprPool()


def _rebuild_expr(pool, chunk):
    if isinstance(chunk, str) and isinstance(pool, _core.ExprPool):  # pickles of alkahest <= 0.x: the text
        return _core.parse(chunk, pool)
    return _roots(pool, chunk, 1, "Expr")[0]


def _rebuild_compiled(pool, chunk, n_exprs, is_list, accuracy, backend=None, matrix_shape=None, optimize="off"):
    from .evaluate import compile_expr

    if isinstance(pool, list):  # older pickles: (exprs, vars, is_list, accuracy, backend)
        exprs, vars, is_list, accuracy, backend = pool, chunk, n_exprs, is_list, accuracy
        return compile_expr(exprs if is_list else exprs[0], vars, accuracy=accuracy, backend=backend)
    if isinstance(n_exprs, bool) or not isinstance(n_exprs, int) or n_exprs < 1:
        raise _bad(f"CompiledFn: bad expression count {n_exprs!r}")
    if not isinstance(chunk, _LoadedChunk) or len(chunk.roots) < n_exprs:
        raise _bad("CompiledFn: its expression data does not hold its expressions")
    roots = _roots(pool, chunk, len(chunk.roots), "CompiledFn")
    exprs, vars = roots[:n_exprs], roots[n_exprs:]
    if not is_list and n_exprs != 1:
        raise _bad(f"CompiledFn: {n_exprs} expressions but not compiled from a list")
    if matrix_shape is not None:
        if (not isinstance(matrix_shape, tuple) or len(matrix_shape) != 2
                or any(isinstance(d, bool) or not isinstance(d, int) or d < 0 for d in matrix_shape)
                or matrix_shape[0] * matrix_shape[1] != n_exprs or not is_list):
            raise _bad(f"CompiledFn: bad matrix shape {matrix_shape!r} for {n_exprs} expressions")
        return _core._compile(exprs, vars, True, accuracy, backend, matrix_shape, optimize)
    return compile_expr(exprs if is_list else exprs[0], vars, accuracy=accuracy, backend=backend, optimize=optimize)


def _reduce_pool(self):
    return (_rebuild_pool, ())


def _reduce_expr(self):
    chunk = _Chunk(self.pool, [self])
    # The token comes first: pickle reduces it (starting a new chain when the stream is new) before
    # the chunk decides what its base is.
    return (_rebuild_expr, (chunk.token, chunk))


def _reduce_compiled(self):
    exprs, vars = list(self.exprs), list(self.vars)
    chunk = _Chunk(exprs[0].pool, exprs + vars)
    args = (chunk.token, chunk, len(exprs), self.is_list, self.accuracy, self.backend)
    if self.matrix_shape is not None or self.optimize != "off":  # compiled from a Matrix, or optimized
        args += (self.matrix_shape, self.optimize)
    return (_rebuild_compiled, args)


def _same(self, *memo):
    return self


def install():
    for cls, reduce in ((_core.ExprPool, _reduce_pool), (_core.Expr, _reduce_expr),
                        (_core.CompiledFn, _reduce_compiled)):
        cls.__reduce__ = reduce
        cls.__copy__ = _same
        cls.__deepcopy__ = _same
