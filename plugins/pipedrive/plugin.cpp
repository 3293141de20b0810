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
#include <crmhost/plugin.hpp>
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/phone.hpp>
#include <crmhost/sdk/time.hpp>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>

extern const char kPipedriveManifest[];  // manifest.json, embedded at build time

namespace pipedrive {
namespace json = boost::json;
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;
using sdk::contract::return_message;
using sdk::contract::text;

namespace {

constexpr const char* kApiOrigin = "https://api.pipedrive.com";
constexpr const char* kOAuthOrigin = "https://oauth.pipedrive.com";
constexpr const char* kTokenUri = "https://oauth.pipedrive.com/oauth/token";
constexpr const char* kDefaultRedirectUri =
    "https://unified-crm-extension.labs.ringcentral.com/pipedrive-redirect";
constexpr int64_t kActivityTypesTtlMs = 24 * 3600 * 1000;

// A value of `o` or null (JSON null and absent alike).
json::value ValueOf(const json::object& o, std::string_view key) {
  const json::value* v = js::get(o, key);
  return v ? *v : json::value();
}

// Number(v) as JSON: an integer when it is one, null for NaN (JSON.stringify(NaN)).
json::value NumberOf(const json::value& v) {
  const double d = js::to_number(v);
  if (std::isnan(d) || std::isinf(d)) return nullptr;
  if (d == std::trunc(d) && std::fabs(d) < 9e15) return int64_t(d);
  return d;
}

// The Pipedrive user id: Number of the part of user.id before the first "-".
json::value OwnerId(const json::object& user) {
  const std::string id = sdk::string_field(user, "id");
  return NumberOf(json::value(id.substr(0, id.find('-'))));
}

// Seconds -> "HH:MM", minutes rounded up by one as the reference does ("00:01" for 0..59 s).
std::string Duration(const json::value* v) {
  if (!v || !v->is_number()) return "00:00";
  double secs = v->to_number<double>();
  if (!(secs > 0)) secs = 0;
  int64_t hours = int64_t(secs / 3600);
  int64_t minutes = int64_t(std::fmod(secs, 3600) / 60) + 1;
  if (minutes == 60) ++hours, minutes = 0;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02lld:%02lld", (long long)hours, (long long)minutes);
  return buf;
}

int64_t TimeOr(const json::value* v, int64_t fallback) {
  if (v)
    if (auto ms = sdk::time::parse_timestamp(*v)) return *ms;
  return fallback;
}

std::string Lower(std::string s) {
  for (char& c : s)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// additionalSubmission.deals / .leads; "" without a submission (absent stays absent).
struct Related {
  std::optional<json::value> deal, lead;
};
Related RelatedOf(const json::object& in) {
  const json::value* sub = js::get(in, "additionalSubmission");
  Related r;
  if (!js::truthy(sub)) {
    r.deal = json::value("");
    r.lead = json::value("");
    return r;
  }
  if (sub->is_object()) {
    if (auto* d = sub->get_object().if_contains("deals")) r.deal = *d;
    if (auto* l = sub->get_object().if_contains("leads")) r.lead = *l;
  }
  return r;
}

// The agent's note of a composed HTML body: between "<b>Agent notes</b>" and the following
// "<b>Call details</b>", without any "<br>".
std::string AgentNote(const std::string& body) {
  const std::string head = "<b>Agent notes</b>", tail = "<b>Call details</b>";
  const size_t at = body.find(head);
  if (at == std::string::npos) return "";
  const size_t begin = at + head.size();
  const size_t end = body.find(tail, begin);
  if (end == std::string::npos) return "";
  std::string note = body.substr(begin, end - begin);
  for (size_t p = note.find("<br>"); p != std::string::npos; p = note.find("<br>", p))
    note.erase(p, 4);
  return note;
}

// One operation's requests to Pipedrive: the user's Authorization header on every call, JSON in
// and out, and the rate-limit headers of the last answer (the reference's extraDataTracking).
class Session {
 public:
  Session(sdk::Call& call, const json::object& in)
      : call_(call), auth_(sdk::string_field(in, "authHeader")) {
    std::string host = sdk::string_field(object_of(in, "user"), "hostname");
    for (const char* scheme : {"https://", "http://"})
      if (host.rfind(scheme, 0) == 0) host.erase(0, std::strlen(scheme));
    while (!host.empty() && host.back() == '/')
      host.pop_back();
    if (!host.empty()) base_ = "https://" + host;
  }

  // GET/POST/PATCH on the user's company host.
  json::value Get(const std::string& path) { return Send("GET", path, nullptr); }
  json::value Send(std::string_view method, const std::string& path, const json::value* body) {
    if (base_.empty()) throw sdk::UpstreamError(0, "no Pipedrive hostname for this user");
    return Request(method, base_, path, body);
  }
  // GET on api.pipedrive.com (users/me where the reference asks it).
  json::value GetApi(const std::string& path) { return Request("GET", kApiOrigin, path, nullptr); }

  const json::object& tracking() const { return tracking_; }
  sdk::Call& call() { return call_; }

 private:
  json::value Request(std::string_view method, const std::string& origin, const std::string& path,
                      const json::value* body) {
    const std::string payload = body ? json::serialize(*body) : std::string();
    std::vector<std::pair<std::string_view, std::string_view>> hs{{"Authorization", auth_},
                                                                  {"Accept", "application/json"}};
    if (body) hs.emplace_back("Content-Type", "application/json");
    sdk::HttpResponse resp = call_.http_headers(method, origin + path, hs, payload);
    const std::string what = std::string(method) + " " + path.substr(0, path.find('?'));
    if (!resp.ok())
      throw sdk::UpstreamError(
          resp.status, "Pipedrive answered HTTP " + std::to_string(resp.status) + " to " + what);
    tracking_ = json::object();
    for (auto [field, header] : {std::pair{"ratelimitRemaining", "x-ratelimit-remaining"},
                                 std::pair{"ratelimitAmount", "x-ratelimit-limit"},
                                 std::pair{"ratelimitReset", "x-ratelimit-reset"}})
      for (auto& h : resp.headers)
        if (h.name == header) tracking_[field] = h.value;
    if (resp.body.empty()) return nullptr;
    boost::system::error_code ec;
    json::value v = json::parse(resp.body, ec);
    if (ec) throw sdk::UpstreamError(resp.status, "Pipedrive answered invalid JSON to " + what);
    return v;
  }

  sdk::Call& call_;
  std::string auth_;
  std::string base_;
  json::object tracking_;
};

// answer.data of a Pipedrive answer ({success, data}); null when absent.
const json::value* DataOf(const json::value& answer) {
  return js::get(&answer, "data");
}

}  // namespace

class Pipedrive {
 public:
  static constexpr const char* kName = "pipedrive";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kManifest = kPipedriveManifest;

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
      Session s(call, in);
      json::value me = s.GetApi("/v1/users/me");
      const json::value* data = DataOf(me);
      const json::value* id = js::get(data, "id");
      if (!id) throw sdk::UpstreamError(200, "no user id in users/me");
      const json::object& d = data->get_object();
      json::object additional;
      for (auto [to, from] :
           {std::pair{"companyId", "company_id"}, std::pair{"companyName", "company_name"},
            std::pair{"companyDomain", "company_domain"}})
        if (auto* v = d.if_contains(from)) additional[to] = *v;
      // The login starts with hostname "temp": the company's own host replaces it.
      const std::string hostname = sdk::string_field(in, "hostname");
      const std::string domain = js::text_or_empty(js::get(d, "company_domain"));
      // The company host: users/me's company_domain, else the api_domain of the token answer.
      std::string company = domain.empty() ? "" : domain + ".pipedrive.com";
      if (company.empty()) {
        std::string api = js::text_or_empty(js::get(object_of(in, "data"), "api_domain"));
        if (auto p = api.find("://"); p != std::string::npos) api.erase(0, p + 3);
        if (IsPipedriveHost(api)) company = api;
      }
      json::value overriding = nullptr;
      if (!company.empty() && !IsPipedriveHost(hostname)) overriding = company;
      json::object user{{"id", js::to_string(*id) + "-pipedrive"},
                        {"name", ValueOf(d, "name")},
                        {"timezoneName", ValueOf(d, "timezone_name")},
                        {"timezoneOffset", ValueOf(d, "timezone_offset")},
                        {"platformAdditionalInfo", std::move(additional)},
                        {"overridingHostname", std::move(overriding)}};
      return json::object{
          {"successful", true},
          {"platformUserInfo", std::move(user)},
          {"returnMessage", return_message("Connected to Pipedrive.", "success", 1000)}};
    } catch (const std::exception& e) {
      call.warn(std::string("Pipedrive login failed: ") + e.what());
      return sdk::contract::login_failed("Pipedrive", "Could not load user information");
    }
  }

