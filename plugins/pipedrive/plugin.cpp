// The Pipedrive CRM plugin: OAuth login (the company domain from users/me becomes the user's
// hostname), person lookup by phone and by name with each person's open deals and leads as log
// options, new persons, and activities for call and message logs (HTML), making the requests the
// reference connector (rc-unified-crm-extension 1.7.42) makes, with its bodies and messages.
//
// Settings: pipedrive.oauth_client_id, pipedrive.oauth_client_secret (the OAuth app; also used
// to revoke tokens at logout and to check the uninstall webhook), pipedrive.oauth_redirect_uri
// (default: the manifest's redirectUri).
//
// Where we deliberately differ from the reference:
// - Activity types are cached by the plugin (kv, 24 h, stale served when a refresh fails) since
//   a plugin cannot reach the host's account-data cache; one operation fetches them at most once.
// - The admin's activity-type choice and user mappings come from the host's `adminConfig` input
//   (the reference loads the same row itself); without an admin choice the user's own setting
//   of the same id is used. The adminAssignedUserToken path is not followed (the reference's
//   gives no owner for Pipedrive users anyway).
// - getUserInfo keeps a given hostname only when it is a *.pipedrive.com host; anything else
//   ("temp", empty, a foreign host) becomes "<company_domain>.pipedrive.com", so tokens are never
//   sent elsewhere.
// - Query values are percent-encoded (the reference pastes them raw; a "+" then reads as " ").
// - Durations carry minutes into hours ("01:00", not the reference's "00:60").
// - Absent or mistyped fields (a null note, a missing conversation counter, no revocable token)
//   are tolerated instead of throwing; the message counter is matched up to its own " messages)"
//   (the reference's greedy match swallows text when a message says " messages").
//
// This file is the operations; api.cpp is Pipedrive's HTTP API, mapping.cpp the JSON.
#include <crmhost/plugin.hpp>
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/phone.hpp>

#include <optional>

#include "api.h"
#include "mapping.h"
#include "routes.h"

extern const char kPipedriveManifest[];  // manifest.json, embedded at build time

namespace pipedrive {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;
using sdk::contract::return_message;
using sdk::contract::text;

namespace {

constexpr const char* kTokenUri = "https://oauth.pipedrive.com/oauth/token";
constexpr const char* kDefaultRedirectUri =
    "https://unified-crm-extension.labs.ringcentral.com/pipedrive-redirect";

}  // namespace

class Pipedrive {
 public:
  static constexpr const char* kName = "pipedrive";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kManifest = kPipedriveManifest;
  static constexpr const char* kRoutes = pipedrive::kRoutes;

  explicit Pipedrive(sdk::Call& init) {
    if (!init.setting("oauth_client_id"))
      init.warn("setting pipedrive.oauth_client_id is not set: Pipedrive logins fail until it is");
  }

  json::value getAuthType(sdk::Call&, const json::object&) { return "oauth"; }
  json::value getLogFormatType(sdk::Call&, const json::object&) { return "text/html"; }

  // The host exchanges the code and refreshes tokens with this app (HTTP Basic client auth);
  // the client id and secret come from the pipedrive.oauth_* settings the host fills in.
  json::value getOauthInfo(sdk::Call& call, const json::object&) {
    return json::object{
        {"clientId", ClientId(call)},
        {"clientSecret", ClientSecret(call)},
        {"accessTokenUri", kTokenUri},
        {"redirectUri", call.setting("oauth_redirect_uri").value_or(kDefaultRedirectUri)}};
  }

  json::value getUserInfo(sdk::Call& call, const json::object& in) {
    try {
      Api api(call, in);
      json::value me = api.GetApi("/v1/users/me");
      const json::value* data = DataOf(me);
      if (!js::get(data, "id")) throw sdk::UpstreamError(200, "no user id in users/me");
      return json::object{
          {"successful", true},
          {"platformUserInfo", PlatformUser(data->get_object(), in)},
          {"returnMessage", return_message("Connected to Pipedrive.", "success", 1000)}};
    } catch (const std::exception& e) {
      call.warn(std::string("Pipedrive login failed: ") + e.what());
      return sdk::contract::login_failed("Pipedrive", "Could not load user information");
    }
  }

  // Revokes the refresh token, then the access token; a refusal keeps the user logged in (the
  // host answers the error) so the logout can be retried.
  json::value serveRoute(sdk::Call&, const json::object& in) { return ServeRoute(in); }

