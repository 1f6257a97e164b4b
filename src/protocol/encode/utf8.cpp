#include "protocol/encode/utf8.h"

#include <cstdint>

namespace chview::protocol::encode {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

}  // namespace

size_t utf8_sequence_length(std::string_view text) {
  auto c0 = static_cast<unsigned char>(text[0]);
  if (c0 < 0x80) return 1;
  size_t n = 0;
  uint32_t min = 0;
  if (c0 >= 0xC2 && c0 <= 0xDF) {
    n = 2;
    min = 0x80;
  } else if (c0 >= 0xE0 && c0 <= 0xEF) {
    n = 3;
    min = 0x800;
  } else if (c0 >= 0xF0 && c0 <= 0xF4) {
    n = 4;
    min = 0x10000;
  } else {
    return 0;
  }
  if (text.size() < n) return 0;
  uint32_t cp = c0 & (0x7F >> n);
  for (size_t i = 1; i < n; ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (!is_continuation(c)) return 0;
    cp = (cp << 6) | (c & 0x3F);
  }
  // Overlong forms, surrogates and code points past U+10FFFF are invalid.
  if (cp < min || (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) return 0;
  return n;
}

void append_valid_utf8(std::string& out, std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    // Fast path: a run of ASCII.
    size_t start = i;
    while (i < text.size() && static_cast<unsigned char>(text[i]) < 0x80) ++i;
    out.append(text, start, i - start);
    if (i == text.size()) break;
    size_t n = utf8_sequence_length(text.substr(i));
    if (n == 0) {
      out += kReplacement;
      ++i;
    } else {
      out.append(text, i, n);
      i += n;
    }
  }
}

std::string valid_utf8(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  append_valid_utf8(out, text);
  return out;
}

}  // namespace chview::protocol::encode
