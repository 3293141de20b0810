// The VinSolutions CRM plugin: a dealer's contacts (by phone and name) with their leads as log
// options, contacts created through the gateway, calls logged through Call Tracking with the
// reference connector's call-result mapping and "already logged" handling, and SMS, voicemail
// and fax logs written as notes on a lead (docs/CRM_PLUGINS.md lists the calls and where we
// differ from the reference).
//
// Login is the API-key form with the dealer ID and CRM user ID (admin-managed fields); the
// VinSolutions credentials are the administrator's plugin settings, never a user's:
// vinsolutions.lead_management_{client_id,client_secret,api_key} and
// vinsolutions.call_tracking_{client_id,client_secret,api_key}.
//
// This file is the operations; api.cpp is the HTTP and the tokens, mapping.cpp the JSON.
#include <crmhost/plugin.hpp>
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/phone.hpp>
#include <crmhost/sdk/text.hpp>
#include <crmhost/sdk/time.hpp>

#include <map>

#include "api.h"
#include "mapping.h"

extern const char kVinSolutionsManifest[];  // manifest.json, embedded at build time

namespace vinsolutions {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;
using sdk::contract::return_message;

namespace {

// The stand-in the host keeps as the user's access token: VinSolutions' tokens are the
// application's (api.h), so a user holds no credential of their own.
constexpr const char* kConnected = "vinsolutions-connected";

json::object Warning(const char* message, int ttl) {
  return return_message(message, "warning", ttl);
}

// The lead the user picked on the log form, 0 for none.
int64_t PickedLead(const json::object& in) {
  return PositiveId(js::get(object_of(in, "additionalSubmission"), "leads"));
}

}  // namespace

class VinSolutions {
 public:
  static constexpr const char* kName = "vinsolutions";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kManifest = kVinSolutionsManifest;

  explicit VinSolutions(sdk::Call& init) {
    for (Profile p : {Profile::kLeadManagement, Profile::kCallTracking})
      if (std::string missing = MissingSettings(init, p); !missing.empty())
        init.warn("settings " + missing + " are not set: VinSolutions logins fail until they are");
    // The credentials are the server's: without a list, anyone who can reach this server and
    // knows a dealer ID that enabled them can log in as one of that dealer's users.
    if (sdk::text::trim(init.setting("allowed_dealers").value_or("")).empty())
      init.warn(
          "setting vinsolutions.allowed_dealers is not set: every dealer that enabled these "
          "credentials can be reached; list the dealer IDs this deployment serves");
  }

  json::value getAuthType(sdk::Call&, const json::object&) { return "apiKey"; }
  json::value getLogFormatType(sdk::Call&, const json::object&) { return "text/plain"; }
  json::value getBasicAuth(sdk::Call&, const json::object&) { return ""; }

  json::value getUserInfo(sdk::Call& call, const json::object& in) {
    const json::object& form = object_of(in, "additionalInfo");
    const int64_t dealer = PositiveId(js::get(form, "dealerId"));
    const int64_t crm_user = PositiveId(js::get(form, "crmUserId"));
    if (!dealer || !crm_user)
      return json::object{
          {"successful", false},
          {"returnMessage", Warning("Dealer ID and CRM User ID are required.", 5000)}};
    try {
      if (!DealerAllowed(call, dealer))
        throw sdk::UpstreamError(
            403, "dealer " + std::to_string(dealer) + " is not in vinsolutions.allowed_dealers");
      Api api(call, dealer, crm_user);
      api.Token(Profile::kCallTracking);  // both APIs must let us in before we say connected
      json::value me = api.Get("/gateway/v1/tenant/user/id/" + std::to_string(crm_user) +
                               Query({{"dealerId", api.dealer_text()}}));
      json::value dealers = api.Get("/gateway/v1/organization/dealers");
      std::string dealer_name;
      if (const json::value* items = js::get(&dealers, "Items"); items && items->is_array())
        for (const json::value& d : items->get_array())
          if (PositiveId(js::get(&d, "DealerId")) == dealer) {
            const json::value* n = js::get(&d, "Name");
            dealer_name = n ? js::to_string(*n) : "";
            break;
          }
      if (!me.is_object()) throw sdk::UpstreamError(200, "VinSolutions answered no user");
      const json::object& u = me.get_object();
      return json::object{
          {"successful", true},
          {"platformUserInfo",
           json::object{
               {"id", std::to_string(crm_user) + "-" + std::to_string(dealer) + "-vinsolutions"},
               {"name", UserName(u)},
               {"timezoneName", "UTC"},
               {"timezoneOffset", 0},
               {"overridingApiKey", kConnected},
               {"platformAdditionalInfo", json::object{{"dealerId", dealer},
                                                       {"crmUserId", crm_user},
                                                       {"dealerName", dealer_name},
                                                       {"email", Or(u, "EmailAddress")}}}}},
          {"returnMessage",
           return_message(dealer_name.empty() ? "Connected to VinSolutions."
                                              : "Connected to VinSolutions (" + dealer_name + ").",
                          "success", 2000)}};
    } catch (const std::exception& e) {
      call.warn(std::string("VinSolutions login failed: ") + e.what());
      json::object item{
          {"id", "1"},
          {"type", "text"},
          {"text",
           "Ask the dealership to enable this integration under Settings > Dealer Settings > "
           "Partner Enablement (as an application service provider and a call tracking "
           "provider), and check the dealer ID and the CRM user ID."}};
      json::object message = Warning(
          "Could not connect to VinSolutions. Verify dealer enablement, dealer ID, CRM user ID, "
          "and API credentials.",
          8000);
      message["details"] =
          json::array{json::object{{"title", "Details"}, {"items", json::array{item}}}};
      return json::object{{"successful", false}, {"returnMessage", std::move(message)}};
    }
  }

