// Error model of cogr: Status / Result<T>, no exceptions across the API.
// Hostile input is an expected outcome, so it is a return value.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "cogr/export.hpp"

namespace cogr {

/// What went wrong, for callers that branch (retry, 404, 400).
enum class Code : uint8_t {
  kOk = 0,
  kInvalidFile,      ///< the bytes are not a valid TIFF / stream
  kUnsupported,      ///< valid but not handled (codec, layout)
  kLimitExceeded,    ///< a Limits cap or an allocation failure
  kIoError,          ///< a permanent I/O failure
  kUnavailable,      ///< transient (timeout, 5xx, 429); the only code io retries
  kNotFound,         ///< no such file / object
  kOutOfRange,       ///< a request outside the data (band, window, overview)
  kInvalidArgument,  ///< caller's arguments are wrong
  kCancelled,        ///< cancelled or past its deadline
};

/// Lower-case name of a code ("invalid_file").
COGR_EXPORT std::string_view CodeName(Code code);

/// OK or (code, message). Cheap to copy: OK is a null pointer.
class
    [[nodiscard]] Status;  // (GCC takes [[nodiscard]] and COGR_EXPORT only on separate declarations)
class COGR_EXPORT Status {
 public:
  Status() = default;
  Status(Code code, std::string message);

  static Status OK() { return Status(); }
  static Status InvalidFile(std::string msg) { return {Code::kInvalidFile, std::move(msg)}; }
  static Status Unsupported(std::string msg) { return {Code::kUnsupported, std::move(msg)}; }
  static Status LimitExceeded(std::string msg) { return {Code::kLimitExceeded, std::move(msg)}; }
  static Status IoError(std::string msg) { return {Code::kIoError, std::move(msg)}; }
  static Status Unavailable(std::string msg) { return {Code::kUnavailable, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {Code::kNotFound, std::move(msg)}; }
  static Status OutOfRange(std::string msg) { return {Code::kOutOfRange, std::move(msg)}; }
  static Status InvalidArgument(std::string msg) {
    return {Code::kInvalidArgument, std::move(msg)};
  }
  static Status Cancelled(std::string msg) { return {Code::kCancelled, std::move(msg)}; }

  bool ok() const { return state_ == nullptr; }
  Code code() const { return state_ ? state_->code : Code::kOk; }
  /// Empty when OK.
  const std::string& message() const;
  /// "invalid_file: message" or "ok".
  std::string ToString() const;
  /// Same code, message prefixed with "context: " (e.g. the file name). OK stays OK.
  Status WithContext(std::string_view context) const;

 private:
  struct State {
    Code code;
    std::string message;
  };
  std::shared_ptr<const State> state_;
};

namespace internal {
/// Called when a Result holding an error is dereferenced: a programmer error, so it prints
/// "cogr: value of a failed Result: <code>: <message>" to stderr and aborts (never undefined
/// behaviour). Check ok() first.
[[noreturn]] inline void FailedResultAccess(const Status& status) {
  std::fprintf(stderr, "cogr: value of a failed Result: %s\n", status.ToString().c_str());
  std::fflush(stderr);
  std::abort();
}
}  // namespace internal

/// A value or the Status saying why there is none. value(), `*` and `->` on a Result that is
/// not ok() print its error to stderr and abort.
template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT
    if (status_.ok()) status_ = Status(Code::kInvalidArgument, "Result built from OK status");
  }
  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }
  T& value() & { return Checked(); }
  const T& value() const& { return Checked(); }
  T&& value() && { return std::move(Checked()); }
  T& operator*() & { return Checked(); }
  const T& operator*() const& { return Checked(); }
  T* operator->() { return &Checked(); }
  const T* operator->() const { return &Checked(); }

 private:
  T& Checked() {
    if (!value_.has_value()) [[unlikely]]
      internal::FailedResultAccess(status_);
    return *value_;
  }
  const T& Checked() const {
    if (!value_.has_value()) [[unlikely]]
      internal::FailedResultAccess(status_);
    return *value_;
  }

  Status status_;
  std::optional<T> value_;
};

namespace internal {
inline const Status& GetStatus(const Status& s) { return s; }
template <class T>
const Status& GetStatus(const Result<T>& r) {
  return r.status();
}
}  // namespace internal

}  // namespace cogr

#define COGR_CONCAT_INNER(a, b) a##b
#define COGR_CONCAT(a, b) COGR_CONCAT_INNER(a, b)

#define COGR_RETURN_IF_ERROR(expr)                                     \
  do {                                                                 \
    const ::cogr::Status _cogr_st = ::cogr::internal::GetStatus(expr); \
    if (!_cogr_st.ok()) return _cogr_st;                               \
  } while (0)

#define COGR_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                               \
  if (!tmp.ok()) return tmp.status();               \
  lhs = std::move(tmp).value()

#define COGR_ASSIGN_OR_RETURN(lhs, rexpr) \
  COGR_ASSIGN_OR_RETURN_IMPL(COGR_CONCAT(_cogr_r_, __LINE__), lhs, rexpr)

/// Programmer errors only; never for file or server bytes.
#ifdef NDEBUG
#define COGR_DCHECK(cond) ((void)0)
#else
#include <cstdio>
#include <cstdlib>
#define COGR_DCHECK(cond)                                                                 \
  do {                                                                                    \
    if (!(cond)) {                                                                        \
      std::fprintf(stderr, "%s:%d: COGR_DCHECK(%s) failed\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                       \
    }                                                                                     \
  } while (0)
#endif
