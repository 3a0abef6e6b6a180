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
    {0, 8, 2, "int8"},    {1, 8, 1, "uint8"},   {2, 16, 2, "int16"},  {3, 16, 1, "uint16"},
    {4, 32, 2, "int32"},  {5, 32, 1, "uint32"}, {6, 32, 3, "float32"}, {7, 64, 3, "float64"},
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

double Sample(const std::vector<uint8_t>& bytes, const LercType& t, size_t i) {
  const uint8_t* p = bytes.data() + i * (t.bits / 8);
  switch (t.code) {
    case 0: return static_cast<int8_t>(*p);
    case 1: return *p;
    case 2: { int16_t v; std::memcpy(&v, p, 2); return v; }
    case 3: { uint16_t v; std::memcpy(&v, p, 2); return v; }
    case 4: { int32_t v; std::memcpy(&v, p, 4); return v; }
    case 5: { uint32_t v; std::memcpy(&v, p, 4); return v; }
    case 6: { float v; std::memcpy(&v, p, 4); return v; }
    default: { double v; std::memcpy(&v, p, 8); return v; }
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
            ASSERT_EQ(lerc_encodeForVersion(pixels.data(), version, t.code, static_cast<int>(depth),
                                            kW, kH, 1, masked ? 1 : 0,
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

#else

TEST(CodecLercVersions, EveryVersionTypeDepthAndMaskDecodes) {
  GTEST_SKIP() << "liblerc's encoder is not available to the tests";
}

#endif  // COGR_TEST_HAVE_LERC

}  // namespace
}  // namespace cogr::codec