  json::value unAuthorize(sdk::Call&, const json::object&) {
    return json::object{
        {"returnMessage", return_message("Logged out of VinSolutions", "success", 1000)},
        {"userUpdate", json::object{{"accessToken", ""}, {"refreshToken", ""}}}};
  }

  // Both APIs still hand out tokens (the "Refresh" button of the settings page).
  json::value refreshUserInfo(sdk::Call& call, const json::object& in) {
    try {
      Api api(call, in);
      api.Token(Profile::kLeadManagement, /*fresh=*/true);
      api.Token(Profile::kCallTracking, /*fresh=*/true);
      return json::object{
          {"successful", true},
          {"returnMessage", return_message("User info refreshed", "success", 1000)}};
    } catch (const std::exception& e) {
      call.warn(std::string("VinSolutions refresh failed: ") + e.what());
      return json::object{
          {"successful", false},
          {"returnMessage",
           Warning("Failed to refresh VinSolutions session. Please reconnect.", 5000)}};
    }
  }

  // The dealer's users for the admin-managed CRM user ID field: [{value, label}].
  json::value getManagedAuthOptions(sdk::Call& call, const json::object& in) {
    const int64_t dealer = PositiveId(js::get(object_of(in, "accountValues"), "dealerId"));
    if (!dealer || !DealerAllowed(call, dealer)) return json::array();
    Api api(call, dealer, 0);
    json::value users =
        api.Get("/gateway/v1/tenant/user" + Query({{"dealerId", api.dealer_text()}}));
    json::array out;
    if (users.is_array())
      for (const json::value& u : users.get_array()) {
        if (!u.is_object()) continue;
        std::string name = UserName(u.get_object());
        if (name.empty()) name = Or(u.get_object(), "UserId");
        const std::string email(sdk::text::trim(Or(u.get_object(), "EmailAddress")));
        out.push_back(json::object{{"value", Or(u.get_object(), "UserId")},
                                   {"label", email.empty() ? name : name + " + " + email}});
      }
    return out;
  }

  json::value getUserList(sdk::Call& call, const json::object& in) {
    try {
      Api api(call, in);
      json::value users =
          api.Get("/gateway/v1/tenant/user" + Query({{"dealerId", api.dealer_text()}}));
      json::array out;
      if (users.is_array())
        for (const json::value& u : users.get_array()) {
          if (!u.is_object() || !js::truthy(js::get(u.get_object(), "EmailAddress"))) continue;
          out.push_back(json::object{{"id", sdk::contract::value_or(u.get_object(), "UserId")},
                                     {"name", UserName(u.get_object())},
                                     {"email", Or(u.get_object(), "EmailAddress")}});
        }
      return out;
    } catch (const std::exception& e) {
      call.warn(std::string("VinSolutions user list failed: ") + e.what());
      return json::array();
    }
  }

