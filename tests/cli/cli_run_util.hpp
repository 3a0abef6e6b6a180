// The one way tests run the built `cogr` (COGR_CLI_PATH) or another program of the build:
// RunCogr / RunProgram, with stdout and stderr captured in files of a scratch directory;
// CliFixture gives each test such a directory.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "test_util.hpp"

namespace cogr::test {

struct CliRun {
  int exit_code = -1;  // -1 if the process did not exit normally (a signal)
  std::string out, err;
};

inline std::string ShellQuoted(const std::string& s) {
  std::string q = "'";
  for (char c : s) {
    if (c == '\'') {
      q += "'\\''";
    } else {
      q += c;
    }
  }
  return q + "'";
}

/// Runs `prefix... program args...` through the shell (`prefix`: e.g. {"env", "-u",
/// "COGR_TIMEOUT", "timeout", "60"}), stdout and stderr captured in `dir`/stdout.txt and
/// stderr.txt, which are removed afterwards.
inline CliRun RunProgram(const std::filesystem::path& dir, const std::string& program,
                         const std::vector<std::string>& args,
                         const std::vector<std::string>& prefix = {}) {
  std::string cmd;
  for (const std::string& p : prefix) cmd += ShellQuoted(p) + " ";
  cmd += ShellQuoted(program);
  for (const std::string& a : args) cmd += " " + ShellQuoted(a);
  const std::string out_path = dir / "stdout.txt", err_path = dir / "stderr.txt";
  cmd += " >" + ShellQuoted(out_path) + " 2>" + ShellQuoted(err_path);
  const int status = std::system(cmd.c_str());
  CliRun r;
  if (status != -1 && WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
  r.out = ReadFileText(out_path);
  r.err = ReadFileText(err_path);
  std::filesystem::remove(out_path);
  std::filesystem::remove(err_path);
  return r;
}

/// Runs the built `cogr` (COGR_CLI_PATH) as RunProgram does.
inline CliRun RunCogr(const std::filesystem::path& dir, const std::vector<std::string>& args,
                      const std::vector<std::string>& prefix = {}) {
  return RunProgram(dir, COGR_CLI_PATH, args, prefix);
}

/// A scratch directory per test, and `cogr` runs whose output is captured in it.
class CliFixture : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    dir_ =
        std::filesystem::temp_directory_path() / ("cogr_cli_geo_" + std::to_string(getpid()) + "_" +
                                                  info->test_suite_name() + "_" + info->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  CliRun Run(const std::vector<std::string>& args) { return RunCogr(dir_, args); }

  /// Names of the files in the scratch directory (after Run removed its capture files).
  std::vector<std::string> DirEntries() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(dir_))
      names.push_back(e.path().filename());
    std::sort(names.begin(), names.end());
    return names;
  }

  void WriteText(const std::string& name, const std::string& text) const {
    FILE* f = std::fopen((dir_ / name).c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
  }

  std::filesystem::path dir_;
};

}  // namespace cogr::test
