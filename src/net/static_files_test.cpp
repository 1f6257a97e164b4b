#include "net/static_files.h"

#include <gtest/gtest.h>

#include <fstream>

namespace chview::net {
namespace {

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("chview_static_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(root_ / "web");
    std::filesystem::create_directories(root_ / "viewer" / "dist" / "cdn");
    std::ofstream(root_ / "web" / "index.html") << "i";
    std::ofstream(root_ / "web" / "a b.js") << "a";
    std::ofstream(root_ / "viewer" / "dist" / "cdn" / "v.js") << "v";
    std::ofstream(root_ / "outside.txt") << "o";
    // A symlink inside the mount pointing outside it must not be followed.
    std::filesystem::create_symlink(root_ / "outside.txt", root_ / "web" / "link.txt");
    mounts_ = {{"/", root_ / "web"}, {"/pkg/viewer/", root_ / "viewer"}};
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::optional<std::filesystem::path> resolve(std::string_view target) {
    return resolve_static_file(mounts_, target);
  }

  std::filesystem::path root_;
  std::vector<StaticMount> mounts_;
};

TEST_F(StaticFilesTest, MapsUrlsToFilesByLongestPrefix) {
  EXPECT_EQ(resolve("/"), root_ / "web" / "index.html");
  EXPECT_EQ(resolve("/?table=x"), root_ / "web" / "index.html");
  EXPECT_EQ(resolve("/index.html#frag"), root_ / "web" / "index.html");
  EXPECT_EQ(resolve("/a%20b.js"), root_ / "web" / "a b.js");
  EXPECT_EQ(resolve("/pkg/viewer/dist/cdn/v.js"), root_ / "viewer" / "dist" / "cdn" / "v.js");
}

TEST_F(StaticFilesTest, RefusesMissingAndUnsafePaths) {
  EXPECT_EQ(resolve("/missing.js"), std::nullopt);
  EXPECT_EQ(resolve("/pkg/viewer/"), std::nullopt);      // no index.html
  EXPECT_EQ(resolve("/pkg/viewer/dist"), std::nullopt);  // a directory
  EXPECT_EQ(resolve("/../outside.txt"), std::nullopt);
  EXPECT_EQ(resolve("/%2E%2E/outside.txt"), std::nullopt);
  EXPECT_EQ(resolve("/pkg/viewer/..%2f..%2foutside.txt"), std::nullopt);
  EXPECT_EQ(resolve("/./index.html"), std::nullopt);
  EXPECT_EQ(resolve("/..\\outside.txt"), std::nullopt);
  EXPECT_EQ(resolve("/index.html%00.js"), std::nullopt);
  EXPECT_EQ(resolve("/bad%zzescape"), std::nullopt);
  EXPECT_EQ(resolve("/link.txt"), std::nullopt);
  EXPECT_EQ(resolve("index.html"), std::nullopt);
  EXPECT_EQ(resolve(""), std::nullopt);
}

TEST(ContentType, ByExtension) {
  EXPECT_EQ(content_type_for("a/x.wasm"), "application/wasm");
  EXPECT_EQ(content_type_for("x.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("x.mjs"), "text/javascript; charset=utf-8");
  EXPECT_EQ(content_type_for("x.css"), "text/css; charset=utf-8");
  EXPECT_EQ(content_type_for("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(content_type_for("x.js.map"), "application/json");
  EXPECT_EQ(content_type_for("noext"), "application/octet-stream");
}

}  // namespace
}  // namespace chview::net
