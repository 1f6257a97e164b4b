// `chview serve`: the protocol server (protocol::Server) behind the HTTP/WebSocket
// front door (net::Server), plus the viewer page and its npm assets.
#include <spdlog/spdlog.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "app/clickhouse_options.h"
#include "app/commands.h"
#include "app/live_tables.h"
#include "app/serve_config.h"
#include "base/duration.h"
#include "ingest/ingest_service.h"
#include "net/server.h"
#include "protocol/server.h"

namespace chview::app {
namespace {

namespace fs = std::filesystem;

struct ServeConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;
  bool writable = false;
  std::string web_root;      // empty: <repo>/web next to the binary
  std::string node_modules;  // empty: <web root>/../node_modules
  std::size_t max_frame_bytes = 64u << 20;
  std::size_t max_queue_bytes = 256u << 20;
  // prospective.co is Perspective's hosted viewer: users point it at a server by URL.
  std::vector<std::string> allowed_origins = {"https://prospective.co"};
  std::string log_level = "info";
  // Live ClickHouse tables: from --table flags and/or the [[table]] entries of --config.
  std::string config_file;
  ClickHouseCliOptions clickhouse;
  std::vector<std::string> tables;
  std::optional<size_t> limit;
  std::optional<std::string> index;
  std::string cursor;
  std::string interval = "250ms";
  std::string lateness = "0s";
  std::vector<ingest::LiveTableSpec> live_tables;  // resolved from all of the above
};

// Options whose command-line value beats the config file only when given.
struct ExplicitFlags {
  CLI::Option* host = nullptr;
  CLI::Option* port = nullptr;
  CLI::Option* writable = nullptr;
  CLI::Option* max_frame = nullptr;
  CLI::Option* allow_origin = nullptr;
};

// Folds the config file and the --table flags into `config.live_tables`.
Status resolve_live_tables(ServeConfig& config, const ExplicitFlags& flags) {
  if (!config.config_file.empty()) {
    CHVIEW_ASSIGN_OR_RETURN(ServeFileConfig file, load_serve_config(config.config_file));
    if (flags.host->count() == 0 && file.host) config.host = *file.host;
    if (flags.port->count() == 0 && file.port) config.port = *file.port;
    if (flags.writable->count() == 0 && file.writable) config.writable = *file.writable;
    if (flags.max_frame->count() == 0 && file.max_frame_bytes) {
      config.max_frame_bytes = *file.max_frame_bytes;
    }
    if (flags.allow_origin->count() == 0 && file.allowed_origins) {
      config.allowed_origins = *file.allowed_origins;
    }
    if (!config.clickhouse.url && file.clickhouse_url) config.clickhouse.url = file.clickhouse_url;
    config.live_tables = std::move(file.tables);
  }
  if (config.limit && config.index) return invalid_argument("--limit and --index are exclusive");
  CHVIEW_ASSIGN_OR_RETURN(auto interval, parse_duration(config.interval));
  CHVIEW_ASSIGN_OR_RETURN(auto lateness, parse_duration(config.lateness));
  for (const auto& name : config.tables) {
    ingest::LiveTableSpec spec;
    spec.name = name;
    spec.source_table = name;
    spec.limit = config.limit;
    spec.index = config.index;
    spec.cursor = config.cursor;
    spec.interval = interval;
    spec.lateness = lateness;
    config.live_tables.push_back(std::move(spec));
  }
  return Status::ok();
}

// The directory of the running binary (the build directory, e.g. <repo>/build).
std::optional<fs::path> binary_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  return exe.parent_path();
}

// <repo>/web, found from the binary (<repo>/build/chview) or the working directory.
std::optional<fs::path> default_web_root() {
  std::vector<fs::path> candidates;
  if (auto dir = binary_dir()) {
    candidates.push_back(*dir / ".." / "web");
    candidates.push_back(*dir / "web");
  }
  candidates.push_back(fs::current_path() / "web");
  for (const auto& c : candidates) {
    std::error_code ec;
    if (fs::is_regular_file(c / "index.html", ec)) return fs::weakly_canonical(c, ec);
  }
  return std::nullopt;
}

