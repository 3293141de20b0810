#include <rocksdb/db.h>
#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "../../store/src/rocksdb/info_log.h"
#include "contract/housekeeping.h"
#include "crmhost/store/store.h"
#include "support/daemon_process.h"
#include "support/files.h"

using namespace crmhost::store;
using crmhost::testing::AnyFileContains;
namespace fs = std::filesystem;

namespace {

Key256 TestKey(unsigned char fill = 3) {
  Key256 k;
  k.fill(fill);
  return k;
}

std::unique_ptr<Store> OpenStore(const std::string& dir, std::string instance = "",
                                 unsigned char key = 3) {
  Store::Options o;
  o.path = dir;
  o.key = TestKey(key);
  o.instance_id = std::move(instance);
  auto s = Store::Open(o);
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

}  // namespace

TEST_CASE("store: users survive reopening and their tokens are not on disk in clear", "[store]") {
  crmhost::testing::TempDir dir;
  const std::string token = "access-token-ab12cd34ef56";
  {
    auto s = OpenStore(dir.path());
    UserRecord u;
    u.id = "jdoe-redtail";
    u.platform = "redtail";
    u.access_token = token;
    u.refresh_token = "refresh-token-99887766";
    u.platform_additional_info["username"] = "jdoe";
    REQUIRE(s->PutUser(u).ok());
  }
  auto s = OpenStore(dir.path());
  auto got = s->GetUser("jdoe-redtail");
  REQUIRE(got.ok());
  REQUIRE(got.value());
  CHECK(got.value()->access_token == token);
  CHECK(got.value()->platform_additional_info.at("username") == "jdoe");
  CHECK_FALSE(s->GetUser("nobody").value());
  s.reset();
  CHECK_FALSE(AnyFileContains(dir.path(), token));
  CHECK_FALSE(AnyFileContains(dir.path(), "refresh-token-99887766"));
}

TEST_CASE("store: a wrong key, a second opener and a newer schema are refused at open", "[store]") {
  crmhost::testing::TempDir dir;
  {
    auto s = OpenStore(dir.path());
    Store::Options o;
    o.path = dir.path();
    o.key = TestKey();
    auto second = Store::Open(o);
    REQUIRE_FALSE(second.ok());  // RocksDB's LOCK keeps a second daemon off the directory
  }
  Store::Options wrong;
  wrong.path = dir.path();
  wrong.key = TestKey(9);
  auto w = Store::Open(wrong);
  REQUIRE_FALSE(w.ok());
  CHECK(w.status().message().find("secret key does not match") != std::string::npos);

  {  // Simulate data written by a future layout.
    rocksdb::DB* raw = nullptr;
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    std::vector<std::string> names;
    rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir.path(), &names);
    for (auto& n : names)
      cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    REQUIRE(rocksdb::DB::Open(rocksdb::DBOptions(), dir.path(), cfs, &handles, &raw).ok());
    for (size_t i = 0; i < names.size(); ++i)
      if (names[i] == "meta") raw->Put(rocksdb::WriteOptions(), handles[i], "schema_version", "2");
    for (auto* h : handles)
      raw->DestroyColumnFamilyHandle(h);
    delete raw;
  }
  Store::Options o;
  o.path = dir.path();
  o.key = TestKey();
  auto newer = Store::Open(o);
  REQUIRE_FALSE(newer.ok());
  CHECK(newer.status().message().find("schema version 2") != std::string::npos);
}

TEST_CASE("store: 20 concurrent reservations of one call, exactly one wins", "[store]") {
  crmhost::testing::TempDir dir;
  auto s = OpenStore(dir.path());
  std::atomic<int> reserved{0}, exists{0}, failed{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 20; ++i)
    threads.emplace_back([&] {
      auto r = s->ReserveCallLog(Row("session-1", "hashA", "101"), 1000);
      if (!r.ok()) {
        ++failed;
      } else if (r.value() == Store::Reservation::kReserved) {
        ++reserved;
      } else {
        ++exists;
      }
    });
  for (auto& t : threads)
    t.join();
  CHECK(reserved == 1);
  CHECK(exists == 19);
  CHECK(failed == 0);
  // Pending rows are not links yet.
  CHECK_FALSE(s->FindCallLog({"session-1", "101", "hashA"}).value());
  auto done = Row("session-1", "hashA", "101");
  done.third_party_log_id = "301";
  REQUIRE(s->CompleteCallLog(done, 2000).ok());
  auto found = s->FindCallLog({"session-1", "101", "hashA"});
  REQUIRE(found.value());
  CHECK(found.value()->third_party_log_id == "301");
  // Another extension in the same session (a transfer) gets its own activity.
  CHECK(s->ReserveCallLog(Row("session-1", "hashB", "102"), 3000).value() ==
        Store::Reservation::kReserved);
}

