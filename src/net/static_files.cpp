#include "net/static_files.h"

#include <algorithm>
#include <string>
#include <system_error>

namespace chview::net {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes a URL path; nullopt on a malformed escape.
std::optional<std::string> percent_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return std::nullopt;
    const int hi = hex_value(in[i + 1]);
    const int lo = hex_value(in[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

// Every segment must be an ordinary name: no "..", ".", backslashes or NULs, so the
// joined path can never leave the mount directory.
bool is_safe_relative(std::string_view rel) {
  if (rel.find('\0') != std::string_view::npos || rel.find('\\') != std::string_view::npos) {
    return false;
  }
  std::size_t start = 0;
  while (start <= rel.size()) {
    const std::size_t end = std::min(rel.find('/', start), rel.size());
    const std::string_view segment = rel.substr(start, end - start);
    if (segment == ".." || segment == ".") return false;
    start = end + 1;
  }
  return true;
}

bool is_within(const std::filesystem::path& file, const std::filesystem::path& dir) {
  std::error_code ec;
  const auto canonical_file = std::filesystem::canonical(file, ec);
  if (ec) return false;
  const auto canonical_dir = std::filesystem::canonical(dir, ec);
  if (ec) return false;
  auto [dir_end, _] = std::mismatch(canonical_dir.begin(), canonical_dir.end(),
                                    canonical_file.begin(), canonical_file.end());
  return dir_end == canonical_dir.end();
}

}  // namespace

std::optional<std::filesystem::path> resolve_static_file(const std::vector<StaticMount>& mounts,
                                                         std::string_view target) {
  target = target.substr(0, target.find_first_of("?#"));
  if (target.empty() || target.front() != '/') return std::nullopt;
  auto decoded = percent_decode(target);
  if (!decoded) return std::nullopt;
  std::string path = std::move(*decoded);
  if (path.back() == '/') path += "index.html";

  const StaticMount* best = nullptr;
  for (const auto& mount : mounts) {
    if (path.starts_with(mount.url_prefix) &&
        (best == nullptr || mount.url_prefix.size() > best->url_prefix.size())) {
      best = &mount;
    }
  }
  if (best == nullptr) return std::nullopt;
  const std::string_view rel = std::string_view(path).substr(best->url_prefix.size());
  if (rel.empty() || !is_safe_relative(rel)) return std::nullopt;

  std::filesystem::path file = best->dir / std::filesystem::path(rel);
  std::error_code ec;
  if (!std::filesystem::is_regular_file(file, ec) || !is_within(file, best->dir)) {
    return std::nullopt;
  }
  return file;
}

std::string_view content_type_for(const std::filesystem::path& file) {
  const std::string ext = file.extension().string();
  if (ext == ".html" || ext == ".htm") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".wasm") return "application/wasm";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  if (ext == ".ttf") return "font/ttf";
  return "application/octet-stream";
}

}  // namespace chview::net
