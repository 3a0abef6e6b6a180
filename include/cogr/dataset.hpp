// read: Dataset — open a GeoTIFF/COG and read bands and windows into arrays,
// with rasterio's semantics (1-based bands, Window(col_off, row_off, width, height)).
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <future>
#include <iterator>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "cogr/array.hpp"
#include "cogr/block_cache.hpp"
#include "cogr/buffer.hpp"
#include "cogr/cancel.hpp"
#include "cogr/dataset_helpers.hpp"
#include "cogr/geo.hpp"
#include "cogr/io.hpp"
#include "cogr/status.hpp"
#include "cogr/tiff.hpp"
#include "cogr/trace.hpp"
#include "cogr/types.hpp"

namespace cogr {

namespace internal {
class BlockTableCache;
struct BlockRead;
struct ReadRequest;
}  // namespace internal

/// How Dataset::Open reads a file: limits, header read size, I/O options, caches.
struct OpenOptions {
  Limits limits;
  /// First read of the header (bytes); more is fetched only if the IFDs reach past it.
  /// Equal to the remote sources' speculative first GET, so a cold open of a COG whose
  /// header fits is one request.
  uint64_t header_read_bytes = 32 * 1024;
  /// How remote sources fetch (coalescing, concurrency, retries, timeouts, header cache).
  /// prefix_bytes = 0 takes header_read_bytes.
  io::SourceOptions io;
  /// Cache of decoded blocks, so repeated reads of overlapping windows neither refetch nor
  /// redecode (see BlockCache). The rule: `block_cache` when set (share one cache between
  /// chosen Datasets); else unset block_cache_bytes = BlockCache::Default() (256 MiB shared
  /// by the whole process); 0 = no cache (one-shot reads such as the CLI's); N > 0 = a cache
  /// of N bytes for this Dataset alone. A read whose blocks would take more than half the
  /// cache does not store them (one full-image read must not flush it), but still uses hits.
  std::optional<uint64_t> block_cache_bytes;
  std::shared_ptr<BlockCache> block_cache;
  /// Bounds of the open itself (the header requests), as ReadOptions bounds a read: past
  /// `deadline`, or `timeout_ms` after Open starts (the earlier wins), or once `cancel` fires,
  /// the open stops its transfers (a remote first GET in flight is aborted, no retry starts)
  /// and returns kCancelled "open deadline exceeded (timeout N ms)" / "open cancelled",
  /// naming the file. They do not carry over to the Dataset's reads.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  uint32_t timeout_ms = 0;
  std::shared_ptr<CancelToken> cancel;
  /// Records the open's requests (see cogr/trace.hpp); null = none. Not kept for the reads.
  std::shared_ptr<Trace> trace;
};

/// Resampling kernels for out_shape reads (GDAL's names and semantics).
enum class Resampling : uint8_t {
  kNearest,
  kBilinear,
  kCubic,
  kAverage,
  kMode,
  kMin,
  kMax,
  kMed,
  kQ1,
  kQ3
};
/// "nearest", "bilinear", "cubic", "average", "mode", "min", "max", "med", "q1", "q3".
COGR_EXPORT std::string_view ResamplingName(Resampling r);
/// Inverse of ResamplingName; kInvalidArgument naming the accepted values.
COGR_EXPORT Result<Resampling> ParseResampling(std::string_view name);

/// What a read returns: bands, window, level or out_shape, resampling, fill, limits, deadline.
struct ReadOptions {
  /// 1-based band indexes; empty = all bands in order.
  std::vector<int> bands;
  /// Pixel window of the chosen level; unset = the whole level. Fractional offsets/sizes are
  /// rounded as rasterio does (offsets floored, lengths ceiled).
  std::optional<geo::Window> window;
  /// Pixels of the window outside the image get `fill` (or nodata, or 0). Without boundless a
  /// window reaching outside the image is kOutOfRange.
  bool boundless = false;
  std::optional<double> fill;
  /// Overview level (0-based, as rasterio's overview_level); unset = full resolution.
  std::optional<int> overview;
  /// Output (height, width): the window is resampled to this size, reading the overview GDAL
  /// would pick for the same request (rasterio's read(out_shape=...)).
  std::optional<std::pair<uint64_t, uint64_t>> out_shape;
  Resampling resampling = Resampling::kNearest;
  /// Past this time the read stops (remote transfers in flight are aborted) and returns
  /// kCancelled "read deadline exceeded". Unset = no deadline.
  std::optional<std::chrono::steady_clock::time_point> deadline;
  /// The same as deadline = (time the read starts) + timeout_ms; 0 = none. With both set, the
  /// earlier wins. The message then says "read deadline exceeded (timeout N ms)".
  uint32_t timeout_ms = 0;
  /// Cancel() it from any thread: the read stops its transfers and returns kCancelled
  /// "read cancelled" promptly. Null = not cancellable. The Dataset stays usable either way.
  std::shared_ptr<CancelToken> cancel;
  /// Records the read's requests and block decodes (see cogr/trace.hpp); null = none.
  std::shared_ptr<Trace> trace;
};

/// One image of the file at one resolution (the full image or an overview), plus its mask.
struct Level {
  int ifd_index = -1;       ///< index into tiff().ifds
  int mask_ifd_index = -1;  ///< internal mask IFD of the same size, or -1
  uint64_t width = 0, height = 0;
};

/// An open GeoTIFF/COG. Metadata is parsed at open; reads fetch and decode only the blocks
/// they touch. Thread-safe: one Dataset may be read from many threads at once.
class COGR_EXPORT Dataset : public std::enable_shared_from_this<Dataset> {
 public:
  /// Opens a path (or file:// URI). Errors name the file: "x.tif: not a TIFF file".
  static Result<std::shared_ptr<Dataset>> Open(const std::string& uri,
                                               const OpenOptions& options = {});
  /// Opens over an existing source (memory, custom I/O).
  static Result<std::shared_ptr<Dataset>> Open(std::shared_ptr<io::Source> source,
                                               const OpenOptions& options = {});

