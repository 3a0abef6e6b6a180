// Fuzz entry point of the catalog's stored blobs (util/fuzz.hpp, section 6): the `header` and
// `geom` columns of a catalog are untrusted input like a TIFF.
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "cogr/io.hpp"
#include "io/known_header.hpp"
#include "stack/catalog_internal.hpp"
#include "util/fuzz.hpp"

namespace cogr::internal {
namespace {

constexpr uint64_t kMaxRebuiltFile = 4ull << 20;
const std::string kWhere = "fuzz.gpkg: scene 1 (fuzz.tif)";

uint64_t Le64(const uint8_t* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | p[i];
  return v;
}

Status FuzzFootprint(const uint8_t* blob, size_t n) {
  COGR_ASSIGN_OR_RETURN(auto ring, ParseGpkgPolygon(blob, n, kWhere));
  COGR_FUZZ_CHECK(ring.size() <= n / 16, "more points than the blob holds");
  // A square with a hole, and a triangle: every branch of the test.
  mask::Polygon holed{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}},
                      {{{4, 4}, {6, 4}, {6, 6}, {4, 6}, {4, 4}}}};
  mask::Polygon tri{{{-5, -5}, {5, -5}, {-5, 5}, {-5, -5}}, {}};
  COGR_ASSIGN_OR_RETURN(QueryArea area,
                        MakeQueryArea({mask::Geometry{mask::MultiPolygon{{holed, tri}}}}));
  (void)Intersects(area, ring);
  return Status::OK();
}

}  // namespace

Status FuzzCatalogHeader(const uint8_t* data, size_t size) {
  if (size < kFuzzCatalogHeaderBytes)
    return Status::InvalidArgument("fuzz input shorter than its header");
  const uint8_t* blob = data + kFuzzCatalogHeaderBytes;
  const size_t n = size - kFuzzCatalogHeaderBytes;
  if (data[0] & 1u) return FuzzFootprint(blob, n);
  const uint64_t object_size = Le64(data + 1);
  COGR_ASSIGN_OR_RETURN(io::KnownHeader header, DecodeHeader(blob, n, object_size, kWhere));
  uint64_t total = 0, end = 0;
  for (const auto& c : header.chunks) {
    COGR_FUZZ_CHECK(!c.bytes.empty() && c.offset >= end, "chunks sorted, disjoint, non-empty");
    COGR_FUZZ_CHECK(c.bytes.size() <= object_size - c.offset, "chunk inside the object");
    end = c.offset + c.bytes.size();
    total += c.bytes.size();
  }
  COGR_FUZZ_CHECK(total <= kMaxStoredHeaderBytes, "stored header above its limit");
  // Encode(Decode(blob)) decodes to the same chunks.
  const std::vector<uint8_t> again = EncodeHeader(header);
  auto round = DecodeHeader(again.data(), again.size(), object_size, kWhere);
  COGR_FUZZ_CHECK(round.ok() && round->chunks.size() == header.chunks.size(),
                  "re-encoded header decodes");
  for (size_t i = 0; i < header.chunks.size(); ++i) {
    COGR_FUZZ_CHECK(round->chunks[i].offset == header.chunks[i].offset &&
                        round->chunks[i].bytes == header.chunks[i].bytes,
                    "re-encoded header decodes to the same chunks");
  }
  if (object_size > kMaxRebuiltFile || header.chunks.empty()) return Status::OK();
  // Open as Catalog::OpenScene does: the header served from memory, the rest from the file.
  std::vector<uint8_t> file(static_cast<size_t>(object_size), 0);
  for (const auto& c : header.chunks)
    std::memcpy(file.data() + c.offset, c.bytes.data(), c.bytes.size());
  auto known = std::make_shared<const io::KnownHeader>(std::move(header));
  COGR_ASSIGN_OR_RETURN(auto source, io::internal::WithKnownHeader(
                                         io::MemorySource(std::move(file), "fuzz.tif"), known));
  OpenOptions options;
  options.limits = FuzzLimits();
  options.block_cache_bytes = 0;
  if (known->chunks[0].offset == 0) options.header_read_bytes = known->chunks[0].bytes.size();
  COGR_ASSIGN_OR_RETURN(auto ds, Dataset::Open(std::move(source), options));
  (void)ds->bounds();
  return Status::OK();
}

std::vector<std::vector<uint8_t>> EncodeFuzzCatalogInputs(const std::vector<uint8_t>& file) {
  auto recorder = std::make_shared<RecordingSource>(io::MemorySource(file, "seed.tif"));
  OpenOptions options;
  options.block_cache_bytes = 0;
  options.header_read_bytes = 16384;
  auto ds = Dataset::Open(recorder, options);
  if (!ds.ok()) return {};
  std::vector<std::vector<uint8_t>> out;
  auto prefixed = [](uint8_t mode, uint64_t object_size, const std::vector<uint8_t>& blob) {
    std::vector<uint8_t> input(kFuzzCatalogHeaderBytes);
    input[0] = mode;
    for (int i = 0; i < 8; ++i)
      input[1 + static_cast<size_t>(i)] = static_cast<uint8_t>(object_size >> (8 * i));
    input.insert(input.end(), blob.begin(), blob.end());
    return input;
  };
  const io::KnownHeader header =
      StoredHeader(recorder->Take(), file.size(), (*ds)->tiff(), (*ds)->limits());
  out.push_back(prefixed(0, file.size(), EncodeHeader(header)));
  const auto ring = OutlineRing((*ds)->transform(), static_cast<double>((*ds)->width()),
                                static_cast<double>((*ds)->height()), 2);
  out.push_back(prefixed(1, file.size(), GpkgPolygon(ring, 4326)));
  return out;
}

}  // namespace cogr::internal
