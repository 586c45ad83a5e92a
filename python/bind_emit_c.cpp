// Bindings of the exporters: emit_c (C99 source) and the dtype/name arguments both exporters share.
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "alkahest/export.hpp"
#include "bindings.hpp"

namespace alkahest::py {

ExportType export_type(nb::handle dtype, const char* who) {
  std::string s;
  if (nb::isinstance<nb::str>(dtype)) {
    s = nb::cast<std::string>(dtype);
  } else if (nb::hasattr(dtype, "name") && nb::isinstance<nb::str>(dtype.attr("name"))) {  // numpy.dtype
    s = nb::cast<std::string>(dtype.attr("name"));
  } else if (nb::hasattr(dtype, "__name__")) {  // numpy.float32 and the like
    s = nb::cast<std::string>(nb::str(dtype.attr("__name__")));
  }
  if (s == "f64" || s == "float64" || s == "double") return ExportType::F64;
  if (s == "f32" || s == "float32" || s == "float") return ExportType::F32;
  throw nb::value_error((std::string(who) + ": dtype must be 'f64' (float64) or 'f32' (float32), got " +
                         nb::cast<std::string>(nb::repr(dtype)))
                            .c_str());
}

Optimize optimize_mode(nb::handle optimize, const char* who) {
  if (optimize.is_none() || optimize.is(nb::handle(Py_False))) return Optimize::Off;
  if (optimize.is(nb::handle(Py_True))) return Optimize::Exact;
  if (nb::isinstance<nb::str>(optimize)) {
    const std::string s = nb::cast<std::string>(optimize);
    if (s == "off") return Optimize::Off;
    if (s == "exact") return Optimize::Exact;
    if (s == "fast") return Optimize::Fast;
  }
  throw nb::value_error((std::string(who) + ": optimize must be False, True, 'exact' or 'fast', not " +
                         nb::cast<std::string>(nb::repr(optimize)))
                            .c_str());
}

Program ExportInput::lower(const char* who, Optimize optimize) const {
  try {
    if (optimize != Optimize::Off) return lower_optimized(*pool, exprs, vars, OptimizeOptions{optimize});
    return alkahest::lower(*pool, exprs, vars);
  } catch (const InvalidArgument& e) {  // "compile: ..." -> "<who>: ..."
    std::string msg = e.what();
    if (msg.rfind("compile: ", 0) == 0) msg = std::string(who) + ": " + msg.substr(9);
    throw InvalidArgument(msg);
  }
}

void bind_emit_c(nb::module_& m) {
  m.def(
      "emit_c",
      [](nb::handle expr_or_list, nb::handle vars, nb::handle var_name, std::string fn_name, nb::handle dtype,
         bool batch, bool includes, nb::handle optimize) {
        ExportInput in = export_input(expr_or_list, vars, "emit_c");
        const Optimize mode = optimize_mode(optimize, "emit_c");
        EmitCOptions opt;
        opt.fn_name = std::move(fn_name);
        opt.type = export_type(dtype, "emit_c");
        opt.batch = batch;
        opt.includes = includes;
        if (var_name.is_none()) {
          for (ExprId v : in.vars) opt.input_names.push_back(in.pool->node(v).name);
        } else {
          if (nb::isinstance<nb::str>(var_name)) {
            opt.input_names.push_back(nb::cast<std::string>(var_name));
          } else if (nb::isinstance<nb::list>(var_name) || nb::isinstance<nb::tuple>(var_name)) {
            for (nb::handle h : var_name) {
              if (!nb::isinstance<nb::str>(h))
                throw nb::type_error("emit_c: var_name must be a string or a list of strings");
              opt.input_names.push_back(nb::cast<std::string>(h));
            }
          } else {
            throw nb::type_error("emit_c: var_name must be a string or a list of strings");
          }
          if (opt.input_names.size() != in.vars.size())
            throw nb::value_error(("emit_c: var_name gives " + std::to_string(opt.input_names.size()) +
                                   " name(s) for " + std::to_string(in.vars.size()) + " variable(s)")
                                      .c_str());
          // Names the caller chose are used as given or refused, never silently changed.
          std::vector<std::string> made = c_parameter_names(opt.input_names, opt.input_names.size(), opt.fn_name);
          for (std::size_t k = 0; k < made.size(); ++k)
            if (made[k] != opt.input_names[k])
              throw nb::value_error(("emit_c: var_name '" + opt.input_names[k] +
                                     "' cannot be a C parameter name (not an identifier, a C keyword, a "
                                     "<math.h> name, a name the generated code uses, or a repeat); '" +
                                     made[k] + "' would do")
                                        .c_str());
        }
        Program prog = in.lower("emit_c", mode);
        ReleasedGil release;
        return emit_c(prog, opt);
      },
      nb::arg("expr_or_list"), nb::arg("vars"), nb::arg("var_name") = nb::none(), nb::arg("fn_name") = "f",
      nb::arg("dtype") = "f64", nb::arg("batch") = false, nb::arg("includes") = false,
      nb::arg("optimize") = false,
      "C99 source of a function computing expr_or_list over vars; only <math.h> is needed (see\n"
      "docs/exporters.md: dtype='f32', batch=True, includes=True, several outputs; optimize as in\n"
      "compile_expr).\n\n"
      ">>> from alkahest import ExprPool, emit_c, exp, sin\n>>> pool = ExprPool()\n"
      ">>> x = pool.symbol(\"x\")\n"
      ">>> print(emit_c(sin(x) * exp(pool.integer(-1) * x), [x], var_name=\"x\", fn_name=\"damped_sin\"))\n"
      "double damped_sin(double x) { return sin(x) * exp(-x); }\n<BLANKLINE>\n");
}

}  // namespace alkahest::py
