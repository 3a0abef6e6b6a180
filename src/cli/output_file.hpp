// cli: the one way the commands write an output file (-o). The bytes go to a temporary file
// beside the output, which replaces it only once complete: an output appears whole or not at all.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "cogr/status.hpp"

namespace cogr::cli {

/// An output file being written. Create() before reading anything, so a bad -o fails first;
/// write into temp_path() (through fd(), e.g. write(2) or ftruncate + mmap, or by handing
/// temp_path() to a writer that creates the file there itself); Commit() when it is complete.
/// The rules:
/// - `path` naming a symlink (or a chain of them) writes the file it points to; the link stays.
///   A dangling link creates its target.
/// - `path` naming a directory, or an existing file that is not a regular file (a device, a
///   FIFO), is kInvalidArgument "<path>: is a directory" / "...: is not a regular file".
/// - The temporary file is "<target>.tmp.<pid>" in the target's directory (a rename within one
///   file system), created exclusively and never through a symlink.
/// - Replacing an existing file keeps its permission bits (0600 stays 0600); a new file gets
///   0666 minus the umask. The owner is whoever runs the command.
/// - Until Commit() succeeds, the temporary file (and "<temp>.tmp.<pid>", the name cogr's
///   GeoTIFF and .npy writers use when given temp_path()) is removed by the destructor (errors,
///   exceptions) and by SIGINT, SIGTERM and SIGHUP (the signal then ends the process as usual).
/// Not thread-safe; one OutputFile at a time per process (the signal handler knows one).
class OutputFile {
 public:
  /// Resolves `path`, checks it and creates the empty temporary file (opened read-write).
  /// Errors are kInvalidArgument (directory, not a regular file, symlink loop) or kIoError
  /// (the system's reason), naming `path`.
  static Result<std::unique_ptr<OutputFile>> Create(const std::string& path);

  ~OutputFile();
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;

  /// The path as given (for messages).
  const std::string& path() const { return path_; }
  /// The file that Commit() replaces: `path` with symlinks followed.
  const std::string& target() const { return target_; }
  /// Where to write.
  const std::string& temp_path() const { return temp_; }
  /// The temporary file, open read-write; -1 after CloseFd() or Commit().
  int fd() const { return fd_; }
  /// Closes fd() (for a writer that reopens temp_path() by name). Error if close(2) fails.
  Status CloseFd();
  /// Appends `size` bytes to the temporary file through fd() (write(2) until done, short writes
  /// and EINTR retried). kIoError "<path>: cannot write <temp>: <reason>".
  Status Write(const uint8_t* data, size_t size);

  /// Closes fd(), gives the temporary file the kept mode and renames it over target(). On
  /// failure the temporary file is removed and the Status names path() and the system error.
  Status Commit();
  /// Removes the temporary file now (the destructor does it too). Idempotent.
  void Discard();

  /// `message` with temp_path() replaced by path(): errors of a writer given temp_path() then
  /// name the user's file.
  std::string Rename(std::string_view message) const;

 private:
  OutputFile() = default;

  std::string path_, target_, temp_;
  int fd_ = -1;
  bool keep_mode_ = false;  // the target existed: give its permission bits to the new file
  unsigned mode_ = 0;
  bool done_ = false;  // committed or discarded
};

/// write(2) until done, retrying short writes and EINTR; false with `err` = errno on failure.
bool WriteAll(int fd, const uint8_t* data, size_t size, int& err);

/// Writes `bytes` as the whole file `path` through an OutputFile (appears whole or not at all).
Status WriteWholeFile(const std::string& path, std::string_view bytes);

/// OutputFile::Create for a command's -o: on failure prints the error and sets `exit_code`
/// (kExitUsage for a path that cannot be an output, e.g. a directory; else kExitFailure) and
/// returns null (src/cli/open_dataset.cpp).
std::unique_ptr<OutputFile> CreateCommandOutput(const std::string& path, int& exit_code);

}  // namespace cogr::cli
