// Counters of the network layer, shown at GET /metrics. Written on the io thread,
// readable from any thread (atomics, relaxed: they are statistics, not signals).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>

namespace chview::net {

struct Metrics {
  std::atomic<std::uint64_t> http_requests{0};
  std::atomic<std::uint64_t> ws_connections_total{0};
  std::atomic<std::int64_t> ws_connections_open{0};
  std::atomic<std::uint64_t> frames_in{0};
  std::atomic<std::uint64_t> frames_out{0};
  std::atomic<std::uint64_t> bytes_in{0};
  std::atomic<std::uint64_t> bytes_out{0};
  std::atomic<std::uint64_t> text_frames_ignored{0};
  std::atomic<std::uint64_t> oversized_frames{0};
  std::atomic<std::uint64_t> slow_client_disconnects{0};

  // Prometheus-style text: one "chview_<name> <value>" line per counter.
  std::string to_text() const;
};

}  // namespace chview::net
