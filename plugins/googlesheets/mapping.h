// Pure transformations between a Google spreadsheet's rows and App Connect's JSON (no HTTP), so
// they can be tested alone. The spreadsheet is the user's CRM: three tabs (Contacts, Call Logs,
// Message Logs), each with a header row naming its columns; a row's ID cell is its record id.
// docs/CRM_PLUGINS.md says which requests and answers they serve.
#ifndef CRMHOST_PLUGINS_GOOGLESHEETS_MAPPING_H
#define CRMHOST_PLUGINS_GOOGLESHEETS_MAPPING_H

#include <array>
#include <boost/json.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace googlesheets {

namespace json = boost::json;

inline constexpr std::string_view kContactsTab = "Contacts";
inline constexpr std::string_view kCallLogsTab = "Call Logs";
inline constexpr std::string_view kMessageLogsTab = "Message Logs";

// The header rows written when a spreadsheet (or a missing tab) is created.
inline constexpr std::array<std::string_view, 22> kCallLogHeaders = {"ID",
                                                                     "Sheet Id",
                                                                     "Subject",
                                                                     "Contact name",
                                                                     "Notes",
                                                                     "Phone",
                                                                     "Start time",
                                                                     "End time",
                                                                     "Duration",
                                                                     "Session Id",
                                                                     "Direction",
                                                                     "Call Result",
                                                                     "Call Recording",
                                                                     "Incoming Phone Number",
                                                                     "Outgoing Phone Number",
                                                                     "Transcript",
                                                                     "Smart summary",
                                                                     "ACE Summary",
                                                                     "ACE Transcript",
                                                                     "ACE AI Score",
                                                                     "ACE Bulleted Summary",
                                                                     "ACE Link"};
inline constexpr std::array<std::string_view, 4> kContactHeaders = {"ID", "Sheet Id",
                                                                    "Contact name", "Phone"};
inline constexpr std::array<std::string_view, 9> kMessageLogHeaders = {
    "ID",    "Sheet Id",     "Subject",      "Contact name", "Message",
    "Phone", "Message Type", "Message Time", "Direction"};

// The columns createCallLog adds to an older Call Logs header row that lacks them.
inline constexpr std::array<std::string_view, 9> kLateCallLogColumns = {
    "Incoming Phone Number", "Outgoing Phone Number", "Transcript",
    "Smart summary",         "ACE Summary",           "ACE Transcript",
    "ACE AI Score",          "ACE Bulleted Summary",  "ACE Link"};

// The default name of a spreadsheet made by POST /googleSheets/sheet.
inline constexpr std::string_view kDefaultSheetName = "RingCentral App Connect Sheet";

// A 0-based column index as A1 letters: 0 -> "A", 25 -> "Z", 26 -> "AA", 701 -> "ZZ",
// 702 -> "AAA". A negative index (a column the header row lacks) gives "".
std::string ColumnLetters(int index);

// A tab name as A1 notation wants it: in single quotes, a quote inside doubled
// ("Call Logs" -> "'Call Logs'").
std::string QuotedTab(std::string_view tab);

// "<tab>!<range>" with the tab quoted ("'Call Logs'!1:1").
std::string TabRange(std::string_view tab, std::string_view a1);

// The spreadsheet id of a sheet URL (".../spreadsheets/d/<id>/edit"): the first run of
// [A-Za-z0-9_-] after "/d/"; nullopt when there is none.
std::optional<std::string> SpreadsheetIdOf(std::string_view url);

// Whether `url` is a Google Sheets document address (https://docs.google.com/spreadsheets/d/<id>).
bool IsSheetUrl(std::string_view url);

// The "values" of a values.get answer (an empty array when Google left them out: an empty tab).
json::array RowsOf(const json::value& value_range);

// The text of one cell: strings as they are, numbers as Google formats them, "" when absent.
std::string CellText(const json::array& row, int index);
std::string CellText(const json::value& row, int index);

