// Internal: the body of one RecordBatch / DictionaryBatch message — Arrow's field nodes and
// buffer regions plus the body bytes (every buffer 8-byte aligned, optionally compressed).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "arrow/ipc_writer.h"
#include "base/status.h"

namespace chview::arrow::detail {

// Mirror the flatbuffer structs org.apache.arrow.flatbuf.FieldNode / Buffer (16 bytes,
// 8-aligned, little-endian) so they can be copied into the metadata as they are.
struct alignas(8) FieldNode {
  int64_t length;
  int64_t null_count;
};
struct alignas(8) BufferRegion {
  int64_t offset;
  int64_t length;
};
static_assert(sizeof(FieldNode) == 16 && sizeof(BufferRegion) == 16);

class BodyBuilder {
 public:
  explicit BodyBuilder(Compression compression) : compression_(compression) {}

  // Appends one buffer. An empty buffer takes no bytes and is never compressed (as Arrow
  // C++ does); others are compressed with the int64 uncompressed-length prefix.
  Status add_buffer(std::string_view bytes);
  void add_node(int64_t length, int64_t null_count) { nodes_.push_back({length, null_count}); }

  Compression compression() const { return compression_; }
  const std::vector<FieldNode>& nodes() const { return nodes_; }
  const std::vector<BufferRegion>& buffers() const { return buffers_; }
  const std::string& body() const { return body_; }  // size is a multiple of 8

 private:
  Compression compression_;
  std::vector<FieldNode> nodes_;
  std::vector<BufferRegion> buffers_;
  std::string body_;
};

// Appends the node and buffers of an already validated column of num_rows rows (for a
// dictionary column: validity + indices; its strings go into the DictionaryBatch).
Status append_column(const ArrowColumn& column, size_t num_rows, BodyBuilder& body);

// Appends a non-null Utf8 column holding `values` (a dictionary's entries).
Status append_utf8_values(const std::vector<std::string>& values, BodyBuilder& body);

// `bytes` compressed with `compression` (not kNone), prefixed by its uncompressed length
// as a little-endian int64.
Result<std::string> compress_buffer(Compression compression, std::string_view bytes);

}  // namespace chview::arrow::detail
