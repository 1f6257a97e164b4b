// net::Server over real loopback sockets, with a fake protocol session: WebSocket
// framing, ordering, limits, slow clients, session lifetime, and the HTTP side.
#include "net/server.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <chrono>
#include <fstream>
#include <future>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace chview::net {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = asio::ip::tcp;

struct SessionStats {
  std::atomic<int> created{0};
  std::atomic<int> destroyed{0};
  std::mutex mutex;
  std::vector<std::string> frames;   // every frame any session received, in order
  std::vector<std::string> targets;  // the upgrade target each session was opened with
};

// Echoes each frame as "echo:<frame>"; "close" asks the transport to close;
// "flood:<n>:<size>" sends n frames of size bytes at once.
class FakeSession : public protocol::Session {
 public:
  FakeSession(std::shared_ptr<protocol::FrameSink> sink, SessionStats& stats)
      : sink_(std::move(sink)), stats_(stats) {
    ++stats_.created;
  }
  ~FakeSession() override { ++stats_.destroyed; }

  void handle_frame(std::string_view frame) override {
    {
      std::lock_guard lock(stats_.mutex);
      stats_.frames.emplace_back(frame);
    }
    if (frame == "close") return sink_->close("requested by session");
    if (frame.starts_with("flood:")) {
      int n = 0;
      std::size_t size = 0;
      std::sscanf(std::string(frame).c_str(), "flood:%d:%zu", &n, &size);
      auto payload = std::make_shared<const std::string>(size, 'x');
      for (int i = 0; i < n; ++i) sink_->send(payload);
      return;
    }
    sink_->send(std::make_shared<const std::string>("echo:" + std::string(frame)));
  }

 private:
  std::shared_ptr<protocol::FrameSink> sink_;
  SessionStats& stats_;
};

