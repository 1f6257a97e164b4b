#include "clickhouse/transport.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <limits>
#include <optional>

namespace chview::clickhouse {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace ssl = asio::ssl;
using tcp = asio::ip::tcp;

std::string HttpResponse::header(std::string_view name) const {
  auto lower = [](std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
  };
  const std::string wanted = lower(name);
  for (const auto& [key, value] : headers) {
    if (lower(key) == wanted) return value;
  }
  return {};
}

namespace {

// A connection error that happened before the server said anything on a reused
// connection: the server most likely closed it while idle, so one retry is safe.
bool looks_stale(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted || ec == ssl::error::stream_truncated;
}

class BeastTransport final : public HttpTransport {
 public:
  explicit BeastTransport(ConnectionConfig config) : config_(std::move(config)) {}

  Result<HttpResponse> post(const HttpRequest& request) override {
    const bool reused = connected();
    if (!reused) CHVIEW_RETURN_IF_ERROR(connect());
    bool stale = false;
    auto response = exchange(request, stale);
    if (!response.is_ok() && reused && stale) {
      close();
      CHVIEW_RETURN_IF_ERROR(connect());
      response = exchange(request, stale);
    }
    return response;
  }

 private:
  bool connected() const { return plain_ || tls_; }

  beast::tcp_stream& tcp_stream() { return tls_ ? beast::get_lowest_layer(*tls_) : *plain_; }

  void close() {
    beast::error_code ignored;
    if (connected()) tcp_stream().socket().close(ignored);
    plain_.reset();
    tls_.reset();
    buffer_.clear();
  }

  // Runs the io_context until the started asynchronous operation completed.
  beast::error_code run(beast::error_code& ec) {
    ioc_.restart();
    ioc_.run();
    return ec;
  }

  Status failure(const beast::error_code& ec, std::string_view during) {
    close();
    if (ec == beast::error::timeout) {
      return {ErrorCode::kTimeout,
              "ClickHouse at " + config_.endpoint() + " timed out " + std::string(during)};
    }
    return {ErrorCode::kConnection, "ClickHouse at " + config_.endpoint() + ": " +
                                        std::string(during) + " failed: " + ec.message()};
  }

  Status connect() {
    close();
    beast::error_code ec;
    tcp::resolver resolver(ioc_);
    auto endpoints = resolver.resolve(config_.host, std::to_string(config_.port), ec);
    if (ec) {
      return {ErrorCode::kConnection,
              "cannot resolve ClickHouse host '" + config_.host + "': " + ec.message()};
    }
    beast::tcp_stream stream(ioc_);
    stream.expires_after(config_.connect_timeout);
    stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
    if (run(ec)) {
      if (ec == beast::error::timeout) {
        return {ErrorCode::kTimeout,
                "connecting to ClickHouse at " + config_.endpoint() + " timed out"};
      }
      return {ErrorCode::kConnection,
              "cannot connect to ClickHouse at " + config_.endpoint() + ": " + ec.message()};
    }
    stream.socket().set_option(tcp::no_delay(true), ec);
    if (!config_.secure) {
      plain_ = std::make_unique<beast::tcp_stream>(std::move(stream));
      return Status::ok();
    }
    if (!ssl_context_) {
      ssl_context_.emplace(ssl::context::tls_client);
      ssl_context_->set_default_verify_paths(ec);
      if (!config_.tls_ca_file.empty()) {
        ssl_context_->load_verify_file(config_.tls_ca_file, ec);
        if (ec) {
          ssl_context_.reset();
          return {ErrorCode::kInvalidArgument,
                  "cannot load CA file '" + config_.tls_ca_file + "': " + ec.message()};
        }
      }
      ssl_context_->set_verify_mode(config_.tls_verify ? ssl::verify_peer : ssl::verify_none);
    }
    tls_ = std::make_unique<beast::ssl_stream<beast::tcp_stream>>(std::move(stream), *ssl_context_);
    SSL_set_tlsext_host_name(tls_->native_handle(), config_.host.c_str());
    if (config_.tls_verify) tls_->set_verify_callback(ssl::host_name_verification(config_.host));
    beast::get_lowest_layer(*tls_).expires_after(config_.connect_timeout);
    tls_->async_handshake(ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
    if (run(ec)) return failure(ec, "TLS handshake");
    return Status::ok();
  }

  Result<HttpResponse> exchange(const HttpRequest& request, bool& stale) {
    stale = false;
    http::request<http::string_body> req{http::verb::post, request.target, 11};
    req.set(http::field::host, config_.host);
    req.set(http::field::user_agent, "chview");
    req.keep_alive(true);
    for (const auto& [name, value] : request.headers) req.set(name, value);
    req.body() = request.body;
    req.prepare_payload();

    http::response_parser<http::string_body> parser;
    parser.body_limit(std::numeric_limits<std::uint64_t>::max());
    beast::error_code ec;
    tcp_stream().expires_after(request.timeout);
    auto on_write = [&](beast::error_code e, size_t) { ec = e; };
    if (tls_) {
      http::async_write(*tls_, req, on_write);
    } else {
      http::async_write(*plain_, req, on_write);
    }
    if (run(ec)) {
      stale = looks_stale(ec);
      return failure(ec, "sending the request");
    }
    auto on_read = [&](beast::error_code e, size_t) { ec = e; };
    if (tls_) {
      http::async_read(*tls_, buffer_, parser, on_read);
    } else {
      http::async_read(*plain_, buffer_, parser, on_read);
    }
    if (run(ec)) {
      stale = !parser.got_some() && looks_stale(ec);
      return failure(ec, "reading the response");
    }
    auto res = parser.release();
    HttpResponse response;
    response.status = static_cast<int>(res.result_int());
    for (const auto& field : res) {
      response.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    response.body = std::move(res.body());
    if (!res.keep_alive()) close();
    return response;
  }

  ConnectionConfig config_;
  asio::io_context ioc_;
  std::optional<ssl::context> ssl_context_;
  std::unique_ptr<beast::tcp_stream> plain_;
  std::unique_ptr<beast::ssl_stream<beast::tcp_stream>> tls_;
  beast::flat_buffer buffer_;
};

}  // namespace

std::unique_ptr<HttpTransport> make_http_transport(const ConnectionConfig& config) {
  return std::make_unique<BeastTransport>(config);
}

}  // namespace chview::clickhouse
