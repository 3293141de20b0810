// The Google Sheets plugin end to end: crmhostd with googlesheets.so, Google's OAuth, userinfo,
// Drive and Sheets endpoints faked on 127.0.0.1 (one FakeGoogle behind every Google host, through
// --outbound-override), FakeRingCentral for the admin routes, and the spreadsheet's cells read
// back from the fake.
#include <catch2/catch.hpp>

#include <algorithm>

#include "crmhost/encoding.h"
#include "integration/crm_harness.h"
#include "support/fake_google.h"
#include "support/fake_testcrm.h"

namespace crmhost::testing {
namespace json = boost::json;

namespace {

// A developer key with markup in it: the picker page must carry it as data, never as markup.
constexpr const char* kPickerKey = "pk-test-</script><b>key";

using Rows = std::vector<std::vector<std::string>>;

json::array Strings(std::initializer_list<const char*> cells) {
  json::array row;
  for (const char* c : cells)
    row.emplace_back(c);
  return row;
}

json::array CallLogHeader() {
  return Strings({"ID",
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
                  "ACE Link"});
}
json::array ContactHeader() {
  return Strings({"ID", "Sheet Id", "Contact name", "Phone"});
}
json::array MessageLogHeader() {
  return Strings({"ID", "Sheet Id", "Subject", "Contact name", "Message", "Phone", "Message Type",
                  "Message Time", "Direction"});
}

std::vector<std::string> Texts(const json::array& row) {
  std::vector<std::string> out;
  for (auto& c : row)
    out.emplace_back(c.as_string());
  return out;
}

// The text of one column of a data row, by header name ("" when the row is shorter).
std::string Cell(const Rows& rows, size_t row, const std::string& column) {
  const auto& header = rows.at(0);
  const auto it = std::find(header.begin(), header.end(), column);
  REQUIRE(it != header.end());
  const size_t c = size_t(it - header.begin());
  return c < rows.at(row).size() ? rows.at(row)[c] : std::string();
}

struct GoogleSheetsHarness : CrmHarness {
  FakeRingCentral rc;
  FakeGoogle google;

  explicit GoogleSheetsHarness(std::vector<std::string> extra = {}) : CrmHarness(std::move(extra)) {
    args.insert(
        args.end(),
        {"--plugin-setting", std::string("googleSheets.oauth_client_id=") + FakeGoogle::kClientId,
         "--plugin-setting",
         std::string("googleSheets.oauth_client_secret=") + FakeGoogle::kClientSecret,
         "--plugin-setting", std::string("googleSheets.picker_api_key=") + kPickerKey,
         "--outbound-override", std::string(FakeRingCentral::kServer) + "=" + rc.base_url()});
    for (const std::string& origin : FakeGoogle::Origins())
      args.insert(args.end(), {"--outbound-override", origin + "=" + google.base_url()});
    Start();
  }

  // The extension's redirect page hands Google's code to /oauth-callback; `extra` is more of
  // the query ("&rcAccountId=3001").
  HttpResult Login(const std::string& code, const std::string& extra = "") const {
    const std::string callback = std::string(FakeGoogle::kRedirectUri) +
                                 "?code=" + UrlEncode(code) +
                                 "&state=" + UrlEncode("platform=googleSheets");
    return Request(port(), "GET", "/oauth-callback?callbackUri=" + UrlEncode(callback) + extra);
  }
  std::string LoginJwt(const std::string& extra = "") {
    return JwtOf(Login(google.NewCode(), extra));
  }

  // A spreadsheet as a user keeps it: the three tabs with their headers, and `contacts`.
  std::string Seed(const std::string& title, json::array contacts = {}) {
    json::array contact_rows{ContactHeader()};
    for (auto& c : contacts)
      contact_rows.push_back(c);
    return google.AddSpreadsheet(title, {{"Contacts", contact_rows},
                                         {"Call Logs", json::array{CallLogHeader()}},
                                         {"Message Logs", json::array{MessageLogHeader()}}});
  }

  HttpResult Select(const std::string& jwt, const std::string& id, const std::string& name) const {
    return Send(
        "POST", "/googleSheets/selectedSheet", jwt,
        json::object{{"sheetData", json::object{{"name", name}, {"url", FakeGoogle::UrlOf(id)}}}});
  }

