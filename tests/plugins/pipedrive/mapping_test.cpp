// Pipedrive's mapping functions on the JSON Pipedrive answers (shapes as in
// tests/support/fake_pipedrive.cpp), whole documents compared, no sockets.
#include <catch2/catch.hpp>

#include "pipedrive/mapping.h"

namespace json = boost::json;
using namespace pipedrive;

namespace {

json::object Obj(const char* text) {
  return json::parse(text).as_object();
}

}  // namespace

TEST_CASE("pipedrive mapping: the login's user and the user list", "[pipedrive]") {
  const json::object me = Obj(R"({"id":12345,"name":"Jane Doe","email":"jane@testcompany.example",
      "timezone_name":"America/New_York","timezone_offset":"-05:00","company_id":1,
      "company_name":"Test Company","company_domain":"testcompany","locale":"en_US"})");
  CHECK(json::value(PlatformUser(me, Obj(R"({"hostname":"temp"})"))) ==
        json::parse(R"({"id":"12345-pipedrive","name":"Jane Doe",
            "timezoneName":"America/New_York","timezoneOffset":"-05:00",
            "platformAdditionalInfo":{"companyId":1,"companyName":"Test Company",
                                      "companyDomain":"testcompany"},
            "overridingHostname":"testcompany.pipedrive.com"})"));
  // A company host already given stays; no company domain: the token answer's api_domain.
  CHECK(PlatformUser(me, Obj(R"({"hostname":"https://testcompany.pipedrive.com/"})"))
            .at("overridingHostname")
            .is_null());
  const json::object bare = Obj(R"({"id":7,"name":null})");
  CHECK(json::value(
            PlatformUser(bare, Obj(R"({"data":{"api_domain":"https://other.pipedrive.com"}})"))) ==
        json::parse(R"({"id":"7-pipedrive","name":null,"timezoneName":null,"timezoneOffset":null,
            "platformAdditionalInfo":{},"overridingHostname":"other.pipedrive.com"})"));
  CHECK_FALSE(IsPipedriveHost("evil.example/.pipedrive.com"));
  CHECK_FALSE(IsPipedriveHost(".pipedrive.com"));
  CHECK(IsPipedriveHost("http://Acme-1.Pipedrive.com//"));

  const json::value users = json::parse(R"({"success":true,"data":[
      {"id":12345,"name":"Jane Doe","email":"jane@x.example","is_deleted":false,"active_flag":true},
      {"id":12346,"name":"Gone","email":"g@x.example","is_deleted":true},
      {"id":12347,"name":"No mail"}]})");
  CHECK(json::value(UserList(users)) ==
        json::parse(R"([{"id":12345,"name":"Jane Doe","email":"jane@x.example"},
                        {"id":12347,"name":"No mail"}])"));
}

TEST_CASE("pipedrive mapping: a found person with deals and leads", "[pipedrive]") {
  const json::object item = Obj(R"({"id":201,"type":"person","name":"Ada Lovelace",
      "phones":["+14155550642"],"emails":[],"visible_to":3,"owner":{"id":12345},
      "organization":{"id":301,"name":"Analytical Engines Ltd","address":null},
      "custom_fields":[],"notes":[],"add_time":"2025-01-02T03:04:05Z",
      "update_time":"2026-02-03T04:05:06Z"})");
  const json::value deals = json::parse(R"({"success":true,"data":[
      {"id":501,"title":"Engine deal","status":"open"},{"id":502}]})");
  json::object additional{{"deals", Options(DataOf(deals))}};
  const std::string phone = "+14155550642";
  CHECK(json::value(PersonContact(item, &phone, additional)) ==
        json::parse(R"({"id":201,"name":"Ada Lovelace","phone":"+14155550642",
            "createdDate":"2025-01-02T03:04:05Z","mostRecentActivityDate":"2026-02-03T04:05:06Z",
            "organization":"Analytical Engines Ltd","type":"contact",
            "additionalInfo":{"deals":[{"const":501,"title":"Engine deal"},
                                       {"const":502,"title":null}]}})"));
  const json::object no_org = Obj(R"({"id":202,"name":"Grace Hopper","organization":null})");
  CHECK(json::value(PersonContact(no_org, nullptr, {})) ==
        json::parse(R"({"id":202,"name":"Grace Hopper","organization":"","type":"contact",
                        "additionalInfo":{}})"));
  CHECK(Options(nullptr).empty());
}

