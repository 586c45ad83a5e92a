#include "thread_pool.hpp"

#include <pthread.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

namespace alkahest::exec {

namespace {

constexpr std::size_t kMaxWorkers = 256;

struct Job {
  const std::function<void(int)>* task;
  int index;
  int* remaining;  // guarded by the pool mutex
  std::condition_variable* done;
};

class Pool {
 public:
  // Workers are detached and never joined: the pool lives until the process exits (a static
  // destructor joining threads can deadlock at interpreter shutdown).
  void run(int n, const std::function<void(int)>& task) {
    int remaining = n - 1;
    std::condition_variable done;
    {
      std::lock_guard<std::mutex> lock(mu_);
      for (int i = 1; i < n; ++i) queue_.push_back(Job{&task, i, &remaining, &done});
      const std::size_t want = std::min<std::size_t>(kMaxWorkers, static_cast<std::size_t>(n - 1));
      while (workers_ < want) {
        std::thread([this] { work(); }).detach();
        ++workers_;
      }
    }
    cv_.notify_all();
    task(0);
    // Help with what no worker has taken yet (ours or another caller's), then wait for ours.
    std::unique_lock<std::mutex> lock(mu_);
    while (remaining > 0) {
      if (!queue_.empty()) {
        Job job = queue_.front();
        queue_.pop_front();
        lock.unlock();
        (*job.task)(job.index);
        lock.lock();
        finish(job);
        continue;
      }
      done.wait(lock);
    }
  }

  // fork(): the prepare handler takes mu_, so the queue is not half modified when the address space
  // is copied. Only the forking thread exists in the child: it forgets the parent's workers and
  // their jobs (whose callers are gone too), replaces the condition variable (the parent's waiters
  // are counted in it and would never wake) and starts new workers on first use.
  void lock_for_fork() { mu_.lock(); }
  void unlock_after_fork() { mu_.unlock(); }
  void reset_after_fork() {
    queue_.clear();
    workers_ = 0;
    new (&cv_) std::condition_variable();
    mu_.unlock();
  }

 private:
  void finish(const Job& job) {  // with mu_ held
    if (--*job.remaining == 0) job.done->notify_all();
  }

  void work() {
    std::unique_lock<std::mutex> lock(mu_);
    for (;;) {
      cv_.wait(lock, [this] { return !queue_.empty(); });
      Job job = queue_.front();
      queue_.pop_front();
      lock.unlock();
      (*job.task)(job.index);
      lock.lock();
      finish(job);
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Job> queue_;
  std::size_t workers_ = 0;
};

Pool& pool() {
  static Pool* p = new Pool();  // never destroyed: workers may still wait on it at exit
  return *p;
}

[[maybe_unused]] const bool g_fork_handlers_installed = [] {
  pthread_atfork([] { pool().lock_for_fork(); }, [] { pool().unlock_after_fork(); },
                 [] { pool().reset_after_fork(); });
  return true;
}();

}  // namespace

void parallel_for(int n, const std::function<void(int)>& task) {
  if (n <= 0) return;
  if (n == 1) {
    task(0);
    return;
  }
  pool().run(n, task);
}

}  // namespace alkahest::exec
