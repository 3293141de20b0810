// SHA-256 as lower-case hex, for whoever in the host needs a fingerprint: a plugin file's
// identity (plugins/), a cache key for a RingCentral token (identity/), the reference's salted
// id hashes (contract/). In the runtime layer so that none of them reaches sideways for it.
#ifndef CRMHOST_RUNTIME_DIGEST_H
#define CRMHOST_RUNTIME_DIGEST_H

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace crmhost {

std::string Sha256Hex(std::string_view data);
// The SHA-256 of a file's bytes, read in blocks (a plugin file is tens of megabytes in a
// sanitizer build); nullopt when it cannot be read.
std::optional<std::string> Sha256HexOfFile(const std::filesystem::path& file);

}  // namespace crmhost

#endif  // CRMHOST_RUNTIME_DIGEST_H
