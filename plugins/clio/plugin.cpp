// The Clio plugin: OAuth against the user's Clio region (app., eu., ca., au.app.clio.com), contact
// lookup by phone and by name with each contact's matters (direct and through relationships) as
// the log form's options, communications for calls and messages with a time entry per call (and
// optionally per outbound SMS), making the calls the reference connector makes
// (docs/CRM_PLUGINS.md lists them and where we differ).
//
// Appointments are Clio calendar entries (list, create, update, refresh, cancel = delete); MMS
// images and fax PDFs are uploaded into Clio Documents and linked from the log.
//
// Settings: clio.oauth_client_id / clio.oauth_client_secret for app.clio.com, and
// clio.eu_oauth_client_id, clio.eu_oauth_client_secret (likewise ca_, au_) for the other regions.
#include <crmhost/plugin.hpp>
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/phone.hpp>
#include <crmhost/sdk/time.hpp>
#include <crmhost/sdk/timezones.hpp>

#include <algorithm>
#include <charconv>
#include <map>
#include <optional>
#include <set>

extern const char kClioManifest[];  // manifest.json, embedded at build time

namespace clio {
namespace json = boost::json;
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;
using sdk::contract::return_message;
using sdk::contract::text;
using sdk::contract::value_or;

namespace {

constexpr const char* kRedirectUri =
    "https://ringcentral.github.io/ringcentral-embeddable/redirect.html";

// The Clio hosts a user may connect to, by region setting prefix. Anything else is refused:
// the host name comes from the client, and the user's token must only ever go to Clio.
struct Region {
  std::string_view host;
  std::string_view setting_prefix;
};
constexpr Region kRegions[] = {{"app.clio.com", ""},
                               {"eu.app.clio.com", "eu_"},
                               {"ca.app.clio.com", "ca_"},
                               {"au.app.clio.com", "au_"}};

// "https://eu.app.clio.com/" or "eu.app.clio.com" -> the region, if it is one of Clio's.
const Region* RegionOf(std::string_view hostname) {
  if (auto p = hostname.find("://"); p != std::string_view::npos) hostname.remove_prefix(p + 3);
  while (!hostname.empty() && hostname.back() == '/')
    hostname.remove_suffix(1);
  for (const Region& r : kRegions)
    if (r.host == hostname) return &r;
  return nullptr;
}

int64_t TimeOr(const json::value* v, int64_t fallback) {
  if (v)
    if (auto ms = sdk::time::parse_timestamp(*v)) return *ms;
  return fallback;
}

// A setting's value as the reference tests it: true/"true" (any case) are on.
bool SettingTrue(const json::value* v) {
  if (!v) return false;
  if (v->is_bool()) return v->get_bool();
  if (v->is_string()) {
    std::string s(v->get_string());
    for (char& c : s)
      c = char(std::tolower(static_cast<unsigned char>(c)));
    return s == "true";
  }
  return js::truthy(v);
}

// Time entries for calls are on unless the user turned them off.
bool TimeEntriesEnabled(const json::object& user) {
  const json::value* v = sdk::contract::user_setting(user, "clioTimeEntriesEnabled");
  return !v || v->is_null() || SettingTrue(v);
}

// The stored log id: legacy ids carried a ".suffix".
std::string CommunicationId(const json::object& existing) {
  std::string id = text(existing, "thirdPartyLogId");
  return id.substr(0, id.find('.'));
}

// One operation's conversation with Clio: the user's host and token, and the rate-limit headers
// of the last answer (returned to the host as extraDataTracking).
class Session {
 public:
  Session(sdk::Call& call, std::string host, std::string auth)
      : call_(call), host_(std::move(host)), auth_(std::move(auth)) {}
  Session(sdk::Call& call, const json::object& in)
      : Session(call, sdk::string_field(object_of(in, "user"), "hostname"),
                sdk::string_field(in, "authHeader")) {}

  const std::string& host() const { return host_; }
  sdk::Call& call() { return call_; }

  // `path` below /api/v4 (with its query), or an absolute Clio URL (paging links).
  json::value Request(std::string_view method, const std::string& path,
                      const json::value* body = nullptr, bool track = true) {
    if (!RegionOf(host_)) throw sdk::UpstreamError(0, "not a Clio host: " + host_);
    std::string url =
        path.rfind("https://", 0) == 0 ? path : "https://" + host_ + "/api/v4/" + path;
    if (url.rfind("https://" + host_ + "/", 0) != 0)
      throw sdk::UpstreamError(0, "Clio paging link leaves the user's host");
    const std::string payload = body ? json::serialize(*body) : std::string();
    std::vector<std::pair<std::string_view, std::string_view>> headers{
        {"Authorization", auth_}, {"Accept", "application/json"}};
    if (body) headers.emplace_back("Content-Type", "application/json");
    auto resp = call_.http_headers(method, url, headers, payload);
    if (!resp.ok())
      throw sdk::UpstreamError(resp.status, "Clio answered HTTP " + std::to_string(resp.status));
    if (track) {
      auto header = [&](std::string_view name) -> json::value {
        std::string_view v = resp.header(name);
        return v.empty() ? json::value() : json::value(v);
      };
      tracking_ = json::object{{"ratelimitRemaining", header("x-ratelimit-remaining")},
                               {"ratelimitAmount", header("x-ratelimit-limit")},
                               {"ratelimitReset", header("x-ratelimit-reset")}};
    }
    if (resp.body.empty()) return nullptr;
    return resp.json();
  }
  json::value Get(const std::string& path, bool track = true) {
    return Request("GET", path, nullptr, track);
  }
  json::value Send(std::string_view method, const std::string& path, json::object data) {
    json::value body = json::object{{"data", std::move(data)}};
    return Request(method, path, &body);
  }
  const json::object& tracking() const { return tracking_; }

 private:
  sdk::Call& call_;
  std::string host_;
  std::string auth_;
  json::object tracking_;
};

// The first element of an array value, or null.
const json::value* First(const json::value* v) {
  return v && v->is_array() && !v->get_array().empty() ? &v->get_array()[0] : nullptr;
}

// response.data of a Clio answer.
const json::value* Data(const json::value& v) {
  return js::get(&v, "data");
}

json::value IdOf(const json::value& answer) {
  const json::value* id = js::get(Data(answer), "id");
  if (!id) throw sdk::UpstreamError(200, "Clio did not return the new record's id");
  return *id;
}

}  // namespace

class Clio {
 public:
  static constexpr const char* kName = "clio";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kManifest = kClioManifest;

  json::value getAuthType(sdk::Call&, const json::object&) { return "oauth"; }
  json::value getLogFormatType(sdk::Call&, const json::object&) { return "text/plain"; }

