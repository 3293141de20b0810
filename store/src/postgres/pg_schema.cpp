// PgStore::Open: connection settings, the versioned schema migrations (applied at start under a
// lock, so instances starting together migrate once), and the key check.
#include <openssl/crypto.h>

#include "crmhost/encoding.h"
#include "pg_locks.h"
#include "pg_store.h"

namespace crmhost::store {

namespace {

// Migration N brings the schema from version N-1 to N. Append only: a released migration never
// changes, since databases out there have run it.
constexpr const char* kMigrations[] = {
    // 1: the records of every family, the instances' heartbeats, the periodic tasks.
    R"sql(
CREATE TABLE crmhost_records (
  family text NOT NULL,
  key bytea NOT NULL,
  value bytea NOT NULL,
  PRIMARY KEY (family, key)
);
CREATE TABLE crmhost_instances (
  id text PRIMARY KEY,
  heartbeat_at timestamptz NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE crmhost_tasks (
  name text PRIMARY KEY,
  last_run_ms bigint NOT NULL
);
)sql",
};

Status Migrate(PgConn& c, const std::string& where) {
  auto locked =
      c.Exec("locking the schema", "SELECT pg_advisory_lock($1, 0)", {Int4(kMigrationLock)});
  if (!locked.ok()) return locked.status();
  auto unlock = [&] {
    (void)c.Exec("unlocking the schema", "SELECT pg_advisory_unlock($1, 0)",
                 {Int4(kMigrationLock)});
  };
  Status s = c.ExecScript("creating the schema table",
                          "CREATE TABLE IF NOT EXISTS crmhost_schema (version integer NOT NULL)");
  auto current = s.ok() ? c.Exec("reading the schema version", "SELECT version FROM crmhost_schema")
                        : Result<PgResult>(s);
  if (!current.ok()) {
    unlock();
    return current.status();
  }
  const int known = PgStore::SchemaVersion();
  int version = current->rows() ? current->int4(0, 0) : 0;
  if (version > known) {
    unlock();
    return Status::InvalidArgument("the PostgreSQL store at " + where + " has schema version " +
                                   std::to_string(version) + "; this build understands up to " +
                                   std::to_string(known) +
                                   " (upgrade crmhostd, or point it at another database)");
  }
  for (; version < known; ++version) {
    std::string script =
        "BEGIN;\n" + std::string(kMigrations[version]) +
        (version == 0
             ? "INSERT INTO crmhost_schema VALUES (1);\n"
             : "UPDATE crmhost_schema SET version = " + std::to_string(version + 1) + ";\n") +
        "COMMIT;";
    s = c.ExecScript("migrating the schema to version " + std::to_string(version + 1),
                     script.c_str());
    if (!s.ok()) {
      (void)c.ExecScript("rolling back", "ROLLBACK");
      unlock();
      return s;
    }
  }
  unlock();
  return Status::OK();
}

// A wrong key file must stop the daemon at start, not fail every request later. The first
// instance writes the check; the others read it.
Status CheckKey(PgConn& c, const Cipher& cipher, const std::string& where) {
  auto sealed = SealKeyCheck(cipher);
  if (!sealed.ok()) return sealed.status();
  auto wrote = c.Exec("writing the key check",
                      "INSERT INTO crmhost_records (family, key, value) VALUES ($1, $2, $3) "
                      "ON CONFLICT DO NOTHING",
                      {Text(kMeta), Bytea("key_check"), Bytea(sealed.value())});
  if (!wrote.ok()) return wrote.status();
  auto check = c.Exec("reading the key check",
                      "SELECT value FROM crmhost_records WHERE family = $1 AND key = $2",
                      {Text(kMeta), Bytea("key_check")});
  if (!check.ok()) return check.status();
  if (check->rows() != 1 || !KeyCheckMatches(cipher, check->bytes(0, 0))) {
    return Status::PermissionDenied(
        "the secret key does not match the key the PostgreSQL store at " + where +
        " was created with (every instance must share one "
        "--secret-key-file)");
  }
  return Status::OK();
}

// host:port/database, for messages: never the password, never the whole URL.
std::string Where(const std::string& url) {
  PQconninfoOption* opts = PQconninfoParse(url.c_str(), nullptr);
  if (!opts) return "(an unparsable URL)";
  std::string host, port, db;
  for (PQconninfoOption* o = opts; o->keyword; ++o) {
    if (!o->val) continue;
    const std::string_view k = o->keyword;
    if (k == "host" || k == "hostaddr") host = o->val;
    if (k == "port") port = o->val;
    if (k == "dbname") db = o->val;
  }
  PQconninfoFree(opts);
  return (host.empty() ? "localhost" : host) + (port.empty() ? "" : ":" + port) + "/" + db;
}

}  // namespace

int PgStore::SchemaVersion() {
  return int(std::size(kMigrations));
}

Result<PgConnectInfo> PgStore::ConnectInfo(const Options& o) {
  char* err = nullptr;
  PQconninfoOption* opts = PQconninfoParse(o.url.c_str(), &err);
  if (!opts) {
    // libpq's reason quotes the piece it could not read, which may be a password.
    PQfreemem(err);
    return Status::InvalidArgument(
        "the store URL is not a valid postgres://user@host:port/database URL");
  }
  bool has_password = false;
  for (PQconninfoOption* p = opts; p->keyword; ++p)
    if (std::string_view(p->keyword) == "password" && p->val && *p->val) has_password = true;
  PQconninfoFree(opts);
  if (has_password) {
    return Status::InvalidArgument(
        "the store URL carries a password, which would show in process lists and logs: put it "
        "in a file named by [store] password_file or --store-password-file instead");
  }
  PgConnectInfo info;
  auto add = [&](const char* k, std::string v) {
    info.keys.emplace_back(k);
    info.values.push_back(std::move(v));
  };
  add("dbname", o.url);  // expanded: the URL's own settings
  if (!o.password.empty()) add("password", o.password);
  if (!o.sslmode.empty()) add("sslmode", o.sslmode);
  if (!o.sslrootcert.empty()) add("sslrootcert", o.sslrootcert);
  add("connect_timeout", std::to_string(std::max(1, o.connect_timeout_s)));
  add("application_name", "crmhostd");
  // An instance that vanished without closing its connections (a cut network) has its locks
  // freed within about a minute rather than the kernel's two hours.
  add("keepalives_idle", "20");
  add("keepalives_interval", "5");
  add("keepalives_count", "4");
  return info;
}

namespace {
// The server notices a client that vanished (a host powered off, a cut network) only through its
// own keepalives: the operating system's default waits two hours, during which that client's
// locks stay held. Any user may set these for its session.
constexpr const char* kServerKeepalives =
    "SET tcp_keepalives_idle = 20; SET tcp_keepalives_interval = 5; "
    "SET tcp_keepalives_count = 4; ";
}  // namespace

PgStore::PgStore(const Options& options, PgConnectInfo info)
    : Store(options.instance_id),
      options_(options),
      cipher_(options.key),
      pool_({info, options.pool_size,
             kServerKeepalives + std::string("SET statement_timeout = ") +
                 std::to_string(options.statement_timeout_ms) +
                 "; SET idle_in_transaction_session_timeout = " +
                 std::to_string(std::max(options.statement_timeout_ms, 1000) * 2)}),
      // Its own connection: a heartbeat queued behind a backlog of slow statements would let
      // this live instance's lease lapse.
      heartbeat_pool_({info, 1,
                       kServerKeepalives + std::string("SET statement_timeout = ") +
                           std::to_string(std::max(1000, options.instance_lease_ms / 3))}) {
  // A lock waits up to lock_timeout, then is held as long as its holder's CRM call runs: no
  // statement or idle timeout on these connections. A failed unlock drops the connection, which
  // frees whatever it held.
  const std::string lock_setup = kServerKeepalives +
                                 std::string(
                                     "SET statement_timeout = 0; SET idle_session_timeout = 0; "
                                     "SET lock_timeout = ") +
                                 std::to_string(options.lock_timeout_ms);
  for (LockScope scope :
       {LockScope::kTokenRefresh, LockScope::kConversation, LockScope::kAdminConfig})
    lock_pools_[scope] = std::make_unique<PgPool>(
        PgPool::Options{info, options.lock_pool_size, lock_setup, /*drop_after_failure=*/true});
}

Result<std::unique_ptr<Store>> PgStore::Open(const Options& options) {
  auto info = ConnectInfo(options);
  if (!info.ok()) return info.status();
  const std::string where = Where(options.url);
  auto conn = PgConn::Connect(info.value());
  if (!conn.ok())
    return Status::Unavailable("opening the PostgreSQL store at " + where + ": " +
                               conn.status().message());
  if (Status s = Migrate(*conn.value(), where); !s.ok()) return s;
  Cipher cipher(options.key);
  if (Status s = CheckKey(*conn.value(), cipher, where); !s.ok()) return s;
  auto registered =
      conn.value()->Exec("registering this instance",
                         "INSERT INTO crmhost_instances (id, heartbeat_at) VALUES ($1, now()) "
                         "ON CONFLICT (id) DO UPDATE SET heartbeat_at = now()",
                         {Text(options.instance_id)});
  if (!registered.ok()) return registered.status();
  if (!options.instance_name.empty()) {
    // The same installation started again: whatever ran under its name before is dead.
    auto buried = conn.value()->Exec(
        "retiring this installation's earlier processes",
        "DELETE FROM crmhost_instances WHERE left(id, length($1) + 1) = $1 || '/' AND id <> $2",
        {Text(options.instance_name), Text(options.instance_id)});
    if (!buried.ok()) return buried.status();
  }
  conn.value().reset();
  std::unique_ptr<PgStore> store(new PgStore(options, std::move(info).value()));
  store->heartbeat_ = std::jthread([s = store.get()](std::stop_token stop) { s->Heartbeat(stop); });
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace crmhost::store
