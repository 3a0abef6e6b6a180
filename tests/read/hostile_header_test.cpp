// Hostile headers fail fast: what a header promises (samples per pixel, block sizes, byte
// counts, read sizes) is checked before a read allocates or decodes anything.
#include <gtest/gtest.h>
#include <sys/resource.h>

#include <cstring>
#include <string>
#include <vector>

#include "cogr/dataset.hpp"
#include "cogr/io.hpp"
#include "cogr/write.hpp"
#include "test_util.hpp"
#include "write/write_test_util.hpp"

namespace cogr {
namespace {

uint16_t U16(const std::vector<uint8_t>& b, size_t at) {
  return static_cast<uint16_t>(b[at] | (b[at + 1] << 8));
}
uint32_t U32(const std::vector<uint8_t>& b, size_t at) {
  return static_cast<uint32_t>(b[at]) | (static_cast<uint32_t>(b[at + 1]) << 8) |
         (static_cast<uint32_t>(b[at + 2]) << 16) | (static_cast<uint32_t>(b[at + 3]) << 24);
}

// Sets the inline value of `tag` in the first IFD of a classic little-endian TIFF (SHORT or
// LONG with count 1). Returns false if the tag is not there in that form.
bool PatchTag(std::vector<uint8_t>& b, uint16_t tag, uint32_t value) {
  if (b.size() < 8 || b[0] != 'I' || U16(b, 2) != 42) return false;
  const size_t ifd = U32(b, 4);
  const uint16_t n = U16(b, ifd);
  for (uint16_t i = 0; i < n; ++i) {
    const size_t e = ifd + 2 + size_t{12} * i;
    if (U16(b, e) != tag || U32(b, e + 4) != 1) continue;
    const uint16_t type = U16(b, e + 2);
    if (type == 3) {
      b[e + 8] = static_cast<uint8_t>(value);
      b[e + 9] = static_cast<uint8_t>(value >> 8);
    } else if (type == 4) {
      for (int k = 0; k < 4; ++k)
        b[e + 8 + static_cast<size_t>(k)] = static_cast<uint8_t>(value >> (8 * k));
    } else {
      return false;
    }
    return true;
  }
  return false;
}

uint64_t MaxRssBytes() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<uint64_t>(u.ru_maxrss) * 1024;
}

class HostileHeader : public ::testing::Test {
 protected:
  // A 256 x 256 uint16 deflate file of one 256² tile and one band (a few KB), as bytes.
  static std::vector<uint8_t> SmallFile(test::ScratchDir& dir) {
    write::Profile p;
    p.width = p.height = 256;
    p.dtype = DataType::kUInt16;
    p.blockxsize = p.blockysize = 256;
    p.compress = write::Compression::kDeflate;
    p.bigtiff = write::BigTiff::kNo;
    Array a;
    a.dtype = DataType::kUInt16;
    a.bands = 1;
    a.height = a.width = 256;
    a.data.assign(256 * 256 * 2, 7);
    EXPECT_TRUE(write::WriteGeoTiff(dir.File("small.tif"), p, a).ok());
    return test::ReadFileBytes(dir.File("small.tif"));
  }
  static std::shared_ptr<Dataset> OpenBytes(std::vector<uint8_t> bytes, const std::string& name) {
    auto ds = Dataset::Open(io::MemorySource(std::move(bytes), name));
    EXPECT_TRUE(ds.ok()) << ds.status().ToString();
    return ds.ok() ? *ds : nullptr;
  }
  // The three reads of the report: a 100² window, the whole image, and an out_shape read.
  static std::vector<ReadOptions> Reads() {
    ReadOptions window, whole, shaped;
    window.window = geo::Window{0, 0, 100, 100};
    shaped.out_shape = std::pair<uint64_t, uint64_t>{64, 64};
    return {window, whole, shaped};
  }
};

TEST_F(HostileHeader, SixtyFiveThousandSamplesPerPixelFailBeforeAllocating) {
  test::ScratchDir dir("hostile_spp");
  std::vector<uint8_t> bytes = SmallFile(dir);
  ASSERT_LT(bytes.size(), 16384u);
  ASSERT_TRUE(PatchTag(bytes, 277, 65535));  // SamplesPerPixel
  auto ds = OpenBytes(bytes, "spp65535.tif");
  ASSERT_TRUE(ds);
  EXPECT_EQ(ds->count(), 65535);
  const uint64_t rss_before = MaxRssBytes();
  const std::vector<std::string> want = {
      "spp65535.tif: IFD 0: a 256 x 256 block of 65535 samples per pixel decodes to 8589803520 bytes > "
      "max_block_bytes 1073741824",
      "spp65535.tif: read of 65535 x 256 x 256 samples (8589803520 bytes) exceeds max_read_bytes " +
          std::to_string(DefaultMaxReadBytes()),
      "spp65535.tif: IFD 0: a 256 x 256 block of 65535 samples per pixel decodes to 8589803520 bytes > "
      "max_block_bytes 1073741824"};
  const auto reads = Reads();
  for (size_t i = 0; i < reads.size(); ++i) {
    auto r = ds->Read(reads[i]);
    ASSERT_FALSE(r.ok()) << i;
    EXPECT_EQ(r.status().code(), Code::kLimitExceeded) << r.status().ToString();
    if (i == 1 && DefaultMaxReadBytes() > 8589803520ull) {
      // A machine with more than 16 GiB of memory lets the read's size pass: the block fails.
      EXPECT_EQ(r.status().message(), want[0]);
    } else {
      EXPECT_EQ(r.status().message(), want[i]) << i;
    }
  }
  // Nothing near the 1.3 GB a 100² window of 65535 bands would take was touched.
  EXPECT_LT(MaxRssBytes(), rss_before + (300ull << 20));
}

TEST_F(HostileHeader, HugeByteCountOfManyBandsFailsOnTheBlockCheck) {
  // 65281 bands (each 256² block decodes to 8.5 GB) and a 134 MB byte count in a few-KB file.
  test::ScratchDir dir("hostile_bands");
  std::vector<uint8_t> bytes = SmallFile(dir);
  ASSERT_TRUE(PatchTag(bytes, 277, 65281));
  ASSERT_TRUE(PatchTag(bytes, 325, 134000000));  // TileByteCounts
  Limits limits;
  limits.max_block_bytes = Limits::Unlimited().max_block_bytes;  // only the file-size check left
  OpenOptions o;
  o.limits = limits;
  auto ds = Dataset::Open(io::MemorySource(bytes, "bands65281.tif"), o);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  const uint64_t rss_before = MaxRssBytes();
  ReadOptions window;
  window.window = geo::Window{0, 0, 100, 100};
  auto r = (*ds)->Read(window);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidFile) << r.status().ToString();
  EXPECT_NE(r.status().message().find("block 0 of IFD 0: bytes ["), std::string::npos)
      << r.status().ToString();
  EXPECT_NE(
      r.status().message().find(") past end of file (size " + std::to_string(bytes.size()) + ")"),
      std::string::npos)
      << r.status().ToString();
  EXPECT_LT(MaxRssBytes(), rss_before + (300ull << 20));
}

