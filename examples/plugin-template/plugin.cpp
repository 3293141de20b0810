// The smallest useful crmhost plugin: an API-key CRM at https://api.hello-crm.example (setting
// hello.api_server overrides it) with login and contact lookup. Copy this folder to start a
// plugin; docs/WRITING_PLUGINS.md walks through it.
#include <crmhost/plugin.hpp>

namespace hello {
namespace sdk = crmhost::sdk;
namespace json = boost::json;

class Hello {
 public:
  static constexpr const char* kName = "hello";  // the platform users log in with
  static constexpr const char* kVersion = "0.1.0";
  static constexpr const char* kManifest =
      R"({"name": "hello", "displayName": "Hello CRM", "auth": {"type": "apiKey"}})";

  // Runs once when the plugin loads; settings come from --plugin-setting hello.<name>=<value>.
  explicit Hello(sdk::Call& init)
      : server_(init.setting("api_server").value_or("https://api.hello-crm.example")) {}

  json::value getAuthType(sdk::Call&, const json::object&) { return "apiKey"; }

  // The host sends "Basic " + this with every call that needs the CRM.
  json::value getBasicAuth(sdk::Call&, const json::object& in) {
    return json::value(sdk::base64_encode(sdk::string_field(in, "apiKey") + ":"));
  }

  json::value getUserInfo(sdk::Call& call, const json::object& in) {
    auto me =
        call.http("GET", server_ + "/me", {{"Authorization", sdk::string_field(in, "authHeader")}});
    if (!me.ok())
      return json::object{{"successful", false},
                          {"returnMessage", json::object{{"message", "Invalid API key"},
                                                         {"messageType", "warning"},
                                                         {"ttl", 3000}}}};
    json::value user = me.json();
    return json::object{{"successful", true},
                        {"platformUserInfo",
                         json::object{{"id", sdk::string_field(user.as_object(), "id") + "-hello"},
                                      {"name", sdk::string_field(user.as_object(), "name")}}}};
  }

  // Errors from http_json (a non-2xx answer, no answer) reach App Connect users as the
  // contract's messages ("Rate limit exceeded", "Authorization error", "Error finding contact").
  json::value findContact(sdk::Call& call, const json::object& in) {
    json::value found = call.http_json(
        "GET", server_ + "/contacts?phone=" + sdk::url_encode(sdk::string_field(in, "phoneNumber")),
        {{"Authorization", sdk::string_field(in, "authHeader")}});
    json::array matched;
    if (auto* list = found.if_array())
      for (auto& c : *list)
        matched.push_back(
            json::object{{"id", c.at("id")}, {"name", c.at("name")}, {"type", "contact"}});
    return json::object{{"successful", true}, {"matchedContactInfo", std::move(matched)}};
  }

  json::value createCallLog(sdk::Call& call, const json::object& in) {
    json::value body =
        json::object{{"contact", sdk::string_field(sdk::object_field(in, "contactInfo")
                                                       ? *sdk::object_field(in, "contactInfo")
                                                       : json::object(),
                                                   "id")},
                     {"text", sdk::string_field(in, "composedLogDetails")}};
    json::value made =
        call.http_json("POST", server_ + "/calls",
                       {{"Authorization", sdk::string_field(in, "authHeader")}}, &body);
    return json::object{{"logId", made.at("id")}};
  }

  json::value updateCallLog(sdk::Call& call, const json::object& in) {
    const json::object* existing = sdk::object_field(in, "existingCallLog");
    json::value body = json::object{{"text", sdk::string_field(in, "composedLogDetails")}};
    call.http_json(
        "PATCH",
        server_ + "/calls/" +
            sdk::url_encode(existing ? sdk::string_field(*existing, "thirdPartyLogId") : ""),
        {{"Authorization", sdk::string_field(in, "authHeader")}}, &body);
    return json::object{{"updatedNote", sdk::string_field(in, "composedLogDetails")}};
  }

  // The operations the host may call; leave out what the CRM cannot do.
  static constexpr auto operations() {
    using Op = sdk::Operation<Hello>;
    return std::array{
        Op{"getAuthType", &Hello::getAuthType},     Op{"getBasicAuth", &Hello::getBasicAuth},
        Op{"getUserInfo", &Hello::getUserInfo},     Op{"findContact", &Hello::findContact},
        Op{"createCallLog", &Hello::createCallLog}, Op{"updateCallLog", &Hello::updateCallLog}};
  }

 private:
  std::string server_;
};

}  // namespace hello

CRMHOST_PLUGIN(hello::Hello)
