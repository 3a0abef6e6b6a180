#include "output_file.hpp"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace cogr::cli {
namespace {

// Linux's own bound on a chain of symlinks (ELOOP).
constexpr int kMaxSymlinkHops = 40;

// The temporary files of the OutputFile in progress, for the signal handler: the guard's own
// and "<temp>.tmp.<pid>" (the name cogr's writers use for a file they are given). Written only
// while g_active is 0, so the handler never sees a half-copied path.
char g_temp[4096];
char g_inner_temp[4096];
volatile sig_atomic_t g_active = 0;

extern "C" void RemoveOutputTempAndReraise(int sig) {
  if (g_active) {
    unlink(g_temp);  // async-signal-safe
    unlink(g_inner_temp);
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

void InstallHandlers() {
  struct sigaction action;
  std::memset(&action, 0, sizeof(action));
  action.sa_handler = RemoveOutputTempAndReraise;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction old;
    // Keep an inherited "ignore" (nohup, background jobs): that is the caller's choice.
    if (sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    sigaction(sig, &action, nullptr);
  }
}

std::string Errno(int err) { return std::strerror(err); }

// Where a symlink's relative target is resolved: the link's directory.
std::string Dirname(const std::string& p) {
  const size_t slash = p.rfind('/');
  if (slash == std::string::npos) return {};
  if (slash == 0) return "/";
  return p.substr(0, slash);
}

struct Resolved {
  std::string target;
  bool exists = false;
  struct stat st {};
};

// Follows `path` through symlinks to the file a write should replace.
Result<Resolved> ResolveTarget(const std::string& path) {
  Resolved r;
  r.target = path;
  for (int hops = 0;; ++hops) {
    if (lstat(r.target.c_str(), &r.st) != 0) {
      const int err = errno;
      if (err == ENOENT) return r;  // a new file (or a dangling link's target)
      return Status::IoError(path + ": " + Errno(err));
    }
    if (!S_ISLNK(r.st.st_mode)) {
      r.exists = true;
      return r;
    }
    if (hops >= kMaxSymlinkHops) {
      return Status::InvalidArgument(path + ": more than " + std::to_string(kMaxSymlinkHops) +
                                     " levels of symbolic links");
    }
    std::vector<char> buf(static_cast<size_t>(r.st.st_size > 0 ? r.st.st_size : 255) + 2);
    const ssize_t n = readlink(r.target.c_str(), buf.data(), buf.size() - 1);
    if (n < 0) {
      const int err = errno;
      return Status::IoError(path + ": cannot read symbolic link " + r.target + ": " + Errno(err));
    }
    std::string link(buf.data(), static_cast<size_t>(n));
    if (link.empty()) return Status::InvalidArgument(path + ": empty symbolic link " + r.target);
    if (link[0] != '/') {
      const std::string dir = Dirname(r.target);
      if (!dir.empty()) link = (dir == "/" ? dir : dir + "/") + link;
    }
    r.target = std::move(link);
  }
}

}  // namespace

Result<std::unique_ptr<OutputFile>> OutputFile::Create(const std::string& path) {
  if (path.empty()) return Status::InvalidArgument("empty output file name");
  COGR_ASSIGN_OR_RETURN(Resolved r, ResolveTarget(path));
  if (r.exists && S_ISDIR(r.st.st_mode)) return Status::InvalidArgument(path + ": is a directory");
  if (r.exists && !S_ISREG(r.st.st_mode)) {
    return Status::InvalidArgument(path +
                                   ": is not a regular file (cogr replaces the output file)");
  }
  std::unique_ptr<OutputFile> out(new OutputFile());
  out->path_ = path;
  out->target_ = r.target;
  out->temp_ = r.target + ".tmp." + std::to_string(static_cast<long>(getpid()));
  const std::string inner = out->temp_ + ".tmp." + std::to_string(static_cast<long>(getpid()));
  if (r.exists) {
    out->keep_mode_ = true;
    out->mode_ = static_cast<unsigned>(r.st.st_mode & 0777);
  }
  if (inner.size() >= sizeof(g_inner_temp)) {
    return Status::InvalidArgument(path + ": path too long (" + std::to_string(path.size()) +
                                   " bytes)");
  }
  g_active = 0;
  std::memcpy(g_temp, out->temp_.c_str(), out->temp_.size() + 1);
  std::memcpy(g_inner_temp, inner.c_str(), inner.size() + 1);
  InstallHandlers();
  g_active = 1;

  // O_EXCL | O_NOFOLLOW: never write through a file or a symlink someone put at the temporary
  // name. A leftover of this pid is ours (a killed earlier run): remove it and try once more.
  const int flags = O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW;
  int fd = open(out->temp_.c_str(), flags, 0666);
  if (fd < 0 && errno == EEXIST && unlink(out->temp_.c_str()) == 0)
    fd = open(out->temp_.c_str(), flags, 0666);
  if (fd < 0) {
    const int err = errno;
    g_active = 0;
    out->done_ = true;
    return Status::IoError(path + ": cannot create temporary file " + out->temp_ + ": " +
                           Errno(err));
  }
  out->fd_ = fd;
  if (out->keep_mode_ && fchmod(fd, out->mode_) != 0) {
    const int err = errno;
    return Status::IoError(path + ": cannot set the mode of " + out->temp_ + ": " + Errno(err));
  }
  return out;
}

OutputFile::~OutputFile() { Discard(); }

Status OutputFile::Write(const uint8_t* data, size_t size) {
  while (size > 0) {
    // Linux writes at most ~2 GiB per call; smaller chunks keep that explicit.
    const size_t chunk = std::min<size_t>(size, size_t{1} << 30);
    const ssize_t n = ::write(fd_, data, chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError(path_ + ": cannot write " + temp_ + ": " + std::strerror(errno));
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return Status::OK();
}

Status OutputFile::CloseFd() {
  if (fd_ < 0) return Status::OK();
  const int fd = fd_;
  fd_ = -1;
  if (close(fd) != 0) {
    const int err = errno;
    return Status::IoError(path_ + ": cannot write " + temp_ + ": " + Errno(err));
  }
  return Status::OK();
}

Status OutputFile::Commit() {
  if (done_) return Status::IoError(path_ + ": output already finished");
  Status st = CloseFd();
  if (st.ok() && keep_mode_) {
    // Again by name: a writer given temp_path() may have replaced the file.
    const int fd = open(temp_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    int err = fd < 0 ? errno : 0;
    if (fd >= 0) {
      if (fchmod(fd, mode_) != 0) err = errno;
      close(fd);
    }
    if (err != 0)
      st = Status::IoError(path_ + ": cannot set the mode of " + temp_ + ": " + Errno(err));
  }
  if (st.ok() && std::rename(temp_.c_str(), target_.c_str()) != 0) {
    const int err = errno;
    st = Status::IoError(path_ + ": cannot rename " + temp_ + " to " + target_ + ": " + Errno(err));
  }
  if (!st.ok()) {
    Discard();
    return st;
  }
  done_ = true;
  g_active = 0;
  return Status::OK();
}

void OutputFile::Discard() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  if (done_) return;
  done_ = true;
  unlink(temp_.c_str());
  unlink((temp_ + ".tmp." + std::to_string(static_cast<long>(getpid()))).c_str());
  g_active = 0;
}

std::string OutputFile::Rename(std::string_view message) const {
  std::string out(message);
  for (size_t pos = 0; (pos = out.find(temp_, pos)) != std::string::npos; pos += path_.size()) {
    out.replace(pos, temp_.size(), path_);
  }
  return out;
}

// write(2) until done, retrying short writes and EINTR.
bool WriteAll(int fd, const uint8_t* data, size_t size, int& err) {
  while (size > 0) {
    // Linux writes at most ~2 GiB per call; smaller chunks keep that explicit.
    size_t chunk = std::min<size_t>(size, size_t{1} << 30);
    ssize_t n = write(fd, data, chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      err = errno;
      return false;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

Status WriteWholeFile(const std::string& path, std::string_view bytes) {
  COGR_ASSIGN_OR_RETURN(std::unique_ptr<OutputFile> out, OutputFile::Create(path));
  int err = 0;
  if (!WriteAll(out->fd(), reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), err)) {
    return Status::IoError(path + ": " + std::strerror(err));
  }
  return out->Commit();
}

}  // namespace cogr::cli
