// crmhostctl import-reference: a reference deployment's SQLite database, built here as the
// reference writes it, copied into a stopped crmhostd's store; then, through HTTP, the
// reference's sessions and call links keep working, and running the import again changes
// nothing. Against PostgreSQL too when the suite runs there (the import targets the same store).
#include <catch2/catch.hpp>

#include <openssl/sha.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "crmhost/encoding.h"
#include "integration/redtail_harness.h"
#include "integration/testcrm_harness.h"
#include "support/pg_server.h"
#include "support/reference_db.h"
#include "support/secret_ledger.h"

namespace crmhost::testing {
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* kReferenceSecret = "reference-app-secret-51c0";
constexpr const char* kHashKey = "reference-hash-key-9e2";
constexpr int64_t kT0 = 1767323045000;  // 2026-01-02

std::string Sha256Hex(const std::string& s) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(s.data()), s.size(), d);
  return HexEncode(std::string_view(reinterpret_cast<char*>(d), sizeof d));
}

std::map<std::string, std::optional<std::string>> CallLog(const std::string& id,
                                                          const std::string& session,
                                                          const std::string& ext,
                                                          const std::string& hash,
                                                          const std::string& activity, int64_t at) {
  return {{"id", id},
          {"sessionId", session},
          {"extensionNumber", ext},
          {"hashedExtensionId", hash},
          {"platform", "redtail"},
          {"thirdPartyLogId", activity},
          {"userId", "jdoe-redtail"},
          {"contactId", "201"},
          {"createdAt", ReferenceDb::Date(at)},
          {"updatedAt", ReferenceDb::Date(at)}};
}

// The reference database of one Redtail user with call links of every identity era.
void FillReference(ReferenceDb& db) {
  db.Insert("users", {{"id", "jdoe-redtail"},
                      {"rcAccountId", "3001"},
                      {"hostname", "smf.crm3.redtailtechnology.com"},
                      {"timezoneName", "America/Los_Angeles"},
                      {"timezoneOffset", "-8"},
                      {"platform", "redtail"},
                      {"accessToken", FakeRedtail::kUserKey},
                      {"refreshToken", std::nullopt},
                      {"tokenExpiry", std::nullopt},
                      {"platformAdditionalInfo", R"({"username":"jdoe"})"},
                      {"hashedRcExtensionId", "hashed-ext-105"},
                      {"userSettings", R"({"autoLog":{"value":true}})"},
                      {"createdAt", ReferenceDb::Date(kT0)},
                      {"updatedAt", ReferenceDb::Date(kT0 + 1000)}});
  db.Insert("callLogs", CallLog("tel-a", "sess-a", "", "", "7001", kT0));  // before 1.7.26
  db.Insert("callLogs", CallLog("tel-b", "sess-b", "105", "", "7002", kT0 + 1));
  db.Insert("callLogs", CallLog("tel-c", "sess-c", "105", "hashed-ext-105", "7003", kT0 + 2));
  // The reference's key also has its own id: a second row of the same call and extension.
  db.Insert("callLogs", CallLog("tel-c2", "sess-c", "105", "hashed-ext-105", "7009", kT0 + 3));
  for (const char* m : {"m1", "m2"})
    db.Insert("messageLogs", {{"id", m},
                              {"platform", "redtail"},
                              {"conversationId", "c1"},
                              {"conversationLogId", "c1-20261124"},
                              {"thirdPartyLogId", "8001"},
                              {"userId", "jdoe-redtail"},
                              {"createdAt", ReferenceDb::Date(kT0)},
                              {"updatedAt", ReferenceDb::Date(kT0)}});
  db.Insert("adminConfigs",
            {{"id", Sha256Hex(std::string("3001:") + kHashKey)},
             {"userSettings", R"({"autoLog":{"value":false,"customizable":false}})"},
             {"customAdapter", std::nullopt},
             {"adminAccessToken", "rc-admin-access-token-ref"},
             {"adminRefreshToken", "rc-admin-refresh-token-ref"},
             {"adminTokenExpiry", ReferenceDb::Date(kT0)},
             {"userMappings", R"([{"crmUserId":"jdoe","rcExtensionId":["105"]}])"},
             {"createdAt", ReferenceDb::Date(kT0)},
             {"updatedAt", ReferenceDb::Date(kT0)}});
  db.Insert("callDownLists", {{"id", "cd0123456789abcd"},
                              {"userId", "jdoe-redtail"},
                              {"contactId", "201"},
                              {"contactType", "contact"},
                              {"status", "scheduled"},
                              {"scheduledAt", ReferenceDb::Date(kT0 + 86400000)},
                              {"lastCallAt", std::nullopt},
                              {"createdAt", ReferenceDb::Date(kT0)},
                              {"updatedAt", ReferenceDb::Date(kT0)}});
  db.Insert("accountData", {{"rcAccountId", "3001"},
                            {"platformName", "redtail"},
                            {"dataKey", "contact-+14155555678"},
                            {"data", "[]"},
                            {"createdAt", ReferenceDb::Date(kT0)},
                            {"updatedAt", ReferenceDb::Date(kT0)}});
  db.Insert("llmSessions", {{"id", "105"},
                            {"jwtToken", "x"},
                            {"expiry", ReferenceDb::Date(kT0)},
                            {"createdAt", ReferenceDb::Date(kT0)},
                            {"updatedAt", ReferenceDb::Date(kT0)}});
}

