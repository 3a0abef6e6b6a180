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
  /// The blocks to fetch: ranges[i] holds the bytes of plane fetch_plane[i] of
  /// jobs[fetch_jobs[i]] (plane 0 unless the job joins planes).
  std::vector<size_t> fetch_jobs;
  std::vector<uint16_t> fetch_plane;
  std::vector<ByteRange> ranges;
  /// Jobs that join planes (BlockJob::planes > 1): the planes' bytes gathered as they arrive,
  /// in plane order; the range completing a job decodes it. Indexed like `jobs` (empty when
  /// no job joins planes).
  struct JoinedPlanes {
    std::vector<uint64_t> plane_bytes;  ///< byte count of each plane's block
    std::vector<uint8_t> bytes;         ///< allocated at the first plane's arrival
    uint16_t arrived = 0;
  };
  std::vector<JoinedPlanes> joined;
  ArrayView out;
  OutputPlace place;
  double sparse_fill = 0;
  BlockCacheImpl* cache = nullptr;  ///< null = no cache
  uint64_t cache_id = 0;
  bool store = false;  ///< decoded blocks go into the cache
  Trace* trace = nullptr;  ///< records each Decode (the read's context owns it); null = none
  std::string uri;         ///< the file, for trace events

  /// Decodes the bytes of ranges[i] and assembles them into `out` (and the cache).
  /// A span whose leader and trailer disagree is set aside (leader_failed) for a second fetch
  /// by its byte count (Dataset::PrepareLeaderRetry).
  Status Decode(size_t i, ByteSpan raw);

 private:
  Status DecodeBlock(size_t i, ByteSpan raw, uint64_t* bytes_out);
  /// Keeps plane fetch_plane[i] of a joined job; once every plane is in, decodes the job.
  Status JoinPlane(size_t i, ByteSpan raw, uint64_t* bytes_out);
  Status DecodeWhole(const BlockJob& job, ByteSpan raw, const codec::BlockInfo& block_info, uint64_t* bytes_out);

 public:

  std::mutex leader_mu;
  std::vector<size_t> leader_failed;  ///< indexes into jobs
  std::mutex joined_mu;
};

}  // namespace cogr::internal
