// The operations table: every connector operation the host may call on a plugin, whether a
// plugin must implement it, and what it receives and returns (docs/PLUGIN_ABI.md section 5
// explains each). One table serves three readers:
//   - the loader refuses a plugin that lists a name not in it (a misspelt operation would load
//     and then silently never be called), naming it;
//   - every call site names its operation as an `Operation`, whose constructor from a string
//     literal is consteval: a misspelt name is a compile error, not a "not implemented" at run
//     time;
//   - /implementedInterfaces and the docs list operations from it.
#ifndef CRMHOST_PLUGINS_OPERATIONS_H
#define CRMHOST_PLUGINS_OPERATIONS_H

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace crmhost::plugins {

struct OperationSpec {
  std::string_view name;
  bool required;            // the loader refuses a plugin without it
  std::string_view input;   // the main fields of the input object
  std::string_view output;  // what a successful call returns
};

// Order: as docs/PLUGIN_ABI.md lists them. Adding an operation is an ABI minor bump (a plugin
// built for the newer minor is refused by older hosts, so they never meet the new name).
inline constexpr std::array kOperations = {
    OperationSpec{"getAuthType", true, "{proxyId, proxyConfig}", "\"apiKey\" or \"oauth\""},
    OperationSpec{"getBasicAuth", false, "{apiKey}", "the string after \"Basic \""},
    OperationSpec{"getLogFormatType", false, "{platform, proxyConfig}", "a log MIME type"},
    OperationSpec{"getUserInfo", false, "{authHeader, hostname, platform, additionalInfo, apiKey}",
                  "{successful, platformUserInfo, returnMessage?}"},
    OperationSpec{"unAuthorize", false, "{user}", "{returnMessage}"},
    OperationSpec{"findContact", false, "{user, authHeader, phoneNumber, overridingFormat?}",
                  "{successful, matchedContactInfo, returnMessage?}"},
    OperationSpec{"createCallLog", true, "{user, contactInfo, authHeader, callLog, note, ...}",
                  "{logId, returnMessage?}"},
    OperationSpec{"getCallLog", false, "{user, telephonySessionId, callLogId, contactId}",
                  "{callLogInfo}"},
    OperationSpec{"updateCallLog", true, "{user, existingCallLog, authHeader, note, ...}",
                  "{updatedNote?, returnMessage?}"},
    OperationSpec{"getOauthInfo", false, "{tokenUrl, hostname, rcAccountId, proxyId}",
                  "{clientId, clientSecret, accessTokenUri, redirectUri, ...}"},
    OperationSpec{"getOverridingOAuthOption", false, "{code, oauthInfo}",
                  "{headers?, query?, body?}"},
    OperationSpec{"checkAndRefreshAccessToken", false, "{oauthApp, user}",
                  "{userUpdate}, null or {revoked:true}"},
    OperationSpec{"postSaveUserInfo", false, "{userInfo, oauthApp?}", "{id, name}"},
    OperationSpec{"authValidation", false, "{user, authHeader}",
                  "{successful, returnMessage?, status?}"},
    OperationSpec{"getLicenseStatus", false, "{userId, platform, user}",
                  "{isLicenseValid, licenseStatus, licenseStatusDescription}"},
    OperationSpec{"findContactWithName", false, "{user, authHeader, name}",
                  "{successful, matchedContactInfo, returnMessage?}"},
    OperationSpec{"createContact", false, "{user, authHeader, phoneNumber, newContactName, ...}",
                  "{contactInfo, returnMessage?}"},
    OperationSpec{"upsertCallDisposition", false, "{user, existingCallLog, dispositions}",
                  "{logId, returnMessage?}"},
    OperationSpec{"createMessageLog", false, "{user, contactInfo, authHeader, message, ...}",
                  "{logId, returnMessage?}"},
    OperationSpec{"updateMessageLog", false, "createMessageLog's plus existingMessageLog",
                  "{returnMessage?}"},
    OperationSpec{"getUserList", false, "{user, authHeader}", "[{id, name, email?}]"},
    OperationSpec{"getManagedAuthOptions", false, "{fieldConst, accountValues}",
                  "[{value, label}]"},
    OperationSpec{"getServerLoggingSettings", false, "{user}", "an object"},
    OperationSpec{"updateServerLoggingSettings", false, "{user, additionalFieldValues}",
                  "{successful, returnMessage}"},
    OperationSpec{"refreshUserInfo", false, "{user, authHeader}", "{successful, returnMessage?}"},
    OperationSpec{"onUpdateUserSettings", false, "{user, userSettings, updatedSettings}",
                  "{successful, returnMessage?}"},
    OperationSpec{"listAppointments", false, "{user, authHeader, range}",
                  "{successful?, appointments}"},
    OperationSpec{"createAppointment", false, "{user, authHeader, payload}",
                  "{successful?, appointmentId, appointment?}"},
    OperationSpec{"updateAppointment", false, "{user, authHeader, appointmentId, patchBody}",
                  "{successful?, appointment}"},
    OperationSpec{"refreshAppointment", false, "{user, authHeader, appointmentId}",
                  "{successful?, appointment?}"},
    OperationSpec{"confirmAppointment", false, "{user, authHeader, appointmentId}",
                  "{successful?, appointment?}"},
    OperationSpec{"cancelAppointment", false, "{user, authHeader, appointmentId}",
                  "{successful?, appointment?}"},
    OperationSpec{"getAccountDataKeys", false, "{}", "{<key>: {ttlMs?}}"},
    OperationSpec{"fetchAccountData", false, "{key, user, authHeader}", "the value to cache"},
    OperationSpec{"findCallLogForSession", false, "createCallLog's input",
                  "{logId} or {logId: null}"},
    OperationSpec{"listPlatforms", false, "{platform?}", "{<platform>: <manifest entry>}"},
    // ABI 1.3: a request to one of the plugin's own HTTP routes (routes_json).
    OperationSpec{"serveRoute", false,
                  "{route, method, path, params, query, headers, body, user?, authHeader?, "
                  "rcAccountId?, rcExtensionId?}",
                  "{status, headers?, body? or json?, logoutUser?}"},
};

// The table entry of `name`; nullopt for a name the host does not know.
constexpr std::optional<size_t> FindOperation(std::string_view name) {
  for (size_t i = 0; i < kOperations.size(); ++i)
    if (kOperations[i].name == name) return i;
  return std::nullopt;
}

// An operation of the table. From a string literal only at compile time, so every name the
// host passes is checked by the compiler; from a run-time string through Find.
class Operation {
 public:
  // A literal that is not in kOperations does not compile ("call to consteval function is not
  // a constant expression").
  consteval Operation(const char* name) : index_(Checked(name)) {}  // NOLINT: implicit on purpose

  static constexpr std::optional<Operation> Find(std::string_view name) {
    if (auto i = FindOperation(name)) return Operation(*i);
    return std::nullopt;
  }

  constexpr std::string_view name() const { return kOperations[index_].name; }
  constexpr const OperationSpec& spec() const { return kOperations[index_]; }
  constexpr bool operator==(const Operation&) const = default;

 private:
  constexpr explicit Operation(size_t index) : index_(index) {}
  static consteval size_t Checked(const char* name) {
    auto i = FindOperation(name);
    if (!i) throw "not an operation of kOperations (host/plugins/operations.h)";
    return *i;
  }
  size_t index_;
};

}  // namespace crmhost::plugins

#endif  // CRMHOST_PLUGINS_OPERATIONS_H
