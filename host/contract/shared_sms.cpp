#include "contract/shared_sms.h"

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/time.hpp>

namespace crmhost::contract {
namespace json = boost::json;
namespace js = crmhost::sdk::js;
namespace st = crmhost::sdk::time;

namespace {

// `a || b || fallback` over string members.
std::string FirstOf(std::initializer_list<const json::value*> values, std::string fallback) {
  for (const json::value* v : values)
    if (js::truthy(v)) return js::to_string(*v);
  return fallback;
}

std::string Escape(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#039;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

struct Entry {
  int64_t at;
  std::string content;
};

std::string Plural(int n, const char* word) {
  return std::to_string(n) + " " + word + (n != 1 ? "s" : "");
}

// A line per message, note and assignment, in the log's format.
std::string MessageLine(LogFormat format, const std::string& sender, const std::string& when,
                        const std::string& text) {
  if (format == LogFormat::kHtml)
    return "<p><b>" + Escape(sender) + "</b> said on " + when + ":<br>" + Escape(text) + "</p>";
  if (format == LogFormat::kMarkdown)
    return "**" + sender + "** said on " + when + ":\n" + text + "\n";
  return sender + " said on " + when + ":\n" + text + "\n";
}

std::string NoteLine(LogFormat format, const std::string& author, const std::string& when,
                     const std::string& text) {
  if (format == LogFormat::kHtml)
    return "<p><b>" + Escape(author) + "</b> left a note on " + when + ":<br>" + Escape(text) +
           "</p>";
  if (format == LogFormat::kMarkdown)
    return "**" + author + "** left a note on " + when + ":\n" + text + "\n";
  return author + " left a note on " + when + ":\n" + text + "\n";
}

std::string AssignedLine(LogFormat format, const std::string& to) {
  if (format == LogFormat::kHtml)
    return "<p><i>Conversation assigned to <b>" + Escape(to) + "</b></i></p>";
  if (format == LogFormat::kMarkdown) return "*Conversation assigned to **" + to + "***\n";
  return "Conversation assigned to " + to + "\n";
}

// What the conversation's records give: who took part, how many messages and notes, and the
// lines, newest first.
struct Conversation {
  std::vector<std::string> agents;
  int messages = 0;
  int notes = 0;
  std::vector<Entry> entries;
};

Conversation ReadEntities(LogFormat format, const json::object& log_info,
                          const std::string& contact_name, int offset) {
  Conversation conv;
  auto agent = [&](const json::value* v) {
    if (!js::truthy(v)) return;
    std::string n = js::to_string(*v);
    if (std::find(conv.agents.begin(), conv.agents.end(), n) == conv.agents.end())
      conv.agents.push_back(n);
  };
  const json::value* entities = js::get(log_info, "entities");
  if (!entities || !entities->is_array()) return conv;
  for (auto& e : entities->get_array()) {
    const json::value* author = js::get(js::get(&e, "author"), "name");
    const json::value* from = js::get(js::get(&e, "from"), "name");
    const json::value* initiator = js::get(js::get(&e, "initiator"), "name");
    const json::value* assignee = js::get(js::get(&e, "assignee"), "name");
    for (const json::value* name : {author, from, initiator, assignee})
      agent(name);
    const std::string type = js::text_or_empty(js::get(&e, "recordType"));
    const json::value* t = js::get(&e, "creationTime");
    const int64_t at = t ? st::parse_timestamp(*t).value_or(0) : 0;
    const std::string when = st::format_moment(at, offset, "YYYY-MM-DD hh:mm A");
    std::string content;
    if (type == "AliveMessage") {
      ++conv.messages;
      const bool inbound = js::text_or_empty(js::get(&e, "direction")) == "Inbound";
      const std::string sender = inbound ? contact_name : FirstOf({author, from}, "undefined");
      content = MessageLine(format, sender, when,
                            FirstOf({js::get(&e, "text"), js::get(&e, "subject")}, ""));
    } else if (type == "AliveNote") {
      ++conv.notes;
      content = NoteLine(format, FirstOf({author, initiator}, "Unknown"), when,
                         FirstOf({js::get(&e, "text"), js::get(&e, "body")}, ""));
    } else if (type == "ThreadAssignedHint") {
      content = AssignedLine(format, FirstOf({assignee}, "Unknown"));
    } else {
      continue;  // thread-created hints and unknown records are not shown
    }
    conv.entries.push_back({at, std::move(content)});
  }
  std::stable_sort(conv.entries.begin(), conv.entries.end(),
                   [](const Entry& a, const Entry& b) { return a.at > b.at; });  // newest first
  return conv;
}

// The summary block's figures.
struct Summary {
  std::string started, ended, duration, counts;
  std::string owner;  // the conversation's owner's name
  bool has_owner = false;
  bool queue = false;  // the owner is a call queue
};

Summary Summarize(const json::object& log_info, const Conversation& conv, int64_t created,
                  std::optional<int64_t> updated, int offset) {
  Summary sum;
  auto date = [&](int64_t ms) { return st::format_moment(ms, offset, "dddd, MMMM DD, YYYY"); };
  auto clock = [&](int64_t ms) { return st::format_moment(ms, offset, "hh:mm A"); };
  sum.started = date(created) + " at " + clock(created);
  sum.ended = updated ? date(*updated) + " at " + clock(*updated) : "On-going at On-going";
  sum.duration = "On-going";
  if (updated) {
    const int64_t diff = *updated - created;  // moment's diff truncates toward zero
    sum.duration = std::to_string(diff / 86400000) + " d " + std::to_string(diff / 3600000) + " h";
  }
  if (conv.messages > 0) sum.counts = Plural(conv.messages, "message");
  if (conv.notes > 0) sum.counts += (sum.counts.empty() ? "" : ", ") + Plural(conv.notes, "note");
  if (sum.counts.empty()) sum.counts = "0 messages";
  const json::value* owner_v = js::get(log_info, "owner");
  sum.has_owner = owner_v && owner_v->is_object();
  sum.owner = js::text_or_empty(js::get(owner_v, "name"));
  std::string owner_lower = sum.owner;
  std::transform(owner_lower.begin(), owner_lower.end(), owner_lower.begin(), ::tolower);
  sum.queue = js::text_or_empty(js::get(owner_v, "extensionType")) == "Department" ||
              owner_lower.find("queue") != std::string::npos;
  return sum;
}

std::string HtmlBody(const Summary& sum, const Conversation& conv,
                     const std::string& contact_name) {
  std::string body = "<div><b>Conversation summary</b><br>Started: " + sum.started +
                     "<br>Ended: " + sum.ended + "<br>Duration: " + sum.duration +
                     "<br></div><br><div><b>Participants</b><ul><li>" + Escape(contact_name) +
                     " (customer)</li>";
  for (auto& a : conv.agents)
    body += "<li>" + Escape(a) + "</li>";
  body += "</ul></div>";
  if (sum.has_owner)
    body += sum.queue ? "<div>Receiving call queue: <b>" + Escape(sum.owner) +
                            "</b>, ext. &lt;extension&gt;</div><br>"
                      : "<div>Owner: <b>" + Escape(sum.owner) + "</b></div><br>";
  body += "<div><b>Conversation (" + sum.counts + ")</b></div><div>BEGIN</div><hr>";
  for (auto& e : conv.entries)
    body += e.content;
  return body + "<hr><div>END</div>";
}

// Plain text, or Markdown (`md`).
std::string TextBody(const Summary& sum, const Conversation& conv, const std::string& contact_name,
                     bool md) {
  std::string body = std::string(md ? "## " : "") +
                     "Conversation summary\nStarted: " + sum.started + "\nEnded: " + sum.ended +
                     "\nDuration: " + sum.duration + " \n\n" + (md ? "### " : "") +
                     "Participants\n* " + contact_name + " (customer)\n";
  for (auto& a : conv.agents)
    body += "* " + a + "\n";
  body += "\n";
  if (sum.has_owner) {
    if (sum.queue) {
      body += "Receiving call queue: " +
              (md ? "**" + sum.owner + "**, ext. \\<extension\\>" : sum.owner) + "\n\n";
    } else {
      body += "Owner: " + (md ? "**" + sum.owner + "**" : sum.owner) + "\n\n";
    }
  }
  body += std::string(md ? "### " : "") + "Conversation (" + sum.counts + ")\nBEGIN\n" +
          (md ? "---\n" : "------------\n");
  for (auto& e : conv.entries)
    body += e.content + "\n";
  return body + (md ? "---\n" : "------------\n") + "END";
}

}  // namespace

json::object ComposeSharedSms(LogFormat format, const json::object& log_info,
                              const std::string& contact_name, const json::value& timezone_offset,
                              int64_t now_ms) {
  const int offset = js::truthy(timezone_offset) ? st::utc_offset_minutes(timezone_offset) : 0;
  const json::value* created_v = log_info.if_contains("creationTime");
  const int64_t created = created_v ? st::parse_timestamp(*created_v).value_or(now_ms) : now_ms;
  std::optional<int64_t> updated;
  if (auto* ms = js::get(log_info, "messages"); ms && ms->is_array())
    for (auto& m : ms->get_array())
      if (auto* t = js::get(&m, "lastModifiedTime"))
        if (auto parsed = st::parse_timestamp(*t); parsed && (!updated || *parsed > *updated))
          updated = parsed;

  const Conversation conv = ReadEntities(format, log_info, contact_name, offset);
  const Summary sum = Summarize(log_info, conv, created, updated, offset);
  std::string subject = "SMS conversation with " + contact_name;
  std::string body;
  if (format == LogFormat::kHtml) {
    body = HtmlBody(sum, conv, contact_name);
  } else {
    const bool md = format == LogFormat::kMarkdown;
    if (md) subject = "**" + subject + "**";
    body = TextBody(sum, conv, contact_name, md);
  }
  return json::object{{"subject", std::move(subject)},
                      {"body", std::move(body)},
                      {"conversationCreatedDate", st::format_iso8601(created)}};
}

}  // namespace crmhost::contract
