// Internal to protocol/: conversions between perspective.proto messages and engine /
// columnar values.
#pragma once

#include <string>

#include "columnar/types.h"
#include "columnar/value.h"
#include "engine/table.h"
#include "engine/view.h"
#include "engine/view_config.h"
#include "protocol/perspective.pb.h"

namespace chview::protocol::detail {

namespace proto = ::perspective::proto;

// ColumnType numbers are Perspective's on both sides.
inline proto::ColumnType to_proto(columnar::ColumnType type) {
  return static_cast<proto::ColumnType>(static_cast<int>(type));
}

columnar::Value value_from_scalar(const proto::Scalar& scalar);
// Perspective's scalar: strings as string, booleans as bool, null, everything else as
// a float (dates/datetimes as epoch milliseconds).
void value_to_scalar(const columnar::Value& value, proto::Scalar* out);

engine::ViewConfig view_config_from_proto(const proto::ViewConfig& config);
// The config as ViewGetConfigResp reports it, with the reference's quirks (§4.8).
void view_config_to_proto(const engine::ViewConfig& config, const engine::Table& table,
                          const engine::View& view, proto::ViewConfig* out);

engine::Viewport viewport_from_proto(const proto::ViewPort& viewport);

}  // namespace chview::protocol::detail
