// GeoKeys → CRS, stage 2a (GDAL 3.6 gt_wkt_srs.cpp / gt_citation.cpp): citations, names and
// the GEOGCS, as WKT1 text.
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>

#include "geo/geokey_wkt.hpp"

#ifdef COGR_HAVE_PROJ

#include <proj.h>

namespace cogr::internal::geokeys {

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

std::string Authority(int code) { return ",AUTHORITY[\"EPSG\",\"" + std::to_string(code) + "\"]"; }

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
  static const std::pair<const char*, double> kUnits[] = {{"meters", 1.0},
                                                          {"meter", 1.0},
                                                          {"m", 1.0},
                                                          {"centimeters", 0.01},
                                                          {"centimeter", 0.01},
                                                          {"cm", 0.01},
                                                          {"millimeters", 0.001},
                                                          {"millimeter", 0.001},
                                                          {"mm", 0.001},
                                                          {"kilometers", 1000.0},
                                                          {"kilometer", 1000.0},
                                                          {"km", 1000.0},
                                                          {"us_survey_feet", 0.3048006096012192},
                                                          {"us_survey_foot", 0.3048006096012192},
                                                          {"feet", 0.3048006096012192},
                                                          {"foot", 0.3048006096012192},
                                                          {"ft", 0.3048006096012192},
                                                          {"international_feet", 0.3048},
                                                          {"international_foot", 0.3048},
                                                          {"inches", 0.0254000508001},
                                                          {"inch", 0.0254000508001},
                                                          {"in", 0.0254000508001},
                                                          {"yards", 0.9144},
                                                          {"yard", 0.9144},
                                                          {"yd", 0.9144},
                                                          {"miles", 1304.544},
                                                          {"mile", 1304.544},
                                                          {"mi", 1304.544},
                                                          {"modified_american_feet", 0.3048122530},
                                                          {"modified_american_foot", 0.3048122530},
                                                          {"clarke_feet", 0.3047972651},
                                                          {"clarke_foot", 0.3047972651},
                                                          {"indian_feet", 0.3047995142},
                                                          {"indian_foot", 0.3047995142},
                                                          {"Yard_Indian", 0.9143985307444408},
                                                          {"Foot_Clarke", 0.30479726540},
                                                          {"Foot_Gold_Coast", 0.3047997101815088},
                                                          {"Link_Clarke", 0.2011661951640},
                                                          {"Yard_Sears", 0.9143984146160287},
                                                          {"50_Kilometers", 50000.0},
                                                          {"150_Kilometers", 150000.0}};
  // GDAL compares the first strlen(name) - 1 characters, case-insensitively (EQUALN).
  const size_t n = name.empty() ? 0 : name.size() - 1;
  for (const auto& [unit, size] : kUnits) {
    if (StartsWithNoCase(unit, name.substr(0, n))) return size;
  }
  double size = 0;
  keys.Double(kProjLinearUnitSize, &size);
  return size;
}

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
    const bool keep =
        c == '+' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
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

}  // namespace cogr::internal::geokeys

#endif  // COGR_HAVE_PROJ
