// Appointments, the call-down list and account data through the running daemon.
#include <catch2/catch.hpp>

#include "integration/testcrm_harness.h"

namespace crmhost::testing {
namespace json = boost::json;

TEST_CASE("appointments: validated requests, one plugin operation each", "[appointments]") {
  TestCrmHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt();

  auto empty = h.Get("/appointments", jwt);
  INFO(empty.body);
  CHECK(empty.body == R"({"successful":true,"appointments":[]})");
  ExpectSchema("/appointments", "get", empty);
  auto bad_range = h.Get("/appointments?startDate=2026-11-30&endDate=2026-11-01", jwt);
  CHECK(bad_range.status == 400);
  CHECK(bad_range.Json().at("error") == "Invalid appointment date range");
  ExpectSchema("/appointments", "get", bad_range);
  CHECK(h.Get("/appointments?startDate=2026-11-01", jwt).status == 400);
  CHECK(h.Get("/appointments?startDate=2026-11-01&endDate=2026-11-30", jwt).status == 200);

  auto invalid = h.Send("POST", "/appointments", jwt,
                        json::object{{"payload", json::object{{"title", ""},
                                                              {"startTimeUtc", "tomorrow"},
                                                              {"durationMinutes", -5}}}});
  CHECK(invalid.status == 400);
  CHECK(invalid.Json().at("error") == "Invalid appointment create request");
  CHECK(invalid.Json().at("details").as_array().size() == 4);  // title, summary, start, duration
  ExpectSchema("/appointments", "post", invalid);

  json::object payload{
      {"title", "Renewal review"},
      {"summary", "Go over the contract"},
      {"startTimeUtc", "2026-12-01T15:00:00-05:00"},
      {"durationMinutes", 30},
      {"contacts", json::array{201, json::object{{"id", 202}, {"type", "contact"}}}}};
  auto created = h.Send("POST", "/appointments", jwt, json::object{{"payload", payload}});
  INFO(created.body);
  REQUIRE(created.status == 200);
  ExpectSchema("/appointments", "post", created);
  const std::string id(created.Json().at("appointmentId").as_string());
  CHECK(created.Json().at("appointment").at("title") == "Renewal review");

  const std::string base = "/appointments/" + id;
  auto patched =
      h.Send("PATCH", base, jwt, json::object{{"patch", json::object{{"title", "Moved"}}}});
  ExpectSchema("/appointments/{appointmentId}", "patch", patched);
  CHECK(patched.Json().at("appointment").at("title") == "Moved");
  auto half_time =
      h.Send("PATCH", base, jwt,
             json::object{{"patch", json::object{{"startTimeUtc", "2026-12-02T10:00:00Z"}}}});
  CHECK(half_time.status == 400);
  CHECK(half_time.Json().at("error") == "Invalid appointment patch request");
  auto status = h.Send("POST", base + "/status", jwt, json::object{{"status", "NoShow"}});
  ExpectSchema("/appointments/{appointmentId}/status", "post", status);
  CHECK(status.Json().at("appointment").at("status") == "noshow");
  CHECK(h.Send("POST", base + "/status", jwt, json::object{}).Json().at("error") ==
        "Invalid appointment status request");
  auto refreshed = h.Get(base + "/refresh", jwt);
  ExpectSchema("/appointments/{appointmentId}/refresh", "get", refreshed);
  CHECK(refreshed.Json().at("appointmentId") == id.c_str());
  auto confirmed = h.Send("POST", base + "/confirm", jwt, json::object{});
  ExpectSchema("/appointments/{appointmentId}/confirm", "post", confirmed);
  CHECK(confirmed.Json().at("appointment").at("status") == "confirmed");
  auto cancelled = h.Send("POST", base + "/cancel", jwt, json::object{});
  ExpectSchema("/appointments/{appointmentId}/cancel", "post", cancelled);
  CHECK(cancelled.Json().at("appointment").at("status") == "cancelled");
  auto locked = h.Send("POST", "/appointments/locked/cancel", jwt, json::object{});
  CHECK(locked.Json().at("successful") == false);
  ExpectSchema("/appointments/{appointmentId}/cancel", "post", locked);
  CHECK(h.Get("/appointments", jwt).Json().at("appointments").as_array().size() == 1);

  // The CRM failing, and a CRM without appointments.
  h.crm.api_status = 500;
  auto down = h.Get(base + "/refresh", jwt);
  CHECK(down.Json().at("successful") == false);
  h.crm.api_status = 0;
  auto redtail = h.Get("/appointments", RedtailHarness().Jwt("jdoe-redtail", "redtail"));
  CHECK(redtail.status == 400);
}

TEST_CASE("call-down list: a per-user queue", "[calldown]") {
  TestCrmHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt();
  const std::string other = RedtailHarness().Jwt("someone-else", "testcrm");

  auto first = h.Send("POST", "/calldown", jwt,
                      json::object{{"contactId", 201},
                                   {"scheduledAt", "2026-12-02T09:00:00.000Z"},
                                   {"contactName", "Ada"},
                                   {"note", "call about renewal"}});
  INFO(first.body);
  ExpectSchema("/calldown", "post", first);
  const std::string id1(first.Json().at("id").as_string());
  CHECK(id1.size() == 32);
  // scheduledAt as epoch milliseconds: kept as a date, answered in ISO 8601 like the rest.
  auto second = h.Send("POST", "/calldown", jwt,
                       json::object{{"contactId", "202"}, {"scheduledAt", 1764579600000}});
  const std::string id2(second.Json().at("id").as_string());
  CHECK(h.Send("POST", "/calldown", jwt, json::object{}).status == 400);
  // A JWT whose user does not exist: the reference's 400 {"error":"User not found"}.
  auto stranger = h.Send("POST", "/calldown", other, json::object{{"contactId", 1}});
  CHECK(stranger.status == 400);
  CHECK(stranger.body == R"({"error":"User not found"})");

  auto list = h.Get("/calldown", jwt);
  ExpectSchema("/calldown", "get", list);
  auto items = list.Json().at("items").as_array();
  REQUIRE(items.size() == 2);
  CHECK(items[0].at("id") == id2.c_str());  // earliest scheduledAt first
  CHECK(items[0].at("scheduledAt") == "2025-12-01T09:00:00.000Z");
  CHECK(items[1].at("contactId") == "201");
  CHECK(items[1].at("status") == "scheduled");
  CHECK(h.Get("/calldown", other).Json().at("items").as_array().empty());

  auto patched = h.Send("PATCH", "/calldown/" + id1, jwt, json::object{{"status", "called"}});
  ExpectSchema("/calldown/{id}", "patch", patched);
  CHECK(patched.body == R"({"successful":true})");
  CHECK(h.Get("/calldown?status=called", jwt).Json().at("items").as_array().size() == 1);
  CHECK(h.Get("/calldown?status=not_called", jwt).Json().at("items").at(0).at("id") == id2.c_str());
  auto nothing = h.Send("PATCH", "/calldown/" + id1, jwt, json::object{{"bogus", 1}});
  CHECK(nothing.Json().at("error") == "No valid fields to update");
  auto foreign = h.Send("PATCH", "/calldown/" + id1, other, json::object{{"status", "called"}});
  CHECK(foreign.status == 400);
  CHECK(foreign.Json().at("error") == "Not found");

  CHECK(Request(h.port(), "DELETE", "/calldown/" + id1, {}, {{"Authorization", "Bearer " + other}})
            .status == 400);
  auto deleted =
      Request(h.port(), "DELETE", "/calldown/" + id1, {}, {{"Authorization", "Bearer " + jwt}});
  ExpectSchema("/calldown/{id}", "delete", deleted);
  CHECK(deleted.body == R"({"successful":true})");
  auto by_query =
      Request(h.port(), "DELETE", "/calldown?id=" + id2, {}, {{"Authorization", "Bearer " + jwt}});
  CHECK(by_query.status == 200);
  CHECK(h.Get("/calldown", jwt).Json().at("items").as_array().empty());
  CHECK(Request(h.port(), "GET", "/calldown").status == 400);
}

TEST_CASE("account data: declared keys, cached per RingCentral account, stale on failure",
          "[accountdata]") {
  TestCrmHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt("testcrm", "&rcAccountId=3001");
  auto missing = h.Get("/accountData", jwt);
  CHECK(missing.status == 400);
  CHECK(missing.body == "Missing keys");
  auto unknown = h.Get("/accountData?keys=activityTypes,nope", jwt);
  CHECK(unknown.status == 400);
  CHECK(unknown.Json().at("returnMessage").at("message") == "Unknown account data key(s): nope");
  ExpectSchema("/accountData", "get", unknown);

  auto first = h.Get("/accountData?keys=activityTypes", jwt);
  INFO(first.body);
  ExpectSchema("/accountData", "get", first);
  CHECK(first.body == R"({"successful":true,"data":{"activityTypes":["Call","Meeting","Email"]}})");
  CHECK(h.Get("/accountData?keys=activityTypes", jwt).body == first.body);
  CHECK(h.crm.server().count("GET", "/api/activity-types") == 1);  // cached
  CHECK(h.Get("/accountData?keys=activityTypes&forceRefresh=true", jwt).status == 200);
  CHECK(h.crm.server().count("GET", "/api/activity-types") == 2);
  h.crm.api_status = 503;
  auto stale = h.Get("/accountData?keys=activityTypes&forceRefresh=true", jwt);
  CHECK(stale.body == first.body);  // stale beats nothing

  // Another account with nothing cached and the CRM failing: the reference's 400 with the
  // error's text.
  h.crm.api_status = 0;
  const std::string other = h.LoginJwt("testcrm", "&rcAccountId=4001");
  h.crm.api_status = 503;
  auto nothing = h.Get("/accountData?keys=activityTypes", other);
  CHECK(nothing.status == 400);
  CHECK(nothing.body == R"({"error":"Request failed with status code 503"})");
  h.crm.api_status = 0;
  // A user whose RingCentral account is unknown has no account data.
  const std::string anonymous = h.LoginJwt("testcrm");
  auto unowned = h.Get("/accountData?keys=activityTypes", anonymous);
  CHECK(unowned.status == 400);
  CHECK(unowned.body ==
        R"({"error":"Cannot resolve account data 'activityTypes': user has no rcAccountId"})");
  // A JWT naming no user: the handler's answer, 200 with the contract's warning, before keys.
  auto ghost = h.Get("/accountData?keys=nope", RedtailHarness().Jwt("ghost-testcrm", "testcrm"));
  CHECK(ghost.status == 200);
  CHECK(ghost.Json() ==
        json::parse(R"({"successful":false,"returnMessage":{"message":"User not found",)"
                    R"("messageType":"warning","ttl":5000}})"));
}

}  // namespace crmhost::testing

