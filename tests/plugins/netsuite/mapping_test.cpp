// NetSuite's mapping functions on the JSON and text NetSuite answers (shapes as in
// tests/support/fake_netsuite.cpp), whole documents and texts compared, no sockets.
#include <catch2/catch.hpp>

#include "netsuite/mapping.h"

namespace json = boost::json;
using namespace netsuite;

namespace {

json::object Obj(const char* text) {
  return json::parse(text).as_object();
}

}  // namespace

TEST_CASE("netsuite mapping: accounts, errors and record ids", "[netsuite]") {
  CHECK(AccountOf("1234567.app.netsuite.com") == "1234567");
  CHECK(AccountOf("1234567-SB1.app.netsuite.com") == "1234567-sb1");
  CHECK(AccountOf("tstdrv_99") == "tstdrv_99");
  // A label that would move the token to another host is no account.
  CHECK_FALSE(AccountOf("evil:443/x.app.netsuite.com"));
  CHECK_FALSE(AccountOf("a@b.app.netsuite.com"));
  CHECK_FALSE(AccountOf("evil/.app.netsuite.com"));
  CHECK_FALSE(AccountOf(".app.netsuite.com"));
  CHECK_FALSE(AccountOf(std::string(64, 'a')));
  CHECK(
      ErrorDetail(json::parse(
          R"({"o:errorDetails":[{"detail":"First error detail."},{"detail":"Second error detail."}]})")) ==
      "First error detail. Second error detail.");
  CHECK(ErrorDetail(json::parse(R"({"error":"x"})")).empty());
  CHECK(LastSegment("https://1.suitetalk.api.netsuite.com/services/rest/record/v1/phonecall/201") ==
        "201");
  CHECK(LastSegment("/record/v1/phonecall/201/") == "201");
  CHECK(
      json::value(Warning("Oops", "Why", 3000)) ==
      json::parse(R"({"successful":false,"returnMessage":{"messageType":"warning","message":"Oops",
            "details":[{"title":"Details","items":[{"id":"1","type":"text","text":"Why"}]}],"ttl":3000}})"));
  CHECK(SqlText("O'Brien") == "O''Brien");
}

TEST_CASE("netsuite mapping: the user, permissions and employees", "[netsuite]") {
  const json::value answer = json::parse(
      R"({"permissionResults":{"LIST_CONTACT":true,"LIST_CALL":false,"LIST_SUBSIDIARY":false,"X":false}})");
  CHECK(MissingPermissionsText(answer, false) ==
        "To connect, you need the following specific permissions: List -> Phone Calls -> Full.");
  CHECK(
      MissingPermissionsText(answer, true) ==
      "To connect, you need the following specific permissions: List -> Phone Calls -> Full, List "
      "-> Subsidiaries -> View.");
  CHECK(MissingPermissionsText(json::parse(R"({"permissionResults":{"LIST_CALL":true}})"), true)
            .empty());
  CHECK(json::value(PlatformUser(
            "99011", "ACME",
            json::parse(R"({"id":1,"name":"Jane","email":"j@x.test","subsidiary":"1"})"), true)) ==
        json::parse(R"({"id":"99011-ACME-netsuite","name":"Jane","platformAdditionalInfo":
            {"email":"j@x.test","name":"Jane","subsidiaryId":"1","oneWorldEnabled":true}})"));
  CHECK(json::value(Employees(
            json::parse(R"([{"id":7041,"firstname":"Ada","middlename":"M","lastname":"Mapping",
      "email":"a@x.test"},{"id":7042,"firstname":"No","lastname":"Email","email":null}])")
                .as_array())) ==
        json::parse(R"([{"id":7041,"name":"Ada M Mapping","email":"a@x.test"}])"));
}