  // Every form of the number (mapping.h), one gateway search each, each contact once, with its
  // leads; then the "create new contact" entry.
  json::value findContact(sdk::Call& call, const json::object& in) {
    if (sdk::string_field(in, "isExtension") == "true")
      return json::object{{"successful", false}, {"matchedContactInfo", json::array()}};
    try {
      Api api(call, in);
      const std::string given = sdk::phone::from_query(sdk::string_field(in, "phoneNumber"));
      const auto parsed = call.phone(given, CRMH_PHONE_WANT_FORMATS);
      std::vector<json::object> contacts;
      std::map<std::string, size_t> seen;  // ContactId -> index: a later answer replaces
      for (const std::string& number :
           PhoneSearchValues(parsed, given, sdk::string_field(in, "overridingFormat"))) {
        json::value found =
            api.Get("/gateway/v1/contact" + Query({{"dealerId", api.dealer_text()},
                                                   {"userId", std::to_string(api.crm_user())},
                                                   {"phone", number},
                                                   {"pageSize", "100"}}));
        AddContacts(found, contacts, seen);
      }
      json::array matched = WithLeads(api, contacts);
      matched.push_back(json::object{
          {"id", "createNewContact"}, {"name", "Create new contact..."}, {"isNewContact", true}});
      return json::object{{"successful", true}, {"matchedContactInfo", std::move(matched)}};
    } catch (const std::exception& e) {
      call.warn(std::string("VinSolutions contact lookup failed: ") + e.what());
      return json::object{
          {"successful", false},
          {"returnMessage", Warning("Contact lookup failed in VinSolutions.", 5000)}};
    }
  }

  // The first word is the first name, the rest the last name.
  json::value findContactWithName(sdk::Call& call, const json::object& in) {
    try {
      Api api(call, in);
      auto [first, last] = sdk::contract::split_name(sdk::string_field(in, "name"));
      std::string query = Query({{"dealerId", api.dealer_text()},
                                 {"userId", std::to_string(api.crm_user())},
                                 {"pageSize", "100"},
                                 {"firstName", first}});
      if (!last.empty()) query += "&lastName=" + sdk::url_encode(last);
      std::vector<json::object> contacts;
      std::map<std::string, size_t> seen;
      AddContacts(api.Get("/gateway/v1/contact" + query), contacts, seen);
      return json::object{{"successful", true}, {"matchedContactInfo", WithLeads(api, contacts)}};
    } catch (const std::exception& e) {
      call.warn(std::string("VinSolutions name search failed: ") + e.what());
      return json::object{{"successful", false},
                          {"returnMessage", Warning("Name search failed in VinSolutions.", 5000)}};
    }
  }

  // A contact with one cell number; a one-word name gets the last name "Customer".
  json::value createContact(sdk::Call& call, const json::object& in) {
    Api api(call, in);
    const std::string name = sdk::string_field(in, "newContactName");
    auto [first, last] = sdk::contract::split_name(name);
    if (last.empty()) last = "Customer";
    const std::string given = sdk::phone::from_query(sdk::string_field(in, "phoneNumber"));
    const auto parsed = call.phone(given);
    const json::value body = json::object{
        {"DealerId", api.dealer()},
        {"UserId", api.crm_user()},
        {"ContactInformation",
         json::object{{"FirstName", first},
                      {"LastName", last},
                      {"Phones", json::array{json::object{
                                     {"PhoneType", "Cell"},
                                     {"Number", parsed.valid ? parsed.significant : given}}}}}},
        {"LeadInformation", json::object()}};
    json::value made =
        api.Json(Profile::kLeadManagement, "POST", "/gateway/v1/contact", kGatewayJson, &body);
    const json::value* id = js::get(&made, "ContactId");
    if (!js::truthy(id)) id = js::get(js::get(&made, "ContactInformation"), "ContactId");
    if (!js::truthy(id))
      throw sdk::UpstreamError(200, "VinSolutions did not return the new contact's id");
    return json::object{
        {"contactInfo", json::object{{"id", *id}, {"name", name}}},
        {"returnMessage", return_message("Contact created in VinSolutions.", "success", 2000)}};
  }

