#include "net/origin.h"

#include <algorithm>
#include <cctype>

namespace chview::net {
namespace {

bool equal_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view without_trailing_slash(std::string_view text) {
  while (!text.empty() && text.back() == '/') text.remove_suffix(1);
  return text;
}

// "http://host:port" → "host:port"; empty for anything without a scheme.
std::string_view authority_of(std::string_view origin) {
  const size_t scheme_end = origin.find("://");
  if (scheme_end == std::string_view::npos) return {};
  return without_trailing_slash(origin.substr(scheme_end + 3));
}

}  // namespace

bool origin_allowed(std::string_view origin, std::string_view host,
                    const std::vector<std::string>& allowed) {
  if (origin.empty()) return true;
  const std::string_view authority = authority_of(origin);
  if (!authority.empty() && equal_ignoring_case(authority, host)) return true;
  return std::any_of(allowed.begin(), allowed.end(), [origin](const std::string& entry) {
    return entry == "*" ||
           equal_ignoring_case(without_trailing_slash(entry), without_trailing_slash(origin));
  });
}

}  // namespace chview::net
