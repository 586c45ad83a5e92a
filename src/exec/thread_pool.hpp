// A process-wide pool of worker threads for the batch driver: started on first use, grown on demand,
// so a call that splits a batch costs a wake-up rather than a thread creation. The calling thread
// always takes part, so nested or concurrent callers cannot deadlock waiting for busy workers.
#pragma once
#include <functional>

namespace alkahest::exec {

/// Runs task(0), ..., task(n - 1), task(0) on the calling thread and the others on pool workers
/// (or on the caller when no worker is free), and returns when all have finished. Exceptions
/// thrown by tasks must be caught by the tasks themselves.
void parallel_for(int n, const std::function<void(int)>& task);

}  // namespace alkahest::exec
