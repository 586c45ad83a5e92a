// Releasing the GIL around long C++ work (evaluation, JIT compiles, emit_c, StableHLO) so that the
// interpreter can still exit while a daemon thread is inside such a call.
//
// At exit CPython (3.11-3.13) ends a daemon thread that asks for the GIL again with pthread_exit.
// Its forced unwinding through C++ frames with noexcept destructors (nanobind's
// gil_scoped_release is one) calls std::terminate: "terminate called without an active exception",
// SIGABRT. Worse, the thread may still be running our code while the process's static destructors
// run. So the module's atexit hook (run before finalization, while threads still work) marks the
// process as exiting, asks evaluations in progress to stop (stop_evaluations) and waits,
// with the GIL released, until no thread is inside a released section. From then on a thread
// leaving such a section, or entering one, parks forever without the GIL, as CPython itself would
// leave it; nothing of ours is destroyed under it, and the process exits with its own status.
#pragma once
#include <Python.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "alkahest/interpreter.hpp"

namespace alkahest::py {

inline std::atomic<bool> g_exiting{false};
inline std::atomic<int> g_released_calls{0};  // threads between releasing and retaking the GIL
inline std::thread::id g_exit_thread;          // the thread that ran the hook (set with the GIL held)

[[noreturn]] inline void park_forever() {
  for (;;) std::this_thread::sleep_for(std::chrono::hours(24));
}

/// Releases the GIL for its lifetime (construct it with the GIL held).
class ReleasedGil {
 public:
  ReleasedGil() {
    if (g_exiting.load()) {
      // After the hook: the exiting thread itself (later atexit hooks, finalizers) works with the
      // GIL held, which it never has to take back; any other thread must not start work.
      if (std::this_thread::get_id() == g_exit_thread) return;
      PyEval_SaveThread();
      park_forever();
    }
    g_released_calls.fetch_add(1);
    state_ = PyEval_SaveThread();
  }
  ~ReleasedGil() {
    if (state_ == nullptr) return;  // kept the GIL (see above)
    if (g_exiting.load()) {
      g_released_calls.fetch_sub(1);
      park_forever();
    }
    PyEval_RestoreThread(state_);  // the hook waits for this, so finalization has not begun
    g_released_calls.fetch_sub(1);
  }
  ReleasedGil(const ReleasedGil&) = delete;
  ReleasedGil& operator=(const ReleasedGil&) = delete;

 private:
  PyThreadState* state_ = nullptr;
};

/// The atexit hook (called with the GIL held): evaluations in progress are stopped while it waits,
/// and allowed again once no other thread can start one.
inline void begin_exit() {
  g_exit_thread = std::this_thread::get_id();
  g_exiting.store(true);
  stop_evaluations(true);
  Py_BEGIN_ALLOW_THREADS
  while (g_released_calls.load() != 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  Py_END_ALLOW_THREADS
  stop_evaluations(false);
}

}  // namespace alkahest::py