namespace crmhost::testing {

TEST_CASE("new routes: malformed and mistyped input gets 400, a broken CRM loses nothing",
          "[bad-input][features]") {
  TestCrmHarness h;
  h.Start();
  const std::string jwt = h.LoginJwt("testcrm", "&rcAccountId=3001");
  auto raw = [&](const std::string& method, const std::string& target, const std::string& body,
                 std::vector<std::pair<std::string, std::string>> headers = {}) {
    headers.emplace_back("Authorization", "Bearer " + jwt);
    headers.emplace_back("Content-Type", "application/json");
    return Request(h.port(), method, target, body, headers);
  };
  const std::pair<const char*, const char*> routes[] = {
      {"POST", "/messageLog"},        {"POST", "/contact"},
      {"PUT", "/callDisposition"},    {"POST", "/callLog/cacheNote"},
      {"POST", "/user/settings"},     {"POST", "/calldown"},
      {"POST", "/appointments"},      {"POST", "/admin/serverLoggingSettings"},
      {"POST", "/admin/managedAuth"}, {"POST", "/admin/userMapping"}};
  for (auto [method, path] : routes) {
    INFO(method << " " << path);
    auto bad = raw(method, path,
                   "{\"unterminated\": ", {{"X-RC-Access-Token", FakeRingCentral::kAdminToken}});
    CHECK(bad.status == 400);
    auto array =
        raw(method, path, "[1,2,3]", {{"X-RC-Access-Token", FakeRingCentral::kAdminToken}});
    CHECK(array.status == 400);
  }
  // Wrong types inside an object.
  CHECK(raw("POST", "/messageLog", R"({"logInfo":"text","contactId":201})").status == 400);
  CHECK(raw("POST", "/messageLog", R"({"logInfo":{"messages":"x"},"contactId":201})")
            .Json()
            .at("returnMessage")
            .at("message") == "No message to log.");
  CHECK(raw("PUT", "/callDisposition", R"({"sessionId":{"a":1}})").status == 400);
  CHECK(raw("POST", "/admin/settings", R"({"adminSettings":"x"})",
            {{"X-RC-Access-Token", FakeRingCentral::kAdminToken}})
            .status == 400);
  CHECK(raw("POST", "/admin/managedOAuth/cache", R"({"values":[1]})",
            {{"X-RC-Access-Token", FakeRingCentral::kAdminToken}})
            .status == 400);
  CHECK(raw("PATCH", "/appointments/x", R"({"patch":[]})").status == 400);
  CHECK(raw("POST", "/appointments/x/status", R"({"status":7})").status == 400);

  // The CRM answering garbage, then nothing: clear errors, nothing recorded, retries work.
  json::object sms{{"id", "g-1"},
                   {"type", "SMS"},
                   {"direction", "Inbound"},
                   {"subject", "hi"},
                   {"creationTime", "2026-11-24T10:00:00.000Z"}};
  json::object msg{
      {"logInfo", json::object{{"conversationId", "cx"},
                               {"conversationLogId", "cx-1"},
                               {"messages", json::array{sms}},
                               {"correspondents",
                                json::array{json::object{{"phoneNumber", "+14155550100"}}}}}},
      {"contactId", 201}};
  h.crm.api_garbage = true;
  auto garbage = h.Send("POST", "/messageLog", jwt, msg);
  CHECK(garbage.status == 200);
  CHECK(garbage.Json().at("returnMessage").at("message") == "Error creating message log");
  auto contact = h.Send("POST", "/contact", jwt, json::object{{"newContactName", "X Y"}});
  CHECK(contact.Json().at("successful") == false);
  h.crm.api_garbage = false;
  h.crm.api_silent = true;
  auto silent = h.Send("POST", "/messageLog", jwt, msg);
  CHECK(silent.Json().at("returnMessage").at("message") == "Error creating message log");
  auto appointments = h.Get("/appointments", jwt);
  CHECK(appointments.Json().at("successful") == false);
  h.crm.api_silent = false;
  auto retried = h.Send("POST", "/messageLog", jwt, msg);
  CHECK(retried.Json().at("logIds") == json::array{"g-1"});
  CHECK(h.crm.message_log_count() == 1);
  CHECK(Request(h.port(), "GET", "/isAlive").body == "OK");
}

}  // namespace crmhost::testing
