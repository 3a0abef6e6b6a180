// Replays every input of fuzz/regressions/<bug-class>/<target>-<what> through the same
// cogr::internal::Fuzz* function its fuzzer calls, and checks the hardening promises of the
// README's "Security and robustness" section: caps on what hostile input can make cogr fetch,
// allocate and loop over, each with the exact error a caller sees.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include <unistd.h>

#include "cogr/codec.hpp"
#include "cogr/crs.hpp"
#include "cogr/dataset.hpp"
#include "cogr/io.hpp"
#include "cogr/tiff.hpp"
#include "test_util.hpp"
#include "util/fuzz.hpp"

namespace cogr {
namespace {

namespace fs = std::filesystem;
using internal::FuzzDecode;
using internal::FuzzGeoKeys;
using internal::FuzzOpen;
using internal::FuzzRead;
using test::DataPath;
using test::ReadFileBytes;

fs::path RegressionsDir() {
  return fs::path(COGR_TEST_DATA_DIR).parent_path().parent_path() / "fuzz" / "regressions";
}

std::string Trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// ---- fuzz/regressions ---------------------------------------------------------------------------

// Each regression input has a sibling <file>.expected holding the Status (ToString) the replay
// returns since the fix; a crash, sanitizer report or a different outcome fails the test.
TEST(FuzzRegressions, EveryInputReplaysToItsExpectedStatus) {
  ASSERT_TRUE(fs::is_directory(RegressionsDir())) << RegressionsDir();
  int replayed = 0;
  for (const auto& cls : fs::directory_iterator(RegressionsDir())) {
    if (!cls.is_directory()) continue;
    for (const auto& entry : fs::directory_iterator(cls.path())) {
      const fs::path path = entry.path();
      if (path.extension() == ".expected" || path.extension() == ".md") continue;
      const std::string name = path.filename().string();
      SCOPED_TRACE(cls.path().filename().string() + "/" + name);
      const fs::path expected_path = path.string() + ".expected";
      ASSERT_TRUE(fs::exists(expected_path)) << "missing " << expected_path.filename();
      const std::string target = name.substr(0, name.find('-'));
      const std::vector<uint8_t> bytes = ReadFileBytes(path.string());
      const Status st = internal::FuzzReplay(target, bytes.data(), bytes.size());
      EXPECT_EQ(st.ToString(), Trim(test::ReadFileText(expected_path.string())));
      ++replayed;
    }
  }
  EXPECT_GE(replayed, 1);
}

// ---- the harnesses reach real decoding (a harness that always fails early finds nothing) ----------

TEST(FuzzHarness, OpenWalksARealFile) {
  const auto bytes = ReadFileBytes(DataPath("fixtures/cog_u8_rgb_jpeg_mask_bs256.tif"));
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(FuzzOpen(bytes.data(), bytes.size()).ToString(), "ok");
}

TEST(FuzzHarness, DecodeInputRoundTripsARealTile) {
  const auto file = ReadFileBytes(DataPath("fixtures/dt_uint8_deflate_t128.tif"));
  auto ds = Dataset::Open(io::MemorySource(file));
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  const tiff::Ifd& ifd = (*ds)->tiff().ifds[0];
  codec::BlockInfo info;
  info.compression = ifd.compression();
  info.predictor = ifd.predictor();
  info.width = static_cast<uint32_t>(ifd.block_width());
  info.height = static_cast<uint32_t>(ifd.block_height());
  info.samples = ifd.samples_per_pixel();
  const ByteSpan tile(file.data() + ifd.block_offsets()[0], ifd.block_byte_counts()[0]);
  auto input = internal::EncodeFuzzDecodeInput(info, tile);
  ASSERT_TRUE(input.has_value());
  ASSERT_EQ(input->size(), internal::kFuzzDecodeHeaderBytes + tile.size());
  EXPECT_EQ(FuzzDecode(ifd.compression(), input->data(), input->size()).ToString(), "ok");
  // One byte short of the stream: the codec must notice.
  EXPECT_NE(FuzzDecode(ifd.compression(), input->data(), input->size() - 1).ToString(), "ok");
  // The geometry is part of the input: a taller block no longer matches the stream.
  info.height += 1;
  input = internal::EncodeFuzzDecodeInput(info, tile);
  ASSERT_TRUE(input.has_value());
  EXPECT_EQ(FuzzDecode(ifd.compression(), input->data(), input->size()).code(), Code::kInvalidFile);
}

// Band-interleaved CMYK (libtiff's RGBA conversion of every plane's block at one position):
// the planes' byte counts travel in the input, and the decode gives rasterio's pixels.
TEST(FuzzHarness, DecodeInputRoundTripsBandInterleavedPlanes) {
  const auto file = ReadFileBytes(DataPath("longtail/cmyk_band.tif"));
  auto ds = Dataset::Open(io::MemorySource(file));
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  const tiff::Ifd& ifd = (*ds)->tiff().ifds[0];
  ASSERT_EQ(ifd.planar_config(), 2);
  ASSERT_EQ(ifd.block_offsets().size(), 4u);  // one strip per plane
  codec::BlockInfo info;
  info.compression = ifd.compression();
  info.width = static_cast<uint32_t>(ifd.block_width());
  info.height = static_cast<uint32_t>(ifd.block_height());
  info.samples = 1;
  info.photometric = ifd.photometric();
  ASSERT_TRUE(codec::SetBlockIfd(ifd, info).ok());
  ASSERT_EQ(info.stored_samples, 4u);
  std::vector<uint8_t> planes;
  std::vector<uint64_t> plane_bytes;
  for (size_t p = 0; p < 4; ++p) {
    planes.insert(
        planes.end(), file.begin() + static_cast<ptrdiff_t>(ifd.block_offsets()[p]),
        file.begin() + static_cast<ptrdiff_t>(ifd.block_offsets()[p] + ifd.block_byte_counts()[p]));
    plane_bytes.push_back(ifd.block_byte_counts()[p]);
  }
  info.part_bytes = plane_bytes;
  info.ifd = nullptr;  // the fuzz input carries no IFD
  auto input = internal::EncodeFuzzDecodeInput(info, ByteSpan(planes.data(), planes.size()));
  ASSERT_TRUE(input.has_value());
  ASSERT_EQ(input->size(), internal::kFuzzDecodeHeaderBytes + 12 + planes.size());
  EXPECT_EQ(FuzzDecode(ifd.compression(), input->data(), input->size()).ToString(), "ok");
  // The same bytes decoded directly equal rasterio's recording (pixel-interleaved RGBA).
  std::vector<uint8_t> out(4u * info.width * info.height);
  ASSERT_TRUE(codec::Decode(ByteSpan(planes.data(), planes.size()), out, info).ok());
  const test::Npy npy = test::LoadNpy(DataPath("longtail/cmyk_band.r0.npy"));
  ASSERT_TRUE(npy.ok) << npy.error;
  const size_t pixels = size_t{info.width} * info.height;
  for (size_t i = 0; i < pixels; ++i) {
    for (size_t b = 0; b < 4; ++b)
      ASSERT_EQ(out[i * 4 + b], npy.data[b * pixels + i]) << i << " " << b;
  }
  // The last plane (584 bytes) 40 bytes short: libtiff's inflate runs out of data. (One byte
  // short still decodes: it is the zlib checksum, which libtiff, like GDAL, never reads.)
  EXPECT_EQ(FuzzDecode(ifd.compression(), input->data(), input->size() - 40).code(),
            Code::kInvalidFile);
  // Plane sizes that do not add up to the block are the caller's error.
  plane_bytes[3] += 1;
  EXPECT_EQ(codec::Decode(ByteSpan(planes.data(), planes.size()), out, info).code(),
            Code::kInvalidArgument);
}

// Old-style JPEG strips 0..2 decoded together: the strips' count, rows and byte counts travel
// in the input, and the last strip's rows are rasterio's.
TEST(FuzzHarness, DecodeInputRoundTripsOldJpegStrips) {
  const auto file = ReadFileBytes(DataPath("longtail/ojpeg_ycbcr22_jif_strips.tif"));
  auto ds = Dataset::Open(io::MemorySource(file));
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  const tiff::Ifd& ifd = (*ds)->tiff().ifds[0];
  ASSERT_EQ(ifd.block_offsets().size(), 3u);  // 3 strips of 16 rows
  codec::BlockInfo info;
  info.compression = ifd.compression();
  info.width = static_cast<uint32_t>(ifd.block_width());
  info.samples = ifd.samples_per_pixel();
  info.photometric = ifd.photometric();
  info.ycbcr_subsampling = ifd.ycbcr_subsampling();
  ASSERT_TRUE(codec::SetBlockIfd(ifd, info).ok());
  std::vector<uint8_t> strips;
  std::vector<uint64_t> strip_bytes;
  for (size_t k = 0; k < 3; ++k) {
    strips.insert(
        strips.end(), file.begin() + static_cast<ptrdiff_t>(ifd.block_offsets()[k]),
        file.begin() + static_cast<ptrdiff_t>(ifd.block_offsets()[k] + ifd.block_byte_counts()[k]));
    strip_bytes.push_back(ifd.block_byte_counts()[k]);
  }
  info.part_bytes = strip_bytes;
  info.part_rows = 16;
  info.height = 16;  // the last strip
  std::vector<uint8_t> out(3u * 48 * 16);
  ASSERT_TRUE(codec::Decode(ByteSpan(strips.data(), strips.size()), out, info).ok());
  const test::Npy npy = test::LoadNpy(DataPath("longtail/ojpeg_ycbcr22_jif_strips.r0.npy"));
  ASSERT_TRUE(npy.ok) << npy.error;
  for (size_t i = 0; i < 48 * 16; ++i) {
    for (size_t b = 0; b < 3; ++b)
      ASSERT_EQ(out[i * 3 + b], npy.data[b * 48 * 48 + 32 * 48 + i]) << i << " " << b;
  }
  // The old-style JPEG tables come from the IFD; without it (as in a fuzz input) libtiff finds
  // no JPEG header, so the round trip checks the layout only: the same parts decode the same.
  info.ifd = nullptr;
  auto input = internal::EncodeFuzzDecodeInput(info, ByteSpan(strips.data(), strips.size()));
  ASSERT_TRUE(input.has_value());
  ASSERT_EQ(input->size(), internal::kFuzzDecodeHeaderBytes + 8 + strips.size());
  EXPECT_EQ((*input)[9], (2 << 4) | 1);  // 3 strips of 16 rows
  EXPECT_EQ(FuzzDecode(ifd.compression(), input->data(), input->size()).code(),
            codec::Decode(ByteSpan(strips.data(), strips.size()), out, info).code());
  // More rows than the strips hold is the caller's error.
  info.height = 64;
  out.resize(3u * 48 * 64);
  EXPECT_EQ(codec::Decode(ByteSpan(strips.data(), strips.size()), out, info).code(),
            Code::kInvalidArgument);
}

TEST(FuzzHarness, ReadRequestRoundTripsAndReads) {
  internal::FuzzReadRequest r;
  r.window = geo::Window{-3, 5, 40, 17};
  r.boundless = true;
  r.overview = -2;
  r.mask = true;
  r.no_block_cache = true;
  r.out_shape = std::pair<uint64_t, uint64_t>{256, 1};
  r.resampling = Resampling::kQ3;
  r.bands = {1, 3, 8};
  r.fill = -7;
  r.header_read_bytes = 1024;
  const auto input = internal::EncodeFuzzReadInput(r, {});
  ASSERT_EQ(input.size(), internal::kFuzzReadHeaderBytes);
  const internal::FuzzReadRequest d = internal::DecodeFuzzReadRequest(input.data());
  EXPECT_EQ(d.window, r.window);
  EXPECT_EQ(d.boundless, true);
  EXPECT_EQ(d.overview, -2);
  EXPECT_EQ(d.mask, true);
  EXPECT_EQ(d.no_block_cache, true);
  EXPECT_EQ(d.out_shape, r.out_shape);
  EXPECT_EQ(d.resampling, Resampling::kQ3);
  EXPECT_EQ(d.bands, r.bands);
  EXPECT_EQ(d.fill, -7.0);
  EXPECT_EQ(d.header_read_bytes, 1024u);

  const auto file = ReadFileBytes(DataPath("fixtures/ovr_u8_gtiff_average_t128.tif"));
  ASSERT_FALSE(file.empty());
  internal::FuzzReadRequest ok;
  ok.window = geo::Window{0, 0, 64, 64};
  ok.overview = 0;
  const auto read = internal::EncodeFuzzReadInput(ok, file);
  EXPECT_EQ(FuzzRead(read.data(), read.size()).ToString(), "ok");
  ok.overview = 99;
  const auto bad = internal::EncodeFuzzReadInput(ok, file);
  EXPECT_EQ(FuzzRead(bad.data(), bad.size()).code(), Code::kOutOfRange);
}

TEST(FuzzHarness, GeoKeysInputReachesTheCrs) {
  const auto file = ReadFileBytes(DataPath("fixtures/crs_custom_lcc.tif"));
  auto ds = Dataset::Open(io::MemorySource(file));
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  const auto input = internal::EncodeFuzzGeoKeysInput((*ds)->tiff().ifds[0]);
  const Status st = FuzzGeoKeys(input.data(), input.size());
  if (geo::Crs::FromEpsg(4326).ok()) {
    EXPECT_EQ(st.ToString(), "ok");
  } else {  // built without PROJ
    EXPECT_EQ(st.code(), Code::kUnsupported) << st.ToString();
  }
  // Fewer directory values than the header promises.
  const std::vector<uint8_t> short_dir = {3, 0, 1, 0, 1, 0, 0, 0};
  EXPECT_EQ(
      FuzzGeoKeys(short_dir.data(), short_dir.size()).ToString(),
      "invalid_file: IFD at offset 0: GeoKeyDirectory has 3 values, the header alone needs 4");
}

std::vector<uint8_t> GeoJsonInput(std::vector<uint8_t> header, const std::string& text) {
  header.insert(header.end(), text.begin(), text.end());
  return header;
}

TEST(FuzzHarness, GeoJsonInputReachesTheRasterizer) {
  // A 4x4 square on a 10x10 identity grid, padded by 1 pixel.
  const auto input = GeoJsonInput(
      {9, 9, 0, 1}, R"({"type":"Polygon","coordinates":[[[2,2],[6,2],[6,6],[2,6],[2,2]]]})");
  EXPECT_EQ(internal::FuzzGeoJson(input.data(), input.size()).ToString(), "ok");
  const auto bad =
      GeoJsonInput({9, 9, 0, 0}, R"({"type":"Polygon","coordinates":[[[2,2],[6,2]]]})");
  EXPECT_EQ(internal::FuzzGeoJson(bad.data(), bad.size()).ToString(),
            "invalid_argument: GeoJSON: Polygon ring 0 has 2 positions, needs at least 4");
  const auto outside = GeoJsonInput({9, 9, 0, 0}, R"({"type":"Point","coordinates":[50,50]})");
  EXPECT_EQ(internal::FuzzGeoJson(outside.data(), outside.size()).ToString(),
            "invalid_argument: Input shapes do not overlap raster.");
}

// ---- a tiny classic little-endian TIFF writer for hostile layouts --------------------------------

struct Entry {
  uint16_t code;
  uint16_t type;
  uint32_t count;
  uint32_t value;  // inline value (left-aligned SHORT/LONG) or offset
};

class TiffWriter {
 public:
  TiffWriter() : bytes_{'I', 'I', 42, 0, 0, 0, 0, 0} {}
  uint32_t size() const { return static_cast<uint32_t>(bytes_.size()); }
  // Appends raw bytes (word-aligned), returns their offset.
  uint32_t Blob(const std::vector<uint8_t>& b) {
    if (bytes_.size() % 2) bytes_.push_back(0);
    const uint32_t at = size();
    bytes_.insert(bytes_.end(), b.begin(), b.end());
    return at;
  }
  // Appends an IFD; links it from the header (first) or the previous IFD. With `backwards`, the
  // header points at the new IFD and the new IFD at the previous one instead, so the chain runs
  // from the end of the file to its start. Returns its offset.
  uint32_t Ifd(const std::vector<Entry>& entries, bool backwards = false) {
    if (bytes_.size() % 2) bytes_.push_back(0);
    const uint32_t at = size();
    Put16(static_cast<uint16_t>(entries.size()));
    for (const Entry& e : entries) {
      Put16(e.code);
      Put16(e.type);
      Put32(e.count);
      Put32(e.value);
    }
    Put32(backwards ? last_ifd_ : 0);
    if (backwards) {
      Patch32(4, at);
    } else {
      Patch32(next_link_, at);
      next_link_ = size() - 4;
    }
    last_ifd_ = at;
    return at;
  }
  const std::vector<uint8_t>& bytes() const { return bytes_; }

