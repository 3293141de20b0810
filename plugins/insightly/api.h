// Insightly's REST API as the reference connector uses it: the user's pod (the origin of the API
// URL pasted at login, kept in platformAdditionalInfo.apiUrl), the version we speak, and the
// stored "Basic base64(<key>:)" header (docs/CRM_PLUGINS.md).
#ifndef CRMHOST_PLUGINS_INSIGHTLY_API_H
#define CRMHOST_PLUGINS_INSIGHTLY_API_H

#include <crmhost/plugin.hpp>
#include <crmhost/sdk/rest.hpp>

#include <string>
#include <string_view>

namespace insightly {

namespace json = boost::json;

class Api {
 public:
  // `pod`: "https://api.na1.insightly.com" (may be empty: every request then fails with status
  // 0); `version`: "v3.1".
  Api(crmhost::sdk::Call& call, std::string pod, const std::string& version, std::string auth);
  // The logged-in user's pod and header, from an operation's input.
  Api(crmhost::sdk::Call& call, const json::object& in, const std::string& version);

  crmhost::sdk::Call& call() const { return session_.call(); }

  json::value Get(const std::string& path);
  // A null `body` sends none (DELETE).
  json::value Send(std::string_view method, const std::string& path, const json::value& body);
  // <path>/search on one field, the records (an empty array when Insightly answers no array).
  json::array Search(std::string_view path, std::string_view field, const std::string& value);

 private:
  std::string pod_;
  crmhost::sdk::rest::Session session_;
};

}  // namespace insightly

#endif  // CRMHOST_PLUGINS_INSIGHTLY_API_H
