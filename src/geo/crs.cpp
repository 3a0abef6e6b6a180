// Crs: a CRS definition plus the answers PROJ gave when it was built.
//
// PJ objects are not thread-safe (proj_as_wkt even returns a buffer owned by the object),
// so a Crs keeps no PJ: it stores the text it was created from and everything the API
// returns. Transformations rebuild PJ objects from that text in the calling thread's own
// PROJ context.
#include "cogr/crs.hpp"

#include <cmath>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#ifdef COGR_HAVE_PROJ
#include "geo/proj_api.hpp"

#include "geo/proj_util.hpp"
#endif

namespace cogr::geo {

struct Crs::Impl {
  std::string definition;  // what proj_create() rebuilds this CRS from
  std::string name;
  std::string wkt1;
  Status wkt1_status;  // why wkt1 is empty, if it is
  std::string wkt2;
  Status wkt2_status;
  std::string projjson;
  Status projjson_status;
  bool is_geographic = false;
  bool is_projected = false;
  std::string linear_units = "unknown";
  double linear_units_factor = 0;  // metres per unit of the first axis; 0 when unknown
  // ToEpsg may have to search PROJ's database (proj_identify), which takes milliseconds;
  // it runs on first use only.
  mutable std::once_flag epsg_once;
  mutable std::optional<int> epsg;
  // Least proj_identify confidence ToEpsg accepts (see IdentifyEpsg).
  int epsg_confidence = 100;
};

struct CrsAccess {
  static std::shared_ptr<Crs::Impl> NewImpl() { return std::make_shared<Crs::Impl>(); }
  static Crs Make(std::shared_ptr<const Crs::Impl> impl) { return Crs(std::move(impl)); }
  static const Crs::Impl& Get(const Crs& crs) { return *crs.impl_; }
};

#ifdef COGR_HAVE_PROJ

namespace {

using internal::PjPtr;

Status NoContext() {
  if (Status loaded = internal::LoadProj(); !loaded.ok()) return loaded;
  return Status::LimitExceeded("cannot create a PROJ context");
}
using internal::ProjContext;
using internal::ProjError;

const char* const kWkt1Options[] = {"MULTILINE=NO", "OUTPUT_AXIS=YES", nullptr};
const char* const kOneLineOptions[] = {"MULTILINE=NO", nullptr};

bool IsCrsType(PJ_TYPE type) {
  switch (type) {
    case PJ_TYPE_GEODETIC_CRS:
    case PJ_TYPE_GEOCENTRIC_CRS:
    case PJ_TYPE_GEOGRAPHIC_CRS:
    case PJ_TYPE_GEOGRAPHIC_2D_CRS:
    case PJ_TYPE_GEOGRAPHIC_3D_CRS:
    case PJ_TYPE_VERTICAL_CRS:
    case PJ_TYPE_PROJECTED_CRS:
    case PJ_TYPE_COMPOUND_CRS:
    case PJ_TYPE_TEMPORAL_CRS:
    case PJ_TYPE_ENGINEERING_CRS:
    case PJ_TYPE_BOUND_CRS:
    case PJ_TYPE_OTHER_CRS: return true;
    default: return false;
  }
}

// The horizontal part: the base of a BoundCRS (TOWGS84), the first member of a compound.
PjPtr Horizontal(PJ_CONTEXT* ctx, const PJ* crs) {
  PjPtr h(proj_clone(ctx, crs));
  for (int depth = 0; h && depth < 4; ++depth) {
    const PJ_TYPE type = proj_get_type(h.get());
    if (type == PJ_TYPE_BOUND_CRS) {
      h.reset(proj_get_source_crs(ctx, h.get()));
    } else if (type == PJ_TYPE_COMPOUND_CRS) {
      h.reset(proj_crs_get_sub_crs(ctx, h.get(), 0));
    } else {
      break;
    }
  }
  return h;
}

std::optional<int> ParseCode(const char* auth, const char* code) {
  if (auth == nullptr || code == nullptr || std::string(auth) != "EPSG") return std::nullopt;
  char* end = nullptr;
  const long v = std::strtol(code, &end, 10);
  if (end == code || *end != '\0' || v <= 0 || v > std::numeric_limits<int>::max()) {
    return std::nullopt;
  }
  return static_cast<int>(v);
}

// The first EPSG match of PROJ's proj_identify with this confidence (what rasterio 1.3.5 reports
// for the fixtures; GDAL's OSRFindMatches filters the weaker matches).
constexpr int kEpsgConfidence = 100;

std::optional<int> IdentifyEpsg(PJ_CONTEXT* ctx, const PJ* crs,
                                int min_confidence = kEpsgConfidence) {
  if (auto code = ParseCode(proj_get_id_auth_name(crs, 0), proj_get_id_code(crs, 0))) {
    return code;
  }
  if (proj_get_type(crs) == PJ_TYPE_BOUND_CRS) {
    // GDAL reports the base CRS's code for a CRS that only adds TOWGS84.
    PjPtr base(proj_get_source_crs(ctx, crs));
    if (base) {
      if (auto code =
              ParseCode(proj_get_id_auth_name(base.get(), 0), proj_get_id_code(base.get(), 0))) {
        return code;
      }
    }
  }
  int* confidence = nullptr;
  PJ_OBJ_LIST* matches = proj_identify(ctx, crs, "EPSG", nullptr, &confidence);
  std::optional<int> result;
  if (matches != nullptr && confidence != nullptr) {
    const int n = proj_list_get_count(matches);
    for (int i = 0; i < n && !result; ++i) {
      if (confidence[i] < min_confidence) continue;
      PjPtr match(proj_list_get(ctx, matches, i));
      if (match) {
        result = ParseCode(proj_get_id_auth_name(match.get(), 0), proj_get_id_code(match.get(), 0));
      }
    }
  }
  proj_int_list_destroy(confidence);
  proj_list_destroy(matches);
  ProjError(ctx);  // identification failures are not errors for the caller
  return result;
}

// Everything the API answers, computed now from `pj`; `definition` rebuilds it later.
Result<Crs> MakeCrs(PJ_CONTEXT* ctx, const PJ* pj, std::string definition) {
  auto impl = CrsAccess::NewImpl();
  impl->definition = std::move(definition);
  if (const char* name = proj_get_name(pj)) impl->name = name;

  if (const char* wkt = proj_as_wkt(ctx, pj, PJ_WKT1_GDAL, kWkt1Options)) {
    impl->wkt1 = wkt;
  } else {
    impl->wkt1_status = Status::Unsupported("CRS \"" + impl->name +
                                            "\" cannot be written as WKT1: " + ProjError(ctx));
  }
  if (const char* wkt = proj_as_wkt(ctx, pj, PJ_WKT2_2019, kOneLineOptions)) {
    impl->wkt2 = wkt;
  } else {
    impl->wkt2_status = Status::Unsupported("CRS \"" + impl->name +
                                            "\" cannot be written as WKT2: " + ProjError(ctx));
  }
  if (const char* json = proj_as_projjson(ctx, pj, kOneLineOptions)) {
    impl->projjson = json;
  } else {
    impl->projjson_status = Status::Unsupported(
        "CRS \"" + impl->name + "\" cannot be written as PROJJSON: " + ProjError(ctx));
  }

  if (PjPtr horizontal = Horizontal(ctx, pj)) {
    const PJ_TYPE type = proj_get_type(horizontal.get());
    impl->is_geographic = type == PJ_TYPE_GEOGRAPHIC_2D_CRS || type == PJ_TYPE_GEOGRAPHIC_3D_CRS;
    impl->is_projected = type == PJ_TYPE_PROJECTED_CRS;
    if (PjPtr cs{proj_crs_get_coordinate_system(ctx, horizontal.get())}) {
      const char* unit_name = nullptr;
      double unit_factor = 0;
      if (proj_cs_get_axis_count(ctx, cs.get()) > 0 &&
          proj_cs_get_axis_info(ctx, cs.get(), 0, nullptr, nullptr, nullptr, &unit_factor,
                                &unit_name, nullptr, nullptr) &&
          unit_name != nullptr) {
        impl->linear_units = unit_name;
        impl->linear_units_factor = unit_factor;
      }
    }
  }
  ProjError(ctx);  // clear anything the optional queries left behind
  return CrsAccess::Make(std::move(impl));
}

Result<PjPtr> Instantiate(PJ_CONTEXT* ctx, const Crs& crs) {
  const auto& impl = CrsAccess::Get(crs);
  PjPtr pj(proj_create(ctx, impl.definition.c_str()));
  if (!pj) {
    return Status::InvalidArgument("cannot rebuild CRS \"" + impl.name + "\": " + ProjError(ctx));
  }
  return pj;
}

// A transformation from → to in traditional GIS order (x = longitude/easting).
Result<PjPtr> MakeTransformer(PJ_CONTEXT* ctx, const Crs& from, const Crs& to) {
  COGR_ASSIGN_OR_RETURN(PjPtr src, Instantiate(ctx, from));
  COGR_ASSIGN_OR_RETURN(PjPtr dst, Instantiate(ctx, to));
  PjPtr op(proj_create_crs_to_crs_from_pj(ctx, src.get(), dst.get(), nullptr, nullptr));
  if (!op) {
    return Status::InvalidArgument("no transformation from \"" + CrsAccess::Get(from).name +
                                   "\" to \"" + CrsAccess::Get(to).name + "\": " + ProjError(ctx));
  }
  PjPtr normalized(proj_normalize_for_visualization(ctx, op.get()));
  if (!normalized) {
    return Status::InvalidArgument("cannot normalize the axis order of the transformation from \"" +
                                   CrsAccess::Get(from).name + "\" to \"" +
                                   CrsAccess::Get(to).name + "\": " + ProjError(ctx));
  }
  return normalized;
}

}  // namespace

Result<Crs> Crs::FromEpsg(int code) {
  const std::string definition = "EPSG:" + std::to_string(code);
  if (code <= 0) return Status::InvalidArgument(definition + ": EPSG codes are positive");
  PJ_CONTEXT* ctx = ProjContext();
  if (ctx == nullptr) return NoContext();
  const std::string code_text = std::to_string(code);
  PjPtr pj(
      proj_create_from_database(ctx, "EPSG", code_text.c_str(), PJ_CATEGORY_CRS, false, nullptr));
  if (!pj) return Status::InvalidArgument(definition + ": " + ProjError(ctx));
  return MakeCrs(ctx, pj.get(), definition);
}

Result<Crs> Crs::FromUserInput(const std::string& text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string::npos) return Status::InvalidArgument("empty CRS definition");
  const size_t end = text.find_last_not_of(" \t\r\n");
  std::string definition = text.substr(begin, end - begin + 1);
  if (definition.find('\0') != std::string::npos) {
    return Status::InvalidArgument("CRS definition contains a NUL character");
  }
  // A PROJ string names a CRS only with +type=crs (GDAL's importFromProj4 adds it too).
  const bool is_proj_string = definition[0] == '+' || definition.rfind("proj=", 0) == 0;
  if (is_proj_string && definition.find("type=crs") == std::string::npos) {
    definition += " +type=crs";
  }
  PJ_CONTEXT* ctx = ProjContext();
  if (ctx == nullptr) return NoContext();
  PjPtr pj(proj_create(ctx, definition.c_str()));
  const std::string shown = definition.size() > 80 ? definition.substr(0, 77) + "..." : definition;
  if (!pj) return Status::InvalidArgument("\"" + shown + "\": " + ProjError(ctx));
  if (!IsCrsType(proj_get_type(pj.get()))) {
    return Status::InvalidArgument("\"" + shown + "\" is not a CRS");
  }
  return MakeCrs(ctx, pj.get(), std::move(definition));
}

