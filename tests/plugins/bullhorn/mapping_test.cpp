// Bullhorn's mapping functions on the JSON Bullhorn answers (shapes as in
// tests/support/fake_bullhorn.cpp), whole documents compared, no sockets.
#include <catch2/catch.hpp>

#include "bullhorn/mapping.h"

namespace json = boost::json;
using namespace bullhorn;

namespace {

json::object Obj(const char* text) {
  return json::parse(text).as_object();
}

}  // namespace

TEST_CASE("bullhorn mapping: only Bullhorn's own https hosts get tokens", "[bullhorn]") {
  CHECK(IsBullhornUrl("https://auth-east.bullhornstaffing.com/oauth/token"));
  CHECK(IsBullhornUrl("https://REST91.BullhornStaffing.com/rest-services/x/"));
  CHECK(IsBullhornUrl("https://bullhornstaffing.com"));
  CHECK(IsBullhornUrl("https://rest.bullhornstaffing.com:443/rest-services"));
  CHECK_FALSE(IsBullhornUrl("http://auth.bullhornstaffing.com/oauth/token"));
  CHECK_FALSE(IsBullhornUrl("https://bullhornstaffing.com.attacker.example/oauth/token"));
  CHECK_FALSE(IsBullhornUrl("https://evilbullhornstaffing.com/"));
  CHECK_FALSE(IsBullhornUrl("https://user@rest.bullhornstaffing.com/"));
  CHECK_FALSE(IsBullhornUrl("https://x..bullhornstaffing.com/"));
  CHECK_FALSE(IsBullhornUrl(""));
  CHECK(AuthorizeUrl("https://auth.bullhornstaffing.com/oauth/token") ==
        "https://auth.bullhornstaffing.com/oauth/authorize");
  CHECK(QueryParam("https://x.example/r.html?client_id=a&code=22%3A9%2Bz&x", "code") == "22:9+z");
  CHECK(QueryParam("https://x.example/r.html?codex=1", "code").empty());
  CHECK(json::value(RateLimitTracking("99", "", "60")) ==
        json::parse(R"({"ratelimitRemaining":"99","ratelimitReset":"60"})"));
}

TEST_CASE("bullhorn mapping: the login's user and the user list", "[bullhorn]") {
  const json::object cu =
      Obj(R"({"id":42,"name":"Jane Recruiter","timeZoneOffsetEST":-180,"masterUserID":9042})");
  CHECK(json::value(PlatformUser(cu, "https://a.bullhornstaffing.com/oauth/token",
                                 "https://r.bullhornstaffing.com/rest-services",
                                 "https://rest9.bullhornstaffing.com/rest-services/c/", "tok")) ==
        json::parse(R"({"id":"9042-bullhorn","name":"Jane Recruiter","timezoneName":"",
            "timezoneOffset":-480,"platformAdditionalInfo":{"id":42,
            "tokenUrl":"https://a.bullhornstaffing.com/oauth/token",
            "restUrl":"https://rest9.bullhornstaffing.com/rest-services/c/",
            "loginUrl":"https://r.bullhornstaffing.com/rest-services","bhRestToken":"tok"}})"));
  CHECK(PlatformUser(Obj(R"({"id":1,"masterUserID":"7"})"), "", "", "", "")
            .at("timezoneOffset")
            .is_null());
  CHECK_THROWS(PlatformUser(Obj(R"({"id":1})"), "", "", "", ""));
  CHECK(json::value(UserListPage(json::parse(
            R"({"start":0,"count":2,"data":[{"id":42,"firstName":"Jane","lastName":"Recruiter",
                "email":"jane@example.test"},{"id":43,"firstName":"Sam"}]})"))) ==
        json::parse(R"([{"id":42,"name":"Jane Recruiter","email":"jane@example.test"},
                        {"id":43,"name":"Sam undefined"}])"));
}