  // Revokes the refresh token, then the access token; a refusal keeps the user logged in (the
  // host answers the error) so the logout can be retried.
  json::value unAuthorize(sdk::Call& call, const json::object& in) {
    const json::object& user = object_of(in, "user");
    const std::string basic =
        "Basic " + sdk::base64_encode(ClientId(call) + ":" + ClientSecret(call));
    for (const char* which : {"refreshToken", "accessToken"}) {
      const std::string token = sdk::string_field(user, which);
      if (token.empty()) continue;
      sdk::HttpResponse r = call.http(
          "POST", std::string(kOAuthOrigin) + "/oauth/revoke",
          {{"Authorization", basic}, {"Content-Type", "application/x-www-form-urlencoded"}},
          "token=" + sdk::url_encode(token));
      if (!r.ok())
        throw sdk::UpstreamError(
            r.status, "Pipedrive token revocation answered HTTP " + std::to_string(r.status));
    }
    return json::object{
        {"returnMessage", return_message("Logged out of Pipedrive", "success", 1000)},
        {"userUpdate", json::object{{"accessToken", ""}, {"refreshToken", ""}}}};
  }

  // Company users for admin user mapping (deleted users left out).
  json::value getUserList(sdk::Call& call, const json::object& in) {
    Session s(call, in);
    json::value users = s.Get("/api/v1/users");
    json::array out;
    if (const json::value* list = DataOf(users); list && list->is_array())
      for (auto& u : list->get_array()) {
        if (!u.is_object() || js::truthy(js::get(u.get_object(), "is_deleted"))) continue;
        json::object entry;
        for (const char* k : {"id", "name", "email"})
          if (auto* v = u.get_object().if_contains(k)) entry[k] = *v;
        out.push_back(std::move(entry));
      }
    return out;
  }

