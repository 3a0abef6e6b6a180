#include "cogr/status.hpp"

namespace cogr {

std::string_view CodeName(Code code) {
  switch (code) {
    case Code::kOk: return "ok";
    case Code::kInvalidFile: return "invalid_file";
    case Code::kUnsupported: return "unsupported";
    case Code::kLimitExceeded: return "limit_exceeded";
    case Code::kIoError: return "io_error";
    case Code::kUnavailable: return "unavailable";
    case Code::kNotFound: return "not_found";
    case Code::kOutOfRange: return "out_of_range";
    case Code::kInvalidArgument: return "invalid_argument";
    case Code::kCancelled: return "cancelled";
  }
  return "unknown";
}

Status::Status(Code code, std::string message) {
  if (code != Code::kOk) state_ = std::make_shared<const State>(State{code, std::move(message)});
}

const std::string& Status::message() const {
  static const std::string kEmpty;
  return state_ ? state_->message : kEmpty;
}

std::string Status::ToString() const {
  if (ok()) return "ok";
  return std::string(CodeName(code())) + ": " + state_->message;
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  std::string msg(context);
  msg += ": ";
  msg += state_->message;
  return Status(code(), std::move(msg));
}

}  // namespace cogr