TEST_CASE("bullhorn mapping: account data, contacts and new persons", "[bullhorn]") {
  const json::value meta = json::parse(R"({"entity":"Lead","fields":[{"name":"owner"},
      {"name":"status","options":[{"value":"New","label":"New lead"}]}]})");
  const json::object data = AccountData(json::parse(R"({"commentActionList":["Call","Email"]})"),
                                        meta, json::parse("{}"), json::parse(R"({"fields":[]})"));
  CHECK(json::value(data) == json::parse(R"({"commentActionList":[{"const":"Call","title":"Call"},
            {"const":"Email","title":"Email"}],"leadStatuses":[{"const":"New","title":"New lead"}],
            "candidateStatuses":[],"contactStatuses":[]})"));
  CHECK(
      NoteActionsInfo(data) ==
      json::parse(
          R"({"noteActions":[{"const":"Call","title":"Call"},{"const":"Email","title":"Email"}]})"));
  CHECK(NoteActionsInfo(json::object()).is_null());

  CHECK(PhoneQuery(kPersonKinds[2], "4155550100") ==
        "(phone:4155550100 OR mobile:4155550100 OR phone2:4155550100 OR phone3:4155550100) AND "
        "isDeleted:false NOT status:\"Converted\"");
  CHECK(NameQuery(kPersonKinds[0], "Ada") ==
        "((name:\"Ada\" AND isDeleted:false) OR (firstName:Ada AND isDeleted:false)) NOT "
        "status:\"Archive\"");
  // Whitespace and operator words in a name are terms, not syntax.
  CHECK(NameQuery(kPersonKinds[2], "x\tid:1") ==
        "(name:\"x\tid:1\" AND isDeleted:false) OR (firstName:x\\\tid\\:1 AND isDeleted:false)");
  CHECK(NameQuery(kPersonKinds[2], "Ann OR") ==
        "(name:\"Ann OR\" AND isDeleted:false) OR (firstName:Ann AND isDeleted:false) OR "
        "(lastName:\\OR AND isDeleted:false)");
  CHECK(NameQuery(kPersonKinds[2], " Ada \"Q\" Lovelace ") ==
        "(name:\" Ada \\\"Q\\\" Lovelace \" AND isDeleted:false) OR (firstName:Ada AND "
        "isDeleted:false) OR (lastName:Lovelace AND isDeleted:false)");

  const json::object row = Obj(R"({"id":5001,"name":"Ada Lovelace","phone":"4155550100",
      "dateAdded":100,"dateLastModified":300,"dateLastVisit":200,"email":"a@example.test"})");
  CHECK(json::value(ContactMatch(kPersonKinds[0], row, nullptr, true)) ==
        json::parse(R"({"id":5001,"name":"Ada Lovelace","phone":"4155550100","type":"Contact",
            "createdDate":100,"mostRecentActivityDate":300,"additionalInfo":null})"));
  CHECK(json::value(ContactMatch(kPersonKinds[1], Obj(R"({"id":6})"), nullptr, true)) ==
        json::parse(
            R"({"id":6,"type":"Candidate","mostRecentActivityDate":0,"additionalInfo":null})"));
  CHECK(json::value(NewContactPlaceholder(json::object())) ==
        json::parse(R"({"id":"createNewContact","name":"Create new contact...","additionalInfo":
            {"Lead":{"status":[]},"Candidate":{"status":[]},"Contact":{"status":[]}},
            "isNewContact":true,"defaultContactType":"Lead"})"));
  // The reference's split: the first and the second word; the number's first space is its "+".
  CHECK(json::value(NewPerson("Mary Somerville Fairfax", " 14155550123", "Active")) ==
        json::parse(R"({"name":"Mary Somerville Fairfax","firstName":"Mary","lastName":"Somerville",
            "phone":"+14155550123","status":"Active"})"));
  CHECK(json::value(NewPerson("Cher", "+1", nullptr)) ==
        json::parse(R"({"name":"Cher","firstName":"Cher","lastName":"","phone":"+1"})"));
}

