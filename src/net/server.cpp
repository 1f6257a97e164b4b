#include "net/server.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <exception>
#include <optional>
#include <vector>

#include "net/detail/shared_state.h"

namespace chview::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// Connections get this long to finish their closing handshakes on stop().
constexpr auto kShutdownGrace = std::chrono::seconds(2);

namespace detail {

void SharedState::shutdown_all() {
  std::vector<std::shared_ptr<Connection>> alive;
  for (auto& [_, weak] : connections) {
    if (auto c = weak.lock()) alive.push_back(std::move(c));
  }
  for (auto& c : alive) c->shutdown();
}

}  // namespace detail

struct Server::Impl {
  Impl(ServerOptions options, SessionFactory factory)
      : state(std::move(options), std::move(factory)) {}

  void accept_next() {
    acceptor.async_accept(io, [this](boost::system::error_code ec, tcp::socket socket) {
      if (ec) {
        if (ec != asio::error::operation_aborted) spdlog::warn("accept failed: {}", ec.message());
        if (!state.stopping && ec != asio::error::operation_aborted) accept_next();
        return;
      }
      boost::system::error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      detail::start_http_session(std::move(socket), state);
      accept_next();
    });
  }

  // Runs on the io thread.
  void begin_stop() {
    if (state.stopping) return;
    state.stopping = true;
    spdlog::info("shutting down: closing {} connection(s)", state.connections.size());
    boost::system::error_code ignored;
    acceptor.close(ignored);
    if (signals) signals->cancel(ignored);
    state.on_drained = [this] { io.stop(); };
    state.shutdown_all();
    if (state.connections.empty()) return io.stop();
    grace_timer.expires_after(kShutdownGrace);
    grace_timer.async_wait([this](boost::system::error_code ec) {
      if (!ec) io.stop();
    });
  }

  // The io_context is declared first so it is destroyed last: connections (and their
  // protocol sessions) die with the handlers it still holds.
  asio::io_context io{1};
  detail::SharedState state;
  tcp::acceptor acceptor{io};
  asio::steady_timer grace_timer{io};
  std::optional<asio::signal_set> signals;
  std::uint16_t port = 0;
};

Result<std::unique_ptr<Server>> Server::create(ServerOptions options, SessionFactory factory) {
  if (!factory) return invalid_argument("net::Server needs a session factory");
  auto impl = std::make_unique<Impl>(std::move(options), std::move(factory));
  const auto& opts = impl->state.options;

  boost::system::error_code ec;
  tcp::resolver resolver(impl->io);
  const auto endpoints =
      resolver.resolve(opts.host, std::to_string(opts.port),
                       tcp::resolver::passive | tcp::resolver::numeric_service, ec);
  if (ec || endpoints.empty()) {
    return Status(ErrorCode::kInvalidArgument,
                  fmt::format("cannot resolve host '{}': {}", opts.host, ec.message()));
  }
  const tcp::endpoint endpoint = endpoints.begin()->endpoint();
  auto& acceptor = impl->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status(ErrorCode::kConnection,
                  fmt::format("cannot listen on {}:{}: {}", opts.host, opts.port, ec.message()));
  }
  impl->port = acceptor.local_endpoint(ec).port();
  if (opts.handle_signals) {
    impl->signals.emplace(impl->io, SIGINT, SIGTERM);
    impl->signals->async_wait([raw = impl.get()](boost::system::error_code e, int signal) {
      if (e) return;
      spdlog::info("received signal {}", signal);
      raw->begin_stop();
    });
  }
  impl->accept_next();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() = default;

std::uint16_t Server::port() const { return impl_->port; }

void Server::run() {
  spdlog::info("listening on http://{}:{}/ (WebSocket at /websocket)", impl_->state.options.host,
               port());
  // A handler that throws (e.g. posted work) must not take the server down.
  for (;;) {
    try {
      impl_->io.run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("unhandled exception on the io thread: {}", e.what());
    }
  }
}

void Server::stop() {
  asio::post(impl_->io, [impl = impl_.get()] { impl->begin_stop(); });
}

void Server::post(std::function<void()> work) { asio::post(impl_->io, std::move(work)); }

const Metrics& Server::metrics() const { return impl_->state.metrics; }

}  // namespace chview::net
