// Two crmhostd instances on one PostgreSQL database, as behind a load balancer: the guarantees
// a single process keeps in memory must hold across both (one CRM activity per call, one token
// refresh per user, one CRM log per conversation), one instance dying must not cost the other
// anything, and a database restart must cost only the requests made while it was down.
#include <catch2/catch.hpp>

#include <atomic>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>
#include <vector>

#include "integration/redtail_harness.h"
#include "integration/testcrm_harness.h"
#include "support/pg_server.h"

namespace crmhost::testing {
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

// The store arguments both instances share: one database, one password file.
std::vector<std::string> SharedStore(const PgTestServer& pg, const std::string& url) {
  return {"--store-url", url, "--store-password-file", pg.password_file()};
}

// The same arguments without --store-password-file: the password comes from systemd's
// credential directory instead ($CREDENTIALS_DIRECTORY/store-password, LoadCredential=).
std::vector<std::string> WithoutPasswordFile(std::vector<std::string> args) {
  for (size_t i = 0; i + 1 < args.size(); ++i)
    if (args[i] == "--store-password-file")
      args.erase(args.begin() + long(i), args.begin() + long(i) + 2);
  return args;
}

bool Successful(const HttpResult& r) {
  return r.status == 200 && r.body.find("\"successful\":true") != std::string::npos;
}

json::object Sms(const std::string& id, const std::string& text) {
  return json::object{{"id", id},
                      {"type", "SMS"},
                      {"direction", "Inbound"},
                      {"subject", text},
                      {"creationTime", "2026-11-24T10:00:00.000Z"},
                      {"from", json::object{{"phoneNumber", "+14155550100"}, {"name", "Ada"}}},
                      {"to", json::array{json::object{{"phoneNumber", "+16505550001"}}}}};
}

json::object MessageBody(json::array messages) {
  return json::object{
      {"logInfo",
       json::object{{"conversationId", "conv-x"},
                    {"conversationLogId", "conv-x-20261124"},
                    {"messages", std::move(messages)},
                    {"correspondents",
                     json::array{json::object{{"phoneNumber", "+14155550100"}, {"name", "Ada"}}}}}},
      {"contactId", 201},
      {"contactType", "contact"},
      {"contactName", "Ada Lovelace"}};
}

}  // namespace

