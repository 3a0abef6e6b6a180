// Structure-aware mutation of TIFF files for the tiff_open and read_window fuzz targets
// (their LLVMFuzzerCustomMutator): instead of flipping random bytes, which rarely lands on an
// IFD entry, find the IFDs (classic or BigTIFF, either byte order) and change what hostile
// files change: the dimensions, samples per pixel, bits per sample, block sizes, and the counts,
// offsets and byte counts of the block tables, to boundary values (0, 1, 65535, 2^32 - 1, the
// file size, twice the old value, ...), or an entry's count or type.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cogr::fuzz {

/// Mutates the TIFF file in data[0, size) in place (never growing it) and
/// returns the new size (== size). Deterministic for a given `seed`. Returns 0 when it found
/// no IFD entry to change (the caller then mutates some other way).
size_t MutateTiffStructure(uint8_t* data, size_t size, unsigned seed);

}  // namespace cogr::fuzz
