// The Redtail CRM plugin: API-key login with a Redtail username and password, contact lookup
// by phone, and call logging as completed Redtail activities, making the calls, headers and
// bodies the reference App Connect connector makes (see README.md for the list).
//
// Settings: redtail.api_key (the Redtail integration key; logins fail without it) and
// redtail.api_server (default https://smf.crm3.redtailtechnology.com/api/public/v1).
#include <crmhost/plugin.hpp>
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/phone.hpp>
#include <crmhost/sdk/time.hpp>

#include <charconv>

#include "api.h"
#include "mapping.h"

#ifndef REDTAIL_PLUGIN_VERSION
#define REDTAIL_PLUGIN_VERSION "1.0.0"
#endif

extern const char kRedtailManifest[];  // manifest.json, embedded at build time

namespace redtail {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;
using sdk::contract::text;

namespace {

constexpr const char* kDefaultServer = "https://smf.crm3.redtailtechnology.com/api/public/v1";

}  // namespace

class Redtail {
 public:
  static constexpr const char* kName = "redtail";
  static constexpr const char* kVersion = REDTAIL_PLUGIN_VERSION;
  static constexpr const char* kManifest = kRedtailManifest;

  explicit Redtail(sdk::Call& init)
      : api_(init.setting("api_server").value_or(kDefaultServer),
             init.setting("api_key").value_or("")) {
    if (!api_.has_key())
      init.warn("setting redtail.api_key is not set: Redtail logins will fail until it is");
  }

  json::value getAuthType(sdk::Call&, const json::object&) { return "apiKey"; }
  json::value getLogFormatType(sdk::Call&, const json::object&) { return "text/html"; }

  json::value getBasicAuth(sdk::Call&, const json::object& in) {
    return json::value(sdk::base64_encode(text(in, "apiKey")));
  }

  // Exchanges username and password for a Redtail user key, which becomes the stored
  // credential (overridingApiKey). The password is never kept.
  json::value getUserInfo(sdk::Call& call, const json::object& in) {
    const json::object& additional = object_of(in, "additionalInfo");
    const std::string username = text(additional, "username");
    try {
      if (!api_.has_key()) throw sdk::UpstreamError(0, "redtail.api_key is not configured");
      json::value auth = call.http_json(
          "GET", api_.base() + "/authentication",
          {{"Authorization", api_.LoginHeader(username, text(additional, "password"))}});
      const json::value* user = js::get(&auth, "authenticated_user");
      const json::value* key = js::get(user, "user_key");
      if (!key || !key->is_string())
        throw sdk::UpstreamError(200, "no user_key in Redtail's answer");
      json::object info = additional;
      info.erase("password");
      info.erase("apiKey");
      json::object user_response = user->get_object();
      user_response.erase("user_key");  // it is the credential: stored sealed, never in clear
      info["userResponse"] = std::move(user_response);
      json::object platform_user{{"id", username + "-redtail"},
                                 {"name", username},
                                 {"timezoneName", ""},
                                 {"overridingApiKey", *key},
                                 {"platformAdditionalInfo", std::move(info)}};
      return json::object{{"successful", true},
                          {"platformUserInfo", std::move(platform_user)},
                          {"returnMessage", sdk::contract::return_message("Connected to Redtail.",
                                                                          "success", 3000)}};
    } catch (const sdk::UpstreamError& e) {
      call.warn(std::string("Redtail login failed: ") + e.what());
      return sdk::contract::login_failed(
          "Redtail", "Could not load user information Please check your credentials.");
    }
  }

  json::value unAuthorize(sdk::Call&, const json::object&) {
    return json::object{
        {"returnMessage", sdk::contract::return_message("Logged out of Redtail", "success", 1000)},
        {"userUpdate", json::object{{"accessToken", ""}, {"refreshToken", ""}}}};
  }

