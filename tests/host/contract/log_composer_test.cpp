// The composed activity text must match the reference byte for byte (existing CRM records
// contain it); expected strings below follow the reference's rules item by item.
#include <catch2/catch.hpp>

#include "contract/log_composer.h"

using namespace crmhost::contract;
namespace json = boost::json;

namespace {

struct Call {
  json::value call_log = json::object{{"sessionId", "s-1"},
                                      {"direction", "Outbound"},
                                      {"startTime", "2026-01-02T03:04:05.000Z"},
                                      {"duration", 300},
                                      {"result", "Completed"}};
  json::value note = "Discussed renewal";
  json::value subject = "Renewal call";
  json::value recording = "https://recordings.example.test/r.wav";
  json::object settings;
  json::value offset;

  ComposeInput Input(LogFormat f, std::string existing = "") const {
    ComposeInput in;
    in.format = f;
    in.existing_body = std::move(existing);
    in.call_log = &call_log;
    in.user_settings = &settings;
    in.timezone_offset = &offset;
    in.note = &note;
    in.subject = &subject;
    in.start_time = &call_log.get_object().at("startTime");
    in.duration = &call_log.get_object().at("duration");
    in.result = &call_log.get_object().at("result");
    in.recording_link = &recording;
    return in;
  }
};

const std::string kHtml =
    "<b>Agent notes</b><br>Discussed renewal<br><br><b>Call details</b><br>"
    "<li><b>Summary</b>: Renewal call</li>"
    "<li><b>Date/time</b>: 2026-01-02 03:04:05 AM</li>"
    "<li><b>Duration</b>: 5 minutes</li>"
    "<li><b>Result</b>: Completed</li>"
    "<li><b>Call recording link</b>: <a target=\"_blank\" "
    "href=\"https://recordings.example.test/r.wav\">open</a></li>";

}  // namespace

TEST_CASE("composer: HTML body of a new call log", "[composer]") {
  Call c;
  CHECK(ComposeCallLog(c.Input(LogFormat::kHtml)) == kHtml);
}

TEST_CASE("composer: recomposing upserts, never duplicates", "[composer]") {
  Call c;
  CHECK(ComposeCallLog(c.Input(LogFormat::kHtml, kHtml)) == kHtml);
  for (auto f : {LogFormat::kPlainText, LogFormat::kMarkdown}) {
    std::string once = ComposeCallLog(c.Input(f));
    CHECK(ComposeCallLog(c.Input(f, once)) == once);
  }
}

TEST_CASE("composer: an update replaces the note and changed items, keeps CRM-side text",
          "[composer]") {
  Call c;
  c.note = "Renewal agreed";
  c.call_log.get_object()["duration"] = 310;
  std::string existing = kHtml + "<p>typed in the CRM</p>";
  std::string updated = ComposeCallLog(c.Input(LogFormat::kHtml, existing));
  CHECK(updated ==
        "<b>Agent notes</b><br>Renewal agreed<br><br><b>Call details</b><br>"
        "<li><b>Summary</b>: Renewal call</li>"
        "<li><b>Date/time</b>: 2026-01-02 03:04:05 AM</li>"
        "<li><b>Duration</b>: 5 minutes, 10 seconds</li>"
        "<li><b>Result</b>: Completed</li>"
        "<li><b>Call recording link</b>: <a target=\"_blank\" "
        "href=\"https://recordings.example.test/r.wav\">open</a></li>"
        "<p>typed in the CRM</p>");
}

TEST_CASE("composer: a recording that is not a URL yet shows (pending...) and goes before </ul>",
          "[composer]") {
  Call c;
  c.recording = "pending";
  ComposeInput in = c.Input(LogFormat::kHtml, "<ul><li>x</li></ul>");
  in.note = nullptr;
  in.subject = nullptr;
  in.start_time = nullptr;
  in.duration = nullptr;
  in.result = nullptr;
  json::value bare = json::object{};
  in.call_log = &bare;
  CHECK(ComposeCallLog(in) ==
        "<ul><li>x</li><li><b>Call recording link</b>: (pending...)</li></ul>");
}

TEST_CASE("composer: plain text and Markdown bodies", "[composer]") {
  Call c;
  CHECK(ComposeCallLog(c.Input(LogFormat::kPlainText)) ==
        "- Note: Discussed renewal\n"
        "- Summary: Renewal call\n"
        "- Date/Time: 2026-01-02 03:04:05 AM\n"
        "- Duration: 5 minutes\n"
        "- Result: Completed\n"
        "- Call recording link: https://recordings.example.test/r.wav\n");
  CHECK(ComposeCallLog(c.Input(LogFormat::kMarkdown)) ==
        "## Agent notes\nDiscussed renewal\n\n## Call details\n"
        "**Summary**: Renewal call\n"
        "**Date/Time**: 2026-01-02 03:04:05 AM\n"
        "**Duration**: 5 minutes\n"
        "**Result**: Completed\n"
        "**Call recording link**: https://recordings.example.test/r.wav\n");
}

