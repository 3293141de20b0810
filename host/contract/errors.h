// The messages App Connect clients show, built exactly as the reference builds them
// (docs/API.md): connector failures become HTTP 200 with successful:false and a
// returnMessage; revoked CRM sessions become 401 CRM_SESSION_REVOKED.
#ifndef CRMHOST_CONTRACT_ERRORS_H
#define CRMHOST_CONTRACT_ERRORS_H

#include <boost/json.hpp>
#include <string>
#include <string_view>

#include "http/message.h"
#include "plugins/plugin_version.h"

namespace crmhost::contract {

inline constexpr std::string_view kAuthorizeMessage =
    "Please go to Settings and authorize CRM platform";

boost::json::object ReturnMessage(std::string_view message, std::string_view type, int ttl);

// handleApiError: 429 -> "Rate limit exceeded", 400-409 -> "Authorization error", anything else
// (including no HTTP answer) -> the operation's own message ("Error creating call log", ...).
boost::json::object ApiErrorMessage(std::string_view op, std::string_view platform,
                                    const plugins::OpOutcome& outcome);
boost::json::object DatabaseErrorMessage();

// 200 {successful:false, returnMessage}
http::HttpResponse Failure(boost::json::object return_message);
// 401 {successful:false, returnMessage, errorCode:"CRM_SESSION_REVOKED"}
// `flagged`: the body also says isRevokeUserSession:true (admin user mapping, whose handler
// result the reference sends whole).
http::HttpResponse SessionRevoked(bool flagged = false);
// 400 {error:"Connector not found for platform: X"}
http::HttpResponse UnknownPlatform(std::string_view platform);

}  // namespace crmhost::contract

#endif  // CRMHOST_CONTRACT_ERRORS_H
