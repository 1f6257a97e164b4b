// Adapter from the engine's ViewSlice to the Arrow IPC writer's columns, with
// Perspective's to_arrow types (perspective-protocol.md §4.5).
#pragma once

#include <string>
#include <string_view>

#include "arrow/ipc_writer.h"
#include "base/status.h"
#include "engine/view.h"

namespace chview::protocol::encode {

// "lz4" → LZ4 frame, "zstd" → Zstandard, anything else (or none) → uncompressed.
arrow::Compression parse_compression(std::string_view name);

// One record batch holding the slice. INTEGER columns are Int32 (Perspective's width)
// unless a value in the slice does not fit, then Int64.
Result<std::string> encode_arrow(const engine::ViewSlice& slice,
                                 arrow::Compression compression = arrow::Compression::kNone);

}  // namespace chview::protocol::encode
