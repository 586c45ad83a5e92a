// The one hash-combining step of the library: deterministic across processes (unlike std::hash),
// so structural hashes, and everything ordered or cached by them, are reproducible.
#pragma once
#include <cstdint>

namespace alkahest {

inline std::uint64_t hash_mix(std::uint64_t h, std::uint64_t v) {
  h ^= v + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);  // splitmix64-style finaliser
  h ^= h >> 31;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  return h;
}

}  // namespace alkahest
