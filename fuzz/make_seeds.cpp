// cogr_fuzz_seeds DATA_DIR OUT_DIR: builds the seed corpora of every fuzz target from the TIFF
// files under DATA_DIR (tests/data, recursively), using cogr's own parser:
//   OUT_DIR/tiff_open/      the files themselves (the header part of large ones)
//   OUT_DIR/read_window/    files prefixed with a few read requests (util/fuzz.hpp layout),
//                           their GeoKeys hidden (see WithoutGeoKeys)
//   OUT_DIR/decode_<codec>/ stored blocks with their geometry header, per compression
//   OUT_DIR/geokeys_crs/    the GeoTIFF tags of every georeferenced file
//   OUT_DIR/geojson/        GeoJSON documents of every type on a few grids (synthetic)
//   OUT_DIR/catalog_header/ each file's stored header and footprint, as a catalog keeps them
// Run by fuzz/make_corpus.sh; the output is regenerated each run, never committed.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "cogr/codec.hpp"
#include "cogr/tiff.hpp"
#include "tiff/ifd_fields.hpp"
#include "tiff/ifd_parse.hpp"
#include "util/fuzz.hpp"

#ifdef COGR_FUZZ_SEEDS_HAVE_LERC
#include <Lerc_c_api.h>
#endif
#ifdef COGR_FUZZ_SEEDS_HAVE_LZMA
#include <lzma.h>
#endif

namespace fs = std::filesystem;
using cogr::ByteRange;
using cogr::Result;

