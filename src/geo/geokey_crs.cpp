// GeoKeys → the WKT1 GDAL's GTiff driver reports, so cogr prints what rasterio prints.
//
// Two GDAL steps are emulated, in their order and with their quirks (kept on purpose: the
// goal is the same answer, not a better one):
//  1. libgeotiff's GTIFGetDefn (geo_normalize.c, 1.7 with PROJ): codes are looked up in
//     PROJ's EPSG database and normalized (params to degrees and metres).
//  2. GDAL 3.6's GTIFGetOGISDefnAsOSR (gt_wkt_srs.cpp): names from citations, the GEOGCS,
//     the projection through OGRSpatialReference setters (= PROJ's proj_create_conversion_*),
//     AUTHORITY nodes, TOWGS84, and the "only a PCS code → importFromEPSG" shortcut.
// Then the result is exported as WKT1 like GDAL's GetProjectionRef.
//
// Left out: vertical CRS keys, ERDAS Imagine citation parsing, ESRI state-plane citations,
// the GTIFF_LINEAR_UNITS=BROKEN hack.
#include <array>
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "geo/proj_util.hpp"

#ifdef COGR_HAVE_PROJ

#include <proj.h>
#include <proj_experimental.h>

namespace cogr::internal {

namespace {

constexpr int kUserDefined = 32767;
constexpr double kDegreeToRadian = 0.0174532925199433;  // GDAL's SRS_UA_DEGREE_CONV
constexpr double kPi = 3.14159265358979323846;
constexpr double kWgs84SemiMajor = 6378137.0;
constexpr double kWgs84InvFlattening = 298.257223563;

// GeoKey ids (GeoTIFF 1.0 names).
enum Key : uint16_t {
  kGTModelType = 1024,
  kGTCitation = 1026,
  kGeographicType = 2048,
  kGeogCitation = 2049,
  kGeogGeodeticDatum = 2050,
  kGeogPrimeMeridian = 2051,
  kGeogLinearUnits = 2052,
  kGeogAngularUnits = 2054,
  kGeogAngularUnitSize = 2055,
  kGeogEllipsoid = 2056,
  kGeogSemiMajorAxis = 2057,
  kGeogSemiMinorAxis = 2058,
  kGeogInvFlattening = 2059,
  kGeogPrimeMeridianLong = 2061,
  kGeogTOWGS84 = 2062,
  kProjectedCSType = 3072,
  kPCSCitation = 3073,
  kProjection = 3074,
  kProjCoordTrans = 3075,
  kProjLinearUnits = 3076,
  kProjLinearUnitSize = 3077,
  kProjStdParallel1 = 3078,
  kProjStdParallel2 = 3079,
  kProjNatOriginLong = 3080,
  kProjNatOriginLat = 3081,
  kProjFalseEasting = 3082,
  kProjFalseNorthing = 3083,
  kProjFalseOriginLong = 3084,
  kProjFalseOriginLat = 3085,
  kProjFalseOriginEasting = 3086,
  kProjFalseOriginNorthing = 3087,
  kProjCenterLong = 3088,
  kProjCenterLat = 3089,
  kProjCenterEasting = 3090,
  kProjCenterNorthing = 3091,
  kProjScaleAtNatOrigin = 3092,
  kProjScaleAtCenter = 3093,
  kProjAzimuthAngle = 3094,
  kProjStraightVertPoleLong = 3095,
  kProjRectifiedGridAngle = 3096,
};

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
// EPSG database look-ups (libgeotiff's GTIFGet*InfoEx), with libgeotiff's built-in shortcuts.

std::string Code(int code) { return std::to_string(code); }

std::optional<int> IdCode(const PJ* obj) {
  if (obj == nullptr) return std::nullopt;
  const char* code = proj_get_id_code(obj, 0);
  if (code == nullptr) return std::nullopt;
  return std::atoi(code);
}

struct PcsInfo {
  std::string name;
  int proj_op = kUserDefined;
  int uom_length = kUserDefined;
  int gcs = kUserDefined;
};

std::optional<PcsInfo> GetPcsInfo(PJ_CONTEXT* ctx, int pcs) {
  if (pcs == kUserDefined) return std::nullopt;
  PjPtr crs(proj_create_from_database(ctx, "EPSG", Code(pcs).c_str(), PJ_CATEGORY_CRS, false,
                                      nullptr));
  if (!crs || proj_get_type(crs.get()) != PJ_TYPE_PROJECTED_CRS) return std::nullopt;
  PcsInfo info;
  if (const char* name = proj_get_name(crs.get())) info.name = name;
  PjPtr conversion(proj_crs_get_coordoperation(ctx, crs.get()));
  if (!conversion) return std::nullopt;
  info.proj_op = IdCode(conversion.get()).value_or(kUserDefined);
  PjPtr cs(proj_crs_get_coordinate_system(ctx, crs.get()));
  const char* unit_code = nullptr;
  if (!cs || !proj_cs_get_axis_info(ctx, cs.get(), 0, nullptr, nullptr, nullptr, nullptr, nullptr,
                                    nullptr, &unit_code) ||
      unit_code == nullptr) {
    return std::nullopt;
  }
  info.uom_length = std::atoi(unit_code);
  PjPtr geod(proj_crs_get_geodetic_crs(ctx, crs.get()));
  info.gcs = IdCode(geod.get()).value_or(kUserDefined);
  return info;
}

struct GcsInfo {
  std::string name;
  int datum = kUserDefined;
  int pm = kUserDefined;
  int uom_angle = kUserDefined;
};

std::optional<GcsInfo> GetGcsInfo(PJ_CONTEXT* ctx, int gcs) {
  GcsInfo info;
  info.pm = 8901;         // Greenwich
  info.uom_angle = 9108;  // libgeotiff's "DMS hemisphere" for its built-in GCSs
  switch (gcs) {
    case 4267: info.datum = 6267; info.name = "NAD27"; return info;
    case 4269: info.datum = 6269; info.name = "NAD83"; return info;
    case 4326: info.datum = 6326; info.name = "WGS 84"; return info;
    case 4322: info.datum = 6322; info.name = "WGS 72"; return info;
    case kUserDefined: return std::nullopt;
    default: break;
  }
  PjPtr crs(proj_create_from_database(ctx, "EPSG", Code(gcs).c_str(), PJ_CATEGORY_CRS, false,
                                      nullptr));
  if (!crs) return std::nullopt;
  const PJ_TYPE type = proj_get_type(crs.get());
  if (type != PJ_TYPE_GEODETIC_CRS && type != PJ_TYPE_GEOCENTRIC_CRS &&
      type != PJ_TYPE_GEOGRAPHIC_2D_CRS && type != PJ_TYPE_GEOGRAPHIC_3D_CRS) {
    return std::nullopt;
  }
  if (const char* name = proj_get_name(crs.get())) info.name = name;
  PjPtr datum(proj_crs_get_datum_forced(ctx, crs.get()));
  if (!datum) return std::nullopt;
  info.datum = IdCode(datum.get()).value_or(kUserDefined);
  PjPtr pm(proj_get_prime_meridian(ctx, crs.get()));
  if (!pm) return std::nullopt;
  info.pm = IdCode(pm.get()).value_or(kUserDefined);
  PjPtr cs(proj_crs_get_coordinate_system(ctx, crs.get()));
  const char* unit_code = nullptr;
  if (!cs || !proj_cs_get_axis_info(ctx, cs.get(), 0, nullptr, nullptr, nullptr, nullptr, nullptr,
                                    nullptr, &unit_code) ||
      unit_code == nullptr) {
    return std::nullopt;
  }
  info.uom_angle = std::atoi(unit_code);
  return info;
}

struct DatumInfo {
  std::string name;
  int ellipsoid = kUserDefined;
};

std::optional<DatumInfo> GetDatumInfo(PJ_CONTEXT* ctx, int datum_code) {
  switch (datum_code) {
    case 6267: return DatumInfo{"North American Datum 1927", 7008};
    case 6269: return DatumInfo{"North American Datum 1983", 7019};
    case 6326: return DatumInfo{"World Geodetic System 1984", 7030};
    case 6322: return DatumInfo{"World Geodetic System 1972", 7043};
    case kUserDefined: return std::nullopt;
    default: break;
  }
  PjPtr datum(proj_create_from_database(ctx, "EPSG", Code(datum_code).c_str(),
                                        PJ_CATEGORY_DATUM, false, nullptr));
  if (!datum) return std::nullopt;
  const PJ_TYPE type = proj_get_type(datum.get());
  if (type != PJ_TYPE_GEODETIC_REFERENCE_FRAME &&
      type != PJ_TYPE_DYNAMIC_GEODETIC_REFERENCE_FRAME && type != PJ_TYPE_DATUM_ENSEMBLE) {
    return std::nullopt;
  }
  DatumInfo info;
  if (const char* name = proj_get_name(datum.get())) info.name = name;
  PjPtr ellipsoid(proj_get_ellipsoid(ctx, datum.get()));
  if (!ellipsoid) return std::nullopt;
  info.ellipsoid = IdCode(ellipsoid.get()).value_or(kUserDefined);
  return info;
}

struct EllipsoidInfo {
  std::string name;
  double semi_major = 0;
  double semi_minor = 0;
};

std::optional<EllipsoidInfo> GetEllipsoidInfo(PJ_CONTEXT* ctx, int code) {
  auto from_flattening = [](const char* name, double a, double rf) {
    return EllipsoidInfo{name, a, a * (1 - 1.0 / rf)};
  };
  switch (code) {
    case 7008: return EllipsoidInfo{"Clarke 1866", 6378206.4, 6356583.8};
    case 7019: return from_flattening("GRS 1980", 6378137.0, 298.257222101);
    case 7030: return from_flattening("WGS 84", 6378137.0, 298.257223563);
    case 7043: return from_flattening("WGS 72", 6378135.0, 298.26);
    case kUserDefined: return std::nullopt;
    default: break;
  }
  PjPtr ellipsoid(proj_create_from_database(ctx, "EPSG", Code(code).c_str(),
                                            PJ_CATEGORY_ELLIPSOID, false, nullptr));
  if (!ellipsoid) return std::nullopt;
  EllipsoidInfo info;
  if (const char* name = proj_get_name(ellipsoid.get())) info.name = name;
  proj_ellipsoid_get_parameters(ctx, ellipsoid.get(), &info.semi_major, &info.semi_minor,
                                nullptr, nullptr);
  return info;
}

struct PmInfo {
  std::string name;
  double offset_degrees = 0;
};

std::optional<PmInfo> GetPmInfo(PJ_CONTEXT* ctx, int code) {
  if (code == 8901) return PmInfo{"Greenwich", 0.0};
  if (code == kUserDefined) return std::nullopt;
  PjPtr pm(proj_create_from_database(ctx, "EPSG", Code(code).c_str(),
                                     PJ_CATEGORY_PRIME_MERIDIAN, false, nullptr));
  if (!pm) return std::nullopt;
  PmInfo info;
  if (const char* name = proj_get_name(pm.get())) info.name = name;
  double conv = 0;
  proj_prime_meridian_get_parameters(ctx, pm.get(), &info.offset_degrees, &conv, nullptr);
  info.offset_degrees *= conv * 180.0 / kPi;
  return info;
}

struct UnitInfo {
  std::string name;
  double factor = 1.0;  // metres per unit, or degrees per unit
};

std::optional<UnitInfo> GetLengthUnitInfo(PJ_CONTEXT* ctx, int code) {
  switch (code) {
    case 9001: return UnitInfo{"metre", 1.0};
    case 9002: return UnitInfo{"foot", 0.3048};
    case 9003: return UnitInfo{"US survey foot", 12.0 / 39.37};
    case kUserDefined: return std::nullopt;
    default: break;
  }
  const char* name = nullptr;
  double to_metre = 0;
  if (!proj_uom_get_info_from_database(ctx, "EPSG", Code(code).c_str(), &name, &to_metre,
                                       nullptr)) {
    return std::nullopt;
  }
  return UnitInfo{name != nullptr ? name : "", to_metre};
}

std::optional<UnitInfo> GetAngleUnitInfo(PJ_CONTEXT* ctx, int code) {
  switch (code) {
    case 9101: return UnitInfo{"radian", 180.0 / kPi};
    case 9102:
    case 9107:
    case 9108:
    case 9110:
    case 9122: return UnitInfo{"degree", 1.0};
    case 9103: return UnitInfo{"arc-minute", 1 / 60.0};
    case 9104: return UnitInfo{"arc-second", 1 / 3600.0};
    case 9105: return UnitInfo{"grad", 180.0 / 200.0};
    case 9106: return UnitInfo{"gon", 180.0 / 200.0};
    case 9109: return UnitInfo{"microradian", 180.0 / (kPi * 1000000.0)};
    case kUserDefined: return std::nullopt;
    default: break;
  }
  const char* name = nullptr;
  double to_radian = 0;
  if (!proj_uom_get_info_from_database(ctx, "EPSG", Code(code).c_str(), &name, &to_radian,
                                       nullptr)) {
    return std::nullopt;
  }
  return UnitInfo{name != nullptr ? name : "", to_radian * 180.0 / kPi};
}

// GTIFAngleToDD for the prime meridian longitude.
double AngleToDegrees(PJ_CONTEXT* ctx, double angle, int uom_angle) {
  if (uom_angle == 9110) {  // packed DDD.MMSSsss
    if (angle > -999.9 && angle < 999.9) {
      char text[64];
      std::snprintf(text, sizeof(text), "%12.7f", angle);
      const std::string s = text;
      double degrees = std::fabs(std::atof(s.c_str()));
      degrees = std::floor(degrees);
      const size_t dot = s.find('.');
      if (dot != std::string::npos && s.size() > dot + 1) {
        const std::string minutes = s.substr(dot + 1, 2);
        degrees += std::atoi(minutes.c_str()) / 60.0;
        if (s.size() > dot + 3) {
          std::string seconds = s.substr(dot + 3, 2);
          if (s.size() > dot + 5) seconds += "." + s.substr(dot + 5);
          degrees += std::atof(seconds.c_str()) / 3600.0;
        }
      }
      if (s.find('-') != std::string::npos) degrees = -degrees;
      return degrees;
    }
    return angle;
  }
  if (uom_angle != kUserDefined) {
    if (auto unit = GetAngleUnitInfo(ctx, uom_angle)) return angle * unit->factor;
  }
  return angle;
}

// ---------------------------------------------------------------------------------------
// GTIFDefn and GTIFGetDefn.

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

int EpsgMethodToCt(int method, bool extended) {
  switch (method) {
    case 9801: return kCtLambertConfConic1SP;
    case 9802:
    case 9803: return kCtLambertConfConic2SP;
    case 9804: return kCtMercator;
    case 9805: return extended ? kCtExtMercator2SP : kCtMercator;
    case 9841:
    case 1024: return kCtMercator;
    case 9806: return kCtCassiniSoldner;
    case 9807: return kCtTransverseMercator;
    case 9808: return kCtTransvMercatorSouthOriented;
    case 9809: return kCtObliqueStereographic;
    case 9810:
    case 9829: return kCtPolarStereographic;
    case 9811: return kCtNewZealandMapGrid;
    case 9812: return kCtObliqueMercator;
    case 9813: return kCtObliqueMercatorLaborde;
    case 9814: return kCtObliqueMercatorRosenmund;
    case 9815: return kCtHotineObliqueMercatorAzimuthCenter;
    case 9816: return kUserDefined;
    case 9818: return kCtPolyconic;
    case 9820:
    case 1027: return kCtLambertAzimEqualArea;
    case 9822: return kCtAlbersEqualArea;
    case 9834: return kCtCylindricalEqualArea;
    case 1028:
    case 1029:
    case 9823:
    case 9842: return kCtEquirectangular;
    default: return method;
  }
}

// SetGTParamIds: which GeoKey and which EPSG parameter fill each of the 7 slots.
void SetParamIds(int ct, int method, int ids[7], int epsg[7]) {
  for (int i = 0; i < 7; ++i) ids[i] = epsg[i] = 0;
  auto set = [&](int slot, int id, int code) {
    ids[slot] = id;
    epsg[slot] = code;
  };
  switch (ct) {
    case kCtCassiniSoldner:
    case kCtNewZealandMapGrid:
    case kCtPolyconic:
      set(0, kProjNatOriginLat, kEpsgNatOriginLat);
      set(1, kProjNatOriginLong, kEpsgNatOriginLong);
      set(5, kProjFalseEasting, kEpsgFalseEasting);
      set(6, kProjFalseNorthing, kEpsgFalseNorthing);
      break;
    case kCtObliqueMercator:
    case kCtHotineObliqueMercatorAzimuthCenter:
      set(0, kProjCenterLat, kEpsgProjCenterLat);
      set(1, kProjCenterLong, kEpsgProjCenterLong);
      set(2, kProjAzimuthAngle, kEpsgAzimuth);
      set(3, kProjRectifiedGridAngle, kEpsgAngleRectifiedToSkewedGrid);
      set(4, kProjScaleAtCenter, kEpsgInitialLineScaleFactor);
      set(5, kProjFalseEasting, kEpsgProjCenterEasting);
      set(6, kProjFalseNorthing, kEpsgProjCenterNorthing);
      break;
    case kCtObliqueMercatorLaborde:
      set(0, kProjCenterLat, kEpsgProjCenterLat);
      set(1, kProjCenterLong, kEpsgProjCenterLong);
      set(2, kProjAzimuthAngle, kEpsgAzimuth);
      set(4, kProjScaleAtCenter, kEpsgInitialLineScaleFactor);
      set(5, kProjFalseEasting, kEpsgFalseEasting);
      set(6, kProjFalseNorthing, kEpsgFalseNorthing);
      break;
    case kCtLambertConfConic1SP:
    case kCtMercator:
    case kCtObliqueStereographic:
    case kCtPolarStereographic:
    case kCtTransverseMercator:
    case kCtTransvMercatorSouthOriented:
      set(0, kProjNatOriginLat, kEpsgNatOriginLat);
      set(1, ct == kCtPolarStereographic ? kProjStraightVertPoleLong : kProjNatOriginLong, kEpsgNatOriginLong);
      if (method == 9805) set(2, kProjStdParallel1, kEpsgStdParallel1Lat);
      set(4, kProjScaleAtNatOrigin, kEpsgNatOriginScaleFactor);
      set(5, kProjFalseEasting, kEpsgFalseEasting);
      set(6, kProjFalseNorthing, kEpsgFalseNorthing);
      break;
    case kCtLambertConfConic2SP:
      set(0, kProjFalseOriginLat, kEpsgFalseOriginLat);
      set(1, kProjFalseOriginLong, kEpsgFalseOriginLong);
      set(2, kProjStdParallel1, kEpsgStdParallel1Lat);
      set(3, kProjStdParallel2, kEpsgStdParallel2Lat);
      set(5, kProjFalseEasting, kEpsgFalseOriginEasting);
      set(6, kProjFalseNorthing, kEpsgFalseOriginNorthing);
      break;
    case kCtAlbersEqualArea:
      set(0, kProjStdParallel1, kEpsgStdParallel1Lat);
      set(1, kProjStdParallel2, kEpsgStdParallel2Lat);
      set(2, kProjNatOriginLat, kEpsgFalseOriginLat);
      set(3, kProjNatOriginLong, kEpsgFalseOriginLong);
      set(5, kProjFalseEasting, kEpsgFalseOriginEasting);
      set(6, kProjFalseNorthing, kEpsgFalseOriginNorthing);
      break;
    case kCtObliqueMercatorRosenmund:
      set(0, kProjCenterLat, 0);
      set(1, kProjCenterLong, 0);
      set(5, kProjFalseEasting, 0);
      set(6, kProjFalseNorthing, 0);
      break;
    case kCtLambertAzimEqualArea:
      set(0, kProjCenterLat, kEpsgNatOriginLat);
      set(1, kProjCenterLong, kEpsgNatOriginLong);
      set(5, kProjFalseEasting, kEpsgFalseEasting);
      set(6, kProjFalseNorthing, kEpsgFalseNorthing);
      break;
    case kCtCylindricalEqualArea:
      set(0, kProjStdParallel1, kEpsgStdParallel1Lat);
      set(1, kProjNatOriginLong, kEpsgFalseOriginLong);
      set(5, kProjFalseEasting, kEpsgFalseOriginEasting);
      set(6, kProjFalseNorthing, kEpsgFalseOriginNorthing);
      break;
    case kCtEquirectangular:
      set(0, kProjCenterLat, kEpsgNatOriginLat);
      set(1, kProjCenterLong, kEpsgNatOriginLong);
      set(2, kProjStdParallel1, kEpsgStdParallel1Lat);
      set(5, kProjFalseEasting, kEpsgFalseEasting);
      set(6, kProjFalseNorthing, kEpsgFalseNorthing);
      break;
    case kCtExtMercator2SP:
      set(0, kProjNatOriginLat, kEpsgNatOriginLat);
      set(1, kProjNatOriginLong, kEpsgNatOriginLong);
      set(2, kProjStdParallel1, kEpsgStdParallel1Lat);
      set(5, kProjFalseEasting, kEpsgFalseEasting);
      set(6, kProjFalseNorthing, kEpsgFalseNorthing);
      break;
    default:
      break;
  }
}

// GTIFGetProjTRFInfoEx: an EPSG conversion code → method and 7 params in degrees/metres.
bool GetProjTrfInfo(PJ_CONTEXT* ctx, int code, int* method, double params[7]) {
  const bool utm_north = code >= 16001 && code <= 16060;
  const bool utm_south = code >= 16101 && code <= 16160;
  if (utm_north || utm_south) {
    const int zone = utm_north ? code - 16000 : code - 16100;
    *method = 9807;
    const double values[7] = {0, -183.0 + 6 * zone, 0, 0, 0.9996, 500000,
                              utm_north ? 0.0 : 10000000.0};
    for (int i = 0; i < 7; ++i) params[i] = values[i];
    return true;
  }
  if (code == kUserDefined) return false;
  PjPtr op(proj_create_from_database(ctx, "EPSG", Code(code).c_str(),
                                     PJ_CATEGORY_COORDINATE_OPERATION, false, nullptr));
  if (!op || proj_get_type(op.get()) != PJ_TYPE_CONVERSION) return false;
  const char* method_code = nullptr;
  if (!proj_coordoperation_get_method_info(ctx, op.get(), nullptr, nullptr, &method_code) ||
      method_code == nullptr) {
    return false;
  }
  const int epsg_method = std::atoi(method_code);
  const int ct = EpsgMethodToCt(epsg_method, true);
  int ids[7], epsg[7];
  SetParamIds(ct, epsg_method, ids, epsg);
  const int count = proj_coordoperation_get_param_count(ctx, op.get());
  auto find = [&](int wanted, double* value) {
    for (int j = 0; j < count; ++j) {
      const char* param_code = nullptr;
      const char* category = nullptr;
      double v = 0, conv = 0;
      if (!proj_coordoperation_get_param(ctx, op.get(), j, nullptr, nullptr, &param_code, &v,
                                         nullptr, &conv, nullptr, nullptr, nullptr,
                                         &category) ||
          param_code == nullptr || std::atoi(param_code) != wanted) {
        continue;
      }
      *value = v * conv;
      if (category != nullptr && std::string(category) == "angular") *value *= 180 / kPi;
      return true;
    }
    return false;
  };
  for (int i = 0; i < 7; ++i) {
    const int wanted = epsg[i];
    params[i] = (wanted == kEpsgAngleRectifiedToSkewedGrid) ? 90.0
                : (wanted == kEpsgNatOriginScaleFactor || wanted == kEpsgInitialLineScaleFactor ||
                   wanted == kEpsgPseudoStdParallelScaleFactor)
                    ? 1.0
                    : 0.0;
    if (wanted == 0) continue;
    if (find(wanted, &params[i])) continue;
    // Methods that name the same slot differently (9812 vs 9815, 9810 vs 9829).
    int alternate = 0;
    if (ct == kCtObliqueMercator && wanted == kEpsgProjCenterEasting) alternate = kEpsgFalseEasting;
    if (ct == kCtObliqueMercator && wanted == kEpsgProjCenterNorthing) alternate = kEpsgFalseNorthing;
    if (ct == kCtPolarStereographic && wanted == kEpsgNatOriginLat) alternate = kEpsgLatOfStdParallel;
    if (ct == kCtPolarStereographic && wanted == kEpsgNatOriginLong) alternate = kEpsgOriginLong;
    if (alternate != 0) find(alternate, &params[i]);
  }
  *method = epsg_method;
  return true;
}

// GTIFFetchProjParms: user-defined projection parameters from the keys.
void FetchProjParms(const Keys& keys, Defn& d) {
  auto first = [&](std::initializer_list<uint16_t> ids, double fallback) {
    double v = 0;
    for (uint16_t id : ids) {
      if (keys.Double(id, &v)) return v;
    }
    return fallback;
  };
  const double fe = first({kProjFalseEasting, kProjCenterEasting, kProjFalseOriginEasting}, 0.0);
  const double fn =
      first({kProjFalseNorthing, kProjCenterNorthing, kProjFalseOriginNorthing}, 0.0);
  const double nat_long = first({kProjNatOriginLong, kProjFalseOriginLong, kProjCenterLong}, 0.0);
  const double nat_lat = first({kProjNatOriginLat, kProjFalseOriginLat, kProjCenterLat}, 0.0);
  auto set = [&](int slot, double value, int id) {
    d.proj_parm[slot] = value;
    d.proj_parm_id[slot] = id;
  };
  auto set_false_en = [&] {
    set(5, fe, kProjFalseEasting);
    set(6, fn, kProjFalseNorthing);
  };
  switch (d.ct_projection) {
    case kCtStereographic:
      set(0, nat_lat, kProjCenterLat);
      set(1, nat_long, kProjCenterLong);
      set(4, first({kProjScaleAtNatOrigin}, 1.0), kProjScaleAtNatOrigin);
      set_false_en();
      break;
    case kCtMercator: {
      set(0, nat_lat, kProjNatOriginLat);
      set(1, nat_long, kProjNatOriginLong);
      double sp1 = 0, scale = 1.0;
      const bool have_sp1 = keys.Double(kProjStdParallel1, &sp1);
      bool have_scale = keys.Double(kProjScaleAtNatOrigin, &scale);
      if (!have_scale && !have_sp1) {
        have_scale = true;
        scale = 1.0;
      }
      if (have_sp1) set(2, sp1, kProjStdParallel1);
      if (have_scale) set(4, scale, kProjScaleAtNatOrigin);
      set_false_en();
      break;
    }
    case kCtLambertConfConic1SP:
    case kCtObliqueStereographic:
    case kCtTransverseMercator:
    case kCtTransvMercatorSouthOriented:
      set(0, nat_lat, kProjNatOriginLat);
      set(1, nat_long, kProjNatOriginLong);
      set(4, first({kProjScaleAtNatOrigin, kProjScaleAtCenter}, 1.0), kProjScaleAtNatOrigin);
      set_false_en();
      break;
    case kCtObliqueMercator:
    case kCtHotineObliqueMercatorAzimuthCenter:
      set(0, nat_lat, kProjCenterLat);
      set(1, nat_long, kProjCenterLong);
      set(2, first({kProjAzimuthAngle}, 0.0), kProjAzimuthAngle);
      set(3, first({kProjRectifiedGridAngle}, 90.0), kProjRectifiedGridAngle);
      set(4, first({kProjScaleAtNatOrigin, kProjScaleAtCenter}, 1.0), kProjScaleAtCenter);
      set_false_en();
      break;
    case kCtObliqueMercatorLaborde:
      set(0, nat_lat, kProjCenterLat);
      set(1, nat_long, kProjCenterLong);
      set(2, first({kProjAzimuthAngle}, 0.0), kProjAzimuthAngle);
      set(4, first({kProjScaleAtNatOrigin, kProjScaleAtCenter}, 1.0), kProjScaleAtCenter);
      set_false_en();
      break;
    case kCtCassiniSoldner:
    case kCtPolyconic:
      set(0, nat_lat, kProjNatOriginLat);
      set(1, nat_long, kProjNatOriginLong);
      set(4, first({kProjScaleAtNatOrigin, kProjScaleAtCenter}, 1.0), kProjScaleAtNatOrigin);
      set_false_en();
      break;
    case kCtAzimuthalEquidistant:
    case kCtMillerCylindrical:
    case kCtGnomonic:
    case kCtLambertAzimEqualArea:
    case kCtOrthographic:
    case kCtNewZealandMapGrid:
      set(0, nat_lat, kProjCenterLat);
      set(1, nat_long, kProjCenterLong);
      set_false_en();
      break;
    case kCtEquirectangular:
      set(0, nat_lat, kProjCenterLat);
      set(1, nat_long, kProjCenterLong);
      set(2, first({kProjStdParallel1}, 0.0), kProjStdParallel1);
      set_false_en();
      break;
    case kCtRobinson:
    case kCtSinusoidal:
    case kCtVanDerGrinten:
      set(1, nat_long, kProjCenterLong);
      set_false_en();
      break;
    case kCtPolarStereographic:
      set(0, nat_lat, kProjNatOriginLat);
      set(1,
          first({kProjStraightVertPoleLong, kProjNatOriginLong, kProjFalseOriginLong,
                 kProjCenterLong},
                0.0),
          kProjStraightVertPoleLong);
      set(4, first({kProjScaleAtNatOrigin, kProjScaleAtCenter}, 1.0), kProjScaleAtNatOrigin);
      set_false_en();
      break;
    case kCtLambertConfConic2SP: {
      double sp1 = 0, sp2 = 0;
      if (!keys.Double(kProjStdParallel1, &sp1)) sp1 = 0.0;
      // libgeotiff resets the first parallel when the second is missing; kept as is.
      if (!keys.Double(kProjStdParallel2, &sp2)) sp1 = 0.0;
      set(0, nat_lat, kProjFalseOriginLat);
      set(1, nat_long, kProjFalseOriginLong);
      set(2, sp1, kProjStdParallel1);
      set(3, sp2, kProjStdParallel2);
      set_false_en();
      break;
    }
    case kCtAlbersEqualArea:
    case kCtEquidistantConic:
      set(0, first({kProjStdParallel1}, 0.0), kProjStdParallel1);
      set(1, first({kProjStdParallel2}, 0.0), kProjStdParallel2);
      set(2, nat_lat, kProjNatOriginLat);
      set(3, nat_long, kProjNatOriginLong);
      set_false_en();
      break;
    case kCtCylindricalEqualArea:
      set(0, first({kProjStdParallel1}, 0.0), kProjStdParallel1);
      set(1, nat_long, kProjNatOriginLong);
      set_false_en();
      break;
    default:
      break;
  }
  // Linear parameters are in the file's linear units; libgeotiff normalizes them to metres.
  for (int i = 0; i < 7; ++i) {
    switch (d.proj_parm_id[i]) {
      case kProjFalseEasting:
      case kProjFalseNorthing:
      case kProjFalseOriginEasting:
      case kProjFalseOriginNorthing:
      case kProjCenterEasting:
      case kProjCenterNorthing:
        if (d.uom_length_in_meters != 0 && d.uom_length_in_meters != 1.0) {
          d.proj_parm[i] *= d.uom_length_in_meters;
        }
        break;
      default:
        break;
    }
  }
}

Defn GetDefn(PJ_CONTEXT* ctx, const Keys& keys) {
  Defn d;
  keys.Short(kGTModelType, &d.model);
  int geog_linear = 0;
  if (keys.Short(kGeogLinearUnits, &geog_linear)) d.uom_length = geog_linear;

  if (keys.Short(kProjectedCSType, &d.pcs) && d.pcs != kUserDefined) {
    if (auto info = GetPcsInfo(ctx, d.pcs)) {
      d.proj_code = info->proj_op;
      d.uom_length = info->uom_length;
      d.gcs = info->gcs;
    }
  }
  if (d.proj_code == kUserDefined) keys.Short(kProjection, &d.proj_code);
  if (d.proj_code != kUserDefined) {
    int method = kUserDefined;
    if (GetProjTrfInfo(ctx, d.proj_code, &method, d.proj_parm)) d.projection = method;
    d.ct_projection = EpsgMethodToCt(d.projection, false);
    int epsg_ids[7];
    SetParamIds(EpsgMethodToCt(d.projection, true), d.projection, d.proj_parm_id, epsg_ids);
  }

  keys.Short(kGeographicType, &d.gcs);
  if (d.gcs < 1 || d.gcs >= kUserDefined) d.gcs = kUserDefined;
  if (d.gcs != kUserDefined) {
    if (auto info = GetGcsInfo(ctx, d.gcs)) {
      d.datum = info->datum;
      d.pm = info->pm;
      d.uom_angle = info->uom_angle;
    }
  }
  keys.Short(kGeogAngularUnits, &d.uom_angle);
  if (d.uom_angle != kUserDefined) {
    if (auto unit = GetAngleUnitInfo(ctx, d.uom_angle)) d.uom_angle_in_degrees = unit->factor;
  }
  keys.Short(kGeogGeodeticDatum, &d.datum);
  if (d.datum != kUserDefined) {
    if (auto info = GetDatumInfo(ctx, d.datum)) d.ellipsoid = info->ellipsoid;
  }
  keys.Short(kGeogEllipsoid, &d.ellipsoid);
  if (d.ellipsoid != kUserDefined) {
    if (auto info = GetEllipsoidInfo(ctx, d.ellipsoid)) {
      d.semi_major = info->semi_major;
      d.semi_minor = info->semi_minor;
    }
  }
  keys.Double(kGeogSemiMajorAxis, &d.semi_major);
  keys.Double(kGeogSemiMinorAxis, &d.semi_minor);
  double inv_flattening = 0;
  if (keys.Double(kGeogInvFlattening, &inv_flattening)) {
    d.semi_minor = inv_flattening != 0.0 ? d.semi_major * (1 - 1.0 / inv_flattening)
                                         : d.semi_major;
  }
  keys.Short(kGeogPrimeMeridian, &d.pm);
  if (d.pm != kUserDefined) {
    if (auto info = GetPmInfo(ctx, d.pm)) d.pm_long_to_greenwich = info->offset_degrees;
  } else {
    keys.Double(kGeogPrimeMeridianLong, &d.pm_long_to_greenwich);
    d.pm_long_to_greenwich = AngleToDegrees(ctx, d.pm_long_to_greenwich, d.uom_angle);
  }
  d.towgs84_count = keys.Doubles(kGeogTOWGS84, d.towgs84, 7);

  keys.Short(kProjLinearUnits, &d.uom_length);
  if (d.uom_length != kUserDefined) {
    if (auto unit = GetLengthUnitInfo(ctx, d.uom_length)) d.uom_length_in_meters = unit->factor;
  } else {
    keys.Double(kProjLinearUnitSize, &d.uom_length_in_meters);
  }
  if (keys.Short(kProjCoordTrans, &d.ct_projection)) FetchProjParms(keys, d);
  return d;
}

// Hostile GeoKeys: GDAL passes any double through, but PROJ's identification of a CRS with
// a prime meridian at 1e218 degrees or a TOWGS84 shift of 1e257 m runs for minutes (found by
// the geokeys_crs fuzzer). No real CRS is near these bounds, so such keys are an invalid file.
Status CheckDefn(const Defn& d) {
  auto bad = [](const char* what, double v) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.6g", v);
    return Status::InvalidFile(std::string("GeoKeys: ") + what + " " + text + " is out of range");
  };
  if (!std::isfinite(d.pm_long_to_greenwich) || std::fabs(d.pm_long_to_greenwich) > 360) {
    return bad("prime meridian (degrees)", d.pm_long_to_greenwich);
  }
  for (double v : {d.semi_major, d.semi_minor}) {
    if (!std::isfinite(v) || std::fabs(v) > 1e10) return bad("ellipsoid axis", v);
  }
  if (!std::isfinite(d.uom_length_in_meters) || std::fabs(d.uom_length_in_meters) > 1e10) {
    return bad("linear unit size", d.uom_length_in_meters);
  }
  if (!std::isfinite(d.uom_angle_in_degrees) || std::fabs(d.uom_angle_in_degrees) > 1e4) {
    return bad("angular unit size", d.uom_angle_in_degrees);
  }
  for (int i = 0; i < d.towgs84_count && i < 7; ++i) {
    if (!std::isfinite(d.towgs84[i]) || std::fabs(d.towgs84[i]) > 1e8) return bad("TOWGS84 value", d.towgs84[i]);
  }
  for (int i = 0; i < 7; ++i) {
    // Eastings/northings in metres; angles, scale factors and the rest below 1e7 (arc-seconds).
    const bool length = d.proj_parm_id[i] == kProjFalseEasting || d.proj_parm_id[i] == kProjFalseNorthing ||
                        d.proj_parm_id[i] == kProjFalseOriginEasting || d.proj_parm_id[i] == kProjFalseOriginNorthing ||
                        d.proj_parm_id[i] == kProjCenterEasting || d.proj_parm_id[i] == kProjCenterNorthing;
    const double v = d.proj_parm[i];
    if (!std::isfinite(v) || std::fabs(v) > (length ? 1e12 : 1e7)) return bad("projection parameter", v);
  }
  return Status::OK();
}

// ---------------------------------------------------------------------------------------
// GDAL's side: citations, names, the GEOGCS and the projection.

// WKT1 writes a double with up to 17 digits so that PROJ reads back the exact value.
std::string Num(double v) {
  char text[40];
  std::snprintf(text, sizeof(text), "%.17g", v);
  return text;
}

// Names come from the file: keep them from breaking the WKT we hand to PROJ.
std::string Quote(const std::string& name) {
  std::string out = "\"";
  for (char c : name) {
    if (c == '"') {
      out += '\'';
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

std::string Authority(int code) {
  return ",AUTHORITY[\"EPSG\",\"" + std::to_string(code) + "\"]";
}

bool StartsWithNoCase(const std::string& s, const std::string& prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) !=
        std::tolower(static_cast<unsigned char>(prefix[i]))) {
      return false;
    }
  }
  return true;
}

bool EqualNoCase(const std::string& a, const std::string& b) {
  return a.size() == b.size() && StartsWithNoCase(a, b);
}

// CitationStringParse: "GCS Name = x|Datum = y|..." fields.
struct Citation {
  std::optional<std::string> pcs_name, projection_name, lunits, gcs_name, datum, ellipsoid,
      primem, aunits;
  bool found = false;
};

Citation ParseCitation(const std::string& text, bool geog_key) {
  Citation c;
  std::string last;
  bool any = false;
  size_t pos = 0;
  auto take = [&](const std::string& part, const char* tag, std::optional<std::string>& slot) {
    const size_t at = part.find(tag);
    if (at != std::string::npos && !slot) {
      slot = part.substr(at + std::string(tag).size());
      c.found = true;
    }
  };
  // GDAL's loop stops one character early: a one-character citation yields no field.
  while (pos + 1 < text.size()) {
    const size_t bar = text.find('|', pos);
    std::string part = bar == std::string::npos ? text.substr(pos) : text.substr(pos, bar - pos);
    pos = bar == std::string::npos ? text.size() : bar + 1;
    any = true;
    last = part;
    take(part, "PCS Name = ", c.pcs_name);
    take(part, "PRJ Name = ", c.projection_name);
    take(part, "LUnits = ", c.lunits);
    take(part, "GCS Name = ", c.gcs_name);
    take(part, "Datum = ", c.datum);
    take(part, "Ellipsoid = ", c.ellipsoid);
    take(part, "Primem = ", c.primem);
    take(part, "AUnits = ", c.aunits);
  }
  if (!c.found && geog_key && any) {
    c.gcs_name = last;
    c.found = true;
  }
  return c;
}

// gt_citation.cpp's unit table for "LUnits = " (metres per unit).
double CitationUnitSize(const std::string& name, const Keys& keys) {
  static const std::pair<const char*, double> kUnits[] = {
      {"meters", 1.0}, {"meter", 1.0}, {"m", 1.0}, {"centimeters", 0.01},
      {"centimeter", 0.01}, {"cm", 0.01}, {"millimeters", 0.001}, {"millimeter", 0.001},
      {"mm", 0.001}, {"kilometers", 1000.0}, {"kilometer", 1000.0}, {"km", 1000.0},
      {"us_survey_feet", 0.3048006096012192}, {"us_survey_foot", 0.3048006096012192},
      {"feet", 0.3048006096012192}, {"foot", 0.3048006096012192}, {"ft", 0.3048006096012192},
      {"international_feet", 0.3048}, {"international_foot", 0.3048},
      {"inches", 0.0254000508001}, {"inch", 0.0254000508001}, {"in", 0.0254000508001},
      {"yards", 0.9144}, {"yard", 0.9144}, {"yd", 0.9144}, {"miles", 1304.544},
      {"mile", 1304.544}, {"mi", 1304.544}, {"modified_american_feet", 0.3048122530},
      {"modified_american_foot", 0.3048122530}, {"clarke_feet", 0.3047972651},
      {"clarke_foot", 0.3047972651}, {"indian_feet", 0.3047995142},
      {"indian_foot", 0.3047995142}, {"Yard_Indian", 0.9143985307444408},
      {"Foot_Clarke", 0.30479726540}, {"Foot_Gold_Coast", 0.3047997101815088},
      {"Link_Clarke", 0.2011661951640}, {"Yard_Sears", 0.9143984146160287},
      {"50_Kilometers", 50000.0}, {"150_Kilometers", 150000.0}};
  // GDAL compares the first strlen(name) - 1 characters, case-insensitively (EQUALN).
  const size_t n = name.empty() ? 0 : name.size() - 1;
  for (const auto& [unit, size] : kUnits) {
    if (StartsWithNoCase(unit, name.substr(0, n))) return size;
  }
  double size = 0;
  keys.Double(kProjLinearUnitSize, &size);
  return size;
}

// What GDAL's OGRSpatialReference holds while GTIFGetOGISDefnAsOSR runs.
struct Srs {
  std::string projcs_name;  // empty = no PROJCS node yet
  std::string linear_name = "unknown";
  double linear_factor = 1.0;
  std::optional<int> linear_code;
};

// SetCitationToSRS; returns GDAL's "ret".
bool SetCitationToSrs(const std::string& citation, uint16_t key, const Keys& keys, Srs& srs,
                      bool* linear_unit_is_set) {
  *linear_unit_is_set = !(srs.linear_name.empty() || EqualNoCase(srs.linear_name, "unknown"));
  bool ret = false;
  const Citation parsed = ParseCitation(citation, key == kGeogCitation);
  if (parsed.found) {
    if (srs.projcs_name.empty()) srs.projcs_name = "unnamed";
    if (parsed.pcs_name) {
      srs.projcs_name = *parsed.pcs_name;
      ret = true;
    }
    if (parsed.lunits) {
      srs.linear_name = *parsed.lunits;
      srs.linear_factor = CitationUnitSize(*parsed.lunits, keys);
      srs.linear_code.reset();
      *linear_unit_is_set = true;
    }
  }
  if (key == kGTCitation && !citation.empty() &&
      citation.find("PCS Name = ") == std::string::npos) {
    const std::string& current = srs.projcs_name;
    if ((current.empty() && citation.find("Projected Coordinates") == std::string::npos) ||
        current.find("unnamed") != std::string::npos) {
      srs.projcs_name = citation;
    }
    ret = true;
  }
  return ret;
}

// WKTMassageDatum: GDAL turns EPSG datum names into WKT1 style.
std::string MassageDatum(std::string name) {
  if (name.empty()) return name;
  for (char& c : name) {
    const bool keep = c == '+' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                      (c >= '0' && c <= '9');
    if (!keep) c = '_';
  }
  std::string out;
  for (char c : name) {
    if (c == '_' && !out.empty() && out.back() == '_') continue;
    out += c;
  }
  if (!out.empty() && out.back() == '_') out.pop_back();
  static const char* const kEquiv[][2] = {
      {"Militar_Geographische_Institut", "Militar_Geographische_Institute"},
      {"World_Geodetic_System_1984", "WGS_1984"},
      {"WGS_72_Transit_Broadcast_Ephemeris", "WGS_1972_Transit_Broadcast_Ephemeris"},
      {"World_Geodetic_System_1972", "WGS_1972"},
      {"European_Terrestrial_Reference_System_89", "European_Reference_System_1989"},
      {"D_North_American_1927", "North_American_Datum_1927"}};
  for (const auto& pair : kEquiv) {
    if (EqualNoCase(out, pair[0])) return pair[1];
  }
  return out;
}

// The GEOGCS GDAL builds with SetGeogCS + SetAuthority (+ SetTOWGS84), as WKT1.
std::string BuildGeogCs(PJ_CONTEXT* ctx, const Keys& keys, Defn& d) {
  std::optional<std::string> geog_name, datum_name, pm_name, spheroid_name, angular_units;
  std::optional<GcsInfo> gcs_info = GetGcsInfo(ctx, d.gcs);
  std::string geog_citation;
  if (!gcs_info && keys.Ascii(kGeogCitation, &geog_citation)) {
    const Citation c = ParseCitation(geog_citation, true);
    geog_name = c.gcs_name;
    datum_name = c.datum;
    pm_name = c.primem;
    spheroid_name = c.ellipsoid;
    angular_units = c.aunits;
  } else if (gcs_info) {
    geog_name = gcs_info->name;
  }
  std::optional<std::string> raw_datum_name;
  if (!datum_name) {
    // Names from the database get GDAL's WKT1 massaging; names from citations do not
    // (rasterio prints "Unknown based on GRS80 ellipsoid using towgs84=0,0,0,0,0,0,0").
    // GDAL names a user-defined GEOGCS after the datum before massaging it.
    if (auto info = GetDatumInfo(ctx, d.datum)) {
      raw_datum_name = info->name;
      datum_name = MassageDatum(info->name);
    }
  }
  double semi_major = 0;
  double inv_flattening = 0;
  if (!spheroid_name) {
    if (auto info = GetEllipsoidInfo(ctx, d.ellipsoid)) spheroid_name = info->name;
  } else {
    keys.Double(kGeogSemiMajorAxis, &d.semi_major);
    keys.Double(kGeogInvFlattening, &inv_flattening);
    if (std::isinf(inv_flattening)) inv_flattening = 0;
  }
  if (!pm_name) {
    if (auto info = GetPmInfo(ctx, d.pm)) pm_name = info->name;
  } else {
    keys.Double(kGeogPrimeMeridianLong, &d.pm_long_to_greenwich);
  }
  if (!angular_units) {
    if (auto unit = GetAngleUnitInfo(ctx, d.uom_angle)) {
      angular_units = unit->name;
      d.uom_angle_in_degrees = unit->factor;
    } else {
      angular_units = "unknown";
    }
  } else {
    double radians = 0;
    if (keys.Double(kGeogAngularUnitSize, &radians)) {
      d.uom_angle_in_degrees = radians / kDegreeToRadian;
    }
  }

  semi_major = d.semi_major;
  if (semi_major == 0.0) {
    spheroid_name = "unretrievable - using WGS84";
    semi_major = kWgs84SemiMajor;
    inv_flattening = kWgs84InvFlattening;
  } else if (inv_flattening == 0.0 && d.semi_minor / d.semi_major != 1.0) {
    // OSRCalcInvFlattening
    if (std::fabs(d.semi_major - d.semi_minor) < 1e-1) {
      inv_flattening = 0;
    } else if (d.semi_major <= 0 || d.semi_minor <= 0 || d.semi_minor > d.semi_major) {
      inv_flattening = -1;
    } else {
      inv_flattening = d.semi_major / (d.semi_major - d.semi_minor);
    }
    if (std::fabs(semi_major - kWgs84SemiMajor) < 1e-10 &&
        std::fabs(inv_flattening - kWgs84InvFlattening) < 1e-10) {
      inv_flattening = kWgs84InvFlattening;
    }
  }
  if (!geog_name || geog_name->empty()) {
    geog_name = raw_datum_name ? *raw_datum_name : datum_name ? *datum_name : "unknown";
  }
  // A GeographicTypeGeoKey of 32767 (user-defined) with parts neither the keys nor the
  // database name: "unnamed" datum and ellipsoid, and Greenwich when no key names a prime
  // meridian (as rasterio reports). Without any GeographicTypeGeoKey GDAL keeps "unknown".
  int gcs_key = 0;
  if (keys.Short(kGeographicType, &gcs_key) && gcs_key == kUserDefined) {
    if (!datum_name) datum_name = "unnamed";
    if (!spheroid_name) spheroid_name = "unnamed";
    if (!pm_name && !keys.Has(kGeogPrimeMeridian)) pm_name = "Greenwich";
  }

  // PROJ's C API turns "degree" into EPSG:9122 whatever factor GDAL passes.
  std::string unit;
  const double to_radian = d.uom_angle_in_degrees * kDegreeToRadian;
  if (EqualNoCase(*angular_units, "degree")) {
    unit = "UNIT[\"degree\",0.0174532925199433,AUTHORITY[\"EPSG\",\"9122\"]]";
  } else {
    unit = "UNIT[" + Quote(*angular_units) + "," + Num(to_radian);
    // PROJ's C API identifies the grad by name and size (as for the degree above).
    if (d.uom_angle == 9105 && EqualNoCase(*angular_units, "grad")) unit += "," + Authority(9105);
    unit += "]";
  }

  std::string wkt = "GEOGCS[" + Quote(*geog_name) + ",DATUM[" +
                    Quote(datum_name ? *datum_name : "unknown") + ",SPHEROID[" +
                    Quote(spheroid_name ? *spheroid_name : "unknown") + "," + Num(semi_major) +
                    "," + Num(inv_flattening);
  if (d.ellipsoid != kUserDefined) wkt += Authority(d.ellipsoid);
  wkt += "]";
  if (d.towgs84_count > 0) {
    wkt += ",TOWGS84[";
    for (int i = 0; i < 7; ++i) wkt += (i ? "," : "") + Num(d.towgs84[i]);
    wkt += "]";
  }
  if (d.datum != kUserDefined) wkt += Authority(d.datum);
  wkt += "],PRIMEM[" + Quote(pm_name ? *pm_name : "unnamed") + "," +
         Num(d.pm_long_to_greenwich / d.uom_angle_in_degrees) + "]," + unit +
         ",AXIS[\"Latitude\",NORTH],AXIS[\"Longitude\",EAST]";
  if (d.gcs != kUserDefined && d.gcs > 0) wkt += Authority(d.gcs);
  wkt += "]";
  return wkt;
}

// OGRSpatialReference::Set<Projection>: the conversion PROJ builds for GDAL's setter, or
// null for a method GDAL does not map (GDAL then falls back to a LOCAL_CS).
struct Conversion {
  PjPtr conv;
  // SetLAEA, SetPS and SetTMSO build their own coordinate system: no unit authority, polar
  // (or westing/southing) axes.
  bool own_cs = false;
  PJ_CARTESIAN_CS_2D_TYPE cs_type = PJ_CART2D_EASTING_NORTHING;
};

Conversion MakeConversion(PJ_CONTEXT* ctx, const Defn& d) {
  const double* p = d.proj_parm;
  Conversion out;
  auto conv = [&](PJ* pj) { out.conv.reset(pj); };
  switch (d.ct_projection) {
    case kCtTransverseMercator:
      conv(proj_create_conversion_transverse_mercator(ctx, p[0], p[1], p[4], p[5], p[6], nullptr,
                                                      0, nullptr, 0));
      break;
    case kCtTransvMercatorSouthOriented:
      conv(proj_create_conversion_transverse_mercator_south_oriented(
          ctx, p[0], p[1], p[4], p[5], p[6], nullptr, 0, nullptr, 0));
      // SetTMSO builds its own coordinate system too: westing/southing axes, no unit
      // authority (as rasterio prints it).
      out.own_cs = true;
      out.cs_type = PJ_CART2D_WESTING_SOUTHING;
      break;
    case kCtMercator:
      if (d.proj_parm_id[2] == kProjStdParallel1) {
        // SetMercator2SP(stdp1, clat, clong, fe, fn); PROJ has no latitude of origin here.
        conv(proj_create_conversion_mercator_variant_b(ctx, p[2], p[1], p[5], p[6], nullptr, 0,
                                                       nullptr, 0));
      } else if (p[0] != 0.0 && p[4] == 1.0) {
        // SetMercator treats a latitude of origin with scale 1 as Mercator 2SP.
        conv(proj_create_conversion_mercator_variant_b(ctx, p[0], p[1], p[5], p[6], nullptr, 0,
                                                       nullptr, 0));
      } else {
        conv(proj_create_conversion_mercator_variant_a(ctx, p[0], p[1], p[4], p[5], p[6], nullptr,
                                                       0, nullptr, 0));
      }
      break;
    case kCtObliqueStereographic:
      conv(proj_create_conversion_oblique_stereographic(ctx, p[0], p[1], p[4], p[5], p[6],
                                                        nullptr, 0, nullptr, 0));
      break;
    case kCtStereographic:
      conv(proj_create_conversion_stereographic(ctx, p[0], p[1], p[4], p[5], p[6], nullptr, 0,
                                                nullptr, 0));
      break;
    case kCtObliqueMercator:
      conv(proj_create_conversion_hotine_oblique_mercator_variant_a(
          ctx, p[0], p[1], p[2], p[3], p[4], p[5], p[6], nullptr, 0, nullptr, 0));
      break;
    case kCtHotineObliqueMercatorAzimuthCenter:
      conv(proj_create_conversion_hotine_oblique_mercator_variant_b(
          ctx, p[0], p[1], p[2], p[3], p[4], p[5], p[6], nullptr, 0, nullptr, 0));
      break;
    case kCtObliqueMercatorLaborde:
      conv(proj_create_conversion_laborde_oblique_mercator(ctx, p[0], p[1], p[2], p[4], p[5],
                                                           p[6], nullptr, 0, nullptr, 0));
      break;
    case kCtEquidistantConic:  // SetEC(stdp1, stdp2, clat, clong, fe, fn)
      conv(proj_create_conversion_equidistant_conic(ctx, p[2], p[3], p[0], p[1], p[5], p[6],
                                                    nullptr, 0, nullptr, 0));
      break;
    case kCtCassiniSoldner:
      conv(proj_create_conversion_cassini_soldner(ctx, p[0], p[1], p[5], p[6], nullptr, 0,
                                                  nullptr, 0));
      break;
    case kCtPolyconic:
      conv(proj_create_conversion_american_polyconic(ctx, p[0], p[1], p[5], p[6], nullptr, 0,
                                                     nullptr, 0));
      break;
    case kCtAzimuthalEquidistant:
      conv(proj_create_conversion_azimuthal_equidistant(ctx, p[0], p[1], p[5], p[6], nullptr, 0,
                                                        nullptr, 0));
      break;
    case kCtMillerCylindrical:
      conv(proj_create_conversion_miller_cylindrical(ctx, p[1], p[5], p[6], nullptr, 0, nullptr,
                                                     0));
      break;
    case kCtEquirectangular:  // SetEquirectangular2(clat, clong, stdp1, fe, fn), clat == 0
      conv(proj_create_conversion_equidistant_cylindrical(ctx, p[2], p[1], p[5], p[6], nullptr,
                                                          0, nullptr, 0));
      break;
    case kCtGnomonic:
      conv(proj_create_conversion_gnomonic(ctx, p[0], p[1], p[5], p[6], nullptr, 0, nullptr, 0));
      break;
    case kCtLambertAzimEqualArea:
      conv(proj_create_conversion_lambert_azimuthal_equal_area(ctx, p[0], p[1], p[5], p[6],
                                                               nullptr, 0, nullptr, 0));
      out.own_cs = true;
      if (std::fabs(p[0] - 90) < 1e-10 && p[1] == 0) {
        out.cs_type = PJ_CART2D_NORTH_POLE_EASTING_SOUTH_NORTHING_SOUTH;
      } else if (std::fabs(p[0] + 90) < 1e-10 && p[1] == 0) {
        out.cs_type = PJ_CART2D_SOUTH_POLE_EASTING_NORTH_NORTHING_NORTH;
      }
      break;
    case kCtOrthographic:
      conv(proj_create_conversion_orthographic(ctx, p[0], p[1], p[5], p[6], nullptr, 0, nullptr,
                                               0));
      break;
    case kCtRobinson:
      conv(proj_create_conversion_robinson(ctx, p[1], p[5], p[6], nullptr, 0, nullptr, 0));
      break;
    case kCtSinusoidal:
      conv(proj_create_conversion_sinusoidal(ctx, p[1], p[5], p[6], nullptr, 0, nullptr, 0));
      break;
    case kCtVanDerGrinten:
      conv(proj_create_conversion_van_der_grinten(ctx, p[1], p[5], p[6], nullptr, 0, nullptr,
                                                  0));
      break;
    case kCtPolarStereographic:
      if (p[4] == 1.0 && std::fabs(std::fabs(p[0]) - 90) > 1e-8) {
        conv(proj_create_conversion_polar_stereographic_variant_b(ctx, p[0], p[1], p[5], p[6],
                                                                  nullptr, 0, nullptr, 0));
      } else {
        conv(proj_create_conversion_polar_stereographic_variant_a(ctx, p[0], p[1], p[4], p[5],
                                                                  p[6], nullptr, 0, nullptr, 0));
      }
      out.own_cs = true;
      out.cs_type = p[0] > 0 ? PJ_CART2D_NORTH_POLE_EASTING_SOUTH_NORTHING_SOUTH
                             : PJ_CART2D_SOUTH_POLE_EASTING_NORTH_NORTHING_NORTH;
      break;
    case kCtLambertConfConic2SP:  // SetLCC(stdp1, stdp2, clat, clong, fe, fn)
      conv(proj_create_conversion_lambert_conic_conformal_2sp(ctx, p[0], p[1], p[2], p[3], p[5],
                                                              p[6], nullptr, 0, nullptr, 0));
      break;
    case kCtLambertConfConic1SP:
      conv(proj_create_conversion_lambert_conic_conformal_1sp(ctx, p[0], p[1], p[4], p[5], p[6],
                                                              nullptr, 0, nullptr, 0));
      break;
    case kCtAlbersEqualArea:  // SetACEA(stdp1, stdp2, clat, clong, fe, fn)
      conv(proj_create_conversion_albers_equal_area(ctx, p[2], p[3], p[0], p[1], p[5], p[6],
                                                    nullptr, 0, nullptr, 0));
      break;
    case kCtNewZealandMapGrid:
      conv(proj_create_conversion_new_zealand_mapping_grid(ctx, p[0], p[1], p[5], p[6], nullptr,
                                                           0, nullptr, 0));
      break;
    case kCtCylindricalEqualArea:  // SetCEA(stdp1, clong, fe, fn)
      conv(proj_create_conversion_lambert_cylindrical_equal_area(ctx, p[0], p[1], p[5], p[6],
                                                                 nullptr, 0, nullptr, 0));
      break;
    default:
      break;
  }
  return out;
}

const char* const kWkt1Options[] = {"MULTILINE=NO", "OUTPUT_AXIS=YES", nullptr};

Result<std::string> ExportWkt1(PJ_CONTEXT* ctx, const PJ* pj) {
  const char* wkt = proj_as_wkt(ctx, pj, PJ_WKT1_GDAL, kWkt1Options);
  if (wkt == nullptr) {
    return Status::InvalidArgument("GeoKeys give a CRS WKT1 cannot express: " + ProjError(ctx));
  }
  return std::string(wkt);
}

Result<PjPtr> Parse(PJ_CONTEXT* ctx, const std::string& wkt) {
  PjPtr pj(proj_create(ctx, wkt.c_str()));
  if (!pj) {
    // The text comes from the file: show enough to recognize it, not all of it.
    const std::string shown = wkt.size() > 160 ? wkt.substr(0, 157) + "..." : wkt;
    return Status::InvalidArgument("GeoKeys give an invalid CRS (" + ProjError(ctx) +
                                   "): " + shown);
  }
  return pj;
}

// The base of a BoundCRS, or the CRS itself.
PjPtr Unbound(PJ_CONTEXT* ctx, const PJ* crs) {
  if (proj_get_type(crs) == PJ_TYPE_BOUND_CRS) return PjPtr(proj_get_source_crs(ctx, crs));
  return PjPtr(proj_clone(ctx, crs));
}

// StripTOWGS84IfKnownDatum: GDAL drops TOWGS84 when the datum is one EPSG knows.
PjPtr StripTowgs84IfKnownDatum(PJ_CONTEXT* ctx, PjPtr crs) {
  if (proj_get_type(crs.get()) != PJ_TYPE_BOUND_CRS) return crs;
  PjPtr base(proj_get_source_crs(ctx, crs.get()));
  if (!base) return crs;
  if (proj_get_id_code(base.get(), 0) != nullptr) return base;
  PjPtr datum(proj_crs_get_datum_forced(ctx, base.get()));
  if (!datum) return crs;
  if (proj_get_id_code(datum.get(), 0) != nullptr) return base;
  const char* name = proj_get_name(datum.get());
  if (name == nullptr || EqualNoCase(name, "unknown")) return crs;
  const PJ_TYPE type = PJ_TYPE_GEODETIC_REFERENCE_FRAME;
  PJ_OBJ_LIST* list = proj_create_from_name(ctx, nullptr, name, &type, 1, false, 1, nullptr);
  bool known = false;
  if (list != nullptr) {
    known = proj_list_get_count(list) == 1;
    proj_list_destroy(list);
  }
  return known ? std::move(base) : std::move(crs);
}

// When the keys name an EPSG CRS and describe nothing different, rasterio shows the
// database's definition (e.g. PRIMEM with AUTHORITY 8901): prefer it.
PjPtr PreferDatabase(PJ_CONTEXT* ctx, PjPtr built, int code) {
  if (code <= 0 || code == kUserDefined) return built;
  PjPtr db(proj_create_from_database(ctx, "EPSG", Code(code).c_str(), PJ_CATEGORY_CRS, false,
                                     nullptr));
  if (!db) return built;
  if (proj_is_equivalent_to_with_ctx(ctx, built.get(), db.get(),
                                     PJ_COMP_EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS)) {
    return db;
  }
  return built;
}

Result<PjPtr> LocalCs(PJ_CONTEXT* ctx, const std::string& name, const Srs& srs) {
  std::string unit = "UNIT[" + Quote(srs.linear_name) + "," + Num(srs.linear_factor);
  if (srs.linear_code) unit += Authority(*srs.linear_code);
  unit += "]";
  return Parse(ctx, "LOCAL_CS[" + Quote(name) + "," + unit +
                        ",AXIS[\"Easting\",EAST],AXIS[\"Northing\",NORTH]]");
}

// GDAL's SetTargetLinearUnits from the length code, or "unknown" for a user-defined one.
void SetLinearUnitsFromDefn(PJ_CONTEXT* ctx, const Defn& d, Srs& srs) {
  std::optional<UnitInfo> unit;
  if (d.uom_length != kUserDefined) unit = GetLengthUnitInfo(ctx, d.uom_length);
  if (unit) {
    srs.linear_name = unit->name;
    srs.linear_factor = d.uom_length_in_meters;
    srs.linear_code = d.uom_length;
  } else {
    srs.linear_name = "unknown";
    srs.linear_factor = d.uom_length_in_meters;
    srs.linear_code.reset();
  }
}

void CleanupImagineNames(std::string& citation) {
  if (citation.find("IMAGINE GeoTIFF") == std::string::npos) return;
  size_t skip = citation.rfind('$');
  if (skip != std::string::npos && skip + 1 <= citation.size()) {
    size_t start = skip + 1;
    if (start < citation.size() && citation[start] == '\n') ++start;
    citation = citation.substr(start);
  }
  for (char& c : citation) {
    if (c == '\n') c = ' ';
  }
}

Result<PjPtr> BuildCrs(PJ_CONTEXT* ctx, const Keys& keys) {
  Defn d = GetDefn(ctx, keys);
  COGR_RETURN_IF_ERROR(CheckDefn(d));
  if (d.model == kUserDefined && d.pcs != kUserDefined) d.model = kModelProjected;

  Srs srs;
  if (d.model != kModelProjected && d.model != kModelGeographic && d.model != kModelGeocentric) {
    std::string pe;
    constexpr const char* kPe = "ESRI PE String = ";
    if (keys.Ascii(kPCSCitation, &pe) && pe.find(kPe) != std::string::npos) {
      return Parse(ctx, pe.substr(pe.find(kPe) + std::string(kPe).size()));
    }
    std::string name = "unnamed";
    const bool named = keys.Ascii(kGTCitation, &name) || keys.Ascii(kGeogCitation, &name);
    if (!named && d.uom_length == kUserDefined) {
      // GDAL would report LOCAL_CS["unnamed",UNIT["unknown",1]]: a CRS in name only.
      return Status::NotFound("GeoKeys describe no CRS (no model type, codes or citation)");
    }
    CleanupImagineNames(name);
    SetLinearUnitsFromDefn(ctx, d, srs);
    return LocalCs(ctx, name, srs);
  }

  // Names of the projected CRS and its units, from the database or the citations.
  bool linear_unit_is_set = false;
  if (d.model == kModelProjected) {
    if (d.pcs != kUserDefined) {
      auto info = GetPcsInfo(ctx, d.pcs);
      srs.projcs_name = info ? info->name : "unnamed";
      srs.linear_name = "unknown";
      srs.linear_factor = 1.0;
    } else {
      bool try_gt = true;
      std::string citation;
      if (keys.Ascii(kPCSCitation, &citation)) {
        try_gt = false;
        if (!SetCitationToSrs(citation, kPCSCitation, keys, srs, &linear_unit_is_set)) {
          if (!StartsWithNoCase(citation, "LUnits = ")) {
            srs.projcs_name = citation;
            srs.linear_name = "unknown";
            srs.linear_factor = 1.0;
            srs.linear_code.reset();
          } else {
            try_gt = true;
          }
        }
      }
      if (try_gt) {
        if (keys.Ascii(kGTCitation, &citation) &&
            !SetCitationToSrs(citation, kGTCitation, keys, srs, &linear_unit_is_set)) {
          srs.projcs_name = citation;
        } else {
          srs.projcs_name = "unnamed";
        }
        srs.linear_name = "unknown";
        srs.linear_factor = 1.0;
        srs.linear_code.reset();
      }
    }
    std::string gt_citation;
    if (keys.Ascii(kGTCitation, &gt_citation)) {
      SetCitationToSrs(gt_citation, kGTCitation, keys, srs, &linear_unit_is_set);
    }
  }

  std::string geogcs = BuildGeogCs(ctx, keys, d);

  if (d.model == kModelGeographic) {
    COGR_ASSIGN_OR_RETURN(PjPtr crs, Parse(ctx, geogcs));
    crs = StripTowgs84IfKnownDatum(ctx, std::move(crs));
    // GDAL sets WGS 84 as a well-known GEOGCS (AUTHORITY nodes throughout); any other GCS
    // code is built key by key (EPSG:4807 keeps its grad-derived numbers).
    if (d.gcs != 4326) return crs;
    return PreferDatabase(ctx, std::move(crs), d.gcs);
  }

  if (d.model == kModelGeocentric) {
    std::string name = "unnamed";
    if (!keys.Ascii(kGTCitation, &name)) keys.Ascii(kGeogCitation, &name);
    SetLinearUnitsFromDefn(ctx, d, srs);
    COGR_ASSIGN_OR_RETURN(PjPtr geog, Parse(ctx, geogcs));
    PjPtr base = Unbound(ctx, geog.get());
    PjPtr datum(proj_crs_get_datum_forced(ctx, base.get()));
    PjPtr pm(proj_get_prime_meridian(ctx, base.get()));
    PjPtr ellps(datum ? proj_get_ellipsoid(ctx, datum.get()) : nullptr);
    if (!datum || !pm || !ellps) {
      return Status::InvalidArgument("GeoKeys give a geocentric CRS without a datum");
    }
    double a = 0, b = 0, rf = 0;
    int computed = 0;
    proj_ellipsoid_get_parameters(ctx, ellps.get(), &a, &b, &computed, &rf);
    double pm_long = 0, pm_conv = 0;
    proj_prime_meridian_get_parameters(ctx, pm.get(), &pm_long, &pm_conv, nullptr);
    const char* datum_name = proj_get_name(datum.get());
    const char* ellps_name = proj_get_name(ellps.get());
    const char* pm_name = proj_get_name(pm.get());
    std::string unit = "UNIT[" + Quote(srs.linear_name) + "," + Num(srs.linear_factor);
    if (srs.linear_code) unit += Authority(*srs.linear_code);
    unit += "]";
    return Parse(ctx, "GEOCCS[" + Quote(name) + ",DATUM[" + Quote(datum_name ? datum_name : "") +
                          ",SPHEROID[" + Quote(ellps_name ? ellps_name : "") + "," + Num(a) +
                          "," + Num(rf) + "]],PRIMEM[" + Quote(pm_name ? pm_name : "") + "," +
                          Num(pm_long * pm_conv * 180 / kPi) + "]," + unit + "]");
  }

  // Projected.
  if (!linear_unit_is_set) SetLinearUnitsFromDefn(ctx, d, srs);

  // "Try to import PROJCS from ProjectedCSTypeGeoKey if we have essentially only it."
  if (d.pcs != kUserDefined && !keys.Has(kProjection) && !keys.Has(kProjCoordTrans) &&
      !keys.Has(kGeographicType) && !keys.Has(kGeogGeodeticDatum) &&
      !keys.Has(kGeogEllipsoid)) {
    PjPtr db(proj_create_from_database(ctx, "EPSG", Code(d.pcs).c_str(), PJ_CATEGORY_CRS, false,
                                       nullptr));
    if (db) {
      // An overridden linear unit (#6210) converts the parameters.
      PjPtr cs(proj_crs_get_coordinate_system(ctx, db.get()));
      double db_factor = 1.0;
      if (cs) {
        proj_cs_get_axis_info(ctx, cs.get(), 0, nullptr, nullptr, nullptr, &db_factor, nullptr,
                              nullptr, nullptr);
      }
      if (std::fabs(srs.linear_factor - db_factor) > 1e-15 * srs.linear_factor &&
          srs.linear_name != "unknown") {
        const std::string code = srs.linear_code ? std::to_string(*srs.linear_code) : "";
        const char* auth = srs.linear_code ? "EPSG" : nullptr;
        PjPtr with_params(proj_crs_alter_parameters_linear_unit(
            ctx, db.get(), srs.linear_name.c_str(), srs.linear_factor, auth,
            srs.linear_code ? code.c_str() : nullptr, true));
        if (with_params) {
          db.reset(proj_crs_alter_cs_linear_unit(ctx, with_params.get(), srs.linear_name.c_str(),
                                                 srs.linear_factor, auth,
                                                 srs.linear_code ? code.c_str() : nullptr));
        }
      }
      // TOWGS84 keys are dropped here (OSR_STRIP_TOWGS84=YES).
      if (db) return db;
    }
    ProjError(ctx);
  }

  COGR_ASSIGN_OR_RETURN(PjPtr geog, Parse(ctx, geogcs));
  PjPtr base_geog = Unbound(ctx, geog.get());
  Conversion conversion = MakeConversion(ctx, d);
  if (!conversion.conv) {
    return LocalCs(ctx, srs.projcs_name.empty() ? "unnamed" : srs.projcs_name, srs);
  }
  PjPtr cs(proj_create_cartesian_2D_cs(ctx, conversion.cs_type, srs.linear_name.c_str(),
                                       srs.linear_factor));
  if (!cs || !base_geog) {
    return Status::InvalidArgument("GeoKeys give an invalid projected CRS: " + ProjError(ctx));
  }
  PjPtr crs(proj_create_projected_crs(ctx, srs.projcs_name.c_str(), base_geog.get(),
                                      conversion.conv.get(), cs.get()));
  if (!crs) {
    return Status::InvalidArgument("GeoKeys give an invalid projected CRS: " + ProjError(ctx));
  }
  if (!conversion.own_cs && srs.linear_code) {
    const std::string code = std::to_string(*srs.linear_code);
    PjPtr with_unit(proj_crs_alter_cs_linear_unit(ctx, crs.get(), srs.linear_name.c_str(),
                                                  srs.linear_factor, "EPSG", code.c_str()));
    if (with_unit) crs = std::move(with_unit);
  }
  if (d.pcs != kUserDefined) {
    const std::string code = std::to_string(d.pcs);
    PjPtr with_id(proj_alter_id(ctx, crs.get(), "EPSG", code.c_str()));
    if (with_id) crs = std::move(with_id);
  }
  if (proj_get_type(geog.get()) == PJ_TYPE_BOUND_CRS) {
    PjPtr hub(proj_get_target_crs(ctx, geog.get()));
    PjPtr op(proj_crs_get_coordoperation(ctx, geog.get()));
    if (hub && op) {
      PjPtr bound(proj_crs_create_bound_crs(ctx, crs.get(), hub.get(), op.get()));
      if (bound) crs = std::move(bound);
    }
  }
  crs = StripTowgs84IfKnownDatum(ctx, std::move(crs));
  return PreferDatabase(ctx, std::move(crs), d.pcs);
}

}  // namespace