Result<Crs> Crs::FromGeoKeys(const std::map<uint16_t, cogr::tiff::GeoKeyValue>& keys,
                             const std::array<uint16_t, 3>& key_directory_version) {
  PJ_CONTEXT* ctx = ProjContext();
  if (ctx == nullptr) return NoContext();
  COGR_ASSIGN_OR_RETURN(std::string wkt,
                        internal::GeoKeysToGdalWkt(ctx, keys, key_directory_version));
  // rasterio reads the WKT GDAL exports and parses it again; doing the same yields the same
  // object (and the same WKT) as rasterio's dataset.crs.
  PjPtr pj(proj_create(ctx, wkt.c_str()));
  if (!pj) return Status::InvalidArgument("GeoKeys give an invalid CRS: " + ProjError(ctx));
  COGR_ASSIGN_OR_RETURN(Crs crs, MakeCrs(ctx, pj.get(), std::move(wkt)));
  // rasterio's to_epsg (GDAL's OSRFindMatches, threshold 70) names the EPSG code of a
  // geographic or compound CRS built key by key from a 70 % match (the name differs: "WGS 84 +
  // unknown" is EPSG:9707, a user-defined GCS on datum 6267 is EPSG:4267), and of an unnamed
  // projected CRS (a user-defined TM South Orientated on Hartebeesthoek94 is EPSG:2053); a
  // named projected CRS keeps the 100 % rule (an ESRI Albers is not EPSG:5070 for rasterio).
  const PJ_TYPE type = proj_get_type(pj.get());
  const char* name = proj_get_name(pj.get());
  const bool unnamed =
      name != nullptr && (std::string(name) == "unnamed" || std::string(name) == "unknown");
  if (type == PJ_TYPE_COMPOUND_CRS || type == PJ_TYPE_GEOGRAPHIC_2D_CRS ||
      (type == PJ_TYPE_PROJECTED_CRS && unnamed)) {
    std::const_pointer_cast<Impl>(crs.impl_)->epsg_confidence = 70;
  }
  return crs;
}

