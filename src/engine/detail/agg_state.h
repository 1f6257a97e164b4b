// Running state of one aggregate over a changing set of rows (internal to engine/), for
// the incremental rollup tree: adding or removing a row costs O(1) (sums, counts, means,
// variance, and/or) or O(log n) (kinds that keep an ordered count map of the values:
// min/max/high/low/distinct count/unique/join; median/q1/q3 keep an order-statistic
// multiset of (value, row), order_statistic_set.h). Rows are read from snapshot columns so
// a row can be removed after the table overwrote or freed its slot.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <vector>

#include "engine/detail/aggregate.h"

namespace chview::engine::detail {

// A column's cells copied into one contiguous run in a given row order (bulk builds:
// each node then reads a contiguous range instead of scattered rows).
struct GatheredCells {
  ColumnType type = ColumnType::kString;
  std::vector<uint8_t> valid;  // 1 = value, 0 = null
  std::vector<double> floats;  // FLOAT
  std::vector<int64_t> ints;   // INTEGER
  // Replaces the contents (reusing the buffers) by column's cells at `rows`.
  void gather_from(const Column& column, std::span<const RowId> rows);
};

class AggState {
 public:
  // Whether `kind` has an incremental state; other kinds are recomputed from the node's
  // rows (pct and gmv read the sum state: their values depend on other nodes).
  static bool supports(AggKind kind);

  explicit AggState(AggKind kind);
  ~AggState();
  AggState(AggState&&) noexcept;
  AggState& operator=(AggState&&) noexcept;

  // `column` / `argument` (weighted mean's weight) hold the row's values.
  void add(const Column& column, const Column* argument, RowId row);
  void remove(const Column& column, const Column* argument, RowId row);
  // add() of each row, in order (a tight loop for the sums).
  void add_rows(const Column& column, const Column* argument, std::span<const RowId> rows);
  // Whether add_gathered() applies: count, or a sum-like kind over INTEGER/FLOAT.
  bool reads_gathered(ColumnType type) const;
  // add_rows() of the rows whose cells are cells[begin, end) (same operations, order).
  void add_gathered(const GatheredCells& cells, size_t begin, size_t end);
  // add_gathered() into each of `states` (all of one kind, reads_gathered()); float sums
  // of up to four states run interleaved (independent chains, same result per state).
  // add_rows() of each row into states[group_of[row] * stride], in one pass (all of one
  // kind with reads_gathered(), not count).
  static void add_rows_spread(const Column& column, std::span<const RowId> rows,
                              std::span<const uint32_t> group_of, AggState* states, size_t stride);
  static void add_gathered_to(std::span<AggState* const> states, const GatheredCells& cells,
                              size_t begin, size_t end);

  // `count` states only: they read no cells (value() is the row count).
  void add_count(int64_t rows) { count_ += rows; }
  int64_t count() const { return count_; }
  bool has_valid_value() const { return non_null_ > 0; }
  // and/any: rows whose value is truthy.
  int64_t truthy_count() const { return count_ - falsy_; }
  // Perspective's value over the current rows; precondition count() > 0.
  Value value(AggKind kind, ColumnType type, bool is_leaf) const;
  // The sum over the non-null numeric values (null for other types).
  Value sum(ColumnType type) const;

 private:
  struct ValueLess {
    bool operator()(const Value& a, const Value& b) const { return null_greatest_before(a, b); }
  };
  Value key_of(const Column& column, RowId row) const;
  bool add_values_sorted(const Column& column, std::span<const RowId> rows);
  void update(const Column& column, const Column* argument, RowId row, int sign);

  AggKind kind_;
  int64_t count_ = 0, non_null_ = 0, nan_ = 0, falsy_ = 0;
  int64_t int_sum_ = 0, int_abs_sum_ = 0;
  double float_sum_ = 0, float_abs_sum_ = 0;  // float columns, NaN skipped
  double double_sum_ = 0;                     // every non-null cell as a double
  double mean_ = 0, m2_ = 0;                  // Welford's running mean and squares (var)
  double weighted_sum_ = 0, weight_sum_ = 0;
  std::unique_ptr<std::map<Value, uint32_t, ValueLess>> values_;  // value → rows holding it
  struct OrderedValues;
  std::unique_ptr<OrderedValues> ordered_;  // median/q1/q3
  Value quantile(float p) const;
};

}  // namespace chview::engine::detail
