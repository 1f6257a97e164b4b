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

// Perspective 5.5.1's aggregate menu per type (what its server sends), in its order: the
// viewer's default aggregate is the first entry. Two-argument aggregates name the type
// of their extra column. Older clients (3.8, 4.x) decode the same message.
struct AggregateEntry {
  std::string_view name;
  bool takes_float_argument = false;
};
constexpr std::array<AggregateEntry, 15> kStringAggregates = {{{"count"},
                                                               {"any"},
                                                               {"distinct count"},
                                                               {"distinct leaf"},
                                                               {"dominant"},
                                                               {"first"},
                                                               {"join"},
                                                               {"last"},
                                                               {"last by index"},
                                                               {"median"},
                                                               {"q1"},
                                                               {"q3"},
                                                               {"unique"},
                                                               {"min by", true},
                                                               {"max by", true}}};
constexpr std::array<AggregateEntry, 17> kDateAggregates = {{{"count"},
                                                             {"any"},
                                                             {"avg"},
                                                             {"distinct count"},
                                                             {"distinct leaf"},
                                                             {"dominant"},
                                                             {"first"},
                                                             {"high"},
                                                             {"low"},
                                                             {"min"},
                                                             {"max"},
                                                             {"last by index"},
                                                             {"last"},
                                                             {"median"},
                                                             {"q1"},
                                                             {"q3"},
                                                             {"unique"}}};
constexpr std::array<AggregateEntry, 33> kNumberAggregates = {{{"sum"},
                                                               {"abs sum"},
                                                               {"any"},
                                                               {"avg"},
                                                               {"count"},
                                                               {"distinct count"},
                                                               {"distinct leaf"},
                                                               {"dominant"},
                                                               {"first"},
                                                               {"gmv"},
                                                               {"high"},
                                                               {"low"},
                                                               {"max"},
                                                               {"min"},
                                                               {"high minus low"},
                                                               {"last by index"},
                                                               {"last minus first"},
                                                               {"last"},
                                                               {"mean"},
                                                               {"median"},
                                                               {"mul"},
                                                               {"q1"},
                                                               {"q3"},
                                                               {"pct sum parent"},
                                                               {"pct sum total"},
                                                               {"stddev"},
                                                               {"sum abs"},
                                                               {"sum not null"},
                                                               {"unique"},
                                                               {"var"},
                                                               {"weighted mean", true},
                                                               {"min by", true},
                                                               {"max by", true}}};
constexpr std::array<AggregateEntry, 11> kBooleanAggregates = {{{"count"},
                                                                {"and"},
                                                                {"any"},
                                                                {"distinct count"},
                                                                {"distinct leaf"},
                                                                {"dominant"},
                                                                {"first"},
                                                                {"last"},
                                                                {"last by index"},
                                                                {"or"},
                                                                {"unique"}}};

template <size_t N>
void add_aggregates(proto::GetFeaturesResp& features, proto::ColumnType type,
                    const std::array<AggregateEntry, N>& entries) {
  auto& options = (*features.mutable_aggregates())[static_cast<uint32_t>(type)];
  for (const AggregateEntry& entry : entries) {
    auto* aggregate = options.add_aggregates();
    aggregate->set_name(std::string(entry.name));
    if (entry.takes_float_argument) aggregate->add_args(proto::FLOAT);
  }
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
  // What the engine computes: flat, grouped, pivoted and split-only views with filter,
  // sort and live updates; no expressions, so the viewer hides "New Column".
  features.set_group_by(true);
  features.set_split_by(true);
  features.set_expressions(false);
  features.set_on_update(true);
  features.set_sort(true);
  add_filter_ops(features, proto::STRING, kStringFilterOps);
  for (auto type : {proto::INTEGER, proto::FLOAT, proto::DATE, proto::DATETIME, proto::BOOLEAN}) {
    add_filter_ops(features, type, kOtherFilterOps);
  }
  add_aggregates(features, proto::STRING, kStringAggregates);
  add_aggregates(features, proto::DATE, kDateAggregates);
  add_aggregates(features, proto::DATETIME, kDateAggregates);
  add_aggregates(features, proto::INTEGER, kNumberAggregates);
  add_aggregates(features, proto::FLOAT, kNumberAggregates);
  add_aggregates(features, proto::BOOLEAN, kBooleanAggregates);
  features.add_group_rollup_mode(proto::ROLLUP);
  features.add_group_rollup_mode(proto::FLAT);
  features.add_group_rollup_mode(proto::TOTAL);
  // Split rollup (total column groups) is not computed yet: FLAT only, so the viewer
  // offers no other split mode.
  features.add_split_rollup_mode(proto::SPLIT_ROLLUP_MODE_FLAT);
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
