// A parallel for over indices: an atomic work counter shared by a few threads,
// the exception of the smallest failing index rethrown after all have joined;
// and a pipeline, where tasks are taken up as the calling thread finds them.
#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace ytvis {

/// Number of worker threads to use: `requested` if positive, else every core.
inline unsigned resolve_threads(int requested) {
  if (requested > 0) return static_cast<unsigned>(requested);
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1u : hw;
}

/// Calls fn(i) for every i in [0, n) on up to `threads` threads. Each index runs
/// exactly once; results must be written to slots owned by i, so the outcome does
/// not depend on scheduling. If calls throw, the exception of the smallest index
/// is rethrown, which keeps error messages deterministic too.
template <class Fn>
void parallel_for(std::size_t n, unsigned threads, Fn&& fn) {
  if (n == 0) return;
  const std::size_t workers = std::min<std::size_t>(std::max(1u, threads), n);
  if (workers == 1) {
    for (std::size_t i = 0; i < n; ++i) fn(i);
    return;
  }
  std::atomic<std::size_t> next{0};
  std::mutex error_mutex;
  std::exception_ptr error;
  std::size_t error_index = n;
  auto work = [&] {
    for (std::size_t i = next.fetch_add(1); i < n; i = next.fetch_add(1)) {
      try {
        fn(i);
      } catch (...) {
        std::lock_guard<std::mutex> lock(error_mutex);
        if (i < error_index) {
          error_index = i;
          error = std::current_exception();
        }
      }
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(workers - 1);
  for (std::size_t t = 1; t < workers; ++t) pool.emplace_back(work);
  work();
  for (auto& thread : pool) thread.join();
  if (error) std::rethrow_exception(error);
}

/// Runs produce(emit) on the calling thread while up to threads - 1 others call
/// consume(k) for k = 0, 1, ... as produce announces each task with emit() (what
/// task k reads must be written before its emit); once produce returns, the
/// calling thread takes up tasks too. Every emitted task runs exactly once, on
/// data owned by k, so the outcome does not depend on scheduling. An exception
/// from produce is rethrown, once the workers have stopped, before any from
/// consume, of which the smallest task's is rethrown.
template <class Produce, class Consume>
void pipeline(unsigned threads, Produce&& produce, Consume&& consume) {
  std::mutex mutex;
  std::condition_variable announced;
  std::size_t ready = 0, next = 0;
  bool finished = false;
  std::exception_ptr error;
  std::size_t error_index = 0;
  auto work = [&] {
    for (;;) {
      std::size_t k = 0;
      {
        std::unique_lock<std::mutex> lock(mutex);
        announced.wait(lock, [&] { return next < ready || finished; });
        if (next == ready) return;
        k = next++;
      }
      try {
        consume(k);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!error || k < error_index) {
          error_index = k;
          error = std::current_exception();
        }
      }
    }
  };
  const auto finish = [&](bool drop_pending) {
    {
      std::lock_guard<std::mutex> lock(mutex);
      finished = true;
      if (drop_pending) next = ready;
    }
    announced.notify_all();
  };
  std::vector<std::thread> pool;
  try {
    for (unsigned t = 1; t < threads; ++t) pool.emplace_back(work);
    produce([&] {
      {
        std::lock_guard<std::mutex> lock(mutex);
        ++ready;
      }
      announced.notify_one();
    });
  } catch (...) {
    finish(true);
    for (auto& thread : pool) thread.join();
    throw;
  }
  finish(false);
  work();
  for (auto& thread : pool) thread.join();
  if (error) std::rethrow_exception(error);
}

/// pipeline() with the producer on a thread of its own: meanwhile the calling
/// thread runs beside() (other work, with threads of its own if it likes), then
/// takes up the tasks produce announces with emit() as consume(k), as the
/// producing thread does once produce returns. The calling thread thus joins in
/// only once its own work is done, instead of a third thread crowding two.
/// Exceptions are rethrown once both threads are done: beside()'s first (the
/// pending tasks then dropped), then produce's, then consume's smallest task's.
template <class Produce, class Consume, class Beside>
void pipeline_beside(Produce&& produce, Consume&& consume, Beside&& beside) {
  std::mutex mutex;
  std::condition_variable announced;
  std::size_t ready = 0, next = 0;
  bool finished = false, dropped = false;
  std::exception_ptr produce_error, consume_error;
  std::size_t error_index = 0;
  auto work = [&] {
    for (;;) {
      std::size_t k = 0;
      {
        std::unique_lock<std::mutex> lock(mutex);
        announced.wait(lock, [&] { return next < ready || finished || dropped; });
        if (dropped || next == ready) return;
        k = next++;
      }
      try {
        consume(k);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!consume_error || k < error_index) {
          error_index = k;
          consume_error = std::current_exception();
        }
      }
    }
  };
  std::thread producer([&] {
    std::exception_ptr error;
    try {
      produce([&] {
        {
          std::lock_guard<std::mutex> lock(mutex);
          ++ready;
        }
        announced.notify_one();
      });
    } catch (...) {
      error = std::current_exception();
    }
    {
      std::lock_guard<std::mutex> lock(mutex);
      finished = true;
      produce_error = error;
      if (error) dropped = true;
    }
    announced.notify_all();
    work();
  });
  std::exception_ptr beside_error;
  try {
    beside();
  } catch (...) {
    beside_error = std::current_exception();
    {
      std::lock_guard<std::mutex> lock(mutex);
      dropped = true;
    }
    announced.notify_all();
  }
  work();
  producer.join();
  if (beside_error) std::rethrow_exception(beside_error);
  if (produce_error) std::rethrow_exception(produce_error);
  if (consume_error) std::rethrow_exception(consume_error);
}

}  // namespace ytvis
