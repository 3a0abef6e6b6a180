// Compression 34887: LERC (Esri's Limited Error Raster Compression) as GDAL writes it: one blob
// per block, optionally wrapped in zlib-deflate or zstd (LERC_PARAMETERS[1]). LERC2 blobs are
// decoded by codec/lerc2.cpp, which checks what liblerc trusts; LERC1 blobs by liblerc.
// Pixels the blob's mask marks invalid become NaN for floats and 0 for integers, as libtiff
// returns them; an 8-bit block with one sample more than the blob gets that sample (alpha) from
// the mask, also as libtiff does.
#ifdef COGR_HAVE_LERC

#include "codec/lerc_api.hpp"

#include <climits>
#include <cstring>
#include <limits>

#include "codec/codec_internal.hpp"
#include "codec/lerc2.hpp"
#include "util/checked.hpp"

namespace cogr::internal {

namespace {

// liblerc's data type codes.
enum LercType : uint32_t { kChar = 0, kUChar, kShort, kUShort, kInt, kUInt, kFloat, kDouble };

// 0xFFFFFFFF when the block's samples have no LERC type.
uint32_t LercTypeOf(const codec::BlockInfo& info) {
  const uint32_t bits = info.bits_per_sample;
  switch (info.sample_format) {
    case 3: return bits == 32 ? kFloat : bits == 64 ? kDouble : UINT32_MAX;
    case 2: return bits == 8 ? kChar : bits == 16 ? kShort : bits == 32 ? kInt : UINT32_MAX;
    case 5:
    case 6: return UINT32_MAX;
    default: return bits == 8 ? kUChar : bits == 16 ? kUShort : bits == 32 ? kUInt : UINT32_MAX;
  }
}

// Sets invalid samples: NaN for floats, 0 for integers.
void SetInvalid(uint8_t* p, uint32_t type, uint32_t bytes) {
  if (type == kFloat) {
    const float nan = std::numeric_limits<float>::quiet_NaN();
    std::memcpy(p, &nan, sizeof(nan));
  } else if (type == kDouble) {
    const double nan = std::numeric_limits<double>::quiet_NaN();
    std::memcpy(p, &nan, sizeof(nan));
  } else {
    std::memset(p, 0, bytes);
  }
}

}  // namespace

Status DecodeLerc(ByteSpan in, MutableByteSpan out, const codec::BlockInfo& info) {
  const uint32_t type = LercTypeOf(info);
  if (type == UINT32_MAX) {
    return Status::Unsupported("lerc: " + Num(info.bits_per_sample) +
                               "-bit samples of sample format " + Num(info.sample_format) +
                               " are not supported");
  }
  const uint32_t sample_bytes = info.bits_per_sample / 8;
  const uint64_t pixels = uint64_t{info.width} * info.height;
  const uint32_t samples = info.samples;

  ByteSpan blob = in;
  const uint32_t additional = info.lerc_parameters.size() >= 2 ? info.lerc_parameters[1] : 0;
  if (additional == 1 || additional == 2) {
    // The blob's size is not stored anywhere; a LERC blob is at most about the raw size plus its
    // mask and per-block headers, so this bounds what the wrapper may expand to.
    const std::optional<uint64_t> bound = CheckedAdd(out.size() + out.size() / 2, pixels + 65536);
    if (!bound || *bound > SIZE_MAX) return Status::LimitExceeded("lerc: block too large");
    MutableByteSpan buf = Scratch(ScratchSlot::kLercBlob, static_cast<size_t>(*bound));
    size_t produced = 0;
    if (additional == 1) {
      COGR_ASSIGN_OR_RETURN(produced, InflateZlibUpTo(in, buf));
    } else {
#ifdef COGR_HAVE_ZSTD
      COGR_ASSIGN_OR_RETURN(produced, ZstdDecompressUpTo(in, buf));
#else
      return Status::Unsupported("compression lerc_zstd (34887) is not supported by this build");
#endif
    }
    blob = ByteSpan(buf.data(), produced);
  }
  if (blob.size() > UINT_MAX)
    return Status::InvalidFile("lerc: blob of " + Num(blob.size()) + " bytes");
  const auto blob_size = static_cast<unsigned int>(blob.size());

  // LERC2 blobs are decoded by cogr (codec/lerc2.hpp); LERC1 blobs (older writers) by liblerc.
  Lerc2Info lerc2;
  const bool native = blob.size() >= 6 && std::memcmp(blob.data(), "Lerc2 ", 6) == 0;
  if (native) {
    COGR_ASSIGN_OR_RETURN(lerc2, ReadLerc2Info(blob));
  }
  if (!native) {
    COGR_RETURN_IF_ERROR(LoadLerc());  // libLerc is opened here, on first use
    // {version, dataType, nDepth, nCols, nRows, nBands, nValidPixels, blobSize, nMasks}
    unsigned int blob_info[9] = {};
    if (lerc_getBlobInfo(blob.data(), blob_size, blob_info, nullptr, 9, 0) != 0) {
      return Status::InvalidFile("lerc: not a LERC blob (" + Num(blob.size()) + " bytes)");
    }
    if (blob_info[7] > blob.size()) {
      return Status::InvalidFile("lerc: blob needs " + Num(blob_info[7]) + " bytes, block has " +
                                 Num(blob.size()));
    }
    lerc2.data_type = blob_info[1];
    lerc2.depth = blob_info[2];
    lerc2.cols = blob_info[3];
    lerc2.rows = blob_info[4];
    lerc2.bands = blob_info[5];
    lerc2.masks = blob_info[8];
  }
  const uint32_t depth = lerc2.depth;
  const uint32_t bands = lerc2.bands;
  const uint32_t masks = lerc2.masks;
  if (lerc2.data_type != type) {
    return Status::InvalidFile("lerc: blob has data type " + Num(lerc2.data_type) +
                               ", block needs " + Num(type));
  }
  if (lerc2.cols != info.width || lerc2.rows != info.height) {
    return Status::InvalidFile("lerc: blob is " + Num(lerc2.cols) + " x " + Num(lerc2.rows) +
                               ", block is " + Num(info.width) + " x " + Num(info.height));
  }
  const bool is_float = type == kFloat || type == kDouble;
  const bool interleaved = depth == samples && bands == 1;
  // liblerc >= 3 writes multi-band floats as bands with one mask each.
  const bool band_sequential = is_float && samples > 1 && depth == 1 && bands == samples;
  const bool alpha_from_mask = type == kUChar && samples > 1 && depth == samples - 1 && bands == 1;
  if (!interleaved && !band_sequential && !alpha_from_mask) {
    return Status::InvalidFile("lerc: blob has depth " + Num(depth) + " and " + Num(bands) +
                               " bands, block has " + Num(samples) + " samples per pixel");
  }
  if (masks != 0 && masks != 1 && !(band_sequential && masks == bands)) {
    return Status::InvalidFile("lerc: blob has " + Num(masks) + " masks");
  }
  MutableByteSpan mask_span;
  if (masks != 0) mask_span = Scratch(ScratchSlot::kLercMask, static_cast<size_t>(pixels * masks));
  uint8_t* mask = mask_span.data();
  const int cols = static_cast<int>(info.width);  // == the blob's, at most max_image_dimension
  const int rows = static_cast<int>(info.height);
  if (lerc2.cols > INT_MAX || lerc2.rows > INT_MAX)
    return Status::InvalidFile("lerc: blob too large");
  // Decodes `values_bytes` of values (all bands, `depth` values per pixel) into `dst`.
  auto decode = [&](uint8_t* dst, size_t values_bytes) -> Status {
    if (native) return DecodeLerc2(blob, lerc2, MutableByteSpan(dst, values_bytes), mask_span);
    if (lerc_decode(blob.data(), blob_size, static_cast<int>(masks), mask, static_cast<int>(depth),
                    cols, rows, static_cast<int>(bands), type, dst) != 0) {
      return Status::InvalidFile("lerc: corrupt blob (" + Num(blob.size()) + " bytes)");
    }
    return Status::OK();
  };

  // libtiff encodes the samples of a big-endian file in file order (it swaps them before the
  // encoder) and swaps them back after decoding; GDAL reads them so. Masked samples are set
  // after the swap.
  const bool swap = sample_bytes > 1 && NeedsSwap(info.big_endian);
  if (band_sequential) {
    MutableByteSpan planes = Scratch(ScratchSlot::kLercBands, out.size());
    COGR_RETURN_IF_ERROR(decode(planes.data(), planes.size()));
    if (swap) SwapWords(planes, sample_bytes);
    for (uint64_t i = 0; i < pixels; ++i) {
      for (uint32_t j = 0; j < samples; ++j) {
        uint8_t* dst = out.data() + (i * samples + j) * sample_bytes;
        const bool valid = masks == 0 || mask[(masks == 1 ? 0 : j * pixels) + i] != 0;
        if (valid) {
          std::memcpy(dst, planes.data() + (j * pixels + i) * sample_bytes, sample_bytes);
        } else {
          SetInvalid(dst, type, sample_bytes);
        }
      }
    }
    return Status::OK();
  }

  COGR_RETURN_IF_ERROR(decode(out.data(), static_cast<size_t>(pixels * depth * sample_bytes)));
  if (swap) SwapWords(out, sample_bytes);
  if (alpha_from_mask) {
    // The blob filled the first pixels * (samples - 1) bytes; spread them out from the end
    // (each pixel moves up, never over one not yet moved) and append alpha.
    const uint32_t src_stride = samples - 1;
    for (uint64_t i = pixels; i-- > 0;) {
      std::memmove(out.data() + i * samples, out.data() + i * src_stride, src_stride);
      out[i * samples + src_stride] = (masks == 0 || mask[i] != 0) ? 255 : 0;
    }
    return Status::OK();
  }
  if (masks == 1) {
    const uint32_t pixel_bytes = samples * sample_bytes;
    for (uint64_t i = 0; i < pixels; ++i) {
      if (mask[i] != 0) continue;
      for (uint32_t j = 0; j < samples; ++j)
        SetInvalid(out.data() + i * pixel_bytes + j * sample_bytes, type, sample_bytes);
    }
  }
  return Status::OK();
}

}  // namespace cogr::internal

#endif  // COGR_HAVE_LERC