  json::value getAccountDataKeys(sdk::Call&, const json::object&) {
    return json::object{{"activityTypes", json::object{{"ttlMs", kActivityTypesTtlMs}}}};
  }

  // Active activity types as {const: key_string, title: name}; also refreshes our own cache.
  json::value fetchAccountData(sdk::Call& call, const json::object& in) {
    if (sdk::string_field(in, "key") != "activityTypes")
      throw sdk::InvalidInput("unknown account data key " + text(in, "key"));
    Session s(call, in);
    return FetchActivityTypes(s, object_of(in, "user"));
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
    Session s(call, in);
    json::array matched = Search(s, term, "phone", &phone);
    matched.push_back(json::object{
        {"id", "createNewContact"}, {"name", "Create new contact..."}, {"isNewContact", true}});
    return json::object{{"successful", true},
                        {"matchedContactInfo", std::move(matched)},
                        {"extraDataTracking", s.tracking()}};
  }

  json::value findContactWithName(sdk::Call& call, const json::object& in) {
    Session s(call, in);
    json::array matched = Search(s, sdk::string_field(in, "name"), "name", nullptr);
    return json::object{{"successful", true},
                        {"matchedContactInfo", std::move(matched)},
                        {"extraDataTracking", s.tracking()}};
  }

  // A person with the number as their phone (the form's contact type is not used).
  json::value createContact(sdk::Call& call, const json::object& in) {
    Session s(call, in);
    const json::value body = json::object{{"name", ValueOf(in, "newContactName")},
                                          {"phone", ValueOf(in, "phoneNumber")}};
    json::value made = s.Send("POST", "/v1/persons", &body);
    const json::value* data = DataOf(made);
    const json::value* id = js::get(data, "id");
    if (!id) throw sdk::UpstreamError(200, "Pipedrive did not return the new person's id");
    return json::object{
        {"contactInfo", json::object{{"id", *id}, {"name", ValueOf(data->get_object(), "name")}}},
        {"returnMessage", return_message("Contact created.", "success", 2000)},
        {"extraDataTracking", s.tracking()}};
  }

