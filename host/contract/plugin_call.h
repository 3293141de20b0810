// PluginCall: the one way a route reaches its plugin, the same steps for every route:
//
//   1. Open: lease the live version of the plugin serving the platform (a request keeps that
//      version for all its calls, whatever is published meanwhile) and take a place in the
//      plugin's bulkhead (plugins/bulkhead.h). Refusals are the client's answer: 400
//      "Connector not found for platform", or 503 with Retry-After when the plugin is full.
//   2. User / Connect: the user record is read and opened once per request however often a
//      route asks; Connect builds the CRM auth header (getAuthType comes from the version's
//      cache of constant answers; OAuth tokens near expiry are refreshed first, once per user).
//   3. Invoke: runs the operation with the user's secrets masked in the plugin's logs, then saves
//      what the plugin handed back (its "userUpdate"), checking that the store took it.
//   4. Failed / Served: the contract's returnMessage for a failed operation, and the
//      x-crmhost-plugin header naming the version that served.
//
// One object per request, used by one fiber; not thread-safe.
#ifndef CRMHOST_CONTRACT_PLUGIN_CALL_H
#define CRMHOST_CONTRACT_PLUGIN_CALL_H

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "contract/app.h"
#include "contract/session.h"
#include "http/message.h"
#include "plugins/bulkhead.h"
#include "plugins/registry.h"

namespace crmhost::contract {

class PluginCall {
 public:
  // Why Open gave no PluginCall, and what the client gets.
  struct Refused {
    enum class Kind { kUnknownPlatform, kBusy } kind;
    http::HttpResponse response;
  };
  [[nodiscard]] static std::variant<PluginCall, Refused> Open(App& app,
                                                              const http::HttpRequest& req,
                                                              std::string_view platform);
  // For routes whose plugin is optional (an unknown platform is not an error there): the 503
  // to answer when the plugin is full, else null.
  static http::HttpResponse* BusyOf(std::variant<PluginCall, Refused>& opened) {
    auto* refused = std::get_if<Refused>(&opened);
    return refused && refused->kind == Refused::Kind::kBusy ? &refused->response : nullptr;
  }

  PluginCall(PluginCall&&) = default;
  PluginCall& operator=(PluginCall&&) = delete;

  const plugins::PluginVersion& plugin() const { return *lease_; }
  const std::string& platform() const { return platform_; }
  bool Implements(plugins::Operation op) const { return lease_->Implements(op); }

  // The record of `user_id`, read and opened at most once per request (null when absent).
  [[nodiscard]] Result<store::UserRecord*> User(const std::string& user_id);

  // For routes whose plugin is optional: the user through `call` when there is one (read once),
  // else straight from the store.
  [[nodiscard]] static Result<std::optional<store::UserRecord>> UserOf(App& app, PluginCall* call,
                                                                       const std::string& user_id);

  // The user ready for plugin calls (see Connected in session.h). With
  // `require_platform_match`, a user of another platform counts as absent.
  [[nodiscard]] std::variant<Connected*, ConnectFailure> Connect(const std::string& user_id,
                                                                 bool require_platform_match);

  // Runs `op`. Masked in the plugin's logs: the connected user's secrets and `extra_secrets`.
  // On success the result's "userUpdate" is applied to the connected (else the loaded) user and
  // removed from the result; if the store refuses that write the outcome says so
  // (user_update_failed) and the error is logged.
  [[nodiscard]] plugins::OpOutcome Invoke(plugins::Operation op, const boost::json::object& input,
                                          const std::vector<std::string>& extra_secrets = {});
  // The same, consuming `input`: it is serialized and freed before the plugin runs, so a request
  // waiting on a slow CRM does not also hold its input document (the connector user, the admin
  // settings) for the whole wait.
  [[nodiscard]] plugins::OpOutcome Invoke(plugins::Operation op, boost::json::object&& input,
                                          const std::vector<std::string>& extra_secrets = {});

  // The plugin's log format (FormatOf in session.h), from the version's constant answers.
  std::optional<LogFormat> Format();

  // 200 {successful:false, returnMessage: the contract's message for `op` failing}, served.
  http::HttpResponse Failed(std::string_view op, const plugins::OpOutcome& out) const;
  // `resp` with the x-crmhost-plugin header of the version that served it.
  http::HttpResponse Served(http::HttpResponse resp) const;

 private:
  [[nodiscard]] plugins::OpOutcome InvokeSerialized(plugins::Operation op, std::string input,
                                                    const std::vector<std::string>& extra_secrets);
  PluginCall(App& app, const http::HttpRequest& req, std::string platform,
             plugins::Registry::Lease lease, plugins::Bulkheads::Slot slot);

  App* app_;
  const http::HttpRequest* req_;
  std::string platform_;
  plugins::Registry::Lease lease_;
  plugins::Bulkheads::Slot slot_;
  bool user_loaded_ = false;
  std::optional<store::UserRecord> user_;  // as read (or as changed by this request)
  std::optional<Connected> connected_;
};

}  // namespace crmhost::contract

#endif  // CRMHOST_CONTRACT_PLUGIN_CALL_H
