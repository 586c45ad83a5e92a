"""Pickling and copying of Expr, ExprPool and CompiledFn.

An expression pickles as its pool and its text (printing and parsing round-trip exactly: exact
integers and rationals, floats by their shortest exact decimal); the pool pickles as an empty pool,
so everything pickled together lands in one new pool again (pickle shares the pool object), and
`parse` rebuilds the nodes there. A CompiledFn pickles as its expressions, variables, accuracy and
backend and compiles again on load. This is what multiprocessing, concurrent.futures and Dask
need to send them to workers.

copy.copy and copy.deepcopy return the object itself: expressions and compiled functions are
immutable, and a deep copy in another pool would only make them incompatible with their originals.
"""

from __future__ import annotations

import weakref

from . import _core


def _rebuild_pool():
    return _core.ExprPool()


def _rebuild_expr(pool, text):
    return _core.parse(text, pool)


def _rebuild_compiled(exprs, vars, is_list, accuracy, backend):
    from .evaluate import compile_expr

    return compile_expr(exprs if is_list else exprs[0], vars, accuracy=accuracy, backend=backend)


class _PoolToken:
    """Stands for one pool while pickling: `Expr.pool` makes a new wrapper object at each access,
    and pickle shares objects by identity, so every expression of a pool refers to one token."""

    def __reduce__(self):
        return (_rebuild_pool, ())


_tokens: "weakref.WeakValueDictionary" = weakref.WeakValueDictionary()


def _token(pool) -> _PoolToken:
    token = _tokens.get(pool)  # ExprPool hashes and compares by the pool it wraps
    if token is None:
        token = _tokens[pool] = _PoolToken()
    return token


def _reduce_pool(self):
    return (_rebuild_pool, ())


def _reduce_expr(self):
    return (_rebuild_expr, (_token(self.pool), str(self)))


def _reduce_compiled(self):
    return (_rebuild_compiled, (list(self.exprs), list(self.vars), self.is_list, self.accuracy, self.backend))


def _same(self, *memo):
    return self


def install():
    for cls, reduce in ((_core.ExprPool, _reduce_pool), (_core.Expr, _reduce_expr),
                        (_core.CompiledFn, _reduce_compiled)):
        cls.__reduce__ = reduce
        cls.__copy__ = _same
        cls.__deepcopy__ = _same
