// crmhost/sdk/time.hpp -- timestamps the way App Connect data carries them.
//
// RingCentral sends call start times as epoch milliseconds or ISO 8601 text; CRMs want ISO
// 8601 UTC ("2026-01-02T03:04:05.000Z"); log text is formatted with moment.js patterns
// ("YYYY-MM-DD hh:mm:ss A") in a user's UTC offset. These helpers do exactly that, with no
// time-zone database: offsets are fixed minutes. Header-only; pure; thread-safe.
#ifndef CRMHOST_SDK_TIME_HPP
#define CRMHOST_SDK_TIME_HPP

#include <boost/json.hpp>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

#include "crmhost/sdk/js.hpp"

namespace crmhost::sdk::time {

namespace json = boost::json;

struct Civil {
  int64_t year;
  int month;  // 1-12
  int day;    // 1-31
  int hour, minute, second, millisecond;
  int weekday;  // 0 = Sunday
};

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
inline int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

inline Civil to_civil(int64_t ms) {
  int64_t days = ms >= 0 ? ms / 86400000 : (ms - 86399999) / 86400000;
  int64_t rem = ms - days * 86400000;
  Civil c{};
  c.hour = int(rem / 3600000);
  c.minute = int(rem / 60000 % 60);
  c.second = int(rem / 1000 % 60);
  c.millisecond = int(rem % 1000);
  c.weekday = int(((days % 7) + 11) % 7);  // 1970-01-01 was a Thursday
  const int64_t z = days + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  c.day = int(doy - (153 * mp + 2) / 5 + 1);
  c.month = int(mp < 10 ? mp + 3 : mp - 9);
  c.year = yoe + era * 400 + (c.month <= 2);
  return c;
}

// Parses ISO 8601 text: "2026-01-02", "2026-01-02T03:04:05", with optional ".sss" fraction
// and "Z" / "+hh:mm" / "+hhmm" offset; a space may replace the "T". Text without an offset is
// read as UTC. Returns epoch milliseconds.
inline std::optional<int64_t> parse_iso8601(std::string_view s) {
  auto digits = [&](size_t pos, size_t n, int64_t& out) {
    if (pos + n > s.size()) return false;
    out = 0;
    for (size_t i = pos; i < pos + n; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  int64_t y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
  if (!digits(0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(5, 2, mo) || s[7] != '-' ||
      !digits(8, 2, d))
    return std::nullopt;
  size_t p = 10;
  int64_t offset_min = 0;
  if (p < s.size() && (s[p] == 'T' || s[p] == 't' || s[p] == ' ')) {
    if (!digits(p + 1, 2, h) || p + 3 >= s.size() || s[p + 3] != ':' || !digits(p + 4, 2, mi))
      return std::nullopt;
    p += 6;
    if (p < s.size() && s[p] == ':') {
      if (!digits(p + 1, 2, sec)) return std::nullopt;
      p += 3;
      if (p < s.size() && (s[p] == '.' || s[p] == ',')) {
        ++p;
        int64_t scale = 100;
        size_t start = p;
        while (p < s.size() && s[p] >= '0' && s[p] <= '9') {
          ms += (s[p] - '0') * scale;
          scale /= 10;
          ++p;
        }
        if (p == start) return std::nullopt;
      }
    }
    if (p < s.size()) {
      if (s[p] == 'Z' || s[p] == 'z') {
        ++p;
      } else if (s[p] == '+' || s[p] == '-') {
        int sign = s[p] == '-' ? -1 : 1;
        int64_t oh, om = 0;
        if (!digits(p + 1, 2, oh)) return std::nullopt;
        p += 3;
        if (p < s.size() && s[p] == ':') ++p;
        if (p < s.size()) {
          if (!digits(p, 2, om)) return std::nullopt;
          p += 2;
        }
        offset_min = sign * (oh * 60 + om);
      }
    }
  }
  if (p != s.size()) return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 24 || mi > 59 || sec > 60) return std::nullopt;
  int64_t days = days_from_civil(y, int(mo), int(d));
  return days * 86400000 + h * 3600000 + mi * 60000 + sec * 1000 + ms - offset_min * 60000;
}

// moment(v): epoch milliseconds for numbers, ISO 8601 for strings; nullopt otherwise.
inline std::optional<int64_t> parse_timestamp(const json::value& v) {
  // Beyond the year +-275760 (JavaScript's Date range) a number is no time at all; converting a
  // larger double to int64 would be undefined behaviour, and later arithmetic could overflow.
  constexpr double kMaxMs = 8.64e15;
  if (v.is_int64())
    return v.get_int64() >= -int64_t(kMaxMs) && v.get_int64() <= int64_t(kMaxMs)
               ? std::optional<int64_t>(v.get_int64())
               : std::nullopt;
  if (v.is_uint64())
    return v.get_uint64() <= uint64_t(kMaxMs) ? std::optional<int64_t>(int64_t(v.get_uint64()))
                                              : std::nullopt;
  if (v.is_double()) {
    const double d = v.get_double();
    if (!std::isfinite(d) || std::fabs(d) > kMaxMs) return std::nullopt;
    return int64_t(d);
  }
  if (v.is_string()) return parse_iso8601(v.get_string());
  return std::nullopt;
}

// "2026-01-02T03:04:05.000Z" (Date.prototype.toISOString).
inline std::string format_iso8601(int64_t ms) {
  Civil c = to_civil(ms);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-%02dT%02d:%02d:%02d.%03dZ", (long long)c.year,
                c.month, c.day, c.hour, c.minute, c.second, c.millisecond);
  return buf;
}

// moment's utcOffset(x) rule: "+05:30" text as hours:minutes; numbers (or numeric text)
// between -16 and 16 are hours, anything larger is minutes. Unusable input is 0.
inline int utc_offset_minutes(const json::value& v) {
  if (v.is_string()) {
    std::string_view s = v.get_string();
    if (s.find(':') != std::string_view::npos) {
      int sign = 1;
      size_t p = 0;
      if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
        sign = s[0] == '-' ? -1 : 1;
        p = 1;
      }
      int h = 0, m = 0;
      if (std::sscanf(std::string(s.substr(p)).c_str(), "%d:%d", &h, &m) != 2) return 0;
      return sign * (h * 60 + m);
    }
  }
  double n = js::to_number(v);
  if (std::isnan(n)) return 0;
  if (std::fabs(n) < 16) n *= 60;
  return int(std::lround(n));
}

namespace detail {

inline constexpr const char* kMonths[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};
inline constexpr const char* kDays[] = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                        "Thursday", "Friday", "Saturday"};

inline std::string two_digits(int v) {
  char b[16];
  std::snprintf(b, sizeof b, "%02d", v);
  return std::string(b);
}

// moment's "Z" (colon = true, "+09:30") and "ZZ" ("+0930").
inline std::string format_offset(int offset_minutes, bool colon) {
  int a = offset_minutes < 0 ? -offset_minutes : offset_minutes;
  return std::string(offset_minutes < 0 ? "-" : "+") + two_digits(a / 60) + (colon ? ":" : "") +
         two_digits(a % 60);
}

// English ordinal suffix: 11th-13th are the exceptions to 1st, 2nd, 3rd.
inline const char* ordinal_suffix(int d) {
  return (d % 100 >= 11 && d % 100 <= 13) ? "th"
         : d % 10 == 1                    ? "st"
         : d % 10 == 2                    ? "nd"
         : d % 10 == 3                    ? "rd"
                                          : "th";
}

// Consumes `tok` at pattern[i]. Callers try longer tokens first ("MMMM" before "MM"), as
// moment does, so the longest token wins.
inline bool take_token(std::string_view pattern, size_t& i, std::string_view tok) {
  if (pattern.substr(i, tok.size()) == tok) {
    i += tok.size();
    return true;
  }
  return false;
}

// "[text]" is copied without its brackets; an unclosed "[" is ordinary text.
inline bool take_literal(std::string_view pattern, size_t& i, std::string& out) {
  if (pattern[i] != '[') return false;
  size_t close = pattern.find(']', i);
  if (close == std::string_view::npos) return false;
  out.append(pattern.substr(i + 1, close - i - 1));
  i = close + 1;
  return true;
}

// The year, month and day tokens: YYYY YY MMMM MMM MM M Do DD D dddd ddd.
inline bool take_date_token(std::string_view pattern, size_t& i, const Civil& c, std::string& out) {
  auto take = [&](std::string_view tok) { return take_token(pattern, i, tok); };
  if (take("YYYY")) {
    char b[16];
    std::snprintf(b, sizeof b, "%04lld", (long long)c.year);
    out += b;
  } else if (take("YY")) {
    out += two_digits(int(((c.year % 100) + 100) % 100));
  } else if (take("MMMM")) {
    out += kMonths[c.month - 1];
  } else if (take("MMM")) {
    out += std::string(kMonths[c.month - 1]).substr(0, 3);
  } else if (take("MM")) {
    out += two_digits(c.month);
  } else if (take("M")) {
    out += std::to_string(c.month);
  } else if (take("Do")) {
    out += std::to_string(c.day) + ordinal_suffix(c.day);
  } else if (take("DD")) {
    out += two_digits(c.day);
  } else if (take("D")) {
    out += std::to_string(c.day);
  } else if (take("dddd")) {
    out += kDays[c.weekday];
  } else if (take("ddd")) {
    out += std::string(kDays[c.weekday]).substr(0, 3);
  } else {
    return false;
  }
  return true;
}

// The time-of-day and offset tokens: HH H hh h mm m ss s SSS A a ZZ Z.
inline bool take_time_token(std::string_view pattern, size_t& i, const Civil& c, int offset_minutes,
                            std::string& out) {
  auto take = [&](std::string_view tok) { return take_token(pattern, i, tok); };
  const int h12 = c.hour % 12 == 0 ? 12 : c.hour % 12;
  if (take("HH")) {
    out += two_digits(c.hour);
  } else if (take("H")) {
    out += std::to_string(c.hour);
  } else if (take("hh")) {
    out += two_digits(h12);
  } else if (take("h")) {
    out += std::to_string(h12);
  } else if (take("mm")) {
    out += two_digits(c.minute);
  } else if (take("m")) {
    out += std::to_string(c.minute);
  } else if (take("ss")) {
    out += two_digits(c.second);
  } else if (take("s")) {
    out += std::to_string(c.second);
  } else if (take("SSS")) {
    char b[8];
    std::snprintf(b, sizeof b, "%03d", c.millisecond);
    out += b;
  } else if (take("A")) {
    out += c.hour < 12 ? "AM" : "PM";
  } else if (take("a")) {
    out += c.hour < 12 ? "am" : "pm";
  } else if (take("ZZ")) {
    out += format_offset(offset_minutes, false);
  } else if (take("Z")) {
    out += format_offset(offset_minutes, true);
  } else {
    return false;
  }
  return true;
}

}  // namespace detail

// Formats like moment(ms).utcOffset(offset_minutes).format(pattern). Supported tokens:
// YYYY YY MMMM MMM MM M Do DD D dddd ddd HH H hh h mm m ss s SSS A a ZZ Z; [text] is literal.
inline std::string format_moment(int64_t ms, int offset_minutes, std::string_view pattern) {
  const Civil c = to_civil(ms + int64_t(offset_minutes) * 60000);
  std::string out;
  size_t i = 0;
  while (i < pattern.size()) {
    if (detail::take_literal(pattern, i, out)) continue;
    if (!detail::take_date_token(pattern, i, c, out) &&
        !detail::take_time_token(pattern, i, c, offset_minutes, out))
      out += pattern[i++];
  }
  return out;
}

}  // namespace crmhost::sdk::time

#endif  // CRMHOST_SDK_TIME_HPP
