// Appointment routes (docs/API-REFERENCE.md, Appointments): list, create, update, status, refresh,
// confirm, cancel, each one plugin operation. Requests are validated here first, so plugins only
// ever see well-formed input; a bad request is 400 {error, details:[{path, message}]}.
#include <regex>

#include <crmhost/sdk/js.hpp>

#include "contract/app.h"
#include "contract/errors.h"
#include "contract/plugin_call.h"
#include "contract/session.h"

namespace crmhost::contract {
namespace json = boost::json;
namespace js = crmhost::sdk::js;

namespace {

using Problems = json::array;

void Problem(Problems& p, std::string path, std::string message) {
  p.push_back(json::object{{"path", std::move(path)}, {"message", std::move(message)}});
}

bool IsDate(std::string_view s) {
  static const std::regex re(R"(^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$)");
  return std::regex_match(s.begin(), s.end(), re);
}

bool IsInstant(std::string_view s) {
  static const std::regex re(
      R"(^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]([01]\d|2[0-3]):[0-5]\d)$)");
  return std::regex_match(s.begin(), s.end(), re);
}

void CheckTitle(const json::object& o, Problems& p, bool required) {
  const json::value* t = o.if_contains("title");
  if (!t) {
    if (required) Problem(p, "title", "Required");
  } else if (!t->is_string() || t->get_string().empty()) {
    Problem(p, "title", "Expected a non-empty string");
  }
}

void CheckSummary(const json::object& o, Problems& p, bool required) {
  const json::value* s = o.if_contains("summary");
  if (!s) {
    if (required) Problem(p, "summary", "Required");
  } else if (!s->is_string()) {
    Problem(p, "summary", "Expected a string");
  }
}

void CheckStart(const json::object& o, std::string_view key, Problems& p) {
  const json::value* s = o.if_contains(key);
  if (!s || !s->is_string() || !IsInstant(s->get_string()))
    Problem(p, std::string(key), "Expected an ISO 8601 time with a UTC offset");
}

void CheckDuration(const json::object& o, Problems& p) {
  const json::value* d = o.if_contains("durationMinutes");
  const bool ok =
      d && ((d->is_int64() && d->get_int64() > 0) || (d->is_uint64() && d->get_uint64() > 0) ||
            (d->is_double() && d->get_double() > 0 &&
             d->get_double() == double(int64_t(d->get_double()))));
  if (!ok) Problem(p, "durationMinutes", "Expected a positive whole number");
}

void CheckContacts(const json::object& o, Problems& p) {
  const json::value* c = o.if_contains("contacts");
  if (!c) return;
  if (!c->is_array()) return Problem(p, "contacts", "Expected an array");
  size_t i = 0;
  for (auto& e : c->get_array()) {
    const std::string path = "contacts." + std::to_string(i++);
    if (e.is_string() || e.is_number()) continue;
    if (!e.is_object() || !e.get_object().contains("id"))
      Problem(p, path, "Expected an id or {id}");
  }
}

void CheckOnly(const json::object& o, std::initializer_list<std::string_view> allowed,
               Problems& p) {
  for (auto& [k, v] : o)
    if (std::find(allowed.begin(), allowed.end(), std::string_view(k)) == allowed.end())
      Problem(p, std::string(k), "Unrecognized key");
}

http::HttpResponse Invalid(std::string_view error, Problems p) {
  return http::HttpResponse::Json(400, json::object{{"error", error}, {"details", std::move(p)}});
}

std::string PathId(const http::HttpRequest& req) {
  for (auto& [k, v] : req.params)
    if (k == "appointmentId") return v;
  return {};
}

// Connects, calls `op` with `args` (plus user/authHeader/proxyConfig) and shapes the answer.
http::HttpResponse Run(App& app, http::HttpRequest& req, const Caller& caller,
                       plugins::Operation operation, json::object args,
                       const std::string& appointment_id) {
  const std::string_view op = operation.name();
  auto opened = PluginCall::Open(app, req, caller.platform);
  if (auto* refused = std::get_if<PluginCall::Refused>(&opened))
    return std::move(refused->response);
  auto& call = std::get<PluginCall>(opened);
  if (!call.Implements(operation))
    return http::HttpResponse::Error(400, "connector." + std::string(op) + " is not a function");
  auto connected = call.Connect(caller.user_id, false);
  if (auto* fail = std::get_if<ConnectFailure>(&connected))
    return ConnectFailureResponse(*fail, op, caller.platform,
                                  ReturnMessage("User not found", "warning", 5000));
  Connected& c = *std::get<Connected*>(connected);
  args["user"] = c.user_json;
  args["authHeader"] = c.auth_header;
  args["proxyConfig"] = nullptr;
  auto out = call.Invoke(operation, args);
  if (!out.ok()) return call.Failed(op, out);
  json::object result = out.value.is_object() ? out.value.get_object() : json::object();
  const json::value* successful = result.if_contains("successful");
  if (successful && !successful->is_bool())
    return http::HttpResponse::Error(400, std::string(op) + " returned an invalid successful flag");
  if (successful && !successful->get_bool()) {
    json::object failed{{"successful", false}};
    failed["returnMessage"] =
        result.contains("returnMessage")
            ? result.at("returnMessage")
            : json::value(ReturnMessage("Error performing " + std::string(op), "warning", 5000));
    return call.Served(http::HttpResponse::Json(200, failed));
  }
  result["successful"] = true;
  if (op == "listAppointments") {
    if (!result.contains("appointments")) result["appointments"] = json::array();
  } else if (!js::truthy(js::get(result, "appointmentId"))) {
    const json::value* id = js::get(js::get(result, "appointment"), "id");
    result["appointmentId"] = id ? *id : json::value(appointment_id);
  }
  return call.Served(http::HttpResponse::Json(200, result));
}

http::HttpResponse List(App& app, http::HttpRequest& req, const Caller& caller) {
  auto start = req.Query("startDate");
  auto end = req.Query("endDate");
  Problems p;
  if (bool(start) != bool(end))
    Problem(p, start ? "endDate" : "startDate", "Give both dates or neither");
  if (start && !IsDate(*start)) Problem(p, "startDate", "Expected YYYY-MM-DD");
  if (end && !IsDate(*end)) Problem(p, "endDate", "Expected YYYY-MM-DD");
  if (p.empty() && start && *start > *end) Problem(p, "startDate", "startDate is after endDate");
  if (!p.empty()) return Invalid("Invalid appointment date range", std::move(p));
  json::value range =
      start ? json::value(json::object{{"startDate", *start}, {"endDate", *end}}) : json::value();
  return Run(app, req, caller, "listAppointments", json::object{{"range", range}}, "");
}

http::HttpResponse Create(App& app, http::HttpRequest& req, const Caller& caller) {
  auto parsed = ParseJsonBody(req);
  if (auto* bad = std::get_if<http::HttpResponse>(&parsed)) return std::move(*bad);
  const json::object& body = std::get<json::object>(parsed);
  // {payload:{...}}, or the payload itself.
  const json::object& payload = body.contains("payload") && body.at("payload").is_object()
                                    ? body.at("payload").get_object()
                                    : body;
  Problems p;
  CheckOnly(payload, {"title", "summary", "startTimeUtc", "durationMinutes", "contacts"}, p);
  CheckTitle(payload, p, true);
  CheckSummary(payload, p, true);
  CheckStart(payload, "startTimeUtc", p);
  CheckDuration(payload, p);
  CheckContacts(payload, p);
  if (!p.empty()) return Invalid("Invalid appointment create request", std::move(p));
  return Run(app, req, caller, "createAppointment", json::object{{"payload", payload}}, "");
}

http::HttpResponse Update(App& app, http::HttpRequest& req, const Caller& caller) {
  auto parsed = ParseJsonBody(req);
  if (auto* bad = std::get_if<http::HttpResponse>(&parsed)) return std::move(*bad);
  const json::object& body = std::get<json::object>(parsed);
  Problems p;
  const json::value* patch_v = body.if_contains("patch");
  if (!patch_v || !patch_v->is_object() || patch_v->get_object().empty()) {
    Problem(p, "patch", "Expected an object with at least one field");
    return Invalid("Invalid appointment patch request", std::move(p));
  }
  json::object patch = patch_v->get_object();
  // The deprecated startTime is accepted as startTimeUtc.
  if (patch.contains("startTime") && !patch.contains("startTimeUtc")) {
    // A copy first: inserting startTimeUtc may rehash and move startTime's value.
    json::value start = patch.at("startTime");
    patch.erase("startTime");
    patch["startTimeUtc"] = std::move(start);
  }
  CheckOnly(patch, {"title", "summary", "contacts", "startTimeUtc", "durationMinutes"}, p);
  CheckTitle(patch, p, false);
  CheckSummary(patch, p, false);
  CheckContacts(patch, p);
  if (patch.contains("startTimeUtc") || patch.contains("durationMinutes")) {
    // A new time needs both the start and the duration.
    CheckStart(patch, "startTimeUtc", p);
    CheckDuration(patch, p);
  }
  if (!p.empty()) return Invalid("Invalid appointment patch request", std::move(p));
  const std::string id = PathId(req);
  return Run(app, req, caller, "updateAppointment",
             json::object{{"appointmentId", id}, {"patchBody", patch}}, id);
}

http::HttpResponse Status(App& app, http::HttpRequest& req, const Caller& caller) {
  auto parsed = ParseJsonBody(req);
  if (auto* bad = std::get_if<http::HttpResponse>(&parsed)) return std::move(*bad);
  const json::object& body = std::get<json::object>(parsed);
  const json::value* s = body.if_contains("status");
  if (!s || !s->is_string() || s->get_string().empty()) {
    Problems p;
    Problem(p, "status", "Expected a non-empty string");
    return Invalid("Invalid appointment status request", std::move(p));
  }
  std::string status(s->get_string());
  std::transform(status.begin(), status.end(), status.begin(), ::tolower);
  const std::string id = PathId(req);
  return Run(app, req, caller, "updateAppointment",
             json::object{{"appointmentId", id}, {"patchBody", json::object{{"status", status}}}},
             id);
}

auto Action(plugins::Operation op) {
  return [op](App& app, http::HttpRequest& req, const Caller& caller) {
    const std::string id = PathId(req);
    return Run(app, req, caller, op, json::object{{"appointmentId", id}}, id);
  };
}

}  // namespace

void RegisterAppointmentRoutes(http::Router& router, App& app) {
  router.Add("GET", "/appointments", CallerRoute(app, List));
  router.Add("POST", "/appointments", CallerRoute(app, Create));
  router.Add("PATCH", "/appointments/:appointmentId", CallerRoute(app, Update));
  router.Add("POST", "/appointments/:appointmentId/status", CallerRoute(app, Status));
  router.Add("GET", "/appointments/:appointmentId/refresh",
             CallerRoute(app, Action("refreshAppointment")));
  router.Add("POST", "/appointments/:appointmentId/confirm",
             CallerRoute(app, Action("confirmAppointment")));
  router.Add("POST", "/appointments/:appointmentId/cancel",
             CallerRoute(app, Action("cancelAppointment")));
}

}  // namespace crmhost::contract
