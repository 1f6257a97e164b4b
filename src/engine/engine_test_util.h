// Test helpers for engine unit tests (not part of the library).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "engine/table.h"
#include "engine/view.h"

namespace chview::engine::testing {

inline Batch make_batch(std::vector<Field> fields, const std::vector<std::vector<Value>>& rows) {
  columnar::BatchBuilder b(std::move(fields));
  for (const auto& row : rows) b.add_row(row);
  auto batch = std::move(b).finish();
  EXPECT_TRUE(batch.is_ok()) << batch.status().to_string();
  return batch.is_ok() ? std::move(batch).value() : Batch();
}

inline std::unique_ptr<Table> make_table(std::vector<Field> fields, TableOptions options = {}) {
  auto table = Table::make("t", Schema(std::move(fields)), std::move(options));
  EXPECT_TRUE(table.is_ok()) << table.status().to_string();
  return table.is_ok() ? std::move(table).value() : nullptr;
}

inline TableDelta apply(Table& table, const std::vector<Field>& fields,
                        const std::vector<std::vector<Value>>& rows) {
  auto delta = table.apply(make_batch(fields, rows));
  EXPECT_TRUE(delta.is_ok()) << delta.status().to_string();
  return delta.is_ok() ? std::move(delta).value() : TableDelta();
}

inline std::unique_ptr<View> make_view(const Table& table, ViewConfig config = {}) {
  auto view = View::make(table, std::move(config));
  EXPECT_TRUE(view.is_ok()) << view.status().to_string();
  return view.is_ok() ? std::move(view).value() : nullptr;
}

// A view with grouped views enabled (ViewOptions::pivot).
inline std::unique_ptr<View> make_grouped_view(const Table& table, ViewConfig config) {
  auto view = View::make(table, std::move(config), ViewOptions{.pivot = true});
  EXPECT_TRUE(view.is_ok()) << view.status().to_string();
  return view.is_ok() ? std::move(view).value() : nullptr;
}

// Every value of one visible column, in view order.
inline std::vector<Value> column_values(const View& view, const std::string& name) {
  ViewSlice s = view.slice({});
  for (size_t i = 0; i < s.fields.size(); ++i) {
    if (s.fields[i].name == name) {
      std::vector<Value> out;
      for (size_t r = 0; r < s.num_rows(); ++r) out.push_back(s.columns[i].value_at(r));
      return out;
    }
  }
  ADD_FAILURE() << "no visible column " << name;
  return {};
}

inline std::vector<Value> row_keys(const View& view) { return view.slice({}).row_keys; }

inline std::vector<Value> values(std::initializer_list<Value> v) { return v; }

}  // namespace chview::engine::testing
