#include "support/fake_bullhorn.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <regex>

namespace crmhost::testing {
namespace json = boost::json;

namespace {

constexpr const char* kRestPrefix = "/rest-services/corp7/";
constexpr const char* kRedirect =
    "https://ringcentral.github.io/ringcentral-embeddable/redirect.html";

FakeResponse Error(int status, const std::string& message) {
  return JsonReply(status, json::object{{"errorMessage", message}, {"errorCode", status}});
}

std::string Lower(std::string s) {
  for (char& c : s)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Unescape(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) ++i;
    out += s[i];
  }
  return out;
}

std::string Text(const json::object& o, const char* key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string(v->get_string()) : std::string();
}

json::object Person(int64_t id, const char* first, const char* last, const char* status,
                    json::object phones) {
  json::object p{{"id", id},
                 {"firstName", first},
                 {"lastName", last},
                 {"name", std::string(first) + " " + last},
                 {"email", Lower(first) + "@example.test"},
                 {"status", status},
                 {"isDeleted", false},
                 {"dateAdded", 1700000000000 + id},
                 {"dateLastModified", 1710000000000 + id},
                 {"dateLastComment", 1705000000000 + id},
                 {"dateLastVisit", 1720000000000 + id}};
  for (auto& [k, v] : phones)
    p[k] = v;
  return p;
}

}  // namespace

int64_t FakeBullhorn::Now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

FakeBullhorn::FakeBullhorn() {
  auto& contacts = entities_["ClientContact"];
  contacts[5001] = Person(5001, "Ada", "Lovelace", "Active", {{"phone", "4155550100"}});
  contacts[5002] = Person(5002, "Old", "Ada", "Archive", {{"phone2", "4155550100"}});
  auto& candidates = entities_["Candidate"];
  candidates[6001] = Person(6001, "Alan", "Turing", "Available", {{"mobile", "4155550200"}});
  candidates[6002] = Person(6002, "Grace", "Hopper", "Available", {{"workPhone", "4155550300"}});
  auto& leads = entities_["Lead"];
  leads[7001] = Person(7001, "Grace", "Hopper", "New Lead", {{"phone", "4155550300"}});
  leads[7002] = Person(7002, "Ada", "Byron", "Converted", {{"phone", "4155550100"}});
  auto& users = entities_["CorporateUser"];
  users[42] = {{"id", 42},
               {"name", "Jane Recruiter"},
               {"firstName", "Jane"},
               {"lastName", "Recruiter"},
               {"email", "jane@example.test"},
               {"username", kUsername},
               {"masterUserID", 9042},
               {"timeZoneOffsetEST", -180},
               {"isDeleted", false}};
  users[43] = {{"id", 43},
               {"name", "Sam Sourcer"},
               {"firstName", "Sam"},
               {"lastName", "Sourcer"},
               {"email", "sam@example.test"},
               {"username", "sam"},
               {"masterUserID", 9043},
               {"timeZoneOffsetEST", 0},
               {"isDeleted", false}};
  users[44] = {{"id", 44},           {"name", "Gone User"}, {"firstName", "Gone"},
               {"lastName", "User"}, {"username", "gone"},  {"masterUserID", 9044},
               {"isDeleted", true}};
  server_ = std::make_unique<FakeHttpServer>([this](const RecordedRequest& r) {
    FakeResponse answer = Handle(r);
    answer.delay_ms = failures_.DelayFor(r.path);
    return answer;
  });
}

