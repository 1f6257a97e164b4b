// Integer helpers for time and decimal scales, shared by the ClickHouse codec and ingest.
#pragma once

#include <cstdint>

namespace chview {

// 10^n for n in [0, 18].
constexpr int64_t pow10_int(uint32_t n) {
  int64_t r = 1;
  while (n-- > 0) r *= 10;
  return r;
}

// Division rounding toward negative infinity (timestamps before the epoch).
constexpr int64_t floor_div(int64_t a, int64_t b) {
  return a / b - static_cast<int64_t>((a % b != 0) && ((a < 0) != (b < 0)));
}

}  // namespace chview
