// Redtail's public REST API as the reference connector uses it: the base URL, the two
// Authorization header forms, and JSON requests that throw sdk::UpstreamError on failure.
#ifndef CRMHOST_PLUGINS_REDTAIL_API_H
#define CRMHOST_PLUGINS_REDTAIL_API_H

#include <crmhost/plugin.hpp>

#include <string>

namespace redtail {

namespace json = boost::json;

class Api {
 public:
  Api(std::string base_url, std::string integration_key)
      : base_(std::move(base_url)), key_(std::move(integration_key)) {}

  const std::string& base() const { return base_; }
  bool has_key() const { return !key_.empty(); }

  // Login: "Basic base64(<key>:<username>:<password>)".
  std::string LoginHeader(const std::string& username, const std::string& password) const;
  // Every later call: "base64(<key>:<user key>)" with no scheme word.
  std::string UserHeader(const std::string& user_key) const;

  json::value Get(crmhost::sdk::Call& call, const std::string& path, const std::string& auth,
                  bool include_linked_contacts = false) const;
  json::value Send(crmhost::sdk::Call& call, std::string_view method, const std::string& path,
                   const std::string& auth, const json::value& body) const;

 private:
  std::string base_;
  std::string key_;
};

}  // namespace redtail

#endif  // CRMHOST_PLUGINS_REDTAIL_API_H
