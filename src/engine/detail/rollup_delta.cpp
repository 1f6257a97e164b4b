// Which recomputed tree nodes Perspective 5.5.1 lists in an on_update ROW delta although
// their shown values did not change.
//
// Perspective recomputes the nodes on the paths of the changed rows (and always the
// grand total) and records a delta when an aggregate's old and new scalars differ —
// compared with their types. Some aggregates never compare equal after a recompute:
// `count` never reads its old value, `last` never sets its new one, and an aggregate with nothing
// to show is an untyped "none" compared with the typed value stored before (var/stddev over fewer
// than two values, `any` without a truthy value, most aggregates of an empty grand total).
#include <algorithm>

#include "engine/detail/rollup_tree.h"

namespace chview::engine::detail {
namespace {

// Aggregates whose value over no rows at all is such a "none".
bool none_without_rows(AggKind kind) {
  switch (kind) {
    case AggKind::kMin:
    case AggKind::kMax:
    case AggKind::kMinBy:
    case AggKind::kMaxBy:
    case AggKind::kMedian:
    case AggKind::kQ1:
    case AggKind::kQ3:
    case AggKind::kVariance:
    case AggKind::kStddev:
    case AggKind::kAny:
    case AggKind::kCount:
    case AggKind::kDominant:
    case AggKind::kFirst:
    case AggKind::kLastByIndex:
    case AggKind::kLastMinusFirst:
    case AggKind::kSumNotNull:
    case AggKind::kSumAbs:
    case AggKind::kAbsSum:
    case AggKind::kGmv:
      return true;
    default:
      return false;
  }
}

// The node's value `v` of an aggregate of this kind is such a "none".
bool none_value(AggKind kind, const Value& v) {
  switch (kind) {
    case AggKind::kVariance:
    case AggKind::kStddev:
      return v.is_null();
    case AggKind::kAny:
      // Any non-null string reads as true (even "").
      return v.is_null() || (v.kind() != Value::Kind::kString && !is_truthy(v));
    default:
      return false;
  }
}

}  // namespace

bool RollupTree::reports_unchanged(const Node* node, std::span<const uint32_t> combos) const {
  // Split views: a row's cells are nodes of Perspective's per-column-group trees; only
  // the column groups the change touched were recomputed.
  if (combos.empty()) return false;
  auto any_slot = [this](auto&& pred) {
    return std::any_of(column_slots_.begin(), column_slots_.end(),
                       [&](const Slot& s) { return pred(s.spec.kind); }) ||
           std::any_of(sort_slots_.begin(), sort_slots_.end(),
                       [&](const Slot& s) { return pred(s.spec.kind); });
  };
  // count never reads its old value; last never sets its new one.
  if (any_slot([](AggKind k) { return k == AggKind::kCount || k == AggKind::kLast; })) {
    return true;
  }
  if (node->size == 0 && any_slot(none_without_rows)) return true;
  const size_t width = columns_.size();
  for (uint32_t k : combos) {
    for (size_t i = 0; i < width && i < column_slots_.size(); ++i) {
      const size_t at = k * width + i;
      if (at < node->values.size() && none_value(column_slots_[i].spec.kind, node->values[at])) {
        return true;
      }
    }
  }
  // Total-only views: 5.5.1 lists no node for its sort aggregates (observed).
  if (mode_ == GroupRollupMode::kTotal) return false;
  for (size_t t = 0; t < sort_slots_.size() && t < node->sort_values.size(); ++t) {
    if (none_value(sort_slots_[t].spec.kind, node->sort_values[t])) return true;
  }
  return false;
}

}  // namespace chview::engine::detail