// Runs a command; its exit status and output.
std::pair<int, std::string> Run(const std::string& command, const std::string& out_file) {
  const int rc = std::system((command + " > " + out_file + " 2>&1").c_str());
  std::ifstream in(out_file);
  std::stringstream ss;
  ss << in.rdbuf();
  return {WEXITSTATUS(rc), ss.str()};
}

std::string ImportCommand(const RedtailHarness& h, const std::string& db,
                          const std::string& extra) {
  std::string cmd = std::string(CRMHOSTCTL_PATH) + " import-reference --from sqlite://" + db +
                    " --data-dir " + (h.dir / "data") + " --secret-key-file " +
                    (h.dir / "master.key") + " --reference-secret-file " +
                    (h.dir / "reference.secret") + " " + extra;
  for (auto& a : PgStoreArgsFor(h.dir / "data"))  // the store the suite's daemons use
    cmd += " " + a;
  return cmd;
}

std::string Bearer(const std::string& jwt) {
  return "Bearer " + jwt;
}

}  // namespace

TEST_CASE("import-reference: the reference's sessions, call links and settings keep working",
          "[import]") {
  NoteSecret(kReferenceSecret);
  NoteSecret("rc-admin-access-token-ref");
  RedtailHarness h({}, {});
  std::ofstream(h.dir / "reference.secret") << kReferenceSecret << "\n";
  std::ofstream(h.dir / "hash.key") << kHashKey << "\n";
  h.extra_args = {"--legacy-jwt-secret-file", h.dir / "reference.secret", "--hash-key-file",
                  h.dir / "hash.key"};
  const std::string db_path = h.dir / "reference.sqlite";
  {
    ReferenceDb db(db_path);
    FillReference(db);
  }
  for (const char* id : {"7001", "7002", "7003"})  // Redtail has the activities the links name
    h.fake.SetActivityDescription(std::stoll(id), "logged by the reference server");
  // The conversation's activity as the reference's Redtail connector wrote it.
  h.fake.SetActivityDescription(
      8001,
      "<br>Conversation(2 messages)<br>BEGIN<br>------------<br><ul><li>Redtail Contact "
      "(+14155555678) 03:30 PM<br><b>Hi</b></li><li>jdoe 03:31 PM<br><b>Hello</b></li>"
      "</ul>------------<br>END<br><br>");

  auto [dry_rc, dry] = Run(ImportCommand(h, db_path, "--dry-run"), h.dir / "dry.out");
  INFO(dry);
  REQUIRE(dry_rc == 0);
  CHECK(dry.find("would write 8 of 11 rows") != std::string::npos);

  auto [rc, out] = Run(ImportCommand(h, db_path, ""), h.dir / "import.out");
  INFO(out);
  REQUIRE(rc == 0);
  CHECK(out.find("wrote 8 of 11 rows") != std::string::npos);
  CHECK(out.find("callLogs: 1 skipped: an earlier row links the same call and extension") !=
        std::string::npos);
  CHECK(out.find("accountData: 1 skipped: a contact lookup cache") != std::string::npos);
  CHECK(out.find("llmSessions: 1 skipped") != std::string::npos);
  CHECK_FALSE(std::filesystem::exists(h.dir / "data/import-reference.incomplete"));

  h.Start();
  // The JWT the reference gave this user still works, and comes back as ours.
  const std::string legacy =
      identity::JwtCodec(kReferenceSecret)
          .Sign(json::object{{"id", "jdoe-redtail"}, {"platform", "redtail"}}, std::time(nullptr),
                1209600);
  auto found = Request(h.port(), "GET", "/callLog?sessionIds=sess-c,sess-a,sess-b", {},
                       {{"Authorization", Bearer(legacy)}});
  INFO(found.body);
  REQUIRE(found.status == 200);
  const auto renewed = found.Header("x-refreshed-jwt-token");
  REQUIRE(renewed);
  const json::array logs = found.Json().at("logs").as_array();
  REQUIRE(logs.size() == 3);
  CHECK(logs[0].at("matched") == true);
  CHECK(logs[0].at("logId") == "7003");  // the earliest of the two rows of sess-c
  CHECK(logs[1].at("matched") == true);  // the pre-1.7.26 link, any requester
  CHECK(logs[2].at("matched") == true);

  // PATCH updates the reference's activity in Redtail: a PUT, never a new activity.
  auto patched =
      Request(h.port(), "PATCH", "/callLog",
              json::serialize(json::object{{"sessionId", "sess-c"},
                                           {"hashedExtensionId", "hashed-ext-105"},
                                           {"note", "Updated after the switch"}}),
              {{"Authorization", Bearer(*renewed)}, {"Content-Type", "application/json"}});
  INFO(patched.body);
  CHECK(patched.body.find("\"successful\":true") != std::string::npos);
  CHECK(h.fake.server().count("PUT", "/api/public/v1/activities/7003") == 1);
  CHECK(h.fake.server().count("POST", "/api/public/v1/activities") == 0);
  // A new message of a conversation the reference logged is appended to its CRM activity.
  const size_t activities = h.fake.activity_count();
  auto appended =
      Request(h.port(), "POST", "/messageLog",
              json::serialize(ConversationBody(
                  json::array{SmsFrom("+14155555678", "m3", "After the switch", "Inbound"),
                              SmsFrom("+14155555678", "m2", "Hello", "Outbound"),
                              SmsFrom("+14155555678", "m1", "Hi", "Inbound")},
                  "+14155555678", 201, "Redtail Contact", "contact")),
              {{"Authorization", Bearer(*renewed)}, {"Content-Type", "application/json"}});
  INFO(appended.body);
  CHECK(appended.Json().at("logIds") == json::array{"m3"});
  CHECK(h.fake.activity_count() == activities);
  CHECK(std::string(h.fake.activity(8001).at("description").as_string()).find("After the switch") !=
        std::string::npos);
  // The call-down list and the user's settings came along.
  auto calldown = Request(h.port(), "GET", "/calldown", {}, {{"Authorization", Bearer(*renewed)}});
  CHECK(calldown.body.find("cd0123456789abcd") != std::string::npos);
  auto settings =
      Request(h.port(), "GET", "/user/settings", {}, {{"Authorization", Bearer(*renewed)}});
  CHECK(settings.body.find("autoLog") != std::string::npos);
  h.daemon.reset();

  // A second run changes nothing.
  auto [again_rc, again] = Run(ImportCommand(h, db_path, ""), h.dir / "again.out");
  INFO(again);
  CHECK(again_rc == 0);
  CHECK(again.find("wrote 0 of 11 rows") != std::string::npos);
  // No imported secret in clear in the data dir (RocksDB; the PostgreSQL suite checks its rows).
  for (const char* secret : {FakeRedtail::kUserKey, "rc-admin-access-token-ref", kReferenceSecret})
    CHECK_FALSE(AnyFileContains(h.dir / "data", secret));
}

