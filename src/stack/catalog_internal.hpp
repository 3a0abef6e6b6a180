// Internals of the catalog (include/cogr/catalog.hpp): the stored header format, the source
// decorator that records what an open reads, and the GeoPackage geometry encoding.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "cogr/geo.hpp"
#include "cogr/io.hpp"
#include "cogr/mask.hpp"
#include "cogr/status.hpp"
#include "cogr/tiff.hpp"

namespace cogr::internal {

/// PRAGMA application_id ("GPKG"), PRAGMA user_version (GeoPackage 1.3.0) and
/// cogr_catalog.format_version of the catalogs this cogr writes and reads.
inline constexpr int64_t kApplicationId = 0x47504B47;
inline constexpr int64_t kUserVersion = 10300;
inline constexpr int kFormatVersion = 1;

/// Chunks at most in a stored header, and bytes at most (the header cache's entry limit).
inline constexpr uint32_t kMaxStoredChunks = 256;
inline constexpr uint64_t kMaxStoredHeaderBytes = 4ull << 20;

/// Stored header blob: "CGHB", uint32 version 1, uint32 chunk count, then per chunk uint64
/// offset, uint32 length and the bytes (little-endian).
std::vector<uint8_t> EncodeHeader(const io::KnownHeader& header);
/// Decodes and checks a stored blob as untrusted input (magic, counts, lengths against the
/// blob, chunks sorted, disjoint, non-empty and inside `size`, total within the limit).
/// kInvalidFile naming `where` (e.g. "scenes.gpkg: scene 3").
Result<io::KnownHeader> DecodeHeader(const uint8_t* data, size_t n, uint64_t size,
                                     const std::string& where);

/// A Source that passes everything to `inner` and keeps a copy of what ReadAt/ReadAtAsync
/// returned (the header reads of an open; pixel reads go through ReadRanges and are not kept).
class RecordingSource final : public io::Source {
 public:
  explicit RecordingSource(std::shared_ptr<io::Source> inner) : inner_(std::move(inner)) {}
  Result<size_t> ReadAt(uint64_t offset, MutableByteSpan out) const override;
  void ReadAtAsync(uint64_t offset, MutableByteSpan out, std::function<void(Result<size_t>)> done,
                   io::IoContext context) const override;
  Status ReadRanges(std::span<const ByteRange> ranges, const RangeCallback& on_range,
                    size_t max_threads) const override {
    return inner_->ReadRanges(ranges, on_range, max_threads);
  }
  void ReadRangesAsync(std::vector<ByteRange> ranges, RangeCallback on_range,
                       std::function<void(Status)> on_done, io::IoContext context) const override {
    inner_->ReadRangesAsync(std::move(ranges), std::move(on_range), std::move(on_done),
                            std::move(context));
  }
  uint64_t size() const override { return inner_->size(); }
  const std::string& uri() const override { return inner_->uri(); }
  std::string etag() const override { return inner_->etag(); }
  std::string last_modified() const override { return inner_->last_modified(); }
  io::IoStats stats() const override { return inner_->stats(); }

  /// The reads so far, in the order they completed: (offset, bytes).
  std::vector<std::pair<uint64_t, std::vector<uint8_t>>> Take();

 private:
  void Keep(uint64_t offset, const uint8_t* p, size_t n) const;
  std::shared_ptr<io::Source> inner_;
  mutable std::mutex mu_;
  mutable std::vector<std::pair<uint64_t, std::vector<uint8_t>>> reads_;
};

/// The header to store for an open that read `reads` (first = the prefix at offset 0):
/// merged into chunks, the prefix cut to the shortest length (a multiple of 512 bytes) with
/// which tiff::Open parses to the same IFDs (count, lazy tables) as `parsed` did.
io::KnownHeader StoredHeader(std::vector<std::pair<uint64_t, std::vector<uint8_t>>> reads,
                             uint64_t size, const tiff::TiffFile& parsed, const Limits& limits);

/// GeoPackage geometry blob (GP header, little-endian, xy envelope) of a polygon with one ring
/// (closed here: the first point is repeated at the end).
std::vector<uint8_t> GpkgPolygon(const std::vector<std::pair<double, double>>& ring,
                                 int32_t srs_id);

/// The outline of a (width x height) image under `t` (rotated transforms included): its four
/// corners, each edge with n extra points, not closed.
std::vector<std::pair<double, double>> OutlineRing(const geo::Affine& t, double w, double h, int n);

/// The exterior ring of a GeoPackage polygon blob (GeoPackage 1.3 section 2.1.3 header, then
/// WKB Polygon, either byte order), checked as untrusted input: kInvalidFile naming `where`.
/// An empty geometry gives no points.
Result<std::vector<std::pair<double, double>>> ParseGpkgPolygon(const uint8_t* data, size_t n,
                                                                const std::string& where);

/// The area of a polygon query: polygons with holes, each with its bounding box.
struct QueryArea {
  struct Part {
    std::vector<std::pair<double, double>> exterior;
    std::vector<std::vector<std::pair<double, double>>> holes;
    geo::Bounds bounds;
  };
  std::vector<Part> parts;
  geo::Bounds bounds;  ///< of all parts
};

/// The Polygons and MultiPolygons of `shapes` (GeometryCollections entered). kInvalidArgument
/// "intersects: ..." for another geometry type, or when no polygon has 3 positions.
Result<QueryArea> MakeQueryArea(const std::vector<mask::Geometry>& shapes);

/// Does the polygon `ring` (a footprint: closed or not, no holes) share a point with `area`
/// (boundaries touching included; a ring inside a hole does not)?
bool Intersects(const QueryArea& area, const std::vector<std::pair<double, double>>& ring);

}  // namespace cogr::internal
