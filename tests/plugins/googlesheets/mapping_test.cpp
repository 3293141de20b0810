// Google Sheets' mapping functions: A1 column letters, tab quoting, sheet URLs, header rows and
// ids, the row a call log becomes, and the text a message log holds. No sockets.
#include <catch2/catch.hpp>

#include "googlesheets/mapping.h"

namespace json = boost::json;
using namespace googlesheets;

namespace {

json::object Obj(const char* text) {
  return json::parse(text).as_object();
}

}  // namespace

TEST_CASE("googlesheets mapping: column letters beyond Z", "[googlesheets]") {
  CHECK(ColumnLetters(0) == "A");
  CHECK(ColumnLetters(25) == "Z");
  CHECK(ColumnLetters(26) == "AA");
  CHECK(ColumnLetters(27) == "AB");
  CHECK(ColumnLetters(51) == "AZ");
  CHECK(ColumnLetters(52) == "BA");
  CHECK(ColumnLetters(701) == "ZZ");
  CHECK(ColumnLetters(702) == "AAA");
  CHECK(ColumnLetters(16383) == "XFD");
  CHECK(ColumnLetters(-1).empty());  // a missing column: no range at all (the reference's "@")
}

TEST_CASE("googlesheets mapping: tabs, ranges and sheet URLs", "[googlesheets]") {
  CHECK(QuotedTab("Call Logs") == "'Call Logs'");
  CHECK(QuotedTab("Jane's") == "'Jane''s'");
  CHECK(TabRange("Call Logs", "1:1") == "'Call Logs'!1:1");
  CHECK(SpreadsheetIdOf("https://docs.google.com/spreadsheets/d/1AbC-_9z/edit#gid=0") ==
        std::optional<std::string>("1AbC-_9z"));
  CHECK_FALSE(SpreadsheetIdOf("https://docs.google.com/spreadsheets/").has_value());
  CHECK_FALSE(SpreadsheetIdOf("").has_value());
  CHECK(IsSheetUrl("https://docs.google.com/spreadsheets/d/1AbC/edit?usp=drivesdk"));
  CHECK_FALSE(IsSheetUrl("https://evil.example/spreadsheets/d/1AbC"));
  CHECK_FALSE(IsSheetUrl("https://docs.google.com/spreadsheets/d/1AbC\"><script>"));
}

TEST_CASE("googlesheets mapping: header rows, new rows and ids", "[googlesheets]") {
  const Header header(json::parse(R"(["ID","Sheet Id","Contact name","Phone"])").as_array());
  CHECK(header.Find("Phone") == 3);
  CHECK(header.Find("Notes") == -1);
  Cells cells;
  cells.emplace_back("Phone", "+14155550100");
  cells.emplace_back("ID", 7);
  cells.emplace_back("Notes", "no such column");
  CHECK(json::value(RowOf(header, cells)) == json::parse(R"([7,"","","+14155550100"])"));
  const json::array rows = json::parse(R"([["ID"],["2"],["9"],["x"],[]])").as_array();
  CHECK(NextId(rows, 0) == 10);  // past the largest id, not just the row count
  CHECK(NextId(json::parse(R"([["ID"],["2"]])").as_array(), 0) == 3);
  CHECK(FindRow(rows, 0, "9") == std::optional<size_t>(2));
  CHECK_FALSE(FindRow(rows, 0, "ID").has_value());  // the header is no record
  CHECK_FALSE(FindRow(rows, -1, "9").has_value());
  // Two rows with one ID: neither is written, rather than the wrong one.
  json::array twice = rows;
  twice.push_back(json::array{"9", "again"});
  CHECK_FALSE(FindRow(twice, 0, "9").has_value());
}

TEST_CASE("googlesheets mapping: the selected sheet, user and admin", "[googlesheets]") {
  const json::object own = Obj(R"({"user":{"userSettings":{"googleSheetsUrl":{"value":"u"}}}})");
  CHECK(SheetUrl(own) == "u");
  json::object fixed = own;
  fixed["adminConfig"] =
      Obj(R"({"userSettings":{"googleSheetsUrl":{"value":"a","customizable":false}}})");
  CHECK(SheetUrl(fixed) == "a");
  json::object open = own;
  open["adminConfig"] =
      Obj(R"({"userSettings":{"googleSheetsUrl":{"value":"a","customizable":true}}})");
  CHECK(SheetUrl(open) == "u");
  json::object none = open;
  none["user"] = json::object{};
  CHECK(SheetUrl(none) == "a");
}

TEST_CASE("googlesheets mapping: a call log row", "[googlesheets]") {
  const json::object in = Obj(R"({
    "user": {"userSettings": {"addCallLogResult": {"value": false}}},
    "contactInfo": {"name": "Ada Lovelace", "phoneNumber": "+14155550100"},
    "callLog": {"direction": "Outbound", "sessionId": "s1", "startTime": 1767323045000,
                "duration": 125, "result": "Completed",
                "from": {"phoneNumber": "+14155550005"}, "to": {"phoneNumber": ""}},
    "note": "Hi", "aiNote": "Summary", "transcript": ""})");
  const Cells cells = CallLogCells(in, 4, "sheet", "+14155550100", 0);
  json::object row;
  for (auto& [k, v] : cells)
    row[k] = v;
  CHECK(json::value(row) == json::parse(R"({"ID":4,"Sheet Id":"sheet","Contact name":"Ada Lovelace",
      "Incoming Phone Number":"+14155550100","Outgoing Phone Number":"+14155550005",
      "Start time":"2026-01-02T03:04:05.000Z","End time":"2026-01-02T03:06:10.000Z",
      "Direction":"Outbound","Notes":"Hi","Session Id":"s1","Subject":"Outbound Call to Ada Lovelace",
      "Phone":"+14155550100","Duration":125,"Call Recording":"","Smart summary":"Summary"})"));
}

TEST_CASE("googlesheets mapping: message log texts", "[googlesheets]") {
  const json::object vm =
      Obj(R"({"contactInfo":{"name":"Ada"},"recordingLink":"https://x.test/a%20b",
      "message":{"creationTime":"2026-11-24T16:00:00.000Z"}})");
  const MessageText text = NewMessageLog(vm, "Jane", 0);
  CHECK(text.type == "Voicemail");
  CHECK(text.subject == "Voicemail left by Ada - 26/11/24");
  CHECK(text.body ==
        "Voicemail recording link: https://x.test/a b\n\n--- Created via RingCentral App Connect");
  CHECK(UriDecode("%E2%9C%93 ok") == "\xE2\x9C\x93 ok");
  CHECK(UriDecode("100%") == "100%");
  CHECK(UserName(json::object{}) == "GoogleSheetCRM");
  CHECK(SheetTime(1767323045000) == "2026-01-02 03:04:05");
}
