#include "mapping.h"

#include <crmhost/plugin.hpp>
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/text.hpp>
#include <crmhost/sdk/time.hpp>

#include <algorithm>
#include <cctype>
#include <cmath>

namespace bullhorn {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
namespace text = crmhost::sdk::text;
using sdk::contract::object_of;

namespace {

// JavaScript's s.split(' ').
std::vector<std::string> Words(std::string_view s) {
  std::vector<std::string> out;
  size_t begin = 0;
  for (;;) {
    const size_t sp = s.find(' ', begin);
    out.emplace_back(s.substr(begin, sp - begin));
    if (sp == std::string_view::npos) return out;
    begin = sp + 1;
  }
}

// A bare Lucene term: every character the query syntax reads (whitespace included) is escaped,
// and a term that is an operator word starts escaped, so a name cannot turn into query clauses
// (the reference passes names through unescaped).
std::string LuceneTerm(std::string_view s) {
  std::string out;
  if (s == "AND" || s == "OR" || s == "NOT" || s == "TO") out += '\\';
  for (char c : s) {
    if (std::string_view("+-&|!(){}[]^\"~*?:\\/").find(c) != std::string_view::npos ||
        std::isspace(static_cast<unsigned char>(c)))
      out += '\\';
    out += c;
  }
  return out;
}

// Inside a quoted Lucene phrase only the quote and the backslash need escaping.
std::string LucenePhrase(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

void CopyIfPresent(json::object& out, std::string_view to, const json::object& from,
                   std::string_view key) {
  if (const json::value* v = from.if_contains(key)) out[to] = *v;
}

json::array Selections(const json::value& meta) {
  json::array out;
  const json::value* fields = js::get(&meta, "fields");
  if (!fields || !fields->is_array()) return out;
  for (auto& f : fields->get_array()) {
    if (js::text_or_empty(js::get(&f, "name")) != "status") continue;
    if (const json::value* options = js::get(&f, "options"); options && options->is_array())
      for (auto& o : options->get_array()) {
        json::object s;
        s["const"] = js::get(&o, "value") ? *js::get(&o, "value") : json::value();
        s["title"] = js::get(&o, "label") ? *js::get(&o, "label") : json::value();
        out.push_back(std::move(s));
      }
    break;
  }
  return out;
}

json::array ArrayOr(const json::object& o, std::string_view key) {
  const json::value* v = js::get(o, key);
  return v && v->is_array() ? v->get_array() : json::array();
}

}  // namespace

// ---- hosts and URLs ----------------------------------------------------------------------------

bool IsBullhornUrl(std::string_view url) {
  const std::string lower = text::lower(url);
  constexpr std::string_view kScheme = "https://";
  if (lower.rfind(kScheme, 0) != 0) return false;
  std::string_view authority = std::string_view(lower).substr(kScheme.size());
  authority = authority.substr(0, authority.find_first_of("/?#"));
  if (authority.find('@') != std::string_view::npos) return false;
  std::string_view host = authority.substr(0, authority.find(':'));
  constexpr std::string_view kDomain = "bullhornstaffing.com";
  if (host == kDomain) return true;
  return host.size() > kDomain.size() + 1 && host.substr(host.size() - kDomain.size()) == kDomain &&
         host[host.size() - kDomain.size() - 1] == '.' && host.find("..") == std::string_view::npos;
}

std::string AuthorizeUrl(std::string token_url) {
  if (size_t at = token_url.find("/token"); at != std::string::npos)
    token_url.replace(at, 6, "/authorize");
  return token_url;
}

std::string QueryParam(const std::string& url, std::string_view name) {
  const size_t q = url.find('?');
  if (q == std::string::npos) return {};
  std::string_view query = std::string_view(url).substr(q + 1);
  query = query.substr(0, query.find('#'));
  while (!query.empty()) {
    std::string_view pair = query.substr(0, query.find('&'));
    query.remove_prefix(std::min(query.size(), pair.size() + 1));
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) != name) continue;
    if (eq == std::string_view::npos) return {};
    std::string out;
    std::string_view v = pair.substr(eq + 1);
    for (size_t i = 0; i < v.size(); ++i) {
      if (v[i] == '+') {
        out += ' ';
      } else if (v[i] == '%' && i + 2 < v.size() + 0 &&
                 std::isxdigit(static_cast<unsigned char>(v[i + 1])) &&
                 std::isxdigit(static_cast<unsigned char>(v[i + 2]))) {
        out += char(std::stoi(std::string(v.substr(i + 1, 2)), nullptr, 16));
        i += 2;
      } else {
        out += v[i];
      }
    }
    return out;
  }
  return {};
}

