#include "api.h"

#include <crmhost/sdk/contract.hpp>

namespace insightly {

namespace sdk = crmhost::sdk;

Api::Api(sdk::Call& call, std::string pod, const std::string& version, std::string auth)
    : pod_(std::move(pod)), session_(call, pod_ + "/" + version + "/", std::move(auth)) {}

Api::Api(sdk::Call& call, const json::object& in, const std::string& version)
    : Api(call,
          sdk::string_field(sdk::contract::object_of(sdk::contract::object_of(in, "user"),
                                                     "platformAdditionalInfo"),
                            "apiUrl"),
          version, sdk::string_field(in, "authHeader")) {}

json::value Api::Get(const std::string& path) {
  if (pod_.empty()) throw sdk::UpstreamError(0, "no Insightly API URL for this user");
  return session_.get(path);
}

json::value Api::Send(std::string_view method, const std::string& path, const json::value& body) {
  if (pod_.empty()) throw sdk::UpstreamError(0, "no Insightly API URL for this user");
  return session_.request(method, path, body.is_null() ? nullptr : &body);
}

json::array Api::Search(std::string_view path, std::string_view field, const std::string& value) {
  json::value found = Get(std::string(path) + "/search?field_name=" + sdk::url_encode(field) +
                          "&field_value=" + sdk::url_encode(value) + "&brief=false");
  return found.is_array() ? std::move(found.get_array()) : json::array();
}

}  // namespace insightly