  // Each region is its own Clio OAuth app; the token endpoint is the region's host.
  json::value getOauthInfo(sdk::Call& call, const json::object& in) {
    const Region* region = RegionOf(sdk::string_field(in, "hostname"));
    if (!region) region = &kRegions[0];
    const std::string prefix(region->setting_prefix);
    return json::object{{"clientId", call.setting(prefix + "oauth_client_id").value_or("")},
                        {"clientSecret", call.setting(prefix + "oauth_client_secret").value_or("")},
                        {"accessTokenUri", "https://" + std::string(region->host) + "/oauth/token"},
                        {"redirectUri", kRedirectUri}};
  }

  json::value getUserInfo(sdk::Call& call, const json::object& in) {
    try {
      const Region* region = RegionOf(sdk::string_field(in, "hostname"));
      if (!region) throw sdk::UpstreamError(0, "not a Clio host");
      Session clio(call, std::string(region->host), sdk::string_field(in, "authHeader"));
      json::value me = clio.Get("users/who_am_i.json?fields=id,name,time_zone");
      const json::value* data = Data(me);
      const json::value* id = js::get(data, "id");
      if (!id || id->is_null()) throw sdk::UpstreamError(200, "no user id in who_am_i");
      const std::string zone = js::text_or_empty(js::get(data, "time_zone"));
      const int offset = sdk::timezones::zone_offset_minutes(zone, call.now_ms()).value_or(0);
      json::object user{{"id", js::to_string(*id) + "-clio"},
                        {"name", js::text_or_empty(js::get(data, "name"))},
                        {"timezoneName", zone},
                        {"timezoneOffset",
                         offset % 60 == 0 ? json::value(offset / 60) : json::value(offset / 60.0)},
                        {"overridingHostname", std::string(region->host)},
                        {"platformAdditionalInfo", json::object()}};
      return json::object{{"successful", true},
                          {"platformUserInfo", std::move(user)},
                          {"returnMessage", return_message("Connected to Clio.", "success", 1000)}};
    } catch (const std::exception& e) {
      call.warn(std::string("Clio login failed: ") + e.what());
      return sdk::contract::login_failed("Clio", "Could not load user information");
    }
  }

  json::value refreshUserInfo(sdk::Call&, const json::object&) {
    return json::object{{"successful", true},
                        {"returnMessage", return_message("User info refreshed", "success", 1000)}};
  }

  // Revokes the token at Clio; the host drops it whatever Clio answers.
  json::value unAuthorize(sdk::Call& call, const json::object& in) {
    const json::object& user = object_of(in, "user");
    const std::string token = sdk::string_field(user, "accessToken");
    const Region* region = RegionOf(sdk::string_field(user, "hostname"));
    if (region && !token.empty()) {
      try {
        auto resp = call.http("POST", "https://" + std::string(region->host) + "/oauth/deauthorize",
                              {{"Authorization", "Bearer " + token},
                               {"Content-Type", "application/x-www-form-urlencoded"}},
                              "token=" + sdk::url_encode(token));
        if (!resp.ok()) call.warn("Clio token revocation answered " + std::to_string(resp.status));
      } catch (const sdk::UpstreamError& e) {
        call.warn(std::string("Clio token revocation failed: ") + e.what());
      }
    }
    return json::object{{"returnMessage", return_message("Logged out of Clio", "success", 1000)},
                        {"userUpdate", json::object{{"accessToken", ""}, {"refreshToken", ""}}}};
  }

  json::value getUserList(sdk::Call& call, const json::object& in) {
    Session clio(call, in);
    json::value users = clio.Get("users.json?enabled=true&order=name(asc)&fields=id,name,email");
    json::array out;
    if (const json::value* list = Data(users); list && list->is_array())
      for (auto& u : list->get_array()) {
        if (!u.is_object()) continue;
        const json::object& o = u.get_object();
        const json::value* name = sdk::field(o, "name");
        out.push_back(
            json::object{{"id", value_or(o, "id")},
                         {"name", name ? js::to_string(*name)
                                       : text(o, "first_name") + " " + text(o, "last_name")},
                         {"email", value_or(o, "email")}});
      }
    return out;
  }

  // Each number form (E.164, then the client's overridingFormat ones), each contact once, with
  // its matters: the ones it is the client of, then those it relates to (all pages).
  json::value findContact(sdk::Call& call, const json::object& in) {
    if (sdk::string_field(in, "isExtension") == "true")
      return json::object{{"successful", false}, {"matchedContactInfo", json::array()}};
    Session clio(call, in);
    const json::object& user = object_of(in, "user");
    const std::string number = sdk::phone::from_query(sdk::string_field(in, "phoneNumber"));
    std::vector<std::string> queries{number};
    const std::string formats = sdk::string_field(in, "overridingFormat");
    if (!formats.empty())
      if (auto parsed = call.phone(number); parsed.valid)
        for (auto& f : sdk::phone::formatted(parsed.significant, formats))
          queries.push_back(std::move(f));
    const bool closed = js::truthy(sdk::contract::user_setting(user, "clioSeeClosedMatters"));
    json::array matched;
    std::set<std::string> seen;
    for (const std::string& q : queries) {
      json::value found = clio.Get("contacts.json?query=" + sdk::url_encode(q) +
                                   "&fields=type,id,name,created_at,updated_at");
      const json::value* list = Data(found);
      if (!list || !list->is_array()) continue;
      for (auto& c : list->get_array()) {
        if (!c.is_object() || !seen.insert(text(c.get_object(), "id")).second) continue;
        const json::object& contact = c.get_object();
        json::array matters = Matters(clio, contact, closed, true, true);
        json::object additional{{"logTimeEntry", true}, {"billableStatus", BillableOptions()}};
        if (!matters.empty()) additional["matters"] = std::move(matters);
        matched.push_back(json::object{{"id", value_or(contact, "id")},
                                       {"name", value_or(contact, "name")},
                                       {"phone", number},
                                       {"type", value_or(contact, "type")},
                                       {"createdDate", value_or(contact, "created_at")},
                                       {"mostRecentActivityDate", value_or(contact, "updated_at")},
                                       {"additionalInfo", std::move(additional)}});
      }
    }
    json::object placeholder = sdk::contract::new_contact_placeholder();
    placeholder["additionalInfo"] = json::object{{"logTimeEntry", true}};
    matched.push_back(std::move(placeholder));
    return json::object{{"successful", true},
                        {"matchedContactInfo", std::move(matched)},
                        {"extraDataTracking", clio.tracking()}};
  }

