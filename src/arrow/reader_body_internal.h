// Internal: reads the body of one RecordBatch / DictionaryBatch message — its field
// nodes and buffers, bounds-checked against the body and decompressed when the batch
// says so — and appends a column's rows to a DecodedColumn.
#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>

#include "arrow/ipc_reader.h"
#include "arrow/reader_metadata_internal.h"
#include "base/status.h"

namespace chview::arrow::detail {

class BodyReader {
 public:
  // `decompressed_budget` is shared by every batch of a stream and shrinks as buffers
  // are decompressed.
  BodyReader(std::string_view body, const BatchInfo& batch, size_t& decompressed_budget)
      : body_(body), batch_(batch), budget_(decompressed_budget) {}

  Result<NodeInfo> next_node();
  // The next buffer's (uncompressed) bytes; valid while this reader lives.
  Result<std::string_view> next_buffer();

 private:
  Result<std::string_view> decompress(std::string_view compressed);

  std::string_view body_;
  const BatchInfo& batch_;
  size_t& budget_;
  size_t next_node_ = 0;
  size_t next_buffer_ = 0;
  std::deque<std::string> decompressed_;  // deque: views into it stay valid
};

// Reads one column of `length` rows (its node and buffers) and appends it to `out`.
// A dictionary-encoded field appends its raw indices to `out.indices` (the caller maps
// them); every other field appends values of field.type.
Status append_column(const FieldInfo& field, size_t length, BodyReader& body, DecodedColumn& out);

}  // namespace chview::arrow::detail
