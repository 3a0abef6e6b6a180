// The asynchronous Source calls' default implementations and io::OpenAsync.
//
// The defaults run the synchronous call on cogr's thread pool with the caller's IoContext
// installed for it: right for local files and memory, whose pread never waits on a network.
// Remote sources override them with calls driven by the I/O loop (http_source.cpp).
#include <memory>
#include <utility>

#include "cogr/io.hpp"
#include "cogr/threads.hpp"
#include "io/read_context.hpp"
#include "util/thread_pool.hpp"

namespace cogr::io {

void Source::ReadRangesAsync(std::vector<ByteRange> ranges, RangeCallback on_range,
                             std::function<void(Status)> on_done, IoContext context) const {
  cogr::internal::ThreadPool::Default().Submit(
      [this, ranges = std::move(ranges), on_range = std::move(on_range),
       on_done = std::move(on_done), context = std::move(context)]() mutable {
        Status st = cogr::internal::CheckReadContext(&context);
        if (st.ok()) {
          const cogr::internal::ScopedReadContext scope(&context);
          st = ReadRanges(ranges, on_range, ThreadCount());
        }
        // Nothing of this call may outlive on_done: the caller may free the source in it.
        auto done = std::move(on_done);
        on_range = nullptr;
        done(std::move(st));
      });
}

void Source::ReadAtAsync(uint64_t offset, MutableByteSpan out,
                         std::function<void(Result<size_t>)> done, IoContext context) const {
  cogr::internal::ThreadPool::Default().Submit(
      [this, offset, out, done = std::move(done), context = std::move(context)]() mutable {
        Status st = cogr::internal::CheckReadContext(&context);
        if (!st.ok()) {
          done(std::move(st));
          return;
        }
        Result<size_t> r = [&] {
          const cogr::internal::ScopedReadContext scope(&context);
          return ReadAt(offset, out);
        }();
        done(std::move(r));
      });
}

}  // namespace cogr::io
