// Clio's mapping functions on the JSON Clio answers (shapes as in tests/support/fake_clio.cpp),
// whole documents compared, no sockets.
#include <catch2/catch.hpp>

#include "clio/mapping.h"

namespace json = boost::json;
using namespace clio;

namespace {

json::object Obj(const char* text) {
  return json::parse(text).as_object();
}

}  // namespace

TEST_CASE("clio mapping: the login's user and the user list", "[clio]") {
  const json::value me =
      json::parse(R"({"data":{"id":345,"name":"Jane Doe","time_zone":"America/New_York"}})");
  CHECK(json::value(PlatformUser(Data(me), "America/New_York", -300, "eu.app.clio.com")) ==
        json::parse(R"({"id":"345-clio","name":"Jane Doe","timezoneName":"America/New_York",
            "timezoneOffset":-5,"overridingHostname":"eu.app.clio.com",
            "platformAdditionalInfo":{}})"));
  CHECK(PlatformUser(Data(me), "Asia/Kolkata", 330, "app.clio.com").at("timezoneOffset") == 5.5);
  const json::value users = json::parse(R"({"data":[
      {"id":345,"name":"Jane Doe","email":"jane@example.test"},
      {"id":346,"first_name":"Ada","last_name":"Lovelace"},"junk"]})");
  CHECK(json::value(UserList(users)) ==
        json::parse(R"([{"id":345,"name":"Jane Doe","email":"jane@example.test"},
                        {"id":346,"name":"Ada Lovelace","email":null}])"));
}

TEST_CASE("clio mapping: contacts with their matters", "[clio]") {
  const json::value open = json::parse(
      R"({"id":7001,"display_number":"00001-Lovelace","description":"Engine patent","status":"Open"})");
  const json::value closed = json::parse(
      R"({"id":7002,"display_number":"00002-Lovelace","description":null,"status":"Closed"})");
  CHECK_FALSE(MatterOption(closed, false, true));
  auto with_status = MatterOption(closed, true, true);
  REQUIRE(with_status);
  CHECK(json::value(*with_status) ==
        json::parse(R"({"const":7002,"title":"00002-Lovelace","description":"Closed - null",
                        "status":"Closed"})"));
  auto plain = MatterOption(open, false, false);
  REQUIRE(plain);
  CHECK(json::value(*plain) == json::parse(R"({"const":7001,"title":"00001-Lovelace",
      "description":"Engine patent","status":"Open"})"));
  CHECK(MatterOption(json::parse(R"({"id":1})"), false, true)->at("description") ==
        "undefined - undefined");

  const json::object contact = Obj(R"({"id":1001,"name":"Ada Lovelace","type":"Person",
      "created_at":"2025-01-02T03:04:05Z","updated_at":"2026-02-03T04:05:06Z",
      "primary_email_address":"ada@example.test","primary_phone_number":"+14155550642"})");
  CHECK(json::value(PhoneContact(contact, "+14155550642", json::array{*plain})) ==
        json::parse(R"({"id":1001,"name":"Ada Lovelace","phone":"+14155550642","type":"Person",
            "createdDate":"2025-01-02T03:04:05Z","mostRecentActivityDate":"2026-02-03T04:05:06Z",
            "additionalInfo":{"logTimeEntry":true,
              "billableStatus":[{"const":"billable","title":"Billable"},
                                {"const":"non-billable","title":"Non-billable"}],
              "matters":[{"const":7001,"title":"00001-Lovelace","description":"Engine patent",
                          "status":"Open"}]}})"));
  CHECK(json::value(NamedContact(Obj(R"({"id":1002,"name":"Grace Hopper"})"), {})) ==
        json::parse(R"({"id":1002,"name":"Grace Hopper","type":"contact","phone":"","email":"",
            "createdDate":null,"mostRecentActivityDate":null,
            "additionalInfo":{"logTimeEntry":true}})"));
  CHECK(NamedContact(contact, json::array{*plain}).at("additionalInfo").as_object().size() == 3);
}

