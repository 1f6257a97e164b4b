// The Beast transport against a scripted local HTTP server: keep-alive reuse, reconnect
// after the server dropped an idle connection, timeouts, refused connections.
#include "clickhouse/transport.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <cstdio>
#include <fstream>
#include <functional>
#include <optional>
#include <thread>

namespace chview::clickhouse {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace ssl = asio::ssl;

// A throwaway self-signed certificate for "localhost" / 127.0.0.1, made at test time.
struct SelfSigned {
  std::string cert_pem;
  std::string key_pem;
};

SelfSigned make_self_signed() {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  X509_EXTENSION* san =
      X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  X509_add_ext(cert.get(), san, -1);
  X509_EXTENSION_free(san);
  X509_sign(cert.get(), key.get(), EVP_sha256());
  auto to_pem = [](auto write) {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    write(bio.get());
    char* data = nullptr;
    long n = BIO_get_mem_data(bio.get(), &data);
    return std::string(data, static_cast<size_t>(n));
  };
  SelfSigned out;
  out.cert_pem = to_pem([&](BIO* b) { PEM_write_bio_X509(b, cert.get()); });
  out.key_pem = to_pem([&](BIO* b) {
    PEM_write_bio_PrivateKey(b, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  });
  return out;
}

// How the fake server treats each request it reads.
enum class Behaviour { kKeepAlive, kCloseAfterReply, kNeverReply, kTruncatedReply };

class FakeServer {
 public:
  explicit FakeServer(Behaviour behaviour, const SelfSigned* tls = nullptr)
      : behaviour_(behaviour),
        acceptor_(ioc_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
    if (tls) {
      tls_.emplace(ssl::context::tls_server);
      tls_->use_certificate_chain(asio::buffer(tls->cert_pem));
      tls_->use_private_key(asio::buffer(tls->key_pem), ssl::context::pem);
    }
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeServer() {
    stopping_ = true;
    boost::system::error_code ec;
    // Wake the accept loop with a throwaway connection.
    asio::io_context ioc;
    tcp::socket poke(ioc);
    poke.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port()), ec);
    thread_.join();
  }
  uint16_t port() const { return acceptor_.local_endpoint().port(); }
  int connections() const { return connections_; }
  int requests() const { return requests_; }

 private:
  void serve() {
    while (!stopping_) {
      tcp::socket socket(ioc_);
      boost::system::error_code ec;
      acceptor_.accept(socket, ec);
      if (ec || stopping_) return;
      ++connections_;
      if (!tls_) {
        handle(socket);
        continue;
      }
      ssl::stream<tcp::socket&> stream(socket, *tls_);
      stream.handshake(ssl::stream_base::server, ec);
      if (!ec) handle(stream);
    }
  }
  template <typename Stream>
  void handle(Stream& socket) {
    boost::system::error_code ec;
    std::string buffer;
    while (true) {
      // Read one request: headers then Content-Length bytes.
      size_t header_end;
      while ((header_end = buffer.find("\r\n\r\n")) == std::string::npos) {
        char chunk[4096];
        size_t n = socket.read_some(asio::buffer(chunk), ec);
        if (ec) return;
        buffer.append(chunk, n);
      }
      size_t length = 0;
      if (auto p = buffer.find("Content-Length: "); p != std::string::npos) {
        length = std::stoul(buffer.substr(p + 16));
      }
      while (buffer.size() < header_end + 4 + length) {
        char chunk[4096];
        size_t n = socket.read_some(asio::buffer(chunk), ec);
        if (ec) return;
        buffer.append(chunk, n);
      }
      std::string body = buffer.substr(header_end + 4, length);
      buffer.erase(0, header_end + 4 + length);
      ++requests_;
      switch (behaviour_) {
        case Behaviour::kNeverReply:
          while (!stopping_) std::this_thread::sleep_for(std::chrono::milliseconds(10));
          return;
        case Behaviour::kTruncatedReply:
          asio::write(
              socket,
              asio::buffer(std::string("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nabc")), ec);
          return;
        default:
          break;
      }
      std::string reply = "echo:" + body;
      asio::write(socket,
                  asio::buffer("HTTP/1.1 200 OK\r\nContent-Length: " +
                               std::to_string(reply.size()) + "\r\n\r\n" + reply),
                  ec);
      // Like a server whose keep-alive timeout expired: close without saying so.
      if (behaviour_ == Behaviour::kCloseAfterReply) return;
    }
  }

  Behaviour behaviour_;
  asio::io_context ioc_;
  std::optional<ssl::context> tls_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> connections_{0};
  std::atomic<int> requests_{0};
};

// "c7": built with append (GCC 12 -O3 reports a false -Wrestrict for "c" + to_string).
std::string numbered(std::string_view prefix, size_t n) {
  std::string out(prefix);
  out.append(std::to_string(n));
  return out;
}

ConnectionConfig config_for(uint16_t port) {
  ConnectionConfig config;
  config.port = port;
  config.connect_timeout = std::chrono::milliseconds(2000);
  return config;
}

HttpRequest request(std::string body, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  HttpRequest r;
  r.target = "/";
  r.body = std::move(body);
  r.timeout = timeout;
  return r;
}

TEST(BeastTransport, ReusesOneConnection) {
  FakeServer server(Behaviour::kKeepAlive);
  auto transport = make_http_transport(config_for(server.port()));
  for (int i = 0; i < 3; ++i) {
    auto r = transport->post(request(numbered("q", i)));
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, "echo:q" + std::to_string(i));
    EXPECT_EQ(r->header("content-length"), std::to_string(r->body.size()));
  }
  EXPECT_EQ(server.connections(), 1);
}

