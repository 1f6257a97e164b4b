// protocol::Server: Perspective's server side over chview's engine. Owns the hosted
// tables (by name), every view (by id, whichever session made it) and the
// subscriptions; sessions are opened per connection by net/ (see session.h).
//
// Threading: one thread (the engine strand) for the Server, its Sessions and the
// hosted Tables. Lifetime: Sessions keep the Server's state alive, so either may be
// destroyed first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string_view>

#include "base/status.h"
#include "columnar/batch.h"
#include "engine/table.h"
#include "protocol/session.h"

namespace chview::protocol {

namespace detail {
class ServerState;
}

// How ViewGetMinMaxResp.min/max are encoded (perspective-protocol.md §6.3): a Scalar
// message for 4.4+ clients, JSON text for 3.x/4.0–4.3 clients.
enum class MinMaxEncoding { kScalar, kJsonText };

struct ServerOptions {
  // Clients may create, update, remove, replace and delete tables.
  bool writable = false;
  // For views whose config carried group_rollup_mode but not split_rollup_mode: 4.3–5.1
  // clients. 4.3 (the viewer chview serves) wants JSON text; 4.4–5.1 a Scalar.
  MinMaxEncoding rollup_viewer_min_max = MinMaxEncoding::kJsonText;
  // For views whose config carried neither (plain API clients: 4.4+/5.x want a Scalar,
  // 3.x JSON text), unless the session revealed its generation otherwise.
  MinMaxEncoding default_min_max = MinMaxEncoding::kScalar;
};

// What a client may tell about itself in the WebSocket URL's query, for what its
// messages leave ambiguous (§6.3): `minmax=scalar` (4.4+ decoders) or `minmax=text`
// (3.x–4.3).
struct SessionHints {
  std::optional<MinMaxEncoding> min_max;
};
// Reads the hints from a request target such as "/websocket?minmax=scalar"; unknown
// parameters and values are ignored.
SessionHints parse_session_hints(std::string_view target);

class Server {
 public:
  explicit Server(ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // A new client connection; every Response frame for it goes to `sink`.
  std::unique_ptr<Session> open_session(std::shared_ptr<FrameSink> sink,
                                        const SessionHints& hints = {});

  // Publishes a table under table->name(); hosted-table subscribers are notified.
  // Error (kAlreadyExists) if the name is taken.
  Status host_table(std::shared_ptr<engine::Table> table);
  // Unpublishes a table (subscribers of hosted tables and its on_delete are notified).
  // Existing views of it keep working until deleted. Error (kNotFound) if unknown.
  Status remove_table(std::string_view name);
  // nullptr when no table of that name is hosted.
  std::shared_ptr<engine::Table> find_table(std::string_view name) const;

  // Call after every mutation of a hosted table made outside the protocol (server-side
  // ingest): brings its views up to date and pushes on_update to their subscribers.
  // Contract: views read the Table directly, so call this right after the mutation,
  // before anything else runs on the strand.
  void table_updated(std::string_view name, const engine::TableDelta& delta, uint32_t port_id = 0);
  // Both in one call: Table::apply(batch) on the hosted table, then table_updated().
  // Errors: kNotFound for an unknown name, else the Table's own.
  Status update_table(std::string_view name, const columnar::Batch& batch, uint32_t port_id = 0);

  size_t live_view_count() const;
  size_t session_count() const;

 private:
  std::shared_ptr<detail::ServerState> state_;
};

// Routes the protobuf runtime's own log lines (it logs, e.g., invalid UTF-8 in a malformed
// request) to `sink` instead of stderr; an empty function restores stderr. Process-wide
// and not thread-safe: call at startup.
void set_protobuf_log_sink(std::function<void(std::string_view message)> sink);

}  // namespace chview::protocol
