// A node of the same head with other arguments, for the bottom-up rewrites that rebuild an
// expression (integration's substitutions, limit's rewrites, calculus walks).
#pragma once
#include <span>

#include "alkahest/pool.hpp"

namespace alkahest {

/// A node of kind `kind` (and `op` for a function) with `args` as its arguments, built (and
/// normalised) by the pool; `original` for kinds that have no arguments to replace. Takes the kind
/// and op by value: a Node reference may not outlive the interning of new nodes.
inline ExprId with_args(ExprPool& pool, Kind kind, Op op, ExprId original, std::span<const ExprId> args) {
  switch (kind) {
    case Kind::Add: return pool.add(args);
    case Kind::Mul: return pool.mul(args);
    case Kind::Pow: return pool.pow(args[0], args[1]);
    case Kind::Func: return pool.func(op, args);
    default: return original;
  }
}

}  // namespace alkahest
