#include "support/fake_google.h"

#include <crmhost/plugin.hpp>
#include <crmhost/sdk/js.hpp>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdlib>

namespace crmhost::testing {
namespace json = boost::json;
namespace js = crmhost::sdk::js;

namespace {

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Google's error document: {"error": {code, message, status}}.
FakeResponse ApiError(int code, const std::string& message, const std::string& status) {
  return JsonReply(
      code, json::object{
                {"error", json::object{{"code", code}, {"message", message}, {"status", status}}}});
}
FakeResponse BadRequest(const std::string& message) {
  return ApiError(400, message, "INVALID_ARGUMENT");
}
FakeResponse NotFound() {
  return ApiError(404, "Requested entity was not found.", "NOT_FOUND");
}
// The OAuth endpoints' error document: {"error": "...", "error_description": "..."}.
FakeResponse OAuthError(int status, const std::string& error, const std::string& description) {
  return JsonReply(status, json::object{{"error", error}, {"error_description", description}});
}

// Percent-decoding of one path segment ('+' stays '+', as in paths).
std::string DecodeSegment(std::string_view in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] == '%' && i + 2 < in.size() && std::isxdigit(static_cast<unsigned char>(in[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(in[i + 2]))) {
      out += char(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += in[i];
    }
  }
  return out;
}

std::vector<std::string> Segments(std::string_view path) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    if (slash > pos) out.push_back(DecodeSegment(path.substr(pos, slash - pos)));
    pos = slash + 1;
  }
  return out;
}

json::object BodyObject(const RecordedRequest& req) {
  boost::system::error_code ec;
  json::value v = json::parse(req.body, ec);
  return !ec && v.is_object() ? v.get_object() : json::object();
}

// ---- A1 notation ----

std::string ColumnName(int index) {
  std::string out;
  for (int64_t n = int64_t(index) + 1; n > 0; n = (n - 1) / 26)
    out.insert(out.begin(), char('A' + (n - 1) % 26));
  return out;
}

// A tab title as Google writes it in ranges: quoted when it is not a plain word.
std::string TabName(const std::string& title) {
  const bool plain = !title.empty() && std::all_of(title.begin(), title.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
  if (plain) return title;
  std::string out = "'";
  for (char c : title) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

// A range: 0-based rows and columns, both ends included; INT_MAX is open-ended.
struct Range {
  std::string tab;
  int r0 = 0, c0 = 0, r1 = INT_MAX, c1 = INT_MAX;
};

struct CellRef {
  std::optional<int> row, col;
};

std::optional<CellRef> ParseCell(std::string_view s) {
  CellRef ref;
  size_t i = 0;
  int64_t col = 0;
  while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) {
    col = col * 26 + (std::toupper(static_cast<unsigned char>(s[i])) - 'A' + 1);
    if (col > 18278) return std::nullopt;  // beyond ZZZ
    ++i;
  }
  if (i > 0) ref.col = int(col - 1);
  const size_t digits = i;
  int64_t row = 0;
  while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) {
    row = row * 10 + (s[i] - '0');
    if (row > 10000000) return std::nullopt;
    ++i;
  }
  if (i != s.size()) return std::nullopt;
  if (i > digits) {
    if (row < 1) return std::nullopt;
    ref.row = int(row - 1);
  }
  if (!ref.row && !ref.col) return std::nullopt;
  return ref;
}

// "<tab>", "<tab>!A1", "<tab>!A1:V5", "<tab>!1:1", "<tab>!A:C"; the tab quoted or not.
std::optional<Range> ParseRange(std::string_view text) {
  Range r;
  std::string_view rest;
  if (!text.empty() && text[0] == '\'') {
    size_t i = 1;
    for (; i < text.size(); ++i) {
      if (text[i] != '\'') {
        r.tab += text[i];
      } else if (i + 1 < text.size() && text[i + 1] == '\'') {
        r.tab += '\'';
        ++i;
      } else {
        break;
      }
    }
    if (i >= text.size()) return std::nullopt;  // no closing quote
    rest = text.substr(i + 1);
    if (!rest.empty() && rest[0] != '!') return std::nullopt;
    if (!rest.empty()) rest.remove_prefix(1);
  } else {
    const size_t bang = text.find('!');
    r.tab = std::string(text.substr(0, bang));
    if (bang != std::string_view::npos) rest = text.substr(bang + 1);
  }
  if (r.tab.empty()) return std::nullopt;
  if (rest.empty()) return r;
  const size_t colon = rest.find(':');
  auto first = ParseCell(rest.substr(0, colon));
  if (!first) return std::nullopt;
  if (colon == std::string_view::npos) {
    if (!first->row || !first->col) return std::nullopt;  // a single cell
    r.r0 = r.r1 = *first->row;
    r.c0 = r.c1 = *first->col;
    return r;
  }
  auto second = ParseCell(rest.substr(colon + 1));
  if (!second) return std::nullopt;
  r.r0 = first->row.value_or(0);
  r.c0 = first->col.value_or(0);
  r.r1 = second->row.value_or(INT_MAX);
  r.c1 = second->col.value_or(INT_MAX);
  if (r.r1 < r.r0 || r.c1 < r.c0) return std::nullopt;
  return r;
}

