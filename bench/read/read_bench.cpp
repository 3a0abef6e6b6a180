// Whole-image and windowed reads of large COGs through cogr, next to the same reads through
// libtiff (TIFFReadEncodedTile + copy into the (bands, height, width) array) and to the raw
// single-core speed of the codec libraries on the same tile bytes (libdeflate / zstd /
// libjpeg-turbo + predictor undo). A summary table with the ratios is printed at the end.
//
// The files are generated on first use (smooth field + noise, 512 x 512 tiles) with cogr's
// writer (libtiff for the JPEG one) and kept in $COGR_BENCH_DIR (default: <build>/bench_data),
// so reruns start at once:
//   u16_deflate_p2   uint16, deflate level 6, predictor 2
//   u16_zstd_p2      uint16, zstd level 9, predictor 2
//   rgb_jpeg         uint8 RGB, JPEG quality 75, YCbCr 4:2:0 (libtiff)
//   f32_deflate_p3   float32, deflate level 6, predictor 3
// Size: $COGR_BENCH_SIZE x $COGR_BENCH_SIZE pixels (default 10240; 4096 for a quick run).
//
//   cogr_bench_read [--benchmark_filter=u16_deflate]
#include <benchmark/benchmark.h>
#include <jpeglib.h>
#include <libdeflate.h>
#include <sys/resource.h>
#include <tiffio.h>
#include <zstd.h>

#include <algorithm>
#include <cmath>
#include <csetjmp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cogr/dataset.hpp"
#include "cogr/threads.hpp"
#include "cogr/write.hpp"

namespace {

using namespace cogr;

constexpr uint32_t kTile = 512;

enum class Kind { kDeflateP2, kZstdP2, kJpeg, kDeflateP3 };

struct Spec {
  const char* name;
  Kind kind;
  DataType dtype;
  int bands;
};

const Spec kSpecs[] = {
    {"u16_deflate_p2", Kind::kDeflateP2, DataType::kUInt16, 1},
    {"u16_zstd_p2", Kind::kZstdP2, DataType::kUInt16, 1},
    {"rgb_jpeg", Kind::kJpeg, DataType::kUInt8, 3},
    {"f32_deflate_p3", Kind::kDeflateP3, DataType::kFloat32, 1},
};

uint64_t ImageSize() {
  const char* env = std::getenv("COGR_BENCH_SIZE");
  const long v = env ? std::atol(env) : 0;
  return v >= 1024 ? static_cast<uint64_t>(v) : 10240;
}

std::string BenchDir() {
  const char* env = std::getenv("COGR_BENCH_DIR");
  return env && *env ? env : COGR_BENCH_DEFAULT_DIR;
}

// CPU seconds of the whole process (every thread), user + system.
double ProcessCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  auto sec = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
  };
  return sec(u.ru_utime) + sec(u.ru_stime);
}

// Process CPU per read: on a shared machine real time depends on the neighbours' load, CPU time
// much less, so the summary compares both.
class CpuCounter {
 public:
  CpuCounter() : start_(ProcessCpuSeconds()) {}
  void Report(benchmark::State& state) const {
    state.counters["cpu_ms"] = benchmark::Counter((ProcessCpuSeconds() - start_) * 1e3,
                                                  benchmark::Counter::kAvgIterations);
  }

 private:
  double start_;
};

size_t Threads() {
  SetThreadCount(0);
  return ThreadCount();
}

// ---------------------------------------------------------------------------------------------
// Content: a smooth field (separable sines, so rows cost table lookups) plus hashed noise.

uint32_t Noise(uint64_t x, uint64_t y) {
  uint64_t h = x * 0x9E3779B97F4A7C15ull ^ (y + 0x632BE59BD9B4E019ull) * 0xC2B2AE3D27D4EB4Full;
  h ^= h >> 29;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 32;
  return static_cast<uint32_t>(h);
}