TEST_F(HostileHeader, ByteCountLargerThanTheCodecCouldProduce) {
  // A 256² uint16 block (131072 bytes) cannot take more than 2 x 131072 + 65536 deflate bytes.
  test::ScratchDir dir("hostile_count");
  std::vector<uint8_t> bytes = SmallFile(dir);
  const size_t size = bytes.size();
  bytes.resize(size + 400000, 0);  // so that the claimed bytes are inside the file
  ASSERT_TRUE(PatchTag(bytes, 325, 330000));
  auto ds = OpenBytes(bytes, "count.tif");
  ASSERT_TRUE(ds);
  auto r = ds->Read();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kInvalidFile);
  EXPECT_EQ(
      r.status().message(),
      "count.tif: block 0 of IFD 0: 330000 bytes for a block that decodes to 131072 bytes (at most 327680 "
      "with deflate)");
}

TEST_F(HostileHeader, JpegWithMoreThanFourComponents) {
  std::vector<uint8_t> bytes =
      test::ReadFileBytes(test::DataPath("fixtures/cog_u8_rgb_jpeg_mask_bs256.tif"));
  ASSERT_TRUE(PatchTag(bytes, 277, 65535)) << "SamplesPerPixel is an inline SHORT";
  auto ds = Dataset::Open(io::MemorySource(bytes, "jpeg65535.tif"));
  if (!ds.ok()) {
    // Refusing the header at open is as good.
    EXPECT_NE(ds.status().code(), Code::kOk);
    return;
  }
  const auto reads = Reads();
  for (const ReadOptions& o :
       {reads[0], reads[2]}) {  // the whole image is over max_read_bytes first
    auto r = (*ds)->Read(o);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), Code::kInvalidFile) << r.status().ToString();
    EXPECT_EQ(
        r.status().message(),
        "jpeg65535.tif: IFD 0: 65535 samples per pixel in one jpeg block (the codec holds at most 4)");
  }
}

