// The loader of io/crypto_api.hpp (without its name macros: this file names the table's members).
#ifdef COGR_HAVE_OPENSSL

#define COGR_CRYPTO_NO_NAME_MACROS
#include "io/crypto_api.hpp"

#include <atomic>

#include "dynamic_library_names.hpp"  // generated: COGR_LAZY_LOAD, COGR_CRYPTO_SONAME
#include "util/dynamic_library.hpp"

#ifndef COGR_CRYPTO_SONAME  // linked at build time (COGR_LAZY_LOAD=OFF): the name is only shown
#define COGR_CRYPTO_SONAME "libcrypto"
#endif

namespace cogr::internal {
namespace {

CryptoFunctions table;
std::atomic<bool> loaded{false};

constexpr DynamicLibrarySpec kSpec{COGR_CRYPTO_SONAME, "COGR_LIBCRYPTO"};

}  // namespace

std::string CryptoLibraryName() { return DynamicLibraryName(kSpec); }

Status LoadCrypto() {
  // A function-local static: initialised once, thread-safe, and no static initializer at
  // process start.
  static const Status status = [] {
    Status load_status;
#if COGR_LAZY_LOAD
#define COGR_CRYPTO_SLOT(name) {#name, reinterpret_cast<void**>(&table.name)},
    load_status = LoadDynamicLibrary(kSpec, {COGR_CRYPTO_FUNCTIONS(COGR_CRYPTO_SLOT)});
#undef COGR_CRYPTO_SLOT
#else  // linked at build time (COGR_LAZY_LOAD=OFF)
#define COGR_CRYPTO_SLOT(name) table.name = &::name;
    COGR_CRYPTO_FUNCTIONS(COGR_CRYPTO_SLOT)
#undef COGR_CRYPTO_SLOT
#endif
    loaded.store(load_status.ok(), std::memory_order_release);
    return load_status;
  }();
  return status;
}

const CryptoFunctions& CryptoApi() {
  if (!loaded.load(std::memory_order_acquire)) {
    if (Status s = LoadCrypto(); !s.ok()) DynamicLibraryNotLoaded("libcrypto", s.message());
  }
  return table;
}

}  // namespace cogr::internal

#endif  // COGR_HAVE_OPENSSL
