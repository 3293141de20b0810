// FakeNetSuite: Oracle NetSuite as the NetSuite plugin uses it, on 127.0.0.1, one server for an
// account's two API hosts (--outbound-override sends kRestOrigin and kRestletOrigin here):
//  * OAuth 2 (SuiteTalk host): POST /services/rest/auth/oauth2/v1/token (authorization_code or
//    refresh_token) and .../revoke, both with HTTP Basic client authentication and a form body.
//    Refresh tokens stay good until revoked, as NetSuite's do; revoking one also ends the access
//    tokens issued with it.
//  * SuiteQL: POST /services/rest/query/v1/suiteql {"q": ...} with "Prefer: transient". The
//    queries of the plugin (phone lookups with their recency clause, name searches, related
//    transactions, employees, customer statuses, the placeholder company) are parsed and run
//    against the records below by support/fake_suiteql.h; items come back with lower-case column
//    names and without NULL columns. Any other query answers 400 naming it, so a plugin bug fails
//    its test.
//  * Records: /services/rest/record/v1/<type>[/<id>] for phonecall, contact, customer, vendor and
//    calendarEvent (type case-insensitive). POST answers 204 with Location; GET answers the record
//    with "id" as a string and references as {"id", "refName"}; PATCH merges (?replace=<sublist>
//    replaces that sublist's lines) and answers 204. References to absent records answer 400.
//  * RESTlets: /app/site/hosting/restlet.nl?script=<s>&deploy=<d>, the RingCentral SuiteApp's
//    scripts: current user, OneWorld, permissions, timezone, user notes, folder by name, create
//    folder, create file, attach file, calendar events (list style: "7/20/2026", "3:00 pm").
// Everything but OAuth needs "Bearer <a live access token>", else 401 "Invalid login attempt...".
// Errors carry NetSuite's body {type, title, status, o:errorDetails:[{detail, o:errorCode}]}.
// failures() and FailWithDetail match the request's path and query by prefix, so
// "/app/site/hosting/restlet.nl?script=customscript_gettimezone" fails one RESTlet only.
//
// The records (SuiteQL sees the same ones):
//  contacts 7011 Ada M Lovelace (phone +14155557002, mobile (415) 555-7003, company 201),
//  7012 Grace Hopper (phone 415-555-7004, no company) and 7013 Old Lovelace (+14155557002, last
//  modified 5 years ago: the phone lookup's recency clause hides it); customers 201 Analytical
//  Engines (a company, +14155557100) and 202 Alan Turing (a person, 4155557200); vendor 301
//  Babbage Parts (+14155557300); transactions of customer 201: sales order 9001 "Sales Order
//  #SO1001" and opportunity 9101 "Opportunity #OP1" (title "Engine upgrade"); employees 7041
//  Ada M Mapping and 7042 No Email (no email); customer statuses 6 Lead-Qualified (LEAD),
//  8 Prospect-In Discussion (PROSPECT), plus inactive LEAD 5 and CUSTOMER 13.
// New ids: phonecall 5001, contact 7101, customer 8001, vendor 3101, calendarEvent 1001, user
// notes 801, folders and files 3001 (one sequence).
#ifndef CRMHOST_TESTS_FAKE_NETSUITE_H
#define CRMHOST_TESTS_FAKE_NETSUITE_H

#include <atomic>
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

class FakeNetSuite {
 public:
  static constexpr const char* kClientId = "ns-client-6b2d";
  static constexpr const char* kClientSecret = "ns-secret-90ce41aa";
  static constexpr const char* kCode = "ns-auth-code-1618";
  // A second OAuth client, the one an account's admin manages (admin-managed OAuth).
  static constexpr const char* kManagedClientId = "ns-managed-client-51";
  static constexpr const char* kManagedClientSecret = "ns-managed-secret-0d77e4";
  static constexpr const char* kRedirectUri =
      "https://ringcentral.github.io/ringcentral-embeddable/redirect.html";
  static constexpr const char* kAccount = "1234567";
  static constexpr const char* kHostname = "1234567.app.netsuite.com";
  // The origins --outbound-override sends to the fake.
  static constexpr const char* kRestOrigin = "https://1234567.suitetalk.api.netsuite.com";
  static constexpr const char* kRestletOrigin = "https://1234567.restlets.api.netsuite.com";
  // NetSuite's redirect adds entity, company and role to the callback's query.
  static constexpr const char* kEntity = "99011";
  static constexpr const char* kCompany = "TSTDRV1234567";

  FakeNetSuite();

  FakeHttpServer& server() { return *server_; }
  std::string base_url() const { return server_->base_url(); }
  FailureRules& failures() { return failures_; }  // prefixes of path?query

  // Makes requests whose path (and query) starts with `path_prefix` answer `status` with
  // NetSuite's error body carrying `detail` (until ClearErrors; failures() has its own Clear).
  void FailWithDetail(const std::string& path_prefix, int status, const std::string& detail);
  void ClearErrors();

