#include "npy_writer.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <vector>

namespace cogr::cli {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;
constexpr size_t kArrayAlign = 64;
// numpy >= 1.24 leaves room for the first axis to grow to this many digits, so that a header
// can be rewritten in place; matching it makes our headers byte-identical to numpy.save's.
constexpr size_t kGrowthAxisMaxDigits = 21;

// Path of the temporary file being written, for the signal handler. Written only while
// g_temp_active is 0, so the handler never sees a half-copied path.
char g_temp_path[4096];
volatile sig_atomic_t g_temp_active = 0;

extern "C" void RemoveTempAndReraise(int sig) {
  if (g_temp_active) unlink(g_temp_path);  // async-signal-safe
  signal(sig, SIG_DFL);
  raise(sig);
}

std::string Errno(int err) { return std::strerror(err); }

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

}  // namespace

Result<std::string> NpyHeader(std::string_view descr, std::span<const uint64_t> shape) {
  // numpy: "{" + "'key': repr(value), " for sorted keys + "}", then growth spaces, then padding.
  std::string shape_repr = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i > 0) shape_repr += ", ";
    shape_repr += std::to_string(shape[i]);
  }
  if (shape.size() == 1) shape_repr += ',';
  shape_repr += ')';

  std::string dict = "{'descr': ";
  dict += descr;
  dict += ", 'fortran_order': False, 'shape': ";
  dict += shape_repr;
  dict += ", }";
  if (!shape.empty()) {
    size_t first_len = std::to_string(shape[0]).size();
    if (first_len < kGrowthAxisMaxDigits) dict.append(kGrowthAxisMaxDigits - first_len, ' ');
  }

  // Spaces and a final '\n' so that magic + version + length + header is a multiple of 64; an
  // aligned header still gets 64 spaces more, as numpy's formula gives.
  size_t hlen = dict.size() + 1;
  size_t padlen = kArrayAlign - ((kMagicLen + 2 + 2 + hlen) % kArrayAlign);
  size_t total = hlen + padlen;
  if (total > 0xffff) {
    return Status::InvalidArgument("npy header of " + std::to_string(total) +
                                   " bytes does not fit format 1.0 (max 65535)");
  }
  std::string out(kMagic, kMagicLen);
  out += '\x01';
  out += '\x00';
  out += static_cast<char>(total & 0xff);
  out += static_cast<char>(total >> 8);
  out += dict;
  out.append(padlen, ' ');
  out += '\n';
  return out;
}

std::span<const uint8_t> LittleEndianData(const Array& array, std::vector<uint8_t>& scratch) {
  if constexpr (std::endian::native == std::endian::little) {
    (void)scratch;
    return std::span<const uint8_t>(array.data.data(), array.data.size());
  } else {
    // Each part of a complex sample is its own number in numpy's layout.
    size_t part = array.sample_bytes();
    if (IsComplex(array.dtype)) part /= 2;
    if (part <= 1) return std::span<const uint8_t>(array.data.data(), array.data.size());
    scratch.assign(array.data.begin(), array.data.end());
    for (size_t i = 0; i + part <= scratch.size(); i += part) {
      std::reverse(scratch.begin() + static_cast<ptrdiff_t>(i),
                   scratch.begin() + static_cast<ptrdiff_t>(i + part));
    }
    return scratch;
  }
}

namespace {
// numpy has no complex-integer scalar; rasterio returns complex_int16 as complex64 and
// complex_int32 as complex128, and scripts compare against that, so the file holds those.
template <class I, class F>
Array WidenComplex(const Array& in, DataType to) {
  Array out;
  out.dtype = to;
  out.bands = in.bands;
  out.height = in.height;
  out.width = in.width;
  out.transform = in.transform;
  const size_t n = in.data.size() / sizeof(I);
  out.data.resize(n * sizeof(F));
  for (size_t i = 0; i < n; ++i) {
    I v;
    std::memcpy(&v, in.data.data() + i * sizeof(I), sizeof(I));
    const F f = static_cast<F>(v);
    std::memcpy(out.data.data() + i * sizeof(F), &f, sizeof(F));
  }
  return out;
}
}  // namespace

Status WriteNpyFile(const std::string& path, const Array& input) {
  Array widened;
  if (input.dtype == DataType::kCInt16) widened = WidenComplex<int16_t, float>(input, DataType::kCFloat32);
  if (input.dtype == DataType::kCInt32) widened = WidenComplex<int32_t, double>(input, DataType::kCFloat64);
  const Array& array = widened.dtype != DataType::kUnknown ? widened : input;
  std::string_view descr = DataTypeNpyDescr(array.dtype);
  if (descr.empty()) {
    return Status::Unsupported(path + ": no .npy type for data type " +
                               std::string(DataTypeName(array.dtype)));
  }
  const uint64_t shape[3] = {array.bands, array.height, array.width};
  COGR_ASSIGN_OR_RETURN(std::string header, NpyHeader(descr, shape));
  std::vector<uint8_t> scratch;
  std::span<const uint8_t> data = LittleEndianData(array, scratch);

  const std::string temp = path + ".tmp." + std::to_string(static_cast<long>(getpid()));
  if (temp.size() < sizeof(g_temp_path)) {
    std::memcpy(g_temp_path, temp.c_str(), temp.size() + 1);
    g_temp_active = 1;
  }
  auto fail = [&](const std::string& what, int error_number, bool created) {
    if (created) unlink(temp.c_str());
    g_temp_active = 0;
    return Status::IoError(path + ": " + what + ": " + Errno(error_number));
  };

  // O_NOFOLLOW: never write through a symlink someone planted at the temporary name.
  int fd = open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
  int err = errno;  // saved before building messages, which may allocate and change errno
  if (fd < 0) return fail("cannot create temporary file " + temp, err, false);
  if (!WriteAll(fd, reinterpret_cast<const uint8_t*>(header.data()), header.size(), err) ||
      !WriteAll(fd, data.data(), data.size(), err)) {
    close(fd);
    return fail("cannot write " + temp, err, true);
  }
  if (close(fd) != 0) {
    err = errno;
    return fail("cannot write " + temp, err, true);
  }
  if (std::rename(temp.c_str(), path.c_str()) != 0) {
    err = errno;
    return fail("cannot rename " + temp + " to " + path, err, true);
  }
  g_temp_active = 0;
  return Status::OK();
}