TEST_CASE("store: a released reservation can be taken again, another process's is abandoned",
          "[store]") {
  crmhost::testing::TempDir dir;
  {
    auto s = OpenStore(dir.path(), "instance-A");
    REQUIRE(s->ReserveCallLog(Row("s2", "h"), 1).value() == Store::Reservation::kReserved);
    REQUIRE(s->ReleaseCallLog({"s2", "", "h"}).ok());
    REQUIRE(s->ReserveCallLog(Row("s2", "h"), 2).value() == Store::Reservation::kReserved);
  }
  // instance-A died with the reservation pending; instance-B may log the call, after asking
  // the CRM whether A got that far.
  auto s = OpenStore(dir.path(), "instance-B");
  CHECK(s->ReserveCallLog(Row("s2", "h"), 3).value() == Store::Reservation::kReservedAfterCrash);
  CHECK(s->ReserveCallLog(Row("s2", "h"), 4).value() == Store::Reservation::kExists);
  // A reconciliation that could not reach the CRM gives the doubt back, not the session.
  REQUIRE(s->AbandonCallLog({"s2", "", "h"}).ok());
  CHECK(s->ReserveCallLog(Row("s2", "h"), 5).value() == Store::Reservation::kReservedAfterCrash);
  // A fresh session has nothing to reconcile.
  CHECK(s->ReserveCallLog(Row("s3", "h"), 6).value() == Store::Reservation::kReserved);
}

TEST_CASE("store: concurrent UpdateUser calls lose no change", "[store]") {
  crmhost::testing::TempDir dir;
  auto s = OpenStore(dir.path());
  std::vector<std::thread> threads;
  for (int i = 0; i < 30; ++i)
    threads.emplace_back([&, i] {
      auto r = s->UpdateUser("u1", [&](UserRecord& u, bool exists) {
        if (!exists) u.platform = "testcrm";
        u.user_settings["k" + std::to_string(i)] = i;
        return true;
      });
      CHECK(r.ok());
    });
  for (auto& t : threads)
    t.join();
  auto u = s->GetUser("u1").value();
  REQUIRE(u);
  CHECK(u->platform == "testcrm");
  CHECK(u->user_settings.size() == 30);
  auto untouched = s->UpdateUser("nobody", [](UserRecord&, bool) { return false; });
  REQUIRE(untouched.ok());
  CHECK_FALSE(untouched.value());
  CHECK_FALSE(s->GetUser("nobody").value());
}

TEST_CASE("store: call-log identity matching follows the reference's order", "[store]") {
  std::vector<CallLogRow> rows = {Row("s", "", ""), Row("s", "", "101"), Row("s", "hashA", "101")};
  rows[0].third_party_log_id = "legacy-empty";
  rows[1].third_party_log_id = "legacy-ext";
  rows[2].third_party_log_id = "hashed";
  CHECK(MatchCallLog(rows, {"s", "101", "hashA"})->third_party_log_id == "hashed");
  CHECK(MatchCallLog(rows, {"s", "101", "hashZ"})->third_party_log_id == "legacy-ext");
  CHECK(MatchCallLog(rows, {"s", "999", "hashZ"})->third_party_log_id == "legacy-empty");
  CHECK(MatchCallLog(rows, {"s", "101", ""})->third_party_log_id == "legacy-ext");
  CHECK(MatchCallLog(rows, {"s", "", ""})->third_party_log_id == "legacy-empty");
  CHECK(MatchCallLog({rows[2]}, {"s", "999", "hashZ"}) == nullptr);
}

