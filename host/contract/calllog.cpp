// Call-log routes (docs/API.md, "Call logs"): read back the links, and update the activity as
// recordings, notes and final call data arrive. POST /callLog, exactly once, is in
// calllog_create.cpp.
#include <optional>

#include <spdlog/spdlog.h>

#include <crmhost/sdk/js.hpp>

#include "contract/app.h"
#include "contract/call_identity.h"
#include "contract/connector_json.h"
#include "contract/errors.h"
#include "contract/log_composer.h"
#include "contract/plugin_call.h"
#include "contract/session.h"

namespace crmhost::contract {
namespace json = boost::json;
namespace js = crmhost::sdk::js;

namespace {

constexpr size_t kMaxSessionIds = 5;  // GET /callLog processes only the first five

const json::value* Member(const json::object& o, std::string_view key) {
  return o.if_contains(key);
}

// ---- GET /callLog -----------------------------------------------------------------------------

http::HttpResponse GetCallLogWith(App& app, http::HttpRequest& req, const Caller& caller,
                                  PluginCall& call);

http::HttpResponse GetCallLog(App& app, http::HttpRequest& req, const JwtState& jwt) {
  auto who = RequireCaller(jwt);
  if (auto* resp = std::get_if<http::HttpResponse>(&who)) return std::move(*resp);
  const auto& caller = std::get<Caller>(who);
  auto opened = PluginCall::Open(app, req, caller.platform);
  if (auto* refused = std::get_if<PluginCall::Refused>(&opened))
    return std::move(refused->response);
  auto& call = std::get<PluginCall>(opened);
  return call.Served(GetCallLogWith(app, req, caller, call));
}

http::HttpResponse GetCallLogWith(App& app, http::HttpRequest& req, const Caller& caller,
                                  PluginCall& call) {
  const json::object unsuccessful{{"successful", false}};

  auto user = call.User(caller.user_id);
  if (!user.ok()) return Failure(DatabaseErrorMessage());
  if (!user.value() || user.value()->access_token.empty())
    return http::HttpResponse::Json(200, unsuccessful);
  auto ids_q = req.Query("sessionIds");
  if (!ids_q || ids_q->empty()) return http::HttpResponse::Json(200, unsuccessful);
  std::vector<std::string> ids;
  for (size_t start = 0; ids.size() < kMaxSessionIds;) {
    size_t comma = ids_q->find(',', start);
    ids.emplace_back(ids_q->substr(
        start, comma == std::string_view::npos ? std::string_view::npos : comma - start));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  const bool details = req.Query("requireDetails") == std::optional<std::string_view>("true");
  const std::string ext(req.Query("extensionNumber").value_or(""));
  const std::string hash(req.Query("hashedExtensionId").value_or(""));

  Connected* connected = nullptr;
  if (details) {
    auto c = call.Connect(caller.user_id, false);
    if (auto* fail = std::get_if<ConnectFailure>(&c))
      return ConnectFailureResponse(*fail, "getCallLog", caller.platform, {});
    connected = std::get<Connected*>(c);
  }

  json::array logs;
  // null unless a getCallLog answered; then what the last one answered, left out when it gave
  // none (as the reference: it starts from null and takes each connector answer's value).
  std::optional<json::value> return_message = json::value(nullptr);
  for (const auto& sid : ids) {
    if (details && js::to_number(json::value(sid)) == 0) {  // the reference's `sId == 0`
      logs.push_back(json::object{{"sessionId", sid}, {"matched", false}});
      continue;
    }
    auto found = FindLink(app, {sid, ext, hash});
    if (!found.ok()) return Failure(DatabaseErrorMessage());
    if (!found.value()) {
      logs.push_back(json::object{{"sessionId", sid}, {"matched", false}});
      continue;
    }
    const auto& row = *found.value();
    json::object item{{"sessionId", row.identity.session_id},
                      {"matched", true},
                      {"logId", row.third_party_log_id}};
    if (details) {
      json::object input{{"user", connected->user_json},         {"telephonySessionId", row.id},
                         {"callLogId", row.third_party_log_id},  {"contactId", row.contact_id},
                         {"authHeader", connected->auth_header}, {"proxyConfig", nullptr}};
      // Where the log lives may be the admin's choice (Google Sheets' organization sheet).
      input["adminConfig"] = AdminConfigInput(app, connected->user, "", /*mappings=*/false);
      auto out = call.Invoke("getCallLog", input);
      if (!out.ok()) return Failure(ApiErrorMessage("getCallLog", caller.platform, out));
      const json::object result = out.value.is_object() ? out.value.get_object() : json::object();
      return_message = result.contains("returnMessage")
                           ? std::optional<json::value>(result.at("returnMessage"))
                           : std::nullopt;
      if (auto* info = result.if_contains("callLogInfo")) item["logData"] = *info;
    }
    logs.push_back(std::move(item));
  }
  json::object resp{{"successful", true}, {"logs", std::move(logs)}};
  if (return_message) resp["returnMessage"] = *return_message;
  return http::HttpResponse::Json(200, resp);
}

// ---- PATCH /callLog ---------------------------------------------------------------------------

http::HttpResponse UpdateCallLogWith(App& app, http::HttpRequest& req, const Caller& caller,
                                     PluginCall& call, const json::object& body);

http::HttpResponse UpdateCallLog(App& app, http::HttpRequest& req, const JwtState& jwt) {
  auto request = RequireCallerAndBody(jwt, req);
  if (auto* resp = std::get_if<http::HttpResponse>(&request)) return std::move(*resp);
  const Caller& caller = std::get<CallerAndBody>(request).caller;
  const json::object& body = std::get<CallerAndBody>(request).body;
  const json::value* session_id = js::get(body, "sessionId");
  if (!session_id || !(session_id->is_string() || session_id->is_number()))
    return http::HttpResponse::Error(400, "sessionId is required");
  auto opened = PluginCall::Open(app, req, caller.platform);
  if (auto* refused = std::get_if<PluginCall::Refused>(&opened))
    return std::move(refused->response);
  auto& call = std::get<PluginCall>(opened);
  return call.Served(UpdateCallLogWith(app, req, caller, call, body));
}

// What the CRM holds now for a linked call: its body (to upsert into, so user edits made in
// the CRM survive) and the connector's full response.
struct CurrentActivity {
  std::string body;
  json::value details;
};

CurrentActivity ReadCurrentActivity(App& app, PluginCall& call, const Connected& c,
                                    const store::CallLogRow& row) {
  CurrentActivity now;
  json::object get_in{{"user", c.user_json},
                      {"telephonySessionId", row.id},
                      {"callLogId", row.third_party_log_id},
                      {"contactId", row.contact_id},
                      {"authHeader", c.auth_header},
                      {"proxyConfig", nullptr},
                      {"adminConfig", AdminConfigInput(app, c.user, "", /*mappings=*/false)}};
  auto current = call.Invoke("getCallLog", get_in);
  if (!current.ok()) {
    spdlog::warn("reading the current activity failed; composing from an empty body");
    return now;
  }
  const json::value* info = js::get(&current.value, "callLogInfo");
  if (auto* full = js::get(info, "fullLogResponse")) now.details = *full;
  if (auto* fb = js::get(info, "fullBody"); js::truthy(fb)) {
    now.body = js::to_string(*fb);
  } else if (auto* note = js::get(info, "note"); js::truthy(note)) {
    now.body = js::to_string(*note);
  }
  return now;
}

// The PATCH body's items composed into the CRM's current body.
std::string ComposeUpdate(LogFormat format, const Connected& c, const store::CallLogRow& row,
                          const json::object& body, const json::value& legs,
                          std::string existing_body) {
  json::object call_log{{"sessionId", row.identity.session_id}, {"legs", legs}};
  for (const char* k : {"startTime", "duration", "result", "direction", "from", "to"})
    if (auto* v = Member(body, k)) call_log[k] = *v;
  const json::value call_log_v = call_log;
  ComposeInput ci;
  ci.format = format;
  ci.existing_body = std::move(existing_body);
  ci.call_log = &call_log_v;
  ci.user_settings = &c.user.user_settings;
  ci.timezone_offset = &c.user.timezone_offset;
  ci.note = Member(body, "note");
  ci.ai_note = Member(body, "aiNote");
  ci.transcript = Member(body, "transcript");
  ci.recording_link = Member(body, "recordingLink");
  ci.voicemail_link = Member(body, "voicemailLink");
  ci.subject = Member(body, "subject");
  ci.start_time = Member(body, "startTime");
  ci.duration = Member(body, "duration");
  ci.result = Member(body, "result");
  ci.ring_sense_transcript = Member(body, "ringSenseTranscript");
  ci.ring_sense_summary = Member(body, "ringSenseSummary");
  ci.ring_sense_ai_score = Member(body, "ringSenseAIScore");
  ci.ring_sense_bulleted_summary = Member(body, "ringSenseBulletedSummary");
  ci.ring_sense_link = Member(body, "ringSenseLink");
  return ComposeCallLog(ci);
}

http::HttpResponse UpdateCallLogWith(App& app, http::HttpRequest& req, const Caller& caller,
                                     PluginCall& call, const json::object& body) {
  const json::value* session_id = js::get(body, "sessionId");
  auto found = FindLink(app, IdentityOf(app, body, *session_id));
  if (!found.ok()) return Failure(DatabaseErrorMessage());
  if (!found.value()) return http::HttpResponse::Json(200, json::object{{"successful", false}});
  const store::CallLogRow row = std::move(*found.value());

  auto connected = call.Connect(caller.user_id, false);
  if (auto* fail = std::get_if<ConnectFailure>(&connected))
    return ConnectFailureResponse(*fail, "updateCallLog", caller.platform, {});
  Connected& c = *std::get<Connected*>(connected);

  const json::value legs =
      body.contains("legs") && js::truthy(body.at("legs")) ? body.at("legs") : json::array();
  json::value existing_details;
  std::string composed;
  if (auto format = call.Format()) {
    CurrentActivity now = ReadCurrentActivity(app, call, c, row);
    existing_details = std::move(now.details);
    composed = ComposeUpdate(*format, c, row, body, legs, std::move(now.body));
  }

  json::object input;
  input["user"] = c.user_json;
  input["existingCallLog"] = ConnectorCallLog(row);
  input["authHeader"] = c.auth_header;
  for (const char* k :
       {"recordingLink", "recordingDownloadLink", "voicemailLink", "voicemailMessageId", "subject",
        "note", "startTime", "duration", "result", "aiNote", "transcript", "ringSenseTranscript",
        "ringSenseSummary", "ringSenseAIScore", "ringSenseBulletedSummary", "ringSenseLink",
        "additionalSubmission"})
    if (auto* v = Member(body, k)) input[k] = *v;
  input["legs"] = legs;
  input["composedLogDetails"] = composed;
  input["existingCallLogDetails"] = existing_details;
  input["hashedAccountId"] = HashedAccountId(app, req, js::get(body, "accountId"));
  input["adminConfig"] = AdminConfigInput(app, c.user, js::to_string(input["hashedAccountId"]));
  input["isFromSSCL"] = req.Header("user-agent") == std::optional<std::string_view>("SSCL");
  input["proxyConfig"] = nullptr;
  // recordingDownloadLink may embed a RingCentral token: never let the plugin log it.
  std::vector<std::string> extra_secrets;
  if (auto* dl = js::get(body, "recordingDownloadLink"))
    extra_secrets.push_back(js::to_string(*dl));

  auto out = call.Invoke("updateCallLog", input, extra_secrets);
  if (!out.ok()) return Failure(ApiErrorMessage("updateCallLog", caller.platform, out));
  const json::object result = out.value.is_object() ? out.value.get_object() : json::object();
  json::object resp{{"successful", true}, {"logId", row.third_party_log_id}};
  if (auto* n = result.if_contains("updatedNote")) resp["updatedNote"] = *n;
  if (auto* m = result.if_contains("returnMessage")) resp["returnMessage"] = *m;
  return http::HttpResponse::Json(200, resp);
}

// ---- PUT /callDisposition ---------------------------------------------------------------------

http::HttpResponse UpsertDisposition(App& app, http::HttpRequest& req, const JwtState& jwt) {
  auto request = RequireCallerAndBody(jwt, req, "Invalid JWT token");
  if (auto* resp = std::get_if<http::HttpResponse>(&request)) return std::move(*resp);
  const auto& [caller, body] = std::get<CallerAndBody>(request);
  const json::value* session_id = js::get(body, "sessionId");
  if (!session_id || !(session_id->is_string() || session_id->is_number()))
    return http::HttpResponse::Error(400, "sessionId is required");
  auto opened = PluginCall::Open(app, req, caller.platform);
  if (auto* refused = std::get_if<PluginCall::Refused>(&opened))
    return std::move(refused->response);
  auto& call = std::get<PluginCall>(opened);
  auto found = FindLink(app, IdentityOf(app, body, *session_id));
  if (!found.ok()) return Failure(DatabaseErrorMessage());
  if (!found.value()) return Failure(ReturnMessage("Cannot find log", "warning", 3000));
  const store::CallLogRow row = std::move(*found.value());
  auto connected = call.Connect(caller.user_id, false);
  if (auto* fail = std::get_if<ConnectFailure>(&connected))
    return ConnectFailureResponse(*fail, "upsertCallDisposition", caller.platform,
                                  ReturnMessage("Cannot find user", "warning", 3000));
  Connected& c = *std::get<Connected*>(connected);
  if (!call.Implements("upsertCallDisposition"))
    return http::HttpResponse::Error(400, "connector.upsertCallDisposition is not a function");
  json::object existing{{"id", row.id},
                        {"sessionId", row.identity.session_id},
                        {"platform", row.platform},
                        {"thirdPartyLogId", row.third_party_log_id},
                        {"userId", row.user_id},
                        {"contactId", row.contact_id}};
  auto out = call.Invoke(
      "upsertCallDisposition",
      json::object{
          {"user", c.user_json},
          {"existingCallLog", existing},
          {"authHeader", c.auth_header},
          {"dispositions", body.contains("dispositions") ? body.at("dispositions") : json::value()},
          {"proxyConfig", nullptr}});
  if (!out.ok()) return call.Failed("upsertCallDisposition", out);
  json::object resp{{"successful", js::truthy(js::get(&out.value, "logId"))}};
  if (auto* m = js::get(&out.value, "returnMessage")) resp["returnMessage"] = *m;
  return call.Served(http::HttpResponse::Json(200, resp));
}

// ---- POST /callLog/cacheNote --------------------------------------------------------------------

// Keeps an agent's note for an hour so server-side logging, which logs the call later without
// the browser, can include it (read back by POST /callLog when its body has no note).
http::HttpResponse CacheNote(App& app, http::HttpRequest& req, const JwtState& jwt) {
  auto who = RequireCaller(jwt);
  if (auto* resp = std::get_if<http::HttpResponse>(&who)) return std::move(*resp);
  auto parsed = ParseJsonBody(req);
  if (auto* bad = std::get_if<http::HttpResponse>(&parsed)) return std::move(*bad);
  const json::object& body = std::get<json::object>(parsed);
  const json::value* session_id = js::get(body, "sessionId");
  if (!session_id || !(session_id->is_string() || session_id->is_number()))
    return http::HttpResponse::Error(400, "sessionId is required");
  json::object record{{"note", body.contains("note") ? body.at("note") : json::value()},
                      {"expiry", app.now_ms() + kNoteCacheMs}};
  if (!app.store.Put(store::Table::kCache, NoteCacheKey(js::to_string(*session_id)), record).ok())
    return Failure(DatabaseErrorMessage());
  return http::HttpResponse::Json(
      200, json::object{{"successful", true}, {"returnMessage", "Note cache saved"}});
}

}  // namespace

void RegisterCallLogRoutes(http::Router& router, App& app) {
  router.Add("POST", "/callLog", Route(app, CreateCallLog));
  router.Add("GET", "/callLog", Route(app, GetCallLog));
  router.Add("PUT", "/callDisposition", Route(app, UpsertDisposition));
  router.Add("POST", "/callLog/cacheNote", Route(app, CacheNote));
  router.Add("PATCH", "/callLog", Route(app, UpdateCallLog));
}

}  // namespace crmhost::contract
