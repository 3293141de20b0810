// Records the store keeps, as plain structs. The on-disk encoding of each (JSON, sealed or
// not) is described in docs/store-format.md and implemented in records.cpp.
#ifndef CRMHOST_STORE_RECORDS_H
#define CRMHOST_STORE_RECORDS_H

#include <boost/json.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "crmhost/status.h"

namespace crmhost::store {

// One CRM-connected identity (the reference's `users` row). The whole record is sealed on disk
// because it carries the CRM credentials.
struct UserRecord {
  std::string id;  // connector-chosen, e.g. "jdoe-redtail"; goes into the JWT
  std::string platform;
  std::string hostname;
  std::string timezone_name;
  boost::json::value timezone_offset;  // as getUserInfo gave it: null, string or number
  std::string access_token;            // secret: OAuth access token or the API key
  std::string refresh_token;           // secret
  std::optional<int64_t> token_expiry_ms;
  std::string rc_account_id;  // raw RingCentral account id; empty = unknown
  std::string hashed_rc_extension_id;
  boost::json::object platform_additional_info;
  boost::json::object user_settings;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

std::string EncodeUser(const UserRecord& u);
Result<UserRecord> DecodeUser(std::string_view json_text);

// Who logged a call: the RingCentral session plus the extension identity (docs/API.md).
struct CallLogIdentity {
  std::string session_id;
  std::string extension_number;     // legacy identity, may be empty
  std::string hashed_extension_id;  // current identity, may be empty
};

// The link from a RingCentral call to the CRM activity logged for it.
struct CallLogRow {
  enum class State { kPending, kDone };

  CallLogIdentity identity;
  std::string id;  // RC telephonySessionId, else the call-log id
  std::string platform;
  std::string third_party_log_id;  // the CRM activity id (empty while pending)
  std::string user_id;
  std::string contact_id;
  State state = State::kPending;
  std::string owner;  // daemon instance that holds a pending reservation
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
};

std::string EncodeCallLog(const CallLogRow& row);
Result<CallLogRow> DecodeCallLog(std::string_view json_text);

// Picks the row that belongs to `who` among rows of one session, in the reference's order:
// exact hashed-extension match, then a legacy row with the same extension number and no hash,
// then a legacy row with neither. Without a hash: the first row with the same extension number
// (any row when that is empty too). Returns nullptr when none qualifies.
const CallLogRow* MatchCallLog(const std::vector<CallLogRow>& rows, const CallLogIdentity& who);

}  // namespace crmhost::store

#endif  // CRMHOST_STORE_RECORDS_H
