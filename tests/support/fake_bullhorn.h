// FakeBullhorn: Bullhorn as the Bullhorn plugin uses it, on 127.0.0.1, one server for a data
// center's three hosts (--outbound-override sends each origin here):
//  * OAuth (auth-east): POST /oauth/token reads grant_type, code or refresh_token, client_id and
//    client_secret from the query; GET /oauth/authorize with action=Login and the API user's
//    username and password answers 302 to the redirect URI with a code. Refresh tokens are good
//    once, as Bullhorn's are.
//  * REST login (rest-east): POST /rest-services/login?version=2.0&access_token= opens a REST
//    session: {BhRestToken, restUrl} (restUrl on rest91).
//  * REST (rest91, /rest-services/corp7/): every call needs a live BhRestToken header, else 401
//    "Bad 'BhRestToken' or timed-out."; ping, settings/commentActionList, meta/<Entity>, search/
//    <Entity> (the Lucene queries the plugin sends, read for phone fields, names, externalID and
//    company name), query/<Entity> (CorporateUser, Appointment, AppointmentAttendee by their
//    where clauses), entity/<Entity> PUT (create) / POST (update) / GET / DELETE. Answers carry
//    ratelimit-* headers.
//
// The people: 4155550100 is Ada Lovelace (ClientContact 5001; an archived contact and a converted
// lead with the same number stay hidden); 4155550200 is Alan Turing (Candidate 6001, mobile);
// 4155550300 is Grace Hopper twice (Candidate 6002 by workPhone, Lead 7001). CorporateUsers:
// 42 Jane Recruiter (username jane.doe, masterUserID 9042) and 43 Sam Sourcer.
#ifndef CRMHOST_TESTS_FAKE_BULLHORN_H
#define CRMHOST_TESTS_FAKE_BULLHORN_H

#include <atomic>
#include <boost/json.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "support/fake_failures.h"
#include "support/fake_http_server.h"

namespace crmhost::testing {

class FakeBullhorn {
 public:
  static constexpr const char* kClientId = "bh-client-2c7e";
  static constexpr const char* kClientSecret = "bh-secret-71a9f3d0";
  static constexpr const char* kCode = "bh-auth-code-2718";
  // A second OAuth client, the one an account's admin manages (admin-managed OAuth).
  static constexpr const char* kManagedClientId = "bh-managed-client-93";
  static constexpr const char* kManagedClientSecret = "bh-managed-secret-4f61c2";
  static constexpr const char* kApiUser = "ringcentral.api";
  static constexpr const char* kApiPassword = "bh-api-pass-Zq81!";
  static constexpr const char* kUsername = "jane.doe";
  // The origins --outbound-override sends to the fake.
  static constexpr const char* kAuthOrigin = "https://auth-east.bullhornstaffing.com";
  static constexpr const char* kLoginOrigin = "https://rest-east.bullhornstaffing.com";
  static constexpr const char* kRestOrigin = "https://rest91.bullhornstaffing.com";
  static constexpr const char* kTokenUrl = "https://auth-east.bullhornstaffing.com/oauth/token";
  static constexpr const char* kApiUrl = "https://rest-east.bullhornstaffing.com/rest-services";
  static constexpr const char* kRestUrl =
      "https://rest91.bullhornstaffing.com/rest-services/corp7/";

  FakeBullhorn();

  FakeHttpServer& server() { return *server_; }
  std::string base_url() const { return server_->base_url(); }
  FailureRules& failures() { return failures_; }  // paths: /oauth/..., /rest-services/...

  // Ends every REST session (their tokens answer 401 from now on), as Bullhorn does after a
  // while; `and_tokens` also ends the OAuth access tokens (a login needs a refresh first).
  void ExpireSessions(bool and_tokens = false);
  // Forgets the refresh token (a refresh grant answers invalid_grant), as after a revocation.
  void RevokeRefreshToken();
  // How long a new REST session lives (ms; ping's sessionExpires), from the wall clock the
  // daemon also reads. Default 10 minutes; under 2 minutes the plugin renews at once.
  std::atomic<int64_t> session_ttl_ms{600000};
  // expires_in of the access tokens issued (s); Bullhorn's are 600.
  std::atomic<int> token_expires_in_s{600};

  size_t logins() const;  // POST /rest-services/login answered 200
  // Token grants answered 200 to the client `client_id`.
  size_t grants_to(const std::string& client_id) const;
  size_t refreshes() const;       // refresh_token grants answered 200
  size_t password_codes() const;  // codes issued by the password authorize
  std::string refresh_token() const;

  boost::json::object note(int64_t id) const;  // {} if absent
  size_t note_count() const;
  void SetNoteComments(int64_t id, const std::string& comments);  // an edit made in Bullhorn
  boost::json::object person(const std::string& entity, int64_t id) const;
  boost::json::array created(const std::string& entity) const;  // PUT entity/<entity> bodies
  boost::json::object appointment(int64_t id) const;
  std::vector<int64_t> attendees(int64_t appointment) const;
  void DenyNoteUpdates(bool deny);  // POST entity/Note/<id> answers 403

 private:
  static int64_t Now();
  FakeResponse Handle(const RecordedRequest& req);
  FakeResponse OAuth(const RecordedRequest& req);
  FakeResponse Login(const RecordedRequest& req);
  FakeResponse Rest(const RecordedRequest& req, const std::string& path);
  FakeResponse Search(const std::string& entity, const std::string& query);
  FakeResponse Query(const std::string& entity, const RecordedRequest& req);
  FakeResponse Entity(const RecordedRequest& req, const std::string& rest);
  boost::json::object NoteView(const boost::json::object& note) const;

  mutable std::mutex mu_;
  std::set<std::string> live_access_;                       // guarded by mu_
  std::map<std::string, int64_t> sessions_;                 // BhRestToken -> expiry; guarded by mu_
  std::string refresh_;                                     // guarded by mu_
  std::set<std::string> codes_;                             // guarded by mu_
  int serial_ = 0;                                          // guarded by mu_
  size_t logins_ = 0, refreshes_ = 0, password_codes_ = 0;  // guarded by mu_
  std::map<std::string, size_t> grants_;                    // guarded by mu_
  std::map<std::string, std::map<int64_t, boost::json::object>> entities_;  // guarded by mu_
  std::map<std::string, boost::json::array> created_;                       // guarded by mu_
  int64_t next_id_ = 90001;                                                 // guarded by mu_
  bool deny_note_updates_ = false;                                          // guarded by mu_
  int rate_remaining_ = 1500;                                               // guarded by mu_
  FailureRules failures_;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_FAKE_BULLHORN_H
