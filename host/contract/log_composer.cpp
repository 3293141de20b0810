#include "contract/log_composer.h"

#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/time.hpp>

#include <cmath>
#include <vector>

namespace crmhost::contract {
namespace json = boost::json;
namespace js = crmhost::sdk::js;

namespace {

// ---- scanning primitives (each documents the reference regex it stands for) ---------------

struct Span {
  size_t begin = 0, end = 0;
};

bool IsJsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsAsciiAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
char Lower(char c) {
  return (c >= 'A' && c <= 'Z') ? char(c - 'A' + 'a') : c;
}

bool StartsWithAt(std::string_view s, size_t pos, std::string_view what, bool icase) {
  if (pos + what.size() > s.size()) return false;
  for (size_t i = 0; i < what.size(); ++i) {
    char a = s[pos + i], b = what[i];
    if (icase ? Lower(a) != Lower(b) : a != b) return false;
  }
  return true;
}

size_t Find(std::string_view s, std::string_view what, size_t from, bool icase) {
  if (!icase) return s.find(what, from);
  for (size_t i = from; i + what.size() <= s.size(); ++i)
    if (StartsWithAt(s, i, what, true)) return i;
  return std::string_view::npos;
}

// JavaScript's "." does not match \n, \r, U+2028 or U+2029.
bool LineTerminatorAt(std::string_view s, size_t i, size_t* width) {
  if (s[i] == '\n' || s[i] == '\r') {
    *width = 1;
    return true;
  }
  if (i + 2 < s.size() && s[i] == '\xE2' && s[i + 1] == '\x80' &&
      (s[i + 2] == '\xA8' || s[i + 2] == '\xA9')) {
    *width = 3;
    return true;
  }
  return false;
}

// /(?:<li>)?<b>LABEL<\/b>:\s*VALUE(?:<\/li>|(?=<|$))/i, leftmost match, where VALUE is
//   [^<\n]+                         for plain fields, or
//   (?:<a[^>]*>[^<]*<\/a>|[^<]+)   for link fields.
std::optional<Span> FindHtmlField(std::string_view body, std::string_view label, bool link,
                                  std::string* value = nullptr) {
  const std::string head = "<b>" + std::string(label) + "</b>:";
  for (size_t at = Find(body, head, 0, true); at != std::string_view::npos;
       at = Find(body, head, at + 1, true)) {
    const size_t begin = (at >= 4 && StartsWithAt(body, at - 4, "<li>", true)) ? at - 4 : at;
    const size_t ws_begin = at + head.size();
    size_t ws_end = ws_begin;
    while (ws_end < body.size() && IsJsSpace(body[ws_end]))
      ++ws_end;
    // \s* is greedy: try the longest whitespace run first, then give characters back.
    for (size_t s = ws_end + 1; s-- > ws_begin;) {
      if (s >= body.size()) continue;
      size_t e = std::string_view::npos;
      if (body[s] == '<') {
        if (!link || !StartsWithAt(body, s, "<a", true)) continue;
        size_t gt = body.find('>', s + 2);
        if (gt == std::string_view::npos) continue;
        size_t lt = body.find('<', gt + 1);
        if (lt == std::string_view::npos || !StartsWithAt(body, lt, "</a>", true)) continue;
        e = lt + 4;
      } else if (link) {
        e = body.find('<', s);
        if (e == std::string_view::npos) e = body.size();
      } else {
        if (body[s] == '\n') continue;
        e = body.find_first_of("<\n", s);
        if (e == std::string_view::npos) e = body.size();
        if (e < body.size() && body[e] == '\n') continue;  // needs <, </li> or the end
      }
      if (value) *value = std::string(body.substr(s, e - s));
      if (StartsWithAt(body, e, "</li>", true)) return Span{begin, e + 5};
      if (e == body.size() || body[e] == '<') return Span{begin, e};
    }
  }
  return std::nullopt;
}

// /PREFIX[^\n]*\n*/ (prefix matched literally, optionally case-insensitively).
std::optional<Span> FindLine(std::string_view body, std::string_view prefix, bool icase = false,
                             std::string* value = nullptr) {
  size_t at = Find(body, prefix, 0, icase);
  if (at == std::string_view::npos) return std::nullopt;
  size_t e = body.find('\n', at + prefix.size());
  if (e == std::string_view::npos) e = body.size();
  if (value) *value = std::string(body.substr(at + prefix.size(), e - at - prefix.size()));
  while (e < body.size() && body[e] == '\n')
    ++e;
  return Span{at, e};
}

// /PREFIX([^\n-]+)(?=\n-|\n|$)/ : a value without '-' that runs to a newline or the end.
std::optional<Span> FindDashFreeValue(std::string_view body, std::string_view prefix) {
  for (size_t at = body.find(prefix); at != std::string_view::npos;
       at = body.find(prefix, at + 1)) {
    size_t s = at + prefix.size();
    size_t e = body.find_first_of("\n-", s);
    if (e == std::string_view::npos) e = body.size();
    if (e == s) continue;
    if (e == body.size() || body[e] == '\n') return Span{at, e};
  }
  return std::nullopt;
}

// /PREFIX\s*([^<\n]+)(?=\n|$)/ (case-insensitive where the reference says /i).
std::optional<Span> FindToLineEnd(std::string_view body, std::string_view prefix, bool icase) {
  for (size_t at = Find(body, prefix, 0, icase); at != std::string_view::npos;
       at = Find(body, prefix, at + 1, icase)) {
    size_t ws_begin = at + prefix.size(), ws_end = ws_begin;
    while (ws_end < body.size() && IsJsSpace(body[ws_end]))
      ++ws_end;
    for (size_t s = ws_end + 1; s-- > ws_begin;) {
      if (s >= body.size() || body[s] == '<' || body[s] == '\n') continue;
      size_t e = body.find_first_of("<\n", s);
      if (e == std::string_view::npos) e = body.size();
      if (e == body.size() || body[e] == '\n') return Span{at, e};
    }
  }
  return std::nullopt;
}

// /HEAD(.+?)TAIL/ : TAIL must follow on the same line, at least one character later.
std::optional<Span> FindSameLineBlock(std::string_view body, std::string_view head,
                                      std::string_view tail) {
  for (size_t at = body.find(head); at != std::string_view::npos; at = body.find(head, at + 1)) {
    size_t i = at + head.size();
    if (i >= body.size()) continue;
    size_t w;
    if (LineTerminatorAt(body, i, &w)) continue;
    for (++i; i < body.size(); ++i) {
      if (StartsWithAt(body, i, tail, false)) return Span{at, i + tail.size()};
      if (LineTerminatorAt(body, i, &w)) break;
    }
  }
  return std::nullopt;
}

// /HEAD([\s\S]*?)TAIL/ across lines.
std::optional<Span> FindBlock(std::string_view body, std::string_view head, std::string_view tail,
                              size_t min_gap = 0) {
  size_t at = body.find(head);
  if (at == std::string_view::npos) return std::nullopt;
  size_t t = body.find(tail, at + head.size() + min_gap);
  if (t == std::string_view::npos) return std::nullopt;
  return Span{at, t + tail.size()};
}

// /### TITLE\n([\s\S]*?)(?=\n### |\n$|$)/
std::optional<Span> FindMarkdownSection(std::string_view body, std::string_view title) {
  const std::string head = "### " + std::string(title) + "\n";
  size_t at = body.find(head);
  if (at == std::string_view::npos) return std::nullopt;
  for (size_t i = at + head.size(); i <= body.size(); ++i) {
    if (i == body.size()) return Span{at, i};
    if (body[i] == '\n' && (i + 1 == body.size() || StartsWithAt(body, i, "\n### ", false)))
      return Span{at, i};
  }
  return Span{at, body.size()};
}

std::string Replace(std::string_view body, Span sp, std::string_view with) {
  std::string out(body.substr(0, sp.begin));
  out.append(with);
  out.append(body.substr(sp.end));
  return out;
}

std::string ClearTrailingNewlines(std::string s) {
  while (!s.empty() && s.back() == '\n')
    s.pop_back();
  return s;
}

std::string NewlinesToBr(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\r') {
      if (i + 1 < s.size() && s[i + 1] == '\n') ++i;
      out += "<br>";
    } else if (s[i] == '\n') {
      out += "<br>";
    } else {
      out += s[i];
    }
  }
  return out;
}

