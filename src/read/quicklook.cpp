// read: Quicklook (cogr/quicklook.hpp) — one out_shape read of the bands (plus the dataset mask
// when alpha or the stretch needs it), each band stretched to 8 bits, a palette expanded.
#include "cogr/quicklook.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <future>
#include <string>
#include <vector>

#include "util/alloc_guard.hpp"

namespace cogr {
namespace {

constexpr uint16_t kPhotometricPalette = 3;

// Band `band` of `a` (0-based) as doubles.
template <class T>
void CopyBand(const Array& a, uint64_t band, std::vector<double>& out) {
  const size_t n = static_cast<size_t>(a.width * a.height);
  const T* v = a.as<T>() + band * n;
  out.resize(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<double>(v[i]);
}

Status BandValues(const Array& a, uint64_t band, std::vector<double>& out) {
  switch (a.dtype) {
    case DataType::kUInt8: CopyBand<uint8_t>(a, band, out); return Status::OK();
    case DataType::kInt8: CopyBand<int8_t>(a, band, out); return Status::OK();
    case DataType::kUInt16: CopyBand<uint16_t>(a, band, out); return Status::OK();
    case DataType::kInt16: CopyBand<int16_t>(a, band, out); return Status::OK();
    case DataType::kUInt32: CopyBand<uint32_t>(a, band, out); return Status::OK();
    case DataType::kInt32: CopyBand<int32_t>(a, band, out); return Status::OK();
    case DataType::kUInt64: CopyBand<uint64_t>(a, band, out); return Status::OK();
    case DataType::kInt64: CopyBand<int64_t>(a, band, out); return Status::OK();
    case DataType::kFloat32: CopyBand<float>(a, band, out); return Status::OK();
    case DataType::kFloat64: CopyBand<double>(a, band, out); return Status::OK();
    default: break;
  }
  return Status::Unsupported("quicklook of " + std::string(DataTypeName(a.dtype)) +
                             " data is not supported");
}

// numpy.percentile(values, p) with the default method ("linear"): the sorted values' element at
// position p / 100 * (n - 1), interpolated between its neighbours. Reorders `values` (n > 0).
double Percentile(std::vector<double>& values, double p) {
  const size_t n = values.size();
  const double pos = p / 100.0 * static_cast<double>(n - 1);
  const auto i = static_cast<size_t>(std::floor(pos));
  const double frac = pos - static_cast<double>(i);
  std::nth_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(i), values.end());
  const double lo = values[i];
  if (frac == 0.0 || i + 1 >= n) return lo;
  const double hi =
      *std::min_element(values.begin() + static_cast<std::ptrdiff_t>(i) + 1, values.end());
  return lo + (hi - lo) * frac;
}

// The stretch's (lo, hi) of the valid values of a band; nullopt when none is valid.
std::optional<std::pair<double, double>> StretchRange(std::vector<double>& valid, Stretch stretch) {
  if (valid.empty()) return std::nullopt;
  if (stretch == Stretch::kMinMax) {
    const auto [mn, mx] = std::minmax_element(valid.begin(), valid.end());
    return std::pair{*mn, *mx};
  }
  const double lo = Percentile(valid, 2.0);
  const double hi = Percentile(valid, 98.0);
  return std::pair{lo, hi};
}

// (v - lo) / (hi - lo) * 255, rounded half up, clipped to 0..255; 0 for NaN, for hi <= lo and
// for a band without valid pixels.
uint8_t Scale(double v, const std::optional<std::pair<double, double>>& range) {
  if (!range || !(range->second > range->first) || std::isnan(v)) return 0;
  const double t = std::floor((v - range->first) / (range->second - range->first) * 255.0 + 0.5);
  if (!(t > 0.0)) return 0;
  if (t >= 255.0) return 255;
  return static_cast<uint8_t>(t);
}

// The default bands: band 1 when fewer than three bands are not alpha, else the first three.
std::vector<int> DefaultBands(const Dataset& ds) {
  std::vector<int> bands;
  for (int b = 1; b <= ds.count() && bands.size() < 3; ++b) {
    if (b != ds.alpha_band()) bands.push_back(b);
  }
  if (bands.size() < 3) bands.resize(std::min<size_t>(bands.size(), 1));
  if (bands.empty()) bands.push_back(1);
  return bands;
}

Result<QuicklookImage> QuicklookImpl(const Dataset& ds, const QuicklookOptions& options) {
  if (options.size == 0 || options.size > kMaxQuicklookSize) {
    return Status::InvalidArgument("quicklook size " + std::to_string(options.size) +
                                   " out of range (1.." + std::to_string(kMaxQuicklookSize) + ")");
  }
  if (IsComplex(ds.dtype())) {
    return Status::Unsupported(ds.uri() + ": quicklook of " +
                               std::string(DataTypeName(ds.dtype())) + " data is not supported");
  }
  std::vector<int> bands = options.bands.empty() ? DefaultBands(ds) : options.bands;
  if (bands.size() != 1 && bands.size() != 3) {
    return Status::InvalidArgument(
        "quicklook takes 1 band (grey or paletted) or 3 bands (red, green, blue), got " +
        std::to_string(bands.size()));
  }
  for (int b : bands) {
    if (b < 1 || b > ds.count()) {
      return Status::OutOfRange(ds.uri() + ": band " + std::to_string(b) +
                                " out of range (file has " + std::to_string(ds.count()) +
                                " bands)");
    }
  }
  const auto [out_h, out_w] = QuicklookShape(ds.width(), ds.height(), options.size);

  // GDAL's dataset mask of a file with an alpha band and no internal mask is that band (uint8 as
  // stored, uint16 rescaled): read it with the shown bands, so that pixel-interleaved RGBA tiles
  // are fetched and decoded once.
  const int alpha_band = ds.alpha_band();
  const bool alpha_in_read = alpha_band > 0 && !ds.has_mask() &&
                             (ds.dtype() == DataType::kUInt8 || ds.dtype() == DataType::kUInt16);
  ReadOptions read;
  read.bands = bands;
  if (alpha_in_read) read.bands.push_back(alpha_band);
  read.out_shape = std::pair{out_h, out_w};
  read.resampling = Resampling::kNearest;
  // One deadline for both reads; timeout_ms stays set so that the message names it.
  read.deadline = options.deadline;
  if (options.timeout_ms > 0) {
    const auto end =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(options.timeout_ms);
    read.deadline = read.deadline ? std::min(*read.deadline, end) : end;
  }
  read.timeout_ms = options.timeout_ms;
  read.cancel = options.cancel;
  const size_t n = static_cast<size_t>(out_h * out_w);

  // The dataset mask: the alpha (nodata_transparent, or an alpha band) and the pixels the
  // stretch leaves out (an internal mask). When it is a read of its own, it runs at the same
  // time as the bands' read (one round trip for a remote COG, not two).
  const bool alpha_from_mask = options.nodata_transparent || alpha_band > 0;
  const bool read_mask = !alpha_in_read && (alpha_from_mask || ds.has_mask());
  Result<Array> data_read = Array{};
  Result<Array> mask_read = Array{};
  if (read_mask) {
    ReadOptions mask_options = read;
    mask_options.bands.clear();
    std::future<Result<Array>> pending = ds.ReadAsync(read);
    mask_read = ds.dataset_mask(mask_options);
    data_read = pending.get();  // always waited for: the read uses `ds`
  } else {
    data_read = ds.Read(read);
  }
  COGR_ASSIGN_OR_RETURN(Array data, std::move(data_read));
  if (data.height != out_h || data.width != out_w) {
    return Status::InvalidFile(ds.uri() + ": quicklook read returned " +
                               std::to_string(data.height) + "x" + std::to_string(data.width) +
                               ", expected " + std::to_string(out_h) + "x" + std::to_string(out_w));
  }
  Array mask;
  if (read_mask) {
    COGR_ASSIGN_OR_RETURN(mask, std::move(mask_read));
    if (mask.dtype != DataType::kUInt8 || mask.width * mask.height != n) {
      return Status::InvalidFile(ds.uri() + ": quicklook mask of " + std::to_string(mask.height) +
                                 "x" + std::to_string(mask.width) + " does not match the image");
    }
  } else if (alpha_in_read) {
    mask.dtype = DataType::kUInt8;
    mask.data.resize(n);
    const uint64_t last = data.bands - 1;
    if (data.dtype == DataType::kUInt8) {
      std::memcpy(mask.data.data(), data.as<uint8_t>() + last * n, n);
    } else {
      // GDALRescaledAlphaBand (as Dataset::dataset_mask): value / 257, but never 0 for a non-zero alpha.
      const uint16_t* v = data.as<uint16_t>() + last * n;
      for (size_t i = 0; i < n; ++i) {
        mask.data[i] = v[i] > 0 && v[i] < 257 ? uint8_t{1} : static_cast<uint8_t>(v[i] / 257);
      }
    }
  }
  const uint8_t* mask_px = mask.data.empty() ? nullptr : mask.data.data();

  QuicklookImage image;
  image.width = out_w;
  image.height = out_h;
  image.rgba.assign(n * 4, 0);
  for (size_t i = 0; i < n; ++i)
    image.rgba[i * 4 + 3] = alpha_from_mask ? mask_px[i] : uint8_t{255};

  std::vector<double> values, valid;
  const std::optional<double> nodata = ds.nodata();
  const bool nodata_nan = nodata && std::isnan(*nodata);
  auto is_valid = [&](size_t i, double v) {
    if (std::isnan(v)) return false;
    if (nodata && !nodata_nan && v == *nodata) return false;
    return mask_px == nullptr || mask_px[i] != 0;
  };

  if (bands.size() == 1 && ds.photometric() == kPhotometricPalette) {
    auto cmap = ds.colormap(bands[0]);
    if (cmap.ok()) {
      COGR_RETURN_IF_ERROR(BandValues(data, 0, values));
      for (size_t i = 0; i < n; ++i) {
        const double v = values[i];
        if (!(v >= 0.0) || v > 2147483647.0) continue;  // no entry: black
        auto it = cmap->find(static_cast<int>(v));
        if (it == cmap->end()) continue;
        for (size_t c = 0; c < 3; ++c) image.rgba[i * 4 + c] = it->second[c];
      }
      return image;
    }
  }

  for (uint64_t b = 0; b < bands.size(); ++b) {
    COGR_RETURN_IF_ERROR(BandValues(data, b, values));
    valid.clear();
    for (size_t i = 0; i < n; ++i) {
      if (is_valid(i, values[i])) valid.push_back(values[i]);
    }
    const auto range = StretchRange(valid, options.stretch);
    for (size_t i = 0; i < n; ++i) {
      const uint8_t v = Scale(values[i], range);
      if (bands.size() == 1) {
        image.rgba[i * 4] = image.rgba[i * 4 + 1] = image.rgba[i * 4 + 2] = v;
      } else {
        image.rgba[i * 4 + b] = v;
      }
      if (options.nodata_transparent && std::isnan(values[i])) image.rgba[i * 4 + 3] = 0;
    }
  }
  return image;
}

}  // namespace

std::string_view StretchName(Stretch s) { return s == Stretch::kMinMax ? "minmax" : "p2-98"; }

Result<Stretch> ParseStretch(std::string_view name) {
  if (name == "minmax") return Stretch::kMinMax;
  if (name == "p2-98") return Stretch::kP2_98;
  return Status::InvalidArgument("unknown stretch '" + std::string(name) +
                                 "' (expected minmax or p2-98)");
}

std::pair<uint64_t, uint64_t> QuicklookShape(uint64_t width, uint64_t height, uint32_t size) {
  const uint64_t longest = std::max(width, height);
  if (longest == 0 || size == 0) return {0, 0};
  const uint64_t side = std::min<uint64_t>(size, longest);
  auto scaled = [&](uint64_t len) {
    const double v = std::floor(
        static_cast<double>(len) * static_cast<double>(side) / static_cast<double>(longest) + 0.5);
    return std::clamp<uint64_t>(static_cast<uint64_t>(v), 1, side);
  };
  if (width >= height) return {scaled(height), side};
  return {side, scaled(width)};
}

Result<QuicklookImage> Quicklook(const Dataset& ds, const QuicklookOptions& options) {
  return internal::GuardAlloc([&] { return QuicklookImpl(ds, options); },
                              [&] { return ds.uri() + ": out of memory for the quicklook"; });
}

}  // namespace cogr
