// JSON encoders for a view slice, byte-compatible with Perspective's to_columns_string,
// to_json_string (rows) and to_ndjson (perspective-protocol.md §4.2/§4.3), for flat,
// grouped, pivoted and split-only views.
#pragma once

#include <string>
#include <vector>

#include "columnar/column.h"
#include "columnar/value.h"
#include "engine/view.h"

namespace chview::protocol::encode {

// How a view labels its rows: which meta keys appear, in which order, and what __ID__ /
// __INDEX__ hold (Perspective's contexts differ).
enum class RowLabelling {
  kFlat,        // __ID__ = __INDEX__ = [primary key]; data before the meta keys
  kRowPaths,    // group_by: __ROW_PATH__ first; __ID__ = the row path; __INDEX__ = []
  kTotalOnly,   // TOTAL mode without group_by: __ID__ = []; __ROW_PATH__ only in row objects
  kSplitOnly,   // split_by only: __ID__ = the previous row's [key] (row 0: []); __INDEX__ = []
  kTotalSplit,  // TOTAL mode with split_by, no group_by: no __ROW_PATH__; __ID__ = __INDEX__ = []
};

struct JsonOptions {
  bool id = false;         // emit __ID__
  bool index = false;      // emit __INDEX__
  bool formatted = false;  // dates/datetimes as text instead of epoch ms
  RowLabelling labelling = RowLabelling::kFlat;
  // kSplitOnly: the primary key of the view row before the slice (null at row 0).
  columnar::Value key_before_slice = {};
  // 3.x/4.0–4.2 clients' leaves_only on row-path views: rows shallower than this many
  // group_by levels are left out (0 = off) — of everything but __ID__ in
  // to_columns_string, as Perspective 3.8 does.
  size_t leaves_only_depth = 0;
  // Grouped (non-flat) __INDEX__ per slice row; nullptr = [] for every row.
  const std::vector<std::vector<columnar::Value>>* row_indices = nullptr;
};

// Flat: {"col":[…],…,"__INDEX__":[…],"__ID__":[…]}, `{}` without columns; grouped:
// {"__ROW_PATH__":[…],"__ID__":[…],"col":[…],…,"__INDEX__":[…]}.
std::string encode_columns_json(const engine::ViewSlice& slice, const JsonOptions& options);
// [{"__ROW_PATH__":[…],"__ID__":[…],"__INDEX__":[…],"col":…},…] (meta keys as present)
std::string encode_rows_json(const engine::ViewSlice& slice, const JsonOptions& options);
// One row object per line, joined by '\n', no trailing newline.
std::string encode_ndjson(const engine::ViewSlice& slice, const JsonOptions& options);

// Building blocks (also used for min/max answers of 3.x/4.0–4.3 clients).
void append_json_string(std::string& out, std::string_view text);
void append_json_cell(std::string& out, const columnar::Column& column, size_t row, bool formatted);
void append_json_value(std::string& out, const columnar::Value& value, bool formatted);

}  // namespace chview::protocol::encode