  // Clio's query matches first, last and full names; contacts with an email come first.
  json::value findContactWithName(sdk::Call& call, const json::object& in) {
    Session clio(call, in);
    json::value found = clio.Get(
        "contacts.json?query=" + sdk::url_encode(sdk::string_field(in, "name")) +
        "&fields=id,name,created_at,updated_at,primary_email_address,primary_phone_number");
    json::array with_email, without_email;
    if (const json::value* list = Data(found); list && list->is_array())
      for (auto& c : list->get_array()) {
        if (!c.is_object()) continue;
        const json::object& contact = c.get_object();
        json::array matters = Matters(clio, contact, false, false, false);
        json::object additional{{"logTimeEntry", true}};
        if (!matters.empty()) {
          additional["matters"] = std::move(matters);
          additional["billableStatus"] = BillableOptions();
        }
        const std::string email = js::text_or_empty(sdk::field(contact, "primary_email_address"));
        json::object entry{{"id", value_or(contact, "id")},
                           {"name", value_or(contact, "name")},
                           {"type", "contact"},
                           {"phone", js::text_or_empty(sdk::field(contact, "primary_phone_number"))},
                           {"email", email},
                           {"createdDate", value_or(contact, "created_at")},
                           {"mostRecentActivityDate", value_or(contact, "updated_at")},
                           {"additionalInfo", std::move(additional)}};
        (email.empty() ? without_email : with_email).push_back(std::move(entry));
      }
    for (auto& c : without_email)
      with_email.push_back(std::move(c));
    return json::object{{"successful", true},
                        {"matchedContactInfo", std::move(with_email)},
                        {"extraDataTracking", clio.tracking()}};
  }

  json::value createContact(sdk::Call& call, const json::object& in) {
    Session clio(call, in);
    std::string type = sdk::string_field(in, "newContactType");
    if (type.empty()) type = "Person";
    json::value made = clio.Send(
        "POST", "contacts.json",
        json::object{{"name", sdk::string_field(in, "newContactName")},
                     {"type", type},
                     {"phone_numbers",
                      json::array{json::object{{"name", "Work"},
                                               {"number", sdk::string_field(in, "phoneNumber")},
                                               {"default_number", true}}}}});
    const json::value* data = Data(made);
    return json::object{
        {"contactInfo",
         json::object{{"id", IdOf(made)},
                      {"name", js::get(data, "name") ? *js::get(data, "name") : json::value()}}},
        {"returnMessage", return_message("Contact created.", "success", 2000)},
        {"extraDataTracking", clio.tracking()}};
  }

  // A phone communication between the user and the contact (on the chosen matter), then a time
  // entry for its duration unless the user turned time entries off.
  json::value createCallLog(sdk::Call& call, const json::object& in) {
    Session clio(call, in);
    const json::object& user = object_of(in, "user");
    const json::object& log = object_of(in, "callLog");
    const json::object& contact = object_of(in, "contactInfo");
    const json::object& submission = object_of(in, "additionalSubmission");
    const std::string me = UserCrmId(user);
    const bool outbound = text(log, "direction") == "Outbound";
    // Server-side logging for another extension: that user is the call's party.
    const json::value* assignee = sdk::contract::assigned_crm_user(in);
    json::object user_side{{"id", assignee ? *assignee : json::value(me)}, {"type", "User"}};
    json::object contact_side{{"id", value_or(contact, "id")}, {"type", "Contact"}};
    std::string details = sdk::string_field(in, "composedLogDetails");
    if (details.empty()) details = "No details available";
    const std::string subject = sdk::field(log, "customSubject")
                                    ? js::to_string(log.at("customSubject"))
                                    : "[Call] " + text(log, "direction") + " Call " +
                                          (outbound ? "to" : "from") + " " + text(contact, "name") +
                                          " [" + text(contact, "phoneNumber") + "]";
    const std::string when =
        sdk::time::format_iso8601(TimeOr(sdk::field(log, "startTime"), call.now_ms()));
    json::object data{
        {"subject", subject},
        {"body", details},
        {"type", "PhoneCommunication"},
        {"received_at", when},
        {"senders", json::array{outbound ? user_side : contact_side}},
        {"receivers", json::array{outbound ? contact_side : user_side}},
        {"notification_event_subscribers", json::array{json::object{{"user_id", me}}}}};
    const json::value* matter = sdk::field(submission, "matters");
    if (js::truthy(matter)) data["matter"] = json::object{{"id", *matter}};
    json::value made = clio.Send("POST", "communications.json", std::move(data));
    const json::value id = IdOf(made);
    json::object result{{"logId", id},
                        {"returnMessage", return_message("Call logged", "success", 2000)}};
    if (TimeEntriesEnabled(user)) {
      // The communication exists: a failed time entry must not hide its id (a retry would log
      // the call twice).
      try {
        json::object entry{{"communication", json::object{{"id", id}}},
                           {"quantity", value_or(log, "duration", 0)},
                           {"date", when},
                           {"type", "TimeEntry"},
                           {"non_billable", NonBillable(user, submission)},
                           {"note", details}};
        if (js::truthy(matter)) entry["matter"] = json::object{{"id", *matter}};
        clio.Send("POST", "activities.json", std::move(entry));
      } catch (const sdk::UpstreamError& e) {
        call.warn("Clio communication created, but its time entry failed: " +
                  std::string(e.what()));
      }
    }
    result["extraDataTracking"] = clio.tracking();
    return result;
  }

  json::value getCallLog(sdk::Call& call, const json::object& in) {
    Session clio(call, in);
    std::string id = text(in, "callLogId");
    id = id.substr(0, id.find('.'));
    json::value found = clio.Get("communications/" + sdk::url_encode(id) +
                                 ".json?fields=subject,body,matter,senders,receivers,id");
    const json::value* data = Data(found);
    if (!data || !data->is_object())
      throw sdk::UpstreamError(200, "Clio answered no communication");
    const json::object& comm = data->get_object();
    const std::string body = js::text_or_empty(sdk::field(comm, "body"));
    json::object info{{"subject", value_or(comm, "subject")}};
    if (sdk::contract::has_plain_text_note(body)) info["note"] = sdk::contract::plain_text_note(body);
    info["fullBody"] = body;
    info["fullLogResponse"] = comm;
    // The contact is whichever participant is not a user.
    const json::value* contact_id = nullptr;
    for (const char* side : {"senders", "receivers"}) {
      const json::value* first = First(js::get(comm, side));
      if (!contact_id && first && first->is_object() &&
          sdk::string_field(first->get_object(), "type") != "User")
        contact_id = js::get(first, "id");
    }
    if (contact_id) {
      json::value person =
          clio.Get("contacts/" + sdk::url_encode(js::to_string(*contact_id)) + ".json?fields=name");
      if (const json::value* name = js::get(Data(person), "name")) info["contactName"] = *name;
    }
    json::object dispositions;
    if (const json::value* m = js::get(js::get(comm, "matter"), "id")) dispositions["matters"] = *m;
    info["dispositions"] = std::move(dispositions);
    return json::object{{"callLogInfo", std::move(info)}, {"extraDataTracking", clio.tracking()}};
  }

