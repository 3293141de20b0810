// Clio's REST API (v4) as the reference connector uses it: the user's regional host, the OAuth
// bearer header, JSON bodies wrapped in {"data": ...}, the rate-limit headers of the last answer
// (extraDataTracking), and the multi-step calls (matters with paging, document upload).
// docs/CRM_PLUGINS.md lists the calls.
#ifndef CRMHOST_PLUGINS_CLIO_API_H
#define CRMHOST_PLUGINS_CLIO_API_H

#include <crmhost/plugin.hpp>
#include <crmhost/sdk/rest.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace clio {

namespace json = boost::json;

// The Clio hosts a user may connect to, by region setting prefix. Anything else is refused:
// the host name comes from the client, and the user's token must only ever go to Clio.
struct Region {
  std::string_view host;
  std::string_view setting_prefix;
};
inline constexpr Region kRegions[] = {{"app.clio.com", ""},
                                      {"eu.app.clio.com", "eu_"},
                                      {"ca.app.clio.com", "ca_"},
                                      {"au.app.clio.com", "au_"}};

// "https://eu.app.clio.com/" or "eu.app.clio.com" -> the region, if it is one of Clio's.
const Region* RegionOf(std::string_view hostname);

// One operation's conversation with Clio: the user's host and token.
class Api {
 public:
  Api(crmhost::sdk::Call& call, std::string host, std::string auth);
  // The user's host (user.hostname) and header (authHeader) from an operation's input.
  Api(crmhost::sdk::Call& call, const json::object& in);

  const std::string& host() const { return host_; }
  crmhost::sdk::Call& call() const { return session_.call(); }
  // {ratelimitRemaining, ratelimitAmount, ratelimitReset} of the last tracked answer.
  const json::object& tracking() const { return session_.extra_data_tracking(); }

  // `path` below /api/v4 (with its query), or an absolute Clio URL on the user's host (paging
  // links). `track`: whether this answer's rate-limit headers are the ones returned.
  json::value Request(std::string_view method, const std::string& path,
                      const json::value* body = nullptr, bool track = true);
  json::value Get(const std::string& path, bool track = true) {
    return Request("GET", path, nullptr, track);
  }
  // A write with Clio's {"data": ...} envelope.
  json::value Send(std::string_view method, const std::string& path, json::object data);

 private:
  std::string host_;
  crmhost::sdk::rest::Session session_;
};

// Revokes the user's token at their region's /oauth/deauthorize; failures are only logged (the
// host drops the token whatever Clio answers).
void RevokeToken(crmhost::sdk::Call& call, const Region& region, const std::string& token);

// The contact's matters as log options: those it is the client of, then those it relates to.
// Closed matters are left out unless `closed`; `with_status` prefixes the description with the
// status; `all_pages` follows the relationships' paging.
json::array Matters(Api& clio, const json::object& contact, bool closed, bool with_status,
                    bool all_pages);

// The user's own writeable calendar, else any writeable one; null when there is none.
json::value WriteableCalendarId(Api& clio);

// The logged-in user's name (who_am_i; its rate-limit headers are not returned).
std::string UserName(Api& clio);

// The Clio page of a document.
std::string DocumentLink(const Api& clio, const std::string& document_id);

// Fetches RingCentral's media at `download` and uploads it into Clio Documents as `name`, under
// the matter chosen on the form (else the contact). The document id once Clio says it is
// complete; nullopt (having said why in the log) on any failure, so the log is still written.
std::optional<std::string> UploadDocument(Api& clio, const std::string& download,
                                          const std::string& name, const json::object& in,
                                          int64_t when);

}  // namespace clio

#endif  // CRMHOST_PLUGINS_CLIO_API_H
