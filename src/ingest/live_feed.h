// LiveFeed: incremental, lossless reading of one ClickHouse source by a cursor column.
// Pure logic over an injected query function, so every edge (boundary rows, late rows,
// failures mid-poll) is unit-testable without a server; IngestService adds threads.
//
// How "lossless" works: each poll asks for every row whose cursor is at or after
// (last seen cursor − lateness). Rows in that window were possibly seen before, so the
// feed remembers a multiset of row fingerprints per cursor value inside the window and
// passes on only rows it has not seen. Rows sharing the boundary value are therefore
// neither lost nor duplicated, and rows arriving late by at most `lateness` are picked
// up. A failed poll changes no state: the next one resumes from the same cursor.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "clickhouse/block.h"
#include "columnar/batch.h"
#include "ingest/type_mapping.h"

namespace chview::ingest {

struct LiveTableSpec {
  std::string name;                  // the table name viewers see
  std::string source_table;          // a ClickHouse table ("db.t" or "t"), or
  std::string source_query;          // a SELECT (exactly one of the two)
  std::optional<size_t> limit;       // keep the newest N rows (default 1000 when no index)
  std::optional<std::string> index;  // or upsert by this column
  std::string cursor;                // cursor column; empty = first DateTime column
  std::chrono::milliseconds interval{250};
  std::chrono::milliseconds lateness{0};
  size_t max_load_rows = 5'000'000;  // guard for loading a whole source (index tables)

  Status validate() const;
  // The FROM clause target: `db`.`t` or (SELECT ...).
  std::string from_clause() const;
};

// A source column as DESCRIBE reports it.
struct SourceColumn {
  std::string name;
  std::string type_text;
  bool operator==(const SourceColumn&) const = default;
};

class LiveFeed {
 public:
  // Runs a statement and returns the decoded rows (a Block with no columns = no rows).
  using QueryFn = std::function<Result<clickhouse::Block>(const std::string& sql)>;

  // `columns`: the source's columns (from DESCRIBE), used to build SQL and schemas.
  static Result<LiveFeed> make(LiveTableSpec spec, std::vector<SourceColumn> columns);

  const LiveTableSpec& spec() const { return spec_; }
  const std::vector<SourceColumn>& columns() const { return columns_; }
  const columnar::Schema& schema() const { return schema_; }

  // The initial rows (newest `limit` rows oldest first, or every row for index tables).
  Result<columnar::Batch> load(const QueryFn& query);
  // The rows that arrived since the last successful load/poll (possibly none).
  Result<columnar::Batch> poll(const QueryFn& query);

  // For tests and metrics.
  std::optional<int64_t> cursor() const { return last_cursor_; }
  size_t remembered_rows() const { return remembered_; }
  const MappingStats& mapping_stats() const { return stats_; }

 private:
  LiveFeed(LiveTableSpec spec, std::vector<SourceColumn> columns, columnar::Schema schema,
           size_t cursor_index, clickhouse::DataType cursor_type);
  std::string cursor_literal(int64_t ticks) const;
  int64_t window_start(int64_t last) const;
  Status check_block_columns(const clickhouse::Block& block) const;
  // Keeps the unseen rows of `block` (cursor ≥ floor) and remembers them.
  Result<columnar::Batch> take_new_rows(const clickhouse::Block& block);
  void forget_before(int64_t start);

  LiveTableSpec spec_;
  std::vector<SourceColumn> columns_;
  columnar::Schema schema_;
  size_t cursor_index_ = 0;
  clickhouse::DataType cursor_type_;
  std::optional<int64_t> last_cursor_;
  std::optional<int64_t> floor_;  // rows below it were cut by the initial limit
  // cursor ticks → fingerprint → how many rows with it were already passed on.
  std::map<int64_t, std::unordered_map<uint64_t, uint32_t>> seen_;
  size_t remembered_ = 0;
  MappingStats stats_;
};

// A fingerprint of one row's values (all columns). Exposed for tests.
uint64_t row_fingerprint(const clickhouse::Block& block, size_t row);

}  // namespace chview::ingest
