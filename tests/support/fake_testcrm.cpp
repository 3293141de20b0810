#include "support/fake_testcrm.h"

#include <chrono>
#include <thread>

namespace crmhost::testing {
namespace json = boost::json;

namespace {

// Form fields of a token request.
}  // namespace

FakeTestCrm::FakeTestCrm() {
  contacts_[201] = json::object{{"id", 201}, {"name", "Ada Lovelace"}, {"phone", "+14155550100"}};
  contacts_[202] = json::object{{"id", 202}, {"name", "Alan Turing"}, {"phone", "+14155550200"}};
  server_ =
      std::make_unique<FakeHttpServer>([this](const RecordedRequest& r) { return Handle(r); });
}

std::string FakeTestCrm::access_token() const {
  std::lock_guard<std::mutex> g(mu_);
  return access_;
}
std::string FakeTestCrm::refresh_token() const {
  std::lock_guard<std::mutex> g(mu_);
  return refresh_;
}
json::object FakeTestCrm::activity(int64_t id) const {
  std::lock_guard<std::mutex> g(mu_);
  auto it = activities_.find(id);
  return it == activities_.end() ? json::object() : it->second;
}
json::object FakeTestCrm::message_log(int64_t id) const {
  std::lock_guard<std::mutex> g(mu_);
  auto it = messages_.find(id);
  return it == messages_.end() ? json::object() : it->second;
}
size_t FakeTestCrm::message_log_count() const {
  std::lock_guard<std::mutex> g(mu_);
  return messages_.size();
}

FakeResponse FakeTestCrm::Handle(const RecordedRequest& req) {
  if (req.path == "/oauth/token") return Token(req);
  if (req.path == "/api/session/renew") {
    // The plugin-owned refresh of the testcrmowned build.
    json::value body = json::parse(req.body);
    std::lock_guard<std::mutex> g(mu_);
    if (invalid_grant || body.at("refreshToken") != refresh_.c_str())
      return JsonReply(401, json::object{{"error", "session expired"}});
    ++serial_;
    access_ = "at-" + std::to_string(serial_);
    refresh_ = "rt-" + std::to_string(serial_);
    valid_access_.insert(access_);
    return JsonReply(200, json::object{{"accessToken", access_}, {"refreshToken", refresh_}});
  }
  if (req.path == "/api/keycheck") {
    if (req.Header("x-api-key").value_or("") == kApiKey &&
        req.Header("x-team").value_or("") == kTeam)
      return JsonReply(200, json::object{{"id", 88}});
    return JsonReply(401, json::object{{"error", "bad key"}});
  }
  if (req.path.rfind("/api/", 0) == 0) return Api(req);
  return JsonReply(404, json::object{{"error", "not found"}});
}

FakeResponse FakeTestCrm::Token(const RecordedRequest& req) {
  if (token_delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(token_delay_ms));
  auto form = ParseForm(req.body);
  const std::string expected_basic = "Basic dGVzdGNybS1jbGllbnQ6dGVzdGNybS1zZWNyZXQtOWY4ZTdk";
  if (req.Header("authorization").value_or("") != expected_basic)
    return JsonReply(401, json::object{{"error", "invalid_client"}});
  std::lock_guard<std::mutex> g(mu_);
  if (form["grant_type"] == "authorization_code") {
    ++code_calls_;
    if (form["code"] != kCode)
      return JsonReply(400,
                       json::object{{"error", "invalid_grant"}, {"error_description", "bad code"}});
  } else if (form["grant_type"] == "refresh_token") {
    if (refresh_status != 0)
      return JsonReply(refresh_status, json::object{{"message", "token service trouble"}});
    if (invalid_grant || form["refresh_token"] != refresh_)
      return JsonReply(400, json::object{{"error", "invalid_grant"}});
  } else {
    return JsonReply(400, json::object{{"error", "unsupported_grant_type"}});
  }
  ++serial_;
  access_ = "at-" + std::to_string(serial_);
  refresh_ = "rt-" + std::to_string(serial_);
  valid_access_.insert(access_);
  return JsonReply(200, json::object{{"access_token", access_},
                                     {"refresh_token", refresh_},
                                     {"token_type", "Bearer"},
                                     {"expires_in", int(expires_in)}});
}

FakeResponse FakeTestCrm::Api(const RecordedRequest& req) {
  if (api_status != 0) return JsonReply(api_status, json::object{{"error", "forced"}});
  if (api_garbage) {
    FakeResponse r;
    r.body = "<html>upstream proxy error";
    return r;
  }
  if (api_silent) {
    FakeResponse r;
    r.no_answer = true;
    return r;
  }
  if (api_delay_ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(api_delay_ms));
  std::lock_guard<std::mutex> g(mu_);
  const std::string auth = req.Header("authorization").value_or("");
  if (auth.rfind("Bearer ", 0) != 0 || !valid_access_.count(auth.substr(7)) ||
      auth.substr(7) != access_)
    return JsonReply(401, json::object{{"error", "invalid token"}});
  const std::string& p = req.path;
  if (p == "/api/me")
    return JsonReply(200, json::object{{"id", 77}, {"name", "Grace Hopper"}, {"companyId", "c-9"}});
  if (p == "/api/license")
    return JsonReply(200, json::object{{"isLicenseValid", true},
                                       {"licenseStatus", "Basic"},
                                       {"licenseStatusDescription", "Paid plan"}});
  if (p == "/api/activity-types") return JsonReply(200, json::array{"Call", "Meeting", "Email"});
  if (p == "/api/appointments" && req.method == "GET") {
    json::array all;
    for (auto& [id, a] : appointments_)
      all.push_back(a);
    return JsonReply(200, all);
  }
  if (p == "/api/appointments" && req.method == "POST") {
    json::object a = json::parse(req.body).as_object();
    const std::string id = "apt-" + std::to_string(next_id_++);
    a["id"] = id;
    a["status"] = "scheduled";
    appointments_[id] = a;
    return JsonReply(201, a);
  }
  if (p.rfind("/api/appointments/", 0) == 0) {
    std::string rest = p.substr(18);
    std::string action;
    if (auto slash = rest.find('/'); slash != std::string::npos) {
      action = rest.substr(slash + 1);
      rest = rest.substr(0, slash);
    }
    auto it = appointments_.find(rest);
    if (it == appointments_.end()) return JsonReply(404, json::object{{"error", "no appointment"}});
    if (req.method == "PATCH") {
      const json::value patch = json::parse(req.body);
      for (auto& [k, v] : patch.as_object())
        it->second[k] = v;
    }
    if (action == "confirm") it->second["status"] = "confirmed";
    if (action == "cancel") it->second["status"] = "cancelled";
    return JsonReply(200, it->second);
  }
  if (p == "/api/users")
    return JsonReply(
        200,
        json::array{
            json::object{{"id", "u1"}, {"name", "Grace Hopper"}, {"email", "grace@example.com"}},
            json::object{{"id", "u2"}, {"name", "Ada Lovelace"}, {"email", "ada@example.com"}}});
  if (p == "/api/contacts" && req.method == "GET") {
    json::array found;
    auto phone = req.Query("phone");
    auto name = req.Query("name");
    for (auto& [id, c] : contacts_) {
      if (phone && c.at("phone") == phone->c_str()) found.push_back(c);
      if (name && std::string(c.at("name").as_string()).find(*name) != std::string::npos)
        found.push_back(c);
    }
    return JsonReply(200, found);
  }
  if (p == "/api/contacts" && req.method == "POST") {
    json::object c = json::parse(req.body).as_object();
    const int64_t id = next_id_++;
    c["id"] = id;
    contacts_[id] = c;
    return JsonReply(201, c);
  }
  if (p == "/api/activities" && req.method == "POST") {
    json::object a = json::parse(req.body).as_object();
    const int64_t id = next_id_++;
    a["id"] = id;
    activities_[id] = a;
    return JsonReply(201, a);
  }
  if (p.rfind("/api/activities/", 0) == 0) {
    const int64_t id = std::atoll(p.c_str() + 16);
    auto it = activities_.find(id);
    if (it == activities_.end()) return JsonReply(404, json::object{{"error", "no activity"}});
    if (req.method == "PATCH") {
      const json::value patch = json::parse(req.body);
      for (auto& [k, v] : patch.as_object())
        it->second[k] = v;
    }
    return JsonReply(200, it->second);
  }
  if (p == "/api/messages" && req.method == "POST") {
    json::object m = json::parse(req.body).as_object();
    const int64_t id = next_id_++;
    m["id"] = id;
    messages_[id] = m;
    return JsonReply(201, m);
  }
  if (p.rfind("/api/messages/", 0) == 0 && req.method == "POST") {
    const int64_t id = std::atoll(p.c_str() + 14);
    auto it = messages_.find(id);
    if (it == messages_.end()) return JsonReply(404, json::object{{"error", "no message log"}});
    const json::value added = json::parse(req.body);
    it->second["lines"].as_array().push_back(added.at("line"));
    return JsonReply(200, it->second);
  }
  return JsonReply(404, json::object{{"error", "not found"}});
}

FakeRingCentral::FakeRingCentral() {
  server_ = std::make_unique<FakeHttpServer>([](const RecordedRequest& req) {
    if (req.path != "/restapi/v1.0/account/~/extension/~")
      return JsonReply(404, json::object{{"errorCode", "CMN-102"}});
    const std::string auth = req.Header("authorization").value_or("");
    struct Who {
      const char* token;
      int64_t account, extension;
      bool admin;
    };
    for (const Who& w : {Who{kAdminToken, 3001, 101, true}, Who{kUserToken, 3001, 102, false},
                         Who{kOtherAccountToken, 4001, 201, false}}) {
      if (auth == std::string("Bearer ") + w.token)
        return JsonReply(
            200, json::object{
                     {"id", w.extension},
                     {"extensionNumber", std::to_string(w.extension)},
                     {"name", "Extension " + std::to_string(w.extension)},
                     {"account", json::object{{"id", std::to_string(w.account)}}},
                     {"permissions",
                      json::object{{"admin", json::object{{"enabled", w.admin}}},
                                   {"internationalCalling", json::object{{"enabled", false}}}}}});
    }
    return JsonReply(401,
                     json::object{{"errorCode", "TokenInvalid"}, {"message", "Invalid token"}});
  });
}

}  // namespace crmhost::testing
