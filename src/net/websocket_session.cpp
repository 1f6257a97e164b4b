// A WebSocket connection carrying Perspective's protocol: each binary message goes to
// the connection's protocol::Session in arrival order; replies and pushes come back
// through a bounded write queue.
#include "net/detail/websocket_session.h"

#include <spdlog/spdlog.h>

#include <boost/beast/core.hpp>
#include <boost/beast/websocket.hpp>
#include <deque>
#include <exception>

namespace chview::net::detail {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;

using Frame = std::shared_ptr<const std::string>;

// Close reasons travel in a control frame, whose payload is at most 125 bytes.
constexpr std::size_t kMaxCloseReason = 123;
constexpr std::size_t kRetainedReadBuffer = 1u << 20;

class WebSocketSession;

// The FrameSink handed to the protocol session. It holds the connection weakly, so a
// protocol object keeping a sink (e.g. for broadcasts) never keeps a socket alive.
class Sink : public protocol::FrameSink {
 public:
  explicit Sink(std::weak_ptr<WebSocketSession> connection) : connection_(std::move(connection)) {}
  void send(Frame frame) override;
  void close(std::string_view reason) override;

 private:
  std::weak_ptr<WebSocketSession> connection_;
};

class WebSocketSession : public Connection, public std::enable_shared_from_this<WebSocketSession> {
 public:
  WebSocketSession(beast::tcp_stream stream, SharedState& state)
      : ws_(std::move(stream)), state_(state) {
    beast::error_code ec;
    const auto endpoint = beast::get_lowest_layer(ws_).socket().remote_endpoint(ec);
    peer_ = ec ? std::string("?")
               : endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  }
  ~WebSocketSession() override { state_.remove(this); }

  // NOLINTNEXTLINE(performance-unnecessary-value-param): owned here until accepted
  void start(http::request<http::string_body> request) {
    state_.add(this, weak_from_this());
    target_ = std::string(request.target());
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.set_option(websocket::stream_base::decorator(
        [](websocket::response_type& res) { res.set(http::field::server, "chview"); }));
    ws_.read_message_max(state_.options.max_frame_bytes);
    ws_.binary(true);
    ws_.async_accept(request,
                     [self = shared_from_this()](beast::error_code ec) { self->on_accept(ec); });
  }

  void enqueue(Frame frame) {
    if (closing_ || frame == nullptr) return;
    if (!queue_.empty() && queued_bytes_ + frame->size() > state_.options.max_queue_bytes) {
      spdlog::warn("ws {}: slow client, {} bytes queued (limit {}); disconnecting", peer_,
                   queued_bytes_, state_.options.max_queue_bytes);
      state_.metrics.slow_client_disconnects.fetch_add(1, std::memory_order_relaxed);
      return abort_connection();
    }
    queued_bytes_ += frame->size();
    queue_.push_back(std::move(frame));
    if (!writing_) write_next();
  }

  // Closes after the queued frames are written, sending `code` and `reason`.
  void request_close(websocket::close_code code, std::string_view reason) {
    if (closing_) return;
    closing_ = true;
    pending_close_.emplace(code, reason.substr(0, kMaxCloseReason));
    if (!writing_) send_close();
  }

  void shutdown() override { request_close(websocket::close_code::going_away, "server shutdown"); }

 private:
  void on_accept(beast::error_code ec) {
    if (ec) return spdlog::info("ws {}: handshake failed: {}", peer_, ec.message());
    accepted_ = true;
    state_.metrics.ws_connections_total.fetch_add(1, std::memory_order_relaxed);
    state_.metrics.ws_connections_open.fetch_add(1, std::memory_order_relaxed);
    spdlog::info("ws {}: connected", peer_);
    try {
      session_ = state_.factory(std::make_shared<Sink>(weak_from_this()), target_);
    } catch (const std::exception& e) {
      spdlog::error("ws {}: could not open a session: {}", peer_, e.what());
    }
    if (session_ == nullptr) {
      request_close(websocket::close_code::internal_error, "no session");
    }
    read_next();
  }