  json::value unAuthorize(sdk::Call& call, const json::object& in) {
    const json::object& user = object_of(in, "user");
    const std::string basic =
        "Basic " + sdk::base64_encode(ClientId(call) + ":" + ClientSecret(call));
    for (const char* which : {"refreshToken", "accessToken"}) {
      const std::string token = sdk::string_field(user, which);
      if (!token.empty()) RevokeToken(call, basic, token);
    }
    return json::object{
        {"returnMessage", return_message("Logged out of Pipedrive", "success", 1000)},
        {"userUpdate", json::object{{"accessToken", ""}, {"refreshToken", ""}}}};
  }

  // Company users for admin user mapping (deleted users left out).
  json::value getUserList(sdk::Call& call, const json::object& in) {
    return UserList(Api(call, in).Get("/api/v1/users"));
  }

  json::value getAccountDataKeys(sdk::Call&, const json::object&) {
    return json::object{{"activityTypes", json::object{{"ttlMs", kActivityTypesTtlMs}}}};
  }

  // Active activity types as {const: key_string, title: name}; also refreshes our own cache.
  json::value fetchAccountData(sdk::Call& call, const json::object& in) {
    if (sdk::string_field(in, "key") != "activityTypes")
      throw sdk::InvalidInput("unknown account data key " + text(in, "key"));
    Api api(call, in);
    return FetchActivityTypes(api, object_of(in, "user"));
  }

  json::value findContact(sdk::Call& call, const json::object& in) {
    if (sdk::string_field(in, "isExtension") == "true")
      return json::object{{"successful", false}, {"matchedContactInfo", json::array()}};
    const std::string phone = sdk::phone::from_query(sdk::string_field(in, "phoneNumber"));
    if (phone.find('+') == std::string::npos)
      return json::object{
          {"matchedContactInfo", nullptr},
          {"returnMessage",
           return_message("Logging against internal extension number is not supported.", "warning",
                          3000)}};
    const auto parsed = call.phone(phone);
    const std::string term = parsed.valid ? parsed.significant : phone;
    Api api(call, in);
    json::array matched = Search(api, term, "phone", &phone);
    matched.push_back(json::object{
        {"id", "createNewContact"}, {"name", "Create new contact..."}, {"isNewContact", true}});
    return json::object{{"successful", true},
                        {"matchedContactInfo", std::move(matched)},
                        {"extraDataTracking", api.tracking()}};
  }

  json::value findContactWithName(sdk::Call& call, const json::object& in) {
    Api api(call, in);
    json::array matched = Search(api, sdk::string_field(in, "name"), "name", nullptr);
    return json::object{{"successful", true},
                        {"matchedContactInfo", std::move(matched)},
                        {"extraDataTracking", api.tracking()}};
  }

  // A person with the number as their phone (the form's contact type is not used).
  json::value createContact(sdk::Call& call, const json::object& in) {
    Api api(call, in);
    const json::value body = json::object{{"name", ValueOf(in, "newContactName")},
                                          {"phone", ValueOf(in, "phoneNumber")}};
    json::value made = api.Send("POST", "/v1/persons", &body);
    const json::value* data = DataOf(made);
    const json::value* id = js::get(data, "id");
    if (!id) throw sdk::UpstreamError(200, "Pipedrive did not return the new person's id");
    return json::object{
        {"contactInfo", json::object{{"id", *id}, {"name", ValueOf(data->get_object(), "name")}}},
        {"returnMessage", return_message("Contact created.", "success", 2000)},
        {"extraDataTracking", api.tracking()}};
  }

  // One done activity of the call type, with the composed HTML as its note, the person as its
  // primary participant, and the chosen deal (or else lead) and the person's organisation.
  json::value createCallLog(sdk::Call& call, const json::object& in) {
    Api api(call, in);
    const json::value org = PersonOrg(api, object_of(in, "contactInfo"));
    const std::optional<json::value> assignee = AssignedOwner(call, in);
    const std::optional<std::string> type =
        ResolveActivityType(api, in, "pipedriveCallActivityType", "call");
    if (!type) return NoActivityType("Call", "call");
    const json::value payload = CallActivity(in, org, assignee, call.now_ms(), *type);
    return LoggedActivity(api, api.Send("POST", "/api/v2/activities", &payload), "Call logged",
                          2000);
  }

  // After a crash (docs/PLUGIN_ABI.md, findCallLogForSession): the activity createCallLog made
  // for this call, if Pipedrive holds it. What createCallLog writes identifies it: the person,
  // the subject, the due date and minute, and the duration.
  json::value findCallLogForSession(sdk::Call& call, const json::object& in) {
    Api api(call, in);
    const json::object& log = object_of(in, "callLog");
    const json::object& contact = object_of(in, "contactInfo");
    const json::value* start = js::get(log, "startTime");
    if (!start) return json::object{{"logId", nullptr}};  // created "now": nothing to match
    json::value listed = api.Get(
        "/api/v2/activities?person_id=" + sdk::url_encode(text(contact, "id")) + "&limit=100");
    if (const json::value* a = FindCallActivity(listed, log, contact, TimeOr(start, call.now_ms())))
      return json::object{{"logId", *js::get(a, "id")},
                          {"returnMessage", return_message("Call logged", "success", 2000)},
                          {"extraDataTracking", api.tracking()}};
    return json::object{{"logId", nullptr}};
  }

