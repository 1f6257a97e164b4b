// Writes the Arrow IPC stream fixtures that arrow_ipc.test.mjs reads back with apache-arrow
// and Perspective. Usage: arrow_fixture_writer <output-dir>. The expected values live in
// the test script, written out independently: keep both in step.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <vector>

#include "arrow/ipc_writer.h"

namespace {

using chview::arrow::ArrowColumn;
using chview::arrow::ArrowColumnBuilder;
using chview::arrow::ArrowType;
using chview::arrow::Compression;

// Five rows of every type; every column but "n" has a null.
std::vector<ArrowColumn> all_types() {
  std::vector<ArrowColumn> columns;
  ArrowColumnBuilder i32("i32", ArrowType::kInt32);
  i32.append_int32(1);
  i32.append_int32(-2);
  i32.append_null();
  i32.append_int32(std::numeric_limits<int32_t>::max());
  i32.append_int32(std::numeric_limits<int32_t>::min());
  columns.push_back(std::move(i32).finish());

  ArrowColumnBuilder i64("i64", ArrowType::kInt64);
  i64.append_int64(1);
  i64.append_null();
  i64.append_int64(-9007199254740993);  // beyond a double's exact range
  i64.append_int64(std::numeric_limits<int64_t>::max());
  i64.append_int64(0);
  columns.push_back(std::move(i64).finish());

  // Raw description instead of the builder: validity given per row.
  ArrowColumn u32("u32", ArrowType::kUInt32);
  u32.uint32s = {0, 4294967295u, 12345 /* ignored: null */, 7, 1};
  u32.validity = {1, 1, 0, 1, 1};
  columns.push_back(std::move(u32));

  ArrowColumnBuilder f64("f64", ArrowType::kFloat64);
  f64.append_float64(1.5);
  f64.append_null();
  f64.append_float64(-0.25);
  f64.append_float64(1e300);
  f64.append_float64(3.25);
  columns.push_back(std::move(f64).finish());

  ArrowColumnBuilder b("b", ArrowType::kBool);
  b.append_bool(true);
  b.append_bool(false);
  b.append_null();
  b.append_bool(true);
  b.append_bool(false);
  columns.push_back(std::move(b).finish());

  ArrowColumnBuilder d32("d32", ArrowType::kDate32);
  d32.append_int32(0);
  d32.append_int32(19000);  // 2022-01-08
  d32.append_null();
  d32.append_int32(-1);
  d32.append_int32(20000);  // 2024-10-04
  columns.push_back(std::move(d32).finish());

  ArrowColumnBuilder ts("ts", ArrowType::kTimestampMs);
  ts.append_int64(0);
  ts.append_int64(1700000000123);
  ts.append_null();
  ts.append_int64(-1000);
  ts.append_int64(253402300799000);  // 9999-12-31T23:59:59Z
  columns.push_back(std::move(ts).finish());

  ArrowColumnBuilder s("s", ArrowType::kUtf8);
  s.append_string("a");
  s.append_string("");
  s.append_null();
  s.append_string("h\xC3\xA9llo \xE2\x9C\x93");  // "héllo ✓"
  s.append_string("a somewhat longer string value");
  columns.push_back(std::move(s).finish());

  ArrowColumnBuilder dict("dict", ArrowType::kDictionary);
  dict.append_string("x");
  dict.append_string("y");
  dict.append_null();
  dict.append_string("x");
  dict.append_string("z");
  columns.push_back(std::move(dict).finish());

  ArrowColumn n("n", ArrowType::kInt32);
  n.int32s = {10, 20, 30, 40, 50};
  columns.push_back(std::move(n));
  return columns;
}

std::vector<ArrowColumn> empty_rows() {
  std::vector<ArrowColumn> columns;
  const std::pair<const char*, ArrowType> types[] = {
      {"i32", ArrowType::kInt32},      {"i64", ArrowType::kInt64},
      {"u32", ArrowType::kUInt32},     {"f64", ArrowType::kFloat64},
      {"b", ArrowType::kBool},         {"d32", ArrowType::kDate32},
      {"ts", ArrowType::kTimestampMs}, {"s", ArrowType::kUtf8},
      {"dict", ArrowType::kDictionary}};
  for (const auto& [name, type] : types) columns.push_back(ArrowColumnBuilder(name, type).finish());
  return columns;
}

// Two dictionary columns (ids 0 and 1); the second is all null with an empty dictionary.
std::vector<ArrowColumn> two_dictionaries() {
  std::vector<ArrowColumn> columns;
  ArrowColumnBuilder k("k", ArrowType::kDictionary);
  ArrowColumnBuilder v("v", ArrowType::kInt32);
  ArrowColumnBuilder none("none", ArrowType::kDictionary);
  const char* keys[] = {"b", "a", "b", "c", "a"};
  for (int i = 0; i < 5; ++i) {
    k.append_string(keys[i]);
    v.append_int32(i);
    none.append_null();
  }
  columns.push_back(std::move(k).finish());
  columns.push_back(std::move(v).finish());
  columns.push_back(std::move(none).finish());
  return columns;
}

// 1000 rows following formulas the test recomputes (bitmaps across many bytes).
std::vector<ArrowColumn> many_rows() {
  ArrowColumnBuilder i32("i32", ArrowType::kInt32);
  ArrowColumnBuilder f64("f64", ArrowType::kFloat64);
  ArrowColumnBuilder b("b", ArrowType::kBool);
  ArrowColumnBuilder s("s", ArrowType::kDictionary);
  for (int i = 0; i < 1000; ++i) {
    if (i % 3 == 0) {
      i32.append_null();
    } else {
      i32.append_int32(i * 7 - 300);
    }
    f64.append_float64(i / 4.0);
    if (i % 5 == 0) {
      b.append_null();
    } else {
      b.append_bool(i % 2 == 0);
    }
    s.append_string("k" + std::to_string(i % 17));
  }
  std::vector<ArrowColumn> columns;
  columns.push_back(std::move(i32).finish());
  columns.push_back(std::move(f64).finish());
  columns.push_back(std::move(b).finish());
  columns.push_back(std::move(s).finish());
  return columns;
}

bool write(const std::filesystem::path& dir, const std::string& name,
           const std::vector<ArrowColumn>& columns, size_t rows, Compression compression) {
  auto bytes = chview::arrow::write_ipc_stream(columns, rows, compression);
  if (!bytes.is_ok()) {
    std::cerr << name << ": " << bytes.status().to_string() << "\n";
    return false;
  }
  std::ofstream out(dir / (name + ".arrow"), std::ios::binary);
  out << *bytes;
  return static_cast<bool>(out);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: arrow_fixture_writer <output-dir>\n";
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  bool ok = true;
  ok &= write(dir, "all_types", all_types(), 5, Compression::kNone);
  ok &= write(dir, "all_types_lz4", all_types(), 5, Compression::kLz4Frame);
  ok &= write(dir, "all_types_zstd", all_types(), 5, Compression::kZstd);
  ok &= write(dir, "empty_rows", empty_rows(), 0, Compression::kNone);
  ok &= write(dir, "empty_rows_lz4", empty_rows(), 0, Compression::kLz4Frame);
  ok &= write(dir, "empty_table", {}, 0, Compression::kNone);
  ok &= write(dir, "two_dictionaries", two_dictionaries(), 5, Compression::kNone);
  ok &= write(dir, "many_rows", many_rows(), 1000, Compression::kNone);
  ok &= write(dir, "many_rows_lz4", many_rows(), 1000, Compression::kLz4Frame);
  ok &= write(dir, "many_rows_zstd", many_rows(), 1000, Compression::kZstd);
  return ok ? 0 : 1;
}
