#include "contract/log_composer.h"

#include <crmhost/sdk/js.hpp>
#include <crmhost/sdk/time.hpp>

#include <cmath>
#include <vector>

#include "contract/log_body_scan.h"
#include "contract/log_upserts.h"

namespace crmhost::contract {
namespace json = boost::json;
namespace js = crmhost::sdk::js;
using body_scan::ClearTrailingNewlines;
using namespace log_upserts;

namespace {

std::string Str(const json::value* v) {
  return v ? js::to_string(*v) : std::string();
}

const json::value* Field(const json::value* obj, std::string_view key) {
  return js::get(obj, key);
}

std::string PartyInfo(const json::value* info) {
  std::string phone = js::truthy(Field(info, "phoneNumber")) ? Str(Field(info, "phoneNumber")) : "";
  std::string ext =
      js::truthy(Field(info, "extensionNumber")) ? Str(Field(info, "extensionNumber")) : "";
  if (phone.empty() && ext.empty()) return "";
  std::string number = phone;
  if (!phone.empty() && !ext.empty()) number = phone + ", ext " + ext;
  if (phone.empty()) number = "ext " + ext;
  if (js::truthy(Field(info, "name"))) return Str(Field(info, "name")) + ", " + number;
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
      std::string d = dur ? js::to_string(*dur) : "undefined";
      const bool plural = dur && js::to_number(*dur) > 1;
      line = "Transferred to " + PartyInfo(party) + ", duration: " + d + " second" +
             (plural ? "s" : "");
    }
    if (i) out += '\n';
    out += line;
  }
  return out;
}

// The composition's inputs and the user's settings, which decide which items are written.
struct Composer {
  const ComposeInput& in;
  const json::object& settings;
  const LogFormat f;
  const json::value* call;
  std::string body;

  bool on(std::string_view id, bool fallback) const {
    return js::setting_enabled(settings, id, fallback);
  }
  std::string Simple(std::string_view label, const std::string& value, bool md_icase = false) {
    return f == LogFormat::kPlainText ? UpsertPlainSimple(body, label, value)
                                      : UpsertSimple(body, f, {label, label, md_icase}, value);
  }
  std::string DashFree(std::string_view label, const std::string& value) {
    return f == LogFormat::kPlainText ? UpsertDashFree(body, label, value, false)
                                      : UpsertSimple(body, f, {label, label, false}, value);
  }

  // Who and what: the agent's note, the session, the RingCentral user and number, the subject,
  // the contact's number.
  void AddParties() {
    const bool inbound = Str(Field(call, "direction")) == "Inbound";
    if (js::truthy(in.note) && on("addCallLogNote", true)) body = UpsertNote(body, f, Str(in.note));
    if (js::truthy(Field(call, "sessionId")) && on("addCallSessionId", false))
      body = Simple("Session Id", Str(Field(call, "sessionId")));
    const json::value* own_party = Field(call, inbound ? "to" : "from");
    if (on("addRingCentralUserName", false)) {
      const json::value* name = Field(own_party, "name");
      if (js::truthy(name)) body = UpsertUserName(body, f, Str(name));
    }
    if (const json::value* number = Field(own_party, "phoneNumber");
        js::truthy(number) && on("addRingCentralNumber", false)) {
      const json::value* ext = Field(Field(call, inbound ? "from" : "to"), "extensionNumber");
      body = Simple("RingCentral number and extension", Str(number) + " " + (ext ? Str(ext) : ""),
                    /*md_icase=*/true);
    }
    if (js::truthy(in.subject) && on("addCallLogSubject", true))
      body = Simple("Summary", Str(in.subject));
    if (const json::value* phone = Field(in.contact_info, "phoneNumber");
        js::truthy(phone) && on("addCallLogContactNumber", false)) {
      const bool outbound = Str(Field(call, "direction")) == "Outbound";
      std::string label = std::string(outbound ? "Recipient" : "Caller") + " phone number";
      body = f == LogFormat::kPlainText
                 ? UpsertDashFree(body, "Contact Number", Str(phone), true)
                 : UpsertSimple(body, f, {label, "Contact Number", false}, Str(phone));
    }
  }

