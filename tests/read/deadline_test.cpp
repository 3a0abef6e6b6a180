// Deadlines and cancellation that fire in the middle of a read: the result is either the full
// read, byte for byte, or kCancelled — never OK with pixels the read did not write.
#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "cogr/cancel.hpp"
#include "cogr/dataset.hpp"
#include "cogr/stack.hpp"
#include "cogr/write.hpp"
#include "io/test_servers.hpp"
#include "write/write_test_util.hpp"

namespace cogr {
namespace {

using Clock = std::chrono::steady_clock;
constexpr uint8_t kPattern = 0xA5;  // what the destination holds before a read

// Bounds a read at `delay` from now: a deadline (how 0) or a token cancelled from another
// thread (how 1; cancelled here when `delay` is 0, whatever the scheduler does with a thread).
// The returned thread, if any, is the canceller: join it after the read.
template <class Options>
std::thread BoundAfter(Options& o, int how, Clock::duration delay) {
  if (how == 0) {
    o.deadline = Clock::now() + delay;
    return {};
  }
  o.cancel = CancelToken::Create();
  if (delay == Clock::duration::zero()) {
    o.cancel->Cancel();
    return {};
  }
  return std::thread([token = o.cancel, delay] {
    std::this_thread::sleep_for(delay);
    token->Cancel();
  });
}

// 4096 x 4096 uint16, deflate, 256² tiles, overviews 2 and 4, nodata 0 (so a mask read reads
// the pixels): 32 MiB decoded, enough work that a deadline can fall inside the read.
class MidReadDeadline : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new test::ScratchDir("deadline");
    write::Profile p;
    p.width = p.height = 4096;
    p.dtype = DataType::kUInt16;
    p.blockxsize = p.blockysize = 256;
    p.compress = write::Compression::kDeflate;
    p.deflate_level = 1;
    p.overviews = {2, 4};
    p.nodata = 0;
    p.transform = geo::Affine{10, 0, 500000, 0, -10, 4600000};
    Array a;
    a.dtype = DataType::kUInt16;
    a.bands = 1;
    a.height = a.width = 4096;
    a.data.resize(size_t{4096} * 4096 * 2);
    uint16_t* v = a.as<uint16_t>();
    uint32_t seed = 7;
    for (size_t i = 0; i < size_t{4096} * 4096; ++i) {
      seed = seed * 1664525u + 1013904223u;
      v[i] = static_cast<uint16_t>(1 + ((i % 4096) * 3 + (i / 4096) * 5 + (seed >> 28)) % 4000);
    }
    write_status_ = new Status(write::WriteGeoTiff(dir_->File("big.tif"), p, a));
  }
  static void TearDownTestSuite() {
    delete dir_;
    delete write_status_;
    dir_ = nullptr;
    write_status_ = nullptr;
  }
  void SetUp() override { ASSERT_TRUE(write_status_->ok()) << write_status_->ToString(); }

  static std::shared_ptr<Dataset> OpenNoCache(const std::string& uri) {
    OpenOptions o;
    o.block_cache_bytes = 0;  // every read really fetches and decodes
    o.io.memory_header_cache = false;
    o.io.persisted_header_cache = false;
    auto ds = Dataset::Open(uri, o);
    EXPECT_TRUE(ds.ok()) << ds.status().ToString();
    return ds.ok() ? *ds : nullptr;
  }

  // The reads checked: plain, boundless, out_shape (resampled from an overview), band subset.
  static std::vector<std::pair<std::string, ReadOptions>> Reads() {
    std::vector<std::pair<std::string, ReadOptions>> reads;
    reads.emplace_back("plain", ReadOptions{});
    ReadOptions boundless;
    boundless.window = geo::Window{-300, -200, 4096, 4096};
    boundless.boundless = true;
    boundless.fill = 7;
    reads.emplace_back("boundless", boundless);
    ReadOptions shaped;
    shaped.out_shape = std::pair<uint64_t, uint64_t>{1500, 1700};
    shaped.resampling = Resampling::kBilinear;
    reads.emplace_back("out_shape", shaped);
    return reads;
  }

