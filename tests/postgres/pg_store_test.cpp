// The store's guarantees on a real PostgreSQL: the same behaviour as RocksDB (tests/store/), and
// what only several instances sharing one database need: reservations, locks and periodic tasks
// decided by the database, a database outage survived without a restart.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <thread>

#include "contract/housekeeping.h"
#include "crmhost/encoding.h"
#include "crmhost/store/store.h"
#include "support/daemon_process.h"
#include "support/pg_server.h"

using namespace crmhost::store;
using crmhost::testing::PgTestServer;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

Key256 TestKey(unsigned char fill = 3) {
  Key256 k;
  k.fill(fill);
  return k;
}

Store::Options PgOptions(const std::string& url, std::string instance = "", unsigned char key = 3) {
  Store::Options o;
  o.url = url;
  o.password = PgTestServer::Find()->password();
  o.key = TestKey(key);
  o.instance_id = std::move(instance);
  o.pool_size = 4;
  o.lock_pool_size = 2;
  o.instance_lease_ms = 3000;
  return o;
}

std::unique_ptr<Store> OpenPg(const std::string& url, std::string instance = "") {
  auto s = Store::Open(PgOptions(url, std::move(instance)));
  if (!s.ok()) FAIL(s.status().ToString());
  return std::move(s).value();
}

CallLogRow Row(std::string session, std::string hash = "", std::string ext = "") {
  CallLogRow r;
  r.identity = {std::move(session), std::move(ext), std::move(hash)};
  r.id = "tel-1";
  r.platform = "redtail";
  r.user_id = "jdoe-redtail";
  r.contact_id = "201";
  return r;
}

// Every stored value of the database, hex-encoded: what pg_dump would show.
std::string AllStoredHex(const PgTestServer& pg, const std::string& url) {
  std::string all;
  for (auto& v :
       pg.Query(url, "SELECT encode(key, 'hex') || encode(value, 'hex') FROM crmhost_records"))
    all += v + "\n";
  return all;
}

}  // namespace

TEST_CASE("postgres store: users round-trip and their tokens are sealed in the database",
          "[pg-store]") {
  auto pg = PgTestServer::Find().value();
  const std::string url = pg.NewDatabase();
  const std::string token = "access-token-pg-ab12cd34";
  {
    auto s = OpenPg(url);
    CHECK(s->backend() == "postgresql");
    UserRecord u;
    u.id = "jdoe-redtail";
    u.platform = "redtail";
    u.access_token = token;
    u.refresh_token = "refresh-token-pg-9988";
    u.platform_additional_info["username"] = "jdoe";
    REQUIRE(s->PutUser(u).ok());
    UserRecord v = u;
    v.id = "amy-redtail";
    REQUIRE(s->PutUser(v).ok());
  }
  auto s = OpenPg(url);
  auto got = s->GetUser("jdoe-redtail");
  REQUIRE(got.ok());
  REQUIRE(got.value());
  CHECK(got.value()->access_token == token);
  CHECK(got.value()->platform_additional_info.at("username") == "jdoe");
  CHECK_FALSE(s->GetUser("nobody").value());
  std::vector<std::string> ids;
  REQUIRE(s->ForEachUser([&](const UserRecord& u) {
             ids.push_back(u.id);
             return true;
           }).ok());
  CHECK(ids == std::vector<std::string>{"amy-redtail", "jdoe-redtail"});
  REQUIRE(s->DeleteUser("amy-redtail").ok());
  CHECK_FALSE(s->GetUser("amy-redtail").value());
  const std::string stored = AllStoredHex(pg, url);
  CHECK(stored.find(crmhost::HexEncode(token)) == std::string::npos);
  CHECK(stored.find(crmhost::HexEncode("refresh-token-pg-9988")) == std::string::npos);
  CHECK(stored.find(crmhost::HexEncode("jdoe-redtail")) != std::string::npos);  // keys are clear
}