  // The re-composed body (lines typed in Clio survive: the host merges into what getCallLog
  // read), and the time entry's duration and note.
  json::value updateCallLog(sdk::Call& call, const json::object& in) {
    Session clio(call, in);
    const json::object& user = object_of(in, "user");
    const std::string id = CommunicationId(object_of(in, "existingCallLog"));
    const std::string details = sdk::string_field(in, "composedLogDetails");
    json::object data{{"body", details}};
    if (auto* s = sdk::field(in, "subject"); js::truthy(s)) data["subject"] = *s;
    if (const json::value* assignee = sdk::contract::assigned_crm_user(in)) {
      // The user's side of the existing communication moves to the assigned user.
      const json::object* existing = sdk::object_field(in, "existingCallLogDetails");
      for (const char* side : {"senders", "receivers"}) {
        const json::value* first = existing ? First(js::get(*existing, side)) : nullptr;
        if (first && first->is_object() &&
            sdk::string_field(first->get_object(), "type") == "User") {
          data[side] = json::array{json::object{{"id", *assignee}, {"type", "User"}}};
          break;
        }
      }
    }
    const json::value* start = sdk::field(in, "startTime");
    std::string when;
    if (js::truthy(start)) {
      when = sdk::time::format_iso8601(TimeOr(start, call.now_ms()));
      data["received_at"] = when;
    }
    if (js::truthy(sdk::field(in, "duration")) && TimeEntriesEnabled(user)) {
      json::value entries = clio.Get("activities.json?communication_id=" + sdk::url_encode(id) +
                                     "&fields=quantity,id");
      if (const json::value* first = First(Data(entries)); first && first->is_object()) {
        json::object patch{{"quantity", in.at("duration")}, {"note", details}};
        if (!when.empty()) patch["date"] = when;
        clio.Send("PATCH",
                  "activities/" + sdk::url_encode(text(first->get_object(), "id")) + ".json",
                  std::move(patch));
      }
    }
    clio.Send("PATCH", "communications/" + sdk::url_encode(id) + ".json", std::move(data));
    return json::object{{"updatedNote", details},
                        {"returnMessage", return_message("Call log updated.", "success", 2000)},
                        {"extraDataTracking", clio.tracking()}};
  }

  // The matter is the disposition Clio has.
  json::value upsertCallDisposition(sdk::Call& call, const json::object& in) {
    const json::value* matter = js::get(object_of(in, "dispositions"), "matters");
    if (!js::truthy(matter)) return json::object{{"logId", nullptr}};
    Session clio(call, in);
    const std::string id = CommunicationId(object_of(in, "existingCallLog"));
    clio.Send("PATCH", "communications/" + sdk::url_encode(id) + ".json",
              json::object{{"matter", json::object{{"id", *matter}}}});
    return json::object{{"logId", id}, {"extraDataTracking", clio.tracking()}};
  }

  // One communication per conversation (per day): a plain-text summary that later messages are
  // added to; voicemail, fax and media get their link.
  json::value createMessageLog(sdk::Call& call, const json::object& in) {
    Session clio(call, in);
    const json::object& user = object_of(in, "user");
    const json::object& contact = object_of(in, "contactInfo");
    const json::object& message = object_of(in, "message");
    const json::object& shared = object_of(in, "sharedSMSLogContent");
    const json::object& submission = object_of(in, "additionalSubmission");
    const int offset = UserOffset(user);
    const std::string user_name = UserName(clio);
    const std::string name = text(contact, "name");
    int64_t when = TimeOr(sdk::field(message, "creationTime"), call.now_ms());
    std::string subject, body;
    if (js::truthy(js::get(shared, "subject")) && js::truthy(js::get(shared, "body"))) {
      subject = text(shared, "subject");
      body = text(shared, "body");
      when = TimeOr(sdk::field(shared, "conversationCreatedDate"), when);
    } else if (js::truthy(sdk::field(in, "recordingLink"))) {
      subject =
          "Voicemail left by " + name + " - " + sdk::time::format_moment(when, offset, "MM/DD/YYYY");
      body = "Voicemail recording link: " + text(in, "recordingLink") +
             " \n\n--- Created via RingCentral App Connect";
    } else if (js::truthy(sdk::field(in, "faxDocLink"))) {
      // The fax PDF goes into Clio Documents (under the matter, else the contact); the log
      // links to it, or to RingCentral's copy when the upload fails.
      subject = "Fax document sent from " + name + " - " +
                sdk::time::format_moment(when, offset, "YY/MM/DD");
      const std::optional<std::string> doc =
          UploadDocument(clio, text(in, "faxDownloadLink"),
                         text(message, "direction") + " Fax - " + name + " - " +
                             sdk::time::format_moment(when, 0, "MM/DD/YYYY") + ".pdf",
                         in, when);
      if (doc) {
        const bool inbound = text(message, "direction") == "Inbound";
        const json::value* location = inbound ? js::get(js::get(message, "from"), "location")
                                              : js::get(First(js::get(message, "to")), "location");
        body = "Fax uploaded to Clio successfully.\nFax Status: " +
               js::text_or_empty(sdk::field(message, "messageStatus")) +
               "\nPage count: " + js::text_or_empty(sdk::field(message, "faxPageCount")) +
               "\nFax document link: " + DocumentLink(clio, *doc) +
               "\nLocation: " + js::text_or_empty(location) +
               " \n\n--- Created via RingCentral App Connect";
      } else {
        body = "Fax failed to be uploaded to Clio.\nFax document link: " + text(in, "faxDocLink") +
               " \n\n--- Created via RingCentral App Connect";
      }
    } else {
      subject = "SMS conversation with " + name + " - " +
                sdk::time::format_moment(when, offset, "MM/DD/YYYY");
      std::string others;
      if (auto* cs = sdk::field(in, "correspondents"); cs && cs->is_array())
        for (auto& c : cs->get_array()) {
          const json::value* who = c.is_array() && !c.get_array().empty() ? &c.get_array()[0] : &c;
          const json::value* n = js::get(who, "name");
          if (!others.empty()) others += "\n";
          others += "    " + (n ? js::to_string(*n) : std::string("Unknown"));
        }
      body = "\nConversation summary\n" +
             sdk::time::format_moment(when, offset, "dddd, MMMM DD, YYYY") + "\nParticipants\n    " +
             user_name + "\n    " + name + "\n" + others +
             "\nConversation(1 messages)\nBEGIN\n------------\n" +
             MessageLine(message, contact, user_name, offset) + "\n" +
             MessageText(clio, in, message) +
             "\n------------\nEND\n\n--- Created via RingCentral App Connect";
    }
    json::object data{
        {"subject", subject},
        {"body", body},
        {"type", "PhoneCommunication"},
        {"received_at", sdk::time::format_iso8601(when)},
        {"senders", json::array{json::object{{"id", value_or(contact, "id")}, {"type", "Contact"}}}},
        {"receivers", json::array{json::object{{"id", UserCrmId(user)}, {"type", "User"}}}},
        {"notification_event_subscribers",
         json::array{json::object{{"user_id", UserCrmId(user)}}}}};
    const json::value* matter = sdk::field(submission, "matters");
    if (js::truthy(matter)) data["matter"] = json::object{{"id", *matter}};
    json::value made = clio.Send("POST", "communications.json", std::move(data));
    const json::value id = IdOf(made);
    json::object result{{"logId", id},
                        {"returnMessage", return_message("Message logged", "success", 1000)},
                        {"extraDataTracking", clio.tracking()}};
    SmsTimeEntry(clio, in, js::to_string(id));
    return result;
  }