  const std::string& uri() const { return source_->uri(); }
  uint64_t width() const { return levels_[0].width; }
  uint64_t height() const { return levels_[0].height; }
  int count() const { return count_; }
  DataType dtype() const { return dtype_; }
  /// [block height, block width] of band 1 at full resolution.
  std::array<uint64_t, 2> block_shape() const;
  /// "none", "deflate", ... (codec::CompressionName).
  std::string compression() const;
  /// "pixel" (contiguous) or "band" (separate planes).
  std::string interleave() const;
  /// Photometric interpretation code of the full-resolution image.
  uint16_t photometric() const;
  std::optional<double> nodata() const { return nodata_; }
  const geo::Affine& transform() const { return transform_; }
  geo::Bounds bounds() const;
  /// (x, y) pixel sizes (rasterio's res).
  std::pair<double, double> res() const;
  /// rasterio's dataset.xy(row, col, offset): the CRS coordinates (x, y) of a point of pixel
  /// (row, col) under transform() (its centre by default; rotated transforms included).
  std::pair<double, double> xy(double row, double col,
                               geo::PixelOffset offset = geo::PixelOffset::kCenter) const {
    return geo::Xy(transform_, row, col, offset);
  }
  /// rasterio's dataset.index(x, y, op): the (row, col) of the pixel holding (x, y), rounded
  /// by `op` (floor by default). Not limited to the image: outside points give indexes < 0 or
  /// >= height/width. kInvalidArgument for a non-invertible transform or a huge index.
  Result<std::pair<int64_t, int64_t>> index(double x, double y,
                                            geo::RoundOp op = geo::RoundOp::kFloor) const {
    return geo::RowCol(transform_, x, y, op);
  }
  /// EPSG code of the CRS (PROJ's identification, as rasterio's crs.to_epsg(); without PROJ
  /// the code the GeoKeys name), else nullopt. Computed on first use of crs(), crs_epsg() or
  /// crs_wkt() (Open never touches PROJ), then cached; thread-safe.
  std::optional<int> crs_epsg() const;
  /// WKT1_GDAL of the CRS when known (via PROJ), else nullopt. Lazy and cached as crs_epsg().
  std::optional<std::string> crs_wkt() const;
  /// The dataset CRS (rasterio's dataset.crs), built from the GeoKeys on first use (this loads
  /// PROJ's database: milliseconds, more for a user-defined CRS), then cached; thread-safe.
  /// kNotFound "<uri>: no CRS" when the file has none (no GeoKeys, or GCPs only);
  /// kUnsupported without PROJ; the GeoKeys' error (kInvalidFile, kInvalidArgument) when
  /// they cannot be turned into a CRS.
  Result<geo::Crs> crs() const;
  /// GeoKeys as parsed (empty when there are none).
  const std::map<uint16_t, tiff::GeoKeyValue>& geokeys() const { return geokeys_; }
  /// True when GTRasterTypeGeoKey is 2 (RasterPixelIsPoint: AREA_OR_POINT "Point"); false for
  /// PixelIsArea, no key or a file without GeoKeys.
  bool pixel_is_point() const { return pixel_is_point_; }
  /// Overview decimation factors of band 1, as rasterio's src.overviews(1).
  std::vector<int> overviews() const;
  /// The full-resolution image (levels()[0]) then each overview in the order GDAL lists them
  /// (as overviews()): 1 + overview count entries, each with its IFD index, mask IFD index
  /// (-1: none) and size.
  const std::vector<Level>& levels() const { return levels_; }
  /// True if the file follows the COG layout (IFDs before data, GDAL ghost area or the
  /// equivalent order of tiles).
  bool is_cog() const { return is_cog_; }
  bool has_mask() const { return levels_[0].mask_ifd_index >= 0; }
  /// Per-band scale/offset/description from GDAL_METADATA (1.0 / 0.0 / "" by default).
  const std::vector<double>& scales() const { return scales_; }
  const std::vector<double>& offsets() const { return offsets_; }
  const std::vector<std::string>& descriptions() const { return descriptions_; }
  const tiff::TiffFile& tiff() const { return tiff_; }
  /// What the source has cost so far: requests, bytes fetched/used, retries, wait time.
  /// Per-read cost = difference of two snapshots (exact when reads do not overlap).
  io::IoStats io_stats() const { return source_->stats(); }
  const io::Source& source() const { return *source_; }
  const Limits& limits() const { return options_.limits; }

