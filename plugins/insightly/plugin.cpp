// The Insightly CRM plugin: API-key login against the user's pod (the API URL they paste at
// login), contact and lead lookup by phone (standard and admin-named custom phone fields) and by
// name, their linked organisations, opportunities and projects as log options, and events for
// call and message logs with links to the person, making the calls the reference connector makes
// (docs/CRM_PLUGINS.md lists them and where we differ).
//
// Settings: insightly.api_version (default v3.1).
#include <crmhost/plugin.hpp>
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/phone.hpp>
#include <crmhost/sdk/time.hpp>
#include <crmhost/sdk/timezones.hpp>

#include <algorithm>
#include <map>

extern const char kInsightlyManifest[];  // manifest.json, embedded at build time

namespace insightly {
namespace json = boost::json;
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;
using sdk::contract::return_message;
using sdk::contract::text;

namespace {

enum class Person { kNone, kContact, kLead };

// The person kind of a contactType: findContact answers "Contact"/"Lead" (and the reference's
// contactPhone, leadMobile, ...); the create-contact form says "contact"/"lead".
Person PersonOf(std::string_view type) {
  auto starts = [&](std::string_view p) {
    if (type.size() < p.size()) return false;
    for (size_t i = 0; i < p.size(); ++i)
      if (std::tolower(static_cast<unsigned char>(type[i])) != p[i]) return false;
    return true;
  };
  if (starts("contact")) return Person::kContact;
  if (starts("lead")) return Person::kLead;
  return Person::kNone;
}

// Insightly ids are integers; user mappings keep them as text.
json::value IdNumber(const json::value& id) {
  if (id.is_string() && !id.get_string().empty() &&
      std::all_of(id.get_string().begin(), id.get_string().end(), ::isdigit))
    return std::atoll(id.get_string().c_str());
  return id;
}

std::string IsoOf(int64_t ms) {
  return sdk::time::format_iso8601(ms);
}

int64_t TimeOr(const json::value* v, int64_t fallback) {
  if (v)
    if (auto ms = sdk::time::parse_timestamp(*v)) return *ms;
  return fallback;
}

// The linked objects Insightly offers as log options, keyed by the manifest's field consts.
struct LinkKind {
  std::string_view link_name;  // LINK_OBJECT_NAME
  std::string_view path;       // REST collection
  std::string_view id_field, name_field;
  std::string_view option;  // additionalInfo key / form const
};
constexpr LinkKind kLinkKinds[] = {
    {"Organisation", "organisations", "ORGANISATION_ID", "ORGANISATION_NAME", "organisation"},
    {"Opportunity", "opportunities", "OPPORTUNITY_ID", "OPPORTUNITY_NAME", "opportunity"},
    {"Project", "projects", "PROJECT_ID", "PROJECT_NAME", "project"},
};

}  // namespace

class Insightly {
 public:
  static constexpr const char* kName = "insightly";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kManifest = kInsightlyManifest;

  explicit Insightly(sdk::Call& init) : version_(init.setting("api_version").value_or("v3.1")) {}

  json::value getAuthType(sdk::Call&, const json::object&) { return "apiKey"; }
  json::value getLogFormatType(sdk::Call&, const json::object&) { return "text/plain"; }

  // The key is the Basic user name; the password is empty.
  json::value getBasicAuth(sdk::Call&, const json::object& in) {
    return json::value(sdk::base64_encode(text(in, "apiKey") + ":"));
  }

