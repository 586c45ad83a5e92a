# Third-party libraries of the alkahest C++ library, as imported targets.
# Shared by the build (CMakeLists.txt) and the installed package (alkahestConfig.cmake),
# so a consumer of the installed library finds them the same way.
#
#   alkahest::gmpxx          GMP and its C++ interface (gmpxx.h; links gmpxx, gmp)
#   alkahest::boost_headers  Boost headers (Boost.Math is header-only)

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
