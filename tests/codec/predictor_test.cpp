// Predictors 2 and 3, through Decode with deflate (libtiff applies predictors to LZW, Deflate,
// ZSTD and LZMA only), with hand-computed values in both byte orders.
#include <gtest/gtest.h>
#include <libdeflate.h>

#include <bit>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "codec/codec_internal.hpp"
#include "codec/codec_test_util.hpp"
#include "cogr/codec.hpp"

namespace cogr::codec {
namespace {

std::vector<uint8_t> Zlib(const std::vector<uint8_t>& data) {
  libdeflate_compressor* c = libdeflate_alloc_compressor(6);
  std::vector<uint8_t> out(libdeflate_zlib_compress_bound(c, data.size()));
  out.resize(libdeflate_zlib_compress(c, data.data(), data.size(), out.data(), out.size()));
  libdeflate_free_compressor(c);
  return out;
}

// Words as the file stores them, in the given byte order.
template <class T>
std::vector<uint8_t> FileBytes(const std::vector<T>& values, bool big_endian) {
  std::vector<uint8_t> out(values.size() * sizeof(T));
  for (size_t i = 0; i < values.size(); ++i) {
    for (size_t b = 0; b < sizeof(T); ++b) {
      const auto byte = static_cast<uint8_t>(static_cast<uint64_t>(values[i]) >> (8 * b));
      out[i * sizeof(T) + (big_endian ? sizeof(T) - 1 - b : b)] = byte;
    }
  }
  return out;
}

template <class T>
std::vector<T> Values(const std::vector<uint8_t>& host_bytes) {
  std::vector<T> v(host_bytes.size() / sizeof(T));
  std::memcpy(v.data(), host_bytes.data(), host_bytes.size());
  return v;
}

template <class T>
std::vector<T> DecodePredicted(const std::vector<T>& stored, uint32_t width, uint32_t height,
                               uint16_t samples, uint16_t predictor, uint16_t sample_format,
                               bool big_endian) {
  BlockInfo info;
  info.compression = kAdobeDeflate;
  info.predictor = predictor;
  info.width = width;
  info.height = height;
  info.samples = samples;
  info.bits_per_sample = sizeof(T) * 8;
  info.sample_format = sample_format;
  info.big_endian = big_endian;
  std::vector<uint8_t> out(stored.size() * sizeof(T));
  Status st = Decode(Zlib(FileBytes(stored, big_endian)), out, info);
  EXPECT_TRUE(st.ok()) << st.ToString();
  return Values<T>(out);
}

TEST(CodecPredictor, Horizontal8Bit) {
  // Two rows of 4: each row restarts from its first sample.
  const std::vector<uint8_t> stored = {10, 5, 250, 3, 1, 1, 1, 1};
  for (bool be : {false, true}) {
    EXPECT_EQ(DecodePredicted<uint8_t>(stored, 4, 2, 1, 2, 1, be),
              (std::vector<uint8_t>{10, 15, 9, 12, 1, 2, 3, 4}));
  }
}

TEST(CodecPredictor, Horizontal16BitTwoSamples) {
  // Pixels (a, b); each sample adds the same sample of the previous pixel.
  const std::vector<uint16_t> stored = {1000, 65535, 1, 1, 65535, 2};
  const std::vector<uint16_t> want = {1000, 65535, 1001, 0, 1000, 2};
  for (bool be : {false, true})
    EXPECT_EQ(DecodePredicted<uint16_t>(stored, 3, 1, 2, 2, 1, be), want);
  // Signed data is the same arithmetic on the bit patterns.
  const std::vector<int16_t> stored_signed = {-5, 3, 10, -20};
  const std::vector<int16_t> want_signed = {-5, -2, 8, -12};
  for (bool be : {false, true}) {
    EXPECT_EQ(DecodePredicted<int16_t>(stored_signed, 4, 1, 1, 2, 2, be), want_signed);
  }
}

TEST(CodecPredictor, Horizontal32And64Bit) {
  const std::vector<uint32_t> stored32 = {0xFFFFFFFFu, 2u, 0x80000000u, 7u, 7u, 7u};
  const std::vector<uint32_t> want32 = {0xFFFFFFFFu, 1u, 0x80000001u, 7u, 14u, 21u};
  const std::vector<uint64_t> stored64 = {1ull << 63, 1ull << 63, 5, 0x0102030405060708ull};
  const std::vector<uint64_t> want64 = {1ull << 63, 0, 5, 0x010203040506070Dull};
  for (bool be : {false, true}) {
    EXPECT_EQ(DecodePredicted<uint32_t>(stored32, 3, 2, 1, 2, 1, be), want32);
    EXPECT_EQ(DecodePredicted<uint64_t>(stored64, 4, 1, 1, 2, 1, be), want64);
  }
}

TEST(CodecPredictor, IgnoredForUncompressedLikeLibtiff) {
  BlockInfo info;
  info.predictor = 2;
  info.width = 4;
  info.height = 1;
  const std::vector<uint8_t> in = {10, 5, 250, 3};
  std::vector<uint8_t> out(4);
  ASSERT_TRUE(Decode(in, out, info).ok());
  EXPECT_EQ(out, in);
}

TEST(CodecPredictor, UnsupportedCombinations) {
  BlockInfo info;
  info.compression = kAdobeDeflate;
  info.width = 4;
  info.height = 1;
  info.bits_per_sample = 12;
  info.predictor = 2;
  std::vector<uint8_t> out(8);
  std::vector<uint8_t> z = Zlib(std::vector<uint8_t>(6));
  Status st = Decode(z, out, info);
  EXPECT_EQ(st.code(), Code::kUnsupported);
  EXPECT_EQ(st.message(), "predictor 2 with 12-bit samples of sample format 1 is not supported");
  info.bits_per_sample = 16;
  info.predictor = 3;  // floating point predictor on integers
  st = Decode(Zlib(std::vector<uint8_t>(8)), out, info);
  EXPECT_EQ(st.message(), "predictor 3 with 16-bit samples of sample format 1 is not supported");
  info.predictor = 4;
  EXPECT_EQ(Decode(Zlib(std::vector<uint8_t>(8)), out, info).message(),
            "predictor 4 is not supported");
}

// Encoder of TIFF Technical Note 3: per row, split the values into byte planes (most significant
// plane first), then difference the bytes with stride `samples`.
template <class T>
std::vector<uint8_t> FloatPredict(const std::vector<T>& values, uint32_t width, uint32_t height,
                                  uint32_t samples) {
  const size_t per_row = size_t{width} * samples;
  std::vector<uint8_t> out(values.size() * sizeof(T));
  for (uint32_t r = 0; r < height; ++r) {
    uint8_t* row = out.data() + r * per_row * sizeof(T);
    for (size_t k = 0; k < per_row; ++k) {
      uint64_t bits = 0;
      std::memcpy(&bits, &values[r * per_row + k], sizeof(T));
      for (size_t b = 0; b < sizeof(T); ++b)
        row[b * per_row + k] = static_cast<uint8_t>(bits >> (8 * (sizeof(T) - 1 - b)));
    }
    for (size_t i = per_row * sizeof(T); i-- > samples;)
      row[i] = static_cast<uint8_t>(row[i] - row[i - samples]);
  }
  return out;
}

BlockInfo FloatInfo(uint32_t width, uint32_t height, uint16_t samples, uint16_t bits,
                    bool big_endian) {
  BlockInfo info;
  info.compression = kDeflate;
  info.predictor = 3;
  info.width = width;
  info.height = height;
  info.samples = samples;
  info.bits_per_sample = bits;
  info.sample_format = 3;
  info.big_endian = big_endian;
  return info;
}

TEST(CodecPredictor, FloatingPointHandComputed) {
  // 1.0f = 3F800000, 2.0f = 40000000. Planes: [3F 40] [80 00] [00 00] [00 00];
  // byte differences: 3F, 40-3F=01, 80-40=40, 00-80=80, 0, 0, 0, 0.
  const std::vector<uint8_t> stored = {0x3F, 0x01, 0x40, 0x80, 0x00, 0x00, 0x00, 0x00};
  ASSERT_EQ(FloatPredict<float>({1.0f, 2.0f}, 2, 1, 1), stored);
  // The plane order is fixed by the note: the file's byte order does not change the result.
  for (bool be : {false, true}) {
    std::vector<uint8_t> out(8);
    ASSERT_TRUE(Decode(Zlib(stored), out, FloatInfo(2, 1, 1, 32, be)).ok());
    EXPECT_EQ(Values<float>(out), (std::vector<float>{1.0f, 2.0f})) << be;
  }
}

template <class T>
void ExpectFloatRoundTrip(uint32_t width, uint32_t height, uint16_t samples) {
  std::vector<T> values(size_t{width} * height * samples);
  const T specials[] = {T(0),
                        -T(0),
                        T(1.5),
                        T(-2.25),
                        std::numeric_limits<T>::max(),
                        std::numeric_limits<T>::denorm_min(),
                        std::numeric_limits<T>::infinity(),
                        T(1e-3)};
  for (size_t i = 0; i < values.size(); ++i) {
    values[i] = i < std::size(specials)
                    ? specials[i]
                    : static_cast<T>(std::sin(double(i)) * 1000.0 + double(i % 7));
  }
  const std::vector<uint8_t> stored = FloatPredict(values, width, height, samples);
  for (bool be : {false, true}) {
    std::vector<uint8_t> out(values.size() * sizeof(T));
    ASSERT_TRUE(
        Decode(Zlib(stored), out, FloatInfo(width, height, samples, sizeof(T) * 8, be)).ok());
    EXPECT_EQ(std::memcmp(out.data(), values.data(), out.size()), 0) << sizeof(T) << " " << be;
  }
}

TEST(CodecPredictor, FloatingPoint32And64BothByteOrders) {
  ExpectFloatRoundTrip<float>(17, 5, 1);
  ExpectFloatRoundTrip<float>(45, 3, 1);  // two 16-value vectors and a tail of 13 per row
  ExpectFloatRoundTrip<float>(64, 2, 1);
  ExpectFloatRoundTrip<float>(9, 4, 3);
  ExpectFloatRoundTrip<double>(13, 3, 1);
  ExpectFloatRoundTrip<double>(5, 2, 2);
}

TEST(CodecPredictor, FloatingPointHalfBecomesFloat32) {
  // Halves 1.0 (3C00), -2.0 (C000), 65504 (7BFF), 2^-24 (0001).
  const std::vector<uint16_t> halves = {0x3C00, 0xC000, 0x7BFF, 0x0001};
  const size_t n = halves.size();
  std::vector<uint8_t> stored(n * 2);
  for (size_t k = 0; k < n; ++k) {
    stored[k] = static_cast<uint8_t>(halves[k] >> 8);
    stored[n + k] = static_cast<uint8_t>(halves[k]);
  }
  for (size_t i = stored.size(); i-- > 1;)
    stored[i] = static_cast<uint8_t>(stored[i] - stored[i - 1]);
  std::vector<uint8_t> out(n * 4);
  ASSERT_TRUE(Decode(Zlib(stored), out, FloatInfo(4, 1, 1, 16, false)).ok());
  EXPECT_EQ(Values<float>(out), (std::vector<float>{1.0f, -2.0f, 65504.0f, std::ldexp(1.0f, -24)}));
}

TEST(CodecPredictor, FloatingPointWrittenByLibtiff) {
  // Little-endian only: libtiff 4.5 writes big-endian float-predictor data with its byte planes
  // reversed (see the fixtures README); the big-endian fixture test covers that order instead.
  test::TiffSpec spec;
  spec.width = 33;
  spec.height = 20;
  spec.tile = 0;
  spec.rows_per_strip = 20;
  spec.bits = 32;
  spec.sample_format = SAMPLEFORMAT_IEEEFP;
  spec.compression = COMPRESSION_ADOBE_DEFLATE;
  spec.predictor = PREDICTOR_FLOATINGPOINT;
  std::vector<float> values(33 * 20);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = static_cast<float>(std::cos(double(i) / 9.0) * 300.0);
  std::vector<uint8_t> pixels(values.size() * 4);
  std::memcpy(pixels.data(), values.data(), pixels.size());
  const std::string path = test::WriteTiff(spec, pixels, "pred3");
  ASSERT_FALSE(path.empty());
  test::TiffBlock b;
  ASSERT_TRUE(test::ReadTiffBlock(path, &b));
  EXPECT_EQ(test::CogrDecode(b), pixels);
  EXPECT_EQ(b.libtiff, pixels);
}

}  // namespace
}  // namespace cogr::codec

