#include "clickhouse/connection.h"

#include <gtest/gtest.h>

#include <map>

namespace chview::clickhouse {
namespace {

TEST(ConnectionConfig, ParsesFullUrl) {
  auto c = ConnectionConfig::parse_url("http://bob:s%40cret%3A1@db.example:18123/market");
  ASSERT_TRUE(c.is_ok()) << c.status().to_string();
  EXPECT_FALSE(c->secure);
  EXPECT_EQ(c->user, "bob");
  EXPECT_EQ(c->password, "s@cret:1");
  EXPECT_EQ(c->host, "db.example");
  EXPECT_EQ(c->port, 18123);
  EXPECT_EQ(c->database, "market");
  EXPECT_EQ(c->endpoint(), "db.example:18123");
  EXPECT_EQ(c->redacted_url(), "http://bob:***@db.example:18123/market");
  EXPECT_EQ(c->url(), "http://bob:s%40cret%3A1@db.example:18123/market");
  EXPECT_EQ(c->redacted_url().find("cret"), std::string::npos);
}

TEST(ConnectionConfig, Defaults) {
  auto c = ConnectionConfig::parse_url("https://example.com");
  ASSERT_TRUE(c.is_ok());
  EXPECT_TRUE(c->secure);
  EXPECT_EQ(c->port, 8443);
  EXPECT_EQ(c->user, "admin");
  EXPECT_EQ(c->database, "default");

  auto empty_password = ConnectionConfig::parse_url("http://default:@127.0.0.1:18123/default");
  ASSERT_TRUE(empty_password.is_ok());
  EXPECT_EQ(empty_password->user, "default");
  EXPECT_EQ(empty_password->password, "");

  auto no_password = ConnectionConfig::parse_url("http://reader@h/");
  ASSERT_TRUE(no_password.is_ok());
  EXPECT_EQ(no_password->password, "");
  EXPECT_EQ(no_password->port, 8123);
  EXPECT_EQ(no_password->database, "default");

  auto v6 = ConnectionConfig::parse_url("http://[::1]:9999/x");
  ASSERT_TRUE(v6.is_ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->endpoint(), "[::1]:9999");
}

TEST(ConnectionConfig, RejectsBadUrls) {
  for (const char* bad : {"ftp://h", "127.0.0.1:8123", "http://", "http://h:0", "http://h:70000",
                          "http://h:12x", "http://h:", "http://u:p%zz@h", "http://h/db/extra",
                          "http://h/db?x=1", "http://:p@h", "http://[::1"}) {
    auto r = ConnectionConfig::parse_url(bad);
    EXPECT_FALSE(r.is_ok()) << bad;
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << bad;
    EXPECT_NE(r.status().message().find("bad ClickHouse URL"), std::string::npos);
  }
  auto r = ConnectionConfig::parse_url("http://u:topsecret@h:x");
  EXPECT_EQ(r.status().message().find("topsecret"), std::string::npos) << r.status().message();
}

TEST(ConnectionConfig, Environment) {
  std::map<std::string, std::string> env;
  auto lookup = [&](const char* name) -> const char* {
    auto it = env.find(name);
    return it == env.end() ? nullptr : it->second.c_str();
  };
  auto defaults = ConnectionConfig::from_environment(lookup);
  ASSERT_TRUE(defaults.is_ok());
  EXPECT_EQ(defaults->url(), kDefaultUrl);

  env["CLICKHOUSE_URL"] = "http://a:b@h:1/d";
  env["CLICKHOUSE_PASSWORD"] = "";
  env["CLICKHOUSE_DATABASE"] = "other";
  auto c = ConnectionConfig::from_environment(lookup);
  ASSERT_TRUE(c.is_ok());
  EXPECT_EQ(c->user, "a");
  EXPECT_EQ(c->password, "");
  EXPECT_EQ(c->database, "other");
  EXPECT_EQ(c->port, 1);

  env["CLICKHOUSE_URL"] = "nonsense";
  auto bad = ConnectionConfig::from_environment(lookup);
  EXPECT_EQ(bad.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("CLICKHOUSE_URL"), std::string::npos);
}

}  // namespace
}  // namespace chview::clickhouse