TEST_CASE("composer: user settings switch items off and the offset moves the time", "[composer]") {
  Call c;
  c.settings["addCallLogNote"] = json::object{{"value", false}};
  c.settings["addCallLogDuration"] = json::object{{"value", false}};
  c.settings["addCallSessionId"] = json::object{{"value", true}};
  c.offset = "+05:30";
  std::string body = ComposeCallLog(c.Input(LogFormat::kPlainText));
  CHECK(body.find("Note:") == std::string::npos);
  CHECK(body.find("Duration") == std::string::npos);
  CHECK(body.find("- Session Id: s-1\n") == 0);
  CHECK(body.find("- Date/Time: 2026-01-02 08:34:05 AM") != std::string::npos);
  c.offset = -5;  // small numbers are hours (moment's utcOffset rule)
  CHECK(
      ComposeCallLog(c.Input(LogFormat::kPlainText)).find("- Date/Time: 2026-01-01 10:04:05 PM") !=
      std::string::npos);
}

TEST_CASE("composer: AI notes, transcripts and the call journey as sections", "[composer]") {
  Call c;
  json::value ai = "Customer wants a quote\n\n";
  json::value transcript = "A: hello\nB: hi";
  c.call_log.get_object()["legs"] =
      json::array{json::object{{"direction", "Outbound"},
                               {"from", json::object{{"phoneNumber", "+14155550100"},
                                                     {"extensionNumber", "101"},
                                                     {"name", "Jane"}}}},
                  json::object{{"direction", "Outbound"},
                               {"legType", "PstnToSip"},
                               {"duration", 42},
                               {"to", json::object{{"phoneNumber", "+14155550199"}}}}};
  ComposeInput in = c.Input(LogFormat::kHtml);
  in.ai_note = &ai;
  in.transcript = &transcript;
  std::string body = ComposeCallLog(in);
  CHECK(body.find("<div><b>AI Note</b><br>Customer wants a quote</div><br>") != std::string::npos);
  CHECK(body.find("<div><b>Transcript</b><br>A: hello<br>B: hi</div><br>") != std::string::npos);
  CHECK(body.find("<div><b>Call journey</b><br>Made call from Jane, +14155550100, ext 101<br>"
                  "Transferred to +14155550199, duration: 42 seconds</div>") != std::string::npos);
  CHECK(ComposeCallLog(c.Input(LogFormat::kHtml, body)) == body);  // sections upsert too

  in = c.Input(LogFormat::kPlainText);
  in.ai_note = &ai;
  std::string plain = ComposeCallLog(in);
  CHECK(plain.find("\n- AI Note:\nCustomer wants a quote\n--- END\n") != std::string::npos);
  json::value ai2 = "Quote sent";
  in.ai_note = &ai2;
  in.existing_body = plain;
  std::string plain2 = ComposeCallLog(in);
  CHECK(plain2.find("- AI Note:\nQuote sent\n--- END") != std::string::npos);
  CHECK(plain2.find("Customer wants") == std::string::npos);
}

TEST_CASE("composer: a megabyte transcript composes without trouble", "[composer]") {
  Call c;
  std::string big;
  for (int i = 0; i < 20000; ++i)
    big += "Speaker " + std::to_string(i % 2) + ": words words words\n";
  json::value transcript(big);
  // The reference's plain-text recording-link item swallows the blank line before a following
  // section on the first update, and Markdown sections at the very end gain a newline per
  // update; so check that HTML is stable at once and plain text from the second pass on.
  for (auto f : {LogFormat::kHtml, LogFormat::kPlainText}) {
    ComposeInput in = c.Input(f);
    in.transcript = &transcript;
    std::string once = ComposeCallLog(in);
    in.existing_body = once;
    std::string twice = ComposeCallLog(in);
    in.existing_body = twice;
    CHECK(ComposeCallLog(in) == twice);
    if (f == LogFormat::kHtml) CHECK(twice == once);
    CHECK(twice.find("Speaker 1: words words words") != std::string::npos);
    CHECK(twice.size() > big.size());
    CHECK(twice.size() < big.size() * 2);  // the transcript is there once
  }
}

TEST_CASE("composer: duration text", "[composer]") {
  CHECK(DurationText(json::value(0)) == "0 seconds");
  CHECK(DurationText(json::value(1)) == "1 second");
  CHECK(DurationText(json::value(61)) == "1 minute, 1 second");
  CHECK(DurationText(json::value(3723)) == "1 hour, 2 minutes, 3 seconds");
  CHECK(DurationText(json::value(7200)) == "2 hours");
  CHECK(DurationText(json::value("300")) == "5 minutes");
  CHECK(DurationText(json::value("pending")) == "pending");
  CHECK(DurationText(json::value(nullptr)) == "0 seconds");
}
