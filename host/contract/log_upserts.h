// The items of a composed call log (docs/API.md, "Composed log bodies"), each upserted into the
// body a CRM already holds: replaced where its labelled line or section is found, appended
// otherwise. One function per kind of item; each knows its markup in the three formats.
//
// Pure functions; thread-safe.
#ifndef CRMHOST_CONTRACT_LOG_UPSERTS_H
#define CRMHOST_CONTRACT_LOG_UPSERTS_H

#include <string>
#include <string_view>

#include "contract/log_composer.h"

namespace crmhost::contract::log_upserts {

// A "<li><b>Label</b>: value</li>" / "**Label**: value" / "- Label: value" item whose value
// replaces the old one.
struct SimpleItem {
  std::string_view html_label;
  std::string_view md_label;
  bool md_icase;
};

std::string UpsertSimple(std::string body, LogFormat f, const SimpleItem& item,
                         const std::string& value);
// Plain text: "- LABEL: value" replacing the rest of its line.
std::string UpsertPlainSimple(std::string body, std::string_view label, const std::string& value);
// Plain text: "- LABEL: value" where the old value runs to a newline or a '-'.
std::string UpsertDashFree(std::string body, std::string_view label, const std::string& value,
                           bool newline_on_replace);
// The "Agent notes" block, always first.
std::string UpsertNote(std::string body, LogFormat f, const std::string& note);
// Only a "(pending...)" placeholder is ever replaced; a real name is kept.
std::string UpsertUserName(std::string body, LogFormat f, const std::string& name);
// Recording, voicemail and ACE links; `pending_aware` links show "(pending...)" until they are
// URLs and go before the first </ul> in HTML.
std::string UpsertLink(std::string body, LogFormat f, std::string_view label,
                       const std::string& link, bool pending_aware);

// Multi-line sections: AI note, transcripts, summaries, call journey.
struct Section {
  std::string_view title;      // "AI Note"
  std::string_view plain_end;  // "--- END"
  bool html_trailing_br;       // append "<br>" after a new HTML block
  bool plain_leading_nl;       // a new plain block starts with "\n"
};

std::string UpsertSection(std::string body, LogFormat f, const Section& s,
                          const std::string& html_text, const std::string& text);

// Items whose plain-text form follows its own rule.
std::string UpsertDateTime(std::string body, LogFormat f, const std::string& when);
std::string UpsertCallScore(std::string body, LogFormat f, const std::string& score);
std::string UpsertBulletedSummary(std::string body, LogFormat f, const std::string& raw);

}  // namespace crmhost::contract::log_upserts

#endif  // CRMHOST_CONTRACT_LOG_UPSERTS_H
