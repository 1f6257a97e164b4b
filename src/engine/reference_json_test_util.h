// Test-only: converting between engine Values and the JSON of recorded Perspective
// outputs (testdata/*.json), shared by the flat and pivot replay tests.
#pragma once

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "columnar/batch.h"
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

// A batch of the recorded rows (JSON objects); a key a row leaves out is "absent".
inline columnar::Batch to_batch(const columnar::Schema& schema, const Json& rows) {
  columnar::BatchBuilder b(schema.fields());
  for (const Json& row : rows) {
    for (size_t c = 0; c < schema.size(); ++c) {
      const std::string& name = schema.field(c).name;
      if (row.contains(name)) {
        b.append(c, to_value(row[name]));
      } else {
        b.append_absent(c);
      }
    }
  }
  auto batch = std::move(b).finish();
  EXPECT_TRUE(batch.is_ok()) << batch.status().to_string();
  return std::move(batch).value();
}

// Numbers as doubles: the recorded JSON went through JavaScript, where 2.0 is 2.
inline Json normalized(const Json& j) {
  if (j.is_number()) return j.get<double>();
  if (j.is_array() || j.is_object()) {
    Json out = j;
    for (auto& item : out) item = normalized(item);
    return out;
  }
  return j;
}

}  // namespace chview::engine::testing
