#include "app/producer/clickhouse_sink.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <array>
#include <map>

namespace chview::producer {
namespace {

using clickhouse::Block;
using clickhouse::Column;
using clickhouse::DataType;
using clickhouse::TypeKind;

constexpr std::array<std::string_view, 9> kColumns = {
    "timestamp", "ticker", "client", "open", "high", "low", "close", "volume", "date"};

DataType must_parse(std::string_view text) {
  return std::move(clickhouse::parse_type(text)).value();
}

// Which existing column types the producer can fill.
bool compatible(std::string_view column, const DataType& type) {
  if (column == "timestamp")
    return type.kind == TypeKind::kDateTime || type.kind == TypeKind::kDateTime64;
  if (column == "date") return type.kind == TypeKind::kDate || type.kind == TypeKind::kDate32;
  if (column == "ticker" || column == "client") return type.kind == TypeKind::kString;
  return type.kind == TypeKind::kFloat64;
}

int64_t pow10(uint32_t n) {
  int64_t p = 1;
  while (n-- > 0) p *= 10;
  return p;
}

// Milliseconds to the ticks of a DateTime / DateTime64(scale) column.
int64_t to_ticks(int64_t ms, const DataType& type) {
  auto floor_div = [](int64_t a, int64_t b) {
    return a / b - ((a % b != 0) && ((a < 0) != (b < 0)));
  };
  if (type.kind == TypeKind::kDateTime) return floor_div(ms, 1000);
  if (type.scale >= 3) return ms * pow10(type.scale - 3);
  return floor_div(ms, pow10(3 - type.scale));
}

Column float_column(std::string name, const std::vector<double>& values) {
  Column column(std::move(name), must_parse("Float64"));
  column.floats = values;
  return column;
}

Column string_column(std::string name, const std::vector<std::string>& values) {
  Column column(std::move(name), must_parse("String"));
  column.strings = values;
  return column;
}

}  // namespace

Status validate_table_name(std::string_view table) {
  auto ok_char = [](char c, bool first) {
    return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
           (!first && c >= '0' && c <= '9');
  };
  bool valid = !table.empty();
  for (size_t i = 0; valid && i < table.size(); ++i) valid = ok_char(table[i], i == 0);
  if (!valid) {
    return invalid_argument(fmt::format(
        "bad table name '{}' (letters, digits and '_', not starting with a digit)", table));
  }
  return Status::ok();
}

std::string create_table_sql(std::string_view table, bool datetime64) {
  // PARTITION BY/ORDER BY clauses, not the old MergeTree(date, ...) arguments: accepted
  // from 1.1.54310 (2017) to today, so one statement serves 18.16 and modern servers.
  return fmt::format(
      "CREATE TABLE IF NOT EXISTS `{}` (timestamp {}, ticker String, client String, "
      "open Float64, high Float64, low Float64, close Float64, volume Float64, date Date) "
      "ENGINE = MergeTree() PARTITION BY toYYYYMM(date) ORDER BY timestamp",
      table, datetime64 ? "DateTime64(3)" : "DateTime");
}

Result<TableLayout> prepare_table(clickhouse::Client& client, std::string_view table) {
  CHVIEW_RETURN_IF_ERROR(validate_table_name(table));
  CHVIEW_ASSIGN_OR_RETURN(auto version, client.server_version());
  CHVIEW_RETURN_IF_ERROR(client.execute(create_table_sql(table, version.supports_datetime64())));
  CHVIEW_ASSIGN_OR_RETURN(
      auto block, client.query_block(fmt::format(
                      "SELECT name, type FROM system.columns WHERE database = currentDatabase() "
                      "AND table = '{}'",
                      table)));
  const Column* names = block.find("name");
  const Column* types = block.find("type");
  if (names == nullptr || types == nullptr) {
    return internal_error("system.columns answered without name/type columns");
  }
  std::map<std::string, std::string, std::less<>> existing;
  for (size_t row = 0; row < block.rows; ++row) {
    existing[names->string_at(row)] = types->string_at(row);
  }
  TableLayout layout;
  for (std::string_view column : kColumns) {
    auto it = existing.find(column);
    if (it == existing.end()) {
      return invalid_argument(
          fmt::format("table '{}' exists but has no column '{}'", table, column));
    }
    auto type = clickhouse::parse_type(it->second);
    if (!type.is_ok() || !compatible(column, *type)) {
      return invalid_argument(
          fmt::format("table '{}' has column '{}' of type {}, which the producer cannot fill",
                      table, column, it->second));
    }
    if (column == "timestamp") layout.timestamp = *type;
    if (column == "date") layout.date = *type;
  }
  return layout;
}

Block to_block(const MarketRows& rows, const TableLayout& layout) {
  Block block;
  block.rows = rows.size();
  Column timestamp("timestamp", layout.timestamp);
  timestamp.ints.reserve(rows.size());
  for (int64_t ms : rows.timestamp_ms) timestamp.ints.push_back(to_ticks(ms, layout.timestamp));
  Column date("date", layout.date);
  date.ints.assign(rows.date.begin(), rows.date.end());

  block.columns.push_back(std::move(timestamp));
  block.columns.push_back(string_column("ticker", rows.ticker));
  block.columns.push_back(string_column("client", rows.client));
  block.columns.push_back(float_column("open", rows.open));
  block.columns.push_back(float_column("high", rows.high));
  block.columns.push_back(float_column("low", rows.low));
  block.columns.push_back(float_column("close", rows.close));
  block.columns.push_back(float_column("volume", rows.volume));
  block.columns.push_back(std::move(date));
  return block;
}

ClickHouseSink::ClickHouseSink(clickhouse::Client& client, std::string table, TableLayout layout)
    : client_(client), layout_(std::move(layout)) {
  insert_target_ = fmt::format("`{}` ({})", table, fmt::join(kColumns, ", "));
}

Status ClickHouseSink::insert(const MarketRows& rows) {
  return client_.insert(insert_target_, to_block(rows, layout_));
}

}  // namespace chview::producer