 private:
  void Put16(uint16_t v) {
    bytes_.push_back(static_cast<uint8_t>(v));
    bytes_.push_back(static_cast<uint8_t>(v >> 8));
  }
  void Put32(uint32_t v) {
    for (int i = 0; i < 4; ++i) bytes_.push_back(static_cast<uint8_t>(v >> (8 * i)));
  }
  void Patch32(uint32_t at, uint32_t v) {
    for (int i = 0; i < 4; ++i)
      bytes_[at + static_cast<uint32_t>(i)] = static_cast<uint8_t>(v >> (8 * i));
  }
  std::vector<uint8_t> bytes_;
  uint32_t next_link_ = 4;
  uint32_t last_ifd_ = 0;
};

constexpr uint16_t kShort = 3, kLong = 4;

// A 1-strip uint8 image of w x h whose pixels are at `data` (w * h bytes).
std::vector<Entry> StripImage(uint32_t w, uint32_t h, uint32_t data, uint32_t subfile_type = 0) {
  return {{254, kLong, 1, subfile_type},
          {256, kLong, 1, w},
          {257, kLong, 1, h},
          {258, kShort, 1, 8},
          {273, kLong, 1, data},
          {277, kShort, 1, 1},
          {278, kLong, 1, h},
          {279, kLong, 1, w * h}};
}

Result<std::shared_ptr<Dataset>> OpenBytes(std::vector<uint8_t> bytes, const Limits& limits = {}) {
  OpenOptions options;
  options.limits = limits;
  return Dataset::Open(io::MemorySource(std::move(bytes), "hostile.tif"), options);
}

// ---- tiny and huge garbage -----------------------------------------------------------------

TEST(Hardening, FourByteFileIsNotATiff) {
  auto ds = OpenBytes({'a', 'b', 'c', 'd'});
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().ToString(),
            "invalid_file: hostile.tif: not a TIFF file (bad magic 61 62 63 64)");
}

TEST(Hardening, FourByteTiffMagicIsTruncated) {
  auto ds = OpenBytes({'I', 'I', 42, 0});
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().ToString(),
            "invalid_file: hostile.tif: truncated header (4 bytes, classic TIFF needs 8)");
}