std::string A1(const std::string& tab, int r0, int c0, int r1, int c1) {
  return TabName(tab) + "!" + ColumnName(c0) + std::to_string(r0 + 1) + ":" + ColumnName(c1) +
         std::to_string(r1 + 1);
}

// FORMATTED_VALUE of a stored cell.
std::string Formatted(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "";
    case json::kind::bool_:
      return v.get_bool() ? "TRUE" : "FALSE";
    case json::kind::string:
      return std::string(v.get_string());
    default:
      return js::to_string(v);
  }
}

bool IsEmptyCell(const json::value& v) {
  return v.is_null() || (v.is_string() && v.get_string().empty());
}

// USER_ENTERED: text that reads as a number is stored as one (RAW keeps text as text).
json::value Entered(const json::value& v, bool user_entered) {
  if (!user_entered || !v.is_string()) return v;
  const std::string s(v.get_string());
  if (s.empty() || s.find_first_not_of("+-0123456789.") != std::string::npos) return v;
  char* end = nullptr;
  const double d = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size()) return v;
  if (d == double(int64_t(d)) && s.find('.') == std::string::npos) return int64_t(d);
  return d;
}

// The values of a request: rows of scalars. Returns an error message for anything else.
std::optional<std::string> CheckValues(const json::value* values) {
  if (!values || !values->is_array()) return std::string("Invalid JSON payload: values");
  const json::array& rows = values->get_array();
  for (size_t i = 0; i < rows.size(); ++i) {
    if (!rows[i].is_array())
      return "Invalid value at 'data.values[" + std::to_string(i) +
             "]' (type.googleapis.com/"
             "google.protobuf.ListValue)";
    const json::array& row = rows[i].get_array();
    for (size_t j = 0; j < row.size(); ++j)
      if (row[j].is_object() || row[j].is_array())
        return "Invalid values[" + std::to_string(i) + "][" + std::to_string(j) +
               "]: " + (row[j].is_object() ? "struct_value" : "list_value");
  }
  return std::nullopt;
}

// A Drive query literal 'text' (with \' and \\ escapes) at s[i]; advances i.
std::optional<std::string> DriveLiteral(std::string_view s, size_t& i) {
  while (i < s.size() && s[i] == ' ')
    ++i;
  if (i >= s.size() || s[i] != '\'') return std::nullopt;
  std::string out;
  for (++i; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 1 < s.size()) {
      out += s[++i];
    } else if (s[i] == '\'') {
      ++i;
      return out;
    } else {
      out += s[i];
    }
  }
  return std::nullopt;
}

struct DriveQuery {
  std::optional<std::string> mime, name, name_contains;
  std::optional<bool> trashed;
};

// The subset of Drive's query language the fake understands: clauses joined by "and" of
// mimeType = '...', name = '...', name contains '...', trashed = true|false.
std::optional<DriveQuery> ParseDriveQuery(std::string_view q) {
  DriveQuery out;
  size_t i = 0;
  auto skip = [&] {
    while (i < q.size() && q[i] == ' ')
      ++i;
  };
  auto word = [&] {
    skip();
    size_t b = i;
    while (i < q.size() && (std::isalnum(static_cast<unsigned char>(q[i])) || q[i] == '_'))
      ++i;
    return std::string(q.substr(b, i - b));
  };
  auto op = [&]() -> std::string {
    skip();
    if (i < q.size() && q[i] == '=') {
      ++i;
      return "=";
    }
    if (i + 1 < q.size() && q[i] == '!' && q[i + 1] == '=') {
      i += 2;
      return "!=";
    }
    return word();
  };
  while (true) {
    const std::string field = word();
    const std::string how = op();
    if (field == "trashed" && how == "=") {
      const std::string v = word();
      if (v != "true" && v != "false") return std::nullopt;
      out.trashed = v == "true";
    } else if ((field == "mimeType" || field == "name") && how == "=") {
      auto v = DriveLiteral(q, i);
      if (!v) return std::nullopt;
      (field == "name" ? out.name : out.mime) = *v;
    } else if (field == "name" && how == "contains") {
      auto v = DriveLiteral(q, i);
      if (!v) return std::nullopt;
      out.name_contains = *v;
    } else {
      return std::nullopt;
    }
    skip();
    if (i >= q.size()) return out;
    if (word() != "and") return std::nullopt;
  }
}

}  // namespace