TEST_CASE("clio mapping: call communications and their time entries", "[clio]") {
  const json::object in = Obj(R"({"user":{"id":"345-clio"},
      "callLog":{"direction":"Outbound","startTime":1767323045000,"duration":90},
      "contactInfo":{"id":1001,"name":"Ada Lovelace","phoneNumber":"+14155550642"},
      "additionalSubmission":{"matters":7001,"billableStatus":"billable"}})");
  CHECK(json::value(CallCommunication(in, "2026-01-02T03:04:05.000Z", "- Note: hi\n")) ==
        json::parse(R"({"subject":"[Call] Outbound Call to Ada Lovelace [+14155550642]",
            "body":"- Note: hi\n","type":"PhoneCommunication",
            "received_at":"2026-01-02T03:04:05.000Z",
            "senders":[{"id":"345","type":"User"}],
            "receivers":[{"id":1001,"type":"Contact"}],
            "notification_event_subscribers":[{"user_id":"345"}],
            "matter":{"id":7001}})"));
  CHECK(json::value(CallTimeEntry(in, json::value(9001), "2026-01-02T03:04:05.000Z", "d")) ==
        json::parse(R"({"communication":{"id":9001},"quantity":90,
            "date":"2026-01-02T03:04:05.000Z","type":"TimeEntry","non_billable":false,
            "note":"d","matter":{"id":7001}})"));
  // Inbound, no matter: the contact sends; the user's default decides billing (non-billable).
  const json::object inbound = Obj(R"({"user":{"id":"345-clio"},
      "callLog":{"direction":"Inbound","customSubject":"Custom"},"contactInfo":{"id":1001}})");
  const json::object data = CallCommunication(inbound, "t", "b");
  CHECK(data.at("subject") == "Custom");
  CHECK(data.at("senders") == json::parse(R"([{"id":1001,"type":"Contact"}])"));
  CHECK_FALSE(data.contains("matter"));
  CHECK(CallTimeEntry(inbound, json::value(1), "t", "b").at("non_billable") == true);
  CHECK(NonBillable(Obj(R"({"userSettings":{"clioDefaultNonBillableTick":{"value":false}}})"),
                    {}) == false);
  CHECK(TimeEntriesEnabled(Obj(R"({})")));
  CHECK_FALSE(
      TimeEntriesEnabled(Obj(R"({"userSettings":{"clioTimeEntriesEnabled":{"value":"FALSE"}}})")));
  CHECK(CommunicationId(Obj(R"({"thirdPartyLogId":"9001.2"})")) == "9001");
}

TEST_CASE("clio mapping: call logs read back and updated", "[clio]") {
  const json::object comm = Obj(R"({"id":9001,"subject":"[Call] Inbound Call from Ada",
      "body":"- Note: Asked about the engine\n- Duration: 1 minute\n","matter":{"id":7001},
      "senders":[{"id":1001,"type":"Contact"}],"receivers":[{"id":345,"type":"User"}]})");
  json::object expected{{"subject", "[Call] Inbound Call from Ada"},
                        {"note", "Asked about the engine"},
                        {"fullBody", "- Note: Asked about the engine\n- Duration: 1 minute\n"},
                        {"fullLogResponse", comm}};
  CHECK(CallLogInfo(comm) == expected);
  REQUIRE(CallContactId(comm));
  CHECK(*CallContactId(comm) == 1001);
  CHECK(json::value(CallDispositions(comm)) == json::parse(R"({"matters":7001})"));
  CHECK_FALSE(CallContactId(Obj(R"({"senders":[{"id":1,"type":"User"}],"receivers":[]})")));

  const json::object in = Obj(R"({"subject":"New subject",
      "additionalSubmission":{"isAssignedToUser":true,"adminAssignedUserRcId":"777"},
      "adminConfig":{"userMappings":[{"rcExtensionId":"777","crmUserId":346}]},
      "existingCallLogDetails":{"senders":[{"id":1001,"type":"Contact"}],
                                "receivers":[{"id":345,"type":"User"}]}})");
  CHECK(json::value(UpdatedCommunication(in, "body", "2026-01-02T03:04:05.000Z")) ==
        json::parse(R"({"body":"body","subject":"New subject",
            "receivers":[{"id":346,"type":"User"}],"received_at":"2026-01-02T03:04:05.000Z"})"));
  CHECK(json::value(UpdatedCommunication(Obj(R"({"subject":""})"), "b", "")) ==
        json::parse(R"({"body":"b"})"));
}