std::optional<int> Crs::ToEpsg() const {
  std::call_once(impl_->epsg_once, [this] {
    PJ_CONTEXT* ctx = ProjContext();
    if (ctx == nullptr) return;
    auto pj = Instantiate(ctx, *this);
    if (pj.ok()) impl_->epsg = IdentifyEpsg(ctx, pj->get(), impl_->epsg_confidence);
  });
  return impl_->epsg;
}

Result<std::string> Crs::ToWkt(WktFormat format) const {
  switch (format) {
    case WktFormat::kWkt1Gdal:
      if (!impl_->wkt1_status.ok()) return impl_->wkt1_status;
      return impl_->wkt1;
    case WktFormat::kWkt2_2019:
      if (!impl_->wkt2_status.ok()) return impl_->wkt2_status;
      return impl_->wkt2;
  }
  return Status::InvalidArgument("unknown WKT format " + std::to_string(static_cast<int>(format)));
}

Result<std::string> Crs::ToProjJson() const {
  if (!impl_->projjson_status.ok()) return impl_->projjson_status;
  return impl_->projjson;
}

bool Crs::IsGeographic() const { return impl_->is_geographic; }
bool Crs::IsProjected() const { return impl_->is_projected; }
std::string Crs::LinearUnits() const { return impl_->linear_units; }
std::string Crs::Name() const { return impl_->name; }