TEST_CASE("netsuite mapping: phone and name searches", "[netsuite]") {
  const SearchSettings defaults = SettingsOf(json::object());
  CHECK(defaults.entities == std::vector<std::string>{"contact", "customer", "vendor"});
  CHECK_FALSE(defaults.sales_orders);
  const SearchSettings chosen =
      SettingsOf(Obj(R"({"userSettings":{"phoneFieldsId":{"value":["mobilePhone","altPhone"]},
      "contactsSearchId":{"value":["customer"]},"enableSalesOrderLogging":{"value":true}}})"));
  CHECK(chosen.phone_fields == std::vector<std::string>{"mobilePhone", "altPhone"});
  CHECK(chosen.sales_orders);
  CHECK(PhoneFieldsFor("contact", defaults.phone_fields) ==
        std::vector<std::string>{"phone", "homePhone", "mobilePhone", "officePhone"});
  CHECK(PhoneFieldsFor("vendor", defaults.phone_fields) ==
        std::vector<std::string>{"phone", "homePhone", "mobilePhone", "altPhone"});
  CHECK(RecencyDay(1796137200000) == "2023-12-01");  // 2026-12-01
  CHECK(PhoneQuery("contact", {"phone", "mobilePhone"}, "4155557002", false, "2023-12-01") ==
        "SELECT "
        "id,firstName,middleName,lastName,entitytitle,phone,company,datecreated,lastmodifieddate "
        "FROM contact WHERE lastmodifieddate >= to_date('2023-12-01 00:00:00', 'yyyy-mm-dd "
        "hh24:mi:ss') AND (REGEXP_REPLACE(phone, '[^0-9]', '') LIKE '%4155557002' OR "
        "REGEXP_REPLACE(mobilePhone, '[^0-9]', '') LIKE '%4155557002')");
  CHECK(
      PhoneQuery("vendor", {"phone"}, "(415) 555-'7", true, "2023-12-01") ==
      "SELECT id,firstName,middleName,lastName,entitytitle,phone,datecreated,lastmodifieddate FROM "
      "vendor WHERE lastmodifieddate >= to_date('2023-12-01 00:00:00', 'yyyy-mm-dd hh24:mi:ss') "
      "AND "
      "(phone='(415) 555-''7')");
  CHECK(
      TransactionQuery(json::value("201"), true) ==
      "SELECT * FROM transaction WHERE entity = 201 AND type='SalesOrd' ORDER BY createddate desc");
  CHECK_FALSE(TransactionQuery(json::value("1 OR 1=1"), false));
  CHECK(json::value(TransactionOptions(
            json::parse(R"([{"id":9101,"trandisplayname":"Opportunity #OP1","title":"Engine"}])")
                .as_array(),
            true)) == json::parse(R"([{"const":9101,"title":"Engine"}])"));
  // The reference's spacing: an empty middle name leaves two spaces.
  CHECK(json::value(PhoneMatch("contact", Obj(R"({"id":7012,"firstname":"Grace","middlename":null,
      "lastname":"Hopper","phone":"415-555-7004","datecreated":"d1","lastmodifieddate":"d2"})"),
                               json::object())) ==
        json::parse(R"({"id":7012,"name":"Grace  Hopper","phone":"415-555-7004","homephone":"",
            "mobilephone":"","officephone":"","createdDate":"d1","mostRecentActivityDate":"d2",
            "additionalInfo":{},"type":"contact"})"));
  CHECK(json::value(PhoneMatch("vendor", Obj(R"({"id":301,"entitytitle":"Babbage Parts"})"),
                               json::object{{"salesorder", 1}})) ==
        json::parse(R"({"id":301,"name":"Babbage Parts","phone":"","altphone":"","createdDate":"",
            "mostRecentActivityDate":"","additionalInfo":{},"type":"vendor"})"));

  auto queries = NameQueries(" O'Hara ", {"contact", "customer"});
  REQUIRE(queries.size() == 3);
  CHECK(
      queries[0].sql ==
      "SELECT contact.id, contact.firstname, contact.middlename, contact.lastname, "
      "contact.entitytitle, contact.phone, contact.homephone, contact.mobilephone, "
      "contact.officephone, contact.company, customer.companyname AS companyname FROM contact LEFT "
      "JOIN customer ON contact.company = customer.id WHERE LOWER(contact.firstname) = "
      "LOWER('O''Hara') OR LOWER(contact.lastname) = LOWER('O''Hara') OR "
      "LOWER(contact.entitytitle) = LOWER('O''Hara') OR LOWER(contact.firstname) LIKE "
      "LOWER('%O''Hara%') OR LOWER(contact.lastname) LIKE LOWER('%O''Hara%') OR "
      "LOWER(contact.entitytitle) LIKE LOWER('%O''Hara%')");
  CHECK(queries[2].entity == "customer");
  CHECK(json::value(NameMatch("contact", Obj(R"({"id":7011,"firstname":"Ada","middlename":"M",
      "lastname":"Lovelace","companyname":"Analytical Engines"})"),
                              json::object(), false)) ==
        json::parse(R"x({"id":7011,"name":"Ada M Lovelace - (Analytical Engines)","phone":"",
            "homephone":"","mobilephone":"","officephone":"","additionalInfo":{},"type":"contact"})x"));
  CHECK(NameMatch("customer", Obj(R"({"id":202,"firstname":"Alan","lastname":"Turing"})"),
                  json::object(), false)
            .at("name") == "Alan Turing");
}

