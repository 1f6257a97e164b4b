// Column types and schemas: the vocabulary shared by every layer above columnar/.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace chview::columnar {

// Perspective's column types; the numeric values are Perspective's wire numbers.
enum class ColumnType : int {
  kString = 0,
  kDate = 1,      // int32 days since 1970-01-01
  kDatetime = 2,  // int64 milliseconds since the epoch, UTC
  kInteger = 3,   // int64 storage (Perspective's is 32-bit; encoders decide the width)
  kFloat = 4,     // double
  kBoolean = 5,
};

// "string", "date", "datetime", "integer", "float", "boolean".
std::string_view column_type_name(ColumnType type);
// Inverse of column_type_name; nullopt for anything else.
std::optional<ColumnType> parse_column_type(std::string_view name);

struct Field {
  std::string name;
  ColumnType type = ColumnType::kString;
  bool operator==(const Field&) const = default;
};

// Ordered column names and types. Names are unique (make() checks).
class Schema {
 public:
  Schema() = default;
  // Precondition: names are unique (use make() for untrusted input).
  explicit Schema(std::vector<Field> fields);

  const std::vector<Field>& fields() const { return fields_; }
  size_t size() const { return fields_.size(); }
  const Field& field(size_t i) const { return fields_[i]; }
  std::optional<size_t> index_of(std::string_view name) const;
  bool contains(std::string_view name) const { return index_of(name).has_value(); }
  bool operator==(const Schema&) const = default;

 private:
  std::vector<Field> fields_;
};

}  // namespace chview::columnar
