#include "api.h"

namespace redtail {

std::string Api::LoginHeader(const std::string& username, const std::string& password) const {
  return "Basic " + crmhost::sdk::base64_encode(key_ + ":" + username + ":" + password);
}

std::string Api::UserHeader(const std::string& user_key) const {
  return crmhost::sdk::base64_encode(key_ + ":" + user_key);
}

json::value Api::Get(crmhost::sdk::Call& call, const std::string& path, const std::string& auth,
                     bool include_linked_contacts) const {
  if (include_linked_contacts)
    return call.http_json("GET", base_ + path,
                          {{"Authorization", auth}, {"include", "linked_contacts"}});
  return call.http_json("GET", base_ + path, {{"Authorization", auth}});
}

json::value Api::Send(crmhost::sdk::Call& call, std::string_view method, const std::string& path,
                      const std::string& auth, const json::value& body) const {
  return call.http_json(method, base_ + path, {{"Authorization", auth}}, &body);
}

}  // namespace redtail