  void read_next() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t n) {
      self->on_read(ec, n);
    });
  }

  void on_read(beast::error_code ec, std::size_t bytes) {
    if (ec) return finish(ec);
    if (!ws_.got_binary()) {
      // Perspective never sends text; its own servers drop such frames silently.
      state_.metrics.text_frames_ignored.fetch_add(1, std::memory_order_relaxed);
      if (!warned_text_) {
        spdlog::warn("ws {}: ignoring text frame ({} bytes); the protocol is binary", peer_, bytes);
        warned_text_ = true;
      }
    } else if (!closing_ && session_ != nullptr) {
      state_.metrics.frames_in.fetch_add(1, std::memory_order_relaxed);
      state_.metrics.bytes_in.fetch_add(bytes, std::memory_order_relaxed);
      const auto data = buffer_.cdata();
      try {
        session_->handle_frame(
            std::string_view(static_cast<const char*>(data.data()), data.size()));
      } catch (const std::exception& e) {
        spdlog::error("ws {}: session failed: {}", peer_, e.what());
        request_close(websocket::close_code::internal_error, "internal error");
      }
    }
    buffer_.consume(buffer_.size());
    // Don't keep a large upload's buffer for the rest of the connection.
    if (buffer_.capacity() > kRetainedReadBuffer) buffer_.shrink_to_fit();
    read_next();
  }

  void write_next() {
    writing_ = true;
    const Frame& frame = queue_.front();
    ws_.async_write(boost::asio::buffer(*frame),
                    [self = shared_from_this()](beast::error_code ec, std::size_t n) {
                      self->on_write(ec, n);
                    });
  }

  void on_write(beast::error_code ec, std::size_t bytes) {
    writing_ = false;
    if (ec) {
      spdlog::debug("ws {}: write failed: {}", peer_, ec.message());
      return abort_connection();
    }
    state_.metrics.frames_out.fetch_add(1, std::memory_order_relaxed);
    state_.metrics.bytes_out.fetch_add(bytes, std::memory_order_relaxed);
    queued_bytes_ -= queue_.front()->size();
    queue_.pop_front();
    if (!queue_.empty() && !aborted_) return write_next();
    if (pending_close_ && !aborted_) send_close();
  }

  void send_close() {
    if (close_sent_ || aborted_) return;
    close_sent_ = true;
    ws_.async_close(*pending_close_, [self = shared_from_this()](beast::error_code ec) {
      if (ec) self->abort_connection();
      // Otherwise the pending read completes with websocket::error::closed.
    });
  }

  // Drops the TCP connection without a closing handshake; pending operations fail
  // and the read loop ends in finish().
  void abort_connection() {
    closing_ = true;
    aborted_ = true;
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  // The read loop ended: the connection is over; free the protocol session (and with
  // it the views it created).
  void finish(beast::error_code ec) {
    if (ec == websocket::error::message_too_big) {
      // Beast has already sent close 1009 (message too big) before buffering it.
      state_.metrics.oversized_frames.fetch_add(1, std::memory_order_relaxed);
      spdlog::warn("ws {}: frame larger than {} bytes; closed with 1009", peer_,
                   state_.options.max_frame_bytes);
    } else if (ec == websocket::error::closed) {
      const auto& reason = ws_.reason();
      spdlog::info("ws {}: closed ({} {})", peer_, static_cast<int>(reason.code),
                   std::string_view(reason.reason.data(), reason.reason.size()));
    } else if (close_sent_ && !aborted_) {
      spdlog::info("ws {}: closed by server ({} {})", peer_, static_cast<int>(pending_close_->code),
                   std::string_view(pending_close_->reason.data(), pending_close_->reason.size()));
    } else if (accepted_) {
      spdlog::info("ws {}: disconnected ({})", peer_, ec.message());
    }
    closing_ = true;
    if (accepted_) state_.metrics.ws_connections_open.fetch_sub(1, std::memory_order_relaxed);
    accepted_ = false;
    session_.reset();
  }

  websocket::stream<beast::tcp_stream> ws_;
  SharedState& state_;
  std::string peer_;
  std::string target_;  // of the upgrade request, for the session factory
  beast::flat_buffer buffer_;
  std::unique_ptr<protocol::Session> session_;
  std::deque<Frame> queue_;
  std::size_t queued_bytes_ = 0;
  std::optional<websocket::close_reason> pending_close_;
  bool accepted_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool close_sent_ = false;
  bool aborted_ = false;
  bool warned_text_ = false;
};

void Sink::send(Frame frame) {
  if (auto connection = connection_.lock()) connection->enqueue(std::move(frame));
}

void Sink::close(std::string_view reason) {
  if (auto connection = connection_.lock()) {
    spdlog::info("ws: protocol closed the connection: {}", reason);
    connection->request_close(websocket::close_code::policy_error, reason);
  }
}

}  // namespace

void start_websocket_session(beast::tcp_stream stream, http::request<http::string_body> request,
                             SharedState& state) {
  std::make_shared<WebSocketSession>(std::move(stream), state)->start(std::move(request));
}

}  // namespace chview::net::detail
