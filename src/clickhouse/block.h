// Blocks: what a ClickHouse query returns and what an insert sends. A Block is a set of
// equally long named columns, each holding typed vectors (one per storage class) so that
// a mapping layer can read them in bulk, plus row accessors for convenience.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "clickhouse/types.h"

namespace chview::clickhouse {

using Int128 = __int128;

// One column. Which vectors are used depends on type.storage():
//   kInt    ints:    Int8..Int64, Date/Date32 (days), DateTime (s), DateTime64 (ticks),
//                    Decimal32/64 (unscaled), Enum8/16 (numeric value)
//   kUInt   uints:   UInt8..UInt64, Bool, Nothing
//   kFloat  floats:  Float32/64
//   kString strings: String, FixedString (raw bytes, padded to N)
//   kInt128 wide:    Decimal128 (unscaled), UUID (high 64 bits in the upper half)
//   kNullable        null_map (1 = NULL) + children[0] with the values (placeholders
//                    where null), both of size() rows
//   kArray           offsets (cumulative end offset of each row's elements in
//                    children[0]; offsets.size() == size())
//   kLowCardinality  indices into children[0], the dictionary, whose type is
//                    type.nested() without Nullable; if type.nested() is Nullable,
//                    index 0 means NULL (its dictionary value is a placeholder)
// Children have the name "". Appending to a LowCardinality column does not deduplicate
// the dictionary (valid on the wire, just not compact).
struct Column {
  std::string name;
  DataType type;
  std::vector<int64_t> ints;
  std::vector<uint64_t> uints;
  std::vector<double> floats;
  std::vector<std::string> strings;
  std::vector<Int128> wide;
  std::vector<uint8_t> null_map;
  std::vector<uint64_t> offsets;
  std::vector<uint64_t> indices;
  std::vector<Column> children;

  Column() = default;
  Column(std::string name, DataType type);  // empty column, children created
  // Column::make("price", "Nullable(Float64)").
  static Result<Column> make(std::string name, std::string_view type_text);

  size_t size() const;

  // --- Row access (row < size()). Nullable and LowCardinality are looked through. ---
  bool is_null(size_t row) const;
  // The column that holds the value of `row` after looking through Nullable and
  // LowCardinality, and the row inside it.
  std::pair<const Column*, size_t> resolve(size_t row) const;
  // Integer value: ints/uints/Bool/Date/DateTime ticks/unscaled decimals; 0 for NULL.
  int64_t int_at(size_t row) const;
  // Numeric value as double: Decimals are scaled, DateTime64 stays in ticks; 0 for NULL.
  double double_at(size_t row) const;
  // Text as ClickHouse prints it in TSV (dates as YYYY-MM-DD, DateTime in UTC unless
  // the column has a timezone, enum names, UUID canonical form, arrays as [..]);
  // "\N" for NULL. Timezones other than UTC are printed as UTC.
  std::string string_at(size_t row) const;

  // --- Building (for inserts). Each call appends exactly one row, converting as
  // needed; a value of the wrong kind for the type yields kInvalidArgument. ---
  Status append_null();  // only for Nullable or LowCardinality(Nullable)
  Status append_int(int64_t v);
  Status append_uint(uint64_t v);
  Status append_double(double v);
  // String/FixedString/Enum (by name)/UUID/Date ("YYYY-MM-DD")/DateTime
  // ("YYYY-MM-DD hh:mm:ss", UTC)/Decimal ("12.34") and numbers as text.
  Status append_string(std::string_view v);
  // Arrays: append the row's elements to children[0] first, then call this.
  Status append_array_row();
};

struct Block {
  std::vector<Column> columns;
  size_t rows = 0;

  const Column* find(std::string_view name) const;
  // Appends other's rows; other must have the same column names and types.
  Status append(const Block& other);
  // Every column has `rows` rows and consistent children: the encoder's precondition.
  Status validate() const;
};

}  // namespace chview::clickhouse
