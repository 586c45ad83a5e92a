// Helpers shared by the simplify passes: rebuilding a node from new arguments, and an iterative
// bottom-up rewrite of the DAG (each node once, no recursion on the C stack).
#pragma once
#include <unordered_map>
#include <utility>
#include <vector>

#include "alkahest/pool.hpp"

namespace alkahest::simplify_detail {

/// A node like `id` with its arguments replaced by `args`, re-canonicalised.
inline ExprId rebuild(ExprPool& pool, ExprId id, std::vector<ExprId>& args) {
  const Node& n = pool.node(id);
  switch (n.kind) {
    case Kind::Add: return pool.add(args);
    case Kind::Mul: return pool.mul(args);
    case Kind::Pow: return pool.pow(args[0], args[1]);
    case Kind::Func: return pool.func(n.op, args);
    default: return id;
  }
}

/// Rewrites `root` bottom-up: every node's arguments first, then `f(rebuilt node)`.
template <class F>
ExprId bottom_up(ExprPool& pool, ExprId root, F&& f) {
  std::unordered_map<ExprId, ExprId> done;
  std::vector<std::pair<ExprId, bool>> stack{{root, false}};
  while (!stack.empty()) {
    auto [id, expanded] = stack.back();
    if (done.count(id)) {
      stack.pop_back();
      continue;
    }
    const Node& n = pool.node(id);
    if (!expanded) {
      stack.back().second = true;
      for (ExprId a : n.args)
        if (!done.count(a)) stack.push_back({a, false});
      continue;
    }
    stack.pop_back();
    std::vector<ExprId> args;
    args.reserve(n.args.size());
    bool changed = false;
    for (ExprId a : pool.node(id).args) {
      args.push_back(done.at(a));
      changed |= args.back() != a;
    }
    const ExprId rebuilt = changed ? rebuild(pool, id, args) : id;
    done.emplace(id, f(rebuilt));
  }
  return done.at(root);
}

/// Whether `e` contains any node of `targets` (sorted ids).
bool contains_any(const ExprPool& pool, ExprId e, const std::vector<ExprId>& targets);

/// Arguments of `e` seen as a sum (kind Add) or product (kind Mul): its own arguments when it is
/// one, nothing for the identity (0 or 1), else `e` alone.
std::vector<ExprId> operands(const ExprPool& pool, ExprId e, Kind kind);

}  // namespace alkahest::simplify_detail
