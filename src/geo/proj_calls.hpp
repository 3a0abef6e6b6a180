// geo: a process-wide count of the calls into PROJ, so tests can check that a path (open, read,
// metadata) never loads PROJ. Built with or without PROJ (always 0 without).
#pragma once

#include <atomic>
#include <cstdint>

namespace cogr::internal {

/// Calls of ProjContext() so far in this process (every PROJ use goes through it).
uint64_t ProjContextCalls();
/// Incremented by ProjContext().
void CountProjContextCall();

}  // namespace cogr::internal
