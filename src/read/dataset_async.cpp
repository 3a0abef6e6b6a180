// Dataset::ReadAsync: reads on a fixed executor shared by the process (no thread per read), or
// on the caller's executor.
#include <algorithm>
#include <thread>

#include "cogr/dataset.hpp"
#include "util/thread_pool.hpp"

namespace cogr {
namespace {

internal::ThreadPool& AsyncPool() {
  // Never destroyed: reads may still be queued when static destructors run.
  static internal::ThreadPool* pool = new internal::ThreadPool(Dataset::AsyncReadThreads());
  return *pool;
}

// True on a thread while it runs an asynchronous read or its callback. A ReadAsync issued there
// runs inline: its callback (or future) is done when ReadAsync returns, so a callback that
// waits on a nested read never waits for an executor thread that may all be busy waiting too.
thread_local int g_async_depth = 0;

struct AsyncScope {
  AsyncScope() { ++g_async_depth; }
  ~AsyncScope() { --g_async_depth; }
  AsyncScope(const AsyncScope&) = delete;
  AsyncScope& operator=(const AsyncScope&) = delete;
};

}  // namespace

size_t Dataset::AsyncReadThreads() {
  static const size_t n = std::max<size_t>(4, 2 * std::max(1u, std::thread::hardware_concurrency()));
  return n;
}

void Dataset::ReadAsync(ReadOptions options, std::function<void(Result<Array>)> done) const {
  ReadAsync(std::move(options), std::move(done), ReadExecutor());
}

void Dataset::ReadAsync(ReadOptions options, std::function<void(Result<Array>)> done,
                        const ReadExecutor& executor) const {
  std::shared_ptr<const Dataset> self = weak_from_this().lock();
  if (!self) {
    done(Status::InvalidArgument(uri() + ": ReadAsync needs a Dataset owned by a shared_ptr (use Dataset::Open)"));
    return;
  }
  auto task = [self = std::move(self), options = std::move(options), done = std::move(done)]() mutable {
    const AsyncScope scope;
    done(self->Read(options));
  };
  if (g_async_depth > 0) {
    task();  // nested: inline (see g_async_depth)
  } else if (executor) {
    executor(std::move(task));
  } else {
    AsyncPool().Submit(std::move(task));
  }
}

void Dataset::OpenAsync(std::string uri, OpenOptions options,
                        std::function<void(Result<std::shared_ptr<Dataset>>)> done) {
  AsyncPool().Submit([uri = std::move(uri), options = std::move(options), done = std::move(done)]() mutable {
    done(Open(uri, options));
  });
}

std::future<Result<Array>> Dataset::ReadAsync(ReadOptions options) const {
  return ReadAsync(std::move(options), ReadExecutor());
}

std::future<Result<Array>> Dataset::ReadAsync(ReadOptions options, const ReadExecutor& executor) const {
  auto promise = std::make_shared<std::promise<Result<Array>>>();
  std::future<Result<Array>> future = promise->get_future();
  ReadAsync(
      std::move(options), [promise](Result<Array> result) { promise->set_value(std::move(result)); }, executor);
  return future;
}

}  // namespace cogr
