// Call-log body composition (docs/API.md): the labelled lines and sections crmhost
// writes into a CRM activity, in plain text, HTML or Markdown.
//
// Composition is an *upsert* over the body the CRM already holds: each item replaces its own
// labelled line/section when one exists and is appended otherwise, so repeated updates never
// duplicate lines and text the user added elsewhere survives. Labels, markup and the reference
// server's matching rules (including its quirks) are reproduced byte for byte, because existing
// CRM records contain them. The matchers are hand-written scans, not std::regex, so bodies with
// long transcripts cannot exhaust the stack.
//
// Pure functions; thread-safe.
#ifndef CRMHOST_CONTRACT_LOG_COMPOSER_H
#define CRMHOST_CONTRACT_LOG_COMPOSER_H

#include <boost/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace crmhost::contract {

enum class LogFormat { kPlainText, kHtml, kMarkdown };

// "text/plain", "text/html", "text/markdown"; nullopt for anything else (the connector then
// composes its own body and gets an empty composedLogDetails).
std::optional<LogFormat> ParseLogFormat(std::string_view mime);

// Inputs of one composition. A null pointer means "not supplied" (JavaScript undefined); a
// pointer to a JSON null is a supplied null. Only `duration` treats the two differently.
struct ComposeInput {
  LogFormat format = LogFormat::kPlainText;
  std::string existing_body;
  const boost::json::value* call_log = nullptr;      // sessionId, direction, from, to, legs, ...
  const boost::json::value* contact_info = nullptr;  // phoneNumber
  const boost::json::object* user_settings = nullptr;
  const boost::json::value* timezone_offset = nullptr;  // the user's, moment utcOffset rules
  const boost::json::value* note = nullptr;
  const boost::json::value* ai_note = nullptr;
  const boost::json::value* transcript = nullptr;
  const boost::json::value* recording_link = nullptr;
  const boost::json::value* voicemail_link = nullptr;
  const boost::json::value* subject = nullptr;
  const boost::json::value* start_time = nullptr;  // falls back to call_log.startTime
  const boost::json::value* duration = nullptr;
  const boost::json::value* result = nullptr;
  const boost::json::value* ring_sense_transcript = nullptr;
  const boost::json::value* ring_sense_summary = nullptr;
  const boost::json::value* ring_sense_ai_score = nullptr;
  const boost::json::value* ring_sense_bulleted_summary = nullptr;
  const boost::json::value* ring_sense_link = nullptr;
};

std::string ComposeCallLog(const ComposeInput& in);

// "1 hour, 2 minutes, 3 seconds"; "0 seconds"; non-numeric input is returned as text.
std::string DurationText(const boost::json::value& seconds);

}  // namespace crmhost::contract

#endif  // CRMHOST_CONTRACT_LOG_COMPOSER_H
