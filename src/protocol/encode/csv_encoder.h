// CSV for a view slice, byte-compatible with Perspective's to_csv (Arrow C++'s CSV writer
// over the to_arrow batch; perspective-protocol.md §4.4).
#pragma once

#include <string>
#include <vector>

#include "engine/view.h"
#include "protocol/encode/arrow_adapter.h"

namespace chview::protocol::encode {

// Quoted header line, then one line per row, each ending in '\n'; "" for no columns.
// Perspective writes CSV from its Arrow batch: grouped slices (has_row_paths) start with
// one "<column> (Group by N)" column per layout.group_by entry holding that level of the
// row path (empty past the row's depth), and aggregates stored as integers print as such.
std::string encode_csv(const engine::ViewSlice& slice, const ArrowLayout& layout = {});

}  // namespace chview::protocol::encode
