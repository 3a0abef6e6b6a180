// LZW (code 5): hand-made streams (MSB-first and old LSB-first "compat"), and streams written
// by libtiff, long enough to reach 12-bit codes and table resets.
#include <gtest/gtest.h>

#include <vector>

#include "codec/codec_test_util.hpp"
#include "cogr/codec.hpp"

namespace cogr::codec {
namespace {

constexpr uint16_t kClearCode = 256;
constexpr uint16_t kEoiCode = 257;

// Packs 9-bit codes (short streams never widen), MSB-first or LSB-first.
std::vector<uint8_t> Pack9(const std::vector<uint16_t>& codes, bool msb_first) {
  std::vector<uint8_t> out;
  uint32_t acc = 0, n = 0;
  for (uint16_t c : codes) {
    if (msb_first) {
      acc = (acc << 9) | c;
      n += 9;
      while (n >= 8) {
        out.push_back(static_cast<uint8_t>(acc >> (n - 8)));
        n -= 8;
      }
    } else {
      acc |= uint32_t{c} << n;
      n += 9;
      while (n >= 8) {
        out.push_back(static_cast<uint8_t>(acc));
        acc >>= 8;
        n -= 8;
      }
    }
  }
  if (n > 0) out.push_back(static_cast<uint8_t>(msb_first ? acc << (8 - n) : acc));
  return out;
}

// Packs a stream of Clear + literal codes + EOI, growing the code width where the decoder does:
// when the next table slot reaches 2^width - 1 (new style) or 2^width (old style). Every literal
// after the first adds a table entry, so long streams cross the 9 → 10 → 11-bit switches.
std::vector<uint8_t> PackLiterals(const std::vector<uint8_t>& literals, bool old_style) {
  std::vector<uint8_t> out;
  uint64_t acc = 0;
  uint32_t n = 0, width = 9, next = 258;
  auto put = [&](uint32_t code) {
    if (!old_style) {
      acc = (acc << width) | code;
      n += width;
      while (n >= 8) {
        out.push_back(static_cast<uint8_t>(acc >> (n - 8)));
        n -= 8;
      }
    } else {
      acc |= uint64_t{code} << n;
      n += width;
      while (n >= 8) {
        out.push_back(static_cast<uint8_t>(acc));
        acc >>= 8;
        n -= 8;
      }
    }
  };
  put(kClearCode);
  for (size_t i = 0; i < literals.size(); ++i) {
    put(literals[i]);
    if (i > 0 && next < 4096) {
      ++next;
      if (next >= (1u << width) - (old_style ? 0 : 1) && width < 12) ++width;
    }
  }
  put(kEoiCode);
  if (n > 0) out.push_back(static_cast<uint8_t>(old_style ? acc : acc << (8 - n)));
  return out;
}

BlockInfo Info(uint32_t width, uint32_t height) {
  BlockInfo info;
  info.compression = kLzw;
  info.width = width;
  info.height = height;
  return info;
}

std::vector<uint8_t> Bytes(const std::string& s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

// Clear, A, B, 258 ("AB"), 260 (the code being defined: "AB" + "A"), EOI.
const std::vector<uint16_t> kAbCodes = {kClearCode, 'A', 'B', 258, 260, kEoiCode};

TEST(CodecLzw, HandMadeMsbFirst) {
  const std::vector<uint8_t> stream = Pack9(kAbCodes, true);
  EXPECT_EQ(stream[0], 0x80);  // a new-style stream starts with Clear, MSB-first
  std::vector<uint8_t> out(7);
  ASSERT_TRUE(Decode(stream, out, Info(7, 1)).ok());
  EXPECT_EQ(out, Bytes("ABABABA"));
}

TEST(CodecLzw, HandMadeOldStyleLsbFirst) {
  const std::vector<uint8_t> stream = Pack9(kAbCodes, false);
  ASSERT_EQ(stream[0], 0x00);
  ASSERT_EQ(stream[1] & 1, 1);
  std::vector<uint8_t> out(7);
  ASSERT_TRUE(Decode(stream, out, Info(7, 1)).ok());
  EXPECT_EQ(out, Bytes("ABABABA"));
}

TEST(CodecLzw, LongLiteralStreamsCrossWidthSwitches) {
  // 1500 literals: codes widen to 10 bits and then 11 bits part-way, in both styles.
  std::vector<uint8_t> literals(1500);
  for (size_t i = 0; i < literals.size(); ++i) literals[i] = static_cast<uint8_t>(i * 7 + i / 13);
  for (bool old_style : {false, true}) {
    const std::vector<uint8_t> stream = PackLiterals(literals, old_style);
    ASSERT_EQ(stream[0], old_style ? 0x00 : 0x80);
    std::vector<uint8_t> out(literals.size());
    Status st = Decode(stream, out, Info(1500, 1));
    ASSERT_TRUE(st.ok()) << old_style << " " << st.ToString();
    EXPECT_EQ(out, literals) << old_style;
  }
}

TEST(CodecLzw, ClearInTheMiddleAndMissingEoi) {
  std::vector<uint8_t> out(5);
  ASSERT_TRUE(
      Decode(Pack9({kClearCode, 'x', 'y', kClearCode, 'z', 258}, true), out, Info(5, 1)).ok());
  // After the second Clear, 258 is "z" + "z".
  EXPECT_EQ(out, Bytes("xyzzz"));
}

TEST(CodecLzw, LongerStreamIsInvalidFile) {
  std::vector<uint8_t> out(1);
  Status st = Decode(Pack9({kClearCode, 'A', 'B', kEoiCode}, true), out, Info(1, 1));
  EXPECT_EQ(st.code(), Code::kInvalidFile);
  EXPECT_EQ(st.message(), "lzw: block decodes to more than 1 bytes");
  out.resize(6);
  st = Decode(Pack9(kAbCodes, true), out, Info(6, 1));  // "ABA" does not fit after "ABAB"
  EXPECT_EQ(st.message(), "lzw: block decodes to more than 6 bytes");
}

TEST(CodecLzw, ShortStreamIsInvalidFile) {
  std::vector<uint8_t> out(8);
  Status st = Decode(Pack9(kAbCodes, true), out, Info(8, 1));
  EXPECT_EQ(st.code(), Code::kInvalidFile);
  EXPECT_EQ(st.message(), "lzw: block decoded to 7 bytes, expected 8");
  EXPECT_EQ(Decode({}, out, Info(8, 1)).message(), "lzw: block decoded to 0 bytes, expected 8");
}

TEST(CodecLzw, BadCodesAreInvalidFile) {
  std::vector<uint8_t> out(8);
  Status st = Decode(Pack9({kClearCode, 'A', 300, kEoiCode}, true), out, Info(8, 1));
  EXPECT_EQ(st.code(), Code::kInvalidFile);
  EXPECT_EQ(st.message(), "lzw: code 300 beyond table of 258 entries");
  st = Decode(Pack9({kClearCode, 258, kEoiCode}, true), out, Info(8, 1));
  EXPECT_EQ(st.message(), "lzw: code 258 right after a clear code");
}

// Pseudo-random bytes with repeats: enough distinct strings to fill the 4096-entry table
// several times (12-bit codes, Clear codes from the encoder).
std::vector<uint8_t> Noise(size_t n, uint32_t seed) {
  std::vector<uint8_t> v(n);
  uint32_t x = seed;
  for (size_t i = 0; i < n; ++i) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    v[i] = static_cast<uint8_t>((x & 0x3F) + ((i / 64) & 0x3));
  }
  return v;
}

TEST(CodecLzw, LibtiffStreams) {
  for (uint32_t size : {8u, 64u, 256u}) {
    test::TiffSpec spec;
    spec.width = size;
    spec.height = size;
    spec.tile = 0;
    spec.rows_per_strip = size;
    spec.compression = COMPRESSION_LZW;
    const std::vector<uint8_t> pixels = Noise(size_t{size} * size, size);
    const std::string path = test::WriteTiff(spec, pixels, "lzw");
    ASSERT_FALSE(path.empty());
    test::TiffBlock b;
    ASSERT_TRUE(test::ReadTiffBlock(path, &b));
    EXPECT_EQ(b.info.compression, kLzw);
    EXPECT_EQ(test::CogrDecode(b), pixels) << size;
  }
}

TEST(CodecLzw, LibtiffStreamWithPredictorBothByteOrders) {
  for (bool big_endian : {false, true}) {
    test::TiffSpec spec;
    spec.width = 40;
    spec.height = 30;
    spec.tile = 0;
    spec.rows_per_strip = 30;
    spec.samples = 3;
    spec.bits = 16;
    spec.photometric = PHOTOMETRIC_RGB;
    spec.compression = COMPRESSION_LZW;
    spec.predictor = PREDICTOR_HORIZONTAL;
    spec.big_endian = big_endian;
    std::vector<uint16_t> values(40 * 30 * 3);
    for (size_t i = 0; i < values.size(); ++i)
      values[i] = static_cast<uint16_t>(i * 977 + (i % 3) * 20000);
    std::vector<uint8_t> pixels(values.size() * 2);
    std::memcpy(pixels.data(), values.data(), pixels.size());
    const std::string path = test::WriteTiff(spec, pixels, "lzw_pred");
    ASSERT_FALSE(path.empty());
    test::TiffBlock b;
    ASSERT_TRUE(test::ReadTiffBlock(path, &b));
    EXPECT_EQ(b.info.big_endian, big_endian);
    EXPECT_EQ(b.info.predictor, 2);
    EXPECT_EQ(test::CogrDecode(b), pixels) << big_endian;
  }
}

}  // namespace
}  // namespace cogr::codec
