// View data exports: JSON columns/rows/NDJSON, CSV, Arrow.
#include <algorithm>
#include <vector>

#include "engine/view.h"
#include "protocol/encode/arrow_adapter.h"
#include "protocol/encode/csv_encoder.h"
#include "protocol/encode/json_encoder.h"
#include "protocol/handlers.h"
#include "protocol/proto_convert.h"

namespace chview::protocol::detail {
namespace {

engine::View& view_of(RequestContext& ctx) {
  return *ctx.state.view_or_throw(ctx.request.entity_id()).view;
}

template <typename Req>
encode::JsonOptions json_options(RequestContext& ctx, const Req& req) {
  // leaves_only is only sent by 3.x/4.0–4.2 clients; on flat views it changes nothing.
  if (req.has_leaves_only()) ctx.session_info().sent_leaves_only = true;
  if (req.viewport().has_emit_legacy_row_path_names()) {
    ctx.session_info().sent_legacy_names_flag = true;
  }
  return {req.id(), req.index(), req.formatted()};
}

// The viewport's rows. A view without data columns has rows all the same (their keys
// still appear in __ID__), which a column-windowed slice would drop.
engine::ViewSlice slice_of(const engine::View& view, const proto::ViewPort& viewport) {
  if (!view.fields().empty()) return view.slice(viewport_from_proto(viewport));
  size_t n = view.num_rows();
  size_t start = std::min<size_t>(viewport.has_start_row() ? viewport.start_row() : 0, n);
  size_t end = std::min<size_t>(viewport.has_end_row() ? viewport.end_row() : n, n);
  std::vector<size_t> rows;
  for (size_t r = start; r < end; ++r) rows.push_back(r);
  return view.rows(rows);
}

}  // namespace

void view_to_columns_string(RequestContext& ctx) {
  const auto& req = ctx.request.view_to_columns_string_req();
  engine::View& view = view_of(ctx);
  auto options = json_options(ctx, req);
  ctx.response.mutable_view_to_columns_string_resp()->set_json_string(
      encode::encode_columns_json(slice_of(view, req.viewport()), options));
}

void view_to_rows_string(RequestContext& ctx) {
  const auto& req = ctx.request.view_to_rows_string_req();
  engine::View& view = view_of(ctx);
  auto options = json_options(ctx, req);
  auto* resp = ctx.response.mutable_view_to_rows_string_resp();
  // The reference writes rows (maybe only __ID__/__INDEX__) only while the window's
  // start is within the clamped end plus one per requested key column.
  const auto& vp = req.viewport();
  size_t num_columns = view.fields().size();
  size_t end_col = vp.has_end_col() ? std::min<size_t>(vp.end_col(), num_columns) : num_columns;
  size_t key_columns = (options.id ? 1 : 0) + (options.index ? 1 : 0);
  if (vp.has_start_col() && vp.start_col() > end_col + key_columns) {
    resp->set_json_string("[]");
    return;
  }
  resp->set_json_string(
      encode::encode_rows_json(view.slice(viewport_from_proto(req.viewport())), options));
}

void view_to_ndjson_string(RequestContext& ctx) {
  const auto& req = ctx.request.view_to_ndjson_string_req();
  engine::View& view = view_of(ctx);
  json_options(ctx, req);
  // Reference behaviour (§4.1): NDJSON ignores the viewport and the flags.
  ctx.response.mutable_view_to_ndjson_string_resp()->set_ndjson_string(
      encode::encode_ndjson(view.slice(engine::Viewport{}), encode::JsonOptions{}));
}

void view_to_csv(RequestContext& ctx) {
  const auto& req = ctx.request.view_to_csv_req();
  engine::View& view = view_of(ctx);
  ctx.response.mutable_view_to_csv_resp()->set_csv(
      encode::encode_csv(view.slice(viewport_from_proto(req.viewport()))));
}

void view_to_arrow(RequestContext& ctx) {
  const auto& req = ctx.request.view_to_arrow_req();
  engine::View& view = view_of(ctx);
  if (req.viewport().has_emit_legacy_row_path_names()) {
    ctx.session_info().sent_legacy_names_flag = true;
  }
  auto bytes = encode::encode_arrow(view.slice(viewport_from_proto(req.viewport())),
                                    encode::parse_compression(req.compression()));
  if (!bytes.is_ok()) throw RequestError(bytes.status().message());
  ctx.response.mutable_view_to_arrow_resp()->set_arrow(std::move(bytes).value());
}

}  // namespace chview::protocol::detail
