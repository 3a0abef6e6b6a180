// A request timeline: every request (HTTP or local pread) and every block decode of the opens
// and reads it is attached to, on one clock. Opt-in: without a Trace the cost is one null
// check per request and per block.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "cogr/status.hpp"
#include "cogr/types.hpp"

namespace cogr {

/// Records what opens and reads cost, event by event. Attach one to OpenOptions::trace,
/// ReadOptions::trace (or io::IoContext::trace); one Trace may serve many opens and reads, of
/// many files, at once. Times are microseconds of std::chrono::steady_clock since the Trace was
/// made (or Clear()ed). Thread-safe: events are appended under a mutex by I/O and pool threads.
///
///   auto trace = std::make_shared<cogr::Trace>();
///   cogr::OpenOptions oo;  oo.trace = trace;
///   cogr::ReadOptions ro;  ro.trace = trace;  ...
///   std::string json = trace->ToChromeJson();  // open in https://ui.perfetto.dev
class COGR_EXPORT Trace {
 public:
  using Clock = std::chrono::steady_clock;

  /// A caller's range inside a request, and when its bytes were all in (handed to the reader).
  struct Piece {
    uint64_t offset = 0;
    uint64_t length = 0;
    int64_t ready_us = 0;
  };

  /// One request: an HTTP attempt (each retry is a request of its own) or one local pread.
  struct Request {
    std::string uri;   ///< the file or URI as opened
    std::string kind;  ///< "header" (an open's first GET), "data" (HTTP), "pread" (local)
    std::vector<ByteRange> ranges;  ///< byte ranges asked for (several: one multi-range request)
    std::vector<Piece> pieces;      ///< caller ranges served by it, with their arrival times
    int64_t start_us = 0;           ///< handed to the loop (HTTP) or pread called
    /// End of DNS lookup, TCP connect, TLS handshake: -1 when the phase did not happen (a
    /// reused connection, plain http, a local file).
    int64_t dns_us = -1, connect_us = -1, tls_us = -1;
    int64_t first_byte_us = -1;   ///< first response byte (-1: none arrived)
    int64_t end_us = 0;           ///< last byte in (or the failure)
    uint64_t bytes = 0;           ///< body bytes received (local: bytes read)
    int status = 0;               ///< HTTP status; 0 = none (local file, connection failure)
    uint32_t retry = 0;           ///< 0 for the first attempt
    bool new_connection = false;  ///< HTTP: this request opened a connection (else reused one)
    std::string remote;           ///< HTTP: "ip:port" of the server
    uint32_t local_port = 0;      ///< HTTP: our end of the connection (tells connections apart)
    uint32_t thread = 0;          ///< local: ThreadNumber() of the reading thread
    std::string error;            ///< empty when the request succeeded
  };

  /// One block decoded (decompressed, predictor undone, assembled into the destination).
  struct Decode {
    std::string uri;
    int ifd = -1;
    uint64_t block = 0;  ///< block index in its IFD
    ByteRange range;     ///< the block's bytes in the file
    std::string codec;   ///< "deflate", "zstd", ...
    int64_t start_us = 0, end_us = 0;
    uint32_t thread = 0;     ///< ThreadNumber() of the decoding thread
    uint64_t bytes_in = 0;   ///< compressed bytes
    uint64_t bytes_out = 0;  ///< decoded bytes
    bool ok = true;
  };

  Trace();
  Trace(const Trace&) = delete;
  Trace& operator=(const Trace&) = delete;

  /// The trace's time zero.
  Clock::time_point start() const;
  /// Microseconds of `t` since start() (negative before it).
  int64_t Us(Clock::time_point t) const;
  /// Microseconds since start(), now.
  int64_t NowUs() const { return Us(Clock::now()); }

  /// Records one event (thread-safe; the HTTP executor and the decoders call these).
  void Add(Request request);
  void Add(Decode decode);

  /// Snapshots, in the order the events were added.
  std::vector<Request> requests() const;
  std::vector<Decode> decodes() const;

  /// Drops every event and restarts the clock.
  void Clear();

  /// The Chrome trace-event format (Perfetto, chrome://tracing): {"traceEvents": [...],
  /// "displayTimeUnit": "ms"}. One process per URI; one track per HTTP connection ("conn N
  /// (ip:port)"), per local reading thread ("file reads, thread N") and per decoding thread
  /// ("decode thread N"); every event a complete event ("ph": "X", ts/dur in microseconds)
  /// with its range(s), bytes, status, retry or codec in "args".
  std::string ToChromeJson() const;

  /// A small number for the calling thread (1, 2, ... in order of first use; stable for the
  /// thread's life): the "thread" of events.
  static uint32_t ThreadNumber();

 private:
  mutable std::mutex mu_;
  Clock::time_point start_;
  std::vector<Request> requests_;
  std::vector<Decode> decodes_;
};

}  // namespace cogr
