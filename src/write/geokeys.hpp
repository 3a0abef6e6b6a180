// write: CRS → GeoKeys, as GDAL's GTiff driver writes them (GTIFSetFromOGISDefnEx), and the
// three GeoTIFF tags that carry them.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cogr/status.hpp"
#include "cogr/tiff.hpp"

namespace cogr::internal {

using GeoKeyMap = std::map<uint16_t, tiff::GeoKeyValue>;

/// The GeoKeys GDAL writes for a CRS given as an EPSG code (wins) or as text (WKT, PROJ
/// string, PROJJSON, "EPSG:n"); empty when neither is set.
///  - EPSG projected: GTModelType 1, GTRasterType 1 (PixelIsArea), GTCitation (CRS name),
///    GeogCitation (its geographic CRS's name), GeogAngularUnits 9102, ProjectedCSType (code),
///    ProjLinearUnits (EPSG unit code, or 32767 + ProjLinearUnitSize).
///  - EPSG geographic: GTModelType 2, GTRasterType 1, GeographicType (code), GeogCitation,
///    GeogAngularUnits 9102, GeogSemiMajorAxis and GeogInvFlattening (or SemiMinor for a sphere).
///  - Text that PROJ identifies with an EPSG code of a horizontal CRS: as that code.
///  - Otherwise user-defined keys (32767): the geographic part (GeographicType when the base
///    CRS has an EPSG code, else datum/ellipsoid/prime meridian codes or values, the GDAL
///    citation "GCS Name = ..|Datum = ..|..", TOWGS84) and, for projected CRSs, ProjectionGeoKey
///    32767, ProjCoordTransGeoKey and the method's parameters for the methods GeoTIFF can express
///    (Transverse Mercator (+ South Orientated), Lambert Conic Conformal 1SP/2SP, Albers,
///    Mercator A/B, Polar Stereographic A/B, Oblique Stereographic, Lambert Azimuthal Equal
///    Area, Equidistant Cylindrical, Cassini, Polyconic, Sinusoidal, Lambert Cylindrical Equal
///    Area, Azimuthal Equidistant, Orthographic).
/// A compound CRS is written as its horizontal part. kUnsupported naming what GeoKeys cannot
/// express (geocentric, engineering, other projection methods, non-degree angular units);
/// kInvalidArgument when PROJ cannot parse the text or does not know the code.
Result<GeoKeyMap> GeoKeysForCrs(const std::optional<int>& epsg,
                                const std::optional<std::string>& text);

/// GeoKeyDirectoryTag (34735), GeoDoubleParamsTag (34736) and GeoAsciiParamsTag (34737) values.
struct GeoKeyTags {
  std::vector<uint16_t> directory;  ///< header {1, 1, 0, N} then N sorted entries
  std::vector<double> doubles;      ///< empty → no 34736 tag
  std::string ascii;                ///< each string + '|', then a NUL; empty → no 34737 tag
};
GeoKeyTags EncodeGeoKeys(const GeoKeyMap& keys);

}  // namespace cogr::internal
