// The cost of a form: what lowering it costs (include/alkahest/simplify.hpp, op_count).
#include <unordered_set>

#include "alkahest/calculus.hpp"
#include "alkahest/program.hpp"
#include "alkahest/simplify.hpp"

namespace alkahest {

namespace {

// Operations of the DAG, each distinct node once: for what lower() cannot compile.
long dag_count(const ExprPool& pool, ExprId root) {
  std::unordered_set<ExprId> seen;
  std::vector<ExprId> stack{root};
  long count = 0;
  while (!stack.empty()) {
    const ExprId id = stack.back();
    stack.pop_back();
    if (!seen.insert(id).second) continue;
    const Node& n = pool.node(id);
    switch (n.kind) {
      case Kind::Add:
      case Kind::Mul: count += static_cast<long>(n.args.size()) - 1; break;
      case Kind::Pow:
      case Kind::Func: count += 1; break;
      default: break;
    }
    for (ExprId a : n.args) stack.push_back(a);
  }
  return count;
}

}  // namespace

long op_count(ExprPool& pool, ExprId expr) {
  try {
    const std::vector<ExprId> vars = free_symbols(pool, expr);
    const Program prog = lower(pool, std::span<const ExprId>(&expr, 1), vars);
    long count = 0;
    for (const Instr& in : prog.code)
      if (in.code != PCode::Input && in.code != PCode::Const) ++count;
    return count;
  } catch (const std::exception&) {
    return dag_count(pool, expr);
  }
}

}  // namespace alkahest
