// POST /messageLog (docs/API-REFERENCE.md, Message Logs): SMS, MMS, fax and voicemail into the CRM.
//
// Rules: every RingCentral message is logged once (group SMS: once per contact); messages that
// share a conversationLogId (the client makes it "<conversation>-<day>") share one CRM log: the
// first creates it, later ones append through updateMessageLog; a shared-SMS conversation is
// one CRM log re-composed on every call. Unlike the reference, the check-then-create is done
// under a per-conversation lock, so two simultaneous requests cannot create two CRM logs.
#include <spdlog/spdlog.h>

#include <optional>

#include <crmhost/sdk/js.hpp>

#include "contract/app.h"
#include "contract/errors.h"
#include "contract/plugin_call.h"
#include "contract/session.h"
#include "contract/shared_sms.h"
#include "crmhost/encoding.h"
#include "plugins/host_services.h"

namespace crmhost::contract {
namespace json = boost::json;
namespace js = crmhost::sdk::js;

namespace {

// message_logs rows: "m"+message id -> link; "c"+conversationLogId -> the conversation's CRM log.
std::string MessageKey(std::string_view id) {
  return store::KeyOf({"m", id});
}
std::string ConversationKey(std::string_view conversation_log_id) {
  return store::KeyOf({"c", conversation_log_id});
}

constexpr const char* kMediaReader =
    "https://ringcentral.github.io/ringcentral-media-reader/?media=";

// The links a message's attachments give the plugin (recording, fax document, MMS media).
void AttachmentLinks(const json::object& message, const std::string& rc_token, json::object& in) {
  const json::value* atts = js::get(message, "attachments");
  if (!atts || !atts->is_array()) return;
  const std::string type = js::text_or_empty(js::get(message, "type"));
  for (auto& a : atts->get_array()) {
    if (!a.is_object()) continue;
    const json::object& att = a.get_object();
    const std::string att_type = js::text_or_empty(js::get(att, "type"));
    const std::string uri = js::text_or_empty(js::get(att, "uri"));
    const std::string content_type = js::text_or_empty(js::get(att, "contentType"));
    if (att_type == "AudioRecording") {
      in["recordingLink"] = att.contains("link") ? att.at("link") : json::value(uri);
    } else if (att_type == "RenderedDocument" && type == "Fax") {
      in["faxDocLink"] = att.contains("link") ? att.at("link") : json::value();
      if (!rc_token.empty()) in["faxDownloadLink"] = uri + "?access_token=" + rc_token;
    } else if (type == "MMS" && content_type.rfind("image/", 0) == 0) {
      in["imageLink"] = kMediaReader + EncodeUriComponent(uri);
      if (!rc_token.empty()) in["imageDownloadLink"] = uri + "?access_token=" + rc_token;
      in["imageContentType"] = content_type;
    } else if (type == "MMS" && content_type.rfind("video/", 0) == 0) {
      in["videoLink"] = kMediaReader + EncodeUriComponent(uri);
    }
  }
}

// Present and not null.
bool Filled(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  return v && !v->is_null();
}

http::HttpResponse LogMessages(App& app, http::HttpRequest& req, const JwtState& jwt) {
  auto request = RequireCallerAndBody(jwt, req);
  if (auto* resp = std::get_if<http::HttpResponse>(&request)) return std::move(*resp);
  // Named references, not a structured binding: the lambdas below capture them (clang before
  // 16 cannot capture a structured binding, and the fuzz build uses clang).
  const Caller& caller = std::get<CallerAndBody>(request).caller;
  const json::object& body = std::get<CallerAndBody>(request).body;
  const json::value* log_info_v = js::get(body, "logInfo");
  if (log_info_v && !log_info_v->is_object())
    return http::HttpResponse::Error(400, "logInfo must be an object");
  const json::value* messages_v = js::get(log_info_v, "messages");
  if (!messages_v || !messages_v->is_array() || messages_v->get_array().empty())
    return Failure(ReturnMessage("No message to log.", "warning", 3000));
  const json::object& log_info = log_info_v->get_object();
  const json::array& messages = messages_v->get_array();

  auto opened = PluginCall::Open(app, req, caller.platform);
  if (auto* refused = std::get_if<PluginCall::Refused>(&opened))
    return std::move(refused->response);
  auto& call = std::get<PluginCall>(opened);
  auto connected = call.Connect(caller.user_id, false);
  if (auto* fail = std::get_if<ConnectFailure>(&connected))
    return call.Served(ConnectFailureResponse(*fail, "createMessageLog", caller.platform,
                                              ReturnMessage("Contact not found", "warning", 5000)));
  Connected& c = *std::get<Connected*>(connected);

  const json::value* correspondents = js::get(log_info, "correspondents");
  const json::value* first =
      correspondents && correspondents->is_array() && !correspondents->get_array().empty()
          ? &correspondents->get_array()[0]
          : nullptr;
  const json::value* contact_id = js::get(body, "contactId");
  if (!js::truthy(contact_id)) {
    const json::value* number = js::get(first, "phoneNumber");
    return Failure(ReturnMessage(
        "Contact not found for number " + (number ? js::to_string(*number) : "undefined"),
        "warning", 5000));
  }
  const std::string contact_id_s = IdString(*contact_id);
  const std::string contact_name = js::text_or_empty(js::get(body, "contactName"));
  json::object contact_info{
      {"id", *contact_id},
      {"phoneNumber",
       js::get(first, "phoneNumber") ? *js::get(first, "phoneNumber") : json::value()},
      // The reference's `?? ""`: a missing or null name or type is "" (not "null" in a subject).
      {"type", Filled(body, "contactType") ? body.at("contactType") : json::value("")},
      {"name", Filled(body, "contactName") ? body.at("contactName") : json::value("")}};
  const bool group =
      correspondents && correspondents->is_array() && correspondents->get_array().size() > 1;
  const std::string owner = js::text_or_empty(js::get(js::get(log_info_v, "owner"), "name"));
  const std::string assignee = js::text_or_empty(js::get(js::get(log_info_v, "assignee"), "name"));
  const bool shared = !owner.empty();
  // The RingCentral token for attachment download links: used in this request only.
  std::string rc_token = js::text_or_empty(js::get(log_info, "rcAccessToken"));
  std::vector<std::string> extra_secrets;
  if (!rc_token.empty()) extra_secrets.push_back(rc_token);

  std::string conversation_id = js::text_or_empty(js::get(log_info, "conversationId"));
  std::string conversation_log_id = js::text_or_empty(js::get(log_info, "conversationLogId"));
  // A group conversation is logged per contact: its ids carry the contact id (not a shared
  // conversation's, which is one log for the whole conversation, as in the reference).
  if (group && !shared) {
    conversation_id += "-" + contact_id_s;
    conversation_log_id += "-" + contact_id_s;
  }
  auto guard = app.message_locks.Lock(conversation_log_id);
  auto conversation =
      app.store.Get(store::Table::kMessageLogs, ConversationKey(conversation_log_id));
  if (!conversation.ok()) return Failure(DatabaseErrorMessage());

  json::object base{
      {"user", c.user_json},
      {"contactInfo", contact_info},
      {"authHeader", c.auth_header},
      {"additionalSubmission",
       body.contains("additionalSubmission") ? body.at("additionalSubmission") : json::value()},
      {"proxyConfig", nullptr}};
  if (shared) {
    base["ownerName"] = owner;
    base["assigneeName"] = assignee;
  }
  const std::string hashed_account =
      req.Header("rc-account-id")
          ? std::string(*req.Header("rc-account-id"))
          : HashValue(c.user.rc_account_id.empty() ? "undefined" : c.user.rc_account_id,
                      app.hash_key);
  base["adminConfig"] = AdminConfigInput(app, c.user, hashed_account);

  auto record = [&](const std::string& id, const json::value& log_id) {
    json::object row{{"id", id},
                     {"platform", caller.platform},
                     {"conversationId", conversation_id},
                     {"conversationLogId", conversation_log_id},
                     {"thirdPartyLogId", IdString(log_id)},
                     {"userId", c.user.id}};
    Status st = app.store.Put(store::Table::kMessageLogs, MessageKey(id), row);
    if (st.ok() && !conversation.value())
      st = app.store.Put(store::Table::kMessageLogs, ConversationKey(conversation_log_id), row);
    if (st.ok() && !conversation.value()) conversation.value() = json::value(row);
    return st;
  };

  json::array log_ids;
  // The answer's returnMessage is the last processed message's operation's, absent when that
  // operation gave none (an append usually does), null when no message was new: what the
  // reference's loop leaves behind.
  std::optional<json::value> return_message = json::value(nullptr);
  auto take_message = [&return_message](const plugins::OpOutcome& out) {
    const json::object* o = out.value.if_object();
    const json::value* m = o ? o->if_contains("returnMessage") : nullptr;
    return_message = m ? std::optional<json::value>(*m) : std::nullopt;
  };
  if (shared) {
    json::object in = base;
    in["sharedSMSLogContent"] =
        ComposeSharedSms(call.Format().value_or(LogFormat::kPlainText), log_info, contact_name,
                         c.user.timezone_offset, app.now_ms());
    plugins::OpOutcome out;
    if (conversation.value()) {
      in["existingMessageLog"] = *conversation.value();
      out = call.Invoke("updateMessageLog", in, extra_secrets);
      // The reference answers every failure of this route as createMessageLog's.
      if (!out.ok()) return call.Failed("createMessageLog", out);
    } else {
      in["hashedAccountId"] = hashed_account;
      out = call.Invoke("createMessageLog", in, extra_secrets);
      if (!out.ok()) return call.Failed("createMessageLog", out);
      if (const json::value* log_id = js::get(&out.value, "logId"); js::truthy(log_id)) {
        if (!record(conversation_log_id, *log_id).ok()) return Failure(DatabaseErrorMessage());
        log_ids.push_back(json::value(conversation_log_id));
      }
    }
    take_message(out);
  } else {
    // Oldest first: the client sends newest first.
    for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
      if (!it->is_object()) continue;
      const json::object& message = it->get_object();
      const json::value* mid = js::get(message, "id");
      if (!mid) continue;
      const std::string id = IdString(*mid) + (group ? "-" + contact_id_s : "");
      auto seen = app.store.Get(store::Table::kMessageLogs, MessageKey(id));
      if (!seen.ok()) return Failure(DatabaseErrorMessage());
      if (seen.value()) continue;  // logged before: never twice
      json::object in = base;
      in["message"] = message;
      AttachmentLinks(message, rc_token, in);
      plugins::OpOutcome out;
      json::value log_id;
      if (conversation.value()) {
        in["existingMessageLog"] = *conversation.value();
        out = call.Invoke("updateMessageLog", in, extra_secrets);
        if (!out.ok()) return call.Failed("createMessageLog", out);
        log_id = conversation.value()->at("thirdPartyLogId");
      } else {
        if (group && correspondents) in["correspondents"] = *correspondents;
        in["hashedAccountId"] = hashed_account;
        out = call.Invoke("createMessageLog", in, extra_secrets);
        if (!out.ok()) return call.Failed("createMessageLog", out);
        if (auto* l = js::get(&out.value, "logId")) log_id = *l;
      }
      take_message(out);
      if (js::truthy(&log_id)) {
        if (!record(id, log_id).ok()) return Failure(DatabaseErrorMessage());
        // The ids of the rows inserted: strings (the client sends numbers), with the contact
        // id appended in a group conversation.
        log_ids.push_back(json::value(id));
      }
    }
  }
  json::object resp{{"successful", true}};
  if (return_message) resp["returnMessage"] = std::move(*return_message);
  resp["logIds"] = std::move(log_ids);
  return call.Served(http::HttpResponse::Json(200, resp));
}

}  // namespace

void RegisterMessageLogRoutes(http::Router& router, App& app) {
  router.Add("POST", "/messageLog", Route(app, LogMessages));
}

}  // namespace crmhost::contract
