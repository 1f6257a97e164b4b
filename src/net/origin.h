// Which browser pages may open /websocket. A WebSocket is not covered by the same-origin
// policy, so without this check any web page a user visits could read (or, with
// --writable, change) the tables of a chview on their machine.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace chview::net {

// True when a WebSocket upgrade with this Origin header (empty: none sent, as by Node
// and other non-browser clients) and Host header may proceed: no Origin, an Origin whose
// host[:port] is the Host the request was sent to (the page chview itself served), an
// Origin listed in `allowed` (scheme://host[:port], case-insensitive), or "*" in
// `allowed`.
bool origin_allowed(std::string_view origin, std::string_view host,
                    const std::vector<std::string>& allowed);

}  // namespace chview::net