TEST_CASE("clio mapping: message communications and SMS time", "[clio]") {
  const json::object in = Obj(R"({"user":{"id":"345-clio","timezoneOffset":"-5",
        "userSettings":{"smsTimeTrackingEnabled":{"value":true},
                        "smsTimeTrackingMinimumDuration":{"value":"45"},
                        "smsTimeTrackingDefaultBillable":{"value":"non-billable"}}},
      "contactInfo":{"id":1001,"name":"Ada Lovelace","phoneNumber":"+14155550642"},
      "message":{"direction":"Outbound","subject":"Hi","creationTime":1767323045000,
                 "typingDurationMs":61500},
      "correspondents":[{"name":"Grace"}],"additionalSubmission":{"matters":7001}})");
  CHECK(ConversationBody(in, "Jane Doe", 1767323045000, "Hi") ==
        "\nConversation summary\nThursday, January 01, 2026\nParticipants\n    Jane Doe\n"
        "    Ada Lovelace\n    Grace\nConversation(1 messages)\nBEGIN\n------------\n"
        "Jane Doe 10:04 PM\nHi\n------------\nEND\n\n--- Created via RingCentral App Connect");
  CHECK(AppendMessage("Conversation(9 messages)\n------------\nEND", "line\n") ==
        "Conversation(10 messages)\nline\n------------\nEND");
  CHECK(json::value(MessageCommunication(in, "S", "B", 1767323045000)) ==
        json::parse(R"({"subject":"S","body":"B","type":"PhoneCommunication",
            "received_at":"2026-01-02T03:04:05.000Z",
            "senders":[{"id":1001,"type":"Contact"}],"receivers":[{"id":"345","type":"User"}],
            "notification_event_subscribers":[{"user_id":"345"}],"matter":{"id":7001}})"));
  auto entry = SmsTimeEntry(in, "9001", 0);
  REQUIRE(entry);
  CHECK(json::value(*entry) ==
        json::parse(R"({"type":"TimeEntry","date":"2026-01-02","quantity":61.5,
            "note":"SMS message with Ada Lovelace sent on 01/01/2026 at 22:04:05",
            "communication":{"id":"9001"},"non_billable":true,"matter":{"id":7001}})"));
  json::object quick = in;
  quick["message"].as_object()["typingDurationMs"] = 1000;
  CHECK(SmsTimeEntry(quick, "1", 0)->at("quantity") == 45);
  quick["message"].as_object()["direction"] = "Inbound";
  CHECK_FALSE(SmsTimeEntry(quick, "1", 0));
}

TEST_CASE("clio mapping: calendar entries and appointments", "[clio]") {
  const json::value entry = json::parse(R"({"id":6001,"summary":"Review",
      "description":"Patent review","start_at":"2026-01-02T15:00:00Z",
      "end_at":"2026-01-02T15:30:00Z","attendees":[{"id":1001,"name":"Ada Lovelace",
      "type":"Contact"}],"external_properties":[{"name":"rcAppointmentStatus","value":"confirmed"}]})");
  CHECK(json::value(Appointment(&entry)) ==
        json::parse(R"({"id":"6001","participantName":"Ada Lovelace","contactId":"1001",
            "contactType":"Contact","attendeeIds":["1001"],"title":"Review",
            "summary":"Patent review","startTimeUtc":"2026-01-02T15:00:00Z",
            "durationMinutes":30,"status":"confirmed"})"));
  const json::value listed = json::parse(R"({"data":[)" + json::serialize(entry) +
                                         R"(,{"id":6002,"start_at":"2026-02-01T00:00:00Z"}]})");
  const json::value range = json::parse(R"({"startDate":"2026-01-02","endDate":"2026-01-02"})");
  CHECK(json::value(ListedAppointments(listed, &range)) ==
        json::parse(R"([{"thirdPartyAppointmentId":"6001","id":"6001","title":"Review",
            "description":"Patent review","participantName":"","startTimeUtc":"2026-01-02T15:00:00.000Z",
            "durationMinutes":30,"status":"scheduled","contactId":"",
            "attendees":[{"id":1001,"name":"Ada Lovelace","type":"Contact"}]}])"));
  CHECK(ListedAppointments(listed, nullptr).size() == 2);

  CHECK(json::value(NewCalendarEntry(Obj(R"({"startTimeUtc":"2026-01-02T15:00:00Z",
      "durationMinutes":45,"contacts":[1001,"1001",{"id":"1002"},"x"]})"),
                                     json::value(51))) ==
        json::parse(R"({"calendar_owner":{"id":51},"summary":"Appointment","description":"",
            "start_at":"2026-01-02T15:00:00Z","end_at":"2026-01-02T15:45:00.000Z",
            "send_email_notification":false,
            "attendees":[{"id":1001,"type":"Contact"},{"id":1002,"type":"Contact"}]})"));
  CHECK(json::value(CalendarEntryPatch(Obj(R"({"title":"New","contacts":[1002]})"), &entry)) ==
        json::parse(R"({"summary":"New","attendees":[{"id":1001,"type":"Contact","_destroy":true},
                                                     {"id":1002,"type":"Contact"}]})"));
  CHECK(EndAt("not a time", nullptr).is_null());
  CHECK(DurationMinutes(1000, 0) == 0);
}
