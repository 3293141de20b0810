#include "contract/log_upserts.h"

#include "contract/log_body_scan.h"

namespace crmhost::contract::log_upserts {
using namespace body_scan;

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

std::string UpsertDateTime(std::string body, LogFormat f, const std::string& when) {
  if (f != LogFormat::kPlainText)
    return UpsertSimple(std::move(body), f, {"Date/time", "Date/Time", false}, when);
  // /^(- Date\/Time:).*$/m
  size_t at = std::string::npos;
  for (size_t p = body.find("- Date/Time:"); p != std::string::npos;
       p = body.find("- Date/Time:", p + 1)) {
    if (p == 0 || body[p - 1] == '\n') {
      at = p;
      break;
    }
  }
  if (at == std::string::npos) return body + "- Date/Time: " + when + "\n";
  size_t e = at;
  size_t w;
  while (e < body.size() && !LineTerminatorAt(body, e, &w))
    ++e;
  return Replace(body, Span{at, e}, "- Date/Time: " + when);
}

std::string UpsertCallScore(std::string body, LogFormat f, const std::string& score) {
  if (f != LogFormat::kPlainText)
    return UpsertSimple(std::move(body), f, {"Call score", "Call score", false}, score);
  // /- Call score:\s*([^<\n]+)(?=\n|$)/i
  if (auto sp = FindToLineEnd(body, "- Call score:", true))
    return Replace(body, *sp, "- Call score: " + score);
  return body + "- Call score: " + score + "\n";
}

std::string UpsertBulletedSummary(std::string body, LogFormat f, const std::string& raw) {
  if (f != LogFormat::kPlainText)
    return UpsertSection(std::move(body), f, {"ACE bulleted summary", "--- END", false, true},
                         ClearTrailingNewlines(raw), raw);
  // The reference matches only the header line here (/- ACE bulleted
  // summary:\s*([^<\n]+)(?=\n|$)/i).
  std::string block = "- ACE bulleted summary:\n" + raw + "\n--- END";
  if (auto sp = FindToLineEnd(body, "- ACE bulleted summary:", true))
    return Replace(body, *sp, block);
  return body + "\n" + block + "\n";
}

}  // namespace crmhost::contract::log_upserts