TEST(BeastTransport, ReconnectsWhenTheServerDroppedAnIdleConnection) {
  FakeServer server(Behaviour::kCloseAfterReply);
  auto transport = make_http_transport(config_for(server.port()));
  for (int i = 0; i < 3; ++i) {
    auto r = transport->post(request(numbered("q", i)));
    ASSERT_TRUE(r.is_ok()) << "request " << i << ": " << r.status().to_string();
    EXPECT_EQ(r->body, "echo:q" + std::to_string(i));
  }
  EXPECT_EQ(server.connections(), 3);
  EXPECT_EQ(server.requests(), 3);
}

TEST(BeastTransport, TimesOutWhenTheServerIsSilent) {
  FakeServer server(Behaviour::kNeverReply);
  auto transport = make_http_transport(config_for(server.port()));
  auto r = transport->post(request("slow", std::chrono::milliseconds(200)));
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kTimeout) << r.status().to_string();
  EXPECT_EQ(server.requests(), 1);  // not retried
}

TEST(BeastTransport, TruncatedResponseIsAConnectionErrorAndNotRetried) {
  FakeServer server(Behaviour::kTruncatedReply);
  auto transport = make_http_transport(config_for(server.port()));
  auto first = transport->post(request("a"));
  ASSERT_TRUE(first.status().code() == ErrorCode::kConnection) << first.status().to_string();
  EXPECT_EQ(server.requests(), 1);
}

TEST(BeastTransport, HttpsWithAPrivateCa) {
  SelfSigned cert = make_self_signed();
  FakeServer server(Behaviour::kKeepAlive, &cert);
  const std::string ca_file = ::testing::TempDir() + "h1_transport_ca.pem";
  std::ofstream(ca_file) << cert.cert_pem;

  ConnectionConfig config = config_for(server.port());
  config.secure = true;
  config.host = "localhost";
  // Not trusted by default: the handshake fails and says so.
  auto untrusted = make_http_transport(config)->post(request("x"));
  ASSERT_EQ(untrusted.status().code(), ErrorCode::kConnection) << untrusted.status().to_string();
  EXPECT_NE(untrusted.status().message().find("TLS handshake"), std::string::npos);

  config.tls_ca_file = ca_file;
  auto transport = make_http_transport(config);
  for (int i = 0; i < 2; ++i) {
    auto r = transport->post(request("secret" + std::to_string(i)));
    ASSERT_TRUE(r.is_ok()) << r.status().to_string();
    EXPECT_EQ(r->body, "echo:secret" + std::to_string(i));
  }
  EXPECT_EQ(server.connections(), 2);  // the untrusted attempt + one kept-alive connection

  config.tls_ca_file = ca_file + ".missing";
  auto missing = make_http_transport(config)->post(request("x"));
  EXPECT_EQ(missing.status().code(), ErrorCode::kInvalidArgument);
  std::remove(ca_file.c_str());
}

TEST(BeastTransport, RefusedConnectionNamesTheEndpoint) {
  uint16_t port;
  {
    asio::io_context ioc;
    tcp::acceptor acceptor(ioc, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    port = acceptor.local_endpoint().port();
  }
  auto transport = make_http_transport(config_for(port));
  auto r = transport->post(request("x"));
  ASSERT_EQ(r.status().code(), ErrorCode::kConnection);
  EXPECT_NE(r.status().message().find("127.0.0.1:" + std::to_string(port)), std::string::npos)
      << r.status().message();
}

}  // namespace
}  // namespace chview::clickhouse