struct Field {
  std::vector<double> sx, cx, sx2, cx2, cy, sy2, cy2;
  explicit Field(uint64_t n) {
    const double tau = 6.283185307179586;
    for (uint64_t i = 0; i < n; ++i) {
      const double d = static_cast<double>(i);
      sx.push_back(std::sin(d * tau / 2900.0 + 0.7));
      cx.push_back(std::cos(d * tau / 2900.0 + 0.7));
      sx2.push_back(std::sin(d * tau / 611.0));
      cx2.push_back(std::cos(d * tau / 611.0));
      cy.push_back(std::cos(d * tau / 2300.0));
      sy2.push_back(std::sin(2 * d * tau / 611.0));
      cy2.push_back(std::cos(2 * d * tau / 611.0));
    }
  }
  // In [-1.35, 1.35]: sin(x/2900) cos(y/2300) + 0.35 sin((x + 2y)/611).
  double At(uint64_t x, uint64_t y) const {
    return sx[x] * cy[y] + 0.35 * (sx2[x] * cy2[y] + cx2[x] * sy2[y]);
  }
};

// Rows [row0, row0 + rows) of the image, (bands, rows, n).
Array MakeRows(const Spec& spec, const Field& f, uint64_t n, uint64_t row0, uint64_t rows) {
  Array a;
  a.dtype = spec.dtype;
  a.bands = static_cast<uint64_t>(spec.bands);
  a.height = rows;
  a.width = n;
  a.data.resize(a.bands * rows * n * DataTypeSize(spec.dtype));
  for (uint64_t y = 0; y < rows; ++y) {
    const uint64_t gy = row0 + y;
    for (uint64_t x = 0; x < n; ++x) {
      const double v = f.At(x, gy);
      const uint32_t r = Noise(x, gy);
      const uint64_t i = y * n + x;
      if (spec.dtype == DataType::kUInt16) {
        a.as<uint16_t>()[i] =
            static_cast<uint16_t>(20000.0 + 12000.0 * v + static_cast<double>(r % 64));
      } else if (spec.dtype == DataType::kFloat32) {
        a.as<float>()[i] =
            static_cast<float>(350.0 + 120.0 * v + static_cast<double>(r % 1024) / 2048.0);
      } else {
        const double g = f.cx[x] * f.cy[gy];
        uint8_t* p = a.data.data();
        p[i] = static_cast<uint8_t>(
            std::clamp(120.0 + 80.0 * v + static_cast<double>(r % 16), 0.0, 255.0));
        p[rows * n + i] = static_cast<uint8_t>(
            std::clamp(128.0 + 90.0 * g + static_cast<double>((r >> 8) % 16), 0.0, 255.0));
        p[2 * rows * n + i] = static_cast<uint8_t>(
            std::clamp(90.0 + 40.0 * (v - g) + static_cast<double>((r >> 16) % 16), 0.0, 255.0));
      }
    }
  }
  return a;
}

Status WriteWithCogr(const Spec& spec, const std::string& path, uint64_t n) {
  write::Profile p;
  p.width = n;
  p.height = n;
  p.count = spec.bands;
  p.dtype = spec.dtype;
  p.blockxsize = kTile;
  p.blockysize = kTile;
  p.compress =
      spec.kind == Kind::kZstdP2 ? write::Compression::kZstd : write::Compression::kDeflate;
  p.predictor = spec.kind == Kind::kDeflateP3 ? 3 : 2;
  COGR_ASSIGN_OR_RETURN(auto writer, write::StreamWriter::Create(path, p));
  const Field f(n);
  for (uint64_t row = 0; row < n; row += kTile) {
    COGR_RETURN_IF_ERROR(
        writer->WriteRows(MakeRows(spec, f, n, row, std::min<uint64_t>(kTile, n - row))));
  }
  return writer->Close();
}

