// crmhost/sdk/text.hpp -- the small text helpers every CRM mapping needs: ASCII case folding and
// whitespace trimming (CRM field names, statuses and query keywords are ASCII where it matters;
// other bytes pass through). Header-only; pure; thread-safe.
#ifndef CRMHOST_SDK_TEXT_HPP
#define CRMHOST_SDK_TEXT_HPP

#include <cctype>
#include <string>
#include <string_view>

namespace crmhost::sdk::text {

// `s` without leading and trailing whitespace (JavaScript's trim() for ASCII whitespace).
inline std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front())))
    s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back())))
    s.remove_suffix(1);
  return s;
}

// ASCII letters lower-cased.
inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = char(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// ASCII letters upper-cased.
inline std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    c = char(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

}  // namespace crmhost::sdk::text

#endif  // CRMHOST_SDK_TEXT_HPP
