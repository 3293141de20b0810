// The Insightly CRM plugin: API-key login against the user's pod (the API URL they paste at
// login), contact and lead lookup by phone (standard and admin-named custom phone fields) and by
// name, their linked organisations, opportunities and projects as log options, and events for
// call and message logs with links to the person, making the calls the reference connector makes
// (docs/CRM_PLUGINS.md lists them and where we differ).
//
// This file is the operations; api.cpp is Insightly's HTTP API, mapping.cpp the JSON.
//
// Settings: insightly.api_version (default v3.1).
#include <crmhost/plugin.hpp>
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/phone.hpp>
#include <crmhost/sdk/timezones.hpp>

#include <algorithm>
#include <map>

#include "api.h"
#include "mapping.h"

extern const char kInsightlyManifest[];  // manifest.json, embedded at build time

namespace insightly {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;
using sdk::contract::return_message;
using sdk::contract::text;

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
      const std::string pod = PodOrigin(std::string(url->get_string()));
      info["apiUrl"] = pod;
      info.erase("apiKey");  // the key is the stored credential (sealed), never kept in clear
      info.erase("password");
      Api api(call, pod, version_, sdk::string_field(in, "authHeader"));
      json::value me = api.Get("users/me");
      const json::value* id = js::get(&me, "USER_ID");
      if (!id || id->is_null()) throw sdk::UpstreamError(200, "no USER_ID in users/me");
      const json::object& m = me.get_object();
      const std::string zone = sdk::string_field(m, "TIMEZONE_ID");
      const int offset = sdk::timezones::zone_offset_minutes(zone, call.now_ms()).value_or(0);
      return json::object{
          {"successful", true},
          {"platformUserInfo", PlatformUser(m, zone, offset, std::move(info))},
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
    json::value users = Api(call, in, version_).Get("users");
    json::array out;
    if (users.is_array())
      for (auto& u : users.get_array())
        if (u.is_object())
          out.push_back(
              json::object{{"id", sdk::contract::value_or(u.get_object(), "USER_ID")},
                           {"name", FullName(u.get_object())},
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
    Api api(call, in, version_);
    Links links;
    if (parsed.valid) {
      const auto contact_extra = SettingList(user, "insightlyExtraPhoneFieldNameForContact");
      const auto lead_extra = SettingList(user, "insightlyExtraPhoneFieldNameForLead");
      for (const std::string& number :
           sdk::phone::formatted(parsed.significant, sdk::string_field(in, "overridingFormat"))) {
        for (auto& r : api.Search("contacts", "PHONE", number))
          matched.push_back(Format(api, r, Person::kContact, "PHONE", links));
        for (auto& r : api.Search("contacts", "PHONE_MOBILE", number))
          matched.push_back(Format(api, r, Person::kContact, "PHONE_MOBILE", links));
        SearchCustom(api, "contacts", contact_extra, number, Person::kContact, links, matched);
        for (auto& r : api.Search("leads", "PHONE", number))
          matched.push_back(Format(api, r, Person::kLead, "PHONE", links));
        for (auto& r : api.Search("leads", "MOBILE", number))
          matched.push_back(Format(api, r, Person::kLead, "MOBILE", links));
        SearchCustom(api, "leads", lead_extra, number, Person::kLead, links, matched);
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
    Api api(call, in, version_);
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
      add(api.Search(path, "FIRST_NAME", first));
      if (!last.empty()) add(api.Search(path, "LAST_NAME", last));
      for (auto& r : found) {
        std::string full = FullName(r);
        for (char& c : full)
          c = char(std::tolower(static_cast<unsigned char>(c)));
        if (full.find(wanted) != std::string::npos)
          matched.push_back(Format(api, r, kind, "PHONE", links));
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
    json::value made = Api(call, in, version_).Send("POST", contact ? "contacts" : "leads", body);
    const json::value* id = js::get(&made, contact ? "CONTACT_ID" : "LEAD_ID");
    if (!id) throw sdk::UpstreamError(200, "Insightly did not return the new record's id");
    return json::object{
        {"contactInfo", json::object{{"id", *id}, {"name", FullName(made.get_object())}}},
        {"returnMessage", return_message("Contact created.", "success", 2000)}};
  }

  // An event with the composed plain-text details, linked to the person and to the
  // organisation, opportunity and project the user picked.
  json::value createCallLog(sdk::Call& call, const json::object& in) {
    Api api(call, in, version_);
    return json::object{{"logId", CreateLinkedEvent(api, in, CallEvent(in, call.now_ms()))},
                        {"returnMessage", return_message("Call logged", "success", 2000)},
                        {"extraDataTracking", json::object()}};
  }

  json::value getCallLog(sdk::Call& call, const json::object& in) {
    Api api(call, in, version_);
    json::value event = api.Get("events/" + sdk::url_encode(text(in, "callLogId")));
    if (!event.is_object()) throw sdk::UpstreamError(200, "Insightly answered no event");
    const json::object& e = event.get_object();
    json::object info = CallLogInfo(e);
    if (auto person = LoggedPerson(e)) {
      // The person the event was logged against: the first link, made at creation.
      json::value found =
          api.Get(std::string(person->first == Person::kContact ? "contacts/" : "leads/") +
                  sdk::url_encode(person->second));
      if (found.is_object()) info["contactName"] = FullName(found.get_object());
    }
    info["dispositions"] = EventDispositions(e);
    return json::object{{"callLogInfo", std::move(info)}};
  }

  // A partial PUT of the event: the details the host re-composed (lines typed in Insightly
  // survive), the title, and the times when the client sent them. Links are dispositions'.
  json::value updateCallLog(sdk::Call& call, const json::object& in) {
    Api api(call, in, version_);
    const std::string id = text(object_of(in, "existingCallLog"), "thirdPartyLogId");
    const json::object* current = sdk::object_field(in, "existingCallLogDetails");
    json::value fetched;
    if (!current) {
      fetched = api.Get("events/" + sdk::url_encode(id));
      current = fetched.if_object();
    }
    json::object body = UpdatedCallEvent(in, id, current, call.now_ms());
    api.Send("PUT", "events", body);
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
    Api api(call, in, version_);
    json::value event = api.Get("events/" + sdk::url_encode(id));
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
          api.Send("DELETE",
                   "events/" + sdk::url_encode(id) + "/links/" +
                       sdk::url_encode(text(l.get_object(), "LINK_ID")),
                   nullptr);
        }
      if (!linked)
        api.Send("POST", "events/" + sdk::url_encode(id) + "/links",
                 json::object{{"LINK_OBJECT_NAME", k.link_name}, {"LINK_OBJECT_ID", *wanted}});
    }
    return json::object{{"logId", id}};
  }

  // One event per conversation (per day): a plain-text summary that later messages are added
  // to; voicemail and fax get one line with their link.
  json::value createMessageLog(sdk::Call& call, const json::object& in) {
    Api api(call, in, version_);
    std::optional<EventText> event = SharedConversation(in, call.now_ms());
    if (!event) event = NewConversation(in, UserName(api), call.now_ms());
    json::value id = CreateLinkedEvent(api, in,
                                       json::object{{"TITLE", event->title},
                                                    {"DETAILS", event->details},
                                                    {"START_DATE_UTC", IsoOf(event->when)},
                                                    {"END_DATE_UTC", IsoOf(event->when)}});
    return json::object{{"logId", std::move(id)},
                        {"returnMessage", return_message("Message logged", "success", 1000)}};
  }

  // Adds one message before the conversation's END marker and counts it (or replaces a shared
  // conversation's whole text), and moves the event's end.
  json::value updateMessageLog(sdk::Call& call, const json::object& in) {
    Api api(call, in, version_);
    const json::object& message = object_of(in, "message");
    const json::object& shared = object_of(in, "sharedSMSLogContent");
    const std::string id = text(object_of(in, "existingMessageLog"), "thirdPartyLogId");
    std::string details;
    int64_t when = TimeOr(sdk::field(message, "creationTime"), call.now_ms());
    if (js::truthy(js::get(shared, "body"))) {
      details = text(shared, "body");
      when = TimeOr(sdk::field(shared, "conversationCreatedDate"), when);
    } else {
      json::value event = api.Get("events/" + sdk::url_encode(id));
      const json::value* d = js::get(&event, "DETAILS");
      details = AppendMessage(d && d->is_string() ? std::string(d->get_string()) : "",
                              MessageLine(message, object_of(in, "contactInfo"), UserName(api)));
    }
    api.Send("PUT", "events",
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

  // Custom phone fields: a field Insightly does not know answers 4xx; the lookup goes on.
  static void SearchCustom(Api& api, std::string_view path, const std::vector<std::string>& fields,
                           const std::string& number, Person kind, Links& links,
                           json::array& matched) {
    for (const std::string& f : fields) {
      try {
        for (auto& r : api.Search(path, f, number))
          matched.push_back(Format(api, r, kind, f, links));
      } catch (const sdk::UpstreamError& e) {
        api.call().warn("Insightly phone field " + f + " not searched: " + e.what());
      }
    }
  }

  // One matched record with its linked organisations, opportunities and projects (each fetched
  // once per lookup) as the log form's options.
  static json::object Format(Api& api, const json::value& record, Person kind,
                             std::string_view phone_field, Links& links) {
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
          if (it == links.end()) it = links.emplace(key, api.Get(key)).first;
          if (it->second.is_object()) AddLinkOption(additional, k, it->second.get_object());
        }
      }
    return FormatRecord(r, kind, phone_field, std::move(additional));
  }

  // POST events, then the links to the person; returns the new event's id. Once the event
  // exists a failed link must not hide its id (a retry would log it twice), so that is a warning.
  static json::value CreateLinkedEvent(Api& api, const json::object& in, json::object body) {
    json::value event = api.Send("POST", "events", body);
    const json::value* id = js::get(&event, "EVENT_ID");
    if (!id) throw sdk::UpstreamError(200, "Insightly did not return the new event's id");
    try {
      LinkPerson(api, js::to_string(*id), object_of(in, "contactInfo"),
                 object_of(in, "additionalSubmission"));
    } catch (const sdk::UpstreamError& e) {
      api.call().warn("Insightly event created, but linking it failed: " + std::string(e.what()));
    }
    return *id;
  }

  // Links the event to its contact (and the organisation, opportunity and project the user
  // chose) or lead.
  static void LinkPerson(Api& api, const std::string& event_id, const json::object& contact,
                         const json::object& submission) {
    const Person who = PersonOf(sdk::string_field(contact, "type"));
    if (who == Person::kNone || !contact.contains("id")) return;
    const std::string path = "events/" + sdk::url_encode(event_id) + "/links";
    api.Send("POST", path,
             json::object{{"LINK_OBJECT_NAME", who == Person::kContact ? "contact" : "lead"},
                          {"LINK_OBJECT_ID", contact.at("id")}});
    if (who != Person::kContact) return;
    for (const LinkKind& k : kLinkKinds) {
      const json::value* v = sdk::field(submission, k.option);
      // The message form spells it "organization".
      if (!v && k.option == "organisation") v = sdk::field(submission, "organization");
      if (js::truthy(v))
        api.Send("POST", path,
                 json::object{{"LINK_OBJECT_NAME", k.link_name}, {"LINK_OBJECT_ID", *v}});
    }
  }

  static std::string UserName(Api& api) {
    json::value me = api.Get("users/me");
    if (!me.is_object()) return "";
    return FullName(me.get_object());
  }

  std::string version_;
};

}  // namespace insightly

CRMHOST_PLUGIN(insightly::Insightly)
