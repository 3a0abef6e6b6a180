// Hostile input and concurrency: mutated and truncated streams of every codec must decode or
// fail cleanly (the sanitizer builds check memory), and threads decoding at once must not
// disturb each other's per-thread scratch state.
#include <gtest/gtest.h>
#include <libdeflate.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "codec/codec_test_util.hpp"
#include "cogr/codec.hpp"

namespace cogr::codec {
namespace {

struct Sample {
  std::string label;
  std::vector<uint8_t> raw;
  std::vector<uint8_t> tables;
  BlockInfo info;
};

std::vector<uint8_t> Zlib(const std::vector<uint8_t>& data) {
  libdeflate_compressor* c = libdeflate_alloc_compressor(6);
  std::vector<uint8_t> out(libdeflate_zlib_compress_bound(c, data.size()));
  out.resize(libdeflate_zlib_compress(c, data.data(), data.size(), out.data(), out.size()));
  libdeflate_free_compressor(c);
  return out;
}

// First blocks of fixtures covering every codec built, plus a deflate/predictor-3 block.
std::vector<Sample> Samples() {
  std::vector<Sample> samples;
  for (const char* name :
       {"cmp_lzw_u16_t128", "nbits12_u16_lzw_t128", "pred2_u16_rgb_pixel_zstd_t128",
        "cmp_packbits_u8_t64", "pred3_f32_deflate_t128", "jpeg_rgb_ycbcr_t128",
        "webp_rgb_lossless_t128", "cmp_lerc_f32_z0.01_t128"}) {
    test::TiffBlock b;
    if (!test::ReadTiffBlock(test::DataPath(std::string(name) + ".tif"), &b)) continue;
    if (!IsSupported(b.info.compression, b.info.lerc_parameters)) continue;
    Sample s{name, b.raw, b.jpeg_tables, b.info};
    samples.push_back(std::move(s));
  }
  for (Sample& s : samples) s.info.jpeg_tables = ByteSpan(s.tables.data(), s.tables.size());
  return samples;
}

TEST(CodecRobustness, MutatedStreamsFailCleanly) {
  std::vector<Sample> samples = Samples();
  ASSERT_GE(samples.size(), 5u);
  uint32_t x = 2463534242u;
  auto next = [&x]() {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return x;
  };
  for (Sample& s : samples) {
    Result<uint64_t> size = DecodedSize(s.info);
    ASSERT_TRUE(size.ok());
    std::vector<uint8_t> out(*size);
    ASSERT_TRUE(Decode(s.raw, out, s.info).ok()) << s.label;
    size_t failures = 0;
    for (int round = 0; round < 60; ++round) {
      std::vector<uint8_t> bad = s.raw;
      if (round % 3 == 0) {
        bad.resize(next() % bad.size());
      } else {
        const int flips = 1 + static_cast<int>(next() % 8);
        for (int f = 0; f < flips; ++f)
          bad[next() % bad.size()] ^= static_cast<uint8_t>(1 + next() % 255);
      }
      Status st = Decode(bad, out, s.info);
      if (!st.ok()) {
        ++failures;
        EXPECT_TRUE(st.code() == Code::kInvalidFile || st.code() == Code::kLimitExceeded)
            << s.label << ": " << st.ToString();
      }
    }
    // Truncations at least must be noticed by every codec.
    EXPECT_GE(failures, 10u) << s.label;
  }
}

TEST(CodecRobustness, ConcurrentDecodesAgree) {
  std::vector<Sample> samples = Samples();
  ASSERT_GE(samples.size(), 5u);
  std::vector<std::vector<uint8_t>> want;
  for (const Sample& s : samples) {
    std::vector<uint8_t> out(*DecodedSize(s.info));
    ASSERT_TRUE(Decode(s.raw, out, s.info).ok()) << s.label;
    want.push_back(std::move(out));
  }
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 8; ++round) {
        for (size_t k = 0; k < samples.size(); ++k) {
          const size_t i =
              (k + static_cast<size_t>(t)) % samples.size();  // threads interleave codecs
          std::vector<uint8_t> out(want[i].size());
          if (!Decode(samples[i].raw, out, samples[i].info).ok() || out != want[i]) ++mismatches;
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(CodecRobustness, ScratchIsReusedAcrossBlockSizes) {
  // A big odd-bit block then a small one on the same thread: the small one must not see stale
  // bytes from the larger scratch buffer.
  BlockInfo big;
  big.compression = kAdobeDeflate;
  big.width = 256;
  big.height = 256;
  big.bits_per_sample = 4;
  std::vector<uint8_t> packed_big(128 * 256, 0xFF);
  std::vector<uint8_t> out_big(256 * 256);
  ASSERT_TRUE(Decode(Zlib(packed_big), out_big, big).ok());
  EXPECT_EQ(out_big, std::vector<uint8_t>(256 * 256, 15));
  BlockInfo small = big;
  small.width = 4;
  small.height = 1;
  std::vector<uint8_t> out_small(4);
  ASSERT_TRUE(Decode(Zlib({0x12, 0x34}), out_small, small).ok());
  EXPECT_EQ(out_small, (std::vector<uint8_t>{1, 2, 3, 4}));
}

}  // namespace
}  // namespace cogr::codec
