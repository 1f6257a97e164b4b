#include "app/serve_config.h"

#include <gtest/gtest.h>

namespace chview::app {
namespace {

TEST(ServeConfig, ParsesEverything) {
  auto config = parse_serve_config(R"(
[server]
host = "0.0.0.0"
port = 9090
writable = true
max_frame = "8MiB"
allow_origins = ["https://a.example", "*"]

[clickhouse]
url = "http://u:p@h:8123/db"

[[table]]
name = "stocks"
source = "db.stock_values"
limit = 500
interval = "50ms"
lateness = "2s"

[[table]]
name = "latest"
query = "SELECT * FROM t WHERE x > 0"
index = "id"
cursor = "seq"
)");
  ASSERT_TRUE(config.is_ok()) << config.status().to_string();
  EXPECT_EQ(config->host, "0.0.0.0");
  EXPECT_EQ(config->port, 9090);
  EXPECT_EQ(config->writable, true);
  EXPECT_EQ(config->max_frame_bytes, 8u << 20);
  EXPECT_EQ(config->allowed_origins, (std::vector<std::string>{"https://a.example", "*"}));
  EXPECT_EQ(config->clickhouse_url, "http://u:p@h:8123/db");
  ASSERT_EQ(config->tables.size(), 2u);
  EXPECT_EQ(config->tables[0].name, "stocks");
  EXPECT_EQ(config->tables[0].from_clause(), "`db`.`stock_values`");
  EXPECT_EQ(config->tables[0].limit, 500u);
  EXPECT_EQ(config->tables[0].interval.count(), 50);
  EXPECT_EQ(config->tables[0].lateness.count(), 2000);
  EXPECT_EQ(config->tables[1].index, "id");
  EXPECT_EQ(config->tables[1].cursor, "seq");
  EXPECT_EQ(config->tables[1].from_clause(), "(SELECT * FROM t WHERE x > 0)");
}

TEST(ServeConfig, ErrorsNameTheProblem) {
  auto expect_error = [](const char* text, const char* needle) {
    auto config = parse_serve_config(text);
    ASSERT_FALSE(config.is_ok()) << text;
    EXPECT_NE(config.status().message().find(needle), std::string::npos)
        << config.status().message();
  };
  expect_error("[server]\nport = 70000\n", "server.port");
  expect_error("[server]\nprot = 1\n", "unknown key server.prot");
  expect_error("[[table]]\nname = \"t\"\nsource = \"t\"\nlimit = -1\n", "table[0].limit");
  expect_error("[[table]]\nname = \"t\"\nsource = \"t\"\ninterval = \"soon\"\n", "interval");
  expect_error("[[table]]\nname = \"t\"\n", "exactly one of table or query");
  expect_error("[[table]]\nsource = \"t\"\nlimit = 5\nindex = \"id\"\n", "exclusive");
  expect_error("[server\n", "line 1");
  expect_error("[server]\nallow_origins = \"*\"\n", "server.allow_origins");
  expect_error("[server]\nallow_origins = [1]\n", "server.allow_origins");
}

TEST(ServeConfig, ByteSizes) {
  EXPECT_EQ(*parse_byte_size("64MiB"), 64u << 20);
  EXPECT_EQ(*parse_byte_size("1024"), 1024u);
  EXPECT_EQ(*parse_byte_size("2KiB"), 2048u);
  EXPECT_FALSE(parse_byte_size("lots").is_ok());
  EXPECT_FALSE(parse_byte_size("3 parsecs").is_ok());
}

}  // namespace
}  // namespace chview::app
