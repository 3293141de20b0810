#include "crmhost/store/records.h"

#include "crmhost/json_safety.h"

namespace crmhost::store {
namespace json = boost::json;
namespace {

std::string Str(const json::object& o, std::string_view k) {
  auto* v = o.if_contains(k);
  if (v && v->is_string()) return std::string(v->get_string());
  return {};
}

int64_t Int(const json::object& o, std::string_view k) {
  auto* v = o.if_contains(k);
  if (v && v->is_int64()) return v->get_int64();
  if (v && v->is_uint64()) return int64_t(v->get_uint64());
  return 0;
}

json::object Obj(const json::object& o, std::string_view k) {
  auto* v = o.if_contains(k);
  if (v && v->is_object()) return v->get_object();
  return {};
}

}  // namespace

// The record's JSON on disk (docs/store-format.md). Its field names happen to be App Connect's,
// which the contract layer's connector documents also use; the two are kept apart on purpose:
// this one changes only with the schema version.
std::string EncodeUser(const UserRecord& u) {
  json::object o;
  o["id"] = u.id;
  o["platform"] = u.platform;
  o["hostname"] = u.hostname;
  o["timezoneName"] = u.timezone_name;
  o["timezoneOffset"] = u.timezone_offset;
  o["accessToken"] = u.access_token;
  o["refreshToken"] = u.refresh_token;
  o["tokenExpiry"] = u.token_expiry_ms ? json::value(*u.token_expiry_ms) : json::value();
  o["rcAccountId"] = u.rc_account_id.empty() ? json::value() : json::value(u.rc_account_id);
  o["hashedRcExtensionId"] = u.hashed_rc_extension_id;
  o["platformAdditionalInfo"] = u.platform_additional_info;
  o["userSettings"] = u.user_settings;
  o["createdAt"] = u.created_at_ms;
  o["updatedAt"] = u.updated_at_ms;
  json::value v = std::move(o);
  ReplaceNonFinite(v);  // an `Infinity` token would make the record unreadable
  return json::serialize(v);
}

Result<UserRecord> DecodeUser(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Status::Corruption("user record is not a JSON object");
  const auto& o = v.get_object();
  UserRecord u;
  u.id = Str(o, "id");
  u.platform = Str(o, "platform");
  u.hostname = Str(o, "hostname");
  u.timezone_name = Str(o, "timezoneName");
  if (auto* tz = o.if_contains("timezoneOffset")) u.timezone_offset = *tz;
  u.access_token = Str(o, "accessToken");
  u.refresh_token = Str(o, "refreshToken");
  if (auto* te = o.if_contains("tokenExpiry"); te && te->is_int64())
    u.token_expiry_ms = te->get_int64();
  u.rc_account_id = Str(o, "rcAccountId");
  u.hashed_rc_extension_id = Str(o, "hashedRcExtensionId");
  u.platform_additional_info = Obj(o, "platformAdditionalInfo");
  u.user_settings = Obj(o, "userSettings");
  u.created_at_ms = Int(o, "createdAt");
  u.updated_at_ms = Int(o, "updatedAt");
  if (u.id.empty()) return Status::Corruption("user record has no id");
  return u;
}

std::string EncodeCallLog(const CallLogRow& r) {
  json::object o;
  o["id"] = r.id;
  o["sessionId"] = r.identity.session_id;
  o["extensionNumber"] = r.identity.extension_number;
  o["hashedExtensionId"] = r.identity.hashed_extension_id;
  o["platform"] = r.platform;
  o["thirdPartyLogId"] = r.third_party_log_id;
  o["userId"] = r.user_id;
  o["contactId"] = r.contact_id;
  o["state"] = r.state == CallLogRow::State::kDone ? "done" : "pending";
  if (!r.owner.empty()) o["owner"] = r.owner;
  o["createdAt"] = r.created_at_ms;
  o["updatedAt"] = r.updated_at_ms;
  return json::serialize(o);
}

Result<CallLogRow> DecodeCallLog(std::string_view text) {
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return Status::Corruption("call log record is not a JSON object");
  const auto& o = v.get_object();
  CallLogRow r;
  r.id = Str(o, "id");
  r.identity.session_id = Str(o, "sessionId");
  r.identity.extension_number = Str(o, "extensionNumber");
  r.identity.hashed_extension_id = Str(o, "hashedExtensionId");
  r.platform = Str(o, "platform");
  r.third_party_log_id = Str(o, "thirdPartyLogId");
  r.user_id = Str(o, "userId");
  r.contact_id = Str(o, "contactId");
  r.state = Str(o, "state") == "done" ? CallLogRow::State::kDone : CallLogRow::State::kPending;
  r.owner = Str(o, "owner");
  r.created_at_ms = Int(o, "createdAt");
  r.updated_at_ms = Int(o, "updatedAt");
  return r;
}

const CallLogRow* MatchCallLog(const std::vector<CallLogRow>& rows, const CallLogIdentity& who) {
  auto legacy = [](const CallLogRow& r) { return r.identity.hashed_extension_id.empty(); };
  const auto& hash = who.hashed_extension_id;
  const auto& ext = who.extension_number;
  if (!hash.empty()) {
    for (auto& r : rows)
      if (r.identity.hashed_extension_id == hash) return &r;
    if (!ext.empty())
      for (auto& r : rows)
        if (legacy(r) && r.identity.extension_number == ext) return &r;
    for (auto& r : rows)
      if (legacy(r) && r.identity.extension_number.empty()) return &r;
    return nullptr;
  }
  for (auto& r : rows)
    if (ext.empty() || r.identity.extension_number == ext) return &r;
  return nullptr;
}

}  // namespace crmhost::store
