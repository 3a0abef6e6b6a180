#include "util/dynamic_library.hpp"

#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>
#include <vector>

namespace cogr::internal {

std::string DynamicLibraryName(const DynamicLibrarySpec& spec) {
  const char* override_name = spec.env_var ? std::getenv(spec.env_var) : nullptr;
  if (override_name && *override_name) return override_name;
  return spec.soname;
}

Status LoadDynamicLibrary(const DynamicLibrarySpec& spec,
                          std::initializer_list<std::pair<const char*, void**>> symbols) {
  const std::string name = DynamicLibraryName(spec);
  void* handle = dlopen(name.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* why = dlerror();
    return Status::Unsupported(name +
                               " could not be loaded: " + (why ? why : "unknown dlopen error"));
  }
  std::vector<void*> resolved;
  resolved.reserve(symbols.size());
  for (const auto& [symbol, slot] : symbols) {
    (void)slot;
    dlerror();  // clear
    void* address = dlsym(handle, symbol);
    if (!address) {
      const char* why = dlerror();
      // The handle stays open (dlclose of a half-used library buys nothing and some libraries
      // do not unload cleanly); no slot is written.
      return Status::Unsupported(name + " could not be loaded: it has no symbol " + symbol +
                                 (why ? std::string(" (") + why + ")" : std::string()));
    }
    resolved.push_back(address);
  }
  size_t i = 0;
  for (const auto& entry : symbols) *entry.second = resolved[i++];
  return Status::OK();
}

void DynamicLibraryNotLoaded(const char* what, const std::string& load_error) {
  std::fprintf(stderr, "cogr: internal error: %s called without its load check: %s\n", what,
               load_error.c_str());
  std::abort();
}

}  // namespace cogr::internal
