// Test-only: converting between engine Values and the JSON of recorded Perspective
// outputs (testdata/*.json), shared by the flat and pivot replay tests.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "columnar/value.h"

namespace chview::engine::testing {

using Json = nlohmann::ordered_json;

inline columnar::Value to_value(const Json& j) {
  if (j.is_null()) return {};
  if (j.is_boolean()) return columnar::Value(j.get<bool>());
  if (j.is_number_integer()) return columnar::Value(j.get<int64_t>());
  if (j.is_number_float()) return columnar::Value(j.get<double>());
  return columnar::Value(j.get<std::string>());
}

// The reference's JSON for one cell: dates and datetimes as epoch milliseconds.
inline Json to_json(const columnar::Value& v) {
  using Kind = columnar::Value::Kind;
  switch (v.kind()) {
    case Kind::kNull:
      return nullptr;
    case Kind::kBool:
      return v.as_bool();
    case Kind::kInt:
      return v.as_int();
    case Kind::kFloat:
      return v.as_float();
    case Kind::kString:
      return v.as_string();
    case Kind::kDate:
      return static_cast<int64_t>(v.as_date().days) * 86400000;
    case Kind::kDateTime:
      return v.as_datetime().ms;
  }
  return nullptr;
}

}  // namespace chview::engine::testing