  json::value getUserInfo(sdk::Call& call, const json::object& in) {
    json::object info = object_of(in, "additionalInfo");
    try {
      const json::value* url = sdk::field(info, "apiUrl");
      if (!url || !url->is_string() || url->get_string().empty())
        throw sdk::UpstreamError(0, "no apiUrl given");
      // The pasted API URL names a version ("https://api.na1.insightly.com/v3.1"); we keep the
      // pod's origin and add the version we speak.
      std::string base(url->get_string());
      base = base.substr(0, base.find("/v"));
      while (!base.empty() && base.back() == '/')
        base.pop_back();
      info["apiUrl"] = base;
      info.erase("apiKey");  // the key is the stored credential (sealed), never kept in clear
      info.erase("password");
      const std::string auth = sdk::string_field(in, "authHeader");
      json::value me = Get(call, base, auth, "users/me");
      const json::value* id = js::get(&me, "USER_ID");
      if (!id || id->is_null()) throw sdk::UpstreamError(200, "no USER_ID in users/me");
      const json::object& m = me.get_object();
      const std::string zone = sdk::string_field(m, "TIMEZONE_ID");
      const int offset = sdk::timezones::zone_offset_minutes(zone, call.now_ms()).value_or(0);
      json::object user{{"id", js::to_string(*id) + "-insightly"},
                        {"name", text(m, "FIRST_NAME") + " " + text(m, "LAST_NAME")},
                        {"timezoneName", zone},
                        {"timezoneOffset", offset / 60.0},
                        {"platformAdditionalInfo", std::move(info)}};
      if (offset % 60 == 0) user["timezoneOffset"] = offset / 60;
      return json::object{
          {"successful", true},
          {"platformUserInfo", std::move(user)},
          {"returnMessage", return_message("Connected to Insightly.", "success", 1000)}};
    } catch (const std::exception& e) {
      call.warn(std::string("Insightly login failed: ") + e.what());
      return sdk::contract::login_failed(
          "Insightly", "Could not load user information Please check your API key and try again.");
    }
  }

  json::value unAuthorize(sdk::Call&, const json::object&) {
    return json::object{
        {"returnMessage", return_message("Logged out of Insightly", "success", 1000)},
        {"userUpdate", json::object{{"accessToken", ""}, {"refreshToken", ""}}}};
  }

  json::value getUserList(sdk::Call& call, const json::object& in) {
    json::value users = UserGet(call, in, "users");
    json::array out;
    if (users.is_array())
      for (auto& u : users.get_array())
        if (u.is_object())
          out.push_back(json::object{
              {"id", sdk::contract::value_or(u.get_object(), "USER_ID")},
              {"name",
               text(u.get_object(), "FIRST_NAME") + " " + text(u.get_object(), "LAST_NAME")},
              {"email", sdk::contract::value_or(u.get_object(), "EMAIL_ADDRESS")}});
    return out;
  }

  // Contacts by PHONE and PHONE_MOBILE, leads by PHONE and MOBILE, then the custom phone
  // fields the user named in settings; each number form the client's overridingFormat asks for.
  json::value findContact(sdk::Call& call, const json::object& in) {
    if (sdk::string_field(in, "isExtension") == "true")
      return json::object{{"successful", false}, {"matchedContactInfo", json::array()}};
    const json::object& user = object_of(in, "user");
    // An invalid number is not searched at all (the reference's behaviour): no match.
    const auto parsed = call.phone(sdk::phone::from_query(sdk::string_field(in, "phoneNumber")));
    json::array matched;
    Links links;
    if (parsed.valid) {
      const auto contact_extra = SettingList(user, "insightlyExtraPhoneFieldNameForContact");
      const auto lead_extra = SettingList(user, "insightlyExtraPhoneFieldNameForLead");
      for (const std::string& number :
           sdk::phone::formatted(parsed.significant, sdk::string_field(in, "overridingFormat"))) {
        for (auto& r : Search(call, in, "contacts", "PHONE", number))
          matched.push_back(Format(call, in, r, Person::kContact, "PHONE", links));
        for (auto& r : Search(call, in, "contacts", "PHONE_MOBILE", number))
          matched.push_back(Format(call, in, r, Person::kContact, "PHONE_MOBILE", links));
        SearchCustom(call, in, "contacts", contact_extra, number, Person::kContact, links, matched);
        for (auto& r : Search(call, in, "leads", "PHONE", number))
          matched.push_back(Format(call, in, r, Person::kLead, "PHONE", links));
        for (auto& r : Search(call, in, "leads", "MOBILE", number))
          matched.push_back(Format(call, in, r, Person::kLead, "MOBILE", links));
        SearchCustom(call, in, "leads", lead_extra, number, Person::kLead, links, matched);
      }
    }
    matched.push_back(sdk::contract::new_contact_placeholder());
    return json::object{{"successful", true}, {"matchedContactInfo", std::move(matched)}};
  }

