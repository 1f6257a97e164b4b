// JSON numbers as the reference reads them: Perspective parses JSON input with RapidJSON
// in its default (normal-precision) mode, which is not correctly rounded — e.g.
// -1.5e-300 becomes -1.4999999999999998e-300 — so its tables hold those values. This
// follows RapidJSON's Reader::ParseNumber (64-bit build) and StrtodNormalPrecision step
// by step: digits accumulate in an integer while they fit 2^53, then in a double (at
// most 17 significant digits), and the decimal exponent is applied with one
// multiplication or division by a power of ten.
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <limits>
#include <string>

#include "protocol/table_input.h"

namespace chview::protocol::detail {
namespace {

// RapidJSON's Pow10 table: the correctly rounded doubles 1e0 … 1e308.
double pow10(int n) {
  static const std::array<double, 309> table = [] {
    std::array<double, 309> t{};
    for (int i = 0; i <= 308; ++i)
      t[static_cast<size_t>(i)] = std::strtod(("1e" + std::to_string(i)).c_str(), nullptr);
    return t;
  }();
  return table[static_cast<size_t>(n)];
}

double fast_path(double significand, int exp) {
  if (exp < -308) return 0.0;
  if (exp >= 0) return significand * pow10(exp);
  return significand / pow10(-exp);
}

double normal_precision(double d, int p) {
  if (p < -308) return fast_path(fast_path(d, -308), p + 308);
  return fast_path(d, p);
}

}  // namespace

std::optional<double> reference_json_double(std::string_view s) {
  size_t p = 0;
  const auto digit = [&] { return p < s.size() && s[p] >= '0' && s[p] <= '9'; };
  const auto take = [&] { return static_cast<unsigned>(s[p++] - '0'); };
  const bool minus = p < s.size() && s[p] == '-';
  if (minus) ++p;
  if (!digit()) return std::nullopt;

  uint32_t i = 0;
  uint64_t i64 = 0;
  bool use64 = false;
  int significand_digits = 0;
  if (s[p] == '0') {
    ++p;
  } else {
    i = take();
    while (digit()) {
      const uint32_t limit = minus ? 214748364u : 429496729u;  // 2^31 / 10, 2^32 / 10
      const char last = minus ? '8' : '5';
      if (i >= limit && (i != limit || s[p] > last)) {
        i64 = i;
        use64 = true;
        break;
      }
      i = i * 10 + take();
      ++significand_digits;
    }
  }
  bool use_double = false;
  double d = 0.0;
  if (use64) {
    while (digit()) {
      const uint64_t limit = minus ? 922337203685477580ull : 1844674407370955161ull;
      const char last = minus ? '8' : '5';
      if (i64 >= limit && (i64 != limit || s[p] > last)) {
        d = static_cast<double>(i64);
        use_double = true;
        break;
      }
      i64 = i64 * 10 + take();
      ++significand_digits;
    }
  }
  if (use_double) {
    while (digit()) d = d * 10 + take();
  }

  int exp_frac = 0;
  if (p < s.size() && s[p] == '.') {
    ++p;
    if (!digit()) return std::nullopt;
    if (!use_double) {
      if (!use64) i64 = i;
      while (digit() && i64 <= (uint64_t{1} << 53) - 1) {
        i64 = i64 * 10 + take();
        --exp_frac;
        if (i64 != 0) ++significand_digits;
      }
      d = static_cast<double>(i64);
      use_double = true;
    }
    while (digit()) {
      if (significand_digits < 17) {
        d = d * 10.0 + take();
        --exp_frac;
        if (d > 0.0) ++significand_digits;
      } else {
        ++p;
      }
    }
  }

  int exp = 0;
  if (p < s.size() && (s[p] == 'e' || s[p] == 'E')) {
    ++p;
    if (!use_double) {
      d = static_cast<double>(use64 ? i64 : i);
      use_double = true;
    }
    bool exp_minus = false;
    if (p < s.size() && (s[p] == '+' || s[p] == '-')) exp_minus = s[p++] == '-';
    if (!digit()) return std::nullopt;
    exp = static_cast<int>(take());
    const int max_exp = exp_minus ? (exp_frac + 2147483639) / 10 : 308 - exp_frac;
    while (digit()) {
      exp = exp * 10 + static_cast<int>(take());
      if (exp > max_exp) {
        if (!exp_minus) return std::nullopt;  // RapidJSON: "Number too big"
        while (digit()) ++p;
      }
    }
    if (exp_minus) exp = -exp;
  }
  if (p != s.size()) return std::nullopt;
  if (!use_double) {  // an integer RapidJSON keeps as one
    const double v = static_cast<double>(use64 ? i64 : i);
    return minus ? -v : v;
  }
  d = normal_precision(d, exp + exp_frac);
  if (d > std::numeric_limits<double>::max()) return std::nullopt;  // "Number too big"
  return minus ? -d : d;
}

}  // namespace chview::protocol::detail
