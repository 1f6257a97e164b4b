// The ClickHouse connection flags shared by `chview serve` and `chview produce`.
#pragma once

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "base/status.h"
#include "clickhouse/connection.h"

namespace chview::app {

struct ClickHouseCliOptions {
  std::optional<std::string> url;
  std::optional<std::string> user;
  std::optional<std::string> password;
  std::optional<std::string> database;
  std::optional<std::string> timeout;  // per-query timeout, e.g. "30s"
};

// Adds --clickhouse URL, --user, --password, --database, --query-timeout to `cmd`.
void add_clickhouse_options(CLI::App& cmd, ClickHouseCliOptions& opts);

// Precedence: the flags, then CLICKHOUSE_USER / CLICKHOUSE_PASSWORD / CLICKHOUSE_DATABASE,
// then the URL's parts (--clickhouse, else CLICKHOUSE_URL, else the built-in default).
Result<clickhouse::ConnectionConfig> resolve(const ClickHouseCliOptions& opts);

}  // namespace chview::app
