// Contacts, customers and vendors by phone (SuiteQL, the fields and entities the user chose,
// records touched in the last three years) and by name, with their sales orders and
// opportunities as log-form options; new contacts, customers, vendors, leads and prospects.
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/phone.hpp>

#include <set>

#include "mapping.h"
#include "plugin.h"

namespace netsuite {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
using sdk::contract::object_of;
using sdk::contract::return_message;

namespace {

// The related sales orders and opportunities of a contact (through its company) or a customer,
// when the user offers them on the log form. A failed lookup leaves them out.
json::object Related(Api& api, const SearchSettings& s, const json::value* entity_id,
                     bool opportunity_titles) {
  json::object info;
  if (!entity_id || js::to_string(*entity_id).empty()) return info;
  for (bool sales_orders : {true, false}) {
    if (sales_orders ? !s.sales_orders : !s.opportunities) continue;
    auto q = TransactionQuery(*entity_id, sales_orders);
    if (!q) continue;
    try {
      json::array options =
          TransactionOptions(api.SuiteQl(*q), !sales_orders && opportunity_titles);
      if (!options.empty()) info[sales_orders ? "salesorder" : "opportunity"] = std::move(options);
    } catch (const std::exception& e) {
      api.call().warn(std::string("NetSuite transactions unavailable: ") + e.what());
    }
  }
  return info;
}

const json::value* RelatedId(std::string_view entity, const json::object& row) {
  if (entity == "contact") return js::get(row, "company");
  if (entity == "customer") return js::get(row, "id");
  return nullptr;
}

bool Searches(const SearchSettings& s, std::string_view entity) {
  return std::find(s.entities.begin(), s.entities.end(), entity) != s.entities.end();
}

}  // namespace

// Each number form (the national digits, or with overridingFormat the E.164 text and each
// format) against each entity the user searches; an entity whose query fails is skipped.
json::value NetSuite::findContact(Call& call, const json::object& in) {
  if (sdk::string_field(in, "isExtension") == "true")
    return json::object{{"successful", false}, {"matchedContactInfo", json::array()}};
  const std::string phone = sdk::phone::from_query(sdk::string_field(in, "phoneNumber"));
  try {
    Api api(call, in);
    const auto number = call.phone(phone);
    if (!number.parsed) throw sdk::InvalidInput("not a phone number");
    const SearchSettings settings = SettingsOf(object_of(in, "user"));
    const std::string formats = sdk::string_field(in, "overridingFormat");
    std::vector<std::string> numbers;
    if (formats.empty()) {
      numbers.push_back(number.significant);
    } else {
      numbers.push_back(phone);
      if (number.valid)
        for (std::string& f : sdk::phone::formatted(number.significant, formats))
          numbers.push_back(std::move(f));
    }
    const std::string day = RecencyDay(call.now_ms());
    json::array matched;
    for (const std::string& n : numbers)
      for (const char* entity : {"contact", "customer", "vendor"}) {
        if (!Searches(settings, entity)) continue;
        json::array rows;
        try {
          rows = api.SuiteQl(PhoneQuery(entity, PhoneFieldsFor(entity, settings.phone_fields), n,
                                        !formats.empty(), day));
        } catch (const std::exception& e) {
          call.warn(std::string("NetSuite ") + entity + " search failed: " + e.what());
          continue;
        }
        for (auto& r : rows)
          if (r.is_object())
            matched.push_back(
                PhoneMatch(entity, r.get_object(),
                           Related(api, settings, RelatedId(entity, r.get_object()), false)));
      }
    matched.push_back(sdk::contract::new_contact_placeholder());
    return json::object{{"successful", true}, {"matchedContactInfo", std::move(matched)}};
  } catch (const std::exception& e) {
    call.warn(std::string("NetSuite contact search failed: ") + e.what());
    return Warning(DetailOr(e, "Contact not found") +
                       " OR Permission violation: You need the \"Lists -> Contact -> FULL, Lists "
                       "-> Customers -> FULL\" permission to access this page.",
                   "A contact with the phone number " + phone +
                       " could not be found in your NetSuite account.",
                   60000);
  }
}

// Contacts by name and by their company's name, vendors, then customers; each record once.
json::value NetSuite::findContactWithName(Call& call, const json::object& in) {
  Api api(call, in);
  const SearchSettings settings = SettingsOf(object_of(in, "user"));
  const bool contact_only = settings.entities == std::vector<std::string>{"contact"};
  json::array matched;
  std::set<std::string> seen;
  for (const NameQuery& q : NameQueries(sdk::string_field(in, "name"), settings.entities)) {
    json::array rows;
    try {
      rows = api.SuiteQl(q.sql);
    } catch (const std::exception& e) {
      call.warn("NetSuite " + q.entity + " name search failed: " + e.what());
      continue;
    }
    for (auto& r : rows) {
      if (!r.is_object()) continue;
      const json::object& row = r.get_object();
      const json::value* id = js::get(row, "id");
      if (!seen.insert(q.entity + "-" + (id ? js::to_string(*id) : "")).second) continue;
      matched.push_back(NameMatch(
          q.entity, row, Related(api, settings, RelatedId(q.entity, row), q.entity == "customer"),
          contact_only));
    }
  }
  return json::object{{"successful", true}, {"matchedContactInfo", std::move(matched)}};
}

std::string PlaceholderCompanyId(Api& api, const json::object& user, bool with_entity_id) {
  json::array found = api.SuiteQl(std::string("SELECT * FROM customer WHERE companyName = '") +
                                  kPlaceholderCompany + "'");
  if (!found.empty() && js::text_or_empty(js::get(&found[0], "companyname")) == kPlaceholderCompany)
    if (const json::value* id = js::get(&found[0], "id")) return js::to_string(*id);
  json::object body = PlaceholderCompanyBody(with_entity_id);
  AddSubsidiary(body, user);
  return api.Create("customer", body);
}

namespace {

struct NewRecord {
  const char* type;      // App Connect's contact type
  const char* record;    // NetSuite record type
  const char* created;   // success text
  const char* fallback;  // failure text without NetSuite's detail
  const char* stage;     // CustomerStatus stage (lead, prospect), else nullptr
};
constexpr NewRecord kRecords[] = {
    {"custjob", "customer", "Customer created", "Error creating customer", nullptr},
    {"vendor", "vendor", "Vendor created", "Error creating vendor", nullptr},
    {"lead", "customer", "Lead created", "Error creating lead", "LEAD"},
    {"prospect", "customer", "Prospect created", "Error creating prospect", "PROSPECT"},
};

json::object Created(const json::value& id, const std::string& name, const std::string& text) {
  return json::object{{"contactInfo", json::object{{"id", id}, {"name", name}}},
                      {"returnMessage", return_message(text, "success", 5000)}};
}

// The reference's failed create: the id so far (0 when nothing was made) and no "successful".
json::object NotCreated(const json::value& id, const std::string& name, const std::string& message,
                        const std::string& details, int ttl) {
  json::object out = Warning(message, details, ttl);
  out.erase("successful");
  out["contactInfo"] = json::object{{"id", id}, {"name", name}};
  return out;
}

std::string FailureDetails(const NewRecord& r, const std::string& name) {
  const std::string type =
      r.stage ? (std::string_view(r.type) == "lead" ? "lead" : "prospect") : "";
  if (r.stage)
    return "NetSuite was unable to create a " + type + " named " + name +
           ". Please check your permissions and " + type + " customer status configuration.";
  if (std::string_view(r.type) == "custjob")
    return "NetSuite was unable to create an activity entry for the Customer named " + name +
           ". If this issues persists, please contact your NetSuite administrator. ";
  return "NetSuite was unable to create an activity entry for the Vendor named " + name +
         ". If this issues persists, please contact your NetSuite administrator.";
}

}  // namespace

json::value NetSuite::createContact(Call& call, const json::object& in) {
  Api api(call, in);
  const json::object& user = object_of(in, "user");
  const std::string type = sdk::string_field(in, "newContactType");
  const std::string name = sdk::string_field(in, "newContactName");
  const std::string phone = sdk::string_field(in, "phoneNumber");
  const SplitName split = Split(name);
  if (type == "contact") {
    json::value id = 0;
    try {
      const std::string company = PlaceholderCompanyId(api, user, true);
      json::object body = ContactBody(split, phone, json::value(company));
      AddSubsidiary(body, user);
      id = api.Create("contact", body);
      return Created(id, name,
                     "The new contact is created under a placeholder company, please click \"View "
                     "contact details\" to check out");
    } catch (const std::exception& e) {
      call.warn(std::string("NetSuite contact not created: ") + e.what());
      return NotCreated(id, name, DetailOr(e, "Error creating contact"),
                        "A contact with the phone number " + phone +
                            " could not be created. Make sure you have permission to create "
                            "contacts in NetSuite, and that the contact you are creating is not a "
                            "duplicate.",
                        3000);
    }
  }
  for (const NewRecord& r : kRecords) {
    if (type != r.type) continue;
    try {
      json::object body = PersonBody(split, phone);
      if (r.stage) {
        json::array statuses =
            api.SuiteQl(std::string("SELECT id, name FROM CustomerStatus WHERE stage = '") +
                        r.stage + "' AND isinactive = 'F' ORDER BY id ASC");
        if (statuses.empty()) {
          const std::string kind = type == "lead" ? "lead" : "prospect";
          return NotCreated(0, name, "No " + kind + " customer status found",
                            "No active " + kind +
                                " customer status found in NetSuite. Please "
                                "create a " +
                                kind + " customer status first.",
                            5000);
        }
        body["entityStatus"] = json::object{
            {"id", js::get(&statuses[0], "id") ? *js::get(&statuses[0], "id") : json::value()}};
      }
      AddSubsidiary(body, user);
      return Created(json::value(api.Create(r.record, body)), name, r.created);
    } catch (const std::exception& e) {
      call.warn(std::string("NetSuite ") + type + " not created: " + e.what());
      return NotCreated(0, name, DetailOr(e, r.fallback), FailureDetails(r, name),
                        r.stage ? 5000 : 3000);
    }
  }
  return Created(0, name, "New Contact");
}

}  // namespace netsuite
