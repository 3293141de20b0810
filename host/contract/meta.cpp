// Meta routes: liveness and capability discovery (contract §3.1).
#include <boost/json.hpp>

#include "contract/app.h"
#include "contract/errors.h"
#include "contract/session.h"

namespace crmhost::contract {
namespace json = boost::json;

namespace {

// /implementedInterfaces answers from the plugin's declared operation list, in the reference's
// key order; getOauthInfo / getBasicAuth appear only for the matching auth type.
http::HttpResponse ImplementedInterfaces(App& app, http::HttpRequest& req) {
  auto platform = req.Query("platform");
  if (!platform || platform->empty())
    return http::HttpResponse::Text(400, "Please provide platform.");
  auto lease = app.registry.Acquire(*platform);
  if (!lease) return UnknownPlatform(*platform);
  const auto& plugin = **lease;
  auto auth = plugin.Invoke("getAuthType", json::object{}, req.request_id, {});
  const std::string type =
      auth.ok() && auth.value.is_string() ? std::string(auth.value.get_string()) : "";
  json::object out;
  auto has = [&](const char* op) { out[op] = plugin.Implements(op); };
  has("getAuthType");
  if (type == "oauth") has("getOauthInfo");
  if (type == "apiKey") has("getBasicAuth");
  for (const char* op : {"getUserInfo",           "createCallLog",
                         "updateCallLog",         "getCallLog",
                         "createMessageLog",      "updateMessageLog",
                         "createContact",         "findContact",
                         "listAppointments",      "createAppointment",
                         "updateAppointment",     "refreshAppointment",
                         "confirmAppointment",    "cancelAppointment",
                         "unAuthorize",           "upsertCallDisposition",
                         "findContactWithName",   "getUserList",
                         "getManagedAuthOptions", "getLicenseStatus",
                         "getLogFormatType",      "refreshUserInfo"})
    has(op);
  out["cacheCallNote"] = false;  // the note cache is not offered (yet)
  return http::HttpResponse::Json(200, out);
}

}  // namespace

void RegisterMetaRoutes(http::Router& router, App& app) {
  auto alive = [](http::HttpRequest&) { return http::HttpResponse::Text(200, "OK"); };
  router.Add("GET", "/isAlive", alive, http::Router::Mode::kInline);
  router.Add("GET", "/is-alive", alive, http::Router::Mode::kInline);  // older clients
  router.Add("GET", "/implementedInterfaces",
             WithJwt(app, [&app](http::HttpRequest& req, const JwtState&) {
               return ImplementedInterfaces(app, req);
             }));
}

}  // namespace crmhost::contract