FakeGoogle::FakeGoogle() {
  server_ = std::make_unique<FakeHttpServer>([this](const RecordedRequest& r) {
    FakeResponse answer = Handle(r);
    answer.delay_ms = failures_.DelayFor(r.path);
    return answer;
  });
}

std::vector<std::string> FakeGoogle::Origins() {
  return {"https://accounts.google.com", "https://oauth2.googleapis.com",
          "https://www.googleapis.com", "https://openidconnect.googleapis.com",
          "https://sheets.googleapis.com"};
}

std::string FakeGoogle::UrlOf(const std::string& spreadsheet_id) {
  return "https://docs.google.com/spreadsheets/d/" + spreadsheet_id + "/edit";
}

std::string FakeGoogle::NewCode() {
  std::lock_guard lock(mu_);
  std::string code = "4/0AgooglE-code-" + std::to_string(++serial_) + "x";
  codes_.insert(code);
  return code;
}

void FakeGoogle::set_expires_in(int seconds) {
  std::lock_guard lock(mu_);
  expires_in_ = seconds;
}
std::string FakeGoogle::access_token() const {
  std::lock_guard lock(mu_);
  return last_access_;
}
std::string FakeGoogle::refresh_token() const {
  std::lock_guard lock(mu_);
  return last_refresh_;
}
size_t FakeGoogle::grants(const std::string& grant_type) const {
  std::lock_guard lock(mu_);
  auto it = grant_counts_.find(grant_type);
  return it == grant_counts_.end() ? 0 : it->second;
}
size_t FakeGoogle::revocations() const {
  std::lock_guard lock(mu_);
  return revocations_;
}
bool FakeGoogle::IsValidAccessToken(const std::string& token) const {
  std::lock_guard lock(mu_);
  auto it = access_.find(token);
  if (it == access_.end() || it->second.second < NowMs()) return false;
  auto g = grants_by_refresh_.find(it->second.first);
  return g != grants_by_refresh_.end() && !g->second.revoked;
}

std::string FakeGoogle::AddSpreadsheet(
    const std::string& title, const std::vector<std::pair<std::string, json::array>>& tabs) {
  std::lock_guard lock(mu_);
  std::vector<std::string> names;
  for (auto& [name, rows] : tabs)
    names.push_back(name);
  const std::string id = Create(title, names);
  Spreadsheet& s = spreadsheets_.at(id);
  for (size_t t = 0; t < tabs.size(); ++t)
    for (const json::value& row : tabs[t].second) {
      std::vector<json::value> cells;
      if (row.is_array())
        for (const json::value& c : row.get_array())
          cells.push_back(c);
      s.tabs[t].rows.push_back(std::move(cells));
    }
  return id;
}

std::optional<std::string> FakeGoogle::SpreadsheetNamed(const std::string& title) const {
  std::lock_guard lock(mu_);
  std::optional<std::string> found;
  for (const std::string& id : order_)
    if (spreadsheets_.at(id).title == title) found = id;
  return found;
}

size_t FakeGoogle::spreadsheet_count() const {
  std::lock_guard lock(mu_);
  return spreadsheets_.size();
}

std::vector<std::string> FakeGoogle::tabs(const std::string& id) const {
  std::lock_guard lock(mu_);
  std::vector<std::string> out;
  if (const Spreadsheet* s = Find(id))
    for (const Tab& t : s->tabs)
      out.push_back(t.title);
  return out;
}

std::vector<std::vector<std::string>> FakeGoogle::cells(const std::string& id,
                                                        const std::string& tab) const {
  std::lock_guard lock(mu_);
  std::vector<std::vector<std::string>> out;
  const Spreadsheet* s = Find(id);
  if (!s) return out;
  for (const Tab& t : s->tabs) {
    if (t.title != tab) continue;
    for (const auto& row : t.rows) {
      std::vector<std::string> texts;
      for (const json::value& c : row)
        texts.push_back(Formatted(c));
      while (!texts.empty() && texts.back().empty())
        texts.pop_back();
      out.push_back(std::move(texts));
    }
  }
  while (!out.empty() && out.back().empty())
    out.pop_back();
  return out;
}

