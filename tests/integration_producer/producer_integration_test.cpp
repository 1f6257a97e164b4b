// The producer against the real test ClickHouse (CHVIEW_TEST_CLICKHOUSE_URL, else the
// local default on CHVIEW_CH_HTTP_PORT): what lands in the table is exactly what the
// generator produced, every row satisfies the invariants, and a batch that fails (the
// table is missing) is retried until it goes in once.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "app/producer/clickhouse_sink.h"
#include "app/producer/market_data.h"
#include "app/producer/producer_loop.h"
#include "clickhouse/client.h"

namespace chview::producer {
namespace {

using std::chrono::milliseconds;

std::string test_url() {
  if (const char* url = std::getenv("CHVIEW_TEST_CLICKHOUSE_URL"); url && *url) return url;
  const char* port = std::getenv("CHVIEW_CH_HTTP_PORT");
  return std::string("http://default:@127.0.0.1:") + (port && *port ? port : "8123") + "/default";
}

std::string unique_table(const std::string& stem) {
  std::random_device device;
  return "producer_it_" + stem + "_" + std::to_string(getpid()) + "_" +
         std::to_string(device() % 1'000'000);
}

// One row as compared between the generator and the table.
using RowKey = std::tuple<std::string, std::string, double, double, double, double, double>;

std::vector<RowKey> keys_of(const MarketRows& rows) {
  std::vector<RowKey> keys;
  for (size_t i = 0; i < rows.size(); ++i) {
    keys.emplace_back(rows.ticker[i], rows.client[i], rows.open[i], rows.high[i], rows.low[i],
                      rows.close[i], rows.volume[i]);
  }
  return keys;
}

// Swallows the loop's events (the test checks the returned stats and the table).
class QuietObserver final : public ProducerObserver {
 public:
  void on_progress(const ProducerStats&, double) override {}
  void on_insert_failed(const Status& error, uint64_t, uint32_t, Millis) override {
    last_error = error.to_string();
    failures += 1;
  }
  void on_recovered(uint64_t, uint32_t) override {}
  void on_abandoned(uint64_t, uint32_t) override {}
  void on_finished(const ProducerResult&) override {}
  std::string last_error;
  int failures = 0;
};

class ProducerIntegration : public testing::Test {
 protected:
  void SetUp() override {
    auto config = clickhouse::ConnectionConfig::parse_url(test_url());
    ASSERT_TRUE(config.is_ok()) << config.status().to_string();
    config_ = *config;
    client_ = std::make_unique<clickhouse::Client>(config_);
  }
  void TearDown() override {
    for (const auto& table : tables_) {
      (void)client_->execute("DROP TABLE IF EXISTS `" + table + "`");
    }
  }
  std::string table(const std::string& stem) {
    tables_.push_back(unique_table(stem));
    return tables_.back();
  }
  std::string scalar(const std::string& sql) {
    auto text = client_->query_text(sql + " FORMAT TSV");
    EXPECT_TRUE(text.is_ok()) << sql << ": " << text.status().to_string();
    if (!text.is_ok()) return "";
    std::string value = *text;
    while (!value.empty() && (value.back() == '\n')) value.pop_back();
    return value;
  }
  std::vector<RowKey> table_rows(const std::string& name) {
    auto block = client_->query_block(
        "SELECT ticker, client, open, high, low, close, volume FROM `" + name + "`");
    EXPECT_TRUE(block.is_ok()) << block.status().to_string();
    std::vector<RowKey> keys;
    if (!block.is_ok()) return keys;
    for (size_t i = 0; i < block->rows; ++i) {
      const auto& c = block->columns;
      keys.emplace_back(c[0].string_at(i), c[1].string_at(i), c[2].double_at(i), c[3].double_at(i),
                        c[4].double_at(i), c[5].double_at(i), c[6].double_at(i));
    }
    return keys;
  }

