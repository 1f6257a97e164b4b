#include "protocol/test_client.h"

#include <gtest/gtest.h>

#include "columnar/batch.h"
#include "columnar/datetime.h"

namespace chview::protocol::testing {

TestClient::TestClient(Server& server, const SessionHints& hints)
    : session_(server.open_session(sink, hints)) {}

std::vector<std::string> TestClient::send_bytes(std::string_view bytes) {
  sink->frames.clear();
  session_->handle_frame(bytes);
  std::vector<std::string> out = std::move(sink->frames);
  sink->frames.clear();
  return out;
}

std::vector<proto::Response> TestClient::send(const proto::Request& request) {
  std::vector<proto::Response> out;
  for (const std::string& frame : send_bytes(request.SerializeAsString())) {
    out.push_back(decode(frame));
  }
  return out;
}

proto::Response TestClient::call(const proto::Request& request) {
  std::vector<proto::Response> replies = send(request);
  EXPECT_EQ(replies.size(), 1u) << "request " << request.msg_id();
  if (replies.empty()) return {};
  EXPECT_EQ(replies[0].msg_id(), request.msg_id());
  EXPECT_EQ(replies[0].entity_id(), request.entity_id());
  return replies[0];
}

std::vector<proto::Response> TestClient::take_pushes() {
  std::vector<proto::Response> out;
  for (const std::string& frame : sink->frames) out.push_back(decode(frame));
  sink->frames.clear();
  return out;
}

proto::Request TestClient::request(const std::string& entity_id) {
  proto::Request r;
  r.set_msg_id(next_msg_id_++);
  r.set_entity_id(entity_id);
  return r;
}

proto::Response decode(const std::string& frame) {
  proto::Response response;
  EXPECT_TRUE(response.ParseFromString(frame)) << hex(frame);
  return response;
}

std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (char c : bytes) {
    auto b = static_cast<unsigned char>(c);
    if (!out.empty()) out.push_back(' ');
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xF]);
  }
  return out;
}

std::string unhex(std::string_view text) {
  std::string out;
  int nibble = -1;
  for (char c : text) {
    int v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
    if (v < 0) continue;
    if (nibble < 0) {
      nibble = v;
    } else {
      out.push_back(static_cast<char>(nibble * 16 + v));
      nibble = -1;
    }
  }
  return out;
}

std::shared_ptr<engine::Table> worked_example_table(const std::string& name,
                                                    engine::TableOptions options) {
  using columnar::ColumnType;
  using columnar::Date;
  using columnar::DateTime;
  std::vector<columnar::Field> fields = {{"id", ColumnType::kInteger}, {"k", ColumnType::kString},
                                         {"c", ColumnType::kString},   {"v", ColumnType::kInteger},
                                         {"f", ColumnType::kFloat},    {"d", ColumnType::kDate},
                                         {"t", ColumnType::kDatetime}, {"b", ColumnType::kBoolean}};
  auto table = engine::Table::make(name, columnar::Schema(fields), options);
  EXPECT_TRUE(table.is_ok()) << table.status().to_string();
  columnar::BatchBuilder b(fields);
  auto d = [](const char* s) { return Date{*columnar::parse_date(s)}; };
  auto t = [](const char* s) { return DateTime{*columnar::parse_datetime(s)}; };
  b.add_row({1, "a", "x", 10, 1.5, d("2024-01-01"), t("2024-01-01T10:00:00Z"), true});
  b.add_row({2, "b", "x", 20, 2.5, d("2024-01-02"), t("2024-01-02T11:30:00Z"), false});
  b.add_row({3, "a", "y", 30, nullptr, d("2024-01-03"), t("2024-01-03T12:00:00.123Z"), true});
  b.add_row({4, "b", "y", 40, 4.0, nullptr, nullptr, nullptr});
  auto batch = std::move(b).finish();
  EXPECT_TRUE(batch.is_ok());
  EXPECT_TRUE((*table)->apply(*batch).is_ok());
  return std::shared_ptr<engine::Table>(std::move(table).value());
}

}  // namespace chview::protocol::testing
