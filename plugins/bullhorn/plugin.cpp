// The Bullhorn plugin: OAuth against the user's Bullhorn data center (the callback names its
// token and REST login hosts; both must be on bullhornstaffing.com), a REST session per user
// (BhRestToken + restUrl, renewed on a 401 and the call retried once), persons across
// ClientContact, Candidate and Lead, call and message logs as Notes with the note action as
// disposition, appointments, CorporateUsers for server-side logging's user mapping, and
// server-side logging as an API user whose password logs in when the refresh token fails.
// The calls are the reference connector's (docs/CRM_PLUGINS.md lists them and where we differ).
//
// Settings: bullhorn.oauth_client_id and bullhorn.oauth_client_secret (or an admin-managed app).
#include "plugin.h"

#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>

#include "mapping.h"

namespace bullhorn {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;
using sdk::contract::return_message;

namespace {

constexpr const char* kDefaultTokenUrl = "https://auth.bullhornstaffing.com/oauth/token";
// A session closer than this to its end is renewed before the operation (the reference's margin).
constexpr int64_t kSessionMarginMs = 2 * 60 * 1000;

std::string CredentialsKey(const json::object& user) {
  return "apiCredentials/" + sdk::string_field(user, "id");
}

Client ClientOf(const json::object& in) {
  const json::object& app = object_of(in, "oauthApp");
  return Client{sdk::string_field(app, "clientId"), sdk::string_field(app, "clientSecret")};
}

// The user update recording fresh tokens and the session they opened. A refresh token is good
// once: when the login after it fails, the tokens are still kept (the session follows on the
// next 401).
json::object TokensUpdate(sdk::Call& call, const json::object& info, const Tokens& tokens) {
  json::object update;
  try {
    update = SessionUpdate(Login(call, sdk::string_field(info, "loginUrl"), tokens.access_token));
  } catch (const sdk::UpstreamError& e) {
    call.warn(std::string("Bullhorn login after a token refresh failed: ") + e.what());
  }
  update["accessToken"] = tokens.access_token;
  update["refreshToken"] = tokens.refresh_token;
  update["tokenExpiry"] = call.now_ms() + tokens.expires_in_s * 1000;
  return update;
}

json::value Expired(int status) {
  json::object out{
      {"successful", false},
      {"returnMessage",
       return_message("It seems like your Bullhorn session has expired. Please re-connect.",
                      "warning", 3000)}};
  out["status"] = status;
  return out;
}

}  // namespace

std::optional<ApiCredentials> StoredCredentials(sdk::Call& call, const json::object& user) {
  auto raw = call.kv_get(CredentialsKey(user));
  if (!raw) return std::nullopt;
  boost::system::error_code ec;
  json::value v = json::parse(*raw, ec);
  if (ec || !v.is_object()) return std::nullopt;
  ApiCredentials c{sdk::string_field(v.get_object(), "apiUsername"),
                   sdk::string_field(v.get_object(), "apiPassword")};
  if (c.username.empty() || c.password.empty()) return std::nullopt;
  return c;
}

// The data center's token URL from the callback; one that is not Bullhorn's is refused before
// the code (and the client secret with it) could go there.
json::value Bullhorn::getOauthInfo(Call& call, const json::object& in) {
  std::string token_url = sdk::string_field(in, "tokenUrl");
  json::object out{{"clientId", call.setting("oauth_client_id").value_or("")},
                   {"clientSecret", call.setting("oauth_client_secret").value_or("")},
                   {"accessTokenUri", token_url.empty() ? kDefaultTokenUrl : token_url},
                   {"redirectUri", kRedirectUri}};
  if (!token_url.empty() && !IsBullhornUrl(token_url)) {
    out["accessTokenUri"] = kDefaultTokenUrl;
    out["failMessage"] = "Bullhorn's token URL must be an https address on bullhornstaffing.com.";
  }
  return out;
}

// Bullhorn's token endpoint reads the client and the code from the query, without HTTP Basic.
json::value Bullhorn::getOverridingOAuthOption(Call&, const json::object& in) {
  const json::object& info = object_of(in, "oauthInfo");
  return json::object{
      {"query", json::object{{"grant_type", "authorization_code"},
                             {"code", sdk::string_field(in, "code")},
                             {"client_id", sdk::string_field(info, "clientId")},
                             {"client_secret", sdk::string_field(info, "clientSecret")},
                             {"redirect_uri", kRedirectUri}}},
      {"headers", json::object{{"Authorization", ""}}}};
}

json::value Bullhorn::getUserInfo(Call& call, const json::object& in) {
  try {
    const std::string token_url = sdk::string_field(in, "tokenUrl");
    const std::string login_url = sdk::string_field(in, "apiUrl");
    if (!IsBullhornUrl(token_url) || !IsBullhornUrl(login_url))
      throw sdk::UpstreamError(0, "the callback's tokenUrl or apiUrl is not Bullhorn's");
    std::string access = sdk::string_field(in, "authHeader");
    if (access.rfind("Bearer ", 0) == 0) access.erase(0, 7);
    const RestSession session = Login(call, login_url, access);
    std::string username = sdk::string_field(in, "username");
    for (size_t at = username.find('\''); at != std::string::npos; at = username.find('\'', at + 2))
      username.insert(at, 1, '\'');
    sdk::HttpResponse resp =
        call.http("GET",
                  session.rest_url +
                      "query/CorporateUser?fields=id,name,timeZoneOffsetEST,masterUserID&where=" +
                      sdk::url_encode("username='" + username + "'"),
                  {{"BhRestToken", session.bh_rest_token}, {"Accept", "application/json"}});
    if (!resp.ok())
      throw sdk::UpstreamError(resp.status, "Bullhorn refused the CorporateUser query");
    const json::value page = resp.json();
    const json::value* data = js::get(&page, "data");
    if (!data || !data->is_array() || data->get_array().empty() ||
        !data->get_array()[0].is_object())
      throw sdk::UpstreamError(resp.status, "Bullhorn knows no CorporateUser of that username");
    return json::object{
        {"successful", true},
        {"platformUserInfo", PlatformUser(data->get_array()[0].get_object(), token_url, login_url,
                                          session.rest_url, session.bh_rest_token)},
        {"returnMessage", return_message("Connected to Bullhorn.", "success", 1000)}};
  } catch (const std::exception& e) {
    call.warn(std::string("Bullhorn login failed: ") + e.what());
    json::object failed =
        sdk::contract::login_failed("Bullhorn", "Could not load user information");
    failed["returnMessage"].as_object()["ttl"] = 5000;
    return failed;
  }
}

// Before every operation: a session known to live on is used as is; else ping says how long it
// has, and one that is gone (or about to be) is replaced: refresh token, else the server-side
// logging API user's password, then a new REST login. The host runs this under its per-user
// refresh lock, so one refresh happens at a time (the reference's lock table). Unlike the
// reference, which pings before every operation, the expiry ping answered is kept and, while the
// access token is also good, the next ping waits until it nears.
json::value Bullhorn::checkAndRefreshAccessToken(Call& call, const json::object& in) {
  const json::object& user = object_of(in, "user");
  if (sdk::string_field(user, "accessToken").empty() ||
      sdk::string_field(user, "refreshToken").empty())
    return json::object();
  const json::object& info = object_of(user, "platformAdditionalInfo");
  const int64_t now = call.now_ms();
  // The kept expiry is trusted only while the access token lives too: a session that then dies
  // early is renewed from the token (Api's 401 path). Once the token is spent, ping decides, as
  // the reference does before every operation.
  auto lives = [&](const json::value* at) {
    const auto ms = at && at->is_number() ? js::to_safe_integer(at) : std::nullopt;
    return ms && *ms - kSessionMarginMs > now;
  };
  if (lives(js::get(user, "tokenExpiry")) && lives(js::get(info, "sessionExpires")))
    return json::object();
  try {
    const int64_t expires = PingSessionExpires(
        call,
        RestSession{sdk::string_field(info, "bhRestToken"), sdk::string_field(info, "restUrl")});
    if (expires - kSessionMarginMs > now)
      return json::object{
          {"userUpdate",
           json::object{{"platformAdditionalInfo", json::object{{"sessionExpires", expires}}}}}};
  } catch (const sdk::UpstreamError& e) {
    call.info(std::string("Bullhorn session check failed, refreshing: ") + e.what());
  }
  const std::string token_url = sdk::string_field(info, "tokenUrl");
  std::optional<Tokens> tokens;
  int refused = 0;
  try {
    tokens = RefreshTokens(call, token_url, ClientOf(in), sdk::string_field(user, "refreshToken"));
  } catch (const sdk::UpstreamError& e) {
    refused = e.status();
    call.warn(std::string("Bullhorn token refresh failed: ") + e.what());
  }
  if (!tokens)
    if (auto creds = StoredCredentials(call, user))
      tokens = PasswordAuthorize(call, token_url, ClientOf(in), creds->username, creds->password);
  if (!tokens) {
    // Bullhorn refused the refresh token: the session is over. Anything else (no answer, 5xx) is
    // a failure of this operation only; the tokens stay for the next attempt.
    if (refused >= 400 && refused < 500) return nullptr;
    throw sdk::UpstreamError(refused, "Bullhorn token refresh failed");
  }
  return json::object{{"userUpdate", TokensUpdate(call, info, *tokens)}};
}

// GET ping: a live session is valid; an expired one is replaced by a new login; a 401 is logged
// in again and pinged once more.
json::value Bullhorn::authValidation(Call& call, const json::object& in) {
  Api api(call, in);
  try {
    const int64_t expires = PingSessionExpires(call, api.session());
    if (expires < call.now_ms()) api.Relogin();
    return api.Finish(json::object{{"successful", true}, {"status", 200}});
  } catch (const sdk::UpstreamError& e) {
    if (e.status() != 401) return Expired(e.status());
  }
  try {
    api.Relogin();
    PingSessionExpires(call, api.session());
    return api.Finish(json::object{{"successful", true}, {"status", 200}});
  } catch (const sdk::UpstreamError& e) {
    return Expired(e.status());
  }
}

json::value Bullhorn::unAuthorize(Call&, const json::object&) {
  return json::object{{"returnMessage", return_message("Logged out of Bullhorn", "success", 1000)},
                      {"userUpdate", json::object{{"accessToken", ""}, {"refreshToken", ""}}}};
}

// The API user's name and password, as the admin entered them (the reference answers them too).
json::value Bullhorn::getServerLoggingSettings(Call& call, const json::object& in) {
  auto creds = StoredCredentials(call, object_of(in, "user"));
  return json::object{{"apiUsername", creds ? creds->username : ""},
                      {"apiPassword", creds ? creds->password : ""}};
}

// Empty values clear the API user. Otherwise its password must log in now: the session becomes
// the API user's, and the credentials are kept (sealed in the plugin's store, never in the user
// record) for refreshes that the refresh token cannot do.
json::value Bullhorn::updateServerLoggingSettings(Call& call, const json::object& in) {
  const json::object& user = object_of(in, "user");
  const json::object& values = object_of(in, "additionalFieldValues");
  const std::string username = sdk::string_field(values, "apiUsername");
  const std::string password = sdk::string_field(values, "apiPassword");
  if (username.empty() || password.empty()) {
    call.kv_delete(CredentialsKey(user));
    return json::object{
        {"successful", true},
        {"returnMessage", return_message("Server logging settings cleared", "success", 5000)}};
  }
  const json::object& info = object_of(user, "platformAdditionalInfo");
  const json::object failed{
      {"successful", false},
      {"returnMessage",
       return_message(
           "Server logging settings update failed. Please check your username and password.",
           "warning", 10000)}};
  auto tokens = PasswordAuthorize(call, sdk::string_field(info, "tokenUrl"), ClientOf(in), username,
                                  password);
  if (!tokens) return failed;
  json::object update;
  try {
    update = SessionUpdate(Login(call, sdk::string_field(info, "loginUrl"), tokens->access_token));
  } catch (const sdk::UpstreamError& e) {
    call.warn(std::string("Bullhorn login as the API user failed: ") + e.what());
    return failed;
  }
  update["accessToken"] = tokens->access_token;
  update["refreshToken"] = tokens->refresh_token;
  update["tokenExpiry"] = call.now_ms() + tokens->expires_in_s * 1000;
  if (!call.kv_put(CredentialsKey(user), json::serialize(json::object{{"apiUsername", username},
                                                                      {"apiPassword", password}})))
    throw sdk::UpstreamError(0, "the API user's credentials could not be stored");
  return json::object{
      {"successful", true},
      {"returnMessage", return_message("Server logging settings updated", "success", 5000)},
      {"userUpdate", std::move(update)}};
}

// Every CorporateUser that is not deleted, page by page (at most 500 pages, as the reference).
json::value Bullhorn::getUserList(Call& call, const json::object& in) {
  Api api(call, in);
  json::array users;
  int64_t start = 0;
  for (int page = 0; page < 500; ++page) {
    json::value answer =
        api.Get("query/CorporateUser?start=" + std::to_string(start) +
                "&fields=id%2CfirstName%2ClastName%2Cemail&where=isDeleted%3Dfalse");
    json::array rows = UserListPage(answer);
    if (rows.empty()) return users;
    for (auto& u : rows)
      users.push_back(std::move(u));
    // Bullhorn's next page starts after this one; an answer without a usable position ends.
    const auto next = js::to_safe_integer(
        js::to_number(js::get(&answer, "start") ? *js::get(&answer, "start") : json::value(0)) +
        js::to_number(js::get(&answer, "count") ? *js::get(&answer, "count") : json::value(0)));
    if (!next || *next <= start) return users;
    start = *next;
  }
  throw sdk::UpstreamError(200, "Bullhorn user list fetch over-limit");
}

json::value Bullhorn::getAccountDataKeys(Call&, const json::object&) {
  return json::object{{"bullhornData", json::object{{"ttlMs", 24 * 3600 * 1000}}}};
}

json::value Bullhorn::fetchAccountData(Call& call, const json::object& in) {
  if (sdk::string_field(in, "key") != "bullhornData")
    throw sdk::InvalidInput("unknown account data key " + sdk::string_field(in, "key"));
  Api api(call, in);
  return FetchAccountData(api, object_of(in, "user"));
}

}  // namespace bullhorn

CRMHOST_PLUGIN(bullhorn::Bullhorn)
