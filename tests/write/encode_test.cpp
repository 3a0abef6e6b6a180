// Block encoders of the writer: every encoder's output goes through cogr's decoder (the codec
// module) and must come back unchanged; the LZW bit stream is also checked by hand.
#include "write/encode.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "cogr/codec.hpp"

namespace cogr {
namespace {

using internal::ApplyFloatPredictor;
using internal::ApplyHorizontalPredictor;
using internal::LzwCompress;

std::vector<uint8_t> RandomBytes(size_t n, uint32_t seed) {
  std::vector<uint8_t> v(n);
  for (auto& b : v) {
    seed = seed * 1664525u + 1013904223u;
    b = static_cast<uint8_t>(seed >> 24);
  }
  return v;
}

// Decodes one 8-bit, single-sample block of `n` bytes with cogr's registry.
std::vector<uint8_t> DecodeBytes(uint16_t compression, const std::vector<uint8_t>& stream, size_t n,
                                 Status& status) {
  codec::BlockInfo info;
  info.compression = compression;
  info.width = static_cast<uint32_t>(n);
  info.height = 1;
  info.bits_per_sample = 8;
  std::vector<uint8_t> out(n);
  status = codec::Decode(stream, out, info);
  return out;
}

TEST(WriteLzw, StartsWithClearAndEndsWithEoiMsbFirst) {
  // "A" alone: Clear (256), 'A' (65), then the post-encode table growth (258 → 259, still
  // 9 bits) and EOI (257): 9-bit codes 100000000 001000001 100000001, MSB first, zero padded.
  std::vector<uint8_t> out;
  LzwCompress(std::vector<uint8_t>{'A'}, out);
  EXPECT_EQ(out, (std::vector<uint8_t>{0x80, 0x10, 0x60, 0x20}));
}

TEST(WriteLzw, RoundTripsThroughCogrDecoder) {
  std::vector<std::vector<uint8_t>> inputs;
  inputs.push_back(RandomBytes(1, 7));
  inputs.push_back(RandomBytes(300, 8));
  // Random bytes fill the 4096-entry table quickly: many Clear codes in mid stream.
  inputs.push_back(RandomBytes(200000, 9));
  inputs.push_back(std::vector<uint8_t>(100000, 0x55));  // long strings, 12-bit codes
  std::vector<uint8_t> ramp(65536);
  for (size_t i = 0; i < ramp.size(); ++i) ramp[i] = static_cast<uint8_t>((i / 7) ^ (i >> 9));
  inputs.push_back(ramp);
  // Lengths around the width changes (511/1023/2047 codes) and the reset at 4094.
  for (size_t n : {509u, 510u, 511u, 512u, 513u, 1021u, 1022u, 1023u, 2045u, 2046u, 2047u, 4093u,
                   4094u, 4095u}) {
    inputs.push_back(RandomBytes(n, static_cast<uint32_t>(n)));
    std::vector<uint8_t> text(n * 3);
    for (size_t i = 0; i < text.size(); ++i)
      text[i] = static_cast<uint8_t>("abcab"[i % 5] + (i / 97) % 3);
    inputs.push_back(text);
  }
  for (size_t k = 0; k < inputs.size(); ++k) {
    std::vector<uint8_t> stream;
    LzwCompress(inputs[k], stream);
    Status st;
    std::vector<uint8_t> back = DecodeBytes(codec::kLzw, stream, inputs[k].size(), st);
    ASSERT_TRUE(st.ok()) << "input " << k << " (" << inputs[k].size()
                         << " bytes): " << st.ToString();
    EXPECT_EQ(back, inputs[k]) << "input " << k;
  }
}

TEST(WriteLzw, CompressesRepetitiveData) {
  std::vector<uint8_t> stream;
  LzwCompress(std::vector<uint8_t>(100000, 7), stream);
  EXPECT_LT(stream.size(), 1000u);
  EXPECT_LE(stream.size(), internal::CompressBound(write::Compression::kLzw, 100000));
  const std::vector<uint8_t> random = RandomBytes(100000, 3);
  LzwCompress(random, stream);
  EXPECT_LE(stream.size(), internal::CompressBound(write::Compression::kLzw, random.size()));
}

TEST(WriteDeflateZstd, RoundTripThroughCogrDecoder) {
  const std::vector<uint8_t> data = RandomBytes(50000, 5);
  std::vector<uint8_t> stream;
  ASSERT_TRUE(internal::DeflateCompress(data, 6, stream).ok());
  EXPECT_LE(stream.size(), internal::CompressBound(write::Compression::kDeflate, data.size()));
  Status st;
  EXPECT_EQ(DecodeBytes(codec::kAdobeDeflate, stream, data.size(), st), data);
  EXPECT_TRUE(st.ok()) << st.ToString();
  if (internal::CanCompress(write::Compression::kZstd)) {
    ASSERT_TRUE(internal::ZstdCompress(data, 9, stream).ok());
    EXPECT_LE(stream.size(), internal::CompressBound(write::Compression::kZstd, data.size()));
    EXPECT_EQ(DecodeBytes(codec::kZstd, stream, data.size(), st), data);
    EXPECT_TRUE(st.ok()) << st.ToString();
  }
}

TEST(WritePredictor, HorizontalDifferencesByHand) {
  // Two rows of 3 pixels x 2 samples of uint16: each sample minus the same sample one pixel left.
  std::vector<uint16_t> v = {10, 100, 13, 90, 11, 95, 5, 0, 4, 1, 65535, 2};
  ApplyHorizontalPredictor({reinterpret_cast<uint8_t*>(v.data()), v.size() * 2}, 3, 2, 2, 2);
  EXPECT_EQ(v, (std::vector<uint16_t>{10, 100, 3, 65526, 65534, 5, 5, 0, 65535, 1, 65531, 1}));
}

// Applies a predictor, deflates, and decodes with cogr (which undoes the predictor).
template <class T>
void CheckPredictorRoundTrip(uint16_t predictor, uint16_t sample_format, uint32_t width,
                             uint32_t rows, uint32_t samples) {
  std::vector<T> values(size_t{width} * rows * samples);
  uint32_t seed = 17;
  for (auto& v : values) {
    seed = seed * 1664525u + 1013904223u;
    v = static_cast<T>(static_cast<int32_t>(seed >> 16) - 32768) /
        static_cast<T>(predictor == 3 ? 7 : 1);
  }
  std::vector<uint8_t> bytes(values.size() * sizeof(T));
  std::memcpy(bytes.data(), values.data(), bytes.size());
  if (predictor == 2) {
    ApplyHorizontalPredictor(bytes, width, rows, samples, sizeof(T));
  } else {
    std::vector<uint8_t> scratch;
    ApplyFloatPredictor(bytes, width, rows, samples, sizeof(T), scratch);
  }
  std::vector<uint8_t> stream;
  ASSERT_TRUE(internal::DeflateCompress(bytes, 6, stream).ok());
  codec::BlockInfo info;
  info.compression = codec::kAdobeDeflate;
  info.predictor = predictor;
  info.width = width;
  info.height = rows;
  info.samples = static_cast<uint16_t>(samples);
  info.bits_per_sample = sizeof(T) * 8;
  info.sample_format = sample_format;
  std::vector<uint8_t> out(bytes.size());
  Status st = codec::Decode(stream, out, info);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(std::memcmp(out.data(), values.data(), out.size()), 0)
      << "predictor " << predictor << ", " << sizeof(T) << "-byte samples";
}

TEST(WritePredictor, RoundTripsThroughCogrDecoder) {
  CheckPredictorRoundTrip<uint8_t>(2, 1, 33, 5, 3);
  CheckPredictorRoundTrip<int16_t>(2, 2, 17, 4, 1);
  CheckPredictorRoundTrip<uint32_t>(2, 1, 16, 3, 2);
  CheckPredictorRoundTrip<int64_t>(2, 2, 9, 3, 4);
  CheckPredictorRoundTrip<float>(3, 3, 31, 5, 1);
  CheckPredictorRoundTrip<float>(3, 3, 16, 2, 3);
  CheckPredictorRoundTrip<double>(3, 3, 15, 4, 2);
}

TEST(WritePredictor, FloatPlanesMostSignificantFirst) {
  // One float 1.0f = 0x3F800000: planes 3F 80 00 00, then byte differences (stride 1).
  float one = 1.0f;
  std::vector<uint8_t> bytes(4);
  std::memcpy(bytes.data(), &one, 4);
  std::vector<uint8_t> scratch;
  ApplyFloatPredictor(bytes, 1, 1, 1, 4, scratch);
  EXPECT_EQ(bytes, (std::vector<uint8_t>{0x3F, 0x80 - 0x3F, 0x00 - 0x80 + 256, 0x00}));
}

}  // namespace
}  // namespace cogr
