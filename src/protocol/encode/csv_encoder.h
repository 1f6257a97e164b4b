// CSV for a view slice, byte-compatible with Perspective's to_csv (Arrow C++'s CSV writer
// over the to_arrow batch; perspective-protocol.md §4.4).
#pragma once

#include <string>

#include "engine/view.h"

namespace chview::protocol::encode {

// Quoted header line, then one line per row, each ending in '\n'; "" for no columns.
std::string encode_csv(const engine::ViewSlice& slice);

}  // namespace chview::protocol::encode
