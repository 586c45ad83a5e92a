// Differentiation, substitution and point evaluation. All walk the DAG iteratively with a memo, so
// shared subexpressions are visited once and deep expressions do not overflow the C stack.
#pragma once
#include <span>
#include <unordered_map>
#include <vector>

#include "alkahest/pool.hpp"

namespace alkahest {

/// d expr / d var. `var` must be a symbol (InvalidArgument otherwise).
ExprId diff(ExprPool& pool, ExprId expr, ExprId var);
/// [d expr / d v for v in vars].
std::vector<ExprId> grad(ExprPool& pool, ExprId expr, std::span<const ExprId> vars);
/// Replaces each key (any expression, usually a symbol) by its value, then re-canonicalises.
ExprId subs(ExprPool& pool, ExprId expr, const std::unordered_map<ExprId, ExprId>& mapping);
/// Value at a point. Every free symbol must be bound (InvalidArgument naming the missing one).
double eval(const ExprPool& pool, ExprId expr, const std::unordered_map<ExprId, double>& values);
/// Free symbols in canonical order.
std::vector<ExprId> free_symbols(const ExprPool& pool, ExprId expr);

}  // namespace alkahest
