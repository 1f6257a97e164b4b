// Test tool: a writable protocol::Server with one session on stdin/stdout, so Node tests
// can put the official Perspective JS clients in front of it without sockets. Framing:
// each frame is a 4-byte little-endian length followed by the protobuf bytes.
// Usage: protocol_stdio_bridge [--json-text-min-max]
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "protocol/server.h"

namespace {

class StdoutSink : public chview::protocol::FrameSink {
 public:
  void send(std::shared_ptr<const std::string> frame) override {
    uint32_t n = static_cast<uint32_t>(frame->size());
    unsigned char len[4] = {static_cast<unsigned char>(n), static_cast<unsigned char>(n >> 8),
                            static_cast<unsigned char>(n >> 16),
                            static_cast<unsigned char>(n >> 24)};
    std::fwrite(len, 1, 4, stdout);
    std::fwrite(frame->data(), 1, frame->size(), stdout);
    std::fflush(stdout);
  }
  void close(std::string_view reason) override {
    std::fprintf(stderr, "close: %.*s\n", static_cast<int>(reason.size()), reason.data());
    closed = true;
  }
  bool closed = false;
};

bool read_exact(char* out, size_t n) { return std::fread(out, 1, n, stdin) == n; }

}  // namespace

int main(int argc, char** argv) {
  chview::protocol::ServerOptions options;
  options.writable = true;
  if (argc > 1 && std::strcmp(argv[1], "--json-text-min-max") == 0) {
    options.default_min_max = chview::protocol::MinMaxEncoding::kJsonText;
  }
  chview::protocol::Server server(options);
  auto sink = std::make_shared<StdoutSink>();
  auto session = server.open_session(sink);
  unsigned char len[4];
  std::string frame;
  while (!sink->closed && read_exact(reinterpret_cast<char*>(len), 4)) {
    uint32_t n = len[0] | (len[1] << 8) | (len[2] << 16) | (static_cast<uint32_t>(len[3]) << 24);
    frame.resize(n);
    if (n > 0 && !read_exact(frame.data(), n)) break;
    session->handle_frame(frame);
  }
  return 0;
}
