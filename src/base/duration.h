// Durations written as people write them on a command line: "250ms", "3s", "1m", "2h",
// "1500us"; a bare number means milliseconds.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "base/status.h"

namespace chview {

Result<std::chrono::milliseconds> parse_duration(std::string_view text);
std::string format_duration(std::chrono::milliseconds d);

}  // namespace chview
