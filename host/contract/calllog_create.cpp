// POST /callLog: exactly one CRM activity per RingCentral call and extension.
//
// The steps, in order: reserve (session, extension identity) in the store *before* the plugin
// runs, so concurrent identical requests reach the CRM once and the others get "Existing log for
// session ..."; after a crash, ask the CRM for the activity the dead process may have created;
// create; link (the call's one synced write). Every early answer gives the reservation back.
#include <spdlog/spdlog.h>

#include <crmhost/sdk/js.hpp>
#include <optional>

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

const json::value* Member(const json::object& o, std::string_view key) {
  return o.if_contains(key);
}

// One POST /callLog after its body was checked and its plugin opened.
class CallLogCreation {
 public:
  CallLogCreation(App& app, http::HttpRequest& req, const Caller& caller, PluginCall& call,
                  const json::object& body)
      : app_(app),
        req_(req),
        caller_(caller),
        call_(call),
        body_(body),
        log_info_v_(js::get(body, "logInfo")),
        log_info_(log_info_v_->get_object()) {}

  http::HttpResponse Run();

 private:
  std::optional<http::HttpResponse> Reserve();
  http::HttpResponse Release(http::HttpResponse resp);
  json::object ContactInfo(const json::value* contact_number) const;
  const json::value* Note(bool from_sscl, json::value& cached) const;
  std::string Compose(const Connected& c, const json::value& contact_info, const json::value* note,
                      const json::value* voicemail_link) const;
  json::object Input(const Connected& c, const json::object& contact_info);
  std::optional<http::HttpResponse> Reconcile(const json::object& input, plugins::OpOutcome& out,
                                              bool& reconciled);
  http::HttpResponse Link(const json::object& result);

  App& app_;
  http::HttpRequest& req_;
  const Caller& caller_;
  PluginCall& call_;
  const json::object& body_;
  const json::value* log_info_v_;
  const json::object& log_info_;
  store::CallLogRow row_;
  // A process that died held this call: it may have created the activity. Until the CRM has
  // been asked (Reconcile) a failure must leave that doubt for the next attempt.
  bool in_doubt_ = false;
};

http::HttpResponse CallLogCreation::Run() {
  if (auto refused = Reserve()) return std::move(*refused);
  auto connected = call_.Connect(caller_.user_id, false);
  if (auto* fail = std::get_if<ConnectFailure>(&connected))
    return Release(ConnectFailureResponse(*fail, "createCallLog", caller_.platform,
                                          ReturnMessage("User not found", "warning", 5000)));
  Connected& c = *std::get<Connected*>(connected);

  const bool inbound = js::text_or_empty(js::get(log_info_, "direction")) == "Inbound";
  const json::value* contact_number =
      js::get(js::get(log_info_v_, inbound ? "from" : "to"), "phoneNumber");
  if (!js::truthy(js::get(body_, "contactId"))) {
    const std::string number_text = contact_number ? js::to_string(*contact_number) : "undefined";
    return Release(
        Failure(ReturnMessage("Contact not found for number " + number_text, "warning", 5000)));
  }
  const json::object input = Input(c, ContactInfo(contact_number));

  plugins::OpOutcome out;
  bool reconciled = false;
  if (auto failed = Reconcile(input, out, reconciled)) return std::move(*failed);
  if (!reconciled) {
    out = call_.Invoke("createCallLog", input);
    if (!out.ok()) return Release(Failure(ApiErrorMessage("createCallLog", caller_.platform, out)));
  }
  const json::object result = out.value.is_object() ? out.value.get_object() : json::object();
  if (!js::truthy(js::get(result, "logId"))) {
    json::object resp{{"successful", false}};
    if (auto* m = result.if_contains("returnMessage")) resp["returnMessage"] = *m;
    return Release(http::HttpResponse::Json(200, resp));
  }
  return Link(result);
}

// Before anything reaches the CRM. An answer here means the call is not ours to log.
std::optional<http::HttpResponse> CallLogCreation::Reserve() {
  const json::value* session_id = js::get(log_info_, "sessionId");
  row_.identity = IdentityOf(app_, body_, *session_id);
  const json::value* tel = js::get(log_info_, "telephonySessionId");
  row_.id = js::truthy(tel) ? js::to_string(*tel) : js::text_or_empty(js::get(log_info_, "id"));
  row_.platform = caller_.platform;
  row_.user_id = caller_.user_id;
  row_.contact_id = js::text_or_empty(js::get(body_, "contactId"));
  auto reserved = app_.store.ReserveCallLog(row_, app_.now_ms());
  if (!reserved.ok()) {
    spdlog::error("call log reservation failed: {}", reserved.status().ToString());
    return Failure(DatabaseErrorMessage());
  }
  if (reserved.value() == store::Store::Reservation::kExists)
    return Failure(
        ReturnMessage("Existing log for session " + row_.identity.session_id, "warning", 3000));
  in_doubt_ = reserved.value() == store::Store::Reservation::kReservedAfterCrash;
  return std::nullopt;
}

