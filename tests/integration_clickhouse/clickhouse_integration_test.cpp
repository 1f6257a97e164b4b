// The ClickHouse client against a real server: CHVIEW_TEST_CLICKHOUSE_URL (set by
// scripts/run-tests.sh; the clickhouse fixture starts the server).
#include <gtest/gtest.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstdlib>
#include <future>
#include <thread>

#include "clickhouse/client.h"

namespace chview::clickhouse {
namespace {

// "c7": built with append (GCC 12 -O3 reports a false -Wrestrict for "c" + to_string).
std::string numbered(std::string_view prefix, size_t n) {
  std::string out(prefix);
  out.append(std::to_string(n));
  return out;
}

ConnectionConfig test_config() {
  const char* url = std::getenv("CHVIEW_TEST_CLICKHOUSE_URL");
  std::string fallback =
      "http://default:@127.0.0.1:" +
      std::string(std::getenv("CHVIEW_CH_HTTP_PORT") ? std::getenv("CHVIEW_CH_HTTP_PORT")
                                                     : "8123") +
      "/default";
  auto config = ConnectionConfig::parse_url(url && *url ? url : fallback);
  EXPECT_TRUE(config.is_ok()) << config.status().to_string();
  return config.is_ok() ? *config : ConnectionConfig{};
}

// Unique per test and per run: tests run in parallel against one server.
std::string table_name(std::string_view what) {
  std::string id = generate_query_id().substr(0, 8);
  return "h1_it_" + std::string(what) + "_" + id;
}

class ClickHouseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto v = client.server_version();
    ASSERT_TRUE(v.is_ok()) << "no test ClickHouse at " << client.config().redacted_url() << ": "
                           << v.status().to_string();
    version = *v;
    if (version.low_cardinality_needs_setting()) {
      lc_options.settings[std::string(ServerVersion::kLowCardinalitySetting)] = "1";
    }
  }
  void TearDown() override {
    for (const auto& t : tables) (void)client.execute("DROP TABLE IF EXISTS " + t).is_ok();
  }
  std::string make_table(std::string_view what, std::string_view columns) {
    std::string name = table_name(what);
    Status s = client.execute(
        "CREATE TABLE " + name + " (" + std::string(columns) + ") ENGINE = MergeTree ORDER BY id",
        lc_options);
    EXPECT_TRUE(s.is_ok()) << s.to_string();
    tables.push_back(name);
    return name;
  }

  Client client{test_config()};
  ServerVersion version;
  QueryOptions lc_options;
  std::vector<std::string> tables;
};

TEST_F(ClickHouseTest, DetectsServerVersion) {
  EXPECT_GE(version.major, 18);
  EXPECT_FALSE(version.text.empty());
  auto text = client.query_text("SELECT version()");
  ASSERT_TRUE(text.is_ok());
  EXPECT_EQ(*text, version.text + "\n");
  if (version.major == 18) {
    EXPECT_FALSE(version.supports_datetime64());
    EXPECT_TRUE(version.low_cardinality_needs_setting());
  }
}

struct TypeCase {
  std::string type;
  std::vector<std::string> values;  // as ClickHouse prints them in TSV; \N = NULL
  bool needs_modern = false;        // DateTime64/Date32/Bool: not in 18.16
};