  // First and last name searches over contacts and leads, kept when "First Last" contains the
  // typed name (case-insensitive), each person once.
  json::value findContactWithName(sdk::Call& call, const json::object& in) {
    const std::string name = sdk::string_field(in, "name");
    const auto [first, last] = sdk::contract::split_name(name);
    std::string wanted = name;
    for (char& c : wanted)
      c = char(std::tolower(static_cast<unsigned char>(c)));
    json::array matched;
    Links links;
    for (Person kind : {Person::kContact, Person::kLead}) {
      const char* path = kind == Person::kContact ? "contacts" : "leads";
      const char* id_field = kind == Person::kContact ? "CONTACT_ID" : "LEAD_ID";
      std::vector<json::object> found;
      std::vector<std::string> seen;
      auto add = [&](json::array records) {
        for (auto& r : records) {
          if (!r.is_object()) continue;
          const std::string id = text(r.get_object(), id_field);
          if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
          seen.push_back(id);
          found.push_back(r.get_object());
        }
      };
      add(Search(call, in, path, "FIRST_NAME", first));
      if (!last.empty()) add(Search(call, in, path, "LAST_NAME", last));
      for (auto& r : found) {
        std::string full = text(r, "FIRST_NAME") + " " + text(r, "LAST_NAME");
        for (char& c : full)
          c = char(std::tolower(static_cast<unsigned char>(c)));
        if (full.find(wanted) != std::string::npos)
          matched.push_back(Format(call, in, r, kind, "PHONE", links));
      }
    }
    return json::object{{"successful", true}, {"matchedContactInfo", std::move(matched)}};
  }

  // POST contacts or leads: "First Last" (a single word is the first name; leads then get the
  // last name "Lead", which Insightly requires).
  json::value createContact(sdk::Call& call, const json::object& in) {
    const Person kind = PersonOf(sdk::string_field(in, "newContactType"));
    // Neither a contact nor a lead: the reference fails there (its connector answers null and
    // the handler throws), which the client shows as "Error creating contact".
    if (kind == Person::kNone)
      throw sdk::UpstreamError(0, "newContactType must be contact or lead");
    auto [first, last] = sdk::contract::split_name(sdk::string_field(in, "newContactName"));
    if (auto sp = last.find(' '); sp != std::string::npos) last.resize(sp);
    if (last.empty()) last = "Lead";
    const bool contact = kind == Person::kContact;
    json::object body{{"PHONE", sdk::phone::from_query(sdk::string_field(in, "phoneNumber"))},
                      {"FIRST_NAME", first},
                      {"LAST_NAME", last}};
    json::value made = UserSend(call, in, "POST", contact ? "contacts" : "leads", body);
    const json::value* id = js::get(&made, contact ? "CONTACT_ID" : "LEAD_ID");
    if (!id) throw sdk::UpstreamError(200, "Insightly did not return the new record's id");
    return json::object{
        {"contactInfo", json::object{{"id", *id},
                                     {"name", text(made.get_object(), "FIRST_NAME") + " " +
                                                  text(made.get_object(), "LAST_NAME")}}},
        {"returnMessage", return_message("Contact created.", "success", 2000)}};
  }