// URL prefixes of the npm packages the page loads: the 4.3.0 viewer, its datagrid and
// d3fc plugins and the 4.3.0 client (installed under the alias perspective-client-4).
// Client and server keep their @perspective-dev names so the client's relative URL to
// the server wasm (../../../server/dist/wasm/) resolves.
std::vector<net::StaticMount> package_mounts(const fs::path& node_modules) {
  const std::pair<const char*, const char*> packages[] = {
      {"/pkg/@perspective-dev/viewer/", "@perspective-dev/viewer"},
      {"/pkg/@perspective-dev/viewer-datagrid/", "@perspective-dev/viewer-datagrid"},
      {"/pkg/@perspective-dev/viewer-d3fc/", "@perspective-dev/viewer-d3fc"},
      {"/pkg/@perspective-dev/client/", "perspective-client-4"},
      {"/pkg/@perspective-dev/server/", "perspective-server-4"},
  };
  std::vector<net::StaticMount> mounts;
  for (const auto& [prefix, dir] : packages) {
    std::error_code ec;
    if (!fs::is_directory(node_modules / dir, ec)) {
      spdlog::warn("npm package {} not found under {}; the page will not load it", dir,
                   node_modules.string());
    }
    mounts.push_back({prefix, node_modules / dir});
  }
  return mounts;
}

struct WebDirs {
  fs::path web_root;
  fs::path node_modules;
};

Result<WebDirs> locate_web_dirs(const ServeConfig& config) {
  WebDirs dirs;
  if (!config.web_root.empty()) {
    dirs.web_root = config.web_root;
  } else if (auto found = default_web_root()) {
    dirs.web_root = *found;
  } else {
    return not_found("cannot find the web/ directory; pass --web-root DIR");
  }
  std::error_code ec;
  if (!fs::is_directory(dirs.web_root, ec)) {
    return not_found("web root " + dirs.web_root.string() + " is not a directory");
  }
  dirs.node_modules = config.node_modules.empty() ? dirs.web_root / ".." / "node_modules"
                                                  : fs::path(config.node_modules);
  return dirs;
}

net::ServerOptions net_options_for(const ServeConfig& config, const WebDirs& dirs,
                                   const std::shared_ptr<const protocol::Server>& protocol_server) {
  net::ServerOptions options;
  options.host = config.host;
  options.port = config.port;
  options.max_frame_bytes = config.max_frame_bytes;
  options.allowed_origins = config.allowed_origins;
  options.max_queue_bytes = config.max_queue_bytes;
  options.handle_signals = true;
  options.mounts = package_mounts(dirs.node_modules);
  options.mounts.push_back({"/", dirs.web_root});
  options.extra_metrics = [protocol_server] {
    return "chview_protocol_sessions " + std::to_string(protocol_server->session_count()) +
           "\nchview_protocol_live_views " + std::to_string(protocol_server->live_view_count()) +
           "\n";
  };
  return options;
}

