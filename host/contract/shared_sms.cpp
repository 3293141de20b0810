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

  std::vector<std::string> agents;
  auto agent = [&](const json::value* v) {
    if (!js::truthy(v)) return;
    std::string n = js::to_string(*v);
    if (std::find(agents.begin(), agents.end(), n) == agents.end()) agents.push_back(n);
  };
  int messages = 0, notes = 0;
  std::vector<Entry> entries;
  const json::value* entities = js::get(log_info, "entities");
  if (entities && entities->is_array())
    for (auto& e : entities->get_array()) {
      agent(js::get(js::get(&e, "author"), "name"));
      agent(js::get(js::get(&e, "from"), "name"));
      agent(js::get(js::get(&e, "initiator"), "name"));
      agent(js::get(js::get(&e, "assignee"), "name"));
      const std::string type = js::text_or_empty(js::get(&e, "recordType"));
      const json::value* t = js::get(&e, "creationTime");
      const int64_t at = t ? st::parse_timestamp(*t).value_or(0) : 0;
      const std::string when = st::format_moment(at, offset, "YYYY-MM-DD hh:mm A");
      std::string content;
      if (type == "AliveMessage") {
        ++messages;
        const bool inbound = js::text_or_empty(js::get(&e, "direction")) == "Inbound";
        const std::string sender = inbound ? contact_name
                                           : FirstOf({js::get(js::get(&e, "author"), "name"),
                                                      js::get(js::get(&e, "from"), "name")},
                                                     "undefined");
        const std::string text = FirstOf({js::get(&e, "text"), js::get(&e, "subject")}, "");
        if (format == LogFormat::kHtml) {
          content =
              "<p><b>" + Escape(sender) + "</b> said on " + when + ":<br>" + Escape(text) + "</p>";
        } else if (format == LogFormat::kMarkdown) {
          content = "**" + sender + "** said on " + when + ":\n" + text + "\n";
        } else {
          content = sender + " said on " + when + ":\n" + text + "\n";
        }
      } else if (type == "AliveNote") {
        ++notes;
        const std::string author = FirstOf(
            {js::get(js::get(&e, "author"), "name"), js::get(js::get(&e, "initiator"), "name")},
            "Unknown");
        const std::string text = FirstOf({js::get(&e, "text"), js::get(&e, "body")}, "");
        if (format == LogFormat::kHtml) {
          content = "<p><b>" + Escape(author) + "</b> left a note on " + when + ":<br>" +
                    Escape(text) + "</p>";
        } else if (format == LogFormat::kMarkdown) {
          content = "**" + author + "** left a note on " + when + ":\n" + text + "\n";
        } else {
          content = author + " left a note on " + when + ":\n" + text + "\n";
        }
      } else if (type == "ThreadAssignedHint") {
        const std::string to = FirstOf({js::get(js::get(&e, "assignee"), "name")}, "Unknown");
        if (format == LogFormat::kHtml) {
          content = "<p><i>Conversation assigned to <b>" + Escape(to) + "</b></i></p>";
        } else if (format == LogFormat::kMarkdown) {
          content = "*Conversation assigned to **" + to + "***\n";
        } else {
          content = "Conversation assigned to " + to + "\n";
        }
      } else {
        continue;  // thread-created hints and unknown records are not shown
      }
      entries.push_back({at, std::move(content)});
    }
  std::stable_sort(entries.begin(), entries.end(),
                   [](const Entry& a, const Entry& b) { return a.at > b.at; });  // newest first

  auto date = [&](int64_t ms) { return st::format_moment(ms, offset, "dddd, MMMM DD, YYYY"); };
  auto clock = [&](int64_t ms) { return st::format_moment(ms, offset, "hh:mm A"); };
  const std::string started = date(created) + " at " + clock(created);
  const std::string ended =
      updated ? date(*updated) + " at " + clock(*updated) : "On-going at On-going";
  std::string duration = "On-going";
  if (updated) {
    const int64_t diff = *updated - created;  // moment's diff truncates toward zero
    duration = std::to_string(diff / 86400000) + " d " + std::to_string(diff / 3600000) + " h";
  }
  std::string counts;
  if (messages > 0) counts = Plural(messages, "message");
  if (notes > 0) counts += (counts.empty() ? "" : ", ") + Plural(notes, "note");
  if (counts.empty()) counts = "0 messages";

  const json::value* owner_v = js::get(log_info, "owner");
  const std::string owner = js::text_or_empty(js::get(owner_v, "name"));
  std::string owner_lower = owner;
  std::transform(owner_lower.begin(), owner_lower.end(), owner_lower.begin(), ::tolower);
  const bool queue = js::text_or_empty(js::get(owner_v, "extensionType")) == "Department" ||
                     owner_lower.find("queue") != std::string::npos;

  std::string subject = "SMS conversation with " + contact_name;
  std::string body;
  if (format == LogFormat::kHtml) {
    body = "<div><b>Conversation summary</b><br>Started: " + started + "<br>Ended: " + ended +
           "<br>Duration: " + duration + "<br></div><br><div><b>Participants</b><ul><li>" +
           Escape(contact_name) + " (customer)</li>";
    for (auto& a : agents)
      body += "<li>" + Escape(a) + "</li>";
    body += "</ul></div>";
    if (owner_v && owner_v->is_object())
      body += queue ? "<div>Receiving call queue: <b>" + Escape(owner) +
                          "</b>, ext. &lt;extension&gt;</div><br>"
                    : "<div>Owner: <b>" + Escape(owner) + "</b></div><br>";
    body += "<div><b>Conversation (" + counts + ")</b></div><div>BEGIN</div><hr>";
    for (auto& e : entries)
      body += e.content;
    body += "<hr><div>END</div>";
  } else {
    const bool md = format == LogFormat::kMarkdown;
    if (md) subject = "**" + subject + "**";
    body = std::string(md ? "## " : "") + "Conversation summary\nStarted: " + started +
           "\nEnded: " + ended + "\nDuration: " + duration + " \n\n" + (md ? "### " : "") +
           "Participants\n* " + contact_name + " (customer)\n";
    for (auto& a : agents)
      body += "* " + a + "\n";
    body += "\n";
    if (owner_v && owner_v->is_object()) {
      if (queue) {
        body +=
            "Receiving call queue: " + (md ? "**" + owner + "**, ext. \\<extension\\>" : owner) +
            "\n\n";
      } else {
        body += "Owner: " + (md ? "**" + owner + "**" : owner) + "\n\n";
      }
    }
    body += std::string(md ? "### " : "") + "Conversation (" + counts + ")\nBEGIN\n" +
            (md ? "---\n" : "------------\n");
    for (auto& e : entries)
      body += e.content + "\n";
    body += std::string(md ? "---\n" : "------------\n") + "END";
  }
  return json::object{{"subject", std::move(subject)},
                      {"body", std::move(body)},
                      {"conversationCreatedDate", st::format_iso8601(created)}};
}

}  // namespace crmhost::contract
