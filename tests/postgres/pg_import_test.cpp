// crmhostctl import-reference from a reference deployment that kept its data in PostgreSQL: the
// reference's tables made in the test server (timestamptz and json columns, as its ORM makes
// them there), imported into a new data dir, served.
#include <catch2/catch.hpp>

#include <sys/wait.h>

#include <fstream>
#include <sstream>

#include "integration/redtail_harness.h"
#include "support/pg_server.h"

namespace crmhost::testing {
namespace json = boost::json;

TEST_CASE("import-reference from PostgreSQL: users and call links, then served", "[pg-import]") {
  auto pg = PgTestServer::Find().value();
  const std::string url = pg.NewDatabase();
  pg.Query(url, R"sql(
CREATE TABLE "users" ("id" VARCHAR(255) PRIMARY KEY, "rcAccountId" VARCHAR(255), "hostname" VARCHAR(255), "timezoneName" VARCHAR(255), "timezoneOffset" VARCHAR(255), "platform" VARCHAR(255), "accessToken" VARCHAR(2000), "refreshToken" VARCHAR(2000), "tokenExpiry" TIMESTAMP WITH TIME ZONE, "platformAdditionalInfo" JSON, "hashedRcExtensionId" VARCHAR(255), "userSettings" JSON, "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL, "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL);
CREATE TABLE "callLogs" ("id" VARCHAR(255) NOT NULL, "sessionId" VARCHAR(255) NOT NULL, "extensionNumber" VARCHAR(255) NOT NULL DEFAULT '', "hashedExtensionId" VARCHAR(255) NOT NULL DEFAULT '', "platform" VARCHAR(255), "thirdPartyLogId" VARCHAR(255), "userId" VARCHAR(255), "contactId" VARCHAR(255), "createdAt" TIMESTAMP WITH TIME ZONE NOT NULL, "updatedAt" TIMESTAMP WITH TIME ZONE NOT NULL, PRIMARY KEY ("id", "sessionId", "extensionNumber", "hashedExtensionId"));
INSERT INTO "users" VALUES ('jdoe-redtail', '3001', 'smf.crm3.redtailtechnology.com', 'UTC', '0', 'redtail', 'UK-7c9a41d2-user-key-b88e', NULL, NULL, '{"username":"jdoe"}', 'hashed-ext-105', '{}', '2026-01-02 03:04:05.678 +00:00', '2026-01-02 04:04:05.678 +01:00');
INSERT INTO "callLogs" VALUES ('tel-p', 'sess-p', '105', 'hashed-ext-105', 'redtail', '7101', 'jdoe-redtail', '201', '2026-01-02 03:04:05.678 +00:00', '2026-01-02 03:04:05.678 +00:00');
)sql");
  RedtailHarness h;
  std::ostringstream cmd;
  cmd << CRMHOSTCTL_PATH << " import-reference --from " << url << " --from-password-file "
      << pg.password_file() << " --data-dir " << (h.dir / "data") << " --secret-key-file "
      << (h.dir / "master.key") << " > " << (h.dir / "out") << " 2>&1";
  const int rc = std::system(cmd.str().c_str());
  const std::string out = ReadFile(h.dir / "out");
  INFO(out);
  REQUIRE(WEXITSTATUS(rc) == 0);
  CHECK(out.find("wrote 2 of 2 rows") != std::string::npos);
  CHECK(out.find(pg.password()) == std::string::npos);

  h.fake.SetActivityDescription(7101, "logged by the reference server");
  h.Start();
  const std::string jwt = h.Jwt("jdoe-redtail", "redtail");
  auto found = Request(h.port(), "GET", "/callLog?sessionIds=sess-p", {},
                       {{"Authorization", "Bearer " + jwt}});
  INFO(found.body);
  CHECK(found.body.find(R"("logId":"7101")") != std::string::npos);
  // The imported Redtail key works: a lookup reaches Redtail with it.
  auto lookup = Request(h.port(), "GET", "/contact?phoneNumber=%2B14155555678", {},
                        {{"Authorization", "Bearer " + jwt}});
  CHECK(lookup.body.find("\"successful\":true") != std::string::npos);
  // A password in the URL is refused before anything is read.
  const std::string with_password =
      "postgres://crmhost:" + pg.password() + "@" + url.substr(url.find('@') + 1);
  const int refused =
      std::system((std::string(CRMHOSTCTL_PATH) + " import-reference --from " + with_password +
                   " --data-dir " + (h.dir / "d2") + " > " + (h.dir / "out2") + " 2>&1")
                      .c_str());
  CHECK(WEXITSTATUS(refused) == 1);
  CHECK(ReadFile(h.dir / "out2").find("carries a password") != std::string::npos);
  CHECK(ReadFile(h.dir / "out2").find(pg.password()) == std::string::npos);
}

}  // namespace crmhost::testing
