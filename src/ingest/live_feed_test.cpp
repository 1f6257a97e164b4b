#include "ingest/live_feed.h"

#include <gtest/gtest.h>

#include <random>
#include <regex>
#include <set>

namespace chview::ingest {
namespace {

// A ClickHouse table simulated in memory: rows of (seq Int64 cursor, id UInt64, v String),
// answering the three statements LiveFeed sends.
struct FakeSource {
  struct Row {
    int64_t seq;
    uint64_t id;
    std::string v;
  };
  std::vector<Row> rows;
  std::vector<std::string> statements;
  int fail_next = 0;

  clickhouse::Block block_of(std::vector<Row> selected) const {
    std::stable_sort(selected.begin(), selected.end(),
                     [](const Row& a, const Row& b) { return a.seq < b.seq; });
    clickhouse::Block block;
    if (selected.empty()) return block;  // ClickHouse sends no block for no rows
    block.columns.push_back(*clickhouse::Column::make("seq", "Int64"));
    block.columns.push_back(*clickhouse::Column::make("id", "UInt64"));
    block.columns.push_back(*clickhouse::Column::make("v", "String"));
    for (const auto& r : selected) {
      EXPECT_TRUE(block.columns[0].append_int(r.seq).is_ok());
      EXPECT_TRUE(block.columns[1].append_uint(r.id).is_ok());
      EXPECT_TRUE(block.columns[2].append_string(r.v).is_ok());
    }
    block.rows = selected.size();
    return block;
  }

