// Per-thread PROJ contexts whose messages are kept for cogr's error messages.
#include "geo/proj_util.hpp"

#ifdef COGR_HAVE_PROJ

#include <string>

#include "geo/proj_calls.hpp"

namespace cogr::internal {

namespace {

struct ThreadProj {
  PJ_CONTEXT* ctx = nullptr;
  PJ* errno_handle = nullptr;  // a trivial object of ctx: the only way to reset ctx's errno
  std::string last_message;

  ThreadProj() {
    ctx = proj_context_create();
    if (ctx == nullptr) return;
    // Errors go to last_message instead of stderr: a library must not print.
    proj_log_level(ctx, PJ_LOG_ERROR);
    proj_log_func(ctx, this, [](void* self, int level, const char* message) {
      if (level == PJ_LOG_ERROR && message != nullptr) {
        static_cast<ThreadProj*>(self)->last_message = message;
      }
    });
    errno_handle = proj_create(ctx, "+proj=noop");
  }
  ~ThreadProj() {
    if (errno_handle != nullptr) proj_destroy(errno_handle);
    if (ctx != nullptr) proj_context_destroy(ctx);
  }
  ThreadProj(const ThreadProj&) = delete;
  ThreadProj& operator=(const ThreadProj&) = delete;

  void Reset() {
    last_message.clear();
    if (errno_handle != nullptr) proj_errno_reset(errno_handle);
  }
};

ThreadProj& Local() {
  thread_local ThreadProj local;
  return local;
}

}  // namespace

PJ_CONTEXT* ProjContext() {
  CountProjContextCall();
  if (!LoadProj().ok()) return nullptr;  // PROJ is opened here, on first use
  ThreadProj& local = Local();
  local.Reset();
  return local.ctx;
}

std::string ProjError(PJ_CONTEXT* ctx) {
  ThreadProj& local = Local();
  std::string message = local.last_message;
  if (message.empty() && ctx != nullptr) {
    const int err = proj_context_errno(ctx);
    if (err != 0) {
      if (const char* text = proj_context_errno_string(ctx, err)) message = text;
    }
  }
  local.Reset();
  if (message.empty()) message = "unknown PROJ error";
  return message;
}

}  // namespace cogr::internal

#endif  // COGR_HAVE_PROJ