TEST_CASE("pipedrive mapping: call activities written, found and read back", "[pipedrive]") {
  const json::object in = Obj(R"({"user":{"id":"12345-pipedrive"},
      "callLog":{"direction":"Outbound","startTime":1767323045000,"duration":61},
      "contactInfo":{"id":201,"name":"Ada Lovelace"},
      "composedLogDetails":"<b>Agent notes</b><br>Call back<br><b>Call details</b>",
      "additionalSubmission":{"leads":"lead-9"}})");
  const json::object activity = CallActivity(in, json::value(301), std::nullopt, 0, "call");
  CHECK(json::serialize(activity) ==
        R"({"owner_id":12345,"subject":"Outbound Call to Ada Lovelace","duration":"00:02",)"
        R"("note":"<b>Agent notes</b><br>Call back<br><b>Call details</b>","done":true,)"
        R"("due_date":"2026-01-02","due_time":"03:04","participants":[{"person_id":201,)"
        R"("primary":true}],"lead_id":"lead-9","org_id":301,"type":"call"})");
  // Without a submission: empty deal and lead, the deal key first; an assigned owner wins.
  json::object plain = in;
  plain.erase("additionalSubmission");
  const json::object assigned = CallActivity(plain, json::value(""), json::value(42), 0, "call");
  CHECK(assigned.at("owner_id") == 42);
  CHECK(assigned.at("deal_id") == "");
  CHECK_FALSE(assigned.contains("lead_id"));
  CHECK_FALSE(assigned.contains("org_id"));

  json::value listed = json::parse(R"({"success":true,"data":[
      {"id":1,"subject":"Outbound Call to Ada Lovelace","due_date":"2026-01-02",
       "due_time":"03:05","duration":"00:02"},
      {"id":2,"subject":"Outbound Call to Ada Lovelace","due_date":"2026-01-02",
       "due_time":"03:04","duration":"00:02"}]})");
  const json::value* found = FindCallActivity(listed, in.at("callLog").as_object(),
                                              in.at("contactInfo").as_object(), 1767323045000);
  REQUIRE(found);
  CHECK(found->at("id") == 2);
  CHECK_FALSE(
      FindCallActivity(listed, in.at("callLog").as_object(), in.at("contactInfo").as_object(), 0));

  const json::value answer = json::parse(R"({"success":true,"data":{"id":2,
      "subject":"Outbound Call to Ada Lovelace","note":"<b>Agent notes</b><br>Call back<br><b>Call details</b>",
      "deal_id":null,"lead_id":"lead-9"},
      "related_objects":{"person":{"201":{"id":201,"name":"Ada Lovelace"}}}})");
  CHECK(json::value(CallLogInfo(answer)) ==
        json::parse(R"({"subject":"Outbound Call to Ada Lovelace","note":"Call back",
            "contactName":"Ada Lovelace",
            "fullBody":"<b>Agent notes</b><br>Call back<br><b>Call details</b>",
            "fullLogResponse":{"id":2,"subject":"Outbound Call to Ada Lovelace",
              "note":"<b>Agent notes</b><br>Call back<br><b>Call details</b>",
              "deal_id":null,"lead_id":"lead-9"},
            "dispositions":{"deals":null,"leads":"lead-9"}})"));
  CHECK(json::value(CallLogInfo(json::parse(R"({"success":false,"data":null})"))) ==
        json::parse(R"({"subject":null,"note":"","contactName":"Unknown","fullBody":"",
                        "fullLogResponse":null,"dispositions":{}})"));
  CHECK(json::value(UpdatedCallActivity(
            Obj(R"({"composedLogDetails":null,"subject":"","duration":3600})"), json::value(7))) ==
        json::parse(R"({"note":null,"duration":"01:01","owner_id":7})"));
}

TEST_CASE("pipedrive mapping: durations, owners and numbers", "[pipedrive]") {
  const json::value secs0(0), secs59(59), secs3599(3599), text("60");
  CHECK(Duration(&secs0) == "00:01");
  CHECK(Duration(&secs59) == "00:01");
  CHECK(Duration(&secs3599) == "01:00");
  CHECK(Duration(&text) == "00:00");
  CHECK(Duration(nullptr) == "00:00");
  CHECK(OwnerId(Obj(R"({"id":"12345-pipedrive"})")) == 12345);
  CHECK(OwnerId(Obj(R"({"id":"abc"})")).is_null());
  CHECK(NumberOf(json::value("1.5")) == 1.5);
  CHECK(AgentNote("<b>Agent notes</b><br>a<br>b<b>Call details</b>") == "ab");
  CHECK(AgentNote("<b>Agent notes</b> no end") == "");
}

