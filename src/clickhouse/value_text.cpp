#include "clickhouse/value_text.h"

#include <arpa/inet.h>

#include <charconv>
#include <cmath>
#include <cstdio>

#include "base/int_math.h"

namespace chview::clickhouse::detail {
namespace {

// Days since 1970-01-01 <-> civil date (proleptic Gregorian), after H. Hinnant.
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  if (m <= 2) ++y;
}

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool read_digits(std::string_view text, size_t& pos, size_t count, unsigned& out) {
  out = 0;
  for (size_t i = 0; i < count; ++i, ++pos) {
    if (pos >= text.size() || text[pos] < '0' || text[pos] > '9') return false;
    out = out * 10 + static_cast<unsigned>(text[pos] - '0');
  }
  return true;
}

constexpr auto kMaxDecimal = static_cast<__int128>(~static_cast<unsigned __int128>(0) >> 1);

// DateTime64 scales are 0..9 (the type parser rejects more).
int64_t pow10(uint32_t n) { return pow10_int(n < 18 ? n : 18); }

Status bad(std::string_view what, std::string_view text) {
  return invalid_argument("bad " + std::string(what) + " '" + std::string(text) + "'");
}

}  // namespace

std::string format_date(int64_t days) {
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", static_cast<long long>(y), m, d);
  return buf;
}

std::string format_datetime(int64_t seconds) {
  int64_t days = floor_div(seconds, 86400);
  int64_t rest = seconds - days * 86400;
  char buf[32];
  std::snprintf(buf, sizeof buf, " %02d:%02d:%02d", static_cast<int>(rest / 3600),
                static_cast<int>(rest / 60 % 60), static_cast<int>(rest % 60));
  return format_date(days) + buf;
}

std::string format_datetime64(int64_t ticks, uint32_t scale) {
  if (scale == 0) return format_datetime(ticks);
  const int64_t unit = pow10(scale);
  int64_t seconds = floor_div(ticks, unit);
  int64_t frac = ticks - seconds * unit;
  std::string digits = std::to_string(frac);
  std::string out = format_datetime(seconds);
  out += '.';
  out.append(scale - digits.size(), '0');
  return out.append(digits);
}

// Strings are built with append only: GCC 12 at -O2/-O3 reports false -Wrestrict
// errors for insert() and operator+ on short strings.
std::string format_int128(__int128 v) {
  if (v == 0) return "0";
  const bool negative = v < 0;
  unsigned __int128 u = negative ? -static_cast<unsigned __int128>(v) : v;
  char buf[48];
  char* p = buf + sizeof buf;
  while (u) {
    *--p = static_cast<char>('0' + static_cast<int>(u % 10));
    u /= 10;
  }
  if (negative) *--p = '-';
  return std::string(p, static_cast<size_t>(buf + sizeof buf - p));
}

std::string format_uint128(unsigned __int128 u) {
  if (u == 0) return "0";
  char buf[48];
  char* p = buf + sizeof buf;
  while (u) {
    *--p = static_cast<char>('0' + static_cast<int>(u % 10));
    u /= 10;
  }
  return std::string(p, static_cast<size_t>(buf + sizeof buf - p));
}

std::string format_ipv4(uint32_t address) {
  char buf[20];
  std::snprintf(buf, sizeof buf, "%u.%u.%u.%u", address >> 24, (address >> 16) & 255,
                (address >> 8) & 255, address & 255);
  return buf;
}

std::string format_ipv6(std::string_view bytes) {
  if (bytes.size() != 16) return std::string(bytes);
  char buf[INET6_ADDRSTRLEN];
  if (!inet_ntop(AF_INET6, bytes.data(), buf, sizeof buf)) return {};
  return buf;
}

std::string format_decimal(__int128 unscaled, uint32_t scale) {
  const std::string digits = format_int128(unscaled < 0 ? -unscaled : unscaled);
  std::string out;
  if (unscaled < 0) out += '-';
  if (scale == 0) return out.append(digits);
  if (digits.size() <= scale) {
    out += "0.";
    out.append(scale - digits.size(), '0');
    return out.append(digits);
  }
  out.append(digits, 0, digits.size() - scale);
  out += '.';
  return out.append(digits, digits.size() - scale, std::string::npos);
}

std::string format_uuid(__int128 value) {
  auto u = static_cast<unsigned __int128>(value);
  char buf[40];
  auto hi = static_cast<uint64_t>(u >> 64);
  auto lo = static_cast<uint64_t>(u);
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx",
                static_cast<unsigned long long>(hi >> 32),
                static_cast<unsigned long long>((hi >> 16) & 0xffff),
                static_cast<unsigned long long>(hi & 0xffff),
                static_cast<unsigned long long>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xffffffffffffULL));
  return buf;
}

namespace {

// ClickHouse prints floats like double-conversion's shortest form with fixed notation
// for decimal exponents in [-6, 21) and "1e300" / "1e-7" outside.
template <typename Float>
std::string format_floating(Float v) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  char buf[64];
  auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  std::string_view sci(buf, static_cast<size_t>(ptr - buf));  // "-d.ddde+XX"
  const bool negative = sci.front() == '-';
  if (negative) sci.remove_prefix(1);
  const size_t e = sci.find('e');
  std::string digits;
  for (char c : sci.substr(0, e)) {
    if (c != '.') digits += c;
  }
  int exponent = 0;
  std::string_view exp_text = sci.substr(e + 1);
  if (exp_text.front() == '+') exp_text.remove_prefix(1);
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exponent);
  std::string out;
  if (negative) out += '-';
  const int n = static_cast<int>(digits.size());
  if (exponent >= -6 && exponent < 21) {
    if (exponent < 0) {
      out += "0.";
      out.append(static_cast<size_t>(-exponent - 1), '0');
      out.append(digits);
    } else if (exponent + 1 >= n) {
      out.append(digits);
      out.append(static_cast<size_t>(exponent) + 1 - static_cast<size_t>(n), '0');
    } else {
      const size_t integral = static_cast<size_t>(exponent) + 1;  // exponent >= 0 here
      out.append(digits, 0, integral);
      out += '.';
      out.append(digits, integral, std::string::npos);
    }
    return out;
  }
  out += digits[0];
  if (n > 1) {
    out += '.';
    out.append(digits, 1, std::string::npos);
  }
  out += 'e';
  return out.append(std::to_string(exponent));
}

}  // namespace

