// PROJ plumbing shared by the geo sources: a per-thread context, owning pointers, errors.
// Only compiled with PROJ (COGR_HAVE_PROJ).
#pragma once

#ifdef COGR_HAVE_PROJ

#include "geo/proj_api.hpp"

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "cogr/status.hpp"
#include "cogr/tiff.hpp"

namespace cogr::internal {

struct PjDeleter {
  void operator()(PJ* pj) const { proj_destroy(pj); }
};
/// Owns one PROJ object. PJ objects are not thread-safe: each lives in one call, in one thread.
using PjPtr = std::unique_ptr<PJ, PjDeleter>;

/// This thread's PROJ context, created on first use and destroyed with the thread. PROJ's
/// messages are captured (not printed to stderr); the errno is reset on every call.
PJ_CONTEXT* ProjContext();

/// PROJ's last error on `ctx` as text ("crs not found"), then clears it; "unknown PROJ error"
/// when PROJ said nothing.
std::string ProjError(PJ_CONTEXT* ctx);

/// The WKT1 (GDAL dialect) text GDAL's GTiff driver would export for these GeoKeys: an
/// emulation of libgeotiff's GTIFGetDefn and GDAL's GTIFGetOGISDefnAsOSR (GDAL 3.6).
/// kNotFound for no keys; kInvalidArgument when PROJ rejects the result.
/// `key_directory_version`: the first three SHORTs of the GeoKeyDirectory; GDAL reports a
/// vertical CRS (COMPD_CS) unless it is 1.1.0 (GeoTIFF 1.0).
Result<std::string> GeoKeysToGdalWkt(PJ_CONTEXT* ctx,
                                     const std::map<uint16_t, tiff::GeoKeyValue>& keys,
                                     const std::array<uint16_t, 3>& key_directory_version = {1, 1,
                                                                                             0});

}  // namespace cogr::internal

#endif  // COGR_HAVE_PROJ
