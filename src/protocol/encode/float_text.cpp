#include "protocol/encode/float_text.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string_view>

namespace chview::protocol::encode {
namespace {

// The shortest round-trip digits of |value| and the decimal exponent of the first
// digit: value = 0.d1d2d3… × 10^point (so 4.0 → "4", point 1; 0.001 → "1", point -2).
struct Digits {
  std::string digits;
  int point = 0;
  bool negative = false;
};

Digits shortest_digits(double value) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, std::chars_format::scientific);
  (void)ec;  // 64 bytes always suffice for a double
  std::string_view text(buf, end - buf);
  Digits d;
  if (!text.empty() && text.front() == '-') {
    d.negative = true;
    text.remove_prefix(1);
  }
  size_t e = text.find('e');
  std::string_view mantissa = text.substr(0, e);
  int exponent = std::atoi(std::string(text.substr(e + 1)).c_str());
  for (char c : mantissa) {
    if (c != '.') d.digits.push_back(c);
  }
  // Shortest digits never end in zeros, except the single digit of 0.
  while (d.digits.size() > 1 && d.digits.back() == '0') d.digits.pop_back();
  d.point = exponent + 1;
  return d;
}

void append_exponent(std::string& out, int exponent, bool plus_sign) {
  if (exponent < 0) {
    out.push_back('-');
    exponent = -exponent;
  } else if (plus_sign) {
    out.push_back('+');
  }
  out += std::to_string(exponent);
}

// d1.d2d3…e±x
void append_scientific(std::string& out, const Digits& d, bool plus_sign) {
  out.push_back(d.digits[0]);
  if (d.digits.size() > 1) {
    out.push_back('.');
    out.append(d.digits, 1);
  }
  out.push_back('e');
  append_exponent(out, d.point - 1, plus_sign);
}

// Plain decimal notation; `integral_suffix` is appended when there is no fraction.
void append_decimal(std::string& out, const Digits& d, std::string_view integral_suffix) {
  int n = static_cast<int>(d.digits.size());
  if (d.point <= 0) {
    out += "0.";
    out.append(static_cast<size_t>(-d.point), '0');
    out += d.digits;
  } else if (d.point >= n) {
    out += d.digits;
    out.append(static_cast<size_t>(d.point - n), '0');
    out += integral_suffix;
  } else {
    out.append(d.digits, 0, static_cast<size_t>(d.point));
    out.push_back('.');
    out.append(d.digits, static_cast<size_t>(d.point));
  }
}

}  // namespace

void append_json_double(std::string& out, double value) {
  if (value == 0) {
    out += std::signbit(value) ? "-0.0" : "0.0";
    return;
  }
  Digits d = shortest_digits(value);
  if (d.negative) out.push_back('-');
  // RapidJSON's layout: decimal for 1e-6 <= |v| < 1e21, exponent form otherwise.
  if (d.point > -6 && d.point <= 21) {
    append_decimal(out, d, ".0");
  } else {
    append_scientific(out, d, /*plus_sign=*/false);
  }
}

void append_csv_double(std::string& out, double value) {
  if (value == 0) {
    out += std::signbit(value) ? "-0" : "0";
    return;
  }
  Digits d = shortest_digits(value);
  if (d.negative) out.push_back('-');
  // double-conversion ToShortest as configured by Arrow: decimal for scientific
  // exponents in [-6, 10), otherwise exponent form with an explicit sign.
  int exponent = d.point - 1;
  if (exponent >= -6 && exponent < 10) {
    append_decimal(out, d, "");
  } else {
    append_scientific(out, d, /*plus_sign=*/true);
  }
}

}  // namespace chview::protocol::encode
