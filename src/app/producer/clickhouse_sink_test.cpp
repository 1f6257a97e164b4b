#include "app/producer/clickhouse_sink.h"

#include <gtest/gtest.h>

namespace chview::producer {
namespace {

clickhouse::DataType type(std::string_view text) {
  return std::move(clickhouse::parse_type(text)).value();
}

MarketRows two_rows() {
  auto generator = std::move(MarketDataGenerator::create({})).value();
  return generator.generate(2, 1'709'294'400'123);  // 2024-03-01T12:00:00.123Z
}

TEST(ClickHouseSink, TableNamesArePlainIdentifiers) {
  EXPECT_TRUE(validate_table_name("stock_values").is_ok());
  EXPECT_TRUE(validate_table_name("_t1").is_ok());
  EXPECT_FALSE(validate_table_name("").is_ok());
  EXPECT_FALSE(validate_table_name("1abc").is_ok());
  EXPECT_FALSE(validate_table_name("a`; DROP TABLE x").is_ok());
  EXPECT_FALSE(validate_table_name("db.table").is_ok());
}

TEST(ClickHouseSink, CreateTableUsesTheSeedsSchema) {
  const std::string old_sql = create_table_sql("stock_values", false);
  EXPECT_NE(old_sql.find("CREATE TABLE IF NOT EXISTS `stock_values` (timestamp DateTime, "),
            std::string::npos);
  EXPECT_NE(old_sql.find("ENGINE = MergeTree() PARTITION BY toYYYYMM(date) ORDER BY timestamp"),
            std::string::npos);
  EXPECT_NE(create_table_sql("t", true).find("timestamp DateTime64(3),"), std::string::npos);
}

TEST(ClickHouseSink, BlockForDateTimeHasSeconds) {
  MarketRows rows = two_rows();
  clickhouse::Block block = to_block(rows, {type("DateTime"), type("Date")});
  ASSERT_TRUE(block.validate().is_ok()) << block.validate().to_string();
  EXPECT_EQ(block.rows, 2u);
  ASSERT_EQ(block.columns.size(), 9u);
  const auto* ts = block.find("timestamp");
  ASSERT_NE(ts, nullptr);
  EXPECT_EQ(ts->ints, (std::vector<int64_t>{1'709'294'400, 1'709'294'400}));
  EXPECT_EQ(block.find("date")->ints, (std::vector<int64_t>{19783, 19783}));
  EXPECT_EQ(block.find("ticker")->strings, rows.ticker);
  EXPECT_EQ(block.find("volume")->floats, rows.volume);
  EXPECT_EQ(block.find("low")->floats, rows.low);
}

TEST(ClickHouseSink, BlockForDateTime64KeepsMilliseconds) {
  MarketRows rows = two_rows();
  auto ms = to_block(rows, {type("DateTime64(3)"), type("Date")});
  EXPECT_EQ(ms.find("timestamp")->ints[0], 1'709'294'400'123);
  auto us = to_block(rows, {type("DateTime64(6, 'UTC')"), type("Date32")});
  EXPECT_EQ(us.find("timestamp")->ints[0], 1'709'294'400'123'000);
  auto cs = to_block(rows, {type("DateTime64(1)"), type("Date")});
  EXPECT_EQ(cs.find("timestamp")->ints[0], 17'092'944'001);
}

}  // namespace
}  // namespace chview::producer
