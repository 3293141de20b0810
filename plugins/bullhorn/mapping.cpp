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

constexpr int64_t kDayMs = 86400000;
constexpr std::string_view kAgentNotes = "<b>Agent notes</b>";
constexpr std::string_view kCallDetails = "<b>Call details</b>";
constexpr std::string_view kPendingAutoLog = "<br>From auto logging (Pending)<br>";
constexpr std::string_view kCreatedVia = "<br><br>--- Created via RingCentral App Connect";

// JavaScript's s.split(sep)[index] (nullopt where the array has no such element).
std::optional<std::string> SplitPart(std::string_view s, std::string_view sep, size_t index) {
  size_t begin = 0;
  for (size_t i = 0; i < index; ++i) {
    const size_t at = s.find(sep, begin);
    if (at == std::string_view::npos) return std::nullopt;
    begin = at + sep.size();
  }
  return std::string(s.substr(begin, s.find(sep, begin) - begin));
}

std::string ReplaceAll(std::string s, std::string_view what, std::string_view with) {
  for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + with.size()))
    s.replace(at, what.size(), with);
  return s;
}

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

// A bare Lucene term: every character the query syntax reads is escaped, so a name cannot turn
// into query clauses (the reference passes names through unescaped).
std::string LuceneTerm(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (std::string_view("+-&|!(){}[]^\"~*?:\\/ ").find(c) != std::string_view::npos) out += '\\';
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

// seconds / 60 as JavaScript computes it: an integer when it divides, else a double.
json::value Minutes(const json::value* seconds) {
  if (!seconds || !seconds->is_number()) return nullptr;  // NaN serialises as null
  if (seconds->is_int64() && seconds->get_int64() % 60 == 0) return seconds->get_int64() / 60;
  return seconds->to_number<double>() / 60.0;
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

// The agent-notes section of an HTML log: from its heading up to the call details.
std::optional<std::pair<size_t, size_t>> NotesSpan(const std::string& body) {
  const size_t begin = body.find(kAgentNotes);
  if (begin == std::string::npos) return std::nullopt;
  size_t end = body.find(kCallDetails, begin);
  if (end == std::string::npos) end = body.size();
  return std::make_pair(begin, end);
}

// `composed` with the agent-notes section `existing` has (or none, if it has none).
std::string KeepAgentNotes(std::string composed, const std::string& existing) {
  std::string kept;
  if (auto span = NotesSpan(existing))
    kept = existing.substr(span->first, span->second - span->first);
  if (auto span = NotesSpan(composed))
    composed.replace(span->first, span->second - span->first, kept);
  else
    composed.insert(0, kept);
  return composed;
}

std::string Formatted(const json::object& in, std::string_view pattern) {
  const json::object& message = object_of(in, "message");
  const json::value* created = js::get(message, "creationTime");
  const int64_t when = created ? sdk::time::parse_timestamp(*created).value_or(0) : 0;
  const json::value* offset = js::get(object_of(in, "user"), "timezoneOffset");
  const int minutes =
      offset ? sdk::time::utc_offset_minutes(json::value(js::to_number(*offset))) : 0;
  return sdk::time::format_moment(when, minutes, pattern);
}

std::optional<int64_t> Day(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (!std::isdigit(static_cast<unsigned char>(s[i]))) return std::nullopt;
  const int y = std::stoi(std::string(s.substr(0, 4)));
  const int m = std::stoi(std::string(s.substr(5, 2)));
  const int d = std::stoi(std::string(s.substr(8, 2)));
  if (m < 1 || m > 12 || d < 1) return std::nullopt;
  const int64_t first = sdk::time::days_from_civil(y, m, 1);
  const int64_t next =
      m == 12 ? sdk::time::days_from_civil(y + 1, 1, 1) : sdk::time::days_from_civil(y, m + 1, 1);
  if (d > next - first) return std::nullopt;
  return (first + d - 1) * kDayMs;
}

// The start of the UTC day `months` calendar months from `ms` (moment's add/subtract: the day
// is clamped to the target month's last).
int64_t DayMonthsFrom(int64_t ms, int months) {
  const sdk::time::Civil c = sdk::time::to_civil(ms);
  int64_t index = c.year * 12 + (c.month - 1) + months;
  const int y = int(index / 12), m = int(index % 12) + 1;
  const int64_t first = sdk::time::days_from_civil(y, m, 1);
  const int64_t next =
      m == 12 ? sdk::time::days_from_civil(y + 1, 1, 1) : sdk::time::days_from_civil(y, m + 1, 1);
  return (first + std::min<int64_t>(c.day, next - first) - 1) * kDayMs;
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
    out["mostRecentActivityDate"] = int64_t(latest);
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

// ---- call and message logs ---------------------------------------------------------------------

std::string CommentsEntity(std::string_view contact_type) {
  return contact_type == "Contact" ? "ClientContact" : std::string(contact_type);
}

namespace {

// additionalSubmission.noteActions, or "pending note" when it is empty.
json::value NoteAction(const json::object& submission) {
  const json::value* a = js::get(submission, "noteActions");
  return js::truthy(a) ? *a : json::value("pending note");
}

json::object CorporateUser(const json::value& id) {
  return json::object{{"id", id}, {"personSubtype", "CorporateUser"}};
}

}  // namespace

json::object CallNote(const json::object& in, const json::value* assignee) {
  const json::object& contact = object_of(in, "contactInfo");
  const json::object& call_log = object_of(in, "callLog");
  json::object body;
  body["comments"] = js::get(in, "composedLogDetails") ? *js::get(in, "composedLogDetails") : "";
  body["personReference"] = json::object{
      {"id", js::get(contact, "id") ? *js::get(contact, "id") : json::value()},
      {"personSubtype", js::get(contact, "type") ? *js::get(contact, "type") : json::value()}};
  body["action"] = NoteAction(object_of(in, "additionalSubmission"));
  body["dateAdded"] =
      js::get(call_log, "startTime") ? *js::get(call_log, "startTime") : json::value();
  body["externalID"] =
      js::get(call_log, "sessionId") ? *js::get(call_log, "sessionId") : json::value();
  body["minutesSpent"] = Minutes(js::get(call_log, "duration"));
  if (js::truthy(assignee)) body["commentingPerson"] = CorporateUser(*assignee);
  return body;
}

json::object CallNoteUpdate(const json::object& in, const std::string& existing_comments,
                            const json::value* assignee) {
  json::object body;
  if (const json::value* start = js::get(in, "startTime"); js::truthy(start))
    body["dateAdded"] = *start;
  if (const json::value* duration = js::get(in, "duration"); js::truthy(duration))
    body["minutesSpent"] = Minutes(duration);
  if (js::truthy(assignee)) body["commentingPerson"] = CorporateUser(*assignee);
  const std::string composed = js::text_or_empty(js::get(in, "composedLogDetails"));
  const bool from_sscl = js::truthy(js::get(in, "isFromSSCL"));
  if (!from_sscl || existing_comments.find(kPendingAutoLog) != std::string::npos)
    body["comments"] = composed;
  else
    body["comments"] = KeepAgentNotes(composed, existing_comments);
  return body;
}

json::object CallLogInfo(const json::object& note) {
  const std::string body = js::text_or_empty(js::get(note, "comments"));
  std::string agent_notes;
  if (auto after = SplitPart(body, kAgentNotes, 1))
    agent_notes = ReplaceAll(*SplitPart(*after, kCallDetails, 0), "<br>", "");
  std::string subject;
  if (auto summary = SplitPart(*SplitPart(body, "</ul>", 0), "<li><b>Summary</b>: ", 1))
    subject = *SplitPart(*summary, "<li><b>", 0);
  // The first linked ClientContact, else the first Candidate.
  auto first_of = [&](std::string_view key) -> const json::value* {
    const json::value* assoc = js::get(note, key);
    if (js::to_number(js::get(assoc, "total") ? *js::get(assoc, "total") : json::value(0)) <= 0)
      return nullptr;
    const json::value* data = js::get(assoc, "data");
    return data && data->is_array() && !data->get_array().empty() ? &data->get_array()[0] : nullptr;
  };
  const json::value* contact = first_of("clientContacts");
  if (!contact) contact = first_of("candidates");
  const std::string contact_name = contact
                                       ? js::text_or_empty(js::get(contact, "firstName")) + " " +
                                             js::text_or_empty(js::get(contact, "lastName"))
                                       : std::string(" ");
  return json::object{{"subject", subject},
                      {"note", agent_notes},
                      {"fullBody", body},
                      {"fullLogResponse", note},
                      {"contactName", contact_name},
                      {"dispositions", json::object{{"noteActions", js::get(note, "action")
                                                                        ? *js::get(note, "action")
                                                                        : json::value()}}}};
}

std::string LoggedContactType(const json::object& note) {
  auto linked = [&](std::string_view key) {
    const json::value* data = js::get(js::get(note, key), "data");
    return data && data->is_array() && !data->get_array().empty();
  };
  if (linked("candidates")) return "Candidate";
  if (linked("clientContacts")) return "Contact";
  return "Lead";
}

std::string MessageLine(const json::object& in, const std::string& user_name) {
  const json::object& contact = object_of(in, "contactInfo");
  const json::object& message = object_of(in, "message");
  const std::string who = js::text_or_empty(js::get(message, "direction")) == "Inbound"
                              ? js::template_text(js::get(contact, "name")) + " (" +
                                    js::template_text(js::get(contact, "phoneNumber")) + ")"
                              : user_name;
  return "<li>" + who + " " + Formatted(in, "hh:mm A") + "<br><b>" +
         js::template_text(js::get(message, "subject")) + "</b></li>";
}

std::string MessageComments(const json::object& in, const std::string& user_name) {
  if (const json::value* body = js::get(object_of(in, "sharedSMSLogContent"), "body");
      js::truthy(body))
    return js::to_string(*body);
  const std::string contact = js::template_text(js::get(object_of(in, "contactInfo"), "name"));
  const std::string day = Formatted(in, "YY/MM/DD");
  if (const json::value* link = js::get(in, "recordingLink"); js::truthy(link))
    return "<br><b>Voicemail left by " + contact + " - " + day +
           "</b><br>Voicemail recording link: " + js::to_string(*link) + " " +
           std::string(kCreatedVia);
  if (const json::value* link = js::get(in, "faxDocLink"); js::truthy(link))
    return "<br><b>Fax document sent from " + contact + " - " + day +
           "</b><br>Fax document link: " + js::to_string(*link) + " " + std::string(kCreatedVia);
  std::string others;
  for (const std::string& name : sdk::contract::correspondent_names(in))
    others += "<li><b>" + name + "</b></li>";
  return "<br><b>SMS conversation with " + contact + " - " + day + "</b><br>" +
         "<b>Conversation summary</b><br>" + Formatted(in, "dddd, MMMM DD, YYYY") + "<br>" +
         "Participants<br><ul><li><b>" + user_name + "</b><br></li><li><b>" + contact +
         "</b></li>" + others +
         "</ul><br>Conversation(1 messages)<br>BEGIN<br>------------<br><ul>" +
         MessageLine(in, user_name) + "</ul>------------<br>END" + std::string(kCreatedVia);
}

std::string AppendMessage(std::string comments, const std::string& line) {
  return sdk::contract::append_conversation_message(std::move(comments), line,
                                                    "</ul>------------<br>", "<br>Conversation(");
}

json::value MessageDate(const json::object& in) {
  if (const json::value* shared = js::get(in, "sharedSMSLogContent"); js::truthy(shared)) {
    const json::value* date = js::get(shared, "conversationCreatedDate");
    return date ? *date : json::value();
  }
  const json::value* created = js::get(object_of(in, "message"), "creationTime");
  return created ? *created : json::value();
}

// ---- appointments ------------------------------------------------------------------------------

json::object Appointment(const json::value& bh) {
  const json::value* id_v = js::get(&bh, "id");
  const json::value id = id_v ? json::value(js::to_string(*id_v)) : json::value();
  const json::value* begin = js::get(&bh, "dateBegin");
  const json::value* end = js::get(&bh, "dateEnd");
  const bool has_begin = begin && begin->is_number();
  json::value start = nullptr, duration = nullptr;
  if (has_begin) start = sdk::time::format_iso8601(begin->to_number<int64_t>());
  if (has_begin && end && end->is_number())
    duration = std::max<int64_t>(
        0, std::llround((end->to_number<double>() - begin->to_number<double>()) / 60000.0));
  std::string contact_id, contact_type;
  for (auto [key, type] :
       {std::pair{"candidateReference", "Candidate"},
        std::pair{"clientContactReference", "ClientContact"}, std::pair{"lead", "Lead"}})
    if (const json::value* c = js::get(js::get(&bh, key), "id")) {
      contact_id = js::to_string(*c);
      contact_type = type;
      break;
    }
  json::array attendee_ids;
  const json::value* attendees = js::get(&bh, "attendees");
  const json::value* list =
      attendees && attendees->is_array() ? attendees : js::get(attendees, "data");
  if (list && list->is_array())
    for (auto& a : list->get_array()) {
      const json::value* v = a.is_object() ? js::get(&a, "id") : (a.is_null() ? nullptr : &a);
      if (v) attendee_ids.push_back(json::value(js::to_string(*v)));
    }
  auto text_or_empty = [&](const char* key) {
    const json::value* v = js::get(&bh, key);
    return v ? *v : json::value("");
  };
  return json::object{{"thirdPartyAppointmentId", id},
                      {"id", id},
                      {"title", text_or_empty("subject")},
                      {"description", text_or_empty("description")},
                      {"participantName", ""},
                      {"startTimeUtc", start},
                      {"durationMinutes", duration},
                      {"status", js::truthy(js::get(&bh, "isDeleted")) ? "cancelled" : "scheduled"},
                      {"contactId", contact_id},
                      {"contactType", contact_type},
                      {"attendeeIds", std::move(attendee_ids)}};
}

std::optional<int64_t> ContactId(const json::value& contact) {
  const json::value* raw = contact.is_object() ? js::get(&contact, "id") : &contact;
  if (!raw || raw->is_null()) return std::nullopt;
  if (raw->is_string() && text::trim(raw->get_string()).empty()) return std::nullopt;
  const double n = js::to_number(*raw);
  if (!std::isfinite(n) || n <= 0 || n != std::floor(n) || n > 9007199254740991.0)
    return std::nullopt;
  return int64_t(n);
}

std::vector<int64_t> ContactIds(const json::value& contacts) {
  std::vector<int64_t> out;
  if (!contacts.is_array()) return out;
  for (auto& c : contacts.get_array())
    if (auto id = ContactId(c); id && std::find(out.begin(), out.end(), *id) == out.end())
      out.push_back(*id);
  return out;
}

json::object NewAppointment(const json::object& payload, int64_t now_ms) {
  std::optional<int64_t> start;
  if (const json::value* at = js::get(payload, "startTimeUtc"))
    start = sdk::time::parse_timestamp(*at);
  double minutes =
      js::get(payload, "durationMinutes") ? js::to_number(*js::get(payload, "durationMinutes")) : 0;
  if (!std::isfinite(minutes)) minutes = 0;
  json::object body;
  body["dateBegin"] = start ? *start : now_ms;
  body["dateEnd"] = start ? *start + int64_t(std::llround(minutes * 60000)) : now_ms + 15 * 60000;
  const json::value* description = js::get(payload, "description");
  if (!description) description = js::get(payload, "summary");
  body["description"] = description ? *description : json::value("");
  body["isPrivate"] = false;
  body["subject"] =
      js::get(payload, "title") ? *js::get(payload, "title") : json::value("Appointment");
  body["isDeleted"] = false;
  const json::value* contacts = js::get(payload, "contacts");
  if (contacts && contacts->is_array() && !contacts->get_array().empty()) {
    const json::value& first = contacts->get_array()[0];
    const auto id = ContactId(first);
    const json::value* type = js::get(&first, "type");
    if (!type) type = js::get(&first, "contactType");
    const std::string kind = text::lower(js::text_or_empty(type));
    if (id && kind == "candidate") body["candidateReference"] = json::object{{"id", *id}};
    if (id && (kind == "contact" || kind == "clientcontact"))
      body["clientContactReference"] = json::object{{"id", *id}};
    if (id && kind == "lead") body["lead"] = json::object{{"id", *id}};
  }
  return body;
}

json::object AppointmentPatch(const json::object& patch) {
  json::object body;
  if (const json::value* t = js::get(patch, "title")) body["subject"] = *t;
  const json::value* description = js::get(patch, "description");
  if (!description) description = js::get(patch, "summary");
  if (description) body["description"] = *description;
  const json::value* start = js::get(patch, "startTimeUtc");
  if (!start) start = js::get(patch, "startTime");
  if (js::truthy(start))
    if (auto begin = sdk::time::parse_timestamp(*start)) {
      double minutes =
          js::get(patch, "durationMinutes") ? js::to_number(*js::get(patch, "durationMinutes")) : 0;
      if (!std::isfinite(minutes)) minutes = 0;
      body["dateBegin"] = *begin;
      body["dateEnd"] = *begin + int64_t(std::llround(minutes * 60000));
    }
  for (const char* key : {"location", "communicationMethod", "type"})
    if (const json::value* v = js::get(patch, key)) body[key] = *v;
  return body;
}

std::optional<std::pair<int64_t, int64_t>> RangeOf(const json::value& range) {
  const json::value* s = js::get(&range, "startDate");
  const json::value* e = js::get(&range, "endDate");
  if (!s || !e || !s->is_string() || !e->is_string()) return std::nullopt;
  auto start = Day(s->get_string());
  auto end = Day(e->get_string());
  if (!start || !end) return std::nullopt;
  return std::make_pair(*start, *end + kDayMs - 1);
}

std::pair<int64_t, int64_t> DefaultRange(int64_t now_ms) {
  return {DayMonthsFrom(now_ms, -1), DayMonthsFrom(now_ms, 3) + kDayMs - 1};
}

json::object AttendeesByAppointment(const json::value& rows) {
  json::object out;
  const json::value* data = js::get(&rows, "data");
  if (!data || !data->is_array()) return out;
  for (auto& row : data->get_array()) {
    const json::value* appointment = js::get(js::get(&row, "appointment"), "id");
    const json::value* attendee = js::get(&row, "attendee");
    const json::value* attendee_id = js::get(attendee, "id");
    if (!appointment || !attendee_id) continue;
    json::value& slot = out[js::to_string(*appointment)];
    if (!slot.is_array()) slot.emplace_array();
    json::array& list = slot.get_array();
    const std::string id = js::to_string(*attendee_id);
    if (std::any_of(list.begin(), list.end(),
                    [&](const json::value& a) { return a.at("id") == id.c_str(); }))
      continue;
    json::object entry{{"id", id}};
    const std::string name =
        std::string(text::trim(js::text_or_empty(js::get(attendee, "firstName")) + " " +
                               js::text_or_empty(js::get(attendee, "lastName"))));
    if (!name.empty()) entry["name"] = name;
    const json::value* type = js::get(attendee, "_subtype");
    if (!type) type = js::get(attendee, "type");
    if (js::truthy(type)) entry["type"] = *type;
    // Bullhorn's acceptanceStatus is a number; the contract's attendee status is text.
    if (const json::value* status = js::get(&row, "acceptanceStatus"))
      entry["status"] = js::to_string(*status);
    list.push_back(std::move(entry));
  }
  return out;
}

}  // namespace bullhorn