TEST_CASE("import-reference: stopped in the middle, crmhostd refuses to start until it is rerun",
          "[import]") {
  NoteSecret(kReferenceSecret);
  RedtailHarness h({}, {});
  std::ofstream(h.dir / "reference.secret") << kReferenceSecret << "\n";
  const std::string db_path = h.dir / "big.sqlite";
  constexpr int kLinks = 30000;
  {
    ReferenceDb db(db_path);
    db.Begin();
    FillReference(db);
    for (int i = 0; i < kLinks; ++i)
      db.Insert("callLogs", CallLog("t" + std::to_string(i), "bulk-" + std::to_string(i), "105",
                                    "hashed-ext-105", std::to_string(100000 + i), kT0 + i));
    db.Commit();
  }
  // Killed once it has begun writing.
  const pid_t pid = fork();
  if (pid == 0) {
    execl("/bin/sh", "sh", "-c", (ImportCommand(h, db_path, "") + " >/dev/null 2>&1").c_str(),
          nullptr);
    _exit(127);
  }
  for (int i = 0; i < 1000 && !std::filesystem::exists(h.dir / "data/import-reference.incomplete");
       ++i)
    std::this_thread::sleep_for(5ms);
  std::this_thread::sleep_for(300ms);
  ::kill(pid, SIGKILL);
  ::waitpid(pid, nullptr, 0);
  (void)std::system(("pkill -9 -f 'import-reference --from sqlite://" + db_path + "'").c_str());
  // (the shell above is gone; its crmhostctl child too, with -9)
  REQUIRE(std::filesystem::exists(h.dir / "data/import-reference.incomplete"));
  CHECK_THROWS_WITH(h.Start(), Catch::Contains("stopped in the middle"));

  auto [rc, out] = Run(ImportCommand(h, db_path, ""), h.dir / "rerun.out");
  INFO(out);
  REQUIRE(rc == 0);
  CHECK_FALSE(std::filesystem::exists(h.dir / "data/import-reference.incomplete"));
  h.Start();
  const std::string jwt = h.Jwt("jdoe-redtail", "redtail");
  for (int i : {0, kLinks / 2, kLinks - 1}) {
    auto found = Request(h.port(), "GET", "/callLog?sessionIds=bulk-" + std::to_string(i), {},
                         {{"Authorization", Bearer(jwt)}});
    INFO(found.body);
    CHECK(found.body.find("\"logId\":\"" + std::to_string(100000 + i) + "\"") != std::string::npos);
  }
}

