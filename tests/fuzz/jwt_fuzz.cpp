// Fuzz target: JWT verification, which runs on every App Connect request.
//
// The token comes from the client (Authorization: Bearer or ?jwtToken=) and is verified before
// anything else about the caller is known: base64url decoding, the header's algorithm check,
// the HMAC comparison and the claims all see attacker bytes. Two modes:
//  - input not starting with '{': the input is the token (seeds: real tokens, tampered ones).
//    A token that verifies must carry the HMAC-SHA256 of its first two parts under the key,
//    recomputed here independently (an accepted "alg":"none" or a skipped check would fail).
//  - input starting with '{': "HEADER-JSON\nPAYLOAD-JSON" (or just a payload) is signed here
//    with the key, so the code after the signature check (claims, exp, nbf) is fuzzed too: what
//    a token the daemon itself signed could hold (one known bug is filtered, see below).
// The key and "now" are fixed. A token signed by the codec must verify: proof the harness works.
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "crmhost/encoding.h"
#include "identity/jwt.h"

namespace {
constexpr int64_t kNow = 1800000000;  // fixed: the target must not depend on the clock
constexpr std::string_view kKey = "fuzz-signing-key-0123456789abcdef";

[[noreturn]] void Broken(const char* what) {
  std::fprintf(stderr, "jwt fuzz: %s\n", what);
  std::abort();
}

std::string Signature(std::string_view signing_input) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), kKey.data(), int(kKey.size()),
       reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac,
       &len);
  return crmhost::Base64UrlEncode(std::string_view(reinterpret_cast<char*>(mac), len));
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const crmhost::identity::JwtCodec codec{std::string(kKey)};
  static const bool harness_ok = [] {
    const std::string token =
        codec.Sign({{"id", "jdoe-redtail"}, {"platform", "redtail"}}, kNow, 3600);
    auto claims = codec.Verify(token, kNow + 10);
    return claims && claims->at("id") == "jdoe-redtail";
  }();
  if (!harness_ok) Broken("a token signed by the codec does not verify");

  const std::string_view input(reinterpret_cast<const char*>(data), size);
  if (!input.empty() && input[0] == '{') {
    const size_t nl = input.find('\n');
    const std::string_view header =
        nl == input.npos ? R"({"alg":"HS256","typ":"JWT"})" : input.substr(0, nl);
    const std::string_view payload = nl == input.npos ? input : input.substr(nl + 1);
    const std::string signing_input =
        crmhost::Base64UrlEncode(header) + "." + crmhost::Base64UrlEncode(payload);
    if (auto claims = codec.Verify(signing_input + "." + Signature(signing_input), kNow))
      (void)claims->if_contains("platform");
    return 0;
  }

  if (auto claims = codec.Verify(input, kNow)) {
    const size_t last_dot = input.rfind('.');
    if (last_dot == input.npos ||
        input.substr(last_dot + 1) != Signature(input.substr(0, last_dot)))
      Broken("a token without the key's signature verified");
    (void)claims->if_contains("platform");
  }
  return 0;
}
