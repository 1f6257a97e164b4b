// AggState's bulk paths: the running sums and counts of many rows at once, read from the
// snapshot columns (add_rows), from cells gathered into one contiguous run
// (add_gathered, add_gathered_to), or spread over column groups (add_rows_spread). Each
// state sees the same operations in the same order as AggState::update() would apply.
#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <vector>

#include "engine/detail/agg_state.h"

namespace chview::engine::detail {

void GatheredCells::gather_from(const Column& column, std::span<const RowId> rows) {
  GatheredCells& out = *this;
  out.type = column.type();
  out.valid.resize(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) out.valid[i] = column.is_valid(rows[i]) ? 1 : 0;
  if (out.type == ColumnType::kFloat) {
    const std::span<const double> values = column.float_values();
    out.floats.resize(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) out.floats[i] = values[rows[i]];
  } else if (out.type == ColumnType::kInteger) {
    const std::span<const int64_t> values = column.int64_values();
    out.ints.resize(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) out.ints[i] = values[rows[i]];
  }
}

namespace {

// The running sums' fast paths, shared by add_rows() (cells at rows[i]) and
// add_gathered() (cells at begin + i): the same operations, in the same order, as
// AggState::update().
struct Sums {
  int64_t &count, &non_null, &nan, &falsy, &int_sum, &int_abs_sum;
  double &float_sum, &float_abs_sum, &double_sum;