std::vector<TypeCase> type_cases() {
  return {
      {"Int8", {"-128", "127", "0"}},
      {"Int16", {"-32768", "32767", "1"}},
      {"Int32", {"-2147483648", "2147483647", "2"}},
      {"Int64", {"-9223372036854775808", "9223372036854775807", "3"}},
      {"UInt8", {"0", "255", "4"}},
      {"UInt16", {"0", "65535", "5"}},
      {"UInt32", {"0", "4294967295", "6"}},
      {"UInt64", {"0", "18446744073709551615", "7"}},
      {"Float32", {"1.5", "-0.1", "100000000000000000000"}},
      {"Float64", {"1.5e21", "0.0000123", "1e-7"}},
      {"Float64", {"3.141592653589793", "-1e300", "0.1"}},
      {"String", {"", "hello", "naïve"}},
      {"FixedString(3)", {"abc", "xyz", "q12"}},
      {"Date", {"1970-01-02", "2020-02-29", "2106-01-01"}},
      {"DateTime('UTC')", {"1970-01-01 00:00:01", "2021-03-04 05:06:07", "2105-12-31 23:59:59"}},
      {"Decimal(9, 2)", {"-21474836.47", "0.05", "12.30"}},  // 18.16 mis-prints INT32_MIN
      {"Decimal(18, 4)", {"-92233720368547.5808", "0.0001", "1.0000"}},
      {"Decimal(38, 10)",
       {"-1234567890123456789012345678.0123456789", "0.0000000001", "7.5000000000"}},
      {"Enum8('a' = 1, 'b' = -2)", {"a", "b", "a"}},
      {"Enum16('x' = -300, 'y' = 30000)", {"y", "x", "y"}},
      {"UUID",
       {"01234567-89ab-cdef-0123-456789abcdef", "00000000-0000-0000-0000-000000000000",
        "ffffffff-ffff-4fff-8fff-ffffffffffff"}},
      {"Nullable(Int32)", {"\\N", "-7", "\\N"}},
      {"Nullable(String)", {"x", "\\N", ""}},
      {"Nullable(Decimal(18, 2))", {"\\N", "-1.50", "2.00"}},
      {"LowCardinality(String)", {"red", "green", "red"}},
      {"LowCardinality(Nullable(String))", {"\\N", "blue", "\\N"}},
      {"Bool", {"true", "false", "true"}, true},
      {"Date32", {"1900-01-01", "2020-02-29", "2299-12-31"}, true},
      {"DateTime64(3, 'UTC')",
       {"2021-03-04 05:06:07.089", "1970-01-01 00:00:00.000", "2100-01-01 00:00:00.001"},
       true},
  };
}

// Every type the server supports: insert as Native, read back as Native and as TSV
// (the server's own text is the oracle for our decoder and encoder).
TEST_F(ClickHouseTest, EveryTypeRoundTrips) {
  std::vector<TypeCase> cases;
  for (auto& c : type_cases()) {
    if (!c.needs_modern || version.at_least(21, 9)) cases.push_back(c);
  }
  std::string columns = "id UInt32";
  for (size_t i = 0; i < cases.size(); ++i) {
    columns += ", c" + std::to_string(i) + " " + cases[i].type;
  }
  std::string table = make_table("types", columns);

  Block block;
  block.rows = 3;
  auto id = Column::make("id", "UInt32");
  for (int r = 0; r < 3; ++r) ASSERT_TRUE(id->append_uint(r).is_ok());
  block.columns.push_back(*id);
  for (size_t i = 0; i < cases.size(); ++i) {
    auto column = Column::make(numbered("c", i), cases[i].type);
    ASSERT_TRUE(column.is_ok()) << column.status().to_string();
    for (const auto& v : cases[i].values) {
      Status s = v == "\\N" ? column->append_null() : column->append_string(v);
      ASSERT_TRUE(s.is_ok()) << cases[i].type << ": " << s.to_string();
    }
    block.columns.push_back(std::move(column).value());
  }
  Status inserted = client.insert(table, block, lc_options);
  ASSERT_TRUE(inserted.is_ok()) << inserted.to_string();

  auto result = client.query_block("SELECT * FROM " + table + " ORDER BY id", lc_options);
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();
  ASSERT_EQ(result->rows, 3u);
  auto tsv = client.query_text("SELECT * FROM " + table + " ORDER BY id FORMAT TabSeparated");
  ASSERT_TRUE(tsv.is_ok());
  std::vector<std::vector<std::string>> server_rows;
  size_t start = 0;
  while (start < tsv->size()) {
    size_t end = tsv->find('\n', start);
    std::string line = tsv->substr(start, end - start);
    std::vector<std::string> fields;
    size_t f = 0;
    while (true) {
      size_t tab = line.find('\t', f);
      fields.push_back(line.substr(f, tab - f));
      if (tab == std::string::npos) break;
      f = tab + 1;
    }
    server_rows.push_back(fields);
    start = end + 1;
  }
  ASSERT_EQ(server_rows.size(), 3u);
  for (size_t i = 0; i < cases.size(); ++i) {
    const Column& column = result->columns[i + 1];
    // The server may normalise the type text (enum order, DateTime timezone in 18.16).
    EXPECT_EQ(column.type.kind, block.columns[i + 1].type.kind) << cases[i].type;
    for (size_t r = 0; r < 3; ++r) {
      EXPECT_EQ(column.string_at(r), cases[i].values[r]) << cases[i].type << " row " << r;
      EXPECT_EQ(server_rows[r][i + 1], cases[i].values[r]) << "server TSV " << cases[i].type;
    }
  }
}

