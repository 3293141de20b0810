// The Google Sheets plugin's own HTTP routes (ABI 1.3, served through the host's plugin routes):
//   GET    /googleSheets/filePicker        the picker page (jwt; the client opens it with
//                                          ?token=<jwt>, the route's jwtQuery)
//   POST   /googleSheets/sheet             a spreadsheet of that name, reused or created with
//                                          the three tabs, becomes the user's sheet (jwt)
//   DELETE /googleSheets/sheet             the user's sheet is forgotten (jwt)
//   POST   /googleSheets/selectedSheet     the picker's choice becomes the user's sheet (jwt)
//   GET    /admin/googleSheets/filePicker  the organization's picker page (rcAdmin + the
//                                          admin's own Google Sheets JWT)
//   POST   /admin/googleSheets/sheet       a sheet for the organization (rcAdmin + JWT)
//   POST   /admin/googleSheets/selectedSheet  the admin picker's choice (rcAdmin + JWT)
//   GET    /admin/googleSheets/config      the organization's sheet (rcAdmin)
// The organization's sheet lives in the account's admin settings (input adminSettings, output
// adminSettingsUpdate) as googleSheetsUrl / googleSheetsName {value, customizable}; a user's in
// their userSettings as {value} (output userUpdate).
#ifndef CRMHOST_PLUGINS_GOOGLESHEETS_ROUTES_H
#define CRMHOST_PLUGINS_GOOGLESHEETS_ROUTES_H

#include <crmhost/plugin.hpp>

#include <boost/json.hpp>

namespace googlesheets {

inline constexpr const char* kRoutes =
    R"([{"method":"GET","path":"/googleSheets/filePicker","auth":"jwt","jwtQuery":"token"},)"
    R"({"method":"POST","path":"/googleSheets/sheet","auth":"jwt"},)"
    R"({"method":"DELETE","path":"/googleSheets/sheet","auth":"jwt"},)"
    R"({"method":"POST","path":"/googleSheets/selectedSheet","auth":"jwt"},)"
    R"({"method":"GET","path":"/admin/googleSheets/filePicker","auth":"rcAdmin","jwtQuery":"token"},)"
    R"({"method":"POST","path":"/admin/googleSheets/sheet","auth":"rcAdmin"},)"
    R"({"method":"POST","path":"/admin/googleSheets/selectedSheet","auth":"rcAdmin"},)"
    R"({"method":"GET","path":"/admin/googleSheets/config","auth":"rcAdmin"}])";

// The Picker's app id when the setting picker_app_id is not set (the reference's project).
inline constexpr const char* kDefaultPickerAppId = "367818015386";

// serveRoute: the answer to a request on one of kRoutes
// ({status, headers?, body? | json?, userUpdate?, adminSettingsUpdate?}).
boost::json::value ServeRoute(crmhost::sdk::Call& call, const boost::json::object& in);

}  // namespace googlesheets

#endif  // CRMHOST_PLUGINS_GOOGLESHEETS_ROUTES_H