// A source that counts the bytes it hands out, so "fails fast" is asserted on work done, not time.
class CountingSource : public io::Source {
 public:
  explicit CountingSource(std::shared_ptr<io::Source> inner) : inner_(std::move(inner)) {}
  Result<size_t> ReadAt(uint64_t offset, MutableByteSpan out) const override {
    bytes_read_ += out.size();
    return inner_->ReadAt(offset, out);
  }
  uint64_t size() const override { return inner_->size(); }
  const std::string& uri() const override { return inner_->uri(); }
  uint64_t bytes_read() const { return bytes_read_; }

 private:
  std::shared_ptr<io::Source> inner_;
  mutable std::atomic<uint64_t> bytes_read_{0};
};

class GarbageFile : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = fs::temp_directory_path() / ("cogr_garbage_" + std::to_string(::getpid()) + ".bin");
    std::mt19937_64 rng(20240607);
    std::vector<uint64_t> chunk(1 << 17);  // 1 MiB
    std::ofstream out(path_, std::ios::binary);
    for (int mib = 0; mib < 100; ++mib) {
      for (auto& v : chunk) v = rng();
      if (mib == 0 && with_tiff_magic_) {
        // "II*\0" + first IFD at 64 MiB: the parser must still fail on the garbage it finds.
        chunk[0] = 0x04000000002a4949ull;  // little-endian bytes 49 49 2a 00, then 0x04000000
      }
      out.write(reinterpret_cast<const char*>(chunk.data()),
                static_cast<std::streamsize>(chunk.size() * 8));
    }
  }
  void TearDown() override { fs::remove(path_); }
  fs::path path_;
  bool with_tiff_magic_ = false;
};

