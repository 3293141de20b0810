// crmhost/sdk/phone.hpp -- E.164 phone numbers as CRM searches need them.
//
// RingCentral hands connectors E.164 numbers ("+14155551234"); many CRMs store them without the
// country code ("4155551234"), so connectors search by the national significant number. Parse()
// splits the country calling code (ITU E.164 code list) from the national number and applies a
// plausibility check: 8-15 digits in all and, for NANP (+1), a 10-digit number whose area code
// and exchange start with 2-9. It is deliberately simpler than libphonenumber: numbers that
// fail the check are searched as given, which is what connectors do with unparseable input.
// Header-only; pure; thread-safe.
#ifndef CRMHOST_SDK_PHONE_HPP
#define CRMHOST_SDK_PHONE_HPP

#include <string>
#include <string_view>
#include <vector>

namespace crmhost::sdk::phone {

struct Number {
  bool valid = false;
  std::string country_code;  // "1", "44", ...
  std::string significant;   // national significant number: "4155551234"
};

inline size_t CountryCodeLength(std::string_view digits) {
  static constexpr std::string_view kTwoDigit[] = {
      "20", "27", "30", "31", "32", "33", "34", "36", "39", "40", "41", "43", "44", "45", "46",
      "47", "48", "49", "51", "52", "53", "54", "55", "56", "57", "58", "60", "61", "62", "63",
      "64", "65", "66", "81", "82", "84", "86", "90", "91", "92", "93", "94", "95", "98"};
  if (digits.empty()) return 0;
  if (digits[0] == '1' || digits[0] == '7') return 1;
  if (digits.size() >= 2)
    for (auto cc : kTwoDigit)
      if (digits.substr(0, 2) == cc) return 2;
  return 3;
}

// Accepts "+<digits>" with optional spaces, dashes, dots and parentheses.
inline Number Parse(std::string_view text) {
  Number n;
  size_t i = 0;
  while (i < text.size() && text[i] == ' ')
    ++i;
  if (i >= text.size() || text[i] != '+') return n;
  std::string digits;
  for (++i; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      digits.push_back(c);
    } else if (c != ' ' && c != '-' && c != '.' && c != '(' && c != ')') {
      return n;
    }
  }
  if (digits.size() < 8 || digits.size() > 15) return n;
  size_t cc = CountryCodeLength(digits);
  n.country_code = digits.substr(0, cc);
  n.significant = digits.substr(cc);
  if (n.country_code == "1") {
    n.valid = n.significant.size() == 10 && n.significant[0] >= '2' && n.significant[3] >= '2';
  } else {
    n.valid = n.significant.size() >= 4 && n.significant[0] != '0';
  }
  return n;
}

// A phone number from a query string: a "+" arrives decoded as a space, so the first space
// becomes "+" again ("%2B1415..." and "+1415..." both reach the connector as "+1415...").
inline std::string FromQuery(std::string text) {
  if (auto sp = text.find(' '); sp != std::string::npos) text[sp] = '+';
  return text;
}

// The numbers to search for `significant` under the client's overridingFormat: the number
// itself when the format list is empty, else one string per comma-separated format with each
// '*' or '#' replaced, left to right, by the next digit (one leading space of a format is
// dropped; placeholders beyond the digits stay as they are).
inline std::vector<std::string> Formatted(const std::string& significant,
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
