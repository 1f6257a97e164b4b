// Where the producer's rows go in ClickHouse: the stock_values table (created if
// missing) and a BatchSink that sends each batch as one Native insert.
//
// Timestamp precision: a new table gets `timestamp DateTime64(3)` (milliseconds) when the
// server supports it (20.1+), else `DateTime` (seconds; e.g. Debian's 18.16). An existing
// table is used as it is, whatever the precision of its timestamp column.
#pragma once

#include <string>
#include <string_view>

#include "app/producer/market_data.h"
#include "app/producer/producer_loop.h"
#include "base/status.h"
#include "clickhouse/block.h"
#include "clickhouse/client.h"
#include "clickhouse/types.h"

namespace chview::producer {

// The column types inserts must use, read from the table itself.
struct TableLayout {
  clickhouse::DataType timestamp;  // DateTime or DateTime64(p)
  clickhouse::DataType date;       // Date or Date32
};

// Table names are plain identifiers ([A-Za-z_][A-Za-z0-9_]*): kInvalidArgument otherwise.
Status validate_table_name(std::string_view table);

// CREATE TABLE IF NOT EXISTS for `table` (already validated) with the seed's schema.
std::string create_table_sql(std::string_view table, bool datetime64);

// Creates the table if missing (DateTime64(3) timestamps on 20.1+) and checks that its
// columns can hold the producer's rows (kInvalidArgument naming the column if not).
Result<TableLayout> prepare_table(clickhouse::Client& client, std::string_view table);

// The batch as a Native block for `layout`.
clickhouse::Block to_block(const MarketRows& rows, const TableLayout& layout);

// Not thread-safe (the Client is not). `client` must outlive the sink.
class ClickHouseSink final : public BatchSink {
 public:
  ClickHouseSink(clickhouse::Client& client, std::string table, TableLayout layout);
  Status insert(const MarketRows& rows) override;

 private:
  clickhouse::Client& client_;
  std::string insert_target_;  // `table` (column list)
  TableLayout layout_;
};

}  // namespace chview::producer
