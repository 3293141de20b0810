// One function per reference table, each mapping a row to what crmhost's routes read (the keys
// and shapes the contract/ files write: messagelog.cpp, admin.cpp, managed_auth.cpp,
// calldown.cpp, crm_oauth.cpp).
#include "importer/import.h"

#include <set>

#include "crmhost/sdk/time.hpp"
#include "importer/reference_crypto.h"

namespace crmhost::importer {
namespace json = boost::json;

namespace {

constexpr size_t kExamples = 5;

// A JSON column's value; null for SQL NULL or text that is not JSON.
json::value JsonColumn(const std::optional<std::string>& text) {
  if (!text || text->empty()) return nullptr;
  boost::system::error_code ec;
  json::value v = json::parse(*text, ec);
  return ec ? json::value(nullptr) : v;
}

std::string Text(const std::optional<std::string>& v) {
  return v ? *v : std::string();
}

json::value TextOrNull(const std::optional<std::string>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

json::value IsoOrNull(const std::optional<std::string>& v) {
  auto ms = ReferenceTime(v);
  return ms ? json::value(sdk::time::format_iso8601(*ms)) : json::value(nullptr);
}

// The importer's view of one table: counts, and what happens to one row.
class TableRun {
 public:
  TableRun(TableReport& report, const ImportOptions& options, uint64_t& total)
      : r_(report), o_(options), total_(total) {}
  void Read() {
    ++r_.read;
    if (++total_ % 10000 == 0 && o_.progress)
      o_.progress(std::to_string(total_) + " rows read (" + r_.table + ")");
  }
  void Skip(const std::string& id, const std::string& why) {
    ++r_.skipped;
    ++r_.reasons[why];
    if (r_.examples.size() < kExamples) r_.examples.push_back(id + ": " + why);
  }
  void Unchanged() { ++r_.unchanged; }
  // Counts a write, doing it unless this is a dry run.
  Status Write(const std::function<Status()>& write) {
    if (!o_.dry_run) {
      if (Status s = write(); !s.ok()) return s;
    }
    ++r_.written;
    return Status::OK();
  }
  // A row crmhost may hold already: the same content is unchanged; other content (crmhost has
  // served since) is kept and reported, never overwritten; an absent row is written.
  Status Settle(const std::string& id, bool exists, bool same,
                const std::function<Status()>& write) {
    if (!exists) return Write(write);
    if (same) {
      Unchanged();
    } else {
      Skip(id, "crmhost holds other content for it (kept, not overwritten)");
    }
    return Status::OK();
  }

 private:
  TableReport& r_;
  const ImportOptions& o_;
  uint64_t& total_;
};

// Reads `table` if the database has it, handing each row to `each`; a store failure stops the
// import (the rows written so far stay: the next run completes it).
Status EachRow(ReferenceSource& src, TableReport& report, const std::string& table,
               const std::vector<std::string>& columns, const std::string& order_by,
               const std::function<Status(const Row&)>& each) {
  report.table = table;
  auto has = src.HasTable(table);
  if (!has.ok()) return has.status();
  if (!has.value()) return Status::OK();
  Status failed;
  Status read = src.ForEach(table, columns, order_by, [&](const Row& row) {
    failed = each(row);
    return failed.ok();
  });
  return read.ok() ? failed : read;
}

// users -> UserRecord (tokens sealed by the store).
Status Users(ReferenceSource& src, store::Store& store, TableRun& run, TableReport& report) {
  return EachRow(src, report, "users",
                 {"id", "rcAccountId", "hostname", "timezoneName", "timezoneOffset", "platform",
                  "accessToken", "refreshToken", "tokenExpiry", "platformAdditionalInfo",
                  "hashedRcExtensionId", "userSettings", "createdAt", "updatedAt"},
                 "\"id\"", [&](const Row& row) -> Status {
                   run.Read();
                   store::UserRecord u;
                   u.id = Text(row[0]);
                   if (u.id.empty()) {
                     run.Skip("(no id)", "no user id");
                     return Status::OK();
                   }
                   u.rc_account_id = Text(row[1]);
                   u.hostname = Text(row[2]);
                   u.timezone_name = Text(row[3]);
                   // The reference stores the connector's number as text: give plugins the number
                   // back.
                   if (row[4]) {
                     json::value tz = JsonColumn(row[4]);
                     u.timezone_offset = tz.is_number() ? tz : json::value(*row[4]);
                   }
                   u.platform = Text(row[5]);
                   u.access_token = Text(row[6]);
                   u.refresh_token = Text(row[7]);
                   if (auto expiry = ReferenceTime(row[8])) u.token_expiry_ms = *expiry;
                   if (json::value extra = JsonColumn(row[9]); extra.is_object()) {
                     u.platform_additional_info = std::move(extra.get_object());
                     // Bullhorn's server-side logging API user, encrypted with the reference's
                     // secret: no crmhost plugin reads these; the admin enters them again in
                     // crmhost's settings.
                     u.platform_additional_info.erase("encodedApiUsername");
                     u.platform_additional_info.erase("encodedApiPassword");
                   }
                   u.hashed_rc_extension_id = Text(row[10]);
                   if (json::value settings = JsonColumn(row[11]); settings.is_object())
                     u.user_settings = std::move(settings.get_object());
                   u.created_at_ms = ReferenceTime(row[12]).value_or(0);
                   u.updated_at_ms = ReferenceTime(row[13]).value_or(u.created_at_ms);
                   auto existing = store.GetUser(u.id);
                   if (!existing.ok()) return existing.status();
                   const auto& held = existing.value();
                   return run.Settle(u.id, held.has_value(),
                                     held && store::EncodeUser(*held) == store::EncodeUser(u),
                                     [&] { return store.PutUser(u); });
                 });
}

// callLogs -> completed call-log links, one per (session, extension identity): the reference's
// key also holds its own row id, so two of its rows can share an identity; the earliest is kept.
Status CallLogs(ReferenceSource& src, store::Store& store, TableRun& run, TableReport& report) {
  std::set<std::string> seen;  // identities imported by this run (a dry run writes none)
  return EachRow(
      src, report, "callLogs",
      {"id", "sessionId", "extensionNumber", "hashedExtensionId", "platform", "thirdPartyLogId",
       "userId", "contactId", "createdAt", "updatedAt"},
      "\"createdAt\", \"id\"", [&](const Row& row) -> Status {
        run.Read();
        store::CallLogRow link;
        link.identity = {Text(row[1]), Text(row[2]), Text(row[3])};
        link.id = Text(row[0]);
        link.platform = Text(row[4]);
        link.third_party_log_id = Text(row[5]);
        link.user_id = Text(row[6]);
        link.contact_id = Text(row[7]);
        link.state = store::CallLogRow::State::kDone;
        link.created_at_ms = ReferenceTime(row[8]).value_or(0);
        link.updated_at_ms = ReferenceTime(row[9]).value_or(link.created_at_ms);
        if (link.identity.session_id.empty() || link.third_party_log_id.empty()) {
          run.Skip(link.id, "no sessionId or no CRM activity id");
          return Status::OK();
        }
        if (!seen.insert(store::KeyOf({link.identity.session_id, link.identity.extension_number,
                                       link.identity.hashed_extension_id}))
                 .second) {
          run.Skip(link.id + " (session " + link.identity.session_id + ")",
                   "an earlier row links the same call and extension (crmhost keeps one)");
          return Status::OK();
        }
        auto found = store.FindCallLog(link.identity);
        if (!found.ok()) return found.status();
        const store::CallLogRow* same =
            found.value() && found.value()->identity.session_id == link.identity.session_id &&
                    found.value()->identity.extension_number == link.identity.extension_number &&
                    found.value()->identity.hashed_extension_id == link.identity.hashed_extension_id
                ? &*found.value()
                : nullptr;
        return run.Settle(link.id + " (session " + link.identity.session_id + ")", same != nullptr,
                          same && store::EncodeCallLog(*same) == store::EncodeCallLog(link),
                          [&] { return store.CompleteCallLog(link, link.updated_at_ms); });
      });
}

// messageLogs -> a link per message, and one per conversation log (its earliest message's):
// later messages of the conversation are appended to that CRM log.
Status MessageLogs(ReferenceSource& src, store::Store& store, TableRun& run, TableReport& report) {
  return EachRow(
      src, report, "messageLogs",
      {"id", "platform", "conversationId", "conversationLogId", "thirdPartyLogId", "userId"},
      "\"createdAt\", \"id\"", [&](const Row& row) -> Status {
        run.Read();
        const std::string id = Text(row[0]);
        json::object link{{"id", id},
                          {"platform", Text(row[1])},
                          {"conversationId", Text(row[2])},
                          {"conversationLogId", Text(row[3])},
                          {"thirdPartyLogId", Text(row[4])},
                          {"userId", Text(row[5])}};
        if (id.empty() || Text(row[4]).empty()) {
          run.Skip(id.empty() ? "(no id)" : id, "no message id or no CRM log id");
          return Status::OK();
        }
        const std::string key = store::KeyOf({"m", id});
        auto existing = store.Get(store::Table::kMessageLogs, key);
        if (!existing.ok()) return existing.status();
        return run.Settle(
            id, existing.value().has_value(),
            existing.value() && *existing.value() == json::value(link), [&]() -> Status {
              if (!Text(row[3]).empty()) {
                const std::string conversation = store::KeyOf({"c", Text(row[3])});
                auto first = store.Get(store::Table::kMessageLogs, conversation);
                if (!first.ok()) return first.status();
                if (!first.value()) {
                  if (Status s = store.Put(store::Table::kMessageLogs, conversation, link); !s.ok())
                    return s;
                }
              }
              return store.Put(store::Table::kMessageLogs, key, link);
            });
      });
}

// adminConfigs -> the account's admin row (its id is already the hashed account id).
Status AdminConfigs(ReferenceSource& src, store::Store& store, TableRun& run, TableReport& report) {
  return EachRow(src, report, "adminConfigs",
                 {"id", "userSettings", "customAdapter", "userMappings", "createdAt", "updatedAt"},
                 "\"id\"", [&](const Row& row) -> Status {
                   run.Read();
                   const std::string id = Text(row[0]);
                   if (id.empty()) {
                     run.Skip("(no id)", "no id");
                     return Status::OK();
                   }
                   json::object admin{{"id", id},
                                      {"userSettings", JsonColumn(row[1])},
                                      {"userMappings", JsonColumn(row[3])},
                                      {"createdAt", ReferenceTime(row[4]).value_or(0)},
                                      {"updatedAt", ReferenceTime(row[5]).value_or(0)}};
                   if (json::value custom = JsonColumn(row[2]); !custom.is_null())
                     admin["customAdapter"] = std::move(custom);
                   auto existing = store.Get(store::Table::kAdmin, id);
                   if (!existing.ok()) return existing.status();
                   return run.Settle(id, existing.value().has_value(),
                                     existing.value() && *existing.value() == json::value(admin),
                                     [&] { return store.Put(store::Table::kAdmin, id, admin); });
                 });
}

// Decrypts every field of a managed record's `fields`; false if one does not decrypt.
bool OpenFields(const std::string& secret, json::value& data) {
  auto* o = data.if_object();
  json::value* fields = o ? o->if_contains("fields") : nullptr;
  if (!fields || !fields->is_object()) return true;
  for (auto& [name, stored] : fields->get_object()) {
    auto plain = OpenStoredValue(secret, stored);
    if (!plain) return false;
    stored = std::move(*plain);
  }
  return true;
}

// accountData -> account data: managed credentials decrypted (sealed again by the store),
// plugin registrations and connector data as they are; contact lookups are a cache and are
// left behind (the first lookup fills them again).
Status AccountData(ReferenceSource& src, store::Store& store, TableRun& run, TableReport& report,
                   const ImportOptions& o) {
  return EachRow(
      src, report, "accountData", {"rcAccountId", "platformName", "dataKey", "data", "updatedAt"},
      "\"rcAccountId\", \"platformName\", \"dataKey\"", [&](const Row& row) -> Status {
        run.Read();
        const std::string rc = Text(row[0]), platform = Text(row[1]), key = Text(row[2]);
        const std::string id = rc + "/" + platform + "/" + key;
        if (key.starts_with("contact-")) {
          run.Skip(id, "a contact lookup cache (filled again on the next lookup)");
          return Status::OK();
        }
        json::value data = JsonColumn(row[3]);
        if (key.starts_with("managed-") && !OpenFields(o.reference_secret, data)) {
          run.Skip(id, o.reference_secret.empty()
                           ? "managed credentials need --reference-secret-file"
                           : "managed credentials do not decrypt with this secret");
          return Status::OK();
        }
        const int64_t updated = ReferenceTime(row[4]).value_or(0);
        auto existing = store.GetAccountData(rc, platform, key);
        if (!existing.ok()) return existing.status();
        return run.Settle(id, existing.value().has_value(),
                          existing.value() && *existing.value() == data,
                          [&] { return store.PutAccountData(rc, platform, key, data, updated); });
      });
}

// callDownLists -> the user's call-down rows (dates as ISO 8601, as crmhost writes them).
Status CallDown(ReferenceSource& src, store::Store& store, TableRun& run, TableReport& report) {
  return EachRow(src, report, "callDownLists",
                 {"id", "userId", "contactId", "contactType", "status", "scheduledAt", "lastCallAt",
                  "createdAt", "updatedAt"},
                 "\"userId\", \"id\"", [&](const Row& row) -> Status {
                   run.Read();
                   const std::string id = Text(row[0]), user = Text(row[1]);
                   if (id.empty() || user.empty()) {
                     run.Skip(id.empty() ? "(no id)" : id, "no id or no user");
                     return Status::OK();
                   }
                   json::object item{{"id", id},
                                     {"userId", user},
                                     {"contactId", TextOrNull(row[2])},
                                     {"contactType", row[3] ? *row[3] : std::string("contact")},
                                     {"status", TextOrNull(row[4])},
                                     {"scheduledAt", IsoOrNull(row[5])},
                                     {"lastCallAt", IsoOrNull(row[6])},
                                     {"createdAt", IsoOrNull(row[7])},
                                     {"updatedAt", IsoOrNull(row[8])}};
                   const std::string key = store::KeyOf({user, id});
                   auto existing = store.Get(store::Table::kCallDown, key);
                   if (!existing.ok()) return existing.status();
                   return run.Settle(id, existing.value().has_value(),
                                     existing.value() && *existing.value() == json::value(item),
                                     [&] { return store.Put(store::Table::kCallDown, key, item); });
                 });
}

// caches -> only pending managed-OAuth apps not yet expired: the rest is short-lived state of
// features crmhost keeps elsewhere or not at all.
Status Caches(ReferenceSource& src, store::Store& store, TableRun& run, TableReport& report,
              const ImportOptions& o) {
  return EachRow(src, report, "caches", {"id", "status", "userId", "cacheKey", "data", "expiry"},
                 "\"id\"", [&](const Row& row) -> Status {
                   run.Read();
                   const std::string id = Text(row[0]);
                   if (Text(row[3]) != "managed-oauth-account" || Text(row[1]) != "pending") {
                     run.Skip(id, "short-lived state crmhost does not need");
                     return Status::OK();
                   }
                   const int64_t expiry = ReferenceTime(row[5]).value_or(0);
                   if (expiry <= o.now_ms) {
                     run.Skip(id, "expired");
                     return Status::OK();
                   }
                   json::value data = JsonColumn(row[4]);
                   if (!OpenFields(o.reference_secret, data)) {
                     run.Skip(id, o.reference_secret.empty()
                                      ? "managed credentials need --reference-secret-file"
                                      : "managed credentials do not decrypt with this secret");
                     return Status::OK();
                   }
                   json::object pending{
                       {"fields", data.is_object() && data.as_object().contains("fields")
                                      ? data.as_object().at("fields")
                                      : json::value(json::object())},
                       {"expiry", expiry}};
                   const std::string key = store::KeyOf({"managed-oauth-account", Text(row[2])});
                   auto existing = store.Get(store::Table::kCache, key);
                   if (!existing.ok()) return existing.status();
                   return run.Settle(id, existing.value().has_value(),
                                     existing.value() && *existing.value() == json::value(pending),
                                     [&] { return store.Put(store::Table::kCache, key, pending); });
                 });
}

// Tables crmhost has no use for: counted, so the report accounts for every row.
Status NotCarried(ReferenceSource& src, TableRun& run, TableReport& report,
                  const std::string& table, const std::string& why) {
  return EachRow(src, report, table, {"id"}, "", [&](const Row& row) -> Status {
    run.Read();
    run.Skip(Text(row[0]), why);
    return Status::OK();
  });
}

}  // namespace

std::optional<int64_t> ReferenceTime(const std::optional<std::string>& text) {
  if (!text || text->empty()) return std::nullopt;
  std::string s = *text;
  if (s.find_first_not_of("0123456789") == std::string::npos && s.size() > 8)
    return std::stoll(s);  // epoch milliseconds
  // "2026-01-02 03:04:05.678 +00:00": the ORM puts a space before the offset.
  if (auto sp = s.rfind(' ');
      sp != std::string::npos && sp > 10 && (s[sp + 1] == '+' || s[sp + 1] == '-'))
    s.erase(sp, 1);
  return sdk::time::parse_iso8601(s);
}

uint64_t ImportReport::rows_read() const {
  uint64_t n = 0;
  for (auto& t : tables)
    n += t.read;
  return n;
}

uint64_t ImportReport::rows_written() const {
  uint64_t n = 0;
  for (auto& t : tables)
    n += t.written;
  return n;
}

Result<ImportReport> ImportReference(ReferenceSource& source, store::Store& store,
                                     const ImportOptions& options) {
  ImportReport report;
  report.tables.resize(9);
  uint64_t total = 0;
  std::vector<TableRun> runs;
  for (auto& t : report.tables)
    runs.emplace_back(t, options, total);
  // Users first: the links name them. A failure stops the import; what was written stays, and
  // the next run completes it.
  const std::function<Status()> steps[] = {
      [&] { return Users(source, store, runs[0], report.tables[0]); },
      [&] { return CallLogs(source, store, runs[1], report.tables[1]); },
      [&] { return MessageLogs(source, store, runs[2], report.tables[2]); },
      [&] { return AdminConfigs(source, store, runs[3], report.tables[3]); },
      [&] { return AccountData(source, store, runs[4], report.tables[4], options); },
      [&] { return CallDown(source, store, runs[5], report.tables[5]); },
      [&] { return Caches(source, store, runs[6], report.tables[6], options); },
      [&] {
        return NotCarried(source, runs[7], report.tables[7], "llmSessions",
                          "MCP sessions: rebuilt from the user's hashed extension id");
      },
      [&] {
        return NotCarried(source, runs[8], report.tables[8], "plugin_users",
                          "the hosted Google Drive plugin's users: not a crmhost plugin");
      },
  };
  for (const auto& step : steps)
    if (Status s = step(); !s.ok()) return s;
  return report;
}

}  // namespace crmhost::importer
