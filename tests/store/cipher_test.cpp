#include <catch2/catch.hpp>

#include <fstream>

#include "crmhost/store/cipher.h"
#include "support/daemon_process.h"

using crmhost::store::Cipher;
using crmhost::store::DeriveKey;
using crmhost::store::Key256;

namespace {
Key256 KeyOf(unsigned char fill) {
  Key256 k;
  k.fill(fill);
  return k;
}
}  // namespace

TEST_CASE("cipher: sealed secrets round-trip and never show the plaintext", "[cipher]") {
  Cipher c(KeyOf(7));
  const std::string secret = "UK-7c9a41d2-user-key-b88e";
  std::string blob = c.Seal(secret, "users\0jdoe-redtail").value();
  REQUIRE(blob.find(secret) == std::string::npos);
  REQUIRE(blob.size() == 1 + 12 + secret.size() + 16);
  auto back = c.Open(blob, "users\0jdoe-redtail");
  REQUIRE(back);
  CHECK(*back == secret);
  // A fresh IV every time: the same secret never seals to the same bytes.
  CHECK(c.Seal(secret, "aad").value() != c.Seal(secret, "aad").value());
}

TEST_CASE("cipher: any tampering, another record's AAD or another key fails to open", "[cipher]") {
  Cipher c(KeyOf(7));
  std::string blob = c.Seal("refresh-token-value", "users/a").value();
  for (size_t i = 0; i < blob.size(); ++i) {
    std::string t = blob;
    t[i] = char(t[i] ^ 0x01);
    CHECK_FALSE(c.Open(t, "users/a"));
  }
  CHECK_FALSE(c.Open(blob, "users/b"));                 // moved to another record
  CHECK_FALSE(Cipher(KeyOf(8)).Open(blob, "users/a"));  // another key
  CHECK_FALSE(c.Open(blob.substr(0, blob.size() - 1), "users/a"));
  CHECK_FALSE(c.Open("", "users/a"));
}

TEST_CASE("cipher: purpose keys are distinct and deterministic", "[cipher]") {
  Key256 master = KeyOf(1);
  CHECK(DeriveKey(master, "crmhost store v1") == DeriveKey(master, "crmhost store v1"));
  CHECK(DeriveKey(master, "crmhost store v1") != DeriveKey(master, "crmhost jwt v1"));
  CHECK(DeriveKey(master, "crmhost store v1") != master);
}

TEST_CASE("cipher: key files are created 0400 and read back, bad ones are refused", "[cipher]") {
  crmhost::testing::TempDir dir;
  const std::string path = dir / "secret.key";
  auto made = crmhost::store::CreateKeyFile(path);
  REQUIRE(made.ok());
  auto read = crmhost::store::ReadKeyFile(path);
  REQUIRE(read.ok());
  CHECK(read.value() == made.value());
  CHECK_FALSE(crmhost::store::CreateKeyFile(path).ok());  // never overwrites a key
  std::ofstream(dir / "short.key") << "abcd\n";
  auto bad = crmhost::store::ReadKeyFile(dir / "short.key");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message().find("64 hex characters") != std::string::npos);
}
