// Calendar helpers for DATE (days since epoch) and DATETIME (ms since epoch, UTC).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace chview::columnar {

int32_t days_from_civil(int year, unsigned month, unsigned day);
// "YYYY-MM-DD" (also "YYYY/MM/DD" and US "MM/DD/YYYY", which Perspective accepts);
// nullopt if malformed or not a real calendar date.
std::optional<int32_t> parse_date(std::string_view text);
// A parse_date() date, optionally followed by "[T ]HH:MM[:SS[.fraction]]" and "Z" or
// "±HH[:MM]" (no zone = UTC); a bare date is midnight UTC.
std::optional<int64_t> parse_datetime(std::string_view text);
// "YYYY-MM-DD".
std::string format_date(int32_t days);
// "YYYY-MM-DD HH:MM:SS.mmm" (UTC).
std::string format_datetime(int64_t ms);
// Floor division of epoch-ms into days.
int32_t days_from_ms(int64_t ms);

}  // namespace chview::columnar
