// App: what every App Connect route group needs, and the one place routes are registered.
// One route group per file (auth.cpp, contact.cpp, calllog.cpp, meta.cpp); each file's
// Register*Routes adds its routes to the router. Handlers are thread-safe: they share only the
// store, the registry and immutable configuration.
#ifndef CRMHOST_CONTRACT_APP_H
#define CRMHOST_CONTRACT_APP_H

#include <cstdint>
#include <functional>
#include <string>

#include "crmhost/store/store.h"
#include "http/router.h"
#include "identity/jwt.h"
#include "plugins/registry.h"

namespace crmhost::contract {

struct App {
  store::Store& store;
  plugins::Registry& registry;
  const identity::JwtCodec& jwt;
  // The reference's HASH_KEY: salt for hashing RingCentral ids (rcExtensionId, accountId).
  std::string hash_key;
  std::function<int64_t()> now_ms;  // wall clock, ms since the epoch
};

void RegisterMetaRoutes(http::Router& router, App& app);
void RegisterAuthRoutes(http::Router& router, App& app);
void RegisterContactRoutes(http::Router& router, App& app);
void RegisterCallLogRoutes(http::Router& router, App& app);

inline void RegisterRoutes(http::Router& router, App& app) {
  RegisterMetaRoutes(router, app);
  RegisterAuthRoutes(router, app);
  RegisterContactRoutes(router, app);
  RegisterCallLogRoutes(router, app);
}

}  // namespace crmhost::contract

#endif  // CRMHOST_CONTRACT_APP_H