TEST_CASE("postgres store: a wrong key, a password in the URL and a newer schema are refused",
          "[pg-store]") {
  auto pg = PgTestServer::Find().value();
  const std::string url = pg.NewDatabase();
  OpenPg(url);
  auto wrong = Store::Open(PgOptions(url, "", 9));
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.status().message().find("secret key does not match") != std::string::npos);

  auto with_password = PgOptions(url);
  with_password.url = "postgres://crmhost:" + pg.password() + "@" + url.substr(url.find('@') + 1);
  auto refused = Store::Open(with_password);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("password_file") != std::string::npos);
  CHECK(refused.status().message().find(pg.password()) == std::string::npos);

  auto bad_password = PgOptions(url);
  bad_password.password = "not-the-password";
  auto denied = Store::Open(bad_password);
  REQUIRE_FALSE(denied.ok());
  CHECK(denied.status().message().find("password authentication failed") != std::string::npos);
  CHECK(denied.status().message().find("not-the-password") == std::string::npos);

  // A URL libpq cannot read: its reason would quote the password; ours does not.
  auto unreadable = PgOptions(url);
  unreadable.url = "postgres://crmhost:50%zzsecret@127.0.0.1:1/x";
  auto unparsed = Store::Open(unreadable);
  REQUIRE_FALSE(unparsed.ok());
  CHECK(unparsed.status().message().find("zzsecret") == std::string::npos);

  pg.Query(url, "UPDATE crmhost_schema SET version = 99");
  auto newer = Store::Open(PgOptions(url));
  REQUIRE_FALSE(newer.ok());
  CHECK(newer.status().message().find("schema version 99") != std::string::npos);
}

TEST_CASE("postgres store: TLS verified against the CA, refused against another", "[pg-store]") {
  auto pg = PgTestServer::Find().value();
  const std::string url = pg.NewDatabase();
  auto o = PgOptions(url, "tls-instance");
  o.sslmode = "verify-full";
  o.sslrootcert = pg.ca_file();
  auto opened = Store::Open(o);
  INFO((opened.ok() ? "" : opened.status().message()));
  REQUIRE(opened.ok());
  auto s = std::move(opened).value();
  UserRecord user;
  user.id = "tls-user";
  REQUIRE(s->PutUser(user).ok());
  // Every connection the store made is encrypted.
  CHECK(pg.Query(url,
                 "SELECT bool_and(s.ssl)::text FROM pg_stat_ssl s JOIN pg_stat_activity a "
                 "USING (pid) WHERE a.application_name = 'crmhostd'") ==
        std::vector<std::string>{"true"});

  // A CA that did not sign the server's certificate: refused before any password is sent.
  crmhost::testing::TempDir dir;
  const std::string other_ca = dir / "other-ca.crt";
  const std::string cmd =
      "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=other "
      "-keyout " +
      (dir / "other.key") + " -out " + other_ca + " 2>/dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  o.sslrootcert = other_ca;
  o.instance_id = "tls-refused";
  auto refused = Store::Open(o);
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().message().find("certificate verify failed") != std::string::npos);
}

TEST_CASE("postgres store: instances starting together migrate the schema once", "[pg-store]") {
  auto pg = PgTestServer::Find().value();
  const std::string url = pg.NewDatabase();
  std::vector<std::unique_ptr<Store>> stores(6);
  std::vector<std::string> errors(stores.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < stores.size(); ++i)
    threads.emplace_back([&, i] {
      auto s = Store::Open(PgOptions(url, "inst-" + std::to_string(i)));
      if (s.ok()) {
        stores[i] = std::move(s).value();
      } else {
        errors[i] = s.status().ToString();
      }
    });
  for (auto& t : threads)
    t.join();
  for (auto& e : errors)
    CHECK(e == "");
  CHECK(pg.Query(url, "SELECT count(*) FROM crmhost_schema") == std::vector<std::string>{"1"});
  CHECK(pg.Query(url, "SELECT count(*) FROM crmhost_instances") == std::vector<std::string>{"6"});
  stores.clear();  // a clean close unregisters
  CHECK(pg.Query(url, "SELECT count(*) FROM crmhost_instances") == std::vector<std::string>{"0"});
}

