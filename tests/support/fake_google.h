// FakeGoogle: the Google services the Google Sheets plugin talks to, on 127.0.0.1, answering as
// Google's public APIs do (their paths, bodies and error documents):
//  * accounts.google.com   GET /o/oauth2/auth: the consent step, a 302 to the redirect URI with
//                          a one-time code (see NewCode);
//  * oauth2.googleapis.com POST /token (authorization_code and refresh_token grants, client by
//                          HTTP Basic or form fields), POST /revoke (a refresh token or an
//                          access token ends the whole grant);
//  * www.googleapis.com    GET /oauth2/v3/userinfo, GET /drive/v3/files (q and fields);
//  * openidconnect.googleapis.com GET /v1/userinfo;
//  * sheets.googleapis.com Sheets v4: spreadsheets create and get, :batchUpdate (addSheet),
//                          values get (a whole tab or an A1 range such as 'Call Logs'!1:1),
//                          update (PUT), :append, values:batchUpdate and values:batchGet.
// Every host maps to the one fake (--outbound-override <origin>=base_url() for each of
// Origins()). Spreadsheets are real state (tabs of rows of cells as written, RAW or
// USER_ENTERED), so tests inspect the cells; API requests need an access token the fake issued
// and did not revoke or let expire. FailureRules (by path prefix: "/v4/spreadsheets",
// "/drive/v3/files", "/token", ...) make it fail like the real service.
#ifndef CRMHOST_TESTS_FAKE_GOOGLE_H
#define CRMHOST_TESTS_FAKE_GOOGLE_H

#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "support/fake_failures.h"
#include "support/fake_http_server.h"

namespace crmhost::testing {

class FakeGoogle {
 public:
  // The OAuth app the fake knows, and the redirect URI codes may be sent to.
  static constexpr const char* kClientId = "gs-test-client-7710.apps.googleusercontent.com";
  static constexpr const char* kClientSecret = "gs-test-secret-3f91c2d8";
  static constexpr const char* kRedirectUri =
      "https://ringcentral.github.io/ringcentral-embeddable/redirect.html";
  // The signed-in Google account.
  static constexpr const char* kSub = "104512345678901234567";
  static constexpr const char* kName = "Jane Doe";
  static constexpr const char* kEmail = "jane.doe@example.test";

  FakeGoogle();

  // The public origins the plugin calls; each must be overridden to base_url().
  static std::vector<std::string> Origins();
  // A document's address as Google gives it (spreadsheetUrl).
  static std::string UrlOf(const std::string& spreadsheet_id);

  std::string base_url() const { return server_->base_url(); }
  FakeHttpServer& server() { return *server_; }
  FailureRules& failures() { return failures_; }

  // ---- OAuth ----
  // A fresh one-time authorization code (what the consent page would redirect with).
  std::string NewCode();
  // How long new access tokens live (default 3599 s, as Google says); under the host's 2-minute
  // refresh window every operation refreshes first.
  void set_expires_in(int seconds);
  std::string access_token() const;                    // the last one issued
  std::string refresh_token() const;                   // the last one issued
  size_t grants(const std::string& grant_type) const;  // token requests that succeeded
  size_t revocations() const;                          // successful revoke requests
  bool IsValidAccessToken(const std::string& token) const;

  // ---- spreadsheets ----
  // Seeds a spreadsheet (as if the user made it in Google Sheets); returns its id. `tabs`: tab
  // title -> rows of cells (strings, numbers, ...), in the order given by `order`.
  std::string AddSpreadsheet(const std::string& title,
                             const std::vector<std::pair<std::string, boost::json::array>>& tabs);
  std::optional<std::string> SpreadsheetNamed(const std::string& title) const;  // the last one
  size_t spreadsheet_count() const;
  std::vector<std::string> tabs(const std::string& id) const;
  // A tab's cells as Google shows them (formatted text; trailing empty cells and rows dropped).
  std::vector<std::vector<std::string>> cells(const std::string& id, const std::string& tab) const;
  // A tab's cells as they were written (numbers stay numbers).
  boost::json::array raw_rows(const std::string& id, const std::string& tab) const;
  // Replaces one row (0-based; the header is row 0), growing the tab as needed.
  void SetRow(const std::string& id, const std::string& tab, size_t row, boost::json::array cells);

 private:
  struct Tab {
    int64_t sheet_id = 0;
    std::string title;
    std::vector<std::vector<boost::json::value>> rows;
  };
  struct Spreadsheet {
    std::string id, title;
    std::vector<Tab> tabs;
  };
  struct Grant {
    std::string refresh_token;
    bool revoked = false;
  };

  FakeResponse Handle(const RecordedRequest& req);
  FakeResponse Consent(const RecordedRequest& req);
  FakeResponse Token(const RecordedRequest& req);
  FakeResponse Revoke(const RecordedRequest& req);
  FakeResponse Drive(const RecordedRequest& req);
  FakeResponse Sheets(const RecordedRequest& req, const std::vector<std::string>& segments);
  // mu_ held for all below.
  std::string IssueAccessToken(const std::string& refresh_token);
  bool Authorized(const RecordedRequest& req) const;
  Spreadsheet* Find(const std::string& id);
  const Spreadsheet* Find(const std::string& id) const;
  std::string Create(const std::string& title, const std::vector<std::string>& tabs);
  boost::json::object Resource(const Spreadsheet& s) const;

  mutable std::mutex mu_;
  std::map<std::string, Spreadsheet> spreadsheets_;  // guarded by mu_
  std::vector<std::string> order_;                   // guarded by mu_: creation order
  std::set<std::string> codes_;                      // guarded by mu_: unused codes
  std::map<std::string, Grant> grants_by_refresh_;   // guarded by mu_
  // access token -> {refresh token of its grant, expiry (epoch ms)}; guarded by mu_
  std::map<std::string, std::pair<std::string, int64_t>> access_;
  std::map<std::string, size_t> grant_counts_;  // guarded by mu_
  std::string last_access_, last_refresh_;      // guarded by mu_
  size_t revocations_ = 0;                      // guarded by mu_
  int expires_in_ = 3599;                       // guarded by mu_
  int serial_ = 0;                              // guarded by mu_
  int64_t next_sheet_id_ = 1000;                // guarded by mu_
  FailureRules failures_;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_FAKE_GOOGLE_H
