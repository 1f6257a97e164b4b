// Client-level requests: features, hosted tables, system info.
#include <algorithm>
#include <array>
#include <fstream>
#include <string_view>

#include "engine/view_config.h"
#include "protocol/handlers.h"

namespace chview::protocol::detail {
namespace {

// Perspective's filter ops per type (§2.5), restricted below to what the engine accepts.
constexpr std::array<std::string_view, 18> kStringFilterOps = {
    "==",          "!=",           ">",           ">=",
    "<",           "<=",           "begins with", "not begins with",
    "contains",    "not contains", "ends with",   "not ends with",
    "matches",     "not matches",  "in",          "not in",
    "is not null", "is null"};
constexpr std::array<std::string_view, 8> kOtherFilterOps = {
    "==", "!=", ">", ">=", "<", "<=", "is not null", "is null"};

template <size_t N>
void add_filter_ops(proto::GetFeaturesResp& features, proto::ColumnType type,
                    const std::array<std::string_view, N>& ops) {
  auto& options = (*features.mutable_filter_ops())[static_cast<uint32_t>(type)];
  for (std::string_view op : ops) {
    if (engine::is_known_filter_op(op)) options.add_options(std::string(op));
  }
}

void add_default_aggregate(proto::GetFeaturesResp& features, proto::ColumnType type,
                           const char* name) {
  auto& options = (*features.mutable_aggregates())[static_cast<uint32_t>(type)];
  options.add_aggregates()->set_name(name);
}

// Resident memory from /proc (Linux); 0 elsewhere. Only a status display reads it.
uint64_t resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t pages_total = 0, pages_resident = 0;
  if (!(statm >> pages_total >> pages_resident)) return 0;
  return pages_resident * 4096;
}

}  // namespace

void get_features(RequestContext& ctx) {
  auto& features = *ctx.response.mutable_get_features_resp();
  // Advertise exactly what the v1 engine does: flat views with filter, sort, live
  // updates. No group_by/split_by/expressions, so the viewer hides those controls.
  features.set_group_by(false);
  features.set_split_by(false);
  features.set_expressions(false);
  features.set_on_update(true);
  features.set_sort(true);
  add_filter_ops(features, proto::STRING, kStringFilterOps);
  for (auto type : {proto::INTEGER, proto::FLOAT, proto::DATE, proto::DATETIME, proto::BOOLEAN}) {
    add_filter_ops(features, type, kOtherFilterOps);
  }
  // Only the default aggregate per type: viewers (4.x and 5.x) pick the first entry
  // for every column, and flat views ignore aggregates anyway.
  add_default_aggregate(features, proto::STRING, "count");
  add_default_aggregate(features, proto::DATE, "count");
  add_default_aggregate(features, proto::DATETIME, "count");
  add_default_aggregate(features, proto::BOOLEAN, "count");
  add_default_aggregate(features, proto::INTEGER, "sum");
  add_default_aggregate(features, proto::FLOAT, "sum");
  features.add_group_rollup_mode(proto::ROLLUP);
  // window_aggregates stays empty: older clients cannot decode it, and the viewer then
  // hides window columns.
}

void get_hosted_tables(RequestContext& ctx) {
  if (ctx.request.get_hosted_tables_req().subscribe()) {
    ctx.session_info().hosted_tables_subscriber = true;
    ctx.state.hosted_table_subscribers.push_back({ctx.session, ctx.request.msg_id()});
    ctx.deferred = true;
    return;
  }
  auto& resp = *ctx.response.mutable_get_hosted_tables_resp();
  for (const auto& [name, entry] : ctx.state.tables) {
    if (entry.delete_pending) continue;
    auto* info = resp.add_table_infos();
    info->set_entity_id(name);
    const auto& options = entry.table->options();
    if (options.index) info->set_index(*options.index);
    if (options.limit) info->set_limit(static_cast<uint32_t>(*options.limit));
  }
}

void remove_hosted_tables_update(RequestContext& ctx) {
  uint32_t id = ctx.request.remove_hosted_tables_update_req().id();
  auto& subs = ctx.state.hosted_table_subscribers;
  subs.erase(std::remove_if(
                 subs.begin(), subs.end(),
                 [&](const Subscriber& s) { return s.session == ctx.session && s.msg_id == id; }),
             subs.end());
  ctx.response.mutable_remove_hosted_tables_update_resp();
}

void server_system_info(RequestContext& ctx) {
  auto& info = *ctx.response.mutable_server_system_info_resp();
  uint64_t rss = resident_bytes();
  info.set_heap_size(rss);
  info.set_used_size(rss);
}

}  // namespace chview::protocol::detail
