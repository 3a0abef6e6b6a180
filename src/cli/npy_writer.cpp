#include "npy_writer.hpp"

#include <fcntl.h>
#include <linux/magic.h>
#include <sys/mman.h>
#include <sys/statfs.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
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

std::string Errno(int err) { return std::strerror(err); }

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

Status WriteNpy(OutputFile& out, const Array& input) {
  Array widened;
  if (input.dtype == DataType::kCInt16)
    widened = WidenComplex<int16_t, float>(input, DataType::kCFloat32);
  if (input.dtype == DataType::kCInt32)
    widened = WidenComplex<int32_t, double>(input, DataType::kCFloat64);
  const Array& array = widened.dtype != DataType::kUnknown ? widened : input;
  std::string_view descr = DataTypeNpyDescr(array.dtype);
  if (descr.empty()) {
    return Status::Unsupported(out.path() + ": no .npy type for data type " +
                               std::string(DataTypeName(array.dtype)));
  }
  const uint64_t shape[3] = {array.bands, array.height, array.width};
  COGR_ASSIGN_OR_RETURN(std::string header, NpyHeader(descr, shape));
  std::vector<uint8_t> scratch;
  std::span<const uint8_t> data = LittleEndianData(array, scratch);
  COGR_RETURN_IF_ERROR(out.Write(reinterpret_cast<const uint8_t*>(header.data()), header.size()));
  return out.Write(data.data(), data.size());
}

Status WriteNpyFile(const std::string& path, const Array& array) {
  COGR_ASSIGN_OR_RETURN(std::unique_ptr<OutputFile> out, OutputFile::Create(path));
  COGR_RETURN_IF_ERROR(WriteNpy(*out, array));
  return out->Commit();  // the destructor removes the temporary file on any error above
}

bool NpyOutput::InPlace(DataType dtype) {
  if constexpr (std::endian::native != std::endian::little) {
    if (DataTypeSize(dtype) > 1) return false;
  }
  return dtype != DataType::kCInt16 && dtype != DataType::kCInt32 &&
         !DataTypeNpyDescr(dtype).empty();
}

Status NpyOutput::Fail(Status status) {
  if (map_ != nullptr) munmap(map_, map_bytes_);
  map_ = nullptr;
  if (file_) file_->Discard();
  return status;
}

namespace {
constexpr size_t kHugePage = size_t{2} << 20;
}  // namespace

Result<std::unique_ptr<NpyOutput>> NpyOutput::Create(const std::string& path, DataType dtype,
                                                     uint64_t bands, uint64_t height,
                                                     uint64_t width, bool rows_ok,
                                                     std::span<const uint64_t> header_shape) {
  std::string_view descr = DataTypeNpyDescr(dtype);
  if (!InPlace(dtype)) {
    return Status::Unsupported(path + ": data type " + std::string(DataTypeName(dtype)) +
                               " is not written in place");
  }
  const uint64_t shape[3] = {bands, height, width};
  if (!header_shape.empty()) {
    uint64_t n = 1, m = 0;
    for (uint64_t d : header_shape) n = __builtin_mul_overflow(n, d, &m) ? 0 : m;
    if (bands != 0 && height != 0 && width != 0 && n != bands * height * width) {
      return Status::InvalidArgument(path + ": .npy shape does not hold the array's samples");
    }
  }
  COGR_ASSIGN_OR_RETURN(
      std::string header,
      NpyHeader(descr, header_shape.empty() ? std::span<const uint64_t>(shape) : header_shape));
  // The read's size was checked against max_read_bytes; this only guards the arithmetic.
  uint64_t data_bytes = 0;
  if (__builtin_mul_overflow(bands, height, &data_bytes) ||
      __builtin_mul_overflow(data_bytes, width, &data_bytes) ||
      __builtin_mul_overflow(data_bytes, uint64_t{DataTypeSize(dtype)}, &data_bytes) ||
      data_bytes > (uint64_t{1} << 62)) {
    return Status::LimitExceeded(path + ": array of " + std::to_string(bands) + " x " +
                                 std::to_string(height) + " x " + std::to_string(width) +
                                 " samples is too large");
  }
  std::unique_ptr<NpyOutput> out(new NpyOutput());
  COGR_ASSIGN_OR_RETURN(out->file_, OutputFile::Create(path));
  OutputFile& file = *out->file_;
  out->header_ = std::move(header);
  out->data_bytes_ = data_bytes;
  const size_t total = out->header_.size() + static_cast<size_t>(data_bytes);
  auto sys_fail = [&](const std::string& what, int err) {
    return out->Fail(
        Status::IoError(path + ": " + what + " " + file.temp_path() + ": " + Errno(err)));
  };

  struct statfs fs {};
  const bool tmpfs =
      fstatfs(file.fd(), &fs) == 0 && static_cast<unsigned long>(fs.f_type) == TMPFS_MAGIC;
  out->bands_ = bands;
  out->height_ = height;
  out->row_bytes_ = width * DataTypeSize(dtype);
  if (tmpfs && rows_ok && data_bytes > 0) {
    out->streamed_ = true;
    out->view_ = ArrayView{};
    out->view_.dtype = dtype;
    return out;
  }
  if (tmpfs || data_bytes == 0) {
    // Anonymous memory, aligned to and advised for transparent huge pages; Commit writes it.
    const size_t bytes = std::max<size_t>(static_cast<size_t>(data_bytes), 1) + kHugePage;
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
      const int err = errno;
      return out->Fail(Status::LimitExceeded(path + ": cannot allocate " +
                                             std::to_string(data_bytes) +
                                             " bytes for the output: " + Errno(err)));
    }
    out->map_ = p;
    out->map_bytes_ = bytes;
    const uintptr_t base = reinterpret_cast<uintptr_t>(p);
    out->data_ = reinterpret_cast<uint8_t*>((base + kHugePage - 1) & ~uintptr_t{kHugePage - 1});
#ifdef MADV_HUGEPAGE
    if (data_bytes >= kHugePage)
      (void)madvise(out->data_, static_cast<size_t>(data_bytes), MADV_HUGEPAGE);
#endif
    out->mapped_file_ = false;
  } else {
    // Reserve the blocks now, so that a full disk is an error here rather than a SIGBUS when a
    // mapped page is first written. File systems without fallocate get a sparse file.
    if (fallocate(file.fd(), 0, 0, static_cast<off_t>(total)) != 0) {
      const int err = errno;
      if (err != EOPNOTSUPP && err != ENOSYS) return sys_fail("cannot allocate", err);
      if (ftruncate(file.fd(), static_cast<off_t>(total)) != 0)
        return sys_fail("cannot size", errno);
    }
    void* p = mmap(nullptr, total, PROT_READ | PROT_WRITE, MAP_SHARED, file.fd(), 0);
    if (p == MAP_FAILED) return sys_fail("cannot map", errno);
    out->map_ = p;
    out->map_bytes_ = total;
    std::memcpy(p, out->header_.data(), out->header_.size());
    out->data_ = static_cast<uint8_t*>(p) + out->header_.size();
    out->mapped_file_ = true;
  }
  out->view_ = ArrayView::Contiguous(out->data_, dtype, bands, height, width);
  return out;
}

