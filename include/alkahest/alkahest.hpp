// Umbrella header of the alkahest C++ library.
#pragma once
#include "alkahest/calculus.hpp"
#include "alkahest/evalf.hpp"
#include "alkahest/errors.hpp"
#include "alkahest/export.hpp"
#include "alkahest/number.hpp"
#include "alkahest/ops.hpp"
#include "alkahest/parse.hpp"
#include "alkahest/matrix.hpp"
#include "alkahest/poly.hpp"
#include "alkahest/pool.hpp"
#include "alkahest/print.hpp"
#include "alkahest/serialize.hpp"
