#include "columnar/batch.h"

#include <set>
#include <string>

namespace chview::columnar {

Result<Batch> Batch::make(Schema schema, std::vector<Column> columns) {
  if (schema.size() != columns.size()) {
    return invalid_argument("batch has " + std::to_string(columns.size()) +
                            " columns for a schema of " + std::to_string(schema.size()));
  }
  std::set<std::string_view> names;
  for (size_t i = 0; i < schema.size(); ++i) {
    const Field& f = schema.field(i);
    if (!names.insert(f.name).second) {
      return invalid_argument("duplicate column name '" + f.name + "'");
    }
    if (columns[i].type() != f.type) {
      return invalid_argument("column '" + f.name + "' is " +
                              std::string(column_type_name(columns[i].type())) + ", schema says " +
                              std::string(column_type_name(f.type)));
    }
    if (columns[i].size() != columns[0].size()) {
      return invalid_argument("column '" + f.name + "' has " + std::to_string(columns[i].size()) +
                              " rows, expected " + std::to_string(columns[0].size()));
    }
  }
  Batch batch;
  batch.num_rows_ = columns.empty() ? 0 : columns[0].size();
  batch.schema_ = std::move(schema);
  batch.columns_ = std::move(columns);
  return batch;
}

const Column* Batch::column(std::string_view name) const {
  auto i = schema_.index_of(name);
  return i ? &columns_[*i] : nullptr;
}

Status Batch::set_presence(size_t column, std::vector<uint8_t> present) {
  if (column >= columns_.size()) return invalid_argument("no column " + std::to_string(column));
  if (!present.empty() && present.size() != num_rows_) {
    return invalid_argument("presence mask has " + std::to_string(present.size()) +
                            " entries for " + std::to_string(num_rows_) + " rows");
  }
  if (presence_.empty()) presence_.resize(columns_.size());
  presence_[column] = std::move(present);
  return Status::ok();
}

BatchBuilder::BatchBuilder(std::vector<Field> fields) : schema_(std::move(fields)) {
  columns_.reserve(schema_.size());
  for (const Field& f : schema_.fields()) columns_.emplace_back(f.type);
  presence_.resize(columns_.size());
}

BatchBuilder& BatchBuilder::append(size_t column, const Value& v) {
  columns_[column].append(v);
  if (!presence_[column].empty()) presence_[column].push_back(1);
  return *this;
}

BatchBuilder& BatchBuilder::append_absent(size_t column) {
  std::vector<uint8_t>& mask = presence_[column];
  if (mask.empty()) mask.assign(columns_[column].size(), 1);
  columns_[column].append_null();
  mask.push_back(0);
  return *this;
}

BatchBuilder& BatchBuilder::add_row(std::initializer_list<Value> row) {
  return add_row(std::vector<Value>(row));
}

BatchBuilder& BatchBuilder::add_row(const std::vector<Value>& row) {
  if (row.size() != columns_.size()) {
    if (error_.is_ok()) {
      error_ = invalid_argument("row has " + std::to_string(row.size()) + " values for " +
                                std::to_string(columns_.size()) + " columns");
    }
    return *this;
  }
  for (size_t i = 0; i < row.size(); ++i) append(i, row[i]);
  return *this;
}

Result<Batch> BatchBuilder::finish() && {
  if (!error_.is_ok()) return error_;
  CHVIEW_ASSIGN_OR_RETURN(Batch batch, Batch::make(std::move(schema_), std::move(columns_)));
  for (size_t i = 0; i < presence_.size(); ++i) {
    if (!presence_[i].empty())
      CHVIEW_RETURN_IF_ERROR(batch.set_presence(i, std::move(presence_[i])));
  }
  return batch;
}

}  // namespace chview::columnar
