#include "api.h"

#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>

#include "mapping.h"

namespace netsuite {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;

namespace {

std::string RestBase(const std::string& account) {
  return "https://" + account + ".suitetalk.api.netsuite.com/services/rest/";
}

// "NetSuite answered HTTP 404 to GET /services/rest/record/v1/phonecall/1": path without query.
std::string Failed(int status, std::string_view method, const std::string& url) {
  size_t begin = url.find("://");
  begin = begin == std::string::npos ? 0 : url.find('/', begin + 3);
  std::string path = begin == std::string::npos ? std::string("/") : url.substr(begin);
  return "NetSuite answered HTTP " + std::to_string(status) + " to " + std::string(method) + " " +
         path.substr(0, path.find('?'));
}

json::value Parsed(const sdk::HttpResponse& resp) {
  if (resp.body.empty()) return nullptr;
  boost::system::error_code ec;
  json::value v = json::parse(resp.body, ec);
  if (ec) throw Error(resp.status, "NetSuite answered invalid JSON", "");
  return v;
}

}  // namespace

std::string DetailOr(const std::exception& e, std::string_view fallback) {
  if (auto* ns = dynamic_cast<const Error*>(&e); ns && !ns->detail().empty()) return ns->detail();
  return std::string(fallback);
}

Api::Api(sdk::Call& call, const json::object& in) : call_(&call) {
  auto account = AccountOf(sdk::string_field(object_of(in, "user"), "hostname"));
  if (!account) throw sdk::InvalidInput("the user's hostname names no NetSuite account");
  account_ = *account;
  auth_ = sdk::string_field(in, "authHeader");
}

Api::Api(sdk::Call& call, std::string account, std::string auth)
    : call_(&call), account_(std::move(account)), auth_(std::move(auth)) {}

sdk::HttpResponse Api::Send(std::string_view method, const std::string& url,
                            const json::value* body, bool prefer_transient) {
  const std::string payload = body ? json::serialize(*body) : std::string();
  std::vector<std::pair<std::string_view, std::string_view>> headers{
      {"Authorization", auth_}, {"Accept", "application/json"}};
  if (body) headers.emplace_back("Content-Type", "application/json");
  if (prefer_transient) headers.emplace_back("Prefer", "transient");
  sdk::HttpResponse resp = call_->http_headers(method, url, headers, payload);
  if (!resp.ok()) {
    boost::system::error_code ec;
    const json::value v = json::parse(resp.body, ec);
    throw Error(resp.status, Failed(resp.status, method, url), ec ? std::string() : ErrorDetail(v));
  }
  return resp;
}

json::array Api::SuiteQl(const std::string& query) {
  const json::value body = json::object{{"q", query}};
  json::value answer = Parsed(Send("POST", RestBase(account_) + "query/v1/suiteql", &body, true));
  const json::value* items = js::get(&answer, "items");
  return items && items->is_array() ? items->get_array() : json::array();
}

json::value Api::Get(const std::string& path) {
  return Parsed(Send("GET", RestBase(account_) + "record/v1/" + path, nullptr));
}

std::string Api::Create(const std::string& type, const json::value& body) {
  sdk::HttpResponse resp = Send("POST", RestBase(account_) + "record/v1/" + type, &body);
  std::string id = LastSegment(resp.header("location"));
  if (id.empty()) {  // some answers carry the record instead
    const json::value v = Parsed(resp);
    const json::value* in_body = js::get(&v, "id");
    if (!in_body) in_body = js::get(js::get(&v, "data"), "id");
    if (in_body) id = js::to_string(*in_body);
  }
  if (id.empty()) throw Error(resp.status, "NetSuite answered no id for the new " + type, "");
  return id;
}

void Api::Patch(const std::string& path, const json::value& body) {
  Send("PATCH", RestBase(account_) + "record/v1/" + path, &body);
}

json::value Api::RunRestlet(const Restlet& restlet, std::string_view method,
                            const json::value* body, const std::string& query) {
  const std::string url =
      "https://" + account_ +
      ".restlets.api.netsuite.com/app/site/hosting/restlet.nl?script=" + restlet.script +
      "&deploy=" + restlet.deploy + query;
  return Parsed(Send(method, url, body));
}

void RevokeToken(sdk::Call& call, const std::string& account, const std::string& client_id,
                 const std::string& client_secret, const std::string& token) {
  const std::string url = RestBase(account) + "auth/oauth2/v1/revoke";
  try {
    const std::string basic = "Basic " + sdk::base64_encode(client_id + ":" + client_secret);
    sdk::HttpResponse resp =
        call.http("POST", url,
                  {{"Authorization", basic}, {"Content-Type", "application/x-www-form-urlencoded"}},
                  "token=" + sdk::url_encode(token));
    if (!resp.ok()) call.warn(Failed(resp.status, "POST", url) + "; the token is dropped anyway");
  } catch (const sdk::UpstreamError& e) {
    call.warn(std::string("NetSuite token revocation failed: ") + e.what());
  }
}

}  // namespace netsuite
