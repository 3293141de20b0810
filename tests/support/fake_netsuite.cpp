#include "support/fake_netsuite.h"

#include <crmhost/plugin.hpp>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <optional>
#include <utility>

#include "support/fake_suiteql.h"

namespace crmhost::testing {
namespace json = boost::json;

namespace {

constexpr const char* kTokenPath = "/services/rest/auth/oauth2/v1/token";
constexpr const char* kRevokePath = "/services/rest/auth/oauth2/v1/revoke";
constexpr const char* kSuiteQlPath = "/services/rest/query/v1/suiteql";
constexpr const char* kRecordPrefix = "/services/rest/record/v1/";
constexpr const char* kRestletPath = "/app/site/hosting/restlet.nl";
constexpr const char* kInvalidLogin =
    "Invalid login attempt. For more details, see the Login Audit Trail in the NetSuite UI at "
    "Setup > Users/Roles > User Management > View Login Audit Trail.";
constexpr const char* kNoRecord =
    "The record instance does not exist. Provide a valid record instance ID.";
constexpr const char* kBadQuery =
    "Invalid search query. Detailed unprocessed description follows. ";

const std::set<std::string> kRecordTypes = {"phonecall", "contact", "customer", "vendor",
                                            "calendarevent"};

// The SuiteApp's RESTlets: documented deployment and the methods each script implements.
struct Script {
  const char* script;
  const char* deploy;
  const char* methods;
};
constexpr Script kScripts[] = {
    {"customscript_getcurrentuser", "customdeploy_getcurrentuser", "GET"},
    {"customscript_getoneworldlicense_scriptid", "customdeploy_getoneworldlicense_deployid", "GET"},
    {"customscript_checkrolepermissionscriptid", "customdeploy_checkrolepermissiondeployid",
     "POST"},
    {"customscript_gettimezone", "customdeploy_gettimezone", "GET"},
    {"customscript_createusernotes", "customdeploy_createusernotes", "POST PUT"},
    {"customscript_getappconnectfolderbyname", "customdeploy_getappconnectfolderbyname", "GET"},
    {"customscript_createappconnectfolder", "customdeploy_createappconnectfolder", "POST"},
    {"customscript_createappconnectfile", "customdeploy_createappconnectfile", "POST"},
    {"customscript_attachfilewithphonecalls", "customdeploy_attachfilewithphonecalls", "POST"},
    {"customscript_rcfetchcalendarevents", "customdeploy_rcfetchcalendarevents", "GET"},
};

using suiteql::AsText;
using suiteql::Lower;

// NetSuite's error body: RFC 9457 problem details with o:errorDetails.
FakeResponse NsError(int status, const std::string& detail, std::string code = "") {
  struct Kind {
    int status;
    const char* type;  // after https://www.rfc-editor.org/rfc/
    const char* title;
    const char* code;  // o:errorCode when the caller names none
  };
  static constexpr Kind kKinds[] = {
      {400, "rfc9110.html#section-15.5.1", "Bad Request", "USER_ERROR"},
      {401, "rfc9110.html#section-15.5.2", "Unauthorized", "INVALID_LOGIN"},
      {403, "rfc9110.html#section-15.5.4", "Forbidden", "INSUFFICIENT_PERMISSION"},
      {404, "rfc9110.html#section-15.5.5", "Not Found", "NONEXISTENT_ID"},
      {405, "rfc9110.html#section-15.5.6", "Method Not Allowed", "METHOD_NOT_ALLOWED"},
      {415, "rfc9110.html#section-15.5.16", "Unsupported Media Type", "INVALID_CONTENT_TYPE"},
      {429, "rfc6585.html#section-4", "Too Many Requests", "CONCURRENCY_LIMIT_EXCEEDED"},
      {500, "rfc9110.html#section-15.6.1", "Internal Server Error", "UNEXPECTED_ERROR"},
      {503, "rfc9110.html#section-15.6.4", "Service Unavailable", "UNEXPECTED_ERROR"},
  };
  Kind kind{status, "rfc9110.html#section-15", "Error", "UNEXPECTED_ERROR"};
  for (const Kind& k : kKinds)
    if (k.status == status) kind = k;
  FakeResponse r = JsonReply(
      status, json::object{{"type", std::string("https://www.rfc-editor.org/rfc/") + kind.type},
                           {"title", kind.title},
                           {"status", status},
                           {"o:errorDetails",
                            json::array{json::object{
                                {"detail", detail},
                                {"o:errorCode", code.empty() ? std::string(kind.code) : code}}}}});
  r.content_type = "application/vnd.oracle.resource+json; type=error";
  return r;
}

FakeResponse NoContent() {
  FakeResponse r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

std::string Iso(std::chrono::system_clock::time_point t) {
  const std::time_t secs = std::chrono::system_clock::to_time_t(t);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}
std::string DaysAgo(int days) {
  return Iso(std::chrono::system_clock::now() - std::chrono::hours(24) * days);
}

std::optional<int64_t> ParseId(std::string_view s) {
  if (s.empty() || s.size() > 18 ||
      !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return std::atoll(std::string(s).c_str());
}
// An id as NetSuite spells it anywhere: a number or a string of digits.
std::optional<int64_t> IdOf(const json::value& v) {
  if (v.is_int64()) return v.get_int64();
  if (v.is_uint64()) return int64_t(v.get_uint64());
  return v.is_string() ? ParseId(v.get_string()) : std::nullopt;
}

std::string Text(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

bool IsTrue(const json::value* v) {
  return v && ((v->is_bool() && v->get_bool()) || *v == "T" || *v == "true");
}

bool Digits(std::string_view s, size_t from, size_t n) {
  if (s.size() < from + n) return false;
  for (size_t i = from; i < from + n; ++i)
    if (s[i] < '0' || s[i] > '9') return false;
  return true;
}
bool IsDate(std::string_view s) {  // YYYY-MM-DD
  return s.size() == 10 && Digits(s, 0, 4) && s[4] == '-' && Digits(s, 5, 2) && s[7] == '-' &&
         Digits(s, 8, 2);
}
bool IsClock(std::string_view s) {  // HH:mm or HH:mm:ss
  return (s.size() == 5 || (s.size() == 8 && s[5] == ':' && Digits(s, 6, 2))) && Digits(s, 0, 2) &&
         s[2] == ':' && Digits(s, 3, 2);
}
// "2026-07-20" -> "7/20/2026", as the calendar RESTlet lists dates.
std::string ListDate(std::string_view ymd) {
  if (!IsDate(ymd)) return std::string(ymd);
  const std::string s(ymd);
  return std::to_string(std::atoi(s.c_str() + 5)) + "/" + std::to_string(std::atoi(s.c_str() + 8)) +
         "/" + s.substr(0, 4);
}
// "15:00:00" -> "3:00 pm", as the calendar RESTlet lists times.
std::string ListTime(std::string_view hms) {
  if (!IsClock(hms)) return std::string(hms);
  const int h = std::atoi(std::string(hms.substr(0, 2)).c_str());
  return std::to_string(h % 12 == 0 ? 12 : h % 12) + ":" + std::string(hms.substr(3, 2)) +
         (h < 12 ? " am" : " pm");
}

bool JsonContent(const RecordedRequest& req) {
  return Lower(req.Header("content-type").value_or("")).rfind("application/json", 0) == 0;
}
std::optional<json::object> JsonObject(const std::string& body) {
  boost::system::error_code ec;
  json::value v = json::parse(body, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

// The request's path and query: what failure rules match (a RESTlet is told apart by its query).
std::string PathAndQuery(const RecordedRequest& req) {
  const size_t q = req.target.find('?');
  return q == std::string::npos ? req.path : req.path + req.target.substr(q);
}

// A record as SuiteQL shows it: lower-case column names, references as their ids, booleans as
// "T"/"F", NULLs (and '', which is NULL to Oracle) and sublists left out.
json::object SqlRow(const json::object& rec) {
  json::object row{{"id", nullptr}};  // first, as NetSuite lists it
  for (auto& [k, v] : rec) {
    const std::string key = Lower(std::string(k));
    if (v.is_null() || v.is_array() || v == "") continue;
    if (v.is_object()) {
      const json::value* id = v.get_object().if_contains("id");
      if (!id) continue;
      if (auto n = IdOf(*id))
        row[key] = *n;
      else
        row[key] = *id;
    } else if (v.is_bool()) {
      row[key] = v.get_bool() ? "T" : "F";
    } else if (auto n = IdOf(v); key == "id" && n) {
      row[key] = *n;
    } else {
      row[key] = v;
    }
  }
  if (row.at("id").is_null()) row.erase("id");
  return row;
}

// Record-API fields that point at other records, and where those live.
const std::map<std::string, std::vector<std::string>>& References() {
  static const std::map<std::string, std::vector<std::string>> kRefs = {
      {"company", {"customer", "vendor"}},
      {"contact", {"contact"}},
      {"entityStatus", {"customerstatus"}},
      {"transaction", {"transaction"}}};
  return kRefs;
}

}  // namespace

FakeNetSuite::FakeNetSuite() {
  const std::string recent = DaysAgo(10);
  auto person = [&](int64_t id, json::object fields) {
    json::object rec{{"id", std::to_string(id)},
                     {"dateCreated", "2026-06-01T10:00:00Z"},
                     {"lastModifiedDate", recent}};
    for (auto& [k, v] : fields)
      rec[k] = v;
    return rec;
  };
  auto& contacts = records_["contact"];
  contacts[7011] = person(7011, {{"firstName", "Ada"},
                                 {"middleName", "M"},
                                 {"lastName", "Lovelace"},
                                 {"entityId", "Ada Lovelace"},
                                 {"entityTitle", "Ada Lovelace"},
                                 {"phone", "+14155557002"},
                                 {"mobilePhone", "(415) 555-7003"},
                                 {"company", json::object{{"id", "201"}}}});
  contacts[7012] = person(7012, {{"firstName", "Grace"},
                                 {"lastName", "Hopper"},
                                 {"entityId", "Grace Hopper"},
                                 {"entityTitle", "Grace Hopper"},
                                 {"phone", "415-555-7004"}});
  // Same number as Ada, untouched for years: the phone lookup's recency clause must hide it.
  contacts[7013] = person(7013, {{"firstName", "Old"},
                                 {"lastName", "Lovelace"},
                                 {"entityId", "Old Lovelace"},
                                 {"entityTitle", "Old Lovelace"},
                                 {"phone", "+14155557002"},
                                 {"dateCreated", DaysAgo(6 * 365)},
                                 {"lastModifiedDate", DaysAgo(5 * 365 + 2)}});
  auto& customers = records_["customer"];
  customers[201] = person(201, {{"companyName", "Analytical Engines"},
                                {"entityId", "Analytical Engines"},
                                {"entityTitle", "Analytical Engines"},
                                {"isPerson", false},
                                {"phone", "+14155557100"}});
  customers[202] = person(202, {{"isPerson", true},
                                {"firstName", "Alan"},
                                {"lastName", "Turing"},
                                {"entityId", "Alan Turing"},
                                {"entityTitle", "Alan Turing"},
                                {"phone", "4155557200"}});
  records_["vendor"][301] = person(301, {{"companyName", "Babbage Parts"},
                                         {"entityId", "Babbage Parts"},
                                         {"entityTitle", "Babbage Parts"},
                                         {"isPerson", false},
                                         {"phone", "+14155557300"}});
  // Ada's number again, as a vendor's alternate phone written with dots: a lookup finds both.
  records_["vendor"][302] = person(302, {{"companyName", "Byron Supplies"},
                                         {"entityId", "Byron Supplies"},
                                         {"entityTitle", "Byron Supplies"},
                                         {"isPerson", false},
                                         {"altPhone", "415.555.7002"}});
  // SuiteQL-only tables, already in SuiteQL's spelling.
  auto& transactions = records_["transaction"];
  transactions[9001] = {{"id", 9001},
                        {"entity", 201},
                        {"type", "SalesOrd"},
                        {"tranid", "SO1001"},
                        {"trandisplayname", "Sales Order #SO1001"},
                        {"status", "B"},
                        {"createddate", "2026-06-15T09:00:00Z"}};
  transactions[9101] = {{"id", 9101},
                        {"entity", 201},
                        {"type", "Opprtnty"},
                        {"tranid", "OP1"},
                        {"trandisplayname", "Opportunity #OP1"},
                        {"title", "Engine upgrade"},
                        {"status", "A"},
                        {"createddate", "2026-06-20T09:00:00Z"}};
  auto& employees = records_["employee"];
  employees[7041] = {{"id", 7041},
                     {"firstname", "Ada"},
                     {"middlename", "M"},
                     {"lastname", "Mapping"},
                     {"email", "ada.mapping@example.test"},
                     {"giveaccess", "T"},
                     {"isinactive", "F"}};
  employees[7042] = {{"id", 7042},       {"firstname", "No"}, {"lastname", "Email"},
                     {"email", nullptr}, {"giveaccess", "T"}, {"isinactive", "F"}};
  auto status = [](int64_t id, const char* name, const char* stage, const char* inactive) {
    return json::object{{"id", id}, {"name", name}, {"stage", stage}, {"isinactive", inactive}};
  };
  auto& statuses = records_["customerstatus"];
  statuses[5] = status(5, "Lead-Unqualified", "LEAD", "T");  // inactive: never the one picked
  statuses[6] = status(6, "Lead-Qualified", "LEAD", "F");
  statuses[8] = status(8, "Prospect-In Discussion", "PROSPECT", "F");
  statuses[13] = status(13, "Customer-Closed Won", "CUSTOMER", "F");
  next_id_ = {{"phonecall", 5001},
              {"contact", 7101},
              {"customer", 8001},
              {"vendor", 3101},
              {"calendarevent", 1001}};
  server_ = std::make_unique<FakeHttpServer>([this](const RecordedRequest& r) {
    FakeResponse answer = Handle(r);  // the effect happens now; the answer may come late
    answer.delay_ms = failures_.DelayFor(PathAndQuery(r));
    return answer;
  });
}

void FakeNetSuite::FailWithDetail(const std::string& path_prefix, int status,
                                  const std::string& detail) {
  std::lock_guard lock(mu_);
  detail_rules_[path_prefix] = {status, detail};
}
void FakeNetSuite::ClearErrors() {
  std::lock_guard lock(mu_);
  detail_rules_.clear();
}
void FakeNetSuite::FailNextCreateAfterWriting(int status) {
  std::lock_guard lock(mu_);
  fail_next_create_ = status;
}
size_t FakeNetSuite::grants(bool managed_client) const {
  std::lock_guard lock(mu_);
  return managed_client ? managed_grants_ : own_grants_;
}
std::string FakeNetSuite::access_token() const {
  std::lock_guard lock(mu_);
  return access_;
}
std::string FakeNetSuite::refresh_token() const {
  std::lock_guard lock(mu_);
  return refresh_;
}
size_t FakeNetSuite::refresh_calls() const {
  std::lock_guard lock(mu_);
  return refresh_calls_;
}
std::vector<std::string> FakeNetSuite::revoked() const {
  std::lock_guard lock(mu_);
  return revoked_;
}
void FakeNetSuite::SetPermission(const std::string& code, bool granted) {
  std::lock_guard lock(mu_);
  permissions_[code] = granted;
}
void FakeNetSuite::SetOneWorld(bool enabled) {
  std::lock_guard lock(mu_);
  one_world_ = enabled;
}
void FakeNetSuite::SetTimezone(const std::string& iana) {
  std::lock_guard lock(mu_);
  timezone_ = iana;
}
void FakeNetSuite::SetRestletDeployed(const std::string& script, bool deployed) {
  std::lock_guard lock(mu_);
  if (deployed)
    undeployed_.erase(script);
  else
    undeployed_.insert(script);
}
json::object FakeNetSuite::record(const std::string& type, int64_t id) const {
  std::lock_guard lock(mu_);
  const json::object* rec = Find(Lower(type), id);
  return rec ? *rec : json::object();
}
size_t FakeNetSuite::count(const std::string& type) const {
  std::lock_guard lock(mu_);
  auto it = records_.find(Lower(type));
  return it == records_.end() ? 0 : it->second.size();
}
json::array FakeNetSuite::posted(const std::string& type) const {
  std::lock_guard lock(mu_);
  auto it = posted_.find(Lower(type));
  return it == posted_.end() ? json::array() : it->second;
}
json::array FakeNetSuite::patches(const std::string& type, int64_t id) const {
  std::lock_guard lock(mu_);
  auto it = patches_.find(Lower(type));
  if (it == patches_.end() || !it->second.count(id)) return {};
  return it->second.at(id);
}
json::array FakeNetSuite::restlet_calls(const std::string& script) const {
  std::lock_guard lock(mu_);
  auto it = restlet_calls_.find(script);
  return it == restlet_calls_.end() ? json::array() : it->second;
}
std::vector<std::string> FakeNetSuite::suiteql() const {
  std::lock_guard lock(mu_);
  return suiteql_;
}
void FakeNetSuite::SetPhoneCallMessage(int64_t id, const std::string& message) {
  std::lock_guard lock(mu_);
  json::object& call = records_["phonecall"][id];
  call["id"] = std::to_string(id);
  call["message"] = message;
}

FakeResponse FakeNetSuite::Handle(const RecordedRequest& req) {
  const std::string where = PathAndQuery(req);
  if (auto failure = failures_.Match(where)) return *failure;
  std::lock_guard lock(mu_);
  for (auto& [prefix, rule] : detail_rules_)
    if (where.rfind(prefix, 0) == 0) return NsError(rule.status, rule.detail);
  if (req.path == kTokenPath || req.path == kRevokePath) return OAuth(req);
  if (!Authorized(req)) return NsError(401, kInvalidLogin);
  if (req.path == kSuiteQlPath) return SuiteQl(req);
  if (req.path.rfind(kRecordPrefix, 0) == 0) return Records(req);
  if (req.path == kRestletPath) return Restlet(req);
  return NsError(404, "The requested resource " + req.path + " does not exist.", "INVALID_REQUEST");
}

FakeResponse FakeNetSuite::OAuth(const RecordedRequest& req) {
  if (req.method != "POST") return JsonReply(405, json::object{{"error", "invalid_request"}});
  const std::string auth = req.Header("authorization").value_or("");
  const bool managed = auth == "Basic " + sdk::base64_encode(std::string(kManagedClientId) + ":" +
                                                             kManagedClientSecret);
  if (!managed &&
      auth != "Basic " + sdk::base64_encode(std::string(kClientId) + ":" + kClientSecret))
    return JsonReply(401, json::object{{"error", "invalid_client"}});
  ++(managed ? managed_grants_ : own_grants_);  // Handle holds mu_
  if (Lower(req.Header("content-type").value_or(""))
          .rfind("application/x-www-form-urlencoded", 0) != 0)
    return JsonReply(400, json::object{{"error", "invalid_request"},
                                       {"error_description", "form body expected"}});
  auto form = ParseForm(req.body);
  if (req.path == kRevokePath) {
    const std::string token = form["token"];
    if (token.empty()) return JsonReply(400, json::object{{"error", "invalid_request"}});
    revoked_.push_back(token);
    live_access_.erase(token);
    if (token == refresh_) {  // its access tokens end with it
      std::erase_if(live_access_, [&](const auto& entry) { return entry.second == token; });
      refresh_.clear();
    }
    return JsonReply(200, json::object());
  }
  const std::string grant = form["grant_type"];
  if (grant == "authorization_code") {
    if (form["code"] != kCode) return JsonReply(400, json::object{{"error", "invalid_grant"}});
    if (form["redirect_uri"] != kRedirectUri)
      return JsonReply(400, json::object{{"error", "invalid_grant"},
                                         {"error_description", "redirect_uri mismatch"}});
    ++serial_;
    refresh_ = "ns-rt-" + std::to_string(serial_) + "-3e9f1c2a";
  } else if (grant == "refresh_token") {
    ++refresh_calls_;
    if (refresh_.empty() || form["refresh_token"] != refresh_)
      return JsonReply(400, json::object{{"error", "invalid_grant"}});
    ++serial_;  // the refresh token stays: NetSuite's are good until they are revoked
  } else {
    return JsonReply(400, json::object{{"error", "unsupported_grant_type"}});
  }
  access_ = "ns-at-" + std::to_string(serial_) + "-7a41d0b5";
  live_access_[access_] = refresh_;
  return JsonReply(200, json::object{{"access_token", access_},
                                     {"refresh_token", refresh_},
                                     {"token_type", "Bearer"},
                                     {"expires_in", expires_in.load()}});
}

bool FakeNetSuite::Authorized(const RecordedRequest& req) const {
  const std::string auth = req.Header("authorization").value_or("");
  return auth.rfind("Bearer ", 0) == 0 && live_access_.count(auth.substr(7));
}

std::vector<json::object> FakeNetSuite::Table(const std::string& table) const {
  std::vector<json::object> rows;
  if (auto it = records_.find(table); it != records_.end())
    for (auto& [id, rec] : it->second)
      rows.push_back(SqlRow(rec));
  return rows;
}

FakeResponse FakeNetSuite::SuiteQl(const RecordedRequest& req) {
  if (req.method != "POST") return NsError(405, "SuiteQL queries are POSTed.");
  if (Lower(req.Header("prefer").value_or("")) != "transient")
    return NsError(400, "The request header 'Prefer: transient' is required for SuiteQL.",
                   "INVALID_HEADER");
  if (!JsonContent(req)) return NsError(415, "The Content-Type must be application/json.");
  const std::optional<json::object> body = JsonObject(req.body);
  if (!body || !body->contains("q") || !body->at("q").is_string())
    return NsError(400, "The request body must be {\"q\": <SuiteQL>}.", "INVALID_PARAMETER");
  const std::string text(body->at("q").get_string());
  suiteql_.push_back(text);
  try {
    std::optional<json::array> items =
        suiteql::Execute(text, [this](const std::string& t) { return Table(t); });
    if (!items)
      return NsError(400,
                     kBadQuery + std::string("The fake NetSuite does not know this query: ") + text,
                     "INVALID_PARAMETER");
    const size_t n = items->size();
    return JsonReply(200, json::object{{"links", json::array()},
                                       {"count", n},
                                       {"hasMore", false},
                                       {"items", std::move(*items)},
                                       {"offset", 0},
                                       {"totalResults", n}});
  } catch (const suiteql::SqlError& e) {
    return NsError(
        400, kBadQuery + std::string("Search error occurred: ") + e.what() + " Query: " + text,
        "INVALID_PARAMETER");
  }
}

const json::object* FakeNetSuite::Find(const std::string& type, int64_t id) const {
  auto table = records_.find(type);
  if (table == records_.end()) return nullptr;
  auto it = table->second.find(id);
  return it == table->second.end() ? nullptr : &it->second;
}

std::optional<std::string> FakeNetSuite::RefName(const std::string& field, int64_t id) const {
  auto refs = References().find(field);
  if (refs == References().end()) return std::nullopt;
  for (const std::string& type : refs->second)
    if (const json::object* rec = Find(type, id)) {
      for (const char* name : {"entityTitle", "companyName", "name", "trandisplayname"})
        if (!Text(*rec, name).empty()) return Text(*rec, name);
      return std::string();
    }
  return std::nullopt;
}

// NetSuite's 400s for what the record API refuses: references to absent records, missing
// mandatory fields, dates and times not in the record API's form.
std::optional<FakeResponse> FakeNetSuite::CheckRecord(const std::string& type,
                                                      const json::object& body,
                                                      bool creating) const {
  auto invalid = [](const std::string& field) {
    return NsError(400,
                   "Error while accessing a resource. Invalid value for the resource or "
                   "sub-resource field '" +
                       field + "'. Provide a valid value.");
  };
  auto bad_value = [](const std::string& field, const json::value& v) {
    return NsError(400,
                   "Error while accessing a resource. You have entered an Invalid Field "
                   "Value " +
                       AsText(v) + " for the following field: " + field);
  };
  auto missing = [](const char* label) {
    return NsError(400, std::string("Please enter value(s) for: ") + label);
  };
  for (auto& [k, v] : body) {
    const std::string field(k);
    auto refs = References().find(field);
    if (refs == References().end()) continue;
    const json::value* id = v.is_object() ? v.get_object().if_contains("id") : nullptr;
    const std::optional<int64_t> n = id ? IdOf(*id) : std::nullopt;
    if (!n || std::none_of(refs->second.begin(), refs->second.end(),
                           [&](const std::string& t) { return Find(t, *n) != nullptr; }))
      return invalid(field);
  }
  if (type == "phonecall" && creating && Text(body, "title").empty()) return missing("Subject");
  if (type != "calendarevent") return std::nullopt;
  if (creating && Text(body, "title").empty()) return missing("Event");
  if (creating && !body.contains("startDate")) return missing("Date");
  if (auto* d = body.if_contains("startDate"); d && !(d->is_string() && IsDate(d->get_string())))
    return bad_value("startDate", *d);
  for (const char* field : {"startTime", "endTime"})
    if (auto* t = body.if_contains(field);
        t && !(t->is_string() && (t->get_string().empty() || IsClock(t->get_string()))))
      return bad_value(field, *t);
  if (auto* s = body.if_contains("status")) {
    const json::value* id = s->is_object() ? s->get_object().if_contains("id") : s;
    if (!id || (*id != "CONFIRMED" && *id != "TENTATIVE" && *id != "CANCELLED"))
      return bad_value("status", *s);
  }
  if (auto* a = body.if_contains("attendee")) {
    const json::value* items = a->is_object() ? a->get_object().if_contains("items") : nullptr;
    if (!items || !items->is_array()) return invalid("attendee");
    for (auto& line : items->get_array()) {
      const json::value* who =
          line.is_object() ? line.get_object().if_contains("attendee") : nullptr;
      const json::value* id =
          who && who->is_object() ? who->get_object().if_contains("id") : nullptr;
      if (!id || !IdOf(*id)) return invalid("attendee");
    }
  }
  return std::nullopt;
}

// A record as GET shows it: "id" a string, references with refName, links.
json::object FakeNetSuite::View(const std::string& type, int64_t id,
                                const json::object& rec) const {
  auto link = [](const std::string& path) {
    return json::array{
        json::object{{"rel", "self"}, {"href", std::string(kRestOrigin) + kRecordPrefix + path}}};
  };
  json::object out{{"links", link(type + "/" + std::to_string(id))}};
  for (auto& [k, v] : rec) {
    if (v.is_null()) continue;
    const json::value* ref_id = v.is_object() ? v.get_object().if_contains("id") : nullptr;
    const std::optional<int64_t> n = ref_id ? IdOf(*ref_id) : std::nullopt;
    if (!n) {
      out[k] = v;
      continue;
    }
    json::object ref = v.get_object();
    ref["id"] = std::to_string(*n);
    if (auto name = RefName(std::string(k), *n)) ref["refName"] = *name;
    out[k] = std::move(ref);
  }
  out["id"] = std::to_string(id);
  return out;
}

FakeResponse FakeNetSuite::Records(const RecordedRequest& req) {
  const std::string rest = req.path.substr(std::string(kRecordPrefix).size());
  const size_t slash = rest.find('/');
  const std::string type = Lower(rest.substr(0, slash));
  if (!kRecordTypes.count(type))
    return NsError(404, "Record type '" + rest.substr(0, slash) + "' does not exist.",
                   "INVALID_RCRD_TYPE");
  const bool contact_like = type == "contact" || type == "customer" || type == "vendor";
  auto& table = records_[type];
  if (slash == std::string::npos) {
    if (req.method != "POST") return NsError(405, req.method + " is not allowed here.");
    if (!JsonContent(req)) return NsError(415, "The Content-Type must be application/json.");
    std::optional<json::object> body = JsonObject(req.body);
    if (!body) return NsError(400, "The request body is not a JSON object.");
    if (auto bad = CheckRecord(type, *body, true)) return *bad;
    // An external id names one record of its type (NetSuite refuses a second).
    if (const std::string eid = Text(*body, "externalId"); !eid.empty())
      for (auto& [other, rec] : table)
        if (Text(rec, "externalId") == eid)
          return NsError(400, "A record with the external ID " + eid + " already exists.",
                         "DUP_RCRD");
    posted_[type].push_back(*body);
    const int64_t id = next_id_[type]++;
    json::object rec = std::move(*body);
    rec.erase("links");
    rec["id"] = std::to_string(id);
    if (contact_like) {  // what NetSuite fills in itself
      const bool company = type != "contact" && !IsTrue(rec.if_contains("isPerson"));
      std::string name;
      for (const char* part : {"firstName", "middleName", "lastName"})
        if (const std::string p = Text(rec, part); !p.empty())
          name += (name.empty() ? "" : " ") + p;
      if (company || name.empty()) name = Text(rec, "companyName");
      if (type != "contact" && !rec.contains("isPerson")) rec["isPerson"] = false;
      if (!rec.contains("entityId")) rec["entityId"] = name;
      if (!rec.contains("entityTitle")) rec["entityTitle"] = name;
      // Two statements: operator[] may rehash and move the other member.
      const std::string now = Iso(std::chrono::system_clock::now());
      rec["dateCreated"] = now;
      rec["lastModifiedDate"] = now;
    }
    table[id] = std::move(rec);
    if (fail_next_create_) {  // made, then answered as a failure (a NetSuite hiccup)
      const int status = std::exchange(fail_next_create_, 0);
      return NsError(status, "An unexpected error occurred. Error ID: kx7f2b1q",
                     "UNEXPECTED_ERROR");
    }
    FakeResponse r = NoContent();
    r.headers.emplace_back("Location",
                           std::string(kRestOrigin) + req.path + "/" + std::to_string(id));
    return r;
  }
  // record/v1/<type>/eid:<external id>: the record by its external id.
  if (const std::string key = rest.substr(slash + 1); key.rfind("eid:", 0) == 0) {
    for (auto& [rid, rec] : table)
      if (req.method == "GET" && Text(rec, "externalId") == key.substr(4))
        return JsonReply(200, View(type, rid, rec));
    return NsError(404, kNoRecord);
  }
  const std::optional<int64_t> id = ParseId(rest.substr(slash + 1));
  auto it = id ? table.find(*id) : table.end();
  if (it == table.end()) return NsError(404, kNoRecord);
  if (req.method == "GET") return JsonReply(200, View(type, *id, it->second));
  if (req.method != "PATCH") return NsError(405, req.method + " is not allowed here.");
  if (!JsonContent(req)) return NsError(415, "The Content-Type must be application/json.");
  const std::optional<json::object> body = JsonObject(req.body);
  if (!body) return NsError(400, "The request body is not a JSON object.");
  if (auto bad = CheckRecord(type, *body, false)) return *bad;
  json::object noted = *body;
  const std::optional<std::string> replace = req.Query("replace");
  if (replace) noted["_replace"] = *replace;
  patches_[type][*id].push_back(std::move(noted));
  std::set<std::string> replaced;
  for (size_t from = 0; replace && from <= replace->size();) {
    const size_t comma = std::min(replace->find(',', from), replace->size());
    replaced.insert(replace->substr(from, comma - from));
    from = comma + 1;
  }
  json::object& rec = it->second;
  for (auto& [k, v] : *body) {
    if (k == "id" || k == "links") continue;
    json::value* old = rec.if_contains(k);
    const json::value* lines = v.is_object() ? v.get_object().if_contains("items") : nullptr;
    json::value* old_lines =
        old && old->is_object() ? old->get_object().if_contains("items") : nullptr;
    if (lines && lines->is_array() && old_lines && old_lines->is_array() &&
        !replaced.count(std::string(k))) {
      // Without ?replace= NetSuite adds the lines a PATCH names to the sublist.
      for (auto& line : lines->get_array())
        if (std::find(old_lines->get_array().begin(), old_lines->get_array().end(), line) ==
            old_lines->get_array().end())
          old_lines->get_array().push_back(line);
      continue;
    }
    rec[k] = v;
  }
  if (contact_like) rec["lastModifiedDate"] = Iso(std::chrono::system_clock::now());
  return NoContent();
}

FakeResponse FakeNetSuite::Restlet(const RecordedRequest& req) {
  const std::string script = req.Query("script").value_or("");
  const std::string deploy = req.Query("deploy").value_or("");
  const Script* found = nullptr;
  for (const Script& s : kScripts)
    if (script == s.script) found = &s;
  if (!found || undeployed_.count(script))
    return NsError(400, "Script " + script + " is not deployed.", "SSS_INVALID_SCRIPTLET_ID");
  if (deploy != found->deploy)
    return NsError(400, "Script " + script + " has no deployment " + deploy + ".",
                   "SSS_INVALID_SCRIPTLET_ID");
  if ((" " + std::string(found->methods) + " ").find(" " + req.method + " ") == std::string::npos)
    return NsError(405, "Script " + script + " does not implement " + req.method + ".");
  json::object body;
  if (req.method != "GET") {
    if (!JsonContent(req))
      return NsError(415,
                     "Invalid content type. You can only use application/json, application/xml "
                     "or text/plain with RESTlets.",
                     "INVALID_CONTENT_TYPE");
    std::optional<json::object> parsed = JsonObject(req.body);
    if (!parsed) return NsError(400, "The RESTlet's body is not a JSON object.");
    body = std::move(*parsed);
  }
  json::object call = body;
  call["_method"] = req.method;
  json::object query;
  for (auto& [k, v] : req.query)
    if (k != "script" && k != "deploy") query[k] = v;
  if (!query.empty()) call["_query"] = std::move(query);
  restlet_calls_[script].push_back(std::move(call));
  return RunScript(script, req, body);
}

FakeResponse FakeNetSuite::RunScript(const std::string& script, const RecordedRequest& req,
                                     const json::object& body) {
  auto fail = [](const std::string& message) {
    return JsonReply(200, json::object{{"success", false}, {"message", message}});
  };
  if (script == "customscript_getcurrentuser")
    return JsonReply(200, json::object{{"id", 12345},
                                       {"name", "Jane NetSuite"},
                                       {"email", "jane@example.test"},
                                       {"subsidiary", "1"}});
  if (script == "customscript_getoneworldlicense_scriptid")
    return JsonReply(200, json::object{{"oneWorldEnabled", one_world_}});
  if (script == "customscript_gettimezone")
    return JsonReply(200, json::object{{"userTimezone", timezone_}});
  if (script == "customscript_checkrolepermissionscriptid") {
    const json::value* wanted = body.if_contains("requiredPermissions");
    if (!wanted || !wanted->is_array())
      return NsError(400, "requiredPermissions must be an array.", "SSS_MISSING_REQD_ARGUMENT");
    json::object results;
    for (auto& code : wanted->get_array()) {
      const std::string c = AsText(code);
      auto it = permissions_.find(c);
      results[c] = it == permissions_.end() || it->second;
    }
    return JsonReply(200, json::object{{"permissionResults", std::move(results)}});
  }
  if (script == "customscript_createusernotes") {
    const bool texts = body.contains("noteTitle") && body.at("noteTitle").is_string() &&
                       body.contains("noteText") && body.at("noteText").is_string();
    if (req.method == "PUT") {
      const std::optional<int64_t> id =
          body.contains("noteId") ? IdOf(body.at("noteId")) : std::nullopt;
      if (!texts || !id)
        return NsError(400, "noteId, noteTitle and noteText are required.",
                       "SSS_MISSING_REQD_ARGUMENT");
      auto it = notes_.find(*id);
      if (it == notes_.end()) return fail("Note " + std::to_string(*id) + " not found");
      it->second["title"] = body.at("noteTitle");
      it->second["note"] = body.at("noteText");
      return JsonReply(200, json::object{{"success", true}, {"noteId", *id}});
    }
    const std::optional<int64_t> transaction =
        body.contains("salesOrderId") ? IdOf(body.at("salesOrderId")) : std::nullopt;
    if (!texts || !transaction)
      return NsError(400, "salesOrderId, noteTitle and noteText are required.",
                     "SSS_MISSING_REQD_ARGUMENT");
    if (!Find("transaction", *transaction))
      return fail("Transaction " + std::to_string(*transaction) + " not found");
    const int64_t id = next_note_++;
    notes_[id] = {{"transaction", *transaction},
                  {"title", body.at("noteTitle")},
                  {"note", body.at("noteText")}};
    return JsonReply(200, json::object{{"success", true}, {"noteId", id}});
  }
  if (script == "customscript_getappconnectfolderbyname") {
    const std::string name = req.Query("name").value_or("");
    auto it = folders_.find(name);
    if (it == folders_.end()) return fail("No folder found with name " + name);
    return JsonReply(200, json::object{{"success", true},
                                       {"results", json::array{json::object{{"id", it->second}}}}});
  }
  if (script == "customscript_createappconnectfolder") {
    const std::string name = Text(body, "folderName");
    if (name.empty()) return NsError(400, "folderName is required.", "SSS_MISSING_REQD_ARGUMENT");
    auto [it, added] = folders_.emplace(name, next_file_);
    if (added) ++next_file_;
    return JsonReply(200, json::object{{"folderId", it->second}});
  }
  if (script == "customscript_createappconnectfile") {
    const std::optional<int64_t> folder =
        body.contains("folderId") ? IdOf(body.at("folderId")) : std::nullopt;
    if (!folder || Text(body, "fileName").empty() || !body.contains("content"))
      return NsError(400, "folderId, fileName and content are required.",
                     "SSS_MISSING_REQD_ARGUMENT");
    if (std::none_of(folders_.begin(), folders_.end(),
                     [&](const auto& f) { return f.second == *folder; }))
      return NsError(400, "Folder " + std::to_string(*folder) + " does not exist.",
                     "INVALID_KEY_OR_REF");
    const int64_t id = next_file_++;
    files_[id] = body;
    return JsonReply(200, json::object{{"success", true}, {"fileId", id}});
  }
  if (script == "customscript_attachfilewithphonecalls") {
    const std::optional<int64_t> call =
        body.contains("phoneCallId") ? IdOf(body.at("phoneCallId")) : std::nullopt;
    // -1: no file (a plain number keeps GCC's maybe-uninitialized analysis quiet).
    const int64_t file = body.contains("fileId") ? IdOf(body.at("fileId")).value_or(-1) : -1;
    if (!call || !Find("phonecall", *call) || !files_.count(file))
      return NsError(400, "phoneCallId and fileId must name an existing phone call and file.",
                     "INVALID_KEY_OR_REF");
    return JsonReply(200, json::object{{"success", true}});
  }
  if (script == "customscript_rcfetchcalendarevents") return CalendarEvents(req);
  return NsError(500, "Script " + script + " has no implementation in the fake.");
}

FakeResponse FakeNetSuite::CalendarEvents(const RecordedRequest& req) const {
  const std::string from = req.Query("startDate").value_or("");
  const std::string to = req.Query("endDate").value_or("");
  if (!IsDate(from) || !IsDate(to))
    return NsError(400, "startDate and endDate (YYYY-MM-DD) are required.",
                   "SSS_MISSING_REQD_ARGUMENT");
  const int64_t page = std::max<int64_t>(0, std::atoll(req.Query("page").value_or("0").c_str()));
  int64_t size = std::atoll(req.Query("pageSize").value_or("1000").c_str());
  if (size <= 0) size = 1000;
  std::vector<const json::object*> events;
  if (auto it = records_.find("calendarevent"); it != records_.end())
    for (auto& [id, event] : it->second) {
      const std::string day = Text(event, "startDate");
      if (day >= from && day <= to) events.push_back(&event);
    }
  std::stable_sort(events.begin(), events.end(), [](const json::object* a, const json::object* b) {
    return Text(*a, "startDate") + Text(*a, "startTime") <
           Text(*b, "startDate") + Text(*b, "startTime");
  });
  json::array data;
  for (size_t i = size_t(page * size); i < events.size() && i < size_t((page + 1) * size); ++i)
    data.push_back(ListRow(*events[i]));
  return JsonReply(200, json::object{{"data", std::move(data)}});
}

// A calendar event as the list RESTlet shows it (not as the record API does).
json::object FakeNetSuite::ListRow(const json::object& event) const {
  json::object row{{"id", IdOf(event.at("id")).value_or(0)},
                   {"title", Text(event, "title")},
                   {"description", Text(event, "message")},
                   {"startDate", ListDate(Text(event, "startDate"))},
                   {"startTime", ListTime(Text(event, "startTime"))},
                   {"endTime", ListTime(Text(event, "endTime"))}};
  if (auto* s = event.if_contains("status"); s && !s->is_null())
    row["status"] = s->is_object() && s->get_object().contains("id") ? s->at("id") : *s;
  json::array attendees;
  const json::value* lines = event.contains("attendee") && event.at("attendee").is_object()
                                 ? event.at("attendee").get_object().if_contains("items")
                                 : nullptr;
  if (lines && lines->is_array())
    for (auto& line : lines->get_array()) {
      const json::value* who =
          line.is_object() ? line.get_object().if_contains("attendee") : nullptr;
      const json::value* id =
          who && who->is_object() ? who->get_object().if_contains("id") : nullptr;
      const std::optional<int64_t> n = id ? IdOf(*id) : std::nullopt;
      if (!n) continue;
      json::object a{{"id", *n}, {"name", ""}, {"type", ""}};
      for (const char* type : {"contact", "customer", "vendor", "employee"})
        if (const json::object* rec = Find(type, *n)) {
          std::string name = Text(*rec, "entityTitle");
          if (name.empty()) name = Text(*rec, "firstname") + " " + Text(*rec, "lastname");
          a["name"] = name;
          a["type"] = type;
          break;
        }
      attendees.push_back(std::move(a));
    }
  row["attendees"] = std::move(attendees);
  return row;
}

}  // namespace crmhost::testing