Status WriteJpegWithLibtiff(const Spec& spec, const std::string& path, uint64_t n) {
  const std::string tmp = path + ".tmp";
  TIFF* tif = TIFFOpen(tmp.c_str(), "w");
  if (!tif) return Status::IoError(tmp + ": TIFFOpen failed");
  TIFFSetField(tif, TIFFTAG_IMAGEWIDTH, static_cast<uint32_t>(n));
  TIFFSetField(tif, TIFFTAG_IMAGELENGTH, static_cast<uint32_t>(n));
  TIFFSetField(tif, TIFFTAG_BITSPERSAMPLE, 8);
  TIFFSetField(tif, TIFFTAG_SAMPLESPERPIXEL, 3);
  TIFFSetField(tif, TIFFTAG_PLANARCONFIG, PLANARCONFIG_CONTIG);
  TIFFSetField(tif, TIFFTAG_TILEWIDTH, kTile);
  TIFFSetField(tif, TIFFTAG_TILELENGTH, kTile);
  TIFFSetField(tif, TIFFTAG_COMPRESSION, COMPRESSION_JPEG);
  TIFFSetField(tif, TIFFTAG_PHOTOMETRIC, PHOTOMETRIC_YCBCR);
  TIFFSetField(tif, TIFFTAG_JPEGQUALITY, 75);
  TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
  const Field f(n);
  std::vector<uint8_t> tile(size_t{kTile} * kTile * 3);
  bool ok = true;
  for (uint64_t ty = 0; ty * kTile < n && ok; ++ty) {
    const Array rows = MakeRows(spec, f, n, ty * kTile, std::min<uint64_t>(kTile, n - ty * kTile));
    for (uint64_t tx = 0; tx * kTile < n && ok; ++tx) {
      std::fill(tile.begin(), tile.end(), 0);
      for (uint64_t y = 0; y < rows.height; ++y) {
        for (uint64_t x = 0; x < kTile && tx * kTile + x < n; ++x) {
          for (int b = 0; b < 3; ++b) {
            tile[(y * kTile + x) * 3 + static_cast<uint64_t>(b)] =
                rows.data[(static_cast<uint64_t>(b) * rows.height + y) * n + tx * kTile + x];
          }
        }
      }
      const uint32_t index = TIFFComputeTile(tif, static_cast<uint32_t>(tx * kTile),
                                             static_cast<uint32_t>(ty * kTile), 0, 0);
      ok = TIFFWriteEncodedTile(tif, index, tile.data(), static_cast<tmsize_t>(tile.size())) >= 0;
    }
  }
  TIFFClose(tif);
  if (!ok) return Status::IoError(tmp + ": TIFFWriteEncodedTile failed");
  std::filesystem::rename(tmp, path);
  return Status::OK();
}

// ---------------------------------------------------------------------------------------------
// One generated file, opened: cogr Datasets (no cache, and the default cache), raw tile bytes.

struct Prepared {
  std::string path;
  uint64_t n = 0;
  uint64_t tiles_across = 0;
  std::shared_ptr<Dataset> nocache, cached;
  std::vector<std::vector<uint8_t>> tiles;  // raw bytes as stored, via TIFFReadRawTile
  std::vector<uint8_t> jpeg_tables;
  std::string error;
};

Prepared& Prepare(const Spec& spec) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<Prepared>> prepared;
  std::lock_guard<std::mutex> lock(mu);
  auto& slot = prepared[spec.name];
  if (slot) return *slot;
  slot = std::make_unique<Prepared>();
  Prepared& p = *slot;
  p.n = ImageSize();
  p.tiles_across = (p.n + kTile - 1) / kTile;
  std::error_code ec;
  std::filesystem::create_directories(BenchDir(), ec);
  p.path = BenchDir() + "/" + spec.name + "_" + std::to_string(p.n) + ".tif";
  if (!std::filesystem::exists(p.path)) {
    std::fprintf(stderr, "generating %s ...\n", p.path.c_str());
    Status st = spec.kind == Kind::kJpeg ? WriteJpegWithLibtiff(spec, p.path, p.n)
                                         : WriteWithCogr(spec, p.path, p.n);
    if (!st.ok()) {
      p.error = st.ToString();
      return p;
    }
  }
  OpenOptions no;
  no.block_cache_bytes = 0;
  auto a = Dataset::Open(p.path, no);
  auto b = Dataset::Open(p.path);
  if (!a.ok() || !b.ok()) {
    p.error = a.ok() ? b.status().ToString() : a.status().ToString();
    return p;
  }
  p.nocache = *a;
  p.cached = *b;
  TIFF* tif = TIFFOpen(p.path.c_str(), "r");
  if (!tif) {
    p.error = p.path + ": libtiff cannot open";
    return p;
  }
  const uint32_t count = TIFFNumberOfTiles(tif);
  p.tiles.resize(count);
  for (uint32_t t = 0; t < count; ++t) {
    p.tiles[t].resize(static_cast<size_t>(TIFFGetStrileByteCount(tif, t)));
    TIFFReadRawTile(tif, t, p.tiles[t].data(), static_cast<tmsize_t>(p.tiles[t].size()));
  }
  uint32_t tables_size = 0;
  void* tables = nullptr;
  if (TIFFGetField(tif, TIFFTAG_JPEGTABLES, &tables_size, &tables) && tables) {
    p.jpeg_tables.assign(static_cast<uint8_t*>(tables),
                         static_cast<uint8_t*>(tables) + tables_size);
  }
  TIFFClose(tif);
  return p;
}