  // One done activity of the call type, with the composed HTML as its note, the person as its
  // primary participant, and the chosen deal (or else lead) and the person's organisation.
  json::value createCallLog(sdk::Call& call, const json::object& in) {
    Session s(call, in);
    const json::object& user = object_of(in, "user");
    const json::object& log = object_of(in, "callLog");
    const json::object& contact = object_of(in, "contactInfo");
    const Related related = RelatedOf(in);
    const json::value org = PersonOrg(s, contact);
    const int64_t start = TimeOr(js::get(log, "startTime"), call.now_ms());
    const std::optional<json::value> assignee = AssignedOwner(call, in);

    const json::value subject = CallSubject(log, contact);
    json::object body{{"owner_id", assignee ? *assignee : OwnerId(user)},
                      {"subject", subject},
                      {"duration", Duration(js::get(log, "duration"))}};
    if (related.deal) body["deal_id"] = *related.deal;
    body["note"] = ValueOf(in, "composedLogDetails");
    body["done"] = true;
    body["due_date"] = sdk::time::format_moment(start, 0, "YYYY-MM-DD");
    body["due_time"] = sdk::time::format_moment(start, 0, "HH:mm");
    body["participants"] = Participants(contact);
    if (!js::truthy(related.deal ? &*related.deal : nullptr) &&
        js::truthy(related.lead ? &*related.lead : nullptr))
      body["lead_id"] = *related.lead;
    if (js::truthy(org)) body["org_id"] = org;

    const std::optional<std::string> type =
        ResolveActivityType(s, in, "pipedriveCallActivityType", "call");
    if (!type) return NoActivityType("Call", "call");
    body["type"] = *type;
    const json::value payload = body;
    json::value created = s.Send("POST", "/api/v2/activities", &payload);
    const json::value* id = js::get(DataOf(created), "id");
    if (!id) throw sdk::UpstreamError(200, "Pipedrive did not return the new activity's id");
    return json::object{{"logId", *id},
                        {"returnMessage", return_message("Call logged", "success", 2000)},
                        {"extraDataTracking", s.tracking()}};
  }

  // After a crash (docs/PLUGIN_ABI.md, findCallLogForSession): the activity createCallLog made
  // for this call, if Pipedrive holds it. What createCallLog writes identifies it: the person,
  // the subject, the due date and minute, and the duration.
  json::value findCallLogForSession(sdk::Call& call, const json::object& in) {
    Session s(call, in);
    const json::object& log = object_of(in, "callLog");
    const json::object& contact = object_of(in, "contactInfo");
    const json::value* start_v = js::get(log, "startTime");
    if (!start_v) return json::object{{"logId", nullptr}};  // created "now": nothing to match
    const int64_t start = TimeOr(start_v, call.now_ms());
    const std::string subject = js::to_string(CallSubject(log, contact));
    const std::string date = sdk::time::format_moment(start, 0, "YYYY-MM-DD");
    const std::string time = sdk::time::format_moment(start, 0, "HH:mm");
    const std::string duration = Duration(js::get(log, "duration"));
    json::value listed = s.Get(
        "/api/v2/activities?person_id=" + sdk::url_encode(text(contact, "id")) + "&limit=100");
    const json::value* data = DataOf(listed);
    if (data && data->is_array())
      for (const json::value& a : data->get_array()) {
        if (js::text_or_empty(js::get(&a, "subject")) == subject &&
            js::text_or_empty(js::get(&a, "due_date")) == date &&
            js::text_or_empty(js::get(&a, "due_time")) == time &&
            js::text_or_empty(js::get(&a, "duration")) == duration && js::get(&a, "id"))
          return json::object{{"logId", *js::get(&a, "id")},
                              {"returnMessage", return_message("Call logged", "success", 2000)},
                              {"extraDataTracking", s.tracking()}};
      }
    return json::object{{"logId", nullptr}};
  }

  json::value getCallLog(sdk::Call& call, const json::object& in) {
    Session s(call, in);
    json::value answer = s.Get("/api/v2/activities/" + sdk::url_encode(text(in, "callLogId")));
    const json::value* data = DataOf(answer);
    const json::object empty;
    const json::object& a = data && data->is_object() ? data->get_object() : empty;
    const std::string body = js::text_or_empty(js::get(a, "note"));
    std::string contact_name = "Unknown";
    const json::value* people = js::get(js::get(&answer, "related_objects"), "person");
    if (people && people->is_object() && !people->get_object().empty())
      if (const json::value* n = js::get(&people->get_object().begin()->value(), "name"))
        contact_name = js::to_string(*n);
    json::object dispositions;
    if (auto* v = a.if_contains("deal_id")) dispositions["deals"] = *v;
    if (auto* v = a.if_contains("lead_id")) dispositions["leads"] = *v;
    json::object info{{"subject", ValueOf(a, "subject")},
                      {"note", AgentNote(body)},
                      {"contactName", contact_name},
                      {"fullBody", body},
                      {"fullLogResponse", data ? *data : json::value()},
                      {"dispositions", std::move(dispositions)}};
    return json::object{{"callLogInfo", std::move(info)}, {"extraDataTracking", s.tracking()}};
  }