// ---- the items ------------------------------------------------------------------------------

// A "<li><b>Label</b>: value</li>" / "**Label**: value" / "- Label: value" item whose value
// replaces the old one.
struct SimpleItem {
  std::string_view html_label;
  std::string_view md_label;
  bool md_icase;
};

std::string UpsertSimple(std::string body, LogFormat f, const SimpleItem& item,
                         const std::string& value) {
  switch (f) {
    case LogFormat::kHtml: {
      std::string line = "<li><b>" + std::string(item.html_label) + "</b>: " + value + "</li>";
      if (auto sp = FindHtmlField(body, item.html_label, false)) return Replace(body, *sp, line);
      return body + line;
    }
    case LogFormat::kMarkdown: {
      std::string line = "**" + std::string(item.md_label) + "**: " + value + "\n";
      if (auto sp = FindLine(body, "**" + std::string(item.md_label) + "**: ", item.md_icase))
        return Replace(body, *sp, line);
      return body + line;
    }
    case LogFormat::kPlainText:
      break;
  }
  return body;
}

std::string UpsertNote(std::string body, LogFormat f, const std::string& note) {
  switch (f) {
    case LogFormat::kHtml:
      // /<b>Agent notes</b>([\s\S]+?)Call details</b>/
      if (auto sp = FindBlock(body, "<b>Agent notes</b>", "Call details</b>", 1))
        return Replace(body, *sp, "<b>Agent notes</b><br>" + note + "<br><br><b>Call details</b>");
      return "<b>Agent notes</b><br>" + note + "<br><br><b>Call details</b><br>" + body;
    case LogFormat::kMarkdown:
      // /## Agent notes\n([\s\S]*?)\n## Call details/
      if (auto sp = FindBlock(body, "## Agent notes\n", "\n## Call details"))
        return Replace(body, *sp, "## Agent notes\n" + note + "\n\n## Call details");
      if (body.rfind("## Call details", 0) == 0) return "## Agent notes\n" + note + "\n\n" + body;
      return "## Agent notes\n" + note + "\n\n## Call details\n" + body;
    case LogFormat::kPlainText: {
      // /- (?:Note|Agent notes): ([\s\S]*?)(?=\n- [A-Z][a-zA-Z\s/]*:|\n$|$)/
      size_t a = body.find("- Note: "), b = body.find("- Agent notes: ");
      size_t at = std::min(a, b);
      if (at == std::string::npos) return "- Note: " + note + "\n" + body;
      size_t i = at + (at == a ? 8 : 15);
      for (; i < body.size(); ++i) {
        if (body[i] != '\n') continue;
        if (i + 1 == body.size()) break;
        if (i + 3 < body.size() && body[i + 1] == '-' && body[i + 2] == ' ' && body[i + 3] >= 'A' &&
            body[i + 3] <= 'Z') {
          size_t k = i + 4;
          while (k < body.size() && (IsAsciiAlpha(body[k]) || IsJsSpace(body[k]) || body[k] == '/'))
            ++k;
          if (k < body.size() && body[k] == ':') break;
        }
      }
      return Replace(body, Span{at, i}, "- Note: " + note);
    }
  }
  return body;
}

