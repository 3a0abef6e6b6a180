// cogr::GetBuildInfo(): the facts cmake/CogrPackage.cmake recorded in generated/build_config.hpp
// (the same as the installed package), and the codecs the registry reports.
#include "cogr/build_info.hpp"

#include "build_config.hpp"
#include "cogr/codec.hpp"
#include "cogr/version.hpp"

namespace cogr {

BuildInfo GetBuildInfo() {
  BuildInfo info;
  info.version = COGR_VERSION_STRING;
  info.codecs = codec::SupportedCodecs();
  info.features = {COGR_BUILD_FEATURES};
  info.shared = COGR_BUILD_SHARED != 0;
  return info;
}

}  // namespace cogr
