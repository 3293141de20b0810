#include "mapping.h"

#include <crmhost/plugin.hpp>
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/text.hpp>
#include <crmhost/sdk/time.hpp>

#include <algorithm>
#include <cctype>

namespace netsuite {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
namespace text = crmhost::sdk::text;
using sdk::contract::object_of;

namespace {

std::string Trimmed(std::string_view s) {
  return std::string(text::trim(s));
}

std::string Text(const json::object& row, std::string_view key) {
  const json::value* v = js::get(row, key);
  return v ? js::to_string(*v) : std::string();
}

json::value ValueOr(const json::object& row, std::string_view key, json::value fallback) {
  const json::value* v = js::get(row, key);
  return v ? *v : fallback;
}

bool Contains(const std::vector<std::string>& list, std::string_view v) {
  return std::find(list.begin(), list.end(), v) != list.end();
}

// The first, middle and last names of a row, trimmed, non-empty ones joined by one space.
std::string JoinedName(const json::object& row) {
  std::string out;
  for (const char* k : {"firstname", "middlename", "lastname"}) {
    const std::string part = Trimmed(Text(row, k));
    if (part.empty()) continue;
    if (!out.empty()) out += ' ';
    out += part;
  }
  return out;
}

// The reference's phone-search name: first, middle and last joined by single spaces even when
// one is empty ("John  Doe"), else the entity title.
std::string SpacedName(const json::object& row) {
  const std::string first = Text(row, "firstname"), middle = Text(row, "middlename"),
                    last = Text(row, "lastname");
  if ((first + middle + last).empty()) return Text(row, "entitytitle");
  return first + " " + middle + " " + last;
}

std::string FirstNonEmpty(std::initializer_list<std::string> options) {
  for (const std::string& o : options)
    if (!o.empty()) return o;
  return {};
}

json::array StringList(const json::value* v) {
  return v && v->is_array() ? v->get_array() : json::array();
}

}  // namespace

// ---- accounts and errors -----------------------------------------------------------------------

std::optional<std::string> AccountOf(std::string_view hostname) {
  std::string_view label = hostname.substr(0, hostname.find('.'));
  if (label.empty() || label.size() > 63) return std::nullopt;
  std::string out;
  for (char c : label) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return std::nullopt;
    out += c;
  }
  return text::lower(out);
}

std::string ErrorDetail(const json::value& body) {
  const json::value* details = js::get(&body, "o:errorDetails");
  if (!details || !details->is_array()) return {};
  std::string out;
  for (auto& d : details->get_array()) {
    const json::value* text = js::get(&d, "detail");
    if (!out.empty()) out += ' ';
    out += text ? js::to_string(*text) : std::string("undefined");
  }
  return Trimmed(out);
}

std::string LastSegment(std::string_view location) {
  location = location.substr(0, location.find_first_of("?#"));
  while (!location.empty() && location.back() == '/')
    location.remove_suffix(1);
  const size_t slash = location.rfind('/');
  return std::string(slash == std::string_view::npos ? location : location.substr(slash + 1));
}

json::object Warning(const std::string& message, const std::string& details, int ttl) {
  json::object m{{"messageType", "warning"}, {"message", message}};
  if (!details.empty())
    m["details"] = json::array{json::object{
        {"title", "Details"},
        {"items", json::array{json::object{{"id", "1"}, {"type", "text"}, {"text", details}}}}}};
  m["ttl"] = ttl;
  return json::object{{"successful", false}, {"returnMessage", std::move(m)}};
}

std::string SqlText(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out;
}

// ---- the user ----------------------------------------------------------------------------------

const char* const kRequiredPermissions[8] = {
    "LIST_CONTACT",      "REPO_ANALYTICS",       "TRAN_SALESORD", "LIST_CUSTJOB",
    "ADMI_LOGIN_OAUTH2", "ADMI_RESTWEBSERVICES", "LIST_CALL",     "LIST_SUBSIDIARY"};