std::string UpsertPlainSimple(std::string body, std::string_view label, const std::string& value) {
  // /- LABEL: [^\n]*\n*/
  std::string prefix = "- " + std::string(label) + ": ";
  std::string line = prefix + value + "\n";
  if (auto sp = FindLine(body, prefix)) return Replace(body, *sp, line);
  return body + line;
}

std::string UpsertDashFree(std::string body, std::string_view label, const std::string& value,
                           bool newline_on_replace) {
  // /- LABEL: ([^\n-]+)(?=\n-|\n|$)/
  std::string prefix = "- " + std::string(label) + ": ";
  if (auto sp = FindDashFreeValue(body, prefix))
    return Replace(body, *sp, prefix + value + (newline_on_replace ? "\n" : ""));
  return body + prefix + value + "\n";
}

// Only a "(pending...)" placeholder is ever replaced; a real name is kept.
std::string UpsertUserName(std::string body, LogFormat f, const std::string& name) {
  std::string existing;
  std::optional<Span> sp;
  std::string line;
  switch (f) {
    case LogFormat::kHtml:
      sp = FindHtmlField(body, "RingCentral user name", false, &existing);
      line = "<li><b>RingCentral user name</b>: " + name + "</li>";
      break;
    case LogFormat::kMarkdown:
      sp = FindLine(body, "**RingCentral user name**: ", true, &existing);
      line = "**RingCentral user name**: " + name + "\n";
      break;
    case LogFormat::kPlainText:
      sp = FindLine(body, "- RingCentral user name: ", false, &existing);
      line = "- RingCentral user name: " + name + "\n";
      break;
  }
  if (!sp) return body + line;
  size_t b = existing.find_first_not_of(" \t\n\r\f\v");
  size_t e = existing.find_last_not_of(" \t\n\r\f\v");
  std::string trimmed = b == std::string::npos ? "" : existing.substr(b, e - b + 1);
  return trimmed == "(pending...)" ? Replace(body, *sp, line) : body;
}

