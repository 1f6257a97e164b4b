// Test-only: drives a protocol::Server like a Perspective client would, through a fake
// FrameSink that records every frame.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/table.h"
#include "protocol/perspective.pb.h"
#include "protocol/server.h"
#include "protocol/session.h"

namespace chview::protocol::testing {

namespace proto = ::perspective::proto;

class FakeSink : public FrameSink {
 public:
  void send(std::shared_ptr<const std::string> frame) override { frames.push_back(*frame); }
  void close(std::string_view reason) override {
    closed = true;
    close_reason = std::string(reason);
  }
  std::vector<std::string> frames;
  bool closed = false;
  std::string close_reason;
};

class TestClient {
 public:
  explicit TestClient(Server& server, const SessionHints& hints = {});

  // Sends raw bytes; returns the frames produced in response (and clears them).
  std::vector<std::string> send_bytes(std::string_view bytes);
  // Sends `request`; returns every Response frame it produced, decoded, in order.
  std::vector<proto::Response> send(const proto::Request& request);
  // Sends `request` and expects exactly one frame back: the reply (same msg_id).
  proto::Response call(const proto::Request& request);
  // Frames that arrived outside a send (pushes caused by another client or the server).
  std::vector<proto::Response> take_pushes();
  // Ends the session (as a closed socket would).
  void close() { session_.reset(); }

  // A Request envelope with a fresh msg_id.
  proto::Request request(const std::string& entity_id = "");

  std::shared_ptr<FakeSink> sink = std::make_shared<FakeSink>();

 private:
  std::unique_ptr<Session> session_;
  uint32_t next_msg_id_ = 1;
};

proto::Response decode(const std::string& frame);
std::string hex(std::string_view bytes);
std::string unhex(std::string_view hex);

// The table of perspective-protocol.md §3.11 (4 rows, no index) under `name`.
std::shared_ptr<engine::Table> worked_example_table(const std::string& name,
                                                    engine::TableOptions options = {});

}  // namespace chview::protocol::testing
