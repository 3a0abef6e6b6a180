#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cogr/io.hpp"
#include "io/read_context.hpp"
#include "util/checked.hpp"
#include "util/thread_pool.hpp"

namespace cogr::io {
namespace {

class FileSource final : public Source {
 public:
  FileSource(int fd, uint64_t size, std::string path)
      : fd_(fd), size_(size), path_(std::move(path)) {}
  ~FileSource() override { ::close(fd_); }

  Result<size_t> ReadAt(uint64_t offset, MutableByteSpan out) const override {
    if (offset >= size_) return size_t{0};
    size_t want = static_cast<size_t>(std::min<uint64_t>(out.size(), size_ - offset));
    size_t done = 0;
    // Bounded: every iteration either advances or returns.
    while (done < want) {
      ssize_t n = ::pread(fd_, out.data() + done, want - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return Status::IoError(path_ + ": read failed at offset " + std::to_string(offset + done) +
                               ": " + std::strerror(errno));
      }
      if (n == 0) break;  // file shrank under us
      done += static_cast<size_t>(n);
    }
    return done;
  }
  uint64_t size() const override { return size_; }
  const std::string& uri() const override { return path_; }

 private:
  int fd_;
  uint64_t size_;
  std::string path_;
};

class MemSource final : public Source {
 public:
  MemSource(std::vector<uint8_t> bytes, std::string name)
      : bytes_(std::move(bytes)), name_(std::move(name)) {}
  Result<size_t> ReadAt(uint64_t offset, MutableByteSpan out) const override {
    if (offset >= bytes_.size()) return size_t{0};
    size_t n = static_cast<size_t>(std::min<uint64_t>(out.size(), bytes_.size() - offset));
    std::memcpy(out.data(), bytes_.data() + offset, n);
    return n;
  }
  uint64_t size() const override { return bytes_.size(); }
  const std::string& uri() const override { return name_; }

 private:
  std::vector<uint8_t> bytes_;
  std::string name_;
};

}  // namespace

Result<std::vector<uint8_t>> Source::ReadRange(ByteRange range) const {
  if (!internal::RangeInside(range.offset, range.length, size())) {
    return Status::InvalidFile("needs bytes [" + std::to_string(range.offset) + ", " +
                               std::to_string(range.offset + range.length) + ") but the file has " +
                               std::to_string(size()) + " bytes");
  }
  std::vector<uint8_t> buf(static_cast<size_t>(range.length));
  COGR_ASSIGN_OR_RETURN(size_t n, ReadAt(range.offset, buf));
  if (n != buf.size()) {
    return Status::InvalidFile("short read at offset " + std::to_string(range.offset) + ": got " +
                               std::to_string(n) + " of " + std::to_string(range.length) +
                               " bytes");
  }
  return buf;
}

Status Source::ReadRanges(std::span<const ByteRange> ranges, const RangeCallback& on_range,
                          size_t max_threads) const {
  // The caller's deadline/cancel token, checked before every range (the workers do not see
  // the caller's thread-local context).
  const internal::ReadContext* context = internal::CurrentReadContext();
  return internal::ParallelFor(
      ranges.size(),
      [&](size_t i) -> Status {
        COGR_RETURN_IF_ERROR(internal::CheckReadContext(context));
        // One buffer per thread, reused across ranges and reads.
        thread_local std::vector<uint8_t> buf;
        const ByteRange r = ranges[i];
        if (!internal::RangeInside(r.offset, r.length, size())) {
          return Status::InvalidFile("needs bytes [" + std::to_string(r.offset) + ", " +
                                     std::to_string(r.offset + r.length) + ") but the file has " +
                                     std::to_string(size()) + " bytes");
        }
        buf.resize(static_cast<size_t>(r.length));
        Result<size_t> read = [&] {
          // The caller's context on this worker too, for a source that records a trace.
          const internal::ScopedReadContext scope(context);
          return ReadAt(r.offset, buf);
        }();
        COGR_ASSIGN_OR_RETURN(size_t n, std::move(read));
        if (n != buf.size()) {
          return Status::InvalidFile("short read at offset " + std::to_string(r.offset) + ": got " +
                                     std::to_string(n) + " of " + std::to_string(r.length) +
                                     " bytes");
        }
        return on_range(i, ByteSpan(buf.data(), buf.size()));
      },
      internal::ThreadPool::Default(), max_threads);
}

Result<std::shared_ptr<Source>> OpenFile(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    std::string msg = path + ": " + std::strerror(err);
    if (err == ENOENT) return Status::NotFound(msg);
    return Status::IoError(msg);
  }
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::IoError(path + ": not a regular file");
  }
  return std::shared_ptr<Source>(
      std::make_shared<FileSource>(fd, static_cast<uint64_t>(st.st_size), path));
}

std::shared_ptr<Source> MemorySource(std::vector<uint8_t> bytes, std::string name) {
  return std::make_shared<MemSource>(std::move(bytes), std::move(name));
}

Result<std::shared_ptr<Source>> Open(const std::string& uri) {
  // The dispatch over schemes lives in src/io/open.cpp.
  return Open(uri, SourceOptions{});
}

}  // namespace cogr::io