namespace {

// Files above this size seed tiff_open with their first bytes only (their IFDs come first when
// they are COGs; the fuzzer's time is better spent on small inputs) and are not used whole for
// read_window.
constexpr size_t kMaxWholeSeed = 160 * 1024;
constexpr size_t kHeaderSeedBytes = 64 * 1024;
constexpr int kBlocksPerIfd = 3;
constexpr size_t kMaxIfds = 3;

const std::map<uint16_t, std::string> kCodecTargets = {
    {1, "none"},        {5, "lzw"},          {7, "jpeg"},       {8, "deflate"},
    {32946, "deflate"}, {32773, "packbits"}, {34887, "lerc"},   {34925, "lzma"},
    {50000, "zstd"},    {50001, "webp"},     {2, "ccittrle"},   {3, "ccittfax3"},
    {4, "ccittfax4"},   {6, "ojpeg"},        {34676, "sgilog"}, {34677, "sgilog24"},
};

int g_written = 0;

void Write(const fs::path& dir, const std::string& name, const std::vector<uint8_t>& bytes) {
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  ++g_written;
}

std::vector<uint8_t> ReadAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

void SeedBlocks(const std::string& stem, const cogr::tiff::TiffFile& tf,
                const std::vector<uint8_t>& file, const fs::path& out) {
  for (size_t i = 0; i < tf.ifds.size() && i < kMaxIfds; ++i) {
    const cogr::tiff::Ifd& ifd = tf.ifds[i];
    auto target = kCodecTargets.find(ifd.compression());
    if (target == kCodecTargets.end()) continue;
    cogr::codec::BlockInfo info;
    info.compression = ifd.compression();
    info.predictor = ifd.predictor();
    info.width = static_cast<uint32_t>(ifd.block_width());
    info.samples = ifd.planar_config() == 2 ? uint16_t{1} : ifd.samples_per_pixel();
    info.bits_per_sample = ifd.bits_per_sample()[0];
    info.sample_format = ifd.sample_format()[0];
    info.big_endian = tf.header.byte_order == cogr::tiff::ByteOrder::kBig;
    info.photometric = ifd.photometric();
    info.ycbcr_subsampling = ifd.ycbcr_subsampling();
    info.jpeg_tables = cogr::ByteSpan(ifd.jpeg_tables().data(), ifd.jpeg_tables().size());
    info.lerc_parameters = ifd.lerc_parameters();
    // libtiff's RGBA conversion (YCbCr outside JPEG, CMYK): the seed asks for it too. The IFD's
    // own tags (FillOrder, old-style JPEG tables) do not travel in a decode input.
    if (!cogr::codec::SetBlockIfd(ifd, info).ok()) continue;
    info.ifd = nullptr;
    // A band-interleaved image converted to RGBA decodes every plane's block at once.
    const bool joined = info.stored_samples != 0 && ifd.planar_config() == 2;
    const uint64_t per_plane = std::max<uint64_t>(1, ifd.blocks_across() * ifd.blocks_down());
    const uint64_t planes = joined ? ifd.samples_per_pixel() : 1;
    int seeded = 0;
    for (size_t b = 0; b < ifd.block_offsets().size() && seeded < kBlocksPerIfd; ++b) {
      std::vector<uint8_t> bytes;
      std::vector<uint64_t> plane_bytes;
      for (uint64_t p = 0; p < planes; ++p) {
        const uint64_t k = b + p * per_plane;
        if (k >= ifd.block_offsets().size() || k >= ifd.block_byte_counts().size()) break;
        const uint64_t offset = ifd.block_offsets()[k], length = ifd.block_byte_counts()[k];
        if (offset == 0 || length == 0 || offset > file.size() || length > file.size() - offset)
          break;
        bytes.insert(bytes.end(), file.begin() + static_cast<ptrdiff_t>(offset),
                     file.begin() + static_cast<ptrdiff_t>(offset + length));
        plane_bytes.push_back(length);
      }
      if (plane_bytes.size() != planes) continue;
      if (joined) info.part_bytes = plane_bytes;
      const uint64_t row =
          (b % per_plane) / std::max<uint64_t>(1, ifd.blocks_across()) * ifd.block_height();
      info.height = static_cast<uint32_t>(
          ifd.tiled() ? ifd.block_height() : std::min(ifd.block_height(), ifd.height() - row));
      auto input =
          cogr::internal::EncodeFuzzDecodeInput(info, cogr::ByteSpan(bytes.data(), bytes.size()));
      if (!input) continue;
      Write(out / ("decode_" + target->second),
            stem + "-ifd" + std::to_string(i) + "-block" + std::to_string(b), *input);
      ++seeded;
    }
  }
}

// Renames every GeoKeyDirectory tag (34735) to the private tag 65000: a user-defined CRS costs
// Dataset::Open up to a second in PROJ (proj_identify), which would starve the read path of the
// fuzzer's time. GeoKeys -> CRS has its own target (geokeys_crs).
std::vector<uint8_t> WithoutGeoKeys(const cogr::tiff::TiffFile& tf, std::vector<uint8_t> file) {
  const bool big = tf.header.byte_order == cogr::tiff::ByteOrder::kBig;
  const uint64_t count_size = tf.header.bigtiff ? 8 : 2, entry_size = tf.header.bigtiff ? 20 : 12;
  for (const cogr::tiff::Ifd& ifd : tf.ifds) {
    for (size_t i = 0; i < ifd.entries().size(); ++i) {
      if (ifd.entries()[i].code != 34735) continue;
      const uint64_t at = ifd.offset() + count_size + i * entry_size;
      if (at + 2 > file.size()) continue;
      file[at] = big ? 0xfd : 0xe8;  // 65000 = 0xfde8
      file[at + 1] = big ? 0xe8 : 0xfd;
    }
  }
  return file;
}

void SeedReads(const std::string& stem, const cogr::tiff::TiffFile& tf,
               const std::vector<uint8_t>& raw, const fs::path& out) {
  using cogr::internal::FuzzReadRequest;
  const std::vector<uint8_t> file = WithoutGeoKeys(tf, raw);
  const cogr::tiff::Ifd& main = tf.ifds[0];
  const double w = static_cast<double>(std::min<uint64_t>(main.width(), 64));
  const double h = static_cast<double>(std::min<uint64_t>(main.height(), 64));
  std::vector<std::pair<std::string, FuzzReadRequest>> requests;
  FuzzReadRequest r;
  r.window = cogr::geo::Window{0, 0, w, h};
  requests.emplace_back("window", r);
  r = FuzzReadRequest{};
  r.window = cogr::geo::Window{1, 3, w - 1, h - 3};
  r.no_block_cache = true;  // the read path without a cache (JPEG decodes by rows)
  requests.emplace_back("window-nocache", r);
  r = FuzzReadRequest{};
  r.out_shape = std::pair<uint64_t, uint64_t>{32, 24};
  r.resampling = cogr::Resampling::kBilinear;
  r.bands = {1};
  r.header_read_bytes = 1024;  // small first read: the NeedBytes loop runs
  requests.emplace_back("outshape", r);
  r = FuzzReadRequest{};
  r.window = cogr::geo::Window{-8, -8, w, h};
  r.boundless = true;
  r.mask = true;
  r.fill = 7;
  requests.emplace_back("mask-boundless", r);
  if (tf.ifds.size() > 1) {
    r = FuzzReadRequest{};
    r.overview = 0;
    r.window = cogr::geo::Window{0, 0, 16, 16};
    requests.emplace_back("overview", r);
  }
  for (const auto& [name, request] : requests) {
    Write(out / "read_window", stem + "-" + name,
          cogr::internal::EncodeFuzzReadInput(request, file));
  }
}

// GeoJSON documents of every type, each on a few grids (FuzzGeoJson header: width-1,
// height-1, flags, pad).
void SeedGeoJson(const fs::path& out) {
  const std::pair<const char*, const char*> docs[] = {
      {"point", R"({"type":"Point","coordinates":[3.5,-2.25]})"},
      {"line", R"({"type":"LineString","coordinates":[[-9,9],[0,0],[9.5,-3]]})"},
      {"polygon-hole",
       R"({"type":"Polygon","coordinates":[[[-8,8],[8,8],[8,-8],[-8,-8],[-8,8]],[[-2,2],[2,2],[2,-2],[-2,2]]]})"},
      {"multipolygon",
       R"({"type":"MultiPolygon","coordinates":[[[[0,0],[4,0],[4,4],[0,0]]],[[[-5,-5],[-1,-5],[-1,-1],[-5,-5]]]]})"},
      {"multipoint", R"({"type":"MultiPoint","coordinates":[[1,1],[2,-3]]})"},
      {"multiline", R"({"type":"MultiLineString","coordinates":[[[0,0],[1,5]],[[2,2],[-3,4]]]})"},
      {"collection",
       R"({"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[0,0]},{"type":"GeometryCollection","geometries":[]}]})"},
      {"feature",
       R"({"type":"Feature","properties":{"a":1},"geometry":{"type":"Point","coordinates":[1,2]}})"},
      {"featurecollection",
       R"({"type":"FeatureCollection","features":[{"type":"Feature","geometry":null,"properties":null},)"
       R"({"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[-170,80],[170,80],[0,-80],[-170,80]]]}}]})"},
  };
  // 0.5-unit pixels over x [-10, 22), y (-22, 10]; the same with all_touched and pad; a
  // 1-degree world grid with invert; a rotated grid.
  const uint8_t headers[][4] = {{63, 63, 1 << 2, 0},
                                {63, 63, 1 | (1 << 2), 1},
                                {255, 179, 2 | (2 << 2), 0},
                                {31, 31, 3 << 2, 2}};
  for (const auto& [name, text] : docs) {
    for (size_t h = 0; h < std::size(headers); ++h) {
      std::vector<uint8_t> input(headers[h], headers[h] + 4);
      input.insert(input.end(), text, text + std::strlen(text));
      Write(out / "geojson", std::string(name) + "-grid" + std::to_string(h), input);
    }
  }
}

