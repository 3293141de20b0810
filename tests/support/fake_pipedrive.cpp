#include "support/fake_pipedrive.h"

#include <crmhost/plugin.hpp>

#include <algorithm>
#include <cctype>
#include <optional>

namespace crmhost::testing {
namespace json = boost::json;

namespace {

FakeResponse Error(int status, const std::string& message) {
  return JsonReply(status, json::object{{"success", false}, {"error", message}, {"data", nullptr}});
}

std::string Digits(std::string_view s) {
  std::string out;
  for (char c : s)
    if (c >= '0' && c <= '9') out += c;
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// "NN:NN" with minutes below 60 (Pipedrive's duration and due_time).
bool IsClock(const json::value& v) {
  if (!v.is_string()) return false;
  const std::string_view s = v.get_string();
  auto digit = [](char c) { return c >= '0' && c <= '9'; };
  return s.size() == 5 && digit(s[0]) && digit(s[1]) && s[2] == ':' && digit(s[3]) && digit(s[4]) &&
         s[3] < '6';
}

json::object Person(int64_t id, const char* name, const char* phone, json::value org_id,
                    const char* added) {
  return {
      {"id", id},
      {"name", name},
      {"org_id", std::move(org_id)},
      {"owner_id", FakePipedrive::kUserId},
      {"phones", json::array{json::object{{"value", phone}, {"primary", true}, {"label", "work"}}}},
      {"emails", json::array()},
      {"add_time", added},
      {"update_time", "2026-02-03T04:05:06Z"}};
}

const char* OrgName(int64_t id) {
  return id == 301 ? "Analytical Engines Ltd" : id == 302 ? "Harvard Computation Lab" : "";
}

// A person as the v2 search lists it.
json::object SearchItem(const json::object& p) {
  json::array phones;
  for (auto& ph : p.at("phones").as_array())
    phones.push_back(ph.at("value"));
  json::value org = nullptr;
  if (p.at("org_id").is_int64())
    org = json::object{
        {"id", p.at("org_id")}, {"name", OrgName(p.at("org_id").as_int64())}, {"address", nullptr}};
  return {{"id", p.at("id")},
          {"type", "person"},
          {"name", p.at("name")},
          {"phones", std::move(phones)},
          {"emails", json::array()},
          {"visible_to", 3},
          {"owner", json::object{{"id", FakePipedrive::kUserId}}},
          {"organization", std::move(org)},
          {"custom_fields", json::array()},
          {"notes", json::array()},
          {"add_time", p.at("add_time")},
          {"update_time", p.at("update_time")}};
}

struct Deal {
  int64_t id, person;
  const char* title;
  const char* status;
};
constexpr Deal kDeals[] = {{501, 101, "Difference Engine deal", "open"},
                           {502, 101, "Old engine deal", "won"}};

}  // namespace

FakePipedrive::FakePipedrive() {
  persons_[101] = Person(101, "Ada Lovelace", "+14155550642", 301, "2025-01-02T03:04:05Z");
  persons_[102] = Person(102, "Alan Turing", "+1 415 555 0000", nullptr, "2024-03-01T10:00:00Z");
  persons_[103] = Person(103, "Grace Hopper", "4155550000", 302, "2024-05-01T10:00:00Z");
  // An inactive "call" type first: picking it would be wrong.
  auto type = [](int64_t id, const char* name, const char* key, bool active) {
    return json::object{
        {"id", id},        {"name", name},   {"key_string", key},       {"active_flag", active},
        {"icon_key", key}, {"order_nr", id}, {"is_custom_flag", id > 3}};
  };
  activity_types_ =
      json::array{type(1, "Legacy call", "legacy_call", false), type(2, "Call", "call", true),
                  type(3, "Meeting", "meeting", true), type(4, "SMS", "sms", true)};
  server_ = std::make_unique<FakeHttpServer>([this](const RecordedRequest& r) {
    FakeResponse answer = Handle(r);  // the effect happens now; the answer may come late
    answer.delay_ms = failures_.DelayFor(r.path);
    return answer;
  });
}

std::string FakePipedrive::access_token() const {
  std::lock_guard lock(mu_);
  return access_;
}
std::string FakePipedrive::refresh_token() const {
  std::lock_guard lock(mu_);
  return refresh_;
}
size_t FakePipedrive::code_calls() const {
  std::lock_guard lock(mu_);
  return code_calls_;
}
size_t FakePipedrive::refresh_calls() const {
  std::lock_guard lock(mu_);
  return refresh_calls_;
}
std::vector<std::string> FakePipedrive::revoked() const {
  std::lock_guard lock(mu_);
  return revoked_;
}
json::object FakePipedrive::activity(int64_t id) const {
  std::lock_guard lock(mu_);
  auto it = activities_.find(id);
  return it == activities_.end() ? json::object() : it->second;
}
size_t FakePipedrive::activity_count() const {
  std::lock_guard lock(mu_);
  return activities_.size();
}
void FakePipedrive::SetActivityNote(int64_t id, const std::string& note) {
  std::lock_guard lock(mu_);
  activities_[id]["note"] = note;
}
json::array FakePipedrive::created_persons() const {
  std::lock_guard lock(mu_);
  return created_persons_;
}
void FakePipedrive::SetActivityTypeActive(const std::string& key_string, bool active) {
  std::lock_guard lock(mu_);
  for (auto& t : activity_types_)
    if (t.at("key_string") == key_string.c_str()) t.as_object()["active_flag"] = active;
}

FakeResponse FakePipedrive::Handle(const RecordedRequest& req) {
  if (auto failure = failures_.Match(req.path)) return *failure;
  if (req.path.rfind("/oauth/", 0) == 0) return OAuth(req);
  FakeResponse r = Api(req);
  std::lock_guard lock(mu_);
  r.headers.emplace_back("x-ratelimit-limit", "80");
  r.headers.emplace_back("x-ratelimit-remaining",
                         std::to_string(rate_remaining_ > 0 ? --rate_remaining_ : 0));
  r.headers.emplace_back("x-ratelimit-reset", "2");
  return r;
}

FakeResponse FakePipedrive::OAuth(const RecordedRequest& req) {
  if (req.method != "POST") return Error(405, "Method not allowed");
  if (req.Header("authorization").value_or("") !=
      "Basic " + sdk::base64_encode(std::string(kClientId) + ":" + kClientSecret))
    return JsonReply(401,
                     json::object{{"success", false}, {"message", "Invalid client credentials"}});
  if (req.Header("content-type").value_or("").rfind("application/x-www-form-urlencoded", 0) != 0)
    return JsonReply(400, json::object{{"success", false}, {"message", "form body expected"}});
  auto form = ParseForm(req.body);
  std::lock_guard lock(mu_);
  if (req.path == "/oauth/revoke") {
    const std::string token = form["token"];
    if (token.empty())
      return JsonReply(400, json::object{{"success", false}, {"message", "token missing"}});
    revoked_.push_back(token);
    live_access_.erase(token);
    if (token == refresh_) refresh_.clear();
    return JsonReply(200, json::object());
  }
  if (req.path != "/oauth/token") return Error(404, "Not found");
  if (form["grant_type"] == "authorization_code") {
    ++code_calls_;
    if (form["code"] != kCode)
      return JsonReply(400,
                       json::object{{"error", "invalid_grant"}, {"error_description", "bad code"}});
  } else if (form["grant_type"] == "refresh_token") {
    ++refresh_calls_;
    if (refresh_.empty() || form["refresh_token"] != refresh_)
      return JsonReply(400, json::object{{"error", "invalid_grant"}});
  } else {
    return JsonReply(400, json::object{{"error", "unsupported_grant_type"}});
  }
  ++serial_;
  access_ = "pd-at-" + std::to_string(serial_) + "-7f3e";
  refresh_ = "pd-rt-" + std::to_string(serial_) + "-9b1c";
  live_access_.insert(access_);
  return JsonReply(200, json::object{{"access_token", access_},
                                     {"token_type", "Bearer"},
                                     {"expires_in", int(expires_in)},
                                     {"refresh_token", refresh_},
                                     {"scope", "base,deals:full,activities:full,contacts:full"},
                                     {"api_domain", kCompanyOrigin}});
}

FakeResponse FakePipedrive::Api(const RecordedRequest& req) {
  std::lock_guard lock(mu_);
  const std::string auth = req.Header("authorization").value_or("");
  if (auth.rfind("Bearer ", 0) != 0 || !live_access_.count(auth.substr(7)))
    return Error(401, "Unauthorized");
  const std::string& p = req.path;
  const std::string& m = req.method;
  auto ok = [](json::value data) {
    return JsonReply(200, json::object{{"success", true}, {"data", std::move(data)}});
  };
  auto body = [&]() -> std::optional<json::object> {
    if (req.Header("content-type").value_or("").rfind("application/json", 0) != 0)
      return std::nullopt;
    boost::system::error_code ec;
    json::value v = json::parse(req.body, ec);
    if (ec || !v.is_object()) return std::nullopt;
    return v.get_object();
  };

  if (p == "/v1/users/me" && m == "GET")
    return ok(json::object{{"id", kUserId},
                           {"name", "Jane Doe"},
                           {"email", "jane@testcompany.example"},
                           {"timezone_name", "America/New_York"},
                           {"timezone_offset", "-05:00"},
                           {"company_id", 1},
                           {"company_name", "Test Company"},
                           {"company_domain", "testcompany"},
                           {"locale", "en_US"}});
  if (p == "/api/v1/users" && m == "GET")
    return ok(json::array{json::object{{"id", kUserId},
                                       {"name", "Jane Doe"},
                                       {"email", "jane@testcompany.example"},
                                       {"is_deleted", false},
                                       {"active_flag", true}},
                          json::object{{"id", 12346},
                                       {"name", "Ada Admin"},
                                       {"email", "ada@testcompany.example"},
                                       {"is_deleted", false},
                                       {"active_flag", true}},
                          json::object{{"id", 12347},
                                       {"name", "Gone User"},
                                       {"email", "gone@testcompany.example"},
                                       {"is_deleted", true},
                                       {"active_flag", false}}});
  if (p == "/v1/activityTypes" && m == "GET") return ok(activity_types_);

  if (p == "/api/v2/persons/search" && m == "GET") {
    const std::string term = req.Query("term").value_or("");
    const std::string fields = req.Query("fields").value_or("");
    if (term.size() < 2) return Error(400, "term must be at least 2 characters long");
    json::array items;
    for (auto& [id, person] : persons_) {
      bool hit = false;
      if (fields == "phone") {
        const std::string wanted = Digits(term);
        for (auto& ph : person.at("phones").as_array())
          if (!wanted.empty() &&
              Digits(ph.at("value").as_string()).find(wanted) != std::string::npos)
            hit = true;
      } else if (fields == "name") {
        hit = Lower(std::string(person.at("name").as_string())).find(Lower(term)) !=
              std::string::npos;
      } else {
        return Error(400, "unsupported fields");
      }
      if (hit) items.push_back(json::object{{"result_score", 1.5}, {"item", SearchItem(person)}});
    }
    return JsonReply(200,
                     json::object{{"success", true},
                                  {"data", json::object{{"items", std::move(items)}}},
                                  {"additional_data", json::object{{"next_cursor", nullptr}}}});
  }
  if (p == "/v1/persons" && m == "POST") {
    auto b = body();
    if (!b || !b->contains("name") || !b->at("name").is_string() ||
        b->at("name").as_string().empty())
      return Error(400, "Name must be given.");
    created_persons_.push_back(*b);
    const int64_t id = next_person_++;
    const std::string phone = b->contains("phone") && b->at("phone").is_string()
                                  ? std::string(b->at("phone").as_string())
                                  : std::string();
    json::object person = Person(id, b->at("name").as_string().c_str(), phone.c_str(), nullptr,
                                 "2026-11-24T12:00:00Z");
    persons_[id] = person;
    json::object answer{{"id", id},
                        {"name", person.at("name")},
                        {"phone", json::array{json::object{
                                      {"value", phone}, {"primary", true}, {"label", "work"}}}},
                        {"org_id", nullptr},
                        {"add_time", "2026-11-24 12:00:00"}};
    return JsonReply(201, json::object{{"success", true}, {"data", std::move(answer)}});
  }
  if (p.rfind("/api/v2/persons/", 0) == 0 && m == "GET") {
    auto it = persons_.find(std::atoll(p.c_str() + 16));
    if (it == persons_.end()) return Error(404, "Person not found");
    return ok(it->second);
  }
  if (p == "/api/v2/deals" && m == "GET") {
    const int64_t person = std::atoll(req.Query("person_id").value_or("0").c_str());
    const std::string status = req.Query("status").value_or("");
    json::array deals;
    for (const Deal& d : kDeals)
      if (d.person == person && (status.empty() || status == d.status))
        deals.push_back(json::object{{"id", d.id},
                                     {"title", d.title},
                                     {"status", d.status},
                                     {"person_id", d.person},
                                     {"org_id", 301},
                                     {"value", 5000},
                                     {"currency", "USD"}});
    return ok(std::move(deals));
  }
  if (p == "/v1/leads" && m == "GET") {
    const int64_t person = std::atoll(req.Query("person_id").value_or("0").c_str());
    if (person == 103) return Error(403, "You do not have permission to access leads");
    json::array leads;
    if (person == 101)
      leads.push_back(json::object{
          {"id", kLeadId}, {"title", "Engine lead"}, {"person_id", 101}, {"organization_id", 301}});
    return ok(std::move(leads));
  }

  if (p == "/api/v2/activities" && m == "GET") {  // filtered by person, as the API allows
    const int64_t person = std::atoll(req.Query("person_id").value_or("0").c_str());
    json::array list;
    for (auto& [id, a] : activities_) {
      if (person && !(a.at("person_id").is_int64() && a.at("person_id").as_int64() == person))
        continue;
      json::object item = a;
      item.erase("posted");
      item.erase("patch_count");
      list.push_back(std::move(item));
    }
    return JsonReply(200,
                     json::object{{"success", true},
                                  {"data", std::move(list)},
                                  {"additional_data", json::object{{"next_cursor", nullptr}}}});
  }
  if (p == "/api/v2/activities" && m == "POST") {
    auto b = body();
    if (!b) return Error(400, "JSON body expected");
    const json::object& a = *b;
    auto is_string = [&](const char* k) { return a.contains(k) && a.at(k).is_string(); };
    if (!is_string("subject") || !is_string("type") || !is_string("note"))
      return Error(400, "subject, type and note are strings");
    bool known_type = false;
    for (auto& t : activity_types_)
      if (t.at("key_string") == a.at("type") && t.at("active_flag") == true) known_type = true;
    if (!known_type) return Error(400, "Unknown or inactive activity type");
    const json::value* participants = a.if_contains("participants");
    const json::value* primary =
        participants && participants->is_array() && !participants->get_array().empty() &&
                participants->get_array()[0].is_object()
            ? participants->get_array()[0].get_object().if_contains("person_id")
            : nullptr;
    if (!primary || !primary->is_int64()) return Error(400, "participants must name a person");
    if (a.contains("duration") && !IsClock(a.at("duration"))) return Error(400, "bad duration");
    if (!a.contains("due_time") || !IsClock(a.at("due_time"))) return Error(400, "bad due_time");
    if (!is_string("due_date") || a.at("due_date").as_string().size() != 10)
      return Error(400, "bad due_date");
    if (a.contains("deal_id") && !(a.at("deal_id").is_int64() || a.at("deal_id") == ""))
      return Error(400, "bad deal_id");
    const int64_t id = next_activity_++;
    json::object stored{{"id", id},
                        {"deal_id", nullptr},
                        {"lead_id", nullptr},
                        {"org_id", nullptr},
                        {"duration", nullptr}};
    for (auto& [k, v] : a)
      stored[k] = v;
    stored["person_id"] = *primary;
    stored["posted"] = a;  // the body exactly as it arrived
    activities_[id] = stored;
    json::object answer = stored;
    answer.erase("posted");
    return JsonReply(201, json::object{{"success", true}, {"data", std::move(answer)}});
  }
  if (p.rfind("/api/v2/activities/", 0) == 0) {
    auto it = activities_.find(std::atoll(p.c_str() + 19));
    if (it == activities_.end()) return Error(404, "Activity not found");
    if (m == "PATCH") {
      auto b = body();
      if (!b) return Error(400, "JSON body expected");
      if (b->contains("duration") && !IsClock(b->at("duration"))) return Error(400, "bad duration");
      for (auto& [k, v] : *b)
        it->second[k] = v;
      it->second["patch_count"] =
          it->second.contains("patch_count") ? it->second["patch_count"].as_int64() + 1 : 1;
    } else if (m != "GET") {
      return Error(405, "Method not allowed");
    }
    json::object data = it->second;
    data.erase("posted");
    data.erase("patch_count");
    json::object answer{{"success", true}, {"data", std::move(data)}};
    const int64_t person =
        it->second.at("person_id").is_int64() ? it->second.at("person_id").as_int64() : 0;
    if (auto pit = persons_.find(person); pit != persons_.end())
      answer["related_objects"] = json::object{
          {"person",
           json::object{{std::to_string(person),
                         json::object{{"id", person}, {"name", pit->second.at("name")}}}}}};
    return JsonReply(200, answer);
  }
  return Error(404, "Not found");
}

}  // namespace crmhost::testing