TEST_F(ClickHouseTest, ArraysRoundTrip) {
  std::string table =
      make_table("arrays",
                 "id UInt32, ints Array(Int32), strs Array(Nullable(String)), "
                 "nested Array(Array(UInt8)), lc Array(LowCardinality(String)), tail String");
  Block block;
  block.rows = 3;
  auto id = Column::make("id", "UInt32");
  auto ints = Column::make("ints", "Array(Int32)");
  auto strs = Column::make("strs", "Array(Nullable(String))");
  auto nested = Column::make("nested", "Array(Array(UInt8))");
  auto lc = Column::make("lc", "Array(LowCardinality(String))");
  auto tail = Column::make("tail", "String");
  for (int r = 0; r < 3; ++r) {
    ASSERT_TRUE(id->append_uint(r).is_ok());
    ASSERT_TRUE(tail->append_string(numbered("t", r)).is_ok());
  }
  // Row 0: [1,2] [NULL,'a'] [[1],[]] ['x','y']; row 1: all empty; row 2: [-3] ['b'] [[2,3]] ['x'].
  for (int v : {1, 2}) ASSERT_TRUE(ints->children[0].append_int(v).is_ok());
  ASSERT_TRUE(ints->append_array_row().is_ok());
  ASSERT_TRUE(ints->append_array_row().is_ok());
  ASSERT_TRUE(ints->children[0].append_int(-3).is_ok());
  ASSERT_TRUE(ints->append_array_row().is_ok());
  ASSERT_TRUE(strs->children[0].append_null().is_ok());
  ASSERT_TRUE(strs->children[0].append_string("a").is_ok());
  ASSERT_TRUE(strs->append_array_row().is_ok());
  ASSERT_TRUE(strs->append_array_row().is_ok());
  ASSERT_TRUE(strs->children[0].append_string("b").is_ok());
  ASSERT_TRUE(strs->append_array_row().is_ok());
  Column& inner = nested->children[0];
  ASSERT_TRUE(inner.children[0].append_uint(1).is_ok());
  ASSERT_TRUE(inner.append_array_row().is_ok());
  ASSERT_TRUE(inner.append_array_row().is_ok());
  ASSERT_TRUE(nested->append_array_row().is_ok());
  ASSERT_TRUE(nested->append_array_row().is_ok());
  ASSERT_TRUE(inner.children[0].append_uint(2).is_ok());
  ASSERT_TRUE(inner.children[0].append_uint(3).is_ok());
  ASSERT_TRUE(inner.append_array_row().is_ok());
  ASSERT_TRUE(nested->append_array_row().is_ok());
  ASSERT_TRUE(lc->children[0].append_string("x").is_ok());
  ASSERT_TRUE(lc->children[0].append_string("y").is_ok());
  ASSERT_TRUE(lc->append_array_row().is_ok());
  ASSERT_TRUE(lc->append_array_row().is_ok());
  ASSERT_TRUE(lc->children[0].append_string("x").is_ok());
  ASSERT_TRUE(lc->append_array_row().is_ok());
  block.columns = {*id, *ints, *strs, *nested, *lc, *tail};
  Status inserted = client.insert(table, block, lc_options);
  ASSERT_TRUE(inserted.is_ok()) << inserted.to_string();

  auto result = client.query_block("SELECT * FROM " + table + " ORDER BY id", lc_options);
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();
  ASSERT_EQ(result->rows, 3u);
  const char* expected[3][6] = {
      {"0", "[1,2]", "[NULL,'a']", "[[1],[]]", "['x','y']", "t0"},
      {"1", "[]", "[]", "[]", "[]", "t1"},
      {"2", "[-3]", "['b']", "[[2,3]]", "['x']", "t2"},
  };
  for (size_t r = 0; r < 3; ++r) {
    for (size_t c = 0; c < 6; ++c) {
      EXPECT_EQ(result->columns[c].string_at(r), expected[r][c]) << "row " << r << " col " << c;
    }
  }
  auto tsv = client.query_text("SELECT * FROM " + table + " WHERE id = 1 FORMAT TabSeparated");
  ASSERT_TRUE(tsv.is_ok());
  EXPECT_EQ(*tsv, "1\t[]\t[]\t[]\t[]\tt1\n");
}