  // Adds one message before the END marker and counts it (or takes a shared conversation's whole
  // text).
  json::value updateMessageLog(sdk::Call& call, const json::object& in) {
    Session clio(call, in);
    const json::object& user = object_of(in, "user");
    const json::object& message = object_of(in, "message");
    const json::object& shared = object_of(in, "sharedSMSLogContent");
    const std::string id = CommunicationId(object_of(in, "existingMessageLog"));
    std::string body;
    if (js::truthy(js::get(shared, "body"))) {
      body = text(shared, "body");
    } else {
      json::value current = clio.Get("communications/" + sdk::url_encode(id) + ".json?fields=body");
      body = js::text_or_empty(js::get(Data(current), "body"));
      const std::string line =
          MessageLine(message, object_of(in, "contactInfo"), UserName(clio), UserOffset(user)) +
          "\n" + MessageText(clio, in, message) + "\n\n";
      if (auto at = body.find("------------\nEND"); at != std::string::npos) body.insert(at, line);
      const std::string head = "Conversation(";
      if (auto at = body.find(head); at != std::string::npos) {
        const size_t num = at + head.size();
        const size_t close = body.find(" messages)", num);
        if (close != std::string::npos && close - num < 10)
          body.replace(num, close - num,
                       std::to_string(std::atoi(body.substr(num, close - num).c_str()) + 1));
      }
    }
    clio.Send("PATCH", "communications/" + sdk::url_encode(id) + ".json",
              json::object{{"body", body}});
    json::object result{{"extraDataTracking", clio.tracking()}};
    SmsTimeEntry(clio, in, id);
    return result;
  }

  // ---- appointments: Clio calendar entries ----------------------------------------------

  // Every entry the user can see (Clio applies no date filter here), as appointments; with a
  // range {startDate, endDate} (YYYY-MM-DD, UTC days) only those starting within it.
  json::value listAppointments(sdk::Call& call, const json::object& in) {
    Session clio(call, in);
    json::value listed =
        clio.Get("calendar_entries.json?fields=" +
                 sdk::url_encode("id,summary,start_at,end_at,description,attendees{id,name,type}"));
    std::optional<int64_t> from, to;
    if (const json::value* range = sdk::field(in, "range"); range && range->is_object()) {
      const json::object& r = range->get_object();
      from = sdk::time::parse_iso8601(sdk::string_field(r, "startDate"));
      to = sdk::time::parse_iso8601(sdk::string_field(r, "endDate"));
      if (to) *to += 86400000 - 1;  // through the end of that day
    }
    json::array appointments;
    const json::value* entries = Data(listed);
    if (entries && entries->is_array()) {
      for (const json::value& e : entries->get_array()) {
        if (!e.is_object()) continue;
        const json::object& o = e.get_object();
        const auto start = sdk::time::parse_iso8601(sdk::string_field(o, "start_at"));
        const auto end = sdk::time::parse_iso8601(sdk::string_field(o, "end_at"));
        if (from && to && (!start || *start < *from || *start > *to)) continue;
        const json::value id = o.contains("id") && !o.at("id").is_null()
                                   ? json::value(js::to_string(o.at("id")))
                                   : json::value();
        json::array attendees;
        if (const json::value* list = sdk::field(o, "attendees"); list && list->is_array())
          for (const json::value& a : list->get_array())
            if (const json::value* aid = js::get(&a, "id"); aid && !aid->is_null())
              attendees.push_back(json::object{{"id", *aid},
                                               {"name", value_or(a.get_object(), "name")},
                                               {"type", value_or(a.get_object(), "type")}});
        appointments.push_back(json::object{
            {"thirdPartyAppointmentId", id},
            {"id", id},
            {"title", js::text_or_empty(sdk::field(o, "summary"))},
            {"description", js::text_or_empty(sdk::field(o, "description"))},
            {"participantName", ""},
            {"startTimeUtc", start ? json::value(sdk::time::format_iso8601(*start)) : json::value()},
            {"durationMinutes", start && end ? DurationMinutes(*start, *end) : 0},
            {"status", "scheduled"},
            {"contactId", ""},
            {"attendees", std::move(attendees)}});
      }
    }
    return json::object{{"appointments", std::move(appointments)}};
  }

  // A calendar entry on the user's own writeable calendar (else any writeable one), with the
  // payload's contacts as attendees and no email notification.
  json::value createAppointment(sdk::Call& call, const json::object& in) {
    Session clio(call, in);
    const json::object& payload = object_of(in, "payload");
    const json::value calendar = WriteableCalendarId(clio);
    if (calendar.is_null()) return Refusal("No writeable calendar found in Clio.");
    const std::string start = sdk::string_field(payload, "startTimeUtc");
    json::object data{
        {"calendar_owner", json::object{{"id", calendar}}},
        {"summary", payload.contains("title") ? payload.at("title") : value_or(payload, "summary")},
        {"description", js::text_or_empty(sdk::field(payload, "summary"))},
        {"start_at", start.empty() ? json::value() : json::value(start)},
        {"end_at", EndAt(start, sdk::field(payload, "durationMinutes"))},
        {"send_email_notification", false}};
    if (data["summary"].is_null()) data["summary"] = "Appointment";
    json::array attendees = ContactAttendees(sdk::field(payload, "contacts"));
    if (!attendees.empty()) data["attendees"] = std::move(attendees);
    json::value created = clio.Send("POST", "calendar_entries.json?fields=" + kEntryFields, data);
    json::object appointment = Appointment(Data(created));
    return json::object{{"appointmentId", appointment["id"]}, {"appointment", appointment}};
  }