// Recording and voicemail links: HTML shows an "open" anchor (or "(pending...)" until the link
// is a URL) and is inserted before the first </ul>.
std::string UpsertLink(std::string body, LogFormat f, std::string_view label,
                       const std::string& link, bool pending_aware) {
  switch (f) {
    case LogFormat::kHtml: {
      const bool http = link.rfind("http", 0) == 0;
      std::string text =
          "<li><b>" + std::string(label) + "</b>: " +
          ((http || !pending_aware) ? "<a target=\"_blank\" href=\"" + link + "\">open</a>"
                                    : std::string("(pending...)")) +
          "</li>";
      if (auto sp = FindHtmlField(body, label, true)) return Replace(body, *sp, text);
      if (!pending_aware) return body + text;
      size_t ul = body.find("</ul>");
      if (ul == std::string::npos) return body + text;
      return Replace(body, Span{ul, ul}, text);
    }
    case LogFormat::kMarkdown: {
      std::string line = "**" + std::string(label) + "**: " + link + "\n";
      if (!pending_aware) {
        // /\*\*ACE recording link\*\*:\s*([^<\n]+)(?=\n|$)/i
        if (auto sp = FindToLineEnd(body, "**" + std::string(label) + "**:", true))
          return Replace(body, *sp, line);
        return body + line;
      }
      if (auto sp = FindLine(body, "**" + std::string(label) + "**: "))
        return Replace(body, *sp, line);
      return body + line;
    }
    case LogFormat::kPlainText: {
      if (!pending_aware) {
        std::string prefix = "- " + std::string(label) + ":";
        if (auto sp = FindToLineEnd(body, prefix, true))
          return Replace(body, *sp, prefix + " " + link);
        return body + prefix + " " + link + "\n";
      }
      std::string line = "- " + std::string(label) + ": " + link + "\n";
      if (auto sp = FindLine(body, "- " + std::string(label) + ": "))
        return Replace(body, *sp, line);
      if (!body.empty() && body.back() != '\n') body += '\n';
      return body + line;
    }
  }
  return body;
}

// Multi-line sections: AI note, transcripts, summaries, call journey.
struct Section {
  std::string_view title;      // "AI Note"
  std::string_view plain_end;  // "--- END"
  bool html_trailing_br;       // append "<br>" after a new HTML block
  bool plain_leading_nl;       // a new plain block starts with "\n"
};