  HttpResult Admin(const std::string& method, const std::string& target, const std::string& jwt,
                   const json::value& body = nullptr,
                   const char* rc_token = FakeRingCentral::kAdminToken) const {
    std::vector<std::pair<std::string, std::string>> headers{{"X-RC-Access-Token", rc_token}};
    if (!jwt.empty()) headers.emplace_back("Authorization", "Bearer " + jwt);
    if (!body.is_null()) headers.emplace_back("Content-Type", "application/json");
    return Request(port(), method, target, body.is_null() ? "" : json::serialize(body), headers);
  }
};

json::object AdaCall(const std::string& session) {
  return InboundCallBody(session, {"2", "Ada Lovelace", "+14155550100", "contact"},
                         "Asked about pricing", std::nullopt);
}

json::array Contacts(const std::string& sheet) {
  return json::array{
      json::array{2, sheet, "Ada Lovelace", "+14155550100"},
      json::array{3, sheet, "Grace Hopper", "+14155550111"},
      json::array{4, sheet, "Grace Hopper (mobile)", "+14155550111"},
      json::array{5, sheet, "Boo Radley", "(415) 555-0199"},
  };
}

}  // namespace

TEST_CASE("Google Sheets: OAuth login, token refresh and logout revoking the grant",
          "[googlesheets]") {
  GoogleSheetsHarness h;
  // The consent step as the browser goes through it: Google redirects with a one-time code.
  auto consent = Request(
      h.google.server().port(), "GET",
      std::string("/o/oauth2/auth?client_id=") + UrlEncode(FakeGoogle::kClientId) +
          "&redirect_uri=" + UrlEncode(FakeGoogle::kRedirectUri) +
          "&state=platform%3DgoogleSheets&access_type=offline&prompt=consent&response_type=code");
  REQUIRE(consent.status == 302);
  const std::string location = consent.Header("location").value_or("");
  REQUIRE(location.rfind(std::string(FakeGoogle::kRedirectUri) + "?code=", 0) == 0);

  h.google.set_expires_in(60);  // inside the host's 2-minute window: every call refreshes
  auto login = Request(h.port(), "GET", "/oauth-callback?callbackUri=" + UrlEncode(location));
  INFO(login.body);
  const std::string jwt = CrmHarness::JwtOf(login);
  CHECK(login.Json().at("name") == FakeGoogle::kName);
  CHECK(h.google.grants("authorization_code") == 1);
  auto reqs = h.google.server().requests();
  auto* token = LastRequestUnder(reqs, "POST", "/token");
  REQUIRE(token);
  auto form = ParseForm(token->body);
  CHECK(form["grant_type"] == "authorization_code");
  CHECK(form["redirect_uri"] == FakeGoogle::kRedirectUri);
  CHECK(token->Header("authorization") ==
        "Basic " +
            Base64Encode(std::string(FakeGoogle::kClientId) + ":" + FakeGoogle::kClientSecret));
  auto* me = LastRequestUnder(reqs, "GET", "/oauth2/v3/userinfo");
  REQUIRE(me);
  CHECK(me->Header("authorization") == "Bearer " + h.google.access_token());
  // A code is good once.
  const std::string code = ParseForm(location.substr(location.find('?') + 1))["code"];
  CHECK_FALSE(code.empty());
  CHECK(h.Login(code).status != 200);

  // The manifest names this deployment's OAuth app and keeps the egress list to itself.
  auto manifest = Request(h.port(), "GET", "/crmManifest?platformName=googleSheets");
  INFO(manifest.body);
  const json::value entry = manifest.Json().at("platforms").at("googleSheets");
  CHECK(entry.at("auth").at("oauth").at("clientId") == FakeGoogle::kClientId);
  CHECK(entry.at("displayName") == "Google Sheets (Beta)");
  CHECK_FALSE(entry.as_object().contains("x-crmhost-egress"));

  // Each request refreshes the soon-expiring token; Google sends no new refresh token, the old
  // one keeps working.
  const std::string refresh = h.google.refresh_token();
  const std::string first_access = h.google.access_token();
  h.google.server().clear();
  auto none = h.Get("/contact?phoneNumber=%2B14155550100&overridingFormat=", jwt);
  INFO(none.body);
  CHECK(h.google.grants("refresh_token") == 1);
  CHECK(h.google.access_token() != first_access);
  (void)h.Get("/contact?phoneNumber=%2B14155550100&overridingFormat=", jwt);
  CHECK(h.google.grants("refresh_token") == 2);
  const auto refreshed_reqs = h.google.server().requests();
  auto* refreshed = LastRequestUnder(refreshed_reqs, "POST", "/token");
  REQUIRE(refreshed);
  CHECK(ParseForm(refreshed->body)["refresh_token"] == refresh);

  // Logout revokes the grant: the refresh token (and every access token of it) is dead.
  auto out = h.Send("POST", "/unAuthorize", jwt, json::object{});
  INFO(out.body);
  CHECK(out.status == 200);
  // The contract answers the plugin's returnMessage itself.
  CHECK(
      out.Json() ==
      json::parse(R"({"message":"Logged out of GoogleSheet","messageType":"success","ttl":3000})"));
  CHECK(h.google.revocations() == 1);
  const auto revoke_reqs = h.google.server().requests();
  auto* revoke = LastRequestUnder(revoke_reqs, "POST", "/revoke");
  REQUIRE(revoke);
  CHECK(ParseForm(revoke->body)["token"] == refresh);
  CHECK_FALSE(h.google.IsValidAccessToken(h.google.access_token()));
  CHECK(h.daemon->Log().find(FakeGoogle::kClientSecret) == std::string::npos);
}

TEST_CASE("Google Sheets: POST /googleSheets/sheet creates the spreadsheet, DELETE forgets it",
          "[googlesheets]") {
  GoogleSheetsHarness h;
  const std::string jwt = h.LoginJwt();
  CHECK(Request(h.port(), "POST", "/googleSheets/sheet", "{}").status == 400);

  auto made = h.Send("POST", "/googleSheets/sheet", jwt, json::object{});
  INFO(made.body);
  REQUIRE(made.status == 200);
  ExpectSchema("/googleSheets/sheet", "post", made);
  auto id = h.google.SpreadsheetNamed("RingCentral App Connect Sheet");
  REQUIRE(id);
  CHECK(made.Json() ==
        json::object{{"name", "RingCentral App Connect Sheet"}, {"url", FakeGoogle::UrlOf(*id)}});
  CHECK(h.google.spreadsheet_count() == 1);
  CHECK(h.google.tabs(*id) == std::vector<std::string>{"Call Logs", "Message Logs", "Contacts"});
  CHECK(h.google.cells(*id, "Call Logs") == Rows{Texts(CallLogHeader())});
  CHECK(h.google.cells(*id, "Contacts") == Rows{Texts(ContactHeader())});
  CHECK(h.google.cells(*id, "Message Logs") == Rows{Texts(MessageLogHeader())});
  // Drive was asked for a spreadsheet of that name first.
  const auto listed_reqs = h.google.server().requests();
  auto* listed = LastRequestUnder(listed_reqs, "GET", "/drive/v3/files");
  REQUIRE(listed);
  CHECK(listed->Query("q") ==
        "mimeType='application/vnd.google-apps.spreadsheet' and name = 'RingCentral App Connect "
        "Sheet' and trashed = false");

  // The user's settings name the sheet.
  auto settings = h.Get("/user/settings", jwt);
  INFO(settings.body);
  CHECK(settings.Json() ==
        json::object{{"googleSheetsName", json::object{{"value", "RingCentral App Connect Sheet"}}},
                     {"googleSheetsUrl", json::object{{"value", FakeGoogle::UrlOf(*id)}}}});

  // The same name again: Drive's file is reused (its webViewLink), nothing is created.
  auto again = h.Send("POST", "/googleSheets/sheet", jwt, json::object{});
  CHECK(again.Json().at("url") == json::value(FakeGoogle::UrlOf(*id) + "?usp=drivesdk"));
  CHECK(h.google.spreadsheet_count() == 1);

  // A name with a quote is a Drive literal, escaped.
  auto named = h.Send("POST", "/googleSheets/sheet", jwt, json::object{{"name", "Jane's calls"}});
  INFO(named.body);
  CHECK(named.Json().at("name") == "Jane's calls");
  CHECK(h.google.spreadsheet_count() == 2);

  // Google refusing: the reference's 500 text, and the settings stay as they were.
  h.google.failures().Fail("/v4/spreadsheets", FakeFailure::kStatus, 500);
  auto failed = h.Send("POST", "/googleSheets/sheet", jwt, json::object{{"name", "Another"}});
  CHECK(failed.status == 500);
  CHECK(failed.body == "Failed to create new sheet");
  ExpectSchema("/googleSheets/sheet", "post", failed);
  h.google.failures().Clear();
  CHECK(h.Get("/user/settings", jwt).Json().at("googleSheetsName").at("value") == "Jane's calls");

  // DELETE forgets the sheet, and (unlike the reference) the change is saved.
  auto removed = h.Send("DELETE", "/googleSheets/sheet", jwt, json::object{});
  CHECK(removed.status == 200);
  CHECK(removed.body == "Sheet removed");
  ExpectSchema("/googleSheets/sheet", "delete", removed);
  CHECK(h.Get("/user/settings", jwt).Json() ==
        json::object{{"googleSheetsName", json::object{{"value", ""}}},
                     {"googleSheetsUrl", json::object{{"value", ""}}}});
  auto lookup = h.Get("/contact?phoneNumber=%2B14155550100&overridingFormat=", jwt);
  ExpectSchema("/contact", "get", lookup);
  CHECK(lookup.Json().at("returnMessage").at("message") ==
        "No sheet selected to search for contacts");
}

TEST_CASE("Google Sheets: the picker page for ?token= and the sheet it posts back",
          "[googlesheets]") {
  GoogleSheetsHarness h;
  const std::string jwt = h.LoginJwt();
  auto missing = Request(h.port(), "GET", "/googleSheets/filePicker");
  CHECK(missing.status == 400);
  ExpectSchema("/googleSheets/filePicker", "get", missing);
  CHECK(missing.body.find("Please go to Settings and authorize CRM platform") != std::string::npos);
  CHECK(Request(h.port(), "GET", "/googleSheets/filePicker?token=not-a-jwt").status >= 400);

  auto page = Request(h.port(), "GET", "/googleSheets/filePicker?token=" + UrlEncode(jwt));
  INFO(page.body.substr(0, 600));
  REQUIRE(page.status == 200);
  ExpectSchema("/googleSheets/filePicker", "get", page);
  CHECK(page.Header("content-type").value_or("") == "text/html; charset=utf-8");
  CHECK(page.Header("cache-control").value_or("") == "no-store");
  const std::string& html = page.body;
  CHECK(html.find("\"accessToken\":\"" + h.google.access_token() + "\"") != std::string::npos);
  CHECK(html.find("\"appId\":\"367818015386\"") != std::string::npos);
  CHECK(html.find("\"pickerTitle\":\"Select a Google Sheet\"") != std::string::npos);
  CHECK(html.find("https://apis.google.com/js/api.js") != std::string::npos);
  CHECK(html.find("fetch('selectedSheet?'") != std::string::npos);
  CHECK(html.find("<meta name=\"referrer\" content=\"no-referrer\">") != std::string::npos);
  // The developer key is data: its markup is escaped, so it cannot end the script.
  CHECK(html.find("pk-test-\\u003c/script\\u003e\\u003cb\\u003ekey") != std::string::npos);
  CHECK(html.find("</script><b>") == std::string::npos);
  // The page reads the JWT from its own address: the server never copies it into the HTML.
  CHECK(html.find(jwt) == std::string::npos);
  // jwtToken works as well as token.
  CHECK(Request(h.port(), "GET", "/googleSheets/filePicker?jwtToken=" + UrlEncode(jwt)).status ==
        200);

  // What the page posts: the choice lands in the user's settings.
  const std::string id = h.Seed("Picked sheet");
  auto picked = Request(
      h.port(), "POST", "/googleSheets/selectedSheet?jwtToken=" + UrlEncode(jwt),
      json::serialize(json::object{
          {"sheetData", json::object{{"name", "Picked sheet"},
                                     {"url", FakeGoogle::UrlOf(id)},
                                     {"mimeType", "application/vnd.google-apps.spreadsheet"}}}}),
      {{"Content-Type", "application/json"}});
  INFO(picked.body);
  CHECK(picked.status == 200);
  ExpectSchema("/googleSheets/selectedSheet", "post", picked);
  CHECK(picked.Json() == json::object{{"message", "Sheet selected"}});
  CHECK(h.Get("/user/settings", jwt).Json() ==
        json::object{{"googleSheetsName", json::object{{"value", "Picked sheet"}}},
                     {"googleSheetsUrl", json::object{{"value", FakeGoogle::UrlOf(id)}}}});
  // Anything that is not a Google Sheets address is refused, and nothing changes.
  auto foreign =
      h.Send("POST", "/googleSheets/selectedSheet", jwt,
             json::object{{"sheetData",
                           json::object{{"name", "x"}, {"url", "https://evil.example/d/abc"}}}});
  CHECK(foreign.status == 400);
  ExpectSchema("/googleSheets/selectedSheet", "post", foreign);
  CHECK(h.Send("POST", "/googleSheets/selectedSheet", jwt, json::object{}).status == 400);
  CHECK(Request(h.port(), "POST", "/googleSheets/selectedSheet", "{}").status == 400);
  CHECK(h.Get("/user/settings", jwt).Json().at("googleSheetsUrl").at("value") ==
        json::value(FakeGoogle::UrlOf(id)));
}

TEST_CASE("Google Sheets: admin routes configure the organization's sheet",
          "[googlesheets][admin]") {
  GoogleSheetsHarness h;
  const std::string jwt = h.LoginJwt("&rcAccountId=3001");
  auto empty = h.Admin("GET", "/admin/googleSheets/config", "");
  INFO(empty.body);
  CHECK(empty.status == 200);
  ExpectSchema("/admin/googleSheets/config", "get", empty);
  CHECK(empty.Json() == json::object{{"googleSheetsUrl", nullptr}, {"googleSheetsName", nullptr}});
  CHECK(h.Admin("GET", "/admin/googleSheets/config", "", nullptr, FakeRingCentral::kUserToken)
            .status == 403);
  CHECK(Request(h.port(), "GET", "/admin/googleSheets/config").status == 400);

  // The admin picker needs the admin's own Google Sheets login.
  auto no_user = h.Admin("GET", "/admin/googleSheets/filePicker", "");
  CHECK(no_user.status == 400);
  CHECK(no_user.body == "User not found");
  ExpectSchema("/admin/googleSheets/filePicker", "get", no_user);
  auto picker = h.Admin("GET", "/admin/googleSheets/filePicker", jwt);
  INFO(picker.body.substr(0, 400));
  CHECK(picker.status == 200);
  ExpectSchema("/admin/googleSheets/filePicker", "get", picker);
  CHECK(picker.body.find("Select a Google Sheet for Organization") != std::string::npos);
  CHECK(picker.body.find("[\"rcAccessToken\",\"rcAccessToken\"]") != std::string::npos);
  CHECK(picker.body.find(FakeRingCentral::kAdminToken) == std::string::npos);

  // A new sheet for the organization: the admin's own settings and the account's admin settings.
  auto made = h.Admin("POST", "/admin/googleSheets/sheet", jwt,
                      json::object{{"name", "Org calls"}, {"customizable", false}});
  INFO(made.body);
  REQUIRE(made.status == 200);
  ExpectSchema("/admin/googleSheets/sheet", "post", made);
  auto org = h.google.SpreadsheetNamed("Org calls");
  REQUIRE(org);
  CHECK(made.Json() == json::object{{"name", "Org calls"}, {"url", FakeGoogle::UrlOf(*org)}});
  const json::object configured{
      {"googleSheetsUrl",
       json::object{{"value", FakeGoogle::UrlOf(*org)}, {"customizable", false}}},
      {"googleSheetsName", json::object{{"value", "Org calls"}, {"customizable", false}}}};
  CHECK(h.Admin("GET", "/admin/googleSheets/config", "").Json() == configured);
  // The admin row the host keeps.
  auto admin_row = Request(
      h.port(), "GET", "/admin/settings", "",
      {{"Authorization", "Bearer " + jwt}, {"X-RC-Access-Token", FakeRingCentral::kAdminToken}});
  INFO(admin_row.body);
  CHECK(admin_row.Json().at("userSettings").at("googleSheetsUrl") ==
        configured.at("googleSheetsUrl"));
  CHECK(admin_row.Json().at("userSettings").at("googleSheetsName") ==
        configured.at("googleSheetsName"));
  CHECK(h.Admin("POST", "/admin/googleSheets/sheet", "", json::object{{"name", "x"}}).body ==
        "User not found");
  CHECK(h.Admin("POST", "/admin/googleSheets/sheet", jwt, json::object{{"name", "x"}},
                FakeRingCentral::kUserToken)
            .status == 403);

  // The user picks a sheet of their own: the admin's, not customizable, still wins for logs.
  const std::string own = h.Seed("My own");
  REQUIRE(h.Select(jwt, own, "My own").status == 200);
  auto logged = h.Send("POST", "/callLog", jwt, AdaCall("org-1"));
  INFO(logged.body);
  REQUIRE(logged.Json().at("successful") == true);
  CHECK(h.google.cells(*org, "Call Logs").size() == 2);
  CHECK(h.google.cells(own, "Call Logs").size() == 1);
  // Read back and edited in the organization's sheet as well (the user's own has no such row).
  auto read_back =
      h.Get("/callLog?sessionIds=org-1&hashedExtensionId=hashed-ext-105&requireDetails=true", jwt);
  INFO(read_back.body);
  CHECK(read_back.Json().at("logs").at(0).at("logData").at("note") == "Asked about pricing");
  auto edited = h.Send(
      "PATCH", "/callLog", jwt,
      json::object{
          {"sessionId", "org-1"}, {"hashedExtensionId", "hashed-ext-105"}, {"note", "Org note"}});
  INFO(edited.body);
  CHECK(edited.Json().at("successful") == true);
  const auto org_rows = h.google.cells(*org, "Call Logs");
  REQUIRE(org_rows.size() == 2);
  CHECK(std::any_of(org_rows[1].begin(), org_rows[1].end(), [](const std::string& cell) {
    return cell.find("Org note") != std::string::npos;
  }));
  CHECK(h.google.cells(own, "Call Logs").size() == 1);
  // Contacts too: a new contact lands in the organization's sheet and is found there.
  const size_t own_contacts = h.google.cells(own, "Contacts").size();
  auto contact = h.Send("POST", "/contact", jwt,
                        json::object{{"phoneNumber", "+14155550177"},
                                     {"newContactName", "Org Person"},
                                     {"newContactType", "contact"}});
  INFO(contact.body);
  REQUIRE(contact.Json().at("successful") == true);
  CHECK(h.google.cells(*org, "Contacts").size() == 2);
  CHECK(h.google.cells(own, "Contacts").size() == own_contacts);
  auto org_found = h.Get("/contact?phoneNumber=%2B14155550177&overridingFormat=", jwt);
  INFO(org_found.body);
  CHECK(org_found.Json().at("contact").at(0).at("name") == "Org Person");

  // The admin picker's post: the picked sheet, customizable, becomes the organization's; the
  // user's own choice now wins.
  auto picked = h.Admin("POST", "/admin/googleSheets/selectedSheet", jwt,
                        json::object{{"sheetData", json::object{{"name", "Picked org"},
                                                                {"url", FakeGoogle::UrlOf(*org)}}},
                                     {"customizable", true}});
  INFO(picked.body);
  CHECK(picked.status == 200);
  ExpectSchema("/admin/googleSheets/selectedSheet", "post", picked);
  CHECK(picked.Json() == json::object{{"message", "Admin sheet configuration saved"}});
  CHECK(h.Admin("GET", "/admin/googleSheets/config", "").Json().at("googleSheetsName") ==
        json::object{{"value", "Picked org"}, {"customizable", true}});
  CHECK(h.Admin("POST", "/admin/googleSheets/selectedSheet", "",
                json::object{
                    {"sheetData", json::object{{"name", "x"}, {"url", FakeGoogle::UrlOf(*org)}}}})
            .body == "User not found");
  REQUIRE(h.Select(jwt, own, "My own").status == 200);
  REQUIRE(h.Send("POST", "/callLog", jwt, AdaCall("own-1")).Json().at("successful") == true);
  CHECK(h.google.cells(own, "Call Logs").size() == 2);
}

TEST_CASE("Google Sheets: contacts by exact E.164 phone, and new contacts", "[googlesheets]") {
  GoogleSheetsHarness h;
  const std::string jwt = h.LoginJwt();
  const std::string id = h.Seed("Contacts sheet", Contacts("seeded"));
  REQUIRE(h.Select(jwt, id, "Contacts sheet").status == 200);
  const json::object placeholder{{"id", "createNewContact"},
                                 {"name", "Create new Contact"},
                                 {"additionalInfo", nullptr},
                                 {"isNewContact", true}};

  auto one = h.Get("/contact?phoneNumber=%2B14155550100&overridingFormat=", jwt);
  INFO(one.body);
  ExpectSchema("/contact", "get", one);
  CHECK(one.Json() ==
        json::object{{"successful", true},
                     {"contact", json::array{json::object{{"id", "2"},
                                                          {"name", "Ada Lovelace"},
                                                          {"phoneNumber", "+14155550100"},
                                                          {"mostRecentActivityDate", "2"}},
                                             placeholder}}});
  // The number arrives with its "+" decoded as a space, as a query string carries it.
  CHECK(h.Get("/contact?phoneNumber=+14155550100&overridingFormat=", jwt).Json() == one.Json());

  auto many = h.Get("/contact?phoneNumber=%2B14155550111&overridingFormat=", jwt);
  ExpectSchema("/contact", "get", many);
  auto found = many.Json().at("contact").as_array();
  REQUIRE(found.size() == 3);
  CHECK(found[0].at("name") == "Grace Hopper");
  CHECK(found[1].at("name") == "Grace Hopper (mobile)");
  CHECK(found[2] == placeholder);

  // Exact match only: a number kept in local format is not found by its E.164 form.
  auto none = h.Get("/contact?phoneNumber=%2B14155550199&overridingFormat=", jwt);
  INFO(none.body);
  ExpectSchema("/contact", "get", none);
  const json::object not_found_item{
      {"id", "1"},
      {"type", "text"},
      {"text",
       "A contact with the phone number +14155550199 could not be found in your "
       "googleSheets account."}};
  CHECK(none.Json() ==
        json::object{{"successful", true},
                     {"returnMessage",
                      json::object{{"message", "Contact not found"},
                                   {"messageType", "warning"},
                                   {"details", json::array{json::object{
                                                   {"title", "Details"},
                                                   {"items", json::array{not_found_item}}}}},
                                   {"ttl", 5000}}},
                     {"contact", json::array{placeholder}}});
  // An extension number is not looked up at all.
  h.google.server().clear();
  auto ext = h.Get("/contact?phoneNumber=101&overridingFormat=&isExtension=true", jwt);
  CHECK(ext.Json().at("successful") == false);
  CHECK(LastRequestUnder(h.google.server().requests(), "GET", "/v4/") == nullptr);

  auto made = h.Send("POST", "/contact", jwt,
                     json::object{{"phoneNumber", "+14155550123"},
                                  {"newContactName", "Katherine Johnson"},
                                  {"newContactType", ""}});
  INFO(made.body);
  ExpectSchema("/contact", "post", made);
  CHECK(made.Json().at("contact").at("id") == 6);
  CHECK(made.Json().at("contact").at("name") == "Katherine Johnson");
  CHECK(made.Json().at("returnMessage").at("message") == "Contact created");
  const auto rows = h.google.cells(id, "Contacts");
  REQUIRE(rows.size() == 6);
  CHECK(rows[5] == std::vector<std::string>{"6", id, "Katherine Johnson", "+14155550123"});
  CHECK(h.google.raw_rows(id, "Contacts").at(5).at(0) == 6);  // RAW: the id is a number
  const auto append_reqs = h.google.server().requests();
  auto* append = LastRequestUnder(append_reqs, "POST", "/v4/spreadsheets/" + id + "/values/");
  REQUIRE(append);
  CHECK(append->Query("valueInputOption") == "RAW");
  // The tab quoted and the range percent-encoded in the path: .../values/'Contacts'!A1:append.
  CHECK(append->path.find("Contacts") != std::string::npos);
  CHECK(append->path.size() > 16);
  CHECK(append->path.substr(append->path.size() - 9) == "A1:append");
  CHECK(append->path.find(' ') == std::string::npos);
  // The new contact is found by the next lookup.
  CHECK(h.Get("/contact?phoneNumber=%2B14155550123&overridingFormat=", jwt)
            .Json()
            .at("contact")
            .at(0)
            .at("name") == "Katherine Johnson");

  // A Contacts tab without the needed headers, and a spreadsheet without the tab.
  h.google.SetRow(id, "Contacts", 0, Strings({"Name", "Number"}));
  auto bad = h.Get("/contact?phoneNumber=%2B14155550100&overridingFormat=", jwt);
  CHECK(bad.Json().at("returnMessage").at("message") ==
        "Invalid Headers, First Row of Sheet should be ID,SheetId, ContactName, PhoneNumber");
  const std::string bare = h.google.AddSpreadsheet("Bare", {{"Sheet1", json::array{}}});
  REQUIRE(h.Select(jwt, bare, "Bare").status == 200);
  auto no_tab = h.Get("/contact?phoneNumber=%2B14155550100&overridingFormat=", jwt);
  ExpectSchema("/contact", "get", no_tab);
  CHECK(no_tab.Json().at("returnMessage").at("message") == "Invalid SheetName");
}

TEST_CASE("Google Sheets: call logs are rows, read back, updated, with the session guard",
          "[googlesheets]") {
  GoogleSheetsHarness h;
  const std::string jwt = h.LoginJwt();
  // No sheet yet: the call is not logged, and the user is told where to pick one.
  auto nowhere = h.Send("POST", "/callLog", jwt, AdaCall("s0"));
  INFO(nowhere.body);
  ExpectSchema("/callLog", "post", nowhere);
  CHECK(nowhere.Json().at("successful") == false);
  CHECK(nowhere.Json().at("returnMessage").at("message") == "Error logging call");

  const std::string id = h.Seed("Calls");
  REQUIRE(h.Select(jwt, id, "Calls").status == 200);
  auto logged = h.Send("POST", "/callLog", jwt, AdaCall("s1"));
  INFO(logged.body);
  ExpectSchema("/callLog", "post", logged);
  CHECK(logged.Json() == json::object{{"successful", true},
                                      {"logId", 2},
                                      {"returnMessage", json::object{{"message", "Call logged"},
                                                                     {"messageType", "success"},
                                                                     {"ttl", 2000}}}});
  Rows rows = h.google.cells(id, "Call Logs");
  REQUIRE(rows.size() == 2);
  CHECK(rows[1] == std::vector<std::string>{"2", id, "Inbound Call from Ada Lovelace",
                                            "Ada Lovelace", "Asked about pricing", "+14155550100",
                                            "2026-01-02T03:04:05.000Z", "2026-01-02T03:06:10.000Z",
                                            "125", "s1", "Inbound", "Completed", "", "+14155550005",
                                            "+14155550100"});

  auto read =
      h.Get("/callLog?sessionIds=s1&hashedExtensionId=hashed-ext-105&requireDetails=true", jwt);
  INFO(read.body);
  ExpectSchema("/callLog", "get", read);
  auto data = read.Json().at("logs").at(0).at("logData").as_object();
  CHECK(data.at("subject") == "Inbound Call from Ada Lovelace");
  CHECK(data.at("note") == "Asked about pricing");

  h.google.server().clear();
  auto updated = h.Send("PATCH", "/callLog", jwt,
                        json::object{{"sessionId", "s1"},
                                     {"hashedExtensionId", "hashed-ext-105"},
                                     {"note", "Wants a quote"},
                                     {"recordingLink", "https://recordings.example.test/s1.wav"},
                                     {"aiNote", "Customer asked for pricing"}});
  INFO(updated.body);
  ExpectSchema("/callLog", "patch", updated);
  CHECK(updated.Json().at("returnMessage").at("message") == "Call log updated.");
  rows = h.google.cells(id, "Call Logs");
  CHECK(Cell(rows, 1, "Notes") == "Wants a quote");
  CHECK(Cell(rows, 1, "Call Recording") == "https://recordings.example.test/s1.wav");
  CHECK(Cell(rows, 1, "Smart summary") == "Customer asked for pricing");
  CHECK(Cell(rows, 1, "Subject") == "Inbound Call from Ada Lovelace");  // not sent: kept
  const auto batch_reqs = h.google.server().requests();
  auto* batch =
      LastRequestUnder(batch_reqs, "POST", "/v4/spreadsheets/" + id + "/values:batchUpdate");
  REQUIRE(batch);
  const json::value sent = json::parse(batch->body);
  CHECK(sent.at("valueInputOption") == "RAW");
  CHECK(sent.at("data").at(0) ==
        json::object{{"range", "'Call Logs'!E2"},
                     {"values", json::array{json::array{"Wants a quote"}}}});

  // Dispositions: the sheet has none; nothing is written.
  h.google.server().clear();
  auto disp = h.Send("PUT", "/callDisposition", jwt,
                     json::object{{"sessionId", "s1"},
                                  {"hashedExtensionId", "hashed-ext-105"},
                                  {"dispositions", json::object{{"category", "x"}}}});
  INFO(disp.body);
  ExpectSchema("/callDisposition", "put", disp);
  CHECK(disp.Json().at("successful") == true);
  CHECK(LastRequestUnder(h.google.server().requests(), "POST", "/v4/") == nullptr);

  // A row of this call already in the sheet (logged from elsewhere): its ID, no second row.
  h.google.SetRow(id, "Call Logs", 2,
                  json::array{9, id, "Earlier", "Ada Lovelace", "", "", "", "", "", " s-old "});
  auto twice = h.Send("POST", "/callLog", jwt, AdaCall("s-old"));
  INFO(twice.body);
  CHECK(twice.Json().at("logId") == "9");
  CHECK(twice.Json().at("returnMessage").at("message") == "Call was already logged");
  CHECK(h.google.cells(id, "Call Logs").size() == 3);

  // Google failing: the contract's error, then the client's retry logs the call once.
  ExpectCallLogRetriedOnce(h, h.google.failures(), "/v4/spreadsheets", AdaCall("s2"), jwt,
                           [&] { return h.google.cells(id, "Call Logs").size(); });
  // Ids keep growing past deleted rows' numbers.
  CHECK(h.google.cells(id, "Call Logs").back().at(0) == "10");
}

TEST_CASE("Google Sheets: a Call Logs tab larger than a response may be still takes calls",
          "[googlesheets]") {
  GoogleSheetsHarness h;
  const std::string jwt = h.LoginJwt();
  // 1,100 earlier calls with 31 KB transcripts: 34 MB of cells, more than the host takes in one
  // answer (32 MiB). Logging reads the header, the ID and Session Id columns, and one row.
  json::array rows{CallLogHeader()};
  const std::string transcript(31 * 1024, 't');
  for (int i = 0; i < 1100; ++i) {
    json::array row;
    for (int c = 0; c < 22; ++c)
      row.emplace_back("");
    row[0] = std::to_string(i + 2);
    row[2] = "Earlier call " + std::to_string(i);
    row[9] = "old-" + std::to_string(i);
    row[15] = transcript;
    rows.push_back(std::move(row));
  }
  const std::string id = h.google.AddSpreadsheet(
      "Busy", {{"Contacts", json::array{ContactHeader()}}, {"Call Logs", std::move(rows)}});
  REQUIRE(h.Select(jwt, id, "Busy").status == 200);

  auto logged = h.Send("POST", "/callLog", jwt, AdaCall("big-1"));
  INFO(logged.body);
  REQUIRE(logged.Json().at("successful") == true);
  CHECK(logged.Json().at("logId") == 1102);
  // A session already in the tab is found in its column.
  json::object again = AdaCall("old-7");
  auto known = h.Send("POST", "/callLog", jwt, again);
  INFO(known.body);
  CHECK(known.Json().at("logId") == "9");
  auto read =
      h.Get("/callLog?sessionIds=big-1&hashedExtensionId=hashed-ext-105&requireDetails=true", jwt);
  INFO(read.body);
  CHECK(read.Json().at("logs").at(0).at("logData").at("note") == "Asked about pricing");
  auto updated = h.Send(
      "PATCH", "/callLog", jwt,
      json::object{
          {"sessionId", "big-1"}, {"hashedExtensionId", "hashed-ext-105"}, {"note", "Still fine"}});
  INFO(updated.body);
  CHECK(updated.Json().at("successful") == true);
  CHECK(Cell(h.google.cells(id, "Call Logs"), 1101, "Notes") == "Still fine");
}

TEST_CASE("Google Sheets: columns beyond Z and an older header row", "[googlesheets]") {
  GoogleSheetsHarness h;
  const std::string jwt = h.LoginJwt();
  // 26 columns of the user's own (A..Z) before the log's, which lack the newer columns.
  json::array header;
  for (int i = 1; i <= 26; ++i)
    header.emplace_back("Own " + std::to_string(i));
  for (const char* c :
       {"ID", "Sheet Id", "Subject", "Contact name", "Notes", "Phone", "Start time", "End time",
        "Duration", "Session Id", "Direction", "Call Result", "Call Recording"})
    header.emplace_back(c);
  const std::string id = h.google.AddSpreadsheet(
      "Wide", {{"Call Logs", json::array{header}}, {"Contacts", json::array{ContactHeader()}}});
  REQUIRE(h.Select(jwt, id, "Wide").status == 200);
  auto logged = h.Send("POST", "/callLog", jwt, AdaCall("w1"));
  INFO(logged.body);
  REQUIRE(logged.Json().at("successful") == true);
  Rows rows = h.google.cells(id, "Call Logs");
  // The newer columns were added after the last one (AN onwards).
  REQUIRE(rows.at(0).size() == 26 + 13 + 9);
  CHECK(rows[0][39] == "Incoming Phone Number");
  CHECK(rows[0][47] == "ACE Link");
  CHECK(Cell(rows, 1, "ID") == "2");
  CHECK(Cell(rows, 1, "Notes") == "Asked about pricing");
  CHECK(Cell(rows, 1, "Outgoing Phone Number") == "+14155550100");
  CHECK(rows[1][0].empty());  // the user's own columns stay empty

  h.google.server().clear();
  auto updated = h.Send("PATCH", "/callLog", jwt,
                        json::object{{"sessionId", "w1"},
                                     {"hashedExtensionId", "hashed-ext-105"},
                                     {"note", "Past Z"},
                                     {"subject", "Wide call"}});
  INFO(updated.body);
  CHECK(updated.Json().at("returnMessage").at("message") == "Call log updated.");
  rows = h.google.cells(id, "Call Logs");
  CHECK(Cell(rows, 1, "Notes") == "Past Z");
  CHECK(Cell(rows, 1, "Subject") == "Wide call");
  const auto batch_reqs = h.google.server().requests();
  auto* batch =
      LastRequestUnder(batch_reqs, "POST", "/v4/spreadsheets/" + id + "/values:batchUpdate");
  REQUIRE(batch);
  const json::value sent = json::parse(batch->body);
  CHECK(sent.at("data").at(0).at("range") == "'Call Logs'!AC2");  // Subject: column 29
  CHECK(sent.at("data").at(1).at("range") == "'Call Logs'!AE2");  // Notes: column 31
  auto read =
      h.Get("/callLog?sessionIds=w1&hashedExtensionId=hashed-ext-105&requireDetails=true", jwt);
  CHECK(read.Json().at("logs").at(0).at("logData").at("note") == "Past Z");
}

TEST_CASE("Google Sheets: message logs, one row per conversation", "[googlesheets]") {
  GoogleSheetsHarness h;
  const std::string jwt = h.LoginJwt();
  // A spreadsheet without the Message Logs tab: the first message adds it.
  const std::string id = h.google.AddSpreadsheet(
      "Old sheet",
      {{"Contacts", json::array{ContactHeader()}}, {"Call Logs", json::array{CallLogHeader()}}});
  REQUIRE(h.Select(jwt, id, "Old sheet").status == 200);
  auto sms = [](const std::string& mid, const std::string& text, const std::string& dir,
                const std::string& at) { return SmsFrom("+14155550100", mid, text, dir, at); };
  auto body = [](json::array messages) {
    return ConversationBody(std::move(messages), "+14155550100", "2", "Ada Lovelace", "contact");
  };
  auto first = h.Send("POST", "/messageLog", jwt,
                      body(json::array{sms("m1", "Hello", "Inbound", "2026-11-24T15:30:00.000Z")}));
  INFO(first.body);
  ExpectSchema("/messageLog", "post", first);
  CHECK(first.Json().at("successful") == true);
  CHECK(h.google.tabs(id) == std::vector<std::string>{"Contacts", "Call Logs", "Message Logs"});
  Rows rows = h.google.cells(id, "Message Logs");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0] == Texts(MessageLogHeader()));
  const std::string conversation =
      "\nConversation summary\nTuesday, November 24, 2026\nParticipants\n    Jane Doe\n"
      "    Ada Lovelace\n\nConversation(1 messages)\nBEGIN\n------------\n"
      "Ada Lovelace (+14155550100) 03:30 PM\nHello\n------------\nEND\n\n"
      "--- Created via RingCentral App Connect";
  CHECK(rows[1] == std::vector<std::string>{
                       "2", id, "SMS conversation with Ada Lovelace - 26/11/24", "Ada Lovelace",
                       conversation, "+14155550100", "SMS", "2026-11-24 15:30:00", "Inbound"});

  auto second =
      h.Send("POST", "/messageLog", jwt,
             body(json::array{sms("m2", "Hi Ada", "Outbound", "2026-11-24T15:35:00.000Z"),
                              sms("m1", "Hello", "Inbound", "2026-11-24T15:30:00.000Z")}));
  INFO(second.body);
  CHECK(second.Json().at("logIds") == json::array{"m2"});
  rows = h.google.cells(id, "Message Logs");
  REQUIRE(rows.size() == 2);
  const std::string grown = Cell(rows, 1, "Message");
  CHECK(grown.find("Conversation(2 messages)") != std::string::npos);
  CHECK(grown.find("Hello\nJane Doe 03:35 PM\nHi Ada\n------------\nEND") != std::string::npos);

  // A voicemail is its own row with the recording's link.
  json::object vm = body(json::array{json::object{
      {"id", "v1"},
      {"type", "VoiceMail"},
      {"direction", "Inbound"},
      {"creationTime", "2026-11-24T16:00:00.000Z"},
      {"attachments", json::array{json::object{{"type", "AudioRecording"},
                                               {"link", "https://app.ringcentral.test/vm/1"}}}},
      {"from", json::object{{"phoneNumber", "+14155550100"}}}}});
  vm["logInfo"].as_object()["conversationLogId"] = "vm-1";
  auto voicemail = h.Send("POST", "/messageLog", jwt, vm);
  INFO(voicemail.body);
  CHECK(voicemail.Json().at("successful") == true);
  rows = h.google.cells(id, "Message Logs");
  REQUIRE(rows.size() == 3);
  CHECK(Cell(rows, 2, "Message Type") == "Voicemail");
  CHECK(Cell(rows, 2, "Subject") == "Voicemail left by Ada Lovelace - 26/11/24");
  CHECK(Cell(rows, 2, "Message").find("https://app.ringcentral.test/vm/1") != std::string::npos);

  // A Message Logs tab without its header row (made by hand): the header is written first, so
  // the message is a record, not the header.
  const std::string bare = h.google.AddSpreadsheet(
      "Bare sheet", {{"Contacts", json::array{ContactHeader()}}, {"Message Logs", json::array()}});
  REQUIRE(h.Select(jwt, bare, "Bare sheet").status == 200);
  json::object next = body(json::array{sms("m7", "Again", "Inbound", "2026-11-25T09:00:00.000Z")});
  next["logInfo"].as_object()["conversationLogId"] = "c1-20261125";
  auto into_bare = h.Send("POST", "/messageLog", jwt, next);
  INFO(into_bare.body);
  CHECK(into_bare.Json().at("logIds") == json::array{"m7"});
  rows = h.google.cells(bare, "Message Logs");
  REQUIRE(rows.size() == 2);
  CHECK(rows[0] == Texts(MessageLogHeader()));
  CHECK(Cell(rows, 1, "Message").find("Again") != std::string::npos);
}

TEST_CASE("Google Sheets: Google failing becomes the contract's returnMessage", "[googlesheets]") {
  GoogleSheetsHarness h;
  const std::string jwt = h.LoginJwt();
  const std::string id = h.Seed("Failing", Contacts("seeded"));
  REQUIRE(h.Select(jwt, id, "Failing").status == 200);
  ExpectLookupFailuresReported(h, h.google.failures(), "/v4/spreadsheets",
                               "/contact?phoneNumber=%2B14155550100&overridingFormat=", jwt);
  // The token endpoint refusing a refresh: the session is over, not a crash.
  h.google.set_expires_in(60);
  const std::string again = h.LoginJwt();
  h.google.failures().Fail("/token", FakeFailure::kStatus, 500);
  auto refused = h.Get("/contact?phoneNumber=%2B14155550100&overridingFormat=", again);
  INFO(refused.body);
  CHECK(refused.status != 0);
  CHECK_FALSE(refused.body.empty());
  h.google.failures().Clear();
}

}  // namespace crmhost::testing
