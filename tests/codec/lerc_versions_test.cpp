// LERC2 blobs of every codec version (2–6) that liblerc's own encoder writes, for every data type,
// one and three values per pixel, with and without invalid pixels, lossless and lossy: cogr's
// LERC decode gives the encoded values back (exactly when lossless, within maxZError when
// lossy) and marks invalid pixels as libtiff does (NaN for floats, 0 for integers).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "codec/lerc2.hpp"
#include "cogr/codec.hpp"

#ifdef COGR_TEST_HAVE_LERC
#include <Lerc_c_api.h>
#endif

namespace cogr::codec {
namespace {

#ifdef COGR_TEST_HAVE_LERC

struct LercType {
  unsigned int code;  // liblerc's data type
  uint16_t bits, sample_format;
  const char* name;
};

constexpr LercType kTypes[] = {
    {0, 8, 2, "int8"},   {1, 8, 1, "uint8"},   {2, 16, 2, "int16"},   {3, 16, 1, "uint16"},
    {4, 32, 2, "int32"}, {5, 32, 1, "uint32"}, {6, 32, 3, "float32"}, {7, 64, 3, "float64"},
};

// A value for pixel (x, y), sample s, inside the type's range. Smooth: ramps, a flat region
// (which the encoder codes with constant or lookup-table blocks) and a noisy column band.
// Noise: values with full-precision mantissas, which no block coding shrinks (raw coding).
double Value(const LercType& t, uint32_t x, uint32_t y, uint32_t s, bool noise) {
  if (noise) {
    const double n = std::sin(x * 12.9898 + y * 78.233 + s * 37.719) * 43758.5453;
    const double frac = n - std::floor(n);  // [0, 1)
    if (t.sample_format == 3) return (frac - 0.5) * 2000.0;
    const double range = std::ldexp(1.0, t.bits) - 1;
    return std::floor(frac * range) - (t.sample_format == 2 ? std::ldexp(1.0, t.bits - 1) : 0);
  }
  double v;
  if (x < 12 && y < 10) {
    v = 7 + s;  // flat
  } else if (x >= 28) {
    v = static_cast<double>((x * 37 + y * 101 + s * 13) % 97);  // noise
  } else {
    v = x * 2.0 + y * 3.0 + s * 5.0;  // ramps
  }
  if (t.sample_format == 3) return v * 0.37 - 20.0;
  if (t.sample_format == 2) return v - 60.0;  // negative values too
  return v;
}

template <typename T>
void Fill(std::vector<uint8_t>& bytes, const LercType& t, uint32_t w, uint32_t h, uint32_t depth,
          bool noise) {
  bytes.resize(size_t{w} * h * depth * sizeof(T));
  for (uint32_t y = 0; y < h; ++y)
    for (uint32_t x = 0; x < w; ++x)
      for (uint32_t s = 0; s < depth; ++s) {
        const T v = static_cast<T>(Value(t, x, y, s, noise));
        std::memcpy(bytes.data() + ((size_t{y} * w + x) * depth + s) * sizeof(T), &v, sizeof(T));
      }
}

template <class T>
double Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return double(v);
}

double Sample(const std::vector<uint8_t>& bytes, const LercType& t, size_t i) {
  const uint8_t* p = bytes.data() + i * (t.bits / 8);
  switch (t.code) {
    case 0: return Load<int8_t>(p);
    case 1: return Load<uint8_t>(p);
    case 2: return Load<int16_t>(p);
    case 3: return Load<uint16_t>(p);
    case 4: return Load<int32_t>(p);
    case 5: return Load<uint32_t>(p);
    case 6: return Load<float>(p);
    default: return Load<double>(p);
  }
}

// How the blob codes its values: 0 tiles, 1 one sweep (raw), 2 Huffman (8-bit lossless),
// 3 lossless float planes (version 6); -1 when no values follow (constant or all invalid).
int CodingOf(const std::vector<uint8_t>& blob, const LercType& t, int version, uint32_t depth,
             double max_z) {
  size_t at = 6 + 4 + (version >= 3 ? 4 : 0) +
              4 * (6 + (version >= 4 ? 1 : 0) + (version >= 6 ? 1 : 0)) + (version >= 6 ? 4 : 0);
  double z_range[2];
  std::memcpy(z_range, blob.data() + at + 8, 16);  // after maxZError: zMin, zMax
  at += 8 * (version >= 6 ? 5 : 3);
  int32_t mask_bytes = 0;
  std::memcpy(&mask_bytes, blob.data() + at, 4);
  at += 4 + static_cast<size_t>(mask_bytes);
  if (z_range[0] == z_range[1]) return -1;
  if (version >= 4) at += 2 * depth * (t.bits / 8);
  if (blob.at(at) != 0) return 1;
  const bool huffman_int = t.bits == 8 && max_z == 0.5;
  const bool huffman_float = version >= 6 && t.sample_format == 3 && max_z == 0;
  if (!huffman_int && !huffman_float) return 0;
  const uint8_t mode = blob.at(at + 1);
  return mode == 0 ? 0 : mode == 3 ? 3 : 2;
}

// cogr's own LERC2 decoder gives liblerc's bytes, values and masks.
void ExpectSameAsLiblerc(const std::vector<uint8_t>& blob, const std::string& what) {
  auto info = internal::ReadLerc2Info(blob);
  ASSERT_TRUE(info.ok()) << what << ": " << info.status().ToString();
  unsigned int lib_info[9] = {};
  ASSERT_EQ(lerc_getBlobInfo(blob.data(), static_cast<unsigned int>(blob.size()), lib_info, nullptr,
                             9, 0),
            0);
  EXPECT_EQ(info->version, static_cast<int>(lib_info[0])) << what;
  EXPECT_EQ(info->data_type, lib_info[1]) << what;
  EXPECT_EQ(info->depth, lib_info[2]) << what;
  EXPECT_EQ(info->bands, lib_info[5]) << what;
  EXPECT_EQ(info->bytes, lib_info[7]) << what;
  EXPECT_EQ(info->masks, lib_info[8]) << what;
  const size_t pixels = size_t{info->cols} * info->rows;
  const size_t bytes = pixels * info->depth * info->bands * (kTypes[info->data_type].bits / 8);
  std::vector<uint8_t> ours(bytes, 0xA5), theirs(bytes, 0x5A);
  std::vector<uint8_t> our_mask(pixels * info->masks, 7), their_mask(pixels * info->masks, 9);
  ASSERT_TRUE(internal::DecodeLerc2(blob, *info, ours, our_mask).ok()) << what;
  ASSERT_EQ(
      lerc_decode(blob.data(), static_cast<unsigned int>(blob.size()),
                  static_cast<int>(info->masks), their_mask.data(), static_cast<int>(info->depth),
                  static_cast<int>(info->cols), static_cast<int>(info->rows),
                  static_cast<int>(info->bands), info->data_type, theirs.data()),
      0)
      << what;
  EXPECT_EQ(ours, theirs) << what;
  EXPECT_EQ(our_mask, their_mask) << what;
}

TEST(CodecLercVersions, EveryVersionTypeDepthAndMaskDecodes) {
  if (!IsSupported(kLerc)) GTEST_SKIP() << "lerc not built";
  int codings[4] = {};
  // Not multiples of the 8 or 16 pixel micro blocks: partial blocks at the right and bottom.
  constexpr uint32_t kW = 40, kH = 27;
  std::vector<uint8_t> valid(size_t{kW} * kH, 1);
  for (uint32_t y = 0; y < kH; ++y)
    for (uint32_t x = 0; x < kW; ++x)
      if ((x > 30 && y < 6) || (x + y) % 11 == 0) valid[size_t{y} * kW + x] = 0;

  int cases = 0;
  for (int version = 2; version <= 6; ++version) {
    for (const LercType& t : kTypes) {
      for (uint32_t depth : {1u, 3u}) {
        if (depth > 1 && version < 4) continue;  // values per pixel came with version 4
        for (bool masked : {false, true}) {
          for (bool lossy : {false, true}) {
            for (bool noise : {false, true}) {
              const bool is_float = t.sample_format == 3;
              // Lossless: 0 for floats, 0.5 for integers; lossy: 0.01 and 2.
              const double max_z = lossy ? (is_float ? 0.01 : 2.0) : (is_float ? 0.0 : 0.5);
              std::vector<uint8_t> pixels;
              switch (t.code) {
                case 0: Fill<int8_t>(pixels, t, kW, kH, depth, noise); break;
                case 1: Fill<uint8_t>(pixels, t, kW, kH, depth, noise); break;
                case 2: Fill<int16_t>(pixels, t, kW, kH, depth, noise); break;
                case 3: Fill<uint16_t>(pixels, t, kW, kH, depth, noise); break;
                case 4: Fill<int32_t>(pixels, t, kW, kH, depth, noise); break;
                case 5: Fill<uint32_t>(pixels, t, kW, kH, depth, noise); break;
                case 6: Fill<float>(pixels, t, kW, kH, depth, noise); break;
                default: Fill<double>(pixels, t, kW, kH, depth, noise); break;
              }
              std::vector<uint8_t> blob(pixels.size() * 2 + 4096);
              unsigned int written = 0;
              const std::string what = std::string(t.name) + " v" + std::to_string(version) +
                                       " depth " + std::to_string(depth) +
                                       (masked ? " masked" : "") + (lossy ? " lossy" : "") +
                                       (noise ? " noise" : "");
              ASSERT_EQ(lerc_encodeForVersion(pixels.data(), version, t.code,
                                              static_cast<int>(depth), kW, kH, 1, masked ? 1 : 0,
                                              masked ? valid.data() : nullptr, max_z, blob.data(),
                                              static_cast<unsigned int>(blob.size()), &written),
                        0)
                  << what;
              blob.resize(written);
              int blob_version = 0;
              std::memcpy(&blob_version, blob.data() + 6, 4);
              ASSERT_EQ(blob_version, version) << what;
              const int coding = CodingOf(blob, t, version, depth, max_z);
              if (coding >= 0) ++codings[coding];

              BlockInfo info;
              info.compression = kLerc;
              info.width = kW;
              info.height = kH;
              info.samples = static_cast<uint16_t>(depth);
              info.bits_per_sample = t.bits;
              info.sample_format = t.sample_format;
              info.lerc_parameters = {4, 0};
              std::vector<uint8_t> out(pixels.size(), 0xA5);
              const Status st = Decode(blob, out, info);
              ASSERT_TRUE(st.ok()) << what << ": " << st.ToString();
              size_t bad = 0;
              for (size_t p = 0; p < size_t{kW} * kH; ++p) {
                for (uint32_t s = 0; s < depth; ++s) {
                  const size_t i = p * depth + s;
                  const double got = Sample(out, t, i);
                  if (masked && !valid[p]) {
                    bad += is_float ? !std::isnan(got) : got != 0;
                  } else {
                    const double want = Sample(pixels, t, i);
                    // liblerc's bound is maxZError; float32 rounding of the dequantized value
                    // adds a few ulps.
                    const double tol = max_z == 0.5 && !is_float ? 0 : max_z * (1 + 1e-6) + 1e-5;
                    bad += std::fabs(got - want) > tol;
                  }
                }
              }
              EXPECT_EQ(bad, 0u) << what;
              ExpectSameAsLiblerc(blob, what);
              ++cases;
            }
          }
        }
      }
    }
  }
  // 5 versions x 8 types x 2 masks x 2 errors x 2 patterns, depth 3 for versions 4-6 only.
  EXPECT_EQ(cases, (5 + 3) * 8 * 2 * 2 * 2);
  // Every way of coding values was decoded: tiles, raw, 8-bit Huffman, lossless float planes.
  EXPECT_GT(codings[0], 0);
  EXPECT_GT(codings[1], 0);
  EXPECT_GT(codings[2], 0);
  EXPECT_GT(codings[3], 0);
}

// Several bands in one blob, as liblerc writes multi-band floats: no mask, one mask for all,
// a mask per band (the second band's differs), for versions with and without the count of
// blobs to come (6 and 3-5).
TEST(CodecLercVersions, BandsWithSharedAndOwnMasks) {
  if (!IsSupported(kLerc)) GTEST_SKIP() << "lerc not built";
  constexpr uint32_t kW = 19, kH = 13, kBands = 3;
  const size_t pixels = size_t{kW} * kH;
  std::vector<float> values(pixels * kBands);
  for (size_t i = 0; i < values.size(); ++i) values[i] = float(std::sin(double(i) * 0.3) * 90.0);
  std::vector<uint8_t> valid(pixels * kBands, 1);
  for (size_t k = 0; k < pixels; ++k) valid[k] = valid[2 * pixels + k] = k % 7 != 0;
  for (size_t k = 0; k < pixels; ++k) valid[pixels + k] = k % 5 != 0;
  for (int version : {3, 5, 6}) {
    for (int masks : {0, 1, 3}) {
      std::vector<uint8_t> blob(values.size() * 8 + 4096);
      unsigned int written = 0;
      const std::string what =
          "v" + std::to_string(version) + " " + std::to_string(masks) + " masks";
      ASSERT_EQ(lerc_encodeForVersion(values.data(), version, 6, 1, kW, kH, kBands, masks,
                                      masks ? valid.data() : nullptr, 0.01, blob.data(),
                                      static_cast<unsigned int>(blob.size()), &written),
                0)
          << what;
      blob.resize(written);
      ExpectSameAsLiblerc(blob, what);
      auto info = internal::ReadLerc2Info(blob);
      ASSERT_TRUE(info.ok());
      EXPECT_EQ(info->bands, kBands) << what;
      EXPECT_EQ(info->masks, uint32_t(masks)) << what;

      // Through the codec: three float samples per pixel, band after band in the blob.
      BlockInfo block;
      block.compression = kLerc;
      block.width = kW;
      block.height = kH;
      block.samples = kBands;
      block.bits_per_sample = 32;
      block.sample_format = 3;
      block.lerc_parameters = {4, 0};
      std::vector<uint8_t> out(values.size() * 4, 0xA5);
      ASSERT_TRUE(Decode(blob, out, block).ok()) << what;
      size_t bad = 0;
      for (size_t k = 0; k < pixels; ++k)
        for (uint32_t b = 0; b < kBands; ++b) {
          float got;
          std::memcpy(&got, out.data() + (k * kBands + b) * 4, 4);
          const bool is_valid = masks == 0 || valid[(masks == 1 ? 0 : b * pixels) + k];
          bad += is_valid ? std::fabs(got - values[b * pixels + k]) > 0.0101 : !std::isnan(got);
        }
      EXPECT_EQ(bad, 0u) << what;
    }
  }
}

uint32_t Fletcher32(const uint8_t* p, size_t len) {  // LERC2's checksum, for forged blobs
  uint32_t a = 0xffff, b = 0xffff;
  for (size_t i = 0; i + 1 < len; i += 2) {
    a = (a + (uint32_t{p[i]} << 8) + p[i + 1]) % 65535;
    b = (b + a) % 65535;
  }
  if (len & 1) {
    a = (a + (uint32_t{p[len - 1]} << 8)) % 65535;
    b = (b + a) % 65535;
  }
  return (b ? b : 0xffff) << 16 | (a ? a : 0xffff);
}

void Reseal(std::vector<uint8_t>& blob) {  // a matching checksum, as a forger would write
  const uint32_t sum = Fletcher32(blob.data() + 14, blob.size() - 14);
  std::memcpy(blob.data() + 10, &sum, 4);
}

std::vector<uint8_t> MaskedUint16Blob(int version) {
  constexpr uint32_t kW = 37, kH = 21;
  std::vector<uint16_t> values(size_t{kW} * kH);
  std::vector<uint8_t> valid(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    values[i] = uint16_t(i % 13 < 9 ? 300 + i % 3 : (i * 7919) % 4000);  // lookup-table blocks
    valid[i] = i % 17 != 3;
  }
  std::vector<uint8_t> blob(values.size() * 4 + 4096);
  unsigned int written = 0;
  EXPECT_EQ(lerc_encodeForVersion(values.data(), version, 3, 1, kW, kH, 1, 1, valid.data(), 0.5,
                                  blob.data(), static_cast<unsigned int>(blob.size()), &written),
            0);
  blob.resize(written);
  return blob;
}

// 8-bit lossless values with a mask: Huffman-coded (differences from version 2, values from 4).
std::vector<uint8_t> MaskedUint8HuffmanBlob(int version) {
  constexpr uint32_t kW = 33, kH = 18;
  std::vector<uint8_t> values(size_t{kW} * kH), valid(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    values[i] = uint8_t(100 + (i % kW) / 3 + (i / kW) % 5 + (i * 7) % 3);
    valid[i] = i % 13 != 5;
  }
  std::vector<uint8_t> blob(values.size() * 4 + 4096);
  unsigned int written = 0;
  EXPECT_EQ(lerc_encodeForVersion(values.data(), version, 1, 1, kW, kH, 1, 1, valid.data(), 0.5,
                                  blob.data(), static_cast<unsigned int>(blob.size()), &written),
            0);
  blob.resize(written);
  EXPECT_EQ(CodingOf(blob, kTypes[1], version, 1, 0.5), 2) << "v" << version << " not Huffman";
  return blob;
}

// Float32 values coded losslessly (version 6): byte planes, Huffman-coded.
std::vector<uint8_t> FloatPlanesBlob() {
  constexpr uint32_t kW = 30, kH = 22;
  std::vector<float> values(size_t{kW} * kH);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = float(std::sin(double(i) * 0.37) * 1000.0 + double(i) * 0.001);
  std::vector<uint8_t> blob(values.size() * 8 + 4096);
  unsigned int written = 0;
  EXPECT_EQ(lerc_encodeForVersion(values.data(), 6, 6, 1, kW, kH, 1, 0, nullptr, 0.0, blob.data(),
                                  static_cast<unsigned int>(blob.size()), &written),
            0);
  blob.resize(written);
  EXPECT_EQ(CodingOf(blob, kTypes[6], 6, 1, 0.0), 3) << "not float planes";
  return blob;
}

// A forged blob (checksum made to match) fails with a message, or decodes writing every byte:
// every byte of block-coded and Huffman-coded blobs set to 0x00, 0xFF and flipped, each decoded
// into buffers filled with two different patterns. Under AddressSanitizer this also shows that
// no read leaves the blob.
TEST(CodecLercVersions, ForgedBlobsFailOrWriteEveryByte) {
  for (int blob_kind = 0; blob_kind < 5; ++blob_kind) {
    const int version = blob_kind % 2 == 0 && blob_kind < 4 ? 2 : 6;
    const std::vector<uint8_t> good = blob_kind < 2   ? MaskedUint16Blob(version)
                                      : blob_kind < 4 ? MaskedUint8HuffmanBlob(version)
                                                      : FloatPlanesBlob();
    auto good_info = internal::ReadLerc2Info(good);
    ASSERT_TRUE(good_info.ok());
    if (version >= 3) {
      std::vector<uint8_t> resealed = good;
      Reseal(resealed);
      ASSERT_EQ(resealed, good);  // the forger's checksum is LERC2's
    }
    size_t failed = 0, decoded = 0;
    for (size_t at = 0; at < good.size(); ++at) {
      for (int how = 0; how < 3; ++how) {
        std::vector<uint8_t> blob = good;
        blob[at] = how == 0 ? 0x00 : how == 1 ? 0xFF : uint8_t(blob[at] ^ 0x55);
        if (blob == good) continue;
        if (version >= 3 && at >= 14) Reseal(blob);
        auto info = internal::ReadLerc2Info(blob);
        if (!info.ok() || info->bytes > (1u << 20) ||
            uint64_t{info->cols} * info->rows * info->depth * info->bands > (1u << 20)) {
          ++failed;
          continue;
        }
        const size_t pixels = size_t{info->cols} * info->rows;
        const size_t bytes =
            pixels * info->depth * info->bands * (kTypes[info->data_type].bits / 8);
        std::vector<uint8_t> a(bytes, 0xA5), b(bytes, 0x5A);
        std::vector<uint8_t> ma(pixels * info->masks, 7), mb(pixels * info->masks, 9);
        const Status sa = internal::DecodeLerc2(blob, *info, a, ma);
        const Status sb = internal::DecodeLerc2(blob, *info, b, mb);
        ASSERT_EQ(sa.ToString(), sb.ToString()) << "byte " << at;
        if (!sa.ok()) {
          EXPECT_EQ(sa.code(), Code::kInvalidFile) << sa.ToString();
          EXPECT_EQ(sa.message().rfind("lerc: ", 0), 0u) << sa.ToString();
          ++failed;
          continue;
        }
        EXPECT_EQ(a, b) << "v" << version << " byte " << at << " set " << how;
        EXPECT_EQ(ma, mb) << "v" << version << " byte " << at << " set " << how;
        ++decoded;
      }
    }
    EXPECT_GT(failed, 0u);
    EXPECT_GT(decoded, 0u);
  }
}

// The forgeries liblerc's lossless float decoder returned OK for, with uninitialized bytes in
// the pixels: two planes of the same byte, and a plane whose Huffman stream is cut short.
TEST(CodecLercVersions, ForgedFloatPlanesFail) {
  const std::vector<uint8_t> good = FloatPlanesBlob();
  auto info = internal::ReadLerc2Info(good);
  ASSERT_TRUE(info.ok());
  std::vector<uint8_t> values(size_t{info->cols} * info->rows * 4), mask;
  ASSERT_TRUE(internal::DecodeLerc2(good, *info, values, mask).ok());
  // Header (90 bytes for version 6), mask size, ranges, the one-sweep and coding flags, the
  // predictor, then plane 0: its byte index, level and size.
  const size_t plane0 = 90 + 4 + 8 + 2 + 1;
  uint32_t size0 = 0;
  std::memcpy(&size0, good.data() + plane0 + 2, 4);
  std::vector<uint8_t> bad = good;
  bad[plane0 + 6 + size0] = good[plane0];  // plane 1 claims plane 0's byte
  Reseal(bad);
  EXPECT_EQ(internal::DecodeLerc2(bad, *info, values, mask).ToString(),
            "invalid_file: lerc: float plane of byte " + std::to_string(good[plane0]) +
                " (again, or past 4)");
  bad = good;
  const uint32_t shorter = size0 / 2;  // plane 0 ends halfway through its codes
  std::memcpy(bad.data() + plane0 + 2, &shorter, 4);
  Reseal(bad);
  EXPECT_EQ(internal::DecodeLerc2(bad, *info, values, mask).code(), Code::kInvalidFile);
}

TEST(CodecLercVersions, Lerc2Errors) {
  std::vector<uint8_t> blob = MaskedUint16Blob(4);
  auto info = internal::ReadLerc2Info(blob);
  ASSERT_TRUE(info.ok());
  std::vector<uint8_t> values(size_t{info->cols} * info->rows * 2), mask;

  std::vector<uint8_t> bad = blob;
  bad[bad.size() - 1] ^= 1;  // the checksum no longer matches
  EXPECT_EQ(internal::DecodeLerc2(bad, *info, values, mask).ToString(),
            "invalid_file: lerc: band 0: checksum mismatch");

  bad = blob;
  bad[6] = 7;  // a version this reader does not know
  EXPECT_EQ(internal::ReadLerc2Info(bad).status().ToString(),
            "unsupported: lerc: blob version 7 (versions 1 to 6 are read)");

  bad.assign(blob.begin(), blob.begin() + 40);  // cut inside the header
  EXPECT_EQ(internal::ReadLerc2Info(bad).status().ToString(),
            "invalid_file: lerc: header runs past the blob");

  bad.assign(blob.begin(), blob.end() - 10);  // the blob claims more bytes than there are
  EXPECT_EQ(internal::ReadLerc2Info(bad).status().ToString(),
            "invalid_file: lerc: blob of " + std::to_string(blob.size()) + " bytes in " +
                std::to_string(blob.size() - 10));

  std::vector<uint8_t> short_values(3);
  EXPECT_EQ(internal::DecodeLerc2(blob, *info, short_values, mask).code(), Code::kInvalidArgument);
}

#else

TEST(CodecLercVersions, EveryVersionTypeDepthAndMaskDecodes) {
  GTEST_SKIP() << "liblerc's encoder is not available to the tests";
}

#endif  // COGR_TEST_HAVE_LERC

}  // namespace
}  // namespace cogr::codec
