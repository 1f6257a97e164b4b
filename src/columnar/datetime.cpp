#include "columnar/datetime.h"

#include <cstdio>

namespace chview::columnar {
namespace {

// Howard Hinnant's civil-from-days algorithm (public domain description).
void civil_from_days(int64_t z, int& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
}

bool is_leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(int y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap(y) ? 29 : kDays[m - 1];
}

// Reads exactly `n` digits at `pos`.
bool read_digits(std::string_view s, size_t& pos, size_t n, int& out) {
  if (pos + n > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < n; ++i) {
    char c = s[pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  pos += n;
  out = v;
  return true;
}

bool make_days(int y, int m, int d, int32_t& days) {
  if (m < 1 || m > 12 || d < 1 || static_cast<unsigned>(d) > days_in_month(y, m)) return false;
  days = days_from_civil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  return true;
}

// The date at the start of `s`: YYYY-MM-DD, YYYY/MM/DD or MM/DD/YYYY.
bool parse_date_prefix(std::string_view s, size_t& pos, int32_t& days) {
  int y = 0, m = 0, d = 0;
  size_t p = pos;
  if (read_digits(s, p, 4, y) && p < s.size() && (s[p] == '-' || s[p] == '/')) {
    const char sep = s[p++];
    if (!read_digits(s, p, 2, m) || p >= s.size() || s[p++] != sep || !read_digits(s, p, 2, d)) {
      return false;
    }
  } else {
    p = pos;
    if (!read_digits(s, p, 2, m) || p >= s.size() || s[p++] != '/' || !read_digits(s, p, 2, d) ||
        p >= s.size() || s[p++] != '/' || !read_digits(s, p, 4, y)) {
      return false;
    }
  }
  if (!make_days(y, m, d, days)) return false;
  pos = p;
  return true;
}

}  // namespace

int32_t days_from_civil(int y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int>(doe) - 719468;
}

int32_t days_from_ms(int64_t ms) {
  int64_t days = ms / 86400000;
  if (ms % 86400000 < 0) --days;
  return static_cast<int32_t>(days);
}

std::optional<int32_t> parse_date(std::string_view text) {
  size_t pos = 0;
  int32_t days = 0;
  if (!parse_date_prefix(text, pos, days) || pos != text.size()) return std::nullopt;
  return days;
}

std::optional<int64_t> parse_datetime(std::string_view text) {
  size_t pos = 0;
  int32_t days = 0;
  if (!parse_date_prefix(text, pos, days)) return std::nullopt;
  int64_t ms = static_cast<int64_t>(days) * 86400000;
  if (pos == text.size()) return ms;
  if (text[pos] != 'T' && text[pos] != 't' && text[pos] != ' ') return std::nullopt;
  ++pos;
  int hh = 0, mm = 0, ss = 0;
  if (!read_digits(text, pos, 2, hh) || pos >= text.size() || text[pos++] != ':' ||
      !read_digits(text, pos, 2, mm)) {
    return std::nullopt;
  }
  if (pos < text.size() && text[pos] == ':') {
    ++pos;
    if (!read_digits(text, pos, 2, ss)) return std::nullopt;
  }
  if (hh > 23 || mm > 59 || ss > 60) return std::nullopt;
  int64_t frac_ms = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    size_t digits = 0;
    int64_t scale = 100;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      frac_ms += (text[pos] - '0') * scale;  // digits beyond milliseconds are dropped
      scale /= 10;
      ++pos;
      ++digits;
    }
    if (digits == 0) return std::nullopt;
  }
  ms += (hh * 3600 + mm * 60 + ss) * int64_t{1000} + frac_ms;
  if (pos == text.size()) return ms;
  if (text[pos] == 'Z' || text[pos] == 'z')
    return pos + 1 == text.size() ? std::optional(ms) : std::nullopt;
  if (text[pos] != '+' && text[pos] != '-') return std::nullopt;
  const int sign = text[pos++] == '+' ? 1 : -1;
  int oh = 0, om = 0;
  if (!read_digits(text, pos, 2, oh)) return std::nullopt;
  if (pos < text.size() && text[pos] == ':') ++pos;
  if (pos < text.size() && !read_digits(text, pos, 2, om)) return std::nullopt;
  if (pos != text.size() || oh > 23 || om > 59) return std::nullopt;
  return ms - sign * (int64_t{oh} * 60 + om) * int64_t{60000};
}

std::string format_date(int32_t days) {
  int y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, y, m, d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, m, d);
  return buf;
}

std::string format_datetime(int64_t ms) {
  const int32_t days = days_from_ms(ms);
  int64_t rem = ms - static_cast<int64_t>(days) * 86400000;
  int y = 0;
  unsigned m = 0, d = 0;
  civil_from_days(days, y, m, d);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02d:%02d:%02d.%03d", y, m, d,
                static_cast<int>(rem / 3600000), static_cast<int>(rem / 60000 % 60),
                static_cast<int>(rem / 1000 % 60), static_cast<int>(rem % 1000));
  return buf;
}

}  // namespace chview::columnar