  // Title, summary, time and attendees, each only if the patch names it; attendees not in the
  // new list are removed (_destroy), the rest kept or added. Clio has no appointment status.
  json::value updateAppointment(sdk::Call& call, const json::object& in) {
    Session clio(call, in);
    const json::object& patch = object_of(in, "patchBody");
    const bool other_fields = std::any_of(patch.begin(), patch.end(),
                                          [](const auto& kv) { return kv.key() != "status"; });
    if (patch.contains("status") && !other_fields)
      return Refusal("Clio does not support appointment status changes.");
    const std::string path = "calendar_entries/" + sdk::url_encode(text(in, "appointmentId"));
    json::value existing = clio.Get(path + ".json?fields=" + kEntryReadFields);
    if (!Data(existing) || !Data(existing)->is_object())
      return Refusal("Appointment not found in Clio.");
    json::object data;
    if (patch.contains("title")) data["summary"] = patch.at("title");
    if (patch.contains("summary")) data["description"] = patch.at("summary");
    if (patch.contains("startTimeUtc")) {
      const std::string start = sdk::string_field(patch, "startTimeUtc");
      data["start_at"] = patch.at("startTimeUtc");
      data["end_at"] = EndAt(start, sdk::field(patch, "durationMinutes"));
    }
    if (const json::value* contacts = sdk::field(patch, "contacts");
        contacts && contacts->is_array()) {
      json::array wanted = ContactAttendees(contacts);
      std::set<std::string> keep;
      for (auto& a : wanted)
        keep.insert(js::to_string(a.at("id")));
      json::array attendees;
      std::set<std::string> removed;
      if (const json::value* had = js::get(Data(existing), "attendees"); had && had->is_array())
        for (const json::value& a : had->get_array())
          if (const json::value* aid = js::get(&a, "id"); aid && !aid->is_null()) {
            const std::string key = js::to_string(*aid);
            if (!keep.count(key) && removed.insert(key).second)
              attendees.push_back(
                  json::object{{"id", *aid}, {"type", "Contact"}, {"_destroy", true}});
          }
      for (auto& a : wanted)
        attendees.push_back(std::move(a));
      data["attendees"] = std::move(attendees);
    }
    json::value updated = clio.Send("PATCH", path + ".json?fields=" + kEntryFields, data);
    return json::object{{"appointment", Appointment(Data(updated))}};
  }

  json::value refreshAppointment(sdk::Call& call, const json::object& in) {
    Session clio(call, in);
    json::value found = clio.Get("calendar_entries/" + sdk::url_encode(text(in, "appointmentId")) +
                                 ".json?fields=" + kEntryReadFields);
    if (!Data(found) || !Data(found)->is_object()) return Refusal("Appointment not found in Clio.");
    return json::object{{"appointment", Appointment(Data(found))}};
  }

  // Clio has no cancelled state: the entry is deleted.
  json::value cancelAppointment(sdk::Call& call, const json::object& in) {
    Session clio(call, in);
    clio.Request("DELETE",
                 "calendar_entries/" + sdk::url_encode(text(in, "appointmentId")) + ".json");
    return json::object{
        {"successful", true},
        {"returnMessage", return_message("Appointment cancelled successfully.", "success", 5000)}};
  }

  static constexpr auto operations() {
    using Op = sdk::Operation<Clio>;
    return std::array{
        Op{"getAuthType", &Clio::getAuthType},
        Op{"getLogFormatType", &Clio::getLogFormatType},
        Op{"getOauthInfo", &Clio::getOauthInfo},
        Op{"getUserInfo", &Clio::getUserInfo},
        Op{"refreshUserInfo", &Clio::refreshUserInfo},
        Op{"unAuthorize", &Clio::unAuthorize},
        Op{"getUserList", &Clio::getUserList},
        Op{"findContact", &Clio::findContact},
        Op{"findContactWithName", &Clio::findContactWithName},
        Op{"createContact", &Clio::createContact},
        Op{"createCallLog", &Clio::createCallLog},
        Op{"getCallLog", &Clio::getCallLog},
        Op{"updateCallLog", &Clio::updateCallLog},
        Op{"upsertCallDisposition", &Clio::upsertCallDisposition},
        Op{"createMessageLog", &Clio::createMessageLog},
        Op{"updateMessageLog", &Clio::updateMessageLog},
        Op{"listAppointments", &Clio::listAppointments},
        Op{"createAppointment", &Clio::createAppointment},
        Op{"updateAppointment", &Clio::updateAppointment},
        Op{"refreshAppointment", &Clio::refreshAppointment},
        Op{"cancelAppointment", &Clio::cancelAppointment},
    };
  }

 private:
  // Fields asked for when writing and when reading one calendar entry (percent-encoded).
  static inline const std::string kEntryFields = sdk::url_encode(
      "id,summary,description,start_at,end_at,attendees,external_properties,calendar_owner_id");
  static inline const std::string kEntryReadFields = sdk::url_encode(
      "id,summary,description,start_at,end_at,attendees{id,name,type},"
      "external_properties,calendar_owner_id");

  static json::object Refusal(std::string message) {
    return json::object{{"successful", false},
                        {"returnMessage", return_message(std::move(message), "warning", 5000)}};
  }

  static int64_t DurationMinutes(int64_t start_ms, int64_t end_ms) {
    return std::max<int64_t>(0, (end_ms - start_ms + 30000) / 60000);  // rounded, never negative
  }

  // start + duration minutes, as an ISO instant; null without a start.
  static json::value EndAt(const std::string& start, const json::value* duration) {
    const auto start_ms = sdk::time::parse_iso8601(start);
    if (!start_ms) return nullptr;
    double minutes = 0;
    if (duration && duration->is_number()) minutes = duration->to_number<double>();
    return json::value(sdk::time::format_iso8601(*start_ms + int64_t(minutes * 60000)));
  }

  // Contact ids (numbers, numeric strings or {id}) as Clio attendees; anything else is dropped.
  static json::array ContactAttendees(const json::value* contacts) {
    json::array out;
    if (!contacts || !contacts->is_array()) return out;
    std::set<int64_t> seen;
    for (const json::value& c : contacts->get_array()) {
      const json::value* id = c.is_object() ? js::get(&c, "id") : &c;
      if (!id) continue;
      const std::string text = js::to_string(*id);
      int64_t n = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
      if (ec != std::errc() || end != text.data() + text.size() || !seen.insert(n).second) continue;
      out.push_back(json::object{{"id", n}, {"type", "Contact"}});
    }
    return out;
  }

  // The user's own writeable calendar, else any writeable one; null when there is none.
  static json::value WriteableCalendarId(Session& clio) {
    const std::string fields = "&order=" + sdk::url_encode("id(desc)") +
                               "&limit=1&fields=" + sdk::url_encode("id,type,permission,visible");
    json::value own = clio.Get("calendars.json?owner=true&writeable=true&visible=true&type=" +
                               std::string("UserCalendar") + fields);
    if (const json::value* id = js::get(First(Data(own)), "id"); id && !id->is_null()) return *id;
    json::value any = clio.Get("calendars.json?writeable=true&visible=true" + fields);
    const json::value* id = js::get(First(Data(any)), "id");
    return id ? *id : json::value();
  }

