// Internal to net/: what the listener and every connection share. Lives in
// Server::Impl; used only on the io thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <unordered_map>

#include "net/metrics.h"
#include "net/server.h"

namespace chview::net::detail {

// Something the server must be able to close on shutdown.
class Connection {
 public:
  virtual ~Connection() = default;
  // Begin closing (politely if possible); completion is asynchronous.
  virtual void shutdown() = 0;
};

struct SharedState {
  SharedState(ServerOptions o, SessionFactory f) : options(std::move(o)), factory(std::move(f)) {}

  const ServerOptions options;
  const SessionFactory factory;
  Metrics metrics;
  bool stopping = false;
  // Called when the last connection unregisters during shutdown.
  std::function<void()> on_drained;

  void add(Connection* c, std::weak_ptr<Connection> w) { connections.emplace(c, std::move(w)); }
  void remove(Connection* c) {
    connections.erase(c);
    if (stopping && connections.empty() && on_drained) on_drained();
  }
  void shutdown_all();

  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections;
};

// Takes over an accepted socket: HTTP/1.1 keep-alive, upgrading to WebSocket on
// /websocket.
void start_http_session(boost::asio::ip::tcp::socket socket, SharedState& state);

}  // namespace chview::net::detail
