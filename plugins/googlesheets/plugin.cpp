// The Google Sheets plugin: OAuth login with a Google account, and a spreadsheet of the user's
// as the CRM. Its Contacts tab is searched by exact E.164 phone number and grows by one row per
// new contact; Call Logs and Message Logs get one row per call and per conversation, found again
// by their ID cell. The spreadsheet is chosen with the plugin's picker page or created by name
// (routes.cpp); the requests are the reference connector's (docs/CRM_PLUGINS.md lists them and
// where we differ).
//
// Settings: googleSheets.oauth_client_id, googleSheets.oauth_client_secret (the Google OAuth
// app), googleSheets.oauth_redirect_uri (default: App Connect's redirect page),
// googleSheets.picker_api_key (the Picker's developer key), googleSheets.picker_app_id (the
// Picker's app id: the Google Cloud project number; default the reference's).
//
// This file is the operations; api.cpp is Google's HTTP APIs, mapping.cpp the rows, routes.cpp
// the plugin's own pages and routes.
#include <crmhost/plugin.hpp>
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/phone.hpp>
#include <crmhost/sdk/text.hpp>

#include <algorithm>
#include <optional>

#include "api.h"
#include "mapping.h"
#include "routes.h"

extern const char kGoogleSheetsManifest[];  // manifest.json, embedded at build time

namespace googlesheets {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;
using sdk::contract::return_message;

namespace {

constexpr const char* kDefaultRedirectUri =
    "https://ringcentral.github.io/ringcentral-embeddable/redirect.html";

json::object Warning(std::string_view message, int ttl) {
  return return_message(message, "warning", ttl);
}

// A number as the sheet stores it: E.164 when the host can read it, else as given.
std::string E164(sdk::Call& call, const std::string& text) {
  const auto n = call.phone(text);
  return n.e164.empty() ? text : n.e164;
}

// The selected spreadsheet's id, nullopt when none is selected (or its URL has no id).
std::optional<std::string> SheetIdOf(const json::object& in) {
  return SpreadsheetIdOf(SheetUrl(in));
}

bool HasTab(Api& api, const std::string& id, std::string_view tab) {
  const auto titles = api.TabTitles(id);
  return std::find(titles.begin(), titles.end(), tab) != titles.end();
}

json::array OneRow(json::array row) {
  return json::array{std::move(row)};
}

json::array HeaderRow(auto const& names) {
  json::array row;
  for (std::string_view n : names)
    row.emplace_back(n);
  return row;
}

// One cell of a row as a values:batchUpdate entry.
json::object CellUpdate(std::string_view tab, int column, size_t row_number, json::value v) {
  return json::object{{"range", TabRange(tab, ColumnLetters(column) + std::to_string(row_number))},
                      {"values", json::array{json::array{std::move(v)}}}};
}

// A log tab as the operations need it: the header row and, of the other rows, only the cells
// of `columns` (the rest ""), in the shape of a whole-tab read (rows[0] the header; [] for an
// empty tab). Reading the whole tab would carry every call's notes and transcripts, which
// outgrow the host's response limit after a few thousand calls.
json::array ReadColumns(Api& api, const std::string& id, std::string_view tab,
                        std::initializer_list<std::string_view> columns) {
  json::array first = api.Values(id, TabRange(tab, "1:1"));
  if (first.empty() || !first[0].is_array() || first[0].get_array().empty()) return json::array();
  const json::array header = first[0].get_array();
  const Header h(header);
  std::vector<int> indexes;
  std::vector<std::string> ranges;
  for (std::string_view c : columns)
    if (const int i = h.Find(c); i >= 0) {
      indexes.push_back(i);
      ranges.push_back(TabRange(tab, ColumnLetters(i) + ":" + ColumnLetters(i)));
    }
  json::array rows{header};
  if (ranges.empty()) return rows;
  const std::vector<json::array> values = api.BatchValues(id, ranges);
  size_t height = 1;
  for (const json::array& v : values)
    height = std::max(height, v.size());
  const int width = *std::max_element(indexes.begin(), indexes.end()) + 1;
  for (size_t r = 1; r < height; ++r) {
    json::array row(size_t(width), json::value(""));
    for (size_t k = 0; k < indexes.size(); ++k)
      if (r < values[k].size() && values[k][r].is_array() && !values[k][r].get_array().empty())
        row[size_t(indexes[k])] = values[k][r].get_array()[0];
    rows.push_back(std::move(row));
  }
  return rows;
}

// Row `index` of a tab (0 = the header), its cells as Google shows them.
json::array ReadRow(Api& api, const std::string& id, std::string_view tab, size_t index) {
  const std::string n = std::to_string(index + 1);
  json::array rows = api.Values(id, TabRange(tab, n + ":" + n));
  return rows.empty() || !rows[0].is_array() ? json::array() : std::move(rows[0].get_array());
}

}  // namespace

class GoogleSheets {
 public:
  static constexpr const char* kName = "googleSheets";
  static constexpr const char* kVersion = "1.0.0";
  static constexpr const char* kManifest = kGoogleSheetsManifest;
  static constexpr const char* kRoutes = googlesheets::kRoutes;

