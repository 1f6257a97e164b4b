#include "ingest/ingest_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <condition_variable>
#include <set>

#include "clickhouse/client.h"

namespace chview::ingest {
namespace {

constexpr std::chrono::milliseconds kFirstBackoff{100};
constexpr std::chrono::milliseconds kMaxBackoff{5000};

std::string unescape_tsv(std::string_view field) {
  std::string out;
  for (size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 1 < field.size()) {
      char c = field[++i];
      out += c == 't' ? '\t' : c == 'n' ? '\n' : c == '0' ? '\0' : c;
    } else {
      out += field[i];
    }
  }
  return out;
}

}  // namespace

Result<std::vector<SourceColumn>> parse_describe(std::string_view tsv) {
  std::vector<SourceColumn> columns;
  size_t pos = 0;
  while (pos < tsv.size()) {
    size_t end = tsv.find('\n', pos);
    if (end == std::string_view::npos) end = tsv.size();
    std::string_view line = tsv.substr(pos, end - pos);
    pos = end + 1;
    if (line.empty()) continue;
    size_t tab1 = line.find('\t');
    if (tab1 == std::string_view::npos)
      return parse_error("DESCRIBE line without a type: " + std::string(line));
    size_t tab2 = line.find('\t', tab1 + 1);
    columns.push_back(
        {unescape_tsv(line.substr(0, tab1)),
         unescape_tsv(line.substr(tab1 + 1, tab2 == std::string_view::npos ? std::string_view::npos
                                                                           : tab2 - tab1 - 1))});
  }
  if (columns.empty()) return parse_error("DESCRIBE returned no columns");
  return columns;
}

struct IngestService::Worker {
  LiveTableSpec spec;
  TableProgress progress;
  std::thread thread;
  std::condition_variable wake;
};

IngestService::IngestService(clickhouse::ConnectionConfig config, std::vector<LiveTableSpec> specs,
                             Deliver deliver)
    : config_(std::move(config)), specs_(std::move(specs)), deliver_(std::move(deliver)) {}

IngestService::~IngestService() { stop(); }

Status IngestService::validate() const {
  std::set<std::string> names;
  for (const auto& spec : specs_) {
    CHVIEW_RETURN_IF_ERROR(spec.validate());
    if (!names.insert(spec.name).second) {
      return invalid_argument("live table '" + spec.name + "' is declared twice");
    }
  }
  return Status::ok();
}

void IngestService::start() {
  for (const auto& spec : specs_) {
    auto worker = std::make_unique<Worker>();
    worker->spec = spec;
    worker->progress.name = spec.name;
    workers_.push_back(std::move(worker));
  }
  for (auto& worker : workers_) {
    Worker* w = worker.get();
    w->thread = std::thread([this, w] { run(*w); });
  }
}

void IngestService::stop() {
  stopping_ = true;
  {
    std::lock_guard lock(mutex_);
    for (auto& w : workers_) w->wake.notify_all();
  }
  for (auto& w : workers_) {
    if (w->thread.joinable()) w->thread.join();
  }
}

std::vector<TableProgress> IngestService::progress() const {
  std::lock_guard lock(mutex_);
  std::vector<TableProgress> out;
  for (const auto& w : workers_) out.push_back(w->progress);
  return out;
}

void IngestService::run(Worker& worker) {
  clickhouse::Client client(config_);
  clickhouse::QueryOptions options;
  options.timeout =
      std::max<std::chrono::milliseconds>(worker.spec.interval * 40, std::chrono::seconds(10));
  LiveFeed::QueryFn query = [&](const std::string& sql) {
    return client.query_block(sql, options);
  };

  std::unique_ptr<LiveFeed> feed;
  auto backoff = kFirstBackoff;
  auto next_poll = std::chrono::steady_clock::now();
  const std::string& name = worker.spec.name;

  auto wait_until = [&](std::chrono::steady_clock::time_point when) {
    std::unique_lock lock(mutex_);
    worker.wake.wait_until(lock, when, [&] { return stopping_.load(); });
  };
  auto record = [&](const Status& status, bool counted_poll, uint64_t rows) {
    std::lock_guard lock(mutex_);
    if (counted_poll) ++worker.progress.polls;
    worker.progress.rows += rows;
    worker.progress.loaded = feed != nullptr;
    if (!status.is_ok()) {
      ++worker.progress.failures;
      worker.progress.last_error = status.to_string();
    }
  };
  auto fail = [&](const Status& status, const char* step) {
    record(status, false, 0);
    spdlog::warn("live table '{}': {} failed: {} (retrying in {} ms)", name, step,
                 status.to_string(), backoff.count());
    wait_until(std::chrono::steady_clock::now() + backoff);
    backoff = std::min(backoff * 2, kMaxBackoff);
  };

  while (!stopping_) {
    if (!feed) {
      auto described =
          client.query_text("DESC TABLE " + worker.spec.from_clause() + " FORMAT TSV", options);
      if (!described) {
        fail(described.status(), "describe");
        continue;
      }
      auto columns = parse_describe(*described);
      if (!columns) {
        fail(columns.status(), "describe");
        continue;
      }
      auto made = LiveFeed::make(worker.spec, std::move(*columns));
      if (!made) {
        fail(made.status(), "configuration");
        continue;
      }
      auto candidate = std::make_unique<LiveFeed>(std::move(*made));
      auto batch = candidate->load(query);
      if (!batch) {
        fail(batch.status(), "initial load");
        continue;
      }
      const size_t rows = batch->num_rows();
      Status delivered = deliver_(*candidate, std::move(*batch), /*initial=*/true);
      if (!delivered.is_ok()) {
        fail(delivered, "publishing the table");
        continue;
      }
      feed = std::move(candidate);
      spdlog::info("live table '{}': loaded {} rows from {} (cursor {}, {} ms)", name, rows,
                   worker.spec.from_clause(), feed->spec().cursor, worker.spec.interval.count());
      record(Status::ok(), false, rows);
      backoff = kFirstBackoff;
      next_poll = std::chrono::steady_clock::now() + worker.spec.interval;
      continue;
    }

    wait_until(next_poll);
    if (stopping_) break;
    next_poll = std::chrono::steady_clock::now() + worker.spec.interval;
    auto batch = feed->poll(query);
    if (!batch) {
      if (batch.status().code() == ErrorCode::kAlreadyExists) {
        spdlog::warn("{}; reloading the table", batch.status().message());
        feed.reset();
        continue;
      }
      fail(batch.status(), "poll");
      continue;
    }
    const size_t rows = batch->num_rows();
    if (rows > 0) {
      Status delivered = deliver_(*feed, std::move(*batch), /*initial=*/false);
      if (!delivered.is_ok()) {
        // The feed moved past these rows; reload so nothing is lost.
        spdlog::warn("live table '{}': applying {} rows failed: {}; reloading", name, rows,
                     delivered.to_string());
        feed.reset();
        record(delivered, true, 0);
        continue;
      }
    }
    if (backoff != kFirstBackoff)
      spdlog::info("live table '{}': ClickHouse is answering again", name);
    backoff = kFirstBackoff;
    record(Status::ok(), true, rows);
  }
}

}  // namespace chview::ingest