  json::value getCallLog(sdk::Call& call, const json::object& in) {
    Api api(call, in);
    json::value answer = api.Get("/api/v2/activities/" + sdk::url_encode(text(in, "callLogId")));
    return json::object{{"callLogInfo", CallLogInfo(answer)},
                        {"extraDataTracking", api.tracking()}};
  }

  // The note the host re-composed from the current one, plus the subject and duration when
  // given; deal, lead, type and participants are left as they are.
  json::value updateCallLog(sdk::Call& call, const json::object& in) {
    Api api(call, in);
    const std::string id = text(object_of(in, "existingCallLog"), "thirdPartyLogId");
    json::object body = UpdatedCallActivity(in, AssignedOwner(call, in));
    const json::value payload = body;
    api.Send("PATCH", "/api/v2/activities/" + sdk::url_encode(id), &payload);
    return json::object{{"updatedNote", body.contains("note") ? body["note"] : json::value()},
                        {"returnMessage", return_message("Call log updated.", "success", 2000)},
                        {"extraDataTracking", api.tracking()}};
  }

  // The activity's deal, or else its lead (one clears the other).
  json::value upsertCallDisposition(sdk::Call& call, const json::object& in) {
    const json::object& dispositions = object_of(in, "dispositions");
    const json::object& existing = object_of(in, "existingCallLog");
    const json::value* deal = js::get(dispositions, "deals");
    const json::value* lead = js::get(dispositions, "leads");
    if (!js::truthy(deal) && !js::truthy(lead)) return json::object{{"logId", nullptr}};
    const json::value body = js::truthy(deal)
                                 ? json::object{{"deal_id", *deal}, {"lead_id", nullptr}}
                                 : json::object{{"lead_id", *lead}, {"deal_id", nullptr}};
    Api api(call, in);
    api.Send("PATCH", "/api/v2/activities/" + sdk::url_encode(text(existing, "thirdPartyLogId")),
             &body);
    return json::object{{"logId", ValueOf(existing, "thirdPartyLogId")},
                        {"extraDataTracking", api.tracking()}};
  }

  // One done activity of the SMS type per conversation (the host appends later messages through
  // updateMessageLog); voicemail and fax get one line with their link.
  json::value createMessageLog(sdk::Call& call, const json::object& in) {
    Api api(call, in);
    const std::string user_name =
        js::text_or_empty(js::get(DataOf(api.Get("/v1/users/me")), "name"));
    const json::value org = PersonOrg(api, object_of(in, "contactInfo"));
    const std::optional<std::string> type =
        ResolveActivityType(api, in, "pipedriveSMSActivityType", "sms");
    if (!type) return NoActivityType("Message", "sms");
    const json::value payload =
        MessageActivity(in, MessageNote(in, user_name, call.now_ms()), org, call.now_ms(), *type);
    return LoggedActivity(api, api.Send("POST", "/api/v2/activities", &payload), "Message logged",
                          1000);
  }

  // Adds one message at the end of the conversation's list and counts it (a shared conversation's
  // whole note is replaced instead).
  json::value updateMessageLog(sdk::Call& call, const json::object& in) {
    Api api(call, in);
    const json::object& shared = object_of(in, "sharedSMSLogContent");
    const std::string id = text(object_of(in, "existingMessageLog"), "thirdPartyLogId");
    const std::string path = "/api/v2/activities/" + sdk::url_encode(id);
    std::string note;
    if (js::truthy(js::get(shared, "body"))) {
      note = text(shared, "body");
    } else {
      const std::string user_name =
          js::text_or_empty(js::get(DataOf(api.GetApi("/v1/users/me")), "name"));
      note = AppendMessageItem(js::text_or_empty(js::get(DataOf(api.Get(path)), "note")),
                               MessageItem(object_of(in, "message"), object_of(in, "contactInfo"),
                                           user_name, OffsetOf(object_of(in, "user"))));
    }
    const json::value payload = UpdatedMessageActivity(in, note);
    api.Send("PATCH", path, &payload);
    return json::object{{"extraDataTracking", api.tracking()}};
  }

