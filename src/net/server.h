// net::Server: the HTTP + WebSocket front door. Serves static files, /healthz,
// /metrics, and turns every `/websocket` connection into one protocol::Session.
//
// Threading: one io_context driven by the thread that calls run(). All Session calls
// (creation, handle_frame, destruction) and every FrameSink::send happen on that
// thread — it is the engine strand of session.h. Other threads hand work to it with
// post(); stop() and post() are the only members safe to call from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "net/metrics.h"
#include "protocol/session.h"

namespace chview::net {

// Files under `dir` are served at URLs starting with `url_prefix` (which starts and
// ends with '/'). The longest matching prefix wins.
struct StaticMount {
  std::string url_prefix;
  std::filesystem::path dir;
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 = pick a free port (see Server::port())
  std::vector<StaticMount> mounts;
  // Incoming WebSocket messages above this are refused while their header is read,
  // before the payload is buffered; the connection is closed with code 1009.
  std::size_t max_frame_bytes = 64u << 20;
  // Bytes a connection may have queued for sending. A frame that would exceed it
  // disconnects the (slow) client; a single frame larger than the bound is still sent
  // when the queue is empty.
  std::size_t max_queue_bytes = 256u << 20;
  // Stop on SIGINT/SIGTERM (the `chview serve` process); tests leave it off.
  bool handle_signals = false;
  // Browser origins besides chview's own page that may open /websocket ("*": any); see
  // origin.h. Requests without an Origin header (non-browser clients) are always served.
  std::vector<std::string> allowed_origins;
  // Extra "name value" lines appended to /metrics (called on the io thread).
  std::function<std::string()> extra_metrics;
};

// Creates the protocol session of a new WebSocket connection (on the io thread).
// `target` is the upgrade request's target ("/websocket?minmax=scalar"), whose query may
// carry client hints.
using SessionFactory = std::function<std::unique_ptr<protocol::Session>(
    std::shared_ptr<protocol::FrameSink> sink, std::string_view target)>;

class Server {
 public:
  // Binds and listens; connections are accepted once run() is called.
  static Result<std::unique_ptr<Server>> create(ServerOptions options, SessionFactory factory);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // The bound port (useful with options.port = 0).
  std::uint16_t port() const;
  // Runs the io_context on the calling thread until stop() (or a signal).
  void run();
  // Closes the listener and every connection (WebSocket close 1001 "going away"),
  // then makes run() return. Thread-safe; idempotent.
  void stop();
  // Runs `work` on the io thread (the protocol strand). Thread-safe.
  void post(std::function<void()> work);

  const Metrics& metrics() const;

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace chview::net
