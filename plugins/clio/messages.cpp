// The Clio plugin's message logs (plugin.h): one communication per conversation (per day), a
// plain-text summary that later messages are added to; voicemail, fax and media get their link.
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/time.hpp>

#include "mapping.h"
#include "plugin.h"

namespace clio {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;
using sdk::contract::return_message;
using sdk::contract::text;

namespace {

constexpr const char* kFooter = " \n\n--- Created via RingCentral App Connect";

// A fax: its PDF goes into Clio Documents (under the matter, else the contact) and the log links
// to it, or to RingCentral's copy when the upload fails.
std::string FaxBody(Api& clio, const json::object& in, int64_t when) {
  const json::object& message = object_of(in, "message");
  const std::string name = text(object_of(in, "contactInfo"), "name");
  const std::optional<std::string> doc =
      UploadDocument(clio, text(in, "faxDownloadLink"),
                     text(message, "direction") + " Fax - " + name + " - " +
                         sdk::time::format_moment(when, 0, "MM/DD/YYYY") + ".pdf",
                     in, when);
  if (!doc)
    return "Fax failed to be uploaded to Clio.\nFax document link: " + text(in, "faxDocLink") +
           kFooter;
  const bool inbound = text(message, "direction") == "Inbound";
  const json::value* location = inbound ? js::get(js::get(message, "from"), "location")
                                        : js::get(First(js::get(message, "to")), "location");
  return "Fax uploaded to Clio successfully.\nFax Status: " +
         js::text_or_empty(sdk::field(message, "messageStatus")) +
         "\nPage count: " + js::text_or_empty(sdk::field(message, "faxPageCount")) +
         "\nFax document link: " + DocumentLink(clio, *doc) +
         "\nLocation: " + js::text_or_empty(location) + kFooter;
}

}  // namespace

json::value Clio::createMessageLog(Call& call, const json::object& in) {
  Api clio(call, in);
  const json::object& message = object_of(in, "message");
  const json::object& shared = object_of(in, "sharedSMSLogContent");
  const int offset = UserOffset(object_of(in, "user"));
  const std::string user_name = UserName(clio);
  const std::string name = text(object_of(in, "contactInfo"), "name");
  int64_t when = TimeOr(sdk::field(message, "creationTime"), call.now_ms());
  std::string subject, body;
  if (js::truthy(js::get(shared, "subject")) && js::truthy(js::get(shared, "body"))) {
    subject = text(shared, "subject");
    body = text(shared, "body");
    when = TimeOr(sdk::field(shared, "conversationCreatedDate"), when);
  } else if (js::truthy(sdk::field(in, "recordingLink"))) {
    subject =
        "Voicemail left by " + name + " - " + sdk::time::format_moment(when, offset, "MM/DD/YYYY");
    body = "Voicemail recording link: " + text(in, "recordingLink") + kFooter;
  } else if (js::truthy(sdk::field(in, "faxDocLink"))) {
    subject = "Fax document sent from " + name + " - " +
              sdk::time::format_moment(when, offset, "YY/MM/DD");
    body = FaxBody(clio, in, when);
  } else {
    subject = "SMS conversation with " + name + " - " +
              sdk::time::format_moment(when, offset, "MM/DD/YYYY");
    body = ConversationBody(in, user_name, when, MessageText(clio, in, message));
  }
  json::value made =
      clio.Send("POST", "communications.json", MessageCommunication(in, subject, body, when));
  const json::value id = IdOf(made);
  json::object result{{"logId", id},
                      {"returnMessage", return_message("Message logged", "success", 1000)},
                      {"extraDataTracking", clio.tracking()}};
  LogSmsTime(clio, in, js::to_string(id));
  return result;
}

// Adds one message before the END marker and counts it (or takes a shared conversation's whole
// text).
json::value Clio::updateMessageLog(Call& call, const json::object& in) {
  Api clio(call, in);
  const json::object& message = object_of(in, "message");
  const json::object& shared = object_of(in, "sharedSMSLogContent");
  const std::string id = CommunicationId(object_of(in, "existingMessageLog"));
  std::string body;
  if (js::truthy(js::get(shared, "body"))) {
    body = text(shared, "body");
  } else {
    json::value current = clio.Get("communications/" + sdk::url_encode(id) + ".json?fields=body");
    const std::string user_name = UserName(clio);
    const std::string line = MessageLine(message, object_of(in, "contactInfo"), user_name,
                                         UserOffset(object_of(in, "user"))) +
                             "\n" + MessageText(clio, in, message) + "\n\n";
    body = AppendMessage(js::text_or_empty(js::get(Data(current), "body")), line);
  }
  clio.Send("PATCH", "communications/" + sdk::url_encode(id) + ".json",
            json::object{{"body", body}});
  json::object result{{"extraDataTracking", clio.tracking()}};
  LogSmsTime(clio, in, id);
  return result;
}

// An MMS image is uploaded into Clio Documents and linked (RingCentral's viewer link if the
// upload fails); a video adds its link.
std::string Clio::MessageText(Api& clio, const json::object& in, const json::object& message) {
  const std::string subject = sdk::field(message, "subject") ? text(message, "subject") : "N/A";
  if (js::truthy(sdk::field(in, "imageDownloadLink"))) {
    const int64_t when = TimeOr(sdk::field(message, "creationTime"), clio.call().now_ms());
    const std::string type = text(in, "imageContentType");
    const std::optional<std::string> doc = UploadDocument(
        clio, text(in, "imageDownloadLink"),
        text(message, "direction") + " Image Message - " +
            text(object_of(in, "contactInfo"), "name") + " - " +
            sdk::time::format_moment(when, 0, "MM/DD/YYYY") + "." + type.substr(type.find('/') + 1),
        in, when);
    if (doc) return "[Message]: " + subject + "\n[Link]: " + DocumentLink(clio, *doc);
    return "[Message]: " + subject + "\n[Link - failed to upload]: " + text(in, "imageLink");
  }
  for (const char* key : {"imageLink", "videoLink"})
    if (js::truthy(sdk::field(in, key)))
      return "[Message]: " + subject + "\n[Link]: " + text(in, key);
  return sdk::field(message, "subject") ? subject : "undefined";
}

// A failed SMS time entry is logged; the message stays logged.
void Clio::LogSmsTime(Api& clio, const json::object& in, const std::string& communication_id) {
  std::optional<json::object> entry = SmsTimeEntry(in, communication_id, clio.call().now_ms());
  if (!entry) return;
  try {
    clio.Send("POST", "activities.json", std::move(*entry));
  } catch (const sdk::UpstreamError& e) {
    clio.call().warn("Clio SMS time entry failed: " + std::string(e.what()));
  }
}

}  // namespace clio
