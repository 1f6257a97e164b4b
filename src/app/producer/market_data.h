// Random market data like the seed's producer.py: rows of (timestamp, ticker, client,
// open, high, low, close, volume, date). Prices follow one random walk per ticker, so
// a ticker's chart looks like a price series rather than noise.
//
// Invariants of every row: 0 < low <= min(open, close), max(open, close) <= high,
// volume > 0, date == the UTC day of timestamp. Prices are whole cents and volumes whole
// numbers, so sums over them are exact in Float64 (tests rely on that).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "app/producer/random.h"
#include "base/status.h"

namespace chview::producer {

// One batch, column by column (the shape a Native insert wants).
struct MarketRows {
  std::vector<int64_t> timestamp_ms;  // milliseconds since the Unix epoch, UTC
  std::vector<std::string> ticker;
  std::vector<std::string> client;
  std::vector<double> open;
  std::vector<double> high;
  std::vector<double> low;
  std::vector<double> close;
  std::vector<double> volume;
  std::vector<int32_t> date;  // days since 1970-01-01 (UTC day of timestamp_ms)

  size_t size() const { return timestamp_ms.size(); }
};

// The seed's defaults (the securities and clients of Perspective's streaming examples).
std::vector<std::string> default_tickers();
std::vector<std::string> default_clients();

// Days since 1970-01-01 of a UTC millisecond timestamp (floor, also before 1970).
int32_t utc_day(int64_t timestamp_ms);

struct GeneratorOptions {
  std::vector<std::string> tickers = default_tickers();
  std::vector<std::string> clients = default_clients();
  uint64_t seed = 42;
};

// Deterministic: the same options and the same sequence of calls give the same rows.
// Not thread-safe.
class MarketDataGenerator {
 public:
  // kInvalidArgument for an empty ticker or client list or an empty name.
  static Result<MarketDataGenerator> create(GeneratorOptions options);

  // `rows` new rows, all stamped with `timestamp_ms`.
  MarketRows generate(size_t rows, int64_t timestamp_ms);

 private:
  explicit MarketDataGenerator(GeneratorOptions options);

  GeneratorOptions options_;
  Random random_;
  std::vector<int64_t> price_cents_;   // the walk's current price, per ticker
  std::vector<int64_t> anchor_cents_;  // each ticker's starting price
};

}  // namespace chview::producer