TEST_CASE("postgres store: 40 concurrent reservations of one call on two instances, one wins",
          "[pg-store]") {
  auto pg = PgTestServer::Find().value();
  const std::string url = pg.NewDatabase();
  auto a = OpenPg(url, "instance-A");
  auto b = OpenPg(url, "instance-B");
  std::atomic<int> reserved{0}, exists{0}, failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 40; ++i)
    threads.emplace_back([&, i] {
      Store& s = i % 2 ? *a : *b;
      auto r = s.ReserveCallLog(Row("session-1", "hashA", "101"), 1000);
      if (!r.ok()) {
        ++failed;
      } else if (r.value() == Store::Reservation::kReserved) {
        ++reserved;
      } else if (r.value() == Store::Reservation::kExists) {
        ++exists;
      }
    });
  for (auto& t : threads)
    t.join();
  CHECK(reserved == 1);
  CHECK(exists == 39);
  CHECK(failed == 0);
  CHECK_FALSE(a->FindCallLog({"session-1", "101", "hashA"}).value());
  // Whoever won completes it; both see the link.
  auto done = Row("session-1", "hashA", "101");
  done.third_party_log_id = "301";
  REQUIRE(a->CompleteCallLog(done, 2000).ok());
  CHECK(b->FindCallLog({"session-1", "101", "hashA"}).value()->third_party_log_id == "301");
  CHECK(b->ReserveCallLog(Row("session-1", "hashA", "101"), 3000).value() ==
        Store::Reservation::kExists);
  CHECK(b->ReserveCallLog(Row("session-1", "hashB", "102"), 3000).value() ==
        Store::Reservation::kReserved);
}

TEST_CASE("postgres store: a live instance's reservation is not abandoned, a dead one's is",
          "[pg-store]") {
  auto pg = PgTestServer::Find().value();
  const std::string url = pg.NewDatabase();
  auto a = OpenPg(url, "instance-A");
  auto b = OpenPg(url, "instance-B");
  REQUIRE(a->ReserveCallLog(Row("s2", "h"), 1).value() == Store::Reservation::kReserved);
  // A is serving that call right now: B must not reconcile and log it a second time.
  CHECK(b->ReserveCallLog(Row("s2", "h"), 2).value() == Store::Reservation::kExists);
  // Only the owner releases.
  REQUIRE(b->ReleaseCallLog({"s2", "", "h"}).ok());
  CHECK(b->ReserveCallLog(Row("s2", "h"), 3).value() == Store::Reservation::kExists);
  REQUIRE(a->ReleaseCallLog({"s2", "", "h"}).ok());
  REQUIRE(a->ReserveCallLog(Row("s2", "h"), 4).value() == Store::Reservation::kReserved);

  // A dies without a word: its heartbeat stops. Until its lease lapses the row is still its.
  pg.Query(url,
           "UPDATE crmhost_instances SET heartbeat_at = now() - interval '1 hour' "
           "WHERE id = 'instance-A'");
  CHECK(b->ReserveCallLog(Row("s2", "h"), 5).value() == Store::Reservation::kReservedAfterCrash);
  CHECK(b->ReserveCallLog(Row("s2", "h"), 6).value() == Store::Reservation::kExists);
  REQUIRE(b->AbandonCallLog({"s2", "", "h"}).ok());
  CHECK(b->ReserveCallLog(Row("s2", "h"), 7).value() == Store::Reservation::kReservedAfterCrash);
  CHECK(b->ReserveCallLog(Row("s3", "h"), 8).value() == Store::Reservation::kReserved);
}

