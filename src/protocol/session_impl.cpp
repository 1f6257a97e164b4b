#include "protocol/session_impl.h"

#include <optional>
#include <string>
#include <utility>

#include "protocol/encode/utf8.h"
#include "protocol/handlers.h"

namespace chview::protocol::detail {
namespace {

// What can be salvaged from a frame that failed to parse: the envelope's msg_id and
// entity_id, when they precede the damage.
struct Envelope {
  std::optional<uint32_t> msg_id;
  std::string entity_id;
};

std::optional<uint64_t> read_varint(std::string_view bytes, size_t& pos) {
  uint64_t value = 0;
  for (int shift = 0; shift < 64 && pos < bytes.size(); shift += 7) {
    auto b = static_cast<uint8_t>(bytes[pos++]);
    value |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) return value;
  }
  return std::nullopt;
}

// Walks the top-level fields of a Request; `visit(field, wire_type, payload)` for each
// until the bytes end or are malformed.
template <typename Visit>
void walk_fields(std::string_view bytes, Visit visit) {
  size_t pos = 0;
  while (pos < bytes.size()) {
    auto tag = read_varint(bytes, pos);
    if (!tag) break;
    uint64_t field = *tag >> 3;
    uint32_t wire_type = *tag & 7;
    if (wire_type == 0) {
      auto v = read_varint(bytes, pos);
      if (!v) break;
      visit(field, wire_type, *v, std::string_view());
    } else if (wire_type == 2) {
      auto len = read_varint(bytes, pos);
      if (!len || *len > bytes.size() - pos) break;
      visit(field, wire_type, 0, bytes.substr(pos, *len));
      pos += *len;
    } else if (wire_type == 1 && bytes.size() - pos >= 8) {
      pos += 8;
    } else if (wire_type == 5 && bytes.size() - pos >= 4) {
      pos += 4;
    } else {
      break;
    }
  }
}

Envelope salvage_envelope(std::string_view bytes) {
  Envelope env;
  walk_fields(bytes, [&](uint64_t field, uint32_t wire_type, uint64_t v, std::string_view s) {
    if (field == 1 && wire_type == 0) env.msg_id = static_cast<uint32_t>(v);
    if (field == 2 && wire_type == 2) {
      // Echoed in a `string` field: invalid UTF-8 would make the client drop the frame.
      env.entity_id.clear();
      encode::append_valid_utf8(env.entity_id, s);
    }
  });
  return env;
}

proto::Response error_response(uint32_t msg_id, const std::string& entity_id,
                               const std::string& message, proto::StatusCode code) {
  proto::Response response;
  response.set_msg_id(msg_id);
  response.set_entity_id(entity_id);
  auto* error = response.mutable_server_error();
  error->set_message(message);
  error->set_status_code(code);
  return response;
}

}  // namespace

uint32_t unknown_variant_number(std::string_view frame) {
  uint32_t number = 0;
  walk_fields(frame, [&](uint64_t field, uint32_t, uint64_t, std::string_view) {
    if (number == 0 && field > 2 && field < (1u << 29)) number = static_cast<uint32_t>(field);
  });
  return number == 0 ? 2 : number;
}

SessionImpl::SessionImpl(std::shared_ptr<ServerState> state, std::shared_ptr<FrameSink> sink)
    : state_(std::move(state)), sink_(std::move(sink)), id_(state_->next_session_id++) {
  state_->sessions[id_].sink = sink_;
}

SessionImpl::~SessionImpl() { state_->close_session(id_); }

void SessionImpl::handle_frame(std::string_view frame) {
  proto::Request request;
  if (!request.ParseFromArray(frame.data(), static_cast<int>(frame.size()))) {
    Envelope env = salvage_envelope(frame);
    if (env.msg_id) {
      state_->send(id_,
                   error_response(*env.msg_id, env.entity_id, "chview: malformed request frame",
                                  proto::StatusCode::SERVER_ERROR));
    } else {
      sink_->close("malformed request");
    }
    return;
  }

  proto::Response response;
  response.set_msg_id(request.msg_id());
  response.set_entity_id(request.entity_id());
  RequestContext ctx{*state_, id_, request, response, frame, false, {}};
  // The one place where "this request cannot continue" becomes a ServerError reply.
  try {
    dispatch(ctx);
  } catch (const RequestError& e) {
    ctx.deferred = false;
    ctx.after_reply.clear();
    response = error_response(request.msg_id(), request.entity_id(), e.what(), e.code());
  } catch (const std::exception& e) {
    ctx.deferred = false;
    ctx.after_reply.clear();
    response = error_response(request.msg_id(), request.entity_id(), e.what(),
                              proto::StatusCode::SERVER_ERROR);
  }
  if (!ctx.deferred) state_->send(id_, response);
  for (auto& action : ctx.after_reply) action();
}

}  // namespace chview::protocol::detail