  // POST /calldetails. VinSolutions refuses a second detail for the same providerReferenceId
  // (500 AlreadyLoggedException, with the first one's Location): that is the call, logged.
  json::value createCallLog(sdk::Call& call, const json::object& in) {
    try {
      Api api(call, in);
      const json::object& log = object_of(in, "callLog");
      const json::value body = CallDetail(api, in, log);
      sdk::HttpResponse resp =
          api.Raw(Profile::kCallTracking, "POST", "/calldetails", kCoxV1, &body);
      const bool already =
          resp.status == 500 && resp.body.find("AlreadyLoggedException") != std::string::npos;
      if (!resp.ok() && !already)
        throw sdk::UpstreamError(
            resp.status,
            "VinSolutions answered HTTP " + std::to_string(resp.status) + " to POST /calldetails");
      const auto id = CallDetailIdOf(resp.header("location"));
      return json::object{
          {"logId", id ? json::value(*id) : json::value(nullptr)},
          {"returnMessage", return_message(already ? "Call was already logged in VinSolutions."
                                                   : "Call logged to VinSolutions.",
                                           "success", 2000)}};
    } catch (const std::exception& e) {
      call.warn(std::string("VinSolutions call log failed: ") + e.what());
      return json::object{
          {"logId", nullptr},
          {"returnMessage",
           return_message("Failed to log call in VinSolutions. Verify provider name registration "
                          "and dealer enablement.",
                          "error", 5000)}};
    }
  }

  json::value getCallLog(sdk::Call& call, const json::object& in) {
    Api api(call, in);
    json::value detail =
        api.Json(Profile::kCallTracking, "GET",
                 "/calldetails/id/" + sdk::url_encode(sdk::string_field(in, "callLogId")) +
                     Query({{"accountId", api.dealer_text()}, {"providerName", "RingCentral"}}),
                 kCoxV1);
    if (!detail.is_object()) detail = json::object();
    const json::object& d = detail.get_object();
    std::string full_body = Or(d, "transcriptFull");
    if (full_body.empty()) full_body = Or(d, "transcriptShort");
    const json::object& vin = object_of(d, "vinProperties");
    std::string contact_id = Or(vin, "contactId");
    if (contact_id.empty()) contact_id = sdk::string_field(in, "contactId");
    std::string contact_name;
    if (!contact_id.empty()) {
      json::value found =
          api.Get("/gateway/v1/contact" + Query({{"dealerId", api.dealer_text()},
                                                 {"userId", std::to_string(api.crm_user())},
                                                 {"contactId", contact_id},
                                                 {"pageSize", "1"}}));
      if (found.is_array() && !found.get_array().empty() && found.get_array()[0].is_object())
        contact_name = ContactName(found.get_array()[0].get_object());
    }
    const std::string direction = Or(d, "callDirection");
    json::object dispositions;
    if (const json::value* lead = js::get(vin, "leadId"); js::truthy(lead))
      dispositions["leads"] = *lead;
    return json::object{
        {"callLogInfo", json::object{{"subject", direction == "OUTBOUND"  ? "Outbound call"
                                                 : direction == "INBOUND" ? "Inbound call"
                                                                          : "Phone call"},
                                     {"note", NoteOfTranscript(full_body)},
                                     {"fullBody", full_body},
                                     {"fullLogResponse", detail},
                                     {"contactName", contact_name},
                                     {"dispositions", std::move(dispositions)}}}};
  }

  // PATCH what changed: the composed log, the duration, the lead (with the assignee).
  json::value updateCallLog(sdk::Call& call, const json::object& in) {
    const std::string id = sdk::string_field(object_of(in, "existingCallLog"), "thirdPartyLogId");
    if (id.empty()) return json::object{{"returnMessage", Warning("Call log ID not found.", 3000)}};
    try {
      Api api(call, in);
      const json::value* composed = js::get(in, "composedLogDetails");
      const json::value* duration = js::get(in, "duration");
      const int64_t lead = PickedLead(in);
      json::object vin{{"dealerId", api.dealer()}};
      json::object patch{{"providerName", "RingCentral"}};
      if (js::truthy(composed)) patch["transcriptFull"] = *composed;
      if (js::truthy(duration)) patch["callDurationSeconds"] = DurationSeconds(duration);
      if (lead) {
        vin["userId"] = AssignedCrmUser(api, in);
        vin["leadId"] = lead;
      }
      patch["vinProperties"] = std::move(vin);
      json::value updated_note = composed ? *composed : json::value(nullptr);
      if (!js::truthy(composed) && !js::truthy(duration) && !lead)
        return json::object{
            {"updatedNote", updated_note},
            {"returnMessage", return_message("Nothing to update.", "success", 1000)}};
      const json::value body = std::move(patch);
      api.Json(Profile::kCallTracking, "PATCH", "/calldetails/id/" + sdk::url_encode(id), kCoxV1,
               &body);
      return json::object{
          {"updatedNote", updated_note},
          {"returnMessage", return_message("Call log updated in VinSolutions.", "success", 2000)}};
    } catch (const std::exception& e) {
      call.warn(std::string("VinSolutions call log update failed: ") + e.what());
      return json::object{
          {"returnMessage",
           return_message("Failed to update call log in VinSolutions.", "error", 5000)}};
    }
  }