TEST_F(GarbageFile, HundredMegabytesOfGarbageFailFast) {
  ASSERT_EQ(fs::file_size(path_), 100ull << 20);
  auto file = io::OpenFile(path_.string());
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  auto counting = std::make_shared<CountingSource>(std::move(file).value());
  auto ds = Dataset::Open(counting);
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().code(), Code::kInvalidFile);
  EXPECT_NE(ds.status().message().find("not a TIFF file (bad magic"), std::string::npos)
      << ds.status().ToString();
  EXPECT_LE(counting->bytes_read(), 64u * 1024);  // the first read only
}

class GarbageTiff : public GarbageFile {
 protected:
  void SetUp() override {
    with_tiff_magic_ = true;
    GarbageFile::SetUp();
  }
};

TEST_F(GarbageTiff, HundredMegabytesBehindATiffMagicFailFast) {
  auto file = io::OpenFile(path_.string());
  ASSERT_TRUE(file.ok());
  auto counting = std::make_shared<CountingSource>(std::move(file).value());
  auto ds = Dataset::Open(counting);
  ASSERT_FALSE(ds.ok());
  EXPECT_TRUE(ds.status().code() == Code::kInvalidFile ||
              ds.status().code() == Code::kLimitExceeded)
      << ds.status().ToString();
  EXPECT_LT(counting->bytes_read(), 1u << 20) << ds.status().ToString();
}

