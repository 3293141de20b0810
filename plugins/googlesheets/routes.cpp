#include "routes.h"

#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/text.hpp>

#include <string>

#include "api.h"
#include "mapping.h"
#include "pages.h"

namespace googlesheets {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;

namespace {

json::object Text(int status, std::string text) {
  return json::object{{"status", status}, {"body", std::move(text)}};
}

json::object Json(int status, json::value body) {
  return json::object{{"status", status}, {"json", std::move(body)}};
}

// A JSON value made safe inside a <script> element: no "</script>", "<!--" or "]]>" can appear
// (every <, > and & is escaped), and the line separators JavaScript once refused are escaped.
std::string ScriptJson(const json::value& v) {
  const std::string raw = json::serialize(v);
  std::string out;
  out.reserve(raw.size() + 16);
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < raw.size() && raw[i + 1] == '\x80' &&
               (raw[i + 2] == '\xA8' || raw[i + 2] == '\xA9')) {
      out += raw[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

// The request body as a JSON object: {} for an empty body, nullopt for one that is no object.
std::optional<json::object> BodyOf(const json::object& in) {
  const std::string raw = sdk::string_field(in, "body");
  if (sdk::text::trim(raw).empty()) return json::object();
  boost::system::error_code ec;
  json::value v = json::parse(raw, ec);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.get_object());
}

bool HasUser(const json::object& in) {
  return sdk::object_field(in, "user") && !sdk::string_field(in, "authHeader").empty();
}

// The user's Google access token from "Bearer <token>".
std::string AccessToken(const json::object& in) {
  std::string header = sdk::string_field(in, "authHeader");
  constexpr std::string_view kBearer = "Bearer ";
  if (header.compare(0, kBearer.size(), kBearer) == 0) header.erase(0, kBearer.size());
  return std::string(sdk::text::trim(header));
}

json::object UserSheet(const std::string& name, const std::string& url) {
  return json::object{
      {"userSettings", json::object{{"googleSheetsName", json::object{{"value", name}}},
                                    {"googleSheetsUrl", json::object{{"value", url}}}}}};
}

json::object AdminSheet(const std::string& name, const std::string& url, bool customizable) {
  return json::object{
      {"googleSheetsName", json::object{{"value", name}, {"customizable", customizable}}},
      {"googleSheetsUrl", json::object{{"value", url}, {"customizable", customizable}}}};
}

struct NamedSheet {
  std::string name, url;
};

// The spreadsheet named `name` the user already has (the last Drive lists wins, as in the
// reference), or a new one with the three tabs and their header rows.
NamedSheet ReuseOrCreate(Api& api, const std::string& name) {
  json::array files;
  try {
    files = api.SpreadsheetsNamed(name);
  } catch (const sdk::UpstreamError& e) {
    // The reference treats a failed listing as "no spreadsheet of that name".
    api.call().warn(std::string("Google Drive listing failed: ") + e.what());
  }
  std::string url;
  for (const json::value& f : files)
    if (js::text_or_empty(js::get(&f, "name")) == name) {
      const std::string link = js::text_or_empty(js::get(&f, "webViewLink"));
      if (!link.empty()) url = link;
    }
  if (!url.empty()) return {name, url};

  json::value made = api.Create(name, {kCallLogsTab, kMessageLogsTab, kContactsTab});
  const std::string id = js::text_or_empty(js::get(&made, "spreadsheetId"));
  url = js::text_or_empty(js::get(&made, "spreadsheetUrl"));
  if (id.empty() || url.empty())
    throw sdk::UpstreamError(200, "Google answered no spreadsheetId or spreadsheetUrl");
  auto header = [](auto const& names) {
    json::array row;
    for (std::string_view n : names)
      row.emplace_back(n);
    return json::array{std::move(row)};
  };
  api.Append(id, kCallLogsTab, header(kCallLogHeaders));
  api.Append(id, kContactsTab, header(kContactHeaders));
  api.Append(id, kMessageLogsTab, header(kMessageLogHeaders));
  const std::string title = js::text_or_empty(js::get(js::get(&made, "properties"), "title"));
  return {title.empty() ? name : title, url};
}

// The sheet the picker chose, {name, url}, when it is a Google Sheets document.
std::optional<NamedSheet> PickedSheet(const json::object& body) {
  const json::value* data = js::get(body, "sheetData");
  const json::value* name = js::get(data, "name");
  const json::value* url = js::get(data, "url");
  if (!name || !url || !name->is_string() || !url->is_string()) return std::nullopt;
  if (!IsSheetUrl(url->get_string())) return std::nullopt;
  return NamedSheet{std::string(name->get_string()), std::string(url->get_string())};
}

json::object PickerPage(sdk::Call& call, const json::object& in, bool admin) {
  const std::string token = AccessToken(in);
  json::object config{
      {"pageTitle", admin ? "Google Sheets Picker - Admin" : "Google Sheets Picker"},
      {"pickerTitle", admin ? "Select a Google Sheet for Organization" : "Select a Google Sheet"},
      {"accessToken", token},
      {"developerKey", call.setting("picker_api_key").value_or("")},
      {"appId", call.setting("picker_app_id").value_or(kDefaultPickerAppId)},
      {"admin", admin},
      {"doneText",
       admin ? "Google Sheets is now configured for your organization with the file \"{name}\". "
               "Return to Admin Settings in App Connect to finish."
             : "The file \"{name}\" is now attached. Go to Google Sheets Config in App Connect's "
               "settings to see it."}};
  // Which query parameters of the page's address the post back carries, under which name.
  json::array credentials{json::array{"token", "jwtToken"}, json::array{"jwtToken", "jwtToken"}};
  if (admin) credentials.push_back(json::array{"rcAccessToken", "rcAccessToken"});
  config["credentials"] = std::move(credentials);
  std::string page(kPickerPage);
  const size_t at = page.find(kConfigPlaceholder);
  page.replace(at, kConfigPlaceholder.size(), ScriptJson(config));
  return json::object{{"status", 200},
                      // The page holds the user's Google access token: never cached.
                      {"headers", json::object{{"content-type", "text/html; charset=utf-8"},
                                               {"cache-control", "no-store"}}},
                      {"body", std::move(page)}};
}

json::object UserRoute(sdk::Call& call, const json::object& in, const std::string& method,
                       const std::string& path) {
  if (!HasUser(in)) return Text(400, "User not found");
  if (path == "/googleSheets/filePicker") return PickerPage(call, in, false);
  if (path == "/googleSheets/sheet" && method == "DELETE") {
    json::object out = Text(200, "Sheet removed");
    out["userUpdate"] = UserSheet("", "");
    return out;
  }
  auto body = BodyOf(in);
  if (!body) return Text(400, "The body must be a JSON object");
  if (path == "/googleSheets/sheet") {
    std::string name = js::text_or_empty(js::get(*body, "name"));
    if (sdk::text::trim(name).empty()) name = std::string(kDefaultSheetName);
    Api api(call, in);
    NamedSheet sheet;
    try {
      sheet = ReuseOrCreate(api, name);
    } catch (const sdk::UpstreamError& e) {
      call.warn(std::string("Google Sheets: creating a sheet failed: ") + e.what());
      return Text(500, "Failed to create new sheet");
    }
    json::object out = Json(200, json::object{{"name", sheet.name}, {"url", sheet.url}});
    out["userUpdate"] = UserSheet(sheet.name, sheet.url);
    return out;
  }
  // POST /googleSheets/selectedSheet
  auto picked = PickedSheet(*body);
  if (!picked) return Text(400, "Invalid sheet data");
  json::object out = Json(200, json::object{{"message", "Sheet selected"}});
  out["userUpdate"] = UserSheet(picked->name, picked->url);
  return out;
}

json::object AdminRoute(sdk::Call& call, const json::object& in, const std::string& path) {
  if (path == "/admin/googleSheets/config") {
    const json::object& admin = object_of(in, "adminSettings");
    auto entry = [&](std::string_view key) -> json::value {
      const json::value* v = js::get(admin, key);
      return v ? *v : json::value(nullptr);
    };
    return Json(200, json::object{{"googleSheetsUrl", entry("googleSheetsUrl")},
                                  {"googleSheetsName", entry("googleSheetsName")}});
  }
  // The other admin routes act with the admin's own Google account.
  if (!HasUser(in)) return Text(400, "User not found");
  if (path == "/admin/googleSheets/filePicker") return PickerPage(call, in, true);
  auto body = BodyOf(in);
  if (!body) return Text(400, "The body must be a JSON object");
  if (path == "/admin/googleSheets/sheet") {
    std::string name = js::text_or_empty(js::get(*body, "name"));
    if (sdk::text::trim(name).empty()) name = std::string(kDefaultSheetName);
    const bool customizable = js::truthy(js::get(*body, "customizable"));
    Api api(call, in);
    NamedSheet sheet;
    try {
      sheet = ReuseOrCreate(api, name);
    } catch (const sdk::UpstreamError& e) {
      call.warn(std::string("Google Sheets: creating the organization's sheet failed: ") +
                e.what());
      return Text(500, "Failed to create new sheet");
    }
    json::object out = Json(200, json::object{{"name", sheet.name}, {"url", sheet.url}});
    out["userUpdate"] = UserSheet(sheet.name, sheet.url);
    out["adminSettingsUpdate"] = AdminSheet(sheet.name, sheet.url, customizable);
    return out;
  }
  // POST /admin/googleSheets/selectedSheet
  auto picked = PickedSheet(*body);
  if (!picked) return Text(400, "Invalid sheet data");
  const bool customizable = js::truthy(js::get(*body, "customizable"));
  json::object out = Json(200, json::object{{"message", "Admin sheet configuration saved"}});
  out["userUpdate"] = UserSheet(picked->name, picked->url);
  out["adminSettingsUpdate"] = AdminSheet(picked->name, picked->url, customizable);
  return out;
}

}  // namespace

json::value ServeRoute(sdk::Call& call, const json::object& in) {
  const json::object& route = object_of(in, "route");
  const std::string path = sdk::string_field(route, "path");
  const std::string method = sdk::string_field(route, "method");
  if (path.rfind("/admin/", 0) == 0) return AdminRoute(call, in, path);
  if (path.rfind("/googleSheets/", 0) == 0) return UserRoute(call, in, method, path);
  return Text(404, "Not found");
}

}  // namespace googlesheets
