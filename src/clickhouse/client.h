// A small ClickHouse client over the HTTP interface: queries decoded from FORMAT Native,
// inserts encoded as Native, DDL, cancellation and server version detection.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "clickhouse/block.h"
#include "clickhouse/connection.h"
#include "clickhouse/native.h"
#include "clickhouse/transport.h"

namespace chview::clickhouse {

struct QueryOptions {
  std::map<std::string, std::string> settings;       // sent as URL parameters
  std::string query_id;                              // generated when empty
  std::optional<std::chrono::milliseconds> timeout;  // default: config.query_timeout
};

struct ServerVersion {
  int major = 0;
  int minor = 0;
  int patch = 0;
  std::string text;  // as SELECT version() printed it

  bool at_least(int maj, int min = 0) const;
  bool supports_datetime64() const;  // 20.1+
  bool supports_date32() const;      // 21.9+
  // LowCardinality exists from 18.12; before 20.1 it needs the setting below.
  bool supports_low_cardinality() const;
  bool low_cardinality_needs_setting() const;
  static constexpr std::string_view kLowCardinalitySetting =
      "allow_experimental_low_cardinality_type";
};
Result<ServerVersion> parse_server_version(std::string_view text);

// Turns a non-200 ClickHouse response into a Status: kAuthentication for codes
// 192/193/194/516 (or HTTP 401/403 without a code), else kRemote
// "ClickHouse error <code>: <message>". Exposed for tests.
Status status_from_error_response(const HttpResponse& response);

// Not thread-safe, except cancel(), which may be called from any thread while a query
// runs (it uses its own connection).
class Client {
 public:
  using TransportFactory = std::function<std::unique_ptr<HttpTransport>()>;

  // Real network transport.
  explicit Client(ConnectionConfig config);
  // Injected transport (tests): the factory is called once for queries and once per cancel.
  Client(ConnectionConfig config, TransportFactory factory);
  ~Client();
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;

  // `sql` without a FORMAT clause (a trailing ";" is dropped); "FORMAT Native" is appended
  // on its own line so a trailing comment cannot swallow it.
  Result<std::vector<Block>> query(std::string_view sql, const QueryOptions& options = {});
  // Like query() but all blocks concatenated into one (columns from the first block).
  Result<Block> query_block(std::string_view sql, const QueryOptions& options = {});
  // DDL and other statements without a result.
  Status execute(std::string_view sql, const QueryOptions& options = {});
  // The raw response body (add your own FORMAT, e.g. TSV).
  Result<std::string> query_text(std::string_view sql, const QueryOptions& options = {});
  // INSERT INTO `table` FORMAT Native with `block` as the body. `table` is used as given
  // (quote it yourself if needed).
  Status insert(std::string_view table, const Block& block, const QueryOptions& options = {});
  // KILL QUERY WHERE query_id = ... over a separate connection.
  Status cancel(std::string_view query_id);
  // SELECT version(), once per Client.
  Result<ServerVersion> server_version();

  const ConnectionConfig& config() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A fresh random query id (UUID text).
std::string generate_query_id();

}  // namespace chview::clickhouse
