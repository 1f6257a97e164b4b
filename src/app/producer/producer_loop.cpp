#include "app/producer/producer_loop.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <thread>

namespace chview::producer {
namespace {

constexpr Millis kSleepSlice{50};
// A --rate run that fell behind catches up by at most this many ticks per batch.
constexpr double kMaxCatchUpTicks = 4.0;
// Bounds one batch's memory (~100 MB as Native) however high --rate is.
constexpr double kMaxBatchRows = 1'000'000;

Millis since(Clock::TimePoint from, Clock::TimePoint to) {
  return std::chrono::duration_cast<Millis>(to - from);
}

const char* reason_text(StopReason reason) {
  switch (reason) {
    case StopReason::kDuration:
      return "duration elapsed";
    case StopReason::kTotalRows:
      return "row limit reached";
    case StopReason::kRequested:
      return "stop requested";
  }
  return "?";
}

}  // namespace

Clock::TimePoint RealClock::now() { return std::chrono::steady_clock::now(); }

int64_t RealClock::wall_ms() {
  return std::chrono::duration_cast<Millis>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void RealClock::sleep_until(TimePoint deadline, const std::atomic<bool>& stop) {
  while (!stop.load()) {
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) return;
    std::this_thread::sleep_for(
        std::min<std::chrono::steady_clock::duration>(deadline - now, kSleepSlice));
  }
}

Millis BackoffPolicy::delay(uint32_t attempt) const {
  double ms = static_cast<double>(initial.count());
  for (uint32_t i = 1; i < attempt && ms < static_cast<double>(max.count()); ++i) ms *= factor;
  return Millis(static_cast<int64_t>(std::min(ms, static_cast<double>(max.count()))));
}

uint64_t rate_batch_rows(double rows_per_second, Millis interval, Millis elapsed,
                         uint64_t rows_done) {
  const double per_ms = rows_per_second / 1000.0;
  const double tick = per_ms * static_cast<double>(interval.count());
  const double target = per_ms * static_cast<double>((elapsed + interval).count());
  const double wanted = std::ceil(target - static_cast<double>(rows_done));
  const double capped = std::min({wanted, std::ceil(tick * kMaxCatchUpTicks), kMaxBatchRows});
  return capped < 1 ? 1 : static_cast<uint64_t>(capped);
}

ProducerLoop::ProducerLoop(ProducerOptions options, MarketDataGenerator& generator, BatchSink& sink,
                           Clock& clock, ProducerObserver& observer)
    : options_(options), generator_(generator), sink_(sink), clock_(clock), observer_(observer) {}

uint64_t ProducerLoop::next_batch_rows(Millis elapsed) const {
  uint64_t rows = options_.rows_per_second
                      ? rate_batch_rows(*options_.rows_per_second, options_.interval, elapsed,
                                        stats_.rows_inserted)
                      : options_.rows_per_batch;
  if (options_.total_rows) rows = std::min(rows, *options_.total_rows - stats_.rows_inserted);
  return rows;
}

bool ProducerLoop::past_deadline() {
  return options_.duration.count() > 0 && since(start_, clock_.now()) >= options_.duration;
}

ProducerResult ProducerLoop::run(const std::atomic<bool>& stop) {
  stats_ = {};
  start_ = clock_.now();
  last_report_ = start_;
  rows_at_last_report_ = 0;
  auto next_tick = start_;
  ProducerResult result;
  while (true) {
    if (stop.load()) {
      result.reason = StopReason::kRequested;
      break;
    }
    if (past_deadline()) {
      result.reason = StopReason::kDuration;
      break;
    }
    if (options_.total_rows && stats_.rows_inserted >= *options_.total_rows) {
      result.reason = StopReason::kTotalRows;
      break;
    }
    const uint64_t rows = next_batch_rows(since(start_, clock_.now()));
    if (rows > 0) {
      const MarketRows batch = generator_.generate(rows, clock_.wall_ms());
      if (!insert_with_retry(batch, stop)) {
        result.reason = stop.load() ? StopReason::kRequested : StopReason::kDuration;
        break;
      }
    }
    maybe_report_progress(false);

    // Ticks stay on the start + k * interval grid; a late tick is not made up by a
    // burst of batches (a --rate run makes up with bigger batches instead).
    next_tick += options_.interval;
    const auto now = clock_.now();
    if (next_tick < now) next_tick = now;
    auto wake = next_tick;
    if (options_.duration.count() > 0) wake = std::min(wake, start_ + options_.duration);
    clock_.sleep_until(wake, stop);
  }
  stats_.elapsed = since(start_, clock_.now());
  maybe_report_progress(true);
  result.stats = stats_;
  observer_.on_finished(result);
  return result;
}

bool ProducerLoop::insert_with_retry(const MarketRows& rows, const std::atomic<bool>& stop) {
  for (uint32_t attempt = 1;; ++attempt) {
    Status status = sink_.insert(rows);
    if (status.is_ok()) {
      if (attempt > 1) observer_.on_recovered(rows.size(), attempt);
      stats_.rows_inserted += rows.size();
      stats_.batches_inserted += 1;
      return true;
    }
    stats_.failed_attempts += 1;
    if (stop.load() || past_deadline()) {
      stats_.rows_abandoned += rows.size();
      observer_.on_abandoned(rows.size(), attempt);
      return false;
    }
    const Millis retry_in = options_.backoff.delay(attempt);
    observer_.on_insert_failed(status, rows.size(), attempt, retry_in);
    clock_.sleep_until(clock_.now() + retry_in, stop);
    maybe_report_progress(false);
  }
}

void ProducerLoop::maybe_report_progress(bool force) {
  if (options_.progress_interval.count() <= 0) return;
  const auto now = clock_.now();
  const Millis window = since(last_report_, now);
  if (!force && window < options_.progress_interval) return;
  if (force && window.count() == 0 && stats_.rows_inserted == rows_at_last_report_) return;
  const double rate = window.count() > 0
                          ? static_cast<double>(stats_.rows_inserted - rows_at_last_report_) *
                                1000.0 / static_cast<double>(window.count())
                          : 0.0;
  ProducerStats snapshot = stats_;
  snapshot.elapsed = since(start_, now);
  observer_.on_progress(snapshot, rate);
  last_report_ = now;
  rows_at_last_report_ = stats_.rows_inserted;
}

void LoggingObserver::on_progress(const ProducerStats& stats, double rows_per_second) {
  spdlog::info("produce: {} rows in {} batches, {:.0f} rows/s now, {} failed inserts retried",
               stats.rows_inserted, stats.batches_inserted, rows_per_second, stats.failed_attempts);
}

void LoggingObserver::on_insert_failed(const Status& error, uint64_t batch_rows, uint32_t attempt,
                                       Millis retry_in) {
  spdlog::warn(
      "produce: insert of {} rows failed (attempt {}): {}; retrying the same batch in {} ms",
      batch_rows, attempt, error.to_string(), retry_in.count());
}

void LoggingObserver::on_recovered(uint64_t batch_rows, uint32_t attempts) {
  spdlog::info("produce: batch of {} rows inserted after {} attempts", batch_rows, attempts);
}

void LoggingObserver::on_abandoned(uint64_t batch_rows, uint32_t attempts) {
  spdlog::error(
      "produce: run ended while a batch was failing: {} rows NOT inserted after {} attempts",
      batch_rows, attempts);
}

void LoggingObserver::on_finished(const ProducerResult& result) {
  const double seconds = static_cast<double>(result.stats.elapsed.count()) / 1000.0;
  spdlog::info(
      "produce: stopped ({}): {} rows in {} batches in {:.1f} s ({:.0f} rows/s), {} failed "
      "inserts, {} rows abandoned",
      reason_text(result.reason), result.stats.rows_inserted, result.stats.batches_inserted,
      seconds, seconds > 0 ? static_cast<double>(result.stats.rows_inserted) / seconds : 0.0,
      result.stats.failed_attempts, result.stats.rows_abandoned);
}

}  // namespace chview::producer
