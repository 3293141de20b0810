// The scans the call-log composer matches an existing CRM body with. Each stands for one of
// the reference server's regular expressions (quoted above its definition) and reproduces its
// match, quirks included, because existing CRM records were written by it. Hand-written scans,
// not std::regex, so bodies with long transcripts cannot exhaust the stack.
//
// Pure functions; thread-safe.
#ifndef CRMHOST_CONTRACT_LOG_BODY_SCAN_H
#define CRMHOST_CONTRACT_LOG_BODY_SCAN_H

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace crmhost::contract::body_scan {

// [begin, end) of a match in the body.
struct Span {
  size_t begin = 0, end = 0;
};

// \s as the reference's patterns use it, over ASCII.
bool IsJsSpace(char c);
bool IsAsciiAlpha(char c);
// A line terminator as JavaScript's "." sees it (\n, \r, U+2028, U+2029) at s[i]; its width.
bool LineTerminatorAt(std::string_view s, size_t i, size_t* width);
// "<b>LABEL</b>: VALUE" in an HTML body, optionally inside <li>; `link` values may be anchors.
std::optional<Span> FindHtmlField(std::string_view body, std::string_view label, bool link,
                                  std::string* value = nullptr);
// PREFIX to the end of its line, with the newlines after it.
std::optional<Span> FindLine(std::string_view body, std::string_view prefix, bool icase = false,
                             std::string* value = nullptr);
// PREFIX and a value without '-' that runs to a newline or the end.
std::optional<Span> FindDashFreeValue(std::string_view body, std::string_view prefix);
// PREFIX, optional spaces, and a value running to the end of the line (not past a '<').
std::optional<Span> FindToLineEnd(std::string_view body, std::string_view prefix, bool icase);
// HEAD ... TAIL with TAIL on the same line, at least one character later.
std::optional<Span> FindSameLineBlock(std::string_view body, std::string_view head,
                                      std::string_view tail);
// HEAD ... TAIL across lines, TAIL at least `min_gap` characters after HEAD.
std::optional<Span> FindBlock(std::string_view body, std::string_view head, std::string_view tail,
                              size_t min_gap = 0);
// A "### TITLE" section up to the next "### " heading or the end.
std::optional<Span> FindMarkdownSection(std::string_view body, std::string_view title);

std::string Replace(std::string_view body, Span sp, std::string_view with);
std::string ClearTrailingNewlines(std::string s);
std::string NewlinesToBr(std::string_view s);

}  // namespace crmhost::contract::body_scan

#endif  // CRMHOST_CONTRACT_LOG_BODY_SCAN_H