  /// Reads bands/window of a level into a (bands, height, width) array of dtype().
  Result<Array> Read(const ReadOptions& options = {}) const;
  /// Read(options) into `out`, reusing its memory: when out.data already has the read's size
  /// (e.g. the previous read of a loop over same-sized windows), it is neither reallocated nor
  /// zero-filled, and every byte is overwritten (pixels, sparse blocks, boundless fill); else it
  /// is resized. Sets dtype, bands, height, width and transform as Read does. This saves the
  /// allocation and page faults of a fresh array, which for a large read of a fast codec cost
  /// as much as the decode. On error the contents of `out` are unspecified. (out_shape reads
  /// still build their result before moving it into `out`.)
  Status ReadInto(const ReadOptions& options, Array& out) const;
  /// Read(options) into memory the caller owns: every byte of `out` (pixels, sparse blocks,
  /// boundless fill, out_shape results) is written, or the read fails; nothing else is
  /// allocated for the pixels (out_shape reads resample into a buffer of the output's size
  /// first). `out` must have the read's dtype and shape (ReadShape tells them), else
  /// kInvalidArgument naming both. On error the contents of `out` are unspecified.
  Status ReadInto(const ReadOptions& options, const ArrayView& out) const;
  /// What Read(options) returns, without reading pixels: dtype, bands, height, width and
  /// transform set, data empty. Fails as Read would on bad bands, overview, window or limits.
  Result<Array> ReadShape(const ReadOptions& options = {}) const;
  /// Reads the internal mask (255 valid, 0 invalid) for the same window; all 255 when the file
  /// has no mask (and no nodata). With out_shape: the mask resampled to (height, width) by
  /// options.resampling (rasterio's read_masks(out_shape=...)): the internal mask's level GDAL
  /// would pick, or the nodata test applied to the data read at out_shape.
  Result<Array> ReadMask(const ReadOptions& options = {}) const;

  // ---- rasterio helpers (src/read/dataset_helpers.cpp, src/read/sample.cpp) ----