  explicit GoogleSheets(sdk::Call& init) {
    if (!init.setting("oauth_client_id"))
      init.warn(
          "setting googleSheets.oauth_client_id is not set: Google Sheets logins fail until it is");
    if (!init.setting("picker_api_key"))
      init.warn("setting googleSheets.picker_api_key is not set: the sheet picker may not load");
  }

  json::value getAuthType(sdk::Call&, const json::object&) { return "oauth"; }
  json::value getLogFormatType(sdk::Call&, const json::object&) { return "text/plain"; }

  // The host exchanges the code and refreshes tokens with this app.
  json::value getOauthInfo(sdk::Call& call, const json::object&) {
    return json::object{
        {"clientId", call.setting("oauth_client_id").value_or("")},
        {"clientSecret", call.setting("oauth_client_secret").value_or("")},
        {"accessTokenUri", kTokenUrl},
        {"authorizationUri", kAuthUrl},
        {"redirectUri", call.setting("oauth_redirect_uri").value_or(kDefaultRedirectUri)},
        {"scopes", json::array{"https://www.googleapis.com/auth/drive.file",
                               "https://www.googleapis.com/auth/userinfo.profile",
                               "https://www.googleapis.com/auth/userinfo.email"}}};
  }

  json::value getUserInfo(sdk::Call& call, const json::object& in) {
    try {
      json::value me = Api(call, in).UserInfo();
      const std::string sub = js::text_or_empty(js::get(&me, "sub"));
      if (sub.empty()) throw sdk::UpstreamError(200, "no sub in Google's userinfo");
      const json::value name = sdk::contract::value_or(me.get_object(), "name");
      const json::value email = sdk::contract::value_or(me.get_object(), "email");
      return json::object{
          {"successful", true},
          {"platformUserInfo", json::object{{"id", sub + "-googleSheets"},
                                            {"name", name},
                                            {"email", email},
                                            {"platformAdditionalInfo",
                                             json::object{{"email", email}, {"name", name}}}}}};
    } catch (const std::exception& e) {
      call.warn(std::string("Google Sheets login failed: ") + e.what());
      return sdk::contract::login_failed("Google Sheets", "Could not load user information");
    }
  }

  // Revokes the grant at Google: the refresh token when there is one (that ends the access
  // token too, even an expired one), else the access token.
  json::value unAuthorize(sdk::Call& call, const json::object& in) {
    const json::object& user = object_of(in, "user");
    std::string token = sdk::string_field(user, "refreshToken");
    if (token.empty()) token = sdk::string_field(user, "accessToken");
    const bool revoked = token.empty() || Revoke(call, token);
    return json::object{
        {"returnMessage", revoked ? return_message("Logged out of GoogleSheet", "success", 3000)
                                  : Warning("Error logging out of GoogleSheet", 3000)},
        {"userUpdate", json::object{{"accessToken", ""}, {"refreshToken", ""}}}};
  }

  json::value serveRoute(sdk::Call& call, const json::object& in) { return ServeRoute(call, in); }

  // The Contacts rows whose Phone cell is exactly the number in E.164.
  json::value findContact(sdk::Call& call, const json::object& in) {
    if (sdk::string_field(in, "isExtension") == "true")
      return json::object{{"successful", false}, {"matchedContactInfo", json::array()}};
    const auto id = SheetIdOf(in);
    if (!id)
      return json::object{
          {"successful", false},
          {"returnMessage", WarningWithDetails("No sheet selected to search for contacts", 5000,
                                               kSelectSheetDetails)}};
    Api api(call, in);
    if (!HasTab(api, *id, kContactsTab))
      return json::object{{"successful", false},
                          {"returnMessage", Warning("Invalid SheetName", 30000)}};
    const json::array rows = api.Values(*id, QuotedTab(kContactsTab));
    const Header header(rows.empty() ? json::array() : rows[0].as_array());
    const int id_col = header.Find("ID"), name_col = header.Find("Contact name"),
              phone_col = header.Find("Phone");
    if (id_col < 0 || name_col < 0 || phone_col < 0)
      return json::object{
          {"successful", false},
          {"returnMessage",
           Warning("Invalid Headers, First Row of Sheet should be ID,SheetId, ContactName, "
                   "PhoneNumber",
                   30000)}};
    const std::string number =
        E164(call, sdk::phone::from_query(sdk::string_field(in, "phoneNumber")));
    json::array matched;
    for (size_t i = 1; i < rows.size(); ++i) {
      if (CellText(rows[i], phone_col) != number) continue;
      const std::string contact_id = CellText(rows[i], id_col);
      matched.push_back(json::object{{"id", contact_id},
                                     {"name", CellText(rows[i], name_col)},
                                     {"phoneNumber", CellText(rows[i], phone_col)},
                                     {"mostRecentActivityDate", contact_id}});
    }
    matched.push_back(json::object{{"id", "createNewContact"},
                                   {"name", "Create new Contact"},
                                   {"additionalInfo", nullptr},
                                   {"isNewContact", true}});
    return json::object{{"successful", true}, {"matchedContactInfo", std::move(matched)}};
  }