TEST_CASE("postgres store: tables, binary keys, prefix scans past a page, plugin kv expiry",
          "[pg-store]") {
  auto pg = PgTestServer::Find().value();
  const std::string url = pg.NewDatabase();
  auto s = OpenPg(url);
  // Keys with NULs and 0xFF bytes: bytea compares bytewise, as RocksDB does.
  const std::string ff(2, char(0xFF));
  for (int i = 0; i < 600; ++i)
    REQUIRE(s->Put(Table::kCallDown, KeyOf({"user-1", "row-" + std::to_string(1000 + i)}),
                   json::object{{"i", i}})
                .ok());
  REQUIRE(s->Put(Table::kCallDown, KeyOf({"user-1" + ff, "x"}), json::object{{"i", -1}}).ok());
  REQUIRE(
      s->Put(Table::kCallDown, KeyOf({"user-2", std::string("a\0b", 3)}), json::object{{"i", -2}})
          .ok());
  auto rows = s->Scan(Table::kCallDown, KeyOf({"user-1"}));
  REQUIRE(rows.ok());
  REQUIRE(rows->size() == 600);
  CHECK(rows->front().second.at("i") == 0);
  CHECK(rows->back().second.at("i") == 599);
  auto other = s->Scan(Table::kCallDown, KeyOf({"user-2"}));
  REQUIRE(other->size() == 1);
  CHECK(PartsOf(other->front().first)[1] == std::string_view("a\0b", 3));
  CHECK(s->Scan(Table::kCallDown, "")->size() == 602);
  int visited = 0;
  REQUIRE(s->ForEach(Table::kCallDown, "", [&](std::string_view, const json::value&) {
             return ++visited < 300;
           }).ok());
  CHECK(visited == 300);

  // Sealed tables: the value is not in the database in clear.
  REQUIRE(s->Put(Table::kAdmin, "acct-1", json::object{{"secret", "admin-secret-77"}}).ok());
  CHECK(s->Get(Table::kAdmin, "acct-1").value()->at("secret") == "admin-secret-77");
  CHECK(AllStoredHex(pg, url).find(crmhost::HexEncode("admin-secret-77")) == std::string::npos);
  REQUIRE(s->Delete(Table::kAdmin, "acct-1").ok());
  CHECK_FALSE(s->Get(Table::kAdmin, "acct-1").value());

  REQUIRE(s->KvPut("redtail", "cursor", "secret-kv-value-pg", 0).ok());
  REQUIRE(s->KvPut("redtail", "short", "lived", 5000).ok());
  CHECK(s->KvGet("redtail", "cursor", 1).value().value() == "secret-kv-value-pg");
  CHECK_FALSE(s->KvGet("other", "cursor", 1).value());
  CHECK(s->KvGet("redtail", "short", 4999).value().value() == "lived");
  CHECK_FALSE(s->KvGet("redtail", "short", 5000).value());
  REQUIRE(s->KvDelete("redtail", "cursor").ok());
  CHECK_FALSE(s->KvGet("redtail", "cursor", 1).value());

  // Housekeeping reads and deletes the same way on both backends.
  const int64_t now = 1'800'000'000'000;
  REQUIRE(
      s->Put(Table::kCache, KeyOf({"note-cache", "old"}), json::object{{"expiry", now - 1}}).ok());
  REQUIRE(
      s->Put(Table::kCache, KeyOf({"note-cache", "new"}), json::object{{"expiry", now + 1}}).ok());
  auto swept = crmhost::contract::SweepExpired(*s, now);
  REQUIRE(swept.ok());
  CHECK(swept->expired_cache_rows == 1);
  CHECK(s->Get(Table::kCache, KeyOf({"note-cache", "new"})).value());
}