std::string MissingPermissionsText(const json::value& answer, bool one_world) {
  static constexpr std::pair<const char*, const char*> kLabels[] = {
      {"LIST_CONTACT", "List -> Contact -> Full"},
      {"LIST_CUSTJOB", "List -> Customer -> Full"},
      {"LIST_CALL", "List -> Phone Calls -> Full"},
      {"LIST_SUBSIDIARY", "List -> Subsidiaries -> View"},
      {"REPO_ANALYTICS", "Report -> SuiteAnalytics Workbook -> Edit"},
      {"TRAN_SALESORD", "Transactions -> Sales Orders -> Full"},
      {"ADMI_LOGIN_OAUTH2", "Setup -> Log in using OAuth 2.0 Access Tokens -> Full"},
      {"ADMI_RESTWEBSERVICES", "Setup -> REST Web Services -> Full"}};
  const json::value* results = js::get(&answer, "permissionResults");
  if (!results || !results->is_object()) return {};
  std::string labels;
  bool missing = false;
  for (auto& [code, granted] : results->get_object()) {
    if (js::truthy(granted)) continue;
    if (code == "LIST_SUBSIDIARY" && !one_world) continue;
    missing = true;
    for (auto [c, label] : kLabels)
      if (code == c) labels += (labels.empty() ? "" : ", ") + std::string(label);
  }
  if (!missing) return {};
  return "To connect, you need the following specific permissions: " + labels + ".";
}

json::object PlatformUser(const std::string& entity, const std::string& company,
                          const json::value& current_user, const json::value& one_world) {
  json::object info;
  info["email"] =
      js::get(&current_user, "email") ? *js::get(&current_user, "email") : json::value();
  info["name"] = js::get(&current_user, "name") ? *js::get(&current_user, "name") : json::value();
  info["subsidiaryId"] =
      js::get(&current_user, "subsidiary") ? *js::get(&current_user, "subsidiary") : json::value();
  if (!one_world.is_null()) info["oneWorldEnabled"] = one_world;
  json::object user{{"id", entity + "-" + company + "-netsuite"}};
  user["name"] = info["name"];
  user["platformAdditionalInfo"] = std::move(info);
  return user;
}

json::array Employees(const json::array& items) {
  json::array out;
  for (auto& item : items) {
    if (!item.is_object()) continue;
    const json::object& row = item.get_object();
    const json::value* email = js::get(row, "email");
    if (!js::truthy(email)) continue;
    out.push_back(json::object{
        {"id", ValueOr(row, "id", nullptr)}, {"name", JoinedName(row)}, {"email", *email}});
  }
  return out;
}

// ---- contacts ----------------------------------------------------------------------------------

SearchSettings SettingsOf(const json::object& user) {
  SearchSettings s;
  auto list = [&](std::string_view id, std::vector<std::string> fallback) {
    std::vector<std::string> out;
    for (auto& v : StringList(sdk::contract::user_setting(user, id)))
      if (v.is_string()) out.emplace_back(v.get_string());
    return out.empty() ? fallback : out;
  };
  // Only NetSuite's own field and entity names: they go into SuiteQL unquoted.
  const std::vector<std::string> fields{"phone", "homePhone", "mobilePhone", "officePhone",
                                        "altPhone"};
  const std::vector<std::string> entities{"contact", "customer", "vendor"};
  auto known = [](std::vector<std::string> chosen, const std::vector<std::string>& names) {
    std::erase_if(chosen, [&](const std::string& c) { return !Contains(names, c); });
    return chosen.empty() ? names : chosen;
  };
  s.phone_fields = known(list("phoneFieldsId", fields), fields);
  s.entities = known(list("contactsSearchId", entities), entities);
  s.sales_orders = js::truthy(sdk::contract::user_setting(user, "enableSalesOrderLogging"));
  s.opportunities = js::truthy(sdk::contract::user_setting(user, "enableOpportunityLogging"));
  return s;
}

std::vector<std::string> PhoneFieldsFor(std::string_view entity,
                                        const std::vector<std::string>& selected) {
  std::vector<std::string> out;
  for (const std::string& f : selected)
    if (f != "altPhone" && f != "officePhone") out.push_back(f);
  if (entity == "contact" && Contains(selected, "officePhone")) out.emplace_back("officePhone");
  if (entity != "contact" && Contains(selected, "altPhone")) out.emplace_back("altPhone");
  return out;
}

std::string RecencyDay(int64_t now_ms) {
  const sdk::time::Civil c = sdk::time::to_civil(now_ms);
  const int64_t y = c.year - 3;
  // 29 February three years back is 28 February (moment's subtract clamps the day).
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  const int day = c.month == 2 && c.day == 29 && !leap ? 28 : c.day;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02d", static_cast<long long>(y), c.month, day);
  return buf;
}