  // A note on the lead the user picked, or on a new lead of the dealer's first lead source.
  // The lead's notes so far are kept (the reference replaces them).
  json::value createMessageLog(sdk::Call& call, const json::object& in) {
    try {
      Api api(call, in);
      int64_t lead = PickedLead(in);
      if (!lead) lead = LeadForMessage(api, in);
      const std::string shared = sdk::string_field(object_of(in, "sharedSMSLogContent"), "body");
      const std::string existing = LeadNotes(api, lead);
      if (!shared.empty()) {
        PutShared(api, lead, existing, shared);
      } else if (const std::string notes = MessageNote(in);
                 existing.find(notes) == std::string::npos) {  // a retry finds it written
        PutNotes(api, lead, existing.empty() ? notes : existing + "\n\n" + notes);
      }
      return json::object{{"logId", std::to_string(lead)},
                          {"returnMessage", return_message("Message logged to VinSolutions lead.",
                                                           "success", 2000)}};
    } catch (const std::exception& e) {
      call.warn(std::string("VinSolutions message log failed: ") + e.what());
      return json::object{
          {"logId", nullptr},
          {"returnMessage", return_message("Failed to log message in VinSolutions. Verify the "
                                           "selected lead and dealer enablement.",
                                           "error", 5000)}};
    }
  }

  // The next message of the conversation, appended to the lead's notes.
  json::value updateMessageLog(sdk::Call& call, const json::object& in) {
    int64_t lead = PositiveId(js::get(object_of(in, "existingMessageLog"), "thirdPartyLogId"));
    if (!lead) lead = PickedLead(in);
    if (!lead)
      return json::object{
          {"returnMessage", Warning("Lead ID not found for message log update.", 3000)}};
    try {
      Api api(call, in);
      const std::string existing = LeadNotes(api, lead);
      if (std::string shared = sdk::string_field(object_of(in, "sharedSMSLogContent"), "body");
          !shared.empty()) {
        PutShared(api, lead, existing, shared);
        return json::object();
      }
      const std::string line = MessageLine(object_of(in, "user"), object_of(in, "contactInfo"),
                                           object_of(in, "message"));
      if (existing.empty()) {
        PutNotes(api, lead, MessageNote(in));
      } else if (existing.find(line) == std::string::npos) {  // a retry finds it written
        PutNotes(api, lead,
                 existing + "\n\n" + line + "\n\n--- Updated via RingCentral App Connect");
      }
      return json::object();
    } catch (const std::exception& e) {
      call.warn(std::string("VinSolutions message log update failed: ") + e.what());
      return json::object{{"returnMessage", return_message("Failed to update message log in "
                                                           "VinSolutions.",
                                                           "error", 5000)}};
    }
  }

  static constexpr auto operations() {
    using Op = sdk::Operation<VinSolutions>;
    return std::array{Op{"getAuthType", &VinSolutions::getAuthType},
                      Op{"getLogFormatType", &VinSolutions::getLogFormatType},
                      Op{"getBasicAuth", &VinSolutions::getBasicAuth},
                      Op{"getUserInfo", &VinSolutions::getUserInfo},
                      Op{"unAuthorize", &VinSolutions::unAuthorize},
                      Op{"refreshUserInfo", &VinSolutions::refreshUserInfo},
                      Op{"getManagedAuthOptions", &VinSolutions::getManagedAuthOptions},
                      Op{"getUserList", &VinSolutions::getUserList},
                      Op{"findContact", &VinSolutions::findContact},
                      Op{"findContactWithName", &VinSolutions::findContactWithName},
                      Op{"createContact", &VinSolutions::createContact},
                      Op{"createCallLog", &VinSolutions::createCallLog},
                      Op{"getCallLog", &VinSolutions::getCallLog},
                      Op{"updateCallLog", &VinSolutions::updateCallLog},
                      Op{"createMessageLog", &VinSolutions::createMessageLog},
                      Op{"updateMessageLog", &VinSolutions::updateMessageLog}};
  }

