#include "subcommand.hpp"

#include <unistd.h>

#include <cctype>
#include <cstdio>

namespace cogr::cli {
namespace {

bool LooksLikeNumber(std::string_view arg) {
  return arg.size() > 1 && arg[0] == '-' && ((arg[1] >= '0' && arg[1] <= '9') || arg[1] == '.');
}

}  // namespace

bool EndsWithIgnoringCase(std::string_view path, std::string_view suffix) {
  if (path.size() < suffix.size()) return false;
  const std::string_view tail = path.substr(path.size() - suffix.size());
  for (size_t i = 0; i < tail.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(tail[i])) !=
        std::tolower(static_cast<unsigned char>(suffix[i]))) {
      return false;
    }
  }
  return true;
}

Result<SubArgs> ParseSubArgs(std::string_view command, std::span<const std::string> args,
                             std::span<const SubOption> specs, const ParseRules& rules) {
  const std::string prefix = std::string(command) + ": ";
  const std::string value_prefix = rules.prefix_value_errors ? prefix : std::string();
  SubArgs out;
  bool options_done = false;
  for (size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    if (!options_done && arg == "--") {
      options_done = true;
      continue;
    }
    if (options_done || arg.size() < 2 || arg[0] != '-' ||
        (rules.numbers_are_positional && LooksLikeNumber(arg))) {
      if (out.positional.size() >= rules.max_positional) {
        return Status::InvalidArgument(prefix + "unexpected argument '" + std::string(arg) + "'");
      }
      out.positional.emplace_back(arg);
      continue;
    }
    std::string_view name = arg;
    std::optional<std::string_view> inline_value;
    if (size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      name = arg.substr(0, eq);
      inline_value = arg.substr(eq + 1);
    }
    if ((name == "--help" || name == "-h") && (rules.help_ignores_value || !inline_value)) {
      out.help = true;
      return out;
    }
    if (name == "--help" || name == "-h") {
      return Status::InvalidArgument(value_prefix + "--help: takes no value");
    }
    const SubOption* spec = nullptr;
    for (const SubOption& s : specs) {
      if (name == s.name || (!s.alias.empty() && name == s.alias)) spec = &s;
    }
    if (spec == nullptr) {
      return Status::InvalidArgument(prefix + "unknown option '" + std::string(name) +
                                     "' (see 'cogr " + std::string(command) + " --help')");
    }
    std::string value;
    if (spec->takes_value) {
      if (inline_value) {
        value = std::string(*inline_value);
      } else if (i + 1 < args.size()) {
        value = args[++i];
      } else {
        return Status::InvalidArgument(value_prefix + std::string(spec->name) + ": missing value");
      }
    } else if (inline_value) {
      return Status::InvalidArgument(value_prefix + std::string(spec->name) + ": takes no value");
    }
    if (rules.on_option) {
      // A named Status: the callback's result is a temporary.
      Status applied = rules.on_option(spec->name, value);
      if (!applied.ok()) return applied;
    } else {
      out.options.emplace_back(std::string(spec->name), std::move(value));
    }
  }
  return out;
}

ProgressBar::ProgressBar(std::string label)
    : ProgressBar(std::move(label), stderr, isatty(STDERR_FILENO) == 1,
                  std::chrono::milliseconds(500)) {}

ProgressBar::ProgressBar(std::string label, std::FILE* out, bool enabled,
                         std::chrono::milliseconds delay)
    : label_(std::move(label)),
      out_(out),
      enabled_(enabled),
      delay_(delay),
      start_(std::chrono::steady_clock::now()) {}

bool ProgressBar::Update(double fraction) {
  if (!enabled_) return true;
  const auto elapsed = std::chrono::steady_clock::now() - start_;
  if (!drawn_ && elapsed < delay_) return true;
  if (!(fraction >= 0)) fraction = 0;
  if (fraction > 1) fraction = 1;
  const int percent = static_cast<int>(fraction * 100.0 + 0.5);
  if (drawn_ && percent == last_percent_) return true;
  constexpr int kWidth = 40;
  const int filled = percent * kWidth / 100;
  std::string bar = "\r" + label_ + " [";
  bar.append(static_cast<size_t>(filled), '#');
  bar.append(static_cast<size_t>(kWidth - filled), '.');
  bar += "] " + std::to_string(percent) + "%";
  std::fputs(bar.c_str(), out_);
  std::fflush(out_);
  drawn_ = true;
  last_percent_ = percent;
  return true;
}

void ProgressBar::Finish() {
  if (drawn_) {
    std::fputs("\n", out_);
    std::fflush(out_);
  }
  drawn_ = false;
}

}  // namespace cogr::cli
