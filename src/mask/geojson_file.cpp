// mask: GeoJSON from a file path.
#include <sys/stat.h>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <new>
#include <string>

#include "cogr/mask.hpp"
#include "util/alloc_guard.hpp"

namespace cogr::mask {

Result<std::vector<Geometry>> ParseGeoJsonFile(const std::string& path, uint64_t max_bytes) {
  struct FileCloser {
    void operator()(std::FILE* f) const { std::fclose(f); }
  };
  std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    const int err = errno;
    const std::string reason = std::strerror(err);
    if (err == ENOENT) return Status::NotFound(path + ": " + reason);
    return Status::IoError(path + ": " + reason);
  }
  struct stat st {};
  if (fstat(fileno(file.get()), &st) != 0)
    return Status::IoError(path + ": " + std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return Status::InvalidArgument(path + ": not a regular file");
  const auto size = static_cast<uint64_t>(st.st_size);
  if (size > max_bytes) {
    return Status::LimitExceeded(path + ": " + std::to_string(size) + " bytes > limit " +
                                 std::to_string(max_bytes) + " for a GeoJSON file");
  }
  std::string text;
  COGR_RETURN_IF_ERROR(internal::GuardAlloc(
      [&] {
        text.resize(static_cast<size_t>(size));
        return Status::OK();
      },
      [&] { return path + ": out of memory for " + std::to_string(size) + " bytes"; }));
  if (size > 0 && std::fread(text.data(), 1, text.size(), file.get()) != text.size()) {
    return Status::IoError(path + ": short read (expected " + std::to_string(size) + " bytes)");
  }
  auto shapes = ParseGeoJson(text);
  if (!shapes.ok()) return shapes.status().WithContext(path);
  return shapes;
}

}  // namespace cogr::mask
