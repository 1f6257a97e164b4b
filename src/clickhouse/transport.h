// The seam between the ClickHouse client and the network: one HTTP POST at a time.
// Tests inject faults with a fake; the real one is Boost.Beast (keep-alive, reconnect,
// timeouts, https).
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"
#include "clickhouse/connection.h"

namespace chview::clickhouse {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string target;  // path and query string, e.g. "/?database=default&query_id=..."
  HttpHeaders headers;
  std::string body;
  std::chrono::milliseconds timeout{60000};  // for the whole exchange
};

struct HttpResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;

  // Case-insensitive header lookup; empty if absent.
  std::string header(std::string_view name) const;
};

// Not thread-safe: one request at a time per transport.
class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  // Transport failures: kConnection (refused, reset, DNS; message names host:port),
  // kTimeout. Any HTTP status is a successful exchange.
  virtual Result<HttpResponse> post(const HttpRequest& request) = 0;
};

// Boost.Beast transport to config's host:port (TLS when config.secure). Keeps one
// connection alive between requests and reconnects once if it went stale.
std::unique_ptr<HttpTransport> make_http_transport(const ConnectionConfig& config);

}  // namespace chview::clickhouse
