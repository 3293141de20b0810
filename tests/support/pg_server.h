// The test PostgreSQL that tests/postgres/pg_server.sh starts (the ctest fixture "postgres: a
// test server") in the build tree's pg-test (or CRMHOST_TEST_PG_DIR): databases made per test, SQL
// to look at what the store wrote, and stopping and starting the server for the outage tests.
#ifndef CRMHOST_TESTS_SUPPORT_PG_SERVER_H
#define CRMHOST_TESTS_SUPPORT_PG_SERVER_H

#include <optional>
#include <string>
#include <vector>

namespace crmhost::testing {

class PgTestServer {
 public:
  // The server the fixture started; nullopt when there is none (not installed: SKIPPED).
  static std::optional<PgTestServer> Find();
  // A server of its own in `dir`, for a test that stops and restarts it (the shared one serves
  // other tests meanwhile); Remove() when done.
  static PgTestServer StartOwn(const std::string& dir);
  void Remove() const;

  // A new, empty database; returns its URL (no password in it).
  std::string NewDatabase() const;
  // The database `name`, created if it does not exist yet; returns its URL.
  std::string Database(const std::string& name) const;
  const std::string& password_file() const { return password_file_; }
  std::string ca_file() const { return dir_ + "/ca.crt"; }  // the server certificate's CA
  std::string password() const;

  // Runs `sql` in the database at `url`; the first column of every row, as text. Throws on error.
  std::vector<std::string> Query(const std::string& url, const std::string& sql) const;

  // Stops the server (immediate: as if it crashed) or starts it again on the same port.
  void Stop() const;
  void Start() const;

 private:
  std::string dir_, url_, password_file_;
};

// The arguments that put a daemon's store in the test PostgreSQL when the whole integration
// suite runs against it (CRMHOST_TEST_STORE=postgres): one database per data dir, so a
// restarted daemon finds its data again. Empty otherwise. Exits 77 (SKIPPED) when the suite is
// asked to run on PostgreSQL and no server is running.
std::vector<std::string> PgStoreArgsFor(const std::string& data_dir);

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_SUPPORT_PG_SERVER_H
