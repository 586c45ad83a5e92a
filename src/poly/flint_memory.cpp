// FLINT's large scratch blocks, kept for the next call on the same thread.
//
// FLINT's dense multiplication (fmpz_mpoly_mul's array methods, used by expand for dense
// products) allocates an array of a few hundred kilobytes to megabytes, clears it and frees it on
// every call. glibc gives a block of that size back to the kernel when it is freed (an mmap'd
// block, or the top of the heap trimmed), so the next call pays a page fault per 4 KiB page
// while it clears the array: a tenth of a millisecond, 7% of expand((x+y+z+w)**15 * (...)).
//
// When FLINT's memory functions are still its own (malloc-based) defaults, they are wrapped: a
// freed block of at least kMinBlock bytes (and at most kMaxBlock) is kept in one of two slots of
// the freeing thread, and an allocation that fits a kept block gets it back. Everything else goes
// to the functions that were installed before. Blocks are malloc'd in either case, so a block
// from one route may be freed by the other. A program that has installed its own FLINT memory
// functions keeps them: nothing is wrapped then.
#include <cstddef>
#include <cstring>
#include <mutex>
#include <utility>

#include "poly/flint_compat.hpp"

#if defined(__GLIBC__)
#include <dlfcn.h>
#include <malloc.h>
#define ALKAHEST_FLINT_SCRATCH 1
#else
#define ALKAHEST_FLINT_SCRATCH 0
#endif

namespace alkahest::poly_detail {

#if ALKAHEST_FLINT_SCRATCH
namespace {

using AllocFn = void* (*)(size_t);
using CallocFn = void* (*)(size_t, size_t);
using ReallocFn = void* (*)(void*, size_t);
using FreeFn = void (*)(void*);

AllocFn prev_alloc = nullptr;
CallocFn prev_calloc = nullptr;
ReallocFn prev_realloc = nullptr;
FreeFn prev_free = nullptr;

constexpr std::size_t kMinBlock = std::size_t{128} << 10;  // below: glibc's heap keeps it anyway
constexpr std::size_t kMaxBlock = std::size_t{32} << 20;   // at most 2 x 32 MiB held per thread

// Two kept blocks per thread. Plain data (valid until the thread ends); the Reaper frees them when
// the thread's destructors run, and FLINT's own thread-exit frees after that go straight through.
struct Kept {
  void* block[2];
  std::size_t size[2];
  bool dead;
  // The smallest kept block of at least n bytes, taken out of its slot; nullptr if none.
  void* take(std::size_t n) {
    int best = -1;
    for (int i = 0; i < 2; ++i)
      if (block[i] != nullptr && size[i] >= n && (best < 0 || size[i] < size[best])) best = i;
    if (best < 0) return nullptr;
    void* p = block[best];
    block[best] = nullptr;
    size[best] = 0;
    return p;
  }
  bool keep(void* p, std::size_t n);
};

thread_local Kept kept{};

struct Reaper {
  ~Reaper() {
    kept.dead = true;
    for (void*& p : kept.block)
      if (p != nullptr) prev_free(std::exchange(p, nullptr));
  }
};
thread_local Reaper reaper;

bool Kept::keep(void* p, std::size_t n) {
  if (dead) return false;
  for (int i = 0; i < 2; ++i)
    if (block[i] == nullptr) {
      (void)&reaper;  // constructed on first use in this thread, so that its destructor runs
      block[i] = p;
      size[i] = n;
      return true;
    }
  return false;
}

void* scratch_alloc(size_t n) {
  if (n >= kMinBlock)
    if (void* p = kept.take(n)) return p;
  return prev_alloc(n);
}

void* scratch_calloc(size_t count, size_t each) {
  if (each != 0 && count <= static_cast<size_t>(-1) / each && count * each >= kMinBlock)
    if (void* p = kept.take(count * each)) return std::memset(p, 0, count * each);
  return prev_calloc(count, each);
}

void* scratch_realloc(void* p, size_t n) { return prev_realloc(p, n); }

void scratch_free(void* p) {
  if (p == nullptr) return;
  const std::size_t n = malloc_usable_size(p);
  if (n >= kMinBlock && n <= kMaxBlock && kept.keep(p, n)) return;
  prev_free(p);
}

// Whether FLINT's memory functions are the ones it was built with (they live in the same shared
// object as flint_malloc itself; if FLINT is linked statically, in ours: the same test holds).
bool flint_defaults(AllocFn alloc, FreeFn free) {
  Dl_info a{}, f{}, ref{};
  if (dladdr(reinterpret_cast<void*>(alloc), &a) == 0 || dladdr(reinterpret_cast<void*>(free), &f) == 0 ||
      dladdr(reinterpret_cast<void*>(&flint_malloc), &ref) == 0)
    return false;
  return a.dli_fbase == ref.dli_fbase && f.dli_fbase == ref.dli_fbase;
}

}  // namespace

static void install_scratch() {
  static std::once_flag once;
  std::call_once(once, [] {
    AllocFn alloc = nullptr;
    CallocFn calloc_fn = nullptr;
    ReallocFn realloc_fn = nullptr;
    FreeFn free_fn = nullptr;
    __flint_get_memory_functions(&alloc, &calloc_fn, &realloc_fn, &free_fn);
    if (!flint_defaults(alloc, free_fn)) return;
    prev_alloc = alloc;
    prev_calloc = calloc_fn;
    prev_realloc = realloc_fn;
    prev_free = free_fn;
    __flint_set_memory_functions(scratch_alloc, scratch_calloc, scratch_realloc, scratch_free);
  });
}
#else
static void install_scratch() {}
#endif

namespace {
// FLINT keeps per-thread caches (fmpz's free mpz structs and their limbs, Arb's constants) that
// only flint_cleanup() frees; a thread that used FLINT through alkahest calls it when it ends, so
// that worker threads do not leak them. Constructed before the thread's first FLINT call (and so
// before its Reaper), destroyed after it.
struct FlintThreadCleanup {
  ~FlintThreadCleanup() { flint_cleanup(); }
};
thread_local FlintThreadCleanup flint_thread_cleanup;
}  // namespace

void keep_flint_scratch() {
  (void)&flint_thread_cleanup;
  install_scratch();
}

}  // namespace alkahest::poly_detail