TEST_CASE("bullhorn mapping: call notes, updates and reading them back", "[bullhorn]") {
  const json::object in = Obj(R"({"contactInfo":{"id":5001,"type":"Candidate"},
      "callLog":{"sessionId":"s-1","startTime":1767323045000,"duration":120},
      "composedLogDetails":"<b>Agent notes</b><br>hi<br><br><b>Call details</b><br><ul></ul>",
      "additionalSubmission":{"noteActions":""}})");
  const json::value assignee = 43;
  CHECK(
      json::value(CallNote(in, &assignee)) ==
      json::parse(R"({"comments":"<b>Agent notes</b><br>hi<br><br><b>Call details</b><br><ul></ul>",
            "personReference":{"id":5001,"personSubtype":"Candidate"},"action":"pending note",
            "dateAdded":1767323045000,"externalID":"s-1","minutesSpent":2,
            "commentingPerson":{"id":43,"personSubtype":"CorporateUser"}})"));

  const std::string agent =
      "<b>Agent notes</b><br>typed by Jane<br><br><b>Call details</b><br><ul><li>x</li></ul>";
  json::object upd = Obj(
      R"({"composedLogDetails":"<b>Agent notes</b><br>from server<br><br><b>Call details</b><br><ul><li>y</li></ul>",
      "isFromSSCL":true,"duration":90})");
  CHECK(
      json::value(CallNoteUpdate(upd, agent, nullptr)) ==
      json::parse(
          R"({"minutesSpent":1.5,"comments":"<b>Agent notes</b><br>typed by Jane<br><br><b>Call details</b><br><ul><li>y</li></ul>"})"));
  // Still the auto-log's pending note: server-side logging writes it.
  CHECK(CallNoteUpdate(upd, "<br>From auto logging (Pending)<br>", nullptr).at("comments") ==
        upd.at("composedLogDetails"));
  upd["isFromSSCL"] = false;
  CHECK(CallNoteUpdate(upd, agent, nullptr).at("comments") == upd.at("composedLogDetails"));

  const json::object note = Obj(R"({"comments":
      "<b>Agent notes</b><br>Offer<br>sent<br><br><b>Call details</b><br><ul><li><b>Summary</b>: Call with Ada<li><b>Duration</b>: 2</li></ul>",
      "action":"Left Message","clientContacts":{"total":0,"data":[]},
      "candidates":{"total":1,"data":[{"id":6001,"firstName":"Alan","lastName":"Turing"}]}})");
  CHECK(json::value(CallLogInfo(note)) ==
        json::object{{"subject", "Call with Ada"},
                     {"note", "Offersent"},
                     {"fullBody", note.at("comments")},
                     {"fullLogResponse", note},
                     {"contactName", "Alan Turing"},
                     {"dispositions", json::object{{"noteActions", "Left Message"}}}});
  CHECK(LoggedContactType(note) == "Candidate");
  CHECK(LoggedContactType(Obj(R"({"clientContacts":{"data":[{"id":1}]}})")) == "Contact");
  CHECK(LoggedContactType(json::object()) == "Lead");
  CHECK(CommentsEntity("Contact") == "ClientContact");
  CHECK(CommentsEntity("Lead") == "Lead");
}

TEST_CASE("bullhorn mapping: message notes", "[bullhorn]") {
  json::object in = Obj(R"({"user":{"timezoneOffset":"-480"},
      "contactInfo":{"name":"Ada Lovelace","phoneNumber":"+14155550100"},
      "message":{"direction":"Outbound","subject":"See you","creationTime":"2026-11-24T15:30:00.000Z"},
      "recordingLink":"https://media.example.test/vm.mp3"})");
  CHECK(MessageComments(in, "Jane") ==
        "<br><b>Voicemail left by Ada Lovelace - 26/11/24</b><br>Voicemail recording link: "
        "https://media.example.test/vm.mp3 <br><br>--- Created via RingCentral App Connect");
  in.erase("recordingLink");
  CHECK(MessageLine(in, "Jane") == "<li>Jane 07:30 AM<br><b>See you</b></li>");
  const std::string body = MessageComments(in, "Jane");
  const std::string grown = AppendMessage(body, "<li>more</li>");
  CHECK(grown.find("Conversation(2 messages)") != std::string::npos);
  CHECK(grown.find("<b>See you</b></li><li>more</li></ul>------------<br>END") !=
        std::string::npos);
  CHECK(MessageDate(in) == "2026-11-24T15:30:00.000Z");
  in["sharedSMSLogContent"] = json::object{{"body", "shared"}, {"conversationCreatedDate", 5}};
  CHECK(MessageComments(in, "Jane") == "shared");
  CHECK(MessageDate(in) == 5);
}

