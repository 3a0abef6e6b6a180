// read: the Dataset's CRS, built from its GeoKeys on first use. Open never touches PROJ, so a
// read or a metadata query that does not need the CRS never loads PROJ's database.
#include <new>
#include <string>

#include "cogr/crs.hpp"
#include "cogr/dataset.hpp"

namespace cogr {

void Dataset::ComputeCrs() const {
  std::call_once(crs_once_, [this] {
    // Without a usable CRS the EPSG code is the one the GeoKeys name, as before PROJ answers.
    crs_epsg_ = geokeys_epsg_;
    crs_status_ = Status::NotFound(uri() + ": no CRS");
#ifdef COGR_HAVE_PROJ
    if (geokeys_.empty() || has_gcps_) return;
    try {
      // The key directory's version decides whether vertical keys count (GeoTIFF 1.1).
      const std::vector<uint16_t>& dir = tiff_.ifds[0].geokey_directory();
      auto crs = dir.size() >= 3 ? geo::Crs::FromGeoKeys(geokeys_, {dir[0], dir[1], dir[2]})
                                 : geo::Crs::FromGeoKeys(geokeys_);
      if (!crs.ok()) {
        crs_status_ = crs.status().WithContext(uri());
        return;
      }
      if (auto wkt = crs->ToWkt(geo::WktFormat::kWkt1Gdal); wkt.ok()) crs_wkt_ = *wkt;
      // PROJ's answer wins: it drops codes it does not know and finds codes the keys only
      // describe (as GDAL does).
      crs_epsg_ = crs->ToEpsg();
      crs_ = *crs;
      crs_status_ = Status::OK();
    } catch (const std::bad_alloc&) {
      crs_status_ = Status::LimitExceeded(uri() + ": out of memory building the CRS");
    }
#else
    if (!geokeys_.empty() && !has_gcps_) {
      crs_status_ = Status::Unsupported(uri() + ": CRS objects need PROJ (this build has none)");
    }
#endif
  });
}

std::optional<int> Dataset::crs_epsg() const {
  ComputeCrs();
  return crs_epsg_;
}

std::optional<std::string> Dataset::crs_wkt() const {
  ComputeCrs();
  return crs_wkt_;
}

Result<geo::Crs> Dataset::crs() const {
  ComputeCrs();
  if (crs_) return *crs_;
  return crs_status_;
}

}  // namespace cogr
