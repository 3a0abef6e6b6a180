// The second stage of GeoKeys → CRS (GDAL's GTIFGetOGISDefnAsOSR): names from citations and
// the GEOGCS (geokey_wkt.cpp); the projection, the AUTHORITY nodes and the vertical part are in
// geokey_crs.cpp. Internal to src/geo; only compiled with PROJ.
#pragma once

#include "geo/geokey_defn.hpp"

#ifdef COGR_HAVE_PROJ

#include <cstdint>
#include <optional>
#include <string>

namespace cogr::internal::geokeys {

/// WKT1 writes a double with up to 17 digits so that PROJ reads back the exact value.
std::string Num(double v);
/// `name` in double quotes, with '"' and control characters replaced: names come from the
/// file and must not break the WKT handed to PROJ.
std::string Quote(const std::string& name);
/// ",AUTHORITY[\"EPSG\",\"<code>\"]".
std::string Authority(int code);
bool StartsWithNoCase(const std::string& s, const std::string& prefix);
bool EqualNoCase(const std::string& a, const std::string& b);

// CitationStringParse: "GCS Name = x|Datum = y|..." fields.
struct Citation {
  std::optional<std::string> pcs_name, projection_name, lunits, gcs_name, datum, ellipsoid, primem,
      aunits;
  bool found = false;
};

Citation ParseCitation(const std::string& text, bool geog_key);

/// gt_citation.cpp's unit table for "LUnits = " (metres per unit), else ProjLinearUnitSize.
double CitationUnitSize(const std::string& name, const Keys& keys);

// What GDAL's OGRSpatialReference holds while GTIFGetOGISDefnAsOSR runs.
struct Srs {
  std::string projcs_name;  // empty = no PROJCS node yet
  std::string linear_name = "unknown";
  double linear_factor = 1.0;
  std::optional<int> linear_code;
};

/// SetCitationToSRS; returns GDAL's "ret".
bool SetCitationToSrs(const std::string& citation, uint16_t key, const Keys& keys, Srs& srs,
                      bool* linear_unit_is_set);

/// GDAL's WKT1 massaging of a datum name from the database (spaces and punctuation → '_').
std::string MassageDatum(std::string name);

/// The GEOGCS GDAL builds with SetGeogCS + SetAuthority (+ SetTOWGS84), as WKT1.
std::string BuildGeogCs(PJ_CONTEXT* ctx, const Keys& keys, Defn& d);

}  // namespace cogr::internal::geokeys

#endif  // COGR_HAVE_PROJ
