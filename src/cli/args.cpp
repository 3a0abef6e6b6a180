#include "args.hpp"

#include <charconv>
#include <cmath>
#include <limits>
#include <system_error>

namespace cogr::cli {
namespace {

// Integers that convert to double exactly: geo::Window stores doubles.
constexpr int64_t kMaxExact = int64_t{1} << 53;

constexpr std::string_view kGeneralUsage =
    "usage: cogr <command> [options]\n"
    "       cogr --version | --help\n"
    "\n"
    "Reads GeoTIFF and Cloud-Optimized GeoTIFF files.\n"
    "\n"
    "commands:\n"
    "  info        print the metadata of a file (--json for the machine-readable form)\n"
    "  read        read bands and a window of a file into a NumPy .npy file\n"
    "  translate   copy bands and a window of a file to a tiled GeoTIFF (COG layout)\n"
    "  xy          print the coordinates of a pixel (rasterio's dataset.xy)\n"
    "  index       print the pixel holding a point (rasterio's dataset.index)\n"
    "  clip        mask/crop a file by GeoJSON shapes into a GeoTIFF or .npy file\n"
    "  quicklook   write a small PNG/JPEG picture of a file from its best overview\n"
    "  bench       time the same read of many files/URLs at once (requests, bytes, latency)\n"
    "  stack       read the same window of many scenes into one (T, C, H, W) .npy file\n"
    "  sample      values of many scenes at points (CSV or GeoJSON) into a CSV file\n"
    "\n"
    "Run 'cogr <command> --help' for the options of a command.\n";

constexpr std::string_view kInfoUsage =
    "usage: cogr info PATH [--json] [--stats] [--trace FILE.json] [--timeout SECONDS]\n"
    "\n"
    "Prints the metadata of a GeoTIFF/COG: size, bands, data type, blocks, compression,\n"
    "CRS, transform, bounds, nodata, overviews.\n"
    "\n"
    "options:\n"
    "  --json       print one JSON object on one line\n"
    "  --stats      print what the I/O cost as one JSON line on stderr: requests,\n"
    "               bytes_fetched, bytes_used, retries, wait_ms, cache_hits\n"
    "  --trace FILE.json\n"
    "               write the open's requests as a Chrome trace (Perfetto, chrome://tracing)\n"
    "  --timeout SECONDS\n"
    "               give up after this long (decimals allowed; 0 = no limit; default: env\n"
    "               COGR_TIMEOUT, else no limit)\n"
    "  -h, --help   show this help and exit\n";

constexpr std::string_view kReadUsage =
    "usage: cogr read PATH [--bands 1,2] [--window COL_OFF,ROW_OFF,WIDTH,HEIGHT]\n"
    "                 [--overview N] [--boundless] [--fill V]\n"
    "                 [--out-shape H,W] [--resampling NAME] [--stats] [--trace FILE.json]\n"
    "                 [--timeout SECONDS] [--max-memory BYTES] -o OUT.npy\n"
    "\n"
    "Reads pixels into a NumPy .npy file of shape (bands, height, width) and the file's\n"
    "data type. The output appears only when the whole read succeeded.\n"
    "\n"
    "options:\n"
    "  --bands LIST        1-based band indexes, comma-separated (default: all bands)\n"
    "  --window C,R,W,H    pixel window: column offset, row offset, width, height\n"
    "                      (default: the whole image)\n"
    "  --overview N        read overview level N (0-based, largest first)\n"
    "  --boundless         allow a window reaching outside the image (negative offsets too)\n"
    "  --fill V            value of pixels outside the image (number or nan; default: nodata\n"
    "                      or 0)\n"
    "  --out-shape H,W     resample the window to this height and width, reading the\n"
    "                      overview GDAL would pick (rasterio's out_shape)\n"
    "  --resampling NAME   kernel for --out-shape: nearest (default), bilinear, cubic,\n"
    "                      average, mode, min, max, med, q1 or q3 (no effect without it,\n"
    "                      as in rasterio)\n"
    "  -o, --output OUT    the .npy file to write\n"
    "  --stats             print what the I/O cost (open + read) as one JSON line on\n"
    "                      stderr: requests, bytes_fetched, bytes_used, retries, wait_ms,\n"
    "                      cache_hits\n"
    "  --trace FILE.json   write every request and block decode (open + read) as a Chrome\n"
    "                      trace (open it in Perfetto or chrome://tracing); written even\n"
    "                      when the read fails\n"
    "  --timeout SECONDS   give up after this long for the whole command (decimals allowed;\n"
    "                      0 = no limit; default: env COGR_TIMEOUT, else no limit)\n"
    "  --max-memory BYTES  largest output array (and decoded block) the read may allocate:\n"
    "                      bytes, or with K, M, G, T (powers of 1024), e.g. 512M\n"
    "  -h, --help          show this help and exit\n";

Status Usage(std::string message) { return Status::InvalidArgument(std::move(message)); }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && s.front() == ' ') s.remove_prefix(1);
  while (!s.empty() && s.back() == ' ') s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t pos = text.find(sep, start);
    if (pos == std::string_view::npos) {
      parts.push_back(Trim(text.substr(start)));
      return parts;
    }
    parts.push_back(Trim(text.substr(start, pos - start)));
    start = pos + 1;
  }
}