  json::value createContact(sdk::Call& call, const json::object& in) {
    const auto id = SheetIdOf(in);
    if (!id)
      return json::object{
          {"contactInfo", nullptr},
          {"returnMessage",
           WarningWithDetails("No sheet selected to create contacts", 5000, kSelectSheetDetails)}};
    Api api(call, in);
    if (!HasTab(api, *id, kContactsTab))
      return json::object{{"contactInfo", nullptr},
                          {"returnMessage", Warning("Invalid SheetName", 30000)}};
    const json::array rows = api.Values(*id, QuotedTab(kContactsTab));
    const Header header(rows.empty() ? json::array() : rows[0].as_array());
    if (!header.Has("ID") || !header.Has("Contact name") || !header.Has("Phone"))
      return json::object{
          {"contactInfo", nullptr},
          {"returnMessage",
           Warning("Invalid Headers, First Row of Sheet should be ID,SheetId, ContactName, "
                   "PhoneNumber",
                   30000)}};
    const int64_t next = NextId(rows, header.Find("ID"));
    const json::value name = sdk::contract::value_or(in, "newContactName", "");
    const std::string number =
        E164(call, sdk::phone::from_query(sdk::string_field(in, "phoneNumber")));
    Cells cells;
    cells.emplace_back("ID", next);
    cells.emplace_back("Sheet Id", *id);
    cells.emplace_back("Contact name", name);
    cells.emplace_back("Phone", number);
    api.Append(*id, kContactsTab, OneRow(RowOf(header, cells)));
    return json::object{{"contactInfo", json::object{{"id", next}, {"name", name}}},
                        {"returnMessage", return_message("Contact created", "success", 5000)}};
  }

  // One Call Logs row; a row with the call's session id already there is the call's log.
  json::value createCallLog(sdk::Call& call, const json::object& in) {
    const auto id = SheetIdOf(in);
    if (!id)
      return json::object{
          {"logId", nullptr},
          {"returnMessage", WarningWithDetails("Error logging call", 60000, kLogErrorDetails)}};
    Api api(call, in);
    if (!HasTab(api, *id, kCallLogsTab))
      return json::object{{"logId", nullptr},
                          {"returnMessage", Warning("Invalid SheetName", 30000)}};
    const json::array rows = ReadColumns(api, *id, kCallLogsTab, {"ID", "Session Id"});
    json::array first = rows.empty() ? json::array() : rows[0].as_array();
    if (first.empty()) {
      // An empty tab gets the whole header row first.
      first = HeaderRow(kCallLogHeaders);
      api.Update(*id, TabRange(kCallLogsTab, "1:1"), OneRow(first));
    } else {
      // An older header row gets the columns added since (failures only logged, as the
      // reference does: the row is still written to the columns there are).
      json::array widened = first;
      for (std::string_view c : kLateCallLogColumns)
        if (!Header(widened).Has(c)) widened.emplace_back(c);
      if (widened.size() != first.size()) {
        try {
          api.Update(*id, TabRange(kCallLogsTab, "1:1"), OneRow(widened));
          first = std::move(widened);
        } catch (const sdk::UpstreamError& e) {
          call.warn(std::string("Google Sheets: adding Call Logs columns failed: ") + e.what());
        }
      }
    }
    const Header header(first);
    const json::object& log = object_of(in, "callLog");
    const std::string session(sdk::text::trim(js::text_or_empty(js::get(log, "sessionId"))));
    if (Enabled(object_of(in, "user"), "addCallSessionId") && !session.empty()) {
      const int session_col = header.Find("Session Id");
      for (size_t i = 1; session_col >= 0 && i < rows.size(); ++i)
        if (sdk::text::trim(CellText(rows[i], session_col)) == session)
          return json::object{
              {"logId", CellText(rows[i], header.Find("ID"))},
              {"returnMessage", return_message("Call was already logged", "success", 2000)}};
    }
    const int64_t next = NextId(rows.empty() ? json::array{first} : rows, header.Find("ID"));
    const std::string phone =
        js::text_or_empty(js::get(object_of(in, "contactInfo"), "phoneNumber"));
    api.Append(*id, kCallLogsTab,
               OneRow(RowOf(header, CallLogCells(in, next, *id, phone, call.now_ms()))));
    return json::object{{"logId", next},
                        {"returnMessage", return_message("Call logged", "success", 2000)}};
  }