void FakeBullhorn::ExpireSessions(bool and_tokens) {
  std::lock_guard lock(mu_);
  sessions_.clear();
  if (and_tokens) live_access_.clear();
}
void FakeBullhorn::RevokeRefreshToken() {
  std::lock_guard lock(mu_);
  refresh_.clear();
}
size_t FakeBullhorn::grants_to(const std::string& client_id) const {
  std::lock_guard lock(mu_);
  auto it = grants_.find(client_id);
  return it == grants_.end() ? 0 : it->second;
}
size_t FakeBullhorn::logins() const {
  std::lock_guard lock(mu_);
  return logins_;
}
size_t FakeBullhorn::refreshes() const {
  std::lock_guard lock(mu_);
  return refreshes_;
}
size_t FakeBullhorn::password_codes() const {
  std::lock_guard lock(mu_);
  return password_codes_;
}
std::string FakeBullhorn::refresh_token() const {
  std::lock_guard lock(mu_);
  return refresh_;
}
json::object FakeBullhorn::note(int64_t id) const {
  std::lock_guard lock(mu_);
  auto notes = entities_.find("Note");
  if (notes == entities_.end() || !notes->second.count(id)) return {};
  return notes->second.at(id);
}
size_t FakeBullhorn::note_count() const {
  std::lock_guard lock(mu_);
  auto it = entities_.find("Note");
  return it == entities_.end() ? 0 : it->second.size();
}
void FakeBullhorn::SetNoteComments(int64_t id, const std::string& comments) {
  std::lock_guard lock(mu_);
  entities_["Note"][id]["comments"] = comments;
}
json::object FakeBullhorn::person(const std::string& entity, int64_t id) const {
  std::lock_guard lock(mu_);
  auto e = entities_.find(entity);
  if (e == entities_.end() || !e->second.count(id)) return {};
  return e->second.at(id);
}
json::array FakeBullhorn::created(const std::string& entity) const {
  std::lock_guard lock(mu_);
  auto it = created_.find(entity);
  return it == created_.end() ? json::array() : it->second;
}
json::object FakeBullhorn::appointment(int64_t id) const {
  return person("Appointment", id);
}
std::vector<int64_t> FakeBullhorn::attendees(int64_t appointment) const {
  std::lock_guard lock(mu_);
  std::vector<int64_t> out;
  auto it = entities_.find("AppointmentAttendee");
  if (it == entities_.end()) return out;
  for (auto& [id, link] : it->second)
    if (link.at("appointment").at("id").to_number<int64_t>() == appointment)
      out.push_back(link.at("attendee").at("id").to_number<int64_t>());
  return out;
}
void FakeBullhorn::DenyNoteUpdates(bool deny) {
  std::lock_guard lock(mu_);
  deny_note_updates_ = deny;
}

FakeResponse FakeBullhorn::Handle(const RecordedRequest& req) {
  if (auto failure = failures_.Match(req.path)) return *failure;
  if (req.path.rfind("/oauth/", 0) == 0) return OAuth(req);
  if (req.path == "/rest-services/login") return Login(req);
  if (req.path.rfind(kRestPrefix, 0) != 0) return Error(404, "Not found");
  FakeResponse r;
  {
    std::lock_guard lock(mu_);
    auto session = sessions_.find(req.Header("bhresttoken").value_or(""));
    if (session == sessions_.end() || session->second <= Now())
      return Error(401, "Bad 'BhRestToken' or timed-out.");
  }
  r = Rest(req, req.path.substr(std::string(kRestPrefix).size()));
  std::lock_guard lock(mu_);
  r.headers.emplace_back("ratelimit-limit", "1500");
  r.headers.emplace_back("ratelimit-remaining",
                         std::to_string(rate_remaining_ > 0 ? --rate_remaining_ : 0));
  r.headers.emplace_back("ratelimit-reset", "60");
  return r;
}

FakeResponse FakeBullhorn::OAuth(const RecordedRequest& req) {
  std::lock_guard lock(mu_);
  if (req.path == "/oauth/authorize") {
    if (req.method != "GET") return Error(405, "Method not allowed");
    if ((req.Query("client_id") != std::optional<std::string>(kClientId) &&
         req.Query("client_id") != std::optional<std::string>(kManagedClientId)) ||
        req.Query("response_type") != std::optional<std::string>("code") ||
        req.Query("action") != std::optional<std::string>("Login"))
      return Error(400, "invalid authorize request");
    if (req.Query("username") != std::optional<std::string>(kApiUser) ||
        req.Query("password") != std::optional<std::string>(kApiPassword)) {
      FakeResponse page;  // Bullhorn shows its login form again
      page.content_type = "text/html";
      page.body = "<html><form>Invalid username or password</form></html>";
      return page;
    }
    const std::string code = "bh-pw-code-" + std::to_string(++serial_);
    codes_.insert(code);
    ++password_codes_;
    FakeResponse r;
    r.status = 302;
    r.content_type = "text/html";
    r.headers.emplace_back("Location", req.Query("redirect_uri").value_or("") + "?code=" + code +
                                           "&client_id=" + kClientId);
    return r;
  }
  if (req.path != "/oauth/token" || req.method != "POST") return Error(404, "Not found");
  const std::string client = req.Query("client_id").value_or("");
  const std::string secret = req.Query("client_secret").value_or("");
  if (!(client == kClientId && secret == kClientSecret) &&
      !(client == kManagedClientId && secret == kManagedClientSecret))
    return JsonReply(401, json::object{{"error", "invalid_client"}});
  const std::string grant = req.Query("grant_type").value_or("");
  if (grant == "authorization_code") {
    const std::string code = req.Query("code").value_or("");
    if (code != kCode && !codes_.erase(code))
      return JsonReply(400, json::object{{"error", "invalid_grant"}});
    if (req.Query("redirect_uri") != std::optional<std::string>(kRedirect))
      return JsonReply(
          400, json::object{{"error", "invalid_grant"}, {"error_description", "redirect_uri"}});
  } else if (grant == "refresh_token") {
    if (refresh_.empty() || req.Query("refresh_token") != std::optional<std::string>(refresh_))
      return JsonReply(400, json::object{{"error", "invalid_grant"}});
    ++refreshes_;
  } else {
    return JsonReply(400, json::object{{"error", "unsupported_grant_type"}});
  }
  ++serial_;
  ++grants_[client];
  const std::string access = "bh-at-" + std::to_string(serial_) + "-5e0c";
  refresh_ = "bh-rt-" + std::to_string(serial_) + "-a4d2";  // the previous one is spent
  live_access_.insert(access);
  return JsonReply(200, json::object{{"access_token", access},
                                     {"token_type", "Bearer"},
                                     {"expires_in", token_expires_in_s.load()},
                                     {"refresh_token", refresh_}});
}