TEST_CASE("two instances: 100 concurrent identical call logs make one Redtail activity",
          "[pg-instances]") {
  auto pg = PgTestServer::Find().value();
  const std::string url = pg.NewDatabase();
  RedtailHarness h({}, SharedStore(pg, url));
  h.fake.failures().Delay("/api/public/v1/activities", 200);  // both instances overlap
  h.Start();
  // B reads the database password from a systemd credential.
  std::filesystem::create_directories(h.dir / "credentials");
  std::ofstream(h.dir / "credentials/store-password") << pg.password() << "\n";
  DaemonProcess b(h.dir / "data-b", WithoutPasswordFile(h.Args()),
                  {{"CREDENTIALS_DIRECTORY", h.dir / "credentials"}});
  const std::string jwt = h.LoginJwt();  // on A; B knows the user from the database
  const std::string body = json::serialize(CallBody("sess-two"));
  std::atomic<int> logged{0}, existing{0}, other{0};
  std::vector<std::thread> clients;
  for (int i = 0; i < 100; ++i)
    clients.emplace_back([&, i] {
      auto r =
          Request(i % 2 ? h.port() : b.port(), "POST", "/callLog?jwtToken=" + UrlEncode(jwt), body);
      if (Successful(r)) {
        ++logged;
      } else if (r.body.find("Existing log for session sess-two") != std::string::npos) {
        ++existing;
      } else {
        UNSCOPED_INFO(r.status << " " << r.body << " " << r.error);
        ++other;
      }
    });
  for (auto& c : clients)
    c.join();
  CHECK(logged == 1);
  CHECK(existing == 99);
  CHECK(other == 0);
  CHECK(h.fake.server().count("POST", "/api/public/v1/activities") == 1);
  CHECK(h.fake.activity_count() == 1);
  // Both read the same link back.
  for (uint16_t port : {h.port(), b.port()}) {
    auto got = Request(port, "GET", "/callLog?sessionIds=sess-two&jwtToken=" + UrlEncode(jwt));
    INFO(got.body);
    CHECK(got.body.find("\"matched\":true") != std::string::npos);
  }
  // The ops API of either instance sees the one user; a backup points at pg_dump.
  std::string b_token = ReadFile(h.dir / "data-b/ops.token");
  b_token.erase(b_token.find_last_not_of("\r\n") + 1);
  auto users = Request(b.ops_port(), "GET", "/users", {}, {{"Authorization", "Bearer " + b_token}});
  INFO(users.body);
  REQUIRE(users.status == 200);
  CHECK(users.body.find("jdoe") != std::string::npos);
  // One data dir is one instance: a second process on A's is refused, and A keeps serving.
  try {
    DaemonProcess twin(h.dir / "data", h.Args());
    FAIL("a second crmhostd started on a data dir in use");
  } catch (const std::exception& e) {
    CHECK(std::string(e.what()).find("another crmhostd uses the data dir") != std::string::npos);
  }
  CHECK(Request(h.port(), "GET", "/isAlive").body == "OK");
  auto backup = h.Ops("POST", "/backup");
  CHECK(backup.status == 501);
  CHECK(backup.body.find("pg_dump") != std::string::npos);
  // Secrets are sealed in the database too: no Redtail key or password in any row.
  for (const std::string& row : pg.Query(
           url, "SELECT encode(key, 'escape') || encode(value, 'escape') FROM crmhost_records")) {
    CHECK(row.find(FakeRedtail::kUserKey) == std::string::npos);
    CHECK(row.find(FakeRedtail::kPassword) == std::string::npos);
  }
}

TEST_CASE("two instances: 50 concurrent requests in the refresh window make one token call",
          "[pg-instances]") {
  auto pg = PgTestServer::Find().value();
  const std::string url = pg.NewDatabase();
  TestCrmHarness h(SharedStore(pg, url));
  h.Start();
  DaemonProcess b(h.dir / "data-b", h.Args());
  h.crm.expires_in = 60;  // the first token is already inside the refresh window
  const std::string jwt = h.LoginJwt();
  const std::string first = h.crm.access_token();
  h.crm.expires_in = 3600;
  h.crm.token_delay_ms = 300;  // every request arrives while the refresh is in flight

  std::vector<HttpResult> results(50);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i)
    threads.emplace_back([&, i] {
      results[i] = Request(i % 2 ? h.port() : b.port(), "GET", "/authValidation", {},
                           {{"Authorization", "Bearer " + jwt}});
    });
  for (auto& t : threads)
    t.join();
  for (auto& r : results) {
    INFO(r.status << " " << r.body << " " << r.error);
    CHECK(r.body == R"({"successful":true})");
  }
  CHECK(h.crm.refresh_calls() == 1);
  CHECK(h.crm.access_token() != first);
}

TEST_CASE("two instances: a conversation's messages posted to both make one CRM log",
          "[pg-instances]") {
  auto pg = PgTestServer::Find().value();
  const std::string url = pg.NewDatabase();
  TestCrmHarness h(SharedStore(pg, url));
  h.Start();
  DaemonProcess b(h.dir / "data-b", h.Args());
  const std::string jwt = h.LoginJwt();
  h.crm.api_delay_ms = 150;  // the CRM's create is slow: every request overlaps it
  std::vector<HttpResult> results(10);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i)
    threads.emplace_back([&, i] {
      const std::string id = "m" + std::to_string(i);
      results[i] =
          Request(i % 2 ? h.port() : b.port(), "POST", "/messageLog",
                  json::serialize(MessageBody(json::array{Sms(id, "text " + id)})),
                  {{"Authorization", "Bearer " + jwt}, {"Content-Type", "application/json"}});
    });
  for (auto& t : threads)
    t.join();
  for (auto& r : results) {
    INFO(r.status << " " << r.body << " " << r.error);
    CHECK(Successful(r));
  }
  // Should it fail: how many creates the CRM saw, and which instance answered what.
  INFO("POST /api/messages: " << h.crm.server().count("POST", "/api/messages"));
  for (size_t i = 0; i < results.size(); ++i)
    UNSCOPED_INFO((i % 2 ? "A " : "B ") << results[i].body);
  CHECK(h.crm.message_log_count() == 1);
}

