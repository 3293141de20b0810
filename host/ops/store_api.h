// The ops API's store routes (same listener and token as ops_api.h):
//
//   GET    /users        every user: id, platform, hostname, rcAccountId, hasCredentials,
//                        tokenExpiry, createdAt, updatedAt (never a token or key)
//   DELETE /users/{id}   delete a user and with it their sealed tokens / API key
//   POST   /backup       an online, consistent RocksDB checkpoint; body {"dir"} optional
//                        (default <data-dir>/backups/<UTC time>); answers {"path"}
//
// Restoring is offline (crmhostctl restore): a running daemon holds the store's lock.
#ifndef CRMHOST_OPS_STORE_API_H
#define CRMHOST_OPS_STORE_API_H

#include <string>

#include "crmhost/store/store.h"
#include "http/router.h"

namespace crmhost::ops {

void RegisterStoreRoutes(http::Router& router, store::Store& store, std::string data_dir,
                         std::string token);

}  // namespace crmhost::ops

#endif  // CRMHOST_OPS_STORE_API_H