TEST_CASE("bullhorn mapping: appointments", "[bullhorn]") {
  CHECK(
      json::value(
          Appointment(json::parse(R"({"id":12,"subject":"Interview","dateBegin":1796137200000,
      "dateEnd":1796139900000,"isDeleted":false,"clientContactReference":{"id":5001},
      "attendees":{"data":[{"id":1},{"id":2}]}})"))) ==
      json::parse(R"({"thirdPartyAppointmentId":"12","id":"12","title":"Interview","description":"",
            "participantName":"","startTimeUtc":"2026-12-01T15:00:00.000Z","durationMinutes":45,
            "status":"scheduled","contactId":"5001","contactType":"ClientContact","attendeeIds":["1","2"]})"));
  CHECK(json::value(Appointment(json::parse(R"({"isDeleted":true,"dateBegin":"x"})"))) ==
        json::parse(R"({"thirdPartyAppointmentId":null,"id":null,"title":"","description":"",
            "participantName":"","startTimeUtc":null,"durationMinutes":null,"status":"cancelled",
            "contactId":"","contactType":"","attendeeIds":[]})"));
  CHECK(ContactId(json::parse(R"({"id":"77"})")) == 77);
  CHECK_FALSE(ContactId(json::parse(R"({"id":" "})")));
  CHECK_FALSE(ContactId(json::value(-3)));
  CHECK_FALSE(ContactId(json::value(1.5)));
  CHECK(ContactIds(json::parse(R"([5,{"id":"5"},"x",6])")) == std::vector<int64_t>{5, 6});
  CHECK(json::value(NewAppointment(Obj(R"({"summary":"s","startTimeUtc":"2026-12-01T15:00:00Z",
      "durationMinutes":"30","contacts":[{"id":9,"contactType":"Lead"}]})"),
                                   0)) ==
        json::parse(R"({"dateBegin":1796137200000,"dateEnd":1796139000000,"description":"s",
            "isPrivate":false,"subject":"Appointment","isDeleted":false,"lead":{"id":9}})"));
  CHECK(json::value(NewAppointment(json::object(), 1000)) ==
        json::parse(R"({"dateBegin":1000,"dateEnd":901000,"description":"","isPrivate":false,
            "subject":"Appointment","isDeleted":false})"));
  CHECK(json::value(AppointmentPatch(Obj(R"({"status":"confirmed","location":"Room 4"})"))) ==
        json::parse(R"({"location":"Room 4"})"));
  CHECK(RangeOf(json::parse(R"({"startDate":"2026-12-01","endDate":"2026-12-01"})")) ==
        std::make_pair(int64_t(1796083200000), int64_t(1796169599999)));
  CHECK_FALSE(RangeOf(json::parse(R"({"startDate":"2026-02-30","endDate":"2026-03-01"})")));
  CHECK_FALSE(RangeOf(json::parse(R"({"startDate":"2026-2-1","endDate":"2026-03-01"})")));
  // A month back from March 31st is February 28th; three ahead is June 30th's end.
  CHECK(DefaultRange(1774958400000) ==  // 2026-03-31T12:00Z
        std::make_pair(int64_t(1772236800000), int64_t(1782863999999)));
  CHECK(json::value(AttendeesByAppointment(json::parse(R"({"data":[
      {"id":1,"appointment":{"id":12},"attendee":{"id":5001,"firstName":"Ada","lastName":"L","_subtype":"ClientContact"},"acceptanceStatus":0},
      {"id":2,"appointment":{"id":12},"attendee":{"id":5001}},
      {"id":3,"appointment":{"id":13},"attendee":{"id":6001}},{"id":4,"appointment":{"id":13}}]})"))) ==
        json::parse(R"({"12":[{"id":"5001","name":"Ada L","type":"ClientContact","status":"0"}],
            "13":[{"id":"6001"}]})"));
}
