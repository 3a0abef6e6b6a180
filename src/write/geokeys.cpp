// CRS → GeoKeys with GDAL's choices (GDAL 3.6 gt_wkt_srs.cpp GTIFSetFromOGISDefnEx and
// gt_citation.cpp SetGeogCSCitation), so files read back the same in GDAL, QGIS and cogr.
#include "write/geokeys.hpp"

#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <memory>
#include <string>
#include <variant>

#include "cogr/crs.hpp"

#ifdef COGR_HAVE_PROJ
#include "geo/proj_api.hpp"
#endif

namespace cogr::internal {
namespace {

constexpr uint16_t kUserDefined = 32767;
constexpr uint16_t kAngularDegree = 9102;

using enum tiff::GeoKey;

constexpr uint16_t kModelProjected = 1;
constexpr uint16_t kModelGeographic = 2;
constexpr uint16_t kRasterPixelIsArea = 1;

#ifdef COGR_HAVE_PROJ

constexpr double kPi = 3.14159265358979323846;

// EPSG parameter codes.
enum Param : int {
  kNatOriginLat = 8801,
  kNatOriginLong = 8802,
  kNatOriginScale = 8805,
  kFalseEasting = 8806,
  kFalseNorthing = 8807,
  kFalseOriginLat = 8821,
  kFalseOriginLong = 8822,
  kStdParallel1 = 8823,
  kStdParallel2 = 8824,
  kFalseOriginEasting = 8826,
  kFalseOriginNorthing = 8827,
  kPolarStdParallel = 8832,
  kPolarOriginLong = 8833,
};

// One GeoKey filled from one EPSG parameter; `fallback` is used when the parameter is absent
// (NaN: the parameter is required).
struct ParamKey {
  uint16_t key;
  int param;
  double fallback;
};

// The keys one method writes, in GDAL's order.
struct ParamSet {
  std::array<ParamKey, 6> keys;
  int count;
};

constexpr double kRequired = std::numeric_limits<double>::quiet_NaN();

constexpr ParamKey kFalseEN[] = {{kProjFalseEasting, kFalseEasting, 0},
                                 {kProjFalseNorthing, kFalseNorthing, 0}};

// Natural origin, scale, false easting/northing (Transverse Mercator and its south-oriented
// form, LCC 1SP, Mercator variant A, Oblique Stereographic).
constexpr ParamSet kOriginScale = {{{{kProjNatOriginLat, kNatOriginLat, 0},
                                     {kProjNatOriginLong, kNatOriginLong, 0},
                                     {kProjScaleAtNatOrigin, kNatOriginScale, 1},
                                     kFalseEN[0],
                                     kFalseEN[1]}},
                                   5};
// Natural origin, false easting/northing (Cassini-Soldner, American Polyconic).
constexpr ParamSet kOrigin = {{{{kProjNatOriginLat, kNatOriginLat, 0},
                                {kProjNatOriginLong, kNatOriginLong, 0},
                                kFalseEN[0],
                                kFalseEN[1]}},
                              4};
// Centre, false easting/northing (Lambert Azimuthal Equal Area and its spherical form,
// Azimuthal Equidistant, Orthographic).
constexpr ParamSet kCenter = {{{{kProjCenterLat, kNatOriginLat, 0},
                                {kProjCenterLong, kNatOriginLong, 0},
                                kFalseEN[0],
                                kFalseEN[1]}},
                              4};
// Centre, standard parallel, false easting/northing (Equidistant Cylindrical and its spherical
// form).
constexpr ParamSet kCenterParallel = {{{{kProjCenterLat, kNatOriginLat, 0},
                                        {kProjCenterLong, kNatOriginLong, 0},
                                        {kProjStdParallel1, kStdParallel1, 0},
                                        kFalseEN[0],
                                        kFalseEN[1]}},
                                      5};
// Standard parallel, natural origin longitude, false easting/northing (Lambert Cylindrical
// Equal Area and its spherical form).
constexpr ParamSet kParallelLong = {{{{kProjStdParallel1, kStdParallel1, 0},
                                      {kProjNatOriginLong, kNatOriginLong, 0},
                                      kFalseEN[0],
                                      kFalseEN[1]}},
                                    4};

struct MethodSpec {
  int code;          // EPSG method code (0: match by name)
  const char* name;  // PROJ's method name, for methods without an EPSG code
  uint16_t ct;       // ProjCoordTransGeoKey value
  ParamSet params;
};

// The keys GDAL's GTIFSetFromOGISDefnEx writes for each method.
const MethodSpec kMethods[] = {
    {9807, "", 1, kOriginScale},
    {9808, "", 27, kOriginScale},
    {9801, "", 9, kOriginScale},
    {9802,
     "",
     8,
     {{{{kProjFalseOriginLat, kFalseOriginLat, 0},
        {kProjFalseOriginLong, kFalseOriginLong, 0},
        {kProjStdParallel1, kStdParallel1, kRequired},
        {kProjStdParallel2, kStdParallel2, kRequired},
        {kProjFalseOriginEasting, kFalseOriginEasting, 0},
        {kProjFalseOriginNorthing, kFalseOriginNorthing, 0}}},
      6}},
    {9822,
     "",
     11,
     {{{{kProjStdParallel1, kStdParallel1, kRequired},
        {kProjStdParallel2, kStdParallel2, kRequired},
        {kProjNatOriginLat, kFalseOriginLat, 0},
        {kProjNatOriginLong, kFalseOriginLong, 0},
        {kProjFalseEasting, kFalseOriginEasting, 0},
        {kProjFalseNorthing, kFalseOriginNorthing, 0}}},
      6}},
    {9804, "", 7, kOriginScale},
    {9805,
     "",
     7,
     {{{{kProjNatOriginLat, kNatOriginLat, 0},
        {kProjNatOriginLong, kNatOriginLong, 0},
        {kProjStdParallel1, kStdParallel1, kRequired},
        kFalseEN[0],
        kFalseEN[1]}},
      5}},
    {9810,
     "",
     15,
     {{{{kProjNatOriginLat, kNatOriginLat, kRequired},
        {kProjStraightVertPoleLong, kNatOriginLong, 0},
        {kProjScaleAtNatOrigin, kNatOriginScale, 1},
        kFalseEN[0],
        kFalseEN[1]}},
      5}},
    // Variant B as GDAL's WKT1 Polar_Stereographic says it: latitude_of_origin = the standard
    // parallel, scale 1.
    {9829,
     "",
     15,
     {{{{kProjNatOriginLat, kPolarStdParallel, kRequired},
        {kProjStraightVertPoleLong, kPolarOriginLong, 0},
        {kProjScaleAtNatOrigin, 0, 1},
        kFalseEN[0],
        kFalseEN[1]}},
      5}},
    {9809, "", 16, kOriginScale},
    {9820, "", 10, kCenter},
    {1027, "", 10, kCenter},
    {1028, "", 17, kCenterParallel},
    {1029, "", 17, kCenterParallel},
    {9806, "", 18, kOrigin},
    {9818, "", 22, kOrigin},
    {9835, "", 28, kParallelLong},
    {9834, "", 28, kParallelLong},
    {1125, "", 12, kCenter},
    {9840, "", 21, kCenter},
    {0, "Sinusoidal", 24, {{{{kProjCenterLong, kNatOriginLong, 0}, kFalseEN[0], kFalseEN[1]}}, 3}},
};

struct ContextDeleter {
  void operator()(PJ_CONTEXT* ctx) const { proj_context_destroy(ctx); }
};
struct PjDeleter {
  void operator()(PJ* pj) const { proj_destroy(pj); }
};
using Pj = std::unique_ptr<PJ, PjDeleter>;

std::string ProjMessage(PJ_CONTEXT* ctx) {
  const int err = proj_context_errno(ctx);
  const char* msg = err != 0 ? proj_context_errno_string(ctx, err) : nullptr;
  return msg != nullptr ? std::string(msg) : std::string("unknown PROJ error");
}

std::optional<int> EpsgCode(const PJ* obj) {
  if (obj == nullptr) return std::nullopt;
  const char* auth = proj_get_id_auth_name(obj, 0);
  const char* code = proj_get_id_code(obj, 0);
  if (auth == nullptr || code == nullptr || std::strcmp(auth, "EPSG") != 0) return std::nullopt;
  char* end = nullptr;
  const long v = std::strtol(code, &end, 10);
  if (end == code || *end != '\0' || v <= 0 || v >= kUserDefined) return std::nullopt;
  return static_cast<int>(v);
}

std::string Name(const PJ* obj) {
  const char* name = obj != nullptr ? proj_get_name(obj) : nullptr;
  return name != nullptr ? std::string(name) : std::string("unknown");
}

struct AxisUnit {
  double to_si = 1.0;  // metres or radians per unit
  std::optional<int> epsg;
  std::string name;
};

Result<AxisUnit> FirstAxisUnit(PJ_CONTEXT* ctx, const PJ* crs) {
  Pj cs(proj_crs_get_coordinate_system(ctx, crs));
  if (!cs) return Status::Unsupported("CRS without a coordinate system: " + ProjMessage(ctx));
  const char *unit_name = nullptr, *unit_auth = nullptr, *unit_code = nullptr;
  AxisUnit unit;
  if (!proj_cs_get_axis_info(ctx, cs.get(), 0, nullptr, nullptr, nullptr, &unit.to_si, &unit_name,
                             &unit_auth, &unit_code)) {
    return Status::Unsupported("CRS axis without a unit: " + ProjMessage(ctx));
  }
  unit.name = unit_name != nullptr ? unit_name : "";
  if (unit_auth != nullptr && unit_code != nullptr && std::strcmp(unit_auth, "EPSG") == 0) {
    unit.epsg = std::atoi(unit_code);
  }
  return unit;
}

bool IsDegree(const AxisUnit& unit) {
  return unit.epsg == 9102 || unit.epsg == 9122 || std::fabs(unit.to_si - kPi / 180.0) < 1e-15;
}

// GeogAngularUnits; only degrees are written, since every angle in the keys is then in degrees.
Status CheckDegrees(PJ_CONTEXT* ctx, const PJ* geog) {
  COGR_ASSIGN_OR_RETURN(AxisUnit unit, FirstAxisUnit(ctx, geog));
  if (!IsDegree(unit)) {
    return Status::Unsupported("geographic CRS '" + Name(geog) + "' in angular unit '" + unit.name +
                               "': only degrees can be written as GeoKeys");
  }
  return Status::OK();
}

void PutLinearUnits(const AxisUnit& unit, GeoKeyMap& keys) {
  if (unit.epsg && *unit.epsg > 0 && *unit.epsg < kUserDefined) {
    keys[kProjLinearUnits] = static_cast<uint16_t>(*unit.epsg);
  } else {
    keys[kProjLinearUnits] = kUserDefined;
    keys[kProjLinearUnitSize] = std::vector<double>{unit.to_si};
  }
}

struct Ellipsoid {
  double a = 0, b = 0, inv_f = 0;
  std::optional<int> epsg;
  std::string name;
};

Result<Ellipsoid> GetEllipsoid(PJ_CONTEXT* ctx, const PJ* geog) {
  Pj ell(proj_get_ellipsoid(ctx, geog));
  if (!ell) return Status::Unsupported("CRS '" + Name(geog) + "' has no ellipsoid");
  Ellipsoid e;
  int computed = 0;
  if (!proj_ellipsoid_get_parameters(ctx, ell.get(), &e.a, &e.b, &computed, &e.inv_f)) {
    return Status::Unsupported("ellipsoid of '" + Name(geog) + "': " + ProjMessage(ctx));
  }
  e.epsg = EpsgCode(ell.get());
  e.name = Name(ell.get());
  return e;
}

void PutEllipsoidAxes(const Ellipsoid& e, GeoKeyMap& keys) {
  keys[kGeogSemiMajorAxis] = std::vector<double>{e.a};
  if (e.inv_f > 0) {
    keys[kGeogInvFlattening] = std::vector<double>{e.inv_f};
  } else {
    keys[kGeogSemiMinorAxis] = std::vector<double>{e.b};  // a sphere: no flattening to give
  }
}

// The geographic keys of a projected or geographic CRS whose base has no usable EPSG code, or
// with TOWGS84: everything spelled out, as GDAL does for a user-defined GEOGCS.
Status PutUserGeographic(PJ_CONTEXT* ctx, const PJ* geog,
                         const std::optional<std::array<double, 7>>& towgs84, GeoKeyMap& keys) {
  COGR_RETURN_IF_ERROR(CheckDegrees(ctx, geog));
  Pj datum(proj_crs_get_datum_forced(ctx, geog));
  COGR_ASSIGN_OR_RETURN(Ellipsoid ell, GetEllipsoid(ctx, geog));
  Pj pm(proj_get_prime_meridian(ctx, geog));
  double pm_long = 0, pm_to_rad = kPi / 180.0;
  const char* pm_unit = nullptr;
  if (pm) proj_prime_meridian_get_parameters(ctx, pm.get(), &pm_long, &pm_to_rad, &pm_unit);
  const bool pm_in_degrees = std::fabs(pm_to_rad - kPi / 180.0) < 1e-15;
  const double pm_degrees = pm_in_degrees ? pm_long : pm_long * pm_to_rad * 180.0 / kPi;

  // gt_citation.cpp SetGeogCSCitation: the names GeoKeys have no slot for.
  std::string citation = "GCS Name = " + Name(geog);
  if (datum) citation += "|Datum = " + Name(datum.get());
  if (!ell.epsg) citation += "|Ellipsoid = " + ell.name;
  if (pm) citation += "|Primem = " + Name(pm.get());
  citation += "|";

  keys[kGeographicType] = kUserDefined;
  keys[kGeogCitation] = citation;
  const std::optional<int> datum_code = towgs84 ? std::nullopt : EpsgCode(datum.get());
  keys[kGeogGeodeticDatum] = datum_code ? static_cast<uint16_t>(*datum_code) : kUserDefined;
  const std::optional<int> pm_code = EpsgCode(pm.get());
  if (pm_code && *pm_code != 8901) keys[kGeogPrimeMeridian] = static_cast<uint16_t>(*pm_code);
  keys[kGeogAngularUnits] = kAngularDegree;
  keys[kGeogEllipsoid] = ell.epsg ? static_cast<uint16_t>(*ell.epsg) : kUserDefined;
  PutEllipsoidAxes(ell, keys);
  keys[kGeogPrimeMeridianLong] = std::vector<double>{pm_degrees};
  if (towgs84) {
    const auto& t = *towgs84;
    const bool shift_only = t[3] == 0 && t[4] == 0 && t[5] == 0 && t[6] == 0;
    keys[kGeogTOWGS84] = shift_only ? std::vector<double>(t.begin(), t.begin() + 3)
                                    : std::vector<double>(t.begin(), t.end());
  }
  return Status::OK();
}

// The geographic part of a projected CRS: the base's EPSG code when it has one.
Status PutGeographicPart(PJ_CONTEXT* ctx, const PJ* geog,
                         const std::optional<std::array<double, 7>>& towgs84, GeoKeyMap& keys) {
  const std::optional<int> code = towgs84 ? std::nullopt : EpsgCode(geog);
  if (!code) return PutUserGeographic(ctx, geog, towgs84, keys);
  keys[kGeographicType] = static_cast<uint16_t>(*code);
  keys[kGeogCitation] = Name(geog);
  keys[kGeogAngularUnits] = kAngularDegree;
  return Status::OK();
}

struct ParamValue {
  double value = 0;
  double to_si = 1;
  std::string category;  // "angular", "linear", "scale", ...
  std::optional<int> unit_epsg;
};

Result<GeoKeyMap> UserProjected(PJ_CONTEXT* ctx, const PJ* crs,
                                const std::optional<std::array<double, 7>>& towgs84) {
  Pj conv(proj_crs_get_coordoperation(ctx, crs));
  if (!conv) return Status::Unsupported("projected CRS '" + Name(crs) + "' without a conversion");
  const char *method_name = nullptr, *method_auth = nullptr, *method_code = nullptr;
  proj_coordoperation_get_method_info(ctx, conv.get(), &method_name, &method_auth, &method_code);
  const std::string method = method_name != nullptr ? method_name : "unknown";
  int code = 0;
  if (method_auth != nullptr && method_code != nullptr && std::strcmp(method_auth, "EPSG") == 0) {
    code = std::atoi(method_code);
  }
  const MethodSpec* spec = nullptr;
  for (const MethodSpec& m : kMethods) {
    if ((m.code != 0 && m.code == code) || (m.code == 0 && method == m.name)) spec = &m;
  }
  if (spec == nullptr) {
    return Status::Unsupported("projection method '" + method + "' of CRS '" + Name(crs) +
                               "' cannot be written as GeoKeys");
  }

  std::map<int, ParamValue> params;
  const int count = proj_coordoperation_get_param_count(ctx, conv.get());
  for (int i = 0; i < count; ++i) {
    const char *auth = nullptr, *pcode = nullptr, *unit_auth = nullptr, *unit_code = nullptr,
               *category = nullptr;
    ParamValue v;
    if (!proj_coordoperation_get_param(ctx, conv.get(), i, nullptr, &auth, &pcode, &v.value,
                                       nullptr, &v.to_si, nullptr, &unit_auth, &unit_code,
                                       &category)) {
      continue;
    }
    if (auth == nullptr || pcode == nullptr || std::strcmp(auth, "EPSG") != 0) continue;
    v.category = category != nullptr ? category : "";
    if (unit_auth != nullptr && unit_code != nullptr && std::strcmp(unit_auth, "EPSG") == 0) {
      v.unit_epsg = std::atoi(unit_code);
    }
    params[std::atoi(pcode)] = v;
  }

  COGR_ASSIGN_OR_RETURN(AxisUnit linear, FirstAxisUnit(ctx, crs));
  GeoKeyMap keys;
  keys[kGTModelType] = kModelProjected;
  keys[kGTRasterType] = kRasterPixelIsArea;
  keys[kGTCitation] = Name(crs);
  Pj geog(proj_crs_get_geodetic_crs(ctx, crs));
  if (!geog) return Status::Unsupported("projected CRS '" + Name(crs) + "' without a base CRS");
  COGR_RETURN_IF_ERROR(PutGeographicPart(ctx, geog.get(), towgs84, keys));
  keys[kProjectedCSType] = kUserDefined;
  keys[kProjection] = kUserDefined;
  keys[kProjCoordTrans] = spec->ct;
  PutLinearUnits(linear, keys);

  for (int i = 0; i < spec->params.count; ++i) {
    const ParamKey& pk = spec->params.keys[static_cast<size_t>(i)];
    auto it = pk.param != 0 ? params.find(pk.param) : params.end();
    double value;
    if (it == params.end()) {
      if (std::isnan(pk.fallback)) {
        return Status::Unsupported("projection method '" + method + "' of CRS '" + Name(crs) +
                                   "' lacks EPSG parameter " + std::to_string(pk.param));
      }
      value = pk.fallback;
    } else {
      const ParamValue& p = it->second;
      value = p.value;
      if (p.category == "angular") {
        // Values already in degrees stay bit-exact; others go through radians.
        if (!(p.unit_epsg == 9102 || p.unit_epsg == 9122 ||
              std::fabs(p.to_si - kPi / 180.0) < 1e-15)) {
          value = p.value * p.to_si * 180.0 / kPi;
        }
      } else if (p.category == "linear") {
        // GeoTIFF linear parameters are in ProjLinearUnits.
        if (std::fabs(p.to_si - linear.to_si) > 1e-15 * linear.to_si)
          value = p.value * p.to_si / linear.to_si;
      } else if (p.category == "scale") {
        value = p.value * p.to_si;
      }
    }
    keys[pk.key] = std::vector<double>{value};
  }
  return keys;
}

Result<GeoKeyMap> EpsgKeys(PJ_CONTEXT* ctx, const PJ* crs, int code) {
  GeoKeyMap keys;
  const PJ_TYPE type = proj_get_type(crs);
  keys[kGTRasterType] = kRasterPixelIsArea;
  if (type == PJ_TYPE_PROJECTED_CRS) {
    Pj geog(proj_crs_get_geodetic_crs(ctx, crs));
    COGR_ASSIGN_OR_RETURN(AxisUnit linear, FirstAxisUnit(ctx, crs));
    keys[kGTModelType] = kModelProjected;
    keys[kGTCitation] = Name(crs);
    keys[kGeogCitation] = Name(geog.get());
    keys[kGeogAngularUnits] = kAngularDegree;
    keys[kProjectedCSType] = static_cast<uint16_t>(code);
    PutLinearUnits(linear, keys);
    return keys;
  }
  // Geographic 2D (or 3D: its horizontal meaning is the same).
  COGR_RETURN_IF_ERROR(CheckDegrees(ctx, crs));
  COGR_ASSIGN_OR_RETURN(Ellipsoid ell, GetEllipsoid(ctx, crs));
  keys[kGTModelType] = kModelGeographic;
  keys[kGeographicType] = static_cast<uint16_t>(code);
  keys[kGeogCitation] = Name(crs);
  keys[kGeogAngularUnits] = kAngularDegree;
  PutEllipsoidAxes(ell, keys);
  return keys;
}

bool IsGeographicType(PJ_TYPE t) {
  return t == PJ_TYPE_GEOGRAPHIC_2D_CRS || t == PJ_TYPE_GEOGRAPHIC_3D_CRS ||
         t == PJ_TYPE_GEOGRAPHIC_CRS;
}

Result<GeoKeyMap> KeysForPj(PJ_CONTEXT* ctx, const PJ* input) {
  Pj owned;
  const PJ* crs = input;
  std::optional<std::array<double, 7>> towgs84;
  // A compound CRS: its horizontal part (GeoTIFF's vertical keys are not written).
  if (proj_get_type(crs) == PJ_TYPE_COMPOUND_CRS) {
    owned.reset(proj_crs_get_sub_crs(ctx, crs, 0));
    if (!owned)
      return Status::Unsupported("compound CRS '" + Name(input) + "' without a horizontal part");
    crs = owned.get();
  }
  Pj base;
  if (proj_get_type(crs) == PJ_TYPE_BOUND_CRS) {
    Pj op(proj_crs_get_coordoperation(ctx, crs));
    std::array<double, 7> values{};
    if (op && proj_coordoperation_get_towgs84_values(ctx, op.get(), values.data(), 7, 0)) {
      towgs84 = values;
    }
    base.reset(proj_get_source_crs(ctx, crs));
    if (!base) return Status::Unsupported("bound CRS '" + Name(crs) + "' without a source CRS");
    crs = base.get();
  }
  const PJ_TYPE type = proj_get_type(crs);
  if (type != PJ_TYPE_PROJECTED_CRS && !IsGeographicType(type)) {
    return Status::Unsupported("CRS '" + Name(crs) +
                               "' is neither projected nor geographic: GeoKeys cannot express it");
  }
  // A CRS with its own EPSG code (and no datum shift to add) is written as that code.
  if (const std::optional<int> code = EpsgCode(crs); code && !towgs84)
    return EpsgKeys(ctx, crs, *code);
  if (type == PJ_TYPE_PROJECTED_CRS) return UserProjected(ctx, crs, towgs84);
  GeoKeyMap keys;
  keys[kGTModelType] = kModelGeographic;
  keys[kGTRasterType] = kRasterPixelIsArea;
  COGR_RETURN_IF_ERROR(PutUserGeographic(ctx, crs, towgs84, keys));
  return keys;
}

#endif  // COGR_HAVE_PROJ

}  // namespace

Result<GeoKeyMap> GeoKeysForCrs(const std::optional<int>& epsg,
                                const std::optional<std::string>& text) {
  if (!epsg && !text) return GeoKeyMap{};
  if (epsg && (*epsg <= 0 || *epsg >= kUserDefined)) {
    return Status::InvalidArgument("crs_epsg " + std::to_string(*epsg) +
                                   " is not an EPSG code GeoKeys can hold (1..32766)");
  }
#ifdef COGR_HAVE_PROJ
  COGR_RETURN_IF_ERROR(internal::LoadProj());
  std::unique_ptr<PJ_CONTEXT, ContextDeleter> ctx(proj_context_create());
  if (!ctx) return Status::LimitExceeded("cannot create a PROJ context");
  proj_log_level(ctx.get(), PJ_LOG_NONE);
  std::optional<int> code = epsg;
  if (!code) {
    // The same identification the reader reports as crs_epsg: a text CRS that is exactly an
    // EPSG CRS is written as its code, like GDAL does for WKT carrying an AUTHORITY.
    auto crs = geo::Crs::FromUserInput(*text);
    if (!crs.ok()) return Status::InvalidArgument("crs_wkt: " + crs.status().message());
    if (auto id = crs->ToEpsg(); id && *id > 0 && *id < kUserDefined) code = id;
  }
  Pj pj;
  if (code) {
    const std::string code_text = std::to_string(*code);
    pj.reset(proj_create_from_database(ctx.get(), "EPSG", code_text.c_str(), PJ_CATEGORY_CRS, 0,
                                       nullptr));
    if (!pj) {
      return Status::InvalidArgument("EPSG:" + code_text + ": " + ProjMessage(ctx.get()));
    }
    // Only horizontal CRSs are written by code; anything else goes through KeysForPj.
    const PJ_TYPE type = proj_get_type(pj.get());
    if (type == PJ_TYPE_PROJECTED_CRS || IsGeographicType(type)) {
      return EpsgKeys(ctx.get(), pj.get(), *code);
    }
  } else {
    pj.reset(proj_create(ctx.get(), text->c_str()));
    // A PROJ string describes an operation unless it says "+type=crs" (what GDAL's
    // importFromProj4 adds).
    if (pj && !proj_is_crs(pj.get()) && text->find("+proj=") != std::string::npos) {
      pj.reset(proj_create(ctx.get(), (*text + " +type=crs").c_str()));
    }
    if (!pj) return Status::InvalidArgument("crs_wkt: " + ProjMessage(ctx.get()));
    if (!proj_is_crs(pj.get()))
      return Status::InvalidArgument("crs_wkt: '" + *text + "' is not a CRS");
  }
  return KeysForPj(ctx.get(), pj.get());
#else
  if (!epsg)
    return Status::Unsupported("writing a CRS given as text needs PROJ, not built into this cogr");
  // Without PROJ's database: EPSG's geographic 2D CRSs are numbered 4001..4999, projected
  // CRSs elsewhere; citations need the database and are left out.
  GeoKeyMap keys;
  keys[kGTRasterType] = kRasterPixelIsArea;
  if (*epsg >= 4001 && *epsg <= 4999) {
    keys[kGTModelType] = kModelGeographic;
    keys[kGeographicType] = static_cast<uint16_t>(*epsg);
    keys[kGeogAngularUnits] = kAngularDegree;
  } else {
    keys[kGTModelType] = kModelProjected;
    keys[kProjectedCSType] = static_cast<uint16_t>(*epsg);
  }
  return keys;
#endif
}

GeoKeyTags EncodeGeoKeys(const GeoKeyMap& keys) {
  GeoKeyTags tags;
  if (keys.empty()) return tags;
  // GeoTIFF 1.0 directory (KeyDirectoryVersion 1, KeyRevision 1.0), as GDAL writes by default.
  tags.directory = {1, 1, 0, static_cast<uint16_t>(keys.size())};
  for (const auto& [id, value] : keys) {  // std::map: ascending ids, as the spec requires
    if (const auto* s = std::get_if<uint16_t>(&value)) {
      tags.directory.insert(tags.directory.end(), {id, 0, 1, *s});
    } else if (const auto* d = std::get_if<std::vector<double>>(&value)) {
      tags.directory.insert(tags.directory.end(), {id, 34736, static_cast<uint16_t>(d->size()),
                                                   static_cast<uint16_t>(tags.doubles.size())});
      tags.doubles.insert(tags.doubles.end(), d->begin(), d->end());
    } else {
      const std::string& a = std::get<std::string>(value);
      // The count includes the '|' that ends the string (libgeotiff).
      tags.directory.insert(tags.directory.end(), {id, 34737, static_cast<uint16_t>(a.size() + 1),
                                                   static_cast<uint16_t>(tags.ascii.size())});
      tags.ascii += a;
      tags.ascii += '|';
    }
  }
  if (!tags.ascii.empty()) tags.ascii += '\0';
  return tags;
}

}  // namespace cogr::internal
