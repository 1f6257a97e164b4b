#include "engine/table.h"

#include <gtest/gtest.h>

#include "engine/engine_test_util.h"
#include "engine/view.h"

namespace chview::engine {
namespace {

using namespace testing;  // NOLINT(google-build-using-namespace)
using columnar::Date;

const std::vector<Field> kX = {{"x", ColumnType::kInteger}};

TEST(LimitTableTest, KeepsNewestRowsWithIncreasingKeys) {
  auto table = make_table(kX, {.limit = 3});
  apply(*table, kX, {{1}, {2}, {3}});
  auto view = make_view(*table);
  TableDelta d = apply(*table, kX, {{4}, {5}});
  EXPECT_EQ(d.removed.size(), 2u);
  EXPECT_EQ(d.inserted.size(), 2u);
  view->update(d);
  EXPECT_EQ(table->size(), 3u);
  EXPECT_EQ(column_values(*view, "x"), values({3, 4, 5}));
  EXPECT_EQ(row_keys(*view), values({2, 3, 4}));
  view->update(apply(*table, kX, {{6}, {7}, {8}, {9}}));
  EXPECT_EQ(table->size(), 3u);
  EXPECT_EQ(column_values(*view, "x"), values({7, 8, 9}));
  EXPECT_EQ(row_keys(*view), values({6, 7, 8}));
  // A fresh view agrees with the incrementally maintained one.
  EXPECT_EQ(row_keys(*make_view(*table)), values({6, 7, 8}));
  EXPECT_EQ(table->slot_count(), 3u);  // evicted slots are reused
}

TEST(LimitTableTest, OversizedBatchKeepsItsTail) {
  auto table = make_table(kX, {.limit = 2});
  TableDelta d = apply(*table, kX, {{10}, {11}, {12}, {13}, {14}});
  EXPECT_EQ(d.inserted.size(), 2u);
  EXPECT_TRUE(d.removed.empty());
  auto view = make_view(*table);
  EXPECT_EQ(column_values(*view, "x"), values({13, 14}));
  EXPECT_EQ(row_keys(*view), values({3, 4}));
  apply(*table, kX, {{15}});
  EXPECT_EQ(row_keys(*make_view(*table)), values({4, 5}));
}

TEST(LimitTableTest, ManyUpdatesStayBounded) {
  auto table = make_table(kX, {.limit = 5});
  auto view = make_view(*table);
  for (int i = 0; i < 1000; ++i) view->update(apply(*table, kX, {{i}, {i + 1000}}));
  EXPECT_EQ(table->size(), 5u);
  EXPECT_EQ(view->num_rows(), 5u);
  EXPECT_EQ(column_values(*view, "x"), values({1997, 998, 1998, 999, 1999}));
  EXPECT_EQ(row_keys(*view), values({1995, 1996, 1997, 1998, 1999}));
  EXPECT_EQ(table->slot_count(), 5u);
}

TEST(LimitTableTest, UniqueStringsKeepDictionaryBounded) {
  const std::vector<Field> f = {{"s", ColumnType::kString}};
  auto table = make_table(f, {.limit = 10});
  auto view = make_view(*table);
  for (int i = 0; i < 5000; ++i) {
    view->update(apply(*table, f, {{"id-" + std::to_string(i)}}));
  }
  EXPECT_LE(table->column(0).dictionary().size(), 2u * 10 + 1024 + 1);
  EXPECT_EQ(column_values(*view, "s"),
            values({"id-4990", "id-4991", "id-4992", "id-4993", "id-4994", "id-4995", "id-4996",
                    "id-4997", "id-4998", "id-4999"}));
}

TEST(PlainTableTest, AppendsWithRowNumbers) {
  auto table = make_table(kX);
  apply(*table, kX, {{5}, {6}});
  apply(*table, kX, {{7}});
  auto view = make_view(*table);
  EXPECT_EQ(column_values(*view, "x"), values({5, 6, 7}));
  EXPECT_EQ(row_keys(*view), values({0, 1, 2}));
  EXPECT_EQ(table->size(), 3u);
  auto removed = table->remove(values({0}));
  ASSERT_FALSE(removed.is_ok());
  EXPECT_EQ(removed.status().message(), "Cannot remove from unindexed Table");
}

const std::vector<Field> kIdx = {
    {"id", ColumnType::kInteger}, {"k", ColumnType::kString}, {"v", ColumnType::kFloat}};

TEST(IndexTableTest, UpsertsInKeyOrder) {
  auto table = make_table(kIdx, {.index = "id"});
  TableDelta d = apply(*table, kIdx, {{3, "c", 3.0}, {1, "a", 1.0}, {2, "b", 2.0}});
  EXPECT_EQ(d.inserted.size(), 3u);
  auto view = make_view(*table);
  EXPECT_EQ(column_values(*view, "id"), values({1, 2, 3}));
  EXPECT_EQ(row_keys(*view), values({1, 2, 3}));

  // Partial rows overwrite only present columns; explicit null sets null; a key seen
  // twice in one batch ends with the later values.
  const std::vector<Field> id_v = {{"id", ColumnType::kInteger}, {"v", ColumnType::kFloat}};
  d = apply(*table, id_v, {{2, 9.5}, {4, 4.0}, {4, 4.5}});
  EXPECT_EQ(d.updated.size(), 1u);
  EXPECT_EQ(d.inserted.size(), 1u);
  const std::vector<Field> id_k = {{"id", ColumnType::kInteger}, {"k", ColumnType::kString}};
  d = apply(*table, id_k, {{1, nullptr}});
  EXPECT_EQ(d.updated.size(), 1u);
  view = make_view(*table);
  EXPECT_EQ(column_values(*view, "id"), values({1, 2, 3, 4}));
  EXPECT_EQ(column_values(*view, "k"), values({nullptr, "b", "c", nullptr}));
  EXPECT_EQ(column_values(*view, "v"), values({1.0, 9.5, 3.0, 4.5}));
  EXPECT_EQ(table->size(), 4u);
}

TEST(IndexTableTest, AbsentCellsKeepOldValues) {
  // Perspective, rows [{id:1,a:10},{id:2,b:"TWO"},{id:3,a:3}] after rows 1 and 2:
  // {"id":[1,2,3],"a":[10,2,3],"b":["one","TWO",null]}
  const std::vector<Field> f = {
      {"id", ColumnType::kInteger}, {"a", ColumnType::kInteger}, {"b", ColumnType::kString}};
  auto table = make_table(f, {.index = "id"});
  apply(*table, f, {{1, 1, "one"}, {2, 2, "two"}});
  columnar::BatchBuilder b(f);
  b.append(0, 1).append(1, 10).append_absent(2);
  b.append(0, 2).append_absent(1).append(2, "TWO");
  b.append(0, 3).append(1, 3).append_absent(2);
  b.append(0, 1).append_absent(1).append(2, "uno");  // same key again: a stays 10
  auto batch = std::move(b).finish();
  ASSERT_TRUE(batch.is_ok());
  TableDelta d = *table->apply(*batch);
  EXPECT_EQ(d.updated.size(), 2u);
  EXPECT_EQ(d.inserted.size(), 1u);
  auto view = make_view(*table);
  EXPECT_EQ(column_values(*view, "a"), values({10, 2, 3}));
  EXPECT_EQ(column_values(*view, "b"), values({"uno", "TWO", nullptr}));
}

TEST(IndexTableTest, RemovesByKeyAndReusesSlots) {
  auto table = make_table(kIdx, {.index = "id"});
  apply(*table, kIdx, {{1, "a", 1.0}, {2, "b", 2.0}, {3, "c", 3.0}});
  auto view = make_view(*table);
  auto removed = table->remove(values({2, "3", 99}));
  ASSERT_TRUE(removed.is_ok());
  EXPECT_EQ(removed->removed.size(), 2u);
  ViewDelta vd = view->update(*removed);
  EXPECT_EQ(vd.num_removed, 2u);
  EXPECT_TRUE(vd.changed_rows.empty());
  EXPECT_EQ(table->size(), 1u);
  // A new key reuses a freed slot and must not inherit its old values.
  const std::vector<Field> id_only = {{"id", ColumnType::kInteger}};
  TableDelta d = apply(*table, id_only, {{0}});
  ASSERT_EQ(d.inserted.size(), 1u);
  EXPECT_TRUE(d.inserted[0] == removed->removed[0] || d.inserted[0] == removed->removed[1]);
  view->update(d);
  EXPECT_EQ(column_values(*view, "id"), values({0, 1}));
  EXPECT_EQ(column_values(*view, "k"), values({nullptr, "a"}));
  EXPECT_EQ(column_values(*view, "v"), values({nullptr, 1.0}));
  EXPECT_EQ(table->slot_count(), 3u);
}

TEST(IndexTableTest, StringKeysSortByteWise) {
  const std::vector<Field> f = {{"name", ColumnType::kString}, {"n", ColumnType::kInteger}};
  auto table = make_table(f, {.index = "name"});
  apply(*table, f, {{"b", 1}, {"B", 2}, {"a", 3}, {"A", 4}});
  EXPECT_EQ(row_keys(*make_view(*table)), values({"A", "B", "a", "b"}));
}

TEST(IndexTableTest, RequiresIndexColumnInUpdates) {
  auto table = make_table(kIdx, {.index = "id"});
  apply(*table, kIdx, {{1, "a", 1.0}});
  const Batch no_key = make_batch({{"v", ColumnType::kFloat}}, {{2.0}});
  EXPECT_FALSE(table->apply(no_key).is_ok());
  // A failed replace leaves the table untouched.
  const uint64_t version = table->version();
  EXPECT_FALSE(table->replace(no_key).is_ok());
  EXPECT_EQ(table->size(), 1u);
  EXPECT_EQ(table->version(), version);
  auto d = table->replace(make_batch({{"v", ColumnType::kFloat}}, {}));
  ASSERT_TRUE(d.is_ok());
  EXPECT_EQ(table->size(), 0u);
}

TEST(TableTest, CoercesUpdateTypesAndIgnoresUnknownColumns) {
  const std::vector<Field> f = {{"i", ColumnType::kInteger},
                                {"s", ColumnType::kString},
                                {"d", ColumnType::kDate},
                                {"b", ColumnType::kBoolean}};
  auto table = make_table(f);
  const std::vector<Field> in = {{"i", ColumnType::kString},
                                 {"s", ColumnType::kFloat},
                                 {"d", ColumnType::kString},
                                 {"b", ColumnType::kString},
                                 {"extra", ColumnType::kInteger}};
  apply(*table, in, {{"3", 4.0, "2024-01-01", "true", 1}, {"x", 2.5, "bad", "false", 2}});
  auto view = make_view(*table);
  EXPECT_EQ(column_values(*view, "i"), values({3, nullptr}));
  EXPECT_EQ(column_values(*view, "s"), values({"4.000000", "2.500000"}));  // Perspective: "%f"
  EXPECT_EQ(column_values(*view, "d"), values({Date{19723}, nullptr}));
  EXPECT_EQ(column_values(*view, "b"), values({true, false}));
  EXPECT_EQ(view->fields().size(), 4u);

  // Float → int truncation through a typed float column.
  apply(*table, {{"i", ColumnType::kFloat}}, {{-7.9}});
  EXPECT_EQ(column_values(*make_view(*table), "i").back(), Value(-7));
}

TEST(TableTest, MissingColumnsAreNullForNewRows) {
  const std::vector<Field> f = {{"a", ColumnType::kInteger}, {"b", ColumnType::kString}};
  auto table = make_table(f);
  apply(*table, f, {{1, "x"}});
  apply(*table, {{"b", ColumnType::kString}}, {{"y"}});
  auto view = make_view(*table);
  EXPECT_EQ(column_values(*view, "a"), values({1, nullptr}));
  EXPECT_EQ(column_values(*view, "b"), values({"x", "y"}));
  // An empty batch changes nothing.
  const uint64_t version = table->version();
  EXPECT_TRUE(apply(*table, f, {}).empty());
  EXPECT_EQ(table->version(), version);
}

// Perspective's two null kinds (see Table::apply): which rows hold a high null.
std::vector<bool> high_nulls(const Table& table) {
  std::vector<bool> out;
  for (RowId row : table.rows_in_key_order()) out.push_back(table.column(0).is_null_high(row));
  return out;
}

TEST(TableTest, NullKindFollowsHowTheNullArrived) {
  auto table = make_table(kX);
  apply(*table, kX, {});  // an empty batch does not count as the first
  apply(*table, kX, {{nullptr}, {1}});
  apply(*table, kX, {{nullptr}});
  EXPECT_EQ(high_nulls(*table), (std::vector<bool>{true, false, false}));
  EXPECT_TRUE(table->column(0).is_null(table->rows_in_key_order()[2]));
  table->clear();
  apply(*table, kX, {{nullptr}});
  EXPECT_EQ(high_nulls(*table), (std::vector<bool>{true}));
  // Creation data (Perspective's table(data)) stores low nulls.
  auto created = make_table(kX);
  ASSERT_TRUE(created->apply_initial_data(make_batch(kX, {{nullptr}, {2}})).is_ok());
  apply(*created, kX, {{nullptr}});
  EXPECT_EQ(high_nulls(*created), (std::vector<bool>{false, false, false}));
  // A value written over a high null replaces it.
  auto index =
      make_table({{"x", ColumnType::kInteger}, {"k", ColumnType::kInteger}}, {.index = "k"});
  apply(*index, {{"x", ColumnType::kInteger}, {"k", ColumnType::kInteger}}, {{nullptr, 1}});
  EXPECT_EQ(high_nulls(*index), (std::vector<bool>{true}));
  apply(*index, {{"x", ColumnType::kInteger}, {"k", ColumnType::kInteger}}, {{3, 1}});
  EXPECT_EQ(high_nulls(*index), (std::vector<bool>{false}));
}

TEST(TableTest, ReplaceAndClear) {
  auto table = make_table(kX);
  apply(*table, kX, {{1}, {2}});
  auto view = make_view(*table);
  const uint64_t v0 = table->version();
  auto d = table->replace(make_batch(kX, {{7}}));
  ASSERT_TRUE(d.is_ok());
  EXPECT_TRUE(d->cleared);
  EXPECT_EQ(d->removed.size(), 2u);
  EXPECT_GT(table->version(), v0);
  view->update(*d);
  EXPECT_EQ(column_values(*view, "x"), values({7}));
  EXPECT_EQ(row_keys(*view), values({2}));  // row numbers keep counting
  view->update(table->clear());
  EXPECT_EQ(table->size(), 0u);
  EXPECT_EQ(view->num_rows(), 0u);
}

TEST(TableTest, MakeRejectsBadOptions) {
  EXPECT_EQ(Table::make("t", Schema(kX), {.index = "nope"}).status().message(),
            "Specified index `nope` does not exist in dataset.");
  EXPECT_FALSE(Table::make("t", Schema(kX), {.limit = 0}).is_ok());
  EXPECT_FALSE(Table::make("t", Schema(kX), {.limit = 1, .index = "x"}).is_ok());
  EXPECT_FALSE(
      Table::make("t", Schema({{"a", ColumnType::kInteger}, {"a", ColumnType::kFloat}})).is_ok());
  auto t = make_table(kIdx, {.index = "k"});
  EXPECT_EQ(t->index_column(), 1u);
  EXPECT_EQ(t->name(), "t");
  EXPECT_EQ(t->options().index, "k");
}

}  // namespace
}  // namespace chview::engine
