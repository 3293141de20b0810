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

// One POST /messageLog once its caller is connected and its contact known.
class MessageLogging {
 public:
  MessageLogging(App& app, http::HttpRequest& req, const Caller& caller, PluginCall& call,
                 Connected& c, const json::object& body, const json::object& log_info)
      : app_(app),
        req_(req),
        caller_(caller),
        call_(call),
        c_(c),
        body_(body),
        log_info_(log_info) {}

  http::HttpResponse Run(const json::array& messages);

 private:
  void NameConversation();
  json::object BaseInput(const json::object& contact_info) const;
  Status Record(const std::string& id, const json::value& log_id);
  void TakeMessage(const plugins::OpOutcome& out);
  std::optional<http::HttpResponse> LogShared(const json::object& base);
  std::optional<http::HttpResponse> LogEach(const json::array& messages, const json::object& base);

  App& app_;
  http::HttpRequest& req_;
  const Caller& caller_;
  PluginCall& call_;
  Connected& c_;
  const json::object& body_;
  const json::object& log_info_;
  const json::value* correspondents_ = nullptr;
  bool group_ = false;   // more than one correspondent
  bool shared_ = false;  // a shared-SMS conversation (it has an owner)
  std::string contact_id_;
  std::string rc_token_;  // for attachment download links: used in this request only
  std::vector<std::string> extra_secrets_;
  std::string conversation_id_;
  std::string conversation_log_id_;
  std::string hashed_account_;
  std::optional<json::value> conversation_;  // the conversation's CRM log row, once there is one
  json::array log_ids_;
  // The answer's returnMessage is the last processed message's operation's, absent when that
  // operation gave none (an append usually does), null when no message was new: what the
  // reference's loop leaves behind.
  std::optional<json::value> return_message_ = json::value(nullptr);
};

http::HttpResponse MessageLogging::Run(const json::array& messages) {
  correspondents_ = js::get(log_info_, "correspondents");
  const json::value* first =
      correspondents_ && correspondents_->is_array() && !correspondents_->get_array().empty()
          ? &correspondents_->get_array()[0]
          : nullptr;
  group_ =
      correspondents_ && correspondents_->is_array() && correspondents_->get_array().size() > 1;
  shared_ = !js::text_or_empty(js::get(js::get(log_info_, "owner"), "name")).empty();
  contact_id_ = IdString(*js::get(body_, "contactId"));
  rc_token_ = js::text_or_empty(js::get(log_info_, "rcAccessToken"));
  hashed_account_ =
      req_.Header("rc-account-id")
          ? std::string(*req_.Header("rc-account-id"))
          : HashValue(c_.user.rc_account_id.empty() ? "undefined" : c_.user.rc_account_id,
                      app_.hash_key);
  if (!rc_token_.empty()) extra_secrets_.push_back(rc_token_);
  NameConversation();

  // The check-then-create of a conversation's CRM log is done under its lock.
  auto guard = app_.message_locks.Lock(conversation_log_id_);
  auto across = app_.store.LockAcross(store::Store::LockScope::kConversation, conversation_log_id_);
  if (!across.ok()) return Failure(DatabaseErrorMessage());
  auto conversation =
      app_.store.Get(store::Table::kMessageLogs, ConversationKey(conversation_log_id_));
  if (!conversation.ok()) return Failure(DatabaseErrorMessage());
  conversation_ = std::move(conversation).value();

  json::object contact_info{
      {"id", *js::get(body_, "contactId")},
      {"phoneNumber",
       js::get(first, "phoneNumber") ? *js::get(first, "phoneNumber") : json::value()},
      // The reference's `?? ""`: a missing or null name or type is "" (not "null" in a subject).
      {"type", Filled(body_, "contactType") ? body_.at("contactType") : json::value("")},
      {"name", Filled(body_, "contactName") ? body_.at("contactName") : json::value("")}};
  const json::object base = BaseInput(contact_info);
  if (auto failed = shared_ ? LogShared(base) : LogEach(messages, base)) return std::move(*failed);
  json::object resp{{"successful", true}};
  if (return_message_) resp["returnMessage"] = std::move(*return_message_);
  resp["logIds"] = std::move(log_ids_);
  return call_.Served(http::HttpResponse::Json(200, resp));
}

