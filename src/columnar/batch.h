// Batch: a schema plus equal-length columns — the unit of input to a Table (from
// ClickHouse polling, from protocol updates). BatchBuilder assembles one row- or
// column-wise with coercion, for tests and JSON input.
#pragma once

#include <cstddef>
#include <initializer_list>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "columnar/column.h"
#include "columnar/types.h"
#include "columnar/value.h"

namespace chview::columnar {

class Batch {
 public:
  Batch() = default;
  // Checks: one column per field, matching types, equal lengths, unique names.
  static Result<Batch> make(Schema schema, std::vector<Column> columns);

  const Schema& schema() const { return schema_; }
  size_t num_rows() const { return num_rows_; }
  size_t num_columns() const { return columns_.size(); }
  const Column& column(size_t i) const { return columns_[i]; }
  const std::vector<Column>& columns() const { return columns_; }
  // nullptr when absent.
  const Column* column(std::string_view name) const;

  // Per-cell presence, for row-wise input whose rows omit some keys (JSON rows): an
  // absent cell leaves an index table's existing value untouched (a new row gets null),
  // where a present null overwrites. Without a mask every cell of the column is present.
  bool is_present(size_t column, size_t row) const {
    return presence_.empty() || presence_[column].empty() || presence_[column][row] != 0;
  }
  // One entry per row (1 = present); an empty vector removes the mask.
  Status set_presence(size_t column, std::vector<uint8_t> present);

 private:
  Schema schema_;
  std::vector<Column> columns_;
  size_t num_rows_ = 0;
  std::vector<std::vector<uint8_t>> presence_;  // empty, or one (maybe empty) per column
};

class BatchBuilder {
 public:
  // Precondition: unique names (finish() reports duplicates).
  explicit BatchBuilder(std::vector<Field> fields);

  size_t num_columns() const { return columns_.size(); }
  // Column-wise: append to one column (coerced to its type). Columns may be filled
  // independently; finish() checks they end up the same length.
  Column& column(size_t i) { return columns_[i]; }
  BatchBuilder& append(size_t column, const Value& v);
  // An absent cell (see Batch::is_present): stored as null, marked not present.
  BatchBuilder& append_absent(size_t column);
  // Row-wise: one Value per column, in schema order (coerced). A wrong arity is
  // reported by finish().
  BatchBuilder& add_row(std::initializer_list<Value> row);
  BatchBuilder& add_row(const std::vector<Value>& row);

  Result<Batch> finish() &&;

 private:
  Schema schema_;
  std::vector<Column> columns_;
  std::vector<std::vector<uint8_t>> presence_;  // per column; empty until a cell is absent
  Status error_;
};

}  // namespace chview::columnar