namespace {

// The raw SHORT value of a vertical key (0 when absent or not a SHORT).
uint16_t VerticalKey(const std::map<uint16_t, tiff::GeoKeyValue>& keys, uint16_t id) {
  auto it = keys.find(id);
  if (it == keys.end()) return 0;
  const auto* v = std::get_if<uint16_t>(&it->second);
  return v ? *v : 0;
}

bool IsHorizontalForCompound(const PJ* crs) {
  switch (proj_get_type(crs)) {
    case PJ_TYPE_GEOGRAPHIC_2D_CRS:
    case PJ_TYPE_GEOGRAPHIC_3D_CRS:
    case PJ_TYPE_PROJECTED_CRS:
    case PJ_TYPE_ENGINEERING_CRS:
    case PJ_TYPE_BOUND_CRS:
      return true;
    default:
      return false;
  }
}

// GDAL 3.6's GTIFGetOGISDefnAsOSR, vertical part: VerticalCSTypeGeoKey (4096), citation
// (4097), datum (4098) and units (4099) turn the horizontal CRS into a COMPD_CS named
// "<horizontal> + <citation or unknown>". An EPSG vertical CRS comes from the database (the
// units key is then ignored, as GDAL does); otherwise a VERT_CS is assembled from the datum
// and units. Returns the horizontal CRS unchanged when there is nothing vertical, a value in
// the private range (> 32767: GDAL warns and ignores them) or a code that is not a vertical
// CRS.
Result<PjPtr> AddVertical(PJ_CONTEXT* ctx, const std::map<uint16_t, tiff::GeoKeyValue>& keys,
                          PjPtr horizontal) {
  uint16_t cs = VerticalKey(keys, 4096), datum = VerticalKey(keys, 4098),
           units = VerticalKey(keys, 4099);
  if (cs > kUserDefined || datum > kUserDefined || units > kUserDefined) return horizontal;
  if (cs == 0 && datum == 0 && units == 0) return horizontal;
  if (!IsHorizontalForCompound(horizontal.get())) return horizontal;
  std::string citation = "unknown";
  if (auto it = keys.find(4097); it != keys.end()) {
    if (const auto* text = std::get_if<std::string>(&it->second)) {
      citation = *text;
      if (StartsWithNoCase(citation, "VCS Name = ")) {
        citation = citation.substr(11);
        citation = citation.substr(0, citation.find('|'));
      }
    }
  }
  std::string vertical_wkt;
  if (cs != kUserDefined && cs > 0) {
    PjPtr vert(proj_create_from_database(ctx, "EPSG", Code(cs).c_str(), PJ_CATEGORY_CRS, 0, nullptr));
    if (!vert || proj_get_type(vert.get()) != PJ_TYPE_VERTICAL_CRS) return horizontal;
    COGR_ASSIGN_OR_RETURN(vertical_wkt, ExportWkt1(ctx, vert.get()));
  } else {
    std::string datum_name = "unknown";
    std::string datum_type = "2005";  // CS_VD_GeoidModelDerived
    std::string datum_auth;
    if (datum > 0 && datum != kUserDefined) {
      datum_auth = Authority(datum);
      if (datum == 6326) {
        datum_name = "WGS 84";
        datum_type = "2002";  // CS_VD_Ellipsoidal
      } else {
        PjPtr d(proj_create_from_database(ctx, "EPSG", Code(datum).c_str(), PJ_CATEGORY_DATUM, 0, nullptr));
        if (d && proj_get_name(d.get()) != nullptr) datum_name = proj_get_name(d.get());
      }
    }
    std::string unit = R"(UNIT["metre",1.0,AUTHORITY["EPSG","9001"]])";
    if (units > 0 && units != kUserDefined && units != 9001) {
      if (auto info = GetLengthUnitInfo(ctx, units)) {
        char size[64];
        std::snprintf(size, sizeof size, "%.16g", info->factor);
        unit = "UNIT[" + Quote(info->name) + "," + size + "," + Authority(units) + "]";
      }
    }
    vertical_wkt = "VERT_CS[" + Quote(citation) + ",VERT_DATUM[" + Quote(datum_name) + "," +
                   datum_type + (datum_auth.empty() ? "" : "," + datum_auth) + "]," + unit +
                   R"(,AXIS["Up",UP]])";
  }
  COGR_ASSIGN_OR_RETURN(std::string horizontal_wkt, ExportWkt1(ctx, horizontal.get()));
  const char* hname = proj_get_name(horizontal.get());
  const std::string name = std::string(hname ? hname : "unknown") + " + " + citation;
  const std::string compound =
      "COMPD_CS[" + Quote(name) + "," + horizontal_wkt + "," + vertical_wkt + "]";
  PjPtr out(proj_create(ctx, compound.c_str()));
  if (!out) return horizontal;  // GDAL keeps the horizontal CRS when it cannot compose
  return out;
}

}  // namespace

Result<std::string> GeoKeysToGdalWkt(PJ_CONTEXT* ctx,
                                     const std::map<uint16_t, tiff::GeoKeyValue>& keys,
                                     const std::array<uint16_t, 3>& key_directory_version) {
  if (keys.empty()) return Status::NotFound("no GeoKeys: the file has no CRS");
  if (ctx == nullptr) return Status::LimitExceeded("cannot create a PROJ context");
  const Keys view(keys);
  COGR_ASSIGN_OR_RETURN(PjPtr crs, BuildCrs(ctx, view));
  // GDAL reports the vertical part (GTIFF_REPORT_COMPD_CS) unless the key directory says
  // GeoTIFF 1.0 (version 1.1.0), where it strips it.
  const bool report_compound = key_directory_version != std::array<uint16_t, 3>{1, 1, 0};
  if (report_compound) {
    COGR_ASSIGN_OR_RETURN(crs, AddVertical(ctx, keys, std::move(crs)));
  }
  return ExportWkt1(ctx, crs.get());
}

}  // namespace cogr::internal

#endif  // COGR_HAVE_PROJ