TEST_CASE("netsuite mapping: new contacts", "[netsuite]") {
  const SplitName three = Split("  John Robert  Doe ");
  CHECK((three.first == "John" && three.middle == "Robert" && three.last == "Doe"));
  const SplitName four = Split("A B C D");
  CHECK((four.middle == "B C" && four.last == "D"));
  CHECK(json::value(PersonBody(Split("Madonna"), "+1415")) ==
        json::parse(R"({"firstName":"Madonna","middleName":"","lastName":"Madonna",
            "entityId":"Madonna Madonna","phone":"+1415","isPerson":true})"));
  CHECK(json::value(ContactBody(Split("Madonna"), "", json::value("8001"))) ==
        json::parse(R"({"firstName":"Madonna","middleName":"","lastName":"","phone":"",
            "company":{"id":"8001"}})"));
  json::object body;
  AddSubsidiary(body,
                Obj(R"({"platformAdditionalInfo":{"oneWorldEnabled":true,"subsidiaryId":"3"}})"));
  CHECK(json::value(body) == json::parse(R"({"subsidiary":{"id":"3"}})"));
  json::object plain;
  AddSubsidiary(plain,
                Obj(R"({"platformAdditionalInfo":{"oneWorldEnabled":"true","subsidiaryId":"3"}})"));
  CHECK(plain.empty());
  CHECK(PlaceholderCompanyBody(true).at("entityId") == kPlaceholderCompany);
  CHECK_FALSE(PlaceholderCompanyBody(false).contains("entityId"));
}

