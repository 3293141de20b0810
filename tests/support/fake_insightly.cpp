#include "support/fake_insightly.h"

#include <crmhost/plugin.hpp>

namespace crmhost::testing {
namespace json = boost::json;

namespace {

constexpr std::string_view kVersion = "/v3.1";

json::object Link(int64_t id, const char* name, int64_t object) {
  return {{"LINK_ID", id},
          {"OBJECT_NAME", "Contact"},
          {"OBJECT_ID", 0},
          {"LINK_OBJECT_NAME", name},
          {"LINK_OBJECT_ID", object},
          {"ROLE", nullptr},
          {"DETAILS", nullptr},
          {"RELATIONSHIP_ID", nullptr},
          {"IS_FORWARD", nullptr}};
}

// The address book: 4155550642 is a contact's PHONE, another contact's PHONE_MOBILE and a
// lead's PHONE; 4155557777 is only in the custom field Other_Phone__c; others match nothing.
json::array Contacts() {
  return json::array{
      json::object{{"CONTACT_ID", 101},
                   {"FIRST_NAME", "Ada"},
                   {"LAST_NAME", "Lovelace"},
                   {"PHONE", "4155550642"},
                   {"PHONE_MOBILE", nullptr},
                   {"TITLE", "CTO"},
                   {"DATE_CREATED_UTC", "2025-01-02 03:04:05"},
                   {"DATE_UPDATED_UTC", "2026-02-03 04:05:06"},
                   {"LAST_ACTIVITY_DATE_UTC", nullptr},
                   {"LINKS", json::array{Link(1, "Organisation", 301), Link(2, "Opportunity", 401),
                                         Link(3, "Project", 501)}},
                   {"CUSTOMFIELDS", json::array()}},
      json::object{{"CONTACT_ID", 102},
                   {"FIRST_NAME", "Grace"},
                   {"LAST_NAME", "Hopper"},
                   {"PHONE", "4155550000"},
                   {"PHONE_MOBILE", "4155550642"},
                   {"DATE_CREATED_UTC", "2024-01-01 00:00:00"},
                   {"LAST_ACTIVITY_DATE_UTC", "2026-03-01 00:00:00"},
                   {"LINKS", json::array{Link(4, "Organisation", 301)}},
                   {"CUSTOMFIELDS", json::array()}},
      json::object{{"CONTACT_ID", 103},
                   {"FIRST_NAME", "Alan"},
                   {"LAST_NAME", "Turing"},
                   {"PHONE", "4155551111"},
                   {"LINKS", json::array()},
                   {"CUSTOMFIELDS", json::array{json::object{{"FIELD_NAME", "Other_Phone__c"},
                                                             {"FIELD_VALUE", "4155557777"}}}}},
  };
}

json::array Leads() {
  return json::array{json::object{{"LEAD_ID", 3302},
                                  {"FIRST_NAME", "Mary"},
                                  {"LAST_NAME", "Jackson"},
                                  {"PHONE", "4155550642"},
                                  {"MOBILE", nullptr},
                                  {"DATE_CREATED_UTC", "2026-01-05 10:00:00"},
                                  {"LINKS", json::array()},
                                  {"CUSTOMFIELDS", json::array()}}};
}

std::string FieldText(const json::object& record, const std::string& field) {
  if (auto* v = record.if_contains(field); v && v->is_string()) return std::string(v->get_string());
  if (auto* cf = record.if_contains("CUSTOMFIELDS"); cf && cf->is_array())
    for (auto& f : cf->get_array())
      if (f.at("FIELD_NAME") == field.c_str() && f.at("FIELD_VALUE").is_string())
        return std::string(f.at("FIELD_VALUE").get_string());
  return {};
}

}  // namespace

FakeInsightly::FakeInsightly() {
  people_["contacts"] = Contacts();
  people_["leads"] = Leads();
  server_ = std::make_unique<FakeHttpServer>([this](const RecordedRequest& r) {
    FakeResponse answer = Handle(r);
    answer.delay_ms = failures_.DelayFor(r.path);
    return answer;
  });
}

json::object FakeInsightly::event(int64_t id) const {
  std::lock_guard lock(mu_);
  auto it = events_.find(id);
  return it == events_.end() ? json::object() : it->second;
}

void FakeInsightly::SetEventDetails(int64_t id, const std::string& details) {
  std::lock_guard lock(mu_);
  events_[id]["DETAILS"] = details;
}

size_t FakeInsightly::event_count() const {
  std::lock_guard lock(mu_);
  return events_.size();
}

json::array FakeInsightly::created(const std::string& collection) const {
  std::lock_guard lock(mu_);
  auto it = created_.find(collection);
  return it == created_.end() ? json::array() : it->second;
}

FakeResponse FakeInsightly::Handle(const RecordedRequest& req) {
  if (auto failure = failures_.Match(req.path)) return *failure;
  if (req.Header("authorization").value_or("") !=
      "Basic " + sdk::base64_encode(std::string(kApiKey) + ":"))
    return JsonReply(401, json::object{{"Message", "Unauthorized"}});
  if (req.path.rfind(kVersion, 0) != 0)
    return JsonReply(404, json::object{{"Message", "Not found"}});
  const std::string path = req.path.substr(kVersion.size());
  std::lock_guard lock(mu_);
  auto body = [&]() -> json::object {
    boost::system::error_code ec;
    json::value v = json::parse(req.body, ec);
    return !ec && v.is_object() ? v.get_object() : json::object();
  };

  if (path == "/users/me")
    return JsonReply(200, json::object{{"USER_ID", 42},
                                       {"FIRST_NAME", "Jane"},
                                       {"LAST_NAME", "Doe"},
                                       {"EMAIL_ADDRESS", "jane@example.test"},
                                       {"TIMEZONE_ID", "Eastern Standard Time"}});
  if (path == "/users")
    return JsonReply(200, json::array{json::object{{"USER_ID", 42},
                                                   {"FIRST_NAME", "Jane"},
                                                   {"LAST_NAME", "Doe"},
                                                   {"EMAIL_ADDRESS", "jane@example.test"}},
                                      json::object{{"USER_ID", 43},
                                                   {"FIRST_NAME", "Ada"},
                                                   {"LAST_NAME", "Lovelace"},
                                                   {"EMAIL_ADDRESS", "ada@example.test"}}});
  for (const std::string collection : {"contacts", "leads"}) {
    if (path == "/" + collection + "/search" && req.method == "GET") {
      const std::string field = req.Query("field_name").value_or("");
      const std::string value = req.Query("field_value").value_or("");
      if (field.find("__c") != std::string::npos && field != "Other_Phone__c")
        return JsonReply(400, json::object{{"Message", "Invalid field_name"}});
      json::array found;
      for (auto& p : people_[collection])
        if (FieldText(p.get_object(), field) == value) found.push_back(p);
      return JsonReply(200, found);
    }
    if (path == "/" + collection && req.method == "POST") {
      json::object p = body();
      if (!p.contains("LAST_NAME"))
        return JsonReply(400, json::object{{"Message", "LAST_NAME required"}});
      p[collection == "contacts" ? "CONTACT_ID" : "LEAD_ID"] = next_person_++;
      p["LINKS"] = json::array();
      created_[collection].push_back(p);
      people_[collection].push_back(p);
      return JsonReply(201, p);
    }
    if (path.rfind("/" + collection + "/", 0) == 0 && req.method == "GET") {
      const std::string id = path.substr(collection.size() + 2);
      for (auto& p : people_[collection]) {
        auto& o = p.get_object();
        const auto& key = o.at(collection == "contacts" ? "CONTACT_ID" : "LEAD_ID");
        if (json::serialize(key) == id) return JsonReply(200, o);
      }
      return JsonReply(404, json::object{{"Message", "Not found"}});
    }
  }
  struct Named {
    const char* path;
    const char* id_field;
    const char* name_field;
    int64_t id;
    const char* name;
  } named[] = {
      {"/organisations/", "ORGANISATION_ID", "ORGANISATION_NAME", 301, "Analytical Engines Ltd"},
      {"/opportunities/", "OPPORTUNITY_ID", "OPPORTUNITY_NAME", 401, "Difference Engine deal"},
      {"/projects/", "PROJECT_ID", "PROJECT_NAME", 501, "Notes on the Engine"}};
  for (auto& n : named)
    if (path == n.path + std::to_string(n.id))
      return JsonReply(200, json::object{{n.id_field, n.id}, {n.name_field, n.name}});

  if (path == "/events" && req.method == "POST") {
    json::object e = body();
    if (!e.contains("TITLE")) return JsonReply(400, json::object{{"Message", "TITLE required"}});
    e["EVENT_ID"] = next_event_++;
    e["LINKS"] = json::array();
    events_[e["EVENT_ID"].as_int64()] = e;
    return JsonReply(201, e);
  }
  if (path == "/events" && req.method == "PUT") {
    json::object patch = body();
    int64_t id = 0;
    if (auto* v = patch.if_contains("EVENT_ID"))
      id = v->is_string() ? std::atoll(v->get_string().c_str()) : v->to_number<int64_t>();
    auto it = events_.find(id);
    if (it == events_.end()) return JsonReply(404, json::object{{"Message", "Not found"}});
    for (auto& [k, v] : patch)
      if (k != "EVENT_ID") it->second[k] = v;
    it->second["put_count"] =
        it->second.contains("put_count") ? it->second["put_count"].as_int64() + 1 : 1;
    return JsonReply(200, it->second);
  }
  if (path.rfind("/events/", 0) == 0) {
    std::string rest = path.substr(8);
    std::string tail;
    if (auto slash = rest.find('/'); slash != std::string::npos) {
      tail = rest.substr(slash);
      rest = rest.substr(0, slash);
    }
    auto it = events_.find(std::atoll(rest.c_str()));
    if (it == events_.end()) return JsonReply(404, json::object{{"Message", "Not found"}});
    json::array& links = it->second["LINKS"].as_array();
    if (tail.empty() && req.method == "GET") return JsonReply(200, it->second);
    if (tail == "/links" && req.method == "POST") {
      json::object l = body();
      l["LINK_ID"] = next_link_++;
      links.push_back(l);
      return JsonReply(201, l);
    }
    if (tail.rfind("/links/", 0) == 0 && req.method == "DELETE") {
      const int64_t link = std::atoll(tail.substr(7).c_str());
      auto n = links.size();
      links.erase(std::remove_if(links.begin(), links.end(),
                                 [&](const json::value& l) { return l.at("LINK_ID") == link; }),
                  links.end());
      return n == links.size() ? JsonReply(404, json::object{{"Message", "Not found"}})
                               : FakeResponse{202, "", "application/json", {}, 0, false};
    }
  }
  return JsonReply(404, json::object{{"Message", "Not found"}});
}

}  // namespace crmhost::testing
