// Opens from header bytes known ahead (io::KnownHeader, SourceOptions::known_header): no request.
#pragma once

#include <memory>
#include <string>

#include "cogr/io.hpp"
#include "io/header_cache.hpp"

namespace cogr::io::internal {

/// kInvalidArgument naming `uri` unless `known`'s chunks are sorted, disjoint, non-empty, inside
/// [0, size) and at most kMaxHeaderEntryBytes in all.
Status CheckKnownHeader(const KnownHeader& known, const std::string& uri);

/// The header-cache entry of `known` for `url`.
std::shared_ptr<const HeaderEntry> EntryOf(const KnownHeader& known, const std::string& url);

/// A local file source whose reads inside `known`'s chunks come from memory (counted as cache
/// hits, no pread). kIoError naming the file when its size is not known->size.
Result<std::shared_ptr<Source>> WithKnownHeader(std::shared_ptr<Source> file,
                                                std::shared_ptr<const KnownHeader> known);

}  // namespace cogr::io::internal