  json::value findContact(sdk::Call& call, const json::object& in) {
    if (sdk::string_field(in, "isExtension") == "true")
      return json::object{{"successful", false}, {"matchedContactInfo", json::array()}};
    std::string phone = sdk::string_field(in, "phoneNumber");
    if (auto sp = phone.find(' '); sp != std::string::npos) phone[sp] = '+';
    // Invalid numbers are searched as given, as the reference does.
    const auto parsed = call.phone(phone);
    const std::string search = parsed.valid ? parsed.significant : phone;
    const std::string auth = UserAuth(in);
    json::value found =
        api_.Get(call, "/contacts/search_basic?phone_number=" + sdk::url_encode(search), auth);
    json::array options =
        CategoryOptions(ActiveCategories(api_.Get(call, "/lists/categories", auth)));
    json::array matched;
    if (const json::value* contacts = js::get(&found, "contacts"); contacts && contacts->is_array())
      for (auto& c : contacts->get_array())
        if (c.is_object()) matched.push_back(FormatContact(c.get_object(), options, phone));
    matched.push_back(NewContactPlaceholder(options));
    return json::object{{"successful", true}, {"matchedContactInfo", std::move(matched)}};
  }

  // One completed Redtail activity per call: create, add the agent's note, mark completed.
  json::value createCallLog(sdk::Call& call, const json::object& in) {
    const std::string auth = UserAuth(in);
    const json::object& log = object_of(in, "callLog");
    const json::object& contact = object_of(in, "contactInfo");
    const json::object& submission = object_of(in, "additionalSubmission");
    const json::object& user = object_of(in, "user");
    const std::string subject = CallSubject(log, contact);
    const int64_t start = StartMs(call, sdk::field(log, "startTime"));
    std::string description = sdk::string_field(in, "composedLogDetails");
    description = OverrideDateTime(std::move(description), start, TimezoneSetting(user));
    const json::value category =
        sdk::field(submission, "category") ? submission.at("category") : json::value(2);

    json::object body{
        {"subject", subject},
        {"description", description},
        {"start_date", IsoStart(start)},
        {"end_date", IsoEnd(start, log.if_contains("duration"))},
        {"activity_code_id", 3},
        {"category_id", category},
        {"repeats", "never"},
        {"linked_contacts",
         json::array{json::object{
             {"contact_id", contact.contains("id") ? contact.at("id") : json::value()}}}}};
    AddAssignee(in, body);
    json::value created = api_.Send(call, "POST", "/activities", auth, body);
    const json::value* created_id = js::get(js::get(&created, "activity"), "id");
    if (!created_id) throw sdk::UpstreamError(200, "Redtail did not return the new activity's id");
    const std::string id = sdk::url_encode(js::to_string(*created_id));
    json::object result{
        {"logId", *created_id},
        {"returnMessage", sdk::contract::return_message("Call logged", "success", 2000)},
        {"extraDataTracking", json::object()}};
    // The activity exists now. Whatever fails below must not hide its id: the host records the
    // link, so a retry can never create a second activity for the same call.
    try {
      if (const json::value* note = sdk::field(in, "note"); js::truthy(note)) {
        api_.Send(call, "POST", "/activities/" + id + "/notes", auth,
                  json::object{{"category_id", category}, {"note_type", 1}, {"body", *note}});
      }
      json::value completed =
          api_.Send(call, "PUT", "/activities/" + id, auth, json::object{{"completed", true}});
      if (const json::value* done_id = js::get(js::get(&completed, "activity"), "id"))
        result["logId"] = *done_id;
      result["userUpdate"] = json::object{{"userSettings", CategorySetting(call, user, auth)}};
    } catch (const sdk::UpstreamError& e) {
      call.warn("Redtail activity " + id + " created, but finishing it failed: " + e.what());
    }
    return result;
  }

  // After a crash (docs/PLUGIN_ABI.md, findCallLogForSession): the activity createCallLog made
  // for this call, if Redtail holds it. What createCallLog writes identifies it: the linked
  // contact, the subject and the start to the second.
  json::value findCallLogForSession(sdk::Call& call, const json::object& in) {
    const json::object& log = object_of(in, "callLog");
    const json::object& contact = object_of(in, "contactInfo");
    const json::value* start_v = sdk::field(log, "startTime");
    if (!start_v) return json::object{{"logId", nullptr}};  // created "now": nothing to match
    const int64_t start = StartMs(call, start_v);
    const json::value start_iso = IsoStart(start);
    const std::string subject = CallSubject(log, contact);
    const std::string contact_id = text(contact, "id");
    json::value listed = api_.Get(
        call,
        "/activities?start_date=" + sdk::url_encode(js::to_string(IsoStart(start - 60000))) +
            "&end_date=" + sdk::url_encode(js::to_string(IsoStart(start + 60000))),
        UserAuth(in));
    const json::value* activities = js::get(&listed, "activities");
    if (activities && activities->is_array())
      for (const json::value& a : activities->get_array()) {
        if (js::text_or_empty(js::get(&a, "subject")) != subject ||
            js::text_or_empty(js::get(&a, "start_date")) != js::to_string(start_iso))
          continue;
        bool linked = false;
        if (const json::value* lc = js::get(&a, "linked_contacts"); lc && lc->is_array())
          for (const json::value& l : lc->get_array())
            linked = linked || js::text_or_empty(js::get(&l, "contact_id")) == contact_id;
        if (!linked) continue;
        return json::object{
            {"logId", *js::get(&a, "id")},
            {"returnMessage", sdk::contract::return_message("Call logged", "success", 2000)}};
      }
    return json::object{{"logId", nullptr}};
  }

