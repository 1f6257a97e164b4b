#include "app/clickhouse_options.h"

#include <cstdlib>

#include "base/duration.h"

namespace chview::app {

void add_clickhouse_options(CLI::App& cmd, ClickHouseCliOptions& opts) {
  cmd.add_option("--clickhouse", opts.url,
                 "ClickHouse URL http[s]://user:password@host:port/database "
                 "(default: $CLICKHOUSE_URL, else " +
                     std::string(clickhouse::kDefaultUrl) + ")");
  cmd.add_option("--user", opts.user, "ClickHouse user (overrides the URL and $CLICKHOUSE_USER)");
  cmd.add_option("--password", opts.password,
                 "ClickHouse password (overrides the URL and $CLICKHOUSE_PASSWORD)");
  cmd.add_option("--database", opts.database,
                 "ClickHouse database (overrides the URL and $CLICKHOUSE_DATABASE)");
  cmd.add_option("--query-timeout", opts.timeout, "Per-query timeout, e.g. 30s (default 60s)");
}

Result<clickhouse::ConnectionConfig> resolve(const ClickHouseCliOptions& opts) {
  clickhouse::ConnectionConfig config;
  if (opts.url) {
    // The flag replaces CLICKHOUSE_URL; the other variables still override its parts.
    auto env = [&](const char* name) -> const char* {
      return std::string_view(name) == "CLICKHOUSE_URL" ? opts.url->c_str() : std::getenv(name);
    };
    CHVIEW_ASSIGN_OR_RETURN(config, clickhouse::ConnectionConfig::from_environment(env));
  } else {
    CHVIEW_ASSIGN_OR_RETURN(config, clickhouse::ConnectionConfig::from_environment());
  }
  if (opts.user) {
    if (opts.user->empty()) return invalid_argument("--user must not be empty");
    config.user = *opts.user;
  }
  if (opts.password) config.password = *opts.password;
  if (opts.database) {
    if (opts.database->empty()) return invalid_argument("--database must not be empty");
    config.database = *opts.database;
  }
  if (opts.timeout) {
    CHVIEW_ASSIGN_OR_RETURN(config.query_timeout, parse_duration(*opts.timeout));
  }
  return config;
}

}  // namespace chview::app
