// View data exports: JSON columns/rows/NDJSON, CSV, Arrow.
#include <algorithm>
#include <span>
#include <vector>

#include "engine/view.h"
#include "protocol/encode/arrow_adapter.h"
#include "protocol/encode/csv_encoder.h"
#include "protocol/encode/json_encoder.h"
#include "protocol/handlers.h"
#include "protocol/proto_convert.h"
#include "protocol/view_layout.h"

namespace chview::protocol::detail {
namespace {

engine::View& view_of(RequestContext& ctx) {
  return *ctx.state.view_or_throw(ctx.request.entity_id()).view;
}

void note_client_hints(RequestContext& ctx, const proto::ViewPort& viewport) {
  if (viewport.has_emit_legacy_row_path_names()) ctx.session_info().sent_legacy_names_flag = true;
}

template <typename Req>
encode::JsonOptions json_options(RequestContext& ctx, const Req& req, const engine::View& view) {
  // leaves_only is only sent by 3.x/4.0–4.2 clients.
  if (req.has_leaves_only()) ctx.session_info().sent_leaves_only = true;
  note_client_hints(ctx, req.viewport());
  encode::JsonOptions options{req.id(), req.index(), req.formatted()};
  options.labelling = labelling_of(view.config());
  if (req.leaves_only() && options.labelling == encode::RowLabelling::kRowPaths) {
    options.leaves_only_depth = view.config().group_by.size();
  }
  // Split-only __ID__ shows the row above: the first row of the window needs its key.
  const auto& vp = req.viewport();
  if (options.labelling == encode::RowLabelling::kSplitOnly && vp.has_start_row() &&
      vp.start_row() > 0 && vp.start_row() <= view.num_rows()) {
    const size_t above = vp.start_row() - 1;
    options.key_before_slice = view.rows(std::span<const size_t>(&above, 1)).row_keys.at(0);
  }
  return options;
}

// The viewport's rows. A view without data columns has rows all the same (their keys
// still appear in __ID__), which a column-windowed slice would drop.
engine::ViewSlice slice_of(const engine::View& view, const proto::ViewPort& requested) {
  const proto::ViewPort viewport = visible_window(view, requested);
  if (!view.fields().empty()) return view.slice(viewport_from_proto(viewport));
  size_t n = view.num_rows();
  size_t start = std::min<size_t>(viewport.has_start_row() ? viewport.start_row() : 0, n);
  size_t end = std::min<size_t>(viewport.has_end_row() ? viewport.end_row() : n, n);
  std::vector<size_t> rows;
  for (size_t r = start; r < end; ++r) rows.push_back(r);
  return view.rows(rows);
}

// Grouped views list the table rows under each row in __INDEX__ (only when asked: it
// scans the view's rows).
void with_row_indices(const engine::View& view, const engine::ViewSlice& slice,
                      encode::JsonOptions& options,
                      std::vector<std::vector<columnar::Value>>& storage) {
  const ViewShape shape = shape_of(view.config());
  if (!options.index || (shape != ViewShape::kGrouped && shape != ViewShape::kTotalOnly)) return;
  storage = grouped_row_indices(view, slice);
  options.row_indices = &storage;
}

}  // namespace

void view_to_columns_string(RequestContext& ctx) {
  const auto& req = ctx.request.view_to_columns_string_req();
  engine::View& view = view_of(ctx);
  auto options = json_options(ctx, req, view);
  engine::ViewSlice slice = slice_of(view, req.viewport());
  std::vector<std::vector<columnar::Value>> indices;
  with_row_indices(view, slice, options, indices);
  ctx.response.mutable_view_to_columns_string_resp()->set_json_string(
      encode::encode_columns_json(slice, options));
}

void view_to_rows_string(RequestContext& ctx) {
  const auto& req = ctx.request.view_to_rows_string_req();
  engine::View& view = view_of(ctx);
  auto options = json_options(ctx, req, view);
  auto* resp = ctx.response.mutable_view_to_rows_string_resp();
  // The reference writes rows (maybe only __ID__/__INDEX__) only while the window's
  // start is within the clamped end plus one per requested key column.
  const auto& vp = req.viewport();
  const bool flat = options.labelling == encode::RowLabelling::kFlat;
  size_t num_columns = view.fields().size();
  size_t end_col = vp.has_end_col() ? std::min<size_t>(vp.end_col(), num_columns) : num_columns;
  size_t key_columns = (options.id ? 1 : 0) + (options.index ? 1 : 0);
  if (flat && vp.has_start_col() && vp.start_col() > end_col + key_columns) {
    resp->set_json_string("[]");
    return;
  }
  engine::ViewSlice slice = slice_of(view, req.viewport());
  std::vector<std::vector<columnar::Value>> indices;
  with_row_indices(view, slice, options, indices);
  resp->set_json_string(encode::encode_rows_json(slice, options));
}

void view_to_ndjson_string(RequestContext& ctx) {
  const auto& req = ctx.request.view_to_ndjson_string_req();
  engine::View& view = view_of(ctx);
  const encode::JsonOptions requested = json_options(ctx, req, view);
  // Reference behaviour (§4.1): NDJSON ignores the viewport and the flags (5.x; only
  // old clients send leaves_only).
  encode::JsonOptions options;
  options.labelling = requested.labelling;
  options.leaves_only_depth = requested.leaves_only_depth;
  ctx.response.mutable_view_to_ndjson_string_resp()->set_ndjson_string(
      encode::encode_ndjson(view.slice(engine::Viewport{}), options));
}

void view_to_csv(RequestContext& ctx) {
  const auto& req = ctx.request.view_to_csv_req();
  engine::View& view = view_of(ctx);
  note_client_hints(ctx, req.viewport());
  engine::ViewSlice slice = slice_of(view, req.viewport());
  ctx.response.mutable_view_to_csv_resp()->set_csv(
      encode::encode_csv(slice, arrow_layout(view, slice, /*legacy_row_path_names=*/true)));
}

void view_to_arrow(RequestContext& ctx) {
  const auto& req = ctx.request.view_to_arrow_req();
  engine::View& view = view_of(ctx);
  note_client_hints(ctx, req.viewport());
  engine::ViewSlice slice = slice_of(view, req.viewport());
  // Legacy "<col> (Group by N)" names unless the client asks for __ROW_PATH_<n>__.
  const bool legacy = !req.viewport().has_emit_legacy_row_path_names() ||
                      req.viewport().emit_legacy_row_path_names();
  auto bytes = encode::encode_arrow(slice, encode::parse_compression(req.compression()),
                                    arrow_layout(view, slice, legacy));
  if (!bytes.is_ok()) throw RequestError(bytes.status().message());
  ctx.response.mutable_view_to_arrow_resp()->set_arrow(std::move(bytes).value());
}

}  // namespace chview::protocol::detail
