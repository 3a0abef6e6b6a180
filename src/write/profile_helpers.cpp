// write: profiles from an open Dataset (rasterio's `src.profile` as a write profile) and the
// COG preset with GDAL's COG-driver overview rule.
#include <algorithm>
#include <string>

#include "cogr/dataset.hpp"
#include "cogr/write.hpp"

namespace cogr::write {

std::vector<int> CogOverviewFactors(uint64_t width, uint64_t height, uint32_t blocksize) {
  std::vector<int> factors;
  if (blocksize == 0) return factors;
  // GDAL's COG driver (OVERVIEWS=AUTO): while (x > block || y > block) { x /= 2; y /= 2; }.
  // At most 63 halvings of a 64-bit size.
  int factor = 1;
  for (int i = 0; i < 62 && (width > blocksize || height > blocksize); ++i) {
    width /= 2;
    height /= 2;
    factor *= 2;
    factors.push_back(factor);
    if (factor >= (1 << 30)) break;
  }
  return factors;
}

Profile WithCogOverviews(Profile profile) {
  profile.tiled = true;
  profile.overviews = CogOverviewFactors(profile.width, profile.height,
                                         std::max(profile.blockxsize, profile.blockysize));
  return profile;
}

Profile Profile::Cog(uint64_t width, uint64_t height, int count, DataType dtype,
                     uint32_t blocksize) {
  Profile p;
  p.width = width;
  p.height = height;
  p.count = count;
  p.dtype = dtype;
  p.tiled = true;
  p.blockxsize = blocksize;
  p.blockysize = blocksize;
  p.compress = Compression::kLzw;  // the COG driver's default COMPRESS
  p.interleave = Interleave::kPixel;
  return WithCogOverviews(std::move(p));
}

Result<Profile> Profile::FromDataset(const Dataset& ds) {
  const tiff::Ifd& main = ds.tiff().ifds[0];
  Profile p;
  p.width = ds.width();
  p.height = ds.height();
  p.count = ds.count();
  p.dtype = ds.dtype();
  p.crs_epsg = ds.crs_epsg();
  if (!p.crs_epsg) p.crs_wkt = ds.crs_wkt();
  p.transform = ds.transform();
  p.nodata = ds.nodata();
  p.tiled = main.tiled();
  if (main.tiled()) {
    // The writer's tiles are multiples of 16 (as GDAL's); other tile sizes become 512.
    const bool ok16 = main.block_width() % 16 == 0 && main.block_height() % 16 == 0 &&
                      main.block_width() <= 65536 && main.block_height() <= 65536 &&
                      main.block_width() > 0 && main.block_height() > 0;
    p.blockxsize = ok16 ? static_cast<uint32_t>(main.block_width()) : 512;
    p.blockysize = ok16 ? static_cast<uint32_t>(main.block_height()) : 512;
  } else {
    p.blockysize = static_cast<uint32_t>(std::min<uint64_t>(main.block_height(), UINT32_MAX));
  }
  auto compress = ParseCompression(ds.compression());
  p.compress = compress.ok() ? *compress : Compression::kDeflate;
  if (compress.ok() && *compress != Compression::kNone) {
    const bool is_float = ds.dtype() == DataType::kFloat32 || ds.dtype() == DataType::kFloat64;
    if ((main.predictor() == 2 && !is_float && !IsComplex(ds.dtype())) ||
        (main.predictor() == 3 && is_float)) {
      p.predictor = main.predictor();
    }
  }
  p.interleave = ds.interleave() == "pixel" ? Interleave::kPixel : Interleave::kBand;
  if (main.tiled()) {
    const std::vector<int> factors = ds.overviews();
    bool increasing = !factors.empty();
    for (size_t i = 0; i < factors.size(); ++i) {
      if (factors[i] < 2 || (i > 0 && factors[i] <= factors[i - 1])) increasing = false;
    }
    if (increasing) p.overviews = factors;
  }
  if (ds.count() == 4 && main.photometric() == 2 && main.extra_samples().size() == 1) {
    if (main.extra_samples()[0] == 1) p.alpha = Alpha::kAssociated;
    if (main.extra_samples()[0] == 2) p.alpha = Alpha::kUnassociated;
  }
  auto non_default = [](const auto& v, const auto& def) {
    return std::any_of(v.begin(), v.end(), [&](const auto& x) { return !(x == def); });
  };
  if (non_default(ds.descriptions(), std::string())) p.descriptions = ds.descriptions();
  if (non_default(ds.scales(), 1.0)) p.scales = ds.scales();
  if (non_default(ds.offsets(), 0.0)) p.offsets = ds.offsets();
  COGR_RETURN_IF_ERROR(ValidateProfile(p).WithContext(ds.uri()));
  return p;
}

}  // namespace cogr::write