  // An event with the composed plain-text details, linked to the person and to the
  // organisation, opportunity and project the user picked.
  json::value createCallLog(sdk::Call& call, const json::object& in) {
    const json::object& log = object_of(in, "callLog");
    const json::object& contact = object_of(in, "contactInfo");
    const std::string direction = text(log, "direction");
    std::string title = sdk::field(log, "customSubject")
                            ? js::to_string(log.at("customSubject"))
                            : direction + " Call " + (direction == "Outbound" ? "to" : "from") +
                                  " " + text(contact, "name");
    const int64_t start = TimeOr(sdk::field(log, "startTime"), call.now_ms());
    const int64_t duration_ms =
        int64_t(js::to_number(sdk::contract::value_or(log, "duration", 0)) * 1000);
    json::object body{{"TITLE", title},
                      {"DETAILS", sdk::string_field(in, "composedLogDetails")},
                      {"START_DATE_UTC", IsoOf(start)},
                      {"END_DATE_UTC", IsoOf(start + std::max<int64_t>(0, duration_ms))}};
    // Server-side logging for another extension: the event is that user's.
    if (const json::value* owner = sdk::contract::assigned_crm_user(in))
      body["OWNER_USER_ID"] = IdNumber(*owner);
    return json::object{{"logId", CreateLinkedEvent(call, in, contact, std::move(body))},
                        {"returnMessage", return_message("Call logged", "success", 2000)},
                        {"extraDataTracking", json::object()}};
  }

  json::value getCallLog(sdk::Call& call, const json::object& in) {
    json::value event = UserGet(call, in, "events/" + sdk::url_encode(text(in, "callLogId")));
    if (!event.is_object()) throw sdk::UpstreamError(200, "Insightly answered no event");
    const json::object& e = event.get_object();
    const std::string details = sdk::string_field(e, "DETAILS");
    json::object info{{"subject", sdk::contract::value_or(e, "TITLE")},
                      {"fullBody", details},
                      {"fullLogResponse", e}};
    if (sdk::contract::has_plain_text_note(details))
      info["note"] = sdk::contract::plain_text_note(details);
    json::object dispositions;
    const json::value* links = js::get(e, "LINKS");
    if (links && links->is_array()) {
      bool named = false;
      for (auto& l : links->get_array()) {
        if (!l.is_object()) continue;
        const std::string name = sdk::string_field(l.get_object(), "LINK_OBJECT_NAME");
        const std::string id = text(l.get_object(), "LINK_OBJECT_ID");
        const Person who = PersonOf(name);
        if (!named && who != Person::kNone) {
          // The person the event was logged against: the first link, made at creation.
          named = true;
          json::value person = UserGet(
              call, in,
              std::string(who == Person::kContact ? "contacts/" : "leads/") + sdk::url_encode(id));
          if (person.is_object())
            info["contactName"] = text(person.get_object(), "FIRST_NAME") + " " +
                                  text(person.get_object(), "LAST_NAME");
        }
        if (who == Person::kContact) continue;
        std::string key = name;
        for (char& c : key)
          c = char(std::tolower(static_cast<unsigned char>(c)));
        dispositions[key] = sdk::contract::value_or(l.get_object(), "LINK_OBJECT_ID");
      }
    }
    info["dispositions"] = std::move(dispositions);
    return json::object{{"callLogInfo", std::move(info)}};
  }

  // A partial PUT of the event: the details the host re-composed (lines typed in Insightly
  // survive), the title, and the times when the client sent them. Links are dispositions'.
  json::value updateCallLog(sdk::Call& call, const json::object& in) {
    const json::object& existing = object_of(in, "existingCallLog");
    const std::string id = text(existing, "thirdPartyLogId");
    const json::object* current = sdk::object_field(in, "existingCallLogDetails");
    json::value fetched;
    if (!current) {
      fetched = UserGet(call, in, "events/" + sdk::url_encode(id));
      current = fetched.if_object();
    }
    json::object body{{"EVENT_ID", id}, {"DETAILS", sdk::string_field(in, "composedLogDetails")}};
    if (auto* s = sdk::field(in, "subject"); js::truthy(s))
      body["TITLE"] = *s;
    else if (current && current->contains("TITLE"))
      body["TITLE"] = current->at("TITLE");
    if (auto* start_v = sdk::field(in, "startTime")) {
      const int64_t start = TimeOr(start_v, call.now_ms());
      const int64_t duration_ms =
          int64_t(js::to_number(sdk::contract::value_or(in, "duration", 0)) * 1000);
      body["START_DATE_UTC"] = IsoOf(start);
      body["END_DATE_UTC"] = IsoOf(start + std::max<int64_t>(0, duration_ms));
    }
    if (const json::value* owner = sdk::contract::assigned_crm_user(in))
      body["OWNER_USER_ID"] = IdNumber(*owner);
    UserSend(call, in, "PUT", "events", body);
    return json::object{{"updatedNote", body["DETAILS"]},
                        {"returnMessage", return_message("Call log updated.", "success", 2000)}};
  }

