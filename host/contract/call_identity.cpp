#include "contract/call_identity.h"

#include <crmhost/sdk/js.hpp>

namespace crmhost::contract {
namespace json = boost::json;
namespace js = crmhost::sdk::js;

std::string NoteCacheKey(std::string_view session_id) {
  return store::KeyOf({"note-cache", session_id});
}

store::CallLogIdentity IdentityOf(const App& app, const json::object& body,
                                  const json::value& session_id) {
  const json::value* log_info = js::get(body, "logInfo");
  auto pick = [&](std::string_view k) -> const json::value* {
    if (auto* v = js::get(body, k)) return v;
    return js::get(log_info, k);
  };
  store::CallLogIdentity id;
  id.session_id = js::to_string(session_id);
  id.extension_number = js::text_or_empty(pick("extensionNumber"));
  if (auto* h = pick("hashedExtensionId"); js::truthy(h)) {
    id.hashed_extension_id = js::to_string(*h);
  } else if (auto* rc = pick("rcExtensionId"); js::truthy(rc) && !app.hash_key.empty()) {
    id.hashed_extension_id = HashValue(js::to_string(*rc), app.hash_key);
  }
  return id;
}

std::string HashedAccountId(const App& app, const http::HttpRequest& req,
                            const json::value* account_id) {
  if (auto h = req.Header("rc-account-id")) return std::string(*h);
  return HashValue(account_id ? js::to_string(*account_id) : "undefined", app.hash_key);
}

Result<std::optional<store::CallLogRow>> FindLink(App& app, const store::CallLogIdentity& who) {
  auto found = app.store.FindCallLog(who);
  if (found.ok() && !found.value() && app.unsaved_links)
    if (auto held = app.unsaved_links->Find(who)) return held;
  return found;
}

}  // namespace crmhost::contract
