// Call and message log texts for NetSuite phone calls (plain text, as the host composes it).
#include <crmhost/plugin.hpp>
#include <crmhost/sdk/contract.hpp>
#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/text.hpp>
#include <crmhost/sdk/time.hpp>

#include <algorithm>
#include <cmath>

#include "mapping.h"

namespace netsuite {
namespace sdk = crmhost::sdk;
namespace js = crmhost::sdk::js;
namespace text = crmhost::sdk::text;
using sdk::contract::object_of;

namespace {

std::string Trimmed(std::string_view s) {
  return std::string(text::trim(s));
}

constexpr size_t kMessageLimit = 3400;
constexpr std::string_view kTranscriptHead = "- Transcript:";
constexpr std::string_view kBlockEnd = "--- END";
constexpr std::string_view kTooLarge =
    "Transcript too large. To view the whole transcript, Goto Communictaion and open attach file.";
constexpr std::string_view kCreatedVia = "--- Created via RingCentral App Connect";

// Removes the first line that starts with `head` (from its "\n" up to the next "\n").
void EraseLine(std::string& s, std::string_view head) {
  const size_t at = s.find(head);
  if (at == std::string::npos) return;
  const size_t end = s.find('\n', at + 1);
  s.erase(at, end == std::string::npos ? std::string::npos : end - at);
}

// Removes the first block from `head` through its "--- END".
bool EraseBlock(std::string& s, std::string_view head, bool and_newline) {
  const size_t at = s.find(head);
  if (at == std::string::npos) return false;
  const size_t end = s.find(kBlockEnd, at);
  if (end == std::string::npos) return false;
  size_t stop = end + kBlockEnd.size();
  if (and_newline && stop < s.size() && s[stop] == '\n') ++stop;
  s.erase(at, stop - at);
  return true;
}

// decodeURIComponent (a malformed escape is left as it is).
std::string UrlDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += char(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

int64_t MessageTime(const json::object& in) {
  const json::value* created = js::get(object_of(in, "message"), "creationTime");
  return created ? sdk::time::parse_timestamp(*created).value_or(0) : 0;
}

std::string UserName(const json::object& in) {
  const json::value* name =
      js::get(object_of(object_of(in, "user"), "platformAdditionalInfo"), "name");
  return js::truthy(name) ? js::to_string(*name) : "NetSuiteCRM";
}

constexpr std::string_view kHeadings[] = {"Sales Order Call Logs (Do Not Edit)",
                                          "Opportunity Call Logs (Do Not Edit)"};

// Removes every section heading; with `and_blanks` also the whitespace before each.
std::string WithoutHeadings(std::string s, bool and_blanks) {
  for (std::string_view heading : kHeadings)
    for (size_t at = s.find(heading); at != std::string::npos; at = s.find(heading, at)) {
      size_t from = at;
      while (and_blanks && from > 0 && std::isspace(static_cast<unsigned char>(s[from - 1])))
        --from;
      s.erase(from, at + heading.size() - from);
      at = from;
    }
  return s;
}

// `s` without the note links NoteLinks finds (each with the line break before it).
std::string WithoutLinks(std::string s) {
  const std::vector<NoteLink> links = NoteLinks(s);
  for (auto it = links.rbegin(); it != links.rend(); ++it)
    s.erase(it->begin, it->end - it->begin);
  return s;
}

}  // namespace

std::string CallSubject(const json::object& in) {
  const json::object& call_log = object_of(in, "callLog");
  if (const json::value* custom = js::get(call_log, "customSubject")) return js::to_string(*custom);
  const std::string direction = js::text_or_empty(js::get(call_log, "direction"));
  return js::template_text(js::get(call_log, "direction")) + " Call " +
         (direction == "Outbound" ? "to " : "from ") +
         js::template_text(js::get(object_of(in, "contactInfo"), "name"));
}

CallTimes TimesOf(int64_t start_ms, const json::value* duration, int offset_minutes) {
  int64_t seconds = 0;
  if (duration && !(duration->is_string() && duration->get_string() == "pending")) {
    // A call of more than a year is no call; its end would overflow.
    const double d = js::to_number(*duration);
    seconds = std::isfinite(d) ? int64_t(std::clamp(d, 0.0, 366.0 * 86400)) : 0;
  }
  int64_t end_ms = start_ms + seconds * 1000;
  auto hhmm = [&](int64_t ms) { return sdk::time::format_moment(ms, offset_minutes, "HH:mm"); };
  if (hhmm(end_ms) == hhmm(start_ms)) end_ms += 60000;
  CallTimes t;
  t.start_utc_ms = start_ms;
  t.start_date = sdk::time::format_moment(start_ms, offset_minutes, "YYYY-MM-DD");
  t.start_time = hhmm(start_ms);
  t.end_time = hhmm(end_ms);
  t.completed_date = sdk::time::format_moment(end_ms, offset_minutes, "YYYY-MM-DD");
  t.date_time_line =
      "- Date/Time: " + sdk::time::format_moment(start_ms, offset_minutes, "YYYY-MM-DD hh:mm:ss A");
  return t;
}

std::string WithDateTime(std::string body, const std::string& line) {
  size_t at = body.rfind("- Date/Time:", 0) == 0 ? 0 : body.find("\n- Date/Time:");
  if (at == std::string::npos) return body;
  if (at != 0) ++at;
  const size_t end = body.find('\n', at);
  body.replace(at, end == std::string::npos ? std::string::npos : end - at, line);
  return body;
}

Fitted FitTranscript(std::string body, const std::string& transcript) {
  Fitted f;
  if (transcript.empty() || body.size() <= kMessageLimit) {
    f.body = std::move(body);
    return f;
  }
  f.too_long = true;
  const std::string block =
      std::string(kTranscriptHead) + "\n" + transcript + "\n" + std::string(kBlockEnd);
  if (const size_t at = body.find(kTranscriptHead);
      at != std::string::npos && body.find(kBlockEnd, at) != std::string::npos) {
    const size_t end = body.find(kBlockEnd, at) + kBlockEnd.size();
    body.replace(at, end - at, block);
  } else {
    body += block + "\n";
  }
  if (body.size() > kMessageLimit) {
    EraseBlock(body, kTranscriptHead, true);
    const size_t overhead = std::string("- Transcript:\n\n--- END\n").size() + kTooLarge.size() + 1;
    const size_t available =
        body.size() + overhead >= kMessageLimit ? 0 : kMessageLimit - overhead - body.size();
    body += "\n- Transcript:\n" + transcript.substr(0, available) + "\n\n" +
            std::string(kTooLarge) + "\n--- END\n";
  }
  f.body = std::move(body);
  return f;
}

std::optional<std::string> AgentNote(const std::string& message) {
  const size_t at = message.find("- Note: ");
  if (at == std::string::npos) return std::nullopt;
  std::string note = message.substr(at + 8);
  for (const char* line :
       {"\n- Summary: ", "\n- Contact Number: ", "\n- Result: ", "\n- Date/Time: ",
        "\n- Duration: ", "\n- Call recording link: ", "\n- Session Id: "})
    EraseLine(note, line);
  note = WithoutHeadings(WithoutLinks(std::move(note)), false);
  while (EraseBlock(note, "\n- Transcript:", false)) {
  }
  while (EraseBlock(note, "\n- AI Note:", false)) {
  }
  return Trimmed(note);
}

std::vector<NoteLink> NoteLinks(const std::string& message) {
  std::vector<NoteLink> out;
  for (size_t pos = 0; pos < message.size();) {
    // The next "- SalesOrderNoteUrl: " or "- OpportunityNoteUrl: ".
    const size_t so = message.find("- SalesOrderNoteUrl: ", pos);
    const size_t op = message.find("- OpportunityNoteUrl: ", pos);
    const size_t at = std::min(so, op);
    if (at == std::string::npos) break;
    const bool sales_order = at == so;
    const std::string label = sales_order ? "SalesOrder" : "Opportunity";
    pos = at + 2 + label.size() + 9;  // past "- <label>NoteUrl: "
    const size_t space = message.find(' ', pos);
    const size_t eol = message.find('\n', pos);
    const std::string id_head = " " + label + "Id: ";
    if (space == std::string::npos || (eol != std::string::npos && eol < space) ||
        message.compare(space, id_head.size(), id_head) != 0)
      continue;
    size_t digits = space + id_head.size(), end = digits;
    while (end < message.size() && std::isdigit(static_cast<unsigned char>(message[end])))
      ++end;
    if (end == digits) continue;
    NoteLink link;
    link.sales_order = sales_order;
    link.url = message.substr(pos, space - pos);
    link.id = message.substr(digits, end - digits);
    link.begin = at > 0 && message[at - 1] == '\n' ? at - 1 : at;
    link.end = end;
    out.push_back(std::move(link));
    pos = end;
  }
  return out;
}

std::string WithoutNoteLinks(const std::string& message) {
  return Trimmed(WithoutHeadings(WithoutLinks(message), true));
}

std::optional<std::string> NoteIdOf(const std::string& url) {
  const size_t at = url.find("id=");
  if (at == std::string::npos) return std::nullopt;
  size_t end = at + 3;
  while (end < url.size() && std::isdigit(static_cast<unsigned char>(url[end])))
    ++end;
  if (end == at + 3) return std::nullopt;
  return url.substr(at + 3, end - at - 3);
}

std::string WithNoteLinks(std::string text, const std::vector<NoteLink>& links) {
  for (bool sales_order : {true, false}) {
    bool headed = false;
    const std::string label = sales_order ? "SalesOrder" : "Opportunity";
    for (const NoteLink& link : links) {
      if (link.sales_order != sales_order) continue;
      if (!headed) text += "\n\n " + std::string(kHeadings[sales_order ? 0 : 1]);
      headed = true;
      text += "\n- " + label + "NoteUrl: " + link.url + " " + label + "Id: " + link.id;
    }
  }
  return text;
}

MessageText MessageLog(const json::object& in) {
  const json::object& shared = object_of(in, "sharedSMSLogContent");
  if (js::truthy(js::get(shared, "body")) && js::truthy(js::get(shared, "subject")))
    return {js::to_string(*js::get(shared, "subject")), js::to_string(*js::get(shared, "body"))};
  const std::string contact = js::template_text(js::get(object_of(in, "contactInfo"), "name"));
  const int64_t when = MessageTime(in);
  const std::string day = sdk::time::format_moment(when, 0, "YY/MM/DD");
  if (const json::value* link = js::get(in, "recordingLink"); js::truthy(link))
    return {"Voicemail left by " + contact + " - " + day,
            "Voicemail recording link: " + UrlDecode(js::to_string(*link)) + " \n\n" +
                std::string(kCreatedVia)};
  if (const json::value* link = js::get(in, "faxDocLink"); js::truthy(link))
    return {"Fax document sent from " + contact + " - " + day,
            "Fax document link: " + js::to_string(*link) + " \n\n" + std::string(kCreatedVia)};
  std::string others;
  for (const std::string& name : sdk::contract::correspondent_names(in))
    others += (others.empty() ? "    " : "\n    ") + name;
  return {"SMS conversation with " + contact + " - " + day,
          "\nConversation summary\n" + sdk::time::format_moment(when, 0, "dddd, MMMM DD, YYYY") +
              "\nParticipants\n    " + UserName(in) + "\n    " + contact + "\n" + others +
              "\nConversation(1 messages)\nBEGIN\n------------\n" + MessageLine(in) +
              "------------\nEND\n\n" + std::string(kCreatedVia)};
}

std::string MessageLine(const json::object& in) {
  const json::object& message = object_of(in, "message");
  const json::object& contact = object_of(in, "contactInfo");
  const std::string sender = js::text_or_empty(js::get(message, "direction")) == "Inbound"
                                 ? js::template_text(js::get(contact, "name")) + " (" +
                                       js::template_text(js::get(contact, "phoneNumber")) + ")"
                                 : UserName(in);
  return sender + " " + sdk::time::format_moment(MessageTime(in), 0, "hh:mm A") + "\n" +
         js::template_text(js::get(message, "subject")) + "\n\n";
}

std::string AppendMessage(std::string body, const std::string& line) {
  return sdk::contract::append_conversation_message(std::move(body), line);
}

}  // namespace netsuite