  // The organisation, opportunity and project links of the event: a changed one is replaced,
  // one already linked is left alone.
  json::value upsertCallDisposition(sdk::Call& call, const json::object& in) {
    const json::object& dispositions = object_of(in, "dispositions");
    const std::string id = text(object_of(in, "existingCallLog"), "thirdPartyLogId");
    bool any = false;
    for (const LinkKind& k : kLinkKinds)
      any = any || js::truthy(js::get(dispositions, k.option));
    if (!any) return json::object{{"logId", nullptr}};
    json::value event = UserGet(call, in, "events/" + sdk::url_encode(id));
    const json::value* links = js::get(&event, "LINKS");
    for (const LinkKind& k : kLinkKinds) {
      const json::value* wanted = js::get(dispositions, k.option);
      if (!js::truthy(wanted)) continue;
      bool linked = false;
      if (links && links->is_array())
        for (auto& l : links->get_array()) {
          if (!l.is_object() ||
              sdk::string_field(l.get_object(), "LINK_OBJECT_NAME") != k.link_name)
            continue;
          if (text(l.get_object(), "LINK_OBJECT_ID") == js::to_string(*wanted)) {
            linked = true;
            continue;
          }
          UserSend(call, in, "DELETE",
                   "events/" + sdk::url_encode(id) + "/links/" +
                       sdk::url_encode(text(l.get_object(), "LINK_ID")),
                   nullptr);
        }
      if (!linked)
        UserSend(call, in, "POST", "events/" + sdk::url_encode(id) + "/links",
                 json::object{{"LINK_OBJECT_NAME", k.link_name}, {"LINK_OBJECT_ID", *wanted}});
    }
    return json::object{{"logId", id}};
  }

  // One event per conversation (per day): a plain-text summary that later messages are added
  // to; voicemail and fax get one line with their link.
  json::value createMessageLog(sdk::Call& call, const json::object& in) {
    const json::object& contact = object_of(in, "contactInfo");
    const json::object& message = object_of(in, "message");
    const json::object& shared = object_of(in, "sharedSMSLogContent");
    std::string title, details;
    int64_t when = TimeOr(sdk::field(message, "creationTime"), call.now_ms());
    if (js::truthy(js::get(shared, "body")) && js::truthy(js::get(shared, "subject"))) {
      title = text(shared, "subject");
      details = text(shared, "body");
      when = TimeOr(sdk::field(shared, "conversationCreatedDate"), when);
    } else {
      const std::string user_name = UserName(call, in);
      const std::string day = sdk::time::format_moment(when, 0, "YY/MM/DD");
      const std::string name = text(contact, "name");
      if (js::truthy(sdk::field(in, "recordingLink"))) {
        title = "Voicemail left by " + name + " - " + day;
        details = "Voicemail recording link: " + text(in, "recordingLink") +
                  " \n\n--- Created via RingCentral App Connect";
      } else if (js::truthy(sdk::field(in, "faxDocLink"))) {
        title = "Fax document sent from " + name + " - " + day;
        details = "Fax document link: " + text(in, "faxDocLink") +
                  " \n\n--- Created via RingCentral App Connect";
      } else {
        title = "SMS conversation with " + name + " - " + day;
        std::string others;
        if (auto* cs = sdk::field(in, "correspondents"); cs && cs->is_array())
          for (auto& c : cs->get_array()) {
            const json::value* who =
                c.is_array() && !c.get_array().empty() ? &c.get_array()[0] : &c;
            const json::value* n = js::get(who, "name");
            if (!others.empty()) others += "\n";
            others += "    " + (n ? js::to_string(*n) : std::string("Unknown"));
          }
        details = "\nConversation summary\n" +
                  sdk::time::format_moment(when, 0, "dddd, MMMM DD, YYYY") + "\nParticipants\n    " +
                  user_name + "\n    " + name + "\n" + others +
                  "\nConversation(1 messages)\nBEGIN\n------------\n" +
                  MessageLine(message, contact, user_name) +
                  "\n------------\nEND\n\n--- Created via RingCentral App Connect";
      }
    }
    json::value id = CreateLinkedEvent(call, in, contact,
                                       json::object{{"TITLE", title},
                                                    {"DETAILS", details},
                                                    {"START_DATE_UTC", IsoOf(when)},
                                                    {"END_DATE_UTC", IsoOf(when)}});
    return json::object{{"logId", std::move(id)},
                        {"returnMessage", return_message("Message logged", "success", 1000)}};
  }