// ---- many IFDs, many tags ---------------------------------------------------------------------

// `n` IFDs: a 2x2 image, then n - 1 reduced-resolution 1x1 images (so Dataset makes n levels).
std::vector<uint8_t> ManyIfds(int n) {
  TiffWriter w;
  const uint32_t pixels = w.Blob({1, 2, 3, 4});
  w.Ifd(StripImage(2, 2, pixels));
  for (int i = 1; i < n; ++i) w.Ifd(StripImage(1, 1, pixels + static_cast<uint32_t>(i % 4), 1));
  return w.bytes();
}

TEST(Hardening, FourThousandIfdsOpen) {
  auto ds = OpenBytes(ManyIfds(4000));
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ((*ds)->tiff().ifds.size(), 4000u);
  EXPECT_EQ((*ds)->levels().size(), 4000u);
  ReadOptions options;
  options.overview = 3998;
  auto a = (*ds)->Read(options);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_EQ(a->data.size(), 1u);
  EXPECT_EQ(a->data[0], 4);  // IFD 3999 points at pixel 3999 % 4
}

TEST(Hardening, FourThousandIfdsChainedBackwardsOpen) {
  // Each IFD sits before the previous one: every step of the chain needs bytes not fetched yet.
  TiffWriter w;
  const uint32_t pixels = w.Blob({1, 2, 3, 4});
  for (int i = 3999; i >= 1; --i)
    w.Ifd(StripImage(1, 1, pixels + static_cast<uint32_t>(i % 4), 1), true);
  w.Ifd(StripImage(2, 2, pixels), true);
  auto ds = OpenBytes(w.bytes());
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ((*ds)->tiff().ifds.size(), 4000u);
  // Bytes fetched stay proportional to the file, not to IFDs x file.
  EXPECT_LE((*ds)->tiff().header_bytes_fetched, 4 * w.bytes().size());
  ReadOptions options;
  options.overview = 3998;
  auto a = (*ds)->Read(options);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->data[0], 4);
}

