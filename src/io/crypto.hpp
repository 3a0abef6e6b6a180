// Hashes, MACs and base64 for request signing (S3 SigV4, Azure Shared Key), over OpenSSL's
// libcrypto. Without OpenSSL (COGR_HAVE_OPENSSL unset) every function returns kUnsupported.
#pragma once

#include <string>
#include <string_view>

#include "cogr/status.hpp"

namespace cogr::io::internal {

/// True when cogr was built with OpenSSL (signing works).
bool HaveCrypto();
/// SHA-256 of `data`, 32 raw bytes.
Result<std::string> Sha256(std::string_view data);
/// HMAC-SHA256 of `data` under `key`, 32 raw bytes.
Result<std::string> HmacSha256(std::string_view key, std::string_view data);
/// Lower-case hex of raw bytes.
std::string HexLower(std::string_view bytes);
/// Standard base64 with padding.
std::string Base64Encode(std::string_view bytes);
/// Standard base64 (padding optional, no whitespace); kInvalidArgument naming `what` if malformed.
Result<std::string> Base64Decode(std::string_view text, std::string_view what);

}  // namespace cogr::io::internal
