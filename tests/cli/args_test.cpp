// Unit tests of the cogr command-line parser (src/cli/args.cpp).
//
// The CLI sources belong to the cogr_cli executable, not to the library the tests link, so each
// helper's test compiles that helper: this file is the one place args.cpp enters cogr_tests.
#include "cli/args.cpp"  // NOLINT(bugprone-suspicious-include)

#include <gtest/gtest.h>

#include <cmath>
#include <initializer_list>

namespace cogr::cli {
namespace {

Result<Invocation> Parse(std::initializer_list<const char*> args) {
  std::vector<std::string> v(args.begin(), args.end());
  return ParseArgs(v);
}

std::string ParseError(std::initializer_list<const char*> args) {
  auto r = Parse(args);
  if (r.ok()) return "<parsed>";
  EXPECT_EQ(r.status().code(), Code::kInvalidArgument);
  return r.status().message();
}

TEST(CliArgsTest, ParseIntAcceptsDecimalInRange) {
  EXPECT_EQ(*ParseInt("0", 0, 10), 0);
  EXPECT_EQ(*ParseInt("10", 0, 10), 10);
  EXPECT_EQ(*ParseInt("-7", -10, 10), -7);
  EXPECT_EQ(ParseInt("11", 0, 10).status().message(), "'11' is out of range [0, 10]");
  EXPECT_EQ(ParseInt("-1", 0, 10).status().message(), "'-1' is out of range [0, 10]");
  EXPECT_EQ(ParseInt("99999999999999999999", 0, 10).status().message(),
            "'99999999999999999999' is out of range [0, 10]");
  for (const char* bad : {"", "1.5", "1x", "x", " 1", "+1", "0x10", "1e3"}) {
    EXPECT_EQ(ParseInt(bad, 0, 100).status().message(),
              "expected an integer, got '" + std::string(bad) + "'")
        << bad;
  }
}

TEST(CliArgsTest, ParseDoubleAcceptsNumbersNanAndInf) {
  EXPECT_EQ(*ParseDouble("0"), 0.0);
  EXPECT_EQ(*ParseDouble("-9999"), -9999.0);
  EXPECT_EQ(*ParseDouble("+5"), 5.0);
  EXPECT_EQ(*ParseDouble("0.1"), 0.1);
  EXPECT_EQ(*ParseDouble("-3.4e38"), -3.4e38);
  EXPECT_TRUE(std::isnan(*ParseDouble("nan")));
  EXPECT_TRUE(std::isnan(*ParseDouble("NaN")));
  EXPECT_EQ(*ParseDouble("inf"), INFINITY);
  EXPECT_EQ(*ParseDouble("-inf"), -INFINITY);
  for (const char* bad : {"", "abc", "1,5", "1.0.0", "5 ", "+-5", "++5", "0x1p3"}) {
    EXPECT_EQ(ParseDouble(bad).status().message(),
              "expected a number, got '" + std::string(bad) + "'")
        << bad;
  }
  EXPECT_EQ(ParseDouble("1e999").status().message(), "'1e999' is out of range");
}

TEST(CliArgsTest, ParseBandsKeepsOrderAndDuplicates) {
  EXPECT_EQ(*ParseBands("1"), (std::vector<int>{1}));
  EXPECT_EQ(*ParseBands("3,1,2"), (std::vector<int>{3, 1, 2}));
  EXPECT_EQ(*ParseBands("2,2"), (std::vector<int>{2, 2}));
  EXPECT_EQ(*ParseBands("1, 2"), (std::vector<int>{1, 2}));
  EXPECT_EQ(ParseBands("0").status().message(),
            "band indexes are 1-based integers, got '0' in '0'");
  EXPECT_EQ(ParseBands("1,-2").status().message(),
            "band indexes are 1-based integers, got '-2' in '1,-2'");
  EXPECT_EQ(ParseBands("1,a").status().message(),
            "band indexes are 1-based integers, got 'a' in '1,a'");
  EXPECT_EQ(ParseBands("1,,2").status().message(), "empty band index in '1,,2'");
  EXPECT_EQ(ParseBands("").status().message(), "empty band index in ''");
  EXPECT_EQ(ParseBands("1,").status().message(), "empty band index in '1,'");
  EXPECT_EQ(ParseBands("99999999999").status().message(),
            "band indexes are 1-based integers, got '99999999999' in '99999999999'");
}

TEST(CliArgsTest, ParseWindowChecksCountSignsAndRange) {
  EXPECT_EQ(*ParseWindow("85,85,115,84", false), (std::array<int64_t, 4>{85, 85, 115, 84}));
  EXPECT_EQ(*ParseWindow("0,0,0,0", false), (std::array<int64_t, 4>{0, 0, 0, 0}));
  EXPECT_EQ(*ParseWindow("-10,-5,20,30", true), (std::array<int64_t, 4>{-10, -5, 20, 30}));
  EXPECT_EQ(ParseWindow("-10,0,20,30", false).status().message(),
            "negative offsets need --boundless, got '-10,0,20,30'");
  EXPECT_EQ(ParseWindow("0,-1,20,30", false).status().message(),
            "negative offsets need --boundless, got '0,-1,20,30'");
  EXPECT_EQ(ParseWindow("0,0,-20,30", true).status().message(),
            "width and height must be >= 0, got '0,0,-20,30'");
  EXPECT_EQ(ParseWindow("1,2,3", false).status().message(),
            "expected COL_OFF,ROW_OFF,WIDTH,HEIGHT (4 integers), got '1,2,3'");
  EXPECT_EQ(ParseWindow("1,2,3,4,5", false).status().message(),
            "expected COL_OFF,ROW_OFF,WIDTH,HEIGHT (4 integers), got '1,2,3,4,5'");
  EXPECT_EQ(ParseWindow("1,2,3.5,4", false).status().message(),
            "expected an integer, got '3.5' in '1,2,3.5,4'");
  EXPECT_EQ(ParseWindow("0,0,9007199254740993,1", false).status().message(),
            "'9007199254740993' is out of range [-9007199254740992, 9007199254740992] in "
            "'0,0,9007199254740993,1'");
}

TEST(CliArgsTest, ParseShapeNeedsTwoPositiveInts) {
  EXPECT_EQ(*ParseShape("100,200"), (std::array<uint64_t, 2>{100, 200}));
  EXPECT_EQ(ParseShape("0,200").status().message(),
            "'0' is out of range [1, 9007199254740992] in '0,200'");
  EXPECT_EQ(ParseShape("100").status().message(), "expected HEIGHT,WIDTH (2 integers), got '100'");
}

TEST(CliArgsTest, TopLevelHelpVersionAndUsageErrors) {
  EXPECT_TRUE(Parse({"--help"})->help);
  EXPECT_TRUE(Parse({"-h"})->help);
  EXPECT_EQ(Parse({"--help"})->command, Command::kNone);
  EXPECT_TRUE(Parse({"--version"})->version);
  EXPECT_EQ(ParseError({}), "missing command (see 'cogr --help')");
  EXPECT_EQ(ParseError({"frobnicate"}),
            "unknown command 'frobnicate' (see 'cogr --help' for the commands)");
  EXPECT_EQ(ParseError({"--frobnicate"}), "unknown option '--frobnicate' (see 'cogr --help')");
}

TEST(CliArgsTest, InfoArguments) {
  auto inv = Parse({"info", "a.tif", "--json"});
  ASSERT_TRUE(inv.ok()) << inv.status().message();
  EXPECT_EQ(inv->command, Command::kInfo);
  EXPECT_EQ(inv->info.path, "a.tif");
  EXPECT_TRUE(inv->info.json);
  EXPECT_FALSE(Parse({"info", "a.tif"})->info.json);
  EXPECT_EQ(Parse({"info", "--json", "--", "-odd.tif"})->info.path, "-odd.tif");

  auto help = Parse({"info", "--help"});
  EXPECT_TRUE(help->help);
  EXPECT_EQ(help->command, Command::kInfo);

  EXPECT_EQ(ParseError({"info"}), "info: missing input PATH");
  EXPECT_EQ(ParseError({"info", "a.tif", "b.tif"}), "info: unexpected argument 'b.tif'");
  EXPECT_TRUE(Parse({"info", "a.tif", "--stats"})->info.stats);
  EXPECT_FALSE(Parse({"info", "a.tif"})->info.stats);
  EXPECT_EQ(ParseError({"info", "a.tif", "--bogus"}),
            "info: unknown option '--bogus' (see 'cogr info --help')");
  EXPECT_EQ(ParseError({"info", "a.tif", "--json=yes"}), "--json: takes no value");
}

TEST(CliArgsTest, ReadArgumentsAllOptions) {
  auto inv = Parse({"read", "in.tif", "--bands", "2,1", "--window", "-3,-4,10,20", "--boundless",
                    "--fill", "nan", "--overview", "1", "-o", "out.npy"});
  ASSERT_TRUE(inv.ok()) << inv.status().message();
  const ReadArgs& r = inv->read;
  EXPECT_EQ(inv->command, Command::kRead);
  EXPECT_EQ(r.path, "in.tif");
  EXPECT_EQ(r.bands, (std::vector<int>{2, 1}));
  ASSERT_TRUE(r.window.has_value());
  EXPECT_EQ(*r.window, (std::array<int64_t, 4>{-3, -4, 10, 20}));
  EXPECT_TRUE(r.boundless);
  ASSERT_TRUE(r.fill.has_value());
  EXPECT_TRUE(std::isnan(*r.fill));
  EXPECT_EQ(r.overview, 1);
  EXPECT_EQ(r.output, "out.npy");
  EXPECT_FALSE(r.out_shape.has_value());
  EXPECT_FALSE(r.resampling.has_value());
}

TEST(CliArgsTest, ReadArgumentsDefaultsAndEqualsForm) {
  auto inv = Parse({"read", "--output=o.npy", "--window=1,2,3,4", "--fill=-9999", "in.tif"});
  ASSERT_TRUE(inv.ok()) << inv.status().message();
  EXPECT_TRUE(inv->read.bands.empty());
  EXPECT_EQ(*inv->read.window, (std::array<int64_t, 4>{1, 2, 3, 4}));
  EXPECT_EQ(*inv->read.fill, -9999.0);
  EXPECT_FALSE(inv->read.boundless);
  EXPECT_FALSE(inv->read.overview.has_value());
  EXPECT_EQ(inv->read.output, "o.npy");

  auto shaped =
      Parse({"read", "in.tif", "--out-shape", "10,20", "--resampling", "average", "-o", "o.npy"});
  ASSERT_TRUE(shaped.ok()) << shaped.status().message();
  EXPECT_EQ(*shaped->read.out_shape, (std::array<uint64_t, 2>{10, 20}));
  EXPECT_EQ(*shaped->read.resampling, Resampling::kAverage);
  // As in rasterio, a resampling without out_shape is accepted (and has no effect).
  auto plain = Parse({"read", "in.tif", "--resampling", "q3", "-o", "o.npy"});
  ASSERT_TRUE(plain.ok()) << plain.status().message();
  EXPECT_EQ(*plain->read.resampling, Resampling::kQ3);
  EXPECT_FALSE(plain->read.out_shape.has_value());
}

TEST(CliArgsTest, ReadArgumentErrorsNameTheOption) {
  EXPECT_EQ(ParseError({"read", "in.tif"}), "read: missing output file (-o OUT.npy)");
  EXPECT_EQ(ParseError({"read", "-o", "o.npy"}), "read: missing input PATH");
  EXPECT_EQ(ParseError({"read", "in.tif", "-o"}), "--output: missing value");
  EXPECT_EQ(ParseError({"read", "in.tif", "--output="}), "--output: empty file name");
  EXPECT_EQ(ParseError({"read", "in.tif", "-o", "o.npy", "--window", "-1,0,5,5"}),
            "--window: negative offsets need --boundless, got '-1,0,5,5'");
  EXPECT_EQ(ParseError({"read", "in.tif", "-o", "o.npy", "--window", "a,b"}),
            "--window: expected COL_OFF,ROW_OFF,WIDTH,HEIGHT (4 integers), got 'a,b'");
  EXPECT_EQ(ParseError({"read", "in.tif", "-o", "o.npy", "--bands", "0"}),
            "--bands: band indexes are 1-based integers, got '0' in '0'");
  EXPECT_EQ(ParseError({"read", "in.tif", "-o", "o.npy", "--overview", "-1"}),
            "--overview: '-1' is out of range [0, 2147483647]");
  EXPECT_EQ(ParseError({"read", "in.tif", "-o", "o.npy", "--fill", "x"}),
            "--fill: expected a number, got 'x'");
  EXPECT_EQ(ParseError({"read", "in.tif", "-o", "o.npy", "--resampling", "lanczos"}),
            "--resampling: unknown resampling 'lanczos' (expected nearest, bilinear, cubic, "
            "average, mode, min, max, med, q1 or q3)");
  EXPECT_TRUE(Parse({"read", "in.tif", "-o", "o.npy", "--stats"})->read.stats);
  EXPECT_EQ(ParseError({"read", "in.tif", "-o", "o.npy", "--bogus"}),
            "read: unknown option '--bogus' (see 'cogr read --help')");
  EXPECT_EQ(ParseError({"read", "in.tif", "-o", "o.npy", "--json"}),
            "read: unknown option '--json' (see 'cogr read --help')");
}

TEST(CliArgsTest, NegativeWindowAcceptedWhenBoundlessComesLater) {
  auto inv = Parse({"read", "in.tif", "--window", "-1,-1,5,5", "-o", "o.npy", "--boundless"});
  ASSERT_TRUE(inv.ok()) << inv.status().message();
  EXPECT_EQ(*inv->read.window, (std::array<int64_t, 4>{-1, -1, 5, 5}));
}

TEST(CliArgsTest, CommandHelpWinsOverMissingArguments) {
  auto inv = Parse({"read", "--help"});
  ASSERT_TRUE(inv.ok());
  EXPECT_TRUE(inv->help);
  EXPECT_EQ(inv->command, Command::kRead);
  EXPECT_NE(CommandUsage(Command::kRead).find("usage: cogr read PATH"), std::string_view::npos);
  EXPECT_NE(CommandUsage(Command::kInfo).find("usage: cogr info PATH [--json]"),
            std::string_view::npos);
  EXPECT_EQ(CommandUsage(Command::kNone), GeneralUsage());
}

}  // namespace
}  // namespace cogr::cli
