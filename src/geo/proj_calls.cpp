#include "geo/proj_calls.hpp"

namespace cogr::internal {
namespace {
std::atomic<uint64_t> g_proj_context_calls{0};
}  // namespace

uint64_t ProjContextCalls() { return g_proj_context_calls.load(std::memory_order_relaxed); }
void CountProjContextCall() { g_proj_context_calls.fetch_add(1, std::memory_order_relaxed); }

}  // namespace cogr::internal
