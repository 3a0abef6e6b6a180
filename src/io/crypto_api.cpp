// The loader of io/crypto_api.hpp (without its name macros: this file names the table's members).
#ifdef COGR_HAVE_OPENSSL

#define COGR_CRYPTO_NO_NAME_MACROS
#include "io/crypto_api.hpp"

#include "dynamic_library_names.hpp"  // generated: COGR_LAZY_LOAD, COGR_CRYPTO_SONAME
#include "util/dynamic_library.hpp"

#ifndef COGR_CRYPTO_SONAME  // linked at build time (COGR_LAZY_LOAD=OFF): the name is only shown
#define COGR_CRYPTO_SONAME "libcrypto"
#endif

namespace cogr::internal {
namespace {

Status BindCrypto(CryptoFunctions& table, const DynamicLibrarySpec& spec) {
  COGR_BIND_FUNCTIONS(COGR_CRYPTO_FUNCTIONS);
}

constinit LazyLibrary<CryptoFunctions, BindCrypto> library{{COGR_CRYPTO_SONAME, "COGR_LIBCRYPTO"},
                                                           "libcrypto"};

}  // namespace

Status LoadCrypto() { return library.Load(); }

const CryptoFunctions& CryptoApi() { return library.Get(); }

}  // namespace cogr::internal

#endif  // COGR_HAVE_OPENSSL
