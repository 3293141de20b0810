#include "identity/jwt.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cmath>
#include <limits>

#include "crmhost/encoding.h"

namespace crmhost::identity {
namespace json = boost::json;
namespace {

constexpr size_t kMaxTokenBytes = 8192;
constexpr std::string_view kHeader = R"({"alg":"HS256","typ":"JWT"})";

std::optional<json::object> ParseObject(std::string_view b64) {
  auto raw = Base64Decode(b64);
  if (!raw) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(*raw, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

std::optional<int64_t> NumericClaim(const json::object& o, std::string_view k, bool* bad) {
  auto* v = o.if_contains(k);
  if (!v) return std::nullopt;
  // Numbers beyond int64 (1e300, 2^64-1) are clamped, as a date that far away behaves in
  // jsonwebtoken: converting them directly would be undefined behaviour (found by fuzzing).
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64()) return v->get_uint64() > uint64_t(kMax) ? kMax : int64_t(v->get_uint64());
  if (v->is_double()) {
    const double d = v->get_double();
    if (std::isnan(d)) {  // Boost.JSON reads 0e7300 as NaN: not a time
      *bad = true;
      return std::nullopt;
    }
    if (d >= 9.2e18) return kMax;
    if (d <= -9.2e18) return kMin;
    return int64_t(d);
  }
  *bad = true;  // present but not a number: jsonwebtoken rejects "invalid exp value"
  return std::nullopt;
}

}  // namespace

std::string JwtCodec::Mac(std::string_view data) const {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key_.data(), int(key_.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

std::string JwtCodec::Sign(json::object claims, int64_t now_s, int64_t lifetime_s) const {
  claims["iat"] = now_s;
  claims["exp"] = now_s + lifetime_s;
  std::string signing_input =
      Base64UrlEncode(kHeader) + "." + Base64UrlEncode(json::serialize(claims));
  return signing_input + "." + Base64UrlEncode(Mac(signing_input));
}

std::optional<json::object> JwtCodec::Verify(std::string_view token, int64_t now_s) const {
  if (token.empty() || token.size() > kMaxTokenBytes) return std::nullopt;
  size_t d1 = token.find('.');
  if (d1 == std::string_view::npos) return std::nullopt;
  size_t d2 = token.find('.', d1 + 1);
  if (d2 == std::string_view::npos || token.find('.', d2 + 1) != std::string_view::npos)
    return std::nullopt;
  auto header = ParseObject(token.substr(0, d1));
  if (!header) return std::nullopt;
  auto* alg = header->if_contains("alg");
  if (!alg || !alg->is_string() || alg->get_string() != "HS256") return std::nullopt;
  // Compare the encoded signature, as jsonwebtoken does: a non-canonical encoding of the right
  // bytes (flipped padding bits) is a different token and is refused.
  const std::string expected = Base64UrlEncode(Mac(token.substr(0, d2)));
  const std::string_view sig = token.substr(d2 + 1);
  if (sig.size() != expected.size() ||
      CRYPTO_memcmp(sig.data(), expected.data(), expected.size()) != 0)
    return std::nullopt;
  auto payload = ParseObject(token.substr(d1 + 1, d2 - d1 - 1));
  if (!payload) return std::nullopt;
  bool bad = false;
  auto exp = NumericClaim(*payload, "exp", &bad);
  auto nbf = NumericClaim(*payload, "nbf", &bad);
  if (bad) return std::nullopt;
  if (exp && now_s >= *exp) return std::nullopt;
  if (nbf && now_s < *nbf) return std::nullopt;
  return payload;
}

}  // namespace crmhost::identity
