#include <gtest/gtest.h>

#include "base/duration.h"
#include "base/status.h"

namespace chview {
namespace {

TEST(Duration, ParsesUnits) {
  EXPECT_EQ(parse_duration("250ms")->count(), 250);
  EXPECT_EQ(parse_duration("3s")->count(), 3000);
  EXPECT_EQ(parse_duration("1m")->count(), 60000);
  EXPECT_EQ(parse_duration("2h")->count(), 7200000);
  EXPECT_EQ(parse_duration("40")->count(), 40);
  EXPECT_EQ(parse_duration("1.5s")->count(), 1500);
}

TEST(Duration, RejectsGarbage) {
  EXPECT_FALSE(parse_duration("").is_ok());
  EXPECT_FALSE(parse_duration("fast").is_ok());
  EXPECT_FALSE(parse_duration("3 parsecs").is_ok());
  EXPECT_FALSE(parse_duration("-1s").is_ok());
  EXPECT_EQ(parse_duration("5x").status().code(), ErrorCode::kInvalidArgument);
}

TEST(Duration, FormatsRoundTrip) {
  for (const char* text : {"250ms", "3s", "1m", "2h"}) {
    EXPECT_EQ(format_duration(*parse_duration(text)), text);
  }
}

Result<int> half(int x) {
  if (x % 2 != 0) return invalid_argument("odd");
  return x / 2;
}

Result<int> quarter(int x) {
  CHVIEW_ASSIGN_OR_RETURN(int h, half(x));
  return half(h);
}

TEST(Status, PropagatesErrors) {
  EXPECT_EQ(*quarter(8), 2);
  EXPECT_FALSE(quarter(6).is_ok());
  EXPECT_EQ(quarter(6).status().message(), "odd");
  EXPECT_EQ(quarter(6).status().to_string(), "invalid argument: odd");
}

}  // namespace
}  // namespace chview
