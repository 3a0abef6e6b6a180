// Dataset::ReadAsync: reads on a fixed executor shared by the process (no thread per read).
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

}  // namespace

size_t Dataset::AsyncReadThreads() {
  static const size_t n = std::max<size_t>(4, 2 * std::max(1u, std::thread::hardware_concurrency()));
  return n;
}

void Dataset::ReadAsync(ReadOptions options, std::function<void(Result<Array>)> done) const {
  std::shared_ptr<const Dataset> self = weak_from_this().lock();
  if (!self) {
    done(Status::InvalidArgument(uri() + ": ReadAsync needs a Dataset owned by a shared_ptr (use Dataset::Open)"));
    return;
  }
  AsyncPool().Submit([self = std::move(self), options = std::move(options), done = std::move(done)]() mutable {
    done(self->Read(options));
  });
}

void Dataset::OpenAsync(std::string uri, OpenOptions options,
                        std::function<void(Result<std::shared_ptr<Dataset>>)> done) {
  AsyncPool().Submit([uri = std::move(uri), options = std::move(options), done = std::move(done)]() mutable {
    done(Open(uri, options));
  });
}

std::future<Result<Array>> Dataset::ReadAsync(ReadOptions options) const {
  auto promise = std::make_shared<std::promise<Result<Array>>>();
  std::future<Result<Array>> future = promise->get_future();
  ReadAsync(std::move(options), [promise](Result<Array> result) { promise->set_value(std::move(result)); });
  return future;
}

}  // namespace cogr
