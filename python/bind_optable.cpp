// The op table's rows for the Python layer (alkahest/ops.def): the SymPy bridge and to_jax read
// their spellings from here, so that no Python backend names a function of its own.
#include <nanobind/stl/string.h>
#include <nanobind/stl/tuple.h>
#include <nanobind/stl/vector.h>

#include "alkahest/ops.hpp"
#include "bindings.hpp"

namespace alkahest::py {

namespace {
const char* vm_kind_name(VmKind k) {
  switch (k) {
    case VmKind::Sleef: return "sleef";
    case VmKind::Exact: return "exact";
    case VmKind::Scalar: return "scalar";
    case VmKind::Native: return "native";
    case VmKind::Lowered: return "lowered";
    case VmKind::None: return "none";
  }
  return "none";
}
}  // namespace

void bind_optable(nb::module_& m) {
  using Row = std::tuple<std::string, int, std::string, std::string, std::string, std::string, std::string,
                         std::string, std::string, std::string, std::string, std::string>;
  m.def("_op_table", [] {
    std::vector<Row> rows;
    for (const OpInfo& r : op_table())
      rows.emplace_back(std::string(r.name), r.arity, std::string(r.latex), std::string(r.c_name),
                        std::string(r.cuda_name), std::string(r.sympy_name), std::string(r.hlo_name),
                        std::string(r.jax_name), vm_kind_name(r.vm), std::string(r.vm_fn),
                        r.inverse == Op::Count_ ? std::string() : std::string(op_info(r.inverse).name),
                        std::string(r.vm_lo) + "/" + std::string(r.vm_hi));
    return rows;
  }, "The op table's rows: (name, arity, latex, c, cuda, sympy, hlo, jax, vm, vm_fn, inverse, "
     "vm accuracy classes \"default/high\"); arity -1 means variable.");
}

}  // namespace alkahest::py