  // A calendar entry as an App Connect appointment; the rc* external properties (set by other
  // App Connect clients) win over the entry's own fields, as in the reference.
  static json::object Appointment(const json::value* entry) {
    const json::object empty;
    const json::object& e = entry && entry->is_object() ? entry->get_object() : empty;
    std::map<std::string, json::value> props;
    if (const json::value* list = sdk::field(e, "external_properties"); list && list->is_array())
      for (const json::value& p : list->get_array())
        if (const json::value* name = js::get(&p, "name"); name && name->is_string())
          props[std::string(name->get_string())] = value_or(p.get_object(), "value");
    auto prop = [&](const char* name) -> const json::value* {
      auto it = props.find(name);
      return it == props.end() || it->second.is_null() ? nullptr : &it->second;
    };
    const json::value* attendee = First(sdk::field(e, "attendees"));
    json::array attendee_ids;
    if (const json::value* list = sdk::field(e, "attendees"); list && list->is_array())
      for (const json::value& a : list->get_array())
        if (const json::value* aid = js::get(&a, "id"); aid && !aid->is_null())
          attendee_ids.push_back(json::value(js::to_string(*aid)));
    const json::value* attendee_id = js::get(attendee, "id");
    auto or_attendee = [&](const char* property, const json::value* fallback) -> json::value {
      if (const json::value* p = prop(property)) return *p;
      return fallback && !fallback->is_null() ? *fallback : json::value();
    };
    const auto start = sdk::time::parse_iso8601(sdk::string_field(e, "start_at"));
    const auto end = sdk::time::parse_iso8601(sdk::string_field(e, "end_at"));
    const json::value* id = sdk::field(e, "id");
    json::value contact_id =
        prop("rcAppointmentContactId")
            ? *prop("rcAppointmentContactId")
            : (attendee_id && !attendee_id->is_null() ? json::value(js::to_string(*attendee_id))
                                                      : json::value());
    return json::object{
        {"id", id && !id->is_null() ? json::value(js::to_string(*id)) : json::value()},
        {"participantName", or_attendee("rcAppointmentParticipantName", js::get(attendee, "name"))},
        {"contactId", contact_id},
        {"contactType", or_attendee("rcAppointmentContactType", js::get(attendee, "type"))},
        {"attendeeIds", std::move(attendee_ids)},
        {"title", or_attendee("rcAppointmentTitle", sdk::field(e, "summary"))},
        {"summary", value_or(e, "description")},
        {"startTimeUtc", value_or(e, "start_at")},
        {"durationMinutes", start && end ? json::value(DurationMinutes(*start, *end)) : nullptr},
        {"status",
         prop("rcAppointmentStatus") ? *prop("rcAppointmentStatus") : json::value("tentative")}};
  }

  static json::array BillableOptions() {
    return json::array{json::object{{"const", "billable"}, {"title", "Billable"}},
                       json::object{{"const", "non-billable"}, {"title", "Non-billable"}}};
  }

  // The contact's matters as log options: those it is the client of, then those it relates to.
  // Closed matters are left out unless `closed`; `with_status` prefixes the description with the
  // status; `all_pages` follows the relationships' paging.
  static json::array Matters(Session& clio, const json::object& contact, bool closed,
                             bool with_status, bool all_pages) {
    const std::string id = sdk::url_encode(text(contact, "id"));
    json::array out;
    auto add = [&](const json::value& m) {
      if (!m.is_object()) return;
      const json::object& o = m.get_object();
      const std::string status = js::text_or_empty(sdk::field(o, "status"));
      if (!closed && status == "Closed") return;
      // As the reference builds them: the status always (when Clio sent one); the description
      // raw, or as the text "<status> - <description>" (JavaScript's "null"/"undefined" in it).
      auto as_text = [](const json::value* v) {
        return !v             ? std::string("undefined")
               : v->is_null() ? std::string("null")
                              : js::to_string(*v);
      };
      const json::value* description = o.if_contains("description");
      json::object option{{"const", value_or(o, "id")}, {"title", value_or(o, "display_number")}};
      if (with_status)
        option["description"] = as_text(o.if_contains("status")) + " - " + as_text(description);
      else if (description)
        option["description"] = *description;
      if (const json::value* st = o.if_contains("status")) option["status"] = *st;
      out.push_back(std::move(option));
    };
    json::value direct = clio.Get(
        "matters.json?client_id=" + id + "&fields=id,display_number,description,status", false);
    if (const json::value* list = Data(direct); list && list->is_array())
      for (auto& m : list->get_array())
        add(m);
    std::string next =
        "relationships.json?contact_id=" + id +
        "&fields=matter%7Bid,display_number,description,status%7D";  // braces: matter{...}
    for (int page = 0; !next.empty() && page < 50; ++page) {
      json::value related = clio.Get(next);
      if (const json::value* list = Data(related); list && list->is_array())
        for (auto& r : list->get_array())
          if (const json::value* m = js::get(&r, "matter")) add(*m);
      const json::value* link = js::get(js::get(js::get(&related, "meta"), "paging"), "next");
      next = all_pages && link && link->is_string() ? std::string(link->get_string()) : "";
    }
    return out;
  }

  // The billable flag of a call's time entry: the form's choice, else the user's default
  // setting (non-billable unless it says "billable", as the reference).
  static bool NonBillable(const json::object& user, const json::object& submission) {
    if (const json::value* v = submission.if_contains("nonBillable")) return js::truthy(v);
    if (const json::value* v = sdk::field(submission, "billableStatus"))
      return js::to_string(*v) != "billable";
    const json::value* setting = sdk::contract::user_setting(user, "clioDefaultNonBillableTick");
    if (!setting) return true;
    if (setting->is_bool()) return setting->get_bool();
    return js::to_string(*setting) != "billable";
  }

  // A time entry for an outbound SMS when the user tracks SMS time: the typing time, at least
  // the configured minimum. A failure is logged; the message stays logged.
  void SmsTimeEntry(Session& clio, const json::object& in, const std::string& communication_id) {
    const json::object& user = object_of(in, "user");
    const json::object& message = object_of(in, "message");
    if (!js::truthy(sdk::contract::user_setting(user, "smsTimeTrackingEnabled")) ||
        text(message, "direction") != "Outbound")
      return;
    try {
      const double typed = js::to_number(value_or(message, "typingDurationMs", 0)) / 1000.0;
      const json::value* min_v = sdk::contract::user_setting(user, "smsTimeTrackingMinimumDuration");
      int minimum = min_v ? std::atoi(js::to_string(*min_v).c_str()) : 30;
      if (minimum <= 0) minimum = 30;
      const double quantity = std::max(std::isnan(typed) ? 0.0 : typed, double(minimum));
      const int64_t when = TimeOr(sdk::field(message, "creationTime"), clio.call().now_ms());
      const int offset = UserOffset(user);
      const json::value* billable =
          sdk::contract::user_setting(user, "smsTimeTrackingDefaultBillable");
      json::object entry{
          {"type", "TimeEntry"},
          {"date", sdk::time::format_moment(when, 0, "YYYY-MM-DD")},
          {"quantity", quantity == std::floor(quantity) ? json::value(int64_t(quantity))
                                                        : json::value(quantity)},
          {"note", "SMS message with " + text(object_of(in, "contactInfo"), "name") + " sent on " +
                       sdk::time::format_moment(when, offset, "MM/DD/YYYY") + " at " +
                       sdk::time::format_moment(when, offset, "HH:mm:ss")},
          {"communication", json::object{{"id", communication_id}}},
          {"non_billable", billable && js::to_string(*billable) == "non-billable"}};
      if (const json::value* matter = sdk::field(object_of(in, "additionalSubmission"), "matters");
          js::truthy(matter))
        entry["matter"] = json::object{{"id", *matter}};
      clio.Send("POST", "activities.json", std::move(entry));
    } catch (const sdk::UpstreamError& e) {
      clio.call().warn("Clio SMS time entry failed: " + std::string(e.what()));
    }
  }