json::array FakeGoogle::raw_rows(const std::string& id, const std::string& tab) const {
  std::lock_guard lock(mu_);
  json::array out;
  if (const Spreadsheet* s = Find(id))
    for (const Tab& t : s->tabs)
      if (t.title == tab)
        for (const auto& row : t.rows)
          out.push_back(json::array(row.begin(), row.end()));
  return out;
}

void FakeGoogle::SetRow(const std::string& id, const std::string& tab, size_t row,
                        json::array cells) {
  std::lock_guard lock(mu_);
  Spreadsheet* s = Find(id);
  if (!s) return;
  for (Tab& t : s->tabs) {
    if (t.title != tab) continue;
    if (t.rows.size() <= row) t.rows.resize(row + 1);
    t.rows[row].assign(cells.begin(), cells.end());
  }
}

FakeGoogle::Spreadsheet* FakeGoogle::Find(const std::string& id) {
  auto it = spreadsheets_.find(id);
  return it == spreadsheets_.end() ? nullptr : &it->second;
}
const FakeGoogle::Spreadsheet* FakeGoogle::Find(const std::string& id) const {
  auto it = spreadsheets_.find(id);
  return it == spreadsheets_.end() ? nullptr : &it->second;
}

std::string FakeGoogle::Create(const std::string& title, const std::vector<std::string>& tabs) {
  Spreadsheet s;
  s.id = "1GsFakeSheet-" + std::to_string(++serial_) + "_Qw3rTy";
  s.title = title;
  for (const std::string& t : tabs.empty() ? std::vector<std::string>{"Sheet1"} : tabs) {
    Tab tab;
    tab.sheet_id = next_sheet_id_++;
    tab.title = t;
    s.tabs.push_back(std::move(tab));
  }
  order_.push_back(s.id);
  const std::string id = s.id;
  spreadsheets_[id] = std::move(s);
  return id;
}

json::object FakeGoogle::Resource(const Spreadsheet& s) const {
  json::array sheets;
  for (size_t i = 0; i < s.tabs.size(); ++i)
    sheets.push_back(json::object{
        {"properties",
         json::object{{"sheetId", s.tabs[i].sheet_id},
                      {"title", s.tabs[i].title},
                      {"index", i},
                      {"sheetType", "GRID"},
                      {"gridProperties", json::object{{"rowCount", 1000}, {"columnCount", 26}}}}}});
  return json::object{{"spreadsheetId", s.id},
                      {"properties", json::object{{"title", s.title},
                                                  {"locale", "en_US"},
                                                  {"autoRecalc", "ON_CHANGE"},
                                                  {"timeZone", "Etc/GMT"}}},
                      {"sheets", std::move(sheets)},
                      {"spreadsheetUrl", UrlOf(s.id)}};
}

std::string FakeGoogle::IssueAccessToken(const std::string& refresh_token) {
  last_access_ = "ya29.fake-access-" + std::to_string(++serial_) + "-Gq8e";
  access_[last_access_] = {refresh_token, NowMs() + int64_t(expires_in_) * 1000};
  return last_access_;
}

bool FakeGoogle::Authorized(const RecordedRequest& req) const {
  const std::string header = req.Header("authorization").value_or("");
  if (header.rfind("Bearer ", 0) != 0) return false;
  auto it = access_.find(header.substr(7));
  if (it == access_.end() || it->second.second < NowMs()) return false;
  auto g = grants_by_refresh_.find(it->second.first);
  return g != grants_by_refresh_.end() && !g->second.revoked;
}

FakeResponse FakeGoogle::Handle(const RecordedRequest& req) {
  if (auto failure = failures_.Match(req.path)) return *failure;
  if (req.path == "/o/oauth2/auth" && req.method == "GET") return Consent(req);
  if (req.path == "/token" && req.method == "POST") return Token(req);
  if (req.path == "/revoke" && req.method == "POST") return Revoke(req);
  std::lock_guard lock(mu_);
  if (!Authorized(req))
    return ApiError(401,
                    "Request had invalid authentication credentials. Expected OAuth 2 access "
                    "token, login cookie or other valid authentication credential.",
                    "UNAUTHENTICATED");
  if ((req.path == "/oauth2/v3/userinfo" || req.path == "/v1/userinfo") && req.method == "GET")
    return JsonReply(200, json::object{{"sub", kSub},
                                       {"name", kName},
                                       {"given_name", "Jane"},
                                       {"family_name", "Doe"},
                                       {"picture", "https://lh3.googleusercontent.com/a/fake"},
                                       {"email", kEmail},
                                       {"email_verified", true}});
  if (req.path == "/drive/v3/files" && req.method == "GET") return Drive(req);
  const auto segments = Segments(req.path);
  if (segments.size() >= 2 && segments[0] == "v4" && segments[1].rfind("spreadsheets", 0) == 0)
    return Sheets(req, segments);
  return NotFound();
}

