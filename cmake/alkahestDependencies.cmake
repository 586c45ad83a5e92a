# Third-party libraries of the alkahest C++ library, as imported targets.
# Shared by the build (CMakeLists.txt) and the installed package (alkahestConfig.cmake),
# so a consumer of the installed library finds them the same way.
#
#   alkahest::gmpxx          GMP and its C++ interface (gmpxx.h; links gmpxx, gmp)
#   alkahest::boost_headers  Boost headers (Boost.Math is header-only)
#   alkahest::mpfr           MPFR (mpfr.h, libmpfr): correctly rounded doubles and floats of exact numbers

if(NOT TARGET alkahest::gmpxx)
  find_path(ALKAHEST_GMPXX_INCLUDE_DIR gmpxx.h)
  find_library(ALKAHEST_GMPXX_LIBRARY gmpxx)
  find_library(ALKAHEST_GMP_LIBRARY gmp)
  if(NOT ALKAHEST_GMPXX_INCLUDE_DIR OR NOT ALKAHEST_GMPXX_LIBRARY OR NOT ALKAHEST_GMP_LIBRARY)
    message(FATAL_ERROR
      "alkahest needs GMP with its C++ interface (gmpxx.h, libgmpxx, libgmp). "
      "On Debian: apt-get install libgmp-dev (or run `make deps`).")
  endif()
  add_library(alkahest::gmpxx INTERFACE IMPORTED)
  set_target_properties(alkahest::gmpxx PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${ALKAHEST_GMPXX_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${ALKAHEST_GMPXX_LIBRARY};${ALKAHEST_GMP_LIBRARY}")
endif()

if(NOT TARGET alkahest::mpfr)
  find_path(ALKAHEST_MPFR_INCLUDE_DIR mpfr.h)
  find_library(ALKAHEST_MPFR_LIBRARY mpfr)
  if(NOT ALKAHEST_MPFR_INCLUDE_DIR OR NOT ALKAHEST_MPFR_LIBRARY)
    message(FATAL_ERROR
      "alkahest needs MPFR (mpfr.h, libmpfr). "
      "On Debian: apt-get install libmpfr-dev (or run `make deps`).")
  endif()
  add_library(alkahest::mpfr INTERFACE IMPORTED)
  set_target_properties(alkahest::mpfr PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${ALKAHEST_MPFR_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${ALKAHEST_MPFR_LIBRARY};${ALKAHEST_GMP_LIBRARY}")
endif()

if(NOT TARGET alkahest::boost_headers)
  # Only headers are needed; a plain header search avoids FindBoost/BoostConfig policy churn
  # across CMake 3.18 .. 4.x.
  find_path(ALKAHEST_BOOST_INCLUDE_DIR boost/math/special_functions/polygamma.hpp)
  if(NOT ALKAHEST_BOOST_INCLUDE_DIR)
    message(FATAL_ERROR
      "alkahest needs the Boost headers (Boost.Math). "
      "On Debian: apt-get install libboost-dev (or run `make deps`).")
  endif()
  add_library(alkahest::boost_headers INTERFACE IMPORTED)
  set_target_properties(alkahest::boost_headers PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${ALKAHEST_BOOST_INCLUDE_DIR}")
endif()

#   alkahest::sleef          SLEEF vector math (sleef.h, libsleef), for the interpreter
if(NOT TARGET alkahest::sleef)
  find_path(ALKAHEST_SLEEF_INCLUDE_DIR sleef.h)
  find_library(ALKAHEST_SLEEF_LIBRARY sleef)
  if(NOT ALKAHEST_SLEEF_INCLUDE_DIR OR NOT ALKAHEST_SLEEF_LIBRARY)
    message(FATAL_ERROR
      "alkahest needs SLEEF (sleef.h, libsleef). "
      "On Debian: apt-get install libsleef-dev (or run `make deps`).")
  endif()
  add_library(alkahest::sleef INTERFACE IMPORTED)
  set_target_properties(alkahest::sleef PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${ALKAHEST_SLEEF_INCLUDE_DIR}"
    INTERFACE_LINK_LIBRARIES "${ALKAHEST_SLEEF_LIBRARY}")
endif()

#   alkahest::llvm           LLVM (ORC JIT, the shared libLLVM), for the JIT tier. ALKAHEST_LLVM:
#                            AUTO (default) uses it when found, ON requires it, OFF leaves it out.
#                            ALKAHEST_LLVM_STATIC=ON links LLVM's static component libraries instead.
if(NOT DEFINED ALKAHEST_LLVM)
  set(ALKAHEST_LLVM AUTO)
endif()
if(NOT TARGET alkahest::llvm AND NOT ALKAHEST_LLVM STREQUAL "OFF")
  # Newest first; Debian installs each major version under /usr/lib/llvm-<N>.
  foreach(_v 21 20 19 18 17)
    list(APPEND _alkahest_llvm_hints "/usr/lib/llvm-${_v}/lib/cmake/llvm")
  endforeach()
  if(ALKAHEST_LLVM_STATIC AND NOT TARGET zstd::libzstd_shared)
    # LLVMSupport's link interface names this target, which only zstd's own CMake files (not in
    # Debian's runtime package) define.
    find_library(ALKAHEST_ZSTD_LIBRARY NAMES zstd libzstd.so.1)
    if(ALKAHEST_ZSTD_LIBRARY)
      add_library(zstd::libzstd_shared UNKNOWN IMPORTED)
      set_target_properties(zstd::libzstd_shared PROPERTIES IMPORTED_LOCATION "${ALKAHEST_ZSTD_LIBRARY}")
    endif()
  endif()
  find_package(LLVM CONFIG QUIET HINTS ${_alkahest_llvm_hints})
  if(LLVM_FOUND AND LLVM_VERSION_MAJOR VERSION_GREATER_EQUAL 17 AND ALKAHEST_LLVM_STATIC)
    # The portable wheel (make wheel): only the components the JIT uses, from LLVM's static
    # libraries, so the extension needs no libLLVM (129 MB with z3, ICU, libxml2) at run time.
    # LLVMSupport names libz3/libxml2 for features the JIT never calls: the extension links with
    # --as-needed (CMakeLists.txt), which drops them.
    llvm_map_components_to_libnames(_alkahest_llvm_libs orcjit native)
    add_library(alkahest::llvm INTERFACE IMPORTED)
    set_target_properties(alkahest::llvm PROPERTIES
      INTERFACE_INCLUDE_DIRECTORIES "${LLVM_INCLUDE_DIRS}"
      INTERFACE_LINK_LIBRARIES "${_alkahest_llvm_libs}")
  elseif(LLVM_FOUND AND LLVM_VERSION_MAJOR VERSION_GREATER_EQUAL 17 AND TARGET LLVM)
    add_library(alkahest::llvm INTERFACE IMPORTED)
    set_target_properties(alkahest::llvm PROPERTIES
      INTERFACE_INCLUDE_DIRECTORIES "${LLVM_INCLUDE_DIRS}"
      INTERFACE_LINK_LIBRARIES LLVM)
  elseif(ALKAHEST_LLVM STREQUAL "ON")
    message(FATAL_ERROR
      "ALKAHEST_LLVM=ON but no LLVM >= 17 with its shared library was found. "
      "On Debian: apt-get install llvm-19-dev (or run `make deps`).")
  endif()
endif()

#   alkahest::flint          FLINT (exact polynomial arithmetic), with Arb (certified numerics) and
#                            Calcium (exact algebraic numbers): separate libraries with FLINT 2.x
#                            (Debian 12: libflint-dev, libflint-arb-dev, libcalcium-dev), inside
#                            libflint with FLINT 3.x (Debian 13). MPFR comes with them.
if(NOT TARGET alkahest::flint)
  find_path(ALKAHEST_FLINT_INCLUDE_DIR flint/flint.h)
  find_library(ALKAHEST_FLINT_LIBRARY flint)
  find_library(ALKAHEST_MPFR_LIBRARY mpfr)
  if(NOT ALKAHEST_FLINT_INCLUDE_DIR OR NOT ALKAHEST_FLINT_LIBRARY OR NOT ALKAHEST_MPFR_LIBRARY)
    message(FATAL_ERROR
      "alkahest needs FLINT and MPFR (flint/flint.h, libflint, libmpfr). "
      "On Debian: apt-get install libflint-dev libmpfr-dev (Debian 12 also libflint-arb-dev "
      "libcalcium-dev), or run `make deps`.")
  endif()
  file(STRINGS "${ALKAHEST_FLINT_INCLUDE_DIR}/flint/flint.h" _alkahest_flint_major
       REGEX "^#define __FLINT_VERSION [0-9]+")
  string(REGEX MATCH "[0-9]+$" _alkahest_flint_major "${_alkahest_flint_major}")
  set(_alkahest_flint_libs "${ALKAHEST_FLINT_LIBRARY}")
  set(_alkahest_flint_includes "${ALKAHEST_FLINT_INCLUDE_DIR}")
  if(_alkahest_flint_major LESS 3)
    # FLINT 2.x: Arb (headers at the top level: arb.h; Debian names the library flint-arb) and
    # Calcium (calcium/*.h) are separate.
    find_path(ALKAHEST_ARB_INCLUDE_DIR arb_fmpz_poly.h PATH_SUFFIXES arb)
    find_library(ALKAHEST_ARB_LIBRARY NAMES flint-arb arb)
    find_path(ALKAHEST_CALCIUM_INCLUDE_DIR calcium/qqbar.h)
    find_library(ALKAHEST_CALCIUM_LIBRARY calcium)
    if(NOT ALKAHEST_ARB_INCLUDE_DIR OR NOT ALKAHEST_ARB_LIBRARY OR NOT ALKAHEST_CALCIUM_INCLUDE_DIR
       OR NOT ALKAHEST_CALCIUM_LIBRARY)
      message(FATAL_ERROR
        "alkahest with FLINT ${_alkahest_flint_major}.x needs Arb and Calcium too (arb_fmpz_poly.h, "
        "calcium/qqbar.h, libflint-arb, libcalcium). On Debian 12: apt-get install libflint-arb-dev "
        "libcalcium-dev (or run `make deps`).")
    endif()
    list(APPEND _alkahest_flint_includes "${ALKAHEST_ARB_INCLUDE_DIR}" "${ALKAHEST_CALCIUM_INCLUDE_DIR}")
    set(_alkahest_flint_libs "${ALKAHEST_CALCIUM_LIBRARY};${ALKAHEST_ARB_LIBRARY};${ALKAHEST_FLINT_LIBRARY}")
  endif()
  list(APPEND _alkahest_flint_libs "${ALKAHEST_MPFR_LIBRARY}")
  list(REMOVE_DUPLICATES _alkahest_flint_includes)
  add_library(alkahest::flint INTERFACE IMPORTED)
  set_target_properties(alkahest::flint PROPERTIES
    INTERFACE_INCLUDE_DIRECTORIES "${_alkahest_flint_includes}"
    INTERFACE_LINK_LIBRARIES "${_alkahest_flint_libs}")
endif()
