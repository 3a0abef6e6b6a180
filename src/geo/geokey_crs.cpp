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
// The stages live in: geokey_defn.hpp (typed keys, Defn), geokey_epsg.cpp (database
// look-ups), geokey_defn.cpp (step 1), geokey_wkt.cpp (step 2: citations and the GEOGCS) and
// here (step 2: the projection, the whole CRS, the vertical part, the export).
//
// Left out: vertical CRS keys, ERDAS Imagine citation parsing, ESRI state-plane citations,
// the GTIFF_LINEAR_UNITS=BROKEN hack.
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <variant>

#include "geo/geokey_defn.hpp"
#include "geo/geokey_wkt.hpp"
#include "geo/proj_util.hpp"

#ifdef COGR_HAVE_PROJ

#include <proj.h>
#include <proj_experimental.h>

namespace cogr::internal {

namespace geokeys {
namespace {

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
      conv(proj_create_conversion_transverse_mercator(ctx, p[0], p[1], p[4], p[5], p[6], nullptr, 0,
                                                      nullptr, 0));
      break;
    case kCtTransvMercatorSouthOriented:
      conv(proj_create_conversion_transverse_mercator_south_oriented(ctx, p[0], p[1], p[4], p[5],
                                                                     p[6], nullptr, 0, nullptr, 0));
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
      conv(proj_create_conversion_oblique_stereographic(ctx, p[0], p[1], p[4], p[5], p[6], nullptr,
                                                        0, nullptr, 0));
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
      conv(proj_create_conversion_laborde_oblique_mercator(ctx, p[0], p[1], p[2], p[4], p[5], p[6],
                                                           nullptr, 0, nullptr, 0));
      break;
    case kCtEquidistantConic:  // SetEC(stdp1, stdp2, clat, clong, fe, fn)
      conv(proj_create_conversion_equidistant_conic(ctx, p[2], p[3], p[0], p[1], p[5], p[6],
                                                    nullptr, 0, nullptr, 0));
      break;
    case kCtCassiniSoldner:
      conv(proj_create_conversion_cassini_soldner(ctx, p[0], p[1], p[5], p[6], nullptr, 0, nullptr,
                                                  0));
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
      conv(
          proj_create_conversion_miller_cylindrical(ctx, p[1], p[5], p[6], nullptr, 0, nullptr, 0));
      break;
    case kCtEquirectangular:  // SetEquirectangular2(clat, clong, stdp1, fe, fn), clat == 0
      conv(proj_create_conversion_equidistant_cylindrical(ctx, p[2], p[1], p[5], p[6], nullptr, 0,
                                                          nullptr, 0));
      break;
    case kCtGnomonic:
      conv(proj_create_conversion_gnomonic(ctx, p[0], p[1], p[5], p[6], nullptr, 0, nullptr, 0));
      break;
    case kCtLambertAzimEqualArea:
      conv(proj_create_conversion_lambert_azimuthal_equal_area(ctx, p[0], p[1], p[5], p[6], nullptr,
                                                               0, nullptr, 0));
      out.own_cs = true;
      if (std::fabs(p[0] - 90) < 1e-10 && p[1] == 0) {
        out.cs_type = PJ_CART2D_NORTH_POLE_EASTING_SOUTH_NORTHING_SOUTH;
      } else if (std::fabs(p[0] + 90) < 1e-10 && p[1] == 0) {
        out.cs_type = PJ_CART2D_SOUTH_POLE_EASTING_NORTH_NORTHING_NORTH;
      }
      break;
    case kCtOrthographic:
      conv(
          proj_create_conversion_orthographic(ctx, p[0], p[1], p[5], p[6], nullptr, 0, nullptr, 0));
      break;
    case kCtRobinson:
      conv(proj_create_conversion_robinson(ctx, p[1], p[5], p[6], nullptr, 0, nullptr, 0));
      break;
    case kCtSinusoidal:
      conv(proj_create_conversion_sinusoidal(ctx, p[1], p[5], p[6], nullptr, 0, nullptr, 0));
      break;
    case kCtVanDerGrinten:
      conv(proj_create_conversion_van_der_grinten(ctx, p[1], p[5], p[6], nullptr, 0, nullptr, 0));
      break;
    case kCtPolarStereographic:
      if (p[4] == 1.0 && std::fabs(std::fabs(p[0]) - 90) > 1e-8) {
        conv(proj_create_conversion_polar_stereographic_variant_b(ctx, p[0], p[1], p[5], p[6],
                                                                  nullptr, 0, nullptr, 0));
      } else {
        conv(proj_create_conversion_polar_stereographic_variant_a(ctx, p[0], p[1], p[4], p[5], p[6],
                                                                  nullptr, 0, nullptr, 0));
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
      conv(proj_create_conversion_new_zealand_mapping_grid(ctx, p[0], p[1], p[5], p[6], nullptr, 0,
                                                           nullptr, 0));
      break;
    case kCtCylindricalEqualArea:  // SetCEA(stdp1, clong, fe, fn)
      conv(proj_create_conversion_lambert_cylindrical_equal_area(ctx, p[0], p[1], p[5], p[6],
                                                                 nullptr, 0, nullptr, 0));
      break;
    default: break;
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

// One pass through WKT1 text (export, parse), as GDAL's OGRSpatialReference takes when it
// rebuilds its PROJ object from its WKT nodes, and as rasterio does once more than Crs. PROJ
// writes a PRIMEM in degrees and reads it in the GEOGCS's angular unit, so each pass turns a
// prime meridian of g grads into 0.9 g (only "Paris" is mapped back), and the unit keeps its
// 15 printed digits (0.015707963267949 for the grad). A CRS PROJ cannot write or read back
// as WKT1 stays as it is.
PjPtr PassThroughWkt1(PJ_CONTEXT* ctx, PjPtr pj) {
  const char* wkt = proj_as_wkt(ctx, pj.get(), PJ_WKT1_GDAL, kWkt1Options);
  if (wkt == nullptr) return pj;
  PjPtr again(proj_create(ctx, wkt));
  return again ? std::move(again) : std::move(pj);
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
  PjPtr db(
      proj_create_from_database(ctx, "EPSG", Code(code).c_str(), PJ_CATEGORY_CRS, false, nullptr));
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
    crs = PassThroughWkt1(ctx, std::move(crs));
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
                          ",SPHEROID[" + Quote(ellps_name ? ellps_name : "") + "," + Num(a) + "," +
                          Num(rf) + "]],PRIMEM[" + Quote(pm_name ? pm_name : "") + "," +
                          Num(pm_long * pm_conv * 180 / kPi) + "]," + unit + "]");
  }

