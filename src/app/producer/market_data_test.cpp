#include "app/producer/market_data.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>

namespace chview::producer {
namespace {

constexpr int64_t kNoon20240301 = 1'709'294'400'000;  // 2024-03-01T12:00:00Z

MarketDataGenerator make(uint64_t seed, GeneratorOptions options = {}) {
  options.seed = seed;
  return std::move(MarketDataGenerator::create(std::move(options))).value();
}

TEST(UtcDay, FloorsToTheUtcDay) {
  EXPECT_EQ(utc_day(0), 0);
  EXPECT_EQ(utc_day(86'399'999), 0);
  EXPECT_EQ(utc_day(86'400'000), 1);
  EXPECT_EQ(utc_day(-1), -1);
  EXPECT_EQ(utc_day(kNoon20240301), 19783);  // 2024-03-01
}

TEST(MarketDataGenerator, EveryRowSatisfiesTheInvariants) {
  for (uint64_t seed : {1, 2, 42, 1234567}) {
    auto generator = make(seed);
    for (int batch = 0; batch < 20; ++batch) {
      const int64_t ts = kNoon20240301 + batch * 250;
      MarketRows rows = generator.generate(10'000, ts);
      ASSERT_EQ(rows.size(), 10'000u);
      for (auto* column : {&rows.open, &rows.high, &rows.low, &rows.close, &rows.volume}) {
        ASSERT_EQ(column->size(), rows.size());
      }
      ASSERT_EQ(rows.ticker.size(), rows.size());
      ASSERT_EQ(rows.client.size(), rows.size());
      ASSERT_EQ(rows.date.size(), rows.size());
      for (size_t i = 0; i < rows.size(); ++i) {
        SCOPED_TRACE(testing::Message() << "seed " << seed << " batch " << batch << " row " << i);
        ASSERT_GT(rows.low[i], 0.0);
        ASSERT_LE(rows.low[i], std::min(rows.open[i], rows.close[i]));
        ASSERT_GE(rows.high[i], std::max(rows.open[i], rows.close[i]));
        ASSERT_GT(rows.volume[i], 0.0);
        ASSERT_EQ(rows.volume[i], static_cast<double>(static_cast<int64_t>(rows.volume[i])));
        ASSERT_EQ(rows.timestamp_ms[i], ts);
        ASSERT_EQ(rows.date[i], 19783);
      }
    }
  }
}

TEST(MarketDataGenerator, SameSeedSameRowsOtherSeedOtherRows) {
  auto a = make(7);
  auto b = make(7);
  auto c = make(8);
  for (int batch = 0; batch < 5; ++batch) {
    MarketRows ra = a.generate(1000, kNoon20240301);
    MarketRows rb = b.generate(1000, kNoon20240301);
    MarketRows rc = c.generate(1000, kNoon20240301);
    EXPECT_EQ(ra.ticker, rb.ticker);
    EXPECT_EQ(ra.client, rb.client);
    EXPECT_EQ(ra.open, rb.open);
    EXPECT_EQ(ra.high, rb.high);
    EXPECT_EQ(ra.low, rb.low);
    EXPECT_EQ(ra.close, rb.close);
    EXPECT_EQ(ra.volume, rb.volume);
    EXPECT_NE(ra.open, rc.open);
    EXPECT_NE(ra.ticker, rc.ticker);
  }
}

TEST(MarketDataGenerator, BatchSizesDoNotChangeTheSequence) {
  // The stream is a function of the seed alone: 3 batches of 100 == 1 batch of 300.
  auto whole = make(99).generate(300, 0);
  auto split = make(99);
  std::vector<double> close;
  for (int i = 0; i < 3; ++i) {
    auto part = split.generate(100, 0);
    close.insert(close.end(), part.close.begin(), part.close.end());
  }
  EXPECT_EQ(close, whole.close);
}

TEST(MarketDataGenerator, PricesWalkPerTicker) {
  // Each row opens at the previous close of the same ticker.
  auto generator = make(3);
  std::map<std::string, double> last_close;
  for (int batch = 0; batch < 10; ++batch) {
    MarketRows rows = generator.generate(500, 0);
    for (size_t i = 0; i < rows.size(); ++i) {
      auto it = last_close.find(rows.ticker[i]);
      if (it != last_close.end()) {
        ASSERT_EQ(rows.open[i], it->second) << rows.ticker[i];
      }
      // Steps are at most ~1% (+ rounding to the cent).
      ASSERT_LE(std::abs(rows.close[i] - rows.open[i]), rows.open[i] * 0.0111 + 0.011);
      last_close[rows.ticker[i]] = rows.close[i];
    }
  }
}

TEST(MarketDataGenerator, LongRunsStayInASaneRange) {
  auto generator = make(5);
  MarketRows rows = generator.generate(1'000'000, 0);
  const auto [lo, hi] = std::minmax_element(rows.low.begin(), rows.low.end());
  EXPECT_GT(*lo, 1.0);
  EXPECT_LT(*hi, 5000.0);
}

TEST(MarketDataGenerator, UsesExactlyTheConfiguredNames) {
  GeneratorOptions options;
  options.tickers = {"X", "Y"};
  options.clients = {"alice", "bob", "carol"};
  auto generator = make(11, options);
  MarketRows rows = generator.generate(1000, 0);
  EXPECT_EQ(std::set<std::string>(rows.ticker.begin(), rows.ticker.end()),
            (std::set<std::string>{"X", "Y"}));
  EXPECT_EQ(std::set<std::string>(rows.client.begin(), rows.client.end()),
            (std::set<std::string>{"alice", "bob", "carol"}));
}

TEST(MarketDataGenerator, DefaultsAreTheSeedsNames) {
  auto rows = make(1).generate(5000, 0);
  std::set<std::string> tickers(rows.ticker.begin(), rows.ticker.end());
  EXPECT_EQ(tickers.size(), 13u);
  EXPECT_TRUE(tickers.count("AAPL.N"));
  std::set<std::string> clients(rows.client.begin(), rows.client.end());
  EXPECT_EQ(clients.size(), 9u);
  EXPECT_TRUE(clients.count("Homer"));
}

TEST(MarketDataGenerator, RejectsEmptyLists) {
  GeneratorOptions no_tickers;
  no_tickers.tickers = {};
  EXPECT_EQ(MarketDataGenerator::create(no_tickers).status().code(), ErrorCode::kInvalidArgument);
  GeneratorOptions no_clients;
  no_clients.clients = {};
  EXPECT_FALSE(MarketDataGenerator::create(no_clients).is_ok());
  GeneratorOptions empty_name;
  empty_name.tickers = {"A", ""};
  EXPECT_FALSE(MarketDataGenerator::create(empty_name).is_ok());
}

}  // namespace
}  // namespace chview::producer