// Polls `condition` (state owned by the server thread) until it holds or 10 s pass.
template <typename F>
bool eventually(F condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return condition();
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("chview_net_test_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(root_ / "web" / "sub");
    std::filesystem::create_directories(root_ / "pkg" / "dist");
    write_file(root_ / "web" / "index.html", "<html>chview</html>");
    write_file(root_ / "web" / "app.js", "export {};");
    write_file(root_ / "pkg" / "dist" / "a.wasm", std::string("\0asm", 4));
    write_file(root_ / "secret.txt", "do not serve");
  }

  void TearDown() override {
    if (server_) {
      server_->stop();
      thread_.join();
    }
    std::filesystem::remove_all(root_);
  }

  void start(ServerOptions options = {}) {
    options.host = "127.0.0.1";
    options.port = 0;
    options.mounts = {{"/", root_ / "web"}, {"/pkg/thing/", root_ / "pkg"}};
    options.extra_metrics = [] { return std::string("chview_test_extra 7\n"); };
    auto server = Server::create(std::move(options), [this](auto sink, std::string_view target) {
      std::lock_guard lock(stats_.mutex);
      stats_.targets.emplace_back(target);
      return std::make_unique<FakeSession>(std::move(sink), stats_);
    });
    ASSERT_TRUE(server.is_ok()) << server.status().to_string();
    server_ = std::move(server).value();
    thread_ = std::thread([this] { server_->run(); });
  }

  static void write_file(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }

  std::unique_ptr<websocket::stream<tcp::socket>> connect_ws() {
    auto ws = std::make_unique<websocket::stream<tcp::socket>>(io_);
    ws->next_layer().connect({asio::ip::make_address("127.0.0.1"), server_->port()});
    ws->handshake("127.0.0.1", "/websocket");
    ws->binary(true);
    return ws;
  }

  static std::string read_text(websocket::stream<tcp::socket>& ws) {
    beast::flat_buffer buffer;
    ws.read(buffer);
    return beast::buffers_to_string(buffer.data());
  }

  http::response<http::string_body> get(const std::string& target) {
    tcp::socket socket(io_);
    socket.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
    return get_on(socket, target, false);
  }

  static http::response<http::string_body> get_on(tcp::socket& socket, const std::string& target,
                                                  bool keep_alive) {
    http::request<http::empty_body> req{http::verb::get, target, 11};
    req.set(http::field::host, "127.0.0.1");
    req.keep_alive(keep_alive);
    http::write(socket, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    return res;
  }

  std::filesystem::path root_;
  SessionStats stats_;
  asio::io_context io_;
  std::unique_ptr<Server> server_;
  std::thread thread_;
};

TEST_F(ServerTest, FramesReachTheSessionInOrderAndRepliesComeBack) {
  start();
  auto ws = connect_ws();
  constexpr int kFrames = 200;
  for (int i = 0; i < kFrames; ++i) ws->write(asio::buffer("m" + std::to_string(i)));
  for (int i = 0; i < kFrames; ++i) {
    EXPECT_EQ(read_text(*ws), "echo:m" + std::to_string(i));
    EXPECT_TRUE(ws->got_binary());
  }
  {
    std::lock_guard lock(stats_.mutex);
    ASSERT_EQ(stats_.frames.size(), static_cast<std::size_t>(kFrames));
    EXPECT_EQ(stats_.frames.front(), "m0");
    EXPECT_EQ(stats_.frames.back(), "m199");
  }
  EXPECT_EQ(stats_.created, 1);
  EXPECT_EQ(server_->metrics().frames_in.load(), static_cast<std::uint64_t>(kFrames));
  // Counted when the write completes, which may be just after the client read it.
  EXPECT_TRUE(eventually([&] { return server_->metrics().frames_out == kFrames; }));
  ws->close(websocket::close_code::normal);
}

TEST_F(ServerTest, EachConnectionHasItsOwnSessionDestroyedOnDisconnect) {
  start();
  auto a = connect_ws();
  auto b = connect_ws();
  a->write(asio::buffer(std::string("from-a")));
  b->write(asio::buffer(std::string("from-b")));
  EXPECT_EQ(read_text(*a), "echo:from-a");
  EXPECT_EQ(read_text(*b), "echo:from-b");
  EXPECT_EQ(stats_.created, 2);
  EXPECT_EQ(stats_.destroyed, 0);

  a->close(websocket::close_code::normal);
  EXPECT_TRUE(eventually([&] { return stats_.destroyed == 1; }));
  // An abrupt disconnect (no closing handshake) frees the session too.
  b->next_layer().close();
  EXPECT_TRUE(eventually([&] { return stats_.destroyed == 2; }));
  EXPECT_TRUE(eventually([&] { return server_->metrics().ws_connections_open == 0; }));
  EXPECT_EQ(server_->metrics().ws_connections_total.load(), 2u);
}

TEST_F(ServerTest, OversizedFrameClosesWith1009BeforeReachingTheSession) {
  ServerOptions options;
  options.max_frame_bytes = 1024;
  start(options);
  auto ws = connect_ws();
  ws->write(asio::buffer(std::string(1024, 'a')));  // exactly at the limit: fine
  EXPECT_EQ(read_text(*ws).size(), 5u + 1024u);
  ws->write(asio::buffer(std::string(1025, 'b')));
  beast::flat_buffer buffer;
  beast::error_code ec;
  ws->read(buffer, ec);
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(ws->reason().code, websocket::close_code::too_big);
  EXPECT_TRUE(eventually([&] { return stats_.destroyed == 1; }));
  EXPECT_EQ(server_->metrics().oversized_frames.load(), 1u);
  std::lock_guard lock(stats_.mutex);
  EXPECT_EQ(stats_.frames.size(), 1u);
}

TEST_F(ServerTest, SessionCanCloseTheConnectionWithAReason) {
  start();
  auto ws = connect_ws();
  ws->write(asio::buffer(std::string("close")));
  beast::flat_buffer buffer;
  beast::error_code ec;
  ws->read(buffer, ec);
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(ws->reason().code, websocket::close_code::policy_error);
  EXPECT_EQ(std::string(ws->reason().reason.c_str()), "requested by session");
  EXPECT_TRUE(eventually([&] { return stats_.destroyed == 1; }));
}

TEST_F(ServerTest, TextFramesAreIgnored) {
  start();
  auto ws = connect_ws();
  ws->text(true);
  ws->write(asio::buffer(std::string("hello as text")));
  ws->binary(true);
  ws->write(asio::buffer(std::string("bin")));
  EXPECT_EQ(read_text(*ws), "echo:bin");
  EXPECT_EQ(server_->metrics().text_frames_ignored.load(), 1u);
  std::lock_guard lock(stats_.mutex);
  EXPECT_EQ(stats_.frames, std::vector<std::string>{"bin"});
}

TEST_F(ServerTest, SlowClientIsDisconnectedWhenItsQueueExceedsTheBound) {
  ServerOptions options;
  options.max_queue_bytes = 1u << 20;
  start(options);
  auto ws = connect_ws();
  // 64 frames of 256 KiB queued at once: far over the 1 MiB bound.
  ws->write(asio::buffer(std::string("flood:64:262144")));
  EXPECT_TRUE(eventually([&] { return server_->metrics().slow_client_disconnects == 1; }));
  EXPECT_TRUE(eventually([&] { return stats_.destroyed == 1; }));
  // The client sees at most what fit in the queue, then the connection ends.
  beast::error_code ec;
  int frames = 0;
  while (!ec) {
    beast::flat_buffer buffer;
    ws->read(buffer, ec);
    if (!ec) ++frames;
  }
  EXPECT_LE(frames, 4);
}

TEST_F(ServerTest, OneLargeFrameIsSentEvenAboveTheQueueBound) {
  ServerOptions options;
  options.max_queue_bytes = 1024;
  start(options);
  auto ws = connect_ws();
  ws->write(asio::buffer(std::string("flood:1:100000")));
  EXPECT_EQ(read_text(*ws).size(), 100000u);
  EXPECT_EQ(server_->metrics().slow_client_disconnects.load(), 0u);
}

TEST_F(ServerTest, StopClosesConnectionsWithGoingAway) {
  start();
  auto ws = connect_ws();
  ws->write(asio::buffer(std::string("hi")));
  EXPECT_EQ(read_text(*ws), "echo:hi");
  server_->stop();
  beast::flat_buffer buffer;
  beast::error_code ec;
  ws->read(buffer, ec);
  EXPECT_EQ(ec, websocket::error::closed);
  EXPECT_EQ(ws->reason().code, websocket::close_code::going_away);
  thread_.join();
  server_.reset();
  EXPECT_EQ(stats_.destroyed, 1);
}

TEST_F(ServerTest, PostedWorkRunsOnTheIoThreadAndMayThrow) {
  start();
  std::promise<std::thread::id> ran;
  server_->post([] { throw std::runtime_error("posted work failed"); });
  server_->post([&ran] { ran.set_value(std::this_thread::get_id()); });
  auto io_thread = ran.get_future();
  ASSERT_EQ(io_thread.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  EXPECT_EQ(io_thread.get(), thread_.get_id());
  EXPECT_EQ(get("/healthz").body(), "ok\n");  // still serving after the exception
}

TEST_F(ServerTest, ServesStaticFilesWithContentTypes) {
  start();
  auto index = get("/");
  EXPECT_EQ(index.result(), http::status::ok);
  EXPECT_EQ(index.body(), "<html>chview</html>");
  EXPECT_EQ(index[http::field::content_type], "text/html; charset=utf-8");

  auto with_query = get("/index.html?table=stock_values");
  EXPECT_EQ(with_query.body(), "<html>chview</html>");

  auto js = get("/app.js");
  EXPECT_EQ(js.result(), http::status::ok);
  EXPECT_EQ(js[http::field::content_type], "text/javascript; charset=utf-8");

  auto wasm = get("/pkg/thing/dist/a.wasm");
  EXPECT_EQ(wasm.result(), http::status::ok);
  EXPECT_EQ(wasm[http::field::content_type], "application/wasm");
  EXPECT_EQ(wasm.body(), std::string("\0asm", 4));
}

TEST_F(ServerTest, MissingFilesAndTraversalAre404) {
  start();
  EXPECT_EQ(get("/nope.js").result(), http::status::not_found);
  EXPECT_EQ(get("/sub/").result(), http::status::not_found);  // no index.html there
  EXPECT_EQ(get("/../secret.txt").result(), http::status::not_found);
  EXPECT_EQ(get("/%2e%2e/secret.txt").result(), http::status::not_found);
  EXPECT_EQ(get("/sub/..%2f..%2fsecret.txt").result(), http::status::not_found);
  EXPECT_EQ(get("/pkg/thing/../../secret.txt").result(), http::status::not_found);
  EXPECT_EQ(get("/pkg/thing/%2e%2e/%2e%2e/secret.txt").result(), http::status::not_found);
}

TEST_F(ServerTest, WebSocketFromAForeignOriginIsRefusedWith403) {
  start();
  auto upgrade_with_origin = [this](const std::string& origin) {
    tcp::socket socket(io_);
    socket.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
    http::request<http::empty_body> req{http::verb::get, "/websocket", 11};
    req.set(http::field::host, "127.0.0.1");
    req.set(http::field::origin, origin);
    req.set(http::field::connection, "Upgrade");
    req.set(http::field::upgrade, "websocket");
    req.set(http::field::sec_websocket_version, "13");
    req.set(http::field::sec_websocket_key, "dGhlIHNhbXBsZSBub25jZQ==");
    http::write(socket, req);
    beast::flat_buffer buffer;
    http::response<http::string_body> res;
    http::read(socket, buffer, res);
    return res.result();
  };
  EXPECT_EQ(upgrade_with_origin("http://evil.example"), http::status::forbidden);
  EXPECT_EQ(upgrade_with_origin("http://127.0.0.1"), http::status::switching_protocols);
  EXPECT_TRUE(eventually([this] { return stats_.created.load() == 1; }));
}

TEST_F(ServerTest, TheSessionFactorySeesTheUpgradeTarget) {
  start();
  websocket::stream<tcp::socket> ws(io_);
  ws.next_layer().connect({asio::ip::make_address("127.0.0.1"), server_->port()});
  ws.handshake("127.0.0.1", "/websocket?minmax=text");
  ASSERT_TRUE(eventually([this] { return stats_.created.load() == 1; }));
  std::lock_guard lock(stats_.mutex);
  EXPECT_EQ(stats_.targets, std::vector<std::string>{"/websocket?minmax=text"});
}

TEST_F(ServerTest, ListedOriginsMayOpenTheWebSocket) {
  ServerOptions options;
  options.allowed_origins = {"https://dashboards.example"};
  start(std::move(options));
  websocket::stream<tcp::socket> ws(io_);
  ws.next_layer().connect({asio::ip::make_address("127.0.0.1"), server_->port()});
  ws.set_option(websocket::stream_base::decorator([](websocket::request_type& req) {
    req.set(http::field::origin, "https://dashboards.example");
  }));
  ws.handshake("127.0.0.1", "/websocket");
  ws.binary(true);
  ws.write(asio::buffer(std::string("hi")));
  EXPECT_EQ(read_text(ws), "echo:hi");
}

TEST_F(ServerTest, HealthzMetricsAndKeepAlive) {
  start();
  tcp::socket socket(io_);
  socket.connect({asio::ip::make_address("127.0.0.1"), server_->port()});
  auto health = get_on(socket, "/healthz", true);
  EXPECT_EQ(health.result(), http::status::ok);
  EXPECT_EQ(health.body(), "ok\n");
  // Same socket: keep-alive.
  auto metrics = get_on(socket, "/metrics", true);
  EXPECT_EQ(metrics.result(), http::status::ok);
  EXPECT_NE(metrics.body().find("chview_http_requests_total 2\n"), std::string::npos)
      << metrics.body();
  EXPECT_NE(metrics.body().find("chview_ws_connections_open 0\n"), std::string::npos);
  EXPECT_NE(metrics.body().find("chview_test_extra 7\n"), std::string::npos);
}

TEST(ServerCreate, ReportsAPortInUse) {
  ServerOptions options;
  options.host = "127.0.0.1";
  options.port = 0;
  auto no_session = [](auto, auto) { return std::unique_ptr<protocol::Session>(); };
  auto first = Server::create(options, no_session);
  ASSERT_TRUE(first.is_ok());
  options.port = (*first)->port();
  auto second = Server::create(options, no_session);
  ASSERT_FALSE(second.is_ok());
  EXPECT_EQ(second.status().code(), ErrorCode::kConnection);
}

}  // namespace
}  // namespace chview::net