  // Projected.
  if (!linear_unit_is_set) SetLinearUnitsFromDefn(ctx, d, srs);

  // "Try to import PROJCS from ProjectedCSTypeGeoKey if we have essentially only it."
  if (d.pcs != kUserDefined && !keys.Has(kProjection) && !keys.Has(kProjCoordTrans) &&
      !keys.Has(kGeographicType) && !keys.Has(kGeogGeodeticDatum) && !keys.Has(kGeogEllipsoid)) {
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
  // The projection's angular parameters are written in the unit the pass leaves (52 degrees
  // are 57.7777777777777 grads of 0.015707963267949 rad, not ...778).
  geog = PassThroughWkt1(ctx, std::move(geog));
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
    case PJ_TYPE_BOUND_CRS: return true;
    default: return false;
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
  uint16_t cs = VerticalKey(keys, kVerticalCSType), datum = VerticalKey(keys, kVerticalDatum),
           units = VerticalKey(keys, kVerticalUnits);
  if (cs > kUserDefined || datum > kUserDefined || units > kUserDefined) return horizontal;
  if (cs == 0 && datum == 0 && units == 0) return horizontal;
  if (!IsHorizontalForCompound(horizontal.get())) return horizontal;
  std::string citation = "unknown";
  if (auto it = keys.find(kVerticalCitation); it != keys.end()) {
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
    PjPtr vert(
        proj_create_from_database(ctx, "EPSG", Code(cs).c_str(), PJ_CATEGORY_CRS, 0, nullptr));
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
        PjPtr d(proj_create_from_database(ctx, "EPSG", Code(datum).c_str(), PJ_CATEGORY_DATUM, 0,
                                          nullptr));
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
}  // namespace geokeys

Result<std::string> GeoKeysToGdalWkt(PJ_CONTEXT* ctx,
                                     const std::map<uint16_t, tiff::GeoKeyValue>& keys,
                                     const std::array<uint16_t, 3>& key_directory_version) {
  if (keys.empty()) return Status::NotFound("no GeoKeys: the file has no CRS");
  if (ctx == nullptr) return Status::LimitExceeded("cannot create a PROJ context");
  const geokeys::Keys view(keys);
  COGR_ASSIGN_OR_RETURN(PjPtr crs, geokeys::BuildCrs(ctx, view));
  // GDAL reports the vertical part (GTIFF_REPORT_COMPD_CS) unless the key directory says
  // GeoTIFF 1.0 (version 1.1.0), where it strips it.
  const bool report_compound = key_directory_version != std::array<uint16_t, 3>{1, 1, 0};
  if (report_compound) {
    COGR_ASSIGN_OR_RETURN(crs, geokeys::AddVertical(ctx, keys, std::move(crs)));
  }
  // rasterio's WKT has been through WKT1 text once more than the one Crs parses.
  crs = geokeys::PassThroughWkt1(ctx, std::move(crs));
  return geokeys::ExportWkt1(ctx, crs.get());
}

}  // namespace cogr::internal

#endif  // COGR_HAVE_PROJ
