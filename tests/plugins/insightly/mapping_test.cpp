// Insightly's mapping functions on the JSON Insightly answers (shapes as in
// tests/support/fake_insightly.cpp), whole documents compared, no sockets.
#include <catch2/catch.hpp>

#include "insightly/mapping.h"

namespace json = boost::json;
using namespace insightly;

namespace {

json::object Obj(const char* text) {
  return json::parse(text).as_object();
}

}  // namespace

TEST_CASE("insightly mapping: a contact record with its link options", "[insightly]") {
  const json::object ada = Obj(R"({"CONTACT_ID":101,"FIRST_NAME":"Ada","LAST_NAME":"Lovelace",
      "PHONE":"4155550642","PHONE_MOBILE":null,"TITLE":"CTO",
      "DATE_CREATED_UTC":"2025-01-02 03:04:05","DATE_UPDATED_UTC":"2026-02-03 04:05:06",
      "LAST_ACTIVITY_DATE_UTC":null,"LINKS":[],"CUSTOMFIELDS":[]})");
  json::object additional;
  AddLinkOption(additional, kLinkKinds[0],
                Obj(R"({"ORGANISATION_ID":301,"ORGANISATION_NAME":"Analytical Engines Ltd"})"));
  AddLinkOption(additional, kLinkKinds[0], Obj(R"({"ORGANISATION_ID":302})"));
  AddLinkOption(additional, kLinkKinds[2],
                Obj(R"({"PROJECT_ID":501,"PROJECT_NAME":"Difference Engine"})"));
  // A null LAST_ACTIVITY_DATE_UTC falls back to DATE_UPDATED_UTC; a null phone stays null.
  CHECK(json::value(FormatRecord(ada, Person::kContact, "PHONE_MOBILE", additional)) ==
        json::parse(R"({"id":101,"name":"Ada Lovelace","phone":null,"title":"CTO",
            "createdDate":"2025-01-02 03:04:05","mostRecentActivityDate":"2026-02-03 04:05:06",
            "additionalInfo":{
              "organisation":[{"title":"Analytical Engines Ltd","const":301},
                              {"title":null,"const":302}],
              "project":[{"title":"Difference Engine","const":501}]},
            "type":"Contact"})"));
}

TEST_CASE("insightly mapping: leads, custom phone fields and missing fields", "[insightly]") {
  const json::object alan = Obj(R"({"CONTACT_ID":103,"FIRST_NAME":"Alan","LAST_NAME":null,
      "PHONE":"4155551111","LINKS":[],
      "CUSTOMFIELDS":[{"FIELD_NAME":"Other_Phone__c","FIELD_VALUE":"4155557777"}]})");
  // Absent keys stay absent (no title, no dates); a null last name prints as "".
  CHECK(json::value(FormatRecord(alan, Person::kContact, "Other_Phone__c", {})) ==
        json::parse(R"({"id":103,"name":"Alan ","phone":"4155557777","additionalInfo":{},
                        "type":"Contact"})"));
  const json::object mary = Obj(R"({"LEAD_ID":3302,"FIRST_NAME":"Mary","LAST_NAME":"Jackson",
      "PHONE":"4155550642","MOBILE":null,"DATE_CREATED_UTC":"2026-01-05 10:00:00"})");
  CHECK(json::value(FormatRecord(mary, Person::kLead, "MOBILE", {})) ==
        json::parse(R"({"id":3302,"name":"Mary Jackson","phone":null,
            "createdDate":"2026-01-05 10:00:00","additionalInfo":{},"type":"Lead"})"));
  CHECK(PersonOf("leadMobile") == Person::kLead);
  CHECK(PersonOf("Contact") == Person::kContact);
  CHECK(PersonOf("organisation") == Person::kNone);
  CHECK(IdNumber(json::value("42")) == json::value(42));
  CHECK(IdNumber(json::value("u42")) == json::value("u42"));
}

TEST_CASE("insightly mapping: the login's user and settings", "[insightly]") {
  CHECK(PodOrigin("https://api.na1.insightly.com/v3.1/") == "https://api.na1.insightly.com");
  CHECK(PodOrigin("https://api.na1.insightly.com//") == "https://api.na1.insightly.com");
  const json::object me = Obj(R"({"USER_ID":42,"FIRST_NAME":"Jane","LAST_NAME":"Doe",
      "EMAIL_ADDRESS":"jane@example.test","TIMEZONE_ID":"Eastern Standard Time"})");
  CHECK(json::value(PlatformUser(me, "Eastern Standard Time", -300,
                                 Obj(R"({"apiUrl":"https://api.na1.insightly.com"})"))) ==
        json::parse(R"({"id":"42-insightly","name":"Jane Doe",
            "timezoneName":"Eastern Standard Time","timezoneOffset":-5,
            "platformAdditionalInfo":{"apiUrl":"https://api.na1.insightly.com"}})"));
  const json::value half = PlatformUser(me, "India Standard Time", 330, {});
  CHECK(half.at("timezoneOffset").is_double());
  CHECK(half.at("timezoneOffset").as_double() == 5.5);
  const json::object user = Obj(R"({"userSettings":{
      "insightlyExtraPhoneFieldNameForContact":{"value":" Other_Phone__c , ,Home__c"}}})");
  CHECK(SettingList(user, "insightlyExtraPhoneFieldNameForContact") ==
        std::vector<std::string>{"Other_Phone__c", "Home__c"});
  CHECK(SettingList(user, "insightlyExtraPhoneFieldNameForLead").empty());
}