// A group conversation is logged per contact: its ids carry the contact id (not a shared
// conversation's, which is one log for the whole conversation, as in the reference).
void MessageLogging::NameConversation() {
  conversation_id_ = js::text_or_empty(js::get(log_info_, "conversationId"));
  conversation_log_id_ = js::text_or_empty(js::get(log_info_, "conversationLogId"));
  if (group_ && !shared_) {
    conversation_id_ += "-" + contact_id_;
    conversation_log_id_ += "-" + contact_id_;
  }
}

// What createMessageLog and updateMessageLog receive in common (docs/PLUGIN_ABI.md).
json::object MessageLogging::BaseInput(const json::object& contact_info) const {
  json::object base{
      {"user", c_.user_json},
      {"contactInfo", contact_info},
      {"authHeader", c_.auth_header},
      {"additionalSubmission",
       body_.contains("additionalSubmission") ? body_.at("additionalSubmission") : json::value()},
      {"proxyConfig", nullptr}};
  if (shared_) {
    base["ownerName"] = js::text_or_empty(js::get(js::get(log_info_, "owner"), "name"));
    base["assigneeName"] = js::text_or_empty(js::get(js::get(log_info_, "assignee"), "name"));
  }
  base["adminConfig"] = AdminConfigInput(app_, c_.user, hashed_account_);
  return base;
}

// The message's link, and the conversation's when this message started it.
Status MessageLogging::Record(const std::string& id, const json::value& log_id) {
  json::object row{{"id", id},
                   {"platform", caller_.platform},
                   {"conversationId", conversation_id_},
                   {"conversationLogId", conversation_log_id_},
                   {"thirdPartyLogId", IdString(log_id)},
                   {"userId", c_.user.id}};
  Status st = app_.store.Put(store::Table::kMessageLogs, MessageKey(id), row);
  if (st.ok() && !conversation_)
    st = app_.store.Put(store::Table::kMessageLogs, ConversationKey(conversation_log_id_), row);
  if (st.ok() && !conversation_) conversation_ = json::value(row);
  return st;
}

void MessageLogging::TakeMessage(const plugins::OpOutcome& out) {
  const json::object* o = out.value.if_object();
  const json::value* m = o ? o->if_contains("returnMessage") : nullptr;
  return_message_ = m ? std::optional<json::value>(*m) : std::nullopt;
}

// A shared-SMS conversation: one CRM log, re-composed whole on every call. The reference
// answers every failure of this route as createMessageLog's.
std::optional<http::HttpResponse> MessageLogging::LogShared(const json::object& base) {
  json::object in = base;
  in["sharedSMSLogContent"] = ComposeSharedSms(
      call_.Format().value_or(LogFormat::kPlainText), log_info_,
      js::text_or_empty(js::get(body_, "contactName")), c_.user.timezone_offset, app_.now_ms());
  plugins::OpOutcome out;
  if (conversation_) {
    in["existingMessageLog"] = *conversation_;
    out = call_.Invoke("updateMessageLog", in, extra_secrets_);
    if (!out.ok()) return call_.Failed("createMessageLog", out);
  } else {
    in["hashedAccountId"] = hashed_account_;
    out = call_.Invoke("createMessageLog", in, extra_secrets_);
    if (!out.ok()) return call_.Failed("createMessageLog", out);
    if (const json::value* log_id = js::get(&out.value, "logId"); js::truthy(log_id)) {
      if (!Record(conversation_log_id_, *log_id).ok()) return Failure(DatabaseErrorMessage());
      log_ids_.push_back(json::value(conversation_log_id_));
    }
  }
  TakeMessage(out);
  return std::nullopt;
}

