#include "app/producer/market_data.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace chview::producer {
namespace {

constexpr int64_t kMsPerDay = 86'400'000;
// Each row moves its ticker's price by up to ±1%, pulled gently back towards where the
// ticker started so that long runs (millions of rows) neither collapse nor explode.
constexpr double kMaxStep = 0.01;
constexpr double kReversion = 0.001;

}  // namespace

std::vector<std::string> default_tickers() {
  return {"AAPL.N", "AMZN.N", "QQQ.N", "NVDA.N", "TSLA.N",  "FB.N",  "MSFT.N",
          "TLT.N",  "XIV.N",  "YY.N",  "CSCO.N", "GOOGL.N", "PCLN.N"};
}

std::vector<std::string> default_clients() {
  return {"Homer", "Marge", "Bart", "Lisa", "Maggie", "Moe", "Lenny", "Carl", "Krusty"};
}

int32_t utc_day(int64_t timestamp_ms) {
  int64_t day = timestamp_ms / kMsPerDay;
  if (timestamp_ms % kMsPerDay < 0) --day;
  return static_cast<int32_t>(day);
}

Result<MarketDataGenerator> MarketDataGenerator::create(GeneratorOptions options) {
  if (options.tickers.empty()) return invalid_argument("the ticker list is empty");
  if (options.clients.empty()) return invalid_argument("the client list is empty");
  for (const auto* list : {&options.tickers, &options.clients}) {
    for (const auto& name : *list) {
      if (name.empty()) return invalid_argument("empty ticker or client name");
    }
  }
  return MarketDataGenerator(std::move(options));
}

MarketDataGenerator::MarketDataGenerator(GeneratorOptions options)
    : options_(std::move(options)), random_(options_.seed) {
  // Starting prices between 10.00 and 500.00.
  price_cents_.reserve(options_.tickers.size());
  for (size_t i = 0; i < options_.tickers.size(); ++i) {
    price_cents_.push_back(1000 + static_cast<int64_t>(random_.below(49'001)));
  }
  anchor_cents_ = price_cents_;
}

MarketRows MarketDataGenerator::generate(size_t rows, int64_t timestamp_ms) {
  MarketRows out;
  out.timestamp_ms.assign(rows, timestamp_ms);
  out.date.assign(rows, utc_day(timestamp_ms));
  out.ticker.reserve(rows);
  out.client.reserve(rows);
  for (auto* column : {&out.open, &out.high, &out.low, &out.close, &out.volume}) {
    column->reserve(rows);
  }
  for (size_t row = 0; row < rows; ++row) {
    const size_t t = random_.below(options_.tickers.size());
    const size_t c = random_.below(options_.clients.size());
    const int64_t open = price_cents_[t];
    const double step =
        (random_.uniform() * 2 - 1) * kMaxStep +
        kReversion * std::log(static_cast<double>(anchor_cents_[t]) / static_cast<double>(open));
    const int64_t close =
        std::max<int64_t>(1, std::llround(static_cast<double>(open) * std::exp(step)));
    const int64_t top = std::max(open, close);
    const int64_t bottom = std::min(open, close);
    // High and low stretch up to 0.5% beyond the open/close range; prices stay >= 0.01.
    const int64_t high = top + static_cast<int64_t>(random_.below(top / 200 + 1));
    const int64_t low =
        std::max<int64_t>(1, bottom - static_cast<int64_t>(random_.below(bottom / 200 + 1)));
    price_cents_[t] = close;

    out.ticker.push_back(options_.tickers[t]);
    out.client.push_back(options_.clients[c]);
    // Whole cents / 100.0 is monotonic, so the integer invariants carry over to doubles.
    out.open.push_back(static_cast<double>(open) / 100.0);
    out.high.push_back(static_cast<double>(high) / 100.0);
    out.low.push_back(static_cast<double>(low) / 100.0);
    out.close.push_back(static_cast<double>(close) / 100.0);
    out.volume.push_back(static_cast<double>(100 * (1 + random_.below(100))));
  }
  return out;
}

}  // namespace chview::producer