FakeResponse FakeBullhorn::Login(const RecordedRequest& req) {
  std::lock_guard lock(mu_);
  if (req.method != "POST" || req.Query("version") != std::optional<std::string>("2.0"))
    return Error(400, "version 2.0 expected");
  if (!live_access_.count(req.Query("access_token").value_or("")))
    return Error(401, "Invalid access token");
  const std::string session = "bh-sess-" + std::to_string(++serial_);
  sessions_[session] = Now() + session_ttl_ms.load();
  ++logins_;
  return JsonReply(200, json::object{{"BhRestToken", session}, {"restUrl", kRestUrl}});
}

FakeResponse FakeBullhorn::Rest(const RecordedRequest& req, const std::string& path) {
  if (path == "ping" && req.method == "GET") {
    std::lock_guard lock(mu_);
    return JsonReply(200,
                     json::object{{"sessionExpires", sessions_.at(*req.Header("bhresttoken"))}});
  }
  if (path == "settings/commentActionList")
    return JsonReply(200,
                     json::object{{"commentActionList",
                                   json::array{"Left Message", "Outbound Call", "Inbound Call"}}});
  if (path.rfind("meta/", 0) == 0) {
    const std::string entity = path.substr(5);
    json::array options;
    for (const char* s : entity == "Lead"        ? std::vector<const char*>{"New Lead", "Qualified"}
                         : entity == "Candidate" ? std::vector<const char*>{"Available", "Placed"}
                                                 : std::vector<const char*>{"Active", "Passive"})
      options.push_back(json::object{{"value", s}, {"label", s}});
    return JsonReply(
        200, json::object{
                 {"entity", entity},
                 {"fields", json::array{json::object{
                                {"name", "status"}, {"type", "SCALAR"}, {"options", options}}}}});
  }
  if (path.rfind("search/", 0) == 0) {
    if (req.method != "POST") return Error(405, "search is a POST");
    boost::system::error_code ec;
    json::value body = json::parse(req.body, ec);
    if (ec || !body.is_object() || !body.as_object().contains("query"))
      return Error(400, "a search needs {query}");
    std::lock_guard lock(mu_);
    return Search(path.substr(7), std::string(body.at("query").as_string()));
  }
  if (path.rfind("query/", 0) == 0) {
    std::lock_guard lock(mu_);
    return Query(path.substr(6), req);
  }
  if (path.rfind("entity/", 0) == 0) {
    std::lock_guard lock(mu_);
    return Entity(req, path.substr(7));
  }
  return Error(404, "Not found");
}