 private:
  static std::string Or(const json::object& o, std::string_view key) {
    const json::value* v = js::get(o, key);
    return js::truthy(v) ? js::to_string(*v) : std::string();
  }

  static std::string UserName(const json::object& u) {
    if (std::string full = Or(u, "FullName"); !full.empty()) return full;
    return std::string(sdk::text::trim(Or(u, "FirstName") + " " + Or(u, "LastName")));
  }

  // The contacts of a gateway answer (a JSON array), each id once; a later copy replaces.
  static void AddContacts(const json::value& found, std::vector<json::object>& contacts,
                          std::map<std::string, size_t>& seen) {
    if (!found.is_array()) return;
    for (const json::value& c : found.get_array()) {
      if (!c.is_object()) continue;
      const std::string id = Or(c.get_object(), "ContactId");
      if (auto it = seen.find(id); it != seen.end()) {
        contacts[it->second] = c.get_object();
      } else {
        seen.emplace(id, contacts.size());
        contacts.push_back(c.get_object());
      }
    }
  }

  // Each contact with its leads; a lead lookup that fails leaves that contact without leads.
  static json::array WithLeads(Api& api, const std::vector<json::object>& contacts) {
    json::array out;
    for (const json::object& c : contacts) {
      json::array leads;
      try {
        leads = LeadOptions(api.Json(Profile::kLeadManagement, "GET",
                                     "/leads" + Query({{"dealerId", api.dealer_text()},
                                                       {"userId", std::to_string(api.crm_user())},
                                                       {"contactId", Or(c, "ContactId")},
                                                       {"limit", "100"}}),
                                     kLeadsV3));
      } catch (const sdk::UpstreamError& e) {
        api.call().warn(std::string("VinSolutions lead lookup failed: ") + e.what());
      }
      out.push_back(ContactEntry(c, std::move(leads)));
    }
    return out;
  }

  // The CRM user a call is logged for: the user, or for server-side logging of another
  // extension (additionalSubmission.isAssignedToUser) the CRM user the admin mapped it to.
  static int64_t AssignedCrmUser(const Api& api, const json::object& in) {
    if (js::truthy(js::get(object_of(in, "additionalSubmission"), "isAssignedToUser")))
      if (int64_t mapped = PositiveId(sdk::contract::assigned_crm_user(in))) return mapped;
    return api.crm_user();
  }

  static json::value CallDetail(const Api& api, const json::object& in, const json::object& log) {
    const json::object& from = object_of(log, "from");
    const json::object& to = object_of(log, "to");
    std::string from_number = Or(from, "phoneNumber");
    if (from_number.empty()) from_number = Or(from, "extensionId");
    if (from_number.empty()) from_number = Or(to, "phoneNumber");
    const json::value* start_v = js::get(log, "startTime");
    const int64_t start = start_v ? sdk::time::parse_timestamp(*start_v).value_or(0) : 0;
    const int64_t seconds = DurationSeconds(js::get(log, "duration"));
    std::string recording = Or(object_of(log, "recording"), "link");
    if (recording.empty()) recording = Or(log, "recordingLink");
    std::string reference = Or(log, "sessionId");
    if (reference.empty()) reference = Or(log, "id");
    json::object vin{{"dealerId", api.dealer()},
                     {"userId", AssignedCrmUser(api, in)},
                     {"contactId", PositiveId(js::get(object_of(in, "contactInfo"), "id"))}};
    if (int64_t lead = PickedLead(in)) vin["leadId"] = lead;
    return json::object{
        {"providerName", "RingCentral"},
        {"accountId", api.dealer_text()},
        {"marketingSource", "RingCentral"},
        {"providerUserId", std::to_string(AssignedCrmUser(api, in))},
        {"communicationType", "PHONE"},
        {"callDirection", Or(log, "direction") == "Outbound" ? "OUTBOUND" : "INBOUND"},
        {"fromNumber", from_number},
        {"toNumber", Or(to, "phoneNumber")},
        {"callRingStartUTC", sdk::time::format_iso8601(start)},
        {"callTalkStartUTC", sdk::time::format_iso8601(start)},
        {"callEndUTC", sdk::time::format_iso8601(start + seconds * 1000)},
        {"callDurationSeconds", seconds},
        {"callResult", CallResult(log)},
        {"recordingHref", recording},
        {"transcriptFull", sdk::string_field(in, "composedLogDetails")},
        {"providerReferenceId", reference},
        {"vinProperties", std::move(vin)}};
  }

