#include "base/duration.h"

#include <charconv>
#include <cmath>

namespace chview {

Result<std::chrono::milliseconds> parse_duration(std::string_view text) {
  if (text.empty()) return invalid_argument("empty duration");
  double value = 0;
  const char* begin = text.data();
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(begin, end, value);
  if (ec != std::errc() || value < 0) {
    return invalid_argument("bad duration '" + std::string(text) +
                            "' (expected e.g. 250ms, 3s, 1m)");
  }
  std::string_view unit(ptr, static_cast<size_t>(end - ptr));
  double ms = 0;
  if (unit.empty() || unit == "ms") {
    ms = value;
  } else if (unit == "us") {
    ms = value / 1000.0;
  } else if (unit == "s") {
    ms = value * 1000.0;
  } else if (unit == "m" || unit == "min") {
    ms = value * 60'000.0;
  } else if (unit == "h") {
    ms = value * 3'600'000.0;
  } else {
    return invalid_argument("bad duration unit '" + std::string(unit) + "' in '" +
                            std::string(text) + "' (use us, ms, s, m or h)");
  }
  return std::chrono::milliseconds(std::llround(ms));
}

std::string format_duration(std::chrono::milliseconds d) {
  auto ms = d.count();
  if (ms != 0 && ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms != 0 && ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms != 0 && ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

}  // namespace chview
