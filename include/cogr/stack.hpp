// stack: many scenes (paths or URLs) read as one array — (T, C, H, W), or (T*C, H, W) — and
// sampled at points. Built on Dataset's asynchronous open and read: every scene's open is in
// flight at once, then every scene's read, each decoding straight into its slice of one output
// array. Knows no codec and no HTTP.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "cogr/crs.hpp"
#include "cogr/dataset.hpp"
#include "cogr/geo.hpp"
#include "cogr/io.hpp"
#include "cogr/status.hpp"
#include "cogr/types.hpp"

namespace cogr {

/// What a read or sample does with a scene that fails (open or read).
enum class StackOnError : uint8_t {
  kFail,  ///< the whole call fails with an error naming the scene (URI + message)
  kFill,  ///< the scene's slice gets the fill value and the scene is listed as failed
};

/// How Stack::Open lays the scenes on one grid.
///
/// - Neither `window` nor `bounds`: the whole image; every scene must have the first scene's
///   grid (size and transform).
/// - `window`: a pixel window of that common grid (every scene must share it); it may reach
///   outside the images (boundless).
/// - `bounds` (in `bounds_crs`, default the target CRS): the target grid is the box at
///   `resolution` (default: the first scene's pixel size) in the target CRS (`crs`, default the
///   first scene's). Each scene is read over its own window for the box (rasterio's
///   windows.from_bounds) and, when that window is not the target's size, resampled to it
///   (out_shape) with `resampling`. No reprojection: a scene in another CRS is an error.
struct StackOptions {
  /// 1-based band indexes read from every scene; empty = all bands of the first scene.
  std::vector<int> bands;
  std::optional<geo::Window> window;
  std::optional<geo::Bounds> bounds;
  std::optional<geo::Crs> bounds_crs;
  /// The target grid's CRS; unset = the first scene's. Every scene must be in it (geo::SameCrs).
  std::optional<geo::Crs> crs;
  /// Target (x, y) pixel size for `bounds`; unset = the first scene's res().
  std::optional<std::pair<double, double>> resolution;
  /// Target (height, width): the grid's size is forced to it (pixel size scaled accordingly).
  std::optional<std::pair<uint64_t, uint64_t>> out_shape;
  Resampling resampling = Resampling::kNearest;
  /// Pixels outside a scene get `fill`, else the scene's nodata, else 0 (always boundless, so
  /// every chip has the same shape).
  std::optional<double> fill;
  /// true: Read gives (T, C, H, W); false: (T*C, H, W).
  bool stack = true;
  /// A scene that fails to open: kFail fails Open; kFill keeps it as a failed scene that reads
  /// as fill (its error in StackScene::error).
  StackOnError on_error = StackOnError::kFail;
  OpenOptions open;
  /// Per-scene open options, one per URI in order (e.g. each from a catalog's stored header:
  /// SceneOpenOptions / CatalogStackOptions in cogr/catalog.hpp); empty = `open` for every scene.
  /// Another size is kInvalidArgument.
  std::vector<OpenOptions> scene_open;
};

/// One scene of a Stack: where it is read from and what is known without reading pixels.
struct StackScene {
  std::string uri;
  /// Null when the scene failed to open (StackOnError::kFill); `error` says why.
  std::shared_ptr<Dataset> dataset;
  std::string error;
  /// The scene's window (its own pixels, possibly fractional or outside the image) that covers
  /// the stack's whole grid.
  geo::Window window;
  /// Value of the scene's pixels outside its image (fill, else nodata, else 0).
  double fill = 0;
};

/// Options of one Stack::Read.
struct StackReadOptions {
  StackOnError on_error = StackOnError::kFail;
  /// Bounds of the whole read, as ReadOptions': every scene's read gets the call's deadline.
  /// Once one fires, the call fails with kCancelled even under kFill (a scene cut short is not
  /// a failed scene to fill).
  std::optional<std::chrono::steady_clock::time_point> deadline;
  uint32_t timeout_ms = 0;
  std::shared_ptr<CancelToken> cancel;
  /// Records every scene's read requests and decodes (cogr/trace.hpp); null = none. Opens are
  /// traced through OpenOptions::trace.
  std::shared_ptr<Trace> trace;
  /// Called on the reading thread as scenes finish (done, total). May be empty.
  std::function<void(size_t done, size_t total)> progress;
};

/// What one scene's read cost and how it ended.
struct StackSceneResult {
  Status status;   ///< OK, or the scene's error (failed scenes under kFill)
  io::IoStats io;  ///< the scene's source counters after the read (open + reads so far)
  double ms = 0;   ///< from the start of the Read to the scene's end
};

/// The result of Stack::Read.
struct StackRead {
  /// The pixels: bands = T*C (scene-major), height, width; transform = the stack's.
  Array data;
  /// (T, C, H, W) or (T*C, H, W), as StackOptions::stack asked.
  std::vector<uint64_t> shape;
  /// Indexes of the scenes that failed (kFill only) and their messages (URI first).
  std::vector<size_t> failed;
  std::vector<std::string> failed_messages;
  std::vector<StackSceneResult> scenes;
};

/// Options of Stack::Sample.
struct StackSampleOptions {
  /// 1-based band indexes; empty = the stack's bands.
  std::vector<int> bands;
  /// CRS of the points; unset = the stack's CRS.
  std::optional<geo::Crs> crs;
  StackOnError on_error = StackOnError::kFail;
  std::optional<std::chrono::steady_clock::time_point> deadline;
  uint32_t timeout_ms = 0;
  std::shared_ptr<CancelToken> cancel;
};

/// The result of Stack::Sample: data is (T, points, bands) (Array bands = T, height = points,
/// width = bands), rasterio's sample() of each scene (points outside a scene: its nodata or 0).
struct StackSample {
  Array data;
  std::vector<size_t> failed;
  std::vector<std::string> failed_messages;
};

/// Many scenes as one lazy array. Open reads only headers (all in flight at once); shape, dtype,
/// transform and the scenes' metadata are known without reading pixels; Select gives a new lazy
/// Stack (georeader's isel); Read reads every scene at once into one array. Copies are cheap
/// (the Datasets are shared). Thread-safe for concurrent const calls.
class COGR_EXPORT Stack {
 public:
  /// Opens every URI at once (Dataset::OpenAsync) and lays them on one grid (StackOptions).
  /// Errors name the scene: "scene 2 (b.tif): ...". kInvalidArgument for an empty list,
  /// mismatched dtypes, grids or CRSs, or a band a scene lacks.
  static Result<Stack> Open(const std::vector<std::string>& uris, const StackOptions& options = {});
  /// Open(uris, options) then Read(read_options), with each scene's read started as soon as its
  /// own open completes instead of after the slowest open (one round trip less in the common
  /// case). Applies to pixel windows without out_shape (whose reads need no other scene);
  /// otherwise it is Open + Read. The result and the errors are those of Open + Read.
  /// `opened_stack` (optional) gets the Stack once every scene is open, also when the read
  /// then fails (it is left as it was when the open fails).
  static Result<StackRead> OpenAndRead(const std::vector<std::string>& uris,
                                       const StackOptions& options,
                                       const StackReadOptions& read_options = {},
                                       std::optional<Stack>* opened_stack = nullptr);
  /// The same over Datasets already open.
  static Result<Stack> FromDatasets(const std::vector<std::shared_ptr<Dataset>>& datasets,
                                    const StackOptions& options = {});