TEST_CASE("postgres store: concurrent UpdateUser on two instances loses no change", "[pg-store]") {
  auto pg = PgTestServer::Find().value();
  const std::string url = pg.NewDatabase();
  auto a = OpenPg(url, "instance-A");
  auto b = OpenPg(url, "instance-B");
  std::vector<std::thread> threads;
  for (int i = 0; i < 30; ++i)
    threads.emplace_back([&, i] {
      auto r = (i % 2 ? a : b)->UpdateUser("u1", [&](UserRecord& u, bool exists) {
        if (!exists) u.platform = "testcrm";
        u.user_settings["k" + std::to_string(i)] = i;
        return true;
      });
      CHECK(r.ok());
    });
  for (auto& t : threads)
    t.join();
  auto u = a->GetUser("u1").value();
  REQUIRE(u);
  CHECK(u->platform == "testcrm");
  CHECK(u->user_settings.size() == 30);
  // Declining writes nothing; an absent user stays absent.
  auto untouched = b->UpdateUser("nobody", [](UserRecord&, bool) { return false; });
  REQUIRE(untouched.ok());
  CHECK_FALSE(untouched.value());
  CHECK_FALSE(a->GetUser("nobody").value());
}

TEST_CASE("postgres store: a delete waits for an update in progress, a timeout is not an outage",
          "[pg-store]") {
  auto pg = PgTestServer::Find().value();
  const std::string url = pg.NewDatabase();
  auto a = OpenPg(url, "instance-A");
  auto o = PgOptions(url, "instance-B");
  o.statement_timeout_ms = 300;
  auto b = std::move(Store::Open(o)).value();
  UserRecord u;
  u.id = "u1";
  REQUIRE(a->PutUser(u).ok());

  // A holds u1's lock for 1.5 s (its change runs inside the transaction, between the read and
  // the write); B's delete waits, then removes what A wrote: the user does not come back.
  std::atomic<bool> a_read{false};
  std::thread slow([&] {
    auto r = a->UpdateUser("u1", [&](UserRecord& rec, bool exists) {
      a_read = true;
      std::this_thread::sleep_for(1500ms);
      rec.access_token = "from-A";
      return exists;
    });
    CHECK(r.ok());
  });
  while (!a_read)
    std::this_thread::sleep_for(5ms);
  // Meanwhile B's own update gives up after its 300 ms statement timeout...
  auto timed_out = b->UpdateUser("u1", [](UserRecord&, bool) { return true; });
  REQUIRE_FALSE(timed_out.ok());
  CHECK(timed_out.status().code() == crmhost::Status::Code::kTimeout);
  // ...which says nothing about the database: B stays ready and goes on serving.
  CHECK(b->GetHealth().writable);
  CHECK(b->GetUser("u1").ok());
  auto c = OpenPg(url, "instance-C");
  REQUIRE(c->DeleteUser("u1").ok());  // waits for A's transaction
  slow.join();
  CHECK_FALSE(c->GetUser("u1").value());
}

