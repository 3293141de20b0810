// NetSuite's APIs as the reference connector uses them, for one account: SuiteTalk REST
// (https://<account>.suitetalk.api.netsuite.com: SuiteQL, records, OAuth 2) and the RESTlets the
// RingCentral SuiteApp deploys (https://<account>.restlets.api.netsuite.com). The account id is
// the first label of the user's NetSuite hostname; it becomes part of every host name, so only
// NetSuite's own account ids are accepted (mapping.h AccountOf). docs/CRM_PLUGINS.md lists the
// calls.
#ifndef CRMHOST_PLUGINS_NETSUITE_API_H
#define CRMHOST_PLUGINS_NETSUITE_API_H

#include <crmhost/plugin.hpp>

#include <string>
#include <string_view>

namespace netsuite {

namespace json = boost::json;

inline constexpr const char* kRedirectUri =
    "https://ringcentral.github.io/ringcentral-embeddable/redirect.html";

// NetSuite answered an error (status) or nothing (0). `detail` is the joined o:errorDetails text
// NetSuite sent, which the reference shows the user in place of its own message; "" when none.
class Error : public crmhost::sdk::UpstreamError {
 public:
  Error(int status, const std::string& message, std::string detail)
      : UpstreamError(status, message), detail_(std::move(detail)) {}
  const std::string& detail() const { return detail_; }

 private:
  std::string detail_;
};

// NetSuite's detail text for a failure, else `fallback` (the reference's per-operation text).
std::string DetailOr(const std::exception& e, std::string_view fallback);

// The RESTlets the RingCentral SuiteApp deploys: script and deployment ids.
struct Restlet {
  const char* script;
  const char* deploy;
};
inline constexpr Restlet kCurrentUser{"customscript_getcurrentuser", "customdeploy_getcurrentuser"};
inline constexpr Restlet kOneWorld{"customscript_getoneworldlicense_scriptid",
                                   "customdeploy_getoneworldlicense_deployid"};
inline constexpr Restlet kPermissions{"customscript_checkrolepermissionscriptid",
                                      "customdeploy_checkrolepermissiondeployid"};
inline constexpr Restlet kTimezone{"customscript_gettimezone", "customdeploy_gettimezone"};
inline constexpr Restlet kUserNotes{"customscript_createusernotes", "customdeploy_createusernotes"};
inline constexpr Restlet kFolderByName{"customscript_getappconnectfolderbyname",
                                       "customdeploy_getappconnectfolderbyname"};
inline constexpr Restlet kCreateFolder{"customscript_createappconnectfolder",
                                       "customdeploy_createappconnectfolder"};
inline constexpr Restlet kCreateFile{"customscript_createappconnectfile",
                                     "customdeploy_createappconnectfile"};
inline constexpr Restlet kAttachFile{"customscript_attachfilewithphonecalls",
                                     "customdeploy_attachfilewithphonecalls"};
inline constexpr Restlet kCalendarEvents{"customscript_rcfetchcalendarevents",
                                         "customdeploy_rcfetchcalendarevents"};

// One operation's conversation with one NetSuite account.
class Api {
 public:
  // The account of user.hostname and the operation's authHeader. Throws InvalidInput when the
  // hostname names no NetSuite account.
  Api(crmhost::sdk::Call& call, const json::object& in);
  Api(crmhost::sdk::Call& call, std::string account, std::string auth);

  crmhost::sdk::Call& call() const { return *call_; }
  const std::string& account() const { return account_; }

  // POST query/v1/suiteql {"q": ...} (Prefer: transient): the first page's items.
  json::array SuiteQl(const std::string& query);
  // GET record/v1/<path> ("phonecall/201").
  json::value Get(const std::string& path);
  // POST record/v1/<type>: the new record's id, from the Location header NetSuite answers.
  std::string Create(const std::string& type, const json::value& body);
  // PATCH record/v1/<path> (a partial update; NetSuite answers 204).
  void Patch(const std::string& path, const json::value& body);
  // A RESTlet: GET without a body, else the method with a JSON body; `query` is appended to the
  // script's URL ("&name=...").
  json::value RunRestlet(const Restlet& restlet, std::string_view method = "GET",
                         const json::value* body = nullptr, const std::string& query = "");

 private:
  crmhost::sdk::HttpResponse Send(std::string_view method, const std::string& url,
                                  const json::value* body, bool prefer_transient = false);

  crmhost::sdk::Call* call_;
  std::string account_;
  std::string auth_;
};

// Revokes `token` at the account's revoke endpoint (HTTP Basic client authentication). Failures
// are logged only: the host forgets the tokens whatever NetSuite answers.
void RevokeToken(crmhost::sdk::Call& call, const std::string& account, const std::string& client_id,
                 const std::string& client_secret, const std::string& token);

}  // namespace netsuite

#endif  // CRMHOST_PLUGINS_NETSUITE_API_H
