// The body of a shared-SMS conversation log (docs/API-REFERENCE.md, Message Logs): one CRM log per
// shared inbox conversation, re-composed from the whole conversation on every call, in the plugin's
// log format. Produces what the reference server's composer produces for the same conversation,
// except that "Ended" is the latest message's lastModifiedTime whatever its encoding (the
// reference compares ISO strings with a number and so prints 1970 for them).
#ifndef CRMHOST_CONTRACT_SHARED_SMS_H
#define CRMHOST_CONTRACT_SHARED_SMS_H

#include <boost/json.hpp>
#include <string>

#include "contract/log_composer.h"

namespace crmhost::contract {

// {subject, body, conversationCreatedDate (ISO)} for `log_info` (creationTime, messages[],
// entities[] with recordType AliveMessage / AliveNote / ThreadAssignedHint, owner).
// `timezone_offset` is the user's (moment utcOffset rules); `now_ms` stands in for a missing
// creationTime.
boost::json::object ComposeSharedSms(LogFormat format, const boost::json::object& log_info,
                                     const std::string& contact_name,
                                     const boost::json::value& timezone_offset, int64_t now_ms);

}  // namespace crmhost::contract

#endif  // CRMHOST_CONTRACT_SHARED_SMS_H