// The Lucene the plugin sends: "<field>:<digits>" terms, name/firstName/lastName terms,
// externalID phrases, NOT status:"X" and isDeleted:false.
FakeResponse FakeBullhorn::Search(const std::string& entity, const std::string& query) {
  std::map<std::string, std::string> digits;
  static const std::regex kPhone(R"(\b(phone|mobile|phone2|phone3|workPhone):(\d+))");
  for (std::sregex_iterator it(query.begin(), query.end(), kPhone), end; it != end; ++it)
    digits[(*it)[1]] = (*it)[2];
  std::smatch m;
  std::string full, first, last, external, excluded, company;
  if (std::regex_search(query, m, std::regex(R"(\bname:"((?:\\.|[^"\\])*)\")")))
    full = Unescape(m[1]);
  if (std::regex_search(query, m, std::regex(R"(firstName:((?:\\.|[^\s)\\])+))")))
    first = Unescape(m[1]);
  if (std::regex_search(query, m, std::regex(R"(lastName:((?:\\.|[^\s)\\])+))")))
    last = Unescape(m[1]);
  if (std::regex_search(query, m, std::regex(R"(externalID:"((?:\\.|[^"\\])*)\")")))
    external = Unescape(m[1]);
  if (std::regex_search(query, m, std::regex(R"(NOT status:"([^"]*)\")"))) excluded = m[1];
  if (std::regex_search(query, m, std::regex(R"(^name:(\S+)$)"))) company = m[1];
  json::array data;
  for (auto& [id, rec] : entities_[entity]) {
    if (rec.contains("isDeleted") && rec.at("isDeleted") == true) continue;
    if (!excluded.empty() && Text(rec, "status") == excluded) continue;
    bool hit = false;
    for (auto& [field, d] : digits)
      hit = hit || Text(rec, field.c_str()) == d;
    if (!full.empty() || !first.empty() || !last.empty())
      hit = hit || (!full.empty() && Lower(Text(rec, "name")) == Lower(full)) ||
            (!first.empty() && Lower(Text(rec, "firstName")) == Lower(first)) ||
            (!last.empty() && Lower(Text(rec, "lastName")) == Lower(last));
    if (!external.empty()) hit = hit || Text(rec, "externalID") == external;
    if (!company.empty()) hit = hit || Text(rec, "name") == company;
    if (hit) data.push_back(rec);
  }
  const size_t n = data.size();
  return JsonReply(
      200, json::object{{"total", n}, {"start", 0}, {"count", n}, {"data", std::move(data)}});
}

FakeResponse FakeBullhorn::Query(const std::string& entity, const RecordedRequest& req) {
  const std::string where = req.Query("where").value_or("");
  const int64_t start = std::stoll(req.Query("start").value_or("0"));
  std::smatch m;
  json::array data;
  if (entity == "CorporateUser") {
    for (auto& [id, u] : entities_["CorporateUser"]) {
      bool hit = false;
      if (std::regex_search(where, m, std::regex(R"(username='((?:''|[^'])*)')")))
        hit = Text(u, "username") == std::regex_replace(std::string(m[1]), std::regex("''"), "'");
      else if (std::regex_search(where, m, std::regex(R"(masterUserID=(\d+))")))
        hit = u.at("masterUserID").to_number<int64_t>() == std::stoll(m[1]);
      else if (where == "isDeleted=false")
        hit = u.at("isDeleted") == false;
      if (hit) data.push_back(u);
    }
    if (where == "isDeleted=false") {  // one user per page, to make the plugin page
      json::array page;
      if (start < int64_t(data.size())) page.push_back(data[size_t(start)]);
      const size_t n = page.size();
      return JsonReply(200,
                       json::object{{"start", start}, {"count", n}, {"data", std::move(page)}});
    }
  } else if (entity == "Appointment") {
    if (!std::regex_search(
            where, m,
            std::regex(
                R"(isDeleted=false AND owner\.id=(\d+) AND dateBegin>=(\d+) AND dateBegin<=(\d+))")))
      return Error(400, "unexpected where: " + where);
    const int64_t owner = std::stoll(m[1]), from = std::stoll(m[2]), to = std::stoll(m[3]);
    for (auto& [id, a] : entities_["Appointment"]) {
      const int64_t begin = a.at("dateBegin").to_number<int64_t>();
      if (a.at("isDeleted") == false && a.at("owner").at("id").to_number<int64_t>() == owner &&
          begin >= from && begin <= to)
        data.push_back(a);
    }
    std::sort(data.begin(), data.end(), [](const json::value& a, const json::value& b) {
      return a.at("dateBegin").to_number<int64_t>() < b.at("dateBegin").to_number<int64_t>();
    });
  } else if (entity == "AppointmentAttendee") {
    std::set<int64_t> wanted;
    if (std::regex_search(where, m, std::regex(R"(appointment\.id IN \(([\d,]+)\))"))) {
      const std::string list = m[1];
      static const std::regex kNumber(R"(\d+)");
      for (std::sregex_iterator it(list.begin(), list.end(), kNumber), end; it != end; ++it)
        wanted.insert(std::stoll(it->str()));
    } else if (std::regex_search(where, m, std::regex(R"(appointment\.id=(\d+))"))) {
      wanted.insert(std::stoll(m[1]));
    } else {
      return Error(400, "unexpected where: " + where);
    }
    for (auto& [id, link] : entities_["AppointmentAttendee"])
      if (wanted.count(link.at("appointment").at("id").to_number<int64_t>()))
        data.push_back(json::object{{"id", id},
                                    {"appointment", link.at("appointment")},
                                    {"attendee", link.at("attendee")},
                                    {"acceptanceStatus", 0}});
  } else {
    return Error(400, "query is not supported for " + entity);
  }
  const size_t n = data.size();
  return JsonReply(200, json::object{{"start", start}, {"count", n}, {"data", std::move(data)}});
}

// A Note as GET entity/Note shows it: its to-many person associations filled from personReference.
json::object FakeBullhorn::NoteView(const json::object& note) const {
  json::object view = note;
  json::array contacts, candidates;
  if (auto* ref = note.if_contains("personReference"); ref && ref->is_object()) {
    const std::string subtype = Text(ref->as_object(), "personSubtype");
    const int64_t id = ref->as_object().contains("id") ? ref->at("id").to_number<int64_t>() : 0;
    auto add = [&](const char* entity, json::array& into) {
      auto e = entities_.find(entity);
      if (e == entities_.end() || !e->second.count(id)) return;
      const json::object& p = e->second.at(id);
      into.push_back(json::object{
          {"id", id}, {"firstName", p.at("firstName")}, {"lastName", p.at("lastName")}});
    };
    if (subtype == "Contact" || subtype == "ClientContact") add("ClientContact", contacts);
    if (subtype == "Candidate") add("Candidate", candidates);
  }
  view["clientContacts"] = json::object{{"total", contacts.size()}, {"data", contacts}};
  view["candidates"] = json::object{{"total", candidates.size()}, {"data", candidates}};
  return view;
}

FakeResponse FakeBullhorn::Entity(const RecordedRequest& req, const std::string& rest) {
  const size_t slash = rest.find('/');
  const std::string entity = rest.substr(0, slash);
  const int64_t id = slash == std::string::npos ? 0 : std::atoll(rest.c_str() + slash + 1);
  json::value body;
  if (req.method == "PUT" || req.method == "POST") {
    boost::system::error_code ec;
    body = json::parse(req.body, ec);
    if (ec || !body.is_object()) return Error(400, "a JSON object is expected");
  }
  auto& table = entities_[entity];
  if (req.method == "PUT" && slash == std::string::npos) {
    const int64_t made = next_id_++;
    created_[entity].push_back(body);
    json::object rec = body.as_object();
    rec["id"] = made;
    if (entity == "Appointment") rec["owner"] = json::object{{"id", 42}};
    table[made] = rec;
    return JsonReply(200, json::object{{"changedEntityType", entity},
                                       {"changedEntityId", made},
                                       {"changeType", "INSERT"},
                                       {"data", body}});
  }
  auto it = table.find(id);
  if (it == table.end())
    return Error(404, "Entity " + entity + " " + std::to_string(id) + " not found");
  if (req.method == "GET")
    return JsonReply(200,
                     json::object{{"data", entity == "Note" ? NoteView(it->second) : it->second}});
  if (req.method == "POST") {
    if (entity == "Note" && deny_note_updates_) return Error(403, "No update rights on Note");
    for (auto& [k, v] : body.as_object())
      it->second[k] = v;
    if (entity == "Note")
      it->second["updates"] =
          it->second.contains("updates") ? it->second["updates"].to_number<int64_t>() + 1 : 1;
    return JsonReply(200, json::object{{"changedEntityType", entity},
                                       {"changedEntityId", id},
                                       {"changeType", "UPDATE"},
                                       {"data", body}});
  }
  if (req.method == "DELETE") {
    table.erase(it);
    return JsonReply(
        200, json::object{
                 {"changedEntityType", entity}, {"changedEntityId", id}, {"changeType", "DELETE"}});
  }
  return Error(405, "Method not allowed");
}

}  // namespace crmhost::testing