TEST(ReadLimits, AbsurdOutShapeAndBoundlessWindowsAreLimitErrors) {
  auto ds = Dataset::Open(test::DataPath("fixtures/b7_u16_band_deflate_t128.tif"));
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  const std::string uri = (*ds)->uri();
  const std::string limit = std::to_string(DefaultMaxReadBytes());
  ReadOptions shaped;
  shaped.bands = {1};
  shaped.out_shape = std::pair<uint64_t, uint64_t>{100000, 100000};
  auto r = (*ds)->Read(shaped);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kLimitExceeded);
  EXPECT_EQ(
      r.status().message(),
      uri +
          ": out_shape read of 1 x 100000 x 100000 samples (20000000000 bytes, 40000000000 with the resampler's buffers) "
          "exceeds max_read_bytes " +
          limit);
  ReadOptions boundless;
  boundless.bands = {1};
  boundless.window = geo::Window{0, 0, 100000, 100000};
  boundless.boundless = true;
  r = (*ds)->Read(boundless);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kLimitExceeded);
  EXPECT_EQ(r.status().message(),
            uri +
                ": read of 1 x 100000 x 100000 samples (20000000000 bytes) exceeds "
                "max_read_bytes " +
                limit);
  // A uint8 file: 10 GB of output, charged twice for the resampler's buffers.
  auto u8 = Dataset::Open(test::DataPath("fixtures/dt_uint8_deflate_t128.tif"));
  ASSERT_TRUE(u8.ok()) << u8.status().ToString();
  auto r8 = (*u8)->Read(shaped);
  ASSERT_FALSE(r8.ok());
  EXPECT_EQ(r8.status().message(),
            (*u8)->uri() +
                ": out_shape read of 1 x 100000 x 100000 samples (10000000000 bytes, "
                "20000000000 with the resampler's buffers) exceeds max_read_bytes " +
                limit);
  // ReadShape says the same before anything is read.
  EXPECT_EQ((*ds)->ReadShape(boundless).status().message(), r.status().message());
  EXPECT_EQ((*ds)->ReadShape(shaped).status().code(), Code::kLimitExceeded);
}

TEST(ReadLimits, DefaultIsTheLesserOf16GiBAndHalfThePhysicalMemory) {
  const uint64_t physical = static_cast<uint64_t>(sysconf(_SC_PHYS_PAGES)) *
                            static_cast<uint64_t>(sysconf(_SC_PAGE_SIZE));
  EXPECT_EQ(DefaultMaxReadBytes(), std::min<uint64_t>(16ull << 30, physical / 2));
  EXPECT_EQ(Limits{}.max_read_bytes, DefaultMaxReadBytes());
}

TEST(ReadLimits, AllocationFailureNamesTheBytesAndTheLimit) {
#if defined(__SANITIZE_ADDRESS__)
  // ASan aborts on a 2^60-byte operator new instead of throwing std::bad_alloc, so the path
  // under test cannot be reached here; the ci preset runs it.
  GTEST_SKIP() << "AddressSanitizer aborts on allocations over 1 TiB instead of throwing";
#endif
  // Unlimited: 2^60 bytes pass the checks and the allocation itself fails.
  OpenOptions o;
  o.limits = Limits::Unlimited();
  auto ds = Dataset::Open(test::DataPath("fixtures/b7_u16_band_deflate_t128.tif"), o);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  ReadOptions huge;
  huge.bands = {1};
  huge.window = geo::Window{0, 0, 1u << 30, 1u << 29};
  huge.boundless = true;
  auto r = (*ds)->Read(huge);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kLimitExceeded);
  EXPECT_EQ(r.status().message(), (*ds)->uri() +
                                      ": out of memory allocating 1152921504606846976 bytes "
                                      "(max_read_bytes 18446744073709551615)");
}

}  // namespace
}  // namespace cogr
