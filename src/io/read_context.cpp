#include "io/read_context.hpp"

#include <algorithm>
#include <string>
#include <utility>

namespace cogr {

void CancelToken::Cancel() {
  std::vector<std::pair<uint64_t, std::function<void()>>> run;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (cancelled_) return;
    cancelled_ = true;
    run.swap(callbacks_);
  }
  for (auto& [id, fn] : run) fn();
}

bool CancelToken::cancelled() const {
  std::lock_guard<std::mutex> lock(mu_);
  return cancelled_;
}

uint64_t CancelToken::Subscribe(std::function<void()> fn) {
  uint64_t id;
  {
    std::lock_guard<std::mutex> lock(mu_);
    id = next_id_++;
    if (!cancelled_) {
      callbacks_.emplace_back(id, std::move(fn));
      return id;
    }
  }
  fn();
  return id;
}

void CancelToken::Unsubscribe(uint64_t id) {
  std::lock_guard<std::mutex> lock(mu_);
  callbacks_.erase(std::remove_if(callbacks_.begin(), callbacks_.end(),
                                  [id](const auto& c) { return c.first == id; }),
                   callbacks_.end());
}

namespace internal {
namespace {
thread_local const ReadContext* current_context = nullptr;
}  // namespace

const ReadContext* CurrentReadContext() { return current_context; }

io::IoContext CurrentIoContext() {
  return current_context != nullptr ? *current_context : io::IoContext{};
}

Status CheckReadContext(const ReadContext* context) {
  if (context == nullptr) return Status::OK();
  const std::string what = context->what;
  if (context->cancel && context->cancel->cancelled())
    return Status::Cancelled(what + " cancelled");
  if (context->deadline && std::chrono::steady_clock::now() >= *context->deadline)
    return DeadlineExceeded(context);
  return Status::OK();
}

Status DeadlineExceeded(const ReadContext* context) {
  const std::string what = context->what;
  return Status::Cancelled(context->timeout_ms > 0
                               ? what + " deadline exceeded (timeout " +
                                     std::to_string(context->timeout_ms) + " ms)"
                               : what + " deadline exceeded");
}

ScopedReadContext::ScopedReadContext(const ReadContext* context) : previous_(current_context) {
  current_context = context;
}

ScopedReadContext::~ScopedReadContext() { current_context = previous_; }

}  // namespace internal
}  // namespace cogr
