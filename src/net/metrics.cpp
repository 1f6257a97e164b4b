#include "net/metrics.h"

#include <fmt/format.h>

namespace chview::net {

std::string Metrics::to_text() const {
  std::string out;
  auto line = [&out](const char* name, const auto& value) {
    fmt::format_to(std::back_inserter(out), "chview_{} {}\n", name,
                   value.load(std::memory_order_relaxed));
  };
  line("http_requests_total", http_requests);
  line("ws_connections_total", ws_connections_total);
  line("ws_connections_open", ws_connections_open);
  line("ws_frames_in_total", frames_in);
  line("ws_frames_out_total", frames_out);
  line("ws_bytes_in_total", bytes_in);
  line("ws_bytes_out_total", bytes_out);
  line("ws_text_frames_ignored_total", text_frames_ignored);
  line("ws_oversized_frames_total", oversized_frames);
  line("ws_slow_client_disconnects_total", slow_client_disconnects);
  return out;
}

}  // namespace chview::net
