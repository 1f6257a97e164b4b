// Internal to protocol/: turns MakeTableData (schema, JSON rows/columns, CSV, NDJSON)
// into engine input. Text is untrusted: every failure is a Status.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

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
// (from_schema and from_view are handled by the caller).
Result<RawColumns> parse_table_data(const proto::MakeTableData& data);

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

}  // namespace chview::protocol::detail
