#include "protocol/server.h"

#include <google/protobuf/stubs/logging.h>

#include <algorithm>
#include <utility>

#include "protocol/encode/arrow_adapter.h"
#include "protocol/server_state.h"
#include "protocol/session_impl.h"
#include "protocol/view_layout.h"

namespace chview::protocol {
namespace detail {
namespace {

template <typename Pred>
void erase_subscribers(std::vector<Subscriber>& subs, Pred pred) {
  subs.erase(std::remove_if(subs.begin(), subs.end(), pred), subs.end());
}

}  // namespace

TableEntry& ServerState::table_or_throw(std::string_view name) {
  auto it = tables.find(name);
  if (it == tables.end() || it->second.delete_pending) throw RequestError("Couldn't find key.");
  return it->second;
}

ViewEntry& ServerState::view_or_throw(std::string_view id) {
  auto it = views.find(id);
  if (it == views.end()) throw RequestError("View not found", proto::StatusCode::VIEW_NOT_FOUND);
  return it->second;
}

void ServerState::send(SessionId session, const proto::Response& response) {
  auto it = sessions.find(session);
  if (it == sessions.end()) return;  // the subscriber's connection is gone
  auto frame = std::make_shared<std::string>();
  response.SerializeToString(frame.get());
  it->second.sink->send(std::move(frame));
}

void ServerState::notify_hosted_tables() {
  for (const Subscriber& sub : hosted_table_subscribers) {
    proto::Response push;
    push.set_msg_id(sub.msg_id);
    send(sub.session, push);
  }
}

size_t ServerState::views_of(const engine::Table& table) const {
  return static_cast<size_t>(std::count_if(
      views.begin(), views.end(), [&](const auto& kv) { return kv.second.table.get() == &table; }));
}

void ServerState::propagate(const engine::Table& table, const engine::TableDelta& delta,
                            uint32_t port_id) {
  for (auto& [id, entry] : views) {
    if (entry.table.get() != &table) continue;
    engine::ViewDelta view_delta = entry.view->update(delta);
    if (entry.on_update.empty()) continue;
    std::string arrow_delta;
    if (entry.row_deltas) {
      auto encoded = detail::encode_row_delta(*entry.view, view_delta);
      if (encoded.is_ok()) arrow_delta = std::move(encoded).value();
    }
    for (const Subscriber& sub : entry.on_update) {
      proto::Response push;
      push.set_msg_id(sub.msg_id);
      push.set_entity_id(id);
      auto* body = push.mutable_view_on_update_resp();
      body->set_port_id(port_id);
      if (entry.row_deltas) body->set_delta(arrow_delta);
      send(sub.session, push);
    }
  }
}

void ServerState::push_removed_keys(const engine::Table& table,
                                    const std::vector<columnar::Value>& keys) {
  auto index = table.index_column();
  if (!index) return;
  std::string indices;
  for (auto& [id, entry] : views) {
    if (entry.table.get() != &table || entry.on_remove.empty()) continue;
    if (indices.empty()) {
      engine::ViewSlice slice;
      slice.fields.push_back(table.schema().field(*index));
      columnar::Column column(slice.fields[0].type);
      for (const auto& key : keys) column.append(key);
      slice.columns.push_back(std::move(column));
      slice.row_keys = keys;
      auto encoded = encode::encode_arrow(slice);
      if (!encoded.is_ok()) return;
      indices = std::move(encoded).value();
    }
    for (const Subscriber& sub : entry.on_remove) {
      proto::Response push;
      push.set_msg_id(sub.msg_id);
      push.set_entity_id(id);
      push.mutable_view_on_remove_resp()->set_indices(indices);
      send(sub.session, push);
    }
  }
}

void ServerState::delete_view(std::string_view view_id) {
  auto it = views.find(view_id);
  if (it == views.end()) return;
  ViewEntry entry = std::move(it->second);
  views.erase(it);
  for (const Subscriber& sub : entry.on_delete) {
    proto::Response push;
    push.set_msg_id(sub.msg_id);
    push.set_entity_id(entry.id);
    push.mutable_view_on_delete_resp();
    send(sub.session, push);
  }
  auto table_it = tables.find(entry.table_name);
  if (table_it != tables.end() && table_it->second.table == entry.table &&
      table_it->second.delete_pending && views_of(*entry.table) == 0) {
    finish_table_delete(entry.table_name);
  }
}

void ServerState::finish_table_delete(std::string_view name) {
  auto it = tables.find(name);
  if (it == tables.end()) return;
  TableEntry entry = std::move(it->second);
  tables.erase(it);
  for (const Subscriber& sub : entry.on_delete) {
    proto::Response push;
    push.set_msg_id(sub.msg_id);
    push.set_entity_id(std::string(name));
    push.mutable_table_on_delete_resp();
    send(sub.session, push);
  }
  for (const Subscriber& waiter : entry.delete_waiters) {
    proto::Response reply;
    reply.set_msg_id(waiter.msg_id);
    reply.set_entity_id(std::string(name));
    reply.mutable_table_delete_resp();
    send(waiter.session, reply);
  }
  // A lazy delete already told hosted-table subscribers when it was requested.
  if (entry.delete_waiters.empty()) notify_hosted_tables();
}

void ServerState::close_session(SessionId session) {
  auto mine = [session](const Subscriber& s) { return s.session == session; };
  erase_subscribers(hosted_table_subscribers, mine);
  for (auto& [name, entry] : tables) {
    erase_subscribers(entry.on_delete, mine);
    erase_subscribers(entry.delete_waiters, mine);
  }
  for (auto& [id, entry] : views) {
    erase_subscribers(entry.on_update, mine);
    erase_subscribers(entry.on_delete, mine);
    erase_subscribers(entry.on_remove, mine);
  }
  std::vector<std::string> owned;
  for (const auto& [id, entry] : views) {
    if (entry.owner == session) owned.push_back(id);
  }
  sessions.erase(session);
  for (const std::string& id : owned) delete_view(id);
}

}  // namespace detail

Server::Server(ServerOptions options) : state_(std::make_shared<detail::ServerState>(options)) {}

Server::~Server() = default;

std::unique_ptr<Session> Server::open_session(std::shared_ptr<FrameSink> sink,
                                              const SessionHints& hints) {
  auto session = std::make_unique<detail::SessionImpl>(state_, std::move(sink));
  state_->sessions.at(session->id()).min_max_hint = hints.min_max;
  return session;
}

SessionHints parse_session_hints(std::string_view target) {
  SessionHints hints;
  const size_t query_start = target.find('?');
  if (query_start == std::string_view::npos) return hints;
  std::string_view query = target.substr(query_start + 1);
  while (!query.empty()) {
    const size_t end = query.find('&');
    const std::string_view param = query.substr(0, end);
    if (param == "minmax=scalar") hints.min_max = MinMaxEncoding::kScalar;
    if (param == "minmax=text") hints.min_max = MinMaxEncoding::kJsonText;
    if (end == std::string_view::npos) break;
    query.remove_prefix(end + 1);
  }
  return hints;
}

Status Server::host_table(std::shared_ptr<engine::Table> table) {
  if (!table) return invalid_argument("host_table: null table");
  std::string name = table->name();
  auto it = state_->tables.find(name);
  if (it != state_->tables.end()) {
    return {ErrorCode::kAlreadyExists, "Table \"" + name + "\" already exists"};
  }
  state_->tables[name].table = std::move(table);
  state_->notify_hosted_tables();
  return Status::ok();
}

Status Server::remove_table(std::string_view name) {
  if (state_->tables.find(name) == state_->tables.end()) {
    return not_found("no hosted table named '" + std::string(name) + "'");
  }
  state_->finish_table_delete(name);
  return Status::ok();
}

std::shared_ptr<engine::Table> Server::find_table(std::string_view name) const {
  auto it = state_->tables.find(name);
  return it == state_->tables.end() ? nullptr : it->second.table;
}

void Server::table_updated(std::string_view name, const engine::TableDelta& delta,
                           uint32_t port_id) {
  auto it = state_->tables.find(name);
  if (it == state_->tables.end()) return;
  state_->propagate(*it->second.table, delta, port_id);
}

Status Server::update_table(std::string_view name, const columnar::Batch& batch, uint32_t port_id) {
  auto it = state_->tables.find(name);
  if (it == state_->tables.end()) {
    return not_found("no hosted table named '" + std::string(name) + "'");
  }
  std::shared_ptr<engine::Table> table = it->second.table;
  CHVIEW_ASSIGN_OR_RETURN(engine::TableDelta delta, table->apply(batch));
  state_->propagate(*table, delta, port_id);
  return Status::ok();
}

size_t Server::live_view_count() const { return state_->views.size(); }

size_t Server::session_count() const { return state_->sessions.size(); }

namespace {

std::function<void(std::string_view)>& protobuf_log_sink() {
  static std::function<void(std::string_view)> sink;
  return sink;
}

void forward_protobuf_log(google::protobuf::LogLevel, const char*, int,
                          const std::string& message) {
  if (protobuf_log_sink()) protobuf_log_sink()(message);
}

}  // namespace

void set_protobuf_log_sink(std::function<void(std::string_view message)> sink) {
  static google::protobuf::LogHandler* const kOriginal =
      google::protobuf::SetLogHandler(&forward_protobuf_log);
  protobuf_log_sink() = std::move(sink);
  google::protobuf::SetLogHandler(protobuf_log_sink() ? &forward_protobuf_log : kOriginal);
}

}  // namespace chview::protocol
