#include "columnar/types.h"

#include <array>
#include <utility>

namespace chview::columnar {
namespace {

constexpr std::array<std::pair<ColumnType, std::string_view>, 6> kNames{{
    {ColumnType::kString, "string"},
    {ColumnType::kDate, "date"},
    {ColumnType::kDatetime, "datetime"},
    {ColumnType::kInteger, "integer"},
    {ColumnType::kFloat, "float"},
    {ColumnType::kBoolean, "boolean"},
}};

}  // namespace

std::string_view column_type_name(ColumnType type) {
  for (const auto& [t, name] : kNames) {
    if (t == type) return name;
  }
  return "unknown";
}

std::optional<ColumnType> parse_column_type(std::string_view name) {
  for (const auto& [t, n] : kNames) {
    if (n == name) return t;
  }
  return std::nullopt;
}

Schema::Schema(std::vector<Field> fields) : fields_(std::move(fields)) {}

std::optional<size_t> Schema::index_of(std::string_view name) const {
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (fields_[i].name == name) return i;
  }
  return std::nullopt;
}

}  // namespace chview::columnar
