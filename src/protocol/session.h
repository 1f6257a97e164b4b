// The seam between net/ (sockets) and protocol/ (Perspective's wire protocol).
// net/ owns connections and implements FrameSink; protocol/ owns tables, views and
// subscriptions and never sees a socket.
//
// Threading: every call on a Server and its Sessions happens on one thread (the
// server's engine strand); FrameSink::send may be called from it at any time and must
// not block (net/ queues the frame, bounded per session). FrameSink::send/close must not
// re-enter the Server or destroy the Session synchronously (they run inside
// handle_frame); close the connection afterwards, then destroy the Session.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

namespace chview::protocol {

// Where a session's outgoing binary frames go. One Response protobuf per frame.
// A frame may be shared between sessions (broadcasts are encoded once).
class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual void send(std::shared_ptr<const std::string> frame) = 0;
  // Ask the transport to close the connection (e.g. an undecodable frame with no
  // msg_id to answer). `reason` goes into the WebSocket close frame.
  virtual void close(std::string_view reason) = 0;
};

// One client connection. Destroying it frees the views and subscriptions it created.
class Session {
 public:
  virtual ~Session() = default;
  // Handle one incoming binary frame (a serialized perspective.proto.Request).
  virtual void handle_frame(std::string_view frame) = 0;
};

}  // namespace chview::protocol
