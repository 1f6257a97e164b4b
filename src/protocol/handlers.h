// Internal to protocol/: one handler per request variant, grouped by family in
// client_requests.cpp, table_requests.cpp, view_requests.cpp and output_requests.cpp.
// A handler fills ctx.response (or sets ctx.deferred) and throws RequestError when the
// request cannot continue; the dispatcher owns replies and error handling.
#pragma once

#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "protocol/perspective.pb.h"
#include "protocol/server_state.h"

namespace chview::protocol::detail {

struct RequestContext {
  ServerState& state;
  SessionId session;
  const proto::Request& request;
  proto::Response& response;
  std::string_view frame;  // the raw request bytes
  // No reply now: the request is a subscription answered by later pushes.
  bool deferred = false;
  // Work that must follow the reply (e.g. on_update pushes after a table write).
  std::vector<std::function<void()>> after_reply;

  SessionInfo& session_info() { return state.sessions.at(session); }
};

// Decodes nothing, sends nothing: routes one parsed request to its handler.
void dispatch(RequestContext& ctx);
// The field number of the first envelope field above entity_id in a raw Request (an
// unknown variant), or 2 when there is none (the number Perspective reports then).
uint32_t unknown_variant_number(std::string_view frame);

// client_requests.cpp
void get_features(RequestContext& ctx);
void get_hosted_tables(RequestContext& ctx);
void remove_hosted_tables_update(RequestContext& ctx);
void server_system_info(RequestContext& ctx);

// table_requests.cpp
void table_make_port(RequestContext& ctx);
void table_make_view(RequestContext& ctx);
void table_schema(RequestContext& ctx);
void table_size(RequestContext& ctx);
void table_validate_expr(RequestContext& ctx);
void make_table(RequestContext& ctx);
void make_join_table(RequestContext& ctx);
void table_update(RequestContext& ctx);
void table_remove(RequestContext& ctx);
void table_replace(RequestContext& ctx);
void table_delete(RequestContext& ctx);
void table_on_delete(RequestContext& ctx);
void table_remove_delete(RequestContext& ctx);

// view_requests.cpp
// A view over `table` (flat, grouped, pivoted or split-only) for a TableMakeViewReq's
// config; throws RequestError with the engine's text (Perspective's for user errors,
// "chview: … is not supported yet" for what chview cannot compute).
std::unique_ptr<engine::View> make_view_or_throw(const engine::Table& table,
                                                 const proto::ViewConfig& config);
void view_column_paths(RequestContext& ctx);
void view_delete(RequestContext& ctx);
void view_dimensions(RequestContext& ctx);
void view_expression_schema(RequestContext& ctx);
void view_get_config(RequestContext& ctx);
void view_schema(RequestContext& ctx);
void view_collapse(RequestContext& ctx);
void view_expand(RequestContext& ctx);
void view_set_depth(RequestContext& ctx);
void view_get_min_max(RequestContext& ctx);
void view_on_update(RequestContext& ctx);
void view_remove_on_update(RequestContext& ctx);
void view_on_delete(RequestContext& ctx);
void view_remove_delete(RequestContext& ctx);
void view_on_remove(RequestContext& ctx);
void view_remove_on_remove(RequestContext& ctx);

// output_requests.cpp
void view_to_arrow(RequestContext& ctx);
void view_to_columns_string(RequestContext& ctx);
void view_to_rows_string(RequestContext& ctx);
void view_to_ndjson_string(RequestContext& ctx);
void view_to_csv(RequestContext& ctx);

}  // namespace chview::protocol::detail
