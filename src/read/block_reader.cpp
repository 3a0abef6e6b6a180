// read: the block reader (see block_reader.hpp). Dataset::CheckReadable, PrepareBlocks,
// PrepareLeaderRetry and the synchronous ReadBlocks; BlockRead::Decode.
#include "read/block_reader.hpp"

#include <algorithm>
#include <memory>
#include <optional>
#include <string>

#include "cogr/codec.hpp"
#include "cogr/threads.hpp"
#include "io/read_context.hpp"
#include "read/block_table.hpp"
#include "tiff/byte_order.hpp"
#include "tiff/ghost_area.hpp"
#include "util/checked.hpp"
#include "util/thread_pool.hpp"

namespace cogr {

Status Dataset::CheckReadable(int ifd_index) const {
  if (ifd_index < 0) return Status::OK();
  const tiff::Ifd& ifd = tiff_.ifds[static_cast<size_t>(ifd_index)];
  const std::string where = "IFD " + std::to_string(ifd_index) + ": ";
  if (!codec::IsSupported(ifd.compression(), ifd.lerc_parameters())) {
    return Status::Unsupported(
        "compression " + codec::CompressionName(ifd.compression(), ifd.lerc_parameters()) + " (" +
        std::to_string(ifd.compression()) + ") is not supported by this build");
  }
  const uint32_t components = ifd.planar_config() == 2 ? 1u : ifd.samples_per_pixel();
  // JPEG and WebP streams hold at most 4 components.
  if ((ifd.compression() == codec::kJpeg || ifd.compression() == codec::kWebp) && components > 4) {
    return Status::InvalidFile(where + std::to_string(components) + " samples per pixel in one " +
                               codec::CompressionName(ifd.compression(), ifd.lerc_parameters()) +
                               " block (the codec holds at most 4)");
  }
  if (ifd.block_width() > UINT32_MAX || ifd.block_height() > UINT32_MAX) {
    return Status::LimitExceeded(where + "block size " + std::to_string(ifd.block_width()) + " x " +
                                 std::to_string(ifd.block_height()) + " too large");
  }
  // A whole block must fit max_block_bytes once decoded.
  auto bytes = internal::CheckedMul(ifd.block_width(), ifd.block_height());
  if (bytes) bytes = internal::CheckedMul(*bytes, components);
  if (bytes)
    bytes = internal::CheckedMul(*bytes, DataTypeSize(dtype_) == 0 ? 1 : DataTypeSize(dtype_));
  if (!bytes || *bytes > options_.limits.max_block_bytes) {
    return Status::LimitExceeded(where + "a " + std::to_string(ifd.block_width()) + " x " +
                                 std::to_string(ifd.block_height()) + " block of " +
                                 std::to_string(components) + " samples per pixel decodes to " +
                                 (bytes ? std::to_string(*bytes) : std::string("over 2^64")) +
                                 " bytes > max_block_bytes " +
                                 std::to_string(options_.limits.max_block_bytes));
  }
  return Status::OK();
}

Status Dataset::PrepareBlocks(int ifd_index, const std::vector<int>& bands, int64_t col0,
                              int64_t row0, uint64_t x0, uint64_t y0, uint64_t x1, uint64_t y1,
                              double sparse_fill, const ArrayView& out,
                              const internal::ReadContext* context, internal::BlockRead& br) const {
  // Each stage (a boundless fill, an out_shape chunk, a mask's data read) starts here: a read
  // past its deadline or cancelled stops before fetching more, and the fetch checks per block.
  COGR_RETURN_IF_ERROR(internal::CheckReadContext(context));
  const tiff::Ifd& ifd = tiff_.ifds[static_cast<size_t>(ifd_index)];
  if (!codec::IsSupported(ifd.compression(), ifd.lerc_parameters())) {
    return Status::Unsupported(
        "compression " + codec::CompressionName(ifd.compression(), ifd.lerc_parameters()) + " (" +
        std::to_string(ifd.compression()) + ") is not supported by this build");
  }
  br.ifd_index = ifd_index;
  br.ifd = &ifd;
  br.out = out;
  br.place = internal::OutputPlace{col0, row0};
  br.sparse_fill = sparse_fill;

  codec::BlockInfo& info = br.info;
  info.compression = ifd.compression();
  info.predictor = ifd.predictor();
  info.width = static_cast<uint32_t>(ifd.block_width());
  info.samples = (ifd.planar_config() == 2) ? uint16_t{1} : ifd.samples_per_pixel();
  info.bits_per_sample = ifd.bits_per_sample().empty() ? uint16_t{1} : ifd.bits_per_sample()[0];
  info.sample_format = ifd.sample_format().empty() ? uint16_t{1} : ifd.sample_format()[0];
  info.big_endian = tiff_.header.byte_order == tiff::ByteOrder::kBig;
  info.photometric = ifd.photometric();
  info.ycbcr_subsampling = ifd.ycbcr_subsampling();
  info.jpeg_tables = ByteSpan(ifd.jpeg_tables().data(), ifd.jpeg_tables().size());
  info.lerc_parameters = ifd.lerc_parameters();
  info.max_block_bytes = options_.limits.max_block_bytes;
  COGR_RETURN_IF_ERROR(codec::SetBlockIfd(ifd, info));  // libtiff's tags; RGBA output layout
  // A band-interleaved image libtiff converts to RGBA decodes from every plane's block at once.
  const bool joined =
      info.stored_samples != 0 && ifd.planar_config() == 2 && ifd.samples_per_pixel() > 1;
  internal::PixelRect rect{x0, y0, x1, y1};
  COGR_ASSIGN_OR_RETURN(br.jobs, internal::PlanBlocks(ifd, bands, rect, joined));
  // Old-style JPEG in several strips: libtiff reads a strip as part of the image's one JPEG
  // stream, decoding the strips before it (GDAL reads them in order), so the strips a read
  // needs are one job decoded from strip 0 on, never strip by strip.
  const bool ojpeg_strips = info.compression == codec::kOldJpeg && info.stored_samples != 0 &&
                            !ifd.tiled() && ifd.planar_config() == 1 && ifd.blocks_down() > 1;
  if (ojpeg_strips && !br.jobs.empty()) {
    internal::BlockJob tall = br.jobs.front();
    tall.rows = 0;
    for (const internal::BlockJob& job : br.jobs) tall.rows += job.rows;
    tall.rect.y1 = br.jobs.back().rect.y1;
    tall.parts = static_cast<uint32_t>(br.jobs.back().block_index + 1);
    tall.part0 = 0;
    tall.part_stride = 1;
    tall.strip_parts = true;
    br.jobs.assign(1, std::move(tall));
  }
  if (ifd.block_width() > UINT32_MAX || ifd.block_height() > UINT32_MAX) {
    return Status::LimitExceeded("block size " + std::to_string(ifd.block_width()) + " x " +
                                 std::to_string(ifd.block_height()) + " too large");
  }
  if (codec::DecodedSampleBytes(info) != DataTypeSize(out.dtype)) {
    return Status::Unsupported(std::to_string(info.bits_per_sample) + "-bit samples of format " +
                               std::to_string(info.sample_format) + " do not decode to " +
                               std::string(DataTypeName(out.dtype)));
  }

  const uint64_t file_size = source_->size();
  if (context != nullptr && context->trace) {
    br.trace = context->trace.get();
    br.uri = source_->uri();
  }
  br.cache = cache_ ? &cache_->impl() : nullptr;
  br.cache_id = cache_id_;
  internal::BlockCacheImpl* cache = br.cache;
  const std::vector<internal::BlockJob>& jobs = br.jobs;
  auto decoded_size_of = [&](const internal::BlockJob& job) -> Result<uint64_t> {
    codec::BlockInfo block_info = info;
    block_info.height = job.rows;
    return codec::DecodedSize(block_info);
  };
  // Sparse blocks are filled now and cached blocks copied; the others are left to fetch
  // (coalesced/concurrent as the source can), each decoded straight into `out` as its bytes
  // arrive, in parallel.
  std::vector<std::pair<const internal::BlockJob*, internal::CachedBlock>> hits;
  uint64_t miss_bytes = 0;
  // Table entries of the blocks (lazy tables: only the pages these blocks need are fetched).
  // With GDAL block leaders and lazy byte counts, job_leader[j] = 1 marks a span holding the
  // leader, the block and its trailer (see BlockEntries).
  // Joined parts: entry first_entry[j] + p is part p of job j (no GDAL leaders: each part is
  // fetched by its byte count).
  const bool any_parts = joined || ojpeg_strips;
  std::vector<uint64_t> job_blocks, job_offsets, job_lengths, first_entry;
  for (const internal::BlockJob& job : jobs) {
    first_entry.push_back(job_blocks.size());
    if (job.parts == 1) job_blocks.push_back(job.block_index);
    for (uint64_t p = 0; p < job.parts && job.parts > 1; ++p)
      job_blocks.push_back(job.part0 + p * job.part_stride);
  }
  COGR_RETURN_IF_ERROR(BlockEntries(ifd, job_blocks, job_offsets, job_lengths,
                                    any_parts ? nullptr : &br.job_leader));
  if (any_parts) {
    br.job_leader.assign(jobs.size(), 0);
    br.joined.resize(jobs.size());
  }
  // Every block is checked before any is filled, fetched or decoded.
  std::vector<const internal::BlockJob*> sparse_jobs;
  for (size_t j = 0; j < jobs.size(); ++j) {
    const internal::BlockJob& job = jobs[j];
    const uint64_t* offsets = job_offsets.data() + first_entry[j];
    const uint64_t* lengths = job_lengths.data() + first_entry[j];
    const char* noun = job.strip_parts ? " strips" : " planes";
    size_t empty_parts = 0;
    uint64_t length = 0;  // of all parts
    for (uint32_t p = 0; p < job.parts; ++p) {
      const uint64_t block = job.parts == 1 ? job.block_index : job.part0 + p * job.part_stride;
      if (offsets[p] == 0 || lengths[p] == 0) {
        ++empty_parts;
        continue;
      }
      if (!internal::RangeInside(offsets[p], lengths[p], file_size)) {
        return Status::InvalidFile("block " + std::to_string(block) + " of IFD " +
                                   std::to_string(ifd_index) + ": bytes [" +
                                   std::to_string(offsets[p]) + ", " +
                                   std::to_string(offsets[p] + lengths[p]) +
                                   ") past end of file (size " + std::to_string(file_size) + ")");
      }
      length = internal::CheckedAdd(length, lengths[p]).value_or(UINT64_MAX);
    }
    if (empty_parts == job.parts) {
      sparse_jobs.push_back(&job);
      continue;
    }
    if (empty_parts != 0) {
      // libtiff reads no pixel of a position that lacks a plane, nor past a missing strip.
      return Status::InvalidFile("block " + std::to_string(job.block_index) + " of IFD " +
                                 std::to_string(ifd_index) + ": " + std::to_string(empty_parts) +
                                 " of its " + std::to_string(job.parts) + noun + " have no bytes");
    }
    if (length > options_.limits.max_block_bytes) {
      return Status::LimitExceeded(
          "block " + std::to_string(job.block_index) + " has " + std::to_string(length) + " bytes" +
          (job.parts > 1 ? " in its " + std::to_string(job.parts) + noun : "") +
          " > max_block_bytes " + std::to_string(options_.limits.max_block_bytes));
    }
    if (cache != nullptr && !job.strip_parts) {  // a job of strips is no block to cache
      COGR_ASSIGN_OR_RETURN(uint64_t decoded_size, decoded_size_of(job));
      if (internal::CachedBlock hit = cache->Lookup(
              internal::BlockKey{cache_id_, static_cast<uint64_t>(ifd_index), job.block_index});
          hit && hit.size == decoded_size) {
        hits.emplace_back(&job, std::move(hit));
        continue;
      }
      miss_bytes = internal::CheckedAdd(miss_bytes, decoded_size).value_or(UINT64_MAX);
    }
    if (!br.job_leader[j]) {
      // No codec of a bounded kind makes a stream of more than twice its block plus a little
      // (deflate, LZW, PackBits, zstd and raw at worst expand by a fraction).
      // A whole block (a last strip may be stored at full height).
      codec::BlockInfo full_info = info;
      full_info.height = static_cast<uint32_t>(ifd.block_height());
      COGR_ASSIGN_OR_RETURN(uint64_t decoded_size, codec::DecodedSize(full_info));
      const bool bounded = info.compression == codec::kNone || info.compression == codec::kLzw ||
                           info.compression == codec::kAdobeDeflate ||
                           info.compression == codec::kDeflate ||
                           info.compression == codec::kPackBits || info.compression == codec::kZstd;
      const uint64_t bound =
          internal::CheckedAdd(internal::CheckedMul(decoded_size, 2).value_or(UINT64_MAX), 65536)
              .value_or(UINT64_MAX);
      if (bounded && length > bound) {
        return Status::InvalidFile(
            "block " + std::to_string(job.block_index) + " of IFD " + std::to_string(ifd_index) +
            ": " + std::to_string(length) + " bytes for a block that decodes to " +
            std::to_string(decoded_size) + " bytes (at most " + std::to_string(bound) + " with " +
            codec::CompressionName(info.compression, info.lerc_parameters) + ")");
      }
    }
    // One range per part: the source coalesces neighbours; Decode joins the parts.
    for (uint32_t p = 0; p < job.parts; ++p) {
      br.fetch_jobs.push_back(j);
      br.fetch_part.push_back(p);
      br.ranges.push_back({offsets[p], lengths[p]});
      if (job.parts > 1) br.joined[j].part_bytes.push_back(lengths[p]);
    }
  }
  for (const internal::BlockJob* job : sparse_jobs)
    internal::FillBlock(*job, sparse_fill, out, br.place);
  if (!hits.empty()) {
    COGR_RETURN_IF_ERROR(internal::ParallelFor(
        hits.size(),
        [&](size_t i) -> Status {
          if (Status st = internal::CheckReadContext(context); !st.ok()) return st;
          const auto& [job, block] = hits[i];
          internal::AssembleBlock(*job, block.bytes(), ifd.block_width(), ifd.block_height(),
                                  info.samples, out, br.place);
          return Status::OK();
        },
        internal::ThreadPool::Default(), ThreadCount()));
  }
  // A read whose blocks would fill more than half the cache does not store them.
  br.store = cache != nullptr && miss_bytes <= cache->capacity() / 2;
  return Status::OK();
}

Status Dataset::PrepareLeaderRetry(internal::BlockRead& br) const {
  // Spans whose leader or trailer did not check out: those blocks by their byte counts.
  std::vector<size_t> retry_jobs;
  {
    std::lock_guard<std::mutex> lock(br.leader_mu);
    retry_jobs = std::move(br.leader_failed);
    br.leader_failed.clear();
  }
  br.fetch_jobs.clear();
  br.fetch_part.clear();
  br.ranges.clear();
  if (retry_jobs.empty()) return Status::OK();
  std::vector<uint64_t> retry_blocks, retry_offsets, retry_lengths;
  for (size_t j : retry_jobs) retry_blocks.push_back(br.jobs[j].block_index);
  COGR_RETURN_IF_ERROR(BlockEntries(*br.ifd, retry_blocks, retry_offsets, retry_lengths));
  const uint64_t file_size = source_->size();
  for (size_t k = 0; k < retry_jobs.size(); ++k) {
    const size_t j = retry_jobs[k];
    const internal::BlockJob& job = br.jobs[j];
    br.job_leader[j] = 0;
    const uint64_t offset = retry_offsets[k], length = retry_lengths[k];
    if (offset == 0 || length == 0) {
      internal::FillBlock(job, br.sparse_fill, br.out, br.place);
      continue;
    }
    if (!internal::RangeInside(offset, length, file_size) ||
        length > options_.limits.max_block_bytes) {
      return Status::InvalidFile("block " + std::to_string(job.block_index) + " of IFD " +
                                 std::to_string(br.ifd_index) + ": bytes at " +
                                 std::to_string(offset) + " (" + std::to_string(length) +
                                 " bytes) past end of file (size " + std::to_string(file_size) +
                                 ") or over max_block_bytes");
    }
    br.fetch_jobs.push_back(j);
    br.fetch_part.push_back(0);
    br.ranges.push_back({offset, length});
  }
  return Status::OK();
}

Status Dataset::ReadBlocks(int ifd_index, const std::vector<int>& bands, int64_t col0, int64_t row0,
                           uint64_t x0, uint64_t y0, uint64_t x1, uint64_t y1, double sparse_fill,
                           const ArrayView& out) const {
  internal::BlockRead br;
  COGR_RETURN_IF_ERROR(PrepareBlocks(ifd_index, bands, col0, row0, x0, y0, x1, y1, sparse_fill, out,
                                     internal::CurrentReadContext(), br));
  auto decode = [&br](size_t i, ByteSpan raw) { return br.Decode(i, raw); };
  // At most two rounds: the second fetches by byte count the spans whose leader failed.
  for (int round = 0; round < 2 && !br.ranges.empty(); ++round) {
    COGR_RETURN_IF_ERROR(source_->ReadRanges(br.ranges, decode, ThreadCount()));
    COGR_RETURN_IF_ERROR(PrepareLeaderRetry(br));
  }
  return Status::OK();
}

namespace internal {

Status BlockRead::Decode(size_t i, ByteSpan raw) {
  uint64_t bytes_out = 0;
  if (trace == nullptr) return DecodeBlock(i, raw, &bytes_out);
  Trace::Decode e;
  e.start_us = trace->NowUs();
  Status st = DecodeBlock(i, raw, &bytes_out);
  e.end_us = trace->NowUs();
  const BlockJob& job = jobs[fetch_jobs[i]];
  e.uri = uri;
  e.ifd = ifd_index;
  e.block = job.block_index;
  e.range = ranges[i];
  e.codec = codec::CompressionName(info.compression, info.lerc_parameters);
  e.thread = Trace::ThreadNumber();
  e.bytes_in = raw.size();
  e.bytes_out = bytes_out;
  e.ok = st.ok();
  trace->Add(std::move(e));
  return st;
}

Status BlockRead::JoinPart(size_t i, ByteSpan raw, uint64_t* bytes_out) {
  const size_t j = fetch_jobs[i];
  const BlockJob& job = jobs[j];
  const uint32_t part = fetch_part[i];
  JoinedParts& parts = joined[j];
  if (raw.size() != parts.part_bytes[part]) {
    return Status::IoError("block " + std::to_string(job.part0 + part * job.part_stride) +
                           " of IFD " + std::to_string(ifd_index) + ": " +
                           std::to_string(raw.size()) + " bytes fetched, " +
                           std::to_string(parts.part_bytes[part]) + " asked for");
  }
  std::vector<uint8_t> whole;
  {
    std::lock_guard<std::mutex> lock(joined_mu);
    uint64_t at = 0, total = 0;
    for (uint32_t p = 0; p < job.parts; ++p) {
      if (p < part) at += parts.part_bytes[p];
      total += parts.part_bytes[p];  // <= max_block_bytes (PrepareBlocks)
    }
    if (parts.bytes.empty()) parts.bytes.resize(static_cast<size_t>(total));
    std::copy(raw.begin(), raw.end(), parts.bytes.begin() + static_cast<ptrdiff_t>(at));
    if (++parts.arrived < job.parts) return Status::OK();
    whole = std::move(parts.bytes);
  }
  codec::BlockInfo block_info = info;
  block_info.height = job.rows;
  block_info.part_bytes = parts.part_bytes;  // not changed once fetching starts
  if (job.strip_parts) block_info.part_rows = static_cast<uint32_t>(ifd->block_height());
  return DecodeWhole(job, ByteSpan(whole.data(), whole.size()), block_info, bytes_out);
}

Status BlockRead::DecodeBlock(size_t i, ByteSpan raw, uint64_t* bytes_out) {
  const size_t j = fetch_jobs[i];
  const BlockJob& job = jobs[j];
  if (job.parts > 1) return JoinPart(i, raw, bytes_out);
  if (job_leader[j]) {
    // Leader and trailer must agree; if not, the block is fetched again by its byte count.
    std::optional<ByteSpan> block = BlockFromLeader(raw);
    if (!block) {
      std::lock_guard<std::mutex> lock(leader_mu);
      leader_failed.push_back(j);
      return Status::OK();
    }
    raw = *block;
  }
  codec::BlockInfo block_info = info;
  block_info.height = job.rows;
  if (!store && codec::DecodesByRows(block_info)) {
    // JPEG: a band of rows at a time, each copied into `out` while in cache, and no row
    // below the window decoded.
    const uint64_t block_top = job.block_row * ifd->block_height();
    const auto row_begin = static_cast<uint32_t>(job.rect.y0 - block_top);
    const auto row_end = static_cast<uint32_t>(job.rect.y1 - block_top);
    Status st = codec::DecodeRows(
        raw, block_info, row_begin, row_end, [&](uint32_t first_row, uint32_t rows, ByteSpan data) {
          *bytes_out += data.size();
          AssembleRows(job, data, first_row, rows, ifd->block_width(), ifd->block_height(),
                       block_info.samples, out, place);
        });
    if (!st.ok()) {
      return st.WithContext("block " + std::to_string(job.block_index) + " of IFD " +
                            std::to_string(ifd_index));
    }
    return Status::OK();
  }
  return DecodeWhole(job, raw, block_info, bytes_out);
}

Status BlockRead::DecodeWhole(const BlockJob& job, ByteSpan raw, const codec::BlockInfo& block_info,
                              uint64_t* bytes_out) {
  COGR_ASSIGN_OR_RETURN(uint64_t decoded_size, codec::DecodedSize(block_info));
  MutableByteSpan decoded;
  std::shared_ptr<uint8_t[]> owned;
  const bool keep = store && !job.strip_parts;
  if (keep) {
    // A block to keep gets its own buffer (no zero fill: the codec writes every byte).
    owned = std::make_shared_for_overwrite<uint8_t[]>(static_cast<size_t>(decoded_size));
    decoded = MutableByteSpan(owned.get(), static_cast<size_t>(decoded_size));
  } else {
    // One scratch block per thread, reused across blocks and reads; not zero-filled (the
    // codec writes every byte), which was ~10% of a short-lived `cogr read`.
    thread_local std::unique_ptr<uint8_t[]> scratch;
    thread_local uint64_t scratch_size = 0;
    if (scratch_size < decoded_size) {
      scratch = std::make_unique_for_overwrite<uint8_t[]>(static_cast<size_t>(decoded_size));
      scratch_size = decoded_size;
    }
    decoded = MutableByteSpan(scratch.get(), static_cast<size_t>(decoded_size));
  }
  Status st = codec::Decode(raw, decoded, block_info);
  *bytes_out = decoded.size();
  if (!st.ok()) {
    return st.WithContext("block " + std::to_string(job.block_index) + " of IFD " +
                          std::to_string(ifd_index));
  }
  // job.rows rows (a job of old-style JPEG strips spans several strips).
  AssembleRows(job, decoded, 0, block_info.height, ifd->block_width(), ifd->block_height(),
               block_info.samples, out, place);
  if (keep) {
    cache->Insert(BlockKey{cache_id, static_cast<uint64_t>(ifd_index), job.block_index},
                  CachedBlock{std::move(owned), decoded.size()});
  }
  return Status::OK();
}

}  // namespace internal
}  // namespace cogr
