// Shared-SMS conversation bodies in the three log formats.
#include <catch2/catch.hpp>

#include "contract/shared_sms.h"

namespace crmhost::contract {
namespace json = boost::json;

namespace {

json::object Conversation() {
  return json::object{
      {"creationTime", "2026-11-24T09:00:00Z"},
      {"owner", json::object{{"name", "Support Queue"}, {"extensionType", "Department"}}},
      {"messages",
       json::array{json::object{{"id", 1}, {"lastModifiedTime", "2026-11-24T11:30:00Z"}},
                   json::object{{"id", 2}, {"lastModifiedTime", "2026-11-24T10:00:00Z"}}}},
      {"entities", json::array{json::object{{"recordType", "ThreadCreatedHint"},
                                            {"creationTime", "2026-11-24T09:00:00Z"}},
                               json::object{{"recordType", "AliveMessage"},
                                            {"direction", "Inbound"},
                                            {"text", "Need <help>"},
                                            {"creationTime", "2026-11-24T09:01:00Z"}},
                               json::object{{"recordType", "ThreadAssignedHint"},
                                            {"assignee", json::object{{"name", "Grace"}}},
                                            {"creationTime", "2026-11-24T09:02:00Z"}},
                               json::object{{"recordType", "AliveMessage"},
                                            {"direction", "Outbound"},
                                            {"author", json::object{{"name", "Grace"}}},
                                            {"text", "On it"},
                                            {"creationTime", "2026-11-24T09:03:00Z"}},
                               json::object{{"recordType", "AliveNote"},
                                            {"initiator", json::object{{"name", "Alan"}}},
                                            {"body", "VIP"},
                                            {"creationTime", "2026-11-24T09:04:00Z"}}}}};
}

}  // namespace

TEST_CASE("shared SMS plain text body", "[shared_sms]") {
  auto out = ComposeSharedSms(LogFormat::kPlainText, Conversation(), "Ada", json::value(), 0);
  CHECK(out.at("subject") == "SMS conversation with Ada");
  CHECK(out.at("body") ==
        "Conversation summary\n"
        "Started: Tuesday, November 24, 2026 at 09:00 AM\n"
        "Ended: Tuesday, November 24, 2026 at 11:30 AM\n"
        "Duration: 0 d 2 h \n\n"
        "Participants\n* Ada (customer)\n* Grace\n* Alan\n\n"
        "Receiving call queue: Support Queue\n\n"
        "Conversation (2 messages, 1 note)\nBEGIN\n------------\n"
        "Alan left a note on 2026-11-24 09:04 AM:\nVIP\n\n"
        "Grace said on 2026-11-24 09:03 AM:\nOn it\n\n"
        "Conversation assigned to Grace\n\n"
        "Ada said on 2026-11-24 09:01 AM:\nNeed <help>\n\n"
        "------------\nEND");
  CHECK(out.at("conversationCreatedDate") == "2026-11-24T09:00:00.000Z");
}

TEST_CASE("shared SMS HTML escapes and markdown marks up", "[shared_sms]") {
  auto html = ComposeSharedSms(LogFormat::kHtml, Conversation(), "Ada & Co", json::value(), 0);
  const std::string body(html.at("body").as_string());
  CHECK(body.find("<li>Ada &amp; Co (customer)</li>") != std::string::npos);
  CHECK(body.find("<p><b>Ada &amp; Co</b> said on 2026-11-24 09:01 AM:<br>Need &lt;help&gt;</p>") !=
        std::string::npos);
  CHECK(body.find("Receiving call queue: <b>Support Queue</b>, ext. &lt;extension&gt;") !=
        std::string::npos);
  auto md = ComposeSharedSms(LogFormat::kMarkdown, Conversation(), "Ada", json::value("+02:00"), 0);
  CHECK(md.at("subject") == "**SMS conversation with Ada**");
  const std::string mbody(md.at("body").as_string());
  CHECK(mbody.rfind("## Conversation summary\nStarted: Tuesday, November 24, 2026 at 11:00 AM",
                    0) == 0);
  CHECK(mbody.find("**Grace** said on 2026-11-24 11:03 AM:\nOn it\n") != std::string::npos);
  CHECK(mbody.find("*Conversation assigned to **Grace***") != std::string::npos);
}

TEST_CASE("shared SMS without modification times is on-going", "[shared_sms]") {
  json::object c = Conversation();
  c.erase("messages");
  c.erase("owner");
  auto out = ComposeSharedSms(LogFormat::kPlainText, c, "Ada", json::value(), 0);
  const std::string body(out.at("body").as_string());
  CHECK(body.find("Ended: On-going at On-going\nDuration: On-going \n") != std::string::npos);
  CHECK(body.find("Owner") == std::string::npos);
}

}  // namespace crmhost::contract
