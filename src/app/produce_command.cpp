// `chview produce`: the seed's producer.py — random market data inserted into ClickHouse
// every 250 ms — plus a load mode (--rate), bounded runs and retry on failure.
#include <spdlog/spdlog.h>

#include <atomic>
#include <csignal>
#include <cstring>
#include <random>
#include <thread>

#include "app/clickhouse_options.h"
#include "app/commands.h"
#include "app/producer/clickhouse_sink.h"
#include "app/producer/market_data.h"
#include "app/producer/producer_loop.h"
#include "base/duration.h"

namespace chview::app {
namespace {

using producer::Millis;

std::atomic<bool> g_stop{false};

// The first Ctrl-C asks the loop to stop after the batch in flight; a second one ends the
// process at once (e.g. an insert hanging on a dead connection).
extern "C" void request_stop(int signal_number) {
  if (g_stop.exchange(true)) {
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
  }
}

void install_signal_handlers() {
  struct sigaction action;
  std::memset(&action, 0, sizeof action);
  action.sa_handler = request_stop;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

struct ProduceFlags {
  ClickHouseCliOptions clickhouse;
  std::string table = "stock_values";
  std::string interval = "250ms";
  uint64_t rows = 10;
  double rate = 0;
  std::string duration = "0";
  uint64_t total_rows = 0;
  std::vector<std::string> tickers = producer::default_tickers();
  std::vector<std::string> clients = producer::default_clients();
  std::optional<uint64_t> seed;
  std::string progress = "5s";
};

Result<Millis> parse_flag_duration(const std::string& flag, const std::string& text) {
  auto parsed = parse_duration(text);
  if (!parsed.is_ok()) return invalid_argument(flag + ": " + parsed.status().message());
  return *parsed;
}

Result<producer::ProducerOptions> loop_options(const ProduceFlags& flags) {
  producer::ProducerOptions options;
  CHVIEW_ASSIGN_OR_RETURN(options.interval, parse_flag_duration("--interval", flags.interval));
  if (options.interval.count() <= 0) return invalid_argument("--interval must be > 0");
  CHVIEW_ASSIGN_OR_RETURN(options.duration, parse_flag_duration("--duration", flags.duration));
  CHVIEW_ASSIGN_OR_RETURN(options.progress_interval,
                          parse_flag_duration("--progress", flags.progress));
  if (flags.rows == 0) return invalid_argument("--rows must be > 0");
  options.rows_per_batch = flags.rows;
  if (flags.rate < 0) return invalid_argument("--rate must be >= 0");
  if (flags.rate > 0) options.rows_per_second = flags.rate;
  if (flags.total_rows > 0) options.total_rows = flags.total_rows;
  return options;
}

// The table setup retries while ClickHouse is unreachable (e.g. still starting), like
// the inserts do; other errors (bad credentials, an incompatible table) end the run.
Result<producer::TableLayout> prepare_with_retry(clickhouse::Client& client,
                                                 const std::string& table,
                                                 const producer::BackoffPolicy& backoff) {
  producer::RealClock clock;
  for (uint32_t attempt = 1;; ++attempt) {
    auto layout = producer::prepare_table(client, table);
    const ErrorCode code = layout.status().code();
    if (layout.is_ok() || (code != ErrorCode::kConnection && code != ErrorCode::kTimeout)) {
      return layout;
    }
    const Millis delay = backoff.delay(attempt);
    spdlog::warn("produce: ClickHouse not reachable ({}); retrying in {} ms",
                 layout.status().to_string(), delay.count());
    clock.sleep_until(clock.now() + delay, g_stop);
    if (g_stop.load()) return Status(ErrorCode::kCancelled, "stopped before the table was ready");
  }
}

int run_produce(const ProduceFlags& flags) {
  auto options = loop_options(flags);
  if (!options.is_ok()) {
    spdlog::error("produce: {}", options.status().message());
    return 2;
  }
  if (Status name = producer::validate_table_name(flags.table); !name.is_ok()) {
    spdlog::error("produce: --table: {}", name.message());
    return 2;
  }
  producer::GeneratorOptions generator_options;
  generator_options.tickers = flags.tickers;
  generator_options.clients = flags.clients;
  generator_options.seed = flags.seed ? *flags.seed : std::random_device{}();
  auto generator = producer::MarketDataGenerator::create(generator_options);
  if (!generator.is_ok()) {
    spdlog::error("produce: {}", generator.status().message());
    return 2;
  }
  auto config = resolve(flags.clickhouse);
  if (!config.is_ok()) {
    spdlog::error("produce: {}", config.status().message());
    return 2;
  }

  install_signal_handlers();
  clickhouse::Client client(*config);
  auto layout = prepare_with_retry(client, flags.table, options->backoff);
  if (!layout.is_ok()) {
    if (layout.status().code() == ErrorCode::kCancelled) {
      spdlog::info("produce: stopped before ClickHouse was reachable; nothing inserted");
      return 0;
    }
    spdlog::error("produce: cannot prepare table '{}' on {}: {}", flags.table,
                  config->redacted_url(), layout.status().to_string());
    return 1;
  }
  spdlog::info("produce: inserting into '{}' ({}) on {}: {} every {}{}{}, seed {}", flags.table,
               layout->timestamp.to_string(), config->redacted_url(),
               options->rows_per_second
                   ? fmt::format("{:.0f} rows/s in batches", *options->rows_per_second)
                   : fmt::format("{} rows", options->rows_per_batch),
               format_duration(options->interval),
               options->duration.count() > 0 ? ", for " + format_duration(options->duration) : "",
               options->total_rows ? fmt::format(", up to {} rows", *options->total_rows) : "",
               generator_options.seed);

  producer::ClickHouseSink sink(client, flags.table, *layout);
  producer::RealClock clock;
  producer::LoggingObserver observer;
  producer::ProducerLoop loop(*options, *generator, sink, clock, observer);
  const producer::ProducerResult result = loop.run(g_stop);
  // Rows given up on count as a failure unless the user asked to stop.
  return result.stats.rows_abandoned > 0 && result.reason != producer::StopReason::kRequested ? 1
                                                                                              : 0;
}

}  // namespace

void add_produce_command(CLI::App& cli, CommandRun& run) {
  auto* cmd = cli.add_subcommand("produce", "Insert random market data into ClickHouse");
  cmd->footer(
      "A batch of --rows rows every --interval (or batches sized to reach --rate rows/s) into "
      "--table, created if missing (timestamp DateTime64(3) on ClickHouse 20.1+, DateTime "
      "before). A failed insert is retried with backoff (100 ms .. 5 s) and never dropped. "
      "Durations: 250ms, 3s, 1m. Ctrl-C stops after the batch in flight (twice: at once).");
  auto flags = std::make_shared<ProduceFlags>();
  add_clickhouse_options(*cmd, flags->clickhouse);
  cmd->add_option("--table", flags->table, "Table to fill (created if missing)")
      ->capture_default_str();
  cmd->add_option("--interval", flags->interval, "Time between batches")->capture_default_str();
  cmd->add_option("--rows", flags->rows, "Rows per batch")->capture_default_str();
  cmd->add_option("--rate", flags->rate,
                  "Load mode: rows per second (batch size follows; --rows is ignored)");
  cmd->add_option("--duration", flags->duration, "Stop after this long (0 = run until Ctrl-C)")
      ->capture_default_str();
  cmd->add_option("--total-rows", flags->total_rows, "Stop after this many rows (0 = no limit)");
  cmd->add_option("--tickers", flags->tickers, "Ticker symbols, comma separated")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--clients", flags->clients, "Client names, comma separated")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--seed", flags->seed, "Random seed (same seed, same data; default: random)");
  cmd->add_option("--progress", flags->progress, "Time between progress lines (0 = none)")
      ->capture_default_str();
  cmd->callback([&run, flags] { run = [flags] { return run_produce(*flags); }; });
}

}  // namespace chview::app
