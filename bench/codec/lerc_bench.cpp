// LERC2 decoding: cogr's decoder (codec::Decode, as a read decodes a block) against liblerc's
// lerc_decode on the same blobs, made by liblerc's encoder: 512 x 512 blocks of float32 lossy
// (with and without a mask), uint16 lossless, uint8 Huffman-coded and float32 lossless planes.
//   build/release/bench/cogr_bench_codec --benchmark_filter=Lerc
#include <benchmark/benchmark.h>

#include <Lerc_c_api.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "cogr/codec.hpp"

namespace {

constexpr int kSize = 512;

struct Case {
  const char* name;
  unsigned int type;  // liblerc's: 1 uint8, 3 uint16, 6 float32
  double max_z_error;
  bool masked;
};

constexpr Case kCases[] = {
    {"f32_lossy", 6, 0.01, false},   {"f32_lossy_masked", 6, 0.01, true},
    {"u16_lossless", 3, 0.5, false}, {"u8_huffman", 1, 0.5, false},
    {"f32_planes", 6, 0.0, false},
};

struct Blob {
  std::vector<uint8_t> bytes;
  cogr::codec::BlockInfo info;
  size_t out_bytes = 0;
};

Blob Make(const Case& c) {
  const size_t n = size_t{kSize} * kSize;
  const size_t type_bytes = c.type == 6 ? 4 : c.type == 3 ? 2 : 1;
  std::vector<uint8_t> raw(n * type_bytes), valid(n);
  for (size_t i = 0; i < n; ++i) {
    const double v = std::sin(double(i % kSize) * 0.01) * 300 +
                     std::cos(double(i / kSize) * 0.013) * 200 + double(i % 7) * 0.1;
    if (c.type == 6) {
      const float f = float(v);
      std::memcpy(raw.data() + 4 * i, &f, 4);
    } else if (c.type == 3) {
      const auto u = uint16_t(v + 600);
      std::memcpy(raw.data() + 2 * i, &u, 2);
    } else {
      raw[i] = uint8_t(int(v / 4 + 150));
    }
    valid[i] = i % 23 != 0;
  }
  Blob b;
  b.bytes.resize(raw.size() * 2 + 4096);
  unsigned int written = 0;
  if (lerc_encode(raw.data(), c.type, 1, kSize, kSize, 1, c.masked ? 1 : 0,
                  c.masked ? valid.data() : nullptr, c.max_z_error, b.bytes.data(),
                  static_cast<unsigned int>(b.bytes.size()), &written) != 0) {
    return b;
  }
  b.bytes.resize(written);
  b.info.compression = cogr::codec::kLerc;
  b.info.width = kSize;
  b.info.height = kSize;
  b.info.samples = 1;
  b.info.bits_per_sample = uint16_t(8 * type_bytes);
  b.info.sample_format = c.type == 6 ? 3 : 1;
  b.info.lerc_parameters = {4, 0};
  b.out_bytes = raw.size();
  return b;
}

void BM_LercCogr(benchmark::State& state, const Case& c) {
  const Blob b = Make(c);
  std::vector<uint8_t> out(b.out_bytes);
  for (auto _ : state) {
    const cogr::Status st = cogr::codec::Decode(b.bytes, out, b.info);
    if (!st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(b.out_bytes));
}

void BM_LercLiblerc(benchmark::State& state, const Case& c) {
  const Blob b = Make(c);
  std::vector<uint8_t> out(b.out_bytes), mask(size_t{kSize} * kSize);
  for (auto _ : state) {
    if (lerc_decode(b.bytes.data(), static_cast<unsigned int>(b.bytes.size()), c.masked ? 1 : 0,
                    mask.data(), 1, kSize, kSize, 1, c.type, out.data()) != 0) {
      state.SkipWithError("lerc_decode failed");
      break;
    }
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(int64_t(state.iterations()) * int64_t(b.out_bytes));
}

[[maybe_unused]] const bool kRegistered = [] {
  for (const Case& c : kCases) {
    benchmark::RegisterBenchmark((std::string("Lerc/cogr/") + c.name).c_str(), BM_LercCogr, c);
    benchmark::RegisterBenchmark((std::string("Lerc/liblerc/") + c.name).c_str(), BM_LercLiblerc,
                                 c);
  }
  return true;
}();

}  // namespace