TEST(Hardening, IfdCountIsCapped) {
  auto ds = OpenBytes(ManyIfds(5000));
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().ToString(),
            "limit_exceeded: hostile.tif: more than 4096 IFDs (limit 4096)");
  Limits limits;
  limits.max_ifds = 100;
  ds = OpenBytes(ManyIfds(4000), limits);
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().ToString(), "limit_exceeded: hostile.tif: more than 100 IFDs (limit 100)");
}

// One IFD with the image's tags plus `extra` private tags (code 65000, raw, never decoded).
std::vector<uint8_t> ManyTags(int extra) {
  TiffWriter w;
  const uint32_t pixels = w.Blob({9});
  std::vector<Entry> entries = StripImage(1, 1, pixels);
  for (int i = 0; i < extra; ++i) entries.push_back({65000, kShort, 1, 0});
  w.Ifd(entries);
  return w.bytes();
}

TEST(Hardening, TagCountIsCapped) {
  auto ds = OpenBytes(ManyTags(4096 - 8));
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_EQ((*ds)->tiff().ifds[0].entries().size(), 4096u);
  ds = OpenBytes(ManyTags(4096 - 7));
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().ToString(),
            "limit_exceeded: hostile.tif: IFD at offset 10: 4097 entries > limit 4096");
}

TEST(Hardening, TagBytesAreCapped) {
  // ImageDescription of 4 KiB under a 1 KiB cap.
  TiffWriter w;
  const uint32_t pixels = w.Blob({9});
  const uint32_t text = w.Blob(std::vector<uint8_t>(4096, 'x'));
  std::vector<Entry> entries = StripImage(1, 1, pixels);
  entries.push_back({270, 2, 4096, text});
  w.Ifd(entries);
  Limits limits;
  limits.max_tag_bytes = 1024;
  auto ds = OpenBytes(w.bytes(), limits);
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(
      ds.status().ToString(),
      "limit_exceeded: hostile.tif: IFD at offset 4106: tag 270 count 4096 x 1 bytes = 4096 > limit 1024");
}