TEST_CASE("import-reference: an OAuth user is refreshed when due, managed credentials log in",
          "[import]") {
  NoteSecret(kReferenceSecret);
  TestCrmHarness h;
  std::ofstream(h.dir / "reference.secret") << kReferenceSecret << "\n";
  std::ofstream(h.dir / "hash.key") << kHashKey << "\n";
  h.extra_args = {"--hash-key-file", h.dir / "hash.key"};
  // Tokens the CRM issued to the reference server: a code exchange made before the switch.
  auto issued =
      Request(h.crm.server().port(), "POST", "/oauth/token",
              "grant_type=authorization_code&code=" + std::string(FakeTestCrm::kCode),
              {{"Content-Type", "application/x-www-form-urlencoded"},
               {"Authorization", "Basic dGVzdGNybS1jbGllbnQ6dGVzdGNybS1zZWNyZXQtOWY4ZTdk"}});
  REQUIRE(issued.status == 200);
  const std::string access = h.crm.access_token(), refresh = h.crm.refresh_token();
  NoteSecret(access);
  NoteSecret(refresh);
  const int64_t now_ms = int64_t(std::time(nullptr)) * 1000;
  const std::string db_path = h.dir / "reference.sqlite";
  {
    ReferenceDb db(db_path);
    db.Insert("users", {{"id", "u42-testcrm"},
                        {"rcAccountId", "3001"},
                        {"hostname", "api.testcrm.example"},
                        {"timezoneName", "UTC"},
                        {"timezoneOffset", "0"},
                        {"platform", "testcrm"},
                        {"accessToken", access},
                        {"refreshToken", refresh},
                        {"tokenExpiry", ReferenceDb::Date(now_ms + 60000)},  // inside 2 minutes
                        {"platformAdditionalInfo", "{}"},
                        {"hashedRcExtensionId", "hashed-ext-102"},
                        {"userSettings", "{}"},
                        {"createdAt", ReferenceDb::Date(now_ms - 86400000)},
                        {"updatedAt", ReferenceDb::Date(now_ms - 3600000)}});
    // testkey's admin-managed credentials, encrypted the reference's way: the account's API key
    // and extension 102's team.
    const json::object org{
        {"fields", json::object{{"apiKey", ReferenceDb::EncryptManaged(kReferenceSecret,
                                                                       FakeTestCrm::kApiKey)}}}};
    const json::object user{
        {"rcExtensionId", "102"},
        {"fields", json::object{{"team", ReferenceDb::EncryptManaged(kReferenceSecret,
                                                                     FakeTestCrm::kTeam)}}}};
    // The account's admin row: its id is the account id hashed with the reference's HASH_KEY.
    db.Insert("adminConfigs",
              {{"id", Sha256Hex(std::string("3001:") + kHashKey)},
               {"userSettings", R"({"autoLog":{"value":true,"customizable":false}})"},
               {"customAdapter", std::nullopt},
               {"adminAccessToken", std::nullopt},
               {"adminRefreshToken", std::nullopt},
               {"adminTokenExpiry", std::nullopt},
               {"userMappings", R"([{"crmUserId":"u42","rcExtensionId":"102"}])"},
               {"createdAt", ReferenceDb::Date(now_ms)},
               {"updatedAt", ReferenceDb::Date(now_ms)}});
    for (auto& [key, data] :
         {std::pair{"managed-auth-org", org}, std::pair{"managed-auth-user:102", user}})
      db.Insert("accountData", {{"rcAccountId", "3001"},
                                {"platformName", "testkey"},
                                {"dataKey", key},
                                {"data", json::serialize(data)},
                                {"createdAt", ReferenceDb::Date(now_ms)},
                                {"updatedAt", ReferenceDb::Date(now_ms)}});
  }
  std::string cmd = std::string(CRMHOSTCTL_PATH) + " import-reference --from sqlite://" + db_path +
                    " --data-dir " + (h.dir / "data") + " --secret-key-file " +
                    (h.dir / "master.key");
  for (auto& a : PgStoreArgsFor(h.dir / "data"))
    cmd += " " + a;
  // Without the reference's secret the managed credentials cannot be read: skipped, said why.
  auto [no_secret_rc, no_secret] = Run(cmd + " --dry-run", h.dir / "dry.out");
  INFO(no_secret);
  CHECK(no_secret_rc == 0);
  CHECK(
      no_secret.find("accountData: 2 skipped: managed credentials need --reference-secret-file") !=
      std::string::npos);
  auto [rc, out] =
      Run(cmd + " --reference-secret-file " + (h.dir / "reference.secret"), h.dir / "import.out");
  INFO(out);
  REQUIRE(rc == 0);
  CHECK(out.find("wrote 4 of 4 rows") != std::string::npos);

  h.Start();
  const std::string jwt = RedtailHarness().Jwt("u42-testcrm", "testcrm");
  auto valid = h.Get("/authValidation", jwt);
  INFO(valid.body);
  CHECK(valid.body == R"({"successful":true})");
  CHECK(h.crm.refresh_calls() == 1);  // the imported refresh token, used once
  CHECK(h.crm.access_token() != access);
  // Extension 102 logs in to testkey without typing anything: the imported managed values.
  auto login = Request(
      h.port(), "POST", "/apiKeyLogin", R"({"platform":"testkey"})",
      {{"Content-Type", "application/json"}, {"X-RC-Access-Token", FakeRingCentral::kUserToken}});
  INFO(login.body);
  CHECK(login.status == 200);
  CHECK(login.body.find("jwtToken") != std::string::npos);
  // The admin's settings and user mappings, found under the same hashed account id.
  auto admin = h.Get("/admin/settings", jwt, Rc(FakeRingCentral::kAdminToken));
  INFO(admin.body);
  CHECK(admin.status == 200);
  CHECK(admin.Json().at("userMappings") ==
        json::parse(R"([{"crmUserId":"u42","rcExtensionId":"102"}])"));
  CHECK(admin.Json().at("userSettings").at("autoLog").at("customizable") == false);
  for (const std::string& secret : {access, refresh, std::string(FakeTestCrm::kApiKey)})
    CHECK_FALSE(AnyFileContains(h.dir / "data", secret));
}

}  // namespace crmhost::testing