std::string PhoneQuery(std::string_view entity, const std::vector<std::string>& fields,
                       const std::string& number, bool exact, const std::string& day) {
  std::string cond;
  for (const std::string& f : fields) {
    if (!cond.empty()) cond += " OR ";
    cond += exact ? f + "='" + SqlText(number) + "'"
                  : "REGEXP_REPLACE(" + f + ", '[^0-9]', '') LIKE '%" + SqlText(number) + "'";
  }
  const std::string columns = entity == "contact"
                                  ? "id,firstName,middleName,lastName,entitytitle,phone,company,"
                                    "datecreated,lastmodifieddate"
                                  : "id,firstName,middleName,lastName,entitytitle,phone,"
                                    "datecreated,lastmodifieddate";
  return "SELECT " + columns + " FROM " + std::string(entity) +
         " WHERE lastmodifieddate >= to_date('" + day +
         " 00:00:00', 'yyyy-mm-dd hh24:mi:ss') AND (" + cond + ")";
}

std::optional<std::string> TransactionQuery(const json::value& entity_id, bool sales_orders) {
  const std::string id = js::to_string(entity_id);
  if (id.empty() || id.size() > 18 ||
      !std::all_of(id.begin(), id.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  return "SELECT * FROM transaction WHERE entity = " + id + " AND type='" +
         (sales_orders ? "SalesOrd" : "Opprtnty") + "' ORDER BY createddate desc";
}

json::array TransactionOptions(const json::array& items, bool use_title) {
  json::array out;
  for (auto& item : items) {
    if (!item.is_object()) continue;
    const json::object& row = item.get_object();
    out.push_back(
        json::object{{"const", ValueOr(row, "id", nullptr)},
                     {"title", ValueOr(row, use_title ? "title" : "trandisplayname", nullptr)}});
  }
  return out;
}

json::object PhoneMatch(std::string_view entity, const json::object& row,
                        json::object additional_info) {
  json::object out{{"id", ValueOr(row, "id", nullptr)}};
  out["name"] =
      entity == "vendor"
          ? FirstNonEmpty({JoinedName(row), Text(row, "companyname"), Text(row, "entitytitle")})
          : SpacedName(row);
  out["phone"] = ValueOr(row, "phone", "");
  // The reference reads these fields, which its query never selects: always "".
  if (entity == "contact") {
    for (const char* k : {"homephone", "mobilephone", "officephone"})
      out[k] = "";
  } else if (entity == "customer") {
    for (const char* k : {"homephone", "mobilephone", "altphone"})
      out[k] = "";
  } else {
    out["altphone"] = "";
  }
  out["createdDate"] = ValueOr(row, "datecreated", "");
  out["mostRecentActivityDate"] = ValueOr(row, "lastmodifieddate", "");
  out["additionalInfo"] = entity == "vendor" ? json::object() : std::move(additional_info);
  out["type"] = entity == "contact" ? "contact" : entity == "customer" ? "custjob" : "vendor";
  return out;
}

std::vector<NameQuery> NameQueries(std::string_view name,
                                   const std::vector<std::string>& entities) {
  const std::string s = SqlText(Trimmed(name));
  auto names = [&](const std::string& p) {
    std::string out;
    for (const char* f : {"firstname", "lastname", "entitytitle"})
      out += std::string(out.empty() ? "" : " OR ") + "LOWER(" + p + f + ") = LOWER('" + s + "')";
    for (const char* f : {"firstname", "lastname", "entitytitle"})
      out += " OR LOWER(" + p + f + ") LIKE LOWER('%" + s + "%')";
    return out;
  };
  const std::string companies = " OR LOWER(companyname) LIKE LOWER('%" + s +
                                "%') OR LOWER(entityid) LIKE LOWER('%" + s + "%')";
  const std::string contact_columns =
      "contact.id, contact.firstname, contact.middlename, contact.lastname, contact.entitytitle, "
      "contact.phone, contact.homephone, contact.mobilephone, contact.officephone, "
      "contact.company, "
      "customer.companyname AS companyname";
  const std::string contacts = "SELECT " + contact_columns +
                               " FROM contact LEFT JOIN customer ON contact.company = customer.id";
  std::vector<NameQuery> out;
  if (Contains(entities, "contact")) {
    out.push_back({"contact", contacts + " WHERE " + names("contact.")});
    out.push_back({"contact", contacts + " WHERE LOWER(customer.companyname) LIKE LOWER('%" + s +
                                  "%') OR LOWER(customer.entityid) LIKE LOWER('%" + s + "%')"});
  }
  if (Contains(entities, "vendor"))
    out.push_back({"vendor", "SELECT * FROM vendor WHERE " + names("") + companies});
  if (Contains(entities, "customer"))
    out.push_back({"customer", "SELECT * FROM customer WHERE " + names("") + companies});
  return out;
}

json::object NameMatch(std::string_view entity, const json::object& row,
                       json::object additional_info, bool contact_only) {
  const std::string person = FirstNonEmpty({JoinedName(row), Text(row, "entitytitle")});
  json::object out{{"id", ValueOr(row, "id", nullptr)}};
  if (entity == "contact") {
    const std::string company = Text(row, "companyname");
    out["name"] = person + (!company.empty() && !contact_only ? " - (" + company + ")" : "");
  } else if (entity == "vendor") {
    out["name"] = FirstNonEmpty(
        {person, Text(row, "companyname"), Text(row, "entitytitle"), Text(row, "entityid")});
  } else {
    out["name"] = FirstNonEmpty(
        {Text(row, "companyname"), person, Text(row, "entitytitle"), Text(row, "entityid")});
  }
  out["phone"] = ValueOr(row, "phone", "");
  const std::vector<const char*> phones =
      entity == "contact"    ? std::vector<const char*>{"homephone", "mobilephone", "officephone"}
      : entity == "customer" ? std::vector<const char*>{"homephone", "mobilephone", "altphone"}
                             : std::vector<const char*>{"altphone"};
  for (const char* k : phones)
    out[k] = ValueOr(row, k, "");
  out["additionalInfo"] = entity == "vendor" ? json::object() : std::move(additional_info);
  out["type"] = entity == "contact" ? "contact" : entity == "customer" ? "custjob" : "vendor";
  return out;
}

// ---- new contacts ------------------------------------------------------------------------------

SplitName Split(std::string_view name) {
  std::vector<std::string> words;
  std::string word;
  for (char c : name) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      if (!word.empty()) words.push_back(std::move(word));
      word.clear();
    } else {
      word += c;
    }
  }
  if (!word.empty()) words.push_back(std::move(word));
  SplitName n;
  if (words.empty()) return n;
  n.first = words.front();
  if (words.size() > 1) n.last = words.back();
  for (size_t i = 1; i + 1 < words.size(); ++i)
    n.middle += (n.middle.empty() ? "" : " ") + words[i];
  return n;
}

