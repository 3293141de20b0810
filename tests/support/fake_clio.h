// FakeClio: one region of Clio's API v4 and OAuth endpoints as the Clio plugin uses them, on
// 127.0.0.1: contacts matched by the stored phone text or by name, matters (direct and through
// paged relationships), communications, time entries (activities), users, calendars and calendar
// entries (appointments; attendees resolved to contacts' names), and documents with Clio's
// three-step upload (create, PUT to a storage URL on another host, mark fully uploaded). API
// requests need the
// bearer token it issued; answers carry Clio's rate-limit headers. FailureRules make it fail.
#ifndef CRMHOST_TESTS_FAKE_CLIO_H
#define CRMHOST_TESTS_FAKE_CLIO_H

#include <boost/json.hpp>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "support/fake_failures.h"
#include "support/fake_http_server.h"

namespace crmhost::testing {

class FakeClio {
 public:
  static constexpr const char* kCode = "clio-auth-code-51c2";

  // `host` is the region's public host name ("app.clio.com"); its OAuth app is
  // `client_id`:`client_secret`. The logged-in user is 345 in the US region, 545 elsewhere.
  FakeClio(std::string host, std::string client_id, std::string client_secret);

  std::string base_url() const { return server_->base_url(); }
  std::string origin() const { return "https://" + host_; }  // what --outbound-override maps
  FakeHttpServer& server() { return *server_; }
  FailureRules& failures() { return failures_; }

  boost::json::object communication(int64_t id) const;  // {} if absent
  size_t communication_count() const;
  boost::json::array activities() const;  // time entries, in creation order
  boost::json::array created_contacts() const;
  std::string access_token() const;
  size_t deauthorized() const;

  boost::json::object calendar_entry(int64_t id) const;  // {} if absent (deleted)
  // Seeds an entry as another client left it (e.g. with rc* external_properties); returns its id.
  int64_t AddCalendarEntry(boost::json::object entry);
  // Which calendars the user has: their own writeable one (id 51) and a shared one (id 61).
  void SetCalendars(bool own, bool shared);

  // Where document bytes are PUT (a storage host apart from Clio's; map it to base_url()).
  std::string storage_origin() const { return "https://clio-documents.s3.amazonaws.com"; }
  boost::json::object document(int64_t id) const;  // {} if absent
  std::string document_bytes(int64_t id) const;    // what was PUT for it
  size_t document_count() const;

 private:
  FakeResponse Handle(const RecordedRequest& req);
  FakeResponse Token(const RecordedRequest& req);

  std::string host_, client_id_, client_secret_;
  mutable std::mutex mu_;
  std::map<int64_t, boost::json::object> communications_;    // guarded by mu_
  boost::json::array activities_;                            // guarded by mu_
  boost::json::array contacts_;                              // guarded by mu_
  boost::json::array created_contacts_;                      // guarded by mu_
  int64_t next_id_ = 8001;                                   // guarded by mu_
  int serial_ = 0;                                           // guarded by mu_
  std::string access_, refresh_;                             // guarded by mu_
  size_t deauthorized_ = 0;                                  // guarded by mu_
  std::map<int64_t, boost::json::object> calendar_entries_;  // guarded by mu_
  bool own_calendar_ = true, shared_calendar_ = true;        // guarded by mu_
  std::map<int64_t, boost::json::object> documents_;         // guarded by mu_
  std::map<std::string, std::string> uploads_;               // guarded by mu_: uuid -> bytes
  FakeResponse Documents(const RecordedRequest& req, const std::string& path,
                         const boost::json::object& data);  // mu_ held
  FakeResponse Calendar(const RecordedRequest& req, const std::string& path,
                        const boost::json::object& data);  // mu_ held
  FailureRules failures_;
  std::unique_ptr<FakeHttpServer> server_;
};

}  // namespace crmhost::testing

#endif  // CRMHOST_TESTS_FAKE_CLIO_H