  clickhouse::ConnectionConfig config_;
  std::unique_ptr<clickhouse::Client> client_;
  std::vector<std::string> tables_;
};

GeneratorOptions seeded(uint64_t seed) {
  GeneratorOptions options;
  options.seed = seed;
  return options;
}

// The generator's own stream for `batches` batches of `rows`, as sorted row keys.
std::vector<RowKey> expected_rows(uint64_t seed, int batches, size_t rows, double* volume) {
  auto generator = std::move(MarketDataGenerator::create(seeded(seed))).value();
  std::vector<RowKey> keys;
  *volume = 0;
  for (int b = 0; b < batches; ++b) {
    auto batch = generator.generate(rows, 0);
    for (double v : batch.volume) *volume += v;
    auto k = keys_of(batch);
    keys.insert(keys.end(), k.begin(), k.end());
  }
  std::sort(keys.begin(), keys.end());
  return keys;
}

constexpr const char* kInvariantViolations =
    "SELECT countIf(low > open OR low > close OR high < open OR high < close OR low <= 0 "
    "OR volume <= 0 OR date != toDate(timestamp, 'UTC')) FROM ";

TEST_F(ProducerIntegration, TableHoldsExactlyTheGeneratedRows) {
  const std::string name = table("exact");
  auto layout = prepare_table(*client_, name);
  ASSERT_TRUE(layout.is_ok()) << layout.status().to_string();
  auto version = client_->server_version();
  ASSERT_TRUE(version.is_ok());
  EXPECT_EQ(layout->timestamp.kind, version->supports_datetime64()
                                        ? clickhouse::TypeKind::kDateTime64
                                        : clickhouse::TypeKind::kDateTime);

  auto generator = std::move(MarketDataGenerator::create(seeded(7))).value();
  ClickHouseSink sink(*client_, name, *layout);
  RealClock clock;
  QuietObserver observer;
  ProducerOptions options;
  options.interval = milliseconds(20);
  options.rows_per_batch = 100;
  options.total_rows = 1000;
  options.progress_interval = milliseconds(0);
  ProducerLoop loop(options, generator, sink, clock, observer);
  std::atomic<bool> stop{false};
  ProducerResult result = loop.run(stop);
  EXPECT_EQ(result.reason, StopReason::kTotalRows);
  EXPECT_EQ(result.stats.rows_inserted, 1000u);
  EXPECT_EQ(result.stats.batches_inserted, 10u);
  EXPECT_EQ(observer.failures, 0) << observer.last_error;

  double volume = 0;
  std::vector<RowKey> expected = expected_rows(7, 10, 100, &volume);
  EXPECT_EQ(scalar("SELECT count() FROM `" + name + "`"), "1000");
  // Whole numbers: the sum is exact in Float64, whatever the order.
  EXPECT_EQ(scalar("SELECT toUInt64(sum(volume)) FROM `" + name + "`"),
            std::to_string(static_cast<uint64_t>(volume)));
  EXPECT_EQ(scalar(kInvariantViolations + ("`" + name + "`")), "0");
  std::vector<RowKey> actual = table_rows(name);
  std::sort(actual.begin(), actual.end());
  EXPECT_EQ(actual.size(), expected.size());
  EXPECT_TRUE(actual == expected) << "the table's rows differ from the generator's";
}

TEST_F(ProducerIntegration, PrepareTableIsIdempotentAndKeepsAnExistingTable) {
  const std::string name = table("existing");
  // An existing table with second-precision timestamps is used as it is.
  ASSERT_TRUE(client_->execute(create_table_sql(name, false)).is_ok());
  auto first = prepare_table(*client_, name);
  ASSERT_TRUE(first.is_ok()) << first.status().to_string();
  EXPECT_EQ(first->timestamp.kind, clickhouse::TypeKind::kDateTime);
  auto second = prepare_table(*client_, name);
  ASSERT_TRUE(second.is_ok()) << second.status().to_string();

  auto generator = std::move(MarketDataGenerator::create(seeded(1))).value();
  ClickHouseSink sink(*client_, name, *second);
  auto rows = generator.generate(5, 1'709'294'400'999);  // 2024-03-01T12:00:00.999Z
  ASSERT_TRUE(sink.insert(rows).is_ok());
  EXPECT_EQ(
      scalar("SELECT toString(min(timestamp), 'UTC'), toString(max(date)) FROM `" + name + "`"),
      "2024-03-01 12:00:00\t2024-03-01");
}

TEST_F(ProducerIntegration, RejectsATableWithTheWrongColumns) {
  const std::string name = table("wrong");
  ASSERT_TRUE(client_
                  ->execute("CREATE TABLE `" + name +
                            "` (timestamp DateTime, ticker String, date Date) "
                            "ENGINE = MergeTree() PARTITION BY toYYYYMM(date) ORDER BY timestamp")
                  .is_ok());
  auto layout = prepare_table(*client_, name);
  ASSERT_FALSE(layout.is_ok());
  EXPECT_EQ(layout.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(layout.status().message().find("no column 'client'"), std::string::npos)
      << layout.status().message();
}

TEST_F(ProducerIntegration, FailingBatchIsRetriedUntilItGoesInOnce) {
  // The sink targets a table that does not exist yet: inserts fail (a real ClickHouse
  // error) until another thread creates it; the same batch then goes in exactly once.
  const std::string name = table("retry");
  auto generator = std::move(MarketDataGenerator::create(seeded(9))).value();
  auto version = client_->server_version();
  ASSERT_TRUE(version.is_ok());
  const bool datetime64 = version->supports_datetime64();
  TableLayout layout{
      std::move(clickhouse::parse_type(datetime64 ? "DateTime64(3)" : "DateTime")).value(),
      std::move(clickhouse::parse_type("Date")).value()};
  ClickHouseSink sink(*client_, name, layout);
  RealClock clock;
  QuietObserver observer;
  ProducerOptions options;
  options.interval = milliseconds(10);
  options.rows_per_batch = 50;
  options.total_rows = 150;
  options.progress_interval = milliseconds(0);
  options.backoff = BackoffPolicy{milliseconds(50), milliseconds(200), 2.0};
  ProducerLoop loop(options, generator, sink, clock, observer);

  std::thread creator([&] {
    std::this_thread::sleep_for(milliseconds(600));
    clickhouse::Client other(config_);
    Status created = other.execute(create_table_sql(name, datetime64));
    EXPECT_TRUE(created.is_ok()) << created.to_string();
  });
  std::atomic<bool> stop{false};
  ProducerResult result = loop.run(stop);
  creator.join();

  EXPECT_GE(observer.failures, 2);
  EXPECT_NE(observer.last_error.find("ClickHouse error"), std::string::npos) << observer.last_error;
  EXPECT_EQ(result.stats.rows_inserted, 150u);
  EXPECT_EQ(result.stats.rows_abandoned, 0u);
  double volume = 0;
  std::vector<RowKey> expected = expected_rows(9, 3, 50, &volume);
  std::vector<RowKey> actual = table_rows(name);
  std::sort(actual.begin(), actual.end());
  EXPECT_TRUE(actual == expected) << "got " << actual.size() << " rows, expected 150";
}

#ifdef CHVIEW_BIN
TEST_F(ProducerIntegration, ChviewProduceBinaryInsertsAndExitsCleanly) {
  const std::string name = table("binary");
  const std::string command = std::string(CHVIEW_BIN) + " produce --clickhouse '" + test_url() +
                              "' --table " + name +
                              " --interval 20ms --rows 40 --total-rows 200 --seed 5 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buffer[4096];
  while (size_t n = fread(buffer, 1, sizeof buffer, pipe)) output.append(buffer, n);
  const int status = pclose(pipe);
  ASSERT_TRUE(WIFEXITED(status)) << output;
  EXPECT_EQ(WEXITSTATUS(status), 0) << output;
  EXPECT_NE(output.find("200 rows in 5 batches"), std::string::npos) << output;

  double volume = 0;
  std::vector<RowKey> expected = expected_rows(5, 5, 40, &volume);
  EXPECT_EQ(scalar("SELECT count() FROM `" + name + "`"), "200");
  EXPECT_EQ(scalar(kInvariantViolations + ("`" + name + "`")), "0");
  std::vector<RowKey> actual = table_rows(name);
  std::sort(actual.begin(), actual.end());
  EXPECT_TRUE(actual == expected);
}

TEST_F(ProducerIntegration, ChviewProduceStopsCleanlyOnSigterm) {
  const std::string name = table("sigterm");
  const std::string url = test_url();
  std::vector<std::string> args = {CHVIEW_BIN,   "produce", "--clickhouse", url,  "--table", name,
                                   "--interval", "50ms",    "--rows",       "10", "--seed",  "6"};
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
  pid_t pid = 0;
  ASSERT_EQ(posix_spawn(&pid, CHVIEW_BIN, &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);

  // Stop it once it has inserted something (the wait bounds a hung producer, nothing else).
  long long count = 0;
  for (int i = 0; i < 600 && count == 0; ++i) {
    std::this_thread::sleep_for(milliseconds(50));
    auto text = client_->query_text("SELECT count() FROM `" + name + "` FORMAT TSV");
    if (text.is_ok()) count = std::stoll(*text);
  }
  ASSERT_EQ(kill(pid, SIGTERM), 0);
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_GT(count, 0);
  // Whole batches only: nothing half-written, nothing lost on the way out.
  const std::string final_count = scalar("SELECT count() FROM `" + name + "`");
  ASSERT_FALSE(final_count.empty());
  EXPECT_GE(std::stoll(final_count), count);
  EXPECT_EQ(std::stoll(final_count) % 10, 0);
}
#endif

}  // namespace
}  // namespace chview::producer
