// csv_to_batch (the fast CSV path) against the generic path (parse_table_data +
// infer_schema + to_batch): the same schemas, cells, presence and errors.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "protocol/table_input.h"

namespace chview::protocol {
namespace {

using columnar::ColumnType;
using columnar::Value;
using detail::csv_to_batch;
namespace proto = ::perspective::proto;

Result<detail::RawColumns> old_parse(const std::string& csv) {
  proto::MakeTableData data;
  data.set_from_csv(csv);
  return detail::parse_table_data(data);
}

// Fails the test unless both batches hold the same schema, cells and presence.
void expect_same_batch(const columnar::Batch& expected, const columnar::Batch& actual,
                       const std::string& csv) {
  SCOPED_TRACE("CSV:\n" + csv);
  ASSERT_EQ(expected.schema(), actual.schema());
  ASSERT_EQ(expected.num_rows(), actual.num_rows());
  for (size_t c = 0; c < expected.num_columns(); ++c) {
    const columnar::Column& e = expected.column(c);
    const columnar::Column& a = actual.column(c);
    ASSERT_EQ(e.type(), a.type());
    for (size_t r = 0; r < expected.num_rows(); ++r) {
      ASSERT_EQ(e.value_at(r), a.value_at(r))
          << "column " << c << " row " << r << ": " << e.value_at(r).debug_string() << " vs "
          << a.value_at(r).debug_string();
      ASSERT_EQ(e.is_null(r), a.is_null(r));
      ASSERT_EQ(expected.is_present(c, r), actual.is_present(c, r)) << c << "/" << r;
    }
  }
}

// New table: the old path's schema and batch, or its error text.
void expect_same_new_table(const std::string& csv) {
  auto fast = csv_to_batch(csv, nullptr);
  auto raw = old_parse(csv);
  if (!raw.is_ok()) {
    ASSERT_FALSE(fast.is_ok()) << csv;
    EXPECT_EQ(raw.status().message(), fast.status().message());
    return;
  }
  ASSERT_TRUE(fast.is_ok()) << fast.status().message() << "\n" << csv;
  columnar::Schema schema = detail::infer_schema(*raw);
  auto slow = detail::to_batch(*raw, schema);
  ASSERT_TRUE(slow.is_ok());
  expect_same_batch(*slow, *fast, csv);
}

void expect_same_update(const std::string& csv, const columnar::Schema& schema) {
  auto fast = csv_to_batch(csv, &schema);
  auto raw = old_parse(csv);
  if (!raw.is_ok()) {
    ASSERT_FALSE(fast.is_ok()) << csv;
    EXPECT_EQ(raw.status().message(), fast.status().message());
    return;
  }
  auto slow = detail::to_batch(*raw, schema);
  ASSERT_TRUE(slow.is_ok());
  ASSERT_TRUE(fast.is_ok()) << fast.status().message();
  expect_same_batch(*slow, *fast, csv);
}

TEST(CsvToBatch, TypesColumnsLikeInferSchema) {
  auto batch = csv_to_batch(
      "i,f,b,d,dt,s,n\r\n"
      "1,1.5,true,2024-01-02,2024-01-02 03:04:05,x,\r\n"
      "-2,3,false,2024-12-31,2024-01-03T00:00:00Z,\"a,\"\"b\"\"\",\r\n",
      nullptr);
  ASSERT_TRUE(batch.is_ok()) << batch.status().message();
  EXPECT_EQ(batch->schema(), columnar::Schema({{"i", ColumnType::kInteger},
                                               {"f", ColumnType::kFloat},
                                               {"b", ColumnType::kBoolean},
                                               {"d", ColumnType::kDate},
                                               {"dt", ColumnType::kDatetime},
                                               {"s", ColumnType::kString},
                                               {"n", ColumnType::kString}}));
  ASSERT_EQ(batch->num_rows(), 2u);
  EXPECT_EQ(batch->column(0).value_at(1), Value(int64_t{-2}));
  EXPECT_EQ(batch->column(1).value_at(1), Value(3.0));
  EXPECT_EQ(batch->column(2).value_at(0), Value(true));
  EXPECT_EQ(batch->column(5).value_at(1), Value("a,\"b\""));
  EXPECT_TRUE(batch->column(6).is_null(0));
  expect_same_new_table("i,f\n1,2\n");
}

TEST(CsvToBatch, ErrorsLikeTheGenericPath) {
  auto unterminated = csv_to_batch("a,b\n1,\"2\n", nullptr);
  ASSERT_FALSE(unterminated.is_ok());
  EXPECT_EQ(unterminated.status().message(), "chview: unterminated quoted CSV field");
  auto empty = csv_to_batch("\r\n\n", nullptr);
  ASSERT_FALSE(empty.is_ok());
  EXPECT_EQ(empty.status().message(), "chview: CSV input has no header line");
  auto duplicate = csv_to_batch("a,b,a\n1,2,3\n", nullptr);
  ASSERT_FALSE(duplicate.is_ok());
  EXPECT_EQ(duplicate.status().message(), "chview: duplicate column names");
  // An update takes the first of repeated names, as to_batch does.
  expect_same_update("a,b,a\n1,2,3\n", columnar::Schema({{"a", ColumnType::kInteger}}));
}

TEST(CsvToBatch, QuotesAndLineEndingsLikeTheGenericPath) {
  for (const char* csv : {
           "a,b\n\"x\"\"y\",\"\"\n",         // escaped quote; empty quoted is "" not null
           "a,b\n\"multi\nline\",2\r\n",     // newline inside quotes
           "a,b\nab\"c,\"q\"tail\n",         // literal quote mid-field; text after quotes
           "a,b\r\n1\r,2\r\n\r\n3,4",        // stray \r dropped, blank line, no final EOL
           "a,b\n1,2,3,4\n5\n",              // long and short records
           "\"\",b\n,\n\"\",\n",             // empty header name; row of nulls kept
           "a\n\"\"\"\"\n\"a\"\"\"\"b\"\n",  // only quotes
           "a,b\n\"c\r\nd\",\"e\"\"\"\r\n",  // \r kept inside quotes
       }) {
    expect_same_new_table(csv);
  }
}

// Random CSV from a pool of cells that exercises every inferred type, the fallbacks
// of each typed parse, quoting, nulls and line endings.
std::string random_csv(std::mt19937& rng, const std::vector<std::string>& names) {
  static const std::vector<std::vector<std::string>> kPools = {
      {"1", "-7", "0", "123456789012", "007"},
      {"1.5", "-0.25", "3", "1e3", "2.5E-3", "inf", "nan"},
      {"true", "false"},
      {"2024-01-02", "1999-12-31", "2024-02-29"},
      {"2024-01-02 03:04:05", "2024-01-02T03:04:05.123Z", "2024-01-02 00:00:00"},
      {"abc", "a,b", "say \"hi\"", "line\nbreak", "x\r\ny", " 12", "+5", "12 ", "TRUE", "1.5x", "",
       " 2024-01-02", "2024-01-02 ", "99999999999999999999", "1e400"},
  };
  std::uniform_int_distribution<int> pct(0, 99);
  const std::string eol = pct(rng) < 50 ? "\r\n" : "\n";
  auto cell_text = [&](int pool) -> std::string {
    if (pct(rng) < 8) return "";  // null
    const auto& choices = kPools[pool];
    return choices[std::uniform_int_distribution<size_t>(0, choices.size() - 1)(rng)];
  };
  auto write_cell = [&](std::string& out, const std::string& text) {
    const bool needs_quotes = text.find_first_of(",\"\r\n") != std::string::npos;
    if (!needs_quotes && !(text.empty() && pct(rng) < 30) && pct(rng) < 85) {
      out += text;
      return;
    }
    out += '"';
    for (char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
    out += '"';
  };
  std::string csv;
  for (size_t c = 0; c < names.size(); ++c) {
    if (c > 0) csv += ',';
    write_cell(csv, names[c]);
  }
  csv += eol;
  // Each column mostly draws from one pool, sometimes from another (mixed types).
  std::vector<int> pools;
  for (size_t c = 0; c < names.size(); ++c) pools.push_back(pct(rng) % 6);
  const int rows = pct(rng) % 12;
  for (int r = 0; r < rows; ++r) {
    if (pct(rng) < 5) csv += eol;  // blank line
    size_t width = names.size();
    if (pct(rng) < 5) width = width > 0 ? width - 1 : 0;
    if (pct(rng) < 5) width += 1;
    for (size_t c = 0; c < width; ++c) {
      if (c > 0) csv += ',';
      int pool = c < pools.size() ? pools[c] : 5;
      if (pct(rng) < 4) pool = pct(rng) % 6;
      write_cell(csv, cell_text(pool));
    }
    if (r + 1 < rows || pct(rng) < 80) csv += eol;
  }
  return csv;
}

TEST(CsvToBatch, RandomInputsMatchTheGenericPathForNewTables) {
  std::mt19937 rng(20261124);
  const std::vector<std::string> all_names = {"a", "b", "c d", "e,f", "g\"h", "i"};
  for (int iteration = 0; iteration < 3000; ++iteration) {
    const size_t width = 1 + iteration % all_names.size();
    std::vector<std::string> names(all_names.begin(), all_names.begin() + width);
    expect_same_new_table(random_csv(rng, names));
    if (HasFatalFailure()) return;
  }
}

TEST(CsvToBatch, RandomInputsMatchTheGenericPathForUpdates) {
  std::mt19937 rng(7);
  const std::vector<std::string> all_names = {"a", "b", "c", "d", "e", "f"};
  const ColumnType types[] = {ColumnType::kInteger, ColumnType::kFloat,    ColumnType::kBoolean,
                              ColumnType::kDate,    ColumnType::kDatetime, ColumnType::kString};
  for (int iteration = 0; iteration < 3000; ++iteration) {
    // The CSV has columns a.. and the table columns of every type, some not in the CSV.
    const size_t width = 1 + iteration % all_names.size();
    std::vector<std::string> names(all_names.begin(), all_names.begin() + width);
    std::vector<columnar::Field> fields;
    for (size_t c = 0; c < all_names.size(); ++c) {
      fields.push_back({all_names[(c + iteration) % all_names.size()], types[(c + rng()) % 6]});
    }
    expect_same_update(random_csv(rng, names), columnar::Schema(std::move(fields)));
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace chview::protocol
