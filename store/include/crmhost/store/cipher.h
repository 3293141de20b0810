// Cipher: authenticated encryption of secrets at rest (AES-256-GCM through OpenSSL EVP).
//
// Every sealed blob is  [1 byte format version = 1][12 byte random IV][ciphertext][16 byte tag].
// The caller passes "associated data" naming where the blob lives (column family and record
// key); a blob copied to another record fails to open. Open() never returns plaintext for a
// blob whose tag does not verify.
//
// Keys: a 32-byte master key (from the key file) never encrypts anything itself; purpose keys
// are derived from it with HKDF-SHA256 (DeriveKey), so the JWT signing key and the storage key
// are unrelated. Thread-safe: a Cipher is immutable after construction.
#ifndef CRMHOST_STORE_CIPHER_H
#define CRMHOST_STORE_CIPHER_H

#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "crmhost/status.h"

namespace crmhost::store {

using Key256 = std::array<unsigned char, 32>;

// HKDF-SHA256(master, salt = "crmhost", info = purpose) -> 32 bytes.
Key256 DeriveKey(const Key256& master, std::string_view purpose);
// The purposes crmhost derives keys for. Every program that opens the store (crmhostd,
// crmhostctl import-reference) derives the store key with the same one.
inline constexpr std::string_view kStoreKeyPurpose = "crmhost store v1";
inline constexpr std::string_view kJwtKeyPurpose = "crmhost jwt v1";
inline constexpr std::string_view kHashKeyPurpose = "crmhost hash v1";

// Reads a master key file: 64 hex characters (optionally followed by a newline) or exactly 32
// raw bytes. Refuses anything else.
Result<Key256> ReadKeyFile(const std::string& path);

// Creates a new key file with 32 random bytes written as hex, mode 0400. Fails if it exists.
Result<Key256> CreateKeyFile(const std::string& path);

class Cipher {
 public:
  explicit Cipher(const Key256& key) : key_(key) {}

  // Fails only when OpenSSL does (no randomness, no cipher): never throws.
  Result<std::string> Seal(std::string_view plaintext, std::string_view associated_data) const;
  std::optional<std::string> Open(std::string_view blob, std::string_view associated_data) const;

 private:
  Key256 key_;
};

}  // namespace crmhost::store

#endif  // CRMHOST_STORE_CIPHER_H
