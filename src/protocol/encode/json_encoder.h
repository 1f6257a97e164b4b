// JSON encoders for a view slice, byte-compatible with Perspective's to_columns_string,
// to_json_string (rows) and to_ndjson (perspective-protocol.md §4.2/§4.3). v1 engine
// views are flat, so there is no __ROW_PATH__ here yet.
#pragma once

#include <string>

#include "columnar/column.h"
#include "columnar/value.h"
#include "engine/view.h"

namespace chview::protocol::encode {

struct JsonOptions {
  bool id = false;         // emit __ID__ ([primary key] per row)
  bool index = false;      // emit __INDEX__ ([primary key] per row)
  bool formatted = false;  // dates/datetimes as text instead of epoch ms
};

// {"col":[…],…,"__INDEX__":[…],"__ID__":[…]}; `{}` when the slice has no columns.
std::string encode_columns_json(const engine::ViewSlice& slice, const JsonOptions& options);
// [{"__ID__":[…],"__INDEX__":[…],"col":…},…]
std::string encode_rows_json(const engine::ViewSlice& slice, const JsonOptions& options);
// One row object per line, joined by '\n', no trailing newline.
std::string encode_ndjson(const engine::ViewSlice& slice, const JsonOptions& options);

// Building blocks (also used for min/max answers of 3.x/4.0–4.3 clients).
void append_json_string(std::string& out, std::string_view text);
void append_json_cell(std::string& out, const columnar::Column& column, size_t row, bool formatted);
void append_json_value(std::string& out, const columnar::Value& value, bool formatted);

}  // namespace chview::protocol::encode