Result<std::pair<std::string, double>> Crs::LinearUnitsFactor() const {
  if (!impl_->is_projected || !(impl_->linear_units_factor > 0) ||
      !std::isfinite(impl_->linear_units_factor)) {
    return Status::InvalidArgument(
        "linear units factor is not defined for a non-projected CRS (\"" + impl_->name + "\")");
  }
  return std::pair<std::string, double>{impl_->linear_units, impl_->linear_units_factor};
}

Result<std::vector<std::pair<double, double>>> TransformPoints(
    const Crs& from, const Crs& to, std::vector<std::pair<double, double>> points) {
  PJ_CONTEXT* ctx = ProjContext();
  if (ctx == nullptr) return NoContext();
  COGR_ASSIGN_OR_RETURN(PjPtr op, MakeTransformer(ctx, from, to));
  constexpr double kInf = std::numeric_limits<double>::infinity();
  for (auto& [x, y] : points) {
    proj_errno_reset(op.get());
    const PJ_COORD out = proj_trans(op.get(), PJ_FWD, proj_coord(x, y, 0, 0));
    // PROJ reports a failed point with an errno and HUGE_VAL coordinates.
    if (proj_errno(op.get()) != 0 || !std::isfinite(out.xy.x) || !std::isfinite(out.xy.y)) {
      x = kInf;
      y = kInf;
    } else {
      x = out.xy.x;
      y = out.xy.y;
    }
  }
  proj_errno_reset(op.get());
  ProjError(ctx);  // per-point failures are reported as inf, not as an error
  return points;
}