json::object RateLimitTracking(std::string_view remaining, std::string_view limit,
                               std::string_view reset) {
  json::object out;
  if (!remaining.empty()) out["ratelimitRemaining"] = remaining;
  if (!limit.empty()) out["ratelimitAmount"] = limit;
  if (!reset.empty()) out["ratelimitReset"] = reset;
  return out;
}

// ---- the user ----------------------------------------------------------------------------------

json::object PlatformUser(const json::object& cu, const std::string& token_url,
                          const std::string& login_url, const std::string& rest_url,
                          const std::string& bh_rest_token) {
  const json::value* master = js::get(cu, "masterUserID");
  if (!master) throw sdk::UpstreamError(200, "Bullhorn's user has no masterUserID");
  const json::value* est = js::get(cu, "timeZoneOffsetEST");
  json::value offset = nullptr;
  if (est && est->is_number()) offset = est->to_number<double>() - 300;
  if (offset.is_double() && std::floor(offset.get_double()) == offset.get_double())
    offset = int64_t(offset.get_double());
  json::object user{{"id", js::to_string(*master) + "-bullhorn"}};
  user["name"] = js::get(cu, "name") ? *js::get(cu, "name") : json::value();
  user["timezoneName"] = "";
  user["timezoneOffset"] = offset;
  user["platformAdditionalInfo"] =
      json::object{{"id", js::get(cu, "id") ? *js::get(cu, "id") : json::value()},
                   {"tokenUrl", token_url},
                   {"restUrl", rest_url},
                   {"loginUrl", login_url},
                   {"bhRestToken", bh_rest_token}};
  return user;
}

json::array UserListPage(const json::value& page) {
  json::array out;
  const json::value* data = js::get(&page, "data");
  if (!data || !data->is_array()) return out;
  for (auto& u : data->get_array()) {
    if (!u.is_object()) continue;
    const json::object& o = u.get_object();
    json::object entry{{"id", js::get(o, "id") ? *js::get(o, "id") : json::value()},
                       {"name", js::template_text(js::get(o, "firstName")) + " " +
                                    js::template_text(js::get(o, "lastName"))}};
    CopyIfPresent(entry, "email", o, "email");
    out.push_back(std::move(entry));
  }
  return out;
}

// ---- account data ------------------------------------------------------------------------------

json::object AccountData(const json::value& comment_actions, const json::value& lead_meta,
                         const json::value& candidate_meta, const json::value& contact_meta) {
  json::array actions;
  if (const json::value* list = js::get(&comment_actions, "commentActionList");
      list && list->is_array())
    for (auto& a : list->get_array())
      actions.push_back(json::object{{"const", a}, {"title", a}});
  return json::object{{"commentActionList", std::move(actions)},
                      {"leadStatuses", Selections(lead_meta)},
                      {"candidateStatuses", Selections(candidate_meta)},
                      {"contactStatuses", Selections(contact_meta)}};
}

json::value NoteActionsInfo(const json::object& account_data) {
  json::array actions = ArrayOr(account_data, "commentActionList");
  if (actions.empty()) return nullptr;
  return json::object{{"noteActions", std::move(actions)}};
}

// ---- contacts ----------------------------------------------------------------------------------

