// Byte order and bit depth: uncompressed blocks decoded to host-order whole-byte samples.
#include <gtest/gtest.h>

#include <cmath>
#include <complex>
#include <cstring>
#include <limits>
#include <vector>

#include "cogr/codec.hpp"

namespace cogr::codec {
namespace {

BlockInfo Info(uint32_t width, uint32_t height, uint16_t bits, uint16_t sample_format = 1,
               bool big_endian = false, uint16_t samples = 1) {
  BlockInfo info;
  info.width = width;
  info.height = height;
  info.bits_per_sample = bits;
  info.sample_format = sample_format;
  info.big_endian = big_endian;
  info.samples = samples;
  return info;
}

template <class T>
std::vector<T> DecodeAs(const std::vector<uint8_t>& in, const BlockInfo& info) {
  Result<uint64_t> size = DecodedSize(info);
  EXPECT_TRUE(size.ok());
  std::vector<uint8_t> out(size.ok() ? *size : 0);
  Status st = Decode(in, out, info);
  EXPECT_TRUE(st.ok()) << st.ToString();
  std::vector<T> v(out.size() / sizeof(T));
  std::memcpy(v.data(), out.data(), v.size() * sizeof(T));
  return v;
}

TEST(CodecUnpack, OneBit) {
  // Rows start on a byte boundary; the padding bits of a row are ignored.
  const std::vector<uint8_t> in = {0b10110010, 0b11000000, 0b01000000, 0b01111111};
  for (bool be : {false, true}) {
    EXPECT_EQ(DecodeAs<uint8_t>(in, Info(10, 2, 1, 1, be)),
              (std::vector<uint8_t>{1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}));
  }
}

TEST(CodecUnpack, TwoThreeAndFourBits) {
  EXPECT_EQ(DecodeAs<uint8_t>({0b00011011, 0b10111111}, Info(5, 1, 2)),
            (std::vector<uint8_t>{0, 1, 2, 3, 2}));
  // 3 bits: 101 010 111 → 1010 1011 1...
  EXPECT_EQ(DecodeAs<uint8_t>({0xAB, 0x80}, Info(3, 1, 3)), (std::vector<uint8_t>{5, 2, 7}));
  EXPECT_EQ(DecodeAs<uint8_t>({0xAB, 0xC0, 0x12, 0x30}, Info(3, 2, 4)),
            (std::vector<uint8_t>{10, 11, 12, 1, 2, 3}));
}

TEST(CodecUnpack, TwelveBits) {
  // Row 1: ABC 123 FFF + 4 padding bits; row 2: 001 800 7FF + padding. MSB-first in any byte order.
  const std::vector<uint8_t> in = {0xAB, 0xC1, 0x23, 0xFF, 0xF0, 0x00, 0x18, 0x00, 0x7F, 0xF0};
  for (bool be : {false, true}) {
    EXPECT_EQ(DecodeAs<uint16_t>(in, Info(3, 2, 12, 1, be)),
              (std::vector<uint16_t>{0xABC, 0x123, 0xFFF, 0x001, 0x800, 0x7FF}));
  }
  // Two samples per pixel: 3 values per row still pack contiguously.
  EXPECT_EQ(DecodeAs<uint16_t>({0xAB, 0xC1, 0x23}, Info(1, 1, 12, 1, false, 2)),
            (std::vector<uint16_t>{0xABC, 0x123}));
}

TEST(CodecUnpack, SeventeenAndThirtyOneBits) {
  // 17 bits: 1 0000 0000 0000 0011, then 0 1111 1111 1111 1111 → 0x10003, 0x0FFFF.
  // Bits: 10000000 00000001 10111111 11111111 11...
  EXPECT_EQ(DecodeAs<uint32_t>({0x80, 0x01, 0xBF, 0xFF, 0xC0}, Info(2, 1, 17)),
            (std::vector<uint32_t>{0x10003, 0x0FFFF}));
  EXPECT_EQ(DecodeAs<uint32_t>({0xFF, 0xFF, 0xFF, 0xFE}, Info(1, 1, 31)),
            (std::vector<uint32_t>{0x7FFFFFFF}));
}

TEST(CodecUnpack, TwentyFourBitIntegersAsGdalReadsThem) {
  // GDAL reads 24-bit integers as bit fields, most significant byte first, from the bytes libtiff
  // hands it (swabbed to host order for a big-endian file): on a little-endian host the file's
  // bytes read big-endian in a little-endian file and little-endian in a big-endian one
  // (tests/data/longtail/u24_*.tif hold rasterio's answers).
  const std::vector<uint8_t> in = {0x01, 0x02, 0x03, 0xFF, 0x00, 0x80};
  EXPECT_EQ(DecodeAs<uint32_t>(in, Info(2, 1, 24, 1, false)),
            (std::vector<uint32_t>{0x010203, 0xFF0080}));
  EXPECT_EQ(DecodeAs<uint32_t>(in, Info(2, 1, 24, 1, true)),
            (std::vector<uint32_t>{0x030201, 0x8000FF}));
}

TEST(CodecUnpack, TwentyFourBitFloats) {
  // GDAL's float24: 1 sign, 7 exponent bits (bias 63), 16 mantissa bits.
  // 1.0 = 3F0000, -2.5 = C04000, smallest subnormal = 000001 (2^-78).
  const std::vector<uint8_t> in = {0x3F, 0x00, 0x00, 0xC0, 0x40, 0x00, 0x00, 0x00, 0x01};
  EXPECT_EQ(DecodeAs<float>(in, Info(3, 1, 24, 3, true)),
            (std::vector<float>{1.0f, -2.5f, std::ldexp(1.0f, -78)}));
}

TEST(CodecUnpack, HalfFloats) {
  // 1.0, -2.0, inf, 2^-24 (subnormal), -0.0, 0.333251953125, NaN; little-endian file.
  const std::vector<uint8_t> in = {0x00, 0x3C, 0x00, 0xC0, 0x00, 0x7C, 0x01,
                                   0x00, 0x00, 0x80, 0x55, 0x35, 0x00, 0x7E};
  const std::vector<float> v = DecodeAs<float>(in, Info(7, 1, 16, 3));
  ASSERT_EQ(v.size(), 7u);
  EXPECT_EQ(v[0], 1.0f);
  EXPECT_EQ(v[1], -2.0f);
  EXPECT_EQ(v[2], std::numeric_limits<float>::infinity());
  EXPECT_EQ(v[3], std::ldexp(1.0f, -24));
  EXPECT_EQ(v[4], 0.0f);
  EXPECT_TRUE(std::signbit(v[4]));
  EXPECT_EQ(v[5], 0.333251953125f);
  EXPECT_TRUE(std::isnan(v[6]));
  // The same halves in a big-endian file.
  std::vector<uint8_t> be = in;
  for (size_t i = 0; i < be.size(); i += 2) std::swap(be[i], be[i + 1]);
  const std::vector<float> w = DecodeAs<float>(be, Info(7, 1, 16, 3, true));
  EXPECT_EQ(std::memcmp(v.data(), w.data(), v.size() * 4), 0);
}

TEST(CodecUnpack, ByteSwapEachType) {
  EXPECT_EQ(DecodeAs<uint16_t>({0x12, 0x34, 0xAB, 0xCD}, Info(2, 1, 16, 1, true)),
            (std::vector<uint16_t>{0x1234, 0xABCD}));
  EXPECT_EQ(DecodeAs<uint16_t>({0x12, 0x34, 0xAB, 0xCD}, Info(2, 1, 16, 1, false)),
            (std::vector<uint16_t>{0x3412, 0xCDAB}));
  EXPECT_EQ(DecodeAs<int16_t>({0xFF, 0xFE}, Info(1, 1, 16, 2, true)), (std::vector<int16_t>{-2}));
  EXPECT_EQ(
      DecodeAs<int32_t>({0xFF, 0xFF, 0xFF, 0xFD, 0x00, 0x00, 0x01, 0x00}, Info(2, 1, 32, 2, true)),
      (std::vector<int32_t>{-3, 256}));
  EXPECT_EQ(DecodeAs<uint64_t>({1, 2, 3, 4, 5, 6, 7, 8}, Info(1, 1, 64, 1, true)),
            (std::vector<uint64_t>{0x0102030405060708ull}));
  EXPECT_EQ(
      DecodeAs<int64_t>({0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xF6}, Info(1, 1, 64, 2, true)),
      (std::vector<int64_t>{-10}));
  EXPECT_EQ(
      DecodeAs<float>({0x3F, 0xC0, 0x00, 0x00, 0xC1, 0x20, 0x00, 0x00}, Info(2, 1, 32, 3, true)),
      (std::vector<float>{1.5f, -10.0f}));
  EXPECT_EQ(DecodeAs<double>({0xC0, 0, 0, 0, 0, 0, 0, 0, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0},
                             Info(2, 1, 64, 3, true)),
            (std::vector<double>{-2.0, 1.5}));
  EXPECT_EQ(DecodeAs<uint8_t>({1, 2, 3}, Info(3, 1, 8, 1, true)), (std::vector<uint8_t>{1, 2, 3}));
}

TEST(CodecUnpack, ComplexSwapsEachPart) {
  // CInt16 (32 bits): re = 1, im = -2, each half swapped on its own.
  EXPECT_EQ(DecodeAs<int16_t>({0x00, 0x01, 0xFF, 0xFE}, Info(1, 1, 32, 5, true)),
            (std::vector<int16_t>{1, -2}));
  EXPECT_EQ(DecodeAs<int16_t>({0x01, 0x00, 0xFE, 0xFF}, Info(1, 1, 32, 5, false)),
            (std::vector<int16_t>{1, -2}));
  // CInt32 (64 bits).
  EXPECT_EQ(DecodeAs<int32_t>({0, 0, 0, 7, 0xFF, 0xFF, 0xFF, 0xF9}, Info(1, 1, 64, 5, true)),
            (std::vector<int32_t>{7, -7}));
  // CFloat32 (64 bits): 1.0f, 2.0f.
  EXPECT_EQ(DecodeAs<float>({0x3F, 0x80, 0, 0, 0x40, 0x00, 0, 0}, Info(1, 1, 64, 6, true)),
            (std::vector<float>{1.0f, 2.0f}));
  // CFloat64 (128 bits): -2.0, 1.5.
  EXPECT_EQ(DecodeAs<double>({0xC0, 0, 0, 0, 0, 0, 0, 0, 0x3F, 0xF8, 0, 0, 0, 0, 0, 0},
                             Info(1, 1, 128, 6, true)),
            (std::vector<double>{-2.0, 1.5}));
}

TEST(CodecUnpack, UncompressedSizes) {
  // Longer input is fine (writers pad), shorter is not.
  EXPECT_EQ(DecodeAs<uint8_t>({1, 2, 3, 4, 5}, Info(2, 2, 8)), (std::vector<uint8_t>{1, 2, 3, 4}));
  std::vector<uint8_t> out(4);
  Status st = Decode(std::vector<uint8_t>{1, 2, 3}, out, Info(2, 2, 8));
  EXPECT_EQ(st.code(), Code::kInvalidFile);
  EXPECT_EQ(st.message(), "none: block has 3 bytes, expected 4");
  // 12-bit: 2 x 2 values need 3 bytes per row.
  out.resize(8);
  st = Decode(std::vector<uint8_t>{1, 2, 3, 4, 5}, out, Info(2, 2, 12));
  EXPECT_EQ(st.message(), "none: block has 5 bytes, expected 6");
}

TEST(CodecUnpack, SubsampledYCbCrWithoutJpegIsUnsupported) {
  BlockInfo info = Info(4, 4, 8, 1, false, 3);
  info.photometric = 6;
  std::vector<uint8_t> in(48), out(48);
  Status st = Decode(in, out, info);
  EXPECT_EQ(st.code(), Code::kUnsupported);
  EXPECT_EQ(st.message(), "subsampled YCbCr (2x2) is only supported with JPEG compression");
  info.ycbcr_subsampling = {1, 1};
  EXPECT_TRUE(Decode(in, out, info).ok());
}

}  // namespace
}  // namespace cogr::codec