  // Adds one message before the conversation's END marker and counts it (or replaces a shared
  // conversation's whole text), and moves the event's end.
  json::value updateMessageLog(sdk::Call& call, const json::object& in) {
    const json::object& message = object_of(in, "message");
    const json::object& shared = object_of(in, "sharedSMSLogContent");
    const std::string id = text(object_of(in, "existingMessageLog"), "thirdPartyLogId");
    std::string details;
    int64_t when = TimeOr(sdk::field(message, "creationTime"), call.now_ms());
    if (js::truthy(js::get(shared, "body"))) {
      details = text(shared, "body");
      when = TimeOr(sdk::field(shared, "conversationCreatedDate"), when);
    } else {
      json::value event = UserGet(call, in, "events/" + sdk::url_encode(id));
      const json::value* d = js::get(&event, "DETAILS");
      details = d && d->is_string() ? std::string(d->get_string()) : "";
      const std::string line =
          MessageLine(message, object_of(in, "contactInfo"), UserName(call, in));
      const std::string end = "------------\nEND";
      if (auto at = details.find(end); at != std::string::npos) details.insert(at, line);
      const std::string head = "Conversation(";
      if (auto at = details.find(head); at != std::string::npos) {
        const size_t num = at + head.size();
        const size_t close = details.find(" messages)", num);
        if (close != std::string::npos && close - num < 10)
          details.replace(num, close - num,
                          std::to_string(std::atoi(details.substr(num, close - num).c_str()) + 1));
      }
    }
    UserSend(call, in, "PUT", "events",
             json::object{{"EVENT_ID", id}, {"DETAILS", details}, {"END_DATE_UTC", IsoOf(when)}});
    return json::object();
  }

  static constexpr auto operations() {
    using Op = sdk::Operation<Insightly>;
    return std::array{
        Op{"getAuthType", &Insightly::getAuthType},
        Op{"getLogFormatType", &Insightly::getLogFormatType},
        Op{"getBasicAuth", &Insightly::getBasicAuth},
        Op{"getUserInfo", &Insightly::getUserInfo},
        Op{"unAuthorize", &Insightly::unAuthorize},
        Op{"getUserList", &Insightly::getUserList},
        Op{"findContact", &Insightly::findContact},
        Op{"findContactWithName", &Insightly::findContactWithName},
        Op{"createContact", &Insightly::createContact},
        Op{"createCallLog", &Insightly::createCallLog},
        Op{"getCallLog", &Insightly::getCallLog},
        Op{"updateCallLog", &Insightly::updateCallLog},
        Op{"upsertCallDisposition", &Insightly::upsertCallDisposition},
        Op{"createMessageLog", &Insightly::createMessageLog},
        Op{"updateMessageLog", &Insightly::updateMessageLog},
    };
  }

 private:
  // Linked objects already fetched during one lookup, by "<path>/<id>".
  using Links = std::map<std::string, json::value>;

  std::string Base(const json::object& in) const {
    const json::object& extra = object_of(object_of(in, "user"), "platformAdditionalInfo");
    return sdk::string_field(extra, "apiUrl");
  }

