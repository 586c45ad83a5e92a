// One walk over the distinct nodes of an expression (a DAG: a shared subexpression is seen once),
// for the many "does it contain ..." and "collect every ..." questions.
#pragma once
#include <unordered_set>
#include <vector>

#include "alkahest/pool.hpp"

namespace alkahest {

/// Calls `visit(id, node)` once per distinct node reachable from `root` (depth first, arguments
/// in order), iteratively (deep expressions do not recurse). Returns true, and stops, as soon as a
/// call returns true; false when none did.
template <class Visit>
bool any_node(const ExprPool& pool, ExprId root, Visit&& visit) {
  std::vector<ExprId> stack{root};
  std::unordered_set<ExprId> seen;
  while (!stack.empty()) {
    const ExprId id = stack.back();
    stack.pop_back();
    if (!seen.insert(id).second) continue;
    const Node& n = pool.node(id);
    if (visit(id, n)) return true;
    for (ExprId a : n.args) stack.push_back(a);
  }
  return false;
}

}  // namespace alkahest
