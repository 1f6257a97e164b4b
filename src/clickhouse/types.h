// ClickHouse data types as parsed from the type text the server sends with each column
// ("Nullable(String)", "DateTime('UTC')", "Enum8('a' = 1, 'b' = 2)", ...).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace chview::clickhouse {

enum class TypeKind {
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat32,
  kFloat64,
  kBool,  // UInt8 on the wire (new servers)
  kString,
  kFixedString,  // fixed_size bytes, zero padded
  kDate,         // UInt16 days since 1970-01-01
  kDate32,       // Int32 days since 1970-01-01
  kDateTime,     // UInt32 seconds since the epoch; optional timezone
  kDateTime64,   // Int64 ticks of 10^-scale seconds; optional timezone
  kDecimal,      // precision/scale; 4, 8 or 16 bytes by precision
  kEnum8,
  kEnum16,
  kUUID,
  kInt128,
  kUInt128,         // stored as the same 128 bits as Int128
  kIPv4,            // UInt32 on the wire
  kIPv6,            // 16 bytes, network order
  kNothing,         // only inside Nullable(Nothing) (SELECT NULL); 1 byte per row
  kNullable,        // children[0] = nested type
  kArray,           // children[0] = element type
  kLowCardinality,  // children[0] = dictionary type (possibly Nullable)
};

// Where a column of this kind keeps its values (see Column in block.h).
enum class Storage { kInt, kUInt, kFloat, kString, kInt128, kNullable, kArray, kLowCardinality };

struct DataType {
  TypeKind kind = TypeKind::kString;
  uint32_t fixed_size = 0;  // FixedString(N)
  uint32_t precision = 0;   // Decimal: P; DateTime64: unused
  uint32_t scale = 0;       // Decimal: S; DateTime64: P (ticks are 10^-scale s)
  std::string timezone;     // DateTime('tz') / DateTime64(p, 'tz'); empty = server's
  std::vector<std::pair<std::string, int16_t>> enum_values;  // Enum8/16, in declared order
  std::vector<DataType> children;                            // Nullable/Array/LowCardinality

  Storage storage() const;
  // Bytes per value for fixed-width kinds, 0 for String/containers.
  size_t value_width() const;
  const DataType& nested() const { return children.at(0); }
  // Canonical ClickHouse type text, accepted back by parse_type().
  std::string to_string() const;
  // The enum name of `value`, or nullptr.
  const std::string* enum_name(int64_t value) const;

  friend bool operator==(const DataType&, const DataType&) = default;
};

// Parses ClickHouse type text. Unknown or unsupported types yield kUnsupported naming
// the type; malformed text yields kParse.
Result<DataType> parse_type(std::string_view text);

}  // namespace chview::clickhouse