std::string Quote(std::string_view s) { return "'" + std::string(s) + "'"; }

constexpr SubOption kInfoOptions[] = {{"--json", "", false},
                                      {"--stats", "", false},
                                      {"--trace", "", true},
                                      {"--timeout", "", true},
                                      {"--help", "-h", false}};
constexpr SubOption kReadOptions[] = {
    {"--bands", "", true},      {"--window", "", true},     {"--overview", "", true},
    {"--boundless", "", false}, {"--fill", "", true},       {"--out-shape", "", true},
    {"--resampling", "", true}, {"--output", "-o", true},   {"--stats", "", false},
    {"--timeout", "", true},    {"--max-memory", "", true}, {"--trace", "", true},
    {"--help", "-h", false}};

// Applies one parsed option of `cmd` to `inv`. `value` is set only for options taking a value.
Status ApplyOption(Command cmd, std::string_view name, std::string_view value, Invocation& inv,
                   std::optional<std::string>& window_text) {
  if (IsBoundsOption(name)) {
    return (cmd == Command::kInfo ? inv.info.bounds : inv.read.bounds).ApplyOption(name, value);
  }
  if (cmd == Command::kInfo) {
    if (name == "--json") inv.info.json = true;
    if (name == "--stats") inv.info.stats = true;
    if (name == "--trace") {
      if (value.empty()) return Usage("--trace: empty file name");
      inv.info.trace = std::string(value);
    }
    return Status::OK();
  }
  ReadArgs& r = inv.read;
  if (name == "--bands") {
    auto bands = ParseBands(value);
    if (!bands.ok()) return bands.status().WithContext(name);
    r.bands = std::move(bands).value();
  } else if (name == "--window") {
    // Negative offsets depend on --boundless, which may come later: checked at the end.
    window_text = std::string(value);
  } else if (name == "--overview") {
    auto n = ParseInt(value, 0, std::numeric_limits<int>::max());
    if (!n.ok()) return n.status().WithContext(name);
    r.overview = static_cast<int>(*n);
  } else if (name == "--boundless") {
    r.boundless = true;
  } else if (name == "--fill") {
    auto v = ParseDouble(value);
    if (!v.ok()) return v.status().WithContext(name);
    r.fill = *v;
  } else if (name == "--out-shape") {
    auto shape = ParseShape(value);
    if (!shape.ok()) return shape.status().WithContext(name);
    r.out_shape = *shape;
  } else if (name == "--resampling") {
    auto resampling = ParseResampling(value);
    if (!resampling.ok()) return Usage(resampling.status().message()).WithContext(name);
    r.resampling = *resampling;
  } else if (name == "--stats") {
    r.stats = true;
  } else if (name == "--output") {
    if (value.empty()) return Usage("--output: empty file name");
    r.output = std::string(value);
  } else if (name == "--trace") {
    if (value.empty()) return Usage("--trace: empty file name");
    r.trace = std::string(value);
  }
  return Status::OK();
}

Status ParseCommandArgs(Command cmd, std::span<const std::string> args, Invocation& inv) {
  std::span<const SubOption> specs = cmd == Command::kInfo
                                         ? std::span<const SubOption>(kInfoOptions)
                                         : std::span<const SubOption>(kReadOptions);
  std::string_view cmd_name = cmd == Command::kInfo ? "info" : "read";
  std::optional<std::string> window_text;
  // info and read keep the error wording of their first release: "--output: missing value",
  // "-5" is an unknown option, each option is applied (and its value checked) where it stands.
  ParseRules rules;
  rules.numbers_are_positional = false;
  rules.prefix_value_errors = false;
  rules.help_ignores_value = false;
  rules.max_positional = 1;
  rules.on_option = [&](std::string_view name, std::string_view value) {
    return ApplyOption(cmd, name, value, inv, window_text);
  };
  auto parsed = ParseSubArgs(cmd_name, args, specs, rules);
  if (!parsed.ok()) return parsed.status();
  // Like argparse: help ends parsing, so "cogr read --help" works without PATH or -o.
  if (parsed->help) {
    inv.help = true;
    return Status::OK();
  }
  if (parsed->positional.empty()) return Usage(std::string(cmd_name) + ": missing input PATH");
  (cmd == Command::kInfo ? inv.info.path : inv.read.path) = parsed->positional[0];
  if (cmd == Command::kRead) {
    if (window_text) {
      auto window = ParseWindow(*window_text, inv.read.boundless);
      if (!window.ok()) return window.status().WithContext("--window");
      inv.read.window = *window;
    }
    if (inv.read.output.empty()) return Usage("read: missing output file (-o OUT.npy)");
  }
  return Status::OK();
}

}  // namespace

