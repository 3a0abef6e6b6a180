// The first stage of GeoKeys → CRS (libgeotiff's GTIFGetDefn): typed key access, the EPSG
// database look-ups and the normalized definition (Defn) that the WKT stage (geokey_wkt.hpp,
// geokey_crs.cpp) turns into GDAL's WKT1. Internal to src/geo; only compiled with PROJ.
#pragma once

#include "geo/proj_util.hpp"

#ifdef COGR_HAVE_PROJ

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace cogr::internal::geokeys {

constexpr int kUserDefined = 32767;
constexpr double kDegreeToRadian = 0.0174532925199433;  // GDAL's SRS_UA_DEGREE_CONV
constexpr double kPi = 3.14159265358979323846;
constexpr double kWgs84SemiMajor = 6378137.0;
constexpr double kWgs84InvFlattening = 298.257223563;

using enum tiff::GeoKey;

enum Model { kModelProjected = 1, kModelGeographic = 2, kModelGeocentric = 3 };

// GeoTIFF coordinate transformation codes (geovalues.h).
enum Ct {
  kCtTransverseMercator = 1,
  kCtObliqueMercator = 3,
  kCtObliqueMercatorLaborde = 4,
  kCtObliqueMercatorRosenmund = 5,
  kCtMercator = 7,
  kCtLambertConfConic2SP = 8,
  kCtLambertConfConic1SP = 9,
  kCtLambertAzimEqualArea = 10,
  kCtAlbersEqualArea = 11,
  kCtAzimuthalEquidistant = 12,
  kCtEquidistantConic = 13,
  kCtStereographic = 14,
  kCtPolarStereographic = 15,
  kCtObliqueStereographic = 16,
  kCtEquirectangular = 17,
  kCtCassiniSoldner = 18,
  kCtGnomonic = 19,
  kCtMillerCylindrical = 20,
  kCtOrthographic = 21,
  kCtPolyconic = 22,
  kCtRobinson = 23,
  kCtSinusoidal = 24,
  kCtVanDerGrinten = 25,
  kCtNewZealandMapGrid = 26,
  kCtTransvMercatorSouthOriented = 27,
  kCtCylindricalEqualArea = 28,
  kCtHotineObliqueMercatorAzimuthCenter = 9815,
  kCtExtMercator2SP = -7,  // libgeotiff's internal "Mercator 2SP"
};

// EPSG projection parameter codes.
enum EpsgParam {
  kEpsgNatOriginLat = 8801,
  kEpsgNatOriginLong = 8802,
  kEpsgNatOriginScaleFactor = 8805,
  kEpsgFalseEasting = 8806,
  kEpsgFalseNorthing = 8807,
  kEpsgProjCenterLat = 8811,
  kEpsgProjCenterLong = 8812,
  kEpsgAzimuth = 8813,
  kEpsgAngleRectifiedToSkewedGrid = 8814,
  kEpsgInitialLineScaleFactor = 8815,
  kEpsgProjCenterEasting = 8816,
  kEpsgProjCenterNorthing = 8817,
  kEpsgPseudoStdParallelScaleFactor = 8819,
  kEpsgFalseOriginLat = 8821,
  kEpsgFalseOriginLong = 8822,
  kEpsgStdParallel1Lat = 8823,
  kEpsgStdParallel2Lat = 8824,
  kEpsgFalseOriginEasting = 8826,
  kEpsgFalseOriginNorthing = 8827,
  kEpsgLatOfStdParallel = 8832,
  kEpsgOriginLong = 8833,
};

// ---------------------------------------------------------------------------------------
// Key access with libgeotiff's typing: a key of the wrong type counts as absent.

class Keys {
 public:
  explicit Keys(const std::map<uint16_t, tiff::GeoKeyValue>& keys) : keys_(keys) {}

  bool empty() const { return keys_.empty(); }

  // GTIFKeyGetSSHORT: the unsigned SHORT reinterpreted as signed, as libgeotiff does.
  bool Short(uint16_t id, int* out) const {
    auto it = keys_.find(id);
    if (it == keys_.end()) return false;
    const auto* v = std::get_if<uint16_t>(&it->second);
    if (v == nullptr) return false;
    *out = static_cast<int16_t>(*v);
    return true;
  }
  bool Has(uint16_t id) const {
    int ignored = 0;
    return Short(id, &ignored);
  }
  // GTIFKeyGetDOUBLE(key, &value, 0, 1).
  bool Double(uint16_t id, double* out) const {
    auto it = keys_.find(id);
    if (it == keys_.end()) return false;
    const auto* v = std::get_if<std::vector<double>>(&it->second);
    if (v == nullptr || v->empty()) return false;
    *out = (*v)[0];
    return true;
  }
  // GTIFKeyGetDOUBLE(key, values, 0, max): how many were read.
  int Doubles(uint16_t id, double* out, int max) const {
    auto it = keys_.find(id);
    if (it == keys_.end()) return 0;
    const auto* v = std::get_if<std::vector<double>>(&it->second);
    if (v == nullptr) return 0;
    int n = 0;
    for (; n < max && n < static_cast<int>(v->size()); ++n) out[n] = (*v)[static_cast<size_t>(n)];
    return n;
  }
  bool Ascii(uint16_t id, std::string* out) const {
    auto it = keys_.find(id);
    if (it == keys_.end()) return false;
    const auto* v = std::get_if<std::string>(&it->second);
    if (v == nullptr) return false;
    *out = *v;
    return true;
  }

 private:
  const std::map<uint16_t, tiff::GeoKeyValue>& keys_;
};

// ---------------------------------------------------------------------------------------
// EPSG database look-ups (libgeotiff's GTIFGet*InfoEx), with libgeotiff's built-in shortcuts
// (geokey_epsg.cpp). Each returns nullopt for 32767 and for a code the database lacks.

inline std::string Code(int code) { return std::to_string(code); }

struct PcsInfo {
  std::string name;
  int proj_op = kUserDefined;
  int uom_length = kUserDefined;
  int gcs = kUserDefined;
};
struct GcsInfo {
  std::string name;
  int datum = kUserDefined;
  int pm = kUserDefined;
  int uom_angle = kUserDefined;
};
struct DatumInfo {
  std::string name;
  int ellipsoid = kUserDefined;
};
struct EllipsoidInfo {
  std::string name;
  double semi_major = 0;
  double semi_minor = 0;
};
struct PmInfo {
  std::string name;
  double offset_degrees = 0;
};
struct UnitInfo {
  std::string name;
  double factor = 1.0;  // metres per unit, or degrees per unit
};

std::optional<PcsInfo> GetPcsInfo(PJ_CONTEXT* ctx, int pcs);
std::optional<GcsInfo> GetGcsInfo(PJ_CONTEXT* ctx, int gcs);
std::optional<DatumInfo> GetDatumInfo(PJ_CONTEXT* ctx, int datum_code);
std::optional<EllipsoidInfo> GetEllipsoidInfo(PJ_CONTEXT* ctx, int code);
std::optional<PmInfo> GetPmInfo(PJ_CONTEXT* ctx, int code);
std::optional<UnitInfo> GetLengthUnitInfo(PJ_CONTEXT* ctx, int code);
std::optional<UnitInfo> GetAngleUnitInfo(PJ_CONTEXT* ctx, int code);
double AngleToDegrees(PJ_CONTEXT* ctx, double angle, int uom_angle);

// ---------------------------------------------------------------------------------------
// GTIFDefn and GTIFGetDefn (geokey_defn.cpp).

struct Defn {
  int model = kUserDefined;
  int pcs = kUserDefined;
  int gcs = kUserDefined;
  int uom_length = kUserDefined;
  double uom_length_in_meters = 1.0;
  int uom_angle = kUserDefined;
  double uom_angle_in_degrees = 1.0;
  int datum = kUserDefined;
  int ellipsoid = kUserDefined;
  double semi_major = 0.0;
  double semi_minor = 0.0;
  int pm = kUserDefined;
  double pm_long_to_greenwich = 0.0;
  int towgs84_count = 0;
  double towgs84[7] = {0, 0, 0, 0, 0, 0, 0};
  int proj_code = kUserDefined;
  int projection = kUserDefined;  // EPSG method code
  int ct_projection = kUserDefined;
  double proj_parm[7] = {0, 0, 0, 0, 0, 0, 0};
  int proj_parm_id[7] = {0, 0, 0, 0, 0, 0, 0};
};

/// GTIFGetDefn: the keys with their EPSG codes looked up and their values normalized
/// (parameters in degrees and metres).
Defn GetDefn(PJ_CONTEXT* ctx, const Keys& keys);

/// kInvalidFile "GeoKeys: <what> <value> is out of range" for values no real CRS has.
Status CheckDefn(const Defn& d);

}  // namespace cogr::internal::geokeys

#endif  // COGR_HAVE_PROJ
