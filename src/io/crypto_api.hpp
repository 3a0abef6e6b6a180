// OpenSSL's libcrypto, opened with dlopen when the first s3:// or az:// request is signed
// (util/dynamic_library.hpp).
//
// Include this instead of <openssl/evp.h> and <openssl/hmac.h>: it includes the real header(s) (types, constants, and the declarations the function table is typed from), then
// defines each function name used by cogr as a macro that calls through the table, so call
// sites are written exactly as against a linked library. Every path that reaches it first gets
// OK from LoadCrypto(); the table aborts otherwise. A function that is not in
// COGR_CRYPTO_FUNCTIONS still compiles but fails to link: add it to the list.
#pragma once

#ifdef COGR_HAVE_OPENSSL

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>

#include "cogr/status.hpp"
#include "util/dynamic_library.hpp"

// X(name) for every function called through the table.
#define COGR_CRYPTO_FUNCTIONS(X) \
  X(EVP_Digest)                  \
  X(EVP_sha256)                  \
  X(HMAC)

namespace cogr::internal {

/// The library's functions, typed from its header.
struct CryptoFunctions {
  COGR_CRYPTO_FUNCTIONS(COGR_DYNAMIC_FUNCTION)
};

/// Loads the library and resolves CryptoFunctions once per process (thread-safe; later calls
/// return the first result). kUnsupported "libcrypto.so.3 could not be loaded: <dlerror()>" when the
/// library or one of its functions is missing.
Status LoadCrypto();

/// The resolved table. Only after LoadCrypto() returned OK: aborts otherwise.
const CryptoFunctions& CryptoApi();

}  // namespace cogr::internal

#ifndef COGR_CRYPTO_NO_NAME_MACROS  // defined by the loader, which names the functions itself
#define EVP_Digest (::cogr::internal::CryptoApi().EVP_Digest)
#define EVP_sha256 (::cogr::internal::CryptoApi().EVP_sha256)
#define HMAC (::cogr::internal::CryptoApi().HMAC)
#endif  // COGR_CRYPTO_NO_NAME_MACROS

#endif  // COGR_HAVE_OPENSSL
