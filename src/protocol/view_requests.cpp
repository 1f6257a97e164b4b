// View requests: metadata, config, tree navigation, min/max, subscriptions, delete.
#include <algorithm>
#include <cstdio>

#include "columnar/datetime.h"
#include "protocol/encode/json_encoder.h"
#include "protocol/encode/utf8.h"
#include "protocol/handlers.h"
#include "protocol/proto_convert.h"
#include "protocol/view_layout.h"

namespace chview::protocol::detail {
namespace {

ViewEntry& view_of(RequestContext& ctx) { return ctx.state.view_or_throw(ctx.request.entity_id()); }

void unsubscribe(std::vector<Subscriber>& subs, SessionId session, uint32_t id) {
  subs.erase(
      std::remove_if(subs.begin(), subs.end(),
                     [&](const Subscriber& s) { return s.session == session && s.msg_id == id; }),
      subs.end());
}

uint32_t clamp_u32(size_t n) { return static_cast<uint32_t>(std::min<size_t>(n, UINT32_MAX)); }

// §6.3: which encoding this client's min/max decoder expects.
MinMaxEncoding min_max_encoding(const RequestContext& ctx, const ViewEntry& view) {
  using Fingerprint = ViewEntry::ConfigFingerprint;
  const SessionInfo& session = ctx.state.sessions.at(ctx.session);
  if (session.min_max_hint) return *session.min_max_hint;
  if (view.fingerprint == Fingerprint::kV52Plus) return MinMaxEncoding::kScalar;
  if (session.sent_leaves_only) return MinMaxEncoding::kJsonText;
  if (session.hosted_tables_subscriber || session.sent_legacy_names_flag) {
    return MinMaxEncoding::kScalar;  // viewer >= 5.0 or client >= 4.5
  }
  if (view.fingerprint == Fingerprint::kRollupViewer) {
    return ctx.state.options.rollup_viewer_min_max;
  }
  return ctx.state.options.default_min_max;
}

std::string encode_min_max_value(const columnar::Value& value, MinMaxEncoding encoding) {
  std::string out;
  if (encoding == MinMaxEncoding::kScalar) {
    proto::Scalar scalar;
    value_to_scalar(value, &scalar);
    // Perspective answers a date with its internal packing, year << 16 | month0 << 8 | day.
    if (value.kind() == columnar::Value::Kind::kDate) {
      int year = 0, month = 0, day = 0;
      const std::string text = columnar::format_date(value.as_date().days);
      if (std::sscanf(text.c_str(), "%d-%d-%d", &year, &month, &day) == 3) {
        scalar.set_float_(static_cast<double>(year * 65536 + (month - 1) * 256 + day));
      }
    }
    scalar.SerializeToString(&out);
  } else {
    encode::append_json_value(out, value, /*formatted=*/true);
  }
  return out;
}

}  // namespace

std::unique_ptr<engine::View> make_view_or_throw(const engine::Table& table,
                                                 const proto::ViewConfig& config) {
  auto view =
      engine::View::make(table, view_config_from_proto(config), engine::ViewOptions{.pivot = true});
  if (view.is_ok()) return std::move(view).value();
  const Status& status = view.status();
  if (status.code() == ErrorCode::kUnsupported) {
    throw RequestError("chview: " + status.message());
  }
  throw RequestError(status.message());
}

void view_column_paths(RequestContext& ctx) {
  ViewEntry& v = view_of(ctx);
  const auto& req = ctx.request.view_column_paths_req();
  std::vector<std::string> paths = v.view->column_paths();
  for (auto& hidden : hidden_column_paths(*v.view)) paths.push_back(std::move(hidden));
  size_t start = req.has_start_col() ? std::min<size_t>(req.start_col(), paths.size()) : 0;
  size_t end = req.has_end_col() ? std::min<size_t>(req.end_col(), paths.size()) : paths.size();
  auto& resp = *ctx.response.mutable_view_column_paths_resp();
  for (size_t i = start; i < end; ++i) resp.add_paths(encode::valid_utf8(paths[i]));
}

void view_delete(RequestContext& ctx) {
  view_of(ctx);
  // delete_view pushes on_delete first; the reply follows (§1.3).
  ctx.state.delete_view(ctx.request.entity_id());
  ctx.response.mutable_view_delete_resp();
}

void view_dimensions(RequestContext& ctx) {
  const engine::View& view = *view_of(ctx).view;
  engine::ViewDimensions d = view.dimensions();
  auto& resp = *ctx.response.mutable_view_dimensions_resp();
  resp.set_num_table_rows(clamp_u32(d.num_table_rows));
  resp.set_num_table_columns(clamp_u32(d.num_table_columns));
  resp.set_num_view_rows(clamp_u32(d.num_view_rows));
  resp.set_num_view_columns(clamp_u32(num_view_columns(view)));
}

void view_expression_schema(RequestContext& ctx) {
  view_of(ctx);  // no expressions in v1: an empty schema
  ctx.response.mutable_view_expression_schema_resp();
}

void view_get_config(RequestContext& ctx) {
  ViewEntry& v = view_of(ctx);
  view_config_to_proto(v.view->config(), *v.table, *v.view,
                       ctx.response.mutable_view_get_config_resp()->mutable_config());
}

void view_schema(RequestContext& ctx) {
  ViewEntry& v = view_of(ctx);
  auto& schema = *ctx.response.mutable_view_schema_resp()->mutable_schema();
  for (const auto& [name, type] : view_schema(*v.view)) {
    schema[encode::valid_utf8(name)] = to_proto(type);
  }
}

void view_collapse(RequestContext& ctx) {
  size_t changed = view_of(ctx).view->collapse(ctx.request.view_collapse_req().row_index());
  ctx.response.mutable_view_collapse_resp()->set_num_changed(clamp_u32(changed));
}

void view_expand(RequestContext& ctx) {
  size_t changed = view_of(ctx).view->expand(ctx.request.view_expand_req().row_index());
  ctx.response.mutable_view_expand_resp()->set_num_changed(clamp_u32(changed));
}

void view_set_depth(RequestContext& ctx) {
  view_of(ctx).view->set_depth(ctx.request.view_set_depth_req().depth());
  ctx.response.mutable_view_set_depth_resp();
}

void view_get_min_max(RequestContext& ctx) {
  ViewEntry& v = view_of(ctx);
  const std::string& column = ctx.request.view_get_min_max_req().column_name();
  auto result = shape_of(v.view->config()) == ViewShape::kFlat
                    ? v.view->min_max(column)
                    : aggregated_min_max(*v.view, column);
  if (!result.is_ok()) throw RequestError(result.status().message());
  MinMaxEncoding encoding = min_max_encoding(ctx, v);
  auto& resp = *ctx.response.mutable_view_get_min_max_resp();
  resp.set_min(encode_min_max_value(result->first, encoding));
  resp.set_max(encode_min_max_value(result->second, encoding));
}

void view_on_update(RequestContext& ctx) {
  ViewEntry& v = view_of(ctx);
  const auto& req = ctx.request.view_on_update_req();
  // Like the reference: once anyone asks for ROW, every subscriber gets deltas.
  if (req.has_mode() && req.mode() == proto::ViewOnUpdateReq::ROW) v.row_deltas = true;
  v.on_update.push_back({ctx.session, ctx.request.msg_id()});
  ctx.deferred = true;
}

void view_remove_on_update(RequestContext& ctx) {
  ViewEntry& v = view_of(ctx);
  unsubscribe(v.on_update, ctx.session, ctx.request.view_remove_on_update_req().id());
  ctx.response.mutable_view_remove_on_update_resp();
}

void view_on_delete(RequestContext& ctx) {
  view_of(ctx).on_delete.push_back({ctx.session, ctx.request.msg_id()});
  ctx.deferred = true;
}

void view_remove_delete(RequestContext& ctx) {
  unsubscribe(view_of(ctx).on_delete, ctx.session, ctx.request.view_remove_delete_req().id());
  ctx.response.mutable_view_remove_delete_resp();
}

void view_on_remove(RequestContext& ctx) {
  // Pushed after client removes/replaces on index tables; server-side ingest deltas
  // do not carry removed keys, so those do not push.
  view_of(ctx).on_remove.push_back({ctx.session, ctx.request.msg_id()});
  ctx.deferred = true;
}

void view_remove_on_remove(RequestContext& ctx) {
  unsubscribe(view_of(ctx).on_remove, ctx.session, ctx.request.view_remove_on_remove_req().id());
  ctx.response.mutable_view_remove_on_remove_resp();
}

}  // namespace chview::protocol::detail