  json::value Get(sdk::Call& call, const std::string& base, const std::string& auth,
                  const std::string& path) const {
    if (base.empty()) throw sdk::UpstreamError(0, "no Insightly API URL for this user");
    return call.http_json("GET", base + "/" + version_ + "/" + path, {{"Authorization", auth}});
  }
  json::value UserGet(sdk::Call& call, const json::object& in, const std::string& path) const {
    return Get(call, Base(in), sdk::string_field(in, "authHeader"), path);
  }
  json::value UserSend(sdk::Call& call, const json::object& in, std::string_view method,
                       const std::string& path, const json::value& body) const {
    const std::string base = Base(in);
    if (base.empty()) throw sdk::UpstreamError(0, "no Insightly API URL for this user");
    return call.http_json(method, base + "/" + version_ + "/" + path,
                          {{"Authorization", sdk::string_field(in, "authHeader")}},
                          body.is_null() ? nullptr : &body);
  }

  json::array Search(sdk::Call& call, const json::object& in, std::string_view path,
                     std::string_view field, const std::string& value) const {
    json::value found = UserGet(call, in,
                                std::string(path) + "/search?field_name=" + sdk::url_encode(field) +
                                    "&field_value=" + sdk::url_encode(value) + "&brief=false");
    return found.is_array() ? std::move(found.get_array()) : json::array();
  }

  // Custom phone fields: a field Insightly does not know answers 4xx; the lookup goes on.
  void SearchCustom(sdk::Call& call, const json::object& in, std::string_view path,
                    const std::vector<std::string>& fields, const std::string& number, Person kind,
                    Links& links, json::array& matched) const {
    for (const std::string& f : fields) {
      try {
        for (auto& r : Search(call, in, path, f, number))
          matched.push_back(Format(call, in, r, kind, f, links));
      } catch (const sdk::UpstreamError& e) {
        call.warn("Insightly phone field " + f + " not searched: " + e.what());
      }
    }
  }

  static std::vector<std::string> SettingList(const json::object& user, std::string_view id) {
    std::vector<std::string> out;
    const json::value* v = sdk::contract::user_setting(user, id);
    if (!v || !v->is_string()) return out;
    std::string_view s = v->get_string();
    for (size_t pos = 0; pos <= s.size();) {
      size_t comma = s.find(',', pos);
      std::string_view f = s.substr(pos, comma == s.npos ? s.npos : comma - pos);
      while (!f.empty() && f.front() == ' ')
        f.remove_prefix(1);
      while (!f.empty() && f.back() == ' ')
        f.remove_suffix(1);
      if (!f.empty()) out.emplace_back(f);
      if (comma == s.npos) break;
      pos = comma + 1;
    }
    return out;
  }

  // One matched record as App Connect shows it, with its linked organisations, opportunities
  // and projects as the log form's options.
  json::object Format(sdk::Call& call, const json::object& in, const json::value& record,
                      Person kind, std::string_view phone_field, Links& links) const {
    if (!record.is_object()) return json::object{};
    const json::object& r = record.get_object();
    json::object additional;
    if (const json::value* ls = js::get(r, "LINKS"); ls && ls->is_array())
      for (auto& l : ls->get_array()) {
        if (!l.is_object()) continue;
        const std::string name = sdk::string_field(l.get_object(), "LINK_OBJECT_NAME");
        for (const LinkKind& k : kLinkKinds) {
          if (name != k.link_name) continue;
          const std::string key =
              std::string(k.path) + "/" + sdk::url_encode(text(l.get_object(), "LINK_OBJECT_ID"));
          auto it = links.find(key);
          if (it == links.end()) it = links.emplace(key, UserGet(call, in, key)).first;
          if (!it->second.is_object()) continue;
          const json::object& linked = it->second.get_object();
          json::value& list = additional[k.option];
          if (!list.is_array()) list = json::array();
          list.get_array().push_back(
              json::object{{"title", sdk::contract::value_or(linked, k.name_field)},
                           {"const", sdk::contract::value_or(linked, k.id_field)}});
        }
      }
    // The reference copies Insightly's fields as they are: a null stays null, a missing field
    // leaves its key out (the phone of a custom field is that field's value).
    const json::value* phone = r.if_contains(phone_field);
    if (!phone)
      if (const json::value* cf = js::get(r, "CUSTOMFIELDS"); cf && cf->is_array())
        for (auto& f : cf->get_array())
          if (f.is_object() && sdk::string_field(f.get_object(), "FIELD_NAME") == phone_field)
            phone = f.get_object().if_contains("FIELD_VALUE");
    auto part = [&](std::string_view k) {
      const json::value* v = js::get(r, k);
      return v && !v->is_null() ? js::to_string(*v) : std::string();
    };
    json::object out{
        {"id", sdk::contract::value_or(r, kind == Person::kContact ? "CONTACT_ID" : "LEAD_ID")},
        {"name", part("FIRST_NAME") + " " + part("LAST_NAME")}};
    if (phone) out["phone"] = *phone;
    if (auto* v = r.if_contains("TITLE")) out["title"] = *v;
    if (auto* v = r.if_contains("DATE_CREATED_UTC")) out["createdDate"] = *v;
    const json::value* recent = r.if_contains("LAST_ACTIVITY_DATE_UTC");
    if (!js::truthy(recent)) recent = r.if_contains("DATE_UPDATED_UTC");
    if (recent) out["mostRecentActivityDate"] = *recent;
    out["additionalInfo"] = std::move(additional);
    out["type"] = kind == Person::kContact ? "Contact" : "Lead";
    return out;
  }

