#include "contract/log_body_scan.h"

namespace crmhost::contract::body_scan {

bool IsJsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}
bool IsAsciiAlpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

namespace {

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

}  // namespace

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
                                  std::string* value) {
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
std::optional<Span> FindLine(std::string_view body, std::string_view prefix, bool icase,
                             std::string* value) {
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
                              size_t min_gap) {
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

}  // namespace crmhost::contract::body_scan
