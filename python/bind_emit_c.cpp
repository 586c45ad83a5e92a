// Bindings of the emit_c exporter (filled in by its implementation).
#include "bindings.hpp"

namespace alkahest::py {

void bind_emit_c(nb::module_&) {}

}  // namespace alkahest::py
