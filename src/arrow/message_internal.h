// Internal: the flatbuffer `Message` metadata of Arrow's IPC format (format/Message.fbs,
// format/Schema.fbs), written with flatbuffers::FlatBufferBuilder directly.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "arrow/body_internal.h"
#include "arrow/ipc_writer.h"

namespace chview::arrow::detail {

// A Schema message: one nullable field per column; dictionary columns get ids 0, 1, … in
// column order and Int32 indices.
std::string schema_message(std::span<const ArrowColumn> columns);

// A RecordBatch message describing `body` (num_rows rows).
std::string record_batch_message(int64_t num_rows, const BodyBuilder& body);

// A DictionaryBatch message (not a delta) for dictionary `id` of `num_values` entries.
std::string dictionary_batch_message(int64_t id, int64_t num_values, const BodyBuilder& body);

}  // namespace chview::arrow::detail