struct Window {
  uint64_t col, row, w, h;
};

Window FullOf(uint64_t n) { return {0, 0, n, n}; }

// which: 0 the full image, 1 one aligned tile at the centre, 2 1000 x 1000 across 3 x 3 tiles.
Window Target(int which, uint64_t n) {
  const uint64_t k = n / 1024;  // tile index of the image centre
  if (which == 1) return {k * kTile, k * kTile, kTile, kTile};
  if (which == 2) return {(k - 1) * kTile + 300, (k - 1) * kTile + 211, 1000, 1000};
  return FullOf(n);
}

uint64_t OutBytes(const Spec& spec, const Window& w) {
  return w.w * w.h * static_cast<uint64_t>(spec.bands) * DataTypeSize(spec.dtype);
}

// ---------------------------------------------------------------------------------------------
// Raw codec: decode tiles with the libraries directly, single core, into one reused buffer.

struct JpegError {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
};

class RawDecoder {
 public:
  explicit RawDecoder(const Spec& spec) : spec_(spec) {
    out_.resize(size_t{kTile} * kTile * static_cast<size_t>(spec.bands) * DataTypeSize(spec.dtype));
    row_.resize(size_t{kTile} * 4);
  }
  ~RawDecoder() {
    if (inflater_) libdeflate_free_decompressor(inflater_);
    if (dctx_) ZSTD_freeDCtx(dctx_);
  }
  RawDecoder(const RawDecoder&) = delete;
  RawDecoder& operator=(const RawDecoder&) = delete;

  // Decodes one tile into out_; false on error.
  bool Decode(const std::vector<uint8_t>& in, const std::vector<uint8_t>& tables) {
    switch (spec_.kind) {
      case Kind::kDeflateP2:
      case Kind::kDeflateP3: {
        if (!inflater_) inflater_ = libdeflate_alloc_decompressor();
        size_t got = 0;
        if (libdeflate_zlib_decompress(inflater_, in.data(), in.size(), out_.data(), out_.size(),
                                       &got) != LIBDEFLATE_SUCCESS ||
            got != out_.size()) {
          return false;
        }
        if (spec_.kind == Kind::kDeflateP2) {
          UndoPredictor2();
        } else {
          UndoPredictor3();
        }
        return true;
      }
      case Kind::kZstdP2: {
        if (!dctx_) dctx_ = ZSTD_createDCtx();
        const size_t r = ZSTD_decompressDCtx(dctx_, out_.data(), out_.size(), in.data(), in.size());
        if (ZSTD_isError(r) || r != out_.size()) return false;
        UndoPredictor2();
        return true;
      }
      case Kind::kJpeg: return DecodeJpeg(in, tables);
    }
    return false;
  }
  const std::vector<uint8_t>& out() const { return out_; }

