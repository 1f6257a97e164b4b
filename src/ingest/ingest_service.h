// IngestService: keeps every live table fed from ClickHouse. One thread per table, each
// with its own ClickHouse client: describe the source, load it, then poll every
// interval; on failure back off (100 ms doubling to 5 s), log, and resume from the
// cursor; when the source's columns change, reload the table from scratch.
//
// New rows reach the engine only through `Deliver`, which the app implements by
// running the mutation on the engine thread and waiting for it, so a poll is applied
// whole or not at all and the ingest thread never touches engine state itself.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "clickhouse/connection.h"
#include "columnar/batch.h"
#include "ingest/live_feed.h"

namespace chview::ingest {

// `initial` = true: replace the table `feed.spec().name` (creating or re-creating it with
// feed.schema()) by `batch`; false: apply `batch` (append or upsert) to it.
using Deliver = std::function<Status(const LiveFeed& feed, columnar::Batch batch, bool initial)>;

struct TableProgress {
  std::string name;
  bool loaded = false;
  uint64_t polls = 0;
  uint64_t rows = 0;      // rows delivered
  uint64_t failures = 0;  // failed describes/loads/polls
  std::string last_error;
};

// Reads a source's columns (DESCRIBE) through `query_text` (returns TSV).
Result<std::vector<SourceColumn>> parse_describe(std::string_view tsv);

class IngestService {
 public:
  IngestService(clickhouse::ConnectionConfig config, std::vector<LiveTableSpec> specs,
                Deliver deliver);
  ~IngestService();  // stops
  IngestService(const IngestService&) = delete;
  IngestService& operator=(const IngestService&) = delete;

  Status validate() const;  // every spec is valid; names are unique
  void start();
  void stop();  // returns after every thread has finished its current step
  std::vector<TableProgress> progress() const;

 private:
  struct Worker;
  void run(Worker& worker);

  clickhouse::ConnectionConfig config_;
  std::vector<LiveTableSpec> specs_;
  Deliver deliver_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<bool> stopping_{false};
  mutable std::mutex mutex_;  // guards Worker::progress and the wake-up condition
};

}  // namespace chview::ingest
