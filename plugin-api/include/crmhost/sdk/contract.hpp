// crmhost/sdk/contract.hpp -- small pieces of the App Connect contract every CRM plugin needs:
// the returnMessage object, reading optional sub-objects of an operation's input, and the
// placeholder entry that lets a user create a contact from a lookup. Header-only; thread-safe.
#ifndef CRMHOST_SDK_CONTRACT_HPP
#define CRMHOST_SDK_CONTRACT_HPP

#include <boost/json.hpp>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "crmhost/sdk/js.hpp"

namespace crmhost::sdk::contract {

namespace json = boost::json;

// {message, messageType, ttl}: what the client shows (messageType success|warning|danger).
inline json::object return_message(std::string_view message, std::string_view type, int ttl) {
  return json::object{{"message", message}, {"messageType", type}, {"ttl", ttl}};
}

// in[key] when it is an object, else an empty object (inputs leave optional parts out).
inline const json::object& object_of(const json::object& in, std::string_view key) {
  static const json::object kEmpty;
  const json::value* v = in.if_contains(key);
  return v && v->is_object() ? v->get_object() : kEmpty;
}

// `${in[key]}` as a JavaScript template prints it: "undefined" when absent.
inline std::string text(const json::object& in, std::string_view key) {
  const json::value* v = in.if_contains(key);
  return v ? js::to_string(*v) : "undefined";
}

// in[key] or null.
inline json::value value_or(const json::object& in, std::string_view key,
                            json::value fallback = {}) {
  const json::value* v = in.if_contains(key);
  return v ? *v : fallback;
}

// The value of one user setting (user.userSettings.<id>.value), or null.
inline const json::value* user_setting(const json::object& user, std::string_view id) {
  return js::get(js::get(object_of(user, "userSettings"), id), "value");
}

// Server-side logging may log a call for another extension of the account
// (additionalSubmission.isAssignedToUser, adminAssignedUserRcId): the CRM user that extension
// maps to in the admin's user mappings (input adminConfig.userMappings), or null.
inline const json::value* assigned_crm_user(const json::object& in) {
  const json::object& submission = object_of(in, "additionalSubmission");
  if (!js::truthy(js::get(submission, "isAssignedToUser"))) return nullptr;
  const json::value* rc_id = js::get(submission, "adminAssignedUserRcId");
  const json::value* mappings = js::get(object_of(in, "adminConfig"), "userMappings");
  if (!rc_id || !mappings || !mappings->is_array()) return nullptr;
  const std::string wanted = js::to_string(*rc_id);
  for (auto& m : mappings->get_array()) {
    const json::value* ext = js::get(&m, "rcExtensionId");
    bool hit = false;
    if (ext && ext->is_array()) {
      for (auto& e : ext->get_array())
        hit = hit || js::to_string(e) == wanted;
    } else if (ext) {
      hit = js::to_string(*ext) == wanted;
    }
    if (hit) return js::get(&m, "crmUserId");
  }
  return nullptr;
}

// Whether a plain-text log body has a note line at all ("- Note: " or "- Agent notes: "): the
// reference's getCallLog leaves "note" out of its answer when it has none.
inline bool has_plain_text_note(const std::string& body) {
  return body.find("- Note: ") != std::string::npos ||
         body.find("- Agent notes: ") != std::string::npos;
}

// The agent's note in a plain-text log body the host composed: the text after "- Note: " (or
// "- Agent notes: ") up to the next "- Label:" line, trimmed; "" when there is none.
inline std::string plain_text_note(const std::string& body) {
  size_t at = std::string::npos, skip = 0;
  for (std::string_view label : {"- Note: ", "- Agent notes: "}) {
    const size_t p = body.find(label);
    if (p < at) at = p, skip = label.size();
  }
  if (at == std::string::npos) return "";
  const size_t begin = at + skip;
  size_t end = body.size();
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  for (size_t nl = body.find('\n', begin); nl != std::string::npos; nl = body.find('\n', nl + 1)) {
    size_t q = nl + 1;
    if (body.compare(q, 2, "- ") != 0 || q + 2 >= body.size() ||
        !(body[q + 2] >= 'A' && body[q + 2] <= 'Z'))
      continue;
    q += 3;
    while (q < body.size() && (alpha(body[q]) || body[q] == ' ' || body[q] == '/'))
      ++q;
    if (q < body.size() && body[q] == ':') {
      end = nl;
      break;
    }
  }
  std::string note = body.substr(begin, end - begin);
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!note.empty() && space(note.back()))
    note.pop_back();
  size_t lead = 0;
  while (lead < note.size() && space(note[lead]))
    ++lead;
  return note.substr(lead);
}

