// Byte encodings used across crmhost: base64 (standard and URL-safe, as JWT needs), hex,
// and lower-casing. Pure functions, thread-safe.
#ifndef CRMHOST_ENCODING_H
#define CRMHOST_ENCODING_H

#include <optional>
#include <string>
#include <string_view>

namespace crmhost {

std::string Base64Encode(std::string_view in);
std::string Base64UrlEncode(std::string_view in);  // no padding
// Accepts standard or URL-safe alphabets, with or without padding. nullopt on bad input.
std::optional<std::string> Base64Decode(std::string_view in);

std::string HexEncode(std::string_view in);
// JavaScript's encodeURIComponent (UTF-8 bytes; A-Z a-z 0-9 - _ . ! ~ * ' ( ) stay as they are).
std::string EncodeUriComponent(std::string_view in);
std::optional<std::string> HexDecode(std::string_view in);

std::string ToLower(std::string_view s);
bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace crmhost

#endif  // CRMHOST_ENCODING_H