  Result<clickhouse::Block> operator()(const std::string& sql) {
    statements.push_back(sql);
    if (fail_next > 0) {
      --fail_next;
      return Status(ErrorCode::kConnection, "connection refused");
    }
    std::smatch m;
    if (std::regex_search(sql, m, std::regex(R"(DESC LIMIT (\d+))"))) {
      auto sorted = rows;
      std::stable_sort(sorted.begin(), sorted.end(),
                       [](const Row& a, const Row& b) { return a.seq > b.seq; });
      sorted.resize(std::min<size_t>(sorted.size(), std::stoul(m[1])));
      return block_of(sorted);
    }
    if (std::regex_search(sql, m, std::regex(R"(>= (-?\d+))"))) {
      std::vector<Row> selected;
      for (const auto& r : rows) {
        if (r.seq >= std::stoll(m[1])) selected.push_back(r);
      }
      return block_of(selected);
    }
    return block_of(rows);  // index load: everything
  }
};

std::vector<SourceColumn> source_columns() {
  return {{"seq", "Int64"}, {"id", "UInt64"}, {"v", "String"}};
}

LiveTableSpec spec(std::optional<size_t> limit, std::optional<std::string> index = {}) {
  LiveTableSpec s;
  s.name = "t";
  s.source_table = "db.t";
  s.limit = limit;
  s.index = std::move(index);
  s.cursor = "seq";
  return s;
}

std::vector<int64_t> ids_of(const columnar::Batch& batch) {
  std::vector<int64_t> ids;
  const auto* col = batch.column("id");
  for (size_t i = 0; i < batch.num_rows(); ++i) ids.push_back(col->int_at(i));
  return ids;
}

TEST(LiveFeed, LoadsNewestRowsOldestFirst) {
  FakeSource source;
  for (uint64_t i = 0; i < 10; ++i) source.rows.push_back({static_cast<int64_t>(i), i, "x"});
  auto feed = LiveFeed::make(spec(4), source_columns());
  ASSERT_TRUE(feed.is_ok()) << feed.status().to_string();
  auto batch = feed->load(std::ref(source));
  ASSERT_TRUE(batch.is_ok()) << batch.status().to_string();
  EXPECT_EQ(ids_of(*batch), (std::vector<int64_t>{6, 7, 8, 9}));
  EXPECT_EQ(feed->cursor(), 9);
  EXPECT_NE(source.statements[0].find("`db`.`t`"), std::string::npos);
}

TEST(LiveFeed, BoundaryRowsAreNeitherLostNorDuplicated) {
  FakeSource source;
  source.rows = {{1, 1, "a"}, {2, 2, "b"}, {2, 3, "c"}};
  auto feed = *LiveFeed::make(spec(100), source_columns());
  EXPECT_EQ(ids_of(*feed.load(std::ref(source))), (std::vector<int64_t>{1, 2, 3}));
  // More rows land on the boundary value 2, and one after it.
  source.rows.push_back({2, 4, "d"});
  source.rows.push_back({3, 5, "e"});
  EXPECT_EQ(ids_of(*feed.poll(std::ref(source))), (std::vector<int64_t>{4, 5}));
  EXPECT_TRUE(ids_of(*feed.poll(std::ref(source))).empty());
  source.rows.push_back({3, 6, "f"});
  EXPECT_EQ(ids_of(*feed.poll(std::ref(source))), (std::vector<int64_t>{6}));
  // The window only remembers the boundary value's rows.
  EXPECT_EQ(feed.remembered_rows(), 2u);
}

TEST(LiveFeed, IdenticalRowsAreCountedNotCollapsed) {
  FakeSource source;
  source.rows = {{1, 7, "same"}};
  auto feed = *LiveFeed::make(spec(100), source_columns());
  EXPECT_EQ(feed.load(std::ref(source))->num_rows(), 1u);
  source.rows.push_back({1, 7, "same"});
  source.rows.push_back({1, 7, "same"});
  EXPECT_EQ(feed.poll(std::ref(source))->num_rows(), 2u);
  EXPECT_EQ(feed.poll(std::ref(source))->num_rows(), 0u);
}

TEST(LiveFeed, FailedPollChangesNothing) {
  FakeSource source;
  source.rows = {{1, 1, "a"}};
  auto feed = *LiveFeed::make(spec(100), source_columns());
  ASSERT_TRUE(feed.load(std::ref(source)).is_ok());
  source.rows.push_back({1, 2, "b"});
  source.rows.push_back({2, 3, "c"});
  source.fail_next = 2;
  EXPECT_EQ(feed.poll(std::ref(source)).status().code(), ErrorCode::kConnection);
  EXPECT_FALSE(feed.poll(std::ref(source)).is_ok());
  EXPECT_EQ(feed.cursor(), 1);
  EXPECT_EQ(ids_of(*feed.poll(std::ref(source))), (std::vector<int64_t>{2, 3}));
}

TEST(LiveFeed, RandomInterleavingDeliversEveryRowExactlyOnce) {
  std::mt19937 rng(42);
  FakeSource source;
  auto feed = *LiveFeed::make(spec(1'000'000), source_columns());
  std::multiset<int64_t> delivered;
  uint64_t next_id = 0;
  int64_t seq = 0;
  for (int step = 0; step < 300; ++step) {
    // Inserts arrive in whole blocks, often sharing the current cursor value.
    int n = static_cast<int>(rng() % 5);
    for (int i = 0; i < n; ++i) source.rows.push_back({seq, next_id++, "r"});
    if (rng() % 3 == 0) ++seq;
    source.fail_next = (rng() % 7 == 0) ? 1 : 0;
    auto batch = feed.poll(std::ref(source));
    if (batch.is_ok()) {
      for (int64_t id : ids_of(*batch)) delivered.insert(id);
    }
  }
  source.fail_next = 0;
  for (int64_t id : ids_of(*feed.poll(std::ref(source)))) delivered.insert(id);
  ASSERT_EQ(delivered.size(), next_id);
  for (uint64_t id = 0; id < next_id; ++id)
    EXPECT_EQ(delivered.count(static_cast<int64_t>(id)), 1u);
}

TEST(LiveFeed, SchemaChangeIsReported) {
  FakeSource source;
  source.rows = {{1, 1, "a"}};
  auto feed = *LiveFeed::make(spec(100), {{"seq", "Int64"}, {"id", "UInt64"}, {"v", "Int32"}});
  auto batch = feed.load(std::ref(source));
  ASSERT_FALSE(batch.is_ok());
  EXPECT_EQ(batch.status().code(), ErrorCode::kAlreadyExists);
  EXPECT_NE(batch.status().message().find("columns changed"), std::string::npos);
}

TEST(LiveFeed, ConfigurationErrorsAreClear) {
  auto no_cursor = spec(10);
  no_cursor.cursor = "";
  EXPECT_NE(
      LiveFeed::make(no_cursor, source_columns()).status().message().find("no DateTime column"),
      std::string::npos);
  auto bad_cursor = spec(10);
  bad_cursor.cursor = "v";
  EXPECT_NE(LiveFeed::make(bad_cursor, source_columns()).status().message().find("has type String"),
            std::string::npos);
  EXPECT_FALSE(LiveFeed::make(spec(10, "nope"), source_columns()).is_ok());
  EXPECT_FALSE(LiveFeed::make(spec(10), {{"seq", "Int64"}, {"x", "Tuple(Int8)"}}).is_ok());
}

TEST(LiveFeed, DateTimeCursorUsesLatenessWindow) {
  LiveTableSpec s = spec(100);
  s.cursor = "ts";
  s.lateness = std::chrono::seconds(5);
  auto feed = *LiveFeed::make(s, {{"ts", "DateTime"}, {"id", "UInt64"}});
  std::vector<std::string> statements;
  clickhouse::Block block;
  block.columns.push_back(*clickhouse::Column::make("ts", "DateTime"));
  block.columns.push_back(*clickhouse::Column::make("id", "UInt64"));
  ASSERT_TRUE(block.columns[0].append_int(1000).is_ok());
  ASSERT_TRUE(block.columns[1].append_uint(1).is_ok());
  block.rows = 1;
  auto query = [&](const std::string& sql) -> Result<clickhouse::Block> {
    statements.push_back(sql);
    return block;
  };
  ASSERT_TRUE(feed.load(query).is_ok());
  ASSERT_EQ(feed.poll(query)->num_rows(), 0u);  // same row again: already seen
  EXPECT_NE(statements.back().find(">= toDateTime(995)"), std::string::npos) << statements.back();
}

}  // namespace
}  // namespace chview::ingest
