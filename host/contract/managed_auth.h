// Admin-managed API-key credentials (docs/API.md): login-form fields an admin fills in once
// for the whole RingCentral account ("account" scope) or per extension ("user" scope), so
// users log in without typing them.
//
// Field definitions come from the plugin's manifest (auth.apiKey.page.content[], entries with
// managed:true), or, when the request names a Developer Portal connector, from that connector's
// manifest (developer_portal.h) if it has such a list. Values live in account data, sealed by the
// store (AES-256-GCM), under "managed-auth-org" and "managed-auth-user:<extension>"; a failed
// managed login leaves "managed-auth-login-failure:<extension>" so the user can fall back to typing
// values.
#ifndef CRMHOST_CONTRACT_MANAGED_AUTH_H
#define CRMHOST_CONTRACT_MANAGED_AUTH_H

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "contract/app.h"
#include "contract/developer_portal.h"
#include "identity/ringcentral.h"

namespace crmhost::contract {

struct LoginField {
  std::string id;  // the field's "const"
  bool required = false;
  bool managed = false;
  std::string scope;       // "account" or "user" (managed fields)
  std::string field_type;  // "input" or "dynamic"
  boost::json::object definition;
};

// The login fields of `platform`: the named portal connector's when it has them, else the
// plugin's own.
std::vector<LoginField> LoginFields(App& app, const plugins::PluginVersion& plugin,
                                    const std::string& platform, const ConnectorRef& connector,
                                    const std::string& rc_account_id);
// connectorId, devRcAccountId and isPrivate ("true") from a query string, or from a JSON body
// (apiKeyLogin: any truthy isPrivate).
ConnectorRef ConnectorRefOf(const http::HttpRequest& req);
ConnectorRef ConnectorRefOf(const boost::json::object& body);
bool HasManagedFields(const std::vector<LoginField>& fields);

// Stored values: const -> value.
boost::json::object OrgValues(App& app, const std::string& account, const std::string& platform);
boost::json::object UserValues(App& app, const std::string& account, const std::string& platform,
                               const std::string& extension);

// apiKeyLogin's use of managed values for `rc` (who is logging in). `additional` is the
// submitted form (apiKey included) and receives the stored values.
struct ManagedLogin {
  bool has_managed = false;
  std::vector<std::string> missing_required;
};
ManagedLogin ApplyManagedValues(App& app, const std::vector<LoginField>& fields,
                                const std::string& platform, const identity::RcIdentity& rc,
                                boost::json::object& additional);
// After the CRM answered: success clears the failure marker and, for an admin, keeps the
// submitted managed values at their scopes; failure sets the marker.
void RecordManagedLogin(App& app, const std::vector<LoginField>& fields,
                        const std::string& platform, const identity::RcIdentity& rc,
                        const boost::json::object& submitted, bool succeeded, bool is_admin);

}  // namespace crmhost::contract

#endif  // CRMHOST_CONTRACT_MANAGED_AUTH_H
