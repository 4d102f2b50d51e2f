// worker_processes.h -- work split over forked processes, for code that cannot share one process
// between threads (SystemC's kernel is single-threaded and global). Each worker returns a string
// (its result, serialised by the caller) over a pipe.
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace tesa {

// Runs work(0) .. work(n-1), each in its own forked child, and returns their results in order.
// n == 1 runs work(0) in this process. A child that throws has its message carried back; once
// every child is reaped, the first failure (in index order) -- a thrown error, a child killed by a
// signal or one that died without replying -- is thrown here as Error, prefixed by `who`.
std::vector<std::string> run_in_worker_processes(int n, const std::function<std::string(int)>& work, const std::string& who);

}  // namespace tesa
