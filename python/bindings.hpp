// Shared by the binding files of the extension module alkahest._core (python/_core.cpp and
// python/bind_*.cpp): what an exporter needs from the Python side, checked in one place.
#pragma once
#include <nanobind/nanobind.h>

#include <memory>
#include <vector>

#include "alkahest/alkahest.hpp"
#include "alkahest/program.hpp"

namespace alkahest::py {

namespace nb = nanobind;

/// The expressions and ordered variables an exporter works on, checked as compile_expr checks
/// them: one Expr or a list/tuple of Exprs (then is_list), vars a list of symbols (or one symbol),
/// everything from one pool.
struct ExportInput {
  std::shared_ptr<ExprPool> pool;
  std::vector<ExprId> exprs, vars;
  bool is_list = false;
  /// The Program every backend consumes; throws InvalidArgument (ValueError) naming a symbol of
  /// an expression that is not in vars.
  Program lower() const { return alkahest::lower(*pool, exprs, vars); }
};

/// `who` prefixes error messages ("emit_c", "to_stablehlo").
ExportInput export_input(nb::handle expr_or_list, nb::handle vars, const char* who);

// Each binding file adds its functions to the module.
void bind_emit_c(nb::module_& m);
void bind_stablehlo(nb::module_& m);

}  // namespace alkahest::py
