// GeoKeys → CRS, stage 1b: libgeotiff's GTIFGetDefn. Codes are looked up (geokey_epsg.cpp),
// user-defined projection parameters are fetched by coordinate transformation, and everything
// is normalized to degrees and metres. Then CheckDefn rejects values no CRS can have.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <iterator>
#include <string>

#include "geo/geokey_defn.hpp"

#ifdef COGR_HAVE_PROJ

#include <proj.h>

namespace cogr::internal::geokeys {

namespace {

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

// SetGTParamIds as a table: for each coordinate transformation, which GeoKey and which EPSG
// parameter fill which of the 7 slots (0 = unused).
struct ParamSlot {
  int slot = 0;
  uint16_t key = 0;  // 0 ends a row's slots
  int epsg = 0;
  int only_method = 0;  // set only when the EPSG method is this one (Mercator 2SP: 9805)
};
struct ParamIdRow {
  int cts[6];  // 0 ends the list (no transformation has code 0)
  ParamSlot slots[7];
};
const ParamIdRow kParamIds[] = {
    {{kCtCassiniSoldner, kCtNewZealandMapGrid, kCtPolyconic},
     {{0, kProjNatOriginLat, kEpsgNatOriginLat},
      {1, kProjNatOriginLong, kEpsgNatOriginLong},
      {5, kProjFalseEasting, kEpsgFalseEasting},
      {6, kProjFalseNorthing, kEpsgFalseNorthing}}},
    {{kCtObliqueMercator, kCtHotineObliqueMercatorAzimuthCenter},
     {{0, kProjCenterLat, kEpsgProjCenterLat},
      {1, kProjCenterLong, kEpsgProjCenterLong},
      {2, kProjAzimuthAngle, kEpsgAzimuth},
      {3, kProjRectifiedGridAngle, kEpsgAngleRectifiedToSkewedGrid},
      {4, kProjScaleAtCenter, kEpsgInitialLineScaleFactor},
      {5, kProjFalseEasting, kEpsgProjCenterEasting},
      {6, kProjFalseNorthing, kEpsgProjCenterNorthing}}},
    {{kCtObliqueMercatorLaborde},
     {{0, kProjCenterLat, kEpsgProjCenterLat},
      {1, kProjCenterLong, kEpsgProjCenterLong},
      {2, kProjAzimuthAngle, kEpsgAzimuth},
      {4, kProjScaleAtCenter, kEpsgInitialLineScaleFactor},
      {5, kProjFalseEasting, kEpsgFalseEasting},
      {6, kProjFalseNorthing, kEpsgFalseNorthing}}},
    {{kCtLambertConfConic1SP, kCtMercator, kCtObliqueStereographic, kCtTransverseMercator,
      kCtTransvMercatorSouthOriented},
     {{0, kProjNatOriginLat, kEpsgNatOriginLat},
      {1, kProjNatOriginLong, kEpsgNatOriginLong},
      {2, kProjStdParallel1, kEpsgStdParallel1Lat, 9805},
      {4, kProjScaleAtNatOrigin, kEpsgNatOriginScaleFactor},
      {5, kProjFalseEasting, kEpsgFalseEasting},
      {6, kProjFalseNorthing, kEpsgFalseNorthing}}},
    {{kCtPolarStereographic},
     {{0, kProjNatOriginLat, kEpsgNatOriginLat},
      {1, kProjStraightVertPoleLong, kEpsgNatOriginLong},
      {2, kProjStdParallel1, kEpsgStdParallel1Lat, 9805},
      {4, kProjScaleAtNatOrigin, kEpsgNatOriginScaleFactor},
      {5, kProjFalseEasting, kEpsgFalseEasting},
      {6, kProjFalseNorthing, kEpsgFalseNorthing}}},
    {{kCtLambertConfConic2SP},
     {{0, kProjFalseOriginLat, kEpsgFalseOriginLat},
      {1, kProjFalseOriginLong, kEpsgFalseOriginLong},
      {2, kProjStdParallel1, kEpsgStdParallel1Lat},
      {3, kProjStdParallel2, kEpsgStdParallel2Lat},
      {5, kProjFalseEasting, kEpsgFalseOriginEasting},
      {6, kProjFalseNorthing, kEpsgFalseOriginNorthing}}},
    {{kCtAlbersEqualArea},
     {{0, kProjStdParallel1, kEpsgStdParallel1Lat},
      {1, kProjStdParallel2, kEpsgStdParallel2Lat},
      {2, kProjNatOriginLat, kEpsgFalseOriginLat},
      {3, kProjNatOriginLong, kEpsgFalseOriginLong},
      {5, kProjFalseEasting, kEpsgFalseOriginEasting},
      {6, kProjFalseNorthing, kEpsgFalseOriginNorthing}}},
    {{kCtObliqueMercatorRosenmund},
     {{0, kProjCenterLat, 0},
      {1, kProjCenterLong, 0},
      {5, kProjFalseEasting, 0},
      {6, kProjFalseNorthing, 0}}},
    {{kCtLambertAzimEqualArea},
     {{0, kProjCenterLat, kEpsgNatOriginLat},
      {1, kProjCenterLong, kEpsgNatOriginLong},
      {5, kProjFalseEasting, kEpsgFalseEasting},
      {6, kProjFalseNorthing, kEpsgFalseNorthing}}},
    {{kCtCylindricalEqualArea},
     {{0, kProjStdParallel1, kEpsgStdParallel1Lat},
      {1, kProjNatOriginLong, kEpsgFalseOriginLong},
      {5, kProjFalseEasting, kEpsgFalseOriginEasting},
      {6, kProjFalseNorthing, kEpsgFalseOriginNorthing}}},
    {{kCtEquirectangular},
     {{0, kProjCenterLat, kEpsgNatOriginLat},
      {1, kProjCenterLong, kEpsgNatOriginLong},
      {2, kProjStdParallel1, kEpsgStdParallel1Lat},
      {5, kProjFalseEasting, kEpsgFalseEasting},
      {6, kProjFalseNorthing, kEpsgFalseNorthing}}},
    {{kCtExtMercator2SP},
     {{0, kProjNatOriginLat, kEpsgNatOriginLat},
      {1, kProjNatOriginLong, kEpsgNatOriginLong},
      {2, kProjStdParallel1, kEpsgStdParallel1Lat},
      {5, kProjFalseEasting, kEpsgFalseEasting},
      {6, kProjFalseNorthing, kEpsgFalseNorthing}}},
};

// SetGTParamIds: which GeoKey and which EPSG parameter fill each of the 7 slots.
void SetParamIds(int ct, int method, int ids[7], int epsg[7]) {
  for (int i = 0; i < 7; ++i) ids[i] = epsg[i] = 0;
  if (ct == 0) return;  // 0 pads the rows' lists
  for (const ParamIdRow& row : kParamIds) {
    if (std::find(std::begin(row.cts), std::end(row.cts), ct) == std::end(row.cts)) continue;
    for (const ParamSlot& p : row.slots) {
      if (p.key == 0) break;
      if (p.only_method != 0 && p.only_method != method) continue;
      ids[p.slot] = p.key;
      epsg[p.slot] = p.epsg;
    }
    return;
  }
}

// GTIFGetProjTRFInfoEx: an EPSG conversion code → method and 7 params in degrees/metres.
bool GetProjTrfInfo(PJ_CONTEXT* ctx, int code, int* method, double params[7]) {
  const bool utm_north = code >= 16001 && code <= 16060;
  const bool utm_south = code >= 16101 && code <= 16160;
  if (utm_north || utm_south) {
    const int zone = utm_north ? code - 16000 : code - 16100;
    *method = 9807;
    const double values[7] = {0,      -183.0 + 6 * zone,           0, 0, 0.9996,
                              500000, utm_north ? 0.0 : 10000000.0};
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
                                         nullptr, &conv, nullptr, nullptr, nullptr, &category) ||
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
    if (ct == kCtObliqueMercator && wanted == kEpsgProjCenterNorthing)
      alternate = kEpsgFalseNorthing;
    if (ct == kCtPolarStereographic && wanted == kEpsgNatOriginLat)
      alternate = kEpsgLatOfStdParallel;
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
  const double fn = first({kProjFalseNorthing, kProjCenterNorthing, kProjFalseOriginNorthing}, 0.0);
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
    default: break;
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
      default: break;
    }
  }
}

}  // namespace

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
    d.semi_minor = inv_flattening != 0.0 ? d.semi_major * (1 - 1.0 / inv_flattening) : d.semi_major;
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
    if (!std::isfinite(d.towgs84[i]) || std::fabs(d.towgs84[i]) > 1e8)
      return bad("TOWGS84 value", d.towgs84[i]);
  }
  for (int i = 0; i < 7; ++i) {
    // Eastings/northings in metres; angles, scale factors and the rest below 1e7 (arc-seconds).
    const bool length =
        d.proj_parm_id[i] == kProjFalseEasting || d.proj_parm_id[i] == kProjFalseNorthing ||
        d.proj_parm_id[i] == kProjFalseOriginEasting ||
        d.proj_parm_id[i] == kProjFalseOriginNorthing || d.proj_parm_id[i] == kProjCenterEasting ||
        d.proj_parm_id[i] == kProjCenterNorthing;
    const double v = d.proj_parm[i];
    if (!std::isfinite(v) || std::fabs(v) > (length ? 1e12 : 1e7))
      return bad("projection parameter", v);
  }
  return Status::OK();
}

}  // namespace cogr::internal::geokeys

#endif  // COGR_HAVE_PROJ
