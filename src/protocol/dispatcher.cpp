#include <string>

#include "protocol/handlers.h"

namespace chview::protocol::detail {

void dispatch(RequestContext& ctx) {
  using R = proto::Request;
  switch (ctx.request.client_req_case()) {
    case R::kGetFeaturesReq:
      return get_features(ctx);
    case R::kGetHostedTablesReq:
      return get_hosted_tables(ctx);
    case R::kRemoveHostedTablesUpdateReq:
      return remove_hosted_tables_update(ctx);
    case R::kServerSystemInfoReq:
      return server_system_info(ctx);

    case R::kTableMakePortReq:
      return table_make_port(ctx);
    case R::kTableMakeViewReq:
      return table_make_view(ctx);
    case R::kTableSchemaReq:
      return table_schema(ctx);
    case R::kTableSizeReq:
      return table_size(ctx);
    case R::kTableValidateExprReq:
      return table_validate_expr(ctx);
    case R::kMakeTableReq:
      return make_table(ctx);
    case R::kMakeJoinTableReq:
      return make_join_table(ctx);
    case R::kTableUpdateReq:
      return table_update(ctx);
    case R::kTableRemoveReq:
      return table_remove(ctx);
    case R::kTableReplaceReq:
      return table_replace(ctx);
    case R::kTableDeleteReq:
      return table_delete(ctx);
    case R::kTableOnDeleteReq:
      return table_on_delete(ctx);
    case R::kTableRemoveDeleteReq:
      return table_remove_delete(ctx);

    case R::kViewColumnPathsReq:
      return view_column_paths(ctx);
    case R::kViewDeleteReq:
      return view_delete(ctx);
    case R::kViewDimensionsReq:
      return view_dimensions(ctx);
    case R::kViewExpressionSchemaReq:
      return view_expression_schema(ctx);
    case R::kViewGetConfigReq:
      return view_get_config(ctx);
    case R::kViewSchemaReq:
      return view_schema(ctx);
    case R::kViewCollapseReq:
      return view_collapse(ctx);
    case R::kViewExpandReq:
      return view_expand(ctx);
    case R::kViewSetDepthReq:
      return view_set_depth(ctx);
    case R::kViewGetMinMaxReq:
      return view_get_min_max(ctx);
    case R::kViewOnUpdateReq:
      return view_on_update(ctx);
    case R::kViewRemoveOnUpdateReq:
      return view_remove_on_update(ctx);
    case R::kViewOnDeleteReq:
      return view_on_delete(ctx);
    case R::kViewRemoveDeleteReq:
      return view_remove_delete(ctx);
    case R::kViewOnRemoveReq:
      return view_on_remove(ctx);
    case R::kViewRemoveOnRemoveReq:
      return view_remove_on_remove(ctx);

    case R::kViewToArrowReq:
      return view_to_arrow(ctx);
    case R::kViewToColumnsStringReq:
      return view_to_columns_string(ctx);
    case R::kViewToRowsStringReq:
      return view_to_rows_string(ctx);
    case R::kViewToNdjsonStringReq:
      return view_to_ndjson_string(ctx);
    case R::kViewToCsvReq:
      return view_to_csv(ctx);

    case R::CLIENT_REQ_NOT_SET:
      break;
  }
  // A variant this build does not know parses as an unknown field: name its number.
  throw RequestError("Unhandled request type " + std::to_string(unknown_variant_number(ctx.frame)));
}

}  // namespace chview::protocol::detail
