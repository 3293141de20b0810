// Pipedrive's own HTTP routes (ABI 1.3, served through the host's plugin routes):
//   GET    /pipedrive-redirect  the page Pipedrive's marketplace sends a user to after
//                               "Install now" (with ?code=...), or a how-to without a code;
//   DELETE /pipedrive-redirect  Pipedrive's uninstall webhook, signed with HTTP Basic of the
//                               OAuth app (the host checks that, auth "oauthClient"); the user
//                               named in the body is logged out and deleted by the host.
#ifndef CRMHOST_PLUGINS_PIPEDRIVE_ROUTES_H
#define CRMHOST_PLUGINS_PIPEDRIVE_ROUTES_H

#include <boost/json.hpp>

namespace pipedrive {

inline constexpr const char* kRoutes =
    R"([{"method":"GET","path":"/pipedrive-redirect","auth":"none"},)"
    R"({"method":"DELETE","path":"/pipedrive-redirect","auth":"oauthClient"}])";

// serveRoute: the answer to a request on one of kRoutes ({status, headers?, body?, logoutUser?}).
boost::json::value ServeRoute(const boost::json::object& in);

}  // namespace pipedrive

#endif  // CRMHOST_PLUGINS_PIPEDRIVE_ROUTES_H