// A header row: column name -> 0-based index (the first column of a name wins).
class Header {
 public:
  Header() = default;
  explicit Header(const json::array& first_row);
  // The column's index, -1 when the header row has no such column.
  int Find(std::string_view name) const;
  bool Has(std::string_view name) const { return Find(name) >= 0; }
  size_t width() const { return width_; }

 private:
  std::map<std::string, int, std::less<>> index_;
  size_t width_ = 0;
};

// One new row: each named value in its column, "" in every other column of the header (values
// for columns the header lacks are left out, as the reference does).
using Cells = std::vector<std::pair<std::string_view, json::value>>;
json::array RowOf(const Header& header, const Cells& cells);

// The id of the next record of a tab holding `rows` (header row included): the reference's
// row count + 1, or one more than the largest numeric ID when rows were deleted (so an id is
// never handed out twice).
int64_t NextId(const json::array& rows, int id_column);

// The index in `rows` (0 = the header row) of the data row whose ID cell is `id`, compared as
// text; nullopt when none is, or when several are (which one is meant cannot be known). Its
// sheet row number is the index + 1.
std::optional<size_t> FindRow(const json::array& rows, int id_column, std::string_view id);

// The selected spreadsheet's URL for an operation: the user's googleSheetsUrl setting, unless the
// admin configured one (input adminConfig.userSettings.googleSheetsUrl) that users may not
// customize, or the user has none (the merge GET /user/settings does).
std::string SheetUrl(const json::object& in);

// A user setting's flag (userSettings.<id>.value), true when absent (every Google Sheets
// setting defaults to on).
bool Enabled(const json::object& user, std::string_view id);

// createCallLog's cells. `id`: the new record id; `sheet_id`: the spreadsheet id; `now_ms`
// stands in for a missing start time.
Cells CallLogCells(const json::object& in, int64_t id, const std::string& sheet_id,
                   const std::string& contact_phone, int64_t now_ms);

// updateCallLog's cells: the columns the input carries a value for, each a (column, value).
Cells UpdatedCallLogCells(const json::object& in);

// The text of a log's subject when the client sent none: "<direction> Call to|from <name>".
std::string CallSubject(const json::object& call_log, const json::object& contact);

// decodeURIComponent: %XX sequences decoded; text with a malformed sequence comes back as is.
std::string UriDecode(std::string_view s);

// A message log's text.
struct MessageText {
  std::string subject, body, type;  // type: SMS, Voicemail or Fax
  int64_t when;                     // the conversation's (or message's) time, epoch ms
};
// createMessageLog's subject, body and type; `user_name` is the logging user's.
MessageText NewMessageLog(const json::object& in, const std::string& user_name, int64_t now_ms);

// "<who> hh:mm A\n<text>\n": the contact (with number) for inbound, else the user.
std::string MessageLine(const json::object& message, const json::object& contact,
                        const std::string& user_name);

// The logging user's name: platformAdditionalInfo.name, "GoogleSheetCRM" when unknown.
std::string UserName(const json::object& user);

// moment's "YYYY-MM-DD HH:mm:ss" in UTC.
std::string SheetTime(int64_t ms);

// A returnMessage with the reference's details block (one text item), for the warnings that
// tell the user to select a sheet.
json::object WarningWithDetails(std::string_view message, int ttl, std::string_view details);

// The text of the details the "No sheet selected" warnings carry.
inline constexpr std::string_view kSelectSheetDetails =
    "To log calls and messages in Google Sheets, go to Settings > Google Sheets Config, then "
    "create a new sheet or attach an existing one.";
inline constexpr std::string_view kLogErrorDetails =
    "An error occurred, or no sheet is selected. Go to Settings > Google Sheets Config, then "
    "create a new sheet or attach an existing one.";

}  // namespace googlesheets

#endif  // CRMHOST_PLUGINS_GOOGLESHEETS_MAPPING_H
