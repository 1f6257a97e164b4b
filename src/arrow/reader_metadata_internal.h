// Internal: verifies and decodes the flatbuffer `Message` of one Arrow IPC message
// (format/Message.fbs, format/Schema.fbs) into plain structs, with flatbuffers' generic
// Verifier and Table API, so later stages never touch unverified flatbuffer memory.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "arrow/ipc_reader.h"
#include "base/status.h"

namespace chview::arrow::detail {

struct FieldInfo {
  std::string name;
  InputType type = InputType::kNull;
  TimeUnit time_unit = TimeUnit::kMillisecond;
  std::string timezone;
  int32_t decimal_precision = 0;
  int32_t decimal_scale = 0;
  // Dictionary-encoded: the dictionary id and its index type.
  bool dictionary = false;
  int64_t dictionary_id = 0;
  int32_t index_bit_width = 32;
  bool index_signed = true;
};

struct NodeInfo {
  int64_t length;
  int64_t null_count;
};
struct BufferInfo {
  int64_t offset;
  int64_t length;
};

enum class Codec : uint8_t { kNone, kLz4Frame, kZstd };

struct BatchInfo {
  int64_t length = 0;
  std::vector<NodeInfo> nodes;
  std::vector<BufferInfo> buffers;
  Codec codec = Codec::kNone;
};

struct MessageInfo {
  enum class Kind { kSchema, kDictionaryBatch, kRecordBatch };
  Kind kind = Kind::kSchema;
  int64_t body_length = 0;
  std::vector<FieldInfo> fields;  // kSchema
  BatchInfo batch;                // kRecordBatch, kDictionaryBatch (its data)
  int64_t dictionary_id = 0;      // kDictionaryBatch
  bool is_delta = false;          // kDictionaryBatch
};

// `metadata` must be 8-byte aligned (flatbuffer scalars are read in place).
Result<MessageInfo> parse_message(std::span<const uint8_t> metadata);

}  // namespace chview::arrow::detail
