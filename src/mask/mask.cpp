// rasterio.mask.mask: read the shapes' window (or the whole extent) and mask the rest.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <type_traits>
#include <variant>

#include "cogr/mask.hpp"

namespace cogr::mask {

namespace {

constexpr char kNoOverlap[] = "Input shapes do not overlap raster.";
constexpr char kOutsideWarning[] =
    "shapes are outside bounds of raster. Are they in different coordinate reference systems?";

// Value of sample i (real part for complex types) as double.
double SampleAt(const Array& a, size_t i) {
  const uint8_t* p = a.data.data() + i * a.sample_bytes();
  auto get = [p]<class T>(T) {
    T v;
    std::memcpy(&v, p, sizeof(T));
    return static_cast<double>(v);
  };
  switch (a.dtype) {
    case DataType::kUInt8: return get(uint8_t{});
    case DataType::kInt8: return get(int8_t{});
    case DataType::kUInt16: return get(uint16_t{});
    case DataType::kInt16:
    case DataType::kCInt16: return get(int16_t{});
    case DataType::kUInt32: return get(uint32_t{});
    case DataType::kInt32:
    case DataType::kCInt32: return get(int32_t{});
    case DataType::kUInt64: return get(uint64_t{});
    case DataType::kInt64: return get(int64_t{});
    case DataType::kFloat32:
    case DataType::kCFloat32: return get(float{});
    case DataType::kFloat64:
    case DataType::kCFloat64: return get(double{});
    case DataType::kUnknown: break;
  }
  return 0;
}

// x86-64's cvttsd2si: truncation; NaN and out-of-range values give the "integer indefinite"
// (the type's minimum).
int32_t Cvtt32(double v) {
  if (!(v > -2147483649.0 && v < 2147483648.0)) return std::numeric_limits<int32_t>::min();
  return static_cast<int32_t>(v);
}
int64_t Cvtt64(double v) {
  if (!(v >= -9223372036854775808.0 && v < 9223372036854775808.0)) {
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(v);
}

// `value` converted to T as numpy's MaskedArray.filled(value) does (np.array(value,
// dtype=T): a C cast compiled by GCC for x86-64): small integer types take the low bits of a
// 32-bit conversion (-1.0 → 255 for uint8), uint32/int64 of a 64-bit one.
template <class T>
T ConvertFill(double value) {
  if constexpr (std::is_floating_point_v<T>) {
    return static_cast<T>(value);
  } else if constexpr (sizeof(T) < 4 || std::is_same_v<T, int32_t>) {
    return static_cast<T>(Cvtt32(value));
  } else if constexpr (std::is_same_v<T, uint64_t>) {
    constexpr double k2p63 = 9223372036854775808.0;
    if (value < k2p63) return static_cast<uint64_t>(Cvtt64(value));
    return static_cast<uint64_t>(Cvtt64(value - k2p63)) ^ (uint64_t{1} << 63);
  } else {
    return static_cast<T>(Cvtt64(value));
  }
}

// Bytes of one sample holding `value` (complex: real = value, imaginary = 0).
std::vector<uint8_t> FillBytes(DataType dtype, double value) {
  std::vector<uint8_t> out(DataTypeSize(dtype), 0);
  auto put = [&out]<class T>(T v) { std::memcpy(out.data(), &v, sizeof(T)); };
  switch (dtype) {
    case DataType::kUInt8: put(ConvertFill<uint8_t>(value)); break;
    case DataType::kInt8: put(ConvertFill<int8_t>(value)); break;
    case DataType::kUInt16: put(ConvertFill<uint16_t>(value)); break;
    case DataType::kInt16:
    case DataType::kCInt16: put(ConvertFill<int16_t>(value)); break;
    case DataType::kUInt32: put(ConvertFill<uint32_t>(value)); break;
    case DataType::kInt32:
    case DataType::kCInt32: put(ConvertFill<int32_t>(value)); break;
    case DataType::kUInt64: put(ConvertFill<uint64_t>(value)); break;
    case DataType::kInt64: put(ConvertFill<int64_t>(value)); break;
    case DataType::kFloat32:
    case DataType::kCFloat32: put(ConvertFill<float>(value)); break;
    case DataType::kFloat64:
    case DataType::kCFloat64: put(ConvertFill<double>(value)); break;
    case DataType::kUnknown: break;
  }
  return out;
}

}  // namespace

namespace {

// Calls f(point) for every position of the geometry.
template <class F>
void ForEachPoint(const Geometry& g, F&& f, int depth = 0) {
  if (depth > 64) return;
  auto all = [&f](const std::vector<Point>& pts) {
    for (const Point& p : pts) f(p);
  };
  if (const auto* p = std::get_if<Point>(&g.value)) {
    f(*p);
  } else if (const auto* l = std::get_if<LineString>(&g.value)) {
    all(l->points);
  } else if (const auto* poly = std::get_if<Polygon>(&g.value)) {
    all(poly->exterior);
    for (const auto& h : poly->holes) all(h);
  } else if (const auto* mp = std::get_if<MultiPoint>(&g.value)) {
    all(mp->points);
  } else if (const auto* ml = std::get_if<MultiLineString>(&g.value)) {
    for (const auto& line : ml->lines) all(line.points);
  } else if (const auto* mpoly = std::get_if<MultiPolygon>(&g.value)) {
    for (const auto& part : mpoly->polygons) {
      all(part.exterior);
      for (const auto& h : part.holes) all(h);
    }
  } else if (const auto* parts = std::get_if<std::vector<Geometry>>(&g.value)) {
    for (const auto& part : *parts) ForEachPoint(part, f, depth + 1);
  }
}

}  // namespace

Result<geo::Window> GeometryWindow(const std::vector<Geometry>& shapes, uint64_t width,
                                   uint64_t height, const geo::Affine& transform, double pad_x,
                                   double pad_y) {
  // rasterio.features.geometry_window: every vertex through ~transform (affine's inverse and
  // its arithmetic), the pixel-space bounds grown by the pad, floored/ceiled.
  COGR_ASSIGN_OR_RETURN(geo::Affine inv, transform.Inverse());
  double col_min = std::numeric_limits<double>::infinity(), col_max = -col_min;
  double row_min = col_min, row_max = -col_min;
  bool any = false;
  for (const Geometry& shape : shapes) {
    ForEachPoint(shape, [&](const Point& p) {
      any = true;
      const auto [col, row] = inv.Apply(p.x, p.y);
      col_min = std::min(col_min, col);
      col_max = std::max(col_max, col);
      row_min = std::min(row_min, row);
      row_max = std::max(row_max, row);
    });
  }
  if (!any || !std::isfinite(col_min) || !std::isfinite(col_max) || !std::isfinite(row_min) ||
      !std::isfinite(row_max)) {
    return Status::InvalidArgument(kNoOverlap);
  }
  const double col_start = std::floor(col_min - pad_x), col_stop = std::ceil(col_max + pad_x);
  const double row_start = std::floor(row_min - pad_y), row_stop = std::ceil(row_max + pad_y);
  const geo::Window shapes_window{col_start, row_start, std::max(col_stop - col_start, 0.0),
                                  std::max(row_stop - row_start, 0.0)};
  const geo::Window image{0, 0, static_cast<double>(width), static_cast<double>(height)};
  auto inter = geo::Intersection(shapes_window, image);
  if (!inter.ok() || inter->width <= 0 || inter->height <= 0) {
    return Status::InvalidArgument(kNoOverlap);
  }
  return *inter;
}

Result<MaskResult> Mask(const Dataset& dataset, const std::vector<Geometry>& shapes,
                        const MaskOptions& options) {
  if (options.crop && options.invert) {
    return Status::InvalidArgument("crop and invert cannot both be True.");
  }
  // Shapes in another CRS: into the raster's CRS first, densified to 1/100 of a pixel.
  std::vector<Geometry> reprojected;
  if (options.shapes_crs) {
    // The CRS the Dataset reports (which applies its rules, e.g. GCP-only files have none).
    if (!dataset.crs_wkt() && !dataset.crs_epsg()) {
      return Status::InvalidArgument(dataset.uri() +
                                     ": the shapes have a CRS but the raster has none");
    }
    auto raster_crs = dataset.crs_wkt() ? geo::Crs::FromUserInput(*dataset.crs_wkt())
                                        : geo::Crs::FromEpsg(*dataset.crs_epsg());
    if (!raster_crs.ok()) return raster_crs.status().WithContext(dataset.uri());
    const geo::Affine& t = dataset.transform();
    const double pixel = std::min(std::hypot(t.a, t.d), std::hypot(t.b, t.e));
    if (!(pixel > 0) || !std::isfinite(pixel)) {
      return Status::InvalidArgument(dataset.uri() + ": degenerate transform");
    }
    COGR_ASSIGN_OR_RETURN(
        reprojected, ReprojectGeometries(shapes, *options.shapes_crs, *raster_crs, pixel / 100));
  }
  const std::vector<Geometry>& in_shapes = options.shapes_crs ? reprojected : shapes;
  if (in_shapes.empty()) {
    // rasterio fails too (ValueError "min() arg is an empty sequence"); say what is wrong.
    return Status::InvalidArgument("no shapes to mask with");
  }
  const double pad = (options.crop && options.pad) ? 0.5 : 0.0;
  auto shapes_window =
      GeometryWindow(in_shapes, dataset.width(), dataset.height(), dataset.transform(), pad, pad);
  // rasterio's raster_geometry_mask: shapes whose window misses the raster (or has no area,
  // e.g. a point on a pixel corner) are an error with crop, else a warning and a mask of
  // everything (of nothing with invert).
  const bool outside = !shapes_window.ok() && shapes_window.status().message() == kNoOverlap;
  if (!shapes_window.ok() && (options.crop || options.error_if_disjoint || !outside)) {
    return shapes_window.status();
  }
  ReadOptions read;
  read.bands = options.indexes;
  read.deadline = options.deadline;
  read.cancel = options.cancel;
  if (options.crop) read.window = *shapes_window;
  COGR_ASSIGN_OR_RETURN(Array data, dataset.Read(read));
  const geo::Affine transform = data.transform;
  // 1 = outside the shapes (or inside with invert): rasterio's shape_mask.
  std::vector<uint8_t> shape_mask;
  if (outside) {
    shape_mask.assign(static_cast<size_t>(data.width * data.height), options.invert ? 0 : 1);
  } else {
    COGR_ASSIGN_OR_RETURN(shape_mask, GeometryMask(in_shapes, data.width, data.height, transform,
                                                   options.all_touched, options.invert));
  }
  const double fill = options.nodata ? *options.nodata : dataset.nodata().value_or(0.0);
  const std::optional<double> file_nodata = dataset.nodata();
  const size_t plane = shape_mask.size();
  const size_t sample = data.sample_bytes();
  const std::vector<uint8_t> fill_bytes = FillBytes(data.dtype, fill);

  MaskResult result;
  if (!options.filled) result.valid.assign(plane * data.bands, 1);
  for (size_t band = 0; band < data.bands; ++band) {
    for (size_t i = 0; i < plane; ++i) {
      const size_t idx = band * plane + i;
      bool masked = shape_mask[i] != 0;
      if (!masked && file_nodata) {
        // rasterio reads with masked=True: pixels equal to the file's nodata are invalid too.
        const double v = SampleAt(data, idx);
        masked = std::isnan(*file_nodata) ? std::isnan(v) : v == *file_nodata;
      }
      if (!masked) continue;
      if (options.filled) {
        std::memcpy(data.data.data() + idx * sample, fill_bytes.data(), sample);
      } else {
        result.valid[idx] = 0;
      }
    }
  }
  result.data = std::move(data);
  result.transform = transform;
  if (outside) result.warning = kOutsideWarning;
  return result;
}

}  // namespace cogr::mask