// The consent screen, already agreed to: back to the redirect URI with a code and the state.
FakeResponse FakeGoogle::Consent(const RecordedRequest& req) {
  if (req.Query("client_id").value_or("") != kClientId)
    return OAuthError(401, "invalid_client", "The OAuth client was not found.");
  const std::string redirect = req.Query("redirect_uri").value_or("");
  if (redirect != kRedirectUri)
    return OAuthError(400, "redirect_uri_mismatch",
                      "The redirect URI in the request does not match the ones authorized for "
                      "the OAuth client.");
  const std::string code = NewCode();
  FakeResponse r;
  r.status = 302;
  r.content_type = "text/html";
  std::string location = redirect + "?code=" + sdk::url_encode(code);
  if (auto state = req.Query("state")) location += "&state=" + sdk::url_encode(*state);
  location += "&scope=" + sdk::url_encode(req.Query("scope").value_or(""));
  r.headers.emplace_back("Location", location);
  return r;
}

FakeResponse FakeGoogle::Token(const RecordedRequest& req) {
  auto form = ParseForm(req.body);
  const std::string basic =
      "Basic " + sdk::base64_encode(std::string(kClientId) + ":" + kClientSecret);
  const bool client_ok = req.Header("authorization").value_or("") == basic ||
                         (form["client_id"] == kClientId && form["client_secret"] == kClientSecret);
  if (!client_ok) return OAuthError(401, "invalid_client", "Unauthorized");
  const std::string grant = form["grant_type"];
  std::lock_guard lock(mu_);
  if (grant == "authorization_code") {
    if (!codes_.erase(form["code"])) return OAuthError(400, "invalid_grant", "Bad Request");
    if (form["redirect_uri"] != kRedirectUri)
      return OAuthError(400, "redirect_uri_mismatch", "Bad Request");
    last_refresh_ = "1//fake-refresh-" + std::to_string(++serial_) + "-Lp0";
    grants_by_refresh_[last_refresh_] = Grant{last_refresh_, false};
    const std::string access = IssueAccessToken(last_refresh_);
    ++grant_counts_[grant];
    return JsonReply(200, json::object{{"access_token", access},
                                       {"expires_in", expires_in_},
                                       {"refresh_token", last_refresh_},
                                       {"scope",
                                        "https://www.googleapis.com/auth/drive.file "
                                        "https://www.googleapis.com/auth/userinfo.profile "
                                        "https://www.googleapis.com/auth/userinfo.email openid"},
                                       {"token_type", "Bearer"}});
  }
  if (grant == "refresh_token") {
    auto g = grants_by_refresh_.find(form["refresh_token"]);
    if (g == grants_by_refresh_.end() || g->second.revoked)
      return OAuthError(400, "invalid_grant", "Token has been expired or revoked.");
    const std::string access = IssueAccessToken(g->first);
    ++grant_counts_[grant];
    // Google answers a refresh without a new refresh token: the old one stays valid.
    return JsonReply(200, json::object{{"access_token", access},
                                       {"expires_in", expires_in_},
                                       {"scope",
                                        "https://www.googleapis.com/auth/drive.file "
                                        "https://www.googleapis.com/auth/userinfo.profile "
                                        "https://www.googleapis.com/auth/userinfo.email openid"},
                                       {"token_type", "Bearer"}});
  }
  return OAuthError(400, "unsupported_grant_type", "Invalid grant_type: " + grant);
}

// Either token of a grant revokes the whole grant.
FakeResponse FakeGoogle::Revoke(const RecordedRequest& req) {
  auto form = ParseForm(req.body);
  std::string token = form["token"];
  if (token.empty()) token = req.Query("token").value_or("");
  std::lock_guard lock(mu_);
  std::string refresh;
  if (grants_by_refresh_.count(token)) {
    refresh = token;
  } else if (auto a = access_.find(token); a != access_.end()) {
    refresh = a->second.first;
  }
  auto g = grants_by_refresh_.find(refresh);
  if (g == grants_by_refresh_.end() || g->second.revoked)
    return OAuthError(400, "invalid_token", "Token expired or revoked");
  g->second.revoked = true;
  ++revocations_;
  return JsonReply(200, json::object{});
}

