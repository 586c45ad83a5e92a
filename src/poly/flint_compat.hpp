// The one place that knows which FLINT is installed. FLINT 2.x (Debian 12: 2.9) ships Arb and
// Calcium as separate libraries whose headers sit at the top level (arb.h) and under calcium/;
// FLINT 3.x (Debian 13) has both inside, under flint/. Every file of src/poly includes this header
// instead of naming FLINT, Arb or Calcium headers itself.
#pragma once
#include <flint/flint.h>

#include <flint/fmpq.h>
#include <flint/fmpq_mpoly.h>
#include <flint/fmpq_mpoly_factor.h>
#include <flint/fmpq_poly.h>
#include <flint/fmpz.h>
#include <flint/fmpz_mpoly.h>
#include <flint/fmpz_mpoly_factor.h>
#include <flint/fmpz_poly.h>
#include <flint/fmpz_poly_factor.h>

#if __FLINT_RELEASE >= 30000
#include <flint/acb.h>
#include <flint/arb.h>
#include <flint/arb_fmpz_poly.h>
#include <flint/arf.h>
#define ALKAHEST_FLINT3 1
#else
#include <acb.h>
#include <arb.h>
#include <arb_fmpz_poly.h>
#include <arf.h>
#define ALKAHEST_FLINT3 0
#endif

namespace alkahest::poly_detail {

/// "FLINT 2.9.0 + Arb 2.23.0" or "FLINT 3.1.2" (what the library was built against).
inline const char* flint_description() {
#if ALKAHEST_FLINT3
  return "FLINT " FLINT_VERSION " (Arb and Calcium inside)";
#else
  return "FLINT " FLINT_VERSION " + Arb " ARB_VERSION;
#endif
}

}  // namespace alkahest::poly_detail
