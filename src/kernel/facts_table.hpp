// The set-of-classes tables behind add_facts and mul_facts, visible to the kernel so that the
// folds over a sum's or product's operands (pool.cpp) inline them: a large expansion folds
// facts tens of thousands of times.
#pragma once

#include <cstdint>

#include "alkahest/facts.hpp"

namespace alkahest::detail {

// lo[n][bs] (hi[n][bs]): the union of a class rule over the classes a in the low (high) four bits
// n of one set and the classes b in the set bs: a pair of sets costs two lookups.
struct ClassTable {
  std::uint8_t lo[16][256];
  std::uint8_t hi[16][256];
  std::uint8_t operator()(std::uint8_t as, std::uint8_t bs) const { return lo[as & 15][bs] | hi[as >> 4][bs]; }
};
extern const ClassTable kAddClasses;  // a + b (facts.cpp)
extern const ClassTable kMulClasses;  // a * b

inline Facts add_facts_inline(Facts a, Facts b) {
  Facts r;
  r.classes = kAddClasses(a.classes, b.classes);
  const bool ia = a.integer == Facts::MayInt, ib = b.integer == Facts::MayInt;
  const bool na = a.integer == Facts::MayNonInt, nb = b.integer == Facts::MayNonInt;
  if (ia && ib) r.integer = Facts::MayInt;
  else if ((ia && nb) || (na && ib)) r.integer = Facts::MayNonInt;
  else r.integer = Facts::MayInt | Facts::MayNonInt;
  return r.normalized();
}

inline Facts mul_facts_inline(Facts a, Facts b) {
  Facts r;
  r.classes = kMulClasses(a.classes, b.classes);
  r.integer = (a.integer == Facts::MayInt && b.integer == Facts::MayInt) ? Facts::MayInt
                                                                         : (Facts::MayInt | Facts::MayNonInt);
  return r.normalized();
}

}  // namespace alkahest::detail
