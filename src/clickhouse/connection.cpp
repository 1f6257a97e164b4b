#include "clickhouse/connection.h"

#include <cctype>
#include <charconv>
#include <cstdlib>

namespace chview::clickhouse {
namespace {

Status bad_url(std::string_view url, std::string_view why) {
  // Never echo a password back: show the URL without its credentials.
  std::string shown(url);
  if (auto at = shown.rfind('@'); at != std::string::npos) {
    auto scheme_end = shown.find("://");
    size_t start = scheme_end == std::string::npos ? 0 : scheme_end + 3;
    if (at > start) shown.replace(start, at - start, "***");
  }
  return invalid_argument("bad ClickHouse URL '" + shown + "': " + std::string(why));
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

Result<std::string> percent_decode(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    if (i + 2 >= text.size()) return invalid_argument("truncated percent escape");
    int hi = hex_value(text[i + 1]);
    int lo = hex_value(text[i + 2]);
    if (hi < 0 || lo < 0) return invalid_argument("bad percent escape");
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

}  // namespace

std::string percent_encode(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += ch;
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

Result<ConnectionConfig> ConnectionConfig::parse_url(std::string_view url) {
  ConnectionConfig config;
  std::string_view rest = url;
  if (rest.starts_with("http://")) {
    rest.remove_prefix(7);
  } else if (rest.starts_with("https://")) {
    rest.remove_prefix(8);
    config.secure = true;
    config.port = 8443;
  } else {
    return bad_url(url, "expected http:// or https://");
  }
  // authority [/database] [?...]: queries and fragments are not ours to interpret.
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash + 1);
  if (path.find_first_of("?#") != std::string_view::npos) {
    return bad_url(url, "query strings are not supported; use the settings instead");
  }
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    std::string_view userinfo = authority.substr(0, at);
    authority.remove_prefix(at + 1);
    size_t colon = userinfo.find(':');
    auto user = percent_decode(userinfo.substr(0, colon));
    if (!user.is_ok()) return bad_url(url, "bad percent escape in the user");
    config.user = *user;
    if (config.user.empty()) return bad_url(url, "empty user name");
    config.password.clear();
    if (colon != std::string_view::npos) {
      auto password = percent_decode(userinfo.substr(colon + 1));
      if (!password.is_ok()) return bad_url(url, "bad percent escape in the password");
      config.password = *password;
    }
  }
  std::string_view host = authority;
  std::string_view port;
  if (authority.starts_with('[')) {  // IPv6 literal
    size_t close = authority.find(']');
    if (close == std::string_view::npos) return bad_url(url, "unterminated IPv6 address");
    host = authority.substr(1, close - 1);
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return bad_url(url, "junk after the IPv6 address");
      port = after.substr(1);
      if (port.empty()) return bad_url(url, "empty port");
    }
  } else if (size_t colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
    if (port.empty()) return bad_url(url, "empty port");
  }
  if (host.empty()) return bad_url(url, "missing host");
  config.host = std::string(host);
  if (!port.empty()) {
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc() || ptr != port.data() + port.size() || value == 0 || value > 65535) {
      return bad_url(url, "bad port '" + std::string(port) + "'");
    }
    config.port = static_cast<uint16_t>(value);
  }
  if (path.ends_with('/')) path.remove_suffix(1);
  if (!path.empty()) {
    if (path.find('/') != std::string_view::npos)
      return bad_url(url, "path must be one database name");
    auto database = percent_decode(path);
    if (!database.is_ok()) return bad_url(url, "bad percent escape in the database");
    config.database = *database;
  }
  return config;
}

Result<ConnectionConfig> ConnectionConfig::from_environment(const EnvLookup& getenv) {
  auto lookup = [&](const char* name) -> const char* {
    return getenv ? getenv(name) : std::getenv(name);
  };
  const char* url = lookup("CLICKHOUSE_URL");
  std::string_view chosen = url && *url ? std::string_view(url) : kDefaultUrl;
  auto config = parse_url(chosen);
  if (!config.is_ok()) {
    return Status(config.status().code(), "CLICKHOUSE_URL: " + config.status().message());
  }
  if (const char* v = lookup("CLICKHOUSE_USER"); v && *v) config->user = v;
  if (const char* v = lookup("CLICKHOUSE_PASSWORD"); v) config->password = v;
  if (const char* v = lookup("CLICKHOUSE_DATABASE"); v && *v) config->database = v;
  return config;
}

std::string ConnectionConfig::endpoint() const {
  bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string ConnectionConfig::redacted_url() const {
  return std::string(secure ? "https://" : "http://") + percent_encode(user) +
         (password.empty() ? "" : ":***") + "@" + endpoint() + "/" + percent_encode(database);
}

std::string ConnectionConfig::url() const {
  return std::string(secure ? "https://" : "http://") + percent_encode(user) + ":" +
         percent_encode(password) + "@" + endpoint() + "/" + percent_encode(database);
}

}  // namespace chview::clickhouse