TEST_CASE("insightly mapping: call events written and read back", "[insightly]") {
  const json::object in = Obj(R"({
      "callLog":{"direction":"Inbound","startTime":1767323045000,"duration":90},
      "contactInfo":{"id":101,"name":"Ada Lovelace","type":"Contact"},
      "composedLogDetails":"- Note: Asked about the engine\n- Duration: 1 minute 30 seconds\n",
      "additionalSubmission":{"isAssignedToUser":true,"adminAssignedUserRcId":"777"},
      "adminConfig":{"userMappings":[{"rcExtensionId":["777"],"crmUserId":"43"}]}})");
  CHECK(json::value(CallEvent(in, 0)) == json::parse(R"({"TITLE":"Inbound Call from Ada Lovelace",
            "DETAILS":"- Note: Asked about the engine\n- Duration: 1 minute 30 seconds\n",
            "START_DATE_UTC":"2026-01-02T03:04:05.000Z","END_DATE_UTC":"2026-01-02T03:05:35.000Z",
            "OWNER_USER_ID":43})"));
  const json::object event = Obj(R"({"EVENT_ID":9001,"TITLE":"Inbound Call from Ada Lovelace",
      "DETAILS":"- Note: Asked about the engine\n- Duration: 1 minute\n",
      "LINKS":[{"LINK_ID":1,"LINK_OBJECT_NAME":"Contact","LINK_OBJECT_ID":101},
               {"LINK_ID":2,"LINK_OBJECT_NAME":"Organisation","LINK_OBJECT_ID":301},
               {"LINK_ID":3,"LINK_OBJECT_NAME":"Opportunity","LINK_OBJECT_ID":401}]})");
  json::object expected{{"subject", "Inbound Call from Ada Lovelace"},
                        {"fullBody", "- Note: Asked about the engine\n- Duration: 1 minute\n"},
                        {"fullLogResponse", event},
                        {"note", "Asked about the engine"}};
  CHECK(CallLogInfo(event) == expected);
  auto person = LoggedPerson(event);
  REQUIRE(person);
  CHECK(person->first == Person::kContact);
  CHECK(person->second == "101");
  CHECK(json::value(EventDispositions(event)) ==
        json::parse(R"({"organisation":301,"opportunity":401})"));
  CHECK_FALSE(LoggedPerson(Obj(R"({"LINKS":[{"LINK_OBJECT_NAME":"Project"}]})")));
}

TEST_CASE("insightly mapping: call log updates keep or replace the title", "[insightly]") {
  const json::object current = Obj(R"({"TITLE":"Old title"})");
  CHECK(
      json::value(UpdatedCallEvent(Obj(R"({"composedLogDetails":"new"})"), "9001", &current, 0)) ==
      json::parse(R"({"EVENT_ID":"9001","DETAILS":"new","TITLE":"Old title"})"));
  CHECK(json::value(UpdatedCallEvent(
            Obj(R"({"subject":"New","startTime":"2026-01-02T03:04:05Z","duration":"-3"})"), "7",
            nullptr, 0)) == json::parse(R"({"EVENT_ID":"7","DETAILS":"","TITLE":"New",
            "START_DATE_UTC":"2026-01-02T03:04:05.000Z",
            "END_DATE_UTC":"2026-01-02T03:04:05.000Z"})"));
}

TEST_CASE("insightly mapping: message conversations", "[insightly]") {
  const json::object in = Obj(R"({
      "contactInfo":{"id":101,"name":"Ada Lovelace","phoneNumber":"+14155550642"},
      "message":{"direction":"Inbound","subject":"Hello","creationTime":1767323045000},
      "correspondents":[[{"name":"Grace"}],{"phoneNumber":"+1415"}]})");
  const EventText sms = NewConversation(in, "Jane Doe", 0);
  CHECK(sms.title == "SMS conversation with Ada Lovelace - 26/01/02");
  CHECK(sms.details ==
        "\nConversation summary\nFriday, January 02, 2026\nParticipants\n    Jane Doe\n"
        "    Ada Lovelace\n    Grace\n    Unknown\nConversation(1 messages)\nBEGIN\n"
        "------------\nAda Lovelace (+14155550642) 03:04 AM\nHello\n\n------------\nEND\n\n"
        "--- Created via RingCentral App Connect");
  CHECK(sms.when == 1767323045000);
  CHECK_FALSE(SharedConversation(in, 0));
  json::object voicemail = in;
  voicemail["recordingLink"] = "https://media.example/vm/1";
  CHECK(NewConversation(voicemail, "Jane Doe", 0).details ==
        "Voicemail recording link: https://media.example/vm/1 \n\n--- Created via RingCentral "
        "App Connect");
  json::object shared = in;
  shared["sharedSMSLogContent"] =
      json::object{{"subject", "Shared"}, {"body", "All of it"}, {"conversationCreatedDate", 1000}};
  auto text = SharedConversation(shared, 0);
  REQUIRE(text);
  CHECK(text->title == "Shared");
  CHECK(text->details == "All of it");
  CHECK(text->when == 1000);

  const std::string line = MessageLine(json::parse(R"({"direction":"Outbound","subject":"Bye",
      "creationTime":1767323105000})")
                                           .as_object(),
                                       in.at("contactInfo").as_object(), "Jane Doe");
  CHECK(line == "Jane Doe 03:05 AM\nBye\n");
  CHECK(AppendMessage(sms.details, line) ==
        "\nConversation summary\nFriday, January 02, 2026\nParticipants\n    Jane Doe\n"
        "    Ada Lovelace\n    Grace\n    Unknown\nConversation(2 messages)\nBEGIN\n"
        "------------\nAda Lovelace (+14155550642) 03:04 AM\nHello\n\nJane Doe 03:05 AM\nBye\n"
        "------------\nEND\n\n--- Created via RingCentral App Connect");
  CHECK(AppendMessage("no markers", line) == "no markers");
}
