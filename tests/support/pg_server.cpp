#include "support/pg_server.h"

#include <libpq-fe.h>

#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <random>
#include <stdexcept>

#include "support/files.h"

namespace crmhost::testing {

namespace {

std::string FirstLine(const std::string& path) {
  std::string s = ReadFile(path);
  if (auto nl = s.find('\n'); nl != std::string::npos) s.resize(nl);
  return s;
}

// "postgres://crmhost@127.0.0.1:PORT/postgres" -> the same with another database.
std::string WithDatabase(const std::string& url, const std::string& db) {
  return url.substr(0, url.rfind('/') + 1) + db;
}

std::string Run(const std::string& command) {
  const bool root = geteuid() == 0;
  const std::string full = (root ? "runuser -u postgres -- " : "") + command + " >/dev/null 2>&1";
  if (std::system(full.c_str()) != 0) throw std::runtime_error("failed: " + command);
  return {};
}

}  // namespace

std::optional<PgTestServer> PgTestServer::Find() {
  const char* env = std::getenv("CRMHOST_TEST_PG_DIR");
  const std::string dir = env ? env : CRMHOST_TEST_PG_DIR;
  if (!std::filesystem::exists(dir + "/url")) return std::nullopt;
  PgTestServer s;
  s.dir_ = dir;
  s.url_ = FirstLine(s.dir_ + "/url");
  s.password_file_ = s.dir_ + "/password";
  return s;
}

PgTestServer PgTestServer::StartOwn(const std::string& dir) {
  const std::string cmd = std::string(CRMHOST_PG_SERVER_SCRIPT) + " start " + dir + " >/dev/null";
  if (std::system(cmd.c_str()) != 0) throw std::runtime_error("cannot start " + cmd);
  PgTestServer s;
  s.dir_ = dir;
  s.url_ = FirstLine(s.dir_ + "/url");
  s.password_file_ = s.dir_ + "/password";
  return s;
}

void PgTestServer::Remove() const {
  const std::string cmd = std::string(CRMHOST_PG_SERVER_SCRIPT) + " stop " + dir_;
  (void)std::system(cmd.c_str());
}

std::string PgTestServer::password() const {
  return FirstLine(password_file_);
}

std::vector<std::string> PgTestServer::Query(const std::string& url, const std::string& sql) const {
  const std::string pw = password();
  const char* keys[] = {"dbname", "password", nullptr};
  const char* values[] = {url.c_str(), pw.c_str(), nullptr};
  PGconn* c = PQconnectdbParams(keys, values, 1);
  if (PQstatus(c) != CONNECTION_OK) {
    std::string why = PQerrorMessage(c);
    PQfinish(c);
    throw std::runtime_error("cannot connect to the test PostgreSQL: " + why);
  }
  PGresult* r = PQexec(c, sql.c_str());
  const auto st = PQresultStatus(r);
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    std::string why = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(c);
    throw std::runtime_error(sql + ": " + why);
  }
  std::vector<std::string> rows;
  for (int i = 0; i < PQntuples(r); ++i)
    rows.emplace_back(PQgetvalue(r, i, 0));
  PQclear(r);
  PQfinish(c);
  return rows;
}

std::string PgTestServer::NewDatabase() const {
  static std::mt19937_64 rng{std::random_device{}()};
  return Database("t" + std::to_string(rng() % 1000000000000ull));
}

std::string PgTestServer::Database(const std::string& name) const {
  if (Query(url_, "SELECT 1 FROM pg_database WHERE datname = '" + name + "'").empty()) {
    try {
      Query(url_, "CREATE DATABASE \"" + name + "\"");
    } catch (const std::exception&) {
      // Made meanwhile by another test process: fine if it exists now.
      if (Query(url_, "SELECT 1 FROM pg_database WHERE datname = '" + name + "'").empty()) throw;
    }
  }
  return WithDatabase(url_, name);
}

void PgTestServer::Stop() const {
  Run(FirstLine(dir_ + "/bin") + "/pg_ctl -D " + FirstLine(dir_ + "/pgdata") +
      " -m immediate -w stop");
}

void PgTestServer::Start() const {
  const std::string pgdata = FirstLine(dir_ + "/pgdata");
  Run(FirstLine(dir_ + "/bin") + "/pg_ctl -D " + pgdata + " -l " + pgdata +
      "/../server.log -w -t 30 start");
}

std::vector<std::string> PgStoreArgsFor(const std::string& data_dir) {
  const char* store = std::getenv("CRMHOST_TEST_STORE");
  if (!store || std::string_view(store) != "postgres") return {};
  auto server = PgTestServer::Find();
  if (!server) {
    // The suite's PostgreSQL run on a machine without PostgreSQL: SKIPPED, never passed.
    std::printf("SKIPPED: CRMHOST_TEST_STORE=postgres but no test PostgreSQL is running\n");
    std::exit(77);
  }
  const size_t h = std::hash<std::string>{}(std::filesystem::absolute(data_dir).string());
  return {"--store-url", server->Database("d" + std::to_string(h % 1000000000000ull)),
          "--store-password-file", server->password_file()};
}

}  // namespace crmhost::testing
