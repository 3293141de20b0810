// testcrm: an OAuth CRM plugin that implements every optional operation, so the host's generic
// routes (OAuth login and refresh, contact creation and search, dispositions, message logs,
// licenses, admin user lists, managed-auth options, appointments) can be exercised end to end
// against a fake CRM (tests/support/fake_testcrm.h). It is deliberately plain: one REST call
// per operation against https://api.testcrm.example, JSON in and out.
//
// Settings: testcrm.client_id, testcrm.client_secret (OAuth app; no secret -> client_id goes in
// the token request body). Built twice: "testcrm" uses the host's standard refresh; with
// TESTCRM_OWNED_REFRESH it is "testcrmowned" and refreshes tokens itself.
#include <crmhost/plugin.hpp>
#include <crmhost/sdk/js.hpp>

namespace testcrm {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
namespace json = boost::json;

constexpr const char* kApi = "https://api.testcrm.example";

#if defined(TESTCRM_OWNED_REFRESH)
#define TESTCRM_NAME "testcrmowned"
#elif defined(TESTCRM_APIKEY)
#define TESTCRM_NAME "testkey"
#else
#define TESTCRM_NAME "testcrm"
#endif

#ifdef TESTCRM_APIKEY
// API-key login with admin-managed fields: an account-wide key, a per-extension team (dynamic
// options) and an unmanaged region. (One raw literal per line: a line splice inside a raw
// string would stay in the text.)
#define TESTCRM_AUTH                                                                    \
  R"("auth": {"type": "apiKey", "apiKey": {"page": {"title": "Test Key", "content": [)" \
  R"({"const": "apiKey", "title": "API key", "type": "inputField", "required": true,)"  \
  R"( "managed": true, "managedScope": "account"},)"                                    \
  R"({"const": "team", "title": "Team", "type": "inputField", "required": true,)"       \
  R"( "managed": true, "managedScope": "user", "managedFieldType": "dynamic"},)"        \
  R"({"const": "region", "title": "Region", "type": "inputField"}]}}},)"
#else
#define TESTCRM_AUTH                                                                           \
  R"("auth": {"type": "oauth", "oauth": {)"                                                    \
  R"("authUrl": "https://api.testcrm.example/oauth/authorize", "clientId": "testcrm-client",)" \
  R"("customState": "platform=testcrm",)"                                                      \
  R"("redirectUri": "https://ringcentral.github.io/ringcentral-embeddable/redirect.html"}},)"
#endif

const char kManifest[] = R"({
  "name": ")" TESTCRM_NAME R"(",
  "displayName": "Test CRM",
  "urlIdentifier": "*.testcrm.example",
  )" TESTCRM_AUTH R"(
  "releaseNotes": {"2.0.0": [{"type": "New", "description": "Appointments."}]},
  "contactTypes": [{"display": "Contact", "value": "contact"}],
  "contactPageUrl": "https://{hostname}/contacts/{contactId}",
  "logPageUrl": "https://{hostname}/activities/{logId}",
  "page": {"callLog": {"additionalFields": [{"const": "deal", "title": "Deal", "type": "selection", "contactDependent": true}]},
           "messageLog": {"additionalFields": []}},
  "settings": [{"id": "activityType", "type": "inputField", "name": "Activity type", "defaultValue": "call"}]
})";

json::object Message(std::string_view text, std::string_view type = "success", int ttl = 2000) {
  return json::object{{"message", text}, {"messageType", type}, {"ttl", ttl}};
}

std::string AuthOf(const json::object& in) {
  return sdk::string_field(in, "authHeader");
}

const json::object& Obj(const json::object& in, std::string_view key) {
  static const json::object kEmpty;
  auto* o = sdk::object_field(in, key);
  return o ? *o : kEmpty;
}

