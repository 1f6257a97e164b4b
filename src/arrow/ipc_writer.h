// A standalone Arrow IPC *stream* writer (there is no Arrow C++ in Debian). Its input is
// its own small column description, so it depends on base/ only; protocol/ adapts engine
// slices to it. Output: Schema message, one DictionaryBatch per dictionary column (ids
// 0, 1, … in column order), exactly one RecordBatch, end-of-stream marker — the shape
// Perspective's `to_arrow` and `on_update` deltas carry. Every field is nullable; no
// schema metadata. Thread-safety: pure functions and value types, no shared state.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/status.h"

namespace chview::arrow {

enum class ArrowType {
  kInt32,
  kInt64,
  kUInt32,
  kFloat64,
  kBool,
  kDate32,       // days since 1970-01-01 (int32)
  kTimestampMs,  // milliseconds since the epoch (int64), no time zone
  kUtf8,         // plain strings, one per row
  kDictionary,   // Dictionary<Int32, Utf8>: int32 indices into `strings`
};

// Body compression, per buffer, with the int64 uncompressed-length prefix.
enum class Compression { kNone, kLz4Frame, kZstd };

// One column, owned by value. Only the vector that matches `type` is used and it must hold
// exactly num_rows entries (for kDictionary: `int32s` are the indices, `strings` the
// dictionary entries, any length). The values of null rows are ignored (written as zero).
struct ArrowColumn {
  ArrowColumn() = default;
  ArrowColumn(std::string name, ArrowType type) : name(std::move(name)), type(type) {}

  std::string name;
  ArrowType type = ArrowType::kInt32;
  std::vector<int32_t> int32s;       // kInt32, kDate32, kDictionary (indices)
  std::vector<int64_t> int64s;       // kInt64, kTimestampMs
  std::vector<uint32_t> uint32s;     // kUInt32
  std::vector<double> float64s;      // kFloat64
  std::vector<uint8_t> bools;        // kBool: 0 = false, anything else = true
  std::vector<std::string> strings;  // kUtf8: one per row; kDictionary: the dictionary
  // Empty = no nulls; otherwise one entry per row, 0 = null.
  std::vector<uint8_t> validity;
};

// Builds an ArrowColumn row by row. Appending a value of the wrong kind for the column's
// type is a bug (asserted). For kDictionary, append_string interns the value: dictionary
// entries appear in first-appearance order.
class ArrowColumnBuilder {
 public:
  ArrowColumnBuilder(std::string name, ArrowType type);

  void append_null();
  void append_int32(int32_t value);            // kInt32, kDate32
  void append_int64(int64_t value);            // kInt64, kTimestampMs
  void append_uint32(uint32_t value);          // kUInt32
  void append_float64(double value);           // kFloat64
  void append_bool(bool value);                // kBool
  void append_string(std::string_view value);  // kUtf8, kDictionary

  size_t size() const { return size_; }
  ArrowColumn finish() &&;

 private:
  void append_validity(bool valid);

  ArrowColumn column_;
  size_t size_ = 0;
  size_t null_count_ = 0;
  std::unordered_map<std::string, int32_t> dictionary_index_;
};

// The bytes of an Arrow IPC stream holding `columns` as one record batch of `num_rows`
// rows. Fails with kInvalidArgument when a column's vectors do not match num_rows or its
// type, or a dictionary index of a non-null row is out of range; kUnsupported when a
// column's string data exceeds 2 GiB (Utf8 has int32 offsets).
Result<std::string> write_ipc_stream(std::span<const ArrowColumn> columns, size_t num_rows,
                                     Compression compression = Compression::kNone);

}  // namespace chview::arrow
