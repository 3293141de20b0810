#include "api.h"

#include <crmhost/sdk/js.hpp>

#include "mapping.h"

namespace googlesheets {

namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;

namespace {

sdk::rest::Options GoogleOptions() {
  sdk::rest::Options o;
  o.crm = "Google";
  o.name_request = true;
  return o;
}

std::string SheetUrl(const std::string& id) {
  return std::string(kSheetsBase) + "/" + sdk::url_encode(id);
}

// A Drive query string literal: backslashes and quotes escaped.
std::string DriveLiteral(std::string_view s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "'";
}

}  // namespace

Api::Api(sdk::Call& call, std::string auth)
    : session_(call, "", std::move(auth), GoogleOptions()) {}

Api::Api(sdk::Call& call, const json::object& in)
    : Api(call, sdk::string_field(in, "authHeader")) {}

json::value Api::Request(std::string_view method, const std::string& url, const json::value* body) {
  return session_.request_url(method, url, body);
}

std::vector<std::string> Api::TabTitles(const std::string& id) {
  json::value doc =
      Request("GET", SheetUrl(id) + "?fields=" + sdk::url_encode("sheets.properties.title"));
  std::vector<std::string> titles;
  const json::value* sheets = js::get(&doc, "sheets");
  if (sheets && sheets->is_array())
    for (const json::value& s : sheets->get_array())
      if (const json::value* t = js::get(js::get(&s, "properties"), "title"))
        titles.push_back(js::to_string(*t));
  return titles;
}

json::array Api::Values(const std::string& id, const std::string& range) {
  return RowsOf(Request("GET", SheetUrl(id) + "/values/" + sdk::url_encode(range)));
}

std::vector<json::array> Api::BatchValues(const std::string& id,
                                          const std::vector<std::string>& ranges) {
  std::string url = SheetUrl(id) + "/values:batchGet";
  for (size_t i = 0; i < ranges.size(); ++i)
    url += (i ? "&ranges=" : "?ranges=") + sdk::url_encode(ranges[i]);
  json::value doc = Request("GET", url);
  std::vector<json::array> out(ranges.size());
  if (const json::value* list = js::get(&doc, "valueRanges"); list && list->is_array())
    for (size_t i = 0; i < out.size() && i < list->get_array().size(); ++i)
      out[i] = RowsOf(list->get_array()[i]);
  return out;
}

void Api::Append(const std::string& id, std::string_view tab, json::array rows) {
  const json::value body = json::object{{"values", std::move(rows)}};
  Request("POST",
          SheetUrl(id) + "/values/" + sdk::url_encode(TabRange(tab, "A1")) +
              ":append?valueInputOption=RAW",
          &body);
}

void Api::Update(const std::string& id, const std::string& range, json::array rows) {
  const json::value body = json::object{{"range", range}, {"values", std::move(rows)}};
  Request("PUT", SheetUrl(id) + "/values/" + sdk::url_encode(range) + "?valueInputOption=RAW",
          &body);
}

void Api::BatchUpdate(const std::string& id, json::array data) {
  const json::value body = json::object{{"valueInputOption", "RAW"}, {"data", std::move(data)}};
  Request("POST", SheetUrl(id) + "/values:batchUpdate", &body);
}

void Api::AddTab(const std::string& id, std::string_view tab) {
  const json::value body = json::object{
      {"requests", json::array{json::object{
                       {"addSheet", json::object{{"properties", json::object{{"title", tab}}}}}}}}};
  Request("POST", SheetUrl(id) + ":batchUpdate", &body);
}

json::value Api::Create(std::string_view title, const std::vector<std::string_view>& tabs) {
  json::array sheets;
  for (std::string_view t : tabs)
    sheets.push_back(json::object{{"properties", json::object{{"title", t}}}});
  const json::value body =
      json::object{{"properties", json::object{{"title", title}}}, {"sheets", std::move(sheets)}};
  return Request("POST", kSheetsBase, &body);
}

json::array Api::SpreadsheetsNamed(std::string_view name) {
  const std::string q = "mimeType='" + std::string(kSpreadsheetMime) +
                        "' and name = " + DriveLiteral(name) + " and trashed = false";
  json::value found = Request(
      "GET", std::string(kDriveFiles) + "?q=" + sdk::url_encode(q) +
                 "&fields=" + sdk::url_encode("files(id,name,webViewLink)") + "&pageSize=100");
  const json::value* files = js::get(&found, "files");
  return files && files->is_array() ? files->get_array() : json::array();
}

json::value Api::UserInfo() {
  return Request("GET", kUserInfo);
}

bool Revoke(sdk::Call& call, const std::string& token) {
  try {
    auto resp =
        call.http("POST", kRevokeUrl, {{"Content-Type", "application/x-www-form-urlencoded"}},
                  "token=" + sdk::url_encode(token));
    if (resp.ok()) return true;
    call.warn("Google token revocation answered HTTP " + std::to_string(resp.status));
  } catch (const sdk::UpstreamError& e) {
    call.warn(std::string("Google token revocation failed: ") + e.what());
  }
  return false;
}

}  // namespace googlesheets
