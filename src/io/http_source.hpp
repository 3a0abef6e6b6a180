// io::Source over http:// and https:// (libcurl multi, see http_client.hpp).
//
// Open: one speculative GET of the object's first prefix_bytes (default 32 KiB) learns the
// size (Content-Range), ETag and Last-Modified and keeps the bytes; reads inside them are
// served from memory, so a cold open of a GDAL COG costs exactly one request, and the header
// cache (header_cache.hpp) makes a second open cost none.
//
// Defaults, measured with bench/io/http_bench.cpp against local nginx and the fixtures of
// tests/data (see the remote report for the numbers):
//  - prefix 32 KiB: every GDAL COG of the fixtures has its IFDs within the first 5.4 KiB;
//    a 20000x20000 COG with 512x512 tiles needs ~17 KiB; on a local server 16/32/64 KiB cost
//    the same time, and over a WAN the extra 16 KiB cost far less than a second round trip.
//  - hole_size_limit 1 MiB (object_store's default): fetching a gap is cheaper than a new
//    request while gap / bandwidth < time to first byte (1 MiB at 100 MB/s ~ 10 ms).
//  - range_size_limit 16 MiB and 8 requests in flight: keeps large windows split into
//    parallel requests and memory bounded to ~128 MiB of in-flight bytes.
//  - multi_range_hole_limit 16 KiB: inside one multi-range request a gap costs its bytes and
//    no round trip, so gaps wider than that are left out (a 256² window of a 1024² scene with
//    256² tiles: 300 KB instead of 449 KB, still one request; docs/performance.md, Stacks).
//
// Data reads check every answer against the size and ETag (else Last-Modified) seen at open;
// a difference fails the read with "... changed on the server (ETag ...)" and drops the
// header-cache entries (memory and disk) of the URI, so the next open refetches.
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "cogr/io.hpp"

namespace cogr::io::internal {

class StatsCounters;

/// Prefix bytes of the speculative first read when SourceOptions::prefix_bytes is 0:
/// COGR_HEADER_PREFIX_BYTES if set (clamped to [1 KiB, 64 MiB]), else 32 KiB.
uint64_t DefaultPrefixBytes();

/// Forgets which servers refused multi-range requests (they are remembered per
/// scheme://host:port for the life of the process); for tests that need a fresh start.
void ForgetMultiRangeRefusals();

/// True for the https endpoints of the cloud stores, which answer a multi-range request with the
/// whole object (S3: 200 and every byte) or ignore it: `url`'s host is *.amazonaws.com,
/// storage.googleapis.com (or a subdomain) or *.blob.core.windows.net. Their sources send
/// single ranges from the first request, as s3://, gs:// and az:// do.
bool SingleRangeCloudHost(const std::string& url);

/// Header cache directory for `options` (option, else COGR_HEADER_CACHE_DIR); empty = none.
std::string HeaderCacheDir(const SourceOptions& options);

/// Opens an http(s) URL. kUnsupported when cogr was built without libcurl. `name` (default:
/// the URL) is the source's uri() and the name its errors give, e.g. "s3://bucket/key"; the
/// header caches are keyed by `url`.
Result<std::shared_ptr<Source>> OpenHttp(const std::string& url, const SourceOptions& options,
                                         const std::string& name = {});

/// OpenHttp that also reports, when the open fails, the region an S3 server named in an
/// x-amz-bucket-region header (AWS sends it with its redirect and wrong-region errors), so the
/// S3 source can sign for that region and try again (empty when there was none). With
/// `open_counters`, the open's requests are counted there (and it all goes to the source's
/// stats), so a failed first attempt still shows in the stats of the source that follows.
Result<std::shared_ptr<Source>> OpenHttp(const std::string& url, const SourceOptions& options,
                                         const std::string& name, std::string* bucket_region,
                                         StatsCounters* open_counters);

/// OpenHttp without blocking: a header-cache hit answers at once, else the probe runs on the
/// I/O loop. done runs exactly once, on the pool, with the source or the error and the S3
/// region an error answer named (empty when none). `open_counters` as in OpenHttp (it must
/// outlive the call; synchronous callers only).
void OpenHttpAsync(
    const std::string& url, const SourceOptions& options, const std::string& name,
    IoContext context, StatsCounters* open_counters,
    std::function<void(Result<std::shared_ptr<Source>>, std::string bucket_region)> done);

}  // namespace cogr::io::internal
