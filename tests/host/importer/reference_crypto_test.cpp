// The reference's encryption of managed credentials, undone, against OpenSSL's own command line
// (an implementation other than ours): AES-256-CBC, zero IV, the secret padded with spaces or cut
// to 32 bytes. And the reference's date text.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>

#include "crmhost/encoding.h"
#include "importer/import.h"
#include "importer/reference_crypto.h"
#include "support/daemon_process.h"
#include "support/files.h"

namespace crmhost::importer {
namespace json = boost::json;

namespace {

// `openssl enc` of `plain` with the reference's key for `secret`: the ciphertext in hex.
std::string OpensslEncrypt(const std::string& secret, const std::string& plain) {
  std::string key = secret.substr(0, 32);
  key.resize(32, ' ');
  testing::TempDir dir;
  std::ofstream(dir / "plain", std::ios::binary) << plain;
  const std::string cmd = "openssl enc -aes-256-cbc -K " + HexEncode(key) +
                          " -iv 00000000000000000000000000000000 -in " + (dir / "plain") +
                          " -out " + (dir / "cipher");
  REQUIRE(std::system(cmd.c_str()) == 0);
  return HexEncode(testing::ReadFile(dir / "cipher"));
}

}  // namespace

TEST_CASE("importer: managed values decrypt as the reference encrypted them", "[importer]") {
  for (const std::string& secret :
       {std::string("short"), std::string("exactly-thirty-two-characters-ok"),
        std::string("a-secret-longer-than-thirty-two-characters-is-cut")}) {
    INFO(secret);
    const std::string hex = OpensslEncrypt(secret, R"("org-api-key-123")");
    CHECK(DecryptReferenceValue(secret, hex) == std::optional<std::string>(R"("org-api-key-123")"));
    auto opened =
        OpenStoredValue(secret, json::object{{"version", 1}, {"encrypted", true}, {"value", hex}});
    REQUIRE(opened);
    CHECK(*opened == "org-api-key-123");
    // Another secret, or no secret: not a value, never garbage.
    CHECK_FALSE(
        OpenStoredValue("another-secret", json::object{{"encrypted", true}, {"value", hex}}));
    CHECK_FALSE(OpenStoredValue("", json::object{{"encrypted", true}, {"value", hex}}));
  }
  // Structured values, and plain values the reference tolerates.
  const std::string obj = OpensslEncrypt("k", R"({"a":[1,2]})");
  CHECK(*OpenStoredValue("k", json::object{{"encrypted", true}, {"value", obj}}) ==
        json::parse(R"({"a":[1,2]})"));
  CHECK(*OpenStoredValue("k", json::value("plain")) == "plain");
  CHECK_FALSE(DecryptReferenceValue("k", "not hex"));
  CHECK_FALSE(DecryptReferenceValue("k", "abcd"));  // not a whole block
}

TEST_CASE("importer: the reference's dates", "[importer]") {
  CHECK(ReferenceTime(std::string("2026-01-02 03:04:05.678 +00:00")) == 1767323045678);
  CHECK(ReferenceTime(std::string("2026-01-02 05:04:05.678 +02:00")) == 1767323045678);
  CHECK(ReferenceTime(std::string("2026-01-02 03:04:05.678")) == 1767323045678);
  CHECK(ReferenceTime(std::string("2026-01-02T03:04:05.678Z")) == 1767323045678);
  CHECK(ReferenceTime(std::string("1767323045678")) == 1767323045678);
  CHECK_FALSE(ReferenceTime(std::string("yesterday")));
  CHECK_FALSE(ReferenceTime(std::nullopt));
}

}  // namespace crmhost::importer
