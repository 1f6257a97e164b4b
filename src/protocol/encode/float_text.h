// Text forms of doubles, matching what Perspective's own server writes (§4.2/§4.4 of
// perspective-protocol.md): its JSON writer (shortest round-trip, `4.0`, `1e21`,
// `1e-7`) and its Arrow-based CSV writer (shortest, `4`, `1e+21`, `9.007199254740994e+15`).
// Callers handle NaN/infinity (both formats write null for them).
#pragma once

#include <string>

namespace chview::protocol::encode {

// Precondition: std::isfinite(value).
void append_json_double(std::string& out, double value);
// Precondition: std::isfinite(value).
void append_csv_double(std::string& out, double value);

}  // namespace chview::protocol::encode
