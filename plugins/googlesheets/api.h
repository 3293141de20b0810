// Google's HTTP APIs as the Google Sheets plugin uses them: Sheets v4 (the spreadsheet is the
// user's CRM), Drive v3 (finding a spreadsheet by name), the OAuth 2.0 userinfo and revocation
// endpoints. Every request carries the user's "Bearer <access token>" (the host refreshed it);
// a non-2xx answer is an sdk::UpstreamError with Google's status (docs/CRM_PLUGINS.md).
#ifndef CRMHOST_PLUGINS_GOOGLESHEETS_API_H
#define CRMHOST_PLUGINS_GOOGLESHEETS_API_H

#include <crmhost/plugin.hpp>
#include <crmhost/sdk/rest.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace googlesheets {

namespace json = boost::json;

inline constexpr const char* kSheetsBase = "https://sheets.googleapis.com/v4/spreadsheets";
inline constexpr const char* kDriveFiles = "https://www.googleapis.com/drive/v3/files";
inline constexpr const char* kUserInfo = "https://www.googleapis.com/oauth2/v3/userinfo";
inline constexpr const char* kTokenUrl = "https://oauth2.googleapis.com/token";
inline constexpr const char* kRevokeUrl = "https://oauth2.googleapis.com/revoke";
inline constexpr const char* kAuthUrl = "https://accounts.google.com/o/oauth2/auth";
inline constexpr const char* kSpreadsheetMime = "application/vnd.google-apps.spreadsheet";

class Api {
 public:
  // `auth`: the whole Authorization value, "Bearer <token>".
  Api(crmhost::sdk::Call& call, std::string auth);
  // The user's header from an operation's or route's input (authHeader).
  Api(crmhost::sdk::Call& call, const json::object& in);

  crmhost::sdk::Call& call() const { return session_.call(); }

  // GET spreadsheets/{id} (sheet titles only): the tabs' titles, in order.
  std::vector<std::string> TabTitles(const std::string& id);
  // GET spreadsheets/{id}/values/{range}: the rows (trailing empty cells and rows left out, as
  // Google answers; formatted values, so numbers come back as text).
  json::array Values(const std::string& id, const std::string& range);
  // GET .../values:batchGet?ranges=...: the rows of each range, in the order asked.
  std::vector<json::array> BatchValues(const std::string& id,
                                       const std::vector<std::string>& ranges);
  // POST .../values/{'tab'!A1}:append?valueInputOption=RAW: `rows` after the tab's last row.
  void Append(const std::string& id, std::string_view tab, json::array rows);
  // PUT .../values/{range}?valueInputOption=RAW.
  void Update(const std::string& id, const std::string& range, json::array rows);
  // POST .../values:batchUpdate (RAW) with [{range, values}].
  void BatchUpdate(const std::string& id, json::array data);
  // POST spreadsheets/{id}:batchUpdate with one addSheet request.
  void AddTab(const std::string& id, std::string_view tab);
  // POST spreadsheets: a new spreadsheet named `title` with `tabs`; Google's answer.
  json::value Create(std::string_view title, const std::vector<std::string_view>& tabs);

  // GET drive/v3/files: the user's spreadsheets (not trashed) named exactly `name`, as
  // [{id, name, webViewLink}].
  json::array SpreadsheetsNamed(std::string_view name);

  // GET oauth2/v3/userinfo: {sub, name, email, ...}.
  json::value UserInfo();

 private:
  json::value Request(std::string_view method, const std::string& url,
                      const json::value* body = nullptr);
  crmhost::sdk::rest::Session session_;
};

// POST oauth2.googleapis.com/revoke with `token`: true when Google confirmed (200).
bool Revoke(crmhost::sdk::Call& call, const std::string& token);

}  // namespace googlesheets

#endif  // CRMHOST_PLUGINS_GOOGLESHEETS_API_H