FakeResponse FakeGoogle::Drive(const RecordedRequest& req) {
  const std::string q = req.Query("q").value_or("");
  std::optional<DriveQuery> query = q.empty() ? DriveQuery{} : ParseDriveQuery(q);
  if (!query) return ApiError(400, "Invalid Value", "INVALID_ARGUMENT");
  // fields: "files(id,name,webViewLink)" (spaces allowed); default: kind, id, name, mimeType.
  std::vector<std::string> wanted = {"kind", "id", "name", "mimeType"};
  if (auto fields = req.Query("fields")) {
    const size_t open = fields->find("files(");
    const size_t close = fields->find(')', open);
    if (open == std::string::npos || close == std::string::npos)
      return ApiError(400, "Invalid field selection " + *fields, "INVALID_ARGUMENT");
    wanted.clear();
    std::string list = fields->substr(open + 6, close - open - 6);
    size_t pos = 0;
    while (pos <= list.size()) {
      size_t comma = list.find(',', pos);
      if (comma == std::string::npos) comma = list.size();
      std::string f = list.substr(pos, comma - pos);
      f.erase(0, f.find_first_not_of(' '));
      f.erase(f.find_last_not_of(' ') + 1);
      if (!f.empty()) wanted.push_back(f);
      pos = comma + 1;
    }
  }
  constexpr const char* kMime = "application/vnd.google-apps.spreadsheet";
  json::array files;
  for (const std::string& id : order_) {
    const Spreadsheet& s = spreadsheets_.at(id);
    if (query->mime && *query->mime != kMime) continue;
    if (query->name && *query->name != s.title) continue;
    if (query->name_contains && s.title.find(*query->name_contains) == std::string::npos) continue;
    if (query->trashed && *query->trashed) continue;  // nothing is ever trashed here
    json::object all{{"kind", "drive#file"},
                     {"id", s.id},
                     {"name", s.title},
                     {"mimeType", kMime},
                     {"webViewLink", UrlOf(s.id) + "?usp=drivesdk"}};
    json::object f;
    for (const std::string& w : wanted)
      if (auto* v = all.if_contains(w)) f[w] = *v;
    files.push_back(std::move(f));
  }
  json::object out;
  if (!req.Query("fields")) {
    out["kind"] = "drive#fileList";
    out["incompleteSearch"] = false;
  }
  out["files"] = std::move(files);
  return JsonReply(200, out);
}

