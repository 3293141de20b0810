#include "support/fake_clio.h"

#include <crmhost/plugin.hpp>

#include <algorithm>

namespace crmhost::testing {
namespace json = boost::json;

namespace {

constexpr std::string_view kApi = "/api/v4/";

// Every Clio answer carries its rate-limit headers.
FakeResponse Json(int status, const json::value& v) {
  FakeResponse r = JsonReply(status, v);
  r.headers = {
      {"X-RateLimit-Limit", "100"}, {"X-RateLimit-Remaining", "99"}, {"X-RateLimit-Reset", "60"}};
  return r;
}

json::object Contact(int64_t id, const char* name, const char* type, const char* phone,
                     const char* email) {
  return {{"id", id},
          {"name", name},
          {"type", type},
          {"created_at", "2025-04-01T10:00:00-04:00"},
          {"updated_at", "2026-10-01T10:00:00-04:00"},
          {"primary_email_address", email ? json::value(email) : json::value()},
          {"primary_phone_number", phone},
          {"phone_numbers", json::array{json::object{{"number", phone}}}}};
}

json::object Matter(int64_t id, const char* number, const char* description, const char* status) {
  return {{"id", id}, {"display_number", number}, {"description", description}, {"status", status}};
}

// An id as text, whether it was sent as a number or a string.
bool IsTrue(const json::object& o, const char* key) {
  const json::value* v = o.if_contains(key);
  return v && v->is_bool() && v->get_bool();
}

std::string IdText(const json::value& v) {
  return v.is_string() ? std::string(v.get_string()) : json::serialize(v);
}

}  // namespace

FakeClio::FakeClio(std::string host, std::string client_id, std::string client_secret)
    : host_(std::move(host)),
      client_id_(std::move(client_id)),
      client_secret_(std::move(client_secret)) {
  // +14155550100 is one person (two client matters, one of them closed, and two pages of
  // related matters); (415) 555-0199 is stored in local format; +14155550000 is two contacts.
  contacts_ =
      json::array{Contact(71201, "Atticus Finch", "Person", "+14155550100", "atticus@example.test"),
                  Contact(71202, "Maycomb Bank", "Company", "+14155550000", nullptr),
                  Contact(71203, "Jean Finch", "Person", "+14155550000", "scout@example.test"),
                  Contact(71204, "Boo Radley", "Person", "(415) 555-0199", nullptr)};
  server_ =
      std::make_unique<FakeHttpServer>([this](const RecordedRequest& r) { return Handle(r); });
}

json::object FakeClio::communication(int64_t id) const {
  std::lock_guard lock(mu_);
  auto it = communications_.find(id);
  return it == communications_.end() ? json::object() : it->second;
}
size_t FakeClio::communication_count() const {
  std::lock_guard lock(mu_);
  return communications_.size();
}
json::array FakeClio::activities() const {
  std::lock_guard lock(mu_);
  return activities_;
}
json::array FakeClio::created_contacts() const {
  std::lock_guard lock(mu_);
  return created_contacts_;
}
std::string FakeClio::access_token() const {
  std::lock_guard lock(mu_);
  return access_;
}
size_t FakeClio::deauthorized() const {
  std::lock_guard lock(mu_);
  return deauthorized_;
}

FakeResponse FakeClio::Token(const RecordedRequest& req) {
  if (req.Header("authorization").value_or("") !=
      "Basic " + sdk::base64_encode(client_id_ + ":" + client_secret_))
    return Json(401, json::object{{"error", "invalid_client"}});
  auto form = ParseForm(req.body);
  std::lock_guard lock(mu_);
  if (form["grant_type"] == "authorization_code" ? form["code"] != kCode
                                                 : form["refresh_token"] != refresh_)
    return Json(400, json::object{{"error", "invalid_grant"}});
  ++serial_;
  access_ = "clio-at-" + host_ + "-" + std::to_string(serial_);
  refresh_ = "clio-rt-" + std::to_string(serial_);
  return Json(200, json::object{{"access_token", access_},
                                {"refresh_token", refresh_},
                                {"token_type", "Bearer"},
                                {"expires_in", 7200}});
}

json::object FakeClio::calendar_entry(int64_t id) const {
  std::lock_guard lock(mu_);
  auto it = calendar_entries_.find(id);
  return it == calendar_entries_.end() ? json::object() : it->second;
}

int64_t FakeClio::AddCalendarEntry(json::object entry) {
  std::lock_guard lock(mu_);
  const int64_t id = next_id_++;
  entry["id"] = id;
  if (!entry.contains("attendees")) entry["attendees"] = json::array();
  if (!entry.contains("external_properties")) entry["external_properties"] = json::array();
  calendar_entries_[id] = std::move(entry);
  return id;
}

void FakeClio::SetCalendars(bool own, bool shared) {
  std::lock_guard lock(mu_);
  own_calendar_ = own;
  shared_calendar_ = shared;
}

// calendars, calendar_entries, calendar_entries/{id}: Clio answers attendees with the contact's
// name and type, takes {id, type, _destroy} to remove one, and DELETE answers 204.
FakeResponse FakeClio::Calendar(const RecordedRequest& req, const std::string& path,
                                const json::object& data) {
  auto attendee = [&](const json::value& id) -> json::object {
    for (auto& c : contacts_)
      if (c.at("id") == id)
        return json::object{{"id", id}, {"name", c.at("name")}, {"type", "Person"}};
    return json::object{{"id", id}, {"name", "Contact " + IdText(id)}, {"type", "Person"}};
  };
  if (path == "calendars" && req.method == "GET") {
    json::array list;
    const bool own = req.Query("owner") == "true";
    if (own ? own_calendar_ : shared_calendar_)
      list.push_back(json::object{{"id", own ? 51 : 61},
                                  {"type", own ? "UserCalendar" : "AdhocCalendar"},
                                  {"permission", own ? "owner" : "editor"},
                                  {"visible", true}});
    return Json(200, json::object{{"data", list}});
  }
  if (path == "calendar_entries" && req.method == "GET") {
    json::array list;
    for (auto& [id, e] : calendar_entries_)
      list.push_back(e);
    return Json(200, json::object{{"data", list}});
  }
  if (path == "calendar_entries" && req.method == "POST") {
    json::object e = data;
    if (!e.contains("summary") || !e.contains("start_at") || !e.contains("end_at") ||
        !e.contains("calendar_owner"))
      return Json(422, json::object{{"error", "summary, start_at, end_at, calendar_owner"}});
    json::array attendees;
    if (auto* list = e.if_contains("attendees"))
      for (auto& a : list->as_array())
        attendees.push_back(attendee(a.at("id")));
    e["attendees"] = std::move(attendees);
    e["external_properties"] = json::array();
    e["calendar_owner_id"] = e.at("calendar_owner").at("id");
    e.erase("calendar_owner");
    e.erase("send_email_notification");
    e["id"] = next_id_++;
    calendar_entries_[e["id"].as_int64()] = e;
    return Json(201, json::object{{"data", e}});
  }
  const int64_t id = path.rfind("calendar_entries/", 0) == 0
                         ? std::atoll(path.substr(std::string("calendar_entries/").size()).c_str())
                         : 0;
  auto it = calendar_entries_.find(id);
  if (it == calendar_entries_.end()) return Json(404, json::object{{"error", "not found"}});
  if (req.method == "DELETE") {
    calendar_entries_.erase(it);
    FakeResponse r;
    r.status = 204;
    r.content_type.clear();
    return r;
  }
  if (req.method == "PATCH") {
    json::object& e = it->second;
    for (const char* k : {"summary", "description", "start_at", "end_at"})
      if (auto* v = data.if_contains(k)) e[k] = *v;
    if (auto* list = data.if_contains("attendees")) {
      json::array& have = e["attendees"].as_array();
      for (auto& a : list->as_array()) {
        const json::value& aid = a.at("id");
        auto same = [&](const json::value& h) { return h.at("id") == aid; };
        if (a.as_object().contains("_destroy")) {
          have.erase(std::remove_if(have.begin(), have.end(), same), have.end());
        } else if (std::none_of(have.begin(), have.end(), same)) {
          have.push_back(attendee(aid));
        }
      }
    }
  }
  return Json(200, json::object{{"data", it->second}});
}

json::object FakeClio::document(int64_t id) const {
  std::lock_guard lock(mu_);
  auto it = documents_.find(id);
  return it == documents_.end() ? json::object() : it->second;
}

std::string FakeClio::document_bytes(int64_t id) const {
  std::lock_guard lock(mu_);
  auto it = documents_.find(id);
  if (it == documents_.end()) return "";
  auto up = uploads_.find(std::string(it->second.at("uuid").as_string()));
  return up == uploads_.end() ? "" : up->second;
}

size_t FakeClio::document_count() const {
  std::lock_guard lock(mu_);
  return documents_.size();
}

// documents (POST: a new document with an upload URL) and documents/{id} (PATCH: mark the
// version fully uploaded, which only holds once its bytes arrived).
FakeResponse FakeClio::Documents(const RecordedRequest& req, const std::string& path,
                                 const json::object& data) {
  if (path == "documents" && req.method == "POST") {
    if (!data.contains("name") || !data.contains("parent"))
      return Json(422, json::object{{"error", "name and parent are required"}});
    json::object d = data;
    const int64_t id = next_id_++;
    d["id"] = id;
    d["uuid"] = "uuid-" + std::to_string(id);
    d["fully_uploaded"] = false;
    documents_[id] = d;
    return Json(
        201, json::object{
                 {"data",
                  json::object{
                      {"id", id},
                      {"latest_document_version",
                       json::object{
                           {"uuid", d["uuid"]},
                           {"put_url", storage_origin() + "/upload/uuid-" + std::to_string(id)},
                           {"put_headers",
                            json::array{json::object{{"name", "x-amz-server-side-encryption"},
                                                     {"value", "AES256"}},
                                        json::object{{"name", "Content-Type"},
                                                     {"value", "application/octet-stream"}}}}}}}}});
  }
  const int64_t id = path.rfind("documents/", 0) == 0 ? std::atoll(path.c_str() + 10) : 0;
  auto it = documents_.find(id);
  if (it == documents_.end() || req.method != "PATCH")
    return Json(404, json::object{{"error", "not found"}});
  json::object& d = it->second;
  const bool complete = data.contains("uuid") && data.at("uuid") == d.at("uuid") &&
                        IsTrue(data, "fully_uploaded") &&
                        uploads_.count(std::string(d.at("uuid").as_string()));
  d["fully_uploaded"] = complete;
  return Json(200,
              json::object{{"data", json::object{{"id", id},
                                                 {"latest_document_version",
                                                  json::object{{"fully_uploaded", complete}}}}}});
}

FakeResponse FakeClio::Handle(const RecordedRequest& req) {
  if (auto failure = failures_.Match(req.path)) return *failure;
  if (req.path == "/oauth/token" && req.method == "POST") return Token(req);
  std::unique_lock lock(mu_);
  // The storage host: no Clio token, but the headers Clio said to send.
  if (req.path.rfind("/upload/", 0) == 0 && req.method == "PUT") {
    if (req.Header("x-amz-server-side-encryption") != "AES256" || req.Header("authorization"))
      return Json(403, json::object{{"error", "SignatureDoesNotMatch"}});
    uploads_[req.path.substr(8)] = req.body;
    FakeResponse ok;
    ok.content_type.clear();
    return ok;
  }
  if (access_.empty() || req.Header("authorization").value_or("") != "Bearer " + access_)
    return Json(401, json::object{{"error", json::object{{"type", "AuthorizationError"}}}});
  if (req.path == "/oauth/deauthorize" && req.method == "POST") {
    ++deauthorized_;
    return Json(200, json::object{});
  }
  if (req.path.rfind(kApi, 0) != 0) return Json(404, json::object{{"error", "not found"}});
  std::string path = req.path.substr(kApi.size());
  if (path.size() > 5 && path.substr(path.size() - 5) == ".json") path.resize(path.size() - 5);
  auto data = [&]() -> json::object {
    boost::system::error_code ec;
    json::value v = json::parse(req.body, ec);
    const json::value* d = !ec && v.is_object() ? v.get_object().if_contains("data") : nullptr;
    return d && d->is_object() ? d->get_object() : json::object();
  };
  auto id_after = [&](std::string_view prefix) -> int64_t {
    return path.rfind(prefix, 0) == 0 ? std::atoll(path.substr(prefix.size()).c_str()) : 0;
  };

  if (path == "users/who_am_i")
    return Json(200, json::object{{"data", json::object{{"id", host_ == "app.clio.com" ? 345 : 545},
                                                        {"name", "Jane Doe"},
                                                        {"time_zone", "America/New_York"}}}});
  if (path == "users")
    return Json(
        200,
        json::object{
            {"data",
             json::array{
                 json::object{{"id", 345}, {"name", "Jane Doe"}, {"email", "jane@example.test"}},
                 json::object{
                     {"id", 346}, {"name", "Ada Lovelace"}, {"email", "ada@example.test"}}}}});
  if (path == "contacts" && req.method == "GET") {
    const std::string q = req.Query("query").value_or("");
    json::array found;
    for (auto& c : contacts_) {
      const auto& o = c.get_object();
      bool hit = std::string(o.at("name").as_string()).find(q) != std::string::npos;
      for (auto& p : o.at("phone_numbers").as_array())
        hit = hit || p.at("number") == q.c_str();
      if (hit && !q.empty()) found.push_back(c);
    }
    return Json(200,
                json::object{{"data", found}, {"meta", json::object{{"records", found.size()}}}});
  }
  if (path == "contacts" && req.method == "POST") {
    json::object c = data();
    if (!c.contains("name") || !c.contains("type"))
      return Json(422, json::object{{"error", "name and type are required"}});
    c["id"] = next_id_++;
    created_contacts_.push_back(c);
    return Json(201, json::object{{"data", c}});
  }
  if (int64_t id = id_after("contacts/")) {
    for (auto& c : contacts_)
      if (c.at("id") == id)
        return Json(200, json::object{{"data", json::object{{"id", id}, {"name", c.at("name")}}}});
    return Json(404, json::object{{"error", "not found"}});
  }
  if (path == "matters") {
    json::array list;
    if (req.Query("client_id") == "71201")
      list = {Matter(9001, "00001-Finch", "Robinson defence", "Open"),
              Matter(9002, "00002-Finch", "Old estate", "Closed")};
    return Json(200, json::object{{"data", list}});
  }
  if (path == "relationships") {
    json::array list;
    json::object meta{{"paging", json::object()}};
    if (req.Query("contact_id") == "71201") {
      if (req.Query("page_token") == "2") {
        list = {json::object{{"matter", Matter(9004, "00004-Town", "Zoning appeal", "Pending")}}};
      } else {
        list = {json::object{{"matter", Matter(9003, "00003-Town", "Mockingbird case", "Open")}}};
        meta["paging"] = json::object{
            {"next", origin() + "/api/v4/relationships.json?contact_id=71201&page_token=2"}};
      }
    }
    return Json(200, json::object{{"data", list}, {"meta", meta}});
  }
  if (path == "communications" && req.method == "POST") {
    json::object c = data();
    if (!c.contains("subject") || !c.contains("type"))
      return Json(422, json::object{{"error", "subject and type are required"}});
    c["id"] = next_id_++;
    communications_[c["id"].as_int64()] = c;
    return Json(201, json::object{{"data", json::object{{"id", c["id"]}}}});
  }
  if (int64_t id = id_after("communications/")) {
    auto it = communications_.find(id);
    if (it == communications_.end()) return Json(404, json::object{{"error", "not found"}});
    if (req.method == "PATCH") {
      for (auto& [k, v] : data())
        it->second[k] = v;
      return Json(200, json::object{{"data", json::object{{"id", id}}}});
    }
    // Clio answers participants typed by what they are: a contact is a Person or Company.
    json::object c = it->second;
    for (const char* side : {"senders", "receivers"})
      for (auto& p : c[side].as_array())
        if (p.at("type") == "Contact") p.as_object()["type"] = "Person";
    if (!c.contains("matter")) c["matter"] = nullptr;
    return Json(200, json::object{{"data", c}});
  }
  if (path == "activities" && req.method == "POST") {
    json::object a = data();
    if (a["type"] != "TimeEntry") return Json(422, json::object{{"error", "type"}});
    a["id"] = next_id_++;
    activities_.push_back(a);
    return Json(201, json::object{{"data", json::object{{"id", a["id"]}}}});
  }
  if (path == "activities" && req.method == "GET") {
    json::array list;
    for (auto& a : activities_)
      if (IdText(a.at("communication").at("id")) == req.Query("communication_id"))
        list.push_back(json::object{{"id", a.at("id")}, {"quantity", a.at("quantity")}});
    return Json(200, json::object{{"data", list}});
  }
  if (path.rfind("calendar", 0) == 0) return Calendar(req, path, data());
  if (path.rfind("documents", 0) == 0) return Documents(req, path, data());
  if (int64_t id = id_after("activities/"); id && req.method == "PATCH") {
    for (auto& a : activities_)
      if (a.at("id") == id) {
        for (auto& [k, v] : data())
          a.as_object()[k] = v;
        return Json(200, json::object{{"data", json::object{{"id", id}}}});
      }
    return Json(404, json::object{{"error", "not found"}});
  }
  return Json(404, json::object{{"error", "not found"}});
}

}  // namespace crmhost::testing