  // The lead a message without a picked lead goes to: the one made for this message before (a
  // retry after a failed note write must not make a second lead), else a new one.
  static int64_t LeadForMessage(Api& api, const json::object& in) {
    const std::string message = sdk::string_field(object_of(in, "message"), "id");
    const std::string key = "lead-for-message:" + message;
    if (!message.empty()) {
      const json::value kept(api.call().kv_get(key).value_or(""));
      if (int64_t lead = PositiveId(&kept)) return lead;
    }
    const int64_t lead = CreateLead(api, in);
    constexpr int64_t kKeepMs = 7LL * 24 * 3600 * 1000;  // longer than any client retries
    if (!message.empty()) api.call().kv_put(key, std::to_string(lead), kKeepMs);
    return lead;
  }

  // A lead on the contact from the dealer's first lead source (the reference's choice).
  static int64_t CreateLead(Api& api, const json::object& in) {
    json::value sources = api.Json(
        Profile::kLeadManagement, "GET",
        "/leadSources" + Query({{"dealerId", api.dealer_text()}, {"limit", "100"}}), kCoxV1);
    const json::value* items = js::get(&sources, "items");
    if (!items || !items->is_array() || items->get_array().empty())
      throw sdk::UpstreamError(200, "No lead sources found for createLead");
    json::object body{{"leadSource", js::text_or_empty(js::get(&items->get_array()[0], "href"))},
                      {"leadType", "INTERNET"}};
    if (const std::string contact = sdk::string_field(object_of(in, "contactInfo"), "id");
        !contact.empty())
      body["contact"] = std::string(kApiBase) + "/contacts/id/" + sdk::url_encode(contact) +
                        "?dealerid=" + api.dealer_text() +
                        "&userid=" + std::to_string(api.crm_user());
    const json::value payload = std::move(body);
    json::value made = api.Json(Profile::kLeadManagement, "POST", "/leads", kLeadsV3, &payload);
    const int64_t lead = PositiveId(js::get(&made, "leadId"));
    if (!lead) throw sdk::UpstreamError(200, "VinSolutions did not return the new lead's id");
    return lead;
  }

  static std::string LeadNotes(Api& api, int64_t lead) {
    json::value l = api.Json(
        Profile::kLeadManagement, "GET",
        "/leads/id/" + std::to_string(lead) +
            Query({{"dealerId", api.dealer_text()}, {"userId", std::to_string(api.crm_user())}}),
        kLeadsV3);
    const json::value* notes = js::get(&l, "notes");
    return js::truthy(notes) ? js::to_string(*notes) : std::string();
  }

  // A shared conversation's text is the whole conversation so far: it replaces the version
  // this plugin wrote on the lead before (remembered in the kv store), and everything else in
  // the notes stays. Not found (edited in VinSolutions, or never written): appended.
  static void PutShared(Api& api, int64_t lead, const std::string& existing,
                        const std::string& shared) {
    const std::string key = "shared:" + std::to_string(lead);
    const std::string before = api.call().kv_get(key).value_or("");
    std::string notes;
    if (const size_t at = before.empty() ? std::string::npos : existing.rfind(before);
        at != std::string::npos) {
      notes = existing.substr(0, at) + shared + existing.substr(at + before.size());
    } else {
      notes = existing.empty() ? shared : existing + "\n\n" + shared;
    }
    PutNotes(api, lead, notes);
    constexpr int64_t kKeepMs = 90LL * 24 * 3600 * 1000;  // longer than a conversation lasts
    if (!api.call().kv_put(key, shared, kKeepMs)) api.call().kv_delete(key);
  }

  static void PutNotes(Api& api, int64_t lead, const std::string& notes) {
    const json::value body = json::object{{"isHot", false},
                                          {"coBuyerContact", nullptr},
                                          {"trades", nullptr},
                                          {"vehiclesOfInterest", nullptr},
                                          {"notes", notes}};
    api.Json(Profile::kLeadManagement, "PUT", "/leads/id/" + std::to_string(lead), kLeadsV3, &body);
  }
};

}  // namespace vinsolutions

CRMHOST_PLUGIN(vinsolutions::VinSolutions)