FakeResponse FakeGoogle::Sheets(const RecordedRequest& req, const std::vector<std::string>& seg) {
  // seg[1] is "spreadsheets" or "spreadsheets:..."; POST /v4/spreadsheets creates.
  if (seg.size() == 2 && seg[1] == "spreadsheets" && req.method == "POST") {
    const json::object body = BodyObject(req);
    const std::string title = js::text_or_empty(js::get(js::get(body, "properties"), "title"));
    std::vector<std::string> tabs;
    if (const json::value* sheets = js::get(body, "sheets"); sheets && sheets->is_array())
      for (const json::value& s : sheets->get_array()) {
        const std::string t = js::text_or_empty(js::get(js::get(&s, "properties"), "title"));
        if (t.empty()) return BadRequest("Invalid requests: a sheet needs a title");
        if (std::find(tabs.begin(), tabs.end(), t) != tabs.end())
          return BadRequest("Invalid requests: duplicate sheet name " + t);
        tabs.push_back(t);
      }
    const std::string id = Create(title.empty() ? "Untitled spreadsheet" : title, tabs);
    return JsonReply(200, Resource(spreadsheets_.at(id)));
  }
  if (seg.size() < 3 || seg[1] != "spreadsheets") return NotFound();
  std::string id = seg[2];
  std::string action;
  if (size_t colon = id.find(':'); colon != std::string::npos) {
    action = id.substr(colon + 1);
    id.resize(colon);
  }
  Spreadsheet* s = Find(id);
  if (!s) return NotFound();
  auto tab_of = [&](const std::string& title) -> Tab* {
    for (Tab& t : s->tabs)
      if (t.title == title) return &t;
    return nullptr;
  };
  auto parse = [&](const std::string& text, Range& r, Tab*& t) -> std::optional<FakeResponse> {
    auto parsed = ParseRange(text);
    if (!parsed || !(t = tab_of(parsed->tab))) return BadRequest("Unable to parse range: " + text);
    r = *parsed;
    return std::nullopt;
  };
  // Reads a range: {range, majorDimension, values?} with trailing empties dropped.
  auto read = [&](const Range& r, const Tab& t) {
    json::array values;
    int last_row = -1, last_col = -1;
    for (int i = r.r0; i < int(t.rows.size()) && i <= r.r1; ++i) {
      json::array row;
      const auto& cells = t.rows[size_t(i)];
      for (int j = r.c0; j < int(cells.size()) && j <= r.c1; ++j)
        row.push_back(json::value(Formatted(cells[size_t(j)])));
      while (!row.empty() && row.back().get_string().empty())
        row.pop_back();
      if (!row.empty()) {
        last_row = i;
        last_col = std::max(last_col, r.c0 + int(row.size()) - 1);
      }
      values.push_back(std::move(row));
    }
    while (!values.empty() && values.back().get_array().empty())
      values.pop_back();
    json::object out{
        {"range", A1(t.title, r.r0, r.c0, r.r1 == INT_MAX ? std::max(last_row, r.r0) : r.r1,
                     r.c1 == INT_MAX ? std::max(last_col, std::min(r.c0 + 25, 18277)) : r.c1)},
        {"majorDimension", "ROWS"}};
    if (!values.empty()) out["values"] = std::move(values);
    return out;
  };
  // Writes rows at (r0, c0); null cells are left as they are.
  auto write = [&](Tab& t, int r0, int c0, const json::array& rows, bool user_entered) {
    int width = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
      const json::array& row = rows[i].get_array();
      width = std::max(width, int(row.size()));
      auto& cells = t.rows.size() > size_t(r0) + i
                        ? t.rows[size_t(r0) + i]
                        : (t.rows.resize(size_t(r0) + i + 1), t.rows[size_t(r0) + i]);
      if (cells.size() < size_t(c0) + row.size()) cells.resize(size_t(c0) + row.size());
      for (size_t j = 0; j < row.size(); ++j)
        if (!row[j].is_null()) cells[size_t(c0) + j] = Entered(row[j], user_entered);
    }
    const int height = int(rows.size());
    return json::object{{"spreadsheetId", s->id},
                        {"updatedRange", A1(t.title, r0, c0, r0 + std::max(height, 1) - 1,
                                            c0 + std::max(width, 1) - 1)},
                        {"updatedRows", height},
                        {"updatedColumns", width},
                        {"updatedCells", int64_t(height) * width}};
  };
  auto input_option = [&](const std::optional<std::string>& v) -> std::optional<bool> {
    if (!v || v->empty()) return std::nullopt;
    if (*v == "RAW") return false;
    if (*v == "USER_ENTERED") return true;
    return std::nullopt;
  };

  if (seg.size() == 3 && req.method == "GET" && action.empty()) return JsonReply(200, Resource(*s));
  if (seg.size() == 3 && req.method == "POST" && action == "batchUpdate") {
    const json::object body = BodyObject(req);
    const json::value* requests = js::get(body, "requests");
    if (!requests || !requests->is_array()) return BadRequest("Invalid JSON payload: requests");
    json::array replies;
    for (size_t i = 0; i < requests->get_array().size(); ++i) {
      const json::value& r = requests->get_array()[i];
      const json::value* add = js::get(&r, "addSheet");
      if (!add)
        return BadRequest("Invalid requests[" + std::to_string(i) +
                          "]: the fake knows addSheet only");
      std::string title = js::text_or_empty(js::get(js::get(add, "properties"), "title"));
      if (title.empty()) title = "Sheet" + std::to_string(s->tabs.size() + 1);
      if (tab_of(title))
        return BadRequest("Invalid requests[" + std::to_string(i) +
                          "].addSheet: A sheet with the "
                          "name \"" +
                          title + "\" already exists. Please enter another name.");
      Tab t;
      t.sheet_id = next_sheet_id_++;
      t.title = title;
      s->tabs.push_back(std::move(t));
      const Tab& added = s->tabs.back();
      replies.push_back(json::object{
          {"addSheet",
           json::object{{"properties",
                         json::object{{"sheetId", added.sheet_id},
                                      {"title", added.title},
                                      {"index", s->tabs.size() - 1},
                                      {"sheetType", "GRID"},
                                      {"gridProperties",
                                       json::object{{"rowCount", 1000}, {"columnCount", 26}}}}}}}});
    }
    return JsonReply(200, json::object{{"spreadsheetId", s->id}, {"replies", std::move(replies)}});
  }
  if (seg.size() < 4) return NotFound();
  if (seg.size() == 4 && seg[3] == "values:batchGet" && req.method == "GET") {
    json::array ranges;
    for (const auto& [k, v] : req.query) {
      if (k != "ranges") continue;
      Range r;
      Tab* t = nullptr;
      if (auto bad = parse(v, r, t)) return *bad;
      ranges.push_back(read(r, *t));
    }
    return JsonReply(200,
                     json::object{{"spreadsheetId", s->id}, {"valueRanges", std::move(ranges)}});
  }
  if (seg.size() == 4 && seg[3] == "values:batchUpdate" && req.method == "POST") {
    const json::object body = BodyObject(req);
    auto user_entered = input_option(js::text_or_empty(js::get(body, "valueInputOption")));
    if (!user_entered)
      return BadRequest("Invalid valueInputOption: INPUT_VALUE_OPTION_UNSPECIFIED");
    const json::value* data = js::get(body, "data");
    if (!data || !data->is_array()) return BadRequest("Invalid JSON payload: data");
    // Checked whole before anything is written, as Google applies a batch atomically.
    std::vector<std::pair<Range, Tab*>> targets;
    for (const json::value& d : data->get_array()) {
      Range r;
      Tab* t = nullptr;
      if (auto bad = parse(js::text_or_empty(js::get(&d, "range")), r, t)) return *bad;
      if (auto bad = CheckValues(js::get(&d, "values"))) return BadRequest(*bad);
      targets.emplace_back(r, t);
    }
    json::array responses;
    int64_t rows = 0, cols = 0, cells = 0;
    for (size_t i = 0; i < targets.size(); ++i) {
      const json::array& values = data->get_array()[i].at("values").get_array();
      json::object w = write(*targets[i].second, targets[i].first.r0, targets[i].first.c0, values,
                             *user_entered);
      rows += w.at("updatedRows").to_number<int64_t>();
      cols += w.at("updatedColumns").to_number<int64_t>();
      cells += w.at("updatedCells").to_number<int64_t>();
      responses.push_back(std::move(w));
    }
    return JsonReply(200, json::object{{"spreadsheetId", s->id},
                                       {"totalUpdatedRows", rows},
                                       {"totalUpdatedColumns", cols},
                                       {"totalUpdatedCells", cells},
                                       {"totalUpdatedSheets", targets.empty() ? 0 : 1},
                                       {"responses", std::move(responses)}});
  }
  if (seg.size() < 5 || seg[3] != "values") return NotFound();
  // values/<range>[:append]; a tab title may hold a '/', which split the path.
  std::string range = seg[4];
  for (size_t i = 5; i < seg.size(); ++i)
    range += "/" + seg[i];
  constexpr std::string_view kAppend = ":append";
  const bool append = range.size() > kAppend.size() &&
                      range.compare(range.size() - kAppend.size(), kAppend.size(), kAppend) == 0;
  if (append) range.resize(range.size() - kAppend.size());
  Range r;
  Tab* t = nullptr;
  if (auto bad = parse(range, r, t)) return *bad;
  if (req.method == "GET" && !append) return JsonReply(200, read(r, *t));
  if (!(req.method == "PUT" && !append) && !(req.method == "POST" && append)) return NotFound();
  auto user_entered = input_option(req.Query("valueInputOption"));
  if (!user_entered) return BadRequest("'valueInputOption' is required but not specified");
  const json::object body = BodyObject(req);
  if (auto bad = CheckValues(js::get(body, "values"))) return BadRequest(*bad);
  const json::array& values = body.at("values").get_array();
  if (!append) {
    if (const json::value* given = js::get(body, "range")) {
      auto same = ParseRange(js::text_or_empty(given));
      if (!same || same->tab != r.tab || same->r0 != r.r0 || same->c0 != r.c0)
        return BadRequest("Requested writing within range [" + range +
                          "], but tried writing to a different range");
    }
    return JsonReply(200, write(*t, r.r0, r.c0, values, *user_entered));
  }
  // Append: after the table's last row that holds anything (Google's table detection, for
  // tabs that hold one table from A1, as the plugin's do).
  int last = -1;
  for (int i = 0; i < int(t->rows.size()); ++i)
    if (std::any_of(t->rows[size_t(i)].begin(), t->rows[size_t(i)].end(),
                    [](const json::value& c) { return !IsEmptyCell(c); }))
      last = i;
  int width = 0;
  for (const auto& row : t->rows)
    width = std::max(width, int(row.size()));
  json::object out{{"spreadsheetId", s->id}};
  if (last >= 0) out["tableRange"] = A1(t->title, 0, 0, last, std::max(width, 1) - 1);
  out["updates"] = write(*t, last + 1, r.c0, values, *user_entered);
  return JsonReply(200, out);
}

}  // namespace crmhost::testing