// Gives the reservation back (or, in doubt, abandons it again) and answers `resp`.
http::HttpResponse CallLogCreation::Release(http::HttpResponse resp) {
  Status st = in_doubt_ ? app_.store.AbandonCallLog(row_.identity)
                        : app_.store.ReleaseCallLog(row_.identity);
  if (!st.ok()) spdlog::error("releasing call log reservation failed: {}", st.ToString());
  return resp;
}

json::object CallLogCreation::ContactInfo(const json::value* contact_number) const {
  auto text_or_empty = [&](std::string_view key) {
    const json::value* v = body_.if_contains(key);
    return v && !v->is_null() ? *v : json::value("");
  };
  json::object contact_info;
  contact_info["id"] = *js::get(body_, "contactId");
  contact_info["phoneNumber"] = contact_number ? *contact_number : json::value();
  contact_info["type"] = text_or_empty("contactType");
  contact_info["name"] = text_or_empty("contactName");
  return contact_info;
}

// Server-side logging has no browser: the note the agent typed comes from the note cache, and
// when the cache has one it wins over the request's (the reference's rule).
const json::value* CallLogCreation::Note(bool from_sscl, json::value& cached) const {
  const json::value* note = Member(body_, "note");
  if (!from_sscl) return note;
  auto hit = app_.store.Get(store::Table::kCache, NoteCacheKey(row_.identity.session_id));
  if (!hit.ok() || !hit.value()) return note;
  const json::value* expiry = js::get(&*hit.value(), "expiry");
  if (js::to_number(expiry ? *expiry : json::value()) <= double(app_.now_ms())) return note;
  if (auto* n = js::get(&*hit.value(), "note")) {
    cached = *n;
    return &cached;
  }
  return note;
}

// The body the host composes for plugins that ask for one (their manifest's log format).
std::string CallLogCreation::Compose(const Connected& c, const json::value& contact_info,
                                     const json::value* note,
                                     const json::value* voicemail_link) const {
  auto format = call_.Format();
  if (!format) return "";
  ComposeInput ci;
  ci.format = *format;
  ci.call_log = log_info_v_;
  ci.contact_info = &contact_info;
  ci.user_settings = &c.user.user_settings;
  ci.timezone_offset = &c.user.timezone_offset;
  ci.note = note;
  ci.ai_note = Member(body_, "aiNote");
  ci.transcript = Member(body_, "transcript");
  ci.recording_link = js::get(js::get(log_info_v_, "recording"), "link");
  ci.voicemail_link = voicemail_link;
  ci.subject = Member(log_info_, "customSubject");
  ci.start_time = Member(log_info_, "startTime");
  ci.duration = Member(log_info_, "duration");
  ci.result = Member(log_info_, "result");
  ci.ring_sense_transcript = Member(body_, "ringSenseTranscript");
  ci.ring_sense_summary = Member(body_, "ringSenseSummary");
  ci.ring_sense_ai_score = Member(body_, "ringSenseAIScore");
  ci.ring_sense_bulleted_summary = Member(body_, "ringSenseBulletedSummary");
  ci.ring_sense_link = Member(body_, "ringSenseLink");
  return ComposeCallLog(ci);
}

