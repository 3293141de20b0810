#include "support/fake_redtail.h"

#include <crmhost/plugin.hpp>

namespace crmhost::testing {
namespace json = boost::json;

namespace {

const char* kPrefix = "/api/public/v1";

json::object Contact(int64_t id, const char* first, const char* last, const char* phone,
                     const char* created) {
  return {{"id", id},
          {"first_name", first},
          {"middle_name", ""},
          {"last_name", last},
          {"full_name", std::string(first) + " " + last},
          {"job_title", "Advisor"},
          {"created_at", created},
          {"updated_at", "2026-01-02T03:04:05Z"},
          {"phones", json::array{json::object{{"number", phone}, {"country_code", 1}}}}};
}

// The contact book: one match for 4155555678, two for 4155550000, none for anything else.
const json::array& Contacts() {
  static const json::array kContacts{
      Contact(201, "Redtail", "Contact", "4155555678", "2026-01-02T02:04:05Z"),
      Contact(202, "Ada", "Lovelace", "4155550000", "2025-05-01T10:00:00Z"),
      Contact(203, "Alan", "Turing", "4155550000", "2024-03-01T10:00:00Z"),
  };
  return kContacts;
}

}  // namespace

FakeRedtail::FakeRedtail(std::optional<TlsFiles> tls) {
  server_ =
      std::make_unique<FakeHttpServer>([this](const RecordedRequest& r) { return Handle(r); }, tls);
}

void FakeRedtail::Fail(std::string path_prefix, Failure kind, int status,
                       std::vector<std::pair<std::string, std::string>> headers) {
  failures_.Fail(std::string(kPrefix) + path_prefix, kind, status, std::move(headers));
}

json::array FakeRedtail::created_contacts() const {
  std::lock_guard lock(mu_);
  return created_contacts_;
}

void FakeRedtail::ClearFailures() {
  failures_.Clear();
}

size_t FakeRedtail::activity_count() const {
  std::lock_guard lock(mu_);
  return activities_.size();
}

json::object FakeRedtail::activity(int64_t id) const {
  std::lock_guard lock(mu_);
  auto it = activities_.find(id);
  return it == activities_.end() ? json::object() : it->second;
}

void FakeRedtail::SetActivityDescription(int64_t id, const std::string& description) {
  std::lock_guard lock(mu_);
  activities_[id]["description"] = description;
}

FakeResponse FakeRedtail::Handle(const RecordedRequest& req) {
  FakeResponse r = Answer(req);
  r.delay_ms = failures_.DelayFor(req.path);
  return r;
}

FakeResponse FakeRedtail::Answer(const RecordedRequest& req) {
  if (auto failure = failures_.Match(req.path)) return *failure;
  std::unique_lock lock(mu_);
  if (req.path.rfind(kPrefix, 0) != 0) return JsonReply(404, json::object{{"error", "not found"}});
  const std::string path = req.path.substr(std::string(kPrefix).size());
  const std::string auth = req.Header("authorization").value_or("");

  if (path == "/authentication" && req.method == "GET") {
    const std::string good = "Basic " + sdk::base64_encode(std::string(kIntegrationKey) + ":" +
                                                           kUsername + ":" + kPassword);
    if (auth != good) return JsonReply(401, json::object{{"error", "Invalid credentials"}});
    return JsonReply(200, json::object{{"authenticated_user", json::object{{"id", 77},
                                                                           {"user_key", kUserKey},
                                                                           {"database_id", 9001},
                                                                           {"first_name", "Jane"},
                                                                           {"last_name", "Doe"}}}});
  }
  if (auth != sdk::base64_encode(std::string(kIntegrationKey) + ":" + kUserKey))
    return JsonReply(401, json::object{{"error", "Unauthorized"}});

  if (path == "/contacts/search_basic" && req.method == "GET") {
    json::array found;
    const auto phone = req.Query("phone_number");
    const auto name = req.Query("name");
    json::array all = Contacts();
    for (auto& c : created_contacts_)
      all.push_back(c);
    for (auto& c : all) {
      const auto& o = c.get_object();
      bool hit = false;
      if (phone)
        hit = o.at("phones").get_array()[0].get_object().at("number").get_string() == *phone;
      if (name) {
        std::string full(o.at("full_name").get_string());
        hit = hit || full.find(*name) != std::string::npos;
      }
      if (hit) found.push_back(c);
    }
    return JsonReply(200, json::object{{"contacts", found}});
  }
  if (path == "/contacts" && req.method == "POST") {
    boost::system::error_code ec;
    json::value body = json::parse(req.body, ec);
    if (ec || !body.is_object() || !body.get_object().contains("last_name"))
      return JsonReply(422, json::object{{"error", "last_name is required"}});
    json::object c = body.get_object();
    c["id"] = int64_t(500 + created_contacts_.size());
    c["full_name"] = json::string(std::string(c["first_name"].as_string()) + " " +
                                  std::string(c["last_name"].as_string()));
    c["middle_name"] = "";
    created_contacts_.push_back(c);
    return JsonReply(201, json::object{{"contact", c}});
  }
  if (path == "/lists/database_users" && req.method == "GET") {
    return JsonReply(
        200,
        json::object{
            {"database_users",
             json::array{
                 json::object{{"id", 77}, {"first_name", "Jane"}, {"last_name", "Doe"}},
                 json::object{{"id", 78}, {"first_name", "Ada"}, {"last_name", "Lovelace"}}}}});
  }
  if (path == "/lists/categories" && req.method == "GET") {
    return JsonReply(
        200,
        json::object{{"categories",
                      json::array{json::object{{"id", 1}, {"name", "Client"}, {"deleted", false}},
                                  json::object{{"id", 2}, {"name", "Prospect"}, {"deleted", false}},
                                  json::object{{"id", 3}, {"name", "Old"}, {"deleted", true}}}}});
  }
  // The activities whose start lies in [start_date, end_date] (ISO 8601 UTC, compared as text:
  // the fake's dates all have one format), as Redtail lists a date range.
  if (path == "/activities" && req.method == "GET") {
    const std::string from = req.Query("start_date").value_or("");
    const std::string to = req.Query("end_date").value_or("~");
    json::array list;
    for (auto& [id, a] : activities_) {
      const auto* start = a.if_contains("start_date");
      const std::string at = start && start->is_string() ? std::string(start->get_string()) : "";
      if (at >= from && at <= to) list.push_back(a);
    }
    return JsonReply(200, json::object{{"activities", std::move(list)}});
  }
  if (path == "/activities" && req.method == "POST") {
    boost::system::error_code ec;
    json::value body = json::parse(req.body, ec);
    if (ec || !body.is_object()) return JsonReply(400, json::object{{"error", "bad JSON"}});
    json::object a = body.get_object();
    a["id"] = next_activity_++;
    a["completed"] = false;
    activities_[a["id"].get_int64()] = a;
    return JsonReply(201, json::object{{"activity", a}});
  }
  // /activities/{id}[/notes]
  if (path.rfind("/activities/", 0) == 0) {
    std::string rest = path.substr(12);
    bool notes = false;
    if (auto slash = rest.find('/'); slash != std::string::npos) {
      notes = rest.substr(slash) == "/notes";
      rest = rest.substr(0, slash);
    }
    int64_t id = 0;
    try {
      id = std::stoll(rest);
    } catch (...) {
      return JsonReply(404, json::object{{"error", "no such activity"}});
    }
    auto it = activities_.find(id);
    if (it == activities_.end()) return JsonReply(404, json::object{{"error", "no such activity"}});
    if (notes && req.method == "POST") {
      it->second["note_count"] =
          it->second.contains("note_count") ? it->second["note_count"].as_int64() + 1 : 1;
      return JsonReply(201, json::object{{"note", json::object{{"id", 401}}}});
    }
    if (req.method == "PUT" || req.method == "PATCH") {
      boost::system::error_code ec;
      json::value body = json::parse(req.body, ec);
      if (ec || !body.is_object()) return JsonReply(400, json::object{{"error", "bad JSON"}});
      for (auto& [k, v] : body.get_object())
        it->second[k] = v;
      return JsonReply(200, json::object{{"activity", it->second}});
    }
    if (req.method == "GET") {
      json::object a = it->second;
      json::array linked;
      if (auto* lc = a.if_contains("linked_contacts"); lc && lc->is_array())
        for (auto& l : lc->get_array()) {
          int64_t cid = l.get_object().at("contact_id").is_int64()
                            ? l.get_object().at("contact_id").get_int64()
                            : 0;
          for (auto& c : Contacts())
            if (c.get_object().at("id").get_int64() == cid)
              linked.push_back(json::object{{"contact_id", cid},
                                            {"first_name", c.get_object().at("first_name")},
                                            {"last_name", c.get_object().at("last_name")}});
        }
      a["linked_contacts"] = linked;
      return JsonReply(200, json::object{{"activity", a}});
    }
  }
  return JsonReply(404, json::object{{"error", "not found"}});
}

}  // namespace crmhost::testing