TEST_CASE("two instances: concurrent admin settings saves on both keep every key",
          "[pg-instances]") {
  auto pg = PgTestServer::Find().value();
  const std::string url = pg.NewDatabase();
  TestCrmHarness h(SharedStore(pg, url));
  h.Start();
  DaemonProcess b(h.dir / "data-b", h.Args());
  const std::string jwt = h.LoginJwt("testcrm", "&rcAccountId=3001");
  std::vector<HttpResult> results(16);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < results.size(); ++i)
    threads.emplace_back([&, i] {
      json::object settings{{"setting" + std::to_string(i), int64_t(i)}};
      results[i] = Request(i % 2 ? h.port() : b.port(), "POST", "/admin/settings",
                           json::serialize(json::object{{"adminSettings", settings}}),
                           {{"Content-Type", "application/json"},
                            {"X-RC-Access-Token", FakeRingCentral::kAdminToken}});
    });
  for (auto& t : threads)
    t.join();
  for (auto& r : results) {
    INFO(r.status << " " << r.body);
    CHECK(r.body == "Admin settings updated");
  }
  auto row = h.Get("/admin/settings", jwt, Rc(FakeRingCentral::kAdminToken));
  INFO(row.body);
  REQUIRE(row.status == 200);
  for (size_t i = 0; i < results.size(); ++i)
    CHECK(row.Json().as_object().contains("setting" + std::to_string(i)));
}

TEST_CASE("two instances: kill -9 of one under load, the other serves, nothing acknowledged lost",
          "[pg-instances]") {
  auto pg = PgTestServer::Find().value();
  const std::string url = pg.NewDatabase();
  RedtailHarness h({}, SharedStore(pg, url));
  h.fake.failures().Delay("/api/public/v1/activities/", 300);
  h.Start();
  auto b = std::make_unique<DaemonProcess>(h.dir / "data-b", h.Args());
  const std::string jwt = h.LoginJwt();
  const std::string target = "/callLog?jwtToken=" + UrlEncode(jwt);
  constexpr int kCalls = 40;
  auto call = [](int i) {
    json::object body = CallBody("kill-" + std::to_string(i));
    body["logInfo"].as_object()["startTime"] = int64_t(1767323045000) + int64_t(i) * 1000;
    return json::serialize(body);
  };
  // Half the calls go to B, which dies while they wait on Redtail.
  std::vector<HttpResult> first(kCalls);
  std::vector<std::thread> clients;
  for (int i = 0; i < kCalls; ++i)
    clients.emplace_back([&, i] {
      first[size_t(i)] = Request(i % 2 ? h.port() : b->port(), "POST", target, call(i));
    });
  for (int i = 0; i < 400 && h.fake.activity_count() < size_t(kCalls) / 2; ++i)
    std::this_thread::sleep_for(10ms);
  b->Stop(SIGKILL);
  for (auto& c : clients)
    c.join();
  int acknowledged_on_a = 0;
  for (int i = 1; i < kCalls; i += 2)
    acknowledged_on_a += Successful(first[size_t(i)]);
  CHECK(acknowledged_on_a == kCalls / 2);  // A never noticed
  // Every client retries on A, the survivor. B's reservations are abandoned once its lease
  // lapses; A reconciles them with Redtail and creates nothing twice.
  std::this_thread::sleep_for(16s);
  h.fake.failures().Clear();
  for (int i = 0; i < kCalls; ++i) {
    auto again = Request(h.port(), "POST", target, call(i));
    INFO(i << ": " << again.body);
    CHECK((Successful(again) || again.body.find("Existing log for session") != std::string::npos));
  }
  CHECK(h.fake.activity_count() == size_t(kCalls));
  for (int i = 0; i < kCalls; ++i) {
    auto got =
        Request(h.port(), "GET",
                "/callLog?sessionIds=kill-" + std::to_string(i) + "&jwtToken=" + UrlEncode(jwt));
    INFO(got.body);
    CHECK(got.body.find("\"matched\":true") != std::string::npos);
  }
}