  static constexpr auto operations() {
    using Op = sdk::Operation<Pipedrive>;
    return std::array{
        Op{"getAuthType", &Pipedrive::getAuthType},
        Op{"getLogFormatType", &Pipedrive::getLogFormatType},
        Op{"getOauthInfo", &Pipedrive::getOauthInfo},
        Op{"getUserInfo", &Pipedrive::getUserInfo},
        Op{"unAuthorize", &Pipedrive::unAuthorize},
        Op{"serveRoute", &Pipedrive::serveRoute},
        Op{"getUserList", &Pipedrive::getUserList},
        Op{"getAccountDataKeys", &Pipedrive::getAccountDataKeys},
        Op{"fetchAccountData", &Pipedrive::fetchAccountData},
        Op{"findContact", &Pipedrive::findContact},
        Op{"findContactWithName", &Pipedrive::findContactWithName},
        Op{"createContact", &Pipedrive::createContact},
        Op{"createCallLog", &Pipedrive::createCallLog},
        Op{"getCallLog", &Pipedrive::getCallLog},
        Op{"findCallLogForSession", &Pipedrive::findCallLogForSession},
        Op{"updateCallLog", &Pipedrive::updateCallLog},
        Op{"upsertCallDisposition", &Pipedrive::upsertCallDisposition},
        Op{"createMessageLog", &Pipedrive::createMessageLog},
        Op{"updateMessageLog", &Pipedrive::updateMessageLog},
    };
  }

 private:
  static std::string ClientId(sdk::Call& call) {
    return call.setting("oauth_client_id").value_or("");
  }
  static std::string ClientSecret(sdk::Call& call) {
    return call.setting("oauth_client_secret").value_or("");
  }

  // The answer to a created activity: its id, or an error when Pipedrive sent none.
  static json::value LoggedActivity(Api& api, const json::value& created, const char* message,
                                    int ttl) {
    const json::value* id = js::get(DataOf(created), "id");
    if (!id) throw sdk::UpstreamError(200, "Pipedrive did not return the new activity's id");
    return json::object{{"logId", *id},
                        {"returnMessage", return_message(message, "success", ttl)},
                        {"extraDataTracking", api.tracking()}};
  }

  // The organisation of the person a log is for: org_id, or "".
  static json::value PersonOrg(Api& api, const json::object& contact) {
    json::value person = api.Get("/api/v2/persons/" + sdk::url_encode(text(contact, "id")));
    const json::value* org = js::get(DataOf(person), "org_id");
    return org ? *org : json::value("");
  }

  // The owner an admin assigned the log to: the CRM user mapped to
  // additionalSubmission.adminAssignedUserRcId in the account's user mappings (adminConfig);
  // without a mapping the activity stays the logging user's.
  static std::optional<json::value> AssignedOwner(sdk::Call& call, const json::object& in) {
    if (!js::truthy(js::get(object_of(in, "additionalSubmission"), "isAssignedToUser")))
      return std::nullopt;
    if (const json::value* crm = sdk::contract::assigned_crm_user(in)) return NumberOf(*crm);
    call.warn(
        "Pipedrive: no user mapping for the assigned extension; the activity keeps the "
        "logging user as owner");
    return std::nullopt;
  }

  // persons/search by phone or name; each person with their open deals and their leads.
  static json::array Search(Api& api, const std::string& term, std::string_view field,
                            const std::string* phone) {
    json::value found = api.Get("/api/v2/persons/search?term=" + sdk::url_encode(term) +
                                "&fields=" + std::string(field));
    json::array matched;
    const json::value* items = js::get(DataOf(found), "items");
    if (!items || !items->is_array()) return matched;
    for (auto& entry : items->get_array()) {
      const json::value* item = js::get(&entry, "item");
      if (!item || !item->is_object()) continue;
      matched.push_back(FormatPerson(api, item->get_object(), phone));
    }
    return matched;
  }

  static json::object FormatPerson(Api& api, const json::object& item, const std::string* phone) {
    const std::string id = sdk::url_encode(text(item, "id"));
    json::object additional;
    // Deals: failures reach the caller, as in the reference. The double "&&" is the reference's.
    json::value deals = api.Get("/api/v2/deals?person_id=" + id + "&&status=open");
    if (json::array options = Options(DataOf(deals)); !options.empty())
      additional["deals"] = std::move(options);
    // Leads: a user without access to leads still gets the person.
    try {
      json::value leads = api.Get("/v1/leads?person_id=" + id);
      if (json::array options = Options(DataOf(leads)); !options.empty())
        additional["leads"] = std::move(options);
    } catch (const sdk::UpstreamError& e) {
      api.call().warn(std::string("Pipedrive leads not read: ") + e.what());
    }
    return PersonContact(item, phone, std::move(additional));
  }
};

}  // namespace pipedrive

CRMHOST_PLUGIN(pipedrive::Pipedrive)