#ifdef COGR_FUZZ_SEEDS_HAVE_LERC
// LERC2 blobs of every version, made by liblerc (tests/data holds version 4 float tiles only):
// lookup-table and plain blocks, raw values, several values per pixel, several bands with masks
// of their own, Huffman-coded bytes and lossless float planes.
void SeedLerc(const fs::path& out) {
  constexpr int kW = 24, kH = 20;
  struct Case {
    const char* name;
    int version;
    unsigned int type;  // liblerc's: 1 uint8, 3 uint16, 6 float32
    int depth, bands;
    bool masked;
    double max_z;
    bool noise = false;  // bytes no block coding shrinks: raw values
  };
  const Case cases[] = {
      {"u16-lut", 2, 3, 1, 1, true, 0.5},
      {"u16-lut", 3, 3, 1, 1, true, 0.5},
      {"u16-lut", 4, 3, 1, 1, true, 0.5},
      {"u16-depth3-diff", 5, 3, 3, 1, true, 0.5},
      {"u16-depth3", 6, 3, 3, 1, false, 0.5},
      {"f32-lossy", 5, 6, 1, 1, true, 0.01},
      {"f32-lossless-planes", 6, 6, 1, 1, false, 0},
      {"f32-3bands-masks", 5, 6, 1, 3, true, 0.01},
      {"f32-3bands-masks", 6, 6, 1, 3, true, 0.01},
      {"u8-rgb-huffman", 6, 1, 3, 1, false, 0.5},
      {"u8-raw", 3, 1, 1, 1, false, 0.5, true},
  };
  for (const Case& c : cases) {
    const size_t n = size_t{kW} * kH * c.depth * c.bands;
    std::vector<uint8_t> raw(n * (c.type == 6 ? 4 : c.type == 3 ? 2 : 1));
    for (size_t i = 0; i < n; ++i) {
      const double v = (i % 9 < 6) ? 40 + i % 3 : std::fmod(i * 7.31, 200.0);
      if (c.type == 6) {
        const float f = static_cast<float>(v * 0.37 + std::sin(double(i)));
        std::memcpy(raw.data() + 4 * i, &f, 4);
      } else if (c.type == 3) {
        const uint16_t u = static_cast<uint16_t>(v * 50);
        std::memcpy(raw.data() + 2 * i, &u, 2);
      } else {
        raw[i] = static_cast<uint8_t>(c.noise ? (i * 2654435761u) >> 13 : size_t(v));
      }
    }
    std::vector<uint8_t> valid(size_t{kW} * kH * c.bands, 1);
    for (size_t k = 0; k < valid.size(); ++k) valid[k] = k % (11 + k / (kW * kH)) != 0;
    std::vector<uint8_t> blob(raw.size() * 2 + 4096);
    unsigned int written = 0;
    if (lerc_encodeForVersion(raw.data(), c.version, c.type, c.depth, kW, kH, c.bands,
                              c.masked ? c.bands : 0, c.masked ? valid.data() : nullptr, c.max_z,
                              blob.data(), static_cast<unsigned int>(blob.size()), &written) != 0) {
      continue;
    }
    blob.resize(written);
    cogr::codec::BlockInfo info;
    info.width = kW;
    info.height = kH;
    info.samples = static_cast<uint16_t>(c.depth * c.bands);
    info.bits_per_sample = c.type == 6 ? 32 : c.type == 3 ? 16 : 8;
    info.sample_format = c.type == 6 ? 3 : 1;
    info.lerc_parameters = {4, 0};
    auto input = cogr::internal::EncodeFuzzDecodeInput(info, blob);
    if (input) {
      Write(out / "decode_lerc",
            std::string("synthetic-") + c.name + "-v" + std::to_string(c.version), *input);
    }
  }
}
#endif