  /// rasterio's dataset.profile (see DatasetProfile for the keys and how absent keys map).
  /// Asks for the CRS (loads PROJ on first call); a file whose GeoKeys give no CRS has
  /// crs unset rather than failing.
  DatasetProfile profile() const;
  /// rasterio's tags(bidx=band, ns=ns): band 0 = the dataset's items, 1..count = the band's.
  /// The default namespace ("") holds GDAL_METADATA items without a domain (band items with
  /// a role such as scale/offset/description are not tags, as in GDAL), plus for the dataset
  /// GDAL's TIFFTAG_* items (DOCUMENTNAME, IMAGEDESCRIPTION, SOFTWARE, DATETIME, ARTIST,
  /// HOSTCOMPUTER, COPYRIGHT, XRESOLUTION, YRESOLUTION, RESOLUTIONUNIT, MINSAMPLEVALUE,
  /// MAXSAMPLEVALUE) and AREA_OR_POINT when the file has GeoKeys. Another `ns` gives the
  /// GDAL_METADATA items of that domain. GDAL's own namespaces (IMAGE_STRUCTURE, SUBDATASETS,
  /// DERIVED_SUBDATASETS) are kUnsupported. May read the bytes of the TIFF ASCII tags (a small
  /// range of the header). kOutOfRange for a band outside [0, count].
  Result<std::map<std::string, std::string>> tags(int band = 0, const std::string& ns = "") const;
  /// rasterio's colormap(bidx): 2^BitsPerSample entries from the ColorMap tag of a paletted
  /// file (16-bit TIFF values / 257, truncated, as GDAL 3.6; alpha 255); GDAL's implicit
  /// tables for a single min-is-white integer band (inverted gray, 2^bits entries) and for
  /// 1-bit min-is-black (black, white). kNotFound "<uri>: NULL color table" (rasterio's
  /// ValueError message) otherwise; kOutOfRange for a band outside [1, count].
  Result<Colormap> colormap(int band = 1) const;
  /// rasterio's block_windows(bidx): every block of the full-resolution image in row-major
  /// order, with its window clipped to the image. `band` 0 or 1..count (all bands share one
  /// layout); kOutOfRange otherwise.
  Result<std::vector<BlockWindow>> block_windows(int band = 0) const;
  /// rasterio's dataset_mask(window, out_shape, boundless): (1, h, w) uint8 by GDAL's rule:
  /// a per-dataset mask (internal mask IFD) when present; else the alpha band's values (an
  /// ExtraSamples alpha: values as stored for uint8, scaled to 0..255 for uint16 as GDAL does);
  /// else 0 where every band is nodata and 255 elsewhere; else all 255. Same window, bands
  /// (ignored), boundless, overview, out_shape and deadline options as Read.
  Result<Array> dataset_mask(const ReadOptions& options = {}) const;
  /// The 1-based band GDAL treats as alpha (an ExtraSamples value of 1 or 2), 0 when none.
  /// Per GDAL, the other bands' mask is that band and the alpha band's own mask is all valid
  /// (rasterio's read_masks; bindings build per-band masks from this and dataset_mask).
  int alpha_band() const { return AlphaBand() + 1; }
  /// rasterio's sample(xy, indexes): the values of the bands at each point (x, y) in the
  /// dataset's CRS, as a (1, points, bands) Array of dtype() (row i = point i). A point is
  /// mapped to its pixel by index(x, y) (floor); a point outside the image gets nodata (0 when
  /// there is none), as rasterio does. Batched per block: each touched block is read (fetched
  /// and decoded) once, whatever the number of points in it.
  Result<Array> Sample(const std::vector<std::pair<double, double>>& points,
                       const SampleOptions& options = {}) const;

