// JSON numbers read like the reference's RapidJSON (normal precision), and tables built
// from JSON hold those values.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "protocol/server.h"
#include "protocol/table_input.h"
#include "protocol/test_client.h"

namespace chview::protocol {
namespace {

using detail::reference_json_double;
namespace proto = ::perspective::proto;

TEST(ReferenceJsonDouble, IsNotAlwaysCorrectlyRoundedLikeRapidJson) {
  // 15 / 1e301 in doubles: one ulp below the correctly rounded -1.5e-300.
  EXPECT_EQ(reference_json_double("-1.5e-300"), -1.4999999999999998e-300);
  EXPECT_NE(*reference_json_double("-1.5e-300"), -1.5e-300);
  // Exact significand and power of ten: correctly rounded.
  EXPECT_EQ(reference_json_double("0.1"), 0.1);
  EXPECT_EQ(reference_json_double("123456789.125"), 123456789.125);
  EXPECT_EQ(reference_json_double("1e+21"), 1e21);
  EXPECT_EQ(reference_json_double("1e-7"), 1e-7);
  EXPECT_EQ(reference_json_double("0.3333333333333333"), 1.0 / 3);
  EXPECT_EQ(reference_json_double("1.7976931348623157e308"), std::numeric_limits<double>::max());
  EXPECT_EQ(reference_json_double("5e-324"), 5e-324);
  EXPECT_TRUE(std::signbit(*reference_json_double("-0.0")));
  EXPECT_EQ(reference_json_double("18446744073709551616"), 18446744073709551616.0);
  EXPECT_EQ(reference_json_double("1e400"), std::nullopt);  // RapidJSON: number too big
  EXPECT_EQ(reference_json_double("2e308"), std::nullopt);
  EXPECT_EQ(reference_json_double("1.5x"), std::nullopt);
}

TEST(ReferenceJsonDouble, TablesMadeAndUpdatedFromJsonHoldTheReferenceValues) {
  Server server({.writable = true});
  testing::TestClient client(server);
  proto::Request make = client.request("t");
  make.mutable_make_table_req()->mutable_data()->set_from_rows(R"([{"f":-1.5e-300}])");
  ASSERT_TRUE(client.call(make).has_make_table_resp());
  proto::Request update = client.request("t");
  update.mutable_table_update_req()->mutable_data()->set_from_cols(R"({"f":[1.5e-300,0.5]})");
  ASSERT_TRUE(client.send(update).at(0).has_table_update_resp());
  proto::Request view = client.request("t");
  view.mutable_table_make_view_req()->set_view_id("v");
  view.mutable_table_make_view_req()->mutable_config();
  ASSERT_TRUE(client.call(view).has_table_make_view_resp());
  proto::Request read = client.request("v");
  read.mutable_view_to_columns_string_req();
  EXPECT_EQ(client.call(read).view_to_columns_string_resp().json_string(),
            R"({"f":[-1.4999999999999998e-300,1.4999999999999998e-300,0.5]})");
}

}  // namespace
}  // namespace chview::protocol
