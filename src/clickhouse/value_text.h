// Internal: text forms of ClickHouse values (dates, times, decimals, UUIDs), both ways.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace chview::clickhouse::detail {

std::string format_date(int64_t days);         // YYYY-MM-DD
std::string format_datetime(int64_t seconds);  // YYYY-MM-DD hh:mm:ss (UTC)
std::string format_datetime64(int64_t ticks, uint32_t scale);
std::string format_decimal(__int128 unscaled, uint32_t scale);
std::string format_uuid(__int128 value);
std::string format_double(double v);
std::string format_float(float v);  // shortest text that reads back as the same float
std::string format_int128(__int128 v);
std::string format_uint128(unsigned __int128 v);
std::string format_ipv4(uint32_t address);        // host-order value -> a.b.c.d
std::string format_ipv6(std::string_view bytes);  // 16 network-order bytes

Result<int64_t> parse_date(std::string_view text);
Result<int64_t> parse_datetime(std::string_view text);  // UTC
Result<int64_t> parse_datetime64(std::string_view text, uint32_t scale);
Result<__int128> parse_decimal(std::string_view text, uint32_t scale);
Result<__int128> parse_uuid(std::string_view text);
Result<int64_t> parse_int(std::string_view text);
Result<unsigned __int128> parse_uint128(std::string_view text);
Result<uint32_t> parse_ipv4(std::string_view text);
Result<std::string> parse_ipv6(std::string_view text);  // 16 bytes
Result<uint64_t> parse_uint(std::string_view text);
Result<double> parse_double(std::string_view text);

}  // namespace chview::clickhouse::detail