namespace cogr::internal {
namespace {

// The vectorised one-sample prefix sum against a plain running sum: every width around the
// vector sizes (tails of 0..lanes-1 samples), several rows, wrapping values, each word size.
template <class T>
void CheckOneSampleRows() {
  for (uint64_t width : {1u, 2u, 7u, 8u, 9u, 15u, 16u, 17u, 31u, 33u, 64u, 70u, 513u}) {
    const uint64_t rows = 3;
    std::vector<T> values(width * rows);
    for (size_t i = 0; i < values.size(); ++i)
      values[i] = static_cast<T>(0x9E3779B97F4A7C15ull * (i + 1) >> 13);
    std::vector<T> want = values;
    for (uint64_t r = 0; r < rows; ++r) {
      for (uint64_t c = 1; c < width; ++c)
        want[r * width + c] = static_cast<T>(want[r * width + c] + want[r * width + c - 1]);
    }
    std::vector<T> got = values;
    UndoHorizontalPredictor(
        MutableByteSpan(reinterpret_cast<uint8_t*>(got.data()), got.size() * sizeof(T)), width,
        rows, 1, sizeof(T));
    EXPECT_EQ(got, want) << sizeof(T) << " bytes, width " << width;
  }
}

TEST(CodecPredictor, OneSampleRowsOfEveryWidthAndWordSize) {
  CheckOneSampleRows<uint8_t>();
  CheckOneSampleRows<uint16_t>();
  CheckOneSampleRows<uint32_t>();
  CheckOneSampleRows<uint64_t>();
}

}  // namespace
}  // namespace cogr::internal
