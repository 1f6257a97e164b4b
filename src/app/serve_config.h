// The `chview serve` configuration file (TOML). Every key is optional; command-line
// flags override the file. Reference (README "Configuration"):
//
//   [server]
//   host = "127.0.0.1"        # "0.0.0.0" to listen on every interface
//   port = 8080
//   writable = false           # clients may create/update/delete tables
//   max_frame = "64MiB"        # largest incoming WebSocket message (bytes or KiB/MiB/GiB)
//   allow_origins = ["https://dashboards.example"]  # other pages that may connect ("*": any)
//
//   [clickhouse]
//   url = "http://admin:admin123@127.0.0.1:8123/default"   # else CLICKHOUSE_URL etc.
//
//   [[table]]                  # one per live table
//   name = "stock_values"      # the name viewers see
//   source = "stock_values"    # a ClickHouse table ("db.table"), or:
//   # query = "SELECT ... "    # any SELECT
//   limit = 1000               # keep the newest N rows (default), or:
//   # index = "id"             # upsert by this column
//   cursor = "timestamp"       # default: the first DateTime column
//   interval = "250ms"
//   lateness = "0s"            # re-read this far behind the cursor for late rows
//   max_load_rows = 5000000    # guard for loading a whole source (index tables)
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "ingest/live_feed.h"

namespace chview::app {

struct ServeFileConfig {
  std::optional<std::string> host;
  std::optional<uint16_t> port;
  std::optional<bool> writable;
  std::optional<size_t> max_frame_bytes;
  std::optional<std::vector<std::string>> allowed_origins;
  std::optional<std::string> clickhouse_url;
  std::vector<ingest::LiveTableSpec> tables;
};

// Parses TOML text; errors name the key and, for syntax errors, the line.
Result<ServeFileConfig> parse_serve_config(std::string_view toml_text);
Result<ServeFileConfig> load_serve_config(const std::string& path);

// "64MiB", "512KiB", "1GiB", "1048576" → bytes.
Result<size_t> parse_byte_size(std::string_view text);

}  // namespace chview::app