TEST_CASE("store: plugin kv is namespaced, sealed and expires", "[store]") {
  crmhost::testing::TempDir dir;
  auto s = OpenStore(dir.path());
  REQUIRE(s->KvPut("redtail", "cursor", "secret-kv-value-123", 0).ok());
  REQUIRE(s->KvPut("redtail", "short", "lived", 5000).ok());
  CHECK(s->KvGet("redtail", "cursor", 1).value().value() == "secret-kv-value-123");
  CHECK_FALSE(s->KvGet("other", "cursor", 1).value());
  CHECK(s->KvGet("redtail", "short", 4999).value().value() == "lived");
  CHECK_FALSE(s->KvGet("redtail", "short", 5000).value());
  REQUIRE(s->KvDelete("redtail", "cursor").ok());
  CHECK_FALSE(s->KvGet("redtail", "cursor", 1).value());
  REQUIRE(s->KvPut("redtail", "cursor", "secret-kv-value-123", 0).ok());
  s.reset();
  CHECK_FALSE(AnyFileContains(dir.path(), "secret-kv-value-123"));
}

TEST_CASE("housekeeping drops expired cache rows and old contact lookups, nothing else",
          "[store][housekeeping]") {
  crmhost::testing::TempDir dir;
  auto store = OpenStore(dir.path());
  namespace json = boost::json;
  const int64_t now = 1'800'000'000'000;
  REQUIRE(store->Put(Table::kCache, KeyOf({"note-cache", "old"}), json::object{{"expiry", now - 1}})
              .ok());
  REQUIRE(
      store->Put(Table::kCache, KeyOf({"note-cache", "new"}), json::object{{"expiry", now + 60000}})
          .ok());
  const int64_t ninety_one_days = 91LL * 24 * 3600 * 1000;
  REQUIRE(store
              ->PutAccountData("3001", "redtail", "contact-+1415", json::array{1},
                               now - ninety_one_days)
              .ok());
  REQUIRE(
      store->PutAccountData("3001", "redtail", "contact-+1650", json::array{2}, now - 1000).ok());
  REQUIRE(store
              ->PutAccountData("3001", "redtail", "managed-auth-org", json::object{},
                               now - ninety_one_days)
              .ok());

  auto swept = crmhost::contract::SweepExpired(*store, now);
  REQUIRE(swept.ok());
  CHECK(swept->expired_cache_rows == 1);
  CHECK(swept->stale_contact_entries == 1);
  CHECK_FALSE(store->Get(Table::kCache, KeyOf({"note-cache", "old"})).value());
  CHECK(store->Get(Table::kCache, KeyOf({"note-cache", "new"})).value());
  CHECK_FALSE(store->GetAccountData("3001", "redtail", "contact-+1415").value());
  CHECK(store->GetAccountData("3001", "redtail", "contact-+1650").value());
  CHECK(store->GetAccountData("3001", "redtail", "managed-auth-org").value());  // not a cache
}

// RocksDB's messages go to the daemon's log, not to a LOG file on the store's disk: a line it
// could not write there (a full disk) made Debian's RocksDB abort on the next line it logged.
TEST_CASE("store: keeps no RocksDB LOG file and passes RocksDB warnings to its log sink",
          "[store]") {
  crmhost::testing::TempDir dir;
  std::vector<std::pair<bool, std::string>> lines;
  {
    Store::Options o;
    o.path = dir.path();
    o.key = TestKey();
    o.log = [&](bool error, std::string_view line) { lines.emplace_back(error, line); };
    auto s = Store::Open(o);
    REQUIRE(s.ok());
    UserRecord u;
    u.id = "jdoe-redtail";
    u.platform = "redtail";
    REQUIRE(s.value()->PutUser(u).ok());
  }
  for (auto& e : fs::directory_iterator(dir.path())) {
    INFO(e.path().filename().string());
    CHECK(e.path().filename().string().rfind("LOG", 0) != 0);
  }
  // Opening and writing produce only informational lines: none reached the sink.
  CHECK(lines.empty());

  auto sink = crmhost::store::MakeInfoLog(
      [&](bool error, std::string_view line) { lines.emplace_back(error, line); });
  rocksdb::Log(rocksdb::InfoLogLevel::INFO_LEVEL, sink, "options dump %d", 1);
  rocksdb::Log(rocksdb::InfoLogLevel::WARN_LEVEL, sink, "write stall: %d files\n", 20);
  rocksdb::Log(rocksdb::InfoLogLevel::ERROR_LEVEL, sink, "background error: %s", "No space");
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == std::pair<bool, std::string>{false, "write stall: 20 files"});
  CHECK(lines[1] == std::pair<bool, std::string>{true, "background error: No space"});
}