  // When, how long, how it ended, and the recordings.
  void AddCallFacts() {
    const json::value* start = js::truthy(in.start_time) ? in.start_time : Field(call, "startTime");
    if (js::truthy(start) && on("addCallLogDateTime", true)) {
      if (auto ms = sdk::time::parse_timestamp(*start)) {
        int offset = 0;
        if (js::truthy(in.timezone_offset))
          offset = sdk::time::utc_offset_minutes(*in.timezone_offset);
        const json::value* fmt = js::get(js::get(settings, "logDateFormat"), "value");
        std::string pattern = fmt ? Str(fmt) : "";
        if (pattern.empty()) pattern = "YYYY-MM-DD hh:mm:ss A";
        body = UpsertDateTime(body, f, sdk::time::format_moment(*ms, offset, pattern));
      }
    }
    if (in.duration && on("addCallLogDuration", true))
      body = DashFree("Duration", DurationText(*in.duration));
    if (js::truthy(in.result) && on("addCallLogResult", true))
      body = DashFree("Result", Str(in.result));
    if (js::truthy(in.recording_link) && on("addCallLogRecording", true))
      body = UpsertLink(body, f, "Call recording link", Str(in.recording_link), true);
    if (js::truthy(in.voicemail_link) && on("addCallLogRecording", true))
      body = UpsertLink(body, f, "Voicemail recording link", Str(in.voicemail_link), true);
  }

  // AI notes, transcripts and RingSense (ACE) results.
  void AddInsights() {
    if (js::truthy(in.ai_note) && on("addCallLogAiNote", true)) {
      std::string cleared = ClearTrailingNewlines(Str(in.ai_note));
      body = UpsertSection(body, f, {"AI Note", "--- END", true, true}, cleared, cleared);
    }
    if (js::truthy(in.transcript) && on("addCallLogTranscript", true)) {
      std::string t = Str(in.transcript);
      body = UpsertSection(body, f, {"Transcript", "--- END", true, true}, t, t);
    }
    if (js::truthy(in.ring_sense_transcript) &&
        on("addCallLogRingSenseRecordingTranscript", true)) {
      std::string cleared = ClearTrailingNewlines(Str(in.ring_sense_transcript));
      body = UpsertSection(body, f, {"ACE transcript", "--- END", false, true}, cleared, cleared);
    }
    if (js::truthy(in.ring_sense_summary) && on("addCallLogRingSenseRecordingSummary", true)) {
      std::string raw = Str(in.ring_sense_summary);
      body = UpsertSection(body, f, {"ACE summary", "--- END", false, true},
                           ClearTrailingNewlines(raw), raw);
    }
    if (js::truthy(in.ring_sense_ai_score) && on("addCallLogRingSenseRecordingAIScore", true))
      body = UpsertCallScore(body, f, Str(in.ring_sense_ai_score));
    if (js::truthy(in.ring_sense_bulleted_summary) &&
        on("addCallLogRingSenseRecordingBulletedSummary", true))
      body = UpsertBulletedSummary(body, f, Str(in.ring_sense_bulleted_summary));
    if (js::truthy(in.ring_sense_link) && on("addCallLogRingSenseRecordingLink", true))
      body = UpsertLink(body, f, "ACE recording link", Str(in.ring_sense_link), false);
  }

  void AddJourney() {
    const json::value* legs = Field(call, "legs");
    if (!legs || !legs->is_array() || legs->get_array().empty() || !on("addCallLogLegs", true))
      return;
    std::string journey = LegsJourney(legs->get_array());
    body =
        UpsertSection(body, f, {"Call journey", "--- JOURNEY END", false, false}, journey, journey);
  }
};

}  // namespace

std::optional<LogFormat> ParseLogFormat(std::string_view mime) {
  if (mime == "text/plain") return LogFormat::kPlainText;
  if (mime == "text/html") return LogFormat::kHtml;
  if (mime == "text/markdown") return LogFormat::kMarkdown;
  return std::nullopt;
}

std::string DurationText(const json::value& v) {
  double secs = js::to_number(v);
  if (std::isnan(secs)) return js::to_string(v);
  const double hours = std::floor(secs / 3600);
  const double minutes = std::floor(std::fmod(secs, 3600) / 60);
  const double rest = std::fmod(secs, 60);
  std::vector<std::string> parts;
  if (hours > 0) parts.push_back(js::number_to_string(hours) + (hours > 1 ? " hours" : " hour"));
  if (minutes > 0)
    parts.push_back(js::number_to_string(minutes) + (minutes > 1 ? " minutes" : " minute"));
  if (rest > 0) parts.push_back(js::number_to_string(rest) + (rest == 1 ? " second" : " seconds"));
  if (parts.empty()) return "0 seconds";
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i)
    out += (i ? ", " : "") + parts[i];
  return out;
}

// The items go in the reference's order: a new item is appended, so the order decides where
// it lands in a fresh body.
std::string ComposeCallLog(const ComposeInput& in) {
  static const json::object kNoSettings;
  Composer c{.in = in,
             .settings = in.user_settings ? *in.user_settings : kNoSettings,
             .f = in.format,
             .call = in.call_log,
             .body = in.existing_body};
  c.AddParties();
  c.AddCallFacts();
  c.AddInsights();
  c.AddJourney();
  return std::move(c.body);
}

}  // namespace crmhost::contract
