#include "app/producer/producer_loop.h"

#include <gtest/gtest.h>

#include <functional>
#include <string>
#include <vector>

namespace chview::producer {
namespace {

using std::chrono::milliseconds;

// Time moves only when the loop sleeps (or a sink says an insert took a while).
class FakeClock final : public Clock {
 public:
  TimePoint now() override { return TimePoint{} + elapsed; }
  int64_t wall_ms() override { return 1'700'000'000'000 + elapsed.count(); }
  void sleep_until(TimePoint deadline, const std::atomic<bool>& stop) override {
    sleeps += 1;
    if (!stop.load() && deadline > now()) elapsed = deadline - TimePoint{};
  }
  std::chrono::steady_clock::duration elapsed{};
  int sleeps = 0;
};

// Accepts batches (after `failures_left` failures), optionally taking time per insert,
// and runs `after_insert` after every attempt (to raise the stop flag, say).
class FakeSink final : public BatchSink {
 public:
  explicit FakeSink(FakeClock& clock) : clock_(clock) {}
  Status insert(const MarketRows& rows) override {
    attempts += 1;
    clock_.elapsed += insert_cost;
    Status result = Status::ok();
    if (always_fail || failures_left > 0) {
      if (failures_left > 0) --failures_left;
      result = Status(ErrorCode::kConnection, "connection refused");
    } else {
      batch_sizes.push_back(rows.size());
      close.insert(close.end(), rows.close.begin(), rows.close.end());
      volume_sum += [&] {
        double s = 0;
        for (double v : rows.volume) s += v;
        return s;
      }();
    }
    if (after_insert) after_insert(attempts);
    return result;
  }

  int failures_left = 0;
  bool always_fail = false;
  milliseconds insert_cost{0};
  std::function<void(int)> after_insert;
  int attempts = 0;
  std::vector<size_t> batch_sizes;
  std::vector<double> close;
  double volume_sum = 0;

 private:
  FakeClock& clock_;
};

class RecordingObserver final : public ProducerObserver {
 public:
  void on_progress(const ProducerStats& stats, double rate) override {
    progress_rows.push_back(stats.rows_inserted);
    progress_rates.push_back(rate);
  }
  void on_insert_failed(const Status& error, uint64_t, uint32_t attempt, Millis retry_in) override {
    failures.push_back(error.message());
    failed_attempt_numbers.push_back(attempt);
    retry_delays.push_back(retry_in.count());
  }
  void on_recovered(uint64_t rows, uint32_t attempts) override {
    recovered.push_back({rows, attempts});
  }
  void on_abandoned(uint64_t rows, uint32_t attempts) override {
    abandoned.push_back({rows, attempts});
  }
  void on_finished(const ProducerResult& result) override { finished.push_back(result); }

  std::vector<uint64_t> progress_rows;
  std::vector<double> progress_rates;
  std::vector<std::string> failures;
  std::vector<uint32_t> failed_attempt_numbers;
  std::vector<int64_t> retry_delays;
  std::vector<std::pair<uint64_t, uint32_t>> recovered;
  std::vector<std::pair<uint64_t, uint32_t>> abandoned;
  std::vector<ProducerResult> finished;
};

struct Harness {
  explicit Harness(ProducerOptions options, uint64_t seed = 42)
      : generator(make_generator(seed)),
        sink(clock),
        loop(std::move(options), generator, sink, clock, observer) {}

  static MarketDataGenerator make_generator(uint64_t seed) {
    GeneratorOptions options;
    options.seed = seed;
    return std::move(MarketDataGenerator::create(options)).value();
  }

  // The closes a fresh generator with the same seed yields for these batch sizes:
  // what the sink must have received, in order, with nothing lost or repeated.
  static std::vector<double> expected_close(const std::vector<size_t>& sizes, uint64_t seed = 42) {
    auto generator = make_generator(seed);
    std::vector<double> close;
    for (size_t n : sizes) {
      auto rows = generator.generate(n, 0);
      close.insert(close.end(), rows.close.begin(), rows.close.end());
    }
    return close;
  }

  ProducerResult run() { return loop.run(stop); }

