#include "catalog_select.hpp"

#include <algorithm>
#include <fstream>
#include <sstream>

#include "cogr/mask.hpp"

namespace cogr::cli {

Result<std::string> ReadInputFile(const std::string& path, const std::string& what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot open the " + what + " file");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  if (text.size() > (256u << 20))
    return Status::LimitExceeded(path + ": " + what + " file larger than 256 MiB");
  return text;
}

Result<bool> CatalogSelection::ApplyOption(const std::string& name, const std::string& value,
                                           const std::string& crs_option) {
  if (name == "--catalog" || name == "--intersects" || name == crs_option) {
    if (value.empty()) return Status::InvalidArgument(name + ": empty value");
    (name == "--catalog"      ? path
     : name == "--intersects" ? intersects_path
                              : intersects_crs) = value;
    return true;
  }
  if (name == "--where") {
    query.where = value;
    return true;
  }
  return false;
}

Status CatalogSelection::Check(bool standalone) const {
  if (!standalone && path.empty()) {
    if (!query.where.empty()) return Status::InvalidArgument("--where needs --catalog");
    if (!intersects_path.empty()) return Status::InvalidArgument("--intersects needs --catalog");
  }
  if (intersects_path.empty() && !intersects_crs.empty())
    return Status::InvalidArgument("the CRS of --intersects needs --intersects");
  return Status::OK();
}

Status CatalogSelection::Load() {
  if (intersects_path.empty()) return Status::OK();
  COGR_ASSIGN_OR_RETURN(std::string text, ReadInputFile(intersects_path, "--intersects"));
  auto doc = mask::ParseGeoJsonDocument(text);
  if (!doc.ok())
    return Status(doc.status().code(), intersects_path + ": " + doc.status().message());
  query.intersects = std::move(doc->geometries);
  query.intersects_crs = !intersects_crs.empty() ? intersects_crs : doc->crs.value_or("");
  return Status::OK();
}

std::optional<geo::Bounds> CatalogSelection::IntersectsBounds() const {
  std::optional<geo::Bounds> out;
  for (const mask::Geometry& g : query.intersects) {
    const auto b = g.Bounds();
    if (!b) continue;
    if (!out) {
      out = *b;
      continue;
    }
    out->left = std::min(out->left, b->left);
    out->bottom = std::min(out->bottom, b->bottom);
    out->right = std::max(out->right, b->right);
    out->top = std::max(out->top, b->top);
  }
  return out;
}

Result<std::vector<std::string>> CatalogSelection::Scenes(StackOptions& options) const {
  COGR_ASSIGN_OR_RETURN(std::unique_ptr<Catalog> catalog, Catalog::Open(path));
  CatalogQuery q = query;
  q.with_headers = true;
  COGR_ASSIGN_OR_RETURN(std::vector<SceneRecord> records, catalog->Query(q));
  if (records.empty()) return Status::NotFound(path + ": no scene matches the query");
  COGR_ASSIGN_OR_RETURN(options, catalog->SceneStackOptions(records, std::move(options)));
  return Catalog::Uris(records);
}

}  // namespace cogr::cli