Result<Invocation> ParseArgs(std::span<const std::string> args) {
  Invocation inv;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") {
      inv.help = true;
      return inv;
    }
    if (arg == "--version") {
      inv.version = true;
      return inv;
    }
    if (arg == "info" || arg == "read") {
      inv.command = arg == "info" ? Command::kInfo : Command::kRead;
      Status parsed = ParseCommandArgs(inv.command, args.subspan(i + 1), inv);
      if (!parsed.ok()) return parsed;
      return inv;
    }
    if (!arg.empty() && arg[0] == '-') {
      return Usage("unknown option " + Quote(arg) + " (see 'cogr --help')");
    }
    return Usage("unknown command " + Quote(arg) + " (see 'cogr --help' for the commands)");
  }
  return Usage("missing command (see 'cogr --help')");
}

std::string_view GeneralUsage() { return kGeneralUsage; }

std::string_view CommandUsage(Command command) {
  switch (command) {
    case Command::kInfo: return kInfoUsage;
    case Command::kRead: return kReadUsage;
    case Command::kNone: break;
  }
  return kGeneralUsage;
}

std::span<const SubOption> CommandOptions(Command command) {
  switch (command) {
    case Command::kInfo: return kInfoOptions;
    case Command::kRead: return kReadOptions;
    case Command::kNone: break;
  }
  return {};
}

Result<int64_t> ParseInt(std::string_view text, int64_t min_value, int64_t max_value) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (text.empty() || ec == std::errc::invalid_argument || ptr != end) {
    return Usage("expected an integer, got " + Quote(text));
  }
  if (ec == std::errc::result_out_of_range || value < min_value || value > max_value) {
    return Usage(Quote(text) + " is out of range [" + std::to_string(min_value) + ", " +
                 std::to_string(max_value) + "]");
  }
  return value;
}

Result<double> ParseDouble(std::string_view text) {
  std::string_view digits = text;
  // from_chars has no '+'; strtod has, and users type "+5".
  if (digits.size() > 1 && digits[0] == '+' && digits[1] != '-' && digits[1] != '+') {
    digits.remove_prefix(1);
  }
  double value = 0;
  const char* end = digits.data() + digits.size();
  auto [ptr, ec] = std::from_chars(digits.data(), end, value, std::chars_format::general);
  if (digits.empty() || ec == std::errc::invalid_argument || ptr != end) {
    return Usage("expected a number, got " + Quote(text));
  }
  if (ec == std::errc::result_out_of_range) return Usage(Quote(text) + " is out of range");
  return value;
}

Result<std::vector<double>> ParseDoubleList(std::string_view text, size_t n) {
  std::vector<double> out;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string_view item = text.substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start);
    auto v = ParseDouble(item);
    if (!v.ok() || !std::isfinite(*v)) {
      return Status::InvalidArgument("expected " + std::to_string(n) +
                                     " comma-separated numbers, got '" + std::string(text) + "'");
    }
    out.push_back(*v);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  if (out.size() != n) {
    return Status::InvalidArgument("expected " + std::to_string(n) +
                                   " comma-separated numbers, got '" + std::string(text) + "'");
  }
  return out;
}

Result<std::vector<int>> ParseBands(std::string_view text) {
  std::vector<int> bands;
  for (std::string_view item : Split(text, ',')) {
    if (item.empty()) return Usage("empty band index in " + Quote(text));
    auto band = ParseInt(item, 1, std::numeric_limits<int>::max());
    if (!band.ok()) {
      return Usage("band indexes are 1-based integers, got " + Quote(item) + " in " + Quote(text));
    }
    bands.push_back(static_cast<int>(*band));
  }
  return bands;
}

Result<std::array<int64_t, 4>> ParseWindow(std::string_view text, bool allow_negative_offsets) {
  std::vector<std::string_view> items = Split(text, ',');
  if (items.size() != 4) {
    return Usage("expected COL_OFF,ROW_OFF,WIDTH,HEIGHT (4 integers), got " + Quote(text));
  }
  std::array<int64_t, 4> window{};
  for (size_t i = 0; i < 4; ++i) {
    auto v = ParseInt(items[i], -kMaxExact, kMaxExact);
    if (!v.ok()) return Usage(v.status().message() + " in " + Quote(text));
    window[i] = *v;
  }
  if (!allow_negative_offsets && (window[0] < 0 || window[1] < 0)) {
    return Usage("negative offsets need --boundless, got " + Quote(text));
  }
  if (window[2] < 0 || window[3] < 0) {
    return Usage("width and height must be >= 0, got " + Quote(text));
  }
  return window;
}

Result<std::array<uint64_t, 2>> ParseShape(std::string_view text) {
  std::vector<std::string_view> items = Split(text, ',');
  if (items.size() != 2) return Usage("expected HEIGHT,WIDTH (2 integers), got " + Quote(text));
  std::array<uint64_t, 2> shape{};
  for (size_t i = 0; i < 2; ++i) {
    auto v = ParseInt(items[i], 1, kMaxExact);
    if (!v.ok()) return Usage(v.status().message() + " in " + Quote(text));
    shape[i] = static_cast<uint64_t>(*v);
  }
  return shape;
}

}  // namespace cogr::cli
