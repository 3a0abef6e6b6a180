// geo: Affine, Window and bounds with rasterio's semantics. Reads no pixels.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "cogr/status.hpp"

namespace cogr::geo {

/// rasterio/affine's Affine(a, b, c, d, e, f):  x = a*col + b*row + c,  y = d*col + e*row + f.
struct COGR_EXPORT Affine {
  double a = 1, b = 0, c = 0, d = 0, e = 1, f = 0;

  /// affine's Affine.identity(), translation(x, y) and scale(sx, sy) / scale(s).
  static Affine Identity() { return {}; }
  static Affine Translation(double x, double y) { return {1, 0, x, 0, 1, y}; }
  static Affine Scale(double sx, double sy) { return {sx, 0, 0, 0, sy, 0}; }
  static Affine Scale(double s) { return Scale(s, s); }
  /// Counter-clockwise rotation by `degrees` about the origin (affine.Affine.rotation).
  static Affine Rotation(double degrees);

  /// this * other: apply `other` first, then this (affine's `*`).
  Affine operator*(const Affine& other) const;
  /// Applies to a point (col, row) → (x, y).
  std::pair<double, double> Apply(double col, double row) const;
  double Determinant() const { return a * e - b * d; }
  /// No rotation or shear (b == d == 0).
  bool IsRectilinear() const { return b == 0 && d == 0; }
  /// ~Affine; kInvalidArgument when not invertible.
  Result<Affine> Inverse() const;
  /// (a, b, c, d, e, f).
  std::array<double, 6> ToArray() const { return {a, b, c, d, e, f}; }
  /// GDAL order (c, a, b, f, d, e).
  std::array<double, 6> ToGdal() const { return {c, a, b, f, d, e}; }
  /// From GDAL's geotransform order (c, a, b, f, d, e).
  static Affine FromGdal(double c, double a, double b, double f, double d, double e) {
    return {a, b, c, d, e, f};
  }
  bool operator==(const Affine&) const = default;
};

/// rasterio's BoundingBox(left, bottom, right, top).
struct Bounds {
  double left = 0, bottom = 0, right = 0, top = 0;
  bool operator==(const Bounds&) const = default;
};

/// rasterio.windows.Window(col_off, row_off, width, height). Offsets and sizes may be fractional.
struct COGR_EXPORT Window {
  double col_off = 0, row_off = 0, width = 0, height = 0;

  /// Window.from_slices((row_start, row_stop), (col_start, col_stop)).
  static Window FromSlices(std::pair<double, double> rows, std::pair<double, double> cols);
  /// rasterio.windows.from_bounds(left, bottom, right, top, transform) (rasterio >= 1.3): the
  /// window spanning the pixel coordinates of the box's four corners, so a rotated transform
  /// gives the window enclosing the rotated box. kInvalidArgument ("inconsistent") when
  /// (right - left) / a < 0 or (bottom - top) / e < 0, or when a or e is 0 (Python divides by
  /// zero there).
  static Result<Window> FromBounds(const Bounds& bounds, const Affine& transform);

  /// Window.round_offsets(): floor offsets (after adding a small tolerance as rasterio does).
  Window RoundOffsets() const;
  /// Window.round_lengths(): ceil lengths (rasterio's default "ceil" op, with tolerance).
  Window RoundLengths() const;
  /// Integer (col_off, row_off, width, height) after RoundOffsets + RoundLengths.
  std::array<int64_t, 4> ToInts() const;
  bool operator==(const Window&) const = default;
};

/// rasterio.windows.intersection; kOutOfRange ("windows do not intersect") when disjoint.
COGR_EXPORT Result<Window> Intersection(const Window& a, const Window& b);
/// rasterio.windows.union: the smallest window containing both.
COGR_EXPORT Window Union(const Window& a, const Window& b);
/// rasterio.windows.transform(window, transform): the transform of the window's upper-left.
COGR_EXPORT Affine WindowTransform(const Window& window, const Affine& transform);
/// rasterio.windows.bounds(window, transform).
COGR_EXPORT Bounds WindowBounds(const Window& window, const Affine& transform);
/// Bounds of an image of (width, height) under `transform` (rasterio's dataset.bounds).
COGR_EXPORT Bounds ImageBounds(const Affine& transform, double width, double height);

enum class PixelOffset { kCenter, kUl, kUr, kLl, kLr };
/// rasterio.transform.xy(transform, row, col, offset).
COGR_EXPORT std::pair<double, double> Xy(const Affine& transform, double row, double col,
                                         PixelOffset offset = PixelOffset::kCenter);
/// rasterio.transform.rowcol(transform, x, y, op=floor) → (row, col); kInvalidArgument if the
/// transform is not invertible.
COGR_EXPORT Result<std::pair<int64_t, int64_t>> RowCol(const Affine& transform, double x, double y);

/// The `op` of rasterio.transform.rowcol: math.floor, Python's round (half to even) or math.ceil.
enum class RoundOp : uint8_t { kFloor, kRound, kCeil };
/// "floor", "round", "ceil".
COGR_EXPORT std::string_view RoundOpName(RoundOp op);
/// Inverse of RoundOpName; kInvalidArgument naming the accepted values.
COGR_EXPORT Result<RoundOp> ParseRoundOp(std::string_view name);
/// "center", "ul", "ur", "ll", "lr".
COGR_EXPORT std::string_view PixelOffsetName(PixelOffset offset);
/// Inverse of PixelOffsetName; kInvalidArgument naming the accepted values.
COGR_EXPORT Result<PixelOffset> ParsePixelOffset(std::string_view name);

/// rasterio.transform.rowcol(transform, x, y, op=op) → (row, col): the fractional pixel
/// coordinates of (x, y) under ~transform, rounded by `op`. kInvalidArgument if the transform
/// is not invertible or the result does not fit an int64_t.
COGR_EXPORT Result<std::pair<int64_t, int64_t>> RowCol(const Affine& transform, double x, double y,
                                                       RoundOp op);

}  // namespace cogr::geo
