// ClickHouse types → Perspective column types, and ClickHouse Native blocks → engine
// batches. The mapping (documented in the README's type table):
//   (U)Int8–32, Int64            → integer (int64 storage: exact)
//   UInt64                       → integer; values above 2^63−1 become null and are
//                                  counted in MappingStats (never silently wrapped)
//   Float32/64                   → float
//   Decimal(P ≤ 15, S)           → float (15 significant digits are exact in a double)
//   Decimal(P > 15, S)           → string (exact decimal text)
//   Bool                         → boolean
//   Date, Date32                 → date
//   DateTime, DateTime64 (any tz)→ datetime, UTC milliseconds (DateTime64 below ms is
//                                  truncated toward negative infinity)
//   String, FixedString, Enum, UUID, IPv4/6, (U)Int128, Array(T) → string (exact
//                                  ClickHouse text form)
//   Nullable(T), LowCardinality(T) → the mapping of T (nulls kept)
#pragma once

#include <cstdint>

#include "base/status.h"
#include "clickhouse/block.h"
#include "clickhouse/types.h"
#include "columnar/batch.h"
#include "columnar/types.h"

namespace chview::ingest {

Result<columnar::ColumnType> perspective_type(const clickhouse::DataType& type);

struct MappingStats {
  uint64_t out_of_range = 0;  // UInt64 values above INT64_MAX turned into nulls
};

// Converts every column of `block` (names kept, types mapped as above).
Result<columnar::Batch> to_batch(const clickhouse::Block& block, MappingStats* stats = nullptr);
Result<columnar::Schema> to_schema(const clickhouse::Block& block);

}  // namespace chview::ingest
