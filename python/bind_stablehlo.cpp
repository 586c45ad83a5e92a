// Bindings of the stablehlo exporter (filled in by its implementation).
#include "bindings.hpp"

namespace alkahest::py {

void bind_stablehlo(nb::module_&) {}

}  // namespace alkahest::py
