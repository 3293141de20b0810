#include "mapping.h"

#include <crmhost/plugin.hpp>
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/text.hpp>
#include <crmhost/sdk/time.hpp>

#include <algorithm>
#include <cstdlib>

namespace googlesheets {

namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;

namespace {

bool IsIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

int64_t TimeOr(const json::value* v, int64_t fallback) {
  if (v)
    if (auto ms = sdk::time::parse_timestamp(*v)) return *ms;
  return fallback;
}

// A value for a cell: null (or absent) is an empty cell.
json::value CellValue(const json::value* v) {
  return v && !v->is_null() ? *v : json::value("");
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string ColumnLetters(int index) {
  if (index < 0) return "";
  std::string out;
  // Bijective base 26: A..Z, then AA..ZZ, then AAA...
  for (int64_t n = int64_t(index) + 1; n > 0; n = (n - 1) / 26)
    out.insert(out.begin(), char('A' + (n - 1) % 26));
  return out;
}

std::string QuotedTab(std::string_view tab) {
  std::string out = "'";
  for (char c : tab) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

std::string TabRange(std::string_view tab, std::string_view a1) {
  return QuotedTab(tab) + "!" + std::string(a1);
}

std::optional<std::string> SpreadsheetIdOf(std::string_view url) {
  const size_t at = url.find("/d/");
  if (at == std::string_view::npos) return std::nullopt;
  size_t end = at + 3;
  while (end < url.size() && IsIdChar(url[end]))
    ++end;
  if (end == at + 3) return std::nullopt;
  return std::string(url.substr(at + 3, end - at - 3));
}

bool IsSheetUrl(std::string_view url) {
  constexpr std::string_view kPrefix = "https://docs.google.com/spreadsheets/";
  return url.substr(0, kPrefix.size()) == kPrefix && SpreadsheetIdOf(url).has_value() &&
         url.find_first_of(" \t\r\n\"'<>\\") == std::string_view::npos;
}

json::array RowsOf(const json::value& value_range) {
  const json::value* values = js::get(&value_range, "values");
  return values && values->is_array() ? values->get_array() : json::array();
}

std::string CellText(const json::array& row, int index) {
  if (index < 0 || size_t(index) >= row.size()) return "";
  const json::value& v = row[size_t(index)];
  return v.is_null() ? std::string() : js::to_string(v);
}

std::string CellText(const json::value& row, int index) {
  return row.is_array() ? CellText(row.get_array(), index) : std::string();
}

Header::Header(const json::array& first_row) : width_(first_row.size()) {
  for (size_t i = 0; i < first_row.size(); ++i) {
    std::string name = CellText(first_row, int(i));
    if (!name.empty()) index_.emplace(std::move(name), int(i));
  }
}

int Header::Find(std::string_view name) const {
  auto it = index_.find(name);
  return it == index_.end() ? -1 : it->second;
}

json::array RowOf(const Header& header, const Cells& cells) {
  json::array row(header.width(), json::value(""));
  for (const auto& [name, value] : cells) {
    const int i = header.Find(name);
    if (i >= 0) row[size_t(i)] = value;
  }
  return row;
}

int64_t NextId(const json::array& rows, int id_column) {
  int64_t next = int64_t(rows.size()) + 1;
  for (size_t i = 1; i < rows.size(); ++i) {
    const std::string id = CellText(rows[i], id_column);
    if (id.empty() || id.size() > 15 ||
        !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; }))
      continue;
    next = std::max<int64_t>(next, int64_t(std::atoll(id.c_str())) + 1);
  }
  return next;
}

std::optional<size_t> FindRow(const json::array& rows, int id_column, std::string_view id) {
  if (id_column < 0 || id.empty()) return std::nullopt;
  std::optional<size_t> found;
  for (size_t i = 1; i < rows.size(); ++i) {
    if (CellText(rows[i], id_column) != id) continue;
    // Two rows with one ID (two logs appended at the same instant, or a hand edit): which one
    // is meant cannot be known, and writing the wrong one would overwrite another call.
    if (found) return std::nullopt;
    found = i;
  }
  return found;
}

std::string SheetUrl(const json::object& in) {
  const json::object& user = object_of(in, "user");
  const json::value* mine = sdk::contract::user_setting(user, "googleSheetsUrl");
  const std::string own = js::text_or_empty(mine);
  const json::value* admin =
      js::get(js::get(object_of(in, "adminConfig"), "userSettings"), "googleSheetsUrl");
  if (admin && !js::truthy(js::get(admin, "isRemoved"))) {
    const std::string configured = js::text_or_empty(js::get(admin, "value"));
    if (!configured.empty() && (!js::truthy(js::get(admin, "customizable")) || own.empty()))
      return configured;
  }
  return own;
}

bool Enabled(const json::object& user, std::string_view id) {
  return js::setting_enabled(object_of(user, "userSettings"), id, true);
}

std::string CallSubject(const json::object& call_log, const json::object& contact) {
  const std::string direction = js::text_or_empty(js::get(call_log, "direction"));
  return direction + " Call " + (direction == "Outbound" ? "to" : "from") + " " +
         js::text_or_empty(js::get(contact, "name"));
}

// The columns App Connect fills only when it has the value and the user's setting allows it:
// transcript, AI note and the RingSense (ACE) fields.
static void AddOptionalCells(const json::object& in, const json::object& user, Cells& cells) {
  struct Optional {
    const char* input;
    const char* setting;
    const char* column;
  };
  static constexpr Optional kOptional[] = {
      {"transcript", "addCallLogTranscript", "Transcript"},
      {"aiNote", "addCallLogAiNote", "Smart summary"},
      {"ringSenseTranscript", "addCallLogRingSenseRecordingTranscript", "ACE Transcript"},
      {"ringSenseSummary", "addCallLogRingSenseRecordingSummary", "ACE Summary"},
      {"ringSenseAIScore", "addCallLogRingSenseRecordingAIScore", "ACE AI Score"},
      {"ringSenseBulletedSummary", "addCallLogRingSenseRecordingBulletedSummary",
       "ACE Bulleted Summary"},
      {"ringSenseLink", "addCallLogRingSenseRecordingLink", "ACE Link"},
  };
  for (const Optional& o : kOptional)
    if (const json::value* v = js::get(in, o.input); js::truthy(v) && Enabled(user, o.setting))
      cells.emplace_back(o.column, *v);
}

Cells CallLogCells(const json::object& in, int64_t id, const std::string& sheet_id,
                   const std::string& contact_phone, int64_t now_ms) {
  const json::object& user = object_of(in, "user");
  const json::object& log = object_of(in, "callLog");
  const json::object& contact = object_of(in, "contactInfo");
  const std::string direction = js::text_or_empty(js::get(log, "direction"));
  const int64_t start = TimeOr(js::get(log, "startTime"), now_ms);
  const json::value* duration = js::get(log, "duration");
  const bool pending = duration && duration->is_string() && duration->get_string() == "pending";
  double seconds = duration && !pending ? js::to_number(*duration) : 0;
  if (!(seconds > 0)) seconds = 0;   // NaN and negative durations end where the call started
  if (seconds > 1e7) seconds = 1e7;  // 115 days: no overflow below, whatever the client sent
  const int64_t end = start + int64_t(seconds * 1000);

  const std::string from = js::text_or_empty(js::get(js::get(log, "from"), "phoneNumber"));
  const std::string to = js::text_or_empty(js::get(js::get(log, "to"), "phoneNumber"));
  std::string incoming, outgoing;
  if (direction == "Outbound") {
    outgoing = from;
    incoming = to.empty() ? contact_phone : to;
  } else {
    outgoing = from.empty() ? contact_phone : from;
    incoming = to;
  }

  Cells cells;
  cells.emplace_back("ID", id);
  cells.emplace_back("Sheet Id", sheet_id);
  cells.emplace_back("Contact name", CellValue(js::get(contact, "name")));
  cells.emplace_back("Incoming Phone Number", incoming);
  cells.emplace_back("Outgoing Phone Number", outgoing);
  cells.emplace_back("Start time", sdk::time::format_iso8601(start));
  cells.emplace_back("End time", sdk::time::format_iso8601(end));
  cells.emplace_back("Direction", direction);
  if (Enabled(user, "addCallLogNote")) cells.emplace_back("Notes", CellValue(js::get(in, "note")));
  if (Enabled(user, "addCallSessionId"))
    cells.emplace_back("Session Id", CellValue(js::get(log, "sessionId")));
  if (Enabled(user, "addCallLogSubject")) {
    const json::value* custom = js::get(log, "customSubject");
    cells.emplace_back("Subject", custom ? *custom : json::value(CallSubject(log, contact)));
  }
  if (Enabled(user, "addCallLogContactNumber")) cells.emplace_back("Phone", contact_phone);
  if (Enabled(user, "addCallLogDuration")) cells.emplace_back("Duration", CellValue(duration));
  if (Enabled(user, "addCallLogResult"))
    cells.emplace_back("Call Result", CellValue(js::get(log, "result")));
  if (Enabled(user, "addCallLogRecording"))
    cells.emplace_back("Call Recording", CellValue(js::get(js::get(log, "recording"), "link")));
  AddOptionalCells(in, user, cells);
  return cells;
}

Cells UpdatedCallLogCells(const json::object& in) {
  const json::object& user = object_of(in, "user");
  Cells cells;
  // A field the client did not send is left as it is in the sheet (the reference's undefined
  // values reach Google as nulls, which leave a cell unchanged).
  for (auto [input, column] : {std::pair{"subject", "Subject"},
                               {"note", "Notes"},
                               {"duration", "Duration"},
                               {"result", "Call Result"}})
    if (const json::value* v = js::get(in, input)) cells.emplace_back(column, *v);
  if (const json::value* link = js::get(in, "recordingLink"))
    cells.emplace_back("Call Recording", *link);
  AddOptionalCells(in, user, cells);
  return cells;
}

std::string UriDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    const int hi = i + 2 < s.size() ? HexDigit(s[i + 1]) : -1;
    const int lo = hi >= 0 ? HexDigit(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) return std::string(s);  // decodeURIComponent would throw
    out += char(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string UserName(const json::object& user) {
  const std::string name =
      js::text_or_empty(js::get(object_of(user, "platformAdditionalInfo"), "name"));
  return name.empty() ? "GoogleSheetCRM" : name;
}

std::string SheetTime(int64_t ms) {
  return sdk::time::format_moment(ms, 0, "YYYY-MM-DD HH:mm:ss");
}

std::string MessageLine(const json::object& message, const json::object& contact,
                        const std::string& user_name) {
  const bool inbound = js::text_or_empty(js::get(message, "direction")) == "Inbound";
  const int64_t when = TimeOr(js::get(message, "creationTime"), 0);
  const std::string who = inbound ? js::text_or_empty(js::get(contact, "name")) + " (" +
                                        js::text_or_empty(js::get(contact, "phoneNumber")) + ")"
                                  : user_name;
  return who + " " + sdk::time::format_moment(when, 0, "hh:mm A") + "\n" +
         js::text_or_empty(js::get(message, "subject")) + "\n";
}

MessageText NewMessageLog(const json::object& in, const std::string& user_name, int64_t now_ms) {
  static constexpr std::string_view kFooter = "\n\n--- Created via RingCentral App Connect";
  const json::object& contact = object_of(in, "contactInfo");
  const json::object& message = object_of(in, "message");
  const json::object& shared = object_of(in, "sharedSMSLogContent");
  const int64_t at = TimeOr(js::get(message, "creationTime"), now_ms);
  const std::string day = sdk::time::format_moment(at, 0, "YY/MM/DD");
  const std::string name = js::text_or_empty(js::get(contact, "name"));

  MessageText out;
  out.when = at;
  if (js::truthy(js::get(in, "recordingLink"))) {
    out.type = "Voicemail";
  } else if (js::truthy(js::get(in, "faxDocLink"))) {
    out.type = "Fax";
  } else {
    out.type = "SMS";
  }
  if (js::truthy(js::get(shared, "body")) && js::truthy(js::get(shared, "subject"))) {
    out.subject = js::to_string(shared.at("subject"));
    out.body = js::to_string(shared.at("body"));
    out.when = TimeOr(js::get(shared, "conversationCreatedDate"), at);
    return out;
  }
  if (out.type == "Voicemail") {
    out.subject = "Voicemail left by " + name + " - " + day;
    out.body = "Voicemail recording link: " + UriDecode(js::to_string(in.at("recordingLink"))) +
               std::string(kFooter);
    return out;
  }
  if (out.type == "Fax") {
    out.subject = "Fax document sent from " + name + " - " + day;
    out.body = "Fax document link: " + js::to_string(in.at("faxDocLink")) + std::string(kFooter);
    return out;
  }
  std::string others;
  for (const std::string& n : sdk::contract::correspondent_names(in))
    others += "    " + n + "\n";
  out.subject = "SMS conversation with " + name + " - " + day;
  out.body = "\nConversation summary\n" + sdk::time::format_moment(at, 0, "dddd, MMMM DD, YYYY") +
             "\nParticipants\n    " + user_name + "\n    " + name + "\n" + others +
             "\nConversation(1 messages)\nBEGIN\n------------\n" +
             MessageLine(message, contact, user_name) + "------------\nEND" + std::string(kFooter);
  return out;
}

json::object WarningWithDetails(std::string_view message, int ttl, std::string_view details) {
  json::object item{{"id", "1"}, {"type", "text"}, {"text", details}};
  return json::object{
      {"message", message},
      {"messageType", "warning"},
      {"details", json::array{json::object{{"title", "Details"}, {"items", json::array{item}}}}},
      {"ttl", ttl}};
}

}  // namespace googlesheets
