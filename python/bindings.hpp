// Shared by the binding files of the extension module alkahest._core (python/_core.cpp and
// python/bind_*.cpp): what an exporter needs from the Python side, checked in one place.
#pragma once
#include <nanobind/nanobind.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "alkahest/alkahest.hpp"
#include "alkahest/export.hpp"
#include "alkahest/program.hpp"
#include "released_gil.hpp"

namespace alkahest::py {

namespace nb = nanobind;

/// The expressions and ordered variables an exporter works on, checked as compile_expr checks
/// them: one Expr or a list/tuple of Exprs (then is_list), vars a list of symbols (or one symbol),
/// everything from one pool.
struct ExportInput {
  std::shared_ptr<ExprPool> pool;
  std::vector<ExprId> exprs, vars;
  bool is_list = false;
  /// The Program every backend consumes; throws InvalidArgument (ValueError, prefixed with `who`)
  /// naming a symbol of an expression that is not in vars.
  Program lower(const char* who, Optimize optimize = Optimize::Off) const;
};

/// The exporters' optimize argument: False/None ("off"), True or "exact", "fast" (see
/// compile_expr); anything else is a ValueError prefixed with `who`.
Optimize optimize_mode(nb::handle optimize, const char* who);

/// `who` prefixes error messages ("emit_c", "to_stablehlo").
ExportInput export_input(nb::handle expr_or_list, nb::handle vars, const char* who);

/// The exporters' dtype argument: 'f64'/'float64'/'double', 'f32'/'float32'/'float', or a NumPy
/// dtype or scalar type of those; anything else is a ValueError prefixed with `who`.
ExportType export_type(nb::handle dtype, const char* who);

/// An expression as the binding files outside _core.cpp see it (the Expr class lives there).
struct ExprRef {
  std::shared_ptr<ExprPool> pool;
  ExprId id;
};
/// `h` as an Expr (TypeError naming `what` otherwise).
ExprRef expr_ref(nb::handle h, const char* what);
/// `h` as an expression of `pool`: an Expr of that pool or a Python number; nullopt otherwise.
std::optional<ExprRef> coerce_ref(const std::shared_ptr<ExprPool>& pool, nb::handle h);
bool is_expr(nb::handle h);
/// A Python Expr object for (pool, id).
nb::object expr_object(const std::shared_ptr<ExprPool>& pool, ExprId id);
/// A kernel number as a Python int, Fraction or float.
nb::object number_object(const Number& n);
std::string python_type_name(nb::handle h);

// Each binding file adds its functions to the module.
void bind_emit_c(nb::module_& m);
void bind_stablehlo(nb::module_& m);
void bind_cuda(nb::module_& m);
void bind_poly(nb::module_& m);
void bind_matrix(nb::module_& m);
void bind_simplify(nb::module_& m);
void bind_solve(nb::module_& m);
void bind_integrate(nb::module_& m);
void bind_series(nb::module_& m);
void bind_optable(nb::module_& m);
void bind_sum(nb::module_& m);
void bind_objects(nb::module_& m);

}  // namespace alkahest::py
