// A standalone Arrow IPC *stream* reader (there is no Arrow C++ in Debian), for tables
// that clients send (Perspective's `from_arrow`). Reads what apache-arrow JS
// `tableToIPC` and Perspective's own `to_arrow` write: Schema, DictionaryBatch (also
// deltas and replacements), any number of RecordBatches, continuation-marker or legacy
// framing, an optional end-of-stream marker, LZ4_FRAME/ZSTD body compression, and the
// Arrow *file* format (its embedded stream). The input is untrusted: every offset and
// length is checked and every failure is a Status; nothing it reads can crash it.
// Output is a neutral decoded form (depends on base/ only); protocol/ maps it to
// Perspective's types. Thread-safety: a pure function over value types.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace chview::arrow {

// The Arrow type of a decoded column (a dictionary column: its value type).
enum class InputType : uint8_t {
  kNull,  // every row null, no values
  kBool,
  kInt8,
  kInt16,
  kInt32,
  kInt64,
  kUInt8,
  kUInt16,
  kUInt32,
  kUInt64,
  kFloat32,
  kFloat64,
  kDecimal128,  // decoded to doubles, scale applied
  kUtf8,
  kLargeUtf8,
  kBinary,
  kLargeBinary,
  kDate32,     // days since 1970-01-01
  kDate64,     // milliseconds since the epoch
  kTimestamp,  // raw int64 in `time_unit`, optional `timezone`
  kTime32,     // raw int32 in `time_unit` (seconds or milliseconds)
  kTime64,     // raw int64 in `time_unit` (microseconds or nanoseconds)
};

enum class TimeUnit : uint8_t { kSecond, kMillisecond, kMicrosecond, kNanosecond };

// Arrow C++'s DataType::name() for the type ("int32", "double", "utf8", "timestamp"…).
const char* input_type_name(InputType type);

// Strings as one byte block plus offsets (entry i is data[offsets[i], offsets[i+1])).
class StringValues {
 public:
  size_t size() const { return offsets_.size() - 1; }
  std::string_view at(size_t i) const {
    return std::string_view(data_).substr(offsets_[i], offsets_[i + 1] - offsets_[i]);
  }
  void append(std::string_view s) {
    data_.append(s);
    offsets_.push_back(data_.size());
  }
  size_t byte_size() const { return data_.size(); }

 private:
  std::string data_;
  std::vector<size_t> offsets_{0};
};

struct DecodedColumn {
  std::string name;  // as sent; names may repeat
  InputType type = InputType::kNull;
  bool dictionary_encoded = false;              // strings are `strings[indices[row]]`
  TimeUnit time_unit = TimeUnit::kMillisecond;  // kTimestamp, kTime32, kTime64
  std::string timezone;                         // kTimestamp; empty = naive
  int32_t decimal_precision = 0;                // kDecimal128
  int32_t decimal_scale = 0;                    // kDecimal128
  size_t num_rows = 0;

  // Empty when no row is null (kNull: every row is null regardless); otherwise one entry
  // per row, 0 = null. The value vector of the type holds num_rows entries (null rows:
  // unspecified values), except kNull, which has none.
  std::vector<uint8_t> validity;
  std::vector<int64_t> ints;      // Int8–64, UInt8–32, Date32/64, Timestamp, Time32/64
  std::vector<uint64_t> uint64s;  // kUInt64
  std::vector<double> floats;     // kFloat32, kFloat64, kDecimal128
  std::vector<uint8_t> bools;     // kBool: 0 or 1
  StringValues strings;           // string types: one per row, or the dictionary
  std::vector<int64_t> indices;   // dictionary_encoded: per row (null rows: -1)

  bool is_valid(size_t row) const {
    return type != InputType::kNull && (validity.empty() || validity[row] != 0);
  }
  bool is_string() const {
    return type == InputType::kUtf8 || type == InputType::kLargeUtf8 ||
           type == InputType::kBinary || type == InputType::kLargeBinary;
  }
  // String types: the row's bytes ("" for a null row).
  std::string_view string_at(size_t row) const;
};

// Every record batch of the stream, concatenated. Columns in schema order.
struct DecodedTable {
  std::vector<DecodedColumn> columns;
  size_t num_rows = 0;
  size_t num_batches = 0;
};

struct ReadOptions {
  // Bounds what a small hostile input can make us allocate.
  size_t max_rows = size_t{1} << 26;
  size_t max_decompressed_bytes = size_t{1} << 30;  // over the whole stream
};

// Decodes an Arrow IPC stream (or file). Errors: kParse for malformed bytes (with the
// byte offset where it went wrong), kUnsupported for valid Arrow this reader does not
// decode (nested, view and interval types, half floats, big-endian data, …), kInvalidArgument
// when a limit of `options` is exceeded.
Result<DecodedTable> read_ipc_stream(std::string_view bytes, const ReadOptions& options = {});

}  // namespace chview::arrow
