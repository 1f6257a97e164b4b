// Table requests: schema, size, ports, views, expressions, and (when writable) client
// table writes.
#include <algorithm>
#include <set>

#include "protocol/encode/utf8.h"
#include "protocol/handlers.h"
#include "protocol/proto_convert.h"
#include "protocol/table_input.h"

namespace chview::protocol::detail {
namespace {

void require_writable(const RequestContext& ctx) {
  if (!ctx.state.options.writable) {
    throw RequestError("chview: table writes from clients are disabled (start with --writable)");
  }
}

template <typename T>
T value_or_throw(Result<T> result) {
  if (!result.is_ok()) throw RequestError(result.status().message());
  return std::move(result).value();
}

// Applies a client write: the reply goes first, then views update and push (§1.4),
// then on_remove subscribers hear which keys left an index table.
void apply_write(RequestContext& ctx, TableEntry& entry, engine::TableDelta delta, uint32_t port_id,
                 std::vector<columnar::Value> removed_keys = {}) {
  std::shared_ptr<engine::Table> table = entry.table;
  ServerState& state = ctx.state;
  ctx.after_reply.push_back(
      [&state, table, delta = std::move(delta), port_id, removed_keys = std::move(removed_keys)] {
        state.propagate(*table, delta, port_id);
        if (!removed_keys.empty()) state.push_removed_keys(*table, removed_keys);
      });
}

using KeySet = std::set<columnar::Value, columnar::ValueLess>;

KeySet live_keys(const engine::Table& table) {
  KeySet keys;
  for (engine::RowId row : table.rows_in_key_order()) keys.insert(table.primary_key(row));
  return keys;
}

// Only then is it worth listing the keys a write removes.
bool watched_for_removals(const ServerState& state, const engine::Table& table) {
  if (!table.index_column()) return false;
  return std::any_of(state.views.begin(), state.views.end(), [&](const auto& kv) {
    return kv.second.table.get() == &table && !kv.second.on_remove.empty();
  });
}

// The keys of `before` that are no longer in the table (index tables only).
std::vector<columnar::Value> keys_gone(const KeySet& before, const engine::Table& table) {
  if (!table.index_column()) return {};
  KeySet after = live_keys(table);
  std::vector<columnar::Value> gone;
  for (const auto& key : before) {
    if (after.count(key) == 0) gone.push_back(key);
  }
  return gone;
}

// The rows of a view as a batch (MakeTableData.from_view).
Result<columnar::Batch> view_rows(ServerState& state, const std::string& view_id) {
  auto it = state.views.find(view_id);
  if (it == state.views.end()) return not_found("View not found");
  engine::ViewSlice slice = it->second.view->slice(engine::Viewport{});
  return columnar::Batch::make(columnar::Schema(slice.fields), std::move(slice.columns));
}

Result<std::unique_ptr<engine::Table>> make_table_from(ServerState& state, const std::string& name,
                                                       const proto::MakeTableReq& req) {
  engine::TableOptions options;
  if (req.has_options()) {
    if (req.options().has_make_index_table()) options.index = req.options().make_index_table();
    if (req.options().has_make_limit_table()) options.limit = req.options().make_limit_table();
  }
  const auto& data = req.data();
  if (data.has_from_schema()) {
    std::vector<columnar::Field> fields;
    std::set<std::string> seen;
    for (const auto& pair : data.from_schema().schema()) {
      if (!seen.insert(pair.name()).second) {
        return invalid_argument("chview: duplicate column '" + pair.name() + "'");
      }
      if (!proto::ColumnType_IsValid(pair.type())) {  // proto3 enums are open
        return invalid_argument("chview: unknown column type for '" + pair.name() + "'");
      }
      fields.push_back({pair.name(), static_cast<columnar::ColumnType>(pair.type())});
    }
    return engine::Table::make(name, columnar::Schema(std::move(fields)), options);
  }
  if (data.has_from_view()) {
    CHVIEW_ASSIGN_OR_RETURN(columnar::Batch batch, view_rows(state, data.from_view()));
    CHVIEW_ASSIGN_OR_RETURN(auto table, engine::Table::make(name, batch.schema(), options));
    if (batch.num_rows() > 0) CHVIEW_RETURN_IF_ERROR(table->apply_initial_data(batch).status());
    return table;
  }
  if (data.has_from_arrow()) {
    CHVIEW_ASSIGN_OR_RETURN(arrow::DecodedTable arrow, parse_arrow(data.from_arrow()));
    CHVIEW_ASSIGN_OR_RETURN(columnar::Schema schema, arrow_schema(arrow));
    CHVIEW_ASSIGN_OR_RETURN(auto table, engine::Table::make(name, schema, options));
    CHVIEW_ASSIGN_OR_RETURN(columnar::Batch batch, arrow_to_batch(arrow, schema));
    if (batch.num_rows() > 0) CHVIEW_RETURN_IF_ERROR(table->apply_initial_data(batch).status());
    return table;
  }
  if (data.has_from_csv()) {
    CHVIEW_ASSIGN_OR_RETURN(columnar::Batch batch, csv_to_batch(data.from_csv(), nullptr));
    CHVIEW_ASSIGN_OR_RETURN(auto table, engine::Table::make(name, batch.schema(), options));
    // Creation data, like Perspective's: its explicit nulls sort above every value.
    if (batch.num_rows() > 0) CHVIEW_RETURN_IF_ERROR(table->apply_initial_data(batch).status());
    return table;
  }
  CHVIEW_ASSIGN_OR_RETURN(RawColumns raw, parse_table_data(data));
  std::set<std::string> seen(raw.names.begin(), raw.names.end());
  if (seen.size() != raw.names.size()) return invalid_argument("chview: duplicate column names");
  columnar::Schema schema = infer_schema(raw);
  CHVIEW_ASSIGN_OR_RETURN(auto table, engine::Table::make(name, schema, options));
  CHVIEW_ASSIGN_OR_RETURN(columnar::Batch batch, to_batch(raw, schema));
  // Creation data, like Perspective's: its explicit nulls sort above every value.
  if (batch.num_rows() > 0) CHVIEW_RETURN_IF_ERROR(table->apply_initial_data(batch).status());
  return table;
}

// Keys for TableRemoveReq: a JSON list of keys (from_rows "[1,2]"), or the index
// column of rows/columns.
std::vector<columnar::Value> keys_to_remove(const proto::MakeTableData& data,
                                            const engine::Table& table) {
  if (data.has_from_rows()) {
    if (auto keys = parse_key_list(data.from_rows())) return std::move(*keys);
  }
  auto index = table.index_column();
  if (!index) throw RequestError("Cannot remove from unindexed Table\n");
  if (data.has_from_arrow()) {
    return value_or_throw(arrow_keys(data.from_arrow(), table.schema().field(*index)));
  }
  RawColumns raw = value_or_throw(parse_table_data(data));
  const std::string& key_name = table.schema().field(*index).name;
  for (size_t i = 0; i < raw.names.size(); ++i) {
    if (raw.names[i] == key_name) return raw.values[i];
  }
  throw RequestError("chview: remove data lacks the index column '" + key_name + "'");
}

// The reference types every filter value before it validates the config, so a filter
// with a value on an unknown column fails with this text ahead of any other error.
void check_filter_columns(const columnar::Schema& schema, const proto::ViewConfig& config) {
  for (const auto& f : config.filter()) {
    if (f.value_size() > 0 && !schema.index_of(f.column())) {
      throw RequestError("Could not get dtype for column `" + f.column() +
                         "` as it does not exist in the schema.\n");
    }
  }
}

}  // namespace

void table_make_port(RequestContext& ctx) {
  TableEntry& entry = ctx.state.table_or_throw(ctx.request.entity_id());
  ctx.response.mutable_table_make_port_resp()->set_port_id(entry.next_port++);
}

void table_make_view(RequestContext& ctx) {
  const auto& req = ctx.request.table_make_view_req();
  TableEntry& entry = ctx.state.table_or_throw(ctx.request.entity_id());
  if (ctx.state.views.count(req.view_id()) > 0) {
    throw RequestError("chview: view id '" + req.view_id() + "' is already in use");
  }
  check_filter_columns(entry.table->schema(), req.config());
  auto view = make_view_or_throw(*entry.table, req.config());
  ViewEntry& v = ctx.state.views[req.view_id()];
  v.id = req.view_id();
  v.table_name = ctx.request.entity_id();
  v.table = entry.table;
  v.view = std::move(view);
  v.owner = ctx.session;
  if (req.config().has_split_rollup_mode() || req.config().windows_size() > 0) {
    v.fingerprint = ViewEntry::ConfigFingerprint::kV52Plus;
  } else if (req.config().has_group_rollup_mode()) {
    v.fingerprint = ViewEntry::ConfigFingerprint::kRollupViewer;
  }
  ctx.response.mutable_table_make_view_resp()->set_view_id(req.view_id());
}

void table_schema(RequestContext& ctx) {
  TableEntry& entry = ctx.state.table_or_throw(ctx.request.entity_id());
  auto* schema = ctx.response.mutable_table_schema_resp()->mutable_schema();
  for (const auto& field : entry.table->schema().fields()) {
    auto* pair = schema->add_schema();
    pair->set_name(encode::valid_utf8(field.name));
    pair->set_type(to_proto(field.type));
  }
}

void table_size(RequestContext& ctx) {
  TableEntry& entry = ctx.state.table_or_throw(ctx.request.entity_id());
  ctx.response.mutable_table_size_resp()->set_size(static_cast<uint32_t>(entry.table->size()));
}

void table_validate_expr(RequestContext& ctx) {
  ctx.state.table_or_throw(ctx.request.entity_id());
  auto& resp = *ctx.response.mutable_table_validate_expr_resp();
  // Expressions are not supported yet (features.expressions = false): every submitted
  // alias gets an error the viewer can display.
  for (const auto& [alias, text] : ctx.request.table_validate_expr_req().column_to_expr()) {
    auto& error = (*resp.mutable_errors())[alias];
    error.set_error_message("chview: expressions are not supported yet");
    (*resp.mutable_expression_alias())[alias] = text;
  }
}

void make_table(RequestContext& ctx) {
  require_writable(ctx);
  const std::string& name = ctx.request.entity_id();
  if (ctx.state.tables.count(name) > 0) {
    throw RequestError("Table \"" + name + "\" already exists");
  }
  auto table = value_or_throw(make_table_from(ctx.state, name, ctx.request.make_table_req()));
  ctx.state.tables[name].table = std::shared_ptr<engine::Table>(std::move(table));
  ctx.response.mutable_make_table_resp();
  ctx.after_reply.push_back([&state = ctx.state] { state.notify_hosted_tables(); });
}

void make_join_table(RequestContext&) {
  throw RequestError("chview: join tables are not supported");
}

void table_update(RequestContext& ctx) {
  require_writable(ctx);
  const auto& req = ctx.request.table_update_req();
  TableEntry& entry = ctx.state.table_or_throw(ctx.request.entity_id());
  columnar::Batch batch = value_or_throw(parse_write_data(req.data(), entry.table->schema()));
  ctx.response.mutable_table_update_resp();
  if (batch.num_rows() == 0) return;  // the reference sends no on_update for update([])
  engine::TableDelta delta = value_or_throw(entry.table->apply(batch));
  apply_write(ctx, entry, std::move(delta), req.port_id());
}

void table_remove(RequestContext& ctx) {
  require_writable(ctx);
  TableEntry& entry = ctx.state.table_or_throw(ctx.request.entity_id());
  if (!entry.table->index_column()) throw RequestError("Cannot remove from unindexed Table\n");
  auto keys = keys_to_remove(ctx.request.table_remove_req().data(), *entry.table);
  if (keys.empty()) {  // the reference sends no on_update for remove([])
    ctx.response.mutable_table_remove_resp();
    return;
  }
  bool watched = watched_for_removals(ctx.state, *entry.table);
  KeySet before = watched ? live_keys(*entry.table) : KeySet{};
  engine::TableDelta delta = value_or_throw(entry.table->remove(keys));
  ctx.response.mutable_table_remove_resp();
  apply_write(ctx, entry, std::move(delta), 0, keys_gone(before, *entry.table));
}

void table_replace(RequestContext& ctx) {
  require_writable(ctx);
  TableEntry& entry = ctx.state.table_or_throw(ctx.request.entity_id());
  columnar::Batch batch = value_or_throw(
      parse_write_data(ctx.request.table_replace_req().data(), entry.table->schema()));
  KeySet before =
      watched_for_removals(ctx.state, *entry.table) ? live_keys(*entry.table) : KeySet{};
  engine::TableDelta delta = value_or_throw(entry.table->replace(batch));
  ctx.response.mutable_table_replace_resp();
  apply_write(ctx, entry, std::move(delta), 0, keys_gone(before, *entry.table));
}

void table_delete(RequestContext& ctx) {
  require_writable(ctx);
  const std::string& name = ctx.request.entity_id();
  TableEntry& entry = ctx.state.table_or_throw(name);
  bool has_views = ctx.state.views_of(*entry.table) > 0;
  if (ctx.request.table_delete_req().is_immediate()) {
    if (has_views) throw RequestError("Cannot delete table with views");
    ctx.response.mutable_table_delete_resp();
    ctx.after_reply.push_back([&state = ctx.state, name] { state.finish_table_delete(name); });
    return;
  }
  // Lazy: hide it now, finish when its last view is deleted (§5.4).
  entry.delete_pending = true;
  entry.delete_waiters.push_back({ctx.session, ctx.request.msg_id()});
  ctx.deferred = true;
  ctx.after_reply.push_back([&state = ctx.state, name, has_views] {
    state.notify_hosted_tables();
    if (!has_views) state.finish_table_delete(name);
  });
}

void table_on_delete(RequestContext& ctx) {
  TableEntry& entry = ctx.state.table_or_throw(ctx.request.entity_id());
  entry.on_delete.push_back({ctx.session, ctx.request.msg_id()});
  ctx.deferred = true;
}

void table_remove_delete(RequestContext& ctx) {
  TableEntry& entry = ctx.state.table_or_throw(ctx.request.entity_id());
  uint32_t id = ctx.request.table_remove_delete_req().id();
  auto& subs = entry.on_delete;
  subs.erase(std::remove_if(
                 subs.begin(), subs.end(),
                 [&](const Subscriber& s) { return s.session == ctx.session && s.msg_id == id; }),
             subs.end());
  ctx.response.mutable_table_remove_delete_resp();
}

}  // namespace chview::protocol::detail