// What createCallLog (and findCallLogForSession) receive (docs/PLUGIN_ABI.md).
json::object CallLogCreation::Input(const Connected& c, const json::object& contact_info) {
  const json::value* voicemail_link = js::get(body_, "voicemailLink");
  if (!voicemail_link) voicemail_link = js::get(js::get(log_info_v_, "voicemail"), "link");
  const json::value* voicemail_id = js::get(body_, "voicemailMessageId");
  if (!voicemail_id) voicemail_id = js::get(js::get(log_info_v_, "voicemail"), "messageId");
  const bool from_sscl = req_.Header("user-agent") == std::optional<std::string_view>("SSCL");
  json::value cached_note;
  const json::value* note = Note(from_sscl, cached_note);

  json::object input;
  input["user"] = c.user_json;
  input["contactInfo"] = contact_info;
  input["authHeader"] = c.auth_header;
  input["callLog"] = log_info_;
  for (const char* k :
       {"additionalSubmission", "aiNote", "transcript", "ringSenseTranscript", "ringSenseSummary",
        "ringSenseAIScore", "ringSenseBulletedSummary", "ringSenseLink"})
    if (auto* v = Member(body_, k)) input[k] = *v;
  if (note) input["note"] = *note;
  if (voicemail_link) input["voicemailLink"] = *voicemail_link;
  if (voicemail_id) input["voicemailMessageId"] = *voicemail_id;
  input["composedLogDetails"] = Compose(c, json::value(contact_info), note, voicemail_link);
  input["hashedAccountId"] = HashedAccountId(app_, req_, js::get(log_info_, "accountId"));
  input["adminConfig"] = AdminConfigInput(app_, c.user, js::to_string(input["hashedAccountId"]));
  input["isFromSSCL"] = from_sscl;
  input["proxyConfig"] = nullptr;
  return input;
}

// After a crash, ask the CRM before creating (docs/PLUGIN_ABI.md, "findCallLogForSession"): it
// may hold the activity the dead process created. An answer here is the failure to send.
std::optional<http::HttpResponse> CallLogCreation::Reconcile(const json::object& input,
                                                             plugins::OpOutcome& out,
                                                             bool& reconciled) {
  if (!in_doubt_) return std::nullopt;
  if (!call_.Implements("findCallLogForSession")) {
    spdlog::warn(
        "call {}: the process that held it stopped, and {} cannot look up an activity "
        "it may have created; creating one (it may be a duplicate)",
        row_.identity.session_id, caller_.platform);
    in_doubt_ = false;
    return std::nullopt;
  }
  out = call_.Invoke("findCallLogForSession", input);
  if (!out.ok()) return Release(Failure(ApiErrorMessage("createCallLog", caller_.platform, out)));
  reconciled = js::truthy(js::get(&out.value, "logId"));
  in_doubt_ = false;  // the CRM answered: no activity for this call, or this one
  if (reconciled)
    spdlog::warn("call {}: linked to the {} activity {} created before a restart",
                 row_.identity.session_id, caller_.platform,
                 js::to_string(*js::get(&out.value, "logId")));
  return std::nullopt;
}

// The link: the one synced write of the call.
http::HttpResponse CallLogCreation::Link(const json::object& result) {
  const json::value* log_id = js::get(result, "logId");
  row_.third_party_log_id = js::to_string(*log_id);
  if (Status st = app_.store.CompleteCallLog(row_, app_.now_ms()); !st.ok()) {
    // The activity exists in the CRM. The pending reservation stays (no duplicate can follow)
    // and the link is held until the store takes it; the client is told the truth: logged.
    if (!app_.unsaved_links) {
      spdlog::error("recording call log link failed: {}", st.ToString());
      return Failure(DatabaseErrorMessage());
    }
    spdlog::error("recording call log link failed: {}; held until the store takes writes again",
                  st.ToString());
    app_.unsaved_links->Add(row_);
  }
  json::object resp{{"successful", true}, {"logId", *log_id}};
  if (auto* m = result.if_contains("returnMessage")) resp["returnMessage"] = *m;
  spdlog::info("call {} logged as {} activity {}", row_.identity.session_id, caller_.platform,
               row_.third_party_log_id);
  return http::HttpResponse::Json(200, resp);
}

}  // namespace

http::HttpResponse CreateCallLog(App& app, http::HttpRequest& req, const JwtState& jwt) {
  auto request = RequireCallerAndBody(jwt, req);
  if (auto* resp = std::get_if<http::HttpResponse>(&request)) return std::move(*resp);
  const Caller& caller = std::get<CallerAndBody>(request).caller;
  const json::object& body = std::get<CallerAndBody>(request).body;

  const json::value* log_info = js::get(body, "logInfo");
  if (!log_info || !log_info->is_object())
    return http::HttpResponse::Error(400, "logInfo is required");
  const json::value* session_id = js::get(log_info->get_object(), "sessionId");
  if (!session_id || !(session_id->is_string() || session_id->is_number()))
    return http::HttpResponse::Error(400, "logInfo.sessionId is required");

  auto opened = PluginCall::Open(app, req, caller.platform);
  if (auto* refused = std::get_if<PluginCall::Refused>(&opened))
    return std::move(refused->response);
  auto& call = std::get<PluginCall>(opened);
  return call.Served(CallLogCreation(app, req, caller, call, body).Run());
}

}  // namespace crmhost::contract
