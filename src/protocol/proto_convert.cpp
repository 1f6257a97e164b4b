#include "protocol/proto_convert.h"

#include <algorithm>
#include <string_view>

#include "columnar/datetime.h"
#include "protocol/encode/utf8.h"
#include "protocol/view_layout.h"

namespace chview::protocol::detail {
namespace {

constexpr double kMsPerDay = 86'400'000.0;

// get_config renames these filter ops (reference quirk).
std::string_view config_filter_op_name(std::string_view op) {
  if (op == "begins with") return "startswith";
  if (op == "ends with") return "endswith";
  if (op == "not begins with") return "not startswith";
  if (op == "not ends with") return "not endswith";
  if (op == "is None") return "is null";
  if (op == "is not None") return "is not null";
  return op;
}

// A filter value as get_config echoes it: coerced to the column's type, dates as
// "YYYY-MM-DD", datetimes and numbers as floats.
void filter_value_to_scalar(const columnar::Value& raw, const engine::Table& table,
                            const std::string& column, proto::Scalar* out) {
  auto index = table.schema().index_of(column);
  columnar::Value value = raw;
  if (index && !raw.is_null()) {
    columnar::Value coerced = columnar::coerce(raw, table.schema().field(*index).type);
    if (!coerced.is_null()) value = coerced;
  }
  if (value.kind() == columnar::Value::Kind::kDate) {
    out->set_string(columnar::format_date(value.as_date().days));
  } else {
    value_to_scalar(value, out);
  }
}

}  // namespace

columnar::Value value_from_scalar(const proto::Scalar& scalar) {
  switch (scalar.scalar_case()) {
    case proto::Scalar::kBool:
      return columnar::Value(scalar.bool_());
    case proto::Scalar::kFloat:
      return columnar::Value(scalar.float_());
    case proto::Scalar::kString:
      return columnar::Value(scalar.string());
    case proto::Scalar::kNull:
    case proto::Scalar::SCALAR_NOT_SET:
      break;
  }
  return columnar::Value();
}

void value_to_scalar(const columnar::Value& value, proto::Scalar* out) {
  using Kind = columnar::Value::Kind;
  switch (value.kind()) {
    case Kind::kNull:
      out->set_null(proto::NULL_VALUE);
      break;
    case Kind::kBool:
      out->set_bool_(value.as_bool());
      break;
    case Kind::kInt:
      out->set_float_(static_cast<double>(value.as_int()));
      break;
    case Kind::kFloat:
      out->set_float_(value.as_float());
      break;
    case Kind::kString:
      out->set_string(encode::valid_utf8(value.as_string()));
      break;
    case Kind::kDate:
      out->set_float_(value.as_date().days * kMsPerDay);
      break;
    case Kind::kDateTime:
      out->set_float_(static_cast<double>(value.as_datetime().ms));
      break;
  }
}

engine::ViewConfig view_config_from_proto(const proto::ViewConfig& in) {
  engine::ViewConfig config;
  if (in.has_columns() && in.columns().has_columns()) {
    const auto& names = in.columns().columns().columns();
    config.columns = std::vector<std::string>(names.begin(), names.end());
  }
  config.group_by.assign(in.group_by().begin(), in.group_by().end());
  config.split_by.assign(in.split_by().begin(), in.split_by().end());
  // Protobuf maps have no order; sort by name so the config is deterministic.
  for (const auto& [column, list] : in.aggregates()) {
    engine::Aggregate aggregate;
    aggregate.column = column;
    if (list.aggregations_size() > 0) aggregate.name = list.aggregations(0);
    for (int i = 1; i < list.aggregations_size(); ++i) {
      aggregate.args.push_back(list.aggregations(i));
    }
    config.aggregates.push_back(std::move(aggregate));
  }
  std::sort(config.aggregates.begin(), config.aggregates.end(),
            [](const auto& a, const auto& b) { return a.column < b.column; });
  for (const auto& [alias, text] : in.expressions()) {
    config.expressions.push_back({alias, text});
  }
  std::sort(config.expressions.begin(), config.expressions.end(),
            [](const auto& a, const auto& b) { return a.alias < b.alias; });
  for (const auto& f : in.filter()) {
    engine::FilterTerm term{f.column(), f.op(), {}};
    for (const auto& v : f.value()) term.values.push_back(value_from_scalar(v));
    config.filter.push_back(std::move(term));
  }
  config.filter_op = in.filter_op() == proto::ViewConfig::OR ? engine::FilterCombinator::kOr
                                                             : engine::FilterCombinator::kAnd;
  for (const auto& s : in.sort()) {
    config.sort.push_back({s.column(), static_cast<engine::SortOp>(static_cast<int>(s.op()))});
  }
  if (in.has_group_by_depth()) config.group_by_depth = in.group_by_depth();
  if (in.has_group_rollup_mode()) {
    config.group_rollup_mode =
        static_cast<engine::GroupRollupMode>(static_cast<int>(in.group_rollup_mode()));
  }
  if (in.has_split_rollup_mode()) {
    config.split_rollup_mode =
        static_cast<engine::SplitRollupMode>(static_cast<int>(in.split_rollup_mode()));
  }
  return config;
}

void view_config_to_proto(const engine::ViewConfig& config, const engine::Table& table,
                          const engine::View& view, proto::ViewConfig* out) {
  // The requested columns, or every table column (never the "x|v" output names).
  auto* columns = out->mutable_columns()->mutable_columns();
  for (const auto& name : visible_columns(view)) columns->add_columns(name);
  for (const auto& g : config.group_by) out->add_group_by(g);
  for (const auto& s : config.split_by) out->add_split_by(s);
  // Grouped, pivoted and split-only views report the aggregate of every column they
  // aggregate, defaults and hidden sort columns included (§4.8).
  for (const auto& a : reported_aggregates(view)) {
    auto& list = (*out->mutable_aggregates())[a.column];
    list.Clear();
    list.add_aggregations(a.name);
    for (const auto& arg : a.args) list.add_aggregations(arg);
  }
  for (const auto& s : config.sort) {
    bool column_sort = s.op == engine::SortOp::kColAsc || s.op == engine::SortOp::kColDesc ||
                       s.op == engine::SortOp::kColAscAbs || s.op == engine::SortOp::kColDescAbs;
    if (column_sort) continue;  // the reference drops column sorts from get_config
    auto* sort = out->add_sort();
    sort->set_column(s.column);
    sort->set_op(static_cast<proto::SortOp>(static_cast<int>(s.op)));
  }
  for (const auto& f : config.filter) {
    auto* filter = out->add_filter();
    filter->set_column(f.column);
    filter->set_op(std::string(config_filter_op_name(f.op)));
    if (f.op == "in" || f.op == "not in") {
      // The reference echoes list filters with as many leading nulls as values.
      for (size_t i = 0; i < f.values.size(); ++i) {
        filter->add_value()->set_null(proto::NULL_VALUE);
      }
    }
    for (const auto& v : f.values) filter_value_to_scalar(v, table, f.column, filter->add_value());
  }
  out->set_filter_op(config.filter_op == engine::FilterCombinator::kOr ? proto::ViewConfig::OR
                                                                       : proto::ViewConfig::AND);
  if (config.group_by_depth) out->set_group_by_depth(*config.group_by_depth);
  out->set_group_rollup_mode(static_cast<proto::GroupRollupMode>(
      static_cast<int>(config.group_rollup_mode.value_or(engine::GroupRollupMode::kRollup))));
  out->set_split_rollup_mode(static_cast<proto::SplitRollupMode>(
      static_cast<int>(config.split_rollup_mode.value_or(engine::SplitRollupMode::kFlat))));
  for (const auto& e : config.expressions) (*out->mutable_expressions())[e.alias] = e.text;
}

engine::Viewport viewport_from_proto(const proto::ViewPort& in) {
  engine::Viewport vp;
  if (in.has_start_row()) vp.start_row = in.start_row();
  if (in.has_start_col()) vp.start_col = in.start_col();
  if (in.has_end_row()) vp.end_row = in.end_row();
  if (in.has_end_col()) vp.end_col = in.end_col();
  return vp;
}

}  // namespace chview::protocol::detail
