// The Clio plugin: OAuth against the user's Clio region (app., eu., ca., au.app.clio.com), contact
// lookup by phone and by name with each contact's matters (direct and through relationships) as
// the log form's options, communications for calls and messages with a time entry per call (and
// optionally per outbound SMS), making the calls the reference connector makes
// (docs/CRM_PLUGINS.md lists them and where we differ).
//
// Appointments are Clio calendar entries (list, create, update, refresh, cancel = delete); MMS
// images and fax PDFs are uploaded into Clio Documents and linked from the log.
//
// Settings: clio.oauth_client_id / clio.oauth_client_secret for app.clio.com, and
// clio.eu_oauth_client_id, clio.eu_oauth_client_secret (likewise ca_, au_) for the other regions.
#include "plugin.h"

#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/phone.hpp>
#include <crmhost/sdk/time.hpp>
#include <crmhost/sdk/timezones.hpp>

#include <set>

#include "mapping.h"

namespace clio {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;
using sdk::contract::return_message;
using sdk::contract::text;
using sdk::contract::value_or;

namespace {

constexpr const char* kRedirectUri =
    "https://ringcentral.github.io/ringcentral-embeddable/redirect.html";

}  // namespace

// Each region is its own Clio OAuth app; the token endpoint is the region's host.
json::value Clio::getOauthInfo(Call& call, const json::object& in) {
  const Region* region = RegionOf(sdk::string_field(in, "hostname"));
  if (!region) region = &kRegions[0];
  const std::string prefix(region->setting_prefix);
  return json::object{{"clientId", call.setting(prefix + "oauth_client_id").value_or("")},
                      {"clientSecret", call.setting(prefix + "oauth_client_secret").value_or("")},
                      {"accessTokenUri", "https://" + std::string(region->host) + "/oauth/token"},
                      {"redirectUri", kRedirectUri}};
}

json::value Clio::getUserInfo(Call& call, const json::object& in) {
  try {
    const Region* region = RegionOf(sdk::string_field(in, "hostname"));
    if (!region) throw sdk::UpstreamError(0, "not a Clio host");
    Api clio(call, std::string(region->host), sdk::string_field(in, "authHeader"));
    json::value me = clio.Get("users/who_am_i.json?fields=id,name,time_zone");
    const json::value* data = Data(me);
    const json::value* id = js::get(data, "id");
    if (!id || id->is_null()) throw sdk::UpstreamError(200, "no user id in who_am_i");
    const std::string zone = js::text_or_empty(js::get(data, "time_zone"));
    const int offset = sdk::timezones::zone_offset_minutes(zone, call.now_ms()).value_or(0);
    return json::object{{"successful", true},
                        {"platformUserInfo", PlatformUser(data, zone, offset, region->host)},
                        {"returnMessage", return_message("Connected to Clio.", "success", 1000)}};
  } catch (const std::exception& e) {
    call.warn(std::string("Clio login failed: ") + e.what());
    return sdk::contract::login_failed("Clio", "Could not load user information");
  }
}

json::value Clio::refreshUserInfo(Call&, const json::object&) {
  return json::object{{"successful", true},
                      {"returnMessage", return_message("User info refreshed", "success", 1000)}};
}

// Revokes the token at Clio; the host drops it whatever Clio answers.
json::value Clio::unAuthorize(Call& call, const json::object& in) {
  const json::object& user = object_of(in, "user");
  const std::string token = sdk::string_field(user, "accessToken");
  const Region* region = RegionOf(sdk::string_field(user, "hostname"));
  if (region && !token.empty()) RevokeToken(call, *region, token);
  return json::object{{"returnMessage", return_message("Logged out of Clio", "success", 1000)},
                      {"userUpdate", json::object{{"accessToken", ""}, {"refreshToken", ""}}}};
}

json::value Clio::getUserList(Call& call, const json::object& in) {
  Api clio(call, in);
  return UserList(clio.Get("users.json?enabled=true&order=name(asc)&fields=id,name,email"));
}

// Each number form (E.164, then the client's overridingFormat ones), each contact once, with
// its matters: the ones it is the client of, then those it relates to (all pages).
json::value Clio::findContact(Call& call, const json::object& in) {
  if (sdk::string_field(in, "isExtension") == "true")
    return json::object{{"successful", false}, {"matchedContactInfo", json::array()}};
  Api clio(call, in);
  const std::string number = sdk::phone::from_query(sdk::string_field(in, "phoneNumber"));
  std::vector<std::string> queries{number};
  const std::string formats = sdk::string_field(in, "overridingFormat");
  if (!formats.empty())
    if (auto parsed = call.phone(number); parsed.valid)
      for (auto& f : sdk::phone::formatted(parsed.significant, formats))
        queries.push_back(std::move(f));
  const bool closed =
      js::truthy(sdk::contract::user_setting(object_of(in, "user"), "clioSeeClosedMatters"));
  json::array matched;
  std::set<std::string> seen;
  for (const std::string& q : queries) {
    json::value found = clio.Get("contacts.json?query=" + sdk::url_encode(q) +
                                 "&fields=type,id,name,created_at,updated_at");
    const json::value* list = Data(found);
    if (!list || !list->is_array()) continue;
    for (auto& c : list->get_array()) {
      if (!c.is_object() || !seen.insert(text(c.get_object(), "id")).second) continue;
      const json::object& contact = c.get_object();
      matched.push_back(PhoneContact(contact, number, Matters(clio, contact, closed, true, true)));
    }
  }
  json::object placeholder = sdk::contract::new_contact_placeholder();
  placeholder["additionalInfo"] = json::object{{"logTimeEntry", true}};
  matched.push_back(std::move(placeholder));
  return json::object{{"successful", true},
                      {"matchedContactInfo", std::move(matched)},
                      {"extraDataTracking", clio.tracking()}};
}

// Clio's query matches first, last and full names; contacts with an email come first.
json::value Clio::findContactWithName(Call& call, const json::object& in) {
  Api clio(call, in);
  json::value found =
      clio.Get("contacts.json?query=" + sdk::url_encode(sdk::string_field(in, "name")) +
               "&fields=id,name,created_at,updated_at,primary_email_address,primary_phone_number");
  json::array with_email, without_email;
  if (const json::value* list = Data(found); list && list->is_array())
    for (auto& c : list->get_array()) {
      if (!c.is_object()) continue;
      const json::object& contact = c.get_object();
      json::object entry = NamedContact(contact, Matters(clio, contact, false, false, false));
      (entry.at("email").get_string().empty() ? without_email : with_email)
          .push_back(std::move(entry));
    }
  for (auto& c : without_email)
    with_email.push_back(std::move(c));
  return json::object{{"successful", true},
                      {"matchedContactInfo", std::move(with_email)},
                      {"extraDataTracking", clio.tracking()}};
}

json::value Clio::createContact(Call& call, const json::object& in) {
  Api clio(call, in);
  std::string type = sdk::string_field(in, "newContactType");
  if (type.empty()) type = "Person";
  json::value made = clio.Send(
      "POST", "contacts.json",
      json::object{{"name", sdk::string_field(in, "newContactName")},
                   {"type", type},
                   {"phone_numbers",
                    json::array{json::object{{"name", "Work"},
                                             {"number", sdk::string_field(in, "phoneNumber")},
                                             {"default_number", true}}}}});
  const json::value* data = Data(made);
  return json::object{
      {"contactInfo",
       json::object{{"id", IdOf(made)},
                    {"name", js::get(data, "name") ? *js::get(data, "name") : json::value()}}},
      {"returnMessage", return_message("Contact created.", "success", 2000)},
      {"extraDataTracking", clio.tracking()}};
}

// A phone communication between the user and the contact (on the chosen matter), then a time
// entry for its duration unless the user turned time entries off.
json::value Clio::createCallLog(Call& call, const json::object& in) {
  Api clio(call, in);
  std::string details = sdk::string_field(in, "composedLogDetails");
  if (details.empty()) details = "No details available";
  const std::string when = sdk::time::format_iso8601(
      TimeOr(sdk::field(object_of(in, "callLog"), "startTime"), call.now_ms()));
  json::value made = clio.Send("POST", "communications.json", CallCommunication(in, when, details));
  const json::value id = IdOf(made);
  json::object result{{"logId", id},
                      {"returnMessage", return_message("Call logged", "success", 2000)}};
  if (TimeEntriesEnabled(object_of(in, "user"))) {
    // The communication exists: a failed time entry must not hide its id (a retry would log
    // the call twice).
    try {
      clio.Send("POST", "activities.json", CallTimeEntry(in, id, when, details));
    } catch (const sdk::UpstreamError& e) {
      call.warn("Clio communication created, but its time entry failed: " + std::string(e.what()));
    }
  }
  result["extraDataTracking"] = clio.tracking();
  return result;
}

json::value Clio::getCallLog(Call& call, const json::object& in) {
  Api clio(call, in);
  std::string id = text(in, "callLogId");
  id = id.substr(0, id.find('.'));
  json::value found = clio.Get("communications/" + sdk::url_encode(id) +
                               ".json?fields=subject,body,matter,senders,receivers,id");
  const json::value* data = Data(found);
  if (!data || !data->is_object()) throw sdk::UpstreamError(200, "Clio answered no communication");
  const json::object& comm = data->get_object();
  json::object info = CallLogInfo(comm);
  if (const json::value* contact_id = CallContactId(comm)) {
    json::value person =
        clio.Get("contacts/" + sdk::url_encode(js::to_string(*contact_id)) + ".json?fields=name");
    if (const json::value* name = js::get(Data(person), "name")) info["contactName"] = *name;
  }
  info["dispositions"] = CallDispositions(comm);
  return json::object{{"callLogInfo", std::move(info)}, {"extraDataTracking", clio.tracking()}};
}

// The re-composed body (lines typed in Clio survive: the host merges into what getCallLog
// read), and the time entry's duration and note.
json::value Clio::updateCallLog(Call& call, const json::object& in) {
  Api clio(call, in);
  const std::string id = CommunicationId(object_of(in, "existingCallLog"));
  const std::string details = sdk::string_field(in, "composedLogDetails");
  const json::value* start = sdk::field(in, "startTime");
  const std::string when =
      js::truthy(start) ? sdk::time::format_iso8601(TimeOr(start, call.now_ms())) : "";
  json::object data = UpdatedCommunication(in, details, when);
  if (js::truthy(sdk::field(in, "duration")) && TimeEntriesEnabled(object_of(in, "user"))) {
    json::value entries =
        clio.Get("activities.json?communication_id=" + sdk::url_encode(id) + "&fields=quantity,id");
    if (const json::value* first = First(Data(entries)); first && first->is_object()) {
      json::object patch{{"quantity", in.at("duration")}, {"note", details}};
      if (!when.empty()) patch["date"] = when;
      clio.Send("PATCH", "activities/" + sdk::url_encode(text(first->get_object(), "id")) + ".json",
                std::move(patch));
    }
  }
  clio.Send("PATCH", "communications/" + sdk::url_encode(id) + ".json", std::move(data));
  return json::object{{"updatedNote", details},
                      {"returnMessage", return_message("Call log updated.", "success", 2000)},
                      {"extraDataTracking", clio.tracking()}};
}

// The matter is the disposition Clio has.
json::value Clio::upsertCallDisposition(Call& call, const json::object& in) {
  const json::value* matter = js::get(object_of(in, "dispositions"), "matters");
  if (!js::truthy(matter)) return json::object{{"logId", nullptr}};
  Api clio(call, in);
  const std::string id = CommunicationId(object_of(in, "existingCallLog"));
  clio.Send("PATCH", "communications/" + sdk::url_encode(id) + ".json",
            json::object{{"matter", json::object{{"id", *matter}}}});
  return json::object{{"logId", id}, {"extraDataTracking", clio.tracking()}};
}

}  // namespace clio

CRMHOST_PLUGIN(clio::Clio)