  /// Runs a task of ReadAsync: called once per read, it must run `task` exactly once, on any
  /// thread (a thread pool of the caller's, an event loop, ...).
  using ReadExecutor = std::function<void(std::function<void()> task)>;
  /// Read(options) without blocking the caller, and without a thread waiting for bytes: the
  /// read is resolved on the calling thread (bad bands, window or limits fail here), its blocks
  /// are fetched through the source's asynchronous calls (remote sources: the process's one I/O
  /// loop) and each is decoded on cogr's pool as its bytes arrive; the result goes to the future
  /// (or `done`) from cogr's async executor, a fixed pool of AsyncReadThreads() threads. So
  /// hundreds of reads can wait on the network at once with a fixed number of threads. Reads
  /// with out_shape still run whole on the executor (their resampling stages read chunk by
  /// chunk; such a read holds an executor thread while it waits). Deadline and cancel
  /// (ReadOptions) abort the transfers as for Read. The Dataset is kept alive until the read
  /// ends; it must be owned by a shared_ptr (as Open returns it), else the future holds
  /// kInvalidArgument.
  /// Nested reads cannot deadlock: a ReadAsync issued while an asynchronous read's callback runs
  /// on this thread (e.g. a callback calling ReadAsync(...).get()) runs inline, on the calling
  /// thread, as a synchronous Read, and returns with its result ready.
  std::future<Result<Array>> ReadAsync(ReadOptions options = {}) const;
  /// The same, the result handed over on the caller's executor (null = cogr's): `executor` runs
  /// one task per read, the one that completes the future (out_shape reads: the whole read).
  std::future<Result<Array>> ReadAsync(ReadOptions options, const ReadExecutor& executor) const;
  /// Callback form: `done` runs once, on an executor thread, with the result (it must not
  /// block for long: it holds an executor thread).
  void ReadAsync(ReadOptions options, std::function<void(Result<Array>)> done) const;
  /// Open(uri, options) without blocking the caller and without a thread waiting for bytes: the
  /// source opens asynchronously (remote: its first GET on the I/O loop), then the header is
  /// parsed in callbacks, fetching with ReadAtAsync only what the parser asks for (a COG whose
  /// header fits the first read costs that one request). `done` runs once, on an executor
  /// thread of ReadAsync, with the Dataset or the error the synchronous Open would give (it must
  /// not block for long). OpenOptions' deadline and cancel bound it as they bound Open. For
  /// event loops that must not wait (Python's asyncio) and for many opens at once.
  static void OpenAsync(std::string uri, OpenOptions options,
                        std::function<void(Result<std::shared_ptr<Dataset>>)> done);
  /// OpenAsync over an existing source (a decorator of the caller's, e.g. one that records the
  /// header bytes the parse reads): the parse fetches with source->ReadAtAsync.
  static void OpenAsync(std::shared_ptr<io::Source> source, OpenOptions options,
                        std::function<void(Result<std::shared_ptr<Dataset>>)> done);
  /// Callback form on the caller's executor (null = cogr's): `done` runs in the task.
  void ReadAsync(ReadOptions options, std::function<void(Result<Array>)> done,
                 const ReadExecutor& executor) const;
  /// ReadInto(options, out) asynchronously, as ReadAsync: the samples are decoded straight into
  /// `out` (which the caller keeps alive and untouched until `done` runs); `done` runs once, on
  /// `executor` (null = cogr's), with OK once every byte of `out` is written, or the error (the
  /// contents of `out` are then unspecified). Many of these in flight into disjoint slices of one
  /// array is how a Stack reads its scenes.
  void ReadIntoAsync(ReadOptions options, const ArrayView& out, std::function<void(Status)> done,
                     const ReadExecutor& executor = {}) const;
  /// Threads of the async executor: max(4, 2 x hardware threads), fixed at first use.
  static size_t AsyncReadThreads();

  /// The decoded-block cache this Dataset uses, or null when it has none.
  const std::shared_ptr<BlockCache>& block_cache() const { return cache_; }

 private:
  struct OpenKey {
    explicit OpenKey() = default;
  };

 public:
  /// For Open() only: OpenKey is private, so a Dataset cannot be built any other way.
  Dataset(OpenKey, std::shared_ptr<io::Source> source, OpenOptions options);
  /// Drops this Dataset's blocks from its cache.
  ~Dataset();
  Dataset(const Dataset&) = delete;
  Dataset& operator=(const Dataset&) = delete;

 private:
  Status Init();
  /// Open(source) under the open context the caller has installed.
  static Result<std::shared_ptr<Dataset>> OpenSource(std::shared_ptr<io::Source> source,
                                                     const OpenOptions& options);
  /// A read into `array` (sized here) or into `view` (checked here); exactly one is set.
  /// With `shape_only`, sets array's shape and transform and reads nothing.
  Status ReadImpl(const ReadOptions& options, bool mask, Array* array, const ArrayView* view,
                  bool shape_only = false) const;
  /// ReadImpl of an out_shape read (src/read/dataset_out_shape.cpp).
  Status ReadOutShapeImpl(const ReadOptions& options, bool mask, Array* array,
                          const ArrayView* view, bool shape_only) const;
  /// Checks what IFD `ifd_index` promises against what its codec and the limits allow (codec
  /// built, components, decoded block size), before a read allocates anything. -1 = OK.
  Status CheckReadable(int ifd_index) const;
  /// Resolves the options of a window read (no out_shape) into `req`: level, bands, window,
  /// limits, the destination (`view` checked, or `array` sized; with `shape_only` array's shape
  /// and transform set and nothing allocated).
  COGR_NO_EXPORT Status ResolveRead(const ReadOptions& options, bool mask, Array* array,
                                    const ArrayView* view, bool shape_only,
                                    internal::ReadRequest& req) const;
  /// The block reader (src/read/block_reader.cpp): checks the blocks of IFD `ifd_index` that
  /// cover [x0, x1) x [y0, y1) for the 0-based `bands`, fills the sparse ones, copies the cached
  /// ones into `out` (placed at (col0, row0)) and leaves in `br` the ranges to fetch and decode.
  COGR_NO_EXPORT Status PrepareBlocks(int ifd_index, const std::vector<int>& bands, int64_t col0,
                                      int64_t row0, uint64_t x0, uint64_t y0, uint64_t x1,
                                      uint64_t y1, double sparse_fill, const ArrayView& out,
                                      const io::IoContext* context, internal::BlockRead& br) const;
  /// After a fetch round of `br`: the ranges of the blocks whose GDAL leader did not check out,
  /// by their byte counts (none: br.ranges is empty).
  COGR_NO_EXPORT Status PrepareLeaderRetry(internal::BlockRead& br) const;
  /// Everything Init does after the header is parsed into tiff_.
  Status InitFromTiff();
  /// A Dataset over `source` from its parsed header (the asynchronous open's last step).
  static Result<std::shared_ptr<Dataset>> FromTiff(std::shared_ptr<io::Source> source,
                                                   const OpenOptions& options, tiff::TiffFile file);
  /// ReadAsync of a window read without out_shape: resolved here, blocks fetched with
  /// ReadRangesAsync and decoded as they arrive; `done` runs where the last fetch ends.
  /// With `view` set the samples go there (ReadIntoAsync) and `done` gets an empty Array.
  void StartRead(ReadOptions options, const ArrayView* view,
                 std::function<void(Result<Array>)> done) const;
  /// Fetches, decodes and assembles the blocks of IFD `ifd_index` that cover `rect` (image
  /// coordinates, inside the image) for the 0-based `bands`, into `out` placed at (col0, row0).
  Status ReadBlocks(int ifd_index, const std::vector<int>& bands, int64_t col0, int64_t row0,
                    uint64_t x0, uint64_t y0, uint64_t x1, uint64_t y1, double sparse_fill,
                    const ArrayView& out) const;