TEST_CASE("netsuite mapping: call texts and times", "[netsuite]") {
  CHECK(CallSubject(Obj(R"({"callLog":{"direction":"Outbound"},"contactInfo":{"name":"Ada"}})")) ==
        "Outbound Call to Ada");
  CHECK(CallSubject(Obj(R"({"callLog":{"direction":"Inbound","customSubject":""}})")).empty());
  // 2026-03-12T14:35:20Z in New York (UTC-4 then), 487 s.
  const json::value duration = 487;
  CallTimes t = TimesOf(1773326120000, &duration, -240);
  CHECK(t.start_date == "2026-03-12");
  CHECK(t.start_time == "10:35");
  CHECK(t.end_time == "10:43");
  CHECK(t.completed_date == "2026-03-12");
  CHECK(t.date_time_line == "- Date/Time: 2026-03-12 10:35:20 AM");
  const json::value pending = "pending";
  CHECK(TimesOf(1773326120000, &pending, -240).end_time == "10:36");  // never the same minute
  CHECK(WithDateTime("- Note: x\n- Date/Time: old\n- Duration: 1", "- Date/Time: new") ==
        "- Note: x\n- Date/Time: new\n- Duration: 1");
  CHECK(WithDateTime("no line", "- Date/Time: new") == "no line");

  const std::string transcript(5000, 't');
  Fitted fitted = FitTranscript(
      std::string(3000, 'b') + "\n- Transcript:\n" + transcript + "\n--- END\n", transcript);
  CHECK(fitted.too_long);
  // The reference's arithmetic leaves the fitted message two characters over its 3,400 target,
  // well inside NetSuite's 4,000.
  CHECK(fitted.body.size() == 3402);
  CHECK(
      fitted.body.find("Transcript too large. To view the whole transcript, Goto Communictaion and "
                       "open attach file.\n--- END\n") != std::string::npos);
  CHECK_FALSE(FitTranscript("short", transcript).too_long);

  const std::string message =
      "- Note: Offer sent\n- Summary: Call\n- Duration: 8 minutes\n- Transcript:\nhello\n--- END"
      "\n\n Sales Order Call Logs (Do Not Edit)\n- SalesOrderNoteUrl: "
      "https://1.app.netsuite.com/app/crm/common/note.nl?id=801 SalesOrderId: 9001";
  CHECK(AgentNote(message) == "Offer sent");
  CHECK_FALSE(AgentNote("- Summary: x"));
  CHECK(
      WithoutNoteLinks(message) ==
      "- Note: Offer sent\n- Summary: Call\n- Duration: 8 minutes\n- Transcript:\nhello\n--- END");
  auto links = NoteLinks(message);
  REQUIRE(links.size() == 1);
  CHECK((links[0].sales_order && links[0].id == "9001"));
  CHECK(NoteIdOf(links[0].url) == "801");
  CHECK_FALSE(NoteIdOf("https://u/no-id"));
  CHECK(NoteLinks("- SalesOrderNoteUrl: https://u SalesOrderId: x").empty());
  NoteLink opportunity;
  opportunity.sales_order = false;
  opportunity.url = "https://u?id=5";
  opportunity.id = "9101";
  links.push_back(opportunity);
  CHECK(WithNoteLinks("text", links) ==
        "text\n\n Sales Order Call Logs (Do Not Edit)\n- SalesOrderNoteUrl: "
        "https://1.app.netsuite.com/app/crm/common/note.nl?id=801 SalesOrderId: 9001\n\n "
        "Opportunity Call Logs (Do Not Edit)\n- OpportunityNoteUrl: https://u?id=5 OpportunityId: "
        "9101");
  // What the links and headings leave is the note again.
  CHECK(WithoutNoteLinks(WithNoteLinks("text", links)) == "text");
  // A call a year long or more is cut to a year (its end would overflow otherwise).
  const json::value forever = 1e300;
  CHECK(TimesOf(1773326120000, &forever, 0).completed_date == "2027-03-13");
}

TEST_CASE("netsuite mapping: message logs", "[netsuite]") {
  json::object in = Obj(R"({"user":{"platformAdditionalInfo":{"name":"Jane NetSuite"}},
      "contactInfo":{"name":"Ada Lovelace","phoneNumber":"+14155557002"},
      "message":{"direction":"Inbound","subject":"Hello","creationTime":"2026-07-14T15:30:00.000Z"}})");
  MessageText sms = MessageLog(in);
  CHECK(sms.title == "SMS conversation with Ada Lovelace - 26/07/14");
  CHECK(sms.body ==
        "\nConversation summary\nTuesday, July 14, 2026\nParticipants\n    Jane NetSuite\n    Ada "
        "Lovelace\n\nConversation(1 messages)\nBEGIN\n------------\nAda Lovelace (+14155557002) "
        "03:30 "
        "PM\nHello\n\n------------\nEND\n\n--- Created via RingCentral App Connect");
  json::object out = in;
  out["message"].as_object()["direction"] = "Outbound";
  out["message"].as_object()["subject"] = "Hi";
  const std::string grown = AppendMessage(sms.body, MessageLine(out));
  CHECK(grown.find("Conversation(2 messages)") != std::string::npos);
  CHECK(grown.find("Hello\n\nJane NetSuite 03:30 PM\nHi\n\n------------\nEND") !=
        std::string::npos);
  in["recordingLink"] = "https://media.example.test/vm%20one.mp3";
  CHECK(MessageLog(in).body ==
        "Voicemail recording link: https://media.example.test/vm one.mp3 \n\n--- Created via "
        "RingCentral App Connect");
  in["sharedSMSLogContent"] = json::object{{"subject", "S"}, {"body", "B"}};
  CHECK((MessageLog(in).title == "S" && MessageLog(in).body == "B"));
}