Result<Bounds> TransformBounds(const Crs& from, const Crs& to, const Bounds& bounds,
                               int densify_pts) {
  if (densify_pts < 0) {
    return Status::InvalidArgument("transform_bounds: densify_pts " + std::to_string(densify_pts) +
                                   " < 0");
  }
  PJ_CONTEXT* ctx = ProjContext();
  if (ctx == nullptr) return NoContext();
  COGR_ASSIGN_OR_RETURN(PjPtr op, MakeTransformer(ctx, from, to));
  Bounds out;
  // The algorithm of GDAL's OCTTransformBounds, which rasterio calls (PROJ's is its port).
  if (!proj_trans_bounds(ctx, op.get(), PJ_FWD, bounds.left, bounds.bottom, bounds.right,
                         bounds.top, &out.left, &out.bottom, &out.right, &out.top, densify_pts)) {
    return Status::InvalidArgument(
        "transform_bounds (" + std::to_string(bounds.left) + ", " + std::to_string(bounds.bottom) +
        ", " + std::to_string(bounds.right) + ", " + std::to_string(bounds.top) + ") from \"" +
        CrsAccess::Get(from).name + "\" to \"" + CrsAccess::Get(to).name + "\": " + ProjError(ctx));
  }
  return out;
}

#else  // !COGR_HAVE_PROJ

namespace {
Status NoProj() { return Status::Unsupported("cogr was built without PROJ: no CRS support"); }
}  // namespace

Result<Crs> Crs::FromEpsg(int) { return NoProj(); }
Result<Crs> Crs::FromUserInput(const std::string&) { return NoProj(); }
Result<Crs> Crs::FromGeoKeys(const std::map<uint16_t, cogr::tiff::GeoKeyValue>&,
                             const std::array<uint16_t, 3>&) {
  return NoProj();
}
// No Crs can exist without PROJ; these only satisfy the linker.
std::optional<int> Crs::ToEpsg() const { return std::nullopt; }
Result<std::string> Crs::ToWkt(WktFormat) const { return NoProj(); }
Result<std::string> Crs::ToProjJson() const { return NoProj(); }
bool Crs::IsGeographic() const { return false; }
bool Crs::IsProjected() const { return false; }
std::string Crs::LinearUnits() const { return "unknown"; }
std::string Crs::Name() const { return std::string(); }
Result<std::pair<std::string, double>> Crs::LinearUnitsFactor() const { return NoProj(); }
Result<std::vector<std::pair<double, double>>> TransformPoints(
    const Crs&, const Crs&, std::vector<std::pair<double, double>>) {
  return NoProj();
}
Result<Bounds> TransformBounds(const Crs&, const Crs&, const Bounds&, int) { return NoProj(); }

#endif  // COGR_HAVE_PROJ

bool SameCrs(const Crs& a, const Crs& b) {
  const std::optional<int> ea = a.ToEpsg(), eb = b.ToEpsg();
  if (ea && eb) return *ea == *eb;
  auto wa = a.ToWkt(), wb = b.ToWkt();
  return wa.ok() && wb.ok() && *wa == *wb;
}

}  // namespace cogr::geo
