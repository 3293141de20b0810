#include "contract/errors.h"

namespace crmhost::contract {
namespace json = boost::json;
namespace {

json::object WithDetails(std::string_view message, std::vector<std::string> lines,
                         bool string_ids) {
  json::array items;
  for (size_t i = 0; i < lines.size(); ++i) {
    json::object item;
    if (string_ids) {
      item["id"] = std::to_string(i + 1);
    } else {
      item["id"] = int64_t(i + 1);
    }
    item["type"] = "text";
    item["text"] = lines[i];
    items.push_back(std::move(item));
  }
  json::object section;
  section["title"] = "Details";
  section["items"] = std::move(items);
  json::object m;
  m["message"] = message;
  m["messageType"] = "warning";
  m["details"] = json::array{std::move(section)};
  m["ttl"] = 5000;
  return m;
}

json::object OperationMessage(std::string_view op, std::string_view platform) {
  const std::string p(platform);
  struct Entry {
    std::string_view op, message;
    std::string detail;
  };
  const Entry table[] = {
      {"createCallLog", "Error creating call log",
       "Please check if your account has permission to CREATE logs."},
      {"updateCallLog", "Error updating call log",
       "Please check if the log entity still exists on " + p +
           " and your account has permission to EDIT logs."},
      {"getCallLog", "Error getting call log",
       "Please check if your account has permission to READ logs."},
      {"createMessageLog", "Error creating message log",
       "Please check if your account has permission to CREATE logs."},
      {"updateMessageLog", "Error updating message log",
       "Please check if the log entity still exists on " + p +
           " and your account has permission to EDIT logs."},
      {"findContact", "Error finding contact",
       "Please check if your account has permission to GET contacts."},
      {"createContact", "Error creating contact",
       "Please check if your account has permission to CREATE contacts."},
      {"findContactWithName", "Error searching contacts",
       "Please check if your account has permission to GET contacts."},
      {"createAppointment", "Error creating appointment",
       "Please check if your account has permission to CREATE appointments. or All attendees have "
       "email address."},
      {"updateAppointment", "Error updating appointment",
       "Please check if the appointment entity still exists on " + p +
           " and your account has permission to EDIT appointments. or All attendees have email "
           "address."},
      // Keyed as the reference's error table is: it too has getAppointment, which no operation
      // is called, so refreshAppointment gets the generic message there as here.
      {"getAppointment", "Error getting appointment",
       "Please check if your account has permission to GET appointments."},
  };
  for (const auto& e : table)
    if (e.op == op) return WithDetails(e.message, {e.detail}, false);
  return WithDetails("Error performing " + std::string(op),
                     {"Please check if your account has the necessary permissions."}, false);
}

}  // namespace

json::object ReturnMessage(std::string_view message, std::string_view type, int ttl) {
  json::object m;
  m["message"] = message;
  m["messageType"] = type;
  m["ttl"] = ttl;
  return m;
}

json::object ApiErrorMessage(std::string_view op, std::string_view platform,
                             const plugins::OpOutcome& outcome) {
  const std::string p(platform);
  const int status = outcome.kind == plugins::OpOutcome::Kind::kUpstream ? outcome.status_code : 0;
  if (status == 429) {
    return WithDetails(
        "Rate limit exceeded",
        {"You have exceeded the maximum number of requests allowed by " + p +
         ". Please try again in the next minute. If the problem persists please contact support."},
        true);
  }
  if (status >= 400 && status < 410) {
    return WithDetails(
        "Authorization error",
        {"It seems like there's something wrong with your authorization of " + p +
         ". Please Logout and then Connect your " + p + " account within this extension."},
        true);
  }
  return OperationMessage(op, platform);
}

json::object DatabaseErrorMessage() {
  return ReturnMessage("Database operation failed", "warning", 5000);
}

http::HttpResponse Failure(json::object return_message) {
  json::object o;
  o["successful"] = false;
  o["returnMessage"] = std::move(return_message);
  return http::HttpResponse::Json(200, o);
}

http::HttpResponse SessionRevoked(bool flagged) {
  json::object o;
  o["successful"] = false;
  o["returnMessage"] =
      ReturnMessage("User session expired. Please connect again.", "warning", 5000);
  if (flagged) o["isRevokeUserSession"] = true;
  o["errorCode"] = "CRM_SESSION_REVOKED";
  return http::HttpResponse::Json(401, o);
}

http::HttpResponse UnknownPlatform(std::string_view platform) {
  return http::HttpResponse::Error(400,
                                   "Connector not found for platform: " + std::string(platform));
}

}  // namespace crmhost::contract