  json::value getCallLog(sdk::Call& call, const json::object& in) {
    const auto id = SheetIdOf(in);
    if (!id)
      return json::object{
          {"returnMessage", WarningWithDetails("No sheet selected", 5000, kSelectSheetDetails)}};
    Api api(call, in);
    const json::array rows = ReadColumns(api, *id, kCallLogsTab, {"ID"});
    const Header header(rows.empty() ? json::array() : rows[0].as_array());
    const int subject_col = header.Find("Subject"), note_col = header.Find("Notes");
    if (subject_col < 0 || note_col < 0)
      return json::object{{"returnMessage", Warning("Error logging out of GoogleSheet", 3000)}};
    const auto row = FindRow(rows, header.Find("ID"), js::text_or_empty(js::get(in, "callLogId")));
    if (!row) return json::object{{"returnMessage", Warning("Call log not found", 3000)}};
    const json::value cells = ReadRow(api, *id, kCallLogsTab, *row);
    return json::object{{"callLogInfo", json::object{{"subject", CellText(cells, subject_col)},
                                                     {"note", CellText(cells, note_col)},
                                                     {"additionalSubmission", json::object()}}}};
  }

  // The changed cells of the call's row, one values:batchUpdate.
  json::value updateCallLog(sdk::Call& call, const json::object& in) {
    const auto id = SheetIdOf(in);
    if (!id)
      return json::object{
          {"returnMessage", WarningWithDetails("Error Updating call", 60000, kLogErrorDetails)}};
    Api api(call, in);
    const json::array rows = ReadColumns(api, *id, kCallLogsTab, {"ID"});
    const Header header(rows.empty() ? json::array() : rows[0].as_array());
    if (!header.Has("Subject") || !header.Has("Notes"))
      return json::object{{"returnMessage", Warning("Error logging out of GoogleSheet", 3000)}};
    const std::string log_id =
        js::text_or_empty(js::get(object_of(in, "existingCallLog"), "thirdPartyLogId"));
    const auto row = FindRow(rows, header.Find("ID"), log_id);
    if (!row) return json::object{{"returnMessage", Warning("Call log not found", 3000)}};
    json::array data;
    for (auto& [column, value] : UpdatedCallLogCells(in))
      if (const int c = header.Find(column); c >= 0)
        data.push_back(CellUpdate(kCallLogsTab, c, *row + 1, value));
    if (!data.empty()) api.BatchUpdate(*id, std::move(data));
    json::object out{{"returnMessage", return_message("Call log updated.", "success", 2000)}};
    if (const json::value* note = js::get(in, "note")) out["updatedNote"] = *note;
    return out;
  }

  // The sheet has no dispositions: the log stays as it is.
  json::value upsertCallDisposition(sdk::Call&, const json::object& in) {
    return json::object{
        {"logId", sdk::contract::value_or(object_of(in, "existingCallLog"), "thirdPartyLogId")}};
  }

