// RollupTree's visible rows: pre-order over expanded nodes (rollup), leaves only (flat)
// or the grand total (total); expand/collapse/set_depth keep their state by row path.
#include "engine/detail/rollup_tree.h"

namespace chview::engine::detail {

void RollupTree::refresh_visible() {
  for (Node* n : visible_) n->visible_index = SIZE_MAX;
  visible_.clear();
  if (!root_) return;
  if (mode_ == GroupRollupMode::kTotal) {
    visible_.push_back(root_.get());
    if (total_open_) {
      for (Node* c : root_->order) visit(c);
    }
  } else {
    visit(root_.get());
  }
  for (size_t i = 0; i < visible_.size(); ++i) visible_[i]->visible_index = i;
}

void RollupTree::visit(Node* node) {
  if (mode_ == GroupRollupMode::kFlat) {
    if (is_leaf(node)) visible_.push_back(node);
    for (Node* c : node->order) visit(c);
    return;
  }
  visible_.push_back(node);
  if (!node->expanded) return;
  for (Node* c : node->order) visit(c);
}

size_t RollupTree::expand(size_t row_index) {
  if (row_index >= visible_.size()) return 0;
  Node* n = visible_[row_index];
  const bool open_total =
      mode_ == GroupRollupMode::kTotal && row_index == 0 && !total_open_ && !group_by_.empty();
  if (mode_ != GroupRollupMode::kRollup && !open_total) return 0;
  // Nothing to open: ctx1 replies 0, Perspective's pivoted (ctx2) views the row index of
  // a leaf.
  if (n->depth >= group_by_.size()) return split() ? row_index : 0;
  if (n->expanded && !open_total) return 0;
  const size_t before = visible_.size();
  // Perspective's TOTAL view is a tree with its root closed: expand(0) opens one level,
  // until the next update closes it again.
  total_open_ = total_open_ || open_total;
  n->expanded = true;
  overrides_[n->path] = true;
  // Like Perspective, expanding opens one level: the children come back collapsed.
  for (Node* c : n->order) {
    if (c->depth < group_by_.size()) {
      c->expanded = false;
      overrides_[c->path] = false;
    }
  }
  refresh_visible();
  return visible_.size() - before;
}

size_t RollupTree::collapse(size_t row_index) {
  if (mode_ == GroupRollupMode::kTotal && row_index == 0 && total_open_) {
    const size_t before = visible_.size();
    total_open_ = false;
    refresh_visible();
    return before - visible_.size();
  }
  if (mode_ != GroupRollupMode::kRollup || row_index >= visible_.size()) return 0;
  Node* n = visible_[row_index];
  if (n->depth >= group_by_.size() || !n->expanded) return 0;
  const size_t before = visible_.size();
  n->expanded = false;
  overrides_[n->path] = false;
  refresh_visible();
  return before - visible_.size();
}

void RollupTree::set_depth(uint32_t depth) {
  depth_limit_ = depth + 1;
  overrides_.clear();
  auto walk = [this](auto&& self, Node* n) -> void {
    n->expanded = default_expanded(n->depth);
    for (Node* c : n->order) self(self, c);
  };
  if (root_) walk(walk, root_.get());
  refresh_visible();
}

}  // namespace chview::engine::detail