  static std::string UserCrmId(const json::object& user) {
    const std::string id = text(user, "id");
    return id.substr(0, id.find('-'));
  }
  static int UserOffset(const json::object& user) {
    const json::value* v = user.if_contains("timezoneOffset");
    return v ? sdk::time::utc_offset_minutes(*v) : 0;
  }
  static std::string UserName(Session& clio) {
    json::value me = clio.Get("users/who_am_i.json?fields=name", false);
    return js::text_or_empty(js::get(Data(me), "name"));
  }

  // "<who> hh:mm A": the contact (with number) for inbound, else the user.
  static std::string MessageLine(const json::object& message, const json::object& contact,
                                 const std::string& user_name, int offset) {
    const bool inbound = text(message, "direction") == "Inbound";
    const int64_t when = TimeOr(sdk::field(message, "creationTime"), 0);
    return (inbound ? text(contact, "name") + " (" + text(contact, "phoneNumber") + ")"
                    : user_name) +
           " " + sdk::time::format_moment(when, offset, "hh:mm A");
  }

  // The message's text. An MMS image is uploaded into Clio Documents and linked (RingCentral's
  // viewer link if the upload fails); a video adds its link.
  static std::string MessageText(Session& clio, const json::object& in,
                                 const json::object& message) {
    const std::string subject = sdk::field(message, "subject") ? text(message, "subject") : "N/A";
    if (js::truthy(sdk::field(in, "imageDownloadLink"))) {
      const int64_t when = TimeOr(sdk::field(message, "creationTime"), clio.call().now_ms());
      const std::string type = text(in, "imageContentType");
      const std::optional<std::string> doc =
          UploadDocument(clio, text(in, "imageDownloadLink"),
                         text(message, "direction") + " Image Message - " +
                             text(object_of(in, "contactInfo"), "name") + " - " +
                             sdk::time::format_moment(when, 0, "MM/DD/YYYY") + "." +
                             type.substr(type.find('/') + 1),
                         in, when);
      if (doc) return "[Message]: " + subject + "\n[Link]: " + DocumentLink(clio, *doc);
      return "[Message]: " + subject + "\n[Link - failed to upload]: " + text(in, "imageLink");
    }
    for (const char* key : {"imageLink", "videoLink"})
      if (js::truthy(sdk::field(in, key)))
        return "[Message]: " + subject + "\n[Link]: " + text(in, key);
    return sdk::field(message, "subject") ? subject : "undefined";
  }

  static std::string DocumentLink(const Session& clio, const std::string& document_id) {
    return "https://" + clio.host() + "/nc/#/documents/" + document_id + "/details";
  }

  // Clio's three-step upload: fetch the media from RingCentral first (its access token may not
  // outlive a slow upload), create the document under the matter chosen on the form (else the
  // contact), PUT the bytes to the storage URL Clio hands out with its headers, then mark the
  // version fully uploaded. Returns the document id once Clio says it is complete; nullopt
  // (having said why in the log) on any failure, so the log is still written.
  static std::optional<std::string> UploadDocument(Session& clio, const std::string& download,
                                                   const std::string& name, const json::object& in,
                                                   int64_t when) {
    sdk::Call& call = clio.call();
    if (download.empty()) return std::nullopt;
    try {
      // RingCentral may send the bytes from its media host: follow (the policy judges each hop).
      auto media = call.http_headers("GET", download, {}, {}, 0, CRMH_HTTP_FOLLOW_REDIRECTS);
      if (!media.ok())
        throw sdk::UpstreamError(
            media.status,
            "RingCentral answered HTTP " + std::to_string(media.status) + " for the media");
      const json::value* matter = sdk::field(object_of(in, "additionalSubmission"), "matters");
      const bool on_matter = js::truthy(matter);
      json::object parent{{"id", on_matter ? *matter : value_or(object_of(in, "contactInfo"), "id")},
                          {"type", on_matter ? "Matter" : "Contact"}};
      json::value created = clio.Send(
          "POST",
          "documents.json?fields=" + sdk::url_encode("id,latest_document_version{uuid,put_url,"
                                                     "put_headers}"),
          json::object{{"name", name},
                       {"parent", std::move(parent)},
                       {"received_at", sdk::time::format_iso8601(when)}});
      const json::value* doc = Data(created);
      const json::value* version = js::get(doc, "latest_document_version");
      const json::value* id = js::get(doc, "id");
      const std::string put_url = js::text_or_empty(js::get(version, "put_url"));
      if (!id || put_url.rfind("https://", 0) != 0)
        throw sdk::UpstreamError(200, "Clio gave no document id or upload URL");
      std::vector<std::string> header_text;  // owns what the views below point at
      if (const json::value* hs = js::get(version, "put_headers"); hs && hs->is_array())
        for (const json::value& h : hs->get_array()) {
          header_text.push_back(js::text_or_empty(js::get(&h, "name")));
          header_text.push_back(js::text_or_empty(js::get(&h, "value")));
        }
      std::vector<std::pair<std::string_view, std::string_view>> headers;
      for (size_t i = 0; i + 1 < header_text.size(); i += 2)
        if (!header_text[i].empty()) headers.emplace_back(header_text[i], header_text[i + 1]);
      auto put = call.http_headers("PUT", put_url, headers, media.body);
      if (!put.ok())
        throw sdk::UpstreamError(put.status,
                                  "document storage answered HTTP " + std::to_string(put.status));
      const std::string doc_id = js::to_string(*id);
      json::value done = clio.Send(
          "PATCH",
          "documents/" + sdk::url_encode(doc_id) +
              ".json?fields=" + sdk::url_encode("id,latest_document_version{fully_uploaded}"),
          json::object{{"uuid", value_or(version->get_object(), "uuid")}, {"fully_uploaded", true}});
      if (!js::truthy(js::get(js::get(Data(done), "latest_document_version"), "fully_uploaded")))
        throw sdk::UpstreamError(200, "Clio did not mark the document uploaded");
      return doc_id;
    } catch (const std::exception& e) {
      call.warn(std::string("uploading ") + name + " into Clio Documents failed: " + e.what());
      return std::nullopt;
    }
  }
};

}  // namespace clio

CRMHOST_PLUGIN(clio::Clio)
