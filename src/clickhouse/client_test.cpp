#include "clickhouse/client.h"

#include <gtest/gtest.h>

#include <deque>

namespace chview::clickhouse {
namespace {

// Scripted transport: every transport made by the factory shares one script and log.
struct Script {
  std::deque<Result<HttpResponse>> replies;
  std::vector<HttpRequest> requests;
  int transports_made = 0;
};

class FakeTransport final : public HttpTransport {
 public:
  explicit FakeTransport(Script& script) : script_(script) {}
  Result<HttpResponse> post(const HttpRequest& request) override {
    script_.requests.push_back(request);
    if (script_.replies.empty()) return Status(ErrorCode::kConnection, "no scripted reply");
    auto reply = std::move(script_.replies.front());
    script_.replies.pop_front();
    return reply;
  }

 private:
  Script& script_;
};

HttpResponse ok(std::string body) { return HttpResponse{200, {}, std::move(body)}; }
HttpResponse error(int status, std::string body, HttpHeaders headers = {}) {
  return HttpResponse{status, std::move(headers), std::move(body)};
}

std::string native_of(const Block& block) {
  std::string out;
  EXPECT_TRUE(encode_native(block, out).is_ok());
  return out;
}

Block sample_block() {
  Block block;
  block.rows = 2;
  auto id = Column::make("id", "UInt64");
  auto name = Column::make("name", "Nullable(String)");
  EXPECT_TRUE(id->append_uint(1).is_ok());
  EXPECT_TRUE(id->append_uint(2).is_ok());
  EXPECT_TRUE(name->append_string("one").is_ok());
  EXPECT_TRUE(name->append_null().is_ok());
  block.columns = {*id, *name};
  return block;
}

class ClientTest : public ::testing::Test {
 protected:
  Client make_client() {
    return Client(ConnectionConfig{}, [this] {
      ++script.transports_made;
      return std::make_unique<FakeTransport>(script);
    });
  }
  Script script;
};

TEST_F(ClientTest, QueryDecodesNativeAndFormsTheRequest) {
  script.replies.push_back(ok(native_of(sample_block())));
  Client client = make_client();
  QueryOptions options;
  options.settings["max_threads"] = "2";
  options.query_id = "q-1";
  options.timeout = std::chrono::milliseconds(1234);
  auto block = client.query_block("SELECT id, name FROM t;  ", options);
  ASSERT_TRUE(block.is_ok()) << block.status().to_string();
  EXPECT_EQ(block->rows, 2u);
  EXPECT_EQ(block->columns[1].string_at(0), "one");
  EXPECT_TRUE(block->columns[1].is_null(1));

  ASSERT_EQ(script.requests.size(), 1u);
  const HttpRequest& request = script.requests[0];
  EXPECT_EQ(request.body, "SELECT id, name FROM t\nFORMAT Native");
  EXPECT_EQ(request.target, "/?database=default&query_id=q-1&max_threads=2");
  EXPECT_EQ(request.timeout.count(), 1234);
  bool has_auth = false;
  for (const auto& [name, value] : request.headers) {
    if (name == "Authorization") {
      has_auth = true;
      EXPECT_EQ(value, "Basic YWRtaW46YWRtaW4xMjM=");  // admin:admin123
    }
  }
  EXPECT_TRUE(has_auth);
}

TEST_F(ClientTest, GeneratesDistinctQueryIds) {
  std::string a = generate_query_id(), b = generate_query_id();
  EXPECT_EQ(a.size(), 36u);
  EXPECT_NE(a, b);
  script.replies.push_back(ok(""));
  Client client = make_client();
  ASSERT_TRUE(client.execute("CREATE TABLE x (a UInt8) ENGINE = Memory").is_ok());
  EXPECT_NE(script.requests[0].target.find("query_id="), std::string::npos);
  EXPECT_EQ(script.requests[0].target.find("query_id=&"), std::string::npos);
}

TEST_F(ClientTest, OldServerExceptionBecomesRemoteError) {
  script.replies.push_back(
      error(500,
            "Code: 60, e.displayText() = DB::Exception: Table default.x doesn't exist., "
            "e.what() = DB::Exception\n"));
  Client client = make_client();
  auto r = client.query("SELECT * FROM x");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kRemote);
  EXPECT_EQ(r.status().message(), "ClickHouse error 60: Table default.x doesn't exist");
}

TEST_F(ClientTest, NewServerExceptionBecomesRemoteError) {
  script.replies.push_back(
      error(404,
            "Code: 60. DB::Exception: Table default.x does not exist. (UNKNOWN_TABLE) (version "
            "23.8.1.2992 (official build))\n",
            {{"X-ClickHouse-Exception-Code", "60"}}));
  Client client = make_client();
  Status s = client.execute("DROP TABLE x");
  EXPECT_EQ(s.code(), ErrorCode::kRemote);
  EXPECT_EQ(s.message(), "ClickHouse error 60: Table default.x does not exist");
}

TEST_F(ClientTest, AuthenticationFailures) {
  script.replies.push_back(
      error(401,
            "Code: 193, e.displayText() = DB::Exception: Wrong password for user admin, "
            "e.what() = DB::Exception"));
  script.replies.push_back(
      error(516,
            "Code: 516. DB::Exception: admin: Authentication failed: password is incorrect, or "
            "there is no user with such name. (AUTHENTICATION_FAILED) (version 24.1.1.1)"));
  script.replies.push_back(error(403, ""));
  Client client = make_client();
  for (int i = 0; i < 3; ++i) {
    Status s = client.execute("SELECT 1");
    EXPECT_EQ(s.code(), ErrorCode::kAuthentication) << s.to_string();
  }
  EXPECT_EQ(status_from_error_response(error(500,
                                             "Code: 193, e.displayText() = "
                                             "DB::Exception: Wrong password for user "
                                             "admin, e.what() = DB::Exception"))
                .message(),
            "ClickHouse error 193: Wrong password for user admin");
}

TEST_F(ClientTest, OtherErrorsWithoutCode) {
  script.replies.push_back(error(502, "<html>bad gateway</html>"));
  Client client = make_client();
  Status s = client.execute("SELECT 1");
  EXPECT_EQ(s.code(), ErrorCode::kRemote);
  EXPECT_EQ(s.message(), "ClickHouse HTTP 502: <html>bad gateway</html>");
}

TEST_F(ClientTest, TransportErrorsPassThrough) {
  script.replies.push_back(
      Status(ErrorCode::kConnection, "cannot connect to ClickHouse at 127.0.0.1:1: refused"));
  Client client = make_client();
  auto r = client.query_text("SELECT 1");
  EXPECT_EQ(r.status().code(), ErrorCode::kConnection);
  EXPECT_NE(r.status().message().find("127.0.0.1:1"), std::string::npos);
}

TEST_F(ClientTest, TimeoutKillsTheQueryOnASecondConnection) {
  script.replies.push_back(Status(ErrorCode::kTimeout, "timed out reading the response"));
  script.replies.push_back(ok(""));  // the KILL QUERY
  Client client = make_client();
  QueryOptions options;
  options.query_id = "slow-1";
  auto r = client.query("SELECT sleep(3)", options);
  ASSERT_EQ(r.status().code(), ErrorCode::kTimeout);
  EXPECT_NE(r.status().message().find("slow-1"), std::string::npos);
  ASSERT_EQ(script.requests.size(), 2u);
  EXPECT_EQ(script.transports_made, 2);
  EXPECT_NE(script.requests[1].body.find("KILL QUERY WHERE query_id = 'slow-1' ASYNC"),
            std::string::npos);
}

TEST_F(ClientTest, TruncatedBodyIsAParseError) {
  std::string body = native_of(sample_block());
  script.replies.push_back(ok(body.substr(0, body.size() - 3)));
  Client client = make_client();
  auto r = client.query("SELECT id, name FROM t");
  EXPECT_EQ(r.status().code(), ErrorCode::kParse);
}

TEST_F(ClientTest, ExceptionAfterPartialResultIsRemoteError) {
  std::string body = native_of(sample_block());
  body = body.substr(0, body.size() - 3) +
         "Code: 241, e.displayText() = DB::Exception: Memory limit exceeded, e.what() = "
         "DB::Exception\n";
  script.replies.push_back(ok(body));
  Client client = make_client();
  auto r = client.query("SELECT id, name FROM t");
  EXPECT_EQ(r.status().code(), ErrorCode::kRemote);
  EXPECT_EQ(r.status().message(), "ClickHouse error 241: Memory limit exceeded");
}

TEST_F(ClientTest, InsertSendsNative) {
  script.replies.push_back(ok(""));
  Client client = make_client();
  Block block = sample_block();
  ASSERT_TRUE(client.insert("db.t", block).is_ok());
  const HttpRequest& request = script.requests[0];
  EXPECT_NE(request.target.find("&query=INSERT%20INTO%20db.t%20FORMAT%20Native"),
            std::string::npos);
  auto decoded = decode_native(request.body);
  ASSERT_TRUE(decoded.is_ok());
  EXPECT_EQ((*decoded)[0].columns[0].int_at(1), 2);

  Block bad = block;
  bad.rows = 3;
  EXPECT_EQ(client.insert("t", bad).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(script.requests.size(), 1u);
}

TEST_F(ClientTest, ServerVersionIsAskedOnce) {
  script.replies.push_back(ok("18.16.1\n"));
  Client client = make_client();
  auto v = client.server_version();
  ASSERT_TRUE(v.is_ok()) << v.status().to_string();
  EXPECT_EQ(v->major, 18);
  EXPECT_EQ(v->minor, 16);
  EXPECT_EQ(v->patch, 1);
  EXPECT_FALSE(v->supports_datetime64());
  EXPECT_TRUE(v->supports_low_cardinality());
  EXPECT_TRUE(v->low_cardinality_needs_setting());
  ASSERT_TRUE(client.server_version().is_ok());
  EXPECT_EQ(script.requests.size(), 1u);

  auto modern = parse_server_version("23.8.1.2992");
  ASSERT_TRUE(modern.is_ok());
  EXPECT_TRUE(modern->supports_datetime64());
  EXPECT_TRUE(modern->supports_date32());
  EXPECT_FALSE(modern->low_cardinality_needs_setting());
  EXPECT_FALSE(parse_server_version("garbage").is_ok());
}

TEST_F(ClientTest, CancelUsesItsOwnConnection) {
  script.replies.push_back(ok(""));
  Client client = make_client();
  ASSERT_TRUE(client.cancel("it's-1").is_ok());
  ASSERT_EQ(script.requests.size(), 1u);
  EXPECT_NE(script.requests[0].body.find("KILL QUERY WHERE query_id = 'it\\'s-1' SYNC"),
            std::string::npos);
  EXPECT_EQ(script.transports_made, 1);
}

}  // namespace
}  // namespace chview::clickhouse