// `ifds` IFDs of a 512x512 image in 1x1 tiles (262144 blocks each), all sharing one table of
// tile offsets and byte counts: 1 MiB of file decodes to 4 MiB of block table per IFD.
std::vector<uint8_t> SharedBlockTables(int ifds) {
  TiffWriter w;
  std::vector<uint8_t> table(262144 * 4, 0);  // offsets 0 = sparse tiles
  const uint32_t at = w.Blob(table);
  for (int i = 0; i < ifds; ++i) {
    w.Ifd({{254, kLong, 1, i ? 1u : 0u},
           {256, kLong, 1, 512},
           {257, kLong, 1, 512},
           {258, kShort, 1, 8},
           {322, kShort, 1, 1},
           {323, kShort, 1, 1},
           {324, kLong, 262144, at},
           {325, kLong, 262144, at}});
  }
  return w.bytes();
}

TEST(Hardening, DecodedHeaderCountsTowardMaxHeaderBytes) {
  // Fetched bytes alone (1 MiB) stay far below the cap; what the IFDs decode to does not.
  // (Tables loaded at open: lazy tables, the default for large ones, decode to nothing.)
  Limits limits;
  limits.max_header_bytes = 16ull << 20;
  limits.lazy_block_table_bytes = UINT64_MAX;
  auto ds = OpenBytes(SharedBlockTables(8), limits);
  ASSERT_FALSE(ds.ok());
  EXPECT_EQ(ds.status().code(), Code::kLimitExceeded) << ds.status().ToString();
  // Tables: [8, 1048584); IFDs of 102 bytes follow. Each IFD decodes to 2 x 262144 x 8 bytes of
  // block table (+ entries), so the fourth (IFD 3) passes 16 MiB whatever was fetched.
  const std::string prefix =
      "limit_exceeded: hostile.tif: TIFF header decodes to more than limit 16777216 bytes "
      "(IFD 3 at offset 1048890 brings it to ";
  EXPECT_EQ(ds.status().ToString().substr(0, prefix.size()), prefix) << ds.status().ToString();
  // The same file within the cap opens.
  ds = OpenBytes(SharedBlockTables(2), limits);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  // With lazy tables (the default) the 8 IFDs open: their tables stay in the file.
  limits.lazy_block_table_bytes = Limits().lazy_block_table_bytes;
  ds = OpenBytes(SharedBlockTables(8), limits);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  EXPECT_TRUE((*ds)->tiff().ifds[7].lazy_offsets().has_value());
}

// ---- caps of one read ----------------------------------------------------------------------

TEST(Hardening, ReadBytesAreCapped) {
  Limits limits;
  limits.max_read_bytes = 1000;
  auto ds = OpenBytes(ReadFileBytes(DataPath("fixtures/dt_uint8_deflate_t128.tif")), limits);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  ReadOptions options;
  options.window = geo::Window{0, 0, 40, 25};
  EXPECT_TRUE((*ds)->Read(options).ok());  // exactly 1000 bytes
  options.window = geo::Window{0, 0, 40, 26};
  auto a = (*ds)->Read(options);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(
      a.status().ToString(),
      "limit_exceeded: hostile.tif: read of 1 x 26 x 40 samples (1040 bytes) exceeds max_read_bytes 1000");
}

TEST(Hardening, DecodedBlockBytesAreCapped) {
  Limits limits;
  limits.max_block_bytes = 128 * 128 - 1;  // one 128x128 uint8 tile is 16384 bytes
  auto ds = OpenBytes(ReadFileBytes(DataPath("fixtures/dt_uint8_deflate_t128.tif")), limits);
  ASSERT_TRUE(ds.ok()) << ds.status().ToString();
  ReadOptions options;
  options.window = geo::Window{0, 0, 1, 1};
  auto a = (*ds)->Read(options);
  ASSERT_FALSE(a.ok());
  EXPECT_EQ(a.status().code(), Code::kLimitExceeded) << a.status().ToString();
  EXPECT_NE(
      a.status().message().find(
          "IFD 0: a 128 x 128 block of 1 samples per pixel decodes to 16384 bytes > max_block_bytes 16383"),
      std::string::npos)
      << a.status().ToString();
}

}  // namespace
}  // namespace cogr