// Only empty arrays: the LowCardinality part has zero rows but still a dictionary group.
TEST_F(ClickHouseTest, OnlyEmptyLowCardinalityArrays) {
  std::string table =
      make_table("emptylc", "id UInt32, lc Array(LowCardinality(Nullable(String))), tail String");
  Block block;
  block.rows = 2;
  auto id = Column::make("id", "UInt32");
  auto lc = Column::make("lc", "Array(LowCardinality(Nullable(String)))");
  auto tail = Column::make("tail", "String");
  for (int r = 0; r < 2; ++r) {
    ASSERT_TRUE(id->append_uint(r).is_ok());
    ASSERT_TRUE(lc->append_array_row().is_ok());
    ASSERT_TRUE(tail->append_string("after").is_ok());
  }
  block.columns = {*id, *lc, *tail};
  Status inserted = client.insert(table, block, lc_options);
  ASSERT_TRUE(inserted.is_ok()) << inserted.to_string();
  auto result = client.query_block("SELECT * FROM " + table + " ORDER BY id", lc_options);
  ASSERT_TRUE(result.is_ok()) << result.status().to_string();
  ASSERT_EQ(result->rows, 2u);
  EXPECT_EQ(result->columns[1].string_at(1), "[]");
  EXPECT_EQ(result->columns[2].string_at(1), "after");
  auto tsv = client.query_text("SELECT * FROM " + table + " ORDER BY id FORMAT TabSeparated");
  ASSERT_TRUE(tsv.is_ok());
  EXPECT_EQ(*tsv, "0\t[]\tafter\n1\t[]\tafter\n");
}

// string_at() prints values as the server prints them in TSV (the server is the oracle).
// Known difference: 18.16 prints day 0 as 0000-00-00; string_at() says 1970-01-01.
TEST_F(ClickHouseTest, ValueTextMatchesTheServer) {
  const std::string select =
      "SELECT [toDate('2020-01-01')] AS d, [CAST('a' AS Enum8('a' = 1))] AS e, "
      "[1.5, 1e300] AS f, [toDecimal32(1.5, 2)] AS dec, "
      "[toDateTime('2020-01-01 00:00:00', 'UTC')] AS dt, "
      "[toUUID('01234567-89ab-cdef-0123-456789abcdef')] AS u, [NULL, 1] AS n, "
      "['x', NULL] AS ns, [toFixedString('ab', 2)] AS fs, [[1, 2], []] AS aa, "
      "['it''s'] AS q, toFloat32(0.1) AS f32, toFloat64(1e20) AS big, 1e21 AS bigger, "
      "1e-7 AS tiny, 0.000001 AS small, -0.0 AS negzero, toFloat32(1) / 3 AS third, "
      "toDecimal64(-0.05, 4) AS negdec, toDate('1970-01-02') AS day2, "
      "toDateTime('2038-01-19 03:14:08', 'UTC') AS y2038";
  auto block = client.query_block(select);
  ASSERT_TRUE(block.is_ok()) << block.status().to_string();
  auto tsv = client.query_text(select + " FORMAT TabSeparated");
  ASSERT_TRUE(tsv.is_ok());
  std::string ours;
  for (size_t c = 0; c < block->columns.size(); ++c) {
    if (c) ours += '\t';
    ours += block->columns[c].string_at(0);
  }
  EXPECT_EQ(ours + "\n", *tsv);
}

TEST_F(ClickHouseTest, ManyBlocksAndSettings) {
  QueryOptions options;
  options.settings["max_block_size"] = "1000";
  auto blocks =
      client.query("SELECT number, toString(number) AS s FROM system.numbers LIMIT 5500", options);
  ASSERT_TRUE(blocks.is_ok()) << blocks.status().to_string();
  EXPECT_GE(blocks->size(), 6u);
  auto block = client.query_block(
      "SELECT number, toString(number) AS s FROM system.numbers LIMIT 5500", options);
  ASSERT_TRUE(block.is_ok());
  ASSERT_EQ(block->rows, 5500u);
  uint64_t sum = 0;
  for (size_t r = 0; r < block->rows; ++r) sum += block->columns[0].uints[r];
  EXPECT_EQ(sum, 5499u * 5500u / 2);
  EXPECT_EQ(block->columns[1].string_at(5499), "5499");
}

TEST_F(ClickHouseTest, TrailingCommentAndSemicolon) {
  auto block = client.query_block("SELECT toUInt8(7) AS x -- a trailing comment\n;");
  ASSERT_TRUE(block.is_ok()) << block.status().to_string();
  ASSERT_EQ(block->rows, 1u);
  EXPECT_EQ(block->columns[0].name, "x");
  EXPECT_EQ(block->columns[0].int_at(0), 7);
}

