// Exporters: a Program as standalone C99 source (<math.h> only) or as a textual StableHLO module.
// Both compute exactly what the evaluators compute from the same Program (same operations in the
// same order, no reassociation); only the elementary-function implementations differ (the C
// library's or XLA's instead of SLEEF's).
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "alkahest/program.hpp"

namespace alkahest {

enum class ExportType { F64, F32 };

struct EmitCOptions {
  /// Name of the C function; must be a valid C identifier that is not a keyword or a <math.h>
  /// name (InvalidArgument otherwise).
  std::string fn_name = "f";
  /// Parameter names, one per input (missing or empty ones become x0, x1, ...). Names that are not
  /// valid C, or clash with keywords, <math.h> names or the generated code's own names, are made
  /// valid predictably (see c_parameter_names).
  std::vector<std::string> input_names;
  ExportType type = ExportType::F64;
  /// Also emit `void <fn_name>_batch(const T *x0, ..., T *out, size_t n)`.
  bool batch = false;
  /// Start with the #include lines, so that the text is a complete translation unit.
  bool includes = false;
  /// Written before every function definition (the helpers' "static " included), e.g.
  /// "static __device__ " for CUDA; empty for plain C.
  std::string qualifiers;
  /// Spell functions for CUDA's math library (the op table's cuda column where it has one).
  bool cuda = false;
};

/// C99 source of `prog`. One output: `T fn(T x0, ...)` returning it; several: `void fn(T x0, ...,
/// T *out)` writing out[0..k). Values used more than once become `const` temporaries.
std::string emit_c(const Program& prog, const EmitCOptions& options);

/// The parameter names emit_c uses for `names` (one per input): characters outside [A-Za-z0-9_]
/// become '_', a leading digit or reserved leading underscore gets a 'v' in front, a name that is a
/// C keyword, a <math.h> name or one of the generated code's names gets a trailing '_', and
/// repeats get '_2', '_3', ...
std::vector<std::string> c_parameter_names(const std::vector<std::string>& names, std::size_t n_inputs,
                                           std::string_view fn_name);

struct StableHloOptions {
  /// Name of the func.func; must be an MLIR bare identifier ([A-Za-z_][A-Za-z0-9_$.]*).
  std::string fn_name = "main";
  ExportType type = ExportType::F64;
  /// Static shape shared by every argument and result; empty means a scalar tensor<f64>.
  std::vector<std::int64_t> shape;
};

/// A textual MLIR module holding one `func.func public @fn_name` of elementwise stablehlo (and,
/// where StableHLO has no op, chlo) operations, one argument per input and one result per output.
std::string emit_stablehlo(const Program& prog, const StableHloOptions& options);

}  // namespace alkahest