  // The note the host re-composed from the current one, plus the subject and duration when
  // given; deal, lead, type and participants are left as they are.
  json::value updateCallLog(sdk::Call& call, const json::object& in) {
    Session s(call, in);
    const std::string id = text(object_of(in, "existingCallLog"), "thirdPartyLogId");
    const std::optional<json::value> assignee = AssignedOwner(call, in);
    json::object body;
    if (auto* note = in.if_contains("composedLogDetails")) body["note"] = *note;
    if (auto* subject = js::get(in, "subject"); js::truthy(subject)) body["subject"] = *subject;
    if (auto* duration = js::get(in, "duration"); js::truthy(duration))
      body["duration"] = Duration(duration);
    if (assignee) body["owner_id"] = *assignee;
    const json::value payload = body;
    s.Send("PATCH", "/api/v2/activities/" + sdk::url_encode(id), &payload);
    return json::object{{"updatedNote", body.contains("note") ? body["note"] : json::value()},
                        {"returnMessage", return_message("Call log updated.", "success", 2000)},
                        {"extraDataTracking", s.tracking()}};
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
    Session s(call, in);
    s.Send("PATCH", "/api/v2/activities/" + sdk::url_encode(text(existing, "thirdPartyLogId")),
           &body);
    return json::object{{"logId", ValueOf(existing, "thirdPartyLogId")},
                        {"extraDataTracking", s.tracking()}};
  }

  // One done activity of the SMS type per conversation (the host appends later messages through
  // updateMessageLog); voicemail and fax get one line with their link.
  json::value createMessageLog(sdk::Call& call, const json::object& in) {
    Session s(call, in);
    const json::object& user = object_of(in, "user");
    const json::object& contact = object_of(in, "contactInfo");
    const json::object& message = object_of(in, "message");
    const json::value* shared_v = js::get(in, "sharedSMSLogContent");
    const json::object& shared = object_of(in, "sharedSMSLogContent");
    const std::string user_name = js::text_or_empty(js::get(DataOf(s.Get("/v1/users/me")), "name"));
    const json::value org = PersonOrg(s, contact);
    const Related related = RelatedOf(in);
    const int64_t when = shared_v
                             ? TimeOr(js::get(shared, "conversationCreatedDate"), call.now_ms())
                             : TimeOr(js::get(message, "creationTime"), call.now_ms());

    const std::optional<std::string> type =
        ResolveActivityType(s, in, "pipedriveSMSActivityType", "sms");
    if (!type) return NoActivityType("Message", "sms");

    std::string subject, note;
    if (js::truthy(js::get(shared, "body")) && js::truthy(js::get(shared, "subject"))) {
      subject = text(shared, "subject");
      note = text(shared, "body");
    } else {
      const int offset = OffsetOf(user);
      const int64_t created = TimeOr(js::get(message, "creationTime"), call.now_ms());
      const std::string day = sdk::time::format_moment(created, offset, "YY/MM/DD");
      const std::string name = text(contact, "name");
      if (js::truthy(js::get(in, "recordingLink"))) {
        subject = "Voicemail left by " + name + " - " + day;
        note = "<br><b>" + subject +
               "</b><br>Voicemail recording link: " + text(in, "recordingLink") +
               " <br><br>--- Created via RingCentral App Connect";
      } else if (js::truthy(js::get(in, "faxDocLink"))) {
        subject = "Fax document sent from " + name + " - " + day;
        note = "<br><b>" + subject + "</b><br>Fax document link: " + text(in, "faxDocLink") +
               " <br><br>--- Created via RingCentral App Connect";
      } else {
        subject = "SMS conversation with " + name + " - " + day;
        std::string others;
        if (auto* cs = js::get(in, "correspondents"); cs && cs->is_array())
          for (auto& c : cs->get_array()) {
            const json::value* who =
                c.is_array() && !c.get_array().empty() ? &c.get_array()[0] : &c;
            const json::value* n = js::get(who, "name");
            others += "<li><b>" + (n ? js::to_string(*n) : std::string("Unknown")) + "</b></li>";
          }
        note = "<br><b>" + subject + "</b><br><b>Conversation summary</b><br>" +
               sdk::time::format_moment(created, offset, "dddd, MMMM DD, YYYY") +
               "<br>Participants<br><ul><li><b>" + user_name + "</b><br></li><li><b>" + name +
               "</b></li>" + others +
               "</ul><br>Conversation(1 messages)<br>BEGIN<br>------------<br><ul>" +
               MessageItem(message, contact, user_name, offset) +
               "</ul>------------<br>END<br><br>--- Created via RingCentral App Connect";
      }
    }
    json::object body{{"owner_id", OwnerId(user)}, {"subject", subject}};
    if (related.deal) body["deal_id"] = *related.deal;
    body["note"] = note;
    body["done"] = true;
    body["due_date"] = sdk::time::format_moment(when, 0, "YYYY-MM-DD");
    body["due_time"] = sdk::time::format_moment(when, 0, "HH:mm");
    body["type"] = *type;
    body["participants"] = Participants(contact);
    if (!js::truthy(related.deal ? &*related.deal : nullptr) &&
        js::truthy(related.lead ? &*related.lead : nullptr))
      body["lead_id"] = *related.lead;
    if (js::truthy(org)) body["org_id"] = org;
    const json::value payload = body;
    json::value created = s.Send("POST", "/api/v2/activities", &payload);
    const json::value* id = js::get(DataOf(created), "id");
    if (!id) throw sdk::UpstreamError(200, "Pipedrive did not return the new activity's id");
    return json::object{{"logId", *id},
                        {"returnMessage", return_message("Message logged", "success", 1000)},
                        {"extraDataTracking", s.tracking()}};
  }

