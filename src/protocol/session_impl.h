// Internal to protocol/: the Session that net/ gets from Server::open_session.
#pragma once

#include <memory>
#include <string_view>

#include "protocol/server_state.h"
#include "protocol/session.h"

namespace chview::protocol::detail {

class SessionImpl final : public Session {
 public:
  SessionImpl(std::shared_ptr<ServerState> state, std::shared_ptr<FrameSink> sink);
  ~SessionImpl() override;
  SessionImpl(const SessionImpl&) = delete;
  SessionImpl& operator=(const SessionImpl&) = delete;

  void handle_frame(std::string_view frame) override;
  SessionId id() const { return id_; }

 private:
  std::shared_ptr<ServerState> state_;
  std::shared_ptr<FrameSink> sink_;
  SessionId id_;
};

}  // namespace chview::protocol::detail
