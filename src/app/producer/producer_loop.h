// The producer's loop: every `interval` a batch of market data is generated and handed
// to a BatchSink; a failed insert is retried (same batch, exponential backoff) until it
// succeeds or the run is stopped, so no batch is ever dropped silently.
//
// The outside world sits behind three seams so the loop is testable without ClickHouse
// or real time: BatchSink (where rows go), Clock (time and sleeping) and
// ProducerObserver (progress and failure reports).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>

#include "app/producer/market_data.h"
#include "base/status.h"

namespace chview::producer {

using Millis = std::chrono::milliseconds;

// Inserts one batch; a failed Status means nothing may be assumed inserted.
class BatchSink {
 public:
  virtual ~BatchSink() = default;
  virtual Status insert(const MarketRows& rows) = 0;
};

class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  virtual TimePoint now() = 0;
  // Wall-clock time for row timestamps, milliseconds since the Unix epoch.
  virtual int64_t wall_ms() = 0;
  // Sleeps until `deadline` or until `stop` becomes true, whichever comes first.
  virtual void sleep_until(TimePoint deadline, const std::atomic<bool>& stop) = 0;
};

// steady_clock + system_clock; sleeps in short slices so a stop request (e.g. from a
// signal handler, which can only set an atomic flag) is noticed within ~50 ms.
class RealClock final : public Clock {
 public:
  TimePoint now() override;
  int64_t wall_ms() override;
  void sleep_until(TimePoint deadline, const std::atomic<bool>& stop) override;
};

// Delay before retry number `attempt` (1 = after the first failure):
// initial * factor^(attempt-1), capped at max.
struct BackoffPolicy {
  Millis initial{100};
  Millis max{5000};
  double factor = 2.0;

  Millis delay(uint32_t attempt) const;
};

// How many rows the next batch of a --rate run holds: enough that, by the end of this
// tick, rows_done reaches rate * (elapsed + interval). A run that fell behind (slow
// inserts) catches up with bigger batches, bounded by 4 ticks' worth; at least 1 row,
// at most 1,000,000.
uint64_t rate_batch_rows(double rows_per_second, Millis interval, Millis elapsed,
                         uint64_t rows_done);

struct ProducerOptions {
  Millis interval{250};
  uint64_t rows_per_batch = 10;           // ignored when rows_per_second is set
  std::optional<double> rows_per_second;  // load mode (--rate)
  Millis duration{0};                     // 0 = run until stopped
  std::optional<uint64_t> total_rows;     // stop after this many rows
  Millis progress_interval{5000};         // 0 = no progress reports
  BackoffPolicy backoff;
};

struct ProducerStats {
  uint64_t rows_inserted = 0;
  uint64_t batches_inserted = 0;
  uint64_t failed_attempts = 0;  // inserts that failed and were retried (or abandoned)
  uint64_t rows_abandoned = 0;   // rows of a batch given up on because the run ended
  Millis elapsed{0};
};

enum class StopReason {
  kDuration,   // --duration elapsed
  kTotalRows,  // --total-rows reached
  kRequested,  // the stop flag (Ctrl-C / SIGTERM)
};

struct ProducerResult {
  ProducerStats stats;
  StopReason reason = StopReason::kRequested;
};

class ProducerObserver {
 public:
  virtual ~ProducerObserver() = default;
  // Every progress_interval; `rows_per_second` is the rate over the last interval.
  virtual void on_progress(const ProducerStats& stats, double rows_per_second) = 0;
  // An insert failed; the same batch is retried after `retry_in`.
  virtual void on_insert_failed(const Status& error, uint64_t batch_rows, uint32_t attempt,
                                Millis retry_in) = 0;
  // A failed batch finally went in after `attempts` tries.
  virtual void on_recovered(uint64_t batch_rows, uint32_t attempts) = 0;
  // The run ended while a batch was still failing: it was not inserted.
  virtual void on_abandoned(uint64_t batch_rows, uint32_t attempts) = 0;
  virtual void on_finished(const ProducerResult& result) = 0;
};

// Observer that writes one line per event to spdlog.
class LoggingObserver final : public ProducerObserver {
 public:
  void on_progress(const ProducerStats& stats, double rows_per_second) override;
  void on_insert_failed(const Status& error, uint64_t batch_rows, uint32_t attempt,
                        Millis retry_in) override;
  void on_recovered(uint64_t batch_rows, uint32_t attempts) override;
  void on_abandoned(uint64_t batch_rows, uint32_t attempts) override;
  void on_finished(const ProducerResult& result) override;
};

// Runs until the duration, the row cap, or `stop`. A batch whose insert keeps failing is
// retried until it succeeds; if the run must end first (stop requested, or the duration
// passed while retrying) the batch is reported through on_abandoned and counted in
// rows_abandoned. All references must outlive run().
class ProducerLoop {
 public:
  ProducerLoop(ProducerOptions options, MarketDataGenerator& generator, BatchSink& sink,
               Clock& clock, ProducerObserver& observer);

  ProducerResult run(const std::atomic<bool>& stop);

 private:
  uint64_t next_batch_rows(Millis elapsed) const;
  // True once inserted; false if abandoned because the run must end.
  bool insert_with_retry(const MarketRows& rows, const std::atomic<bool>& stop);
  bool past_deadline();
  void maybe_report_progress(bool force);

  ProducerOptions options_;
  MarketDataGenerator& generator_;
  BatchSink& sink_;
  Clock& clock_;
  ProducerObserver& observer_;

  ProducerStats stats_;
  Clock::TimePoint start_;
  Clock::TimePoint last_report_;
  uint64_t rows_at_last_report_ = 0;
};

}  // namespace chview::producer