  std::atomic<bool> stop{false};
  FakeClock clock;
  MarketDataGenerator generator;
  FakeSink sink;
  RecordingObserver observer;
  ProducerLoop loop;
};

ProducerOptions every_250ms(uint64_t rows) {
  ProducerOptions options;
  options.interval = milliseconds(250);
  options.rows_per_batch = rows;
  options.progress_interval = milliseconds(0);
  return options;
}

TEST(BackoffPolicy, DoublesFromInitialUpToTheCap) {
  BackoffPolicy policy;  // 100 ms -> 5 s
  EXPECT_EQ(policy.delay(1).count(), 100);
  EXPECT_EQ(policy.delay(2).count(), 200);
  EXPECT_EQ(policy.delay(3).count(), 400);
  EXPECT_EQ(policy.delay(6).count(), 3200);
  EXPECT_EQ(policy.delay(7).count(), 5000);
  EXPECT_EQ(policy.delay(1000).count(), 5000);
  BackoffPolicy custom{milliseconds(10), milliseconds(25), 3.0};
  EXPECT_EQ(custom.delay(1).count(), 10);
  EXPECT_EQ(custom.delay(2).count(), 25);
}

TEST(RateBatchRows, SizesBatchesToReachTheRate) {
  const milliseconds tick(250);
  EXPECT_EQ(rate_batch_rows(100'000, tick, milliseconds(0), 0), 25'000u);
  EXPECT_EQ(rate_batch_rows(100'000, tick, milliseconds(250), 25'000), 25'000u);
  // Behind by 50k rows: the next batch makes it up...
  EXPECT_EQ(rate_batch_rows(100'000, tick, milliseconds(1000), 50'000), 75'000u);
  // ...but never by more than 4 ticks' worth at once.
  EXPECT_EQ(rate_batch_rows(100'000, tick, milliseconds(10'000), 0), 100'000u);
  // Ahead of schedule: a token row keeps the loop ticking.
  EXPECT_EQ(rate_batch_rows(100'000, tick, milliseconds(0), 1'000'000), 1u);
  // One batch never exceeds a million rows.
  EXPECT_EQ(rate_batch_rows(100'000'000, tick, milliseconds(0), 0), 1'000'000u);
  // Fractional rates round up.
  EXPECT_EQ(rate_batch_rows(10, milliseconds(250), milliseconds(0), 0), 3u);
}

TEST(ProducerLoop, DurationBoundsTheNumberOfBatches) {
  auto options = every_250ms(10);
  options.duration = milliseconds(1000);
  Harness h(options);
  ProducerResult result = h.run();
  EXPECT_EQ(result.reason, StopReason::kDuration);
  EXPECT_EQ(result.stats.batches_inserted, 4u);  // t = 0, 250, 500, 750 ms
  EXPECT_EQ(result.stats.rows_inserted, 40u);
  EXPECT_EQ(result.stats.failed_attempts, 0u);
  EXPECT_EQ(result.stats.elapsed.count(), 1000);
  EXPECT_EQ(h.sink.batch_sizes, (std::vector<size_t>{10, 10, 10, 10}));
  EXPECT_EQ(h.sink.close, Harness::expected_close({10, 10, 10, 10}));
  ASSERT_EQ(h.observer.finished.size(), 1u);
  EXPECT_EQ(h.observer.finished[0].stats.rows_inserted, 40u);
}

TEST(ProducerLoop, TotalRowsCapsTheLastBatch) {
  auto options = every_250ms(10);
  options.total_rows = 25;
  Harness h(options);
  ProducerResult result = h.run();
  EXPECT_EQ(result.reason, StopReason::kTotalRows);
  EXPECT_EQ(h.sink.batch_sizes, (std::vector<size_t>{10, 10, 5}));
  EXPECT_EQ(result.stats.rows_inserted, 25u);
}

TEST(ProducerLoop, FailedBatchIsRetriedUntilInsertedExactlyOnce) {
  auto options = every_250ms(10);
  options.total_rows = 30;
  Harness h(options);
  h.sink.failures_left = 3;  // the first batch fails three times
  ProducerResult result = h.run();
  EXPECT_EQ(result.reason, StopReason::kTotalRows);
  EXPECT_EQ(h.sink.attempts, 6);  // 3 failures + 3 successful batches
  EXPECT_EQ(result.stats.failed_attempts, 3u);
  EXPECT_EQ(result.stats.rows_inserted, 30u);
  EXPECT_EQ(result.stats.rows_abandoned, 0u);
  // Nothing lost, nothing twice: exactly the generator's stream.
  EXPECT_EQ(h.sink.close, Harness::expected_close({10, 10, 10}));
  EXPECT_EQ(h.observer.failed_attempt_numbers, (std::vector<uint32_t>{1, 2, 3}));
  EXPECT_EQ(h.observer.retry_delays, (std::vector<int64_t>{100, 200, 400}));
  EXPECT_EQ(h.observer.failures[0], "connection refused");
  ASSERT_EQ(h.observer.recovered.size(), 1u);
  EXPECT_EQ(h.observer.recovered[0], (std::pair<uint64_t, uint32_t>{10, 4}));
}

TEST(ProducerLoop, BackoffIsCappedDuringALongOutage) {
  auto options = every_250ms(10);
  options.total_rows = 10;
  Harness h(options);
  h.sink.failures_left = 10;
  ProducerResult result = h.run();
  EXPECT_EQ(result.stats.rows_inserted, 10u);
  EXPECT_EQ(h.observer.retry_delays,
            (std::vector<int64_t>{100, 200, 400, 800, 1600, 3200, 5000, 5000, 5000, 5000}));
  // The outage's sleeps (25.3 s in all) really passed on the clock.
  EXPECT_EQ(result.stats.elapsed.count(), 26300);
}

TEST(ProducerLoop, StopRequestEndsTheRunBetweenBatches) {
  Harness h(every_250ms(10));
  h.sink.after_insert = [&](int attempts) {
    if (attempts == 3) h.stop = true;
  };
  ProducerResult result = h.run();
  EXPECT_EQ(result.reason, StopReason::kRequested);
  EXPECT_EQ(result.stats.batches_inserted, 3u);
  EXPECT_EQ(result.stats.rows_abandoned, 0u);
}

TEST(ProducerLoop, StopDuringAnOutageAbandonsTheBatchWithAReport) {
  Harness h(every_250ms(10));
  h.sink.always_fail = true;
  h.sink.after_insert = [&](int attempts) {
    if (attempts == 5) h.stop = true;
  };
  ProducerResult result = h.run();
  EXPECT_EQ(result.reason, StopReason::kRequested);
  EXPECT_EQ(result.stats.rows_inserted, 0u);
  EXPECT_EQ(result.stats.failed_attempts, 5u);
  EXPECT_EQ(result.stats.rows_abandoned, 10u);
  EXPECT_EQ(h.observer.failures.size(), 4u);  // the 5th failure is the abandonment
  ASSERT_EQ(h.observer.abandoned.size(), 1u);
  EXPECT_EQ(h.observer.abandoned[0], (std::pair<uint64_t, uint32_t>{10, 5}));
}

TEST(ProducerLoop, DurationEndingDuringAnOutageAbandonsTheBatch) {
  auto options = every_250ms(10);
  options.duration = milliseconds(1000);
  Harness h(options);
  h.sink.always_fail = true;
  ProducerResult result = h.run();
  EXPECT_EQ(result.reason, StopReason::kDuration);
  // Retries after 100, 200, 400 ms (t = 700 ms); the next wait (800 ms) passes the end.
  EXPECT_EQ(h.sink.attempts, 5);
  EXPECT_EQ(result.stats.rows_abandoned, 10u);
  EXPECT_EQ(h.observer.abandoned.size(), 1u);
}

TEST(ProducerLoop, RateModeReachesTheRate) {
  ProducerOptions options;
  options.interval = milliseconds(100);
  options.rows_per_second = 1000;
  options.duration = milliseconds(2000);
  options.progress_interval = milliseconds(0);
  Harness h(options);
  ProducerResult result = h.run();
  EXPECT_EQ(result.stats.rows_inserted, 2000u);
  EXPECT_EQ(result.stats.batches_inserted, 20u);
}

TEST(ProducerLoop, RateModeCatchesUpWhenInsertsAreSlow) {
  ProducerOptions options;
  options.interval = milliseconds(100);
  options.rows_per_second = 1000;
  options.duration = milliseconds(3000);
  options.progress_interval = milliseconds(0);
  Harness h(options);
  h.sink.insert_cost = milliseconds(300);  // three ticks per insert
  ProducerResult result = h.run();
  EXPECT_GE(result.stats.rows_inserted, 2700u);
  EXPECT_LE(result.stats.rows_inserted, 3000u);
  ASSERT_GE(h.sink.batch_sizes.size(), 2u);
  EXPECT_EQ(h.sink.batch_sizes[0], 100u);
  for (size_t i = 1; i < h.sink.batch_sizes.size(); ++i) {
    EXPECT_GT(h.sink.batch_sizes[i], 100u);
    EXPECT_LE(h.sink.batch_sizes[i], 400u);
  }
}

TEST(ProducerLoop, ReportsProgressWithTheCurrentRate) {
  auto options = every_250ms(10);
  options.duration = milliseconds(3000);
  options.progress_interval = milliseconds(1000);
  Harness h(options);
  h.run();
  // Reports at 1 s and 2 s (after the batches at 1000/2000 ms) and a final one at 3 s.
  EXPECT_EQ(h.observer.progress_rows, (std::vector<uint64_t>{50, 90, 120}));
  ASSERT_EQ(h.observer.progress_rates.size(), 3u);
  EXPECT_DOUBLE_EQ(h.observer.progress_rates[0], 50.0);
  EXPECT_DOUBLE_EQ(h.observer.progress_rates[1], 40.0);
  EXPECT_DOUBLE_EQ(h.observer.progress_rates[2], 30.0);
}

}  // namespace
}  // namespace chview::producer
