// What the call-log routes (calllog.cpp, calllog_create.cpp) share: which call and extension a
// request is about, where its link is, and the agent-note cache key.
#ifndef CRMHOST_CONTRACT_CALL_IDENTITY_H
#define CRMHOST_CONTRACT_CALL_IDENTITY_H

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "contract/app.h"
#include "contract/session.h"
#include "crmhost/store/records.h"
#include "http/message.h"

namespace crmhost::contract {

// POST /callLog/cacheNote keeps a note this long.
inline constexpr int64_t kNoteCacheMs = 3600 * 1000;
std::string NoteCacheKey(std::string_view session_id);

// Extension identity of a request (docs/API.md, "Exactly once"): body first, then logInfo; a
// raw rcExtensionId is hashed with the hash key.
store::CallLogIdentity IdentityOf(const App& app, const boost::json::object& body,
                                  const boost::json::value& session_id);

// The rc-account-id header, else the hashed logInfo.accountId ("undefined" when absent, as the
// reference hashes it).
std::string HashedAccountId(const App& app, const http::HttpRequest& req,
                            const boost::json::value* account_id);

// The link of a call: the store's, else one held while the store could not take it.
Result<std::optional<store::CallLogRow>> FindLink(App& app, const store::CallLogIdentity& who);

// POST /callLog (calllog_create.cpp).
http::HttpResponse CreateCallLog(App& app, http::HttpRequest& req, const JwtState& jwt);

}  // namespace crmhost::contract

#endif  // CRMHOST_CONTRACT_CALL_IDENTITY_H
