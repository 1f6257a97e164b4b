#include "engine/view_config.h"

#include <array>
#include <utility>

namespace chview::engine {
namespace {

constexpr std::array<std::pair<SortOp, std::string_view>, 9> kSortOps{{
    {SortOp::kNone, "none"},
    {SortOp::kAsc, "asc"},
    {SortOp::kDesc, "desc"},
    {SortOp::kColAsc, "col asc"},
    {SortOp::kColDesc, "col desc"},
    {SortOp::kAscAbs, "asc abs"},
    {SortOp::kDescAbs, "desc abs"},
    {SortOp::kColAscAbs, "col asc abs"},
    {SortOp::kColDescAbs, "col desc abs"},
}};

constexpr std::array<std::string_view, 24> kFilterOps{
    "==",
    "!=",
    "<",
    "<=",
    ">",
    ">=",
    "begins with",
    "startswith",
    "ends with",
    "endswith",
    "contains",
    "not contains",
    "in",
    "not in",
    "matches",
    "not matches",
    "is null",
    "is None",
    "is not null",
    "is not None",
    "not begins with",
    "not startswith",
    "not ends with",
    "not endswith",
};

}  // namespace

std::string_view sort_op_name(SortOp op) {
  for (const auto& [o, name] : kSortOps) {
    if (o == op) return name;
  }
  return "none";
}

std::optional<SortOp> parse_sort_op(std::string_view name) {
  for (const auto& [o, n] : kSortOps) {
    if (n == name) return o;
  }
  return std::nullopt;
}

bool is_known_filter_op(std::string_view op) {
  for (std::string_view known : kFilterOps) {
    if (known == op) return true;
  }
  return false;
}

}  // namespace chview::engine
