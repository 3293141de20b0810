#include "support/fake_vinsolutions.h"

#include <algorithm>

namespace crmhost::testing {
namespace json = boost::json;

namespace {

json::object Phone(const char* type, const char* number) {
  return {{"PhoneType", type}, {"Number", number}};
}

// The dealer's address book: 4155550642 is Ada's cell and Grace's home number; 4155551111 a
// company's (stored in E.164); Mary has no leads.
json::array Contacts() {
  return json::array{
      json::object{{"ContactId", 601},
                   {"ContactInformation",
                    json::object{{"FirstName", "Ada"},
                                 {"LastName", "Lovelace"},
                                 {"Phones", json::array{Phone("Home", "4155550000"),
                                                        Phone("Cell", "4155550642")}}}}},
      json::object{{"ContactId", 602},
                   {"ContactInformation",
                    json::object{{"FirstName", "Grace"},
                                 {"MiddleName", "Brewster"},
                                 {"LastName", "Hopper"},
                                 {"Phones", json::array{Phone("Home", "4155550642")}}}}},
      json::object{{"ContactId", 603},
                   {"ContactInformation",
                    json::object{{"CompanyName", "Analytical Engines Ltd"},
                                 {"Phones", json::array{Phone("Work", "+14155551111")}}}}},
      json::object{{"ContactId", 604},
                   {"ContactInformation",
                    json::object{{"FirstName", "Mary"},
                                 {"LastName", "Jackson"},
                                 {"Phones", json::array{Phone("Cell", "4155552222")}}}}},
  };
}

std::string Text(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_null()) return "";
  return json::serialize(v);
}

std::string Lower(std::string s) {
  for (char& c : s)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// An answer without a body (204 to PUT and PATCH, 201 with only a Location).
FakeResponse NoContent(int status = 204) {
  FakeResponse r;
  r.status = status;
  r.content_type.clear();
  return r;
}

FakeResponse Status(int status, const char* message) {
  return JsonReply(status, json::object{{"message", message}});
}

}  // namespace

FakeVinSolutions::FakeVinSolutions() {
  contacts_ = Contacts();
  leads_[9001] = {{"leadId", 9001},
                  {"contactId", 601},
                  {"leadStatus", "Active"},
                  {"leadSource", json::object{{"leadSourceName", "Website"}}},
                  {"notes", "Wants a test drive"}};
  leads_[9002] = {{"leadId", 9002}, {"contactId", 601}, {"leadStatusType", "Sold"}, {"notes", ""}};
  leads_[9003] = {{"leadId", 9003}, {"contactId", 602}, {"notes", nullptr}};
  server_ = std::make_unique<FakeHttpServer>([this](const RecordedRequest& r) {
    FakeResponse answer = Handle(r);
    answer.delay_ms = failures_.DelayFor(r.path);
    return answer;
  });
}

std::vector<std::string> FakeVinSolutions::DaemonArgs() const {
  return {"--outbound-override",
          std::string(kApiOrigin) + "=" + base_url(),
          "--outbound-override",
          std::string(kAuthOrigin) + "=" + base_url(),
          "--plugin-setting",
          std::string("vinsolutions.lead_management_client_id=") + kLmClientId,
          "--plugin-setting",
          std::string("vinsolutions.lead_management_client_secret=") + kLmClientSecret,
          "--plugin-setting",
          std::string("vinsolutions.lead_management_api_key=") + kLmApiKey,
          "--plugin-setting",
          std::string("vinsolutions.call_tracking_client_id=") + kCtClientId,
          "--plugin-setting",
          std::string("vinsolutions.call_tracking_client_secret=") + kCtClientSecret,
          "--plugin-setting",
          std::string("vinsolutions.call_tracking_api_key=") + kCtApiKey};
}

void FakeVinSolutions::SetTokenLifetime(int seconds) {
  std::lock_guard lock(mu_);
  token_lifetime_ = seconds;
}

void FakeVinSolutions::RevokeTokens() {
  std::lock_guard lock(mu_);
  tokens_.clear();
}

size_t FakeVinSolutions::token_requests(const std::string& client_id) const {
  std::lock_guard lock(mu_);
  auto it = token_requests_.find(client_id);
  return it == token_requests_.end() ? 0 : it->second;
}

json::object FakeVinSolutions::call_detail(int64_t id) const {
  std::lock_guard lock(mu_);
  auto it = details_.find(id);
  return it == details_.end() ? json::object() : it->second;
}

size_t FakeVinSolutions::call_detail_count() const {
  std::lock_guard lock(mu_);
  return details_.size();
}

int64_t FakeVinSolutions::SeedCallDetail(const std::string& reference) {
  std::lock_guard lock(mu_);
  const int64_t id = next_detail_++;
  details_[id] = {{"callDetailId", id},
                  {"providerName", "RingCentral"},
                  {"providerReferenceId", reference},
                  {"callDirection", "INBOUND"},
                  {"transcriptFull", "logged elsewhere"}};
  return id;
}

json::object FakeVinSolutions::lead(int64_t id) const {
  std::lock_guard lock(mu_);
  auto it = leads_.find(id);
  return it == leads_.end() ? json::object() : it->second;
}

void FakeVinSolutions::SetLeadNotes(int64_t id, const std::string& notes) {
  std::lock_guard lock(mu_);
  leads_[id]["notes"] = notes;
}

json::array FakeVinSolutions::created_contacts() const {
  std::lock_guard lock(mu_);
  return created_contacts_;
}

json::array FakeVinSolutions::created_leads() const {
  std::lock_guard lock(mu_);
  return created_leads_;
}

FakeResponse FakeVinSolutions::Handle(const RecordedRequest& req) {
  if (auto failure = failures_.Match(req.path)) return *failure;
  if (req.path == "/connect/token") return Token(req);
  return Api(req);
}

// Client credentials in the form body, scope PublicAPI.
FakeResponse FakeVinSolutions::Token(const RecordedRequest& req) {
  if (req.method != "POST") return Status(405, "method not allowed");
  if (req.Header("content-type").value_or("") != "application/x-www-form-urlencoded")
    return JsonReply(400, json::object{{"error", "invalid_request"}});
  auto form = ParseForm(req.body);
  std::lock_guard lock(mu_);
  const std::string client = form["client_id"];
  ++token_requests_[client];
  if (form["grant_type"] != "client_credentials" || form["scope"] != "PublicAPI")
    return JsonReply(400, json::object{{"error", "invalid_request"}});
  const bool lm = client == kLmClientId && form["client_secret"] == kLmClientSecret;
  const bool ct = client == kCtClientId && form["client_secret"] == kCtClientSecret;
  if (!lm && !ct) return JsonReply(400, json::object{{"error", "invalid_client"}});
  const std::string token = (lm ? "lm-token-" : "ct-token-") + std::to_string(next_token_++);
  tokens_[token] = client;
  return JsonReply(200, json::object{{"access_token", token},
                                     {"expires_in", token_lifetime_},
                                     {"token_type", "Bearer"},
                                     {"scope", "PublicAPI"}});
}

FakeResponse FakeVinSolutions::Api(const RecordedRequest& req) {
  const std::string& path = req.path;
  const bool call_tracking = path.rfind("/calldetails", 0) == 0;
  const char* media = path.rfind("/gateway/", 0) == 0 ? "application/json"
                      : path.rfind("/leads/", 0) == 0 || path == "/leads"
                          ? "application/vnd.coxauto.v3+json"
                          : "application/vnd.coxauto.v1+json";
  std::lock_guard lock(mu_);
  const std::string auth = req.Header("authorization").value_or("");
  auto token = tokens_.find(auth.rfind("Bearer ", 0) == 0 ? auth.substr(7) : "");
  if (token == tokens_.end() || token->second != (call_tracking ? kCtClientId : kLmClientId))
    return Status(401, "Unauthorized");
  if (req.Header("api_key").value_or("") != (call_tracking ? kCtApiKey : kLmApiKey))
    return Status(403, "Invalid api_key");
  if (req.Header("accept").value_or("") != media) return Status(406, "Not Acceptable");
  if (!req.body.empty() && req.Header("content-type").value_or("") != media)
    return Status(415, "Unsupported Media Type");
  json::object body;
  if (!req.body.empty()) {
    boost::system::error_code ec;
    json::value v = json::parse(req.body, ec);
    if (ec || !v.is_object()) return Status(400, "invalid JSON");
    body = std::move(v.get_object());
  }
  const std::string dealer = req.Query("dealerId").value_or("");
  auto wrong_dealer = [&] { return dealer != std::to_string(kDealer); };

  const json::array users{
      json::object{{"UserId", 42}, {"FullName", "Jane Doe"}, {"EmailAddress", "jane@bay.test"}},
      json::object{{"UserId", 43},
                   {"FirstName", "Ada"},
                   {"LastName", "Lovelace"},
                   {"EmailAddress", "ada@bay.test"}},
      json::object{{"UserId", 44}, {"FullName", "Front Desk"}, {"EmailAddress", nullptr}}};
  if (path.rfind("/gateway/v1/tenant/user/id/", 0) == 0 && req.method == "GET") {
    if (wrong_dealer()) return Status(403, "Dealer not enabled for this partner");
    const std::string id = path.substr(std::string("/gateway/v1/tenant/user/id/").size());
    for (const json::value& u : users)
      if (Text(u.at("UserId")) == id) return JsonReply(200, u);
    return Status(404, "User not found");
  }
  if (path == "/gateway/v1/tenant/user" && req.method == "GET") {
    if (wrong_dealer()) return Status(403, "Dealer not enabled for this partner");
    return JsonReply(200, users);
  }
  if (path == "/gateway/v1/organization/dealers" && req.method == "GET")
    return JsonReply(
        200,
        json::object{
            {"Items", json::array{json::object{{"DealerId", 5000}, {"Name", "Other Cars"}},
                                  json::object{{"DealerId", kDealer}, {"Name", "Bay Motors"}}}}});
  if (path == "/gateway/v1/contact" && req.method == "GET") {
    if (wrong_dealer() || !req.Query("userId")) return Status(400, "dealerId and userId required");
    const auto phone = req.Query("phone");
    const auto first = req.Query("firstName");
    const auto last = req.Query("lastName");
    const auto id = req.Query("contactId");
    const size_t page = std::stoul(req.Query("pageSize").value_or("25"));
    json::array found;
    for (const json::value& c : contacts_) {
      const json::object& info = c.at("ContactInformation").as_object();
      bool match = true;
      if (phone) {
        bool any = false;
        for (const json::value& p : info.at("Phones").as_array())
          any = any || Text(p.at("Number")) == *phone;
        match = any;
      }
      if (first)
        match = match && info.contains("FirstName") &&
                Lower(Text(info.at("FirstName"))) == Lower(*first);
      if (last)
        match =
            match && info.contains("LastName") && Lower(Text(info.at("LastName"))) == Lower(*last);
      if (id) match = match && Text(c.at("ContactId")) == *id;
      if (!phone && !first && !id) match = false;
      if (match && found.size() < page) found.push_back(c);
    }
    return JsonReply(200, found);
  }
  if (path == "/gateway/v1/contact" && req.method == "POST") {
    if (Text(body["DealerId"]) != std::to_string(kDealer) || !body.contains("UserId"))
      return Status(400, "DealerId and UserId required");
    json::object info = body["ContactInformation"].as_object();
    if (!info.contains("LastName")) return Status(400, "LastName required");
    created_contacts_.push_back(body);
    json::object contact{{"ContactId", next_contact_++}, {"ContactInformation", info}};
    contacts_.push_back(contact);
    return JsonReply(201, contact);
  }
  if (path == "/leads" && req.method == "GET") {
    if (wrong_dealer()) return Status(400, "dealerId required");
    const std::string contact = req.Query("contactId").value_or("");
    json::array items;
    for (auto& [id, l] : leads_)
      if (Text(l.at("contactId")) == contact) items.push_back(l);
    return JsonReply(200, json::object{{"items", items}, {"count", items.size()}});
  }
  if (path == "/leads" && req.method == "POST") {
    if (!body.contains("leadSource") || body["leadType"] != "INTERNET")
      return Status(400, "leadSource and leadType required");
    created_leads_.push_back(body);
    const int64_t id = next_lead_++;
    std::string contact = body.contains("contact") ? Text(body["contact"]) : "";
    const size_t at = contact.find("/contacts/id/");
    contact = at == std::string::npos ? "" : contact.substr(at + 13, contact.find('?') - at - 13);
    leads_[id] = {{"leadId", id}, {"contactId", contact}, {"notes", nullptr}};
    return JsonReply(201, leads_[id]);
  }
  if (path.rfind("/leads/id/", 0) == 0) {
    const int64_t id = std::atoll(path.substr(10).c_str());
    auto it = leads_.find(id);
    if (it == leads_.end()) return Status(404, "Lead not found");
    if (req.method == "GET") {
      if (wrong_dealer() || !req.Query("userId"))
        return Status(400, "dealerId and userId required");
      return JsonReply(200, it->second);
    }
    if (req.method == "PUT") {
      if (!body.contains("notes") || !body.contains("isHot")) return Status(400, "notes required");
      it->second["notes"] = body["notes"];
      return NoContent();
    }
  }
  if (path == "/leadSources" && req.method == "GET") {
    if (wrong_dealer()) return Status(400, "dealerId required");
    return JsonReply(
        200,
        json::object{{"items", json::array{json::object{
                                   {"leadSourceId", 77},
                                   {"leadSourceName", "RingCentral"},
                                   {"href", "https://api.vinsolutions.com/leadSources/id/77"}}}}});
  }
  if (path == "/calldetails" && req.method == "POST") {
    for (const char* field : {"providerName", "accountId", "providerReferenceId", "callDirection",
                              "callResult", "vinProperties"})
      if (!body.contains(field)) return Status(400, "missing field");
    if (body["providerName"] != "RingCentral" || Text(body["accountId"]) != std::to_string(kDealer))
      return Status(400, "provider not registered for this account");
    for (auto& [id, d] : details_)
      if (d.at("providerReferenceId") == body["providerReferenceId"]) {
        FakeResponse r = JsonReply(500, json::object{{"error", "AlreadyLoggedException"},
                                                     {"message", "Call already logged"}});
        r.headers.push_back(
            {"Location", std::string(kApiOrigin) + "/calldetails/id/" + std::to_string(id)});
        return r;
      }
    const int64_t id = next_detail_++;
    body["callDetailId"] = id;
    details_[id] = body;
    FakeResponse r = NoContent(201);
    r.headers.push_back(
        {"Location", std::string(kApiOrigin) + "/calldetails/id/" + std::to_string(id)});
    return r;
  }
  if (path.rfind("/calldetails/id/", 0) == 0) {
    const int64_t id = std::atoll(path.substr(16).c_str());
    auto it = details_.find(id);
    if (it == details_.end()) return Status(404, "Call detail not found");
    if (req.method == "GET") {
      if (req.Query("accountId").value_or("") != std::to_string(kDealer) ||
          req.Query("providerName").value_or("") != "RingCentral")
        return Status(400, "accountId and providerName required");
      return JsonReply(200, it->second);
    }
    if (req.method == "PATCH") {
      for (auto& [k, v] : body) {
        if (k == "vinProperties" && it->second.contains(k)) {
          for (auto& [vk, vv] : v.as_object())
            it->second[k].as_object()[vk] = vv;
        } else {
          it->second[k] = v;
        }
      }
      return NoContent();
    }
  }
  return Status(404, "Not found");
}

}  // namespace crmhost::testing
