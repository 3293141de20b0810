// The documents connectors receive about what the store keeps: the `user` object (App Connect
// field names) and the `existingCallLog` object. The store keeps records; what a plugin is shown
// of them is the contract's business.
#ifndef CRMHOST_CONTRACT_CONNECTOR_JSON_H
#define CRMHOST_CONTRACT_CONNECTOR_JSON_H

#include <boost/json.hpp>

#include "crmhost/store/records.h"

namespace crmhost::contract {

// Secrets (access and refresh token) only when asked: this document also feeds logs.
boost::json::object ConnectorUser(const store::UserRecord& user, bool include_secrets);
boost::json::object ConnectorCallLog(const store::CallLogRow& row);

}  // namespace crmhost::contract

#endif  // CRMHOST_CONTRACT_CONNECTOR_JSON_H
