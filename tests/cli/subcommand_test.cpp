// Unit tests of the subcommands' shared pieces (src/cli/subcommand.cpp): the option parser and
// the progress bar. As in args_test.cpp, the CLI source is compiled into this test only.
#include "cli/subcommand.cpp"  // NOLINT(bugprone-suspicious-include)

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <limits>
#include <string>
#include <vector>

namespace cogr::cli {
namespace {

// What a ProgressBar wrote to its stream.
class Captured {
 public:
  Captured() : file_(std::tmpfile()) {}
  ~Captured() {
    if (file_ != nullptr) std::fclose(file_);
  }
  std::FILE* file() const { return file_; }
  std::string Text() const {
    std::fflush(file_);
    std::string text;
    std::rewind(file_);
    for (int c = std::fgetc(file_); c != EOF; c = std::fgetc(file_))
      text.push_back(static_cast<char>(c));
    return text;
  }

 private:
  std::FILE* file_;
};

std::string Bar(int percent) {
  const int filled = percent * 40 / 100;
  return "\rwrite [" + std::string(static_cast<size_t>(filled), '#') +
         std::string(static_cast<size_t>(40 - filled), '.') + "] " + std::to_string(percent) + "%";
}

TEST(ProgressBar, DrawsEachNewPercentOnOneLine) {
  Captured out;
  ASSERT_NE(out.file(), nullptr);
  {
    ProgressBar bar("write", out.file(), true, std::chrono::milliseconds(0));
    EXPECT_TRUE(bar.Update(0.25));
    EXPECT_TRUE(bar.Update(0.2501));                                    // still 25%: not redrawn
    EXPECT_TRUE(bar.Update(std::numeric_limits<double>::quiet_NaN()));  // shown as 0%
    EXPECT_TRUE(bar.Update(7.0));                                       // clamped to 100%
  }  // the destructor ends the line
  EXPECT_EQ(out.Text(), Bar(25) + Bar(0) + Bar(100) + "\n");
}

TEST(ProgressBar, SilentWhenDisabledOrShort) {
  Captured off, short_run;
  {
    ProgressBar bar("write", off.file(), false, std::chrono::milliseconds(0));
    bar.Update(0.5);
    bar.Finish();
  }
  {
    ProgressBar bar("write", short_run.file(), true,
                    std::chrono::hours(1));  // not yet half a second
    bar.Update(0.5);
    bar.Update(1.0);
  }
  EXPECT_EQ(off.Text(), "");
  EXPECT_EQ(short_run.Text(), "");
}

TEST(SubArgs, OptionsPositionalsAndErrors) {
  static constexpr SubOption kSpecs[] = {
      {"--crs", "", true}, {"--json", "", false}, {"--output", "-o", true}};
  const std::vector<std::string> args = {"a.tif", "-75.5", "--crs=EPSG:4326", "-o", "x", "--json",
                                         "--",    "--z"};
  auto parsed = ParseSubArgs("index", args, kSpecs);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  EXPECT_EQ(parsed->positional, (std::vector<std::string>{"a.tif", "-75.5", "--z"}));
  ASSERT_EQ(parsed->options.size(), 3u);
  EXPECT_EQ(parsed->options[0], (std::pair<std::string, std::string>{"--crs", "EPSG:4326"}));
  EXPECT_EQ(parsed->options[1], (std::pair<std::string, std::string>{"--output", "x"}));
  EXPECT_EQ(parsed->options[2], (std::pair<std::string, std::string>{"--json", ""}));
  EXPECT_FALSE(parsed->help);

  const std::vector<std::string> help = {"--json", "-h", "--bogus"};
  auto h = ParseSubArgs("index", help, kSpecs);
  ASSERT_TRUE(h.ok());
  EXPECT_TRUE(h->help) << "help stops the parse before the unknown option";

  auto error = [&](std::vector<std::string> v) {
    return ParseSubArgs("index", v, kSpecs).status().message();
  };
  EXPECT_EQ(error({"--bogus"}), "index: unknown option '--bogus' (see 'cogr index --help')");
  EXPECT_EQ(error({"--crs"}), "index: --crs: missing value");
  EXPECT_EQ(error({"--json=1"}), "index: --json: takes no value");
}

}  // namespace
}  // namespace cogr::cli
