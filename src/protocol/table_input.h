// Internal to protocol/: turns MakeTableData (schema, JSON rows/columns, CSV, NDJSON,
// Arrow IPC) into engine input. Input is untrusted: every failure is a Status.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "arrow/ipc_reader.h"
#include "base/status.h"
#include "columnar/batch.h"
#include "columnar/types.h"
#include "columnar/value.h"
#include "engine/table.h"
#include "protocol/perspective.pb.h"

namespace chview::protocol::detail {

namespace proto = ::perspective::proto;

// Column names and raw values as parsed from the input, before any typing.
struct RawColumns {
  std::vector<std::string> names;
  std::vector<std::vector<columnar::Value>> values;  // one vector per name, equal lengths
  // Row inputs only, parallel to `values`: 0 where the row lacked the key (as opposed
  // to an explicit null). Empty when every cell was given.
  std::vector<std::vector<uint8_t>> present;
  size_t num_rows = 0;  // also counts rows that gave no key at all (`[{}]`)
  // CSV: every value is text, typed by what all of a column's values parse as. JSON:
  // typed like Perspective's JSON loader (first non-null value, then promotions).
  bool text_input = false;
  bool row_input = false;  // rows / NDJSON (typed in row order) rather than columns
};

// Parses from_rows / from_cols / from_csv / from_ndjson. Other variants are errors
// (from_schema, from_view and from_arrow are handled by the caller).
Result<RawColumns> parse_table_data(const proto::MakeTableData& data);

// from_csv text straight to a batch, without RawColumns: with `schema` null, a new
// table's (infer_schema's types; batch.schema() is the inferred schema; duplicate
// column names are an error), else a write into `schema` as to_batch does (columns
// the CSV lacks are absent, extra CSV columns ignored). The same results as
// parse_table_data + infer_schema + to_batch, much faster and without per-cell Values
// (table_input_csv.cpp).
Result<columnar::Batch> csv_to_batch(std::string_view csv, const columnar::Schema* schema);

// A JSON list of scalars ("[1, 2]", TableRemoveReq's usual form); nullopt otherwise.
std::optional<std::vector<columnar::Value>> parse_key_list(std::string_view json);

// Perspective-style type inference for a new table. JSON: a column's type comes from its
// first non-null value and is promoted as later values demand; columns are ordered by
// their first non-null value, never-typed columns (string) last. CSV: integers, floats,
// booleans, dates and datetimes in text, else string.
columnar::Schema infer_schema(const RawColumns& raw);

// A batch of every column of `schema`, coerced to its types, with `raw.num_rows` rows.
// Cells `raw` lacks (a column it does not have, a key a row omitted) are absent
// (columnar::Batch::is_present): an index table keeps their old value, new rows get null.
Result<columnar::Batch> to_batch(const RawColumns& raw, const columnar::Schema& schema);

// The double the reference's JSON parser (RapidJSON, normal precision) reads from the
// JSON number text `lexeme` (table_input_number.cpp); nullopt where RapidJSON fails
// ("Number too big") or the text is not a JSON number.
std::optional<double> reference_json_double(std::string_view lexeme);

// --- Arrow input (table_input_arrow.cpp) ---

// MakeTableData.from_arrow decoded (an Arrow IPC stream or file); repeated column names
// get '*' appended until unique, as Perspective renames them.
Result<arrow::DecodedTable> parse_arrow(std::string_view bytes);

// The schema of a table made from Arrow: Arrow column order, every int width (and
// time32/64) → integer, float/double/decimal128 → float, bool → boolean, date32/64 →
// date, timestamp (any unit, time zone ignored) → datetime, utf8/large_utf8/binary/
// dictionary/null → string; other types are an error naming the type.
Result<columnar::Schema> arrow_schema(const arrow::DecodedTable& arrow);

// The Arrow rows as a batch of `schema` (matched by name; extra Arrow columns ignored;
// schema columns the Arrow lacks are absent cells). Arrow nulls are explicit nulls.
// Numbers convert to integer/float columns (floats truncate into integers like wasm's
// int32); other type mismatches fail with Perspective's error text.
Result<columnar::Batch> arrow_to_batch(const arrow::DecodedTable& arrow,
                                       const columnar::Schema& schema);

// Update / replace data of any input format as a batch of `schema`.
Result<columnar::Batch> parse_write_data(const proto::MakeTableData& data,
                                         const columnar::Schema& schema);

// TableRemoveReq data in Arrow form: the values of its `index` column, as keys.
Result<std::vector<columnar::Value>> arrow_keys(std::string_view bytes,
                                                const columnar::Field& index);

}  // namespace chview::protocol::detail