TEST_F(ClickHouseTest, UnknownTableIsRemoteError60) {
  auto r = client.query("SELECT * FROM h1_no_such_table_x");
  ASSERT_FALSE(r.is_ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kRemote);
  EXPECT_EQ(r.status().message().rfind("ClickHouse error 60: ", 0), 0u) << r.status().message();
  EXPECT_NE(r.status().message().find("h1_no_such_table_x"), std::string::npos);
}

TEST_F(ClickHouseTest, BadSqlIsRemoteError) {
  Status s = client.execute("SELEKT 1");
  EXPECT_EQ(s.code(), ErrorCode::kRemote);
  EXPECT_EQ(s.message().rfind("ClickHouse error 62: ", 0), 0u) << s.message();
}

TEST_F(ClickHouseTest, WrongPasswordIsAuthenticationError) {
  ConnectionConfig config = test_config();
  config.user = "admin";
  config.password = "definitely-wrong";
  Client bad(config);
  auto r = bad.query("SELECT 1");
  EXPECT_EQ(r.status().code(), ErrorCode::kAuthentication) << r.status().to_string();
  EXPECT_EQ(r.status().message().find("definitely-wrong"), std::string::npos);
}

TEST_F(ClickHouseTest, RefusedConnectionNamesTheEndpoint) {
  boost::asio::io_context ioc;
  boost::asio::ip::tcp::acceptor acceptor(
      ioc, boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), 0));
  const auto port = acceptor.local_endpoint().port();
  acceptor.close();  // now nothing listens there
  ConnectionConfig config = test_config();
  config.port = port;
  Client refused(config);
  auto r = refused.query("SELECT 1");
  EXPECT_EQ(r.status().code(), ErrorCode::kConnection) << r.status().to_string();
  EXPECT_NE(r.status().message().find("127.0.0.1:" + std::to_string(port)), std::string::npos)
      << r.status().message();
}

TEST_F(ClickHouseTest, TimeoutThenTheClientStillWorks) {
  QueryOptions options;
  options.timeout = std::chrono::milliseconds(1000);
  auto r = client.query("SELECT sleep(3)", options);
  EXPECT_EQ(r.status().code(), ErrorCode::kTimeout) << r.status().to_string();
  auto after = client.query_text("SELECT 42");
  ASSERT_TRUE(after.is_ok()) << after.status().to_string();
  EXPECT_EQ(*after, "42\n");
}

// A client-side timeout also kills the query on the server (no runaway queries).
TEST_F(ClickHouseTest, TimedOutQueryIsKilledOnTheServer) {
  QueryOptions options;
  options.query_id = "h1-timeout-" + generate_query_id();
  options.timeout = std::chrono::milliseconds(1000);
  auto r = client.query("SELECT count() FROM system.numbers", options);  // endless
  ASSERT_EQ(r.status().code(), ErrorCode::kTimeout) << r.status().to_string();
  bool gone = false;
  for (int i = 0; i < 100 && !gone; ++i) {
    auto n = client.query_text("SELECT count() FROM system.processes WHERE query_id = '" +
                               options.query_id + "'");
    ASSERT_TRUE(n.is_ok()) << n.status().to_string();
    gone = *n == "0\n";
    if (!gone) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_TRUE(gone) << "query " << options.query_id << " still runs on the server";
}

TEST_F(ClickHouseTest, CancelStopsARunningQuery) {
  const std::string query_id = "h1-cancel-" + generate_query_id();
  auto running = std::async(std::launch::async, [&] {
    Client own(test_config());
    QueryOptions options;
    options.query_id = query_id;
    return own.query("SELECT count() FROM system.numbers", options).status();
  });
  // Wait until the server lists the query, then kill it.
  bool seen = false;
  for (int i = 0; i < 100 && !seen; ++i) {
    auto n = client.query_text("SELECT count() FROM system.processes WHERE query_id = '" +
                               query_id + "'");
    seen = n.is_ok() && *n == "1\n";
    if (!seen) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_TRUE(seen) << "the query never showed up in system.processes";
  ASSERT_TRUE(client.cancel(query_id).is_ok());
  Status s = running.get();
  EXPECT_FALSE(s.is_ok());
  EXPECT_EQ(s.code(), ErrorCode::kCancelled) << s.to_string();
}

}  // namespace
}  // namespace chview::clickhouse