void SeedSynthetic(const fs::path& out) {
  SeedGeoJson(out);
#ifdef COGR_FUZZ_SEEDS_HAVE_LZMA
  // A 32 x 16 uint8 gradient as an .xz stream, the way libtiff writes LZMA tiles.
  std::vector<uint8_t> raw(32 * 16);
  for (size_t i = 0; i < raw.size(); ++i) raw[i] = static_cast<uint8_t>(i * 7);
  std::vector<uint8_t> xz(raw.size() + 1024);
  size_t xz_len = 0;
  if (lzma_easy_buffer_encode(6, LZMA_CHECK_NONE, nullptr, raw.data(), raw.size(), xz.data(),
                              &xz_len, xz.size()) == LZMA_OK) {
    xz.resize(xz_len);
    cogr::codec::BlockInfo info;
    info.width = 32;
    info.height = 16;
    auto input = cogr::internal::EncodeFuzzDecodeInput(info, xz);
    if (input) Write(out / "decode_lzma", "synthetic-u8-32x16", *input);
    info.predictor = 2;
    input = cogr::internal::EncodeFuzzDecodeInput(info, xz);
    if (input) Write(out / "decode_lzma", "synthetic-u8-32x16-pred2", *input);
  }
#endif
#ifdef COGR_FUZZ_SEEDS_HAVE_LERC
  SeedLerc(out);
#endif
  // A few GeoKeys directories no file of tests/data has: user-defined geographic CRS with an
  // ellipsoid by axes, and a user-defined Transverse Mercator.
  cogr::tiff::Ifd ifd;
  cogr::internal::IfdFields& fields = cogr::internal::MutableFields(ifd);
  fields.geokey_directory = {1,    1, 0,    6,     1024, 0,     1,    2, 1025, 0,
                             1,    1, 2048, 0,     1,    32767, 2050, 0, 1,    32767,
                             2056, 0, 1,    32767, 2057, 34736, 1,    0};
  fields.geo_double_params = {6378137.0};
  Write(out / "geokeys_crs", "synthetic-user-geographic",
        cogr::internal::EncodeFuzzGeoKeysInput(ifd));
  fields.geokey_directory = {1,    1, 0, 8,    1024, 0,     1, 1,     1025, 0,     1, 1,
                             2048, 0, 1, 4326, 3072, 0,     1, 32767, 3074, 0,     1, 32767,
                             3075, 0, 1, 1,    3080, 34736, 1, 0,     3092, 34736, 1, 1};
  fields.geo_double_params = {-75.0, 0.9996};
  Write(out / "geokeys_crs", "synthetic-user-tm", cogr::internal::EncodeFuzzGeoKeysInput(ifd));
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: %s DATA_DIR OUT_DIR\n", argv[0]);
    return 2;
  }
  const fs::path data_dir = argv[1], out = argv[2];
  std::vector<fs::path> files;
  for (const auto& entry : fs::recursive_directory_iterator(data_dir)) {
    const std::string ext = entry.path().extension().string();
    if (entry.is_regular_file() && (ext == ".tif" || ext == ".tiff")) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& path : files) {
    const std::vector<uint8_t> file = ReadAll(path);
    // Sub-folder in the name: tests/data/malformed/x.tif → malformed_x.
    std::string stem = fs::relative(path, data_dir).replace_extension().string();
    std::replace(stem.begin(), stem.end(), '/', '_');
    const bool whole = file.size() <= kMaxWholeSeed;
    Write(out / "tiff_open", stem,
          whole ? file : std::vector<uint8_t>(file.begin(), file.begin() + kHeaderSeedBytes));
    cogr::tiff::FetchFn fetch = [&file](ByteRange r) -> Result<std::vector<uint8_t>> {
      if (r.offset > file.size() || r.length > file.size() - r.offset) {
        return cogr::Status::InvalidFile("outside the file");
      }
      return std::vector<uint8_t>(file.begin() + static_cast<ptrdiff_t>(r.offset),
                                  file.begin() + static_cast<ptrdiff_t>(r.offset + r.length));
    };
    auto tf = cogr::tiff::Open(fetch, file.size(), cogr::Limits{});
    if (!tf.ok() || tf->ifds.empty()) {
      std::fprintf(stderr, "%s: %s (seeds tiff_open only)\n", path.c_str(),
                   tf.status().ToString().c_str());
      continue;
    }
    if (whole) {
      const auto catalog_inputs = cogr::internal::EncodeFuzzCatalogInputs(file);
      for (size_t i = 0; i < catalog_inputs.size(); ++i) {
        Write(out / "catalog_header", stem + (i == 0 ? "-header" : "-footprint"),
              catalog_inputs[i]);
      }
    }
    SeedBlocks(stem, *tf, file, out);
    if (whole) SeedReads(stem, *tf, file, out);
    if (!tf->ifds[0].geokey_directory().empty()) {
      Write(out / "geokeys_crs", stem, cogr::internal::EncodeFuzzGeoKeysInput(tf->ifds[0]));
    }
  }
  SeedSynthetic(out);
  std::printf("cogr_fuzz_seeds: %d seed files from %zu TIFFs in %s\n", g_written, files.size(),
              out.c_str());
  return 0;
}