  std::atomic<int> expires_in{3600};  // seconds, in every token answer

  std::string access_token() const;   // the last issued
  std::string refresh_token() const;  // the current one ("" once revoked)
  // Requests to the token and revoke endpoints with the managed client's (true) or the
  // plugin's (false) credentials.
  size_t grants(bool managed_client) const;
  size_t refresh_calls() const;              // refresh_token grants asked for, answered 200 or not
  std::vector<std::string> revoked() const;  // tokens posted to /revoke, in order

  void SetPermission(const std::string& code, bool granted);  // all granted by default
  void SetOneWorld(bool enabled);                             // default false
  void SetTimezone(const std::string& iana);                  // default "America/New_York"
  // An undeployed script answers 400 "Script <script> is not deployed.".
  void SetRestletDeployed(const std::string& script, bool deployed);

  // The stored record ({} if absent), as posted and patched (record-API names, "id" a string).
  // Types are lower-case: phonecall, contact, customer, vendor, calendarevent.
  boost::json::object record(const std::string& type, int64_t id) const;
  size_t count(const std::string& type) const;
  boost::json::array posted(const std::string& type) const;  // POST bodies, in order
  // PATCH bodies for one record, in order; "_replace" holds a ?replace= query.
  boost::json::array patches(const std::string& type, int64_t id) const;
  // Calls a RESTlet script answered (after the deployment check): the JSON body of a POST or
  // PUT, {} for a GET, each with "_method" and, when the URL had more parameters than script and
  // deploy, "_query" (name -> value).
  boost::json::array restlet_calls(const std::string& script) const;
  std::vector<std::string> suiteql() const;  // every SuiteQL text received, in order
  void SetPhoneCallMessage(int64_t id, const std::string& message);  // an edit made in NetSuite
  // The next record POST creates its record and then answers `status` (NetSuite failing after the
  // write, as it does under load).
  void FailNextCreateAfterWriting(int status);

 private:
  struct DetailRule {
    int status;
    std::string detail;
  };

  FakeResponse Handle(const RecordedRequest& req);
  // The rest: mu_ held.
  FakeResponse OAuth(const RecordedRequest& req);
  bool Authorized(const RecordedRequest& req) const;
  FakeResponse SuiteQl(const RecordedRequest& req);
  std::vector<boost::json::object> Table(const std::string& table) const;
  FakeResponse Records(const RecordedRequest& req);
  std::optional<FakeResponse> CheckRecord(const std::string& type, const boost::json::object& body,
                                          bool creating) const;
  const boost::json::object* Find(const std::string& type, int64_t id) const;
  std::optional<std::string> RefName(const std::string& field, int64_t id) const;
  boost::json::object View(const std::string& type, int64_t id,
                           const boost::json::object& rec) const;
  FakeResponse Restlet(const RecordedRequest& req);
  FakeResponse RunScript(const std::string& script, const RecordedRequest& req,
                         const boost::json::object& body);
  FakeResponse CalendarEvents(const RecordedRequest& req) const;
  boost::json::object ListRow(const boost::json::object& event) const;

  mutable std::mutex mu_;
  int fail_next_create_ = 0;                        // guarded by mu_
  size_t own_grants_ = 0, managed_grants_ = 0;      // guarded by mu_
  std::map<std::string, std::string> live_access_;  // access token -> its refresh token; mu_
  std::string access_, refresh_;                    // guarded by mu_
  int serial_ = 0;                                  // guarded by mu_
  size_t refresh_calls_ = 0;                        // guarded by mu_
  std::vector<std::string> revoked_;                // guarded by mu_
  std::map<std::string, DetailRule> detail_rules_;  // guarded by mu_
  std::map<std::string, bool> permissions_;         // guarded by mu_
  bool one_world_ = false;                          // guarded by mu_
  std::string timezone_ = "America/New_York";       // guarded by mu_
  std::set<std::string> undeployed_;                // guarded by mu_
  // type (lower-case) -> id -> record; transaction, employee and customerstatus only for SuiteQL.
  std::map<std::string, std::map<int64_t, boost::json::object>> records_;  // guarded by mu_
  std::map<std::string, int64_t> next_id_;                                 // guarded by mu_
  std::map<std::string, boost::json::array> posted_;                       // guarded by mu_
  std::map<std::string, std::map<int64_t, boost::json::array>> patches_;   // guarded by mu_
  std::map<std::string, boost::json::array> restlet_calls_;                // guarded by mu_
  std::vector<std::string> suiteql_;                                       // guarded by mu_
  std::map<int64_t, boost::json::object> notes_;                           // guarded by mu_
  int64_t next_note_ = 801;                                                // guarded by mu_
  std::map<std::string, int64_t> folders_;                                 // name -> id; mu_
  std::map<int64_t, boost::json::object> files_;                           // guarded by mu_
  int64_t next_file_ = 3001;                                               // guarded by mu_
  FailureRules failures_;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_FAKE_NETSUITE_H
