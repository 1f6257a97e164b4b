#include "net/origin.h"

#include <gtest/gtest.h>

namespace chview::net {
namespace {

TEST(OriginAllowed, ClientsWithoutAnOriginHeaderAreAllowed) {
  EXPECT_TRUE(origin_allowed("", "localhost:8080", {}));
}

TEST(OriginAllowed, ThePageChviewServedIsAllowed) {
  EXPECT_TRUE(origin_allowed("http://localhost:8080", "localhost:8080", {}));
  EXPECT_TRUE(origin_allowed("http://LocalHost:8080/", "localhost:8080", {}));
  EXPECT_TRUE(origin_allowed("https://10.0.0.5:8443", "10.0.0.5:8443", {}));
}

TEST(OriginAllowed, OtherSitesAreRefusedUnlessListed) {
  EXPECT_FALSE(origin_allowed("http://evil.example", "localhost:8080", {}));
  EXPECT_FALSE(origin_allowed("http://localhost:9999", "localhost:8080", {}));
  EXPECT_FALSE(origin_allowed("null", "localhost:8080", {}));
  EXPECT_TRUE(origin_allowed("https://app.example.com", "localhost:8080",
                             {"https://other.example", "https://App.Example.com/"}));
  EXPECT_FALSE(origin_allowed("https://app.example.com.evil", "localhost:8080",
                              {"https://app.example.com"}));
}

TEST(OriginAllowed, StarAllowsEveryOrigin) {
  EXPECT_TRUE(origin_allowed("http://anywhere.example", "localhost:8080", {"*"}));
}

}  // namespace
}  // namespace chview::net
