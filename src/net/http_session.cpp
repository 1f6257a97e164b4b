// HTTP/1.1 connections: static files, /healthz, /metrics, and the hand-off of
// /websocket upgrades. One request at a time per connection (no pipelining needed by
// browsers), keep-alive honoured.
#include <spdlog/spdlog.h>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <chrono>
#include <optional>

#include "net/detail/shared_state.h"
#include "net/detail/websocket_session.h"
#include "net/origin.h"
#include "net/static_files.h"

namespace chview::net::detail {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;

constexpr auto kReadTimeout = std::chrono::seconds(60);
constexpr std::size_t kMaxRequestBody = std::size_t{64} * 1024;  // only GETs are served
constexpr std::string_view kWebSocketPath = "/websocket";
constexpr std::string_view kServerName = "chview";

std::string_view path_of(std::string_view target) {
  return target.substr(0, target.find_first_of("?#"));
}

class HttpSession : public Connection, public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, SharedState& state) : stream_(std::move(socket)), state_(state) {}
  ~HttpSession() override { state_.remove(this); }

  void start() {
    state_.add(this, weak_from_this());
    read_request();
  }

  void shutdown() override {
    beast::error_code ec;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ec);
    stream_.close();
  }

 private:
  void read_request() {
    parser_.emplace();
    parser_->body_limit(kMaxRequestBody);
    stream_.expires_after(kReadTimeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = shared_from_this()](beast::error_code ec, std::size_t) { self->on_request(ec); });
  }

  void on_request(beast::error_code ec) {
    if (ec == http::error::end_of_stream) return shutdown();
    if (ec) {
      if (ec != beast::error::timeout && ec != boost::asio::error::operation_aborted) {
        spdlog::debug("http read failed: {}", ec.message());
      }
      return;
    }
    state_.metrics.http_requests.fetch_add(1, std::memory_order_relaxed);
    auto& req = parser_->get();
    if (beast::websocket::is_upgrade(req) && path_of(req.target()) == kWebSocketPath &&
        !state_.stopping) {
      if (!origin_allowed(req[http::field::origin], req[http::field::host],
                          state_.options.allowed_origins)) {
        spdlog::warn("refused a WebSocket from origin {}", req[http::field::origin]);
        return send_text(req, http::status::forbidden,
                         "origin not allowed (chview serve --allow-origin)\n");
      }
      stream_.expires_never();
      start_websocket_session(std::move(stream_), parser_->release(), state_);
      return;
    }
    respond(req);
  }

  void respond(const http::request<http::string_body>& req) {
    const std::string_view path = path_of(req.target());
    if (req.method() != http::verb::get && req.method() != http::verb::head) {
      return send_text(req, http::status::method_not_allowed, "method not allowed\n");
    }
    if (path == "/healthz") return send_text(req, http::status::ok, "ok\n");
    if (path == "/metrics") {
      std::string text = state_.metrics.to_text();
      if (state_.options.extra_metrics) text += state_.options.extra_metrics();
      return send_text(req, http::status::ok, std::move(text));
    }
    if (path == kWebSocketPath) {
      return send_text(req, http::status::upgrade_required, "WebSocket upgrade required\n");
    }
    if (auto file = resolve_static_file(state_.options.mounts, req.target())) {
      return send_file(req, *file);
    }
    send_text(req, http::status::not_found, "not found\n");
  }

  void send_text(const http::request<http::string_body>& req, http::status status,
                 std::string body) {
    http::response<http::string_body> res{status, req.version()};
    res.set(http::field::server, kServerName);
    res.set(http::field::content_type, "text/plain; charset=utf-8");
    res.set(http::field::cache_control, "no-store");
    res.keep_alive(req.keep_alive());
    res.body() = std::move(body);
    res.prepare_payload();
    if (req.method() == http::verb::head) res.body().clear();
    write(std::move(res));
  }

  void send_file(const http::request<http::string_body>& req, const std::filesystem::path& file) {
    http::file_body::value_type body;
    beast::error_code ec;
    body.open(file.c_str(), beast::file_mode::scan, ec);
    if (ec) return send_text(req, http::status::not_found, "not found\n");
    const auto size = body.size();
    const auto type = content_type_for(file);
    if (req.method() == http::verb::head) {
      http::response<http::empty_body> res{http::status::ok, req.version()};
      res.set(http::field::server, kServerName);
      res.set(http::field::content_type, type);
      res.content_length(size);
      res.keep_alive(req.keep_alive());
      return write(std::move(res));
    }
    http::response<http::file_body> res{std::piecewise_construct, std::make_tuple(std::move(body)),
                                        std::make_tuple(http::status::ok, req.version())};
    res.set(http::field::server, kServerName);
    res.set(http::field::content_type, type);
    // The page and packages change only with a redeploy; revalidation keeps it simple.
    res.set(http::field::cache_control, "no-cache");
    res.content_length(size);
    res.keep_alive(req.keep_alive());
    write(std::move(res));
  }

  template <typename Body>
  void write(http::response<Body>&& res) {
    auto owned = std::make_shared<http::response<Body>>(std::move(res));
    http::async_write(stream_, *owned,
                      [self = shared_from_this(), owned](beast::error_code ec, std::size_t) {
                        if (ec) return spdlog::debug("http write failed: {}", ec.message());
                        if (!owned->keep_alive() || self->state_.stopping) return self->shutdown();
                        self->read_request();
                      });
  }

  beast::tcp_stream stream_;
  SharedState& state_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

}  // namespace

void start_http_session(tcp::socket socket, SharedState& state) {
  std::make_shared<HttpSession>(std::move(socket), state)->start();
}

}  // namespace chview::net::detail