std::string UpsertSection(std::string body, LogFormat f, const Section& s,
                          const std::string& html_text, const std::string& text) {
  const std::string t(s.title);
  switch (f) {
    case LogFormat::kHtml: {
      std::string block = "<div><b>" + t + "</b><br>" + NewlinesToBr(html_text) + "</div>";
      if (auto sp = FindSameLineBlock(body, "<div><b>" + t + "</b><br>", "</div>"))
        return Replace(body, *sp, block);
      return body + block + (s.html_trailing_br ? "<br>" : "");
    }
    case LogFormat::kMarkdown: {
      std::string block = "### " + t + "\n" + text + "\n";
      if (auto sp = FindMarkdownSection(body, t)) return Replace(body, *sp, block);
      return body + block;
    }
    case LogFormat::kPlainText: {
      std::string end(s.plain_end);
      if (auto sp = FindBlock(body, "- " + t + ":", end))
        return Replace(body, *sp, "- " + t + ":\n" + text + "\n" + end);
      return body + (s.plain_leading_nl ? "\n" : "") + "- " + t + ":\n" + text + "\n" + end + "\n";
    }
  }
  return body;
}

std::string Str(const json::value* v) {
  return v ? js::ToString(*v) : std::string();
}

const json::value* Field(const json::value* obj, std::string_view key) {
  return js::Get(obj, key);
}

std::string PartyInfo(const json::value* info) {
  std::string phone = js::Truthy(Field(info, "phoneNumber")) ? Str(Field(info, "phoneNumber")) : "";
  std::string ext =
      js::Truthy(Field(info, "extensionNumber")) ? Str(Field(info, "extensionNumber")) : "";
  if (phone.empty() && ext.empty()) return "";
  std::string number = phone;
  if (!phone.empty() && !ext.empty()) number = phone + ", ext " + ext;
  if (phone.empty()) number = "ext " + ext;
  if (js::Truthy(Field(info, "name"))) return Str(Field(info, "name")) + ", " + number;
  return number;
}

std::string LegsJourney(const json::array& legs) {
  std::string out;
  for (size_t i = 0; i < legs.size(); ++i) {
    const json::value* leg = &legs[i];
    const bool outbound = Str(Field(leg, "direction")) == "Outbound";
    std::string line;
    if (i == 0) {
      line = outbound ? "Made call from " + PartyInfo(Field(leg, "from"))
                      : "Received call at " + PartyInfo(Field(leg, "to"));
    } else {
      const json::value* party = Field(leg, "to");
      if (outbound && Str(Field(leg, "legType")) != "PstnToSip") party = Field(leg, "from");
      const json::value* dur =
          leg->is_object() ? leg->get_object().if_contains("duration") : nullptr;
      std::string d = dur ? js::ToString(*dur) : "undefined";
      const bool plural = dur && js::ToNumber(*dur) > 1;
      line = "Transferred to " + PartyInfo(party) + ", duration: " + d + " second" +
             (plural ? "s" : "");
    }
    if (i) out += '\n';
    out += line;
  }
  return out;
}

}  // namespace

std::optional<LogFormat> ParseLogFormat(std::string_view mime) {
  if (mime == "text/plain") return LogFormat::kPlainText;
  if (mime == "text/html") return LogFormat::kHtml;
  if (mime == "text/markdown") return LogFormat::kMarkdown;
  return std::nullopt;
}

std::string DurationText(const json::value& v) {
  double secs = js::ToNumber(v);
  if (std::isnan(secs)) return js::ToString(v);
  const double hours = std::floor(secs / 3600);
  const double minutes = std::floor(std::fmod(secs, 3600) / 60);
  const double rest = std::fmod(secs, 60);
  std::vector<std::string> parts;
  if (hours > 0) parts.push_back(js::NumberToString(hours) + (hours > 1 ? " hours" : " hour"));
  if (minutes > 0)
    parts.push_back(js::NumberToString(minutes) + (minutes > 1 ? " minutes" : " minute"));
  if (rest > 0) parts.push_back(js::NumberToString(rest) + (rest == 1 ? " second" : " seconds"));
  if (parts.empty()) return "0 seconds";
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i)
    out += (i ? ", " : "") + parts[i];
  return out;
}

