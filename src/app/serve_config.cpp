#include "app/serve_config.h"

#include <toml++/toml.h>

#include <charconv>
#include <fstream>
#include <sstream>

#include "base/duration.h"

namespace chview::app {
namespace {

Status key_error(std::string_view where, std::string_view key, std::string_view expected) {
  return invalid_argument("config: " + std::string(where) + "." + std::string(key) + " must be " +
                          std::string(expected));
}

Result<std::chrono::milliseconds> duration_key(const toml::table& t, std::string_view where,
                                               std::string_view key,
                                               std::chrono::milliseconds fallback) {
  const toml::node* node = t.get(key);
  if (node == nullptr) return fallback;
  if (auto s = node->value<std::string>()) {
    auto d = parse_duration(*s);
    if (!d)
      return key_error(where, key, "a duration like \"250ms\" (" + d.status().message() + ")");
    return *d;
  }
  if (auto n = node->value<int64_t>(); n && *n >= 0) return std::chrono::milliseconds(*n);
  return key_error(where, key, "a duration like \"250ms\"");
}

Status check_known_keys(const toml::table& t, std::string_view where,
                        std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : t) {
    bool ok = false;
    for (auto k : known) ok = ok || key.str() == k;
    if (!ok)
      return invalid_argument("config: unknown key " + std::string(where) + "." +
                              std::string(key.str()));
  }
  return Status::ok();
}

Result<ingest::LiveTableSpec> parse_table(const toml::table& t, size_t n) {
  const std::string where = "table[" + std::to_string(n) + "]";
  CHVIEW_RETURN_IF_ERROR(check_known_keys(t, where,
                                          {"name", "source", "query", "limit", "index", "cursor",
                                           "interval", "lateness", "max_load_rows"}));
  ingest::LiveTableSpec spec;
  auto name = t["name"].value<std::string>();
  auto source = t["source"].value<std::string>();
  auto query = t["query"].value<std::string>();
  if (!name && source) name = source;
  if (!name) return key_error(where, "name", "a string");
  spec.name = *name;
  spec.source_table = source.value_or("");
  spec.source_query = query.value_or("");
  if (const toml::node* limit = t.get("limit")) {
    auto v = limit->value<int64_t>();
    if (!v || *v <= 0) return key_error(where, "limit", "a positive integer");
    spec.limit = static_cast<size_t>(*v);
  }
  if (const toml::node* index = t.get("index")) {
    auto v = index->value<std::string>();
    if (!v) return key_error(where, "index", "a column name");
    spec.index = *v;
  }
  if (const toml::node* cursor = t.get("cursor")) {
    auto v = cursor->value<std::string>();
    if (!v) return key_error(where, "cursor", "a column name");
    spec.cursor = *v;
  }
  if (const toml::node* rows = t.get("max_load_rows")) {
    auto v = rows->value<int64_t>();
    if (!v || *v <= 0) return key_error(where, "max_load_rows", "a positive integer");
    spec.max_load_rows = static_cast<size_t>(*v);
  }
  CHVIEW_ASSIGN_OR_RETURN(spec.interval, duration_key(t, where, "interval", spec.interval));
  CHVIEW_ASSIGN_OR_RETURN(spec.lateness, duration_key(t, where, "lateness", spec.lateness));
  CHVIEW_RETURN_IF_ERROR(spec.validate());
  return spec;
}

}  // namespace

Result<size_t> parse_byte_size(std::string_view text) {
  uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || ptr == text.data()) {
    return invalid_argument("bad size '" + std::string(text) + "' (e.g. 64MiB)");
  }
  std::string_view unit(ptr, static_cast<size_t>(text.data() + text.size() - ptr));
  uint64_t scale = 1;
  if (unit == "KiB" || unit == "K") {
    scale = 1ULL << 10;
  } else if (unit == "MiB" || unit == "M") {
    scale = 1ULL << 20;
  } else if (unit == "GiB" || unit == "G") {
    scale = 1ULL << 30;
  } else if (!unit.empty() && unit != "B") {
    return invalid_argument("bad size unit in '" + std::string(text) + "' (use B, KiB, MiB, GiB)");
  }
  return static_cast<size_t>(value * scale);
}

Result<ServeFileConfig> parse_serve_config(std::string_view toml_text) {
  toml::table root;
  try {
    root = toml::parse(toml_text);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << "config: " << e.description() << " (line " << e.source().begin.line << ")";
    return parse_error(msg.str());
  }
  CHVIEW_RETURN_IF_ERROR(check_known_keys(root, "", {"server", "clickhouse", "table"}));
  ServeFileConfig config;
  if (const toml::table* server = root["server"].as_table()) {
    CHVIEW_RETURN_IF_ERROR(check_known_keys(
        *server, "server", {"host", "port", "writable", "max_frame", "allow_origins"}));
    if (const toml::node* host = server->get("host")) {
      if (!host->value<std::string>()) return key_error("server", "host", "a string");
      config.host = *host->value<std::string>();
    }
    if (const toml::node* port = server->get("port")) {
      auto v = port->value<int64_t>();
      if (!v || *v < 0 || *v > 65535) return key_error("server", "port", "a port number");
      config.port = static_cast<uint16_t>(*v);
    }
    if (const toml::node* writable = server->get("writable")) {
      if (!writable->value<bool>()) return key_error("server", "writable", "true or false");
      config.writable = *writable->value<bool>();
    }
    if (const toml::node* frame = server->get("max_frame")) {
      if (auto s = frame->value<std::string>()) {
        CHVIEW_ASSIGN_OR_RETURN(config.max_frame_bytes, parse_byte_size(*s));
      } else if (auto n = frame->value<int64_t>(); n && *n > 0) {
        config.max_frame_bytes = static_cast<size_t>(*n);
      } else {
        return key_error("server", "max_frame", "a size like \"64MiB\"");
      }
    }
    if (const toml::node* origins = server->get("allow_origins")) {
      const toml::array* list = origins->as_array();
      if (!list) return key_error("server", "allow_origins", "a list of strings");
      std::vector<std::string> values;
      for (const toml::node& entry : *list) {
        if (!entry.value<std::string>()) {
          return key_error("server", "allow_origins", "a list of strings");
        }
        values.push_back(*entry.value<std::string>());
      }
      config.allowed_origins = std::move(values);
    }
  }
  if (const toml::table* ch = root["clickhouse"].as_table()) {
    CHVIEW_RETURN_IF_ERROR(check_known_keys(*ch, "clickhouse", {"url"}));
    if (auto url = (*ch)["url"].value<std::string>()) config.clickhouse_url = *url;
  }
  if (const toml::node* tables = root.get("table")) {
    const toml::array* list = tables->as_array();
    if (list == nullptr)
      return invalid_argument("config: 'table' must be an array: write [[table]]");
    for (size_t i = 0; i < list->size(); ++i) {
      const toml::table* t = (*list)[i].as_table();
      if (t == nullptr) return invalid_argument("config: table entries must be tables");
      CHVIEW_ASSIGN_OR_RETURN(auto spec, parse_table(*t, i));
      config.tables.push_back(std::move(spec));
    }
  }
  return config;
}

Result<ServeFileConfig> load_serve_config(const std::string& path) {
  std::ifstream in(path);
  if (!in) return not_found("config: cannot read " + path);
  std::stringstream text;
  text << in.rdbuf();
  auto config = parse_serve_config(text.str());
  if (!config) return Status(config.status().code(), path + ": " + config.status().message());
  return config;
}

}  // namespace chview::app
