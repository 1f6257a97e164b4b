#include "app/clickhouse_options.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>

namespace chview::app {
namespace {

class ClickHouseOptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* v :
         {"CLICKHOUSE_URL", "CLICKHOUSE_USER", "CLICKHOUSE_PASSWORD", "CLICKHOUSE_DATABASE"}) {
      unsetenv(v);
    }
  }
  Result<clickhouse::ConnectionConfig> parse(std::vector<std::string> args) {
    CLI::App app;
    ClickHouseCliOptions opts;
    add_clickhouse_options(app, opts);
    std::reverse(args.begin(), args.end());
    app.parse(args);
    return resolve(opts);
  }
};

TEST_F(ClickHouseOptionsTest, DefaultsWithoutFlagsOrEnvironment) {
  auto c = parse({});
  ASSERT_TRUE(c.is_ok());
  EXPECT_EQ(c->url(), clickhouse::kDefaultUrl);
}

TEST_F(ClickHouseOptionsTest, FlagsBeatEnvironmentBeatUrl) {
  setenv("CLICKHOUSE_URL", "http://envuser:envpw@envhost:1111/envdb", 1);
  auto from_env = parse({});
  ASSERT_TRUE(from_env.is_ok());
  EXPECT_EQ(from_env->host, "envhost");
  EXPECT_EQ(from_env->user, "envuser");

  setenv("CLICKHOUSE_USER", "u2", 1);
  auto c = parse({"--clickhouse", "http://a:b@flaghost:2222/flagdb", "--database", "d3",
                  "--query-timeout", "5s"});
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_EQ(c->host, "flaghost");
  EXPECT_EQ(c->port, 2222);
  EXPECT_EQ(c->user, "u2");      // env beats the URL
  EXPECT_EQ(c->password, "b");   // from the URL
  EXPECT_EQ(c->database, "d3");  // flag beats all
  EXPECT_EQ(c->query_timeout.count(), 5000);

  auto flags = parse({"--user", "u4", "--password", ""});
  ASSERT_TRUE(flags.is_ok());
  EXPECT_EQ(flags->user, "u4");
  EXPECT_EQ(flags->password, "");
}

TEST_F(ClickHouseOptionsTest, BadValuesAreErrors) {
  EXPECT_EQ(parse({"--clickhouse", "localhost:8123"}).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(parse({"--query-timeout", "soon"}).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(parse({"--user", ""}).status().code(), ErrorCode::kInvalidArgument);
}

}  // namespace
}  // namespace chview::app