std::string ComposeCallLog(const ComposeInput& in) {
  static const json::object kNoSettings;
  const json::object& settings = in.user_settings ? *in.user_settings : kNoSettings;
  auto on = [&](std::string_view id, bool fallback) {
    return js::SettingEnabled(settings, id, fallback);
  };
  const LogFormat f = in.format;
  const json::value* call = in.call_log;
  const bool inbound = Str(Field(call, "direction")) == "Inbound";
  std::string body = in.existing_body;

  if (js::Truthy(in.note) && on("addCallLogNote", true)) body = UpsertNote(body, f, Str(in.note));

  if (js::Truthy(Field(call, "sessionId")) && on("addCallSessionId", false)) {
    std::string id = Str(Field(call, "sessionId"));
    body = f == LogFormat::kPlainText
               ? UpsertPlainSimple(body, "Session Id", id)
               : UpsertSimple(body, f, {"Session Id", "Session Id", false}, id);
  }

  if (on("addRingCentralUserName", false)) {
    const json::value* name = Field(Field(call, inbound ? "to" : "from"), "name");
    if (js::Truthy(name)) body = UpsertUserName(body, f, Str(name));
  }

  if (on("addRingCentralNumber", false)) {
    const json::value* number = Field(Field(call, inbound ? "to" : "from"), "phoneNumber");
    if (js::Truthy(number)) {
      const json::value* ext = Field(Field(call, inbound ? "from" : "to"), "extensionNumber");
      std::string value = Str(number) + " " + (ext ? Str(ext) : "");
      body = f == LogFormat::kPlainText
                 ? UpsertPlainSimple(body, "RingCentral number and extension", value)
                 : UpsertSimple(body, f,
                                {"RingCentral number and extension",
                                 "RingCentral number and extension", true},
                                value);
    }
  }

  if (js::Truthy(in.subject) && on("addCallLogSubject", true)) {
    std::string s = Str(in.subject);
    body = f == LogFormat::kPlainText ? UpsertPlainSimple(body, "Summary", s)
                                      : UpsertSimple(body, f, {"Summary", "Summary", false}, s);
  }

  if (const json::value* phone = Field(in.contact_info, "phoneNumber");
      js::Truthy(phone) && on("addCallLogContactNumber", false)) {
    const bool outbound = Str(Field(call, "direction")) == "Outbound";
    std::string label = std::string(outbound ? "Recipient" : "Caller") + " phone number";
    if (f == LogFormat::kPlainText) {
      body = UpsertDashFree(body, "Contact Number", Str(phone), true);
    } else {
      body = UpsertSimple(body, f, {label, "Contact Number", false}, Str(phone));
    }
  }

  const json::value* start = js::Truthy(in.start_time) ? in.start_time : Field(call, "startTime");
  if (js::Truthy(start) && on("addCallLogDateTime", true)) {
    if (auto ms = sdk::time::ParseTimestamp(*start)) {
      int offset = 0;
      if (js::Truthy(in.timezone_offset)) offset = sdk::time::UtcOffsetMinutes(*in.timezone_offset);
      const json::value* fmt = js::Get(js::Get(settings, "logDateFormat"), "value");
      std::string pattern = fmt ? Str(fmt) : "YYYY-MM-DD hh:mm:ss A";
      if (pattern.empty()) pattern = "YYYY-MM-DD hh:mm:ss A";
      std::string when = sdk::time::FormatMoment(*ms, offset, pattern);
      if (f == LogFormat::kPlainText) {
        // /^(- Date\/Time:).*$/m
        size_t at = std::string::npos;
        for (size_t p = body.find("- Date/Time:"); p != std::string::npos;
             p = body.find("- Date/Time:", p + 1)) {
          if (p == 0 || body[p - 1] == '\n') {
            at = p;
            break;
          }
        }
        if (at != std::string::npos) {
          size_t e = at;
          size_t w;
          while (e < body.size() && !LineTerminatorAt(body, e, &w))
            ++e;
          body = Replace(body, Span{at, e}, "- Date/Time: " + when);
        } else {
          body += "- Date/Time: " + when + "\n";
        }
      } else {
        body = UpsertSimple(body, f, {"Date/time", "Date/Time", false}, when);
      }
    }
  }

  if (in.duration && on("addCallLogDuration", true)) {
    std::string d = DurationText(*in.duration);
    body = f == LogFormat::kPlainText ? UpsertDashFree(body, "Duration", d, false)
                                      : UpsertSimple(body, f, {"Duration", "Duration", false}, d);
  }

  if (js::Truthy(in.result) && on("addCallLogResult", true)) {
    std::string r = Str(in.result);
    body = f == LogFormat::kPlainText ? UpsertDashFree(body, "Result", r, false)
                                      : UpsertSimple(body, f, {"Result", "Result", false}, r);
  }

  if (js::Truthy(in.recording_link) && on("addCallLogRecording", true))
    body = UpsertLink(body, f, "Call recording link", Str(in.recording_link), true);
  if (js::Truthy(in.voicemail_link) && on("addCallLogRecording", true))
    body = UpsertLink(body, f, "Voicemail recording link", Str(in.voicemail_link), true);

  if (js::Truthy(in.ai_note) && on("addCallLogAiNote", true)) {
    std::string cleared = ClearTrailingNewlines(Str(in.ai_note));
    body = UpsertSection(body, f, {"AI Note", "--- END", true, true}, cleared, cleared);
  }
  if (js::Truthy(in.transcript) && on("addCallLogTranscript", true)) {
    std::string t = Str(in.transcript);
    body = UpsertSection(body, f, {"Transcript", "--- END", true, true}, t, t);
  }
  if (js::Truthy(in.ring_sense_transcript) && on("addCallLogRingSenseRecordingTranscript", true)) {
    std::string cleared = ClearTrailingNewlines(Str(in.ring_sense_transcript));
    body = UpsertSection(body, f, {"ACE transcript", "--- END", false, true}, cleared, cleared);
  }
  if (js::Truthy(in.ring_sense_summary) && on("addCallLogRingSenseRecordingSummary", true)) {
    std::string raw = Str(in.ring_sense_summary);
    body = UpsertSection(body, f, {"ACE summary", "--- END", false, true},
                         ClearTrailingNewlines(raw), raw);
  }
  if (js::Truthy(in.ring_sense_ai_score) && on("addCallLogRingSenseRecordingAIScore", true)) {
    std::string score = Str(in.ring_sense_ai_score);
    if (f == LogFormat::kPlainText) {
      // /- Call score:\s*([^<\n]+)(?=\n|$)/i
      if (auto sp = FindToLineEnd(body, "- Call score:", true)) {
        body = Replace(body, *sp, "- Call score: " + score);
      } else {
        body += "- Call score: " + score + "\n";
      }
    } else {
      body = UpsertSimple(body, f, {"Call score", "Call score", false}, score);
    }
  }
  if (js::Truthy(in.ring_sense_bulleted_summary) &&
      on("addCallLogRingSenseRecordingBulletedSummary", true)) {
    std::string raw = Str(in.ring_sense_bulleted_summary);
    if (f == LogFormat::kPlainText) {
      // The reference matches only the header line here (/- ACE bulleted
      // summary:\s*([^<\n]+)(?=\n|$)/i).
      std::string block = "- ACE bulleted summary:\n" + raw + "\n--- END";
      if (auto sp = FindToLineEnd(body, "- ACE bulleted summary:", true)) {
        body = Replace(body, *sp, block);
      } else {
        body += "\n" + block + "\n";
      }
    } else {
      body = UpsertSection(body, f, {"ACE bulleted summary", "--- END", false, true},
                           ClearTrailingNewlines(raw), raw);
    }
  }
  if (js::Truthy(in.ring_sense_link) && on("addCallLogRingSenseRecordingLink", true))
    body = UpsertLink(body, f, "ACE recording link", Str(in.ring_sense_link), false);

  if (const json::value* legs = Field(call, "legs");
      legs && legs->is_array() && !legs->get_array().empty() && on("addCallLogLegs", true)) {
    std::string journey = LegsJourney(legs->get_array());
    body =
        UpsertSection(body, f, {"Call journey", "--- JOURNEY END", false, false}, journey, journey);
  }
  return body;
}

}  // namespace crmhost::contract