TEST_CASE(
    "postgres store: a reservation older than any CRM call is abandoned even if its owner lives",
    "[pg-store]") {
  auto pg = PgTestServer::Find().value();
  const std::string url = pg.NewDatabase();
  auto a = OpenPg(url, "instance-A");
  auto b = OpenPg(url, "instance-B");
  REQUIRE(a->ReserveCallLog(Row("s-old", "h"), 1'000'000).value() == Store::Reservation::kReserved);
  CHECK(b->ReserveCallLog(Row("s-old", "h"), 1'000'000 + 60'000).value() ==
        Store::Reservation::kExists);
  CHECK(b->ReserveCallLog(Row("s-old", "h"), 1'000'000 + 11 * 60'000).value() ==
        Store::Reservation::kReservedAfterCrash);
}

TEST_CASE("postgres store: a cross-instance lock excludes the other instance until released",
          "[pg-store]") {
  auto pg = PgTestServer::Find().value();
  const std::string url = pg.NewDatabase();
  auto a = OpenPg(url, "instance-A");
  auto b = OpenPg(url, "instance-B");
  auto held = a->LockAcross(Store::LockScope::kTokenRefresh, "user-1");
  REQUIRE(held.ok());
  REQUIRE(held.value());
  std::atomic<bool> b_has_it{false};
  std::thread waiter([&] {
    auto mine = b->LockAcross(Store::LockScope::kTokenRefresh, "user-1");
    REQUIRE(mine.ok());
    b_has_it = true;
  });
  // Another key, and the same key in another scope, are free meanwhile.
  CHECK(b->LockAcross(Store::LockScope::kTokenRefresh, "user-2").ok());
  CHECK(b->LockAcross(Store::LockScope::kConversation, "user-1").ok());
  std::this_thread::sleep_for(300ms);
  CHECK_FALSE(b_has_it.load());
  CHECK(a->GetStats().locks_held == 1);
  held.value().reset();
  waiter.join();
  CHECK(b_has_it.load());
  CHECK(a->GetStats().locks_held == 0);

  // An instance that dies holding a lock (its connection gone) does not hold it forever.
  auto c = OpenPg(url, "instance-C");
  auto dying = c->LockAcross(Store::LockScope::kConversation, "conv-9");
  REQUIRE(dying.ok());
  pg.Query(url,
           "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
           "AND granted AND pid <> pg_backend_pid()");
  auto taken = b->LockAcross(Store::LockScope::kConversation, "conv-9");
  CHECK(taken.ok());
}

TEST_CASE("postgres store: one instance per period claims a periodic task", "[pg-store]") {
  auto pg = PgTestServer::Find().value();
  const std::string url = pg.NewDatabase();
  auto a = OpenPg(url, "instance-A");
  auto b = OpenPg(url, "instance-B");
  std::atomic<int> claimed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 10; ++i)
    threads.emplace_back([&, i] {
      auto r = (i % 2 ? a : b)->ClaimPeriodicTask("housekeeping", 3600000, 10'000'000);
      if (r.ok() && r.value()) ++claimed;
    });
  for (auto& t : threads)
    t.join();
  CHECK(claimed == 1);
  CHECK_FALSE(a->ClaimPeriodicTask("housekeeping", 3600000, 10'000'000 + 3599999).value());
  CHECK(b->ClaimPeriodicTask("housekeeping", 3600000, 10'000'000 + 3600000).value());
  CHECK(a->ClaimPeriodicTask("other-task", 3600000, 10'000'000).value());
}

TEST_CASE("postgres store: a database restart fails calls cleanly, then recovers by itself",
          "[pg-store][pg-outage]") {
  // A server of its own: stopping the shared one would fail the tests running beside this one.
  crmhost::testing::TempDir dir;
  auto pg = PgTestServer::StartOwn(dir / "pg");
  struct Cleanup {
    PgTestServer& pg;
    ~Cleanup() { pg.Remove(); }
  } cleanup{pg};
  const std::string url = pg.NewDatabase();
  auto o = PgOptions(url);
  o.password = pg.password();
  auto opened = Store::Open(o);
  REQUIRE(opened.ok());
  auto s = std::move(opened).value();
  UserRecord u;
  u.id = "u1";
  u.access_token = "t";
  REQUIRE(s->PutUser(u).ok());
  pg.Stop();
  auto during = s->GetUser("u1");
  REQUIRE_FALSE(during.ok());
  CHECK(during.status().code() == crmhost::Status::Code::kUnavailable);
  CHECK_FALSE(s->GetHealth().writable);
  CHECK_FALSE(s->PutUser(u).ok());
  pg.Start();
  bool back = false;
  for (int i = 0; i < 100 && !back; ++i) {
    back = s->GetUser("u1").ok();
    if (!back) std::this_thread::sleep_for(100ms);
  }
  CHECK(back);
  CHECK(s->GetHealth().writable);
  CHECK(s->GetStats().reconnects >= 1);
  CHECK(s->GetUser("u1").value()->access_token == "t");
  CHECK(s->PutUser(u).ok());
}