int run_serve(const ServeConfig& config) {
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  auto dirs = locate_web_dirs(config);
  if (!dirs.is_ok()) {
    spdlog::error("{}", dirs.status().message());
    return 1;
  }
  spdlog::info("web root {}, npm packages from {}", dirs->web_root.string(),
               fs::weakly_canonical(dirs->node_modules).string());

  // protobuf reports rejected client frames (e.g. invalid UTF-8) on stderr; route it to our log.
  protocol::set_protobuf_log_sink(
      [](std::string_view message) { spdlog::warn("protobuf: {}", message); });
  protocol::ServerOptions protocol_options;
  protocol_options.writable = config.writable;
  auto protocol_server = std::make_shared<protocol::Server>(protocol_options);
  auto net_server = net::Server::create(
      net_options_for(config, *dirs, protocol_server),
      [protocol_server](std::shared_ptr<protocol::FrameSink> sink, std::string_view target) {
        return protocol_server->open_session(std::move(sink),
                                             protocol::parse_session_hints(target));
      });
  if (!net_server.is_ok()) {
    spdlog::error("{}", net_server.status().to_string());
    return 1;
  }

  // Live ClickHouse tables: ingest threads hand each batch to the protocol strand.
  std::unique_ptr<ingest::IngestService> ingest;
  auto stopping = std::make_shared<std::atomic<bool>>(false);
  if (!config.live_tables.empty()) {
    auto clickhouse = resolve(config.clickhouse);
    if (!clickhouse.is_ok()) {
      spdlog::error("{}", clickhouse.status().to_string());
      return 1;
    }
    net::Server* server = net_server->get();
    ingest = std::make_unique<ingest::IngestService>(
        *clickhouse, config.live_tables,
        make_deliver(
            *protocol_server,
            [server](std::function<void()> work) { server->post(std::move(work)); }, stopping));
    if (auto valid = ingest->validate(); !valid.is_ok()) {
      spdlog::error("{}", valid.to_string());
      return 1;
    }
    spdlog::info("serving {} live table(s) from ClickHouse at {}", config.live_tables.size(),
                 clickhouse->redacted_url());
    ingest->start();
  }

  spdlog::info("chview serve: {} tables, open http://{}:{}/?table=<name>",
               config.writable ? "writable" : "read-only", config.host, (*net_server)->port());
  (*net_server)->run();
  stopping->store(true);
  if (ingest) ingest->stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace

void add_serve_command(CLI::App& cli, CommandRun& run) {
  auto config = std::make_shared<ServeConfig>();
  auto* cmd = cli.add_subcommand("serve", "Serve tables to Perspective viewers over WebSocket");
  ExplicitFlags flags;
  flags.host =
      cmd->add_option("--host", config->host, "Address to listen on (0.0.0.0 for all interfaces)")
          ->capture_default_str();
  flags.port = cmd->add_option("--port", config->port, "TCP port (0 picks a free one)")
                   ->capture_default_str();
  flags.writable =
      cmd->add_flag("--writable", config->writable,
                    "Let clients create, update and delete tables (read-only otherwise)");
  cmd->add_option("--web-root", config->web_root,
                  "Directory with index.html (default: <repo>/web next to the binary)");
  cmd->add_option("--node-modules", config->node_modules,
                  "npm packages for the page (default: <web root>/../node_modules)");
  flags.max_frame =
      cmd->add_option("--max-frame", config->max_frame_bytes,
                      "Largest incoming WebSocket message in bytes; larger ones close the "
                      "connection (1009)")
          ->capture_default_str();
  flags.allow_origin =
      cmd->add_option(
             "--allow-origin", config->allowed_origins,
             "Another web origin (scheme://host[:port]) whose pages may open /websocket; "
             "repeatable; "
             "\"*\" allows any. chview's own page and non-browser clients are always allowed")
          ->capture_default_str();
  cmd->add_option("--max-queue", config->max_queue_bytes,
                  "Bytes a client may have queued before it is disconnected as too slow")
      ->capture_default_str();
  cmd->add_option("--log-level", config->log_level, "trace, debug, info, warn, error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
      ->capture_default_str();
  cmd->add_option("--config", config->config_file, "TOML file declaring server options and tables");
  add_clickhouse_options(*cmd, config->clickhouse);
  cmd->add_option("--table", config->tables,
                  "ClickHouse table to serve live (repeatable); same name for viewers");
  cmd->add_option("--limit", config->limit,
                  "Keep the newest N rows of each --table (default 1000)");
  cmd->add_option("--index", config->index, "Upsert --table rows by this column instead");
  cmd->add_option("--cursor", config->cursor,
                  "Column that orders new rows (default: the first DateTime column)");
  cmd->add_option("--interval", config->interval, "How often to poll ClickHouse")
      ->capture_default_str();
  cmd->add_option("--lateness", config->lateness,
                  "Re-read this far behind the cursor to catch late rows (e.g. 2s)")
      ->capture_default_str();
  cmd->callback([&run, config, flags] {
    run = [config, flags] {
      if (auto status = resolve_live_tables(*config, flags); !status.is_ok()) {
        spdlog::error("{}", status.to_string());
        return 2;
      }
      return run_serve(*config);
    };
  });
}

}  // namespace chview::app