 private:
  void UndoPredictor2() {  // uint16, 1 sample
    for (uint32_t y = 0; y < kTile; ++y) {
      uint16_t* row = reinterpret_cast<uint16_t*>(out_.data()) + size_t{y} * kTile;
      uint16_t acc = row[0];
      for (uint32_t x = 1; x < kTile; ++x) row[x] = acc = static_cast<uint16_t>(acc + row[x]);
    }
  }
  void UndoPredictor3() {  // float32, 1 sample: byte differencing, then 4 byte planes → words
    const size_t row_bytes = size_t{kTile} * 4;
    for (uint32_t y = 0; y < kTile; ++y) {
      uint8_t* row = out_.data() + y * row_bytes;
      uint8_t acc = row[0];
      for (size_t i = 1; i < row_bytes; ++i) row[i] = acc = static_cast<uint8_t>(acc + row[i]);
      std::memcpy(row_.data(), row, row_bytes);
      const uint8_t *p0 = row_.data(), *p1 = p0 + kTile, *p2 = p1 + kTile, *p3 = p2 + kTile;
      for (uint32_t k = 0; k < kTile; ++k) {
        const uint32_t v =
            (uint32_t{p0[k]} << 24) | (uint32_t{p1[k]} << 16) | (uint32_t{p2[k]} << 8) | p3[k];
        std::memcpy(row + size_t{k} * 4, &v, 4);
      }
    }
  }
  bool DecodeJpeg(const std::vector<uint8_t>& in, const std::vector<uint8_t>& tables) {
    jpeg_decompress_struct cinfo;
    JpegError err;
    cinfo.err = jpeg_std_error(&err.mgr);
    err.mgr.error_exit = [](j_common_ptr c) {
      std::longjmp(reinterpret_cast<JpegError*>(c->err)->jump, 1);
    };
    if (setjmp(err.jump)) {
      jpeg_destroy_decompress(&cinfo);
      return false;
    }
    jpeg_create_decompress(&cinfo);
    if (!tables.empty()) {
      jpeg_mem_src(&cinfo, tables.data(), static_cast<unsigned long>(tables.size()));
      jpeg_read_header(&cinfo, FALSE);
    }
    jpeg_mem_src(&cinfo, in.data(), static_cast<unsigned long>(in.size()));
    jpeg_read_header(&cinfo, TRUE);
    cinfo.out_color_space = JCS_RGB;
    jpeg_start_decompress(&cinfo);
    while (cinfo.output_scanline < cinfo.output_height && cinfo.output_scanline < kTile) {
      JSAMPROW row = out_.data() + size_t{cinfo.output_scanline} * kTile * 3;
      jpeg_read_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    return true;
  }

  const Spec& spec_;
  std::vector<uint8_t> out_, row_;
  libdeflate_decompressor* inflater_ = nullptr;
  ZSTD_DCtx* dctx_ = nullptr;
};

// Tiles a window touches.
std::vector<uint32_t> TouchedTiles(const Prepared& p, const Window& w) {
  std::vector<uint32_t> out;
  for (uint64_t ty = w.row / kTile; ty <= (w.row + w.h - 1) / kTile; ++ty) {
    for (uint64_t tx = w.col / kTile; tx <= (w.col + w.w - 1) / kTile; ++tx) {
      out.push_back(static_cast<uint32_t>(ty * p.tiles_across + tx));
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The benchmarks. which: 0 full image, 1 aligned 512 window, 2 unaligned 1000 window.

const char* WhichName(int which) { return which == 0 ? "full" : which == 1 ? "win512" : "win1000"; }

// reuse: Dataset::ReadInto into one array kept across reads (no allocation, no page faults),
// else Read, which returns a fresh array each time.
void BM_Cogr(benchmark::State& state, const Spec* spec, int which, size_t threads, bool cached,
             bool reuse) {
  Prepared& p = Prepare(*spec);
  if (!p.error.empty()) return state.SkipWithError(p.error.c_str());
  SetThreadCount(threads);
  const Window w = Target(which, p.n);
  ReadOptions ro;
  if (which != 0) {
    ro.window = geo::Window{static_cast<double>(w.col), static_cast<double>(w.row),
                            static_cast<double>(w.w), static_cast<double>(w.h)};
  }
  const Dataset& ds = cached ? *p.cached : *p.nocache;
  if (cached) {
    auto warm = ds.Read(ro);  // the cache holds the window's blocks from here on
    if (!warm.ok()) return state.SkipWithError(warm.status().ToString().c_str());
  }
  Array kept;
  if (reuse) {
    Status st = ds.ReadInto(ro, kept);  // first touch of the array's pages, outside the timing
    if (!st.ok()) return state.SkipWithError(st.ToString().c_str());
  }
  const CpuCounter cpu;
  for (auto _ : state) {
    if (reuse) {
      Status st = ds.ReadInto(ro, kept);
      if (!st.ok()) return state.SkipWithError(st.ToString().c_str());
      benchmark::DoNotOptimize(kept.data.data());
    } else {
      auto a = ds.Read(ro);
      if (!a.ok()) return state.SkipWithError(a.status().ToString().c_str());
      benchmark::DoNotOptimize(a->data.data());
    }
  }
  cpu.Report(state);
  SetThreadCount(0);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * OutBytes(*spec, w)));
}

// reuse: one output array for all reads, as BM_Cogr's reuse.
void BM_Libtiff(benchmark::State& state, const Spec* spec, int which, bool reuse) {
  Prepared& p = Prepare(*spec);
  if (!p.error.empty()) return state.SkipWithError(p.error.c_str());
  const Window w = Target(which, p.n);
  const size_t sb = DataTypeSize(spec->dtype);
  const uint64_t bands = static_cast<uint64_t>(spec->bands);
  TIFF* tif = TIFFOpen(p.path.c_str(), "r");
  if (!tif) return state.SkipWithError("libtiff cannot open");
  if (spec->kind == Kind::kJpeg) TIFFSetField(tif, TIFFTAG_JPEGCOLORMODE, JPEGCOLORMODE_RGB);
  std::vector<uint8_t> tile(static_cast<size_t>(TIFFTileSize(tif)));
  std::vector<uint8_t> kept;
  if (reuse) kept.assign(static_cast<size_t>(OutBytes(*spec, w)), 1);
  const CpuCounter cpu;
  for (auto _ : state) {
    // The (bands, h, w) array cogr returns; allocated per read as cogr's Read does.
    std::vector<uint8_t> fresh;
    if (!reuse) fresh.resize(static_cast<size_t>(OutBytes(*spec, w)));
    std::vector<uint8_t>& out = reuse ? kept : fresh;
    bool ok = true;
    for (uint64_t ty = w.row / kTile; ty <= (w.row + w.h - 1) / kTile && ok; ++ty) {
      for (uint64_t tx = w.col / kTile; tx <= (w.col + w.w - 1) / kTile && ok; ++tx) {
        const uint32_t index = static_cast<uint32_t>(ty * p.tiles_across + tx);
        ok = TIFFReadEncodedTile(tif, index, tile.data(), static_cast<tmsize_t>(tile.size())) >= 0;
        const uint64_t x0 = std::max(w.col, tx * kTile),
                       x1 = std::min(w.col + w.w, (tx + 1) * kTile);
        const uint64_t y0 = std::max(w.row, ty * kTile),
                       y1 = std::min(w.row + w.h, (ty + 1) * kTile);
        for (uint64_t y = y0; y < y1; ++y) {
          const uint8_t* src =
              tile.data() + ((y - ty * kTile) * kTile + (x0 - tx * kTile)) * bands * sb;
          if (bands == 1) {
            std::memcpy(out.data() + ((y - w.row) * w.w + (x0 - w.col)) * sb, src, (x1 - x0) * sb);
          } else {
            for (uint64_t b = 0; b < bands; ++b) {
              uint8_t* dst = out.data() + ((b * w.h + (y - w.row)) * w.w + (x0 - w.col)) * sb;
              for (uint64_t x = 0; x < x1 - x0; ++x) dst[x] = src[x * bands + b];  // uint8 only
            }
          }
        }
      }
    }
    if (!ok) {
      TIFFClose(tif);
      return state.SkipWithError("TIFFReadEncodedTile failed");
    }
    benchmark::DoNotOptimize(out.data());
  }
  cpu.Report(state);
  TIFFClose(tif);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * OutBytes(*spec, w)));
}