const PersonKind kPersonKinds[3] = {
    {"ClientContact",
     "Contact",
     "id,name,email,phone,dateAdded,dateLastModified,dateLastVisit",
     "id,name,email,phone,status,dateAdded",
     "",
     "Archive",
     {"dateAdded", "dateLastModified", "dateLastVisit"}},
    {"Candidate",
     "Candidate",
     "id,name,email,phone,dateAdded,dateLastComment,dateLastModified",
     "id,name,email,phone,dateAdded",
     " OR workPhone:",
     "Archived",
     {"dateAdded", "dateLastComment", "dateLastModified"}},
    {"Lead",
     "Lead",
     "id,name,email,phone,status,dateAdded,dateLastComment,dateLastModified",
     "id,name,email,phone,status,dateAdded",
     "",
     "Converted",
     {"dateAdded", "dateLastComment", "dateLastModified"}},
};

std::string PhoneQuery(const PersonKind& kind, const std::string& digits) {
  std::string q =
      "(phone:" + digits + " OR mobile:" + digits + " OR phone2:" + digits + " OR phone3:" + digits;
  if (*kind.extra_phone) q += kind.extra_phone + digits;
  return q + ") AND isDeleted:false NOT status:\"" + kind.archived + "\"";
}

std::string NameQuery(const PersonKind& kind, std::string_view name) {
  const std::vector<std::string> words = Words(text::trim(name));
  std::string q = "(name:\"" + LucenePhrase(name) +
                  "\" AND isDeleted:false) OR (firstName:" + LuceneTerm(words.front()) +
                  " AND isDeleted:false)";
  if (words.size() > 1) q += " OR (lastName:" + LuceneTerm(words.back()) + " AND isDeleted:false)";
  // Leads are searched whatever their status; the others leave archived records out.
  if (std::string_view(kind.entity) == "Lead") return q;
  return "(" + q + ") NOT status:\"" + kind.archived + "\"";
}

json::object ContactMatch(const PersonKind& kind, const json::object& row,
                          const json::value& additional_info, bool with_recent) {
  json::object out;
  CopyIfPresent(out, "id", row, "id");
  CopyIfPresent(out, "name", row, "name");
  CopyIfPresent(out, "phone", row, "phone");
  out["type"] = kind.type;
  CopyIfPresent(out, "createdDate", row, "dateAdded");
  if (with_recent) {
    double latest = 0;  // the latest of the dates given (0: none)
    for (const char* f : kind.recent)
      if (const json::value* d = js::get(row, f); d && d->is_number())
        latest = std::max(latest, d->to_number<double>());
    out["mostRecentActivityDate"] = js::to_safe_integer(latest).value_or(0);
  }
  out["additionalInfo"] = additional_info;
  return out;
}

json::object NewContactPlaceholder(const json::object& account_data) {
  json::object info{
      {"Lead", json::object{{"status", ArrayOr(account_data, "leadStatuses")}}},
      {"Candidate", json::object{{"status", ArrayOr(account_data, "candidateStatuses")}}},
      {"Contact", json::object{{"status", ArrayOr(account_data, "contactStatuses")}}}};
  if (json::array actions = ArrayOr(account_data, "commentActionList"); !actions.empty())
    info["noteActions"] = std::move(actions);
  return json::object{{"id", "createNewContact"},
                      {"name", "Create new contact..."},
                      {"additionalInfo", std::move(info)},
                      {"isNewContact", true},
                      {"defaultContactType", "Lead"}};
}

json::object NewPerson(const std::string& name, const std::string& phone,
                       const json::value& status) {
  const std::vector<std::string> words = Words(name);
  std::string number = phone;
  if (size_t sp = number.find(' '); sp != std::string::npos) number[sp] = '+';
  json::object body{{"name", name},
                    {"firstName", words[0]},
                    {"lastName", words.size() > 1 ? words[1] : std::string()},
                    {"phone", number}};
  if (!status.is_null()) body["status"] = status;
  return body;
}

json::object PlaceholderCompany() {
  return json::object{
      {"name", kPlaceholderCompany},
      {"companyDescription",
       "<strong><span style=\"color: rgb(231,76,60);\">This company was created automatically by "
       "RingCentral App Connect for contacts created from it. Edit it, or move its contacts to a "
       "company that fits them better.</span></strong>"}};
}

}  // namespace bullhorn
