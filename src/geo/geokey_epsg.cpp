// GeoKeys → CRS, stage 1a: EPSG database look-ups as libgeotiff's GTIFGet*InfoEx do them
// (with PROJ's database), including libgeotiff's built-in shortcuts for common codes.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "geo/geokey_defn.hpp"

#ifdef COGR_HAVE_PROJ

#include <proj.h>

namespace cogr::internal::geokeys {

namespace {

std::optional<int> IdCode(const PJ* obj) {
  if (obj == nullptr) return std::nullopt;
  const char* code = proj_get_id_code(obj, 0);
  if (code == nullptr) return std::nullopt;
  return std::atoi(code);
}

// The unit code of the first axis of `crs`'s coordinate system; nullopt when PROJ has none.
std::optional<int> FirstAxisUnitCode(PJ_CONTEXT* ctx, const PJ* crs) {
  PjPtr cs(proj_crs_get_coordinate_system(ctx, crs));
  const char* unit_code = nullptr;
  if (!cs ||
      !proj_cs_get_axis_info(ctx, cs.get(), 0, nullptr, nullptr, nullptr, nullptr, nullptr, nullptr,
                             &unit_code) ||
      unit_code == nullptr) {
    return std::nullopt;
  }
  return std::atoi(unit_code);
}

}  // namespace

std::optional<PcsInfo> GetPcsInfo(PJ_CONTEXT* ctx, int pcs) {
  if (pcs == kUserDefined) return std::nullopt;
  PjPtr crs(
      proj_create_from_database(ctx, "EPSG", Code(pcs).c_str(), PJ_CATEGORY_CRS, false, nullptr));
  if (!crs || proj_get_type(crs.get()) != PJ_TYPE_PROJECTED_CRS) return std::nullopt;
  PcsInfo info;
  if (const char* name = proj_get_name(crs.get())) info.name = name;
  PjPtr conversion(proj_crs_get_coordoperation(ctx, crs.get()));
  if (!conversion) return std::nullopt;
  info.proj_op = IdCode(conversion.get()).value_or(kUserDefined);
  const std::optional<int> unit = FirstAxisUnitCode(ctx, crs.get());
  if (!unit) return std::nullopt;
  info.uom_length = *unit;
  PjPtr geod(proj_crs_get_geodetic_crs(ctx, crs.get()));
  info.gcs = IdCode(geod.get()).value_or(kUserDefined);
  return info;
}

std::optional<GcsInfo> GetGcsInfo(PJ_CONTEXT* ctx, int gcs) {
  GcsInfo info;
  info.pm = 8901;         // Greenwich
  info.uom_angle = 9108;  // libgeotiff's "DMS hemisphere" for its built-in GCSs
  switch (gcs) {
    case 4267:
      info.datum = 6267;
      info.name = "NAD27";
      return info;
    case 4269:
      info.datum = 6269;
      info.name = "NAD83";
      return info;
    case 4326:
      info.datum = 6326;
      info.name = "WGS 84";
      return info;
    case 4322:
      info.datum = 6322;
      info.name = "WGS 72";
      return info;
    case kUserDefined: return std::nullopt;
    default: break;
  }
  PjPtr crs(
      proj_create_from_database(ctx, "EPSG", Code(gcs).c_str(), PJ_CATEGORY_CRS, false, nullptr));
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
  const std::optional<int> unit = FirstAxisUnitCode(ctx, crs.get());
  if (!unit) return std::nullopt;
  info.uom_angle = *unit;
  return info;
}

std::optional<DatumInfo> GetDatumInfo(PJ_CONTEXT* ctx, int datum_code) {
  switch (datum_code) {
    case 6267: return DatumInfo{"North American Datum 1927", 7008};
    case 6269: return DatumInfo{"North American Datum 1983", 7019};
    case 6326: return DatumInfo{"World Geodetic System 1984", 7030};
    case 6322: return DatumInfo{"World Geodetic System 1972", 7043};
    case kUserDefined: return std::nullopt;
    default: break;
  }
  PjPtr datum(proj_create_from_database(ctx, "EPSG", Code(datum_code).c_str(), PJ_CATEGORY_DATUM,
                                        false, nullptr));
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
  PjPtr ellipsoid(proj_create_from_database(ctx, "EPSG", Code(code).c_str(), PJ_CATEGORY_ELLIPSOID,
                                            false, nullptr));
  if (!ellipsoid) return std::nullopt;
  EllipsoidInfo info;
  if (const char* name = proj_get_name(ellipsoid.get())) info.name = name;
  proj_ellipsoid_get_parameters(ctx, ellipsoid.get(), &info.semi_major, &info.semi_minor, nullptr,
                                nullptr);
  return info;
}

std::optional<PmInfo> GetPmInfo(PJ_CONTEXT* ctx, int code) {
  if (code == 8901) return PmInfo{"Greenwich", 0.0};
  if (code == kUserDefined) return std::nullopt;
  PjPtr pm(proj_create_from_database(ctx, "EPSG", Code(code).c_str(), PJ_CATEGORY_PRIME_MERIDIAN,
                                     false, nullptr));
  if (!pm) return std::nullopt;
  PmInfo info;
  if (const char* name = proj_get_name(pm.get())) info.name = name;
  double conv = 0;
  proj_prime_meridian_get_parameters(ctx, pm.get(), &info.offset_degrees, &conv, nullptr);
  info.offset_degrees *= conv * 180.0 / kPi;
  return info;
}

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

}  // namespace cogr::internal::geokeys

#endif  // COGR_HAVE_PROJ
