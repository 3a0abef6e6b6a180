// Dataset::OpenAsync and Dataset::ReadAsync, driven by the sources' asynchronous calls: no
// thread waits for bytes. An open is io::OpenAsync, then the TIFF parse loop continued in the
// callbacks of ReadAtAsync (the parser asks for ranges; see ParseHeader), then Init. A window
// read is resolved once, its blocks fetched with ReadRangesAsync and each decoded on the pool
// as its bytes arrive. The caller's `done` runs on an executor thread (cogr's async executor,
// a fixed pool, or the caller's).
#include <algorithm>
#include <map>
#include <new>
#include <thread>
#include <utility>

#include "cogr/dataset.hpp"
#include "io/read_context.hpp"
#include "read/assemble.hpp"
#include "read/block_reader.hpp"
#include "read/read_request.hpp"
#include "read/read_util.hpp"
#include "util/checked.hpp"
#include "util/thread_pool.hpp"

namespace cogr {
namespace {

internal::ThreadPool& AsyncPool() {
  // Never destroyed: reads may still be queued when static destructors run.
  static internal::ThreadPool* pool = new internal::ThreadPool(Dataset::AsyncReadThreads());
  return *pool;
}

// True on a thread while it runs an asynchronous read's callback (or a read the executor runs).
// A ReadAsync issued there runs inline: its callback (or future) is done when ReadAsync
// returns, so a callback that waits on a nested read never waits for an executor thread that
// may all be busy waiting too.
thread_local int g_async_depth = 0;

struct AsyncScope {
  AsyncScope() { ++g_async_depth; }
  ~AsyncScope() { --g_async_depth; }
  AsyncScope(const AsyncScope&) = delete;
  AsyncScope& operator=(const AsyncScope&) = delete;
};

// Runs `task` once on `executor`, or on cogr's async executor when it is null.
void Post(const Dataset::ReadExecutor& executor, std::function<void()> task) {
  if (executor) {
    executor(std::move(task));
  } else {
    AsyncPool().Submit(std::move(task));
  }
}

// Rounds of the asynchronous header parse (one per fetch the parser asks for). A COG's header
// takes one (the prefix the source already holds); past this many, the rest of the parse runs
// as the synchronous open does, on the async executor (files whose IFDs are scattered).
constexpr int kMaxAsyncHeaderRounds = 16;

// The asynchronous open's header parse: tiff::Open runs over the bytes fetched so far; when it
// asks for bytes not held, the run stops, those bytes are fetched with ReadAtAsync and the parse
// starts again (it is deterministic: the same fetches in the same order, now served from memory).
// Parsing costs microseconds against a round trip, so re-running it is cheaper than keeping a
// parser's state across callbacks.
struct HeaderParse {
  std::shared_ptr<io::Source> source;
  OpenOptions options;
  internal::ReadContext context;
  std::map<std::pair<uint64_t, uint64_t>, std::vector<uint8_t>> held;  // (offset, length) -> bytes
  int rounds = 0;
  std::function<void(Result<std::shared_ptr<Dataset>>)> done;  // runs once
  // Makes the Dataset from the parsed header (Dataset::FromTiff); null on the fallback path.
  std::function<Result<std::shared_ptr<Dataset>>(tiff::TiffFile)> finish;
  std::function<Result<std::shared_ptr<Dataset>>()> sync_open;  // the synchronous open of `source`
};

void Deliver(const std::shared_ptr<HeaderParse>& p, Result<std::shared_ptr<Dataset>> result) {
  auto done = std::move(p->done);
  p->finish = nullptr;
  p->sync_open = nullptr;
  Post(Dataset::ReadExecutor(), [done = std::move(done), result = std::move(result)]() mutable {
    const AsyncScope scope;
    done(std::move(result));
  });
}

void ParseHeader(const std::shared_ptr<HeaderParse>& p) {
  const std::string& uri = p->source->uri();
  if (Status st = internal::CheckReadContext(&p->context); !st.ok()) {
    Deliver(p, internal::NameFile(st, uri));
    return;
  }
  const uint64_t size = p->source->size();
  if (size == 0) {
    Deliver(p,
            internal::NameFile(Status::InvalidFile("empty file (0 bytes), not a TIFF file"), uri));
    return;
  }
  std::optional<ByteRange> missing;
  tiff::FetchFn fetch = [&](ByteRange r) -> Result<std::vector<uint8_t>> {
    if (!internal::RangeInside(r.offset, r.length, size)) {
      return Status::InvalidFile("needs bytes [" + std::to_string(r.offset) + ", " +
                                 std::to_string(r.offset + r.length) + ") but the file has " +
                                 std::to_string(size) + " bytes");
    }
    if (auto it = p->held.find({r.offset, r.length}); it != p->held.end()) return it->second;
    missing = r;
    return Status::Unavailable("header bytes not fetched yet");
  };
  Result<tiff::TiffFile> parsed = internal::Guard(uri, [&]() -> Result<tiff::TiffFile> {
    return tiff::Open(fetch, size, p->options.limits, p->options.header_read_bytes);
  });
  if (!missing) {
    if (!parsed.ok()) {
      Deliver(p, internal::NameFile(parsed.status(), uri));
    } else {
      Deliver(p, p->finish(std::move(parsed).value()));
    }
    return;
  }
  if (++p->rounds > kMaxAsyncHeaderRounds) {
    AsyncPool().Submit([p] {
      const internal::ScopedReadContext scope(&p->context);
      Deliver(p, p->sync_open());
    });
    return;
  }
  // The parser bounds what it asks for by max_header_bytes before it asks.
  auto bytes = std::make_shared<std::vector<uint8_t>>();
  Status st = internal::Guard(uri, [&]() -> Status {
    bytes->resize(static_cast<size_t>(missing->length));
    return Status::OK();
  });
  if (!st.ok()) {
    Deliver(p, st);
    return;
  }
  const ByteRange range = *missing;
  p->source->ReadAtAsync(
      range.offset, MutableByteSpan(bytes->data(), bytes->size()),
      [p, bytes, range](Result<size_t> n) {
        if (!n.ok()) {
          Deliver(p, internal::NameFile(n.status(), p->source->uri()));
          return;
        }
        if (*n != range.length) {
          Deliver(p, internal::NameFile(
                         Status::InvalidFile(
                             "short read at offset " + std::to_string(range.offset) + ": got " +
                             std::to_string(*n) + " of " + std::to_string(range.length) + " bytes"),
                         p->source->uri()));
          return;
        }
        p->held[{range.offset, range.length}] = std::move(*bytes);
        ParseHeader(p);
      },
      p->context);
}

}  // namespace

size_t Dataset::AsyncReadThreads() {
  static const size_t n =
      std::max<size_t>(4, 2 * std::max(1u, std::thread::hardware_concurrency()));
  return n;
}

Result<std::shared_ptr<Dataset>> Dataset::FromTiff(std::shared_ptr<io::Source> source,
                                                   const OpenOptions& options,
                                                   tiff::TiffFile file) {
  const std::string uri = source->uri();
  return internal::Guard(uri, [&]() -> Result<std::shared_ptr<Dataset>> {
    auto ds = std::make_shared<Dataset>(OpenKey{}, std::move(source), options);
    ds->tiff_ = std::move(file);
    Status st = ds->InitFromTiff();
    if (!st.ok()) return internal::NameFile(st, uri);
    return ds;
  });
}

void Dataset::OpenAsync(std::string uri, OpenOptions options,
                        std::function<void(Result<std::shared_ptr<Dataset>>)> done) {
  auto p = std::make_shared<HeaderParse>();
  p->context = internal::ContextOf(options, "open");
  p->done = std::move(done);
  if (Status st = internal::CheckReadContext(&p->context); !st.ok()) {
    auto d = std::move(p->done);
    Post(ReadExecutor(), [d = std::move(d), st = internal::NameFile(st, uri)]() mutable {
      const AsyncScope scope;
      d(st);
    });
    return;
  }
  io::SourceOptions io_options = options.io;
  if (io_options.prefix_bytes == 0) io_options.prefix_bytes = options.header_read_bytes;
  p->options = std::move(options);
  const io::IoContext context = p->context;
  io::OpenAsync(uri, io_options, context, [p, uri](Result<std::shared_ptr<io::Source>> source) {
    if (!source.ok()) {
      auto d = std::move(p->done);
      Post(ReadExecutor(),
           [d = std::move(d), st = internal::NameFile(source.status(), uri)]() mutable {
             const AsyncScope scope;
             d(st);
           });
      return;
    }
    p->source = std::move(source).value();
    p->finish = [p = p.get()](tiff::TiffFile file) {
      return FromTiff(p->source, p->options, std::move(file));
    };
    p->sync_open = [p = p.get()]() { return OpenSource(p->source, p->options); };
    ParseHeader(p);
  });
}

void Dataset::StartRead(ReadOptions options, const ArrayView* view,
                        std::function<void(Result<Array>)> done) const {
  struct State {
    std::shared_ptr<const Dataset> self;
    internal::ReadContext context;
    Array out;
    ArrayView view;
    bool into_view = false;
    internal::BlockRead br;
    std::function<void(Result<Array>)> done;
  };
  auto state = std::make_shared<State>();
  state->self = shared_from_this();
  state->context = internal::ContextOf(options, "read");
  state->done = std::move(done);
  if (view != nullptr) {
    state->view = *view;
    state->into_view = true;
  }
  auto finish = [state](Status st) {
    auto d = std::move(state->done);
    if (!st.ok()) {
      d(internal::NameFile(st, state->self->uri()));
    } else {
      d(std::move(state->out));
    }
  };
  // Resolve the request and prepare its blocks (the bytes of lazy block tables, when a file has
  // them, are fetched here as a synchronous read would, under the read's context).
  Status st = internal::CheckReadContext(&state->context);
  if (st.ok()) {
    const internal::ScopedReadContext scope(&state->context);
    st = internal::Guard(
        uri(),
        [&]() -> Status {
          internal::ReadRequest req;
          COGR_RETURN_IF_ERROR(state->into_view
                                   ? ResolveRead(options, false, nullptr, &state->view, false, req)
                                   : ResolveRead(options, false, &state->out, nullptr, false, req));
          if (!req.inside) internal::FillArray(req.dst, req.fill);
          if (req.x1 <= req.x0 || req.y1 <= req.y0) return Status::OK();
          const Level& level = levels_[static_cast<size_t>(req.level_index)];
          return PrepareBlocks(level.ifd_index, req.bands, req.col0, req.row0, req.x0, req.y0,
                               req.x1, req.y1, nodata_.value_or(0.0), req.dst, &state->context,
                               state->br);
        },
        options_.limits.max_read_bytes);
  }
  if (!st.ok() || state->br.ranges.empty()) {
    finish(st);
    return;
  }
  const std::string& name = uri();
  auto on_range = [state, name](size_t i, ByteSpan raw) -> Status {
    return internal::Guard(name, [&] { return state->br.Decode(i, raw); });
  };
  // Two rounds at most: the second fetches by byte count the blocks whose GDAL leader failed.
  source_->ReadRangesAsync(
      state->br.ranges, on_range,
      [state, on_range, finish](Status fetched) {
        if (!fetched.ok()) {
          finish(fetched);
          return;
        }
        Status retry = internal::Guard(state->self->uri(),
                                       [&] { return state->self->PrepareLeaderRetry(state->br); });
        if (!retry.ok() || state->br.ranges.empty()) {
          finish(retry);
          return;
        }
        state->self->source_->ReadRangesAsync(state->br.ranges, on_range, finish, state->context);
      },
      state->context);
}

void Dataset::ReadAsync(ReadOptions options, std::function<void(Result<Array>)> done) const {
  ReadAsync(std::move(options), std::move(done), ReadExecutor());
}

void Dataset::ReadAsync(ReadOptions options, std::function<void(Result<Array>)> done,
                        const ReadExecutor& executor) const {
  std::shared_ptr<const Dataset> self = weak_from_this().lock();
  if (!self) {
    done(Status::InvalidArgument(
        uri() + ": ReadAsync needs a Dataset owned by a shared_ptr (use Dataset::Open)"));
    return;
  }
  if (g_async_depth > 0) {
    // Nested (see g_async_depth): inline, synchronous.
    const AsyncScope scope;
    done(self->Read(options));
    return;
  }
  if (options.out_shape) {
    // Resampled reads run whole on the executor (their stages read chunk by chunk).
    Post(executor,
         [self = std::move(self), options = std::move(options), done = std::move(done)]() mutable {
           const AsyncScope scope;
           done(self->Read(options));
         });
    return;
  }
  // The read waits on no thread; its result is handed to `done` on the executor.
  self->StartRead(std::move(options), nullptr,
                  [executor, done = std::move(done)](Result<Array> result) mutable {
                    Post(executor, [done = std::move(done), result = std::move(result)]() mutable {
                      const AsyncScope scope;
                      done(std::move(result));
                    });
                  });
}

void Dataset::ReadIntoAsync(ReadOptions options, const ArrayView& out,
                            std::function<void(Status)> done, const ReadExecutor& executor) const {
  std::shared_ptr<const Dataset> self = weak_from_this().lock();
  if (!self) {
    done(Status::InvalidArgument(
        uri() + ": ReadIntoAsync needs a Dataset owned by a shared_ptr (use Dataset::Open)"));
    return;
  }
  if (g_async_depth > 0) {
    const AsyncScope scope;
    done(self->ReadInto(options, out));
    return;
  }
  if (options.out_shape) {
    Post(executor, [self = std::move(self), options = std::move(options), out,
                    done = std::move(done)]() mutable {
      const AsyncScope scope;
      done(self->ReadInto(options, out));
    });
    return;
  }
  self->StartRead(std::move(options), &out,
                  [executor, done = std::move(done)](Result<Array> result) mutable {
                    Post(executor, [done = std::move(done), st = result.status()]() mutable {
                      const AsyncScope scope;
                      done(st);
                    });
                  });
}

std::future<Result<Array>> Dataset::ReadAsync(ReadOptions options) const {
  return ReadAsync(std::move(options), ReadExecutor());
}

std::future<Result<Array>> Dataset::ReadAsync(ReadOptions options,
                                              const ReadExecutor& executor) const {
  auto promise = std::make_shared<std::promise<Result<Array>>>();
  std::future<Result<Array>> future = promise->get_future();
  ReadAsync(
      std::move(options),
      [promise](Result<Array> result) { promise->set_value(std::move(result)); }, executor);
  return future;
}

void Dataset::OpenAsync(std::shared_ptr<io::Source> source, OpenOptions options,
                        std::function<void(Result<std::shared_ptr<Dataset>>)> done) {
  auto p = std::make_shared<HeaderParse>();
  p->context = internal::ContextOf(options, "open");
  p->done = std::move(done);
  p->options = std::move(options);
  p->source = std::move(source);
  p->finish = [p = p.get()](tiff::TiffFile file) {
    return FromTiff(p->source, p->options, std::move(file));
  };
  p->sync_open = [p = p.get()]() { return OpenSource(p->source, p->options); };
  ParseHeader(p);
}

}  // namespace cogr