json::object PersonBody(const SplitName& n, const std::string& phone) {
  const std::string last = n.last.empty() ? n.first : n.last;
  return json::object{{"firstName", n.first}, {"middleName", n.middle},
                      {"lastName", last},     {"entityId", n.first + " " + last},
                      {"phone", phone},       {"isPerson", true}};
}

json::object ContactBody(const SplitName& n, const std::string& phone, const json::value& company) {
  return json::object{{"firstName", n.first},
                      {"middleName", n.middle},
                      {"lastName", n.last},
                      {"phone", phone},
                      {"company", json::object{{"id", company}}}};
}

json::object PlaceholderCompanyBody(bool with_entity_id) {
  json::object body{{"companyName", kPlaceholderCompany}};
  if (with_entity_id) body["entityId"] = kPlaceholderCompany;
  body["comments"] =
      "Created by RingCentral App Connect for contacts logged without a company. Edit it, or move "
      "its contacts to the companies they belong to.";
  return body;
}

void AddSubsidiary(json::object& body, const json::object& user) {
  const json::object& info = object_of(user, "platformAdditionalInfo");
  const json::value* one_world = js::get(info, "oneWorldEnabled");
  if (!one_world || !one_world->is_bool() || !one_world->get_bool()) return;
  body["subsidiary"] = json::object{
      {"id", js::get(info, "subsidiaryId") ? *js::get(info, "subsidiaryId") : json::value()}};
}

}  // namespace netsuite
