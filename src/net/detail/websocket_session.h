// Internal to net/: one WebSocket connection = one protocol::Session.
#pragma once

#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include "net/detail/shared_state.h"

namespace chview::net::detail {

// Completes the upgrade handshake for `request` (already read from `stream`) and runs
// the connection until it closes.
void start_websocket_session(boost::beast::tcp_stream stream,
                             boost::beast::http::request<boost::beast::http::string_body> request,
                             SharedState& state);

}  // namespace chview::net::detail
