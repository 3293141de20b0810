// App Connect session tokens: JWT, HS256 only.
//
// Sign() issues {id, platform, iat, exp}; Verify() accepts a token only if its header says
// exactly alg HS256 (never "none", never another algorithm, whatever the header claims), its
// signature matches (constant-time comparison, checked before any claim is read), and its
// exp/nbf allow `now`. Tokens over 8 KiB are refused unread. Thread-safe (immutable).
#ifndef CRMHOST_IDENTITY_JWT_H
#define CRMHOST_IDENTITY_JWT_H

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crmhost::identity {

class JwtCodec {
 public:
  explicit JwtCodec(std::string key) : key_(std::move(key)) {}

  // claims + iat = now_s + exp = now_s + lifetime_s.
  std::string Sign(boost::json::object claims, int64_t now_s, int64_t lifetime_s) const;
  // The payload of a valid token; nullopt for anything else.
  std::optional<boost::json::object> Verify(std::string_view token, int64_t now_s) const;

 private:
  std::string Mac(std::string_view data) const;
  std::string key_;
};

}  // namespace crmhost::identity

#endif  // CRMHOST_IDENTITY_JWT_H