  // Adds one message at the end of the conversation's list and counts it (a shared conversation's
  // whole note is replaced instead).
  json::value updateMessageLog(sdk::Call& call, const json::object& in) {
    Session s(call, in);
    const json::object& user = object_of(in, "user");
    const json::object& shared = object_of(in, "sharedSMSLogContent");
    const std::string id = text(object_of(in, "existingMessageLog"), "thirdPartyLogId");
    const std::string path = "/api/v2/activities/" + sdk::url_encode(id);
    const Related related = RelatedOf(in);
    std::string note;
    if (js::truthy(js::get(shared, "body"))) {
      note = text(shared, "body");
    } else {
      const std::string user_name =
          js::text_or_empty(js::get(DataOf(s.GetApi("/v1/users/me")), "name"));
      note = js::text_or_empty(js::get(DataOf(s.Get(path)), "note"));
      const std::string marker = "</ul>------------<br>";
      if (size_t at = note.find(marker); at != std::string::npos)
        note.insert(at, MessageItem(object_of(in, "message"), object_of(in, "contactInfo"), user_name,
                                    OffsetOf(user)));
      const std::string head = "<br>Conversation(";
      if (size_t at = note.find(head); at != std::string::npos) {
        const size_t num = at + head.size();
        const size_t close = note.find(" messages)", num);
        if (close != std::string::npos && close - num < 10)
          note.replace(num, close - num,
                       std::to_string(std::atoll(note.substr(num, close - num).c_str()) + 1));
      }
    }
    json::object body{{"note", note}};
    if (related.deal) body["deal_id"] = *related.deal;
    if (!js::truthy(related.deal ? &*related.deal : nullptr) &&
        js::truthy(related.lead ? &*related.lead : nullptr))
      body["lead_id"] = *related.lead;
    const json::value payload = body;
    s.Send("PATCH", path, &payload);
    return json::object{{"extraDataTracking", s.tracking()}};
  }