// Every message not logged before, oldest first (the client sends newest first): the first
// creates the conversation's CRM log, the others append to it.
std::optional<http::HttpResponse> MessageLogging::LogEach(const json::array& messages,
                                                          const json::object& base) {
  for (auto it = messages.rbegin(); it != messages.rend(); ++it) {
    if (!it->is_object()) continue;
    const json::object& message = it->get_object();
    const json::value* mid = js::get(message, "id");
    if (!mid) continue;
    const std::string id = IdString(*mid) + (group_ ? "-" + contact_id_ : "");
    auto seen = app_.store.Get(store::Table::kMessageLogs, MessageKey(id));
    if (!seen.ok()) return Failure(DatabaseErrorMessage());
    if (seen.value()) continue;  // logged before: never twice
    json::object in = base;
    in["message"] = message;
    AttachmentLinks(message, rc_token_, in);
    plugins::OpOutcome out;
    json::value log_id;
    if (conversation_) {
      in["existingMessageLog"] = *conversation_;
      out = call_.Invoke("updateMessageLog", in, extra_secrets_);
      if (!out.ok()) return call_.Failed("createMessageLog", out);
      log_id = conversation_->at("thirdPartyLogId");
    } else {
      if (group_ && correspondents_) in["correspondents"] = *correspondents_;
      in["hashedAccountId"] = hashed_account_;
      out = call_.Invoke("createMessageLog", in, extra_secrets_);
      if (!out.ok()) return call_.Failed("createMessageLog", out);
      if (auto* l = js::get(&out.value, "logId")) log_id = *l;
    }
    TakeMessage(out);
    if (js::truthy(&log_id)) {
      if (!Record(id, log_id).ok()) return Failure(DatabaseErrorMessage());
      // The ids of the rows inserted: strings (the client sends numbers), with the contact id
      // appended in a group conversation.
      log_ids_.push_back(json::value(id));
    }
  }
  return std::nullopt;
}

http::HttpResponse LogMessages(App& app, http::HttpRequest& req, const JwtState& jwt) {
  auto request = RequireCallerAndBody(jwt, req);
  if (auto* resp = std::get_if<http::HttpResponse>(&request)) return std::move(*resp);
  const Caller& caller = std::get<CallerAndBody>(request).caller;
  const json::object& body = std::get<CallerAndBody>(request).body;
  const json::value* log_info_v = js::get(body, "logInfo");
  if (log_info_v && !log_info_v->is_object())
    return http::HttpResponse::Error(400, "logInfo must be an object");
  const json::value* messages = js::get(log_info_v, "messages");
  if (!messages || !messages->is_array() || messages->get_array().empty())
    return Failure(ReturnMessage("No message to log.", "warning", 3000));
  const json::object& log_info = log_info_v->get_object();

  auto opened = PluginCall::Open(app, req, caller.platform);
  if (auto* refused = std::get_if<PluginCall::Refused>(&opened))
    return std::move(refused->response);
  auto& call = std::get<PluginCall>(opened);
  auto connected = call.Connect(caller.user_id, false);
  if (auto* fail = std::get_if<ConnectFailure>(&connected))
    return call.Served(ConnectFailureResponse(*fail, "createMessageLog", caller.platform,
                                              ReturnMessage("Contact not found", "warning", 5000)));
  if (!js::truthy(js::get(body, "contactId"))) {
    const json::value* correspondents = js::get(log_info, "correspondents");
    const json::value* first =
        correspondents && correspondents->is_array() && !correspondents->get_array().empty()
            ? &correspondents->get_array()[0]
            : nullptr;
    const json::value* number = js::get(first, "phoneNumber");
    return Failure(ReturnMessage(
        "Contact not found for number " + (number ? js::to_string(*number) : "undefined"),
        "warning", 5000));
  }
  MessageLogging logging(app, req, caller, call, *std::get<Connected*>(connected), body, log_info);
  return logging.Run(messages->get_array());
}

}  // namespace

void RegisterMessageLogRoutes(http::Router& router, App& app) {
  router.Add("POST", "/messageLog", Route(app, LogMessages));
}

}  // namespace crmhost::contract
