// crmhost/sdk/phone.hpp -- phone numbers as CRM searches need them.
//
// RingCentral hands connectors E.164 numbers ("+14155551234"); many CRMs store them without the
// country code ("4155551234"), so connectors search by the national significant number, but
// only when the number is valid. Validity, the significant number and the formats come from the
// host (crmh_host_api.phone_parse, ABI 1.2: Google's libphonenumber, as the reference's
// connectors use it): call sdk::Call::phone(text). This header holds the result type and the
// pure helpers around it. Header-only; pure; thread-safe.
#ifndef CRMHOST_SDK_PHONE_HPP
#define CRMHOST_SDK_PHONE_HPP

#include <crmhost/plugin.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace crmhost::sdk::phone {

// One number as the host read it (see crmh_phone_number for each field).
struct Number {
  bool parsed = false;    // the text reads as a phone number at all
  bool valid = false;     // CRMH_PHONE_VALID: a number some region assigns
  bool possible = false;  // CRMH_PHONE_POSSIBLE: its length fits its country
  int32_t country_code = 0;
  int32_t type = CRMH_PHONE_TYPE_UNKNOWN;  // with CRMH_PHONE_WANT_TYPE
  std::string region;                      // "US", "GB", "001"; empty when invalid
  std::string significant;                 // national significant number: "4155551234"
  std::string e164;                        // "+14155551234"
  std::string international;               // with CRMH_PHONE_WANT_FORMATS
  std::string national;                    // with CRMH_PHONE_WANT_FORMATS
};

// A phone number from a query string: a "+" arrives decoded as a space, so the first space
// becomes "+" again ("%2B1415..." and "+1415..." both reach the connector as "+1415...").
inline std::string from_query(std::string text) {
  if (auto sp = text.find(' '); sp != std::string::npos) text[sp] = '+';
  return text;
}

// The numbers to search for `significant` under the client's overridingFormat: the number
// itself when the format list is empty, else one string per comma-separated format with each
// '*' or '#' replaced, left to right, by the next digit (one leading space of a format is
// dropped; placeholders beyond the digits stay as they are).
inline std::vector<std::string> formatted(const std::string& significant,
                                          std::string_view formats) {
  if (formats.empty()) return {significant};
  std::vector<std::string> out;
  for (size_t pos = 0; pos <= formats.size();) {
    size_t comma = formats.find(',', pos);
    std::string_view f =
        formats.substr(pos, comma == std::string_view::npos ? formats.npos : comma - pos);
    if (!f.empty() && f[0] == ' ') f.remove_prefix(1);
    std::string s(f);
    size_t digit = 0;
    for (char& c : s)
      if ((c == '*' || c == '#') && digit < significant.size()) c = significant[digit++];
    out.push_back(std::move(s));
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return out;
}

}  // namespace crmhost::sdk::phone

#endif  // CRMHOST_SDK_PHONE_HPP
