// Mapping URL paths to files under the static mounts, refusing anything that could
// escape a mount (.., encoded separators, NUL). Pure functions: no I/O but stat().
#pragma once

#include <filesystem>
#include <optional>
#include <string_view>
#include <vector>

#include "net/server.h"

namespace chview::net {

// The file a GET of `target` (path plus optional ?query) should serve, or nullopt when
// no mount matches, the path is unsafe, or the file does not exist. "/" and any path
// ending in '/' serve that directory's index.html.
std::optional<std::filesystem::path> resolve_static_file(const std::vector<StaticMount>& mounts,
                                                         std::string_view target);

// Content-Type for a file name, by extension (application/octet-stream if unknown).
std::string_view content_type_for(const std::filesystem::path& file);

}  // namespace chview::net