  // POST events, then the links to the person; returns the new event's id. Once the event
  // exists a failed link must not hide its id (a retry would log it twice), so that is a warning.
  json::value CreateLinkedEvent(sdk::Call& call, const json::object& in,
                                const json::object& contact, json::object body) const {
    json::value event = UserSend(call, in, "POST", "events", body);
    const json::value* id = js::get(&event, "EVENT_ID");
    if (!id) throw sdk::UpstreamError(200, "Insightly did not return the new event's id");
    try {
      LinkPerson(call, in, js::to_string(*id), contact, object_of(in, "additionalSubmission"));
    } catch (const sdk::UpstreamError& e) {
      call.warn("Insightly event created, but linking it failed: " + std::string(e.what()));
    }
    return *id;
  }

  // Links the event to its contact (and the organisation, opportunity and project the user
  // chose) or lead.
  void LinkPerson(sdk::Call& call, const json::object& in, const std::string& event_id,
                  const json::object& contact, const json::object& submission) const {
    const Person who = PersonOf(sdk::string_field(contact, "type"));
    if (who == Person::kNone || !contact.contains("id")) return;
    const std::string path = "events/" + sdk::url_encode(event_id) + "/links";
    UserSend(call, in, "POST", path,
             json::object{{"LINK_OBJECT_NAME", who == Person::kContact ? "contact" : "lead"},
                          {"LINK_OBJECT_ID", contact.at("id")}});
    if (who != Person::kContact) return;
    for (const LinkKind& k : kLinkKinds) {
      const json::value* v = sdk::field(submission, k.option);
      // The message form spells it "organization".
      if (!v && k.option == "organisation") v = sdk::field(submission, "organization");
      if (js::truthy(v))
        UserSend(call, in, "POST", path,
                 json::object{{"LINK_OBJECT_NAME", k.link_name}, {"LINK_OBJECT_ID", *v}});
    }
  }

  std::string UserName(sdk::Call& call, const json::object& in) const {
    json::value me = UserGet(call, in, "users/me");
    if (!me.is_object()) return "";
    return text(me.get_object(), "FIRST_NAME") + " " + text(me.get_object(), "LAST_NAME");
  }

  // "<who> hh:mm A\n<text>\n": the contact (with number) for inbound, else the user.
  static std::string MessageLine(const json::object& message, const json::object& contact,
                                 const std::string& user_name) {
    const bool inbound = text(message, "direction") == "Inbound";
    const int64_t when = TimeOr(sdk::field(message, "creationTime"), 0);
    return (inbound ? text(contact, "name") + " (" + text(contact, "phoneNumber") + ")"
                    : user_name) +
           " " + sdk::time::format_moment(when, 0, "hh:mm A") + "\n" + text(message, "subject") +
           "\n";
  }

  std::string version_;
};

}  // namespace insightly

CRMHOST_PLUGIN(insightly::Insightly)