  // Reads `base` with deadlines from 0 to 1.5x the read's own duration (and a token cancelled
  // from another thread at the same times). Every result is the full read or kCancelled.
  static void CheckMidRead(const Dataset& ds, const std::string& name, const ReadOptions& base,
                           bool mask, int steps) {
    auto read = [&](const ReadOptions& o, Array& out) -> Status {
      if (mask) {
        auto r = ds.ReadMask(o);
        if (!r.ok()) return r.status();
        out = std::move(r).value();
        return Status::OK();
      }
      return ds.ReadInto(o, out);
    };
    Array full;
    const auto t0 = Clock::now();
    ASSERT_TRUE(read(base, full).ok()) << name;
    const auto length =
        std::max<Clock::duration>(Clock::now() - t0, std::chrono::microseconds(100));
    int cancelled = 0, complete = 0;
    for (int k = 0; k <= steps; ++k) {
      const auto delay = length * k * 3 / (2 * steps);
      for (int how = 0; how < 2; ++how) {
        Array out;
        out.data.assign(full.data.size(), kPattern);
        ReadOptions o = base;
        std::thread canceller = BoundAfter(o, how, delay);
        Status st = read(o, out);
        if (canceller.joinable()) canceller.join();
        const std::string where =
            name + (how == 0 ? " deadline " : " cancel ") + "after " +
            std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(delay).count()) +
            " us";
        if (st.ok()) {
          ++complete;
          ASSERT_EQ(out.data.size(), full.data.size()) << where;
          ASSERT_TRUE(std::memcmp(out.data.data(), full.data.data(), full.data.size()) == 0)
              << where << ": OK but the pixels differ from the full read";
        } else {
          ++cancelled;
          ASSERT_EQ(st.code(), Code::kCancelled) << where << ": " << st.ToString();
          const std::string want = how == 0 ? "read deadline exceeded" : "read cancelled";
          EXPECT_NE(st.message().find(want), std::string::npos) << where << ": " << st.ToString();
          EXPECT_EQ(st.message().rfind(ds.uri(), 0), 0u) << "names the file: " << st.ToString();
        }
      }
    }
    // A deadline of "now" cancels for sure; which of the others finish depends on timing.
    EXPECT_GE(cancelled, 2) << name;
    RecordProperty(name + "_complete", complete);
    RecordProperty(name + "_cancelled", cancelled);
  }

  static test::ScratchDir* dir_;
  static Status* write_status_;
};

test::ScratchDir* MidReadDeadline::dir_ = nullptr;
Status* MidReadDeadline::write_status_ = nullptr;

TEST_F(MidReadDeadline, LocalReadsAreCompleteOrCancelled) {
  auto ds = OpenNoCache(dir_->File("big.tif"));
  ASSERT_TRUE(ds);
  for (const auto& [name, options] : Reads()) CheckMidRead(*ds, name, options, false, 8);
  ReadOptions window;
  window.window = geo::Window{0, 0, 4096, 3000};
  CheckMidRead(*ds, "mask", window, true, 4);
}

TEST_F(MidReadDeadline, TimeoutMsOfOneMillisecondFailsOrIsComplete) {
  // The case of the report: a 1 ms budget for a 32 MiB read.
  auto ds = OpenNoCache(dir_->File("big.tif"));
  ASSERT_TRUE(ds);
  Array out;
  out.data.assign(size_t{4096} * 4096 * 2, kPattern);
  ReadOptions o;
  o.timeout_ms = 1;
  Status st = ds->ReadInto(o, out);
  ASSERT_FALSE(st.ok()) << "a 32 MiB deflate read does not finish in 1 ms";
  EXPECT_EQ(st.code(), Code::kCancelled);
  EXPECT_EQ(st.message(), ds->uri() + ": read deadline exceeded (timeout 1 ms)");
}

TEST_F(MidReadDeadline, RemoteReadsAreCompleteOrCancelled) {
  if (!test::HaveHttp()) GTEST_SKIP() << "cogr built without http support";
  test::NginxServer nginx;
  ASSERT_TRUE(nginx.Start("    location /deadline/ { alias " + dir_->path().string() + "/; }\n"))
      << nginx.error();
  auto ds = OpenNoCache(nginx.Url("deadline/big.tif"));
  ASSERT_TRUE(ds);
  for (const auto& [name, options] : Reads())
    CheckMidRead(*ds, "remote " + name, options, false, 4);
}