std::string format_double(double v) { return format_floating(v); }
std::string format_float(float v) { return format_floating(v); }

Result<int64_t> parse_date(std::string_view text) {
  size_t pos = 0;
  unsigned y, m, d;
  if (!read_digits(text, pos, 4, y) || pos >= text.size() || text[pos++] != '-' ||
      !read_digits(text, pos, 2, m) || pos >= text.size() || text[pos++] != '-' ||
      !read_digits(text, pos, 2, d) || pos != text.size() || m < 1 || m > 12 || d < 1 || d > 31) {
    return bad("date (expected YYYY-MM-DD)", text);
  }
  return days_from_civil(y, m, d);
}

Result<int64_t> parse_datetime(std::string_view text) {
  if (text.size() != 19 || (text[10] != ' ' && text[10] != 'T')) {
    return bad("date-time (expected YYYY-MM-DD hh:mm:ss)", text);
  }
  CHVIEW_ASSIGN_OR_RETURN(int64_t days, parse_date(text.substr(0, 10)));
  size_t pos = 11;
  unsigned h, mi, s;
  if (!read_digits(text, pos, 2, h) || text[pos++] != ':' || !read_digits(text, pos, 2, mi) ||
      text[pos++] != ':' || !read_digits(text, pos, 2, s) || h > 23 || mi > 59 || s > 60) {
    return bad("date-time (expected YYYY-MM-DD hh:mm:ss)", text);
  }
  return static_cast<int64_t>(days) * 86400 + static_cast<int64_t>(h) * 3600 +
         static_cast<int64_t>(mi) * 60 + s;
}

Result<int64_t> parse_datetime64(std::string_view text, uint32_t scale) {
  CHVIEW_ASSIGN_OR_RETURN(int64_t seconds, parse_datetime(text.substr(0, 19)));
  int64_t frac = 0;
  if (text.size() > 19) {
    if (text[19] != '.') return bad("date-time", text);
    std::string_view digits = text.substr(20);
    if (digits.empty() || digits.size() > 9) return bad("date-time fraction", text);
    for (size_t i = 0; i < scale; ++i) {
      char c = i < digits.size() ? digits[i] : '0';
      if (c < '0' || c > '9') return bad("date-time fraction", text);
      frac = frac * 10 + (c - '0');
    }
  }
  return seconds * pow10(scale) + frac;
}

Result<__int128> parse_decimal(std::string_view text, uint32_t scale) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  __int128 value = 0;
  bool any = false, dot = false;
  uint32_t frac_digits = 0;
  for (char c : s) {
    if (c == '.' && !dot) {
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') return bad("decimal", text);
    any = true;
    if (dot && frac_digits == scale) continue;  // truncate extra fraction digits
    if (value > (kMaxDecimal - (c - '0')) / 10) return bad("decimal (overflow)", text);
    value = value * 10 + (c - '0');
    if (dot) ++frac_digits;
  }
  if (!any) return bad("decimal", text);
  for (; frac_digits < scale; ++frac_digits) {
    if (value > kMaxDecimal / 10) return bad("decimal (overflow)", text);
    value *= 10;
  }
  return negative ? -value : value;
}

Result<__int128> parse_uuid(std::string_view text) {
  unsigned __int128 value = 0;
  int digits = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '-' && (i == 8 || i == 13 || i == 18 || i == 23)) continue;
    int v = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (v < 0) return bad("UUID", text);
    value = (value << 4) | static_cast<unsigned>(v);
    ++digits;
  }
  if (digits != 32) return bad("UUID", text);
  return static_cast<__int128>(value);
}

Result<int64_t> parse_int(std::string_view text) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return bad("integer", text);
  return v;
}

Result<unsigned __int128> parse_uint128(std::string_view text) {
  if (text.empty()) return bad("UInt128", text);
  unsigned __int128 value = 0;
  constexpr auto kMax = ~static_cast<unsigned __int128>(0);
  for (char c : text) {
    if (c < '0' || c > '9') return bad("UInt128", text);
    const auto digit = static_cast<unsigned>(c - '0');
    if (value > (kMax - digit) / 10) return bad("UInt128 (overflow)", text);
    value = value * 10 + digit;
  }
  return value;
}

Result<uint32_t> parse_ipv4(std::string_view text) {
  in_addr address{};
  if (inet_pton(AF_INET, std::string(text).c_str(), &address) != 1) return bad("IPv4", text);
  return ntohl(address.s_addr);
}

Result<std::string> parse_ipv6(std::string_view text) {
  in6_addr address{};
  if (inet_pton(AF_INET6, std::string(text).c_str(), &address) != 1) return bad("IPv6", text);
  return std::string(reinterpret_cast<const char*>(&address), 16);
}

Result<uint64_t> parse_uint(std::string_view text) {
  uint64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return bad("unsigned integer", text);
  return v;
}

Result<double> parse_double(std::string_view text) {
  if (text == "nan") return std::nan("");
  if (text == "inf") return HUGE_VAL;
  if (text == "-inf") return -HUGE_VAL;
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return bad("number", text);
  return v;
}

}  // namespace chview::clickhouse::detail