  /// Offsets and byte counts of blocks `blocks` of `ifd`, from its tables or, for lazy tables,
  /// from tables_ (fetching the pages not cached). Values are as stored, not yet checked.
  /// With `leader` (sized like blocks, 1 = use it) and lazy byte counts in a file whose ghost
  /// area declares block leaders and trailers, a block followed by a later one in the file gets
  /// no byte count: its entry is the span [offset - 4, next offset - 4), leader included (the
  /// reader takes the block from the leader, see internal::BlockFromLeader), and leader = 1.
  Status BlockEntries(const tiff::Ifd& ifd, const std::vector<uint64_t>& blocks,
                      std::vector<uint64_t>& offsets, std::vector<uint64_t>& byte_counts,
                      std::vector<uint8_t>* leader = nullptr) const;

  std::shared_ptr<io::Source> source_;
  OpenOptions options_;
  std::shared_ptr<internal::BlockTableCache> tables_;  // pages of lazy block tables; null if none
  std::shared_ptr<BlockCache> cache_;                  // null = no cache
  uint64_t cache_id_ = 0;                              // this Dataset's key part in cache_
  tiff::TiffFile tiff_;
  std::vector<Level> levels_;
  int count_ = 0;
  DataType dtype_ = DataType::kUnknown;
  std::optional<double> nodata_;
  geo::Affine transform_;
  // The CRS, built on first use (ComputeCrs, src/read/dataset_crs.cpp) under crs_once_.
  void ComputeCrs() const;
  // Helpers of the rasterio helpers (src/read/dataset_helpers.cpp).
  Status AddTiffTags(std::map<std::string, std::string>& out) const;  // GDAL's TIFFTAG_* items
  int AlphaBand() const;  // 0-based band GDAL treats as alpha (ExtraSamples 1 or 2), or -1
  Status ReadMaskOutShape(const ReadOptions& options, Array& out) const;  // ReadMask with out_shape
  void NodataMask(const Array& data,
                  uint8_t* mask) const;  // mask[i] = 255 where a band is not nodata
  bool has_gcps_ = false;                // GCP-only georeferencing: no dataset CRS
  std::optional<int> geokeys_epsg_;      // the EPSG code the GeoKeys name (no PROJ needed)
  mutable std::once_flag crs_once_;
  mutable std::optional<int> crs_epsg_;
  mutable std::optional<std::string> crs_wkt_;
  mutable std::optional<geo::Crs> crs_;
  mutable Status crs_status_;
  std::map<uint16_t, tiff::GeoKeyValue> geokeys_;
  bool pixel_is_point_ = false;
  bool is_cog_ = false;
  std::vector<double> scales_, offsets_;
  std::vector<std::string> descriptions_;
};

}  // namespace cogr