Status NpyOutput::WriteRows(uint64_t row0, const ArrayView& strip) {
  if (!streamed_ || !file_)
    return Status::InvalidArgument("WriteRows on an output that is not streamed");
  if (!strip.contiguous() || strip.bands != bands_ ||
      strip.width * strip.sample_bytes() != row_bytes_ || row0 != rows_written_ ||
      strip.height > height_ - row0) {
    return Status::InvalidArgument(file_->path() + ": strip of rows [" + std::to_string(row0) +
                                   ", +" + std::to_string(strip.height) +
                                   ") does not continue the " + std::to_string(rows_written_) +
                                   " rows written");
  }
  const size_t bytes = static_cast<size_t>(strip.height * row_bytes_);
  for (uint64_t b = 0; b < bands_; ++b) {
    const uint8_t* src = strip.data + b * strip.band_stride;
    uint64_t offset = header_.size() + (b * height_ + row0) * row_bytes_;
    size_t left = bytes;
    while (left > 0) {
      const ssize_t n = pwrite(file_->fd(), src, std::min<size_t>(left, size_t{1} << 30),
                               static_cast<off_t>(offset));
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        const int err = n < 0 ? errno : EIO;
        return Fail(Status::IoError(file_->path() + ": cannot write " + file_->temp_path() + ": " +
                                    Errno(err)));
      }
      src += n;
      offset += static_cast<uint64_t>(n);
      left -= static_cast<size_t>(n);
    }
  }
  rows_written_ += strip.height;
  return Status::OK();
}

Status NpyOutput::Commit() {
  if (!file_ || (map_ == nullptr && !streamed_)) return Status::IoError("output already closed");
  const std::string& path = file_->path();
  if (streamed_) {
    if (rows_written_ != height_) {
      return Fail(Status::IoError(path + ": " + std::to_string(rows_written_) + " of " +
                                  std::to_string(height_) + " rows written"));
    }
    if (pwrite(file_->fd(), header_.data(), header_.size(), 0) !=
        static_cast<ssize_t>(header_.size())) {
      const int err = errno;
      return Fail(
          Status::IoError(path + ": cannot write " + file_->temp_path() + ": " + Errno(err)));
    }
  } else if (mapped_file_) {
    // munmap leaves the dirty pages to the kernel's writeback, as close(2) after write(2) does.
    if (munmap(map_, map_bytes_) != 0) {
      const int err = errno;
      map_ = nullptr;
      return Fail(
          Status::IoError(path + ": cannot unmap " + file_->temp_path() + ": " + Errno(err)));
    }
  } else {
    Status written = file_->Write(reinterpret_cast<const uint8_t*>(header_.data()), header_.size());
    if (written.ok()) written = file_->Write(data_, static_cast<size_t>(data_bytes_));
    if (!written.ok()) return Fail(std::move(written));
    munmap(map_, map_bytes_);
  }
  map_ = nullptr;
  streamed_ = false;
  Status st = file_->Commit();
  file_.reset();
  return st;
}

NpyOutput::~NpyOutput() {
  if (map_ != nullptr) munmap(map_, map_bytes_);
  // file_'s destructor removes the temporary file unless Commit() succeeded.
}

}  // namespace cogr::cli
