// A multiset with k-th element access (internal to engine/; median/q1/q3 states): sorted
// blocks of at most 2·kBlock elements. Insert/erase: O(log n + kBlock) (binary search,
// one block memmove); at(k): O(n / kBlock) over block sizes. Inserts are buffered and
// applied on the next read, sorting everything at once when the buffer is large (a
// bulk build costs one sort, not n tree insertions).
#pragma once

#include <algorithm>
#include <cstddef>
#include <functional>
#include <iterator>
#include <vector>

namespace chview::engine::detail {

template <typename T, typename Less = std::less<T>>
class OrderStatisticSet {
 public:
  void insert(T value) { pending_.push_back(std::move(value)); }
  // Bulk load. Preconditions: the set is empty; `sorted` is ordered by Less.
  void assign_sorted(std::vector<T> sorted) {
    blocks_.clear();
    pending_.clear();
    size_ = sorted.size();
    for (size_t i = 0; i < sorted.size(); i += kBlock) {
      const size_t end = std::min(sorted.size(), i + kBlock);
      blocks_.emplace_back(
          std::make_move_iterator(sorted.begin() + static_cast<std::ptrdiff_t>(i)),
          std::make_move_iterator(sorted.begin() + static_cast<std::ptrdiff_t>(end)));
    }
  }
  // Precondition: `value` is in the set.
  void erase(const T& value) {
    flush();
    auto block = std::partition_point(blocks_.begin(), blocks_.end(),
                                      [&](const auto& b) { return less_(b.back(), value); });
    if (block == blocks_.end()) return;
    auto it = std::lower_bound(block->begin(), block->end(), value, less_);
    if (it == block->end() || less_(value, *it)) return;
    block->erase(it);
    --size_;
    if (block->empty()) blocks_.erase(block);
  }
  size_t size() const { return size_ + pending_.size(); }
  // The largest (size() > 0).
  const T& back() const {
    flush();
    return blocks_.back().back();
  }
  // The k-th smallest (k < size()).
  const T& at(size_t k) const {
    flush();
    for (const std::vector<T>& b : blocks_) {
      if (k < b.size()) return b[k];
      k -= b.size();
    }
    return blocks_.back().back();  // unreachable for k < size()
  }

 private:
  static constexpr size_t kBlock = 256;

  void flush() const {
    if (pending_.empty()) return;
    if (pending_.size() * 8 >= size_) {  // rebuild: one sort
      std::vector<T> all;
      all.reserve(size_ + pending_.size());
      for (std::vector<T>& b : blocks_) std::move(b.begin(), b.end(), std::back_inserter(all));
      std::move(pending_.begin(), pending_.end(), std::back_inserter(all));
      std::sort(all.begin(), all.end(), less_);
      blocks_.clear();
      for (size_t i = 0; i < all.size(); i += kBlock) {
        const size_t end = std::min(all.size(), i + kBlock);
        blocks_.emplace_back(
            std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(i)),
            std::make_move_iterator(all.begin() + static_cast<std::ptrdiff_t>(end)));
      }
      size_ = all.size();
    } else {
      for (T& v : pending_) insert_now(std::move(v));
    }
    pending_.clear();
  }

  void insert_now(T value) const {
    if (blocks_.empty()) blocks_.emplace_back();
    auto block = std::partition_point(blocks_.begin(), blocks_.end() - 1,
                                      [&](const auto& b) { return less_(b.back(), value); });
    block->insert(std::upper_bound(block->begin(), block->end(), value, less_), std::move(value));
    ++size_;
    if (block->size() > 2 * kBlock) {
      std::vector<T> upper(std::make_move_iterator(block->begin() + kBlock),
                           std::make_move_iterator(block->end()));
      block->resize(kBlock);
      blocks_.insert(block + 1, std::move(upper));
    }
  }

  // Reads flush the buffer: logically const.
  mutable std::vector<std::vector<T>> blocks_;
  mutable std::vector<T> pending_;
  mutable size_t size_ = 0;  // elements in blocks_
  [[no_unique_address]] Less less_;
};

}  // namespace chview::engine::detail
