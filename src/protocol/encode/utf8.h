// Text that goes into a protobuf `string` field must be valid UTF-8: Perspective's
// clients (Rust/prost) reject the whole frame otherwise. ClickHouse Strings are
// arbitrary bytes, so encoders pass text through here.
#pragma once

#include <string>
#include <string_view>

namespace chview::protocol::encode {

// Appends `text`, replacing each invalid UTF-8 sequence with U+FFFD.
void append_valid_utf8(std::string& out, std::string_view text);
// `text` with each invalid UTF-8 sequence replaced by U+FFFD.
std::string valid_utf8(std::string_view text);
// Length of the valid UTF-8 sequence starting at text[0] (1–4), or 0 if invalid.
size_t utf8_sequence_length(std::string_view text);

}  // namespace chview::protocol::encode
