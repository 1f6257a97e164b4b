// Adapter from the engine's ViewSlice to the Arrow IPC writer's columns, with
// Perspective's to_arrow types (perspective-protocol.md §4.5).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "arrow/ipc_writer.h"
#include "base/status.h"
#include "engine/view.h"

namespace chview::protocol::encode {

// "lz4" → LZ4 frame, "zstd" → Zstandard, anything else (or none) → uncompressed.
arrow::Compression parse_compression(std::string_view name);

// What a grouped/pivoted/split-only slice needs beyond its values (§4.5).
struct ArrowLayout {
  // One row-path column per entry, before the data, when the slice has row paths: named
  // "<col> (Group by N)" (legacy) or "__ROW_PATH_<n>__", typed like the table column.
  std::vector<std::string> group_by;
  std::vector<columnar::ColumnType> group_by_types;
  bool legacy_row_path_names = true;
  // Per slice column: the table type of its source column; with slice.aggregates it
  // picks Perspective's aggregate storage type (sum of int → Int64, count → Int64,
  // distinct count → UInt32, avg → Float64, …). Empty for flat slices.
  std::vector<columnar::ColumnType> source_types;
};

// The Arrow type of data column `c` of the slice under `layout` (CSV follows it too).
arrow::ArrowType column_arrow_type(const engine::ViewSlice& slice, const ArrowLayout& layout,
                                   size_t c);

// One record batch holding the slice. Flat INTEGER columns (and aggregates that keep
// the column type) are Int32, Perspective's width, unless a value does not fit: Int64.
Result<std::string> encode_arrow(const engine::ViewSlice& slice,
                                 arrow::Compression compression = arrow::Compression::kNone,
                                 const ArrowLayout& layout = {});

}  // namespace chview::protocol::encode
