// ClickHouse's Native format as spoken over HTTP (no BlockInfo header): a sequence of
// blocks, each = varuint columns, varuint rows, then per column name, type text, data.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "clickhouse/block.h"

namespace chview::clickhouse {

// Decodes every block in `bytes`. Never reads out of bounds: corrupt or truncated input
// yields kParse; an unknown type yields kUnsupported naming the column and the type.
Result<std::vector<Block>> decode_native(std::string_view bytes);

// Appends the Native encoding of `block` to `out`. Fails (kInvalidArgument) if the block
// does not validate().
Status encode_native(const Block& block, std::string& out);

}  // namespace chview::clickhouse