class TestCrm {
 public:
  static constexpr const char* kName = TESTCRM_NAME;
#ifdef TESTCRM_NEXT
  static constexpr const char* kVersion = "2.1.0";
#else
  static constexpr const char* kVersion = "2.0.0";
#endif
  // Its own HTTP routes (ABI 1.3), one per kind of authentication (/whoami also takes the JWT
  // as "?token="). TESTCRM_NEXT (the hot upgrade's second version) drops /whoami and adds /v2.
  static constexpr const char* kRoutes =
      R"([{"method":"GET","path":"/)" TESTCRM_NAME R"(/echo/{id}","auth":"none"},)"
      R"({"method":"POST","path":"/)" TESTCRM_NAME R"(/echo/{id}","auth":"none"},)"
      R"({"method":"GET","path":"/admin/)" TESTCRM_NAME R"(/config","auth":"rcAdmin"},)"
      R"({"method":"POST","path":"/)" TESTCRM_NAME R"(-hook","auth":"oauthClient"},)"
#ifdef TESTCRM_NEXT
      R"({"method":"GET","path":"/)" TESTCRM_NAME R"(/v2","auth":"none"}])";
#else
      R"({"method":"GET","path":"/)" TESTCRM_NAME R"(/whoami","auth":"jwt","jwtQuery":"token"}])";
#endif
  static constexpr const char* kManifest = testcrm::kManifest;

  explicit TestCrm(sdk::Call& init)
      : client_id_(init.setting("client_id").value_or("testcrm-client")),
        client_secret_(init.setting("client_secret").value_or("")) {}

#ifdef TESTCRM_APIKEY
  json::value getAuthType(sdk::Call&, const json::object&) {
    return "apiKey";
  }
  json::value getBasicAuth(sdk::Call&, const json::object& in) {
    return json::value(sdk::base64_encode(sdk::string_field(in, "apiKey") + ":"));
  }
  // The key and the team must both be right (the fake checks them).
  json::value getUserInfo(sdk::Call& call, const json::object& in) {
    const json::object& form = Obj(in, "additionalInfo");
    auto r = call.http("GET", std::string(kApi) + "/api/keycheck",
                       {{"X-Api-Key", sdk::string_field(form, "apiKey")},
                        {"X-Team", sdk::string_field(form, "team")}});
    if (!r.ok())
      return json::object{{"successful", false},
                          {"returnMessage", Message("Invalid API key", "warning", 3000)}};
    return json::object{
        {"successful", true},
        {"platformUserInfo", json::object{{"id", "88-testkey"}, {"name", "Key User"}}},
        {"returnMessage", Message("Connected with a key.")}};
  }
#else
  json::value getAuthType(sdk::Call&, const json::object&) {
    return "oauth";
  }
#endif
  json::value getLogFormatType(sdk::Call&, const json::object&) {
    return "text/plain";
  }

  json::value getOauthInfo(sdk::Call&, const json::object& in) {
    if (sdk::string_field(in, "hostname") == "blocked.testcrm.example")
      return json::object{{"failMessage", "This CRM host is not allowed"}};
    return json::object{
        {"clientId", client_id_},
        {"clientSecret", client_secret_},
        {"accessTokenUri", std::string(kApi) + "/oauth/token"},
        {"authorizationUri", std::string(kApi) + "/oauth/authorize"},
        {"redirectUri", "https://ringcentral.github.io/ringcentral-embeddable/redirect.html"}};
  }

#ifndef TESTCRM_APIKEY
  json::value getUserInfo(sdk::Call& call, const json::object& in) {
    auto me = call.http("GET", std::string(kApi) + "/api/me",
                        {{"Authorization", AuthOf(in)}, {"Accept", "application/json"}});
    if (!me.ok())
      return json::object{
          {"successful", false},
          {"returnMessage", Message("Could not load user information", "warning", 3000)}};
    json::value body = me.json();
    const json::object& u = body.as_object();
    return json::object{
        {"successful", true},
        {"platformUserInfo",
         json::object{{"id", sdk::string_field(u, "id") + "-testcrm"},
                      {"name", u.contains("name") ? u.at("name") : json::value()},
                      {"timezoneName", "America/New_York"},
                      {"timezoneOffset", "-05:00"},
                      {"platformAdditionalInfo",
                       json::object{{"companyId", u.contains("companyId") ? u.at("companyId")
                                                                          : json::value()}}}}},
        {"returnMessage", Message("Connected to Test CRM.")}};
  }
#endif

  json::value unAuthorize(sdk::Call&, const json::object&) {
    return json::object{{"returnMessage", Message("Logged out of Test CRM", "success", 1000)},
                        {"userUpdate", json::object{{"accessToken", ""}, {"refreshToken", ""}}}};
  }

  json::value authValidation(sdk::Call& call, const json::object& in) {
    auto me = call.http("GET", std::string(kApi) + "/api/me", {{"Authorization", AuthOf(in)}});
    if (me.ok()) return json::object{{"successful", true}, {"status", me.status}};
    return json::object{
        {"successful", false},
        {"returnMessage", Message("Test CRM session is not valid", "warning", 3000)},
        {"status", me.status}};
  }

  json::value getLicenseStatus(sdk::Call& call, const json::object& in) {
    const json::object& user = Obj(in, "user");
    return call.http_json("GET", std::string(kApi) + "/api/license",
                          {{"Authorization", "Bearer " + sdk::string_field(user, "accessToken")}});
  }

  json::value findContact(sdk::Call& call, const json::object& in) {
    json::value found = call.http_json("GET",
                                       std::string(kApi) + "/api/contacts?phone=" +
                                           sdk::url_encode(sdk::string_field(in, "phoneNumber")),
                                       {{"Authorization", AuthOf(in)}});
    return json::object{{"successful", true}, {"matchedContactInfo", Contacts(found)}};
  }

  json::value findContactWithName(sdk::Call& call, const json::object& in) {
    json::value found = call.http_json(
        "GET",
        std::string(kApi) + "/api/contacts?name=" + sdk::url_encode(sdk::string_field(in, "name")),
        {{"Authorization", AuthOf(in)}});
    return json::object{{"successful", true}, {"matchedContactInfo", Contacts(found)}};
  }

  json::value createContact(sdk::Call& call, const json::object& in) {
    json::value body = json::object{{"name", sdk::string_field(in, "newContactName")},
                                    {"phone", sdk::string_field(in, "phoneNumber")},
                                    {"type", sdk::string_field(in, "newContactType")}};
    json::value made = call.http_json("POST", std::string(kApi) + "/api/contacts",
                                      {{"Authorization", AuthOf(in)}}, &body);
    return json::object{
        {"contactInfo", json::object{{"id", made.at("id")}, {"name", made.at("name")}}},
        {"returnMessage", Message("Contact created.")}};
  }

  json::value createCallLog(sdk::Call& call, const json::object& in) {
    const json::object& log = Obj(in, "callLog");
    json::value body = json::object{
        {"contactId",
         Obj(in, "contactInfo").contains("id") ? Obj(in, "contactInfo").at("id") : json::value()},
        {"subject", sdk::string_field(log, "customSubject", "Call")},
        {"body", sdk::string_field(in, "composedLogDetails")}};
    json::value made = call.http_json("POST", std::string(kApi) + "/api/activities",
                                      {{"Authorization", AuthOf(in)}}, &body);
    return json::object{{"logId", made.at("id")}, {"returnMessage", Message("Call logged")}};
  }

  json::value getCallLog(sdk::Call& call, const json::object& in) {
    json::value a = call.http_json("GET",
                                   std::string(kApi) + "/api/activities/" +
                                       sdk::url_encode(sdk::string_field(in, "callLogId")),
                                   {{"Authorization", AuthOf(in)}});
    const json::object& o = a.as_object();
    return json::object{
        {"callLogInfo",
         json::object{
             {"subject", o.at("subject")},
             {"note", o.contains("note") ? o.at("note") : json::value("")},
             {"fullBody", o.at("body")},
             {"dispositions", o.contains("disposition") ? o.at("disposition") : json::value()}}}};
  }

  json::value updateCallLog(sdk::Call& call, const json::object& in) {
    const json::object& existing = Obj(in, "existingCallLog");
    json::value body = json::object{{"body", sdk::string_field(in, "composedLogDetails")}};
    if (auto* s = sdk::field(in, "subject")) body.as_object()["subject"] = *s;
    call.http_json("PATCH",
                   std::string(kApi) + "/api/activities/" +
                       sdk::url_encode(sdk::string_field(existing, "thirdPartyLogId")),
                   {{"Authorization", AuthOf(in)}}, &body);
    return json::object{{"updatedNote", body.at("body")},
                        {"returnMessage", Message("Call log updated.")}};
  }

  json::value upsertCallDisposition(sdk::Call& call, const json::object& in) {
    const json::object& existing = Obj(in, "existingCallLog");
    json::value body = json::object{
        {"disposition", in.contains("dispositions") ? in.at("dispositions") : json::value()}};
    call.http_json("PATCH",
                   std::string(kApi) + "/api/activities/" +
                       sdk::url_encode(sdk::string_field(existing, "thirdPartyLogId")),
                   {{"Authorization", AuthOf(in)}}, &body);
    return json::object{{"logId", existing.at("thirdPartyLogId")},
                        {"returnMessage", Message("Disposition updated.")}};
  }

  json::value createMessageLog(sdk::Call& call, const json::object& in) {
    const json::object& message = Obj(in, "message");
    json::value body = json::object{
        {"contactId",
         Obj(in, "contactInfo").contains("id") ? Obj(in, "contactInfo").at("id") : json::value()},
        {"lines", json::array{MessageLine(message)}}};
    // What the host said the contact is called and is (tests check the defaults).
    for (const char* k : {"name", "type"})
      if (const json::value* v = Obj(in, "contactInfo").if_contains(k))
        body.as_object()[std::string("contact_") + k] = *v;
    if (auto* r = sdk::field(in, "recordingLink")) body.as_object()["recordingLink"] = *r;
    if (auto* f = sdk::field(in, "faxDocLink")) body.as_object()["faxDocLink"] = *f;
    if (auto* i = sdk::field(in, "imageLink")) body.as_object()["imageLink"] = *i;
    json::value made = call.http_json("POST", std::string(kApi) + "/api/messages",
                                      {{"Authorization", AuthOf(in)}}, &body);
    return json::object{{"logId", made.at("id")}, {"returnMessage", Message("Message logged")}};
  }

  json::value updateMessageLog(sdk::Call& call, const json::object& in) {
    const json::object& existing = Obj(in, "existingMessageLog");
    json::value body = json::object{{"line", MessageLine(Obj(in, "message"))}};
    call.http_json("POST",
                   std::string(kApi) + "/api/messages/" +
                       sdk::url_encode(sdk::string_field(existing, "thirdPartyLogId")) + "/lines",
                   {{"Authorization", AuthOf(in)}}, &body);
    return json::object{{"returnMessage", Message("Message log updated")}};
  }

  json::value getUserList(sdk::Call& call, const json::object& in) {
    const json::object& user = Obj(in, "user");
    json::value users =
        call.http_json("GET", std::string(kApi) + "/api/users",
                       {{"Authorization", "Bearer " + sdk::string_field(user, "accessToken")}});
    json::array out;
    for (auto& u : users.as_array())
      out.push_back(
          json::object{{"id", u.at("id")}, {"name", u.at("name")}, {"email", u.at("email")}});
    return out;
  }

  json::value getManagedAuthOptions(sdk::Call&, const json::object& in) {
    return json::array{
        json::object{{"value", 1}, {"label", "Team " + sdk::string_field(in, "fieldConst")}},
        json::object{{"value", "b"}, {"label", "Team B"}}};
  }

  json::value refreshUserInfo(sdk::Call& call, const json::object& in) {
    auto me = call.http_json("GET", std::string(kApi) + "/api/me", {{"Authorization", AuthOf(in)}});
    return json::object{
        {"successful", true},
        {"returnMessage", Message("User info refreshed")},
        {"userUpdate", json::object{{"platformAdditionalInfo",
                                     json::object{{"companyId", me.at("companyId")}}}}}};
  }

  json::value onUpdateUserSettings(sdk::Call&, const json::object& in) {
    const json::object& settings = Obj(in, "userSettings");
    if (settings.contains("reject"))
      return json::object{{"successful", false},
                          {"returnMessage", Message("Setting refused", "warning", 3000)}};
    return json::object{{"successful", true}};
  }

  // ---- appointments: one REST call each ----
  json::value listAppointments(sdk::Call& call, const json::object& in) {
    json::value list = call.http_json("GET", std::string(kApi) + "/api/appointments",
                                      {{"Authorization", AuthOf(in)}});
    return json::object{{"successful", true}, {"appointments", list}};
  }
  json::value createAppointment(sdk::Call& call, const json::object& in) {
    json::value payload = in.at("payload");
    json::value made = call.http_json("POST", std::string(kApi) + "/api/appointments",
                                      {{"Authorization", AuthOf(in)}}, &payload);
    return json::object{{"appointmentId", made.at("id")},
                        {"appointment", made},
                        {"returnMessage", Message("Appointment created")}};
  }
  json::value updateAppointment(sdk::Call& call, const json::object& in) {
    json::value patch = in.at("patchBody");
    json::value a =
        call.http_json("PATCH", AppointmentUrl(in), {{"Authorization", AuthOf(in)}}, &patch);
    return json::object{{"appointment", a}};
  }
  json::value refreshAppointment(sdk::Call& call, const json::object& in) {
    json::value a = call.http_json("GET", AppointmentUrl(in), {{"Authorization", AuthOf(in)}});
    return json::object{{"appointment", a}};
  }
  json::value confirmAppointment(sdk::Call& call, const json::object& in) {
    return AppointmentAction(call, in, "confirm");
  }
  json::value cancelAppointment(sdk::Call& call, const json::object& in) {
    if (sdk::string_field(in, "appointmentId") == "locked")
      return json::object{
          {"successful", false},
          {"returnMessage", Message("This appointment cannot be cancelled", "warning", 3000)}};
    return AppointmentAction(call, in, "cancel");
  }

  // ---- account data and server-side logging settings ----
  json::value getAccountDataKeys(sdk::Call&, const json::object&) {
    return json::object{{"activityTypes", json::object{{"ttlMs", 60000}}}};
  }
  json::value fetchAccountData(sdk::Call& call, const json::object& in) {
    return call.http_json("GET", std::string(kApi) + "/api/activity-types",
                          {{"Authorization", AuthOf(in)}});
  }
  json::value getServerLoggingSettings(sdk::Call&, const json::object& in) {
    const json::object& extra = Obj(Obj(in, "user"), "platformAdditionalInfo");
    return json::object{{"apiUsername", sdk::string_field(extra, "loggingUser")}};
  }
  json::value updateServerLoggingSettings(sdk::Call&, const json::object& in) {
    const json::object& values = Obj(in, "additionalFieldValues");
    if (!sdk::field(values, "apiUsername"))
      return json::object{{"successful", false},
                          {"returnMessage", Message("apiUsername is required", "warning", 3000)}};
    return json::object{
        {"successful", true},
        {"returnMessage", Message("Server logging settings updated")},
        {"userUpdate", json::object{{"platformAdditionalInfo",
                                     json::object{{"loggingUser", values.at("apiUsername")}}}}}};
  }

  // Plugin-owned refresh (the testcrmowned build): exchanges through the CRM's own
  // session endpoint instead of the standard grant.
  json::value checkAndRefreshAccessToken(sdk::Call& call, const json::object& in) {
    const json::object& user = Obj(in, "user");
    json::value body = json::object{{"refreshToken", sdk::string_field(user, "refreshToken")}};
    auto resp = call.http("POST", std::string(kApi) + "/api/session/renew",
                          {{"Content-Type", "application/json"}}, json::serialize(body));
    if (resp.status == 401) return nullptr;  // the session cannot be renewed: revoked
    if (!resp.ok()) throw sdk::UpstreamError(resp.status, "session renew failed");
    json::value r = resp.json();
    return json::object{{"userUpdate", json::object{{"accessToken", r.at("accessToken")},
                                                    {"refreshToken", r.at("refreshToken")}}}};
  }

  // The routes' answers: what the plugin was handed, so tests can see what the host passes on.
  json::value serveRoute(sdk::Call& call, const json::object& in) {
    const json::object& route = Obj(in, "route");
    const std::string path = sdk::string_field(route, "path");
    json::object out{{"status", 200}};
    if (path.ends_with("/echo/{id}")) {
      const json::object& query = Obj(in, "query");
      json::object seen{{"successful", true}, {"version", kVersion}};
      for (const char* k : {"route", "method", "path", "params", "query", "headers", "body"})
        seen[k] = in.at(k);
      if (query.contains("status")) out["status"] = std::stoi(sdk::string_field(query, "status"));
      if (query.contains("headers")) {
        json::object headers{{"Cache-Control", "no-store"}, {"Set-Cookie", "a=b"}};
        if (query.contains("location")) headers["Location"] = sdk::string_field(query, "location");
        out["headers"] = std::move(headers);
      }
      if (query.contains("text")) {
        out["body"] = sdk::string_field(query, "text");
      } else {
        out["json"] = std::move(seen);
      }
    } else if (path.ends_with("/whoami")) {
      // The headers, logged whole: the host must mask any credential they carry.
      call.info("whoami headers: " + json::serialize(in.at("headers")));
      const json::object& user = Obj(in, "user");
      out["json"] = json::object{{"id", user.at("id")},
                                 {"platform", user.at("platform")},
                                 {"hasAuthHeader", !sdk::string_field(in, "authHeader").empty()},
                                 {"query", in.at("query")}};
    } else if (path.ends_with("/config")) {
      // ?set=<key>&value=<text> stores an admin setting, ?unset=<key> removes one.
      const json::object& query = Obj(in, "query");
      out["json"] = json::object{{"rcAccountId", in.at("rcAccountId")},
                                 {"hasUser", in.contains("user")},
                                 {"adminSettings", in.at("adminSettings")},
                                 {"query", in.at("query")}};
      if (query.contains("set"))
        out["adminSettingsUpdate"] = json::object{
            {sdk::string_field(query, "set"),
             json::object{{"value", sdk::string_field(query, "value")}, {"customizable", false}}}};
      if (query.contains("unset"))
        out["adminSettingsUpdate"] = json::object{{sdk::string_field(query, "unset"), nullptr}};
    } else if (path.ends_with("-hook")) {
      boost::system::error_code ec;
      json::value body = json::parse(sdk::string_field(in, "body"), ec);
      if (!ec && body.is_object() && body.as_object().contains("user_id"))
        out["logoutUser"] = sdk::string_field(body.as_object(), "user_id");
      out["body"] = "hook done";
    } else if (path.ends_with("/v2")) {
      out["body"] = "v2 only";
    }
    return out;
  }

  static constexpr auto operations() {
    using Op = sdk::Operation<TestCrm>;
    return std::array{
        Op{"getAuthType", &TestCrm::getAuthType},
        Op{"getLogFormatType", &TestCrm::getLogFormatType},
        Op{"getOauthInfo", &TestCrm::getOauthInfo},
        Op{"getUserInfo", &TestCrm::getUserInfo},
        Op{"unAuthorize", &TestCrm::unAuthorize},
        Op{"authValidation", &TestCrm::authValidation},
        Op{"getLicenseStatus", &TestCrm::getLicenseStatus},
        Op{"findContact", &TestCrm::findContact},
        Op{"findContactWithName", &TestCrm::findContactWithName},
        Op{"createContact", &TestCrm::createContact},
        Op{"createCallLog", &TestCrm::createCallLog},
        Op{"getCallLog", &TestCrm::getCallLog},
        Op{"updateCallLog", &TestCrm::updateCallLog},
        Op{"upsertCallDisposition", &TestCrm::upsertCallDisposition},
        Op{"createMessageLog", &TestCrm::createMessageLog},
        Op{"updateMessageLog", &TestCrm::updateMessageLog},
        Op{"getUserList", &TestCrm::getUserList},
        Op{"getManagedAuthOptions", &TestCrm::getManagedAuthOptions},
        Op{"refreshUserInfo", &TestCrm::refreshUserInfo},
        Op{"onUpdateUserSettings", &TestCrm::onUpdateUserSettings},
        Op{"listAppointments", &TestCrm::listAppointments},
        Op{"createAppointment", &TestCrm::createAppointment},
        Op{"updateAppointment", &TestCrm::updateAppointment},
        Op{"refreshAppointment", &TestCrm::refreshAppointment},
        Op{"confirmAppointment", &TestCrm::confirmAppointment},
        Op{"cancelAppointment", &TestCrm::cancelAppointment},
        Op{"getAccountDataKeys", &TestCrm::getAccountDataKeys},
        Op{"fetchAccountData", &TestCrm::fetchAccountData},
        Op{"getServerLoggingSettings", &TestCrm::getServerLoggingSettings},
        Op{"updateServerLoggingSettings", &TestCrm::updateServerLoggingSettings},
        Op{"serveRoute", &TestCrm::serveRoute},
#ifdef TESTCRM_APIKEY
        Op{"getBasicAuth", &TestCrm::getBasicAuth},
#endif
#ifdef TESTCRM_OWNED_REFRESH
        Op{"checkAndRefreshAccessToken", &TestCrm::checkAndRefreshAccessToken},
#endif
    };
  }

 private:
  static std::string AppointmentUrl(const json::object& in) {
    return std::string(kApi) + "/api/appointments/" +
           sdk::url_encode(sdk::string_field(in, "appointmentId"));
  }
  static json::value AppointmentAction(sdk::Call& call, const json::object& in, const char* what) {
    json::value a =
        call.http_json("POST", AppointmentUrl(in) + "/" + what, {{"Authorization", AuthOf(in)}});
    return json::object{{"appointment", a},
                        {"returnMessage", Message(std::string("Appointment ") + what + "ed")}};
  }
  static json::array Contacts(const json::value& found) {
    json::array out;
    if (auto* a = found.if_array())
      for (auto& c : *a)
        out.push_back(json::object{
            {"id", c.at("id")},
            {"name", c.at("name")},
            {"phone", c.as_object().contains("phone") ? c.at("phone") : json::value("")},
            {"type", "contact"},
            {"additionalInfo", json::object()}});
    return out;
  }
  static std::string MessageLine(const json::object& message) {
    return sdk::string_field(message, "direction") + ": " + sdk::string_field(message, "subject");
  }

  std::string client_id_;
  std::string client_secret_;
};

}  // namespace testcrm

CRMHOST_PLUGIN(testcrm::TestCrm)
