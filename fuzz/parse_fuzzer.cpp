// libFuzzer target: parse arbitrary bytes; whatever parses must print and read back to the very
// same node (hash-consing makes that one comparison), and its derivative must print too.
// Build and run with `make fuzz` (clang, ASan + UBSan); CI runs it for a minute.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "alkahest/alkahest.hpp"

using namespace alkahest;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 4096) return -1;  // long inputs add nothing the short ones do not reach; keep runs fast
  const std::string_view source(reinterpret_cast<const char*>(data), size);
  ExprPool pool;
  ExprId e;
  try {
    e = parse(pool, source);
  } catch (const ParseError&) {
    return 0;  // rejected with a position: fine
  } catch (const InvalidArgument&) {
    return 0;  // e.g. polygamma of a non-integer order
  } catch (const DivisionByZero&) {
    return 0;  // 1/0 written out
  } catch (const AlkahestError&) {
    return 0;  // other documented refusals (limits on sizes)
  }
  const std::string text = to_string(pool, e);
  ExprId back;
  try {
    back = parse(pool, text);
  } catch (const std::exception& err) {
    fprintf(stderr, "printed form does not parse: %s\n  input: %.*s\n  printed: %s\n", err.what(),
            static_cast<int>(size), reinterpret_cast<const char*>(data), text.c_str());
    __builtin_trap();
  }
  if (back != e) {
    fprintf(stderr, "round trip changed the expression\n  printed: %s\n  reread:  %s\n", text.c_str(),
            to_string(pool, back).c_str());
    __builtin_trap();
  }
  for (ExprId v : free_symbols(pool, e)) {
    try {
      (void)to_string(pool, diff(pool, e, v));
    } catch (const InvalidArgument&) {  // e.g. d/dn polygamma(n, x): documented
    }
    break;  // one derivative per input keeps the run fast
  }
  return 0;
}