  static constexpr auto operations() {
    using Op = sdk::Operation<Pipedrive>;
    return std::array{
        Op{"getAuthType", &Pipedrive::getAuthType},
        Op{"getLogFormatType", &Pipedrive::getLogFormatType},
        Op{"getOauthInfo", &Pipedrive::getOauthInfo},
        Op{"getUserInfo", &Pipedrive::getUserInfo},
        Op{"unAuthorize", &Pipedrive::unAuthorize},
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
  // The activity subject of a call: the client's custom subject (as sent), else "<Direction>
  // Call to/from <contact>".
  static json::value CallSubject(const json::object& log, const json::object& contact) {
    if (const json::value* custom = js::get(log, "customSubject")) return *custom;
    const std::string direction = text(log, "direction");
    return json::value(direction + " Call " + (direction == "Outbound" ? "to" : "from") + " " +
                       text(contact, "name"));
  }

  static std::string ClientId(sdk::Call& call) {
    return call.setting("oauth_client_id").value_or("");
  }
  static std::string ClientSecret(sdk::Call& call) {
    return call.setting("oauth_client_secret").value_or("");
  }

  // "acme.pipedrive.com" (or "https://acme.pipedrive.com"): a company host we may send tokens to.
  static bool IsPipedriveHost(std::string host) {
    for (const char* scheme : {"https://", "http://"})
      if (host.rfind(scheme, 0) == 0) host = host.substr(std::strlen(scheme));
    while (!host.empty() && host.back() == '/')
      host.pop_back();
    host = Lower(host);
    const std::string suffix = ".pipedrive.com";
    if (host.size() <= suffix.size() ||
        host.compare(host.size() - suffix.size(), suffix.size(), suffix) != 0)
      return false;
    for (char c : host.substr(0, host.size() - suffix.size()))
      if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-')) return false;
    return true;
  }

  // The user's UTC offset (Pipedrive's "-05:00") in minutes, for message dates.
  static int OffsetOf(const json::object& user) {
    const json::value* v = user.if_contains("timezoneOffset");
    return v ? sdk::time::utc_offset_minutes(*v) : 0;
  }

  static json::array Participants(const json::object& contact) {
    return json::array{
        json::object{{"person_id", NumberOf(ValueOf(contact, "id"))}, {"primary", true}}};
  }

  // The organisation of the person a log is for: org_id, or "".
  static json::value PersonOrg(Session& s, const json::object& contact) {
    json::value person = s.Get("/api/v2/persons/" + sdk::url_encode(text(contact, "id")));
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

  // "<li>{sender} {hh:mm A}<br><b>{text}</b></li>": the contact (with number) for inbound
  // messages, else the user.
  static std::string MessageItem(const json::object& message, const json::object& contact,
                                 const std::string& user_name, int offset) {
    const bool inbound = text(message, "direction") == "Inbound";
    const int64_t when = TimeOr(js::get(message, "creationTime"), 0);
    return "<li>" +
           (inbound ? text(contact, "name") + " (" + text(contact, "phoneNumber") + ")"
                    : user_name) +
           " " + sdk::time::format_moment(when, offset, "hh:mm A") + "<br><b>" +
           text(message, "subject") + "</b></li>";
  }

  // persons/search by phone or name; each person with their open deals and their leads.
  static json::array Search(Session& s, const std::string& term, std::string_view field,
                            const std::string* phone) {
    json::value found = s.Get("/api/v2/persons/search?term=" + sdk::url_encode(term) +
                              "&fields=" + std::string(field));
    json::array matched;
    const json::value* items = js::get(DataOf(found), "items");
    if (!items || !items->is_array()) return matched;
    for (auto& entry : items->get_array()) {
      const json::value* item = js::get(&entry, "item");
      if (!item || !item->is_object()) continue;
      matched.push_back(FormatPerson(s, item->get_object(), phone));
    }
    return matched;
  }

  static json::object FormatPerson(Session& s, const json::object& item, const std::string* phone) {
    const std::string id = sdk::url_encode(text(item, "id"));
    json::object additional;
    // Deals: failures reach the caller, as in the reference. The double "&&" is the reference's.
    json::value deals = s.Get("/api/v2/deals?person_id=" + id + "&&status=open");
    if (json::array options = Options(DataOf(deals)); !options.empty())
      additional["deals"] = std::move(options);
    // Leads: a user without access to leads still gets the person.
    try {
      json::value leads = s.Get("/v1/leads?person_id=" + id);
      if (json::array options = Options(DataOf(leads)); !options.empty())
        additional["leads"] = std::move(options);
    } catch (const sdk::UpstreamError& e) {
      s.call().warn(std::string("Pipedrive leads not read: ") + e.what());
    }
    json::object out{{"id", ValueOf(item, "id")}, {"name", ValueOf(item, "name")}};
    if (phone) out["phone"] = *phone;
    if (auto* v = js::get(item, "add_time")) out["createdDate"] = *v;
    if (auto* v = js::get(item, "update_time")) out["mostRecentActivityDate"] = *v;
    const json::value* org = js::get(js::get(item, "organization"), "name");
    out["organization"] = org ? *org : json::value("");
    out["type"] = "contact";
    out["additionalInfo"] = std::move(additional);
    return out;
  }

  // [{const: id, title}] of a deals or leads list.
  static json::array Options(const json::value* list) {
    json::array out;
    if (!list || !list->is_array()) return out;
    for (auto& d : list->get_array())
      if (d.is_object())
        out.push_back(json::object{{"const", ValueOf(d.get_object(), "id")},
                                   {"title", ValueOf(d.get_object(), "title")}});
    return out;
  }

  // ---- activity types ------------------------------------------------------------------------

  static std::string TypesKey(const json::object& user) {
    const std::string account = js::text_or_empty(js::get(user, "rcAccountId"));
    return "activityTypes/" +
           (account.empty() ? "host:" + sdk::string_field(user, "hostname") : account);
  }

  // GET /v1/activityTypes: the active ones, stored for later resolutions.
  static json::array FetchActivityTypes(Session& s, const json::object& user) {
    json::value answer = s.Get("/v1/activityTypes");
    json::array types;
    if (const json::value* list = DataOf(answer); list && list->is_array())
      for (auto& t : list->get_array())
        if (t.is_object() && js::truthy(js::get(t.get_object(), "active_flag")))
          types.push_back(json::object{{"const", ValueOf(t.get_object(), "key_string")},
                                       {"title", ValueOf(t.get_object(), "name")}});
    s.call().kv_put(TypesKey(user), json::serialize(json::object{{"fetchedAt", s.call().now_ms()},
                                                                 {"types", types}}));
    return types;
  }

  // The cached types (fetched when absent, older than a day or `force`d; a failed refresh serves
  // what we had). *fetched tells whether Pipedrive was asked.
  static json::array ActivityTypes(Session& s, const json::object& user, bool force,
                                   bool* fetched) {
    std::optional<json::array> cached;
    bool fresh = false;
    if (auto raw = s.call().kv_get(TypesKey(user))) {
      boost::system::error_code ec;
      json::value v = json::parse(*raw, ec);
      if (!ec && js::get(&v, "types") && js::get(&v, "types")->is_array()) {
        cached = js::get(&v, "types")->get_array();
        const json::value* at = js::get(&v, "fetchedAt");
        fresh = at && at->is_number() &&
                at->to_number<int64_t>() + kActivityTypesTtlMs > s.call().now_ms();
      }
    }
    if (cached && fresh && !force) return *cached;
    *fetched = true;
    try {
      return FetchActivityTypes(s, user);
    } catch (const sdk::UpstreamError& e) {
      if (!cached) throw;
      s.call().warn(std::string("Pipedrive activity types not refreshed, using cached: ") +
                    e.what());
      return *cached;
    }
  }

  // The answer when no activity type fits `kind` ("Call", "Message"): the reference's message,
  // naming the `word` a type must contain.
  static json::object NoActivityType(const std::string& kind, const std::string& word) {
    return json::object{
        {"logId", nullptr},
        {"returnMessage",
         json::object{{"messageType", "error"},
                      {"message", kind +
                                      " logging requires an active activity type containing the "
                                      "word \"" +
                                      word +
                                      "\" (case insensitive), or one explicitly assigned by an "
                                      "admin under Admin > Account settings."},
                      {"ttl", 2000}}}};
  }

  // The key_string to log with: the configured one when it is active, else the first type whose
  // name contains `keyword`; nullopt when there is none.
  static std::optional<std::string> ResolveActivityType(Session& s, const json::object& in,
                                                        std::string_view setting_id,
                                                        std::string_view keyword) {
    const json::object& user = object_of(in, "user");
    // The admin's choice (AdminConfig.userSettings) when the host passes it as adminConfig,
    // else the user's own setting of the same id.
    const json::value* configured_v =
        sdk::contract::user_setting(object_of(in, "adminConfig"), setting_id);
    if (!configured_v) configured_v = sdk::contract::user_setting(user, setting_id);
    const std::string configured = js::truthy(configured_v) ? js::to_string(*configured_v) : "";
    auto by_const = [&](const json::array& types) -> std::optional<std::string> {
      for (auto& t : types)
        if (const json::value* c = js::get(&t, "const"); c && js::to_string(*c) == configured)
          return configured;
      return std::nullopt;
    };
    auto by_keyword = [&](const json::array& types) -> std::optional<std::string> {
      for (auto& t : types) {
        const json::value* title = js::get(&t, "title");
        const json::value* c = js::get(&t, "const");
        if (title && c && Lower(js::to_string(*title)).find(keyword) != std::string::npos)
          return js::to_string(*c);
      }
      return std::nullopt;
    };
    bool fetched = false;
    json::array types = ActivityTypes(s, user, false, &fetched);
    if (!configured.empty()) {
      if (auto k = by_const(types)) return k;
      if (!fetched) {
        types = ActivityTypes(s, user, true, &fetched);
        if (auto k = by_const(types)) return k;
      }
    }
    if (auto k = by_keyword(types)) return k;
    if (!fetched) {
      types = ActivityTypes(s, user, true, &fetched);
      if (auto k = by_keyword(types)) return k;
    }
    return std::nullopt;
  }
};

}  // namespace pipedrive

CRMHOST_PLUGIN(pipedrive::Pipedrive)