// Decode of the tiles the read touches, single core, no copy into an array.
void BM_Raw(benchmark::State& state, const Spec* spec, int which) {
  Prepared& p = Prepare(*spec);
  if (!p.error.empty()) return state.SkipWithError(p.error.c_str());
  const Window w = Target(which, p.n);
  const std::vector<uint32_t> tiles = TouchedTiles(p, w);
  RawDecoder dec(*spec);
  const CpuCounter cpu;
  for (auto _ : state) {
    for (uint32_t t : tiles) {
      if (!dec.Decode(p.tiles[t], p.jpeg_tables)) return state.SkipWithError("raw decode failed");
    }
    benchmark::DoNotOptimize(dec.out().data());
  }
  cpu.Report(state);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * OutBytes(*spec, w)));
  state.counters["tiles"] = static_cast<double>(tiles.size());
}

std::string Name(const char* who, const Spec& spec, int which, const std::string& extra = "") {
  return std::string(who) + "/" + spec.name + "/" + WhichName(which) + extra;
}

void RegisterAll() {
  const size_t threads = Threads();
  const std::string all = "/threads:" + std::to_string(threads);
  for (const Spec& spec : kSpecs) {
    for (int which = 0; which < 3; ++which) {
      auto configure = [&](benchmark::internal::Benchmark* b) {
        b->UseRealTime()->Unit(benchmark::kMillisecond);
        if (which == 0) {
          b->Iterations(5);
        } else {
          b->MinTime(0.3);
        }
      };
      configure(benchmark::RegisterBenchmark(Name("cogr", spec, which, "/threads:1").c_str(),
                                             BM_Cogr, &spec, which, size_t{1}, false, false));
      configure(benchmark::RegisterBenchmark(Name("cogr", spec, which, all).c_str(), BM_Cogr, &spec,
                                             which, threads, false, false));
      if (which != 0) {
        configure(benchmark::RegisterBenchmark(Name("cogr", spec, which, "/cached").c_str(),
                                               BM_Cogr, &spec, which, threads, true, false));
        configure(
            benchmark::RegisterBenchmark(Name("cogr", spec, which, "/reuse/threads:1").c_str(),
                                         BM_Cogr, &spec, which, size_t{1}, false, true));
      } else {
        // Full image into a reused array (Dataset::ReadInto), and libtiff likewise.
        configure(
            benchmark::RegisterBenchmark(Name("cogr", spec, which, "/reuse/threads:1").c_str(),
                                         BM_Cogr, &spec, which, size_t{1}, false, true));
        configure(benchmark::RegisterBenchmark(Name("cogr", spec, which, "/reuse" + all).c_str(),
                                               BM_Cogr, &spec, which, threads, false, true));
        configure(benchmark::RegisterBenchmark(Name("libtiff", spec, which, "/reuse").c_str(),
                                               BM_Libtiff, &spec, which, true));
      }
      configure(benchmark::RegisterBenchmark(Name("libtiff", spec, which).c_str(), BM_Libtiff,
                                             &spec, which, false));
      configure(
          benchmark::RegisterBenchmark(Name("raw", spec, which).c_str(), BM_Raw, &spec, which));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Summary: seconds per read of every run, then the ratios.

class Collector : public benchmark::ConsoleReporter {
 public:
  struct Timing {
    double seconds = -1;  // real time per read
    double cpu = -1;      // process CPU seconds per read
  };
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs) {
      if (r.run_type == Run::RT_Iteration && !r.error_occurred && r.iterations > 0) {
        Timing& res = results_[r.run_name.function_name];
        res.seconds = r.real_accumulated_time / static_cast<double>(r.iterations);
        if (auto it = r.counters.find("cpu_ms"); it != r.counters.end())
          res.cpu = it->second.value * 1e-3;
      }
    }
    ConsoleReporter::ReportRuns(runs);
  }
  // Times per read, negative when the run is missing (filtered out, failed).
  Timing Get(const std::string& name) const {
    auto it = results_.find(name);
    return it == results_.end() ? Timing{} : it->second;
  }

 private:
  std::map<std::string, Timing> results_;
};

void PrintSummary(const Collector& c) {
  const size_t threads = Threads();
  const std::string all = "/threads:" + std::to_string(threads);
  const uint64_t n = ImageSize();
  auto mbps = [](double bytes, double s) { return s > 0 ? bytes / s / 1e6 : -1.0; };
  auto ratio = [](double a, double b) { return a > 0 && b > 0 ? a / b : -1.0; };
  auto cell = [](double v, const char* fmt) {
    char buf[32];
    if (v < 0) return std::string("-");
    std::snprintf(buf, sizeof buf, fmt, v);
    return std::string(buf);
  };
  const double t = static_cast<double>(threads);
  std::printf(
      "\nSummary: %llu x %llu pixels, 512 x 512 tiles, %zu threads. MB/s = 10^6 bytes of decoded output per\n"
      "second of wall time; cpu = CPU time of the whole process per read (all threads).\n",
      static_cast<unsigned long long>(n), static_cast<unsigned long long>(n), threads);
  // One full-image table: cogr's runs named by `cogr_extra` + "/threads:..", libtiff's by `libtiff_extra`.
  auto full_table = [&](const char* title, const std::string& cogr_extra,
                        const std::string& libtiff_extra) {
    std::printf("\n%s Speed ratios: > 1 means cogr is faster:\n", title);
    std::printf(
        "| file | cogr 1T MB/s | cogr %zuT MB/s | libtiff MB/s | raw codec 1 core MB/s | cogr %zuT / libtiff | "
        "cogr %zuT / (raw x %zu) | cogr 1T / raw | cpu: raw / cogr %zuT |\n",
        threads, threads, threads, threads, threads);
    std::printf("|---|---|---|---|---|---|---|---|---|\n");
    for (const Spec& spec : kSpecs) {
      const double bytes = static_cast<double>(OutBytes(spec, FullOf(n)));
      const auto c1 = c.Get(Name("cogr", spec, 0, cogr_extra + "/threads:1"));
      const auto cn = c.Get(Name("cogr", spec, 0, cogr_extra + all));
      const auto lt = c.Get(Name("libtiff", spec, 0, libtiff_extra)),
                 raw = c.Get(Name("raw", spec, 0));
      if (c1.seconds < 0 && cn.seconds < 0 && lt.seconds < 0) continue;
      std::printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", spec.name,
                  cell(mbps(bytes, c1.seconds), "%.0f").c_str(),
                  cell(mbps(bytes, cn.seconds), "%.0f").c_str(),
                  cell(mbps(bytes, lt.seconds), "%.0f").c_str(),
                  cell(mbps(bytes, raw.seconds), "%.0f").c_str(),
                  cell(ratio(lt.seconds, cn.seconds), "%.2f").c_str(),
                  cell(ratio(raw.seconds, cn.seconds * t), "%.2f").c_str(),
                  cell(ratio(raw.seconds, c1.seconds), "%.2f").c_str(),
                  cell(ratio(raw.cpu, cn.cpu), "%.2f").c_str());
    }
  };
  full_table("Full image, a fresh array per read (Read; libtiff likewise).", "", "");
  full_table("Full image into a reused array (ReadInto; libtiff likewise).", "/reuse", "/reuse");
  std::printf(
      "\nWindows (ms per read; raw = single-core decode of the tiles the window touches; time ratios: < 1\n"
      "means cogr takes less time):\n");
  std::printf(
      "| file | window | cogr 1T | cogr 1T kept array | cogr %zuT | cogr cached | libtiff | raw | cogr 1T / raw | "
      "kept 1T / raw | cpu: cogr 1T / raw | cogr %zuT / libtiff |\n",
      threads, threads);
  std::printf("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
  for (const Spec& spec : kSpecs) {
    for (int which = 1; which < 3; ++which) {
      const auto c1 = c.Get(Name("cogr", spec, which, "/threads:1")),
                 cn = c.Get(Name("cogr", spec, which, all));
      const auto cc = c.Get(Name("cogr", spec, which, "/cached"));
      const auto ck = c.Get(Name("cogr", spec, which, "/reuse/threads:1"));
      const auto lt = c.Get(Name("libtiff", spec, which)), raw = c.Get(Name("raw", spec, which));
      if (c1.seconds < 0 && cn.seconds < 0 && lt.seconds < 0 && raw.seconds < 0) continue;
      std::printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", spec.name,
                  which == 1 ? "512 aligned (1 tile)" : "1000 unaligned (9 tiles)",
                  cell(c1.seconds * 1e3, "%.2f").c_str(), cell(ck.seconds * 1e3, "%.2f").c_str(),
                  cell(cn.seconds * 1e3, "%.2f").c_str(), cell(cc.seconds * 1e3, "%.3f").c_str(),
                  cell(lt.seconds * 1e3, "%.2f").c_str(), cell(raw.seconds * 1e3, "%.2f").c_str(),
                  cell(ratio(c1.seconds, raw.seconds), "%.2f").c_str(),
                  cell(ratio(ck.seconds, raw.seconds), "%.2f").c_str(),
                  cell(ratio(c1.cpu, raw.cpu), "%.2f").c_str(),
                  cell(ratio(cn.seconds, lt.seconds), "%.2f").c_str());
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RegisterAll();
  Collector collector;
  benchmark::RunSpecifiedBenchmarks(&collector);
  PrintSummary(collector);
  benchmark::Shutdown();
  return 0;
}