// getUserInfo's answer when the CRM would not say who the user is: `message` with the
// reference connectors' details text naming the CRM.
inline json::object login_failed(std::string_view crm, std::string_view message) {
  const std::string name(crm);
  json::object item{{"id", "1"},
                    {"type", "text"},
                    {"text", name +
                                 " was unable to fetch information for the currently logged in "
                                 "user. Please check your permissions in " +
                                 name +
                                 " and make sure you have permission to access and read user "
                                 "information."}};
  return json::object{
      {"successful", false},
      {"returnMessage",
       json::object{{"messageType", "warning"},
                    {"message", message},
                    {"details",
                     json::array{json::object{{"title", "Details"}, {"items", json::array{item}}}}},
                    {"ttl", 3000}}}};
}

// The last entry of a findContact answer: picking it opens the "create contact" form.
// additionalInfo is null as the reference connectors send it (clients compare whole documents);
// a plugin whose form needs options sets its own object.
inline json::object new_contact_placeholder() {
  return json::object{{"id", "createNewContact"},
                      {"name", "Create new contact..."},
                      {"additionalInfo", nullptr},
                      {"isNewContact", true}};
}

// "First Middle Last" -> {"First", "Middle Last"} (split at the first run of whitespace,
// trimmed); a single word is the first name.
inline std::pair<std::string, std::string> split_name(std::string_view name) {
  auto trim = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t'))
      s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t'))
      s.remove_suffix(1);
    return s;
  };
  name = trim(name);
  size_t sp = name.find_first_of(" \t");
  if (sp == std::string_view::npos) return {std::string(name), ""};
  return {std::string(name.substr(0, sp)), std::string(trim(name.substr(sp)))};
}

// The names of a group message's other correspondents (createMessageLog's `correspondents`,
// each an object or a one-element array of one), "Unknown" for one without a name.
inline std::vector<std::string> correspondent_names(const json::object& in) {
  std::vector<std::string> names;
  const json::value* cs = in.if_contains("correspondents");
  if (!cs || !cs->is_array()) return names;
  for (auto& c : cs->get_array()) {
    const json::value* who = c.is_array() && !c.get_array().empty() ? &c.get_array()[0] : &c;
    const json::value* n = js::get(who, "name");
    names.push_back(n ? js::to_string(*n) : std::string("Unknown"));
  }
  return names;
}

// A conversation log (one CRM record per conversation and day: updateMessageLog in
// docs/PLUGIN_ABI.md) grows by one message: `line` goes in before the log's end marker, and the
// "<head>N messages)" count goes up by one. A body without the markers is returned unchanged.
inline std::string append_conversation_message(std::string body, std::string_view line,
                                               std::string_view end_marker = "------------\nEND",
                                               std::string_view head = "Conversation(") {
  if (size_t at = body.find(end_marker); at != std::string::npos) body.insert(at, line);
  if (size_t at = body.find(head); at != std::string::npos) {
    const size_t num = at + head.size();
    const size_t close = body.find(" messages)", num);
    if (close != std::string::npos && close - num < 10)
      body.replace(num, close - num,
                   std::to_string(std::atoll(body.substr(num, close - num).c_str()) + 1));
  }
  return body;
}

}  // namespace crmhost::sdk::contract

#endif  // CRMHOST_SDK_CONTRACT_HPP