TEST_CASE("pipedrive mapping: message activities and conversations", "[pipedrive]") {
  const json::object in = Obj(R"({"user":{"id":"12345-pipedrive","timezoneOffset":"-05:00"},
      "contactInfo":{"id":201,"name":"Ada Lovelace","phoneNumber":"+14155550642"},
      "message":{"direction":"Inbound","subject":"Hi","creationTime":1767323045000},
      "correspondents":[{"name":"Grace"}],
      "additionalSubmission":{"deals":501}})");
  const MessageText sms = MessageNote(in, "Jane Doe", 0);
  CHECK(sms.subject == "SMS conversation with Ada Lovelace - 26/01/01");
  CHECK(sms.note ==
        "<br><b>SMS conversation with Ada Lovelace - 26/01/01</b><br><b>Conversation "
        "summary</b><br>Thursday, January 01, 2026<br>Participants<br><ul><li><b>Jane "
        "Doe</b><br></li><li><b>Ada Lovelace</b></li><li><b>Grace</b></li></ul><br>"
        "Conversation(1 messages)<br>BEGIN<br>------------<br><ul><li>Ada Lovelace "
        "(+14155550642) 10:04 PM<br><b>Hi</b></li></ul>------------<br>END<br><br>--- Created "
        "via RingCentral App Connect");
  CHECK(json::serialize(MessageActivity(in, sms, json::value(""), 0, "sms")) ==
        R"({"owner_id":12345,"subject":"SMS conversation with Ada Lovelace - 26/01/01",)"
        R"("deal_id":501,"note":)" +
            json::serialize(json::value(sms.note)) +
            R"(,"done":true,"due_date":"2026-01-02","due_time":"03:04","type":"sms",)"
            R"("participants":[{"person_id":201,"primary":true}]})");
  json::object fax = in;
  fax["faxDocLink"] = "https://fax.example/1";
  CHECK(MessageNote(fax, "Jane Doe", 0).note ==
        "<br><b>Fax document sent from Ada Lovelace - 26/01/01</b><br>Fax document link: "
        "https://fax.example/1 <br><br>--- Created via RingCentral App Connect");

  const std::string item = MessageItem(Obj(R"({"direction":"Outbound","subject":"Bye",
      "creationTime":1767323105000})"),
                                       in.at("contactInfo").as_object(), "Jane Doe", -300);
  CHECK(item == "<li>Jane Doe 10:05 PM<br><b>Bye</b></li>");
  const std::string grown = AppendMessageItem(sms.note, item);
  CHECK(grown.find("Conversation(2 messages)") != std::string::npos);
  CHECK(grown.find("<b>Hi</b></li><li>Jane Doe 10:05 PM<br><b>Bye</b></li></ul>------------") !=
        std::string::npos);
  CHECK(json::value(UpdatedMessageActivity(in, "n")) ==
        json::parse(R"({"note":"n","deal_id":501})"));
  CHECK(json::value(UpdatedMessageActivity(Obj(R"({"additionalSubmission":{"leads":"l"}})"),
                                           "n")) == json::parse(R"({"note":"n","lead_id":"l"})"));
}

TEST_CASE("pipedrive mapping: activity types", "[pipedrive]") {
  const json::value answer = json::parse(R"({"success":true,"data":[
      {"id":1,"name":"Call","key_string":"call","active_flag":true},
      {"id":2,"name":"Old SMS","key_string":"old_sms","active_flag":false},
      {"id":3,"name":"Text SMS","key_string":"text_sms","active_flag":true}]})");
  const json::array types = ActiveActivityTypes(answer);
  CHECK(json::value(types) == json::parse(R"([{"const":"call","title":"Call"},
                                              {"const":"text_sms","title":"Text SMS"}])"));
  CHECK(TypeByKeyword(types, "sms") == std::optional<std::string>("text_sms"));
  CHECK_FALSE(TypeByKeyword(types, "meeting"));
  CHECK(TypeByConst(types, "call") == std::optional<std::string>("call"));
  CHECK_FALSE(TypeByConst(types, "old_sms"));
  const json::object in = Obj(R"({
      "adminConfig":{"userSettings":{"pipedriveCallActivityType":{"value":"admin_call"}}},
      "user":{"userSettings":{"pipedriveCallActivityType":{"value":"user_call"},
                              "pipedriveSMSActivityType":{"value":"user_sms"}}}})");
  CHECK(ConfiguredActivityType(in, "pipedriveCallActivityType") == "admin_call");
  CHECK(ConfiguredActivityType(in, "pipedriveSMSActivityType") == "user_sms");
  CHECK(ConfiguredActivityType(in, "other") == "");
  CHECK(json::value(NoActivityType("Call", "call")) ==
        json::parse(R"({"logId":null,"returnMessage":{"messageType":"error",
            "message":"Call logging requires an active activity type containing the word \"call\" (case insensitive), or one explicitly assigned by an admin under Admin > Account settings.",
            "ttl":2000}})"));
}
