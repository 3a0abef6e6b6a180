// read: the block reader — the blocks of one rectangle of one IFD, read into one destination.
//
// Dataset::PrepareBlocks (block_reader.cpp) plans the blocks, checks every table entry, fills
// sparse blocks and copies cached ones; what is left is a list of byte ranges, one per block,
// that the caller fetches however it waits (Source::ReadRanges when synchronous,
// ReadRangesAsync when not) and hands, range by range, to Decode. Decode is thread-safe: the
// blocks of one read are decoded concurrently, each as soon as its bytes are in.
#pragma once

#include <cstdint>
#include <mutex>
#include <vector>

#include "cogr/codec.hpp"
#include "cogr/dataset.hpp"
#include "cogr/trace.hpp"
#include "read/assemble.hpp"
#include "read/block_cache.hpp"
#include "read/plan.hpp"

namespace cogr::internal {

struct BlockRead {
  int ifd_index = -1;
  const tiff::Ifd* ifd = nullptr;
  codec::BlockInfo info;  ///< decode parameters of a full block (height set per block)
  std::vector<BlockJob> jobs;
  /// 1 = the fetched span of jobs[j] holds the GDAL leader, the block and its trailer.
  std::vector<uint8_t> job_leader;
  /// The blocks to fetch: ranges[i] holds the bytes of part fetch_part[i] of
  /// jobs[fetch_jobs[i]] (part 0 unless the job joins parts, BlockJob::parts > 1).
  std::vector<size_t> fetch_jobs;
  std::vector<uint32_t> fetch_part;
  std::vector<ByteRange> ranges;
  /// Jobs that join parts (planes, or old-style JPEG strips): the parts' bytes gathered as they
  /// arrive, in part order; the range completing a job decodes it. Indexed like `jobs` (empty
  /// when no job joins parts).
  struct JoinedParts {
    std::vector<uint64_t> part_bytes;  ///< byte count of each part
    std::vector<uint8_t> bytes;        ///< allocated at the first part's arrival
    uint32_t arrived = 0;
  };
  std::vector<JoinedParts> joined;
  ArrayView out;
  OutputPlace place;
  double sparse_fill = 0;
  BlockCacheImpl* cache = nullptr;  ///< null = no cache
  uint64_t cache_id = 0;
  bool store = false;      ///< decoded blocks go into the cache
  Trace* trace = nullptr;  ///< records each Decode (the read's context owns it); null = none
  std::string uri;         ///< the file, for trace events

  /// Decodes the bytes of ranges[i] and assembles them into `out` (and the cache).
  /// A span whose leader and trailer disagree is set aside (leader_failed) for a second fetch
  /// by its byte count (Dataset::PrepareLeaderRetry).
  Status Decode(size_t i, ByteSpan raw);

 private:
  Status DecodeBlock(size_t i, ByteSpan raw, uint64_t* bytes_out);
  /// Keeps part fetch_part[i] of a joined job; once every part is in, decodes the job.
  Status JoinPart(size_t i, ByteSpan raw, uint64_t* bytes_out);
  Status DecodeWhole(const BlockJob& job, ByteSpan raw, const codec::BlockInfo& block_info,
                     uint64_t* bytes_out);

 public:
  std::mutex leader_mu;
  std::vector<size_t> leader_failed;  ///< indexes into jobs
  std::mutex joined_mu;
};

}  // namespace cogr::internal