TEST_CASE("two instances: a database restart under load fails requests cleanly, then they succeed",
          "[pg-instances]") {
  TempDir own;
  auto pg = PgTestServer::StartOwn(own / "pg");
  struct Cleanup {
    PgTestServer& pg;
    ~Cleanup() { pg.Remove(); }
  } cleanup{pg};
  const std::string url = pg.NewDatabase();
  RedtailHarness h({}, SharedStore(pg, url));
  h.Start();
  DaemonProcess b(h.dir / "data-b", h.Args());
  const std::string jwt = h.LoginJwt();
  const std::string target = "/callLog?jwtToken=" + UrlEncode(jwt);
  auto call = [](int i) {
    json::object body = CallBody("restart-" + std::to_string(i));
    body["logInfo"].as_object()["startTime"] = int64_t(1767323045000) + int64_t(i) * 1000;
    return json::serialize(body);
  };
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed_cleanly{0}, bad{0}, next{0};
  std::mutex mu;
  std::vector<int> acknowledged;  // guarded by mu
  std::vector<std::thread> load;
  for (int t = 0; t < 4; ++t)
    load.emplace_back([&, t] {
      while (!stop) {
        const int i = next++;
        auto r = Request(t % 2 ? h.port() : b.port(), "POST", target, call(i));
        if (Successful(r)) {
          ++ok;
          std::lock_guard lock(mu);
          acknowledged.push_back(i);
        } else if (r.status >= 200 && r.status < 600 && !r.body.empty() &&
                   r.body.find("\"successful\":false") != std::string::npos) {
          ++failed_cleanly;  // the contract's error body, not a dropped connection
        } else {
          UNSCOPED_INFO(r.status << " " << r.body << " " << r.error);
          ++bad;
        }
        std::this_thread::sleep_for(20ms);
      }
    });
  std::this_thread::sleep_for(500ms);
  pg.Stop();
  std::this_thread::sleep_for(1500ms);
  const int failed_during = failed_cleanly;
  // A load balancer stops sending traffic meanwhile.
  auto not_ready = Request(h.daemon->ops_port(), "GET", "/readyz?verbose");
  INFO(not_ready.body);
  CHECK(not_ready.status == 503);
  CHECK(not_ready.body.find("[-]store") != std::string::npos);
  pg.Start();
  std::this_thread::sleep_for(6s);
  const int ok_before_stop = ok;
  std::this_thread::sleep_for(1s);
  stop = true;
  for (auto& t : load)
    t.join();
  CHECK(failed_during > 0);
  CHECK(bad == 0);
  CHECK(ok > ok_before_stop);  // serving again without a restart of either instance
  // Exactly one activity per call that succeeded; no duplicates from the outage.
  CHECK(h.fake.activity_count() == h.fake.server().count("POST", "/api/public/v1/activities"));
  CHECK(h.fake.activity_count() >= size_t(ok.load()));
  for (uint16_t port : {h.daemon->ops_port(), b.ops_port()})
    CHECK(Request(port, "GET", "/readyz").status == 200);
  // Every call acknowledged, before, during or after the outage, is linked.
  for (int i : acknowledged) {
    auto got =
        Request(h.port(), "GET",
                "/callLog?sessionIds=restart-" + std::to_string(i) + "&jwtToken=" + UrlEncode(jwt));
    INFO(i << ": " << got.body);
    CHECK(got.body.find("\"matched\":true") != std::string::npos);
  }
}

}  // namespace crmhost::testing