  template <typename Valid>
  void counts(size_t n, Valid valid) {
    for (size_t i = 0; i < n; ++i) {
      if (valid(i)) {
        ++non_null;
      } else {
        ++falsy;
      }
    }
    count += static_cast<int64_t>(n);
  }
  template <typename Valid, typename Cell>
  void ints(size_t n, Valid valid, Cell cell) {
    for (size_t i = 0; i < n; ++i) {
      ++count;
      if (!valid(i)) {
        ++falsy;
        continue;
      }
      ++non_null;
      const int64_t x = cell(i);
      int_sum += x;
      int_abs_sum += std::abs(x);
      double_sum += static_cast<double>(x);
    }
  }
  template <typename Valid, typename Cell>
  void floats(size_t n, Valid valid, Cell cell) {
    for (size_t i = 0; i < n; ++i) {
      ++count;
      if (!valid(i)) {
        ++falsy;
        continue;
      }
      ++non_null;
      const double x = cell(i);
      if (std::isnan(x)) {
        ++nan;
        continue;
      }
      float_sum += x;
      float_abs_sum += std::fabs(x);
      double_sum += x;
    }
  }
};

}  // namespace

bool AggState::reads_gathered(ColumnType type) const {
  if (values_ || ordered_) return false;
  if (kind_ == AggKind::kCount) return true;
  const bool plain = kind_ != AggKind::kAnd && kind_ != AggKind::kAny &&
                     kind_ != AggKind::kVariance && kind_ != AggKind::kStddev &&
                     kind_ != AggKind::kWeightedMean;
  return plain && (type == ColumnType::kInteger || type == ColumnType::kFloat);
}

// Kinds with a value → rows map (min, max, distinct count…) over many non-string cells:
// the map is filled from the sorted cells (one insertion per distinct value, in order)
// instead of one lookup per row. Not for -0.0 or NaN cells (the map's key for equal
// values is the first row's, which only row order decides): false, nothing changed.
bool AggState::add_values_sorted(const Column& column, std::span<const RowId> rows) {
  constexpr uint64_t kSign = uint64_t{1} << 63;
  const ColumnType type = column.type();
  if (!values_ || ordered_ || type == ColumnType::kString || rows.size() < 64) return false;
  std::vector<std::pair<uint64_t, RowId>> codes;
  codes.reserve(rows.size());
  int64_t nulls = 0;
  for (RowId r : rows) {
    if (column.is_null(r)) {
      ++nulls;
      continue;
    }
    uint64_t code = 0;
    switch (type) {
      case ColumnType::kFloat: {
        const double d = column.float_at(r);
        if (std::isnan(d) || (d == 0 && std::signbit(d))) return false;
        const auto bits = std::bit_cast<uint64_t>(d);
        code = (bits & kSign) ? ~bits : bits | kSign;
        break;
      }
      case ColumnType::kBoolean:
        code = column.bool_at(r) ? 1 : 0;
        break;
      case ColumnType::kDate:
        code = static_cast<uint64_t>(int64_t{column.date_at(r)}) ^ kSign;
        break;
      default:  // integer, datetime
        code = static_cast<uint64_t>(column.int_at(r)) ^ kSign;
        break;
    }
    codes.emplace_back(code, r);
  }
  // The counters as update() keeps them (the map detached meanwhile).
  auto values = std::move(values_);
  for (RowId r : rows) update(column, nullptr, r, 1);
  values_ = std::move(values);
  std::sort(codes.begin(), codes.end());
  auto hint = values_->end();
  for (size_t i = 0; i < codes.size();) {
    size_t j = i + 1;
    while (j < codes.size() && codes[j].first == codes[i].first) ++j;
    auto it = values_->emplace_hint(hint, column.value_at(codes[i].second), 0);
    it->second += static_cast<uint32_t>(j - i);
    hint = std::next(it);
    i = j;
  }
  if (nulls > 0) {
    const bool zero = kind_ == AggKind::kHigh || kind_ == AggKind::kLow;
    (*values_)[zero ? empty_value_of(type) : Value()] += static_cast<uint32_t>(nulls);
  }
  return true;
}

void AggState::add_rows(const Column& column, const Column* argument, std::span<const RowId> rows) {
  Sums sums{count_,       non_null_,  nan_,           falsy_,     int_sum_,
            int_abs_sum_, float_sum_, float_abs_sum_, double_sum_};
  auto valid = [&](size_t i) { return column.is_valid(rows[i]); };
  const ColumnType type = column.type();
  if (!reads_gathered(type)) {
    if (add_values_sorted(column, rows)) return;
    for (RowId r : rows) update(column, argument, r, 1);
  } else if (kind_ == AggKind::kCount) {
    // Only the counts are read for `count` (value(), truthy_count(), has_valid_value()).
    sums.counts(rows.size(), valid);
  } else if (type == ColumnType::kInteger) {
    const std::span<const int64_t> ints = column.int64_values();
    sums.ints(rows.size(), valid, [&](size_t i) { return ints[rows[i]]; });
  } else {
    const std::span<const double> floats = column.float_values();
    sums.floats(rows.size(), valid, [&](size_t i) { return floats[rows[i]]; });
  }
}

void AggState::add_gathered(const GatheredCells& cells, size_t begin, size_t end) {
  Sums sums{count_,       non_null_,  nan_,           falsy_,     int_sum_,
            int_abs_sum_, float_sum_, float_abs_sum_, double_sum_};
  const uint8_t* valid = cells.valid.data() + begin;
  auto is_valid = [valid](size_t i) { return valid[i] != 0; };
  const size_t n = end - begin;
  if (kind_ == AggKind::kCount) {
    sums.counts(n, is_valid);
  } else if (cells.type == ColumnType::kInteger) {
    const int64_t* ints = cells.ints.data() + begin;
    sums.ints(n, is_valid, [ints](size_t i) { return ints[i]; });
  } else {
    const double* floats = cells.floats.data() + begin;
    sums.floats(n, is_valid, [floats](size_t i) { return floats[i]; });
  }
}

namespace {

// K float running sums fed the same cells: per state the operations of add_gathered(), in
// the same order; the K add chains overlap in the CPU.
template <size_t K>
void add_floats(AggState* const* states, const GatheredCells& cells, size_t begin, size_t end,
                double* sums, double* abs_sums, double* double_sums, int64_t* counts) {
  int64_t non_null = 0, nan = 0, falsy = 0;
  for (size_t i = begin; i < end; ++i) {
    if (!cells.valid[i]) {
      ++falsy;
      continue;
    }
    ++non_null;
    const double x = cells.floats[i];
    if (std::isnan(x)) {
      ++nan;
      continue;
    }
    for (size_t j = 0; j < K; ++j) {
      sums[j] += x;
      abs_sums[j] += std::fabs(x);
      double_sums[j] += x;
    }
  }
  (void)states;
  counts[0] = non_null;
  counts[1] = nan;
  counts[2] = falsy;
}

}  // namespace

void AggState::add_gathered_to(std::span<AggState* const> states, const GatheredCells& cells,
                               size_t begin, size_t end) {
  constexpr size_t kMax = 4;
  const bool interleave = cells.type == ColumnType::kFloat && states.size() > 1 &&
                          states.size() <= kMax && states[0]->kind_ != AggKind::kCount;
  if (!interleave) {
    for (AggState* state : states) state->add_gathered(cells, begin, end);
    return;
  }
  double sums[kMax], abs_sums[kMax], double_sums[kMax];
  for (size_t j = 0; j < states.size(); ++j) {
    sums[j] = states[j]->float_sum_;
    abs_sums[j] = states[j]->float_abs_sum_;
    double_sums[j] = states[j]->double_sum_;
  }
  int64_t counts[3];
  switch (states.size()) {
    case 2:
      add_floats<2>(states.data(), cells, begin, end, sums, abs_sums, double_sums, counts);
      break;
    case 3:
      add_floats<3>(states.data(), cells, begin, end, sums, abs_sums, double_sums, counts);
      break;
    default:
      add_floats<4>(states.data(), cells, begin, end, sums, abs_sums, double_sums, counts);
      break;
  }
  for (size_t j = 0; j < states.size(); ++j) {
    AggState& s = *states[j];
    s.float_sum_ = sums[j];
    s.float_abs_sum_ = abs_sums[j];
    s.double_sum_ = double_sums[j];
    s.count_ += static_cast<int64_t>(end - begin);
    s.non_null_ += counts[0];
    s.nan_ += counts[1];
    s.falsy_ += counts[2];
  }
}

void AggState::add_rows_spread(const Column& column, std::span<const RowId> rows,
                               std::span<const uint32_t> group_of, AggState* states,
                               size_t stride) {
  const bool floats = column.type() == ColumnType::kFloat;
  const std::span<const double> float_values = column.float_values();
  const std::span<const int64_t> int_values = column.int64_values();
  for (RowId r : rows) {
    AggState& s = states[group_of[r] * stride];
    ++s.count_;
    if (column.is_null(r)) {
      ++s.falsy_;
      continue;
    }
    ++s.non_null_;
    if (!floats) {
      const int64_t i = int_values[r];
      s.int_sum_ += i;
      s.int_abs_sum_ += std::abs(i);
      s.double_sum_ += static_cast<double>(i);
      continue;
    }
    const double x = float_values[r];
    if (std::isnan(x)) {
      ++s.nan_;
      continue;
    }
    s.float_sum_ += x;
    s.float_abs_sum_ += std::fabs(x);
    s.double_sum_ += x;
  }
}

}  // namespace chview::engine::detail
