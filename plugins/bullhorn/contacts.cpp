// Persons by phone and by name across ClientContact, Candidate and Lead (Bullhorn's Lucene
// search, one POST per entity), and new persons of each type.
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/phone.hpp>
#include <crmhost/sdk/text.hpp>

#include <set>

#include "mapping.h"
#include "plugin.h"

namespace bullhorn {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;
using sdk::contract::return_message;

namespace {

// The forms' options; a lookup still answers when Bullhorn will not give them (the reference's
// "optional" account data), just without note actions.
json::object OptionalAccountData(Api& api, const json::object& in, bool force) {
  try {
    return CachedAccountData(api, object_of(in, "user"), force);
  } catch (const sdk::UpstreamError& e) {
    api.call().warn(std::string("Bullhorn account data unavailable for the contact search: ") +
                    e.what());
    return json::object();
  }
}

json::array Rows(const json::value& answer) {
  const json::value* data = js::get(&answer, "data");
  return data && data->is_array() ? data->get_array() : json::array();
}

bool ForceRefresh(const json::object& in) {
  const json::value* v = js::get(in, "isForceRefreshAccountData");
  return v && ((v->is_bool() && v->get_bool()) || (v->is_string() && v->get_string() == "true"));
}

}  // namespace

// The national significant number against every phone field of each person type; rate limits
// are reported from the Candidate search, as the reference does.
json::value Bullhorn::findContact(Call& call, const json::object& in) {
  if (sdk::string_field(in, "isExtension") == "true")
    return json::object{{"successful", false}, {"matchedContactInfo", json::array()}};
  const auto number = call.phone(sdk::phone::from_query(sdk::string_field(in, "phoneNumber")));
  if (!number.valid)
    return json::object{
        {"successful", false},
        {"returnMessage", return_message("Invalid phone number format", "warning", 3000)},
        {"matchedContactInfo", json::array()}};
  Api api(call, in);
  const json::object data = OptionalAccountData(api, in, ForceRefresh(in));
  const json::value info = NoteActionsInfo(data);
  json::array matched;
  for (const PersonKind& kind : kPersonKinds) {
    const json::value query = json::object{{"query", PhoneQuery(kind, number.significant)}};
    json::value answer =
        api.Request("POST", std::string("search/") + kind.entity + "?fields=" + kind.phone_fields,
                    &query, std::string_view(kind.type) == "Candidate");
    for (auto& row : Rows(answer))
      if (row.is_object()) matched.push_back(ContactMatch(kind, row.get_object(), info, true));
  }
  if (matched.empty()) matched.push_back(NewContactPlaceholder(data));
  return api.Finish(json::object{{"successful", true}, {"matchedContactInfo", std::move(matched)}});
}

// The full name, the first word and the last word, in one query per person type; each record
// once per type.
json::value Bullhorn::findContactWithName(Call& call, const json::object& in) {
  const std::string name = sdk::string_field(in, "name");
  // A blank name matches nobody (and would make a query Bullhorn refuses).
  if (crmhost::sdk::text::trim(name).empty())
    return json::object{{"successful", true}, {"matchedContactInfo", json::array()}};
  Api api(call, in);
  const json::value info = NoteActionsInfo(OptionalAccountData(api, in, false));
  json::array matched;
  for (const PersonKind& kind : kPersonKinds) {
    const json::value query = json::object{{"query", NameQuery(kind, name)}};
    json::value answer =
        api.Request("POST", std::string("search/") + kind.entity + "?fields=" + kind.name_fields,
                    &query, std::string_view(kind.type) == "Lead");
    std::set<std::string> seen;
    for (auto& row : Rows(answer)) {
      if (!row.is_object()) continue;
      const json::value* id = js::get(row.get_object(), "id");
      if (!seen.insert(id ? json::serialize(*id) : std::string()).second) continue;
      matched.push_back(ContactMatch(kind, row.get_object(), info, false));
    }
  }
  return api.Finish(json::object{{"successful", true}, {"matchedContactInfo", std::move(matched)}});
}

namespace {

// The placeholder company new ClientContacts belong to (Bullhorn requires one): found by name,
// else created.
json::value PlaceholderCompanyId(Api& api) {
  const json::value query = json::object{{"query", std::string("name:") + kPlaceholderCompany}};
  json::value found = api.Request("POST", "search/ClientCorporation?fields=id,name", &query, false);
  const json::array rows = Rows(found);
  if (js::to_number(js::get(&found, "total") ? *js::get(&found, "total") : json::value(0)) > 0 &&
      !rows.empty() && js::text_or_empty(js::get(&rows[0], "name")) == kPlaceholderCompany)
    return js::get(&rows[0], "id") ? *js::get(&rows[0], "id") : json::value();
  json::value made = api.Put("entity/ClientCorporation", PlaceholderCompany());
  const json::value* id = js::get(&made, "changedEntityId");
  if (!id) throw sdk::UpstreamError(200, "Bullhorn answered no id for the placeholder company");
  return *id;
}

}  // namespace

json::value Bullhorn::createContact(Call& call, const json::object& in) {
  const std::string type = sdk::string_field(in, "newContactType");
  if (type.empty()) return nullptr;
  const PersonKind* kind = nullptr;
  for (const PersonKind& k : kPersonKinds)
    if (type == k.type) kind = &k;
  if (!kind) throw sdk::InvalidInput("Bullhorn has no contact type " + type);
  Api api(call, in);
  const json::object data = CachedAccountData(api, object_of(in, "user"), false);
  const std::string name = sdk::string_field(in, "newContactName");
  const json::value* status = js::get(object_of(in, "additionalSubmission"), "status");
  json::object body =
      NewPerson(name, sdk::string_field(in, "phoneNumber"), status ? *status : json::value());
  if (type == "Contact")
    body["clientCorporation"] = json::object{{"id", PlaceholderCompanyId(api)}};
  json::value made = api.Put(std::string("entity/") + kind->entity, body);
  const json::value* id = js::get(&made, "changedEntityId");
  if (!id) throw sdk::UpstreamError(200, "Bullhorn answered no id for the new " + type);
  return api.Finish(json::object{
      {"contactInfo",
       json::object{{"id", *id}, {"name", name}, {"additionalInfo", NoteActionsInfo(data)}}},
      {"returnMessage", return_message(type + " created.", "success", 2000)}});
}

}  // namespace bullhorn
