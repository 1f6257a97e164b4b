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

 private:
  Schema schema_;
  std::vector<Column> columns_;
  size_t num_rows_ = 0;
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
  // Row-wise: one Value per column, in schema order (coerced). A wrong arity is
  // reported by finish().
  BatchBuilder& add_row(std::initializer_list<Value> row);
  BatchBuilder& add_row(const std::vector<Value>& row);

  Result<Batch> finish() &&;

 private:
  Schema schema_;
  std::vector<Column> columns_;
  Status error_;
};

}  // namespace chview::columnar
