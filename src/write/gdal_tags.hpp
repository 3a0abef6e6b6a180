// write: GDAL's private TIFF tags — GDAL_METADATA (42112) and the pad value of partial blocks.
#pragma once

#include <string>
#include <vector>

#include "cogr/types.hpp"
#include "cogr/write.hpp"

namespace cogr::internal {

/// The GDAL_METADATA XML GDAL writes for the per-band items of `profile` (OFFSET and SCALE
/// when either differs from 0/1, with %.18g; DESCRIPTION when not empty), escaped like
/// CPLSerializeXMLTree, one item per line, ending in "</GDALMetadata>\n". Empty when there is
/// nothing to write.
std::string GdalMetadataXml(const write::Profile& profile);

/// `value` stored as one sample of `dtype` in host order (complex: real part = value,
/// imaginary 0; out-of-range values saturate, NaN → 0 for integers).
std::vector<uint8_t> SampleBytes(DataType dtype, double value);

}  // namespace cogr::internal