bool NpyOutput::InPlace(DataType dtype) {
  if constexpr (std::endian::native != std::endian::little) {
    if (DataTypeSize(dtype) > 1) return false;
  }
  return dtype != DataType::kCInt16 && dtype != DataType::kCInt32 && !DataTypeNpyDescr(dtype).empty();
}

Status NpyOutput::Fail(const std::string& what, int error_number) {
  if (map_ != nullptr) munmap(map_, map_bytes_);
  map_ = nullptr;
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
  unlink(temp_.c_str());
  g_temp_active = 0;
  done_ = true;
  return Status::IoError(path_ + ": " + what + ": " + Errno(error_number));
}

Result<std::unique_ptr<NpyOutput>> NpyOutput::Create(const std::string& path, DataType dtype, uint64_t bands,
                                                     uint64_t height, uint64_t width) {
  std::string_view descr = DataTypeNpyDescr(dtype);
  if (!InPlace(dtype)) {
    return Status::Unsupported(path + ": data type " + std::string(DataTypeName(dtype)) + " is not written in place");
  }
  const uint64_t shape[3] = {bands, height, width};
  COGR_ASSIGN_OR_RETURN(std::string header, NpyHeader(descr, shape));
  // The read's size was checked against max_read_bytes; this only guards the arithmetic.
  uint64_t data_bytes = 0;
  if (__builtin_mul_overflow(bands, height, &data_bytes) || __builtin_mul_overflow(data_bytes, width, &data_bytes) ||
      __builtin_mul_overflow(data_bytes, uint64_t{DataTypeSize(dtype)}, &data_bytes) ||
      data_bytes > (uint64_t{1} << 62)) {
    return Status::LimitExceeded(path + ": array of " + std::to_string(bands) + " x " + std::to_string(height) +
                                 " x " + std::to_string(width) + " samples is too large");
  }
  const size_t total = header.size() + static_cast<size_t>(data_bytes);

  std::unique_ptr<NpyOutput> out(new NpyOutput());
  out->path_ = path;
  out->temp_ = path + ".tmp." + std::to_string(static_cast<long>(getpid()));
  if (out->temp_.size() < sizeof(g_temp_path)) {
    std::memcpy(g_temp_path, out->temp_.c_str(), out->temp_.size() + 1);
    g_temp_active = 1;
  }
  // O_NOFOLLOW: never write through a symlink someone planted at the temporary name.
  out->fd_ = open(out->temp_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0666);
  int err = errno;
  if (out->fd_ < 0) {
    g_temp_active = 0;
    out->done_ = true;
    return Status::IoError(path + ": cannot create temporary file " + out->temp_ + ": " + Errno(err));
  }
  // Reserve the blocks now, so that a full disk is an error here rather than a SIGBUS when a
  // mapped page is first written. Filesystems without fallocate get a sparse file.
  if (fallocate(out->fd_, 0, 0, static_cast<off_t>(total)) != 0) {
    err = errno;
    if (err != EOPNOTSUPP && err != ENOSYS) return out->Fail("cannot allocate " + out->temp_, err);
    if (ftruncate(out->fd_, static_cast<off_t>(total)) != 0) {
      err = errno;
      return out->Fail("cannot size " + out->temp_, err);
    }
  }
  out->map_bytes_ = total;
  out->map_ = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_SHARED, out->fd_, 0);
  if (out->map_ == MAP_FAILED) {
    err = errno;
    out->map_ = nullptr;
    return out->Fail("cannot map " + out->temp_, err);
  }
  std::memcpy(out->map_, header.data(), header.size());
  out->view_ = ArrayView::Contiguous(static_cast<uint8_t*>(out->map_) + header.size(), dtype, bands, height, width);
  return out;
}

Status NpyOutput::Commit() {
  if (done_) return Status::IoError(path_ + ": output already closed");
  // munmap leaves the dirty pages to the kernel's writeback, as close(2) after write(2) does.
  if (munmap(map_, map_bytes_) != 0) {
    map_ = nullptr;
    return Fail("cannot unmap " + temp_, errno);
  }
  map_ = nullptr;
  if (close(fd_) != 0) {
    fd_ = -1;
    return Fail("cannot write " + temp_, errno);
  }
  fd_ = -1;
  if (std::rename(temp_.c_str(), path_.c_str()) != 0) {
    const int err = errno;
    return Fail("cannot rename " + temp_ + " to " + path_, err);
  }
  g_temp_active = 0;
  done_ = true;
  return Status::OK();
}

NpyOutput::~NpyOutput() {
  if (!done_) (void)Fail("abandoned", 0);
}

void RemovePendingTempFile() {
  if (g_temp_active) unlink(g_temp_path);
  g_temp_active = 0;
}

void InstallTempFileCleanup() {
  struct sigaction action;
  std::memset(&action, 0, sizeof(action));
  action.sa_handler = RemoveTempAndReraise;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction old;
    // Keep an inherited "ignore" (nohup, background jobs): that is the caller's choice.
    if (sigaction(sig, nullptr, &old) == 0 && old.sa_handler == SIG_IGN) continue;
    sigaction(sig, &action, nullptr);
  }
}

}  // namespace cogr::cli
