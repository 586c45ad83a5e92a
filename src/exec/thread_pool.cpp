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

  // After fork() only the forking thread exists in the child: forget the parent's workers.
  void reset_after_fork() {
    new (&mu_) std::mutex();
    new (&cv_) std::condition_variable();
    queue_.clear();
    workers_ = 0;
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
  static Pool* p = [] {
    auto* created = new Pool();  // never destroyed: workers may still wait on it at exit
    pthread_atfork(nullptr, nullptr, [] { pool().reset_after_fork(); });
    return created;
  }();
  return *p;
}

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
