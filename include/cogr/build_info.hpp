// What the linked cogr library was built with: its version, codecs and optional features.
#pragma once

#include <string>
#include <vector>

#include "cogr/export.hpp"

namespace cogr {

/// What the linked libcogr contains. The installed package records the same facts:
/// cogrConfig.cmake sets cogr_CODECS, cogr_FEATURES and cogr_SHARED, and cogr.pc has the
/// variables codecs, features and shared (`pkg-config --variable=codecs cogr`).
struct BuildInfo {
  /// Version of the library, "major.minor.patch" (COGR_VERSION_STRING of cogr/version.hpp is
  /// the version of the headers a program was compiled with).
  std::string version;
  /// Codecs it decodes, as codec::SupportedCodecs(): always "none", "deflate", "lzw",
  /// "packbits"; "zstd", "jpeg", "webp", "lzma", "lerc", "lerc_deflate", "lerc_zstd" when built.
  std::vector<std::string> codecs;
  /// Optional features compiled in: "proj" (CRS via PROJ), "curl" (http(s) sources), "openssl"
  /// (signed s3://, gs://, az:// requests).
  std::vector<std::string> features;
  /// True for a shared libcogr, false for a static one.
  bool shared = false;
};

/// The BuildInfo of the linked library.
COGR_EXPORT BuildInfo GetBuildInfo();

}  // namespace cogr
