// Message logs as phone-call records: one per conversation and day that grows by a message at a
// time (or a shared conversation's text), a voicemail or a fax; a chosen sales order gets the
// text as a user note.
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>

#include "mapping.h"
#include "plugin.h"

namespace netsuite {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;
using sdk::contract::return_message;

json::value NetSuite::createMessageLog(Call& call, const json::object& in) {
  try {
    Api api(call, in);
    const MessageText text = MessageLog(in);
    const json::object& contact = object_of(in, "contactInfo");
    const json::value id = js::get(contact, "id") ? *js::get(contact, "id") : json::value();
    json::object body{{"title", text.title},
                      {"message", text.body},
                      {"phone", sdk::string_field(contact, "phoneNumber")},
                      {"status", "COMPLETE"}};
    std::string type = sdk::string_field(contact, "type");
    for (char& c : type)
      c = char(std::tolower(static_cast<unsigned char>(c)));
    if (type == "contact") {
      const json::value record = api.Get("contact/" + sdk::url_encode(js::to_string(id)));
      body["contact"] = json::object{{"id", id}};
      body["company"] = json::object{{"id", js::get(js::get(&record, "company"), "id")
                                                ? *js::get(js::get(&record, "company"), "id")
                                                : json::value()}};
    } else if (type == "custjob") {
      body["company"] = json::object{{"id", id}};
    }
    const std::string log_id = api.Create("phonecall", body);
    if (const json::value* order = js::get(object_of(in, "additionalSubmission"), "salesorder");
        js::truthy(order)) {
      try {
        const json::value note = json::object{
            {"salesOrderId", *order}, {"noteTitle", text.title}, {"noteText", text.body}};
        api.RunRestlet(kUserNotes, "POST", &note);
      } catch (const std::exception& e) {
        call.warn(std::string("NetSuite sales order note not made: ") + e.what());
      }
    }
    return json::object{{"logId", log_id},
                        {"returnMessage", return_message("Message logged", "success", 1000)}};
  } catch (const std::exception& e) {
    call.warn(std::string("NetSuite message not logged: ") + e.what());
    return Warning(DetailOr(e, "Error logging text message"),
                   "There was an error in creating an activity entry for this SMS conversation in "
                   "NetSuite. If issues persist, please contact your NetSuite administrator.",
                   60000);
  }
}

json::value NetSuite::updateMessageLog(Call& call, const json::object& in) {
  try {
    Api api(call, in);
    std::string id = sdk::string_field(object_of(in, "existingMessageLog"), "thirdPartyLogId");
    id = sdk::url_encode(id.substr(0, id.find('.')));
    std::string body;
    if (const json::value* shared = js::get(object_of(in, "sharedSMSLogContent"), "body");
        js::truthy(shared)) {
      body = js::to_string(*shared);
    } else {
      const json::value record = api.Get("phonecall/" + id);
      body = AppendMessage(js::text_or_empty(js::get(&record, "message")), MessageLine(in));
    }
    api.Patch("phoneCall/" + id, json::object{{"message", body}});
    return json::object{{"logId", id},
                        {"returnMessage", return_message("Message log updated", "success", 3000)}};
  } catch (const std::exception& e) {
    call.warn(std::string("NetSuite message log not updated: ") + e.what());
    return Warning(DetailOr(e, "Error updating activity"),
                   "There was an error in updating the activity entry for this SMS conversation in "
                   "NetSuite. If issues persist, please contact your NetSuite administrator.",
                   60000);
  }
}

}  // namespace netsuite
