// Internal to protocol/: the state a Server shares with its Sessions and request
// handlers. Not a public header.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "engine/table.h"
#include "engine/view.h"
#include "protocol/perspective.pb.h"
#include "protocol/server.h"
#include "protocol/session.h"

namespace chview::protocol::detail {

namespace proto = ::perspective::proto;

using SessionId = uint64_t;

// A deferred request: pushes reuse its msg_id.
struct Subscriber {
  SessionId session = 0;
  uint32_t msg_id = 0;
};

struct TableEntry {
  std::shared_ptr<engine::Table> table;
  uint32_t next_port = 1;  // port 0 is the default port
  bool delete_pending = false;
  std::vector<Subscriber> delete_waiters;  // lazy TableDeleteReq callers
  std::vector<Subscriber> on_delete;
};

struct ViewEntry {
  std::string id;
  std::string table_name;
  std::shared_ptr<engine::Table> table;  // the View requires its Table to outlive it
  std::unique_ptr<engine::View> view;
  SessionId owner = 0;
  // What the view's config reveals of the client generation (perspective-protocol.md §6).
  enum class ConfigFingerprint {
    kV52Plus,       // split_rollup_mode or windows present: 5.2+
    kRollupViewer,  // group_rollup_mode without split_rollup_mode: a 4.3–5.1 client
    kUnknown,       // neither
  };
  ConfigFingerprint fingerprint = ConfigFingerprint::kUnknown;
  bool row_deltas = false;  // some on_update subscriber asked for mode ROW
  std::vector<Subscriber> on_update;
  std::vector<Subscriber> on_delete;
  std::vector<Subscriber> on_remove;
};

struct SessionInfo {
  std::shared_ptr<FrameSink> sink;
  // Client-generation hints (§6.3).
  bool hosted_tables_subscriber = false;       // viewer >= 5.0
  bool sent_leaves_only = false;               // 3.x/4.0–4.2
  bool sent_legacy_names_flag = false;         // >= 4.5
  std::optional<MinMaxEncoding> min_max_hint;  // from the WebSocket URL (SessionHints)
};

// A request that cannot continue; the dispatcher turns it into a ServerError reply.
class RequestError : public std::runtime_error {
 public:
  explicit RequestError(const std::string& message,
                        proto::StatusCode code = proto::StatusCode::SERVER_ERROR)
      : std::runtime_error(message), code_(code) {}
  proto::StatusCode code() const { return code_; }

 private:
  proto::StatusCode code_;
};

class ServerState {
 public:
  explicit ServerState(ServerOptions opts) : options(opts) {}

  ServerOptions options;
  std::map<std::string, TableEntry, std::less<>> tables;
  std::map<std::string, ViewEntry, std::less<>> views;
  std::map<SessionId, SessionInfo> sessions;
  std::vector<Subscriber> hosted_table_subscribers;
  SessionId next_session_id = 1;

  // Lookups that throw the reference's errors.
  TableEntry& table_or_throw(std::string_view name);  // "Couldn't find key."
  ViewEntry& view_or_throw(std::string_view id);      // VIEW_NOT_FOUND "View not found"

  void send(SessionId session, const proto::Response& response);
  // An empty Response with only msg_id, to every hosted-table subscriber.
  void notify_hosted_tables();
  // Updates every view of `table` with `delta`, then pushes on_update.
  void propagate(const engine::Table& table, const engine::TableDelta& delta, uint32_t port_id);
  // Pushes ViewOnRemoveResp{indices: Arrow, one column named after the index} to the
  // on_remove subscribers of every view of `table` (an index table).
  void push_removed_keys(const engine::Table& table, const std::vector<columnar::Value>& keys);
  // Pushes ViewOnDeleteResp to the view's on_delete subscribers and forgets the view;
  // completes a pending lazy delete of its table.
  void delete_view(std::string_view view_id);
  // Unpublishes a table: on_delete pushes, hosted-table pushes, deferred delete replies.
  void finish_table_delete(std::string_view name);
  void close_session(SessionId session);
  size_t views_of(const engine::Table& table) const;
};

}  // namespace chview::protocol::detail