  json::value getCallLog(sdk::Call& call, const json::object& in) {
    const std::string auth = UserAuth(in);
    json::value data =
        api_.Get(call, "/activities/" + sdk::url_encode(text(in, "callLogId")), auth, true);
    const json::value* activity = js::get(&data, "activity");
    const json::value* desc = js::get(activity, "description");
    const std::string body = desc ? js::to_string(*desc) : "";
    json::object info;
    if (auto* s = js::get(activity, "subject")) info["subject"] = *s;
    info["fullLogResponse"] = data;
    info["note"] = AgentNote(body);
    info["fullBody"] = body;
    if (auto* contacts = js::get(activity, "linked_contacts");
        contacts && contacts->is_array() && !contacts->get_array().empty()) {
      const auto& first = contacts->get_array()[0];
      if (first.is_object())
        info["contactName"] =
            text(first.get_object(), "first_name") + " " + text(first.get_object(), "last_name");
    }
    info["dispositions"] = json::object{{"category", js::get(activity, "category_id")
                                                         ? *js::get(activity, "category_id")
                                                         : json::value()}};
    return json::object{{"callLogInfo", std::move(info)}};
  }

  // Server-side logging's assignee (the admin's user mapping for adminAssignedUserRcId) attends
  // the activity as its Redtail database user, as the reference does. A mapping whose crmUserId
  // is not a number adds nobody (the reference would send user_id NaN).
  static void AddAssignee(const json::object& in, json::object& body) {
    const json::value* assignee = sdk::contract::assigned_crm_user(in);
    if (!assignee) return;
    int64_t user_id = 0;
    const std::string text = js::to_string(*assignee);
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), user_id);
    if (ec != std::errc() || end != text.data() + text.size()) return;
    body["attendees"] =
        json::array{json::object{{"type", "Crm::Activity::Attendee::User"}, {"user_id", user_id}}};
  }

  // Updates subject, the re-composed description and, when the call's times are known, the
  // activity's start and end.
  json::value updateCallLog(sdk::Call& call, const json::object& in) {
    const std::string auth = UserAuth(in);
    const json::object& existing = object_of(in, "existingCallLog");
    const json::object& user = object_of(in, "user");
    json::object body;
    if (auto* s = sdk::field(in, "subject"); js::truthy(s)) body["subject"] = *s;
    const json::value* start_v = sdk::field(in, "startTime");
    const int64_t start = StartMs(call, start_v);
    body["description"] =
        OverrideDateTime(sdk::string_field(in, "composedLogDetails"), start, TimezoneSetting(user));
    if (start_v) {
      body["start_date"] = IsoStart(start);
      body["end_date"] = IsoEnd(start, in.if_contains("duration"));
    }
    AddAssignee(in, body);
    api_.Send(call, "PUT", "/activities/" + sdk::url_encode(text(existing, "thirdPartyLogId")),
              auth, body);
    return json::object{
        {"updatedNote", body["description"]},
        {"returnMessage", sdk::contract::return_message("Call log updated.", "success", 2000)}};
  }

  // Name search: Redtail's basic search matches first, last and full names alike.
  json::value findContactWithName(sdk::Call& call, const json::object& in) {
    const std::string auth = UserAuth(in);
    json::value found = api_.Get(
        call, "/contacts/search_basic?name=" + sdk::url_encode(sdk::string_field(in, "name")),
        auth);
    json::array options =
        CategoryOptions(ActiveCategories(api_.Get(call, "/lists/categories", auth)));
    json::array matched;
    if (const json::value* contacts = js::get(&found, "contacts"); contacts && contacts->is_array())
      for (auto& c : contacts->get_array())
        if (c.is_object()) matched.push_back(FormatContact(c.get_object(), options, std::nullopt));
    return json::object{{"successful", true}, {"matchedContactInfo", std::move(matched)}};
  }

  // An individual with one phone (type 6); "First Last" splits at the first space, a single
  // word is the last name.
  json::value createContact(sdk::Call& call, const json::object& in) {
    std::string phone = sdk::string_field(in, "phoneNumber");
    if (auto sp = phone.find(' '); sp != std::string::npos) phone[sp] = '+';
    const auto parsed = call.phone(phone);
    const std::string name = sdk::string_field(in, "newContactName");
    std::vector<std::string> words;
    for (size_t pos = 0; pos <= name.size();) {
      size_t sp = name.find(' ', pos);
      words.push_back(name.substr(pos, sp == std::string::npos ? std::string::npos : sp - pos));
      if (sp == std::string::npos) break;
      pos = sp + 1;
    }
    const bool two = words.size() > 1;
    json::value country = parsed.parsed ? json::value(parsed.country_code) : json::value();
    json::object body{{"type", "Crm::Contact::Individual"},
                      {"first_name", two ? words[0] : ""},
                      {"last_name", two ? words[1] : words[0]},
                      {"phones", json::array{json::object{{"phone_type", 6},
                                                          {"number", parsed.significant},
                                                          {"country_code", country}}}}};
    json::value made = api_.Send(call, "POST", "/contacts", UserAuth(in), body);
    const json::value* contact = js::get(&made, "contact");
    if (!contact) throw sdk::UpstreamError(200, "Redtail did not return the new contact");
    return json::object{
        {"contactInfo", json::object{{"id", contact->at("id")},
                                     {"name", text(contact->get_object(), "first_name") + " " +
                                                  text(contact->get_object(), "last_name")}}},
        {"returnMessage", sdk::contract::return_message("Contact created.", "success", 2000)}};
  }

  // Redtail database users, for admin user mapping.
  json::value getUserList(sdk::Call& call, const json::object& in) {
    json::value users = api_.Get(call, "/lists/database_users", UserAuth(in));
    json::array out;
    if (const json::value* list = js::get(&users, "database_users"); list && list->is_array())
      for (auto& u : list->get_array())
        if (u.is_object())
          out.push_back(json::object{{"id", u.at("id")},
                                     {"name", text(u.get_object(), "first_name") + " " +
                                                  text(u.get_object(), "last_name")}});
    return out;
  }

  // The disposition Redtail has is the activity's category.
  json::value upsertCallDisposition(sdk::Call& call, const json::object& in) {
    const json::object& existing = object_of(in, "existingCallLog");
    const json::object& dispositions = object_of(in, "dispositions");
    api_.Send(
        call, "PUT", "/activities/" + sdk::url_encode(text(existing, "thirdPartyLogId")),
        UserAuth(in),
        json::object{{"category_id", dispositions.contains("category") ? dispositions.at("category")
                                                                       : json::value()}});
    return json::object{{"logId", existing.contains("thirdPartyLogId")
                                      ? existing.at("thirdPartyLogId")
                                      : json::value()}};
  }

  // One completed activity per conversation (per day): an HTML summary that later messages
  // are appended to; voicemail and fax get a one-line body with their link.
  json::value createMessageLog(sdk::Call& call, const json::object& in) {
    const json::object& user = object_of(in, "user");
    const json::object& contact = object_of(in, "contactInfo");
    const json::object& message = object_of(in, "message");
    const json::object& shared = object_of(in, "sharedSMSLogContent");
    std::string subject, description;
    int64_t when = StartMs(call, sdk::field(message, "creationTime"));
    if (sdk::field(shared, "body") && sdk::field(shared, "subject")) {
      subject = text(shared, "subject");
      description = text(shared, "body");
      when = StartMs(call, sdk::field(shared, "conversationCreatedDate"));
    } else {
      const int offset = sdk::time::utc_offset_minutes(TimezoneSetting(user));
      const std::string day = sdk::time::format_moment(when, offset, "YY/MM/DD");
      const std::string name = text(contact, "name");
      if (sdk::field(in, "recordingLink")) {
        subject = "Voicemail left by " + name + " - " + day;
        description = "<br><b>" + subject +
                      "</b><br>Voicemail recording link: " + text(in, "recordingLink") +
                      " <br><br>--- Created via RingCentral App Connect";
      } else if (sdk::field(in, "faxDocLink")) {
        subject = "Fax document sent from " + name + " - " + day;
        description = "<br><b>" + subject + "</b><br>Fax document link: " + text(in, "faxDocLink") +
                      " <br><br>--- Created via RingCentral App Connect";
      } else {
        subject = "SMS conversation with " + name + " - " + day;
        std::string others;
        for (const std::string& n : sdk::contract::correspondent_names(in))
          others += "<li><b>" + n + "</b></li>";
        const std::string user_name = UserName(user);
        description = "<br><b>" + subject + "</b><br><b>Conversation summary</b><br>" +
                      sdk::time::format_moment(when, offset, "dddd, MMMM DD, YYYY") +
                      "<br>Participants<br><ul><li><b>" + user_name + "</b><br></li><li><b>" +
                      name + "</b></li>" + others +
                      "</ul><br>Conversation(1 messages)<br>BEGIN<br>------------<br><ul>" +
                      MessageLine(message, contact, user_name, offset) +
                      "</ul>------------<br>END<br><br>--- Created via RingCentral App Connect";
      }
    }
    json::object body{
        {"subject", subject},
        {"description", description},
        {"start_date", IsoStart(when)},
        {"end_date", IsoStart(when)},
        {"activity_code_id", 3},
        {"repeats", "never"},
        {"linked_contacts",
         json::array{json::object{
             {"contact_id", contact.contains("id") ? contact.at("id") : json::value()}}}}};
    const std::string auth = UserAuth(in);
    json::value created = api_.Send(call, "POST", "/activities", auth, body);
    const json::value* id = js::get(js::get(&created, "activity"), "id");
    if (!id) throw sdk::UpstreamError(200, "Redtail did not return the new activity's id");
    json::value log_id = *id;
    try {
      json::value done =
          api_.Send(call, "PUT", "/activities/" + sdk::url_encode(js::to_string(*id)), auth,
                    json::object{{"completed", true}});
      if (const json::value* done_id = js::get(js::get(&done, "activity"), "id")) log_id = *done_id;
    } catch (const sdk::UpstreamError& e) {
      call.warn("Redtail activity created, but completing it failed: " + std::string(e.what()));
    }
    return json::object{
        {"logId", log_id},
        {"returnMessage", sdk::contract::return_message("Message logged", "success", 1000)}};
  }

  // Appends one message to the conversation's activity (or replaces a shared conversation's
  // whole body) and moves its end date.
  json::value updateMessageLog(sdk::Call& call, const json::object& in) {
    const json::object& user = object_of(in, "user");
    const json::object& contact = object_of(in, "contactInfo");
    const json::object& message = object_of(in, "message");
    const json::object& shared = object_of(in, "sharedSMSLogContent");
    const std::string id =
        sdk::url_encode(text(object_of(in, "existingMessageLog"), "thirdPartyLogId"));
    const std::string auth = UserAuth(in);
    std::string body;
    int64_t when = StartMs(call, sdk::field(message, "creationTime"));
    if (sdk::field(shared, "body")) {
      body = text(shared, "body");
      when = StartMs(call, sdk::field(shared, "conversationCreatedDate"));
    } else {
      json::value current = api_.Get(call, "/activities/" + id, auth, true);
      const json::value* desc = js::get(js::get(&current, "activity"), "description");
      body = desc ? js::to_string(*desc) : "";
      const std::string marker = "</ul>------------<br>";
      if (auto at = body.find(marker); at != std::string::npos)
        body.insert(at, MessageLine(message, contact, UserName(user), 0));
      // "Conversation(N messages)" counts what the body holds.
      const std::string head = "<br>Conversation(";
      if (auto at = body.find(head); at != std::string::npos) {
        size_t num = at + head.size();
        size_t end = body.find(" messages)", num);
        if (end != std::string::npos) {
          int n = std::atoi(body.substr(num, end - num).c_str());
          body.replace(num, end - num, std::to_string(n + 1));
        }
      }
    }
    api_.Send(call, "PATCH", "/activities/" + id, auth,
              json::object{{"description", body}, {"end_date", IsoStart(when)}});
    return json::object();
  }

  static constexpr auto operations() {
    using Op = sdk::Operation<Redtail>;
    return std::array{
        Op{"getAuthType", &Redtail::getAuthType},
        Op{"getLogFormatType", &Redtail::getLogFormatType},
        Op{"getBasicAuth", &Redtail::getBasicAuth},
        Op{"getUserInfo", &Redtail::getUserInfo},
        Op{"unAuthorize", &Redtail::unAuthorize},
        Op{"findContact", &Redtail::findContact},
        Op{"createCallLog", &Redtail::createCallLog},
        Op{"getCallLog", &Redtail::getCallLog},
        Op{"findCallLogForSession", &Redtail::findCallLogForSession},
        Op{"updateCallLog", &Redtail::updateCallLog},
        Op{"findContactWithName", &Redtail::findContactWithName},
        Op{"createContact", &Redtail::createContact},
        Op{"getUserList", &Redtail::getUserList},
        Op{"upsertCallDisposition", &Redtail::upsertCallDisposition},
        Op{"createMessageLog", &Redtail::createMessageLog},
        Op{"updateMessageLog", &Redtail::updateMessageLog},
    };
  }

 private:
  // The Redtail username: the user id without its "-redtail" suffix.
  static std::string UserName(const json::object& user) {
    const std::string id = text(user, "id");
    return id.substr(0, id.find('-'));
  }

  static std::string MessageLine(const json::object& message, const json::object& contact,
                                 const std::string& user_name, int offset_minutes) {
    const bool inbound = text(message, "direction") == "Inbound";
    const int64_t when =
        sdk::time::parse_timestamp(message.contains("creationTime") ? message.at("creationTime")
                                                                    : json::value())
            .value_or(0);
    return "<li>" +
           (inbound ? text(contact, "name") + " (" + text(contact, "phoneNumber") + ")"
                    : user_name) +
           " " + sdk::time::format_moment(when, offset_minutes, "hh:mm A") + "<br><b>" +
           text(message, "subject") + "</b></li>";
  }

  std::string UserAuth(const json::object& in) const {
    return api_.UserHeader(sdk::string_field(object_of(in, "user"), "accessToken"));
  }

  static const json::value& TimezoneSetting(const json::object& user) {
    static const json::value kNone;
    const json::value* v =
        js::get(js::get(object_of(user, "userSettings"), "redtailCustomTimezone"), "value");
    return v ? *v : kNone;
  }

  // moment(startTime): epoch ms or ISO text; "now" when absent, as moment(undefined) is.
  // The activity subject of a call: the client's custom subject, else "<Direction> Call to/from
  // <contact>".
  static std::string CallSubject(const json::object& log, const json::object& contact) {
    if (sdk::field(log, "customSubject")) return js::to_string(log.at("customSubject"));
    const std::string direction = text(log, "direction");
    return direction + " Call " + (direction == "Outbound" ? "to" : "from") + " " +
           text(contact, "name");
  }

  static int64_t StartMs(sdk::Call& call, const json::value* start) {
    if (start)
      if (auto ms = sdk::time::parse_timestamp(*start)) return *ms;
    return call.now_ms();
  }

  // Keeps the user's "Default category" setting's options in step with Redtail's categories.
  json::object CategorySetting(sdk::Call& call, const json::object& user,
                               const std::string& auth) const {
    json::array active = ActiveCategories(api_.Get(call, "/lists/categories", auth));
    const json::value* current = js::get(object_of(user, "userSettings"), "defaultCategory");
    const json::value* value = js::get(current, "value");
    const json::value* customizable = js::get(current, "customizable");
    json::array options;
    for (auto& c : active)
      options.push_back(json::object{{"id", c.at("id")}, {"name", c.at("name")}});
    return json::object{
        {"defaultCategory",
         json::object{{"value", value ? *value : json::value(2)},
                      {"customizable", customizable ? *customizable : json::value(true)},
                      {"options", std::move(options)}}}};
  }

  Api api_;
};

}  // namespace redtail

CRMHOST_PLUGIN(redtail::Redtail)
