// Bindings of the StableHLO exporter.
#include <nanobind/stl/string.h>

#include "alkahest/export.hpp"
#include "bindings.hpp"

namespace alkahest::py {

void bind_stablehlo(nb::module_& m) {
  m.def(
      "to_stablehlo",
      [](nb::handle expr_or_list, nb::handle vars, std::string fn_name, nb::handle dtype, nb::handle shape,
         nb::handle optimize) {
        ExportInput in = export_input(expr_or_list, vars, "to_stablehlo");
        const Optimize mode = optimize_mode(optimize, "to_stablehlo");
        StableHloOptions opt;
        opt.fn_name = std::move(fn_name);
        opt.type = export_type(dtype, "to_stablehlo");
        auto dim = [](nb::handle h) {
          if (nb::isinstance<nb::bool_>(h) || !PyIndex_Check(h.ptr()))
            throw nb::type_error("to_stablehlo: shape must be an int or a tuple of ints");
          nb::int_ value(h);
          int overflow = 0;
          const long long d = PyLong_AsLongLongAndOverflow(value.ptr(), &overflow);
          if (d == -1 && PyErr_Occurred()) throw nb::python_error();
          if (overflow != 0 || d >= (1LL << 62))  // beyond int64 (or near it: sizes multiply)
            throw nb::value_error(("to_stablehlo: shape entry " + nb::cast<std::string>(nb::str(value)) +
                                   " is too large (at most 2**62 - 1)").c_str());
          if (d < 0) throw nb::value_error(("to_stablehlo: shape entries must be >= 0, got " + std::to_string(d)).c_str());
          return static_cast<std::int64_t>(d);
        };
        if (nb::isinstance<nb::tuple>(shape) || nb::isinstance<nb::list>(shape)) {
          for (nb::handle h : shape) opt.shape.push_back(dim(h));
        } else {
          opt.shape.push_back(dim(shape));
        }
        Program prog = in.lower("to_stablehlo", mode);
        ReleasedGil release;
        return emit_stablehlo(prog, opt);
      },
      nb::arg("expr_or_list"), nb::arg("vars"), nb::arg("fn_name") = "main", nb::arg("dtype") = "f64",
      nb::arg("shape") = nb::tuple(), nb::arg("optimize") = false,
      "Textual StableHLO (MLIR) module with one func.func computing expr_or_list elementwise\n"
      "(see docs/exporters.md for the ops and the composites; optimize as in compile_expr).\n\n"
      ">>> from alkahest import ExprPool, to_stablehlo\n>>> x, y = ExprPool().symbols(\"x y\")\n"
      ">>> print(to_stablehlo(x * y, [x, y], shape=(4,)))\nmodule @alkahest {\n"
      "  func.func public @main(%arg0: tensor<4xf64>, %arg1: tensor<4xf64>) -> (tensor<4xf64>) {\n"
      "    %0 = stablehlo.multiply %arg0, %arg1 : tensor<4xf64>\n    return %0 : tensor<4xf64>\n  }\n}\n"
      "<BLANKLINE>\n");
}

}  // namespace alkahest::py
