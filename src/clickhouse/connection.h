// Where and how to reach ClickHouse: a URL http[s]://user:password@host:port/database
// following ClickHouse conventions, plus timeouts.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/status.h"

namespace chview::clickhouse {

inline constexpr std::string_view kDefaultUrl = "http://admin:admin123@127.0.0.1:8123/default";

struct ConnectionConfig {
  bool secure = false;  // https
  std::string host = "127.0.0.1";
  uint16_t port = 8123;
  std::string user = "admin";
  std::string password = "admin123";
  std::string database = "default";
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds query_timeout{60000};  // default per-query timeout
  // https only: an extra PEM CA bundle to trust (e.g. a private CA); empty = system CAs.
  std::string tls_ca_file;
  bool tls_verify = true;  // false accepts any certificate (testing only)

  // Parses http[s]://[user[:password]@]host[:port][/database]. User and password are
  // percent-decoded; missing parts keep the defaults above (port 8123 / 8443 for https).
  // A bad URL yields kInvalidArgument saying what is wrong.
  static Result<ConnectionConfig> parse_url(std::string_view url);

  // CLICKHOUSE_URL (else kDefaultUrl), then CLICKHOUSE_USER / CLICKHOUSE_PASSWORD /
  // CLICKHOUSE_DATABASE override their parts. `getenv` is injectable for tests.
  using EnvLookup = std::function<const char*(const char*)>;
  static Result<ConnectionConfig> from_environment(const EnvLookup& getenv = nullptr);

  // The URL with the password shown as "***" (for logs and messages).
  std::string redacted_url() const;
  // The full URL including the password (percent-encoded).
  std::string url() const;
  // "host:port".
  std::string endpoint() const;
};

// RFC 3986 percent-encoding of everything but unreserved characters (URL parts and
// query parameters).
std::string percent_encode(std::string_view text);

}  // namespace chview::clickhouse