// Stacks of two scenes (the same file twice, no block cache): Read, and OpenAndRead (each
// scene's read starts at its open), under kFail and kFill, with deadlines and a cancelling token
// from 0 to 1.5x the read's length. kFill forgives a failed scene, not the call's own deadline:
// every result is the full read (no scene filled) or kCancelled.
TEST_F(MidReadDeadline, StackReadsAreCompleteOrCancelled) {
  const std::vector<std::string> uris(2, dir_->File("big.tif"));
  StackOptions so;
  so.window = geo::Window{0, 0, 4096, 4096};
  so.open.block_cache_bytes = 0;
  so.open.io.memory_header_cache = false;
  so.open.io.persisted_header_cache = false;
  auto full = Stack::Open(uris, so);
  ASSERT_TRUE(full.ok()) << full.status().ToString();
  const auto t0 = Clock::now();
  auto want = full->Read();
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  const auto length = std::max<Clock::duration>(Clock::now() - t0, std::chrono::microseconds(100));
  constexpr int kSteps = 3;
  int cancelled = 0;
  for (StackOnError on_error : {StackOnError::kFail, StackOnError::kFill}) {
    for (int open_too = 0; open_too < 2; ++open_too) {
      for (int k = 0; k <= kSteps; ++k) {
        const auto delay = length * k * 3 / (2 * kSteps);
        for (int how = 0; how < 2; ++how) {
          const std::string where =
              std::string(on_error == StackOnError::kFill ? "kFill " : "kFail ") +
              (open_too ? "OpenAndRead " : "Read ") + (how == 0 ? "deadline " : "cancel ") +
              "after " +
              std::to_string(std::chrono::duration_cast<std::chrono::microseconds>(delay).count()) +
              " us";
          StackReadOptions o;
          o.on_error = on_error;
          std::thread canceller = BoundAfter(o, how, delay);
          auto got = open_too ? Stack::OpenAndRead(uris, so, o) : full->Read(o);
          if (canceller.joinable()) canceller.join();
          if (got.ok()) {
            EXPECT_TRUE(got->failed.empty()) << where << ": " << got->failed_messages.front();
            ASSERT_TRUE(got->data.data == want->data.data)
                << where << ": OK but the pixels differ from the full read";
          } else {
            ++cancelled;
            ASSERT_EQ(got.status().code(), Code::kCancelled)
                << where << ": " << got.status().ToString();
            EXPECT_NE(got.status().message().find(uris[0]), std::string::npos)
                << where << ": " << got.status().ToString();
          }
        }
      }
    }
  }
  EXPECT_GE(cancelled, 8);  // a deadline of "now" cancels for sure, in each of the 8 groups
}

// A deadline already past or a token already cancelled: kFill does not turn the call into
// scenes of fill, for Read and for Sample; a timeout names its budget.
TEST_F(MidReadDeadline, StackCallsPastTheirDeadlineFailUnderFill) {
  const std::vector<std::string> uris(2, dir_->File("big.tif"));
  StackOptions so;
  so.open.block_cache_bytes = 0;
  auto stack = Stack::Open(uris, so);
  ASSERT_TRUE(stack.ok()) << stack.status().ToString();
  StackReadOptions o;
  o.on_error = StackOnError::kFill;
  o.deadline = Clock::now() - std::chrono::milliseconds(1);
  auto r = stack->Read(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Code::kCancelled);
  EXPECT_NE(r.status().message().find("read deadline exceeded"), std::string::npos)
      << r.status().ToString();
  o.deadline.reset();
  o.timeout_ms = 1;
  r = stack->Read(o);
  ASSERT_FALSE(r.ok()) << "two 32 MiB deflate reads do not finish in 1 ms";
  EXPECT_EQ(r.status().message(),
            "scene 0 (" + uris[0] + "): read deadline exceeded (timeout 1 ms)");
  StackSampleOptions so_sample;
  so_sample.on_error = StackOnError::kFill;
  so_sample.cancel = CancelToken::Create();
  so_sample.cancel->Cancel();
  auto sampled = stack->Sample({{500005, 4599995}}, so_sample);
  ASSERT_FALSE(sampled.ok());
  EXPECT_EQ(sampled.status().code(), Code::kCancelled) << sampled.status().ToString();
  so_sample.cancel.reset();
  auto fine = stack->Sample({{500005, 4599995}}, so_sample);
  ASSERT_TRUE(fine.ok()) << fine.status().ToString();
  EXPECT_TRUE(fine->failed.empty());
}

}  // namespace
}  // namespace cogr