  size_t count() const { return scenes_.size(); }      ///< T
  size_t band_count() const { return bands_.size(); }  ///< C
  uint64_t height() const { return height_; }
  uint64_t width() const { return width_; }
  /// (T, C, H, W) or (T*C, H, W).
  std::vector<uint64_t> shape() const;
  DataType dtype() const { return dtype_; }
  const geo::Affine& transform() const { return transform_; }
  geo::Bounds bounds() const {
    return geo::ImageBounds(transform_, static_cast<double>(width_), static_cast<double>(height_));
  }
  /// The target CRS (unset when the scenes have none).
  const std::optional<geo::Crs>& crs() const { return crs_; }
  const std::vector<int>& bands() const { return bands_; }
  const std::vector<StackScene>& scenes() const { return scenes_; }
  bool stacked() const { return stack_; }

  /// A new lazy Stack of some scenes (0-based positions, in the given order; empty = all), some
  /// bands (0-based positions into bands(); empty = all) and a pixel window of this stack's grid
  /// (integral; may reach outside: boundless). kOutOfRange for a bad position.
  Result<Stack> Select(const std::vector<size_t>& scenes, const std::vector<size_t>& bands = {},
                       const std::optional<geo::Window>& window = std::nullopt) const;

  /// Reads every scene at once into one array of shape().
  Result<StackRead> Read(const StackReadOptions& options = {}) const;
  /// Read into memory the caller owns: `out` has bands = T*C, height(), width() and dtype();
  /// scene t's bands are out's bands [t*C, (t+1)*C). Every byte is written, or the read fails.
  /// `result` (optional) gets failed scenes and per-scene costs (its data stays empty).
  Status ReadInto(const ArrayView& out, const StackReadOptions& options = {},
                  StackRead* result = nullptr) const;

  /// The values of `bands` at each point (x, y) in every scene (Dataset::Sample, rasterio's
  /// sample()), the scenes sampled at once.
  Result<StackSample> Sample(const std::vector<std::pair<double, double>>& points,
                             const StackSampleOptions& options = {}) const;

 private:
  /// A stack of the scenes whose opens ended with `opened` (in order): the failed ones named
  /// and, with StackOnError::kFill, kept as failed scenes.
  static Result<Stack> FromOpened(const std::vector<std::string>& uris,
                                  std::vector<Result<std::shared_ptr<Dataset>>>& opened,
                                  const StackOptions& options);
  Stack() = default;
  std::vector<StackScene> scenes_;
  std::vector<int> bands_;
  DataType dtype_ = DataType::kUnknown;
  uint64_t height_ = 0, width_ = 0;
  geo::Affine transform_;
  std::optional<geo::Crs> crs_;
  Resampling resampling_ = Resampling::kNearest;
  bool stack_ = true;
};

}  // namespace cogr