TEST_CASE("netsuite mapping: calendar events", "[netsuite]") {
  CHECK(StripHtml("<p>Hello<br />World &amp; Team</p>") == "Hello\nWorld & Team");
  CHECK(StripHtml("  a \r\n\n\n\n  b<BR>c <b>d</b> <unclosed") == "a\n\nb\nc d <unclosed");
  // One tag of 100 KB (an inline image): read without recursion, so without running out of stack.
  CHECK(StripHtml("<img src=\"data:" + std::string(100000, 'A') + "\">x") == "x");
  const json::value listed =
      json::parse(R"({"id":1001,"title":"Review","description":"<p>Notes</p>",
      "startDate":"7/20/2026","startTime":"3:00 pm","endTime":"4:30 pm","status":"CONFIRMED",
      "attendees":[{"id":501,"name":"Alice Client","type":"contact"}],
      "attendee":{"items":[{"attendee":{"id":502,"name":"Bob Client","type":"contact"}}]}})");
  const WallZone new_york{std::nullopt, "America/New_York"};
  CHECK(json::value(Appointment(listed, new_york)) ==
        json::parse(
            R"({"thirdPartyAppointmentId":"1001","id":"1001","title":"Review","description":"Notes",
            "startTimeUtc":"2026-07-20T19:00:00.000Z","durationMinutes":90,"status":"CONFIRMED",
            "contactId":"","attendees":[{"id":"501","name":"Alice Client","type":"contact"},
            {"id":"502","name":"Bob Client","type":"contact"}]})"));
  const json::value record = json::parse(R"({"id":"1002","title":"Call","startDate":"2026-07-20",
      "startTime":"10:00:00","endTime":"11:00:00","status":{"id":"TENTATIVE"}})");
  const json::object a = Appointment(record, WallZone{-240, ""});
  CHECK(a.at("startTimeUtc") == "2026-07-20T14:00:00.000Z");
  CHECK(a.at("durationMinutes") == 60);
  CHECK(a.at("status") == "TENTATIVE");
  CHECK(Appointment(json::parse(R"({"id":3})"), WallZone{0, ""}).at("startTimeUtc").is_null());
  // New York in January is five hours behind, in July four.
  CHECK(new_york.ToUtc(1767312000000) == 1767330000000);  // 2026-01-02 00:00 -> 05:00Z
  CHECK(new_york.At(1784505600000) == -240);              // 2026-07-20

  CHECK(json::value(NewEvent(
            Obj(R"({"title":"Review","summary":"Plan","startTimeUtc":"2026-07-20T19:00:00.000Z",
      "durationMinutes":30,"status":"confirmed","contacts":[{"id":501},502]})"),
            -240)) ==
        json::parse(R"({"title":"Review","startDate":"2026-07-20","startTime":"15:00:00",
            "endTime":"15:30:00","timedEvent":true,"message":"Plan","status":{"id":"CONFIRMED"},
            "attendee":{"items":[{"attendee":{"id":501}},{"attendee":{"id":502}}]}})"));
  // A duration no event has is cut to ten years.
  CHECK(
      NewEvent(
          Obj(R"({"title":"T","startTimeUtc":"2026-07-20T19:00:00.000Z","durationMinutes":1e300})"),
          0)
          .at("endTime") == "19:00:00");
  bool replace = false;
  CHECK(
      json::value(EventPatch(Obj(R"({"startTimeUtc":"2026-07-20T19:00:00.000Z","durationMinutes":45,
      "status":" tentative ","summary":null,"title":"T","contacts":[7," ",{"id":8}]})"),
                             -240, &replace)) ==
      json::parse(R"({"startDate":"2026-07-20","startTime":"15:00:00","endTime":"15:45:00",
            "status":{"id":"TENTATIVE"},"message":"","title":"T",
            "attendee":{"items":[{"attendee":{"id":"7"}},{"attendee":{"id":"8"}}]}})"));
  CHECK(replace);
  CHECK(EventPatch(Obj(R"({"title":"x"})"), 0, &replace).size() == 1);
  CHECK_FALSE(replace);
}