  // One Message Logs row per conversation (a voicemail or fax is its own); the tab is added
  // when the spreadsheet lacks it.
  json::value createMessageLog(sdk::Call& call, const json::object& in) {
    const auto id = SheetIdOf(in);
    if (!id)
      return json::object{{"logId", nullptr},
                          {"returnMessage", WarningWithDetails("Error logging message", 60000,
                                                               "Error logging message")}};
    Api api(call, in);
    if (!HasTab(api, *id, kMessageLogsTab)) {
      try {
        api.AddTab(*id, kMessageLogsTab);
        api.Append(*id, kMessageLogsTab, OneRow(HeaderRow(kMessageLogHeaders)));
      } catch (const sdk::UpstreamError& e) {
        call.warn(std::string("Google Sheets: adding the Message Logs tab failed: ") + e.what());
        return json::object{{"logId", nullptr},
                            {"returnMessage", Warning("Error creating Message Log Sheet", 30000)}};
      }
    }
    json::array rows = ReadColumns(api, *id, kMessageLogsTab, {"ID"});
    if (rows.empty()) {
      // A tab without its header row (made by hand, or an earlier header write that failed):
      // the header first, or the first message would become it.
      api.Append(*id, kMessageLogsTab, OneRow(HeaderRow(kMessageLogHeaders)));
      rows.push_back(HeaderRow(kMessageLogHeaders));
    }
    const Header header(rows[0].as_array());
    const int64_t next = NextId(rows, header.Find("ID"));
    const json::object& user = object_of(in, "user");
    const json::object& contact = object_of(in, "contactInfo");
    const MessageText text = NewMessageLog(in, UserName(user), call.now_ms());
    Cells cells;
    cells.emplace_back("ID", next);
    cells.emplace_back("Sheet Id", *id);
    cells.emplace_back("Subject", text.subject);
    cells.emplace_back("Contact name", js::text_or_empty(js::get(contact, "name")));
    cells.emplace_back("Phone", js::text_or_empty(js::get(contact, "phoneNumber")));
    cells.emplace_back("Message", text.body);
    cells.emplace_back("Message Type", text.type);
    cells.emplace_back("Message Time", SheetTime(text.when));
    cells.emplace_back("Direction",
                       js::text_or_empty(js::get(object_of(in, "message"), "direction")));
    api.Append(*id, kMessageLogsTab, OneRow(RowOf(header, cells)));
    return json::object{{"logId", next},
                        {"returnMessage", return_message("Message logged", "success", 1000)}};
  }

  // The conversation's Message cell gains the new message (a shared conversation's whole text
  // replaces it).
  json::value updateMessageLog(sdk::Call& call, const json::object& in) {
    const auto id = SheetIdOf(in);
    if (!id)
      return json::object{
          {"returnMessage", WarningWithDetails("No sheet selected", 60000, kSelectSheetDetails)}};
    Api api(call, in);
    const json::array rows = ReadColumns(api, *id, kMessageLogsTab, {"ID"});
    const Header header(rows.empty() ? json::array() : rows[0].as_array());
    const int message_col = header.Find("Message");
    if (message_col < 0 || !header.Has("ID"))
      return json::object{{"returnMessage", Warning("Error logging out of GoogleSheet", 3000)}};
    std::string log_id =
        js::text_or_empty(js::get(object_of(in, "existingMessageLog"), "thirdPartyLogId"));
    log_id = log_id.substr(0, log_id.find('.'));
    const auto row = FindRow(rows, header.Find("ID"), log_id);
    if (!row) return json::object{{"returnMessage", Warning("Error while adding message", 3000)}};
    const json::object& shared = object_of(in, "sharedSMSLogContent");
    std::string body;
    if (js::truthy(js::get(shared, "body"))) {
      body = js::to_string(shared.at("body"));
    } else {
      body = sdk::contract::append_conversation_message(
          CellText(ReadRow(api, *id, kMessageLogsTab, *row), message_col),
          MessageLine(object_of(in, "message"), object_of(in, "contactInfo"),
                      UserName(object_of(in, "user"))));
    }
    api.BatchUpdate(
        *id, json::array{CellUpdate(kMessageLogsTab, message_col, *row + 1, json::value(body))});
    return json::object{{"returnMessage", return_message("Message log updated.", "success", 2000)}};
  }

  static constexpr auto operations() {
    using Op = sdk::Operation<GoogleSheets>;
    return std::array{
        Op{"getAuthType", &GoogleSheets::getAuthType},
        Op{"getLogFormatType", &GoogleSheets::getLogFormatType},
        Op{"getOauthInfo", &GoogleSheets::getOauthInfo},
        Op{"getUserInfo", &GoogleSheets::getUserInfo},
        Op{"unAuthorize", &GoogleSheets::unAuthorize},
        Op{"serveRoute", &GoogleSheets::serveRoute},
        Op{"findContact", &GoogleSheets::findContact},
        Op{"createContact", &GoogleSheets::createContact},
        Op{"createCallLog", &GoogleSheets::createCallLog},
        Op{"getCallLog", &GoogleSheets::getCallLog},
        Op{"updateCallLog", &GoogleSheets::updateCallLog},
        Op{"upsertCallDisposition", &GoogleSheets::upsertCallDisposition},
        Op{"createMessageLog", &GoogleSheets::createMessageLog},
        Op{"updateMessageLog", &GoogleSheets::updateMessageLog},
    };
  }
};

}  // namespace googlesheets

CRMHOST_PLUGIN(googlesheets::GoogleSheets)
